//! One change a second on the terminal's own database (docs/benchmarks.md: "while a
//! writer commits a change a second, each change on screen within 1 s at no more than
//! a quarter of a core on average"), rerunnable by anyone:
//!
//!     cargo bench --bench steady -- [--db PATH] [--seconds 60] [--keep]
//!
//! On one copy (target/bench/steady.db) of the port-scale database made from the
//! contract alone (target/contract/port.db, built from benches/contract_port.sql by
//! the sqlite3 CLI when missing: IT's simple indexes, nothing of yardtop's), it starts
//! the release dashboard on the real clock in a 120×40 pseudo-terminal and times its
//! first complete frame. Then a third-party writer (Python's sqlite3,
//! benches/steady/writer.py) loads one vehicle of the yard a second with its event,
//! twice: keeping its connection open (a terminal's service), then connecting,
//! committing and closing for every change (a cron script, the sqlite3 CLI: SQLite
//! checkpoints and deletes the -wal at each close, so the dashboard has no log to
//! follow and reads every vehicle again). Per change, the time from the commit to its
//! event's detail on the emulated screen; per mode, the dashboard's CPU over the
//! whole phase (/proc) and its refreshes (its own debug log); the dashboard idle
//! before the writers and after them (the log deleted by the last close). It prints a
//! Markdown table with the targets. Nothing here is a test; no figure fails the run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

mod copy;
#[path = "steady/dash.rs"]
mod dash;
#[path = "steady/phase.rs"]
mod phase;
mod procfs;
#[expect(dead_code, reason = "shared with the port benchmark; this one uses a part")]
mod util;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use phase::{log_len, refreshes, Phase, GIVE_UP};
use util::{median, num};

const USAGE: &str = "usage: cargo bench --bench steady -- [--db PATH] [--seconds N] [--keep]
  --db PATH     the database to copy (never written; default target/contract/port.db,
                built from benches/contract_port.sql with the sqlite3 CLI when missing)
  --seconds N   changes (one a second) per writer mode, default 60
  --keep        keep the written copy (target/bench/steady.db) afterwards";

const COLS: u16 = 120;
const ROWS: u16 = 40;
/// Seconds the dashboard is watched idle, before and after the writers.
const IDLE_S: f64 = 10.0;
/// Seconds watched after each writer ends, before the next starts.
const AFTER_S: f64 = 8.0;

struct Opts {
    db: Option<PathBuf>,
    seconds: u32,
    keep: bool,
    given: Vec<String>,
}

fn parse(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        db: None,
        seconds: 60,
        keep: false,
        given: args.iter().filter(|a| *a != "--bench").cloned().collect(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--bench" => {}
            "--db" => o.db = Some(PathBuf::from(value("--db")?)),
            "--seconds" => {
                o.seconds = util::number(
                    value("--seconds")?,
                    1..=3600,
                    "--seconds takes a whole number from 1 to 3600",
                )?;
            }
            "--keep" => o.keep = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(o)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    util::bench_main("steady", &args, USAGE, parse, run)
}

/// Removes the copied database (and its WAL) when the run ends, unless kept.
struct Scratch {
    path: PathBuf,
    keep: bool,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !self.keep {
            util::remove_db(&self.path);
        }
    }
}

/// Builds the contract-only port-scale database at `path` with the sqlite3 CLI, as
/// docs/benchmarks.md does by hand, under another name renamed when complete.
fn build_contract(root: &Path, path: &Path, scratch: &Path) -> Result<String, String> {
    let sqlite3 = util::which("sqlite3").ok_or(
        "the sqlite3 CLI is needed to build the database; install it (apt-get install sqlite3) or give --db",
    )?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let partial = copy::sibling(path, ".building");
    util::remove_db(&partial);
    let sql = root.join("benches/contract_port.sql");
    eprintln!(
        "bench: building {} (sqlite3 {} < {}; about a minute)",
        path.display(),
        partial.display(),
        sql.display()
    );
    let mut cmd = Command::new(sqlite3);
    cmd.arg(&partial);
    let ran = util::run(
        &mut cmd,
        Duration::from_secs(1800),
        Some(&sql),
        scratch,
        "contract",
        false,
    )?;
    if !ran.ok() {
        util::remove_db(&partial);
        return Err(format!("building the contract database failed: {}", ran.why()));
    }
    std::fs::rename(&partial, path)
        .map_err(|e| format!("cannot rename {} to {}: {e}", partial.display(), path.display()))?;
    Ok(format!("built in {:.0} s", ran.wall.as_secs_f64()))
}

