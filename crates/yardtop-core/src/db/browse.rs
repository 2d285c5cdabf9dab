//! The dashboard's drill-down queries (docs/architecture.md): the newest events, a block's row ×
//! slot map, a consignment's vehicles, one vehicle with its event history, and the
//! `/` search. Every list of unbounded length is keyset-paged (`WHERE key > ?last
//! ORDER BY key LIMIT page`): only the rows on screen are fetched, so a list of a
//! million rows scrolls as fast as one of a hundred, and nothing proportional to
//! history is ever held in memory.
//!
//! Values are read tolerantly (any tool may have written the database); the text
//! returned here is raw: the UI passes every string through `sanitize::clean`
//! before it is shown.

use chrono::{DateTime, Utc};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, Row, ToSql};

use crate::db::value;
use crate::model::{Powertrain, VehicleStatus};

/// The most rows the VIN / ref / vessel search returns per kind.
pub const SEARCH_LIMIT: usize = 50;

/// Most vehicles a block map reads (a block holds a few thousand at most; a
/// corrupted database must not make the map unbounded).
pub const BLOCK_MAP_LIMIT: usize = 20_000;

/// The in-yard statuses, as SQL.
const IN_YARD_SQL: &str = "('gated_in','parked','hold','staged')";

mod keyset;
mod search;

use keyset::Keyset;
pub use keyset::{Anchor, Page};
pub use search::{search, SearchHit, SearchResults, Target};

/// Any column value as display text (raw: the UI cleans it). NULL → None.
pub fn display(row: &Row<'_>, idx: usize) -> Option<String> {
    match row.get_ref(idx) {
        Ok(ValueRef::Null) | Err(_) => None,
        Ok(ValueRef::Integer(i)) => Some(i.to_string()),
        Ok(ValueRef::Real(f)) => Some(format!("{f}")),
        Ok(ValueRef::Text(b)) => Some(String::from_utf8_lossy(b).into_owned()),
        Ok(ValueRef::Blob(b)) => Some(format!("<{} bytes of binary data>", b.len())),
    }
}

/// A column's value as a list key, exactly as stored. TEXT that is not valid UTF-8
/// (which `Value` cannot hold: its `From<ValueRef>` panics on it) becomes a BLOB of
/// the same bytes; a lookup by such a key also tries those bytes as TEXT
/// (`text_bytes`).
fn raw_value(row: &Row<'_>, idx: usize) -> Value {
    match row.get_ref(idx) {
        Ok(ValueRef::Text(b)) => match std::str::from_utf8(b) {
            Ok(s) => Value::Text(s.to_string()),
            Err(_) => Value::Blob(b.to_vec()),
        },
        Ok(v) => Value::from(v),
        Err(_) => Value::Null,
    }
}

/// Bytes bound as TEXT, valid UTF-8 or not (as another tool may have stored them).
struct TextBytes<'a>(&'a [u8]);

impl ToSql for TextBytes<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Text(self.0)))
    }
}

/// The bytes of a BLOB key, to try as TEXT when the BLOB itself matches nothing
/// (see `raw_value`).
fn text_bytes(v: &Value) -> Option<TextBytes<'_>> {
    match v {
        Value::Blob(b) => Some(TextBytes(b)),
        _ => None,
    }
}

/// The display text of a key value (a VIN).
pub fn key_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Integer(i) => i.to_string(),
        Value::Real(f) => format!("{f}"),
        Value::Text(s) => s.clone(),
        Value::Blob(b) => String::from_utf8_lossy(b).into_owned(),
    }
}

// ---------------------------------------------------------------------------
// Events

/// One row of `events`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    /// The event's rowid: its place in the order the events were written.
    pub id: i64,
    /// `at` as written.
    pub at_raw: String,
    /// `at` when readable.
    pub at: Option<DateTime<Utc>>,
    pub vin: String,
    pub kind: String,
    pub detail: String,
}

/// Events are read and ordered by rowid, the order they were written: `events.id`
/// may have lost its key to a tool that recreated the table (pandas `to_sql`), and
/// rows written since then have no id at all. For a table whose `id` is still the
/// INTEGER PRIMARY KEY, rowid is the id.
const EVENT_COLS: &str = "SELECT rowid, at, vin, kind, detail FROM events";

