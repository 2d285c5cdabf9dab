//! Every query the figures need, returning plain rows. Values are read tolerantly
//! (see `value`): a row is never dropped for a bad value it does not need.
//!
//! None of these depends on `sqlite_stat1` (SPEC §7): where an index on `status`
//! would be the planner's trap (`status IN ('loaded','departed')` matches most of
//! history), the column is written `+status` so that the index is not used.

use rusqlite::{params, Connection};

use crate::db::value;
use crate::model::{ConsignmentStatus, HoldReason, Powertrain, VehicleStatus};

/// One exported-looking vehicle: status loaded or departed with a `loaded_at`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    /// `loaded_at` in Unix milliseconds; None when unreadable.
    pub loaded_ms: Option<i64>,
    pub powertrain: Option<Powertrain>,
    /// None when NULL; Err when not a number.
    pub consignment_id: Result<Option<i64>, ()>,
}

/// Calls `f` for every vehicle that is loaded or departed and has a `loaded_at`.
pub fn for_each_export(conn: &Connection, mut f: impl FnMut(ExportRow)) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT yt_ts(loaded_at), powertrain, consignment_id FROM vehicles
         WHERE +status IN ('loaded', 'departed') AND loaded_at IS NOT NULL",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        f(ExportRow {
            loaded_ms: row.get::<_, Option<i64>>(0).unwrap_or(None),
            powertrain: powertrain(row, 1),
            consignment_id: value::integer(row, 2),
        });
    }
    Ok(())
}

/// A vehicle in the yard (gated in, parked, on hold or staged).
#[derive(Debug, Clone, PartialEq)]
pub struct YardVehicle {
    pub vin: String,
    pub powertrain: Option<Powertrain>,
    pub status: VehicleStatus,
    /// None when NULL or unknown.
    pub hold_reason: Option<HoldReason>,
    /// Ok(None): no reading; Err: unreadable.
    pub soc_pct: Result<Option<f64>, ()>,
    pub soc_checked_ms: Result<Option<i64>, ()>,
    pub block: Option<String>,
    pub gate_in_ms: Result<Option<i64>, ()>,
}

pub fn yard_vehicles(conn: &Connection, mut f: impl FnMut(YardVehicle)) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT vin, powertrain, status, hold_reason, soc_pct, soc_checked_at, block, gate_in_at
         FROM vehicles WHERE status IN ('gated_in', 'parked', 'hold', 'staged')",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let Some(status) = value::text(row, 2)
            .value
            .as_deref()
            .and_then(VehicleStatus::parse)
        else {
            continue;
        };
        f(YardVehicle {
            vin: value::text_or_empty(row, 0),
            powertrain: powertrain(row, 1),
            status,
            hold_reason: value::text(row, 3).value.as_deref().and_then(HoldReason::parse),
            soc_pct: value::real(row, 4).and_then(|v| match v {
                Some(p) if !(0.0..=100.0).contains(&p) => Err(()),
                other => Ok(other),
            }),
            soc_checked_ms: value::timestamp(row, 5).map(|t| t.map(|t| t.timestamp_millis())),
            block: value::text(row, 6).value,
            gate_in_ms: value::timestamp(row, 7).map(|t| t.map(|t| t.timestamp_millis())),
        });
    }
    Ok(())
}

fn powertrain(row: &rusqlite::Row<'_>, idx: usize) -> Option<Powertrain> {
    value::text(row, idx).value.as_deref().and_then(Powertrain::parse)
}

/// A yard block as written.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockRow {
    pub code: String,
    pub zone: String,
    /// None when unreadable or missing.
    pub rows: Option<u64>,
    pub slots_per_row: Option<u64>,
}

pub fn blocks(conn: &Connection) -> rusqlite::Result<Vec<BlockRow>> {
    let mut stmt =
        conn.prepare_cached("SELECT code, zone, rows, slots_per_row FROM yard_blocks ORDER BY code")?;
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
}

pub fn pending_consignments(conn: &Connection) -> rusqlite::Result<Vec<PendingRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.ref, c.brand, c.destination, c.planned_units, c.cutoff_at, c.status,
                v.name, k.voyage, k.status
         FROM consignments c
         LEFT JOIN vessel_calls k ON k.id = c.call_id
         LEFT JOIN vessels v ON v.imo = k.imo
         WHERE c.status IN ('open', 'loading')",
    )?;
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
        });
    }
    Ok(out)
}

/// How many of a consignment's vehicles are in each status.
pub fn consignment_status_counts(
    conn: &Connection,
    consignment_id: i64,
) -> rusqlite::Result<Vec<(VehicleStatus, u64)>> {
    let mut stmt = conn
        .prepare_cached("SELECT status, count(*) FROM vehicles WHERE consignment_id = ?1 GROUP BY status")?;
    let mut rows = stmt.query(params![consignment_id])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        if let Some(s) = value::text(row, 0)
            .value
            .as_deref()
            .and_then(VehicleStatus::parse)
        {
            out.push((s, row.get::<_, i64>(1).unwrap_or(0).max(0) as u64));
        }
    }
    Ok(out)
}

/// The ref of a consignment, if it exists.
pub fn consignment_ref(conn: &Connection, id: i64) -> rusqlite::Result<Option<String>> {
    let mut stmt = conn.prepare_cached("SELECT ref FROM consignments WHERE id = ?1")?;
    let mut rows = stmt.query(params![id])?;
    Ok(rows.next()?.map(|row| value::text_or_empty(row, 0)))
}

