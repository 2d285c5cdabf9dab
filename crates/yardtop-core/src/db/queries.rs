//! Every query the figures need, returning plain rows. Values are read tolerantly
//! (see `value`): a row is never dropped for a bad value it does not need.
//!
//! None of these depends on `sqlite_stat1`: a read-only dashboard cannot `ANALYZE`
//! someone else's database, and without statistics the planner takes an index on
//! `status` for `status IN ('loaded','departed')`, which matches most of history and
//! runs 5-9 times slower than a scan. Such columns are written `+status` so that no
//! index is used for them.

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection};

use crate::db::value;
use crate::model::{ConsignmentStatus, HoldReason, Powertrain, VehicleStatus};

// The statements, named so that a test can hold their query plans.

// Every exported-looking row in one scan (the refresh counts them in its pass over
// every vehicle instead; see `quality_vehicles`). `+loaded_at` keeps a plain
// `loaded_at` index from being walked row by row.
pub const EXPORTS_ALL: &str = "SELECT loaded_at, powertrain, consignment_id FROM vehicles
         WHERE +status IN ('loaded', 'departed') AND +loaded_at IS NOT NULL";

pub const YARD_VEHICLES: &str =
    "SELECT vin, powertrain, status, hold_reason, soc_pct, soc_checked_at, block, gate_in_at, rowid
         FROM vehicles WHERE status IN ('gated_in', 'parked', 'hold', 'staged')";

pub const BLOCKS: &str = "SELECT code, zone, rows, slots_per_row FROM yard_blocks ORDER BY code";

pub const PENDING: &str =
    "SELECT c.id, c.ref, c.brand, c.destination, c.planned_units, c.cutoff_at, c.status,
                v.name, k.voyage, k.status
         FROM consignments c
         LEFT JOIN vessel_calls k ON k.id = c.call_id
         LEFT JOIN vessels v ON v.imo = k.imo
         WHERE c.status IN ('open', 'loading')";

// Ids and statuses as the figures read them (`figures::facts`): a number, and
// text; an id stored as text or a status stored as a blob is unreadable.
pub const STATUS_COUNTS: &str =
    "SELECT consignment_id, status, count(*) FROM vehicles WHERE consignment_id IN (?LIST)
         AND typeof(consignment_id) IN ('integer', 'real') AND typeof(status) = 'text' GROUP BY 1, 2";

// Activity: the newest events in the order they were written. By rowid, not `id`:
// a tool that recreated the table (pandas `to_sql(if_exists='replace')`) leaves `id`
// a plain column, NULL for every event written afterwards without one, while the
// rowid still grows with every insert. Reads the newest rows only, whatever the size.
pub const NEWEST_EVENTS: &str = "SELECT id, at, vin, kind, detail FROM events ORDER BY rowid DESC LIMIT ?1";

pub const CONSIGNMENT_REF: &str = "SELECT ref, brand, destination FROM consignments WHERE id = ?1";

/// One exported-looking vehicle: status loaded or departed with a `loaded_at`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    /// `loaded_at` in Unix milliseconds; None when missing or unreadable.
    pub loaded_ms: Option<i64>,
    pub powertrain: Option<Powertrain>,
    /// None when NULL; Err when not a number.
    pub consignment_id: Result<Option<i64>, ()>,
}

/// Calls `f` for every vehicle that is loaded or departed and has a `loaded_at`.
pub fn for_each_export(conn: &Connection, mut f: impl FnMut(ExportRow)) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(EXPORTS_ALL)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        f(ExportRow {
            loaded_ms: value::timestamp(row, 0)
                .ok()
                .flatten()
                .map(|t| t.timestamp_millis()),
            powertrain: powertrain(row, 1),
            consignment_id: value::integer(row, 2),
        });
    }
    Ok(())
}

/// The export a vehicle holds when its status is loaded or departed and it has a
/// `loaded_at`, as `EXPORTS_ALL` selects: from its values, read once.
pub fn export_of(
    status: ValueRef<'_>,
    loaded_at: ValueRef<'_>,
    powertrain: ValueRef<'_>,
    consignment_id: ValueRef<'_>,
) -> Option<ExportRow> {
    if !matches!(status, ValueRef::Text(b"loaded" | b"departed")) || matches!(loaded_at, ValueRef::Null) {
        return None;
    }
    Some(ExportRow {
        loaded_ms: value::timestamp_of(loaded_at)
            .ok()
            .flatten()
            .map(|t| t.timestamp_millis()),
        powertrain: value::enum_text_of(powertrain)
            .ok()
            .flatten()
            .and_then(Powertrain::parse),
        consignment_id: value::integer_of(consignment_id),
    })
}

