//! A rollback-journal writer beside dashboards and snapshots (docs/benchmarks.md,
//! "Locks"), rerunnable by anyone:
//!
//!     cargo bench --bench locks -- [--db PATH] [--seconds 60] [--rate 1]
//!                                  [--dashboards 5] [--loops 5] [--modes delete,wal]
//!                                  [--timeout 1] [--keep]
//!
//! A terminal's own systems may write the yard database with a rollback journal.
//! There a writer's commit waits until every reader has ended its read transaction,
//! and gives up after its busy timeout: how long yardtop holds a read transaction
//! is what the writer's commit wait shows. On a copy of the database (the small
//! demo, built with the release binary when missing; or `--db`, never written) the
//! benchmark sets `PRAGMA journal_mode = DELETE`, starts real dashboards
//! (the release binary in 120×40 pseudo-terminals, screens scanned for "locked",
//! "busy", "unreachable" and errors) and loops of `yardtop snapshot --format json`
//! back to back, then runs a gate system in Python's sqlite3 with a 1 s busy
//! timeout (benches/locks/writer.py) that loads one vehicle and records its event
//! in one transaction a second, each commit's wait and error kept. The same again
//! in WAL mode, for comparison. It prints a Markdown table; nothing here is a test
//! and no figure fails the run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

#[expect(dead_code, reason = "shared with the port benchmark; this one uses a part")]
mod dbs;
#[path = "locks/held.rs"]
mod held;
#[path = "locks/run.rs"]
mod run;
#[path = "load/screens.rs"]
mod screens;
#[expect(dead_code, reason = "shared with the port benchmark; this one uses a part")]
mod util;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use run::Outcome;
use util::{median, num};

/// The instant the small demo is built as of (the port benchmark's, so that both
/// reuse one database). The writer writes on the real clock.
const NOW: &str = "2026-11-26T09:00:00Z";

const USAGE: &str = "usage: cargo bench --bench locks -- [--db PATH] [--seconds S] [--rate N] [--dashboards N] [--loops N] [--modes delete,wal] [--timeout S] [--keep]
  --db PATH         the yard database to copy (never written; default: the small demo target/bench/small-1.db, built when missing)
  --seconds S       how long the writer writes, default 60
  --rate N          writer transactions a second, default 1
  --dashboards N    real dashboards in pseudo-terminals, default 5
  --loops N         loops of `yardtop snapshot --format json`, default 5
  --modes LIST      journal modes to run, in order, default delete,wal
  --timeout S       the writer's busy timeout in seconds, default 1
  --keep            keep the copies (target/bench/locks/MODE/locks.db) afterwards";

struct Opts {
    db: Option<PathBuf>,
    seconds: u64,
    rate: f64,
    dashboards: usize,
    loops: usize,
    modes: Vec<String>,
    timeout_s: f64,
    keep: bool,
    given: Vec<String>,
}

