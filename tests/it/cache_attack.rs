//! Attacks on the reader's kept facts (docs/architecture.md, "What the reader
//! keeps"): writes and file operations chosen to change rows without the reader
//! seeing a table leaf page of `vehicles` in the log, or to make it read one file
//! or one moment while it watches another. After each one a dashboard's kept cache
//! must give exactly the figures a fresh read of every row gives (`compute` with a
//! new cache), before it shows a figure.
//!
//! Each attack first checks that its write changed the figures: an attack that
//! changes nothing could not catch a cache that missed it. Tests marked `hole:` are
//! ways the cache shows a wrong figure today; each says what happens and why.
//!
//! One module per target: `pages` (pages other than table leaves), `journals`
//! (journal modes and checkpoints), `files` (another file at the same path), `time`
//! (midnight, zones, the small tables), `tables` (tables the log cannot follow),
//! `moments` (writes between the look and the snapshot), `yard_first` (the first
//! frame of a large yard), and `holes` (what fails today).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OpenFlags};
use serde_json::Value;
use yardtop::figures::{self, Figures, VehicleCache};

mod files;
mod holes;
mod journals;
mod moments;
mod pages;
mod tables;
mod time;
mod yard_first;

const NOW: &str = "2026-11-26T09:00:00Z";

fn now() -> DateTime<Utc> {
    at(NOW)
}

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc)
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Rowids of the vehicles: far apart, so that a few thousand rows span many chunks.
const STEP: i64 = 37;
const VEHICLES: i64 = 3000;

/// A contract database in WAL mode, with no connection left open.
struct Yard {
    dir: tempfile::TempDir,
    path: PathBuf,
}

fn writer(path: &Path) -> Connection {
    let w = Connection::open(path).unwrap();
    w.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    // As Python and the sqlite3 CLI open it: foreign keys are not enforced.
    w.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    w
}

impl Yard {
    fn new() -> Yard {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("yard.db");
        build(&path);
        Yard { dir, path }
    }

    fn w(&self) -> Connection {
        writer(&self.path)
    }

    fn side(&self, suffix: &str) -> PathBuf {
        let mut p = self.path.clone().into_os_string();
        p.push(suffix);
        PathBuf::from(p)
    }
}

/// The yard: vehicles in the yard, loaded today, yesterday, this month, around the
/// same date last year and long ago, some on consignments still open.
fn build(path: &Path) {
    let w = writer(path);
    w.execute_batch(yardtop::db::SCHEMA_SQL).unwrap();
    w.execute_batch(
        "PRAGMA journal_mode = WAL;
         INSERT OR REPLACE INTO settings(key, value) VALUES ('timezone', 'Asia/Shanghai'), ('port_locode', 'CNXMN');
         INSERT INTO yard_blocks VALUES ('N01', 'nev', 10, 10), ('I01', 'ice', 10, 10);
         INSERT INTO vessels VALUES (9811000, 'MV Test', 5000);
         INSERT INTO vessel_calls VALUES (1, 9811000, 'V1', 'B1', NULL, NULL, 'alongside');",
    )
    .unwrap();
    for id in 1..=6 {
        w.execute(
            "INSERT INTO consignments VALUES (?1, ?2, 1, 'MG', 'GBBRS', 400, '2026-11-26T20:00:00Z', ?3)",
            params![
                id,
                format!("C{id}"),
                ["open", "loading", "closed"][id as usize % 3]
            ],
        )
        .unwrap();
    }
    let statuses = [
        "parked", "loaded", "departed", "hold", "staged", "gated_in", "expected", "loaded",
    ];
    let powertrains = ["BEV", "ICE", "PHEV", "HEV", "FCEV"];
    let tx = w.unchecked_transaction().unwrap();
    for i in 0..VEHICLES {
        let status = statuses[i as usize % statuses.len()];
        let loaded = match i % 5 {
            0 => now() - Duration::hours(i % 30),
            1 => now() - Duration::days(365) + Duration::hours(i % 60 - 30),
            2 => now() - Duration::hours(i % 900),
            3 => now() - Duration::days(i % 700),
            _ => now() + Duration::hours(1 + i % 5),
        };
        tx.execute(
            "INSERT INTO vehicles(rowid, vin, make, model, powertrain, soc_pct, soc_checked_at, consignment_id,
                 status, hold_reason, block, gate_in_at, loaded_at)
             VALUES (?1, ?2, 'MG', 'MG4', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                (i + 1) * STEP,
                format!("LSJW{i:013}"),
                powertrains[i as usize % powertrains.len()],
                (i * 13 % 110) as f64,
                stamp(now() - Duration::hours(i % 100)),
                i % 7,
                status,
                ["battery", "damage", "customs"][i as usize % 3],
                ["N01", "I01"][i as usize % 2],
                stamp(now() - Duration::days(i % 40)),
                stamp(loaded),
            ],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    w.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
}

fn read_at(path: &Path, cache: &mut VehicleCache, at: DateTime<Utc>) -> Figures {
    let conn = yardtop::db::open_read_only(path).unwrap();
    let stats = cache.stats();
    match figures::compute_cached(&conn, at, cache) {
        Ok(f) => f,
        Err(e) => panic!("the refresh failed ({e}); the cache before it: {stats:?}"),
    }
}

fn fresh_at(path: &Path, at: DateTime<Utc>) -> Figures {
    read_at(path, &mut VehicleCache::new(), at)
}

/// Where two sets of figures differ, as JSON paths.
fn differences(at: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                differences(&format!("{at}.{k}"), v, y.get(k).unwrap_or(&Value::Null), out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                differences(&format!("{at}[{i}]"), v, w, out);
            }
        }
        _ if a != b => {
            let cut = |v: &Value| v.to_string().chars().take(160).collect::<String>();
            out.push(format!("{at}: kept {} / rows {}", cut(a), cut(b)));
        }
        _ => {}
    }
}

