//! The figures of SPEC §3, computed as of a given `now`.

pub mod model;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

pub use model::*;

/// Computes every figure of SPEC §3 from the database as of `now`, in the port's
/// time zone (the `timezone` setting). Being built.
pub fn compute(_conn: &Connection, _now: DateTime<Utc>) -> rusqlite::Result<Figures> {
    Err(rusqlite::Error::InvalidQuery)
}
