//! `timestamp`: any bytes as a timestamp column.
//!
//! - `time::parse_ts` never panics;
//! - what it accepts, `fmt_utc` writes back as text it reads again as the same
//!   instant (to the whole second, the precision of `fmt_utc`), and the form the CSV
//!   import stores (RFC 3339, UTC, fraction kept) as exactly the same instant;
//! - the SQL expression `db::sql::ts_valid`, which the summary triggers and the data
//!   quality scans use, agrees with it on every input, and `db::sql::epoch_s` gives
//!   its whole second: a figure counted in SQL and the same figure counted in Rust
//!   must never disagree about a row;
//! - the SQL functions `yt_ts` and `yt_ts_ok` the queries use agree with it too.
//!
//! The bytes reach SQL as TEXT exactly as given (`CAST(blob AS TEXT)`), invalid UTF-8
//! and NUL bytes included, as another program may have stored them; the Rust side
//! reads them as every reader of the database does, with `db::value::timestamp_text`
//! (up to the first NUL, as SQLite's date functions; not UTF-8: unreadable), which
//! is `parse_ts` itself for any text without a NUL.

use chrono::{DateTime, SecondsFormat, Timelike, Utc};
use rusqlite::Connection;

use yardtop::db::sql::{epoch_s, ts_valid};
use yardtop::time::{fmt_utc, parse_ts};

thread_local! {
    static CONN: Connection = {
        let conn = Connection::open_in_memory().expect("in-memory database");
        yardtop::db::value::register_functions(&conn).expect("yardtop's SQL functions");
        conn
    };
}

/// What SQL says of the text: (ts_valid, epoch_s, yt_ts, yt_ts_ok).
fn sql_view(data: &[u8]) -> (bool, Option<i64>, Option<i64>, i64) {
    let sql = format!(
        "SELECT {}, {}, yt_ts(t), yt_ts_ok(t) FROM (SELECT CAST(?1 AS TEXT) AS t)",
        ts_valid("t"),
        epoch_s("t")
    );
    CONN.with(|conn| {
        conn.prepare_cached(&sql)
            .and_then(|mut stmt| stmt.query_row([data], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))))
            .expect("the timestamp expressions run on any text")
    })
}

pub fn check(data: &[u8]) {
    let text = std::str::from_utf8(data).ok();
    let parsed: Option<DateTime<Utc>> = text.and_then(parse_ts);
    let rust = yardtop::db::value::timestamp_text(data);
    if !data.contains(&0) {
        assert_eq!(
            rust,
            parsed,
            "{}: the reader and parse_ts differ",
            super::shown(data)
        );
    }

    for t in parsed.into_iter().chain(rust) {
        let written = fmt_utc(t);
        let back = parse_ts(&written).unwrap_or_else(|| {
            panic!(
                "fmt_utc wrote {written:?} for {}, which parse_ts refuses",
                super::shown(data)
            )
        });
        assert_eq!(
            back,
            t.with_nanosecond(0).expect("whole second"),
            "{} -> {written:?} is another instant",
            super::shown(data)
        );
        let stored = t.to_rfc3339_opts(SecondsFormat::AutoSi, true);
        assert_eq!(
            parse_ts(&stored),
            Some(t),
            "{} stored as {stored:?} reads back as another instant",
            super::shown(data)
        );
    }

    let (valid, epoch, yt_ms, yt_ok) = sql_view(data);
    assert_eq!(
        valid,
        rust.is_some(),
        "{}: SQL ts_valid says {valid}, parse_ts says {rust:?}",
        super::shown(data)
    );
    if let Some(t) = rust {
        assert_eq!(
            epoch,
            Some(t.timestamp()),
            "{}: SQL epoch_s differs from parse_ts ({t:?})",
            super::shown(data)
        );
    }
    assert_eq!(
        yt_ms,
        rust.map(|t| t.timestamp_millis()),
        "{}: yt_ts differs from parse_ts",
        super::shown(data)
    );
    assert_eq!(yt_ok, rust.is_some() as i64, "{}: yt_ts_ok", super::shown(data));
}