/// Data-quality counts of one table: rows per problem kind, and rows with any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QualityCounts {
    pub by_kind: Vec<(&'static str, u64)>,
    pub rows: u64,
}

/// The checks per table: (kind, SQL condition true when the row has the problem).
/// `yt_ts_ok` and `yt_text_ok` are the reader's own parsers (see `value`).
const VEHICLE_CHECKS: &[(&str, &str)] = &[
    ("unknown_status", "status IS NULL OR status NOT IN ('expected','gated_in','parked','hold','staged','loaded','departed')"),
    ("unknown_powertrain", "powertrain IS NULL OR powertrain NOT IN ('BEV','PHEV','FCEV','HEV','ICE')"),
    ("unknown_hold_reason", "(hold_reason IS NOT NULL AND hold_reason NOT IN ('customs','damage','battery','documents','other')) OR (status = 'hold' AND hold_reason IS NULL)"),
    ("bad_timestamp", "NOT (yt_ts_ok(gate_in_at) AND yt_ts_ok(loaded_at) AND yt_ts_ok(soc_checked_at) AND yt_ts_ok(updated_at))"),
    ("bad_number", "(soc_pct IS NOT NULL AND (typeof(soc_pct) NOT IN ('integer','real') OR soc_pct < 0 OR soc_pct > 100)) OR (row IS NOT NULL AND typeof(row) <> 'integer') OR (slot IS NOT NULL AND typeof(slot) <> 'integer') OR (consignment_id IS NOT NULL AND typeof(consignment_id) <> 'integer')"),
    ("bad_text", "NOT (yt_text_ok(vin) AND yt_text_ok(make) AND yt_text_ok(model) AND yt_text_ok(block) AND yt_text_ok(status) AND yt_text_ok(powertrain))"),
];

const BLOCK_CHECKS: &[(&str, &str)] = &[
    (
        "unknown_zone",
        "zone IS NULL OR zone NOT IN ('nev','ice','staging','inspection','quarantine')",
    ),
    (
        "bad_number",
        "typeof(rows) <> 'integer' OR typeof(slots_per_row) <> 'integer' OR rows < 0 OR slots_per_row < 0",
    ),
    ("bad_text", "NOT (yt_text_ok(code) AND yt_text_ok(zone))"),
];

const CALL_CHECKS: &[(&str, &str)] = &[
    (
        "unknown_status",
        "status IS NULL OR status NOT IN ('expected','alongside','departed')",
    ),
    ("bad_timestamp", "NOT (yt_ts_ok(eta) AND yt_ts_ok(etd))"),
    ("bad_text", "NOT (yt_text_ok(voyage) AND yt_text_ok(berth))"),
];

const CONSIGNMENT_CHECKS: &[(&str, &str)] = &[
    (
        "unknown_status",
        "status IS NULL OR status NOT IN ('open','loading','closed','cancelled')",
    ),
    ("bad_timestamp", "NOT yt_ts_ok(cutoff_at)"),
    (
        "bad_number",
        "planned_units IS NOT NULL AND (typeof(planned_units) <> 'integer' OR planned_units < 0)",
    ),
    (
        "bad_text",
        "NOT (yt_text_ok(ref) AND yt_text_ok(brand) AND yt_text_ok(destination))",
    ),
];

const VESSEL_CHECKS: &[(&str, &str)] = &[
    (
        "bad_number",
        "capacity_ceu IS NOT NULL AND typeof(capacity_ceu) <> 'integer'",
    ),
    ("bad_text", "NOT yt_text_ok(name)"),
];

const EVENT_CHECKS: &[(&str, &str)] = &[
    ("bad_timestamp", "NOT yt_ts_ok(at) OR at IS NULL"),
    (
        "bad_text",
        "NOT (yt_text_ok(vin) AND yt_text_ok(kind) AND yt_text_ok(detail))",
    ),
];

/// The tables checked and their checks.
pub const QUALITY_TABLES: &[(&str, &[(&str, &str)])] = &[
    ("vehicles", VEHICLE_CHECKS),
    ("yard_blocks", BLOCK_CHECKS),
    ("vessel_calls", CALL_CHECKS),
    ("consignments", CONSIGNMENT_CHECKS),
    ("vessels", VESSEL_CHECKS),
    ("events", EVENT_CHECKS),
];

/// Counts the rows of `table` with each problem, in one pass.
pub fn quality_counts(
    conn: &Connection,
    table: &str,
    checks: &[(&'static str, &str)],
) -> rusqlite::Result<QualityCounts> {
    let cols: Vec<String> = checks
        .iter()
        .map(|(_, cond)| format!("coalesce(sum(coalesce(({cond}), 0) <> 0), 0)"))
        .collect();
    let any: Vec<String> = checks
        .iter()
        .map(|(_, cond)| format!("(coalesce(({cond}), 0) <> 0)"))
        .collect();
    let sql = format!(
        "SELECT {}, coalesce(sum({}), 0) FROM {table}",
        cols.join(", "),
        any.join(" OR ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    stmt.query_row([], |row| {
        let mut by_kind = Vec::new();
        for (i, (kind, _)) in checks.iter().enumerate() {
            by_kind.push((*kind, row.get::<_, i64>(i)?.max(0) as u64));
        }
        Ok(QualityCounts {
            by_kind,
            rows: row.get::<_, i64>(checks.len())?.max(0) as u64,
        })
    })
}