/// A vehicle in the yard (gated in, parked, on hold or staged), borrowed from the
/// row being read: the refresh reads tens of thousands of these, so nothing is
/// allocated unless it is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct YardVehicle<'r> {
    /// The VIN; lossy when it was not UTF-8.
    pub vin: std::borrow::Cow<'r, str>,
    pub powertrain: Option<Powertrain>,
    pub status: VehicleStatus,
    /// None when NULL or unknown.
    pub hold_reason: Option<HoldReason>,
    /// Ok(None): no reading (NULL or ''); Err: unreadable.
    pub soc_pct: Result<Option<f64>, ()>,
    pub soc_checked_ms: Result<Option<i64>, ()>,
    /// None when NULL or not text.
    pub block: Option<&'r str>,
    pub gate_in_ms: Result<Option<i64>, ()>,
    /// A text column holds bytes that are not UTF-8.
    pub bad_utf8: bool,
    /// The row, to find it again whatever its VIN holds (an alert's drill-down).
    pub rowid: i64,
}

/// The text of a value, borrowed, when it is valid UTF-8 TEXT.
fn str_of(v: ValueRef<'_>) -> Option<&str> {
    match v {
        ValueRef::Text(b) => std::str::from_utf8(b).ok(),
        _ => None,
    }
}

/// A timestamp value in Unix milliseconds: Ok(None) for NULL, Err when unreadable.
fn ms_of(v: ValueRef<'_>) -> Result<Option<i64>, ()> {
    value::timestamp_of(v).map(|t| t.map(|t| t.timestamp_millis()))
}

/// The values of a vehicle row that say whether and how it is in the yard, as
/// `YARD_VEHICLES` selects them.
pub struct YardValues<'r> {
    pub vin: ValueRef<'r>,
    pub powertrain: ValueRef<'r>,
    pub status: ValueRef<'r>,
    pub hold_reason: ValueRef<'r>,
    pub soc_pct: ValueRef<'r>,
    pub soc_checked_at: ValueRef<'r>,
    pub block: ValueRef<'r>,
    pub gate_in_at: ValueRef<'r>,
}

impl<'r> YardVehicle<'r> {
    /// The vehicle, when its status puts it in the yard: the one reading of a row
    /// into a yard vehicle, whether the row comes from `YARD_VEHICLES` or from a
    /// pass over every vehicle.
    pub fn of(v: YardValues<'r>, rowid: i64) -> Option<YardVehicle<'r>> {
        let status = str_of(v.status)
            .and_then(VehicleStatus::parse)
            .filter(|s| s.in_yard())?;
        let vin = match v.vin {
            ValueRef::Text(b) => String::from_utf8_lossy(b),
            other => std::borrow::Cow::Owned(value::text_of(other).value.unwrap_or_default()),
        };
        Some(YardVehicle {
            vin,
            powertrain: str_of(v.powertrain).and_then(Powertrain::parse),
            status,
            hold_reason: str_of(v.hold_reason).and_then(HoldReason::parse),
            soc_pct: value::real_of(v.soc_pct),
            soc_checked_ms: ms_of(v.soc_checked_at),
            block: str_of(v.block),
            gate_in_ms: ms_of(v.gate_in_at),
            bad_utf8: [v.vin, v.powertrain, v.status, v.hold_reason, v.block]
                .into_iter()
                .any(value::invalid_utf8_of),
            rowid,
        })
    }
}

pub fn yard_vehicles(conn: &Connection, mut f: impl FnMut(YardVehicle<'_>)) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(YARD_VEHICLES)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let r = |i| value::raw(row, i);
        let values = YardValues {
            vin: r(0),
            powertrain: r(1),
            status: r(2),
            hold_reason: r(3),
            soc_pct: r(4),
            soc_checked_at: r(5),
            block: r(6),
            gate_in_at: r(7),
        };
        if let Some(v) = YardVehicle::of(values, row.get::<_, i64>(8).unwrap_or(0)) {
            f(v);
        }
    }
    Ok(())
}

fn powertrain(row: &rusqlite::Row<'_>, idx: usize) -> Option<Powertrain> {
    value::enum_text(row, idx)
        .ok()
        .flatten()
        .and_then(Powertrain::parse)
}

/// A yard block as written.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockRow {
    pub code: String,
    pub zone: String,
    /// None when unreadable or missing.
    pub rows: Option<u64>,
    pub slots_per_row: Option<u64>,
    pub bad_utf8: bool,
}