fn event_row(r: &Row<'_>) -> EventRow {
    EventRow {
        id: value::integer(r, 0).ok().flatten().unwrap_or(0),
        at_raw: display(r, 1).unwrap_or_default(),
        at: value::timestamp(r, 1).ok().flatten(),
        vin: display(r, 2).unwrap_or_default(),
        kind: display(r, 3).unwrap_or_default(),
        detail: display(r, 4).unwrap_or_default(),
    }
}

/// The newest `limit` events, newest first (the activity feed). Reads by rowid, so
/// it costs the same on 5,000,000 events as on 5.
pub fn newest_events(conn: &Connection, limit: usize) -> rusqlite::Result<Vec<EventRow>> {
    let mut stmt = conn.prepare_cached(&format!("{EVENT_COLS} ORDER BY rowid DESC LIMIT ?1"))?;
    let rows = stmt.query_map([limit as i64], |r| Ok(event_row(r)))?;
    rows.collect()
}

/// A page of one vehicle's events, newest first (keyset on `id`, index
/// `yt_events_vin(vin, id)`).
pub fn vehicle_events(
    conn: &Connection,
    vin: &Value,
    anchor: &Anchor<i64>,
    limit: usize,
) -> rusqlite::Result<Page<EventRow>> {
    let base = format!("{EVENT_COLS} WHERE vin = ?1");
    let q = Keyset {
        base: &base,
        key: "rowid",
        ascending: false,
    };
    let page = q.page(conn, vin, anchor, limit, &|e: &EventRow| e.id, &event_row)?;
    match text_bytes(vin) {
        Some(text) if page.rows.is_empty() => {
            q.page(conn, &text, anchor, limit, &|e: &EventRow| e.id, &event_row)
        }
        _ => Ok(page),
    }
}

// ---------------------------------------------------------------------------
// Vehicles

/// A vehicle as the lists and the block map show it.
#[derive(Debug, Clone, PartialEq)]
pub struct VehicleRow {
    /// The VIN as stored (the list key).
    pub key: Value,
    pub vin: String,
    pub make: String,
    pub model: String,
    /// As written; `powertrain()` parses it.
    pub powertrain_raw: String,
    pub status_raw: String,
    pub hold_reason: String,
    pub soc: SocReading,
    pub block: String,
    pub row: Option<i64>,
    pub slot: Option<i64>,
}

impl VehicleRow {
    pub fn powertrain(&self) -> Option<Powertrain> {
        Powertrain::parse(&self.powertrain_raw)
    }

    pub fn status(&self) -> Option<VehicleStatus> {
        VehicleStatus::parse(&self.status_raw)
    }
}

/// The last SoC reading of a vehicle, as readable.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SocReading {
    pub pct: Option<f64>,
    pub pct_unreadable: bool,
    pub checked_at: Option<DateTime<Utc>>,
    pub checked_at_unreadable: bool,
}

pub use crate::model::SocBand;

impl SocReading {
    /// The band of this reading as of `now`. The same rule as the figures: over is
    /// strictly above the max, under strictly below the min, stale is strictly
    /// older than the age limit.
    pub fn band(&self, soc_max: f64, soc_min: f64, max_age_h: f64, now: DateTime<Utc>) -> SocBand {
        if self.pct_unreadable || self.checked_at_unreadable {
            return SocBand::Unchecked;
        }
        let age_ms = self.checked_at.map(|at| (now - at).num_milliseconds());
        crate::model::soc_band(self.pct, age_ms, soc_max, soc_min, max_age_h)
    }
}

const VEHICLE_COLS: &str = "SELECT vin, make, model, powertrain, status, hold_reason, soc_pct, \
     soc_checked_at, block, row, slot FROM vehicles";

