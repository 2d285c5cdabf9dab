//! Validation of the yard's identifiers: VINs (ISO 3779), IMO ship numbers and
//! UN/LOCODEs. Each check returns why a value is wrong, in words for an error line.

/// ISO 3779 transliteration of a VIN character to its value; I, O and Q never occur.
fn vin_value(c: u8) -> Option<u32> {
    Some(match c {
        b'0'..=b'9' => (c - b'0') as u32,
        b'A' | b'J' => 1,
        b'B' | b'K' | b'S' => 2,
        b'C' | b'L' | b'T' => 3,
        b'D' | b'M' | b'U' => 4,
        b'E' | b'N' | b'V' => 5,
        b'F' | b'W' => 6,
        b'G' | b'P' | b'X' => 7,
        b'H' | b'Y' => 8,
        b'R' | b'Z' => 9,
        _ => return None,
    })
}

const VIN_WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/// The check digit (position 9) a 17-character VIN should carry: `0`–`9` or `X`.
/// None when the VIN has a character that no VIN may have.
pub fn vin_check_digit(vin: &str) -> Option<char> {
    let b = vin.as_bytes();
    if b.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (i, &c) in b.iter().enumerate() {
        sum += vin_value(c)? * VIN_WEIGHTS[i];
    }
    let r = sum % 11;
    Some(if r == 10 {
        'X'
    } else {
        char::from_digit(r, 10).unwrap_or('0')
    })
}

/// What is wrong with a VIN, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VinVerdict {
    Valid,
    /// The check digit is wrong on a VIN whose region does not enforce it (only a
    /// warning; European and Asian makers other than China's often leave it out).
    CheckDigitWarning(String),
    Invalid(String),
}

/// Checks a VIN: 17 characters of A–Z and 0–9 without I, O and Q; the ISO 3779 check
/// digit is enforced for VINs made in China (first character L) and North America
/// (1–5), and only warned about for the rest.
pub fn vin(text: &str) -> VinVerdict {
    let n = text.chars().count();
    if n != 17 {
        return VinVerdict::Invalid(format!("a VIN has 17 characters, this one has {n}"));
    }
    if let Some(c) = text
        .chars()
        .find(|c| !(c.is_ascii_uppercase() || c.is_ascii_digit()))
    {
        return VinVerdict::Invalid(format!("a VIN has only capital letters and digits, not {c:?}"));
    }
    if let Some(c) = text.chars().find(|c| matches!(c, 'I' | 'O' | 'Q')) {
        return VinVerdict::Invalid(format!(
            "a VIN never contains the letter {c} (it would be read as 1 or 0)"
        ));
    }
    let expected = match vin_check_digit(text) {
        Some(d) => d,
        None => return VinVerdict::Invalid("the VIN has a character no VIN may have".into()),
    };
    let actual = text.as_bytes()[8] as char;
    if actual == expected {
        return VinVerdict::Valid;
    }
    let why = format!("check digit (9th character) is {actual}, ISO 3779 gives {expected}");
    match text.as_bytes()[0] {
        b'L' | b'1'..=b'5' => VinVerdict::Invalid(why),
        _ => VinVerdict::CheckDigitWarning(why),
    }
}

/// Checks an IMO ship number: 7 digits, the last being the sum of the first six
/// weighted 7 down to 2, modulo 10.
pub fn imo(number: i64) -> Result<(), String> {
    if !(1_000_000..=9_999_999).contains(&number) {
        return Err(format!("an IMO number has 7 digits, {number} does not"));
    }
    let digits: Vec<i64> = number.to_string().bytes().map(|b| (b - b'0') as i64).collect();
    let sum: i64 = digits[..6].iter().zip((2..=7).rev()).map(|(d, w)| d * w).sum();
    if sum % 10 == digits[6] {
        Ok(())
    } else {
        Err(format!(
            "IMO {number} fails its check digit (the last digit should be {})",
            sum % 10
        ))
    }
}

/// The IMO check digit for six leading digits (for generators).
pub fn imo_with_check_digit(first_six: i64) -> i64 {
    let digits: Vec<i64> = format!("{first_six:06}")
        .bytes()
        .map(|b| (b - b'0') as i64)
        .collect();
    let sum: i64 = digits.iter().zip((2..=7).rev()).map(|(d, w)| d * w).sum();
    first_six * 10 + sum % 10
}

/// A UN/LOCODE: the country's two capital letters, then three capital letters or
/// digits 2–9.
pub fn locode(text: &str) -> Result<(), String> {
    let b = text.as_bytes();
    let ok = b.len() == 5
        && b[..2].iter().all(|c| c.is_ascii_uppercase())
        && b[2..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || (b'2'..=b'9').contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{text:?} is not a UN/LOCODE: 5 characters, the country's 2 capital letters, then 3 capital letters or digits 2-9 (e.g. CNXMN, GBBRS)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_chinese_vin_is_valid_and_one_change_breaks_it() {
        assert_eq!(vin("LSJA24U62JG269225"), VinVerdict::Valid);
        assert!(matches!(vin("LSJA24U62JG269226"), VinVerdict::Invalid(_)));
        assert!(matches!(vin("LSJA24U72JG269225"), VinVerdict::Invalid(_)));
    }

    #[test]
    fn north_american_check_digit_is_enforced() {
        assert_eq!(vin("1M8GDM9AXKP042788"), VinVerdict::Valid);
        assert!(matches!(vin("1M8GDM9A1KP042788"), VinVerdict::Invalid(_)));
    }

    #[test]
    fn european_check_digit_is_only_a_warning() {
        assert!(matches!(
            vin("WVWZZZ1KZ6W000001"),
            VinVerdict::CheckDigitWarning(_) | VinVerdict::Valid
        ));
        let fixed = "WVWZZZ1K06W000001";
        assert!(!matches!(vin(fixed), VinVerdict::Invalid(_)));
    }

    #[test]
    fn forbidden_letters_and_lengths() {
        assert!(matches!(vin("LSJA24U62JG26922"), VinVerdict::Invalid(_)));
        assert!(matches!(vin("LSJA24U62JG2692O5"), VinVerdict::Invalid(_)));
        assert!(matches!(vin("lsja24u62jg269225"), VinVerdict::Invalid(_)));
    }

    #[test]
    fn imo_check_digit() {
        assert!(imo(9074729).is_ok());
        assert!(imo(9074728).is_err());
        assert!(imo(123).is_err());
        assert_eq!(imo_with_check_digit(907472), 9074729);
    }

    #[test]
    fn locodes() {
        assert!(locode("CNXMN").is_ok());
        assert!(locode("GBBRS").is_ok());
        assert!(locode("cnxmn").is_err());
        assert!(locode("CNXM").is_err());
        assert!(locode("CNXM1").is_err());
    }
}
