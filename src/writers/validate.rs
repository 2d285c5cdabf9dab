//! Validation of identifiers: VINs (ISO 3779), IMO numbers, UN/LOCODEs. To be built.

/// A UN/LOCODE: two-letter country code and three letters or digits 2–9.
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
        Err("a UN/LOCODE is 5 characters: the country's 2 capital letters, then 3 capital letters or digits 2-9 (e.g. CNXMN, GBBRS)".into())
    }
}