fn vehicle_row(r: &Row<'_>) -> VehicleRow {
    let soc = value::real(r, 6);
    let checked = value::timestamp(r, 7);
    VehicleRow {
        key: raw_value(r, 0),
        vin: display(r, 0).unwrap_or_default(),
        make: display(r, 1).unwrap_or_default(),
        model: display(r, 2).unwrap_or_default(),
        powertrain_raw: display(r, 3).unwrap_or_default(),
        status_raw: display(r, 4).unwrap_or_default(),
        hold_reason: display(r, 5).unwrap_or_default(),
        soc: SocReading {
            pct: soc.ok().flatten(),
            pct_unreadable: soc.is_err(),
            checked_at: checked.ok().flatten(),
            checked_at_unreadable: checked.is_err(),
        },
        block: display(r, 8).unwrap_or_default(),
        row: value::integer(r, 9).ok().flatten(),
        slot: value::integer(r, 10).ok().flatten(),
    }
}

/// A page of a consignment's vehicles, by VIN (keyset on `vin`).
pub fn consignment_vehicles(
    conn: &Connection,
    consignment_id: i64,
    anchor: &Anchor<Value>,
    limit: usize,
) -> rusqlite::Result<Page<VehicleRow>> {
    let base = format!("{VEHICLE_COLS} WHERE consignment_id = ?1 AND vin IS NOT NULL");
    let q = Keyset {
        base: &base,
        key: "vin",
        ascending: true,
    };
    let mut page = q.page(
        conn,
        &consignment_id,
        anchor,
        limit,
        &|v: &VehicleRow| v.key.clone(),
        &vehicle_row,
    )?;
    let first = page.rows.first().map(|v| v.key.clone());
    page.position = Some(q.position(conn, &consignment_id, first.as_ref().map(|k| k as &dyn ToSql))?);
    Ok(page)
}

/// A consignment as its drill-down header shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConsignmentInfo {
    pub id: i64,
    pub reference: String,
    pub brand: String,
    pub destination: String,
    pub planned: Option<String>,
    pub cutoff_raw: String,
    pub cutoff: Option<DateTime<Utc>>,
    pub status: String,
    pub vessel: String,
    pub voyage: String,
    pub call_status: String,
    /// Vehicles assigned to it (any status).
    pub vehicles: u64,
}

pub fn consignment_info(conn: &Connection, id: i64) -> rusqlite::Result<Option<ConsignmentInfo>> {
    let info = conn
        .prepare_cached(
            "SELECT c.id, c.ref, c.brand, c.destination, c.planned_units, c.cutoff_at, c.status, \
                    v.name, vc.voyage, vc.status \
             FROM consignments c \
             LEFT JOIN vessel_calls vc ON vc.id = c.call_id \
             LEFT JOIN vessels v ON v.imo = vc.imo \
             WHERE c.id = ?1",
        )?
        .query_row([id], |r| {
            Ok(ConsignmentInfo {
                id: value::integer(r, 0).ok().flatten().unwrap_or(id),
                reference: display(r, 1).unwrap_or_default(),
                brand: display(r, 2).unwrap_or_default(),
                destination: display(r, 3).unwrap_or_default(),
                planned: display(r, 4),
                cutoff_raw: display(r, 5).unwrap_or_default(),
                cutoff: value::timestamp(r, 5).ok().flatten(),
                status: display(r, 6).unwrap_or_default(),
                vessel: display(r, 7).unwrap_or_default(),
                voyage: display(r, 8).unwrap_or_default(),
                call_status: display(r, 9).unwrap_or_default(),
                vehicles: 0,
            })
        })
        .optional()?;
    let Some(mut info) = info else {
        return Ok(None);
    };
    info.vehicles = conn
        .prepare_cached("SELECT count(*) FROM vehicles WHERE consignment_id = ?1")?
        .query_row([id], |r| r.get::<_, i64>(0))?
        .max(0) as u64;
    Ok(Some(info))
}

/// The consignment with this exact ref.
pub fn consignment_id_by_ref(conn: &Connection, reference: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM consignments WHERE ref = ?1")?
        .query_row([reference], |r| r.get::<_, i64>(0))
        .optional()
}

