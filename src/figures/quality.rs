//! Data quality (SPEC §2, §3): rows whose values cannot be read, counted per kind so
//! they are shown as problems instead of being silently mixed into the figures.

use rusqlite::Connection;

use crate::db::queries;
use crate::db::settings::Settings;
use crate::figures::model::DataQuality;

pub fn scan(conn: &Connection, settings: &Settings) -> rusqlite::Result<DataQuality> {
    let mut dq = DataQuality::default();
    for (table, checks) in queries::QUALITY_TABLES {
        let counts = queries::quality_counts(conn, table, checks)?;
        for (kind, n) in counts.by_kind {
            if n > 0 {
                *dq.by_kind.entry(kind.to_string()).or_default() += n;
            }
        }
        dq.problems += counts.rows;
    }
    if !settings.problems.is_empty() {
        let n = settings.problems.len() as u64;
        *dq.by_kind.entry("bad_setting".into()).or_default() += n;
        dq.problems += n;
    }
    Ok(dq)
}
