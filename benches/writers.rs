//! What yardtop's additions cost the terminal's writers:
//!
//!     cargo bench --bench writers -- [--quick] [--runs N]
//!
//! Two databases are made from the contract alone with the simple indexes a
//! terminal's IT makes (vehicles' status, loaded_at, consignment_id and block;
//! events' at): the baseline, and the same with what `yardtop init --existing` adds.
//! Each write runs on a fresh copy of each, the two alternated in one run (so that
//! a noisy, shared machine weighs on both alike), with SQLite's default settings as
//! a writer gets them (WAL, synchronous FULL). Medians and their ratio are printed
//! as a Markdown table; the target is a ratio of at most 1.30. Nothing here is a
//! test; no figure fails the run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use rusqlite::{params, Connection};

struct Scale {
    vehicles: u64,
    events: u64,
    insert_events: u64,
    update_vehicles: u64,
    one_event_txns: u64,
    runs: usize,
}

const FULL: Scale = Scale {
    vehicles: 500_000,
    events: 1_000_000,
    insert_events: 100_000,
    update_vehicles: 50_000,
    one_event_txns: 2_000,
    runs: 5,
};

const QUICK: Scale = Scale {
    vehicles: 100_000,
    events: 200_000,
    insert_events: 20_000,
    update_vehicles: 10_000,
    one_event_txns: 300,
    runs: 3,
};

const CONTRACT: &str = "
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE yard_blocks(code TEXT PRIMARY KEY, zone TEXT, rows INTEGER, slots_per_row INTEGER);
CREATE TABLE vessels(imo INTEGER PRIMARY KEY, name TEXT NOT NULL, capacity_ceu INTEGER);
CREATE TABLE vessel_calls(id INTEGER PRIMARY KEY, imo INTEGER REFERENCES vessels, voyage TEXT NOT NULL,
    berth TEXT, eta TEXT, etd TEXT, status TEXT);
CREATE TABLE consignments(id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE,
    call_id INTEGER REFERENCES vessel_calls, brand TEXT, destination TEXT,
    planned_units INTEGER, cutoff_at TEXT, status TEXT);
CREATE TABLE vehicles(vin TEXT PRIMARY KEY, make TEXT, model TEXT, powertrain TEXT,
    soc_pct REAL, soc_checked_at TEXT, consignment_id INTEGER REFERENCES consignments,
    status TEXT, hold_reason TEXT, block TEXT REFERENCES yard_blocks, row INTEGER, slot INTEGER,
    gate_in_at TEXT, loaded_at TEXT, updated_at TEXT);
CREATE TABLE events(id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, vin TEXT,
    kind TEXT NOT NULL, detail TEXT);";

const IT_INDEXES: &str = "
CREATE INDEX vehicles_status ON vehicles(status);
CREATE INDEX vehicles_loaded_at ON vehicles(loaded_at);
CREATE INDEX vehicles_consignment ON vehicles(consignment_id);
CREATE INDEX vehicles_block ON vehicles(block);
CREATE INDEX events_at ON events(at);";

/// The rows: 95% exported history from 2022 on, 5% in the yard.
fn fill_sql(s: &Scale) -> String {
    let (v, e) = (s.vehicles, s.events);
    let yard_from = v - v / 20;
    let step = 150_000_000 / v;
    format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {v})
         INSERT INTO vehicles SELECT printf('LSJW%013d', i), 'MG', 'MG4',
             CASE abs(random()) % 10 WHEN 0 THEN 'HEV' WHEN 1 THEN 'ICE' WHEN 2 THEN 'ICE' WHEN 3 THEN 'PHEV' ELSE 'BEV' END,
             CASE WHEN i > {yard_from} THEN (abs(random()) % 900) / 10.0 END,
             CASE WHEN i > {yard_from} THEN strftime('%Y-%m-%dT%H:%M:%SZ', 1795510800 - abs(random()) % 400000, 'unixepoch') END,
             1 + i / 400,
             CASE WHEN i > {yard_from} THEN 'parked' ELSE 'departed' END, NULL,
             CASE WHEN i > {yard_from} THEN printf('N%03d', i % 200) END, 1 + i % 10, 1 + i % 30,
             strftime('%Y-%m-%dT%H:%M:%SZ', 1640995200 + i * {step} - 600000, 'unixepoch'),
             CASE WHEN i <= {yard_from} THEN strftime('%Y-%m-%dT%H:%M:%SZ', 1640995200 + i * {step}, 'unixepoch') END,
             strftime('%Y-%m-%dT%H:%M:%SZ', 1640995200 + i * {step}, 'unixepoch')
         FROM n;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {e})
         INSERT INTO events(at, vin, kind) SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 1640995200 + i * 31, 'unixepoch'),
             printf('LSJW%013d', 1 + abs(random()) % {v}), 'park' FROM n;"
    )
}

