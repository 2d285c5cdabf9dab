//! Writes a planned demo into its new SQLite file: fast while the file is still
//! private (no journal, yardtop's indexes and triggers dropped), then finished as
//! `init --existing` finishes a full database, and switched to WAL.

use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rusqlite::{params, Connection};

use crate::error::{db_error, Result};

use super::plan::Plan;
use super::sink::Sink;
use super::{blocks, clock, history, rng, vin, yard, yard_write, PORT_LOCODE, PORT_NAME, PORT_TZ};
use crate::names;

/// Writes the plan; returns the vehicles and events written.
pub(super) fn write(
    conn: &Connection,
    path: &Path,
    plan: &Plan,
    seed: u64,
    progress: bool,
) -> Result<(u64, u64)> {
    let err = |e: rusqlite::Error| db_error(path, &e);
    // Nobody else can have the new file open yet: no journal until it is complete.
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536; PRAGMA foreign_keys = OFF;",
    )
    .map_err(err)?;
    drop_derived(conn).map_err(err)?;
    conn.execute_batch("BEGIN").map_err(err)?;
    crate::init::write_settings(conn, Some(PORT_NAME), Some(PORT_LOCODE), Some(PORT_TZ)).map_err(err)?;
    conn.execute(
        "INSERT OR REPLACE INTO settings(key, value) VALUES (?1, ?2)",
        [
            crate::db::settings::DEMO_MARK_KEY,
            crate::db::settings::DEMO_MARK_VALUE,
        ],
    )
    .map_err(err)?;
    write_small_tables(conn, plan).map_err(err)?;
    let bar = progress_bar(progress, plan);
    let mut sink = Sink::new(conn, path, plan, bar.clone())?;
    let yard = blocks::Yard::new(plan);
    let mut vins = vin::VinFactory::new(&mut rng::stream(seed, rng::VINS));
    // Items in the order their earliest event can happen, so that the events can be
    // written in time order with only a few weeks of them held back.
    let mut items: Vec<(i64, usize)> = (0..plan.history_consignments)
        .map(|i| (plan.consignments[i].cutoff - history::MAX_DWELL - clock::DAY, i))
        .collect();
    items.push((plan.now - yard::MAX_DWELL - clock::DAY, usize::MAX));
    items.sort_unstable();
    let mut yard_rng = rng::stream(seed, rng::YARD_EVENTS);
    for (k, &(_, item)) in items.iter().enumerate() {
        if item == usize::MAX {
            yard_write::write(&mut sink, plan, &yard, &mut vins, &mut yard_rng)?;
        } else {
            let mut r = rng::stream(seed, rng::CONSIGNMENT + item as u64);
            history::write(&mut sink, plan, &yard, item, &mut vins, &mut r)?;
        }
        let watermark = items.get(k + 1).map(|(t, _)| *t).unwrap_or(i64::MAX);
        sink.flush_before(watermark)?;
    }
    sink.flush_before(i64::MAX)?;
    let counts = (sink.vehicles, sink.events);
    drop(sink);
    conn.execute_batch("COMMIT").map_err(err)?;
    bar.finish_and_clear();
    finish(conn, progress).map_err(err)?;
    Ok(counts)
}

/// yardtop's indexes on the full database (built once after the bulk load). Then
/// the file becomes WAL, like every yard database.
fn finish(conn: &Connection, progress: bool) -> rusqlite::Result<()> {
    let spin = spinner(progress);
    spin.set_message("building indexes");
    // Let SQLite's sorter use a second core for the index builds; each of its
    // threads sorts in memory up to the cache size, so keep that modest.
    conn.execute_batch("PRAGMA threads = 2; PRAGMA cache_size = -32768;")?;
    conn.execute_batch("BEGIN")?;
    conn.execute_batch(crate::db::SCHEMA_SQL)?;
    conn.execute_batch("COMMIT")?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")?;
    spin.finish_and_clear();
    Ok(())
}

/// Drops yardtop's indexes (and any trigger) for the bulk load: building the
/// indexes once at the end is far faster than keeping them up to date row by row.
fn drop_derived(conn: &Connection) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(
        "SELECT type, name FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY rowid",
    )?;
    let list: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (kind, name) in &list {
        let kind = if kind == "index" { "INDEX" } else { "TRIGGER" };
        conn.execute_batch(&format!("DROP {kind} \"{}\"", name.replace('"', "\"\"")))?;
    }
    Ok(())
}

fn write_small_tables(conn: &Connection, plan: &Plan) -> rusqlite::Result<()> {
    let mut stamp = clock::Stamp::default();
    let mut stmt = conn.prepare("INSERT INTO vessels(imo, name, capacity_ceu) VALUES (?1, ?2, ?3)")?;
    for v in &plan.vessels {
        stmt.execute(params![v.imo, v.name, v.ceu])?;
    }
    let mut stmt = conn.prepare(
        "INSERT INTO vessel_calls(id, imo, voyage, berth, eta, etd, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (i, c) in plan.calls.iter().enumerate() {
        let imo = plan.vessels.get(c.vessel).map(|v| v.imo);
        let eta = clock::fmt(c.eta);
        stmt.execute(params![
            i as i64 + 1,
            imo,
            c.voyage,
            c.berth,
            eta,
            stamp.fmt(c.etd),
            c.status.as_str()
        ])?;
    }
    let mut stmt = conn.prepare(
        "INSERT INTO consignments(id, ref, call_id, brand, destination, planned_units, cutoff_at, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (i, c) in plan.consignments.iter().enumerate() {
        let dest = names::DESTINATIONS.get(c.dest).map(|d| d.locode);
        stmt.execute(params![
            i as i64 + 1,
            c.reference,
            c.call as i64 + 1,
            c.make().name,
            dest,
            c.planned,
            stamp.fmt(c.cutoff),
            c.status.as_str()
        ])?;
    }
    let mut stmt =
        conn.prepare("INSERT INTO yard_blocks(code, zone, rows, slots_per_row) VALUES (?1, ?2, ?3, ?4)")?;
    for b in &plan.blocks {
        stmt.execute(params![b.code, b.zone.as_str(), b.rows, b.slots])?;
    }
    Ok(())
}

fn spinner(show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let spin = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        spin.set_style(style);
    }
    spin.enable_steady_tick(Duration::from_millis(120));
    spin
}

fn progress_bar(show: bool, plan: &Plan) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let total: u64 = plan.consignments[..plan.history_consignments]
        .iter()
        .map(|c| u64::from(c.units))
        .sum::<u64>()
        + plan.yard.len() as u64;
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{msg:18} [{bar:40}] {human_pos}/{human_len} vehicles, {eta} left")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("writing the demo");
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