pub fn blocks(conn: &Connection) -> rusqlite::Result<Vec<BlockRow>> {
    let mut stmt = conn.prepare_cached(BLOCKS)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let dim = |i| {
            value::integer(row, i)
                .ok()
                .flatten()
                .filter(|n| *n >= 0)
                .map(|n| n as u64)
        };
        out.push(BlockRow {
            code: value::text_or_empty(row, 0),
            zone: value::text_or_empty(row, 1),
            rows: dim(2),
            slots_per_row: dim(3),
            bad_utf8: value::invalid_utf8(row, 0) || value::invalid_utf8(row, 1),
        });
    }
    Ok(out)
}

/// An open or loading consignment with its call and vessel.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingRow {
    pub id: i64,
    pub reference: String,
    pub brand: String,
    pub destination: String,
    pub planned: Option<u64>,
    pub cutoff_ms: Result<Option<i64>, ()>,
    pub status: ConsignmentStatus,
    pub vessel: String,
    pub voyage: String,
    pub call_status: String,
    pub bad_utf8: bool,
}

pub fn pending_consignments(conn: &Connection) -> rusqlite::Result<Vec<PendingRow>> {
    let mut stmt = conn.prepare_cached(PENDING)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let Ok(Some(id)) = value::integer(row, 0) else {
            continue;
        };
        let Some(status) = value::text(row, 6)
            .value
            .as_deref()
            .and_then(ConsignmentStatus::parse)
        else {
            continue;
        };
        out.push(PendingRow {
            id,
            reference: value::text_or_empty(row, 1),
            brand: value::text_or_empty(row, 2),
            destination: value::text_or_empty(row, 3),
            planned: value::integer(row, 4)
                .ok()
                .flatten()
                .filter(|n| *n >= 0)
                .map(|n| n as u64),
            cutoff_ms: value::timestamp(row, 5).map(|t| t.map(|t| t.timestamp_millis())),
            status,
            vessel: value::text_or_empty(row, 7),
            voyage: value::text_or_empty(row, 8),
            call_status: value::text_or_empty(row, 9),
            bad_utf8: [1, 2, 3].iter().any(|&i| value::invalid_utf8(row, i)),
        });
    }
    Ok(out)
}

/// How many of each consignment's vehicles are in each status, for the given
/// consignments, in one statement: with the `(consignment_id, status)` index a seek
/// per consignment, without it one pass over the table instead of one per
/// consignment.
pub fn consignment_status_counts(
    conn: &Connection,
    ids: &[i64],
) -> rusqlite::Result<std::collections::HashMap<i64, Vec<(VehicleStatus, u64)>>> {
    let mut out: std::collections::HashMap<i64, Vec<(VehicleStatus, u64)>> = Default::default();
    if ids.is_empty() {
        return Ok(out);
    }
    let list: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
    let sql = STATUS_COUNTS.replace("?LIST", &list.join(","));
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let Ok(Some(id)) = value::integer(row, 0) else {
            continue;
        };
        if let Some(s) = value::text(row, 1)
            .value
            .as_deref()
            .and_then(VehicleStatus::parse)
        {
            out.entry(id)
                .or_default()
                .push((s, row.get::<_, i64>(2).unwrap_or(0).max(0) as u64));
        }
    }
    Ok(out)
}

/// A consignment's ref, brand and destination, if it exists.
pub fn consignment_label(conn: &Connection, id: i64) -> rusqlite::Result<Option<(String, String, String)>> {
    let mut stmt = conn.prepare_cached(CONSIGNMENT_REF)?;
    let mut rows = stmt.query(params![id])?;
    Ok(rows.next()?.map(|row| {
        (
            value::text_or_empty(row, 0),
            value::text_or_empty(row, 1),
            value::text_or_empty(row, 2),
        )
    }))
}
