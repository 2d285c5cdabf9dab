//! `yardtop demo` (README.md, "Commands"): a realistic yard database, the same for the same
//! `--seed` and `--now`, then the live simulator and the dashboard on it.
//!
//! The generator plans the small things first (vessels, calls, consignments,
//! blocks, the vehicles now in the yard) and then streams the vehicles of history
//! consignment by consignment, so memory stays flat at port scale.

mod blocks;
mod clock;
pub mod examples;
mod history;
mod plan;
mod rng;
mod sink;
mod store;
mod today;
mod vin;
mod xiamen;
mod yard;
mod yard_write;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::args::DemoArgs;
use crate::ctx::Ctx;
use crate::error::{db_error, io_reason, Result, UserError};
use crate::simulate::{simulate, SimOptions};

use self::plan::Plan;

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
    /// docs/benchmarks.md: 1,000,000 vehicles, 50,000 in the yard.
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

/// A demo database built for the dashboard: where it is, the instant its story is
/// told at (None: the real clock), and whether the live simulator should keep it
/// moving. The binary opens the dashboard on it (the writers know no screen).
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    pub path: PathBuf,
    pub frozen: Option<DateTime<Utc>>,
    pub live: bool,
    pub seed: u64,
}

/// `yardtop demo`: builds the database (or the example CSV files); returns what the
/// dashboard should open, or None when there is nothing to open (`--no-tui`,
/// `--examples`).
pub fn run(ctx: &Ctx, args: &DemoArgs) -> Result<Option<Built>> {
    if let Some(dir) = &args.examples {
        return examples::run(ctx, dir).map(|_| None);
    }
    let story = Story::parse(&args.story)?;
    let scale = Scale::parse(&args.scale)?;
    let frozen = ctx.now.or_else(|| story.default_now());
    let now = whole_seconds(frozen.unwrap_or_else(Utc::now));
    // Planning checks the arguments, before the previous demo file is replaced.
    let plan = make_plan(story, scale, args.seed, now)?;
    let path = target(ctx)?;
    let chatty = std::io::stderr().is_terminal();
    let summary = write_plan(&path, &plan, args.seed, chatty)?;
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
            .map(|_| None)
            .map_err(|e| crate::error::output_error("the demo database's path", &e));
    }
    // The simulator writes at the real clock: under a frozen --now its events would
    // lie in the dashboard's future, so a frozen demo stays still.
    Ok(Some(Built {
        path,
        frozen,
        live: !args.no_live && frozen.is_none(),
        seed: args.seed,
    }))
}

/// The live simulator of a demo, on its own thread, until `stop` is set.
pub fn start_live(
    built: &Built,
    stop: &Arc<AtomicBool>,
) -> Result<std::thread::JoinHandle<Result<crate::simulate::SimStats>>> {
    let (db, flag) = (built.path.clone(), Arc::clone(stop));
    let opts = SimOptions {
        rate: 5.0,
        duration: None,
        seed: built.seed,
        verbose: false,
    };
    std::thread::Builder::new()
        .name("yardtop-simulate".into())
        .spawn(move || simulate(&db, &opts, &flag))
        .map_err(|e| UserError::problem(format!("cannot start the live simulator: {}", io_reason(&e))))
}

fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

/// Where the demo goes: an explicit --db that does not exist yet, or the demo's
/// own file (replaced on every run).
fn target(ctx: &Ctx) -> Result<PathBuf> {
    if ctx.db_explicit {
        if std::fs::symlink_metadata(&ctx.db).is_ok() {
            let (from, instead) = match ctx.db_from_env {
                true => (" (from $YARDTOP_DB)", "unset YARDTOP_DB"),
                false => ("", "leave --db out"),
            };
            return Err(UserError::problem(format!(
                "{}{from} already exists; yardtop demo never overwrites a database. Give a path that does not exist yet with --db, or {instead} to use the demo's own file",
                ctx.db.display()
            )));
        }
        return Ok(ctx.db.clone());
    }
    let path = default_path();
    for file in with_companions(&path) {
        if let Err(e) = std::fs::remove_file(&file) {
            if e.kind() != std::io::ErrorKind::NotFound {
                let why = io_reason(&e);
                return Err(UserError::problem(format!(
                    "cannot replace the previous demo database {}: {why}; delete it or give another file with --db",
                    file.display()
                )));
            }
        }
    }
    Ok(path)
}

/// A database file and the journal files SQLite keeps next to it.
fn with_companions(db: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut name = db.as_os_str().to_os_string();
            name.push(suffix);
            PathBuf::from(name)
        })
        .collect()
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
    let plan = make_plan(story, scale, seed, whole_seconds(now))?;
    write_plan(db, &plan, seed, progress)
}

fn write_plan(db: &Path, plan: &Plan, seed: u64, progress: bool) -> Result<BuildSummary> {
    let started = Instant::now();
    let conn = crate::open::create_new(db)?;
    let written = store::write(&conn, db, plan, seed, progress);
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
            for file in with_companions(db) {
                let _ = std::fs::remove_file(file);
            }
            Err(e)
        }
    }
}

fn make_plan(story: Story, scale: Scale, seed: u64, now: DateTime<Utc>) -> Result<Plan> {
    if story == Story::Xiamen2023 && scale != Scale::Small {
        return Err(UserError::usage(
            "--scale: the xiamen-2023 story has the size of its figures; --scale applies to the today story",
        ));
    }
    let tz: Tz = PORT_TZ.parse().unwrap_or(Tz::Asia__Shanghai);
    let now = now.timestamp();
    let (in_yard, pending) = match story {
        Story::Today => today::yard_size(scale.vehicles()),
        Story::Xiamen2023 => (xiamen::IN_YARD, xiamen::CONSIGNMENTS),
    };
    let current = yard::plan(&mut rng::stream(seed, rng::YARD_PLAN), now, in_yard, pending);
    // Room for the calls now in port and a dozen more, so that a vessel comes back
    // only after a round voyage.
    let fleet_size = ((scale.vehicles() / 12_000) as usize)
        .clamp(24, 80)
        .max(current.calls.len() + 12);
    let vessels = plan::fleet(&mut rng::stream(seed, rng::FLEET), fleet_size);
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