/// Watches the dashboard with no writer for `IDLE_S`: its CPU, bytes to the
/// terminal and refreshes, in words.
fn idle(d: &dash::Dash, log: &Path) -> String {
    let (c0, b0, l0, t0) = (
        procfs::cpu_seconds(&d.pid),
        d.bytes(),
        log_len(log),
        Instant::now(),
    );
    std::thread::sleep(Duration::from_secs_f64(IDLE_S));
    let s = t0.elapsed().as_secs_f64();
    let cpu = procfs::cpu_seconds(&d.pid)
        .zip(c0)
        .map(|(b, a)| 100.0 * (b - a) / s);
    let r = refreshes(log, l0);
    format!(
        "{IDLE_S:.0} s: {} % of one core, {:.0} B/s to the terminal, {} refreshes",
        num(cpu, 2),
        (d.bytes() - b0) as f64 / s,
        r.took_ms.len()
    )
}

/// The `p`-th percentile (nearest rank) of the finite values of `xs`.
fn percentile(xs: &[f64], p: f64) -> Option<f64> {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    Some(v[rank.clamp(1, v.len()) - 1])
}

fn run(o: &Opts) -> Result<(), String> {
    let machine = util::machine();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_yardtop"));
    if !bin.is_file() {
        return Err(format!(
            "the release binary {} is missing; run `cargo build --release`",
            bin.display()
        ));
    }
    // The system's Python, as a terminal's script would run it.
    let python = Some(PathBuf::from("/usr/bin/python3"))
        .filter(|p| p.is_file())
        .or_else(|| util::which("python3"))
        .ok_or("python3 is not installed (it is the writer)")?;
    let script = root.join("benches/steady/writer.py");
    let target = bin
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.join("target"));
    let bench_dir = target.join("bench");
    let scratch = bench_dir.join("steady");
    let home = scratch.join("home");
    for d in [home.join("config"), home.join("state")] {
        std::fs::create_dir_all(&d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    let mut notes: Vec<String> = Vec::new();

    let source = o.db.clone().unwrap_or_else(|| target.join("contract/port.db"));
    let origin = if source.exists() {
        "reused".to_string()
    } else if o.db.is_none() {
        build_contract(&root, &source, &scratch)?
    } else {
        return Err(format!("{} does not exist", source.display()));
    };
    let copy = bench_dir.join("steady.db");
    util::remove_db(&copy);
    let _scratch = Scratch {
        path: copy.clone(),
        keep: o.keep,
    };
    eprintln!("bench: copying {} to {}", source.display(), copy.display());
    let copied = copy::copy_db(&source, &copy)?;
    let (vehicles, events, in_yard, journal, indexes, lacks) = {
        let c = yardtop::db::open_read_only(&copy).map_err(|e| e.to_string())?;
        let q = |sql: &str| -> Result<String, String> {
            c.query_row(sql, [], |r| r.get::<_, rusqlite::types::Value>(0))
                .map(|v| match v {
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    other => format!("{other:?}"),
                })
                .map_err(|e| format!("{}: {sql}: {e}", copy.display()))
        };
        (
            q("SELECT count(*) FROM vehicles")?,
            q("SELECT count(*) FROM events")?,
            q("SELECT count(*) FROM vehicles WHERE status IN ('gated_in','parked','hold','staged')")?,
            q("PRAGMA journal_mode")?,
            q(
                "SELECT coalesce(group_concat(name, ', '), 'none') FROM (SELECT name FROM sqlite_master \
               WHERE type = 'index' AND sql IS NOT NULL ORDER BY name)",
            )?,
            yardtop::db::lacks_yardtop_indexes(&c),
        )
    };
    if journal != "wal" {
        notes.push(format!(
            "the copy's journal mode is {journal:?}, not WAL: the dashboard has no log to follow"
        ));
    }

    // The dashboard, on the real clock.
    let log = scratch.join("yardtop.log");
    let _ = std::fs::remove_file(&log);
    eprintln!(
        "bench: starting the dashboard ({COLS}×{ROWS}) on {}",
        copy.display()
    );
    let load_before = util::load_average();
    let mut d = dash::Dash::start(&bin, &copy, &home, &log, COLS, ROWS)?;
    let first_frame = d.wait_complete(Duration::from_secs(120))?.as_secs_f64();
    eprintln!("bench: first complete frame after {first_frame:.2} s");

    // Idle, for reference: no writer.
    std::thread::sleep(Duration::from_secs(3));
    let idle_before = idle(&d, &log);

    let modes = [
        ("keep", "writer keeps its connection open"),
        ("reconnect", "writer connects, commits, closes per change"),
    ];
    let mut phases = Vec::new();
    for (i, (mode, what)) in modes.iter().enumerate() {
        eprintln!("bench: {what}: {} changes, one a second", o.seconds);
        let first = 1 + i as u32 * 10_000;
        let mut p = phase::phase(
            &python, &script, &copy, mode, o.seconds, first, &mut d, &log, &scratch,
        )?;
        if let Some(t) = &p.trouble {
            notes.push(format!("{what}: {t}"));
        }
        let shown: Vec<String> = p
            .commits
            .iter()
            .zip(&p.latency)
            .map(|(c, l)| format!("{}:{}", c.n, l.map_or("never".into(), |l| format!("{l:.2}"))))
            .collect();
        eprintln!(
            "bench: {what}: commit → on screen (s) per change: {}",
            shown.join(" ")
        );
        // The writer's last close checkpoints and deletes the log: the dashboard
        // reads everything again; measured apart, before the next mode starts.
        let (c0, l0, t0) = (procfs::cpu_seconds(&d.pid), log_len(&log), Instant::now());
        std::thread::sleep(Duration::from_secs_f64(AFTER_S));
        p.after_cpu = procfs::cpu_seconds(&d.pid)
            .zip(c0)
            .map(|(b, a)| 100.0 * (b - a) / t0.elapsed().as_secs_f64());
        p.after = refreshes(&log, l0);
        phases.push(p);
    }
    // Idle again, once the last writer's close has deleted the log and the
    // dashboard has read everything again.
    let idle_after = idle(&d, &log);
    let load_after = util::load_average();
    let peak = procfs::peak_rss_mb(&d.pid);
    let exit = d.quit(Duration::from_secs(10));

    let cell =
        |f: &dyn Fn(&Phase) -> String| -> String { phases.iter().map(|p| format!(" {} |", f(p))).collect() };
    let lat = |p: &Phase| -> Vec<f64> { p.latency.iter().flatten().copied().collect() };
    let mut out = String::new();
    out += &format!("### One change a second on the contract database ({COLS}×{ROWS}, release build)\n\n");
    out += "| | target |";
    for (_, what) in &modes {
        out += &format!(" {what} |");
    }
    out += "\n|---|---|";
    out += &"---:|".repeat(modes.len());
    out += "\n";
    out += &format!(
        "| changes committed (one a second) | |{}\n",
        cell(&|p| p.commits.len().to_string())
    );
    out += &format!(
        "| commit → on screen, median | |{}\n",
        cell(&|p| format!("{} s", num(median(&lat(p)), 2)))
    );
    out += &format!(
        "| commit → on screen, p90 | |{}\n",
        cell(&|p| format!("{} s", num(percentile(&lat(p), 90.0), 2)))
    );
    out += &format!(
        "| commit → on screen, max | ≤ 1 s |{}\n",
        cell(&|p| format!("{} s", num(util::max(&lat(p)), 2)))
    );
    out += &format!(
        "| changes on screen after more than 1 s | 0 |{}\n",
        cell(&|p| lat(p).iter().filter(|x| **x > 1.0).count().to_string())
    );
    out += &format!(
        "| changes never on screen ({} s) | 0 |{}\n",
        GIVE_UP.as_secs(),
        cell(&|p| p.latency.iter().filter(|x| x.is_none()).count().to_string())
    );
    out += &format!(
        "| dashboard CPU over the phase, % of one core | ≤ 25 % |{}\n",
        cell(&|p| format!(
            "{} % ({} s in {:.0} s)",
            num(p.cpu.map(|c| 100.0 * c / p.wall), 1),
            num(p.cpu, 1),
            p.wall
        ))
    );
    out += &format!(
        "| refreshes (of which found a change), from its log | |{}\n",
        cell(&|p| format!("{} ({})", p.refreshes.took_ms.len(), p.refreshes.changed))
    );
    out += &format!(
        "| refresh time, median / max (its log) | |{}\n",
        cell(&|p| format!(
            "{} / {} ms",
            num(median(&p.refreshes.took_ms), 0),
            num(util::max(&p.refreshes.took_ms), 0)
        ))
    );
    out += &format!(
        "| {AFTER_S:.0} s after the writer's last close: CPU, refreshes (their max) | |{}\n",
        cell(&|p| format!(
            "{} %, {} ({} ms)",
            num(p.after_cpu, 1),
            p.after.took_ms.len(),
            num(util::max(&p.after.took_ms), 0)
        ))
    );
    out += &format!(
        "| bytes to the terminal a second | |{}\n",
        cell(&|p| format!("{:.0}", p.bytes as f64 / p.wall))
    );
    out += &format!(
        "| writer's commit (+ close), median | |{}\n",
        cell(&|p| {
            let commit: Vec<f64> = p.commits.iter().map(|c| c.commit_ms).collect();
            let close: Vec<f64> = p.commits.iter().filter_map(|c| c.close_ms).collect();
            match median(&close) {
                Some(cl) => format!("{} + {cl:.1} ms", num(median(&commit), 1)),
                None => format!("{} ms", num(median(&commit), 1)),
            }
        })
    );
    out += "\n";
    out += &format!(
        "- First complete frame: **{first_frame:.2} s** after the start (target ≤ 2 s on this database).\n"
    );
    out += &format!(
        "- Idle before the writes ({}); after them, the log deleted by the last writer's close ({}). Target: ≤ 0.5 % of a core, ≤ 20 B/s.\n",
        idle_before, idle_after
    );
    out += &format!("- Peak memory of the dashboard (VmHWM): {} MB.\n", num(peak, 1));
    out += &format!("- The dashboard: {exit}.\n");
    out += &format!(
        "- Database: {} ({origin}): {vehicles} vehicles ({in_yard} in the yard), {events} events, journal mode {journal}, {}; copy: {copied}.\n",
        source.display(),
        if lacks {
            format!("indexes {indexes} (`init --existing` would change them)")
        } else {
            format!("indexes {indexes} (`init --existing` would add nothing)")
        }
    );
    out += &format!(
        "- Writer: Python's sqlite3 ({}), one transaction a change: a vehicle of the yard loaded now and its `load` event.\n",
        python.display()
    );
    out += &format!(
        "- Machine: {} CPUs, {}; load average {load_before} before, {load_after} after (the machine may be shared).\n",
        machine.cpus, machine.model
    );
    let command = std::iter::once("cargo bench --bench steady --".to_string())
        .chain(o.given.iter().map(|a| util::sh_quote(a)))
        .collect::<Vec<_>>()
        .join(" ");
    out += &format!("- Command: `{command}`\n");
    for n in &notes {
        out += &format!("- Note: {n}\n");
    }
    println!("{out}");
    Ok(())
}
