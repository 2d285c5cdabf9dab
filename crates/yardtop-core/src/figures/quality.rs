//! Data quality (SPEC §2, §3): rows whose values cannot be read, counted per kind so
//! they are shown as problems instead of being silently mixed into the figures.

use rusqlite::Connection;

use crate::db::quality;
use crate::db::settings::Settings;
use crate::db::summary::COUNTED_TABLES;
use crate::figures::model::DataQuality;

/// Counts the problems of every table: the big ones from yardtop's counters when
/// the database has them, the rest by a scan. `bad_utf8_rows` are rows the other
/// figures read and found text in that is not UTF-8, which SQL cannot see.
pub fn scan(
    conn: &Connection,
    settings: &Settings,
    summarised: bool,
    bad_utf8_rows: u64,
) -> rusqlite::Result<DataQuality> {
    let mut dq = DataQuality::default();
    let mut add = |kind: &str, n: u64| {
        if n > 0 {
            *dq.by_kind.entry(kind.to_string()).or_default() += n;
        }
    };
    let mut rows = 0;
    for table in quality::TABLES {
        let counts = if summarised && COUNTED_TABLES.contains(&table) {
            quality::counted(conn, table)?
        } else {
            quality::scan(conn, table)?
        };
        for (kind, n) in counts.by_kind {
            add(kind, n);
        }
        rows += counts.rows;
    }
    add("bad_text", bad_utf8_rows);
    add("bad_setting", settings.problems.len() as u64);
    dq.problems = rows + bad_utf8_rows + settings.problems.len() as u64;
    Ok(dq)
}
