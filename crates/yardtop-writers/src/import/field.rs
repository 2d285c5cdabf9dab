//! One CSV field turned into the value a contract column stores, or the words that
//! say why it cannot be. Parsing here knows nothing of other columns or rows.

use chrono::SecondsFormat;

use super::dates::Formats;
use crate::model::{CallStatus, ConsignmentStatus, HoldReason, Powertrain, VehicleStatus, Zone};
use crate::validate::{self, VinVerdict};

/// A value ready to bind to an INSERT.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Int(i64),
    Real(f64),
    Text(String),
}

impl Value {
    pub(super) fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub(super) fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Value::Int(i) => i.to_sql(),
            Value::Real(f) => f.to_sql(),
            Value::Text(s) => s.to_sql(),
        }
    }
}

/// An enumeration of `crate::model`: its canonical spelling for a value, and the
/// accepted values for an error message.
#[derive(Debug, Clone, Copy)]
pub(super) struct EnumTy {
    pub canonical: fn(&str) -> Option<&'static str>,
    pub choices: fn() -> String,
}

// Case is forgiven on input (spreadsheets love `Parked`), but the stored spelling is
// always the model's, because the dashboard parses exactly.
macro_rules! enum_ty {
    ($e:ty) => {
        EnumTy {
            canonical: |s| {
                <$e>::ALL
                    .iter()
                    .find(|v| v.as_str().eq_ignore_ascii_case(s))
                    .map(|v| v.as_str())
            },
            choices: <$e>::choices,
        }
    };
}

pub(super) const POWERTRAIN: EnumTy = enum_ty!(Powertrain);
pub(super) const VEHICLE_STATUS: EnumTy = enum_ty!(VehicleStatus);
pub(super) const HOLD_REASON: EnumTy = enum_ty!(HoldReason);
pub(super) const ZONE: EnumTy = enum_ty!(Zone);
pub(super) const CALL_STATUS: EnumTy = enum_ty!(CallStatus);
pub(super) const CONSIGNMENT_STATUS: EnumTy = enum_ty!(ConsignmentStatus);

/// What a column holds, and so how its text is read.
#[derive(Debug, Clone, Copy)]
pub(super) enum Ty {
    /// Free text of at most `max` characters, without control characters.
    Text {
        max: usize,
    },
    /// A whole number within `min..=max`.
    Int {
        min: i64,
        max: i64,
    },
    /// A number within `min..=max`.
    Real {
        min: f64,
        max: f64,
    },
    /// An RFC 3339 instant, stored as UTC with `Z`.
    Ts,
    Enum(EnumTy),
    /// A VIN being created: ISO 3779 rules, the check digit enforced by region.
    Vin,
    Imo,
    Locode,
    /// An event kind: a short lower-case word such as `gate_in`.
    EventKind,
}

/// A field that was read: its value and, rarely, a warning to print anyway.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Parsed {
    pub value: Value,
    pub warning: Option<String>,
}

impl Parsed {
    fn ok(value: Value) -> Self {
        Parsed { value, warning: None }
    }
}

/// Reads one non-empty, trimmed field as a column of type `ty`, in the file's
/// `formats`.
pub(super) fn parse_in(ty: Ty, raw: &str, formats: &Formats) -> Result<Parsed, String> {
    match ty {
        Ty::Ts => timestamp_in(raw, formats).map(|s| Parsed::ok(Value::Text(s))),
        Ty::Real { min, max }
            if formats.decimal_comma && raw.matches(',').count() == 1 && !raw.contains('.') =>
        {
            real(&raw.replace(',', "."), min, max).map(|f| Parsed::ok(Value::Real(f)))
        }
        _ => parse(ty, raw),
    }
}

/// A timestamp in RFC 3339 or, with `--date-format`, in the file's own form.
fn timestamp_in(raw: &str, formats: &Formats) -> Result<String, String> {
    match (&formats.local, crate::time::parse_ts(raw)) {
        (Some(local), None) => local
            .parse(raw)
            .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        _ => timestamp(raw),
    }
}

/// Reads one non-empty, trimmed field as a column of type `ty`.
pub(super) fn parse(ty: Ty, raw: &str) -> Result<Parsed, String> {
    match ty {
        Ty::Text { max } => text(raw, max).map(|s| Parsed::ok(Value::Text(s))),
        Ty::Int { min, max } => int(raw, min, max).map(|i| Parsed::ok(Value::Int(i))),
        Ty::Real { min, max } => real(raw, min, max).map(|f| Parsed::ok(Value::Real(f))),
        Ty::Ts => timestamp(raw).map(|s| Parsed::ok(Value::Text(s))),
        Ty::Enum(e) => enumeration(e, raw).map(|s| Parsed::ok(Value::Text(s.to_string()))),
        Ty::Vin => vin(raw),
        Ty::Imo => imo(raw).map(|i| Parsed::ok(Value::Int(i))),
        Ty::Locode => locode(raw).map(|s| Parsed::ok(Value::Text(s))),
        Ty::EventKind => event_kind(raw).map(|s| Parsed::ok(Value::Text(s))),
    }
}

