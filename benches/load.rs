//! Many readers, one writer (docs/benchmarks.md: "20 dashboards open on one database while
//! `simulate` writes 500 events a second: no error, no 'database is locked' on any
//! screen, the WAL does not grow without bound"), rerunnable by anyone:
//!
//!     cargo bench --bench load -- [--db PATH] [--readers 20] [--rate 500]
//!                                 [--seconds 60] [--dashboards 2] [--keep]
//!
//! On a copy of the port-scale database (target/bench/port-1.db, built by the
//! release binary when missing, as the port benchmark does), it starts `--readers`
//! headless dashboards (threads doing the dashboard reader's loop: poll
//! `PRAGMA data_version` every 200 ms, refresh on change, each refresh timed) and
//! `--dashboards` real dashboards in pseudo-terminals (their screens scanned for
//! "locked", "busy", "unreachable"), then runs the release binary's
//! `yardtop simulate --rate R --duration S` on the copy, sampling the WAL file's
//! size every second. It prints a Markdown table with the targets. Nothing here is
//! a test; no figure fails the run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

mod copy;
#[expect(dead_code, reason = "shared with the port benchmark; this one uses a part")]
mod dbs;
#[expect(dead_code, reason = "shared with the steady benchmark; this one uses a part")]
mod procfs;
#[path = "load/readers.rs"]
mod readers;
#[path = "load/screens.rs"]
mod screens;
#[expect(dead_code, reason = "shared with the port benchmark; this one uses a part")]
mod util;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use util::{median, num};

/// The instant the port-scale demo is built as of (the same as the port benchmark's,
/// so that both reuse one database). `simulate` writes on the real clock.
const NOW: &str = "2026-11-26T09:00:00Z";

const USAGE: &str = "usage: cargo bench --bench load -- [--db PATH] [--readers N] [--rate N] [--seconds S] [--dashboards N] [--keep]
  --db PATH         the port-scale database to copy (never written; built there if missing; default target/bench/port-1.db)
  --readers N       headless dashboards (reader threads), default 20
  --rate N          events a second `simulate` writes, default 500
  --seconds S       how long `simulate` writes, default 60
  --dashboards N    real dashboards in pseudo-terminals, default 2 (0: none)
  --keep            keep the written copy (target/bench/load/load.db) afterwards";

struct Opts {
    db: Option<PathBuf>,
    readers: usize,
    rate: f64,
    seconds: u64,
    dashboards: usize,
    keep: bool,
    given: Vec<String>,
}

fn parse(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        db: None,
        readers: 20,
        rate: 500.0,
        seconds: 60,
        dashboards: 2,
        keep: false,
        given: args.iter().filter(|a| *a != "--bench").cloned().collect(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--bench" => continue,
            "--db" => o.db = Some(PathBuf::from(value("--db")?)),
            "--readers" => {
                o.readers = util::number(
                    value("--readers")?,
                    0..=1000,
                    "--readers needs a number from 0 to 1000",
                )?
            }
            "--rate" => {
                // A finite rate above 0: NaN and infinity are outside the range.
                o.rate = util::number(
                    value("--rate")?,
                    f64::MIN_POSITIVE..=1e6,
                    "--rate needs a number of events a second above 0",
                )?
            }
            "--seconds" => {
                o.seconds = util::number(
                    value("--seconds")?,
                    1..=86_400,
                    "--seconds needs a whole number from 1 to 86400",
                )?
            }
            "--dashboards" => {
                o.dashboards = util::number(
                    value("--dashboards")?,
                    0..=100,
                    "--dashboards needs a number from 0 to 100",
                )?
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
    util::bench_main("load", &args, USAGE, parse, run)
}

/// A child process killed (and reaped) when the benchmark leaves early.
struct Guard(Option<Child>);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(c) = self.0.as_mut() {
            if let Ok(None) = c.try_wait() {
                let _ = c.kill();
            }
            let _ = c.wait();
        }
    }
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

/// The word after `key` in `s`.
fn word_after<'a>(s: &'a str, key: &str) -> Option<&'a str> {
    let at = s.find(key)? + key.len();
    s[at..]
        .split(|c: char| c.is_whitespace() || c == ',')
        .find(|w| !w.is_empty())
}

/// simulate's summary line: "simulate: done after 60.0 s: N events in M
/// transactions, tx p99 P ms, max X ms".
#[derive(Default)]
struct Summary {
    line: Option<String>,
    done: bool,
    seconds: Option<f64>,
    events: Option<u64>,
    transactions: Option<u64>,
    p99_ms: Option<f64>,
    max_ms: Option<f64>,
}

