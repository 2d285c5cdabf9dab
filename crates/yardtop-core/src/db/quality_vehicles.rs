//! The data-quality scan of `vehicles`, the one big table a figure reads, in Rust:
//! one pass reading each column once. The dashboard's refresh counts the exports
//! in the same pass (`scan_each`), so that history is read once per refresh, as
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
        [0, 1, 2, 3, 7, 8, 9].into_iter().any(blob),
    ]
}

/// Positions of the columns in the rows `scan_each` hands out.
pub const STATUS: usize = 7;
pub const POWERTRAIN: usize = 3;
pub const CONSIGNMENT_ID: usize = 6;
pub const LOADED_AT: usize = 13;
const COLUMNS: usize = 15;

/// Counts the vehicles with each problem, in one pass.
pub fn scan(conn: &Connection) -> rusqlite::Result<QualityCounts> {
    scan_each(conn, |_| {})
}

/// As `scan`, handing every row's values to `each` as well (at the positions
/// above), each column read once.
pub fn scan_each(
    conn: &Connection,
    mut each: impl FnMut(&[ValueRef<'_>]),
) -> rusqlite::Result<QualityCounts> {
    let mut by_kind = [0u64; 8];
    let mut any = 0u64;
    let mut stmt = conn.prepare_cached(SQL)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let values: [ValueRef<'_>; COLUMNS] = std::array::from_fn(|i| raw(row, i));
        each(&values);
        let p = problems(&values);
        for (n, hit) in by_kind.iter_mut().zip(p) {
            *n += hit as u64;
        }
        any += p.iter().any(|&h| h) as u64;
    }
    Ok(QualityCounts {
        by_kind: KINDS.iter().copied().zip(by_kind).collect(),
        rows: any,
    })
}
