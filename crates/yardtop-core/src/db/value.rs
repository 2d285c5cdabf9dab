//! Tolerant reading of column values. Any tool may have written the database, so a
//! value may be NULL, of the wrong type, invalid UTF-8, very long or full of control
//! characters; each is turned into a typed value or a data-quality problem.
//!
//! An empty string is a missing value, exactly like NULL, in every column: CSV tools
//! (the sqlite3 CLI's `.import`, spreadsheets, pandas) write NULL as an empty field,
//! and a round trip through them must not change a figure.

use chrono::{DateTime, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Row};

use crate::time::parse_ts;

/// A text column as read: the text (lossy when it was not UTF-8) and whether it was
/// clean.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text {
    pub value: Option<String>,
    /// It was stored as something other than TEXT, or was not valid UTF-8.
    pub bad: bool,
}

/// Reads a column as text, never failing: invalid UTF-8 becomes U+FFFD.
pub fn text(row: &Row<'_>, idx: usize) -> Text {
    text_of(raw(row, idx))
}

/// `text` of a value.
pub fn text_of(v: ValueRef<'_>) -> Text {
    match v {
        ValueRef::Null => Text {
            value: None,
            bad: false,
        },
        ValueRef::Text(b"") => Text {
            value: None,
            bad: false,
        },
        ValueRef::Text(b) => match std::str::from_utf8(b) {
            Ok(s) => Text {
                value: Some(s.to_string()),
                bad: false,
            },
            Err(_) => Text {
                value: Some(String::from_utf8_lossy(b).into_owned()),
                bad: true,
            },
        },
        ValueRef::Integer(i) => Text {
            value: Some(i.to_string()),
            bad: true,
        },
        ValueRef::Real(f) => Text {
            value: Some(f.to_string()),
            bad: true,
        },
        ValueRef::Blob(b) => Text {
            value: Some(String::from_utf8_lossy(b).into_owned()),
            bad: true,
        },
    }
}

/// Is the column TEXT that is not valid UTF-8? (A BLOB in a text column is found by
/// the SQL checks; this is what SQL cannot see.)
pub fn invalid_utf8(row: &Row<'_>, idx: usize) -> bool {
    invalid_utf8_of(raw(row, idx))
}

/// `invalid_utf8` of a value.
pub fn invalid_utf8_of(v: ValueRef<'_>) -> bool {
    matches!(v, ValueRef::Text(b) if std::str::from_utf8(b).is_err())
}

/// The column's value as stored (NULL when the column cannot be read): the
/// `*_of` readers below take it, so that a pass over millions of rows reads each
/// column once.
pub fn raw<'r>(row: &'r Row<'_>, idx: usize) -> ValueRef<'r> {
    row.get_ref(idx).unwrap_or(ValueRef::Null)
}

/// Is the column missing: NULL or an empty string?
pub fn is_missing(row: &Row<'_>, idx: usize) -> bool {
    missing_of(raw(row, idx))
}

/// Is the value missing: NULL or an empty string?
pub fn missing_of(v: ValueRef<'_>) -> bool {
    matches!(v, ValueRef::Null | ValueRef::Text(b""))
}

/// The column as text when it is stored as valid, non-empty UTF-8 TEXT: how an
/// enumeration (status, powertrain, zone) or a key is read. `Err` when it holds
/// something (a number, a blob, invalid UTF-8) that cannot be one.
#[expect(
    clippy::result_unit_err,
    reason = "Err carries nothing: the value is unreadable, that is all"
)]
pub fn enum_text<'r>(row: &'r Row<'_>, idx: usize) -> Result<Option<&'r str>, ()> {
    enum_text_of(raw(row, idx))
}

/// `enum_text` of a value.
#[expect(
    clippy::result_unit_err,
    reason = "Err carries nothing: the value is unreadable, that is all"
)]
pub fn enum_text_of(v: ValueRef<'_>) -> Result<Option<&str>, ()> {
    match v {
        ValueRef::Null | ValueRef::Text(b"") => Ok(None),
        ValueRef::Text(b) => std::str::from_utf8(b).map(Some).map_err(|_| ()),
        _ => Err(()),
    }
}

/// Reads a column as plain text for display (NULL → empty).
pub fn text_or_empty(row: &Row<'_>, idx: usize) -> String {
    text(row, idx).value.unwrap_or_default()
}

/// A numeric column: `Ok(None)` for NULL, `Err(())` when it holds something that is
/// not a number (text in a numeric column).
#[expect(
    clippy::result_unit_err,
    reason = "Err carries nothing: the value is unreadable, that is all"
)]
pub fn real(row: &Row<'_>, idx: usize) -> Result<Option<f64>, ()> {
    real_of(raw(row, idx))
}

/// `real` of a value.
#[expect(
    clippy::result_unit_err,
    reason = "Err carries nothing: the value is unreadable, that is all"
)]
pub fn real_of(v: ValueRef<'_>) -> Result<Option<f64>, ()> {
    match v {
        ValueRef::Null => Ok(None),
        ValueRef::Text(b"") => Ok(None),
        ValueRef::Integer(i) => Ok(Some(i as f64)),
        ValueRef::Real(f) if f.is_finite() => Ok(Some(f)),
        ValueRef::Text(b) => std::str::from_utf8(b)
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or(()),
        _ => Err(()),
    }
}

