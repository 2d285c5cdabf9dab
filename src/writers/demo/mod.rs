//! `yardtop demo` (SPEC §6): a realistic yard database, the same for the same
//! `--seed` and `--now`, then the live simulator and the dashboard on it.
//!
//! The generator plans the small things first (vessels, calls, consignments,
//! blocks, the vehicles now in the yard) and then streams the vehicles of history
//! consignment by consignment, so memory stays flat at port scale.

mod blocks;
mod clock;
mod history;
mod names;
mod plan;
mod rng;
mod sink;
mod today;
mod vin;
mod xiamen;
mod yard;
mod yard_write;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rusqlite::{params, Connection};

use crate::app::Ctx;
use crate::cli::DemoArgs;
use crate::error::{db_error, io_reason, Result, UserError};
use crate::writers::simulate::{simulate, SimOptions};

use self::plan::Plan;
use self::sink::Sink;

pub use self::xiamen::{RECORD_NEV, RECORD_UNITS};

/// The port of both stories.
pub const PORT_NAME: &str = "Xiamen Port";
pub const PORT_LOCODE: &str = "CNXMN";
pub const PORT_TZ: &str = "Asia/Shanghai";

/// Largest `--scale N`: VIN serials and memory stay comfortable below it.
pub const MAX_VEHICLES: u64 = 5_000_000;
pub const MIN_VEHICLES: u64 = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Story {
    /// Today's yard at `now`.
    Today,
    /// The seed's story, frozen at 2023-05-31 23:00 port time.
    Xiamen2023,
}

impl Story {
    pub fn parse(name: &str) -> Result<Story> {
        match name.trim() {
            "today" => Ok(Story::Today),
            "xiamen-2023" => Ok(Story::Xiamen2023),
            other => Err(UserError::usage(format!(
                "--story {other:?} is not a demo story; use today or xiamen-2023"
            ))),
        }
    }

    /// The instant the story is told at when no --now is given (None: the clock).
    pub fn default_now(self) -> Option<DateTime<Utc>> {
        match self {
            Story::Today => None,
            Story::Xiamen2023 => Some(xiamen::default_now()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// A real yard's worth (80,000 vehicles of which about 4,000 in the yard).
    Small,
    /// SPEC §7: 1,000,000 vehicles, 50,000 in the yard.
    Port,
    /// This many vehicles in all.
    Vehicles(u64),
}

impl Scale {
    pub fn parse(text: &str) -> Result<Scale> {
        let t = text.trim();
        match t {
            "small" => return Ok(Scale::Small),
            "port" => return Ok(Scale::Port),
            _ => {}
        }
        let digits: String = t.chars().filter(|c| *c != '_' && *c != ',').collect();
        match digits.parse::<u64>() {
            Ok(n) if (MIN_VEHICLES..=MAX_VEHICLES).contains(&n) => Ok(Scale::Vehicles(n)),
            _ => Err(UserError::usage(format!(
                "--scale {t:?}: use small, port or a number of vehicles from {MIN_VEHICLES} to {MAX_VEHICLES}"
            ))),
        }
    }

    pub fn vehicles(self) -> u64 {
        match self {
            Scale::Small => today::SMALL,
            Scale::Port => today::PORT,
            Scale::Vehicles(n) => n,
        }
    }
}

/// What a build wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildSummary {
    pub path: PathBuf,
    pub vehicles: u64,
    pub events: u64,
    pub in_yard: u64,
    pub blocks: usize,
    pub vessels: usize,
    pub calls: usize,
    pub consignments: usize,
    pub pending_consignments: usize,
    pub seconds: f64,
}

pub fn run(ctx: &Ctx, args: &DemoArgs) -> Result<()> {
    let story = Story::parse(&args.story)?;
    let scale = Scale::parse(&args.scale)?;
    let frozen = ctx.now.or_else(|| story.default_now());
    let now = whole_seconds(frozen.unwrap_or_else(Utc::now));
    let path = target(ctx)?;
    let chatty = std::io::stderr().is_terminal();
    let summary = build_with(&path, story, scale, args.seed, now, chatty)?;
    if chatty {
        eprintln!(
            "yardtop: demo yard {}: {} vehicles ({} in the yard, {} consignments pending), {} events, in {:.1} s",
            path.display(),
            summary.vehicles,
            summary.in_yard,
            summary.pending_consignments,
            summary.events,
            summary.seconds
        );
    }
    if args.no_tui {
        let mut out = std::io::stdout().lock();
        return writeln!(out, "{}", path.display())
            .and_then(|_| out.flush())
            .map_err(|e| {
                UserError::problem(format!(
                    "cannot print the demo database's path: {}",
                    io_reason(&e)
                ))
            });
    }
    let mut dash = ctx.clone();
    dash.db = path.clone();
    dash.db_explicit = true;
    dash.now = frozen;
    // The simulator writes at the real clock: under a frozen --now its events would
    // lie in the dashboard's future, so a frozen demo stays still.
    let live = !args.no_live && frozen.is_none();
    let stop = Arc::new(AtomicBool::new(false));
    let sim = if live {
        let (db, flag) = (path.clone(), Arc::clone(&stop));
        let opts = SimOptions {
            rate: 5.0,
            duration: None,
            seed: args.seed,
            verbose: false,
        };
        let handle = std::thread::Builder::new()
            .name("yardtop-simulate".into())
            .spawn(move || simulate(&db, &opts, &flag))
            .map_err(|e| UserError::problem(format!("cannot start the live simulator: {}", io_reason(&e))))?;
        Some(handle)
    } else {
        None
    };
    let shown = crate::ui::run_dashboard(&dash, true);
    stop.store(true, Ordering::SeqCst);
    if let Some(handle) = sim {
        match handle.join() {
            Ok(Err(e)) if shown.is_ok() => eprintln!("yardtop: the live simulator stopped: {e}"),
            Err(_) if shown.is_ok() => eprintln!("yardtop: the live simulator stopped unexpectedly"),
            _ => {}
        }
    }
    shown
}

fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

/// Where the demo goes: an explicit --db that does not exist yet, or the demo's
/// own file (replaced on every run).
fn target(ctx: &Ctx) -> Result<PathBuf> {
    if ctx.db_explicit {
        if std::fs::symlink_metadata(&ctx.db).is_ok() {
            return Err(UserError::problem(format!(
                "{} already exists; yardtop demo never overwrites a database. Give a path that does not exist yet with --db, or leave --db out to use the demo's own file",
                ctx.db.display()
            )));
        }
        return Ok(ctx.db.clone());
    }
    let path = default_path();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.clone().into_os_string();
        name.push(suffix);
        match std::fs::remove_file(&name) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(UserError::problem(format!(
                "cannot replace the previous demo database {}: {}; delete it or give another file with --db",
                Path::new(&name).display(),
                io_reason(&e)
            )))
            }
        }
    }
    Ok(path)
}

