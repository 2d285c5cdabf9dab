//! Many readers while `simulate` writes 500 events a second (docs/benchmarks.md "20
//! dashboards open on one database while simulate writes 500 events a second: no
//! error, no 'database is locked' on any screen, the WAL does not grow without
//! bound"), kept modest for CI: five real dashboards in pseudo-terminals, five
//! loops of `snapshot --format json` and `simulate --rate 500` for 25 s on a
//! 20,000-vehicle demo yard.
//!
//! Asserted: every snapshot succeeds and parses, no reader ever reports a lock,
//! no dashboard shows an error or ends, simulate exits 0, the WAL file stays
//! under 64 MB and stops growing (a reader holding a read transaction makes it
//! grow about 11 MB a second here, past 64 MB in six seconds). The measured
//! figures are printed (`cargo test --test it robust_load -- --nocapture`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::robust_common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use robust_common::*;

const DASHBOARDS: usize = 5;
const SNAPSHOT_LOOPS: usize = 5;
const SIM_SECONDS: u64 = 25;
const WAL_LIMIT: u64 = 64 << 20;

/// A 20,000-vehicle demo yard whose story ends a minute ago, so that simulate
/// (on the real clock) carries it on.
fn demo_db(dir: &Path) -> PathBuf {
    let db = dir.join("yard.db");
    let now = chrono::Utc::now() - chrono::Duration::minutes(1);
    let out = yardtop(dir)
        .arg("demo")
        .arg("--no-tui")
        .arg("--db")
        .arg(&db)
        .args(["--seed", "3", "--scale", "20000", "--now"])
        .arg(now.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

#[derive(Default)]
struct SnapshotStats {
    latencies: Vec<Duration>,
    failures: Vec<String>,
}

/// Runs `snapshot --format json` until `stop`, one every ~250 ms.
fn snapshot_loop(dir: PathBuf, db: PathBuf, stop: Arc<AtomicBool>, stats: Arc<Mutex<SnapshotStats>>) {
    while !stop.load(Ordering::SeqCst) {
        let t0 = Instant::now();
        let child = yardtop(&dir)
            .arg("--db")
            .arg(&db)
            .args(["snapshot", "--format", "json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (out, overran) = Guard::new(child).finish(Duration::from_secs(20));
        let took = t0.elapsed();
        let mut s = stats.lock().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        if overran || !out.status.success() {
            s.failures
                .push(format!("exit {:?} after {took:?}: {err}", out.status.code()));
        } else if let Err(e) = serde_json::from_slice::<serde_json::Value>(&out.stdout) {
            s.failures.push(format!("unparseable JSON ({e})"));
        } else if err.to_lowercase().contains("lock") || err.to_lowercase().contains("busy") {
            s.failures.push(format!("succeeded but said: {err}"));
        } else {
            s.latencies.push(took);
        }
        drop(s);
        std::thread::sleep(Duration::from_millis(250).saturating_sub(took));
    }
}

/// The header's "last change HH:MM:SS".
fn last_change(d: &Pty) -> String {
    let s = d.screen();
    let head = s.lines().next().unwrap_or("");
    match head.find("last change ") {
        Some(i) => head[i..].chars().take(20).collect(),
        None => panic!("no last change in the header: {head}"),
    }
}

/// Words no dashboard may ever show under load.
const NEVER_ON_SCREEN: [&str; 5] = ["is locked", "unreachable", "internal error", "panicked", "Error"];

#[test]
fn five_dashboards_five_snapshot_loops_and_simulate_at_500_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let wal = sibling(&db, "-wal");

    let mut dashboards: Vec<Pty> = (0..DASHBOARDS)
        .map(|_| Pty::start(dir.path(), &[OsStr::new("--db"), db.as_os_str()], 120, 40))
        .collect();
    for (i, d) in dashboards.iter().enumerate() {
        d.wait_until(10.0, |s| s.contains("live") && s.contains("In yard"))
            .unwrap_or_else(|| panic!("dashboard {i} did not start:\n{}", d.screen()));
    }
    let first_changes: Vec<String> = dashboards.iter().map(last_change).collect();

    let sim = yardtop(dir.path())
        .arg("--db")
        .arg(&db)
        .args([
            "simulate",
            "--rate",
            "500",
            "--duration",
            &SIM_SECONDS.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut sim = Guard::new(sim);
    let t0 = Instant::now();

    let stop = Arc::new(AtomicBool::new(false));
    let stats = Arc::new(Mutex::new(SnapshotStats::default()));
    let loops: Vec<_> = (0..SNAPSHOT_LOOPS)
        .map(|_| {
            let (dir, db, stop, stats) = (dir.path().to_path_buf(), db.clone(), stop.clone(), stats.clone());
            std::thread::spawn(move || snapshot_loop(dir, db, stop, stats))
        })
        .collect();

    // Every second: the WAL's size; every 100 ms: every dashboard's screen.
    let mut wal_sizes: Vec<(f64, u64)> = Vec::new();
    let mut busy_seen = [0usize; DASHBOARDS];
    let mut last_wal = Instant::now() - Duration::from_secs(1);
    let sim_status = loop {
        if let Some(st) = sim.child().try_wait().unwrap() {
            break st;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(SIM_SECONDS + 20),
            "simulate overran its {SIM_SECONDS} s"
        );
        if last_wal.elapsed() >= Duration::from_secs(1) {
            last_wal = Instant::now();
            let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
            wal_sizes.push((t0.elapsed().as_secs_f64(), size));
        }
        for (i, d) in dashboards.iter_mut().enumerate() {
            let s = d.screen();
            for bad in NEVER_ON_SCREEN {
                assert!(!s.contains(bad), "dashboard {i} shows {bad:?}:\n{s}");
            }
            if s.contains("busy") {
                busy_seen[i] += 1;
            }
            assert!(d.exited().is_none(), "dashboard {i} ended under load:\n{s}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let sim_secs = t0.elapsed().as_secs_f64();
    stop.store(true, Ordering::SeqCst);
    for l in loops {
        l.join().unwrap();
    }
    let (sim_out, _) = Guard(sim.0.take()).finish(Duration::from_secs(5));
    let sim_err = String::from_utf8_lossy(&sim_out.stderr).into_owned();

    // What the dashboards show at the end (asserted below, after the figures).
    let end_screens: Vec<String> = dashboards.iter().map(|d| d.screen()).collect();
    let end_changes: Vec<String> = dashboards.iter().map(last_change).collect();
    for d in dashboards.iter_mut() {
        d.keys("q");
    }

    let stats = stats.lock().unwrap();
    let mut lat = stats.latencies.clone();
    lat.sort();
    let wal_max = wal_sizes.iter().map(|(_, s)| *s).max().unwrap_or(0);
    let wal_end = wal_sizes.last().map(|(_, s)| *s).unwrap_or(0);
    let ten_before = wal_sizes
        .iter()
        .rev()
        .find(|(t, _)| *t <= sim_secs - 10.0)
        .map(|(_, s)| *s)
        .unwrap_or(0);
    eprintln!(
        "load: simulate {sim_secs:.1} s, exit {:?}; {}",
        sim_status.code(),
        sim_err.lines().last().unwrap_or("")
    );
    eprintln!(
        "load: {} snapshots ok, {} failed; latency p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        lat.len(),
        stats.failures.len(),
        percentile_ms(&lat, 50.0),
        percentile_ms(&lat, 99.0),
        percentile_ms(&lat, 100.0)
    );
    eprintln!(
        "load: WAL max {:.1} MB, at the end {:.1} MB, 10 s before the end {:.1} MB; samples (s, MB): {:?}",
        wal_max as f64 / 1048576.0,
        wal_end as f64 / 1048576.0,
        ten_before as f64 / 1048576.0,
        wal_sizes
            .iter()
            .map(|(t, s)| (t.round() as u64, (*s as f64 / 1048576.0 * 10.0).round() / 10.0))
            .collect::<Vec<_>>()
    );
    eprintln!("load: 'busy' seen on dashboards (100 ms samples): {busy_seen:?}");

    // The dashboards followed the writes, then quit cleanly.
    for (i, d) in dashboards.iter_mut().enumerate() {
        let s = &end_screens[i];
        assert!(
            s.lines().next().unwrap_or("").contains("live"),
            "dashboard {i}:\n{s}"
        );
        assert_ne!(
            end_changes[i], first_changes[i],
            "dashboard {i} saw no change under load:\n{s}"
        );
        let st = d.exit_within(5.0);
        assert!(st.success(), "dashboard {i}: {st:?}");
        assert_never_shown(&d.bytes(), &format!("dashboard {i}"));
    }
    assert!(sim_status.success(), "simulate failed: {sim_err}");
    assert!(
        !sim_err.to_lowercase().contains("locked") && !sim_err.to_lowercase().contains("error"),
        "simulate reported: {sim_err}"
    );
    assert!(
        stats.failures.is_empty(),
        "{} snapshots failed: {:#?}",
        stats.failures.len(),
        stats.failures
    );
    assert!(lat.len() >= 20, "only {} snapshots ran", lat.len());
    assert!(wal_sizes.len() >= 15, "only {} WAL samples", wal_sizes.len());
    assert!(wal_max <= WAL_LIMIT, "the WAL reached {wal_max} bytes");
    assert!(
        wal_end <= ten_before + (8 << 20),
        "the WAL was still growing at the end: {ten_before} → {wal_end} bytes in the last 10 s"
    );
}
