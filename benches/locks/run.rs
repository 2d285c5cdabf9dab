//! One run of the locks benchmark in one journal mode: a copy of the database
//! switched to that mode, real dashboards in pseudo-terminals, loops of
//! `yardtop snapshot --format json`, and the Python writer (writer.py) beside them.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};
use serde_json::Value as Json;

use crate::held::{self, Held};
use crate::screens::Screen;
use crate::util;

/// A snapshot still running after this long is killed (and counted as failed).
const SNAPSHOT_LIMIT: Duration = Duration::from_secs(300);
/// How often a snapshot loop looks whether its child has exited.
const SNAPSHOT_POLL: Duration = Duration::from_millis(2);

/// How often the dashboards' screens are looked at while the writer runs.
const SAMPLE: Duration = Duration::from_millis(100);

/// Consecutive samples of one screen showing a bad word.
#[derive(Clone, Default)]
struct Streak {
    now: u64,
    longest: u64,
}

/// Looks at every screen once, keeping each one's longest run of bad samples.
fn sample(screens: &mut [Screen], streaks: &mut [Streak]) {
    for (s, k) in screens.iter_mut().zip(streaks.iter_mut()) {
        let before = s.bad_samples;
        s.sample();
        k.now = if s.bad_samples > before { k.now + 1 } else { 0 };
        k.longest = k.longest.max(k.now);
    }
}

/// What the run is asked to do.
pub struct Plan<'a> {
    pub bin: &'a Path,
    pub python: &'a Path,
    pub script: &'a Path,
    pub source: &'a Path,
    pub scratch: &'a Path,
    /// "delete" or "wal", as `PRAGMA journal_mode` takes it.
    pub mode: &'a str,
    pub seconds: u64,
    pub rate: f64,
    pub timeout_s: f64,
    pub dashboards: usize,
    pub loops: usize,
    pub keep: bool,
}

/// One writer transaction, as writer.py wrote it.
pub struct Commit {
    pub start_s: f64,
    pub ok: bool,
    pub wait_ms: f64,
    /// Each step's time (NaN for a step not reached).
    pub steps_ms: [f64; 3],
    pub error: Option<String>,
}

/// One `yardtop snapshot` of a loop.
pub struct SnapRun {
    pub ms: f64,
    pub ok: bool,
    pub why: Option<String>,
}

/// What one run saw.
pub struct Outcome {
    pub mode: String,
    /// The copy's journal mode once switched (SQLite's answer).
    pub journal: String,
    pub copied: String,
    pub commits: Vec<Commit>,
    /// writer.py's summary line.
    pub summary: Json,
    pub writer_exit: String,
    pub writer_s: f64,
    pub snapshots: Vec<SnapRun>,
    /// Each process's read transactions while the writer ran.
    pub read_locks: Vec<held::Span>,
    pub dashboards_live: usize,
    pub samples: u64,
    pub bad_samples: u64,
    pub bad_lines: Vec<String>,
    pub bad_bytes: Vec<String>,
    pub live_at_end: usize,
    /// The longest a screen showed a bad word without a break, in seconds (by samples).
    pub longest_bad_s: f64,
    pub notes: Vec<String>,
}

/// Removes the copy (with its journal files) when the run ends, unless kept.
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

fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Copies `src` (and its WAL, when it holds frames) to `dst` without writing the
/// source: a read transaction is held during the copy, so that a rollback-journal
/// writer cannot commit meanwhile and a WAL writer's checkpoint cannot pass the
/// copied snapshot (SQLite recovers the copied WAL on the first open).
fn copy_db(src: &Path, dst: &Path) -> Result<String, String> {
    let reader = Connection::open_with_flags(
        src,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .and_then(|c| {
        c.busy_timeout(Duration::from_secs(10))?;
        c.execute_batch("BEGIN")?;
        c.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;
        Ok(c)
    });
    let how = match &reader {
        Ok(_) => "copied under a read transaction".to_string(),
        Err(e) => format!("copied as it is (no read transaction: {e})"),
    };
    let t = Instant::now();
    let copied = (|| -> std::io::Result<u64> {
        let mut n = std::fs::copy(src, dst)?;
        let wal = sibling(src, "-wal");
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
            n += std::fs::copy(&wal, sibling(dst, "-wal"))?;
        }
        Ok(n)
    })();
    drop(reader);
    let n = copied.map_err(|e| format!("cannot copy {} to {}: {e}", src.display(), dst.display()))?;
    Ok(format!(
        "{how}: {:.0} MB in {:.1} s",
        n as f64 / 1e6,
        t.elapsed().as_secs_f64()
    ))
}