/// Text a terminal can show safely: the dashboard would cope with control
/// characters, but a writer should never be the one to put them there.
pub(super) fn text(raw: &str, max: usize) -> Result<String, String> {
    if let Some(c) = raw.chars().find(|c| c.is_control()) {
        return Err(format!(
            "contains the control character U+{:04X}; remove it",
            c as u32
        ));
    }
    let n = raw.chars().count();
    if n > max {
        return Err(format!("is {n} characters long, at most {max} are allowed"));
    }
    Ok(raw.to_string())
}

pub(super) fn int(raw: &str, min: i64, max: i64) -> Result<i64, String> {
    let i: i64 = raw
        .parse()
        .map_err(|_| format!("{raw:?} is not a whole number"))?;
    check_range(i, min, max, raw)?;
    Ok(i)
}

pub(super) fn real(raw: &str, min: f64, max: f64) -> Result<f64, String> {
    let f: f64 = raw.parse().ok().filter(|f: &f64| f.is_finite()).ok_or_else(|| {
        let hint = if raw.contains(',') {
            " (write the decimal point as '.')"
        } else {
            ""
        };
        format!("{raw:?} is not a number{hint}")
    })?;
    if f < min || f > max {
        return Err(format!("must be between {min} and {max}, not {raw}"));
    }
    Ok(f)
}

fn check_range(i: i64, min: i64, max: i64, raw: &str) -> Result<(), String> {
    if i < min {
        return Err(if min == 1 {
            format!("must be at least 1, not {raw}")
        } else {
            format!("must be between {min} and {max}, not {raw}")
        });
    }
    if i > max {
        return Err(format!("must be at most {max}, not {raw}"));
    }
    Ok(())
}

/// RFC 3339, stored as UTC with `Z` (docs/database.md: writers use UTC); fractional
/// seconds are kept only when there are some.
pub(super) fn timestamp(raw: &str) -> Result<String, String> {
    match crate::time::parse_ts(raw) {
        Some(t) => Ok(t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        None => {
            let hint = if raw.len() >= 19
                && raw.as_bytes().get(4) == Some(&b'-')
                && !raw.ends_with(['Z', 'z'])
                && !raw.get(10..).unwrap_or("").contains(['+', '-'])
            {
                " (it has no time zone: add Z for UTC or an offset such as +08:00, or read such times as port time with --date-format '%Y-%m-%d %H:%M:%S')"
            } else if raw.contains(['/', '.']) {
                " (for times written like 28/05/2023 14:00, give their form: --date-format '%d/%m/%Y %H:%M')"
            } else {
                ""
            };
            Err(format!(
                "{raw:?} is not an RFC 3339 timestamp{hint}; write it like 2026-11-26T09:00:00Z or 2026-11-26T17:00:00+08:00"
            ))
        }
    }
}

pub(super) fn enumeration(e: EnumTy, raw: &str) -> Result<&'static str, String> {
    (e.canonical)(raw).ok_or_else(|| format!("{raw:?} is not one of the accepted values: {}", (e.choices)()))
}

pub(super) fn vin(raw: &str) -> Result<Parsed, String> {
    match validate::vin(raw) {
        VinVerdict::Valid => Ok(Parsed::ok(Value::Text(raw.to_string()))),
        VinVerdict::CheckDigitWarning(why) => Ok(Parsed {
            value: Value::Text(raw.to_string()),
            warning: Some(format!(
                "VIN {raw}: {why}; imported anyway, as its region does not enforce the check digit"
            )),
        }),
        VinVerdict::Invalid(why) => Err(format!("VIN {raw:?}: {why}")),
    }
}

pub(super) fn imo(raw: &str) -> Result<i64, String> {
    let digits = raw.strip_prefix("IMO").map(str::trim).unwrap_or(raw);
    let n: i64 = digits
        .parse()
        .map_err(|_| format!("{raw:?} is not an IMO number (7 digits, e.g. 9074729)"))?;
    validate::imo(n)?;
    Ok(n)
}

pub(super) fn locode(raw: &str) -> Result<String, String> {
    // `GB BRS` is how UN/LOCODEs are often printed; the stored form has no space.
    let compact: String = raw.split_whitespace().collect();
    validate::locode(&compact)?;
    Ok(compact)
}

