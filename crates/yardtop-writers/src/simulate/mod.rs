//! `yardtop simulate` (README.md, "Commands"): a realistic live stream of yard events written
//! into a yard database while dashboards read it. Every write is one short
//! transaction; the run stops cleanly after the current transaction on Ctrl-C or
//! SIGTERM (exit 0), or when --duration is over.

mod calls;
mod catalog;
mod director;
mod gate;
mod load;
mod loading;
mod model;
mod pool;
mod schedule;
mod sim;
mod soc;
mod vehicles;
mod writer;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::args::SimulateArgs;
use crate::ctx::Ctx;
use crate::error::{Result, UserError};
use sim::Sim;

/// How the live stream runs.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Events a second.
    pub rate: f64,
    /// Seconds to run; None: until `stop` is set.
    pub duration: Option<f64>,
    pub seed: u64,
    /// Print a progress line every 5 s and a summary to stderr (the foreground
    /// command) or stay quiet (the demo's background thread, under the dashboard).
    pub verbose: bool,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct SimStats {
    pub events: u64,
    pub transactions: u64,
    pub max_transaction_ms: f64,
    /// 99th percentile of the write transactions' duration (BEGIN to COMMIT).
    pub p99_transaction_ms: f64,
}

/// How often the schedule, the file and the WAL are looked after.
const TICK: Duration = Duration::from_secs(1);
const PROGRESS: Duration = Duration::from_secs(5);
/// The picture of the yard is re-read this often even when nothing looked stale
/// (another program may have added blocks, calls or vehicles).
const REREAD: Duration = Duration::from_secs(300);
/// At most this often when a write found the picture stale.
const REREAD_STALE: Duration = Duration::from_secs(2);

pub fn run(ctx: &Ctx, args: &SimulateArgs) -> Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // A second Ctrl-C ends the process at once, in case a stop takes too
        // long; the first only asks the loop to finish its transaction.
        let registered = signal_hook::flag::register_conditional_shutdown(sig, 130, Arc::clone(&stop))
            .and_then(|_| signal_hook::flag::register(sig, Arc::clone(&stop)));
        if let Err(e) = registered {
            return Err(UserError::problem(format!(
                "cannot watch for Ctrl-C: {}",
                crate::error::io_reason(&e)
            )));
        }
    }
    if !args.allow_non_demo {
        refuse_unless_demo(&ctx.db)?;
    }
    let opts = SimOptions {
        rate: args.rate,
        duration: args.duration,
        seed: args.seed,
        verbose: true,
    };
    simulate(&ctx.db, &opts, &stop).map(|_| ())
}

/// `simulate` writes made-up vehicles and events. Into a real yard they would mix with
/// the terminal's own records, so only a database `yardtop demo` made is accepted
/// without `--allow-non-demo`.
fn refuse_unless_demo(db: &Path) -> Result<()> {
    let conn = crate::db::open_read_only(db)?;
    if crate::db::settings::is_demo(&conn) {
        return Ok(());
    }
    Err(UserError::problem(format!(
        "refusing to simulate into {}: `yardtop demo` did not make it, so it may be a real \
         yard, and simulate writes made-up vehicles and events. To try yardtop, run \
         `yardtop demo` (it makes its own database and simulates into it); to simulate into \
         a test copy anyway, add --allow-non-demo.",
        db.display()
    )))
}

/// Writes the live stream into `db` until the duration ends or `stop` is set.
pub fn simulate(db: &Path, opts: &SimOptions, stop: &AtomicBool) -> Result<SimStats> {
    if !(opts.rate.is_finite() && opts.rate > 0.0) {
        return Err(UserError::usage(format!(
            "--rate {} is not a number of events a second above 0 (e.g. 20, or 0.5 for one every 2 s)",
            opts.rate
        )));
    }
    if let Some(d) = opts.duration {
        if !(d.is_finite() && d >= 0.0) {
            return Err(UserError::usage(format!(
                "--duration {d} is not a number of seconds (e.g. 60); leave it out to run until Ctrl-C"
            )));
        }
    }
    let started = Instant::now();
    let mut sim = Sim::open(db, opts, stop)?;
    if opts.verbose {
        eprintln!(
            "simulate: writing about {} events a second into {}{}; Ctrl-C stops",
            number(opts.rate),
            db.display(),
            opts.duration
                .map(|d| format!(" for {} s", number(d)))
                .unwrap_or_default()
        );
    }
    let outcome = run_loop(&mut sim, started);
    let stats = SimStats {
        events: sim.events,
        transactions: sim.transactions,
        max_transaction_ms: sim.w.all.max_ms,
        p99_transaction_ms: sim.w.all.p99(),
    };
    // The WAL goes back into the database when we leave; readers are unaffected.
    sim.w.checkpoint();
    if opts.verbose {
        eprintln!(
            "simulate: {} after {:.1} s: {} events in {} transactions, tx p99 {:.2} ms, max {:.2} ms",
            if outcome.is_ok() { "done" } else { "stopped" },
            started.elapsed().as_secs_f64(),
            stats.events,
            stats.transactions,
            stats.p99_transaction_ms,
            stats.max_transaction_ms
        );
    }
    outcome.map(|_| stats)
}

