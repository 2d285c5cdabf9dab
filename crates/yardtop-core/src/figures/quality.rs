//! Data quality (see docs/database.md): rows whose values cannot be read, counted
//! per kind so they are shown as problems instead of being silently mixed into the
//! figures. Counted from the rows on every refresh: yardtop keeps no counter that a
//! writer could leave out of step.

use rusqlite::Connection;

use crate::db::quality::{self, QualityCounts};
use crate::db::settings::Settings;
use crate::figures::model::DataQuality;

/// Counts the problems of every table a figure reads; `vehicles` when the caller
/// has already counted them in its own pass over the table. `bad_utf8_rows` are
/// rows the other figures read and found text in that is not UTF-8, which SQL
/// cannot see.
pub fn scan(
    conn: &Connection,
    settings: &Settings,
    bad_utf8_rows: u64,
    vehicles: Option<QualityCounts>,
) -> rusqlite::Result<DataQuality> {
    let mut dq = DataQuality::default();
    let mut add = |kind: &str, n: u64| {
        if n > 0 {
            *dq.by_kind.entry(kind.to_string()).or_default() += n;
        }
    };
    let mut rows = 0;
    let mut vehicles = vehicles;
    for table in quality::TABLES {
        let counts = match (table, vehicles.take()) {
            ("vehicles", Some(counted)) => counted,
            _ => quality::scan(conn, table)?,
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