/// One vehicle: every column as written (label, value), the parsed row, and the
/// consignment's ref.
#[derive(Debug, Clone, PartialEq)]
pub struct VehicleDetail {
    pub row: VehicleRow,
    pub fields: Vec<(&'static str, Option<String>)>,
    pub consignment_ref: Option<String>,
}

pub fn vehicle_detail(conn: &Connection, vin: &Value) -> rusqlite::Result<Option<VehicleDetail>> {
    // Every column of the contract, in its order.
    const FIELDS: [&str; 15] = crate::db::VEHICLE_COLUMNS;
    let sql = format!(
        "SELECT vin, make, model, powertrain, status, hold_reason, soc_pct, soc_checked_at, \
                block, row, slot, {} FROM vehicles WHERE vin = ?1",
        FIELDS.join(", ")
    );
    let find = |key: &dyn ToSql| {
        conn.prepare_cached(&sql)?
            .query_row([key], |r| {
                let row = vehicle_row(r);
                let fields = FIELDS
                    .iter()
                    .enumerate()
                    .map(|(i, name)| (*name, display(r, 11 + i)))
                    .collect::<Vec<_>>();
                let cid = value::integer(r, 11 + 6).ok().flatten();
                Ok((row, fields, cid))
            })
            .optional()
    };
    let found = match (find(vin)?, text_bytes(vin)) {
        (None, Some(text)) => find(&text)?,
        (found, _) => found,
    };
    // A VIN known only by its display text (an alert's subject, an event), where
    // the stored VIN is not valid UTF-8: find the stored bytes that display so.
    let found = match (found, vin) {
        (None, Value::Text(shown)) if shown.contains('\u{fffd}') => match stored_vin(conn, shown)? {
            Some(stored) => find(&TextBytes(&stored))?,
            None => None,
        },
        (found, _) => found,
    };
    let Some((row, fields, cid)) = found else {
        return Ok(None);
    };
    let consignment_ref = match cid {
        Some(id) => conn
            .prepare_cached("SELECT ref FROM consignments WHERE id = ?1")?
            .query_row([id], |r| Ok(display(r, 0)))
            .optional()?
            .flatten(),
        None => None,
    };
    Ok(Some(VehicleDetail {
        row,
        fields,
        consignment_ref,
    }))
}

/// The stored bytes of the VIN that is not valid UTF-8 and displays as `shown`
/// (invalid bytes as U+FFFD). Only VINs starting with the valid part of `shown`
/// before its first U+FFFD are read (a range of the primary key).
fn stored_vin(conn: &Connection, shown: &str) -> rusqlite::Result<Option<Vec<u8>>> {
    let prefix = shown.split('\u{fffd}').next().unwrap_or("").as_bytes().to_vec();
    let mut upper = prefix.clone();
    upper.push(0xff);
    let mut stmt = conn.prepare_cached(
        "SELECT vin FROM vehicles WHERE vin >= ?1 AND vin < ?2 \
         AND typeof(vin) = 'text' AND yt_text_ok(vin) = 0",
    )?;
    let mut rows = stmt.query(params![TextBytes(&prefix), TextBytes(&upper)])?;
    while let Some(r) = rows.next()? {
        if let ValueRef::Text(b) = r.get_ref(0)? {
            if String::from_utf8_lossy(b) == shown {
                return Ok(Some(b.to_vec()));
            }
        }
    }
    Ok(None)
}

// ---------------------------------------------------------------------------
// Block map

/// The vehicles in the yard in one block (at most `BLOCK_MAP_LIMIT`), ordered by
/// row and slot (index `yt_vehicles_block_slot`).
pub fn block_vehicles(conn: &Connection, code: &str) -> rusqlite::Result<(Vec<VehicleRow>, bool)> {
    let mut stmt = conn.prepare_cached(&format!(
        "{VEHICLE_COLS} WHERE block = ?1 AND status IN {IN_YARD_SQL} ORDER BY row, slot LIMIT ?2"
    ))?;
    let rows = stmt
        .query_map(params![code, (BLOCK_MAP_LIMIT + 1) as i64], |r| {
            Ok(vehicle_row(r))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut rows = rows;
    let truncated = rows.len() > BLOCK_MAP_LIMIT;
    rows.truncate(BLOCK_MAP_LIMIT);
    Ok((rows, truncated))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys = OFF;").unwrap();
        conn.execute_batch(crate::db::SCHEMA_SQL).unwrap();
        crate::db::value::register_functions(&conn).unwrap();
        conn.execute_batch("INSERT INTO consignments(id, ref, status) VALUES (1, 'MG-GBBRS-1', 'open');")
            .unwrap();
        for i in 0..25 {
            conn.execute(
                "INSERT INTO vehicles(vin, make, powertrain, status, consignment_id, block, row, slot) \
                 VALUES (?1, 'MG', 'BEV', 'parked', 1, 'N01', 1, ?2)",
                params![format!("LSJW0000000{i:06}"), i + 1],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO events(at, vin, kind) VALUES ('2026-11-26T09:00:00Z', ?1, 'park')",
                [format!("LSJW0000000{:06}", i % 3)],
            )
            .unwrap();
        }
        conn
    }

    fn vins(p: &Page<VehicleRow>) -> Vec<String> {
        p.rows.iter().map(|v| v.vin[11..].to_string()).collect()
    }

    #[test]
    fn keyset_pages_forward_and_back() {
        let conn = db();
        let first = consignment_vehicles(&conn, 1, &Anchor::First, 10).unwrap();
        assert_eq!(vins(&first)[0], "000000");
        assert!(!first.more_before && first.more_after);
        assert_eq!(first.position, Some((0, 25)));
        let last_key = first.rows[9].key.clone();
        let next = consignment_vehicles(&conn, 1, &Anchor::After(last_key), 10).unwrap();
        assert_eq!(vins(&next)[0], "000010");
        assert_eq!(next.position, Some((10, 25)));
        assert!(next.more_before && next.more_after);
        let back =
            consignment_vehicles(&conn, 1, &Anchor::BackFrom(next.rows[0].key.clone(), 3), 10).unwrap();
        assert_eq!(vins(&back)[0], "000007");
        let end = consignment_vehicles(&conn, 1, &Anchor::Last, 10).unwrap();
        assert_eq!(vins(&end).last().map(String::as_str), Some("000024"));
        assert!(end.more_before && !end.more_after);
        let top =
            consignment_vehicles(&conn, 1, &Anchor::BackFrom(first.rows[0].key.clone(), 1), 10).unwrap();
        assert_eq!(vins(&top)[0], "000000");
    }

    #[test]
    fn vehicle_events_newest_first() {
        let conn = db();
        let vin = Value::Text("LSJW0000000000000".into());
        let p = vehicle_events(&conn, &vin, &Anchor::First, 3).unwrap();
        assert_eq!(p.rows.len(), 3);
        assert!(p.rows[0].id > p.rows[1].id);
        assert!(p.more_after);
    }

    #[test]
    fn search_by_vin_suffix_and_ref() {
        let conn = db();
        let r = search(&conn, "000024").unwrap();
        assert_eq!(r.hits.len(), 1);
        let r = search(&conn, "GBBRS").unwrap();
        assert_eq!(r.hits[0].target, Target::Consignment(1));
        // A wildcard typed by the user is literal.
        assert!(search(&conn, "%").unwrap().hits.is_empty());
    }

    #[test]
    fn soc_bands_follow_the_rules() {
        let now = crate::time::parse_ts("2026-11-26T09:00:00Z").unwrap();
        let r = |pct, h: i64| SocReading {
            pct: Some(pct),
            checked_at: Some(now - chrono::Duration::hours(h)),
            ..Default::default()
        };
        assert_eq!(r(50.0, 1).band(50.0, 20.0, 72.0, now), SocBand::InBand);
        assert_eq!(r(50.5, 1).band(50.0, 20.0, 72.0, now), SocBand::OverMax);
        assert_eq!(r(19.0, 1).band(50.0, 20.0, 72.0, now), SocBand::UnderMin);
        assert_eq!(r(90.0, 73).band(50.0, 20.0, 72.0, now), SocBand::Unchecked);
        assert_eq!(r(90.0, 72).band(50.0, 20.0, 72.0, now), SocBand::OverMax);
        assert_eq!(
            SocReading::default().band(50.0, 20.0, 72.0, now),
            SocBand::Unchecked
        );
    }
}