fn run_loop(sim: &mut Sim<'_>, started: Instant) -> Result<()> {
    let rate = sim.opts.rate;
    let stop = sim.stop;
    // Beyond what a Duration holds is as good as forever.
    let duration = sim
        .opts
        .duration
        .and_then(|d| Duration::try_from_secs_f64(d).ok());
    // Falling behind (a long lock, a slow disk) is not made up with a burst of
    // more than a second's worth of events.
    let max_debt = rate.max(5.0) as u64;
    sim.ensure_blocks()?;
    let mut credited: u64 = 0;
    let mut last_tick = started;
    let mut last_progress = (started, 0u64);
    sim.housekeeping()?;
    loop {
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        let elapsed = started.elapsed();
        if duration.is_some_and(|d| elapsed >= d) {
            return Ok(());
        }
        if last_tick.elapsed() >= TICK {
            let secs = last_tick.elapsed().as_secs_f64();
            last_tick = Instant::now();
            sim.w.check_file()?;
            sim.wal_pages = sim.w.checkpoint();
            let reread = if sim.stale { REREAD_STALE } else { REREAD };
            if sim.last_read.elapsed() >= reread {
                sim.reload()?;
                sim.ensure_blocks()?;
            }
            sim.earn(secs);
            credited += sim.housekeeping()?;
        }
        if sim.opts.verbose && last_progress.0.elapsed() >= PROGRESS {
            progress(sim, &mut last_progress);
        }
        let due = (rate * elapsed.as_secs_f64()).floor() as u64 + 1;
        credited = credited.max(due.saturating_sub(max_debt));
        if credited < due {
            let n = sim.step(due - credited)?;
            if n == 0 {
                // Nothing can happen now (yard full, nothing to load): wait for
                // the schedule instead of spinning.
                credited = due;
                nap(stop, Duration::from_millis(50));
            } else {
                credited += n;
            }
        } else {
            let next = Duration::try_from_secs_f64(credited as f64 / rate).unwrap_or(Duration::MAX);
            let wait = next
                .saturating_sub(started.elapsed())
                .min(Duration::from_millis(100));
            let wait = match duration {
                Some(d) => wait.min(d.saturating_sub(started.elapsed())),
                None => wait,
            };
            nap(stop, wait);
        }
    }
}

/// A number as a person wrote it, without 300 digits for an odd one.
fn number(x: f64) -> String {
    if x == 0.0 || (0.001..1e9).contains(&x) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

fn nap(stop: &AtomicBool, d: Duration) {
    if !stop.load(Ordering::Relaxed) && !d.is_zero() {
        std::thread::sleep(d);
    }
}

fn progress(sim: &mut Sim<'_>, last: &mut (Instant, u64)) {
    let secs = last.0.elapsed().as_secs_f64().max(0.001);
    let n = sim.events - last.1;
    let m = &sim.m;
    let in_yard: i64 = m.blocks.iter().map(|b| b.count).sum();
    let capacity: i64 = m.blocks.iter().map(|b| b.capacity).sum();
    eprintln!(
        "simulate: {} events ({:.0}/s), tx p99 {:.2} ms max {:.2} ms; yard {in_yard}/{capacity}, {} at the gate, {} on hold, {} staged; {} vessels alongside; WAL {} pages",
        sim.events,
        n as f64 / secs,
        sim.w.recent.p99(),
        sim.w.recent.max_ms,
        m.gated.len(),
        m.held.len(),
        m.staged.len(),
        m.alongside().len(),
        sim.wal_pages
    );
    sim.w.recent = writer::Histogram::default();
    *last = (Instant::now(), sim.events);
}