fn parse(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        db: None,
        seconds: 60,
        rate: 1.0,
        dashboards: 5,
        loops: 5,
        modes: vec!["delete".into(), "wal".into()],
        timeout_s: 1.0,
        keep: false,
        given: args.iter().filter(|a| *a != "--bench").cloned().collect(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--bench" => continue,
            "--db" => o.db = Some(PathBuf::from(value("--db")?)),
            "--seconds" => {
                o.seconds = util::number(
                    value("--seconds")?,
                    1..=86_400,
                    "--seconds needs a whole number from 1 to 86400",
                )?
            }
            "--rate" => {
                // A finite rate above 0: NaN and infinity are outside the range.
                o.rate = util::number(
                    value("--rate")?,
                    f64::MIN_POSITIVE..=1000.0,
                    "--rate needs a number of transactions a second above 0, at most 1000",
                )?
            }
            "--dashboards" => {
                o.dashboards = util::number(
                    value("--dashboards")?,
                    0..=50,
                    "--dashboards needs a number from 0 to 50",
                )?
            }
            "--loops" => {
                o.loops = util::number(value("--loops")?, 0..=50, "--loops needs a number from 0 to 50")?
            }
            "--modes" => {
                let v = value("--modes")?.to_lowercase();
                o.modes = v.split(',').map(|m| m.trim().to_string()).collect();
                if o.modes.is_empty() || o.modes.iter().any(|m| m != "delete" && m != "wal") {
                    return Err("--modes takes delete, wal or both, e.g. delete,wal".into());
                }
            }
            "--timeout" => {
                o.timeout_s = value("--timeout")?
                    .parse()
                    .ok()
                    .filter(|t: &f64| t.is_finite() && (0.0..=60.0).contains(t))
                    .ok_or("--timeout needs a number of seconds from 0 to 60")?
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
    util::bench_main("locks", &args, USAGE, parse, bench)
}

fn bench(o: &Opts) -> Result<(), String> {
    let machine = util::machine();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_yardtop"));
    if !bin.is_file() {
        return Err(format!(
            "the release binary {} is missing; run `cargo build --release`",
            bin.display()
        ));
    }
    let python = util::which("python3").ok_or("python3 is not installed (the writer is Python's sqlite3)")?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/locks/writer.py");
    if !script.is_file() {
        return Err(format!("{} is missing", script.display()));
    }
    let bench_dir = bin
        .parent()
        .and_then(Path::parent)
        .map(|t| t.join("bench"))
        .unwrap_or_else(|| PathBuf::from("target/bench"));
    let scratch = bench_dir.join("locks");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let src = match &o.db {
        Some(p) if !p.is_file() => {
            return Err(format!(
                "--db {}: no such file; give a yard database (e.g. target/bench/port-1.db)",
                p.display()
            ))
        }
        Some(p) => dbs::ensure_demo(&bin, p, "small", 1, NOW, false, &scratch)?,
        None => dbs::ensure_demo(
            &bin,
            &bench_dir.join("small-1.db"),
            "small",
            1,
            NOW,
            true,
            &scratch,
        )?,
    };
    let load_start = util::load_average();
    let mut outcomes = Vec::new();
    for mode in &o.modes {
        outcomes.push(run::run(&run::Plan {
            bin: &bin,
            python: &python,
            script: &script,
            source: &src.path,
            scratch: &scratch,
            mode,
            seconds: o.seconds,
            rate: o.rate,
            timeout_s: o.timeout_s,
            dashboards: o.dashboards,
            loops: o.loops,
            keep: o.keep,
        })?);
    }
    let load_end = util::load_average();

    let mut command = String::from("cargo bench --bench locks --");
    for a in &o.given {
        command.push(' ');
        command.push_str(&util::sh_quote(a));
    }
    let mut out = String::new();
    out += &format!("Command: `{command}`\n\n");
    out += &format!(
        "Machine: {} CPUs, {}; load average {load_start} before the first run, {load_end} after the last. yardtop {} (release).\n\n",
        machine.cpus,
        machine.model,
        env!("CARGO_PKG_VERSION")
    );
    out += &format!(
        "Database: a copy of `{}` ({}) per mode: {} vehicles, {} events, {} in the yard; {}.\n\n",
        src.path.display(),
        src.origin,
        src.vehicles,
        src.events,
        src.in_yard,
        indexes(&src.path, src.summaries)
    );
    let writer = outcomes.first().map(|w| &w.summary);
    out += &format!(
        "Beside {} dashboards (120×40 pseudo-terminals) and {} loops of `yardtop snapshot --format json`, a gate system in Python {}'s sqlite3 (SQLite {}, `timeout={}`, the module's implicit BEGIN, `commit()`) loads one vehicle (status, loaded_at, updated_at) and inserts its event, {} transaction(s) a second for {} s.\n\n",
        o.dashboards,
        o.loops,
        writer.and_then(|w| w["python"].as_str()).unwrap_or("?"),
        writer.and_then(|w| w["sqlite_version"].as_str()).unwrap_or("?"),
        o.timeout_s,
        o.rate,
        o.seconds
    );
    out += &table(&outcomes, o);
    out += "\nNotes:\n";
    for r in &outcomes {
        out += &format!(
            "- {}: {}; the writer ran {:.1} s ({})\n",
            r.mode, r.copied, r.writer_s, r.writer_exit
        );
        if let Some(c) = r
            .commits
            .iter()
            .filter(|c| c.wait_ms.is_finite())
            .max_by(|a, b| a.wait_ms.total_cmp(&b.wait_ms))
        {
            let [u, i, k] = c.steps_ms.map(|x| num(Some(x).filter(|x| x.is_finite()), 1));
            out += &format!(
                "- {}: the longest transaction began {:.1} s into the run: update {u} ms, insert {i} ms, commit {k} ms ({})\n",
                r.mode,
                c.start_s,
                c.error.as_deref().unwrap_or("ok")
            );
        }
        for line in errors(r) {
            out += &format!("- {}: {line}\n", r.mode);
        }
        for n in r.notes.iter().chain(&r.bad_lines) {
            out += &format!("- {}: {n}\n", r.mode);
        }
        if !r.bad_bytes.is_empty() {
            out += &format!(
                "- {}: bad words in the bytes written: {}\n",
                r.mode,
                r.bad_bytes.join(", ")
            );
        }
    }
    out += &format!(
        "- every transaction of the writer: {}/MODE/writer.jsonl\n",
        scratch.display()
    );
    println!("\n{out}");
    let report = bench_dir.join("locks-report.md");
    if std::fs::write(&report, &out).is_ok() {
        eprintln!("bench: report saved to {}", report.display());
    }
    Ok(())
}

/// The database's indexes, in words: yardtop's own, the others, and whether
/// `yardtop init --existing` would add any.
fn indexes(db: &Path, complete: bool) -> String {
    let count = |sql: &str| -> Option<i64> {
        let c = yardtop::db::open_read_only(db).ok()?;
        c.query_row(sql, [], |r| r.get(0)).ok()
    };
    let index = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL";
    let own = count(&format!("{index} AND name LIKE 'yt\\_%' ESCAPE '\\'"));
    let all = count(index);
    format!(
        "indexes: {} of yardtop's, {} of the database's own; {}",
        own.map_or("?".into(), |n| n.to_string()),
        all.zip(own).map_or("?".into(), |(a, o)| (a - o).to_string()),
        if complete {
            "nothing for `yardtop init --existing` to add"
        } else {
            "`yardtop init --existing` would add yardtop's"
        }
    )
}

/// The distinct writer errors and failed snapshots, with their counts.
fn errors(r: &Outcome) -> Vec<String> {
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for c in r.commits.iter().filter(|c| !c.ok) {
        let e = c.error.clone().unwrap_or_else(|| "no error text".into());
        *count.entry(format!("writer failed: {e}")).or_default() += 1;
    }
    for s in r.snapshots.iter().filter(|s| !s.ok) {
        let e = s.why.clone().unwrap_or_default();
        *count.entry(format!("snapshot failed: {e}")).or_default() += 1;
    }
    count.into_iter().map(|(e, n)| format!("{n} × {e}")).collect()
}

/// The `q`-th quantile (0..=1) by nearest rank.
fn quantile(xs: &[f64], q: f64) -> Option<f64> {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    Some(v[rank - 1])
}

fn mode_name(r: &Outcome) -> String {
    match r.journal.as_str() {
        "delete" => "rollback journal (DELETE)".into(),
        "wal" => "WAL".into(),
        other => format!("journal mode {other}"),
    }
}

fn table(rs: &[Outcome], o: &Opts) -> String {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let mut row = |name: &str, f: &dyn Fn(&Outcome) -> String| {
        rows.push((name.to_string(), rs.iter().map(f).collect()));
    };
    row("writer transactions attempted", &|r| r.commits.len().to_string());
    row("writer transactions failed (target 0)", &|r| {
        let failed = r.commits.iter().filter(|c| !c.ok).count();
        if failed == 0 {
            "0".into()
        } else {
            format!("**{failed}**")
        }
    });
    let waits = |r: &Outcome| -> Vec<f64> { r.commits.iter().map(|c| c.wait_ms).collect() };
    row(
        "writer's wait per transaction (update + insert + commit), median / p99 / max, ms",
        &|r| {
            let w = waits(r);
            format!(
                "{} / {} / {}",
                num(median(&w), 1),
                num(quantile(&w, 0.99), 1),
                num(util::max(&w), 1)
            )
        },
    );
    row("transactions that waited over 100 ms / over 500 ms", &|r| {
        let w = waits(r);
        format!(
            "{} / {}",
            w.iter().filter(|x| **x > 100.0).count(),
            w.iter().filter(|x| **x > 500.0).count()
        )
    });
    row(
        &format!("snapshot runs ({} loops, back to back) / failed", o.loops),
        &|r| {
            let failed = r.snapshots.iter().filter(|s| !s.ok).count();
            format!(
                "{} / {}",
                r.snapshots.len(),
                if failed == 0 {
                    "0".into()
                } else {
                    format!("**{failed}**")
                }
            )
        },
    );
    row("snapshot duration median / max, ms", &|r| {
        let d: Vec<f64> = r.snapshots.iter().map(|s| s.ms).collect();
        format!("{} / {}", num(median(&d), 0), num(util::max(&d), 0))
    });
    for (kind, who) in [
        (held::Kind::Dashboard, "dashboards'"),
        (held::Kind::Snapshot, "snapshots'"),
    ] {
        row(
            &format!(
                "{who} read locks held while the writer ran (/proc/locks every {} ms; holds less than that apart count as one): count / median / p99 / max, ms",
                held::POLL.as_millis()
            ),
            &|r| {
                let ms: Vec<f64> = r
                    .read_locks
                    .iter()
                    .filter(|s| s.kind == kind)
                    .map(|s| s.ms)
                    .collect();
                format!(
                    "{} / {} / {} / {}",
                    ms.len(),
                    num(median(&ms), 0),
                    num(quantile(&ms, 0.99), 0),
                    num(util::max(&ms), 0)
                )
            },
        );
    }
    row(
        "dashboard screens showing \"locked\", \"busy\", \"unreachable\" or an error (sampled every 100 ms)",
        &|r| {
            let bytes = if r.bad_bytes.is_empty() {
                String::new()
            } else {
                format!(" (and in the bytes: {})", r.bad_bytes.len())
            };
            let n = if r.bad_samples == 0 {
                "0".to_string()
            } else {
                format!("**{}**", r.bad_samples)
            };
            format!("{n} of {}{bytes}", r.samples)
        },
    );
    row("longest a dashboard showed it without a break, s", &|r| {
        num(Some(r.longest_bad_s), 1)
    });
    row("dashboards live at the end", &|r| {
        format!(
            "{} of {} (of {} asked)",
            r.live_at_end, r.dashboards_live, o.dashboards
        )
    });
    let mut out = String::from("| figure |");
    for r in rs {
        out += &format!(" {} |", mode_name(r));
    }
    out += "\n|---|";
    out += &"---|".repeat(rs.len());
    out += "\n";
    for (name, cells) in rows {
        out += &format!("| {name} | {} |\n", cells.join(" | "));
    }
    out
}
