//! The SQL expression that triggers and scans use to read a timestamp and the Rust
//! parser must agree on every input, or a figure computed one way would differ from
//! the same figure computed the other.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use rusqlite::Connection;

const CORPUS: &[&str] = &[
    "2026-11-26T09:00:00Z",
    "2026-11-26T09:00:00z",
    "2026-11-26 09:00:00Z",
    "2026-11-26t09:00:00Z",
    "2026-11-26T09:00:00+08:00",
    "2026-11-26T09:00:00-03:30",
    "2026-11-26T09:00:00+14:00",
    "2026-11-26T09:00:00+14:59",
    "2026-11-26T09:00:00+15:00",
    "2026-11-26T09:00:00+00:60",
    "2026-11-26T09:00:00+0800",
    "2026-11-26T09:00:00.5Z",
    "2026-11-26T09:00:00.123456789Z",
    "2026-11-26T09:00:00.1234567890Z",
    "2026-11-26T09:00:00.Z",
    "2026-11-26T09:00:00.12a4Z",
    "2026-11-26T09:00:00.250+08:00",
    "2026-11-26T09:00:00.1234567891+08:00",
    "2026-11-26T09:00:00",
    "2026-11-26 09:00:00",
    "2026-11-26",
    "2026-11-26T09:00Z",
    "2026-02-29T00:00:00Z",
    "2028-02-29T00:00:00Z",
    "2026-02-30T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-00-10T00:00:00Z",
    "2026-11-00T00:00:00Z",
    "2026-11-26T24:00:00Z",
    "2026-11-26T23:60:00Z",
    "2026-11-26T23:59:60Z",
    "2026-11-26T23:59:59Z",
    " 2026-11-26T09:00:00Z",
    "2026-11-26T09:00:00Z ",
    "2026-11-26T09:00:00ZZ",
    "0000-01-01T00:00:00Z",
    "0000-01-01T00:00:00+14:00",
    "0000-01-01T13:59:59+14:00",
    "0000-01-01T14:00:00+14:00",
    "9999-12-31T23:59:59Z",
    "1764147600",
    "now",
    "",
    "２０２６-11-26T09:00:00Z",
    "2026-11-26T09:00:00+08:00\u{1b}[2J",
];

#[test]
fn sql_and_rust_agree_on_what_a_timestamp_is() {
    let conn = Connection::open_in_memory().unwrap();
    let sql = format!(
        "SELECT {}, {} FROM (SELECT ?1 AS t)",
        yardtop::db::sql::ts_valid("t"),
        yardtop::db::sql::epoch_s("t")
    );
    for text in CORPUS {
        let (valid, epoch): (bool, Option<i64>) = conn
            .query_row(&sql, [text], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        let rust = yardtop::time::parse_ts(text);
        assert_eq!(
            valid,
            rust.is_some(),
            "{text:?}: SQL says {valid}, Rust says {rust:?}"
        );
        if let Some(t) = rust {
            assert_eq!(epoch, Some(t.timestamp()), "{text:?}");
        }
    }
}

#[test]
fn non_text_values_are_never_timestamps() {
    let conn = Connection::open_in_memory().unwrap();
    let sql = format!("SELECT {} FROM (SELECT ?1 AS t)", yardtop::db::sql::ts_valid("t"));
    let v: bool = conn.query_row(&sql, [1764147600i64], |r| r.get(0)).unwrap();
    assert!(!v);
    let v: bool = conn
        .query_row(&sql, [b"2026-11-26T09:00:00Z".to_vec()], |r| r.get(0))
        .unwrap();
    assert!(!v);
}
