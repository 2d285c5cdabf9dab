//! Every query the figures need, returning plain rows. Values are read tolerantly
//! (see `value`): a row is never dropped for a bad value it does not need.
//!
//! None of these depends on `sqlite_stat1` (SPEC §7): where an index on `status`
//! would be the planner's trap (`status IN ('loaded','departed')` matches most of
//! history), the column is written `+status` so that the index is not used.

use rusqlite::{params, Connection};

use crate::db::value;
use crate::model::{ConsignmentStatus, HoldReason, Powertrain, VehicleStatus};

// The statements, named so that a test can hold their query plans (no scan of
// history where the summaries can answer).
pub const EXPORTS_ALL: &str = "SELECT yt_ts(loaded_at), powertrain, consignment_id FROM vehicles
         WHERE +status IN ('loaded', 'departed') AND loaded_at IS NOT NULL";

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

pub const STATUS_COUNTS: &str =
    "SELECT consignment_id, status, count(*) FROM vehicles WHERE consignment_id IN (?LIST) GROUP BY 1, 2";

pub const CONSIGNMENT_REF: &str = "SELECT ref, brand, destination FROM consignments WHERE id = ?1";

pub const EXPORTS_BETWEEN: &str =
    "SELECT yt_ts(loaded_at), powertrain, consignment_id FROM vehicles INDEXED BY yt_vehicles_loaded_at
         WHERE loaded_at >= ?1 AND loaded_at < ?2 AND +status IN ('loaded', 'departed')";

pub const BUCKET_SUM: &str = "SELECT coalesce(sum(units), 0), coalesce(sum(nev), 0) FROM yt_export_buckets WHERE bucket >= ?1 AND bucket < ?2";

pub const BUCKETS: &str =
    "SELECT bucket, units, nev FROM yt_export_buckets WHERE bucket >= ?1 AND bucket < ?2 AND units > 0";

// Walks back from the newest bucket: a bucket emptied by a delete stays, with 0.
pub const LAST_BUCKET: &str =
    "SELECT bucket FROM yt_export_buckets WHERE units > 0 ORDER BY bucket DESC LIMIT 1";

pub const EXPORT_LEADERS: &str =
    "SELECT consignment_id, units, nev FROM yt_consignment_exports INDEXED BY yt_consignment_exports_units
         WHERE units > 0 ORDER BY units DESC, consignment_id LIMIT ?1";

pub const LAST_LOAD: &str = "SELECT max(yt_ts(loaded_at)) FROM vehicles INDEXED BY yt_vehicles_consignment
         WHERE consignment_id = ?1 AND status IN ('loaded', 'departed')";

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
    let mut stmt = conn.prepare_cached(EXPORTS_ALL)?;
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
    /// Ok(None): no reading; Err: unreadable.
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

/// The text of a column, borrowed, when it is valid UTF-8 TEXT.
fn str_ref<'r>(row: &'r rusqlite::Row<'_>, idx: usize) -> Option<&'r str> {
    match row.get_ref(idx) {
        Ok(rusqlite::types::ValueRef::Text(b)) => std::str::from_utf8(b).ok(),
        _ => None,
    }
}

/// A timestamp column in Unix milliseconds: Ok(None) for NULL, Err when unreadable.
fn ms(row: &rusqlite::Row<'_>, idx: usize) -> Result<Option<i64>, ()> {
    value::timestamp(row, idx).map(|t| t.map(|t| t.timestamp_millis()))
}