/// The user's data folder (e.g. ~/.local/share/yardtop/demo.db), else the temp dir.
pub fn default_path() -> PathBuf {
    if let Some(dir) = dirs::data_dir().map(|d| d.join("yardtop")) {
        if std::fs::create_dir_all(&dir).is_ok() {
            return dir.join("demo.db");
        }
    }
    std::env::temp_dir().join("yardtop-demo.db")
}

/// Builds the demo database at `db`, which must not exist yet.
pub fn build(db: &Path, story: Story, scale: Scale, seed: u64, now: DateTime<Utc>) -> Result<BuildSummary> {
    build_with(db, story, scale, seed, now, false)
}

/// As `build`, with a progress bar on stderr when `progress` is set.
pub fn build_with(
    db: &Path,
    story: Story,
    scale: Scale,
    seed: u64,
    now: DateTime<Utc>,
    progress: bool,
) -> Result<BuildSummary> {
    if story == Story::Xiamen2023 && scale != Scale::Small {
        return Err(UserError::usage(
            "the xiamen-2023 story has the size of its figures; --scale applies to the today story",
        ));
    }
    let started = Instant::now();
    let plan = make_plan(story, scale, seed, whole_seconds(now))?;
    let conn = crate::db::create_new(db)?;
    let written = write(&conn, db, &plan, seed, progress);
    let closed = conn.close().map_err(|(_, e)| db_error(db, &e));
    match written.and_then(|s| closed.map(|_| s)) {
        Ok((vehicles, events)) => Ok(BuildSummary {
            path: db.to_path_buf(),
            vehicles,
            events,
            in_yard: plan.yard.iter().filter(|v| v.status.in_yard()).count() as u64,
            blocks: plan.blocks.len(),
            vessels: plan.vessels.len(),
            calls: plan.calls.len(),
            consignments: plan.consignments.len(),
            pending_consignments: plan.consignments.len() - plan.history_consignments,
            seconds: started.elapsed().as_secs_f64(),
        }),
        Err(e) => {
            // Half a demo is no use to anyone: leave no file behind.
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut name = db.to_path_buf().into_os_string();
                name.push(suffix);
                let _ = std::fs::remove_file(name);
            }
            Err(e)
        }
    }
}