/// An integer column, as `real` but whole.
#[expect(
    clippy::result_unit_err,
    reason = "Err carries nothing: the value is unreadable, that is all"
)]
pub fn integer(row: &Row<'_>, idx: usize) -> Result<Option<i64>, ()> {
    integer_of(raw(row, idx))
}

/// `integer` of a value.
#[expect(
    clippy::result_unit_err,
    reason = "Err carries nothing: the value is unreadable, that is all"
)]
pub fn integer_of(v: ValueRef<'_>) -> Result<Option<i64>, ()> {
    match v {
        ValueRef::Null | ValueRef::Text(b"") => Ok(None),
        ValueRef::Integer(i) => Ok(Some(i)),
        ValueRef::Real(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
        ValueRef::Text(b) => std::str::from_utf8(b)
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .map(Some)
            .ok_or(()),
        _ => Err(()),
    }
}

/// A timestamp column: `Ok(None)` for NULL, `Err(())` when unreadable.
#[expect(
    clippy::result_unit_err,
    reason = "Err carries nothing: the value is unreadable, that is all"
)]
pub fn timestamp(row: &Row<'_>, idx: usize) -> Result<Option<DateTime<Utc>>, ()> {
    timestamp_of(raw(row, idx))
}

/// `timestamp` of a value.
#[expect(
    clippy::result_unit_err,
    reason = "Err carries nothing: the value is unreadable, that is all"
)]
pub fn timestamp_of(v: ValueRef<'_>) -> Result<Option<DateTime<Utc>>, ()> {
    match v {
        ValueRef::Null | ValueRef::Text(b"") => Ok(None),
        ValueRef::Text(b) => timestamp_text(b).map(Some).ok_or(()),
        _ => Err(()),
    }
}

/// The instant a stored TEXT value holds, read as SQLite's own date functions and
/// the pure-SQL `db::sql::ts_valid` of the triggers read it: up to its first NUL
/// byte (SQLite hands them a C string), then `time::parse_ts`. Without this a text
/// such as `2026-11-26T09:00:00Z\0junk` would be an export to the triggers and
/// unreadable to the figures read in Rust.
pub fn timestamp_text(bytes: &[u8]) -> Option<DateTime<Utc>> {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    std::str::from_utf8(&bytes[..end]).ok().and_then(parse_ts)
}

/// SQL functions the queries use, so that SQL and Rust agree on what a readable
/// value is: `yt_ts(x)` is the Unix time in milliseconds of an RFC 3339 text, else
/// NULL; `yt_ts_ok(x)` is 1 when `x` is missing (NULL or '') or a readable
/// timestamp; `yt_text_ok(x)`
/// is 0 when `x` is a BLOB or text that is not valid UTF-8.
pub fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    let flags =
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_INNOCUOUS;
    conn.create_scalar_function("yt_ts", 1, flags, |ctx| {
        Ok(match ctx.get_raw(0) {
            ValueRef::Text(b) if !b.is_empty() => timestamp_text(b).map(|t| t.timestamp_millis()),
            _ => None,
        })
    })?;
    conn.create_scalar_function("yt_ts_ok", 1, flags, |ctx| {
        Ok(match ctx.get_raw(0) {
            ValueRef::Null => 1i64,
            ValueRef::Text(b) => (b.is_empty() || timestamp_text(b).is_some()) as i64,
            _ => 0,
        })
    })?;
    conn.create_scalar_function("yt_text_ok", 1, flags, |ctx| {
        Ok(match ctx.get_raw(0) {
            ValueRef::Blob(_) => 0i64,
            ValueRef::Text(b) => std::str::from_utf8(b).is_ok() as i64,
            _ => 1,
        })
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timestamp_is_read_up_to_its_first_nul_as_sqlite_reads_it() {
        // Found by the `timestamp` fuzz target: SQL's ts_valid (and so the summary
        // triggers) took this text for an export, the Rust readers did not.
        let stored: &[u8] = b"2026-11-26T09:00:00Z\0junk";
        let conn = Connection::open_in_memory().unwrap();
        register_functions(&conn).unwrap();
        let sql = format!(
            "SELECT {}, yt_ts(t), yt_ts_ok(t) FROM (SELECT CAST(?1 AS TEXT) AS t)",
            crate::db::sql::ts_valid("t")
        );
        let (valid, ms, ok): (bool, Option<i64>, i64) = conn
            .query_row(&sql, [stored], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        let t = parse_ts("2026-11-26T09:00:00Z").unwrap();
        assert!(valid);
        assert_eq!(ms, Some(t.timestamp_millis()));
        assert_eq!(ok, 1);
        assert_eq!(timestamp_text(stored), Some(t));
        assert_eq!(timestamp_text(b"\0 2026-11-26T09:00:00Z"), None);
        assert_eq!(timestamp_text(b"2026-11-26T09:00:00\xffZ"), None);
        assert_eq!(timestamp_text(b"2026-11-26T09:00:00Z\0\xff"), Some(t));
    }
}
