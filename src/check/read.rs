//! Reading one column of any row without trusting it: what type SQLite holds,
//! whether a text is real UTF-8, and a printable description of the raw value.

use rusqlite::types::ValueRef;
use rusqlite::Row;

use crate::db::value;
use crate::sanitize::clean;

/// The raw value, as it can be shown in a report line.
pub(super) fn show(row: &Row<'_>, idx: usize) -> String {
    match row.get_ref(idx) {
        Err(_) => "(unreadable)".into(),
        Ok(ValueRef::Null) => "NULL".into(),
        Ok(ValueRef::Integer(i)) => i.to_string(),
        Ok(ValueRef::Real(f)) => f.to_string(),
        Ok(ValueRef::Text(b)) => match std::str::from_utf8(b) {
            Ok(s) => quote(s),
            Err(_) => format!("{} (invalid UTF-8)", quote(&String::from_utf8_lossy(b))),
        },
        Ok(ValueRef::Blob(b)) => format!("a blob of {} bytes", b.len()),
    }
}

/// Database text in quotes, safe for a terminal and cut when very long.
pub(super) fn quote(s: &str) -> String {
    format!("\"{}\"", clean(s))
}

/// The column as text when it is stored as valid UTF-8 TEXT; an enumeration or a
/// key held as anything else is not one of the schema's values.
pub(super) fn proper_text(row: &Row<'_>, idx: usize) -> Option<String> {
    match row.get_ref(idx) {
        Ok(ValueRef::Text(b)) => std::str::from_utf8(b).ok().map(str::to_string),
        _ => None,
    }
}

/// NULL or an empty string: a missing value (CSV tools write NULL as '').
pub(super) fn is_null(row: &Row<'_>, idx: usize) -> bool {
    value::is_missing(row, idx)
}

/// A text column that holds a blob or bytes that are not UTF-8.
pub(super) fn bad_text(row: &Row<'_>, idx: usize) -> bool {
    match row.get_ref(idx) {
        Ok(ValueRef::Blob(_)) => true,
        Ok(ValueRef::Text(b)) => std::str::from_utf8(b).is_err(),
        _ => false,
    }
}

/// An integer column holding nothing or an integer (as the dashboard's data-quality
/// scan decides: a fractional real or a text, even "3", is the wrong type).
pub(super) fn int_ok(row: &Row<'_>, idx: usize) -> bool {
    is_null(row, idx) || int(row, idx).is_some()
}

/// An integer, or a whole REAL (pandas writes a nullable integer column as 3.0).
pub(super) fn int(row: &Row<'_>, idx: usize) -> Option<i64> {
    match row.get_ref(idx) {
        Ok(ValueRef::Integer(i)) => Some(i),
        Ok(ValueRef::Real(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
        _ => None,
    }
}

/// A percentage column: missing, or a number from 0 to 100.
pub(super) fn pct_ok(row: &Row<'_>, idx: usize) -> bool {
    match row.get_ref(idx) {
        _ if is_null(row, idx) => true,
        Ok(ValueRef::Integer(i)) => (0..=100).contains(&i),
        Ok(ValueRef::Real(f)) => (0.0..=100.0).contains(&f),
        _ => false,
    }
}

/// A timestamp column: NULL, or RFC 3339 text that `time::parse_ts` reads.
pub(super) fn ts_ok(row: &Row<'_>, idx: usize) -> bool {
    value::timestamp(row, idx).is_ok()
}