fn diff(kept: &Figures, fresh: &Figures) -> String {
    let mut out = Vec::new();
    differences(
        "",
        &serde_json::to_value(kept).unwrap(),
        &serde_json::to_value(fresh).unwrap(),
        &mut out,
    );
    out.truncate(12);
    out.join("\n  ")
}

/// The kept cache, brought up to date, against a fresh read of every row.
fn assert_follows_at(path: &Path, cache: &mut VehicleCache, at: DateTime<Utc>, after: &str) -> Figures {
    let kept = read_at(path, cache, at);
    let fresh = fresh_at(path, at);
    assert!(
        kept == fresh,
        "after {after}, the kept facts differ from the rows ({:?}):\n  {}",
        cache.stats(),
        diff(&kept, &fresh)
    );
    fresh
}

fn assert_follows(path: &Path, cache: &mut VehicleCache, after: &str) -> Figures {
    assert_follows_at(path, cache, now(), after)
}

/// Runs `write`, which must change the figures, then holds the cache to the rows.
fn attack(yard: &Yard, cache: &mut VehicleCache, what: &str, write: impl FnOnce()) {
    let before = fresh_at(&yard.path, now());
    write();
    let after = assert_follows(&yard.path, cache, what);
    assert!(
        before != after,
        "{what} should change a figure, or it tests nothing"
    );
}

/// A started cache: one refresh read everything.
fn started(yard: &Yard) -> VehicleCache {
    let mut cache = VehicleCache::new();
    assert_follows(&yard.path, &mut cache, "the first read");
    cache
}

fn run(w: &Connection, sql: &str) {
    w.execute_batch(sql).unwrap();
}

fn pragma(w: &Connection, sql: &str) {
    w.query_row(sql, [], |_| Ok(())).unwrap();
}

/// A rowid of the yard, in its `n`th chunk or so.
fn rowid(n: i64) -> i64 {
    n * 8192 / STEP * STEP + STEP
}

/// A copy of the yard with other rows (the same schema, the same schema cookie),
/// every connection closed.
fn other_copy(y: &Yard, name: &str) -> PathBuf {
    let other = y.dir.path().join(name);
    std::fs::copy(&y.path, &other).unwrap();
    let w = writer(&other);
    run(
        &w,
        "UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T07:00:00Z' WHERE rowid % 4 = 0;
         UPDATE vehicles SET status = 'parked' WHERE rowid % 4 = 1;",
    );
    pragma(&w, "PRAGMA wal_checkpoint(TRUNCATE)");
    drop(w);
    other
}

const COLUMNS: &str =
    "vin, make, model, powertrain, soc_pct, soc_checked_at, consignment_id, status, hold_reason,
    block, row, slot, gate_in_at, loaded_at, updated_at";

/// `vehicles` rebuilt as a table without a rowid (its key the VIN).
fn without_rowid(w: &Connection) {
    run(
        w,
        &format!(
            "BEGIN;
             CREATE TABLE v2(vin TEXT PRIMARY KEY, make, model, powertrain, soc_pct REAL, soc_checked_at,
                 consignment_id INTEGER, status, hold_reason, block, row INTEGER, slot INTEGER, gate_in_at,
                 loaded_at, updated_at) WITHOUT ROWID;
             INSERT INTO v2 SELECT {COLUMNS} FROM vehicles;
             DROP TABLE vehicles; ALTER TABLE v2 RENAME TO vehicles; COMMIT;"
        ),
    );
}