/// Switches the copy to `mode` the way a terminal's tool does; SQLite's answer.
fn set_journal(db: &Path, mode: &str) -> Result<String, String> {
    let c = Connection::open(db).map_err(|e| format!("{}: {e}", db.display()))?;
    c.busy_timeout(Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    c.query_row(&format!("PRAGMA journal_mode = {mode}"), [], |r| r.get(0))
        .map_err(|e| format!("{}: PRAGMA journal_mode = {mode}: {e}", db.display()))
}

fn yardtop_env(cmd: &mut Command, home: &Path) {
    cmd.env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("YARDTOP_DB")
        .env_remove("YARDTOP_NOW")
        .env_remove("YARDTOP_CONFIG");
}

/// One `yardtop snapshot --format json`, its output in files of the loop's own.
fn snapshot_once(bin: &Path, db: &Path, home: &Path, out: &Path, err: &Path) -> SnapRun {
    let files = std::fs::File::create(out).and_then(|o| Ok((o, std::fs::File::create(err)?)));
    let (o, e) = match files {
        Ok(f) => f,
        Err(e) => {
            return SnapRun {
                ms: f64::NAN,
                ok: false,
                why: Some(format!("harness: cannot create {}: {e}", out.display())),
            }
        }
    };
    let mut cmd = Command::new(bin);
    cmd.args(["snapshot", "--format", "json", "--db"])
        .arg(db)
        .stdin(Stdio::null())
        .stdout(o)
        .stderr(e);
    yardtop_env(&mut cmd, home);
    let t = Instant::now();
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return SnapRun {
                ms: f64::NAN,
                ok: false,
                why: Some(format!("harness: cannot run {}: {e}", bin.display())),
            }
        }
    };
    let status: Option<ExitStatus> = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if t.elapsed() > SNAPSHOT_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(SNAPSHOT_POLL),
            Err(_) => break None,
        }
    };
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    let printed = std::fs::read(out).unwrap_or_default();
    let json_ok = serde_json::from_slice::<Json>(&printed).is_ok_and(|j| j.is_object());
    let ok = status.is_some_and(|s| s.success()) && json_ok;
    let why = (!ok).then(|| {
        let stderr = std::fs::read_to_string(err).unwrap_or_default();
        let first = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
        match status {
            None => format!("killed after {} s", SNAPSHOT_LIMIT.as_secs()),
            Some(s) if s.success() => "exit 0 but no JSON object printed".into(),
            Some(s) => format!("{s}: {first}"),
        }
    });
    SnapRun { ms, ok, why }
}

/// `n` loops of snapshots, back to back until `stop`.
fn start_loops(
    bin: &Path,
    db: &Path,
    home: &Path,
    scratch: &Path,
    n: usize,
    stop: &Arc<AtomicBool>,
) -> Result<Vec<JoinHandle<Vec<SnapRun>>>, String> {
    (0..n)
        .map(|i| {
            let (bin, db, home) = (bin.to_path_buf(), db.to_path_buf(), home.to_path_buf());
            let out = scratch.join(format!("snapshot-{i}.json"));
            let err = scratch.join(format!("snapshot-{i}.err"));
            let stop = stop.clone();
            std::thread::Builder::new()
                .name(format!("snapshot-loop-{i}"))
                .spawn(move || {
                    let mut runs = Vec::new();
                    while !stop.load(Ordering::Relaxed) {
                        runs.push(snapshot_once(&bin, &db, &home, &out, &err));
                    }
                    runs
                })
                .map_err(|e| format!("cannot start a snapshot loop: {e}"))
        })
        .collect()
}

/// writer.py's lines: its transactions and its summary.
fn read_writer(out: &Path) -> (Vec<Commit>, Json) {
    let text = std::fs::read_to_string(out).unwrap_or_default();
    let mut commits = Vec::new();
    let mut summary = Json::Null;
    for line in text.lines() {
        let Ok(j) = serde_json::from_str::<Json>(line) else {
            continue;
        };
        if let Some(s) = j.get("summary") {
            summary = s.clone();
            continue;
        }
        let ms = |k: &str| j[k].as_f64().unwrap_or(f64::NAN);
        commits.push(Commit {
            start_s: ms("start_s"),
            ok: j["ok"].as_bool().unwrap_or(false),
            wait_ms: ms("wait_ms"),
            steps_ms: [ms("update_ms"), ms("insert_ms"), ms("commit_ms")],
            error: j["error"].as_str().map(|e| match j["step"].as_str() {
                Some(step) => format!("{e} (at the {step})"),
                None => e.to_string(),
            }),
        });
    }
    (commits, summary)
}