pub fn yard_vehicles(conn: &Connection, mut f: impl FnMut(YardVehicle<'_>)) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(YARD_VEHICLES)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let Some(status) = str_ref(row, 2).and_then(VehicleStatus::parse) else {
            continue;
        };
        let vin = match row.get_ref(0) {
            Ok(rusqlite::types::ValueRef::Text(b)) => String::from_utf8_lossy(b),
            _ => std::borrow::Cow::Owned(value::text_or_empty(row, 0)),
        };
        f(YardVehicle {
            vin,
            powertrain: str_ref(row, 1).and_then(Powertrain::parse),
            status,
            hold_reason: str_ref(row, 3).and_then(HoldReason::parse),
            soc_pct: value::real(row, 4).and_then(|v| match v {
                Some(p) if !(0.0..=100.0).contains(&p) => Err(()),
                other => Ok(other),
            }),
            soc_checked_ms: ms(row, 5),
            block: str_ref(row, 6),
            gate_in_ms: ms(row, 7),
            bad_utf8: [0, 1, 2, 3, 6].iter().any(|&i| value::invalid_utf8(row, i)),
            rowid: row.get::<_, i64>(8).unwrap_or(0),
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

/// Exported vehicles with `loaded_at` between `from_ms` and `to_ms` (inclusive),
/// through the `loaded_at` index. An RFC 3339 text carries its own offset (at most
/// 14 h either way), so the text range runs from the date 14 h before `from_ms` to
/// the day after the date 14 h after `to_ms`; dates alone compare right whatever
/// separator or offset follows them.
pub fn exports_between(conn: &Connection, from_ms: i64, to_ms: i64) -> rusqlite::Result<Vec<ExportRow>> {
    const SLACK_MS: i64 = 14 * 3_600_000;
    let date = |ms: i64, days: i64, none: &str| {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| (t + chrono::Duration::days(days)).format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| none.to_string())
    };
    let lo = date(from_ms.saturating_sub(SLACK_MS), 0, "0000");
    let hi = date(to_ms.saturating_add(SLACK_MS), 1, "9999");
    let mut stmt = conn.prepare_cached(EXPORTS_BETWEEN)?;
    let mut rows = stmt.query(params![lo, hi])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let t: Option<i64> = row.get(0).unwrap_or(None);
        if t.is_some_and(|t| t >= from_ms && t <= to_ms) {
            out.push(ExportRow {
                loaded_ms: t,
                powertrain: powertrain(row, 1),
                consignment_id: value::integer(row, 2),
            });
        }
    }
    Ok(out)
}

/// Units and NEVs of the export buckets `from..to` (bucket numbers, end exclusive).
pub fn bucket_sum(conn: &Connection, from: i64, to: i64) -> rusqlite::Result<(u64, u64)> {
    let mut stmt = conn.prepare_cached(BUCKET_SUM)?;
    stmt.query_row(params![from, to], |r| {
        Ok((
            r.get::<_, i64>(0)?.max(0) as u64,
            r.get::<_, i64>(1)?.max(0) as u64,
        ))
    })
}

/// The export buckets `from..to` one by one: (bucket, units, nev).
pub fn buckets(conn: &Connection, from: i64, to: i64) -> rusqlite::Result<Vec<(i64, u64, u64)>> {
    let mut stmt = conn.prepare_cached(BUCKETS)?;
    let rows = stmt.query_map(params![from, to], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?.max(0) as u64,
            r.get::<_, i64>(2)?.max(0) as u64,
        ))
    })?;
    rows.collect()
}

/// The newest bucket with an export in it.
pub fn last_bucket(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    let mut stmt = conn.prepare_cached(LAST_BUCKET)?;
    let mut rows = stmt.query([])?;
    rows.next()?.map(|r| r.get(0)).transpose()
}

/// Consignments by exported vehicles, most first, ties to the lowest id:
/// (id, units, nev). Read from the summary, a handful at a time.
pub fn export_leaders(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<(i64, u64, u64)>> {
    let mut stmt = conn.prepare_cached(EXPORT_LEADERS)?;
    let rows = stmt.query_map(params![limit], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?.max(0) as u64,
            r.get::<_, i64>(2)?.max(0) as u64,
        ))
    })?;
    rows.collect()
}

/// The last load of a consignment's exported vehicles, in Unix milliseconds.
pub fn last_load_ms(conn: &Connection, consignment_id: i64) -> rusqlite::Result<Option<i64>> {
    let mut stmt = conn.prepare_cached(LAST_LOAD)?;
    stmt.query_row(params![consignment_id], |r| r.get(0))
}
