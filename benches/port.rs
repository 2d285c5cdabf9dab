//! The port-scale benchmark of docs/benchmarks.md, rerunnable by anyone:
//!
//!     cargo bench --bench port -- [--db PATH] [--scale port|small|N] [--seed N]
//!                                 [--runs N] [--quick] [--ttybytes PATH]
//!
//! It builds (with the release binary) or reuses a port-scale demo database
//! (default target/bench/port-<seed>.db) and the small demo, measures each figure
//! of docs/benchmarks.md several times and prints the medians as a Markdown table with the
//! machine and the command. The machine may be shared and noisy: compare ratios
//! measured in the same run rather than absolute times across runs. Nothing here is
//! a test; no figure fails the run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

mod dash;
mod dbs;
mod inproc;
mod peer;
mod tty;
mod util;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use chrono::{DateTime, Utc};
use yardtop::figures::VehicleCache;

use util::{median, num};

/// The instant every figure is computed as of (the demo is built as of it too).
pub const NOW: &str = "2026-11-26T09:00:00Z";

const USAGE: &str = "usage: cargo bench --bench port -- [--db PATH] [--scale port|small|N] [--seed N] [--runs N] [--quick] [--ttybytes PATH]
  --db PATH        the port-scale database (built there if missing; default target/bench/<scale>-<seed>.db)
  --scale S        demo size to build: port (1,000,000 vehicles), small, or a number of vehicles (default port)
  --seed N         demo seed (default 1)
  --runs N         runs per figure; medians are reported (default 7)
  --quick          idle window of 10 s instead of 30 s
  --ttybytes PATH  the pseudo-terminal driver (default benches/ttybytes.py)";

struct Opts {
    db: Option<PathBuf>,
    scale: String,
    seed: u64,
    runs: usize,
    quick: bool,
    ttybytes: Option<PathBuf>,
    /// The arguments as given, for the exact command.
    given: Vec<String>,
}

