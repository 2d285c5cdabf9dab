//! The data-quality scan of `vehicles`, the one big table a figure reads, in Rust:
//! one pass reading each column once. The figures read every other fact of a
//! vehicle in the same pass (`figures::facts`), so that history is read once, as
//! plain SQL would read it for the record consignment alone. The same checks as `quality::checks`
//! ("vehicles") in SQL, which evaluate each condition twice and call back into Rust
//! for every timestamp, ten times slower on a million rows; a test holds the two
//! to the same counts.

use rusqlite::types::ValueRef;
use rusqlite::Connection;

use crate::db::quality_counts::QualityCounts;
use crate::db::value::{enum_text_of, missing_of, raw, timestamp_text};
use crate::model::{HoldReason, Powertrain, VehicleStatus};

const SQL: &str = "SELECT vin, make, model, powertrain, soc_pct, soc_checked_at, consignment_id, status,
        hold_reason, block, row, slot, gate_in_at, loaded_at, updated_at FROM vehicles";

/// The kinds, in the order of `quality::checks("vehicles")`.
const KINDS: [&str; 8] = [
    "missing_vin",
    "missing_value",
    "unknown_status",
    "unknown_powertrain",
    "unknown_hold_reason",
    "bad_timestamp",
    "bad_number",
    "bad_text",
];

/// An enumeration value other than one of `parse`'s (a missing one is not unknown).
fn unknown<T>(v: ValueRef<'_>, parse: impl Fn(&str) -> Option<T>) -> bool {
    match enum_text_of(v) {
        Ok(None) => false,
        Ok(Some(s)) => parse(s).is_none(),
        Err(()) => true,
    }
}

/// Missing, or a readable timestamp.
fn ts_ok(v: ValueRef<'_>) -> bool {
    match v {
        ValueRef::Null => true,
        ValueRef::Text(b) => b.is_empty() || timestamp_text(b).is_some(),
        _ => false,
    }
}

/// Missing, an integer, or a whole REAL.
fn int_ok(v: ValueRef<'_>) -> bool {
    match v {
        ValueRef::Null | ValueRef::Integer(_) | ValueRef::Text(b"") => true,
        ValueRef::Real(f) => {
            f.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f)
        }
        _ => false,
    }
}

/// Missing, or a number from 0 to 100.
fn pct_ok(v: ValueRef<'_>) -> bool {
    match v {
        ValueRef::Null | ValueRef::Text(b"") => true,
        ValueRef::Integer(i) => (0..=100).contains(&i),
        ValueRef::Real(f) => (0.0..=100.0).contains(&f),
        _ => false,
    }
}

/// The problems of one vehicle row (its 15 values), by `KINDS`.
fn problems(v: &[ValueRef<'_>; COLUMNS]) -> [bool; 8] {
    let blob = |i: usize| matches!(v[i], ValueRef::Blob(_));
    [
        missing_of(v[0]),
        missing_of(v[STATUS]) || missing_of(v[POWERTRAIN]),
        unknown(v[STATUS], VehicleStatus::parse),
        unknown(v[POWERTRAIN], Powertrain::parse),
        unknown(v[8], HoldReason::parse)
            || (matches!(v[STATUS], ValueRef::Text(b"hold")) && missing_of(v[8])),
        ![5, 12, LOADED_AT, 14].iter().all(|&i| ts_ok(v[i])),
        !(pct_ok(v[4]) && int_ok(v[10]) && int_ok(v[11]) && int_ok(v[CONSIGNMENT_ID])),
        [VIN, 1, 2, POWERTRAIN, STATUS, HOLD_REASON, BLOCK]
            .into_iter()
            .any(blob),
    ]
}

/// Positions of the columns in the rows `scan_each` hands out.
pub const VIN: usize = 0;
pub const POWERTRAIN: usize = 3;
pub const SOC_PCT: usize = 4;
pub const SOC_CHECKED_AT: usize = 5;
pub const CONSIGNMENT_ID: usize = 6;
pub const STATUS: usize = 7;
pub const HOLD_REASON: usize = 8;
pub const BLOCK: usize = 9;
pub const GATE_IN_AT: usize = 12;
pub const LOADED_AT: usize = 13;
pub const COLUMNS: usize = 15;

/// The problems of one row, counted by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub by_kind: [u64; 8],
    /// Rows with any problem.
    pub rows: u64,
}

impl Tally {
    pub fn add_row(&mut self, v: &[ValueRef<'_>; COLUMNS]) {
        let p = problems(v);
        for (n, hit) in self.by_kind.iter_mut().zip(p) {
            *n += hit as u64;
        }
        self.rows += p.iter().any(|&h| h) as u64;
    }

    pub fn merge(&mut self, other: &Tally) {
        for (n, m) in self.by_kind.iter_mut().zip(other.by_kind) {
            *n += m;
        }
        self.rows += other.rows;
    }

    pub fn counts(&self) -> QualityCounts {
        QualityCounts {
            by_kind: KINDS.iter().copied().zip(self.by_kind).collect(),
            rows: self.rows,
        }
    }
}

/// Which rows a pass reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    /// Every row, without its rowid (a table whose rowid cannot be named).
    All,
    /// Every row, each with its rowid.
    AllWithRowid,
    /// The rows whose rowid is in the range, inclusive.
    Rowids(i64, i64),
}

/// Calls `each` with the values (at the positions above) and the rowid (0 for
/// `Rows::All`) of every row of `rows`, each column read once.
pub fn for_each_row(
    conn: &Connection,
    rows: Rows,
    mut each: impl FnMut(&[ValueRef<'_>; COLUMNS], i64),
) -> rusqlite::Result<()> {
    let (sql, range) = match rows {
        Rows::All => (SQL.to_string(), None),
        Rows::AllWithRowid => (SQL.replacen(" FROM", ", _rowid_ FROM", 1), None),
        Rows::Rowids(lo, hi) => (
            format!(
                "{} WHERE _rowid_ BETWEEN ?1 AND ?2",
                SQL.replacen(" FROM", ", _rowid_ FROM", 1)
            ),
            Some((lo, hi)),
        ),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut result = match range {
        Some((lo, hi)) => stmt.query([lo, hi])?,
        None => stmt.query([])?,
    };
    let with_rowid = rows != Rows::All;
    while let Some(row) = result.next()? {
        let values: [ValueRef<'_>; COLUMNS] = std::array::from_fn(|i| raw(row, i));
        let rowid = if with_rowid {
            row.get::<_, i64>(COLUMNS).unwrap_or(0)
        } else {
            0
        };
        each(&values, rowid);
    }
    Ok(())
}

/// Counts the vehicles with each problem, in one pass.
pub fn scan(conn: &Connection) -> rusqlite::Result<QualityCounts> {
    let mut tally = Tally::default();
    for_each_row(conn, Rows::All, |values, _| tally.add_row(values))?;
    Ok(tally.counts())
}