fn make_plan(story: Story, scale: Scale, seed: u64, now: DateTime<Utc>) -> Result<Plan> {
    let tz: Tz = PORT_TZ.parse().unwrap_or(Tz::Asia__Shanghai);
    let now = now.timestamp();
    let (in_yard, pending) = match story {
        Story::Today => today::yard_size(scale.vehicles()),
        Story::Xiamen2023 => (xiamen::IN_YARD, xiamen::CONSIGNMENTS),
    };
    let fleet_size = (scale.vehicles() / 12_000).clamp(24, 80) as usize;
    let vessels = plan::fleet(&mut rng::stream(seed, rng::FLEET), fleet_size);
    let current = yard::plan(&mut rng::stream(seed, rng::YARD_PLAN), now, in_yard, pending);
    let spec = match story {
        Story::Today => {
            let total = scale.vehicles();
            let current_total = current.vehicles.len() as u64;
            if total < current_total + 1000 {
                return Err(UserError::usage(format!(
                    "--scale {total} is too small for a yard with history; use at least {}",
                    (current_total + 1000).max(MIN_VEHICLES)
                )));
            }
            today::history(now, &tz, total - current_total)
        }
        Story::Xiamen2023 => xiamen::history(now, &tz),
    };
    let (mut calls, mut consignments) = history::plan(&spec, &mut rng::stream(seed, rng::HISTORY_PLAN));
    history::assign_vessels(&mut calls, vessels.len(), current.calls.len());
    let history_calls = calls.len();
    let history_consignments = consignments.len();
    calls.extend(current.calls);
    consignments.extend(current.consignments.into_iter().map(|mut c| {
        c.call += history_calls;
        c
    }));
    let yard = current
        .vehicles
        .into_iter()
        .map(|mut v| {
            v.cons = v.cons.map(|c| c + history_consignments as u32);
            v.load_call = v.load_call.map(|c| c + history_calls as u32);
            v
        })
        .collect();
    let mut plan = Plan {
        tz,
        now,
        vessels,
        calls,
        consignments,
        history_consignments,
        blocks: Vec::new(),
        yard,
        events_since: match story {
            // Full event logs for all of history; the story keeps two months of them.
            Story::Today => i64::MIN,
            Story::Xiamen2023 => now - 61 * clock::DAY,
        },
    };
    blocks::lay_out(&mut plan, &mut rng::stream(seed, rng::BLOCKS));
    plan::number_voyages(&mut plan, &mut rng::stream(seed, rng::VOYAGES));
    plan::name_consignments(&mut plan);
    Ok(plan)
}

/// Writes the plan; returns the vehicles and events written.
fn write(conn: &Connection, path: &Path, plan: &Plan, seed: u64, progress: bool) -> Result<(u64, u64)> {
    let err = |e: rusqlite::Error| db_error(path, &e);
    // Nobody else can have the new file open yet: no journal until it is complete.
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536; PRAGMA foreign_keys = OFF;",
    )
    .map_err(err)?;
    drop_derived(conn).map_err(err)?;
    conn.execute_batch("BEGIN").map_err(err)?;
    crate::writers::init::write_settings(conn, Some(PORT_NAME), Some(PORT_LOCODE), Some(PORT_TZ))
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
    finish(conn, path, progress).map_err(err)?;
    Ok(counts)
}

/// What `init --existing` does to a full database: yardtop's indexes, its summary
/// tables' triggers, and the summaries filled from the rows. Then the file becomes
/// WAL, like every yard database (SPEC §2).
fn finish(conn: &Connection, path: &Path, progress: bool) -> rusqlite::Result<()> {
    let spin = spinner(progress);
    spin.set_message("building indexes");
    // Let SQLite's sorter use a second core for the index builds.
    conn.execute_batch("PRAGMA threads = 2;")?;
    conn.execute_batch("BEGIN")?;
    conn.execute_batch(crate::db::SCHEMA_SQL)?;
    conn.execute_batch(crate::db::SUMMARIES_SQL)?;
    spin.set_message("summing up exports");
    fill_export_summaries(conn)?;
    conn.execute_batch("COMMIT")?;
    spin.set_message("checking data quality");
    fill_quality(conn, path)?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")?;
    spin.finish_and_clear();
    Ok(())
}

/// Drops yardtop's indexes and triggers for the bulk load: building the indexes
/// once and filling the summaries with one query each at the end is far faster
/// than keeping them up to date row by row.
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

/// Fills the export summaries from the rows with `summary::backfill_sql`, leaving
/// out its data-quality counts (see `fill_quality`).
fn fill_export_summaries(conn: &Connection) -> rusqlite::Result<()> {
    for stmt in crate::db::summary::backfill_sql().split(";\n") {
        let stmt = stmt.trim();
        if stmt.is_empty() || stmt.starts_with("UPDATE yt_quality") {
            continue;
        }
        conn.execute_batch(stmt)?;
    }
    Ok(())
}

/// Counts each table's data-quality problems with `quality::scan` (one pass per
/// table rather than one per kind of problem), the tables side by side on their
/// own read-only connections, and stores the counts the triggers keep from now on.
fn fill_quality(conn: &Connection, path: &Path) -> rusqlite::Result<()> {
    use crate::db::{quality, summary};
    let scans: Vec<rusqlite::Result<quality::QualityCounts>> = std::thread::scope(|scope| {
        let handles: Vec<_> = summary::COUNTED_TABLES
            .iter()
            .map(|table| {
                scope.spawn(move || {
                    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
                    let reader = Connection::open_with_flags(path, flags)?;
                    quality::scan(&reader, table)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_INTERNAL),
                        Some("a data-quality scan stopped unexpectedly".into()),
                    ))
                })
            })
            .collect()
    });
    conn.execute_batch("BEGIN")?;
    let mut update = conn.prepare("UPDATE yt_quality SET rows = ?1 WHERE tbl = ?2 AND kind = ?3")?;
    for (table, counts) in summary::COUNTED_TABLES.iter().zip(scans) {
        let counts = counts?;
        for (kind, n) in &counts.by_kind {
            update.execute(params![*n as i64, table, kind])?;
        }
        update.execute(params![counts.rows as i64, table, "*"])?;
    }
    drop(update);
    conn.execute_batch("COMMIT")
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