fn summary(lines: &[String]) -> Summary {
    let Some(line) = lines
        .iter()
        .rev()
        .find(|l| l.starts_with("simulate: done after") || l.starts_with("simulate: stopped after"))
    else {
        return Summary::default();
    };
    let rest = line.split_once(" s: ").map(|(_, r)| r).unwrap_or("");
    Summary {
        line: Some(line.clone()),
        done: line.starts_with("simulate: done"),
        seconds: word_after(line, " after ").and_then(|w| w.parse().ok()),
        events: rest.split_whitespace().next().and_then(|w| w.parse().ok()),
        transactions: word_after(rest, " in ").and_then(|w| w.parse().ok()),
        p99_ms: word_after(rest, "tx p99 ").and_then(|w| w.parse().ok()),
        max_ms: word_after(rest, ", max ").and_then(|w| w.parse().ok()),
    }
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

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}

fn met(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "yes",
        Some(false) => "**no**",
        None => "",
    }
}

fn run(o: &Opts) -> Result<(), String> {
    let machine = util::machine();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_yardtop"));
    if !bin.is_file() {
        return Err(format!(
            "the release binary {} is missing; run `cargo build --release`",
            bin.display()
        ));
    }
    let bench_dir = bin
        .parent()
        .and_then(Path::parent)
        .map(|t| t.join("bench"))
        .unwrap_or_else(|| PathBuf::from("target/bench"));
    let scratch = bench_dir.join("load");
    let home = scratch.join("home");
    for d in [home.join("config"), home.join("state")] {
        std::fs::create_dir_all(&d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    let mut notes: Vec<String> = Vec::new();

    // The database: the port-scale demo (reused or built), copied.
    let source = o.db.clone().unwrap_or_else(|| bench_dir.join("port-1.db"));
    let src = dbs::ensure_demo(&bin, &source, "port", 1, NOW, o.db.is_none(), &scratch)?;
    let copy = scratch.join("load.db");
    util::remove_db(&copy);
    let _scratch = Scratch {
        path: copy.clone(),
        keep: o.keep,
    };
    eprintln!("bench: copying {} to {}", src.path.display(), copy.display());
    let copied = copy::copy_db(&src.path, &copy)?;
    if !src.summaries {
        eprintln!("bench: the database lacks yardtop's summaries: `yardtop init --existing` on the copy");
        let mut c = Command::new(&bin);
        c.args(["init", "--existing", "--db"])
            .arg(&copy)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"));
        let ran = util::run(
            &mut c,
            Duration::from_secs(1800),
            None,
            &scratch,
            "init-existing",
            false,
        )?;
        if !ran.ok() {
            return Err(format!(
                "yardtop init --existing on the copy failed: {}",
                ran.why()
            ));
        }
        notes.push(format!(
            "the source lacked yardtop's summaries; `yardtop init --existing` added them to the copy in {:.0} s",
            ran.wall.as_secs_f64()
        ));
    }
    let journal: String = yardtop::db::open_read_only(&copy)
        .map_err(|e| e.to_string())?
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .map_err(|e| format!("{}: {e}", copy.display()))?;
    if journal != "wal" {
        notes.push(format!("the copy's journal mode is {journal:?}, not WAL"));
    }
    let wal_path = copy::sibling(&copy, "-wal");

    // Readers, then dashboards, each past its first refresh before the writer starts.
    eprintln!("bench: starting {} headless readers", o.readers);
    let readers = readers::Readers::start(&copy, o.readers)?;
    let t = Instant::now();
    while readers.ready() < o.readers {
        if t.elapsed() > Duration::from_secs(180) {
            notes.push(format!(
                "only {} of {} readers had done their first refresh after 180 s",
                readers.ready(),
                o.readers
            ));
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let readers_ready_s = t.elapsed().as_secs_f64();
    let mut screens: Vec<screens::Screen> = Vec::new();
    for i in 0..o.dashboards {
        eprintln!("bench: starting dashboard {} of {} (120×40)", i + 1, o.dashboards);
        match screens::Screen::start(&format!("dashboard {}", i + 1), &bin, &copy, &home, 120, 40) {
            Ok(mut s) => match s.wait_live(Duration::from_secs(60)) {
                Ok(()) => screens.push(s),
                Err(e) => notes.push(format!("dashboard {} not used: {e}", i + 1)),
            },
            Err(e) => {
                notes.push(format!("dashboards skipped: {e}"));
                break;
            }
        }
    }

    // The writer.
    let load_start = util::load_average();
    eprintln!(
        "bench: `yardtop simulate --rate {} --duration {}` on the copy, {} readers and {} dashboards reading",
        o.rate,
        o.seconds,
        o.readers,
        screens.len()
    );
    let me = std::process::id().to_string();
    let cpu_me_0 = procfs::cpu_seconds(&me);
    readers.measuring.store(true, Ordering::Relaxed);
    let mut sim_cmd = Command::new(&bin);
    sim_cmd
        .arg("simulate")
        .arg("--db")
        .arg(&copy)
        .args([
            "--rate",
            &o.rate.to_string(),
            "--duration",
            &o.seconds.to_string(),
        ])
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("YARDTOP_NOW")
        .env_remove("YARDTOP_DB")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let t0 = Instant::now();
    let from = (t0 - readers.epoch).as_secs_f64();
    let mut child = sim_cmd
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let sim_pid = child.id().to_string();
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let stderr_thread = child.stderr.take().map(|err| {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                eprintln!("bench: | {line}");
                if let Ok(mut l) = lines.lock() {
                    l.push(line);
                }
            }
        })
    });
    let mut sim = Guard(Some(child));
    let limit = Duration::from_secs(o.seconds + 60);
    let mut wal: Vec<(f64, u64)> = Vec::new();
    let mut next_wal = Duration::ZERO;
    let mut cpu_sim: Option<f64> = None;
    let status = loop {
        let c = sim.0.as_mut().ok_or("simulate is gone")?;
        match c.try_wait() {
            Ok(Some(st)) => break Some(st),
            Ok(None) => {}
            Err(e) => return Err(format!("cannot wait for simulate: {e}")),
        }
        if t0.elapsed() > limit {
            notes.push(format!(
                "simulate overran its {} s by 60 s and was killed",
                o.seconds
            ));
            let _ = c.kill();
            break c.wait().ok();
        }
        let el = t0.elapsed();
        if el >= next_wal {
            next_wal += Duration::from_secs(1);
            let size = std::fs::metadata(&wal_path).map(|m| m.len()).unwrap_or(0);
            wal.push((el.as_secs_f64(), size));
            cpu_sim = procfs::cpu_seconds(&sim_pid).or(cpu_sim);
        }
        for s in &mut screens {
            s.sample();
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let writing_s = t0.elapsed().as_secs_f64();
    let to = (Instant::now() - readers.epoch).as_secs_f64();
    readers.measuring.store(false, Ordering::Relaxed);
    let cpu_me = procfs::cpu_seconds(&me).zip(cpu_me_0).map(|(b, a)| b - a);
    let load_end = util::load_average();
    let wal_after = std::fs::metadata(&wal_path).map(|m| m.len()).unwrap_or(0);
    drop(sim);
    if let Some(h) = stderr_thread {
        let _ = h.join();
    }
    let sim_lines = lines.lock().map(|l| l.clone()).unwrap_or_default();
    let stats = readers.finish();
    let (covered, longest_free) = readers::coverage(&stats, from, to);
    for s in &mut screens {
        s.sample();
    }
    let mut screen_exits = Vec::new();
    for s in &mut screens {
        let bytes = s.bytes();
        let exit = s.quit(Duration::from_secs(5));
        screen_exits.push(format!("{}: {} bytes written, {}", s.name, bytes, exit));
    }

    // Figures.
    let sum = summary(&sim_lines);
    let refresh: Vec<f64> = stats.iter().flat_map(|s| s.refresh_ms.iter().copied()).collect();
    let errors: u64 = stats.iter().map(|s| s.errors).sum();
    let busy: u64 = stats.iter().map(|s| s.busy).sum();
    let errors_writing: u64 = stats.iter().map(|s| s.errors_writing).sum();
    let polls: u64 = stats.iter().map(|s| s.polls).sum();
    let first: Vec<f64> = stats.iter().filter_map(|s| s.first_ms).collect();
    let gaps: Vec<f64> = stats.iter().map(|s| s.max_gap_ms).filter(|g| *g > 0.0).collect();
    let bad_samples: u64 = screens.iter().map(|s| s.bad_samples).sum();
    let samples: u64 = screens.iter().map(|s| s.samples).sum();
    let bad_bytes: Vec<String> = screens
        .iter()
        .flat_map(|s| {
            s.bad_words_in_bytes()
                .into_iter()
                .map(|w| format!("{}: {w:?}", s.name))
        })
        .collect();
    let live_end = screens
        .iter()
        .filter(|s| s.live_at_end && s.exited_early.is_none())
        .count();
    let in_run: Vec<u64> = wal.iter().map(|(_, s)| *s).collect();
    let window = 10.0f64.min(writing_s / 2.0);
    let first10 = wal.iter().filter(|(t, _)| *t <= window).map(|(_, s)| *s).max();
    let last10 = wal
        .iter()
        .filter(|(t, _)| *t >= writing_s - window)
        .map(|(_, s)| *s)
        .max();
    let wal_max = in_run.iter().copied().max().unwrap_or(0);
    let wal_end = in_run.last().copied().unwrap_or(0);
    let bounded = first10.zip(last10).map(|(f, l)| l <= 2 * f);
    let wal_pages_max = sim_lines
        .iter()
        .filter_map(|l| word_after(l, "WAL ").and_then(|w| w.parse::<i64>().ok()))
        .max();

    let mut rows: Vec<[String; 4]> = Vec::new();
    let mut row =
        |f: String, m: String, t: &str, ok: Option<bool>| rows.push([f, m, t.into(), met(ok).into()]);
    row(
        format!(
            "reader errors, any rusqlite error ({} readers, whole run)",
            o.readers
        ),
        format!("{errors} (busy/locked {busy}; while writing {errors_writing})"),
        "0",
        Some(errors == 0),
    );
    if o.dashboards > 0 {
        row(
            format!(
                "dashboard screens showing \"locked\", \"busy\" or \"unreachable\" ({} dashboards, {} screens sampled every 100 ms)",
                screens.len(),
                samples
            ),
            format!(
                "{bad_samples}{}",
                if bad_bytes.is_empty() {
                    String::new()
                } else {
                    format!(" (in the bytes: {})", bad_bytes.join(", "))
                }
            ),
            "0",
            (!screens.is_empty()).then_some(bad_samples == 0 && bad_bytes.is_empty()),
        );
        row(
            "dashboards still live at the end".into(),
            format!("{live_end} of {}", screens.len()),
            "all",
            (!screens.is_empty()).then_some(live_end == screens.len() && screens.len() == o.dashboards),
        );
    }
    row(
        "writer transaction p99 / max, ms (simulate's summary)".into(),
        format!("{} / {}", num(sum.p99_ms, 2), num(sum.max_ms, 2)),
        "p99 ≤ 50 ms",
        sum.p99_ms.map(|p| p <= 50.0),
    );
    row(
        format!("events written in {} s (asked: {} a second)", o.seconds, o.rate),
        format!(
            "{} in {} transactions ({}/s)",
            sum.events.map_or("n/a".into(), |e| e.to_string()),
            sum.transactions.map_or("n/a".into(), |e| e.to_string()),
            num(
                sum.events.zip(sum.seconds).map(|(e, s)| e as f64 / s.max(0.001)),
                0
            )
        ),
        "",
        None,
    );
    row(
        "WAL file: max / at the end of the run / after simulate exits".into(),
        format!("{} / {} / {}", mb(wal_max), mb(wal_end), mb(wal_after)),
        "",
        None,
    );
    row(
        format!("WAL bounded: max of the last {window:.0} s ≤ 2 × max of the first {window:.0} s"),
        format!(
            "{} ≤ 2 × {}",
            last10.map_or("n/a".into(), mb),
            first10.map_or("n/a".into(), mb)
        ),
        "bounded",
        bounded,
    );
    row(
        "share of the run with a reader's read transaction open / longest moment with none open".into(),
        format!("{:.1} % / {:.0} ms", covered * 100.0, longest_free * 1000.0),
        "",
        None,
    );
    row(
        "reader refreshes while writing (all readers)".into(),
        format!(
            "{} ({} a reader a second; the 200 ms poll allows at most 5)",
            refresh.len(),
            num(
                Some(refresh.len() as f64 / (o.readers.max(1) as f64 * writing_s.max(0.001))),
                2
            )
        ),
        "",
        None,
    );
    row(
        "reader refresh (`load_dash_data`) p50 / p99 / max, ms".into(),
        format!(
            "{} / {} / {}",
            num(median(&refresh), 1),
            num(quantile(&refresh, 0.99), 1),
            num(util::max(&refresh), 1)
        ),
        "one idle reader: ≤ 50 ms median",
        None,
    );
    row(
        "longest wait between two refreshes of one reader, ms (median of readers / worst)".into(),
        format!("{} / {}", num(median(&gaps), 0), num(util::max(&gaps), 0)),
        "",
        None,
    );
    row(
        "CPU while writing, % of one core: readers and dashboards' screens (this process) / simulate".into(),
        format!(
            "{} / {}",
            num(cpu_me.map(|c| c / writing_s * 100.0), 0),
            num(cpu_sim.map(|c| c / writing_s * 100.0), 0)
        ),
        &format!("{} cores in all", machine.cpus),
        None,
    );

    row(
        "CPU per refresh, ms (this process's CPU while writing / refreshes; against the wall time above, the rest is waiting for a core)".into(),
        num(
            cpu_me
                .filter(|_| !refresh.is_empty())
                .map(|c| c * 1000.0 / refresh.len() as f64),
            1,
        ),
        "",
        None,
    );

    let mut command = String::from("cargo bench --bench load --");
    for a in &o.given {
        command.push(' ');
        command.push_str(&util::sh_quote(a));
    }
    let mut out = String::new();
    out += &format!("Command: `{command}`\n\n");
    out += &format!(
        "Machine: {} CPUs, {}; load average {} before the writer started, {} when it ended. yardtop {} (release).\n\n",
        machine.cpus,
        machine.model,
        load_start,
        load_end,
        env!("CARGO_PKG_VERSION")
    );
    out += &format!(
        "Database: a copy of `{}` ({}): {} vehicles, {} events, {} in the yard, {} blocks; summaries {}; {copied}.\n\n",
        src.path.display(),
        src.origin,
        src.vehicles,
        src.events,
        src.in_yard,
        src.blocks,
        if src.summaries { "present" } else { "ABSENT (added to the copy)" }
    );
    out += &format!(
        "{} reader threads (each its own read-only connection, busy timeout {} ms as the dashboard's, polling `PRAGMA data_version` every {} ms and refreshing on change) were past their first refresh after {:.1} s (first refresh median {} ms); {} real dashboards in 120×40 pseudo-terminals; then `yardtop simulate --rate {} --duration {}` ran for {:.1} s ({}).\n\n",
        o.readers,
        readers::BUSY_TIMEOUT.as_millis(),
        readers::POLL.as_millis(),
        readers_ready_s,
        num(median(&first), 0),
        screens.len(),
        o.rate,
        o.seconds,
        writing_s,
        match status {
            Some(st) if st.success() => "exit 0".to_string(),
            Some(st) => format!("**{st}**"),
            None => "no exit status".into(),
        }
    );
    out += "| figure | measured | target (docs/benchmarks.md) | met? |\n|---|---|---|---|\n";
    for r in &rows {
        out += &format!("| {} | {} | {} | {} |\n", r[0], r[1], r[2], r[3]);
    }
    out += "\nWAL file each second of the run (MB): ";
    out += &wal
        .iter()
        .map(|(_, s)| format!("{:.1}", *s as f64 / 1_048_576.0))
        .collect::<Vec<_>>()
        .join(" ");
    out += &format!(
        "\n\nsimulate said (its largest WAL in pages after a checkpoint: {}):\n\n```\n{}\n```\n",
        wal_pages_max.map_or("n/a".into(), |p| p.to_string()),
        sim_lines.join("\n")
    );
    if sum.line.is_none() {
        notes.push("simulate printed no summary line: writer figures missing".into());
    } else if !sum.done {
        notes.push("simulate reports it stopped rather than finished".into());
    }
    let messages: Vec<String> = stats
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.messages.iter().map(move |m| format!("reader {i}: {m}")))
        .take(20)
        .collect();
    for m in messages {
        notes.push(m);
    }
    for s in &screens {
        if let Some(l) = &s.first_bad {
            notes.push(format!("{} showed: {l}", s.name));
        }
        if let Some(e) = &s.exited_early {
            notes.push(format!("{} ended during the run: {e}", s.name));
        }
    }
    notes.extend(screen_exits);
    notes.push(format!("{polls} data_version polls in all"));
    out += "\nNotes:\n";
    for n in &notes {
        out += &format!("- {n}\n");
    }
    println!("\n{out}");
    let report = bench_dir.join("load-report.md");
    if std::fs::write(&report, &out).is_ok() {
        eprintln!("bench: report saved to {}", report.display());
    }
    Ok(())
}