fn parse(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        db: None,
        scale: "port".into(),
        seed: 1,
        runs: 7,
        quick: false,
        ttybytes: None,
        given: args.iter().filter(|a| *a != "--bench").cloned().collect(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--bench" => continue,
            "--db" => o.db = Some(PathBuf::from(value("--db")?)),
            "--scale" => {
                let s = value("--scale")?;
                yardtop::writers::demo::Scale::parse(&s).map_err(|e| e.to_string())?;
                o.scale = s;
            }
            "--seed" => {
                o.seed = value("--seed")?
                    .parse()
                    .map_err(|_| "--seed needs a whole number")?
            }
            "--runs" => {
                o.runs = util::number(value("--runs")?, 1..=1000, "--runs needs a number from 1 to 1000")?
            }
            "--quick" => o.quick = true,
            "--ttybytes" => o.ttybytes = Some(PathBuf::from(value("--ttybytes")?)),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(o)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Used by the "one change" steps when the sqlite3 CLI is not installed.
    if args.first().map(String::as_str) == Some("--internal-sql") {
        return internal_sql(&args[1..]);
    }
    util::bench_main("port", &args, USAGE, parse, run)
}

fn internal_sql(args: &[String]) -> ExitCode {
    let [db, sql] = args else {
        eprintln!("bench: --internal-sql DB SQL");
        return ExitCode::from(2);
    };
    let done = rusqlite::Connection::open(db).and_then(|c| {
        c.busy_timeout(std::time::Duration::from_secs(5))?;
        c.execute_batch(sql)
    });
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {db}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One line of the table.
struct Row {
    figure: String,
    port: String,
    small: String,
    target: String,
    met: String,
}

fn row(figure: &str, port: String, small: String, target: &str, met: Option<bool>) -> Row {
    Row {
        figure: figure.into(),
        port,
        small,
        target: target.into(),
        met: match met {
            Some(true) => "yes".into(),
            Some(false) => "**no**".into(),
            None => String::new(),
        },
    }
}

/// The yardtop command with an environment of its own (no user config, logs kept
/// under the benchmark's folder).
fn yardtop(bin: &Path, home: &Path) -> Command {
    let mut c = Command::new(bin);
    c.env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("NO_COLOR")
        .env_remove("YARDTOP_DB");
    c
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
    // target/release/yardtop → target/bench
    let bench_dir = bin
        .parent()
        .and_then(Path::parent)
        .map(|t| t.join("bench"))
        .unwrap_or_else(|| PathBuf::from("target/bench"));
    let scratch = bench_dir.join("scratch");
    let home = scratch.join("home");
    for d in [home.join("config"), home.join("state")] {
        std::fs::create_dir_all(&d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    let now: DateTime<Utc> = yardtop::time::parse_ts(NOW).ok_or("bad NOW")?;
    let sqlite3 = util::which("sqlite3");
    let mut notes: Vec<String> = Vec::new();
    if sqlite3.is_none() {
        notes.push("sqlite3 CLI not installed (apt-get install -y sqlite3): plain-SQL peer skipped".into());
    }

    // Databases.
    let port_path =
        o.db.clone()
            .unwrap_or_else(|| bench_dir.join(format!("{}-{}.db", o.scale, o.seed)));
    dbs::apply_undo(&port_path)?;
    let port = dbs::ensure_demo(&bin, &port_path, &o.scale, o.seed, NOW, o.db.is_none(), &scratch)?;
    let small_path = bench_dir.join(format!("small-{}.db", o.seed));
    let small = dbs::ensure_demo(&bin, &small_path, "small", o.seed, NOW, true, &scratch)?;
    let hundred_path = dbs::hundred(&port.path, &bench_dir.join("hundred.db"))?;
    if !port.summaries {
        notes.push(format!(
            "{} lacks yardtop's summaries: every refresh reads the rows (slow path); `yardtop init --existing` would add them",
            port.path.display()
        ));
    }
    eprintln!("bench: measuring ({} runs per figure)", o.runs);

    // 1. Refreshes, port and small alternating. The dashboard's reader opens a new
    // connection for each and keeps the vehicles' facts between them: unchanged,
    // then after one change by another process; a new cache reads every vehicle
    // (the first refresh, a snapshot).
    let open = |p: &Path| yardtop::db::open_read_only(p).map_err(|e| e.to_string());
    let (pc, sc) = (open(&port.path)?, open(&small.path)?);
    let (mut pk, mut sk) = (VehicleCache::new(), VehicleCache::new());
    let (_, mut port_data) = inproc::refresh(&pc, now, &mut pk)?;
    let (_, mut small_data) = inproc::refresh(&sc, now, &mut sk)?;
    let (mut rp, mut rs) = (Vec::new(), Vec::new());
    for _ in 0..o.runs.max(5) {
        rp.push(inproc::dash_refresh(&port.path, now, &mut pk)?);
        rs.push(inproc::dash_refresh(&small.path, now, &mut sk)?);
    }
    let (pw, sw) = (dbs::writer(&port.path)?, dbs::writer(&small.path)?);
    let (mut cp, mut cs) = (Vec::new(), Vec::new());
    for n in 0..o.runs.max(5) {
        inproc::change_one(&pw, n)?;
        cp.push(inproc::dash_refresh(&port.path, now, &mut pk)?);
        inproc::change_one(&sw, n)?;
        cs.push(inproc::dash_refresh(&small.path, now, &mut sk)?);
    }
    let kept_stats = (pk.stats(), sk.stats());
    inproc::undo_changes(&pw)?;
    inproc::undo_changes(&sw)?;
    let (mut fp, mut fs) = (Vec::new(), Vec::new());
    for _ in 0..o.runs {
        let (t, d) = inproc::refresh(&pc, now, &mut VehicleCache::new())?;
        fp.push(t);
        port_data = d;
        let (t, d) = inproc::refresh(&sc, now, &mut VehicleCache::new())?;
        fs.push(t);
        small_data = d;
    }
    // The dashboard's first refresh runs on a new connection (cold SQLite cache).
    let (mut cold_p, mut cold_s) = (Vec::new(), Vec::new());
    for _ in 0..o.runs {
        cold_p.push(inproc::cold_refresh(&port.path, now)?.0);
        cold_s.push(inproc::cold_refresh(&small.path, now)?.0);
    }
    // The parts are diagnostics and noisier: three times the runs.
    let parts = inproc::refresh_parts(&pc, now, 3 * o.runs)?;
    let small_parts = inproc::refresh_parts(&sc, now, 3 * o.runs)?;

    // 5. Render + diff at 200×60.
    let opts = inproc::options(now, &port.path);
    let render = inproc::render(&port_data, &opts, o.runs.max(5))?;
    let render_small = inproc::render(&small_data, &inproc::options(now, &small.path), o.runs.max(5))?;

    // 6. Scrolling.
    let hc = open(&hundred_path)?;
    let scrolls = [
        inproc::scroll_vehicles(&pc, &hc, 300)?,
        inproc::scroll_consignment(&pc, &hc, 300)?,
    ];
    drop((pc, sc, hc));

    // 3, 4. Snapshot vs plain SQL, memory.
    let snap = |db: &Path| {
        let db = db.to_path_buf();
        let (bin, home) = (bin.clone(), home.clone());
        move || {
            let mut c = yardtop(&bin, &home);
            c.args(["snapshot", "--format", "json", "--now", NOW, "--db"])
                .arg(&db);
            c
        }
    };
    eprintln!("bench: snapshot vs plain SQL");
    let peer_port = peer::run(
        &snap(&port.path),
        sqlite3.as_deref(),
        &port.path,
        now,
        o.runs,
        &scratch,
        "port",
    )?;
    let peer_small = peer::run(
        &snap(&small.path),
        sqlite3.as_deref(),
        &small.path,
        now,
        o.runs,
        &scratch,
        "small",
    )?;
    notes.extend(peer_port.notes.iter().map(|n| format!("port: {n}")));
    notes.extend(peer_small.notes.iter().map(|n| format!("small: {n}")));

    // 2, 4, 7. The dashboard in a pseudo-terminal.
    let tty = match tty::Tty::find(o.ttybytes.clone(), &scratch) {
        Ok(t) => Some(t),
        Err(e) => {
            notes.push(format!("dashboard figures skipped: {e}"));
            None
        }
    };
    let mut frames: BTreeMap<&str, dash::Frames> = BTreeMap::new();
    let mut idle: Option<dash::Idle> = None;
    if let Some(tty) = &tty {
        eprintln!("bench: dashboard start to first frame");
        for (name, db, data) in [
            ("port", &port.path, &port_data),
            ("small", &small.path, &small_data),
        ] {
            match dash::first_frames(tty, &bin, name, db, data, o.runs) {
                Ok((f, mut n)) => {
                    frames.insert(name, f);
                    notes.append(&mut n);
                }
                Err(e) => notes.push(format!("{name}: first frame not measured: {e}")),
            }
        }
        let window = if o.quick { 10 } else { 30 };
        eprintln!("bench: dashboard idle for {window} s, then one event and one load");
        match dash::idle_run(tty, &bin, &port.path, &port_data, window, sqlite3.as_deref()) {
            Ok(i) => idle = Some(i),
            Err(e) => notes.push(format!("idle and change figures not measured: {e}")),
        }
        dbs::apply_undo(&port.path)?;
    }
    let load_end = util::load_average();

    // The report.
    let mut rows = Vec::new();
    let (mp, ms) = (median(&rp), median(&rs));
    rows.push(row(
        "refresh of every panel's data as the dashboard runs it (new connection, facts kept, nothing changed), median ms",
        num(mp, 1),
        num(ms, 1),
        "≤ 50 ms",
        mp.map(|v| v <= 50.0),
    ));
    let (mcp, mcs) = (median(&cp), median(&cs));
    rows.push(row(
        "the same after another process changed one vehicle and added an event, median ms",
        num(mcp, 1),
        num(mcs, 1),
        "≤ 50 ms",
        mcp.map(|v| v <= 50.0),
    ));
    notes.push(format!(
        "kept facts: port {} full reads, {} partial reads of {} rows in all; small {} full, {} partial, {} rows",
        kept_stats.0.full_reads,
        kept_stats.0.partial_reads,
        kept_stats.0.rows_read,
        kept_stats.1.full_reads,
        kept_stats.1.partial_reads,
        kept_stats.1.rows_read
    ));
    let scaling = mp.zip(ms).map(|(p, s)| p / s);
    rows.push(row(
        "port / small refresh (scaling)",
        scaling.map(|r| format!("×{r:.1}")).unwrap_or("n/a".into()),
        String::new(),
        "≤ 3",
        scaling.map(|r| r <= 3.0),
    ));
    rows.push(row(
        "refresh reading every vehicle (nothing kept: what the first refresh and a snapshot read), median ms",
        num(median(&fp), 1),
        num(median(&fs), 1),
        "",
        None,
    ));
    rows.push(row(
        "first refresh on a new connection (open + refresh, cold SQLite cache), median ms",
        num(median(&cold_p), 1),
        num(median(&cold_s), 1),
        "",
        None,
    ));
    let ff = |name: &str, i: usize| {
        frames.get(name).and_then(|t| {
            median(match i {
                0 => &t.frame_ms,
                1 => &t.first_byte_ms,
                3 => &t.exports_ms,
                _ => &t.cpu_ms,
            })
        })
    };
    rows.push(row(
        "start to first complete frame (120×40), median ms",
        num(ff("port", 0), 0),
        num(ff("small", 0), 0),
        "≤ 300 ms",
        ff("port", 0).map(|v| v <= 300.0),
    ));
    rows.push(row(
        "start to the export counters on screen (a large yard shows the yard first), median ms",
        num(ff("port", 3), 0),
        num(ff("small", 3), 0),
        "",
        None,
    ));
    rows.push(row(
        "start to first byte on the terminal, median ms",
        num(ff("port", 1), 0),
        num(ff("small", 1), 0),
        "",
        None,
    ));
    rows.push(row(
        "CPU time of the dashboard up to its first complete frame, median ms (10 ms ticks)",
        num(ff("port", 2), 0),
        num(ff("small", 2), 0),
        "",
        None,
    ));
    let (sp, ss) = (median(&peer_port.snapshot_ms), median(&peer_small.snapshot_ms));
    rows.push(row(
        "`snapshot --format json`, whole process, median ms",
        num(sp, 0),
        num(ss, 0),
        "",
        None,
    ));
    let plain = |p: &peer::Peer| p.plain_ms.as_deref().and_then(median);
    rows.push(row(
        "same figures by plain SQL (`sqlite3` CLI), median ms",
        num(plain(&peer_port), 0),
        num(plain(&peer_small), 0),
        "peer: about 1,100 ms",
        None,
    ));
    let ratio = |p: &peer::Peer| match (p.ratio(), p.cpu_ratio()) {
        (Some(r), Some(c)) => format!("**×{r:.1}** (CPU time ×{c:.1})"),
        (Some(r), None) => format!("**×{r:.1}**"),
        _ => "n/a".into(),
    };
    rows.push(row(
        "plain SQL / yardtop snapshot (headline)",
        ratio(&peer_port),
        ratio(&peer_small),
        "",
        None,
    ));
    let (mem_sp, mem_ss) = (median(&peer_port.snapshot_mb), median(&peer_small.snapshot_mb));
    rows.push(row(
        "peak memory, `snapshot` process, median MB",
        num(mem_sp, 1),
        num(mem_ss, 1),
        "≤ 60 MB",
        mem_sp.map(|v| v <= 60.0),
    ));
    let dash_mem = |name: &str| {
        let mut v = frames.get(name).map(|t| t.peak_mb.clone()).unwrap_or_default();
        if name == "port" {
            v.extend(idle.as_ref().and_then(|i| i.peak_mb));
        }
        util::max(&v)
    };
    rows.push(row(
        "peak memory, dashboard (VmHWM), max MB",
        num(dash_mem("port"), 1),
        num(dash_mem("small"), 1),
        "≤ 60 MB",
        dash_mem("port").map(|v| v <= 60.0),
    ));
    rows.push(row(
        "peak memory, `sqlite3` plain SQL, median MB",
        num(median(&peer_port.plain_mb), 1),
        num(median(&peer_small.plain_mb), 1),
        "",
        None,
    ));
    let draw = |r: &inproc::Render| {
        let (a, b) = (median(&r.first_ms), median(&r.diff_ms));
        format!(
            "{} ({} + {})",
            num(a.zip(b).map(|(a, b)| a + b), 2),
            num(a, 2),
            num(b, 2)
        )
    };
    rows.push(row(
        "frame render + diff at 200×60, median ms (first draw + second draw)",
        draw(&render),
        draw(&render_small),
        "",
        None,
    ));
    for s in &scrolls {
        let r = s.ratio();
        rows.push(row(
            &format!(
                "{}: {} rows vs {}, page time ratio",
                s.what,
                thousands(s.rows.0),
                thousands(s.rows.1)
            ),
            num(r, 2),
            String::new(),
            "within 10 % (0.9–1.1)",
            r.map(|r| (0.9..=1.1).contains(&r)),
        ));
    }
    let window = if o.quick { 10 } else { 30 };
    if let Some(i) = &idle {
        rows.push(row(
            &format!("idle: bytes to a 120×40 terminal, B/s over {window} s"),
            num(i.bytes_per_s, 1),
            String::new(),
            "≤ 20 B/s",
            i.bytes_per_s.map(|v| v <= 20.0),
        ));
        rows.push(row(
            &format!("idle: CPU, % of a core over {window} s"),
            num(i.cpu_pct, 2),
            String::new(),
            "≤ 0.5 %",
            i.cpu_pct.map(|v| v <= 0.5),
        ));
        rows.push(row(
            "one new event committed by another process: bytes sent",
            num(i.event_bytes, 0),
            String::new(),
            "≤ 2 KB",
            i.event_bytes.map(|v| v <= 2048.0),
        ));
        rows.push(row(
            "one vehicle loaded by another process (counters change): bytes sent",
            num(i.load_bytes, 0),
            String::new(),
            "≤ 2 KB",
            i.load_bytes.map(|v| v <= 2048.0),
        ));
    }
    if let Some([whole, same, counter, event]) = render.lean_bytes {
        rows.push(row(
            "in-process, yardtop's backend at 120×40: bytes of whole frame / same frame / one counter +1 / one new event",
            format!("{whole} / {same} / {counter} / {event}"),
            render_small
                .lean_bytes
                .map(|b| format!("{} / {} / {} / {}", b[0], b[1], b[2], b[3]))
                .unwrap_or_default(),
            "one counter ≤ 2 KB",
            Some(counter <= 2048),
        ));
    }

    let mut command = String::from("cargo bench --bench port --");
    for a in &o.given {
        command.push(' ');
        command.push_str(&util::sh_quote(a));
    }
    let mut out = String::new();
    out += &format!("Command: `{command}`\n\n");
    out += &format!(
        "Machine: {} CPUs, {}; load average {} at the start, {} at the end. yardtop {} (release).\n\n",
        machine.cpus,
        machine.model,
        machine.load,
        load_end,
        env!("CARGO_PKG_VERSION")
    );
    for (name, db) in [("port", &port), ("small", &small)] {
        out += &format!(
            "- {name}: `{}` ({}): {} vehicles, {} events, {} in the yard, {} blocks, {} pending consignments; summaries {}\n",
            db.path.display(),
            db.origin,
            thousands(db.vehicles),
            thousands(db.events),
            thousands(db.in_yard),
            db.blocks,
            db.pending,
            if db.summaries { "present" } else { "ABSENT" }
        );
    }
    out += &format!(
        "\nFigures as of {NOW} (`--now`), except the idle run, which uses the real clock. Medians of {} runs.\n\n",
        o.runs
    );
    out += "| figure | port | small | target (docs/benchmarks.md) | met? |\n|---|---|---|---|---|\n";
    for r in &rows {
        out += &format!(
            "| {} | {} | {} | {} | {} |\n",
            r.figure, r.port, r.small, r.target, r.met
        );
    }
    out += &format!(
        "\nRefresh, part by part (median ms of {} runs, each part timed alone):\n\n| part | port | small |\n|---|---|---|\n",
        3 * o.runs
    );
    for (k, v) in &parts {
        let s = small_parts.get(k).and_then(|v| median(v));
        out += &format!("| {k} | {} | {} |\n", num(median(v), 2), num(s, 2));
    }
    out += "\nPage fetches (median µs, port vs 100 rows):\n\n| list | start | middle | end |\n|---|---|---|---|\n";
    for s in &scrolls {
        let cell = |i: usize| format!("{} vs {}", num(s.port_us[i], 0), num(s.hundred_us[i], 0));
        out += &format!("| {} | {} | {} | {} |\n", s.what, cell(0), cell(1), cell(2));
    }
    if let Some(i) = &idle {
        out += &format!("\nIdle run: {}\n", i.detail);
    }
    for (name, p) in [("port", &peer_port), ("small", &peer_small)] {
        if p.plain_ms.is_some() {
            if p.disagreements.is_empty() {
                out += &format!("\n{name}: the plain SQL gives the same figures as the snapshot (exports, record, yard, SoC, dwell, pending).\n");
            } else {
                out += &format!(
                    "\n{name}: plain SQL and snapshot disagree on: {}\n",
                    p.disagreements.join("; ")
                );
            }
        }
    }
    if let Some(script) = &peer_port.script {
        out += &format!("\nThe plain SQL: `{}`\n", script.display());
    }
    if !notes.is_empty() {
        out += "\nNotes:\n";
        for n in &notes {
            out += &format!("- {n}\n");
        }
    }
    println!("\n{out}");
    let report = bench_dir.join("port-report.md");
    if std::fs::write(&report, &out).is_ok() {
        eprintln!("bench: report saved to {}", report.display());
    }
    Ok(())
}

/// 1234567 → "1,234,567".
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}