pub fn run(p: &Plan) -> Result<Outcome, String> {
    let scratch = p.scratch.join(p.mode);
    let home = p.scratch.join("home");
    for d in [scratch.clone(), home.join("config"), home.join("state")] {
        std::fs::create_dir_all(&d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    let mut notes = Vec::new();
    let copy = scratch.join("locks.db");
    util::remove_db(&copy);
    let _copy = Scratch {
        path: copy.clone(),
        keep: p.keep,
    };
    eprintln!(
        "bench[{}]: copying {} to {}",
        p.mode,
        p.source.display(),
        copy.display()
    );
    let copied = copy_db(p.source, &copy)?;
    let journal = set_journal(&copy, p.mode)?;
    if !journal.eq_ignore_ascii_case(p.mode) {
        notes.push(format!(
            "asked for journal mode {}, SQLite kept {journal}",
            p.mode
        ));
    }

    let mut screens: Vec<Screen> = Vec::new();
    for i in 0..p.dashboards {
        let name = format!("dashboard {}", i + 1);
        eprintln!("bench[{}]: starting {name} of {} (120×40)", p.mode, p.dashboards);
        match Screen::start(&name, p.bin, &copy, &home, 120, 40) {
            Ok(mut s) => match s.wait_live(Duration::from_secs(120)) {
                Ok(()) => screens.push(s),
                Err(e) => notes.push(format!("{name} not used: {e}")),
            },
            Err(e) => {
                notes.push(format!("dashboards skipped: {e}"));
                break;
            }
        }
    }
    let dashboards_live = screens.len();
    let mut streaks = vec![Streak::default(); screens.len()];

    eprintln!("bench[{}]: {} snapshot loops", p.mode, p.loops);
    let stop = Arc::new(AtomicBool::new(false));
    let loops = start_loops(p.bin, &copy, &home, &scratch, p.loops, &stop)?;

    let writer_out = scratch.join("writer.jsonl");
    let writer_err = scratch.join("writer.err");
    let _ = std::fs::remove_file(&writer_out);
    eprintln!(
        "bench[{}]: Python sqlite3 writer, {} a second for {} s, busy timeout {} s",
        p.mode, p.rate, p.seconds, p.timeout_s
    );
    let err_file = std::fs::File::create(&writer_err)
        .map_err(|e| format!("cannot create {}: {e}", writer_err.display()))?;
    let mut writer = Command::new(p.python)
        .arg(p.script)
        .arg("--db")
        .arg(&copy)
        .arg("--out")
        .arg(&writer_out)
        .args([
            "--seconds",
            &p.seconds.to_string(),
            "--rate",
            &p.rate.to_string(),
            "--timeout",
            &p.timeout_s.to_string(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err_file)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", p.python.display()))?;
    let t0 = Instant::now();
    let locks = Held::start(&copy, journal.eq_ignore_ascii_case("wal"));
    let limit = Duration::from_secs(p.seconds + 120);
    let status = loop {
        match writer.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if t0.elapsed() > limit => {
                notes.push(format!(
                    "the writer overran its {} s by 120 s and was killed",
                    p.seconds
                ));
                let _ = writer.kill();
                break writer.wait().ok();
            }
            Ok(None) => {}
            Err(e) => {
                let _ = writer.kill();
                return Err(format!("cannot wait for the writer: {e}"));
            }
        }
        sample(&mut screens, &mut streaks);
        std::thread::sleep(SAMPLE);
    };
    let writer_s = t0.elapsed().as_secs_f64();
    let read_locks = match locks {
        Ok(h) => h.finish(),
        Err(e) => {
            notes.push(e);
            Vec::new()
        }
    };
    stop.store(true, Ordering::Relaxed);
    eprintln!(
        "bench[{}]: writer done; waiting for the snapshot loops' last runs",
        p.mode
    );
    let mut snapshots = Vec::new();
    for h in loops {
        match h.join() {
            Ok(runs) => snapshots.extend(runs),
            Err(_) => notes.push("a snapshot loop's thread panicked (harness)".into()),
        }
    }
    sample(&mut screens, &mut streaks);

    let samples = screens.iter().map(|s| s.samples).sum();
    let bad_samples = screens.iter().map(|s| s.bad_samples).sum();
    let bad_lines = screens
        .iter()
        .filter_map(|s| {
            let line = s
                .first_bad
                .as_ref()?
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            Some(format!("{} showed: {line}", s.name))
        })
        .collect();
    let bad_bytes = screens
        .iter()
        .flat_map(|s| {
            s.bad_words_in_bytes()
                .into_iter()
                .map(|w| format!("{}: {w:?}", s.name))
        })
        .collect();
    let live_at_end = screens
        .iter()
        .filter(|s| s.live_at_end && s.exited_early.is_none())
        .count();
    for s in &mut screens {
        if let Some(e) = &s.exited_early {
            notes.push(format!("{} ended during the run: {e}", s.name));
        }
        let bytes = s.bytes();
        let exit = s.quit(Duration::from_secs(5));
        if exit != "exit 0 on q" {
            notes.push(format!("{}: {exit} ({bytes} bytes written)", s.name));
        }
    }

    let (commits, summary) = read_writer(&writer_out);
    let writer_exit = match status {
        Some(s) if s.success() => "exit 0".to_string(),
        Some(s) => {
            let err = std::fs::read_to_string(&writer_err).unwrap_or_default();
            format!(
                "{s}: {}",
                err.lines().rev().take(3).collect::<Vec<_>>().join(" / ")
            )
        }
        None => "no exit status".into(),
    };
    if summary.is_null() {
        notes.push(format!("the writer printed no summary ({writer_exit})"));
    }
    Ok(Outcome {
        mode: p.mode.to_string(),
        journal,
        copied,
        commits,
        summary,
        writer_exit,
        writer_s,
        snapshots,
        read_locks,
        dashboards_live,
        samples,
        bad_samples,
        bad_lines,
        bad_bytes,
        live_at_end,
        longest_bad_s: streaks.iter().map(|s| s.longest).max().unwrap_or(0) as f64 * SAMPLE.as_secs_f64(),
        notes,
    })
}