fn build(path: &Path, s: &Scale, it_indexes: bool, yardtop: bool) -> rusqlite::Result<()> {
    let _ = std::fs::remove_file(path);
    let conn = Connection::open(path)?;
    conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF;")?;
    conn.execute_batch(CONTRACT)?;
    conn.execute_batch(&format!("BEGIN; {} COMMIT;", fill_sql(s)))?;
    if it_indexes {
        conn.execute_batch(IT_INDEXES)?;
    }
    if yardtop {
        // Exactly what `yardtop init --existing` does.
        let plan = yardtop::db::additions::plan(&conn)?;
        conn.execute_batch(&yardtop::db::additions::apply_sql(&plan))?;
    }
    conn.execute_batch("PRAGMA journal_mode = WAL; VACUUM;")?;
    Ok(())
}

/// A fresh copy of `template` to write on (the WAL of the last run removed).
fn copy(template: &Path, to: &Path) -> std::io::Result<()> {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", to.display()));
    }
    std::fs::copy(template, to).map(|_| ())
}

type Write = fn(&Connection, &Scale, u64) -> rusqlite::Result<()>;

fn insert_events(c: &Connection, s: &Scale, seed: u64) -> rusqlite::Result<()> {
    c.execute_batch("BEGIN")?;
    let mut stmt = c.prepare("INSERT INTO events(at, vin, kind, detail) VALUES (?1, ?2, 'soc_check', ?3)")?;
    for i in 0..s.insert_events {
        let vin = format!("LSJW{:013}", 1 + (i * 7919 + seed) % s.vehicles);
        stmt.execute(params![
            format!("2026-11-26T09:{:02}:{:02}Z", (i / 60) % 60, i % 60),
            vin,
            "ok"
        ])?;
    }
    drop(stmt);
    c.execute_batch("COMMIT")
}

fn update_status(c: &Connection, s: &Scale, seed: u64) -> rusqlite::Result<()> {
    c.execute_batch("BEGIN")?;
    let mut stmt = c.prepare("UPDATE vehicles SET status = 'loaded', loaded_at = ?1 WHERE vin = ?2")?;
    for i in 0..s.update_vehicles {
        let vin = format!("LSJW{:013}", 1 + (i * 104_729 + seed) % s.vehicles);
        stmt.execute(params![
            format!("2026-11-26T08:{:02}:{:02}Z", (i / 60) % 60, i % 60),
            vin
        ])?;
    }
    drop(stmt);
    c.execute_batch("COMMIT")
}

fn update_soc(c: &Connection, s: &Scale, seed: u64) -> rusqlite::Result<()> {
    c.execute_batch("BEGIN")?;
    let mut stmt = c.prepare("UPDATE vehicles SET soc_pct = ?1, soc_checked_at = ?2 WHERE vin = ?3")?;
    for i in 0..s.update_vehicles {
        let vin = format!("LSJW{:013}", 1 + (i * 104_729 + seed) % s.vehicles);
        stmt.execute(params![(i % 90) as f64 + 0.5, "2026-11-26T08:30:00Z", vin])?;
    }
    drop(stmt);
    c.execute_batch("COMMIT")
}