pub(super) fn event_kind(raw: &str) -> Result<String, String> {
    let b = raw.as_bytes();
    let ok = (1..=32).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_');
    if ok {
        Ok(raw.to_string())
    } else {
        Err(format!(
            "{raw:?} is not an event kind: a lower-case word of at most 32 letters, digits and '_' (e.g. gate_in, park, soc_check, load)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_stored_as_utc_z() {
        assert_eq!(
            timestamp("2026-11-26T17:00:00+08:00").unwrap(),
            "2026-11-26T09:00:00Z"
        );
        assert_eq!(
            timestamp("2026-11-26T09:00:00.250Z").unwrap(),
            "2026-11-26T09:00:00.250Z"
        );
        let e = timestamp("2026-11-26 09:00:00").unwrap_err();
        assert!(e.contains("no time zone"), "{e}");
        assert!(timestamp("26/11/2026").is_err());
    }

    #[test]
    fn formats_add_local_times_and_decimal_commas() {
        use crate::import::dates::LocalTimes;
        let f = Formats {
            local: Some(LocalTimes::new("%d/%m/%Y %H:%M", chrono_tz::Tz::Asia__Shanghai)),
            decimal_comma: true,
        };
        let at = parse_in(Ty::Ts, "28/05/2023 14:00", &f).unwrap();
        assert_eq!(at.value, Value::Text("2023-05-28T06:00:00Z".into()));
        // RFC 3339 still reads as itself.
        let at = parse_in(Ty::Ts, "2023-05-28T06:00:00Z", &f).unwrap();
        assert_eq!(at.value, Value::Text("2023-05-28T06:00:00Z".into()));
        let soc = parse_in(Ty::Real { min: 0.0, max: 100.0 }, "45,5", &f).unwrap();
        assert_eq!(soc.value, Value::Real(45.5));
        let plain = Formats::default();
        assert!(parse_in(Ty::Real { min: 0.0, max: 100.0 }, "45,5", &plain).is_err());
        let e = parse_in(Ty::Ts, "28/05/2023 14:00", &plain).unwrap_err();
        assert!(e.contains("--date-format '%d/%m/%Y %H:%M'"), "{e}");
    }

    #[test]
    fn enums_forgive_case_and_store_the_model_spelling() {
        assert_eq!(enumeration(POWERTRAIN, "bev").unwrap(), "BEV");
        assert_eq!(enumeration(VEHICLE_STATUS, "Parked").unwrap(), "parked");
        let e = enumeration(VEHICLE_STATUS, "parkd").unwrap_err();
        assert!(e.contains("expected, gated_in, parked"), "{e}");
    }

    #[test]
    fn numbers_and_ranges() {
        assert_eq!(int("12", 1, 100), Ok(12));
        assert!(int("12.0", 1, 100).unwrap_err().contains("whole number"));
        assert!(int("0", 1, 100).unwrap_err().contains("at least 1"));
        assert!(int("101", 1, 100).unwrap_err().contains("at most 100"));
        assert_eq!(real("45.5", 0.0, 100.0), Ok(45.5));
        assert!(real("45,5", 0.0, 100.0).unwrap_err().contains("'.'"));
        assert!(real("120", 0.0, 100.0).is_err());
        assert!(real("NaN", 0.0, 100.0).is_err());
        assert!(real("inf", 0.0, 100.0).is_err());
    }

    #[test]
    fn vins_reject_or_warn_by_region() {
        assert!(vin("LSJA24U62JG269225").unwrap().warning.is_none());
        assert!(vin("LSJA24U62JG269226").is_err());
        // ISO 3779 gives 1 for this Volkswagen, not Z: a warning, not a refusal.
        let w = vin("WVWZZZ1KZ6W000001").unwrap();
        assert!(w.warning.unwrap().contains("check digit"));
        assert!(vin("WVWZZZ1K16W000001").unwrap().warning.is_none());
    }

    #[test]
    fn imo_and_locode_forms() {
        assert_eq!(imo("9074729"), Ok(9074729));
        assert_eq!(imo("IMO 9074729"), Ok(9074729));
        assert!(imo("9074728").is_err());
        assert!(imo("ABC").is_err());
        assert_eq!(locode("GB BRS").unwrap(), "GBBRS");
        assert!(locode("gbbrs").is_err());
    }

    #[test]
    fn text_refuses_control_characters_and_overlong_values() {
        assert_eq!(
            text("MG4 Electric", 10).unwrap_err(),
            "is 12 characters long, at most 10 are allowed"
        );
        assert!(text("a\u{1b}[31m", 50).unwrap_err().contains("U+001B"));
        assert_eq!(text("比亚迪 海豹", 10).unwrap(), "比亚迪 海豹");
    }

    #[test]
    fn event_kinds() {
        assert!(event_kind("soc_check").is_ok());
        assert!(event_kind("Gate In").is_err());
        assert!(event_kind("").is_err());
    }
}