fn one_event_txns(c: &Connection, s: &Scale, seed: u64) -> rusqlite::Result<()> {
    for i in 0..s.one_event_txns {
        let vin = format!("LSJW{:013}", 1 + (i * 7919 + seed) % s.vehicles);
        c.execute_batch("BEGIN")?;
        c.execute(
            "INSERT INTO events(at, vin, kind) VALUES (?1, ?2, 'move')",
            params![format!("2026-11-26T09:00:{:02}Z", i % 60), vin],
        )?;
        c.execute_batch("COMMIT")?;
    }
    Ok(())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Each write on fresh copies of the two databases, alternated: a Markdown row each.
fn measure(scale: &Scale, base_t: &Path, ours_t: &Path, work: &Path) -> Result<String, String> {
    let writes: [(&str, Write); 4] = [
        ("insert events, one transaction", insert_events),
        (
            "update vehicles' status + loaded_at, one transaction",
            update_status,
        ),
        ("update vehicles' SoC, one transaction", update_soc),
        ("one-event transactions", one_event_txns),
    ];
    let sizes = [
        scale.insert_events,
        scale.update_vehicles,
        scale.update_vehicles,
        scale.one_event_txns,
    ];
    let mut table = String::new();
    for ((name, write), n) in writes.iter().zip(sizes) {
        let (mut base, mut ours) = (Vec::new(), Vec::new());
        for run in 0..scale.runs {
            // Alternate which goes first, so that neither always follows the other.
            let order = if run % 2 == 0 {
                [false, true]
            } else {
                [true, false]
            };
            for with in order {
                copy(if with { ours_t } else { base_t }, work).map_err(|e| e.to_string())?;
                let c = Connection::open(work).map_err(|e| e.to_string())?;
                // SQLite's own default, which this build of it does not keep.
                c.execute_batch("PRAGMA foreign_keys = OFF")
                    .map_err(|e| e.to_string())?;
                let t = Instant::now();
                write(&c, scale, run as u64).map_err(|e| format!("{name}: {e}"))?;
                let s = t.elapsed().as_secs_f64();
                drop(c);
                if with {
                    ours.push(s)
                } else {
                    base.push(s)
                };
            }
        }
        let (b, o) = (median(base), median(ours));
        let line = format!("| {name} | {n} | {:.3} s | {:.3} s | ×{:.2} |\n", b, o, o / b);
        eprint!("{line}");
        table.push_str(&line);
    }
    Ok(table)
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let mut scale = if quick { QUICK } else { FULL };
    if let Some(i) = args.iter().position(|a| a == "--runs") {
        scale.runs = args
            .get(i + 1)
            .and_then(|n| n.parse().ok())
            .filter(|n| *n > 0)
            .ok_or("--runs takes a number of 1 or more")?;
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench/writers");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let tag = if quick { "quick" } else { "full" };
    let work = dir.join("work.db");
    println!(
        "Writers' cost of yardtop's additions ({} vehicles, {} events; median of {} alternated pairs; {})",
        scale.vehicles,
        scale.events,
        scale.runs,
        if quick { "--quick" } else { "full run" }
    );
    for (it, title) in [
        (
            true,
            "baseline: contract + the simple indexes a terminal's IT makes",
        ),
        (false, "baseline: the contract's tables alone, no index at all"),
    ] {
        let base_t = dir.join(format!("baseline-{tag}-{it}.db"));
        let ours_t = dir.join(format!("yardtop-{tag}-{it}.db"));
        let t = Instant::now();
        eprintln!("bench writers: building the two databases ({title})");
        build(&base_t, &scale, it, false).map_err(|e| format!("baseline: {e}"))?;
        build(&ours_t, &scale, it, true).map_err(|e| format!("with yardtop's additions: {e}"))?;
        eprintln!("bench writers: built in {:.0} s", t.elapsed().as_secs_f64());
        let added: Vec<String> = {
            let c = Connection::open(&base_t).map_err(|e| e.to_string())?;
            yardtop::db::additions::plan(&c)
                .map_err(|e| e.to_string())?
                .add
                .iter()
                .map(|i| format!("{}({})", i.name, i.columns.join(", ")))
                .collect()
        };
        let table = measure(&scale, &base_t, &ours_t, &work)?;
        println!(
            "\n{title}; `yardtop init --existing` adds: {}\n",
            if added.is_empty() {
                "nothing".to_string()
            } else {
                added.join(", ")
            }
        );
        println!("| write | rows | baseline | with yardtop's additions | ratio |");
        println!("|---|---:|---:|---:|---:|");
        print!("{table}");
    }
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", work.display()));
    }
    Ok(())
}

fn main() -> ExitCode {
    // `cargo test --benches` runs this without --bench: it takes minutes and is not
    // a test, so it does not run there.
    if !std::env::args().any(|a| a == "--bench") {
        println!("writers benchmark: not run (run it with `cargo bench --bench writers`)");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench writers: {e}");
            ExitCode::FAILURE
        }
    }
}
