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

// --- Pages that are not table leaves -------------------------------------------

/// A row longer than a page keeps most of its columns on overflow pages. An update
/// that keeps the row's size is written over it in place, and SQLite writes only
/// the pages whose bytes differ: here the overflow page alone, not the leaf.
#[test]
fn an_update_that_changes_only_a_long_rows_overflow_page() {
    let y = Yard::new();
    let w = y.w();
    let ids: Vec<i64> = (3..9).map(rowid).collect();
    for id in &ids {
        w.execute(
            "UPDATE vehicles SET model = printf('%.*c', 9000, 'm'), status = 'parked',
                 loaded_at = '2020-01-01T00:00:00Z' WHERE rowid = ?1",
            [id],
        )
        .unwrap();
    }
    let mut cache = started(&y);
    attack(
        &y,
        &mut cache,
        "a same-size status change on overflow pages",
        || {
            for id in &ids {
                w.execute(
                "UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T08:00:00Z' WHERE rowid = ?1",
                [id],
            )
            .unwrap();
            }
        },
    );
}

/// `secure_delete` zeroes freed pages and writes them; whole leaves freed, rows
/// deleted from the first and last cell of pages.
#[test]
fn secure_delete_of_whole_pages_and_page_edges() {
    let y = Yard::new();
    let w = y.w();
    run(&w, "PRAGMA secure_delete = ON");
    let mut cache = started(&y);
    attack(
        &y,
        &mut cache,
        "a stretch of rows deleted with secure_delete",
        || {
            w.execute(
                "DELETE FROM vehicles WHERE rowid BETWEEN ?1 AND ?2",
                [rowid(4), rowid(6)],
            )
            .unwrap();
        },
    );
    attack(&y, &mut cache, "the first row of a stretch deleted", || {
        w.execute(
            "DELETE FROM vehicles WHERE rowid = (SELECT min(rowid) FROM vehicles WHERE rowid > ?1)",
            [rowid(6)],
        )
        .unwrap();
    });
    attack(&y, &mut cache, "every row deleted", || {
        run(&w, "DELETE FROM vehicles");
    });
}

/// Auto-vacuum moves pages by itself: the reader must not follow the log then.
#[test]
fn incremental_vacuum_moves_pages() {
    let y = Yard::new();
    let w = y.w();
    let mut cache = started(&y);
    run(&w, "PRAGMA auto_vacuum = INCREMENTAL; VACUUM;");
    assert_follows(&y.path, &mut cache, "auto_vacuum switched on");
    attack(&y, &mut cache, "a delete then an incremental vacuum", || {
        w.execute(
            "DELETE FROM vehicles WHERE rowid BETWEEN ?1 AND ?2",
            [rowid(1), rowid(3)],
        )
        .unwrap();
        pragma(&w, "PRAGMA incremental_vacuum");
    });
    attack(&y, &mut cache, "an update after the vacuum", || {
        w.execute(
            "UPDATE vehicles SET status = 'loaded', loaded_at = ?1 WHERE rowid % 3 = 0",
            [stamp(now() - Duration::minutes(5))],
        )
        .unwrap();
    });
}

/// A new page size needs a rollback journal and VACUUM.
#[test]
fn a_new_page_size() {
    let y = Yard::new();
    let w = y.w();
    let mut cache = started(&y);
    attack(&y, &mut cache, "page size 8192", || {
        pragma(&w, "PRAGMA journal_mode = DELETE");
        run(
            &w,
            "PRAGMA page_size = 8192; VACUUM; UPDATE vehicles SET status = 'parked' WHERE rowid % 5 = 0;",
        );
        pragma(&w, "PRAGMA journal_mode = WAL");
    });
    attack(&y, &mut cache, "an update in the new log", || {
        run(
            &w,
            "UPDATE vehicles SET status = 'hold', hold_reason = 'battery' WHERE rowid % 7 = 0",
        );
    });
}

// --- Journals and checkpoints ---------------------------------------------------

/// Every rollback journal mode in turn, with writes in each.
#[test]
fn every_journal_mode_in_turn() {
    let y = Yard::new();
    let w = y.w();
    let mut cache = started(&y);
    for (i, mode) in ["DELETE", "TRUNCATE", "PERSIST", "MEMORY", "OFF", "WAL"]
        .iter()
        .enumerate()
    {
        attack(
            &y,
            &mut cache,
            &format!("journal_mode {mode} and an update"),
            || {
                pragma(&w, &format!("PRAGMA journal_mode = {mode}"));
                w.execute(
                    "UPDATE vehicles SET status = 'loaded', loaded_at = ?1 WHERE rowid BETWEEN ?2 AND ?3",
                    params![
                        stamp(now() - Duration::minutes(i as i64 + 1)),
                        rowid(i as i64),
                        rowid(i as i64) + 40 * STEP
                    ],
                )
                .unwrap();
            },
        );
    }
}

/// Checkpoints of each kind between two refreshes, with changes on both sides, and
/// a log kept short by `journal_size_limit`.
#[test]
fn checkpoints_between_two_refreshes() {
    let y = Yard::new();
    let w = y.w();
    run(
        &w,
        "PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 0;",
    );
    let mut cache = started(&y);
    for (i, kind) in ["TRUNCATE", "RESTART", "PASSIVE", "FULL"].iter().enumerate() {
        let i = i as i64;
        attack(
            &y,
            &mut cache,
            &format!("an update, checkpoint {kind}, an update"),
            || {
                let t = stamp(now() - Duration::minutes(i + 1));
                w.execute(
                    "UPDATE vehicles SET status = 'loaded', loaded_at = ?1 WHERE rowid = ?2",
                    params![t, rowid(i + 1)],
                )
                .unwrap();
                pragma(&w, &format!("PRAGMA wal_checkpoint({kind})"));
                w.execute(
                    "UPDATE vehicles SET status = 'staged' WHERE rowid = ?1",
                    params![rowid(i + 8)],
                )
                .unwrap();
            },
        );
        attack(
            &y,
            &mut cache,
            &format!("checkpoint {kind} after an update"),
            || {
                w.execute(
                    "UPDATE vehicles SET status = 'departed', loaded_at = ?1 WHERE rowid = ?2",
                    params![stamp(now() - Duration::hours(2)), rowid(i + 4)],
                )
                .unwrap();
                pragma(&w, &format!("PRAGMA wal_checkpoint({kind})"));
            },
        );
    }
}

/// A writer that connects for each write and closes: as the last connection, it
/// checkpoints and deletes the log, so the reader finds no log and must tell by
/// the database file alone. Python's sqlite3 and the sqlite3 CLI, as a terminal's
/// scripts use them.
#[test]
fn writers_that_close_after_each_write() {
    let y = Yard::new();
    let mut cache = started(&y);
    for i in 0..4i64 {
        attack(&y, &mut cache, &format!("python write {i}"), || {
            let code = format!(
                "import sqlite3, sys\n\
                 c = sqlite3.connect(sys.argv[1])\n\
                 c.execute(\"UPDATE vehicles SET status = 'loaded', loaded_at = '{}' WHERE rowid = {}\")\n\
                 c.commit()\n\
                 c.close()\n",
                stamp(now() - Duration::minutes(i + 1)),
                rowid(i + 2)
            );
            let out = Command::new("python3")
                .arg("-c")
                .arg(&code)
                .arg(&y.path)
                .output()
                .expect("python3 is needed by this test");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            assert!(!y.side("-wal").exists() || std::fs::metadata(y.side("-wal")).unwrap().len() == 0);
        });
        attack(&y, &mut cache, &format!("sqlite3 CLI write {i}"), || {
            let out = Command::new("sqlite3")
                .arg(&y.path)
                .arg(format!(
                    "UPDATE vehicles SET status = 'parked', block = 'I01' WHERE rowid = {}",
                    rowid(i + 7) - 2 * STEP
                ))
                .output()
                .expect("the sqlite3 CLI is needed by this test");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        });
    }
}

// --- Another file at the same path ------------------------------------------------

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

/// `cp` over the database: the same inode, the same schema cookie, other rows.
#[test]
fn a_copy_written_over_the_file() {
    let y = Yard::new();
    let mut cache = started(&y);
    let other = other_copy(&y, "other.db");
    let original = y.dir.path().join("original.db");
    std::fs::copy(&y.path, &original).unwrap();
    attack(&y, &mut cache, "cp other.db yard.db", || {
        let out = Command::new("cp").arg(&other).arg(&y.path).output().unwrap();
        assert!(out.status.success());
    });
    attack(&y, &mut cache, "cp -p of the original back over it", || {
        let out = Command::new("cp")
            .arg("-p")
            .arg(&original)
            .arg(&y.path)
            .output()
            .unwrap();
        assert!(out.status.success());
    });
}

/// The file deleted and a copy put in its place: the file system may give the copy
/// the inode the deleted file had.
#[test]
fn a_file_deleted_and_a_copy_put_in_its_place() {
    let y = Yard::new();
    let mut cache = started(&y);
    let other = other_copy(&y, "other.db");
    attack(&y, &mut cache, "rm yard.db*; cp other.db yard.db", || {
        for s in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(y.side(s));
        }
        let out = Command::new("cp").arg(&other).arg(&y.path).output().unwrap();
        assert!(out.status.success());
    });
}

// --- Time, zone and the small tables ----------------------------------------------

/// The same cache across the port's midnight, an hour, a day, a year, and a zone
/// with summer time (Europe/London on the night clocks go back).
#[test]
fn the_port_day_turns_and_the_zone_changes() {
    let y = Yard::new();
    let w = y.w();
    // Loads either side of Shanghai's midnight (16:00Z) and of London's.
    run(
        &w,
        "UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T15:59:59Z' WHERE rowid % 11 = 0;
         UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T16:00:00Z' WHERE rowid % 13 = 0;
         UPDATE vehicles SET status = 'departed', loaded_at = '2025-11-27T15:59:59Z' WHERE rowid % 17 = 0;
         UPDATE vehicles SET status = 'departed', loaded_at = '2025-11-27T16:00:00Z' WHERE rowid % 19 = 0;
         UPDATE vehicles SET status = 'loaded', loaded_at = '2026-10-25T00:30:00Z' WHERE rowid % 23 = 0;
         UPDATE vehicles SET status = 'loaded', loaded_at = '2026-10-25T01:30:00Z' WHERE rowid % 29 = 0;",
    );
    let mut cache = VehicleCache::new();
    for t in [
        "2026-11-26T15:59:58Z",
        "2026-11-26T15:59:59Z",
        "2026-11-26T16:00:00Z",
        "2026-11-26T16:59:59Z",
        "2026-11-27T15:59:59Z",
        "2026-11-27T16:00:01Z",
        "2026-11-26T09:00:00Z",
    ] {
        assert_follows_at(&y.path, &mut cache, at(t), &format!("now {t}"));
    }
    run(
        &w,
        "UPDATE settings SET value = 'Europe/London' WHERE key = 'timezone'",
    );
    for t in [
        "2026-10-25T00:59:59Z",
        "2026-10-25T01:00:00Z",
        "2026-10-25T23:59:59Z",
        "2026-10-26T00:00:00Z",
        "2027-10-25T00:30:00Z",
    ] {
        assert_follows_at(&y.path, &mut cache, at(t), &format!("London, now {t}"));
    }
    run(
        &w,
        "UPDATE settings SET value = 'Asia/Shanghai' WHERE key = 'timezone'",
    );
    assert_follows_at(
        &y.path,
        &mut cache,
        at("2026-10-25T00:59:59Z"),
        "back to Shanghai",
    );
    run(
        &w,
        "UPDATE settings SET value = 'Not/AZone' WHERE key = 'timezone'",
    );
    assert_follows_at(
        &y.path,
        &mut cache,
        at("2026-10-25T00:59:59Z"),
        "an unreadable zone",
    );
}

/// The rules, the consignments and the blocks change; the vehicles do not.
#[test]
fn settings_consignments_and_blocks_change() {
    let y = Yard::new();
    let w = y.w();
    let mut cache = started(&y);
    for (what, sql) in [
        (
            "soc_max_pct",
            "INSERT OR REPLACE INTO settings VALUES ('soc_max_pct', '40')",
        ),
        (
            "soc_check_max_age_h",
            "INSERT OR REPLACE INTO settings VALUES ('soc_check_max_age_h', '12')",
        ),
        (
            "long_dwell_days",
            "INSERT OR REPLACE INTO settings VALUES ('long_dwell_days', '3')",
        ),
        (
            "at_risk_hours",
            "INSERT OR REPLACE INTO settings VALUES ('at_risk_hours', '1')",
        ),
        (
            "a consignment closed",
            "UPDATE consignments SET status = 'closed' WHERE id = 1",
        ),
        (
            "a consignment reopened",
            "UPDATE consignments SET status = 'loading' WHERE id = 3",
        ),
        (
            "a cut-off moved",
            "UPDATE consignments SET cutoff_at = '2026-11-26T09:30:00Z' WHERE id = 4",
        ),
        (
            "a consignment renumbered",
            "UPDATE consignments SET id = 60 WHERE id = 4",
        ),
        (
            "a block's zone",
            "UPDATE yard_blocks SET zone = 'ice' WHERE code = 'N01'",
        ),
        (
            "a block's size",
            "UPDATE yard_blocks SET rows = 1 WHERE code = 'I01'",
        ),
    ] {
        attack(&y, &mut cache, what, || run(&w, sql));
    }
}

// --- Tables the log cannot follow -------------------------------------------------

const COLUMNS: &str =
    "vin, make, model, powertrain, soc_pct, soc_checked_at, consignment_id, status, hold_reason,
    block, row, slot, gate_in_at, loaded_at, updated_at";

/// `vehicles` rebuilt as a table without a rowid, as `tool` would leave it.
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

/// `vehicles` rebuilt without a rowid, then with columns that hide it: every write
/// means reading everything again.
#[test]
fn a_table_without_rowid_and_columns_named_rowid() {
    let y = Yard::new();
    let w = y.w();
    let mut cache = started(&y);
    without_rowid(&w);
    assert_follows(&y.path, &mut cache, "a table without rowid");
    attack(&y, &mut cache, "an update of a table without rowid", || {
        run(
            &w,
            "UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T08:30:00Z' WHERE vin LIKE '%7'",
        );
    });
    attack(
        &y,
        &mut cache,
        "a consignment closed, beside a table without rowid",
        || {
            run(&w, "UPDATE consignments SET status = 'closed' WHERE id = 1");
        },
    );
    run(
        &w,
        &format!(
            "BEGIN;
             CREATE TABLE v3(rowid INTEGER, oid TEXT, {COLUMNS});
             INSERT INTO v3 SELECT 1, 'x', {COLUMNS} FROM vehicles;
             DROP TABLE vehicles; ALTER TABLE v3 RENAME TO vehicles; COMMIT;"
        ),
    );
    assert_follows(&y.path, &mut cache, "columns named rowid and oid");
    attack(
        &y,
        &mut cache,
        "an update of a table with a column named rowid",
        || {
            run(
                &w,
                "UPDATE vehicles SET status = 'parked', block = 'N01' WHERE vin LIKE '%3'",
            );
        },
    );
    attack(
        &y,
        &mut cache,
        "a consignment closed, beside a column named rowid",
        || {
            run(&w, "UPDATE consignments SET status = 'closed' WHERE id = 4");
        },
    );
}

/// A refresh that finds nothing new in the log still prepares the queries that
/// widen leaf pages to their neighbours by `_rowid_`, which a table without rowid
/// does not have: the refresh fails ("no such column: _rowid_") and the dashboard
/// shows the database as unreadable whenever nothing changed.
#[test]
#[ignore = "hole: follow() calls spans_of() with no leaves when nothing changed; spans_of prepares `SELECT max(_rowid_) FROM vehicles`, an error on a table without rowid"]
fn a_table_without_rowid_refreshed_with_nothing_changed() {
    let y = Yard::new();
    let w = y.w();
    without_rowid(&w);
    let mut cache = started(&y);
    assert_follows(&y.path, &mut cache, "nothing changed");
    run(&w, "UPDATE consignments SET status = status");
    assert_follows(&y.path, &mut cache, "an update that writes no page");
}

// --- One moment -------------------------------------------------------------------

/// A writer commits, checkpoints, truncates and starts a new log after the reader
/// looked at the files and before its snapshot began: the reader's connection reads
/// its settings from a view of its own (temporary objects shadow the database's),
/// which runs the writer's statements when the reader reads it, before the
/// reader's first read of the database itself.
#[test]
fn writes_between_the_look_and_the_snapshot() {
    let y = Yard::new();
    let w = y.w();
    run(&w, "PRAGMA wal_autocheckpoint = 0");
    let mut cache = started(&y);
    let scripts = [
        "UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T08:10:00Z' WHERE rowid % 9 = 0;",
        "UPDATE vehicles SET status = 'parked' WHERE rowid % 9 = 0; PRAGMA wal_checkpoint(TRUNCATE);
         UPDATE vehicles SET status = 'staged' WHERE rowid % 10 = 0;",
        "UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T08:20:00Z' WHERE rowid % 11 = 0;
         PRAGMA wal_checkpoint(PASSIVE);",
        "DELETE FROM vehicles WHERE rowid % 12 = 0; PRAGMA wal_checkpoint(RESTART);",
    ];
    for (i, script) in scripts.iter().enumerate() {
        let before = fresh_at(&y.path, now());
        let r = Connection::open(&y.path).unwrap();
        yardtop::db::value::register_functions(&r).unwrap();
        let inner = writer(&y.path);
        let script = script.to_string();
        let done = std::sync::atomic::AtomicBool::new(false);
        r.create_scalar_function(
            "yt_attack",
            0,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8,
            move |_| {
                if !done.swap(true, std::sync::atomic::Ordering::SeqCst) {
                    inner
                        .execute_batch(&script)
                        .map_err(|e| rusqlite::Error::UserFunctionError(e.into()))?;
                }
                Ok(1)
            },
        )
        .unwrap();
        run(
            &r,
            "CREATE TEMP TABLE settings_copy AS SELECT * FROM main.settings;
             CREATE TEMP VIEW settings AS SELECT key, value FROM settings_copy WHERE yt_attack();",
        );
        let kept = figures::compute_cached(&r, now(), &mut cache).unwrap();
        drop(r);
        let fresh = fresh_at(&y.path, now());
        assert!(before != fresh, "script {i} should change a figure");
        assert!(
            kept == fresh,
            "script {i} between the look and the snapshot: the kept facts differ from the rows:\n  {}",
            diff(&kept, &fresh)
        );
        assert_follows(&y.path, &mut cache, &format!("the refresh after script {i}"));
    }
}

// --- Holes ------------------------------------------------------------------------

/// The dashboard opens its connection, then calls `compute_cached`, which looks at
/// the file by its path. A file renamed over the path in between (a nightly
/// rebuild's `mv new.db yard.db`) is read through the old connection, yet its
/// identity and its mark are the new file's: the next refresh, on the new file,
/// finds the same inode, the same schema cookie and the same mark, and shows the
/// old file's figures for as long as the new one does not change.
#[test]
#[ignore = "hole: compute_cached takes the file's identity from the path after the connection was opened; a file renamed over the path in between is read as the old one and then kept for the new one"]
fn a_file_renamed_over_the_path_after_the_connection_opened() {
    let y = Yard::new();
    let other = other_copy(&y, "other.db");
    // Built an hour ago, moved into place now (`mv` keeps the time).
    let built = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::OpenOptions::new()
        .write(true)
        .open(&other)
        .unwrap()
        .set_modified(built)
        .unwrap();
    let conn = yardtop::db::open_read_only(&y.path).unwrap();
    std::fs::rename(&other, &y.path).unwrap();
    let mut cache = VehicleCache::new();
    // What the old connection reads is the old file: right for that moment.
    figures::compute_cached(&conn, now(), &mut cache).unwrap();
    drop(conn);
    assert_follows(&y.path, &mut cache, "the file renamed over the path");
}

/// Without a log, the reader tells a change by the file's change counter, size and
/// modification time. In WAL mode SQLite increments the counter only when a
/// transaction writes page 1 (the file grows, the schema or the freelist changes),
/// so an update in place checkpointed into the file changes the time alone. On
/// kernels before 6.13 (and file systems without fine-grained timestamps) a file's
/// time only moves once a clock tick (1 to 10 ms): a checkpoint in the same tick as
/// the one before the reader's look leaves all three the same. The test puts the
/// time back as such a clock would have left it.
#[test]
#[ignore = "hole: in WAL mode with no log, an in-place update checkpointed within one timestamp tick of the previous write leaves counter, size and mtime unchanged; the cache keeps the old facts"]
fn a_checkpoint_within_one_clock_tick_of_the_last_write() {
    let y = Yard::new();
    let mut cache = started(&y);
    let mark = |p: &Path| {
        let bytes = std::fs::read(p).unwrap();
        let m = std::fs::metadata(p).unwrap();
        (bytes[24..28].to_vec(), m.len(), m.modified().unwrap())
    };
    let (counter, len, time) = mark(&y.path);
    let w = y.w();
    w.execute(
        "UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T08:40:00Z' WHERE rowid = ?1",
        [rowid(5)],
    )
    .unwrap();
    drop(w);
    assert!(
        !y.side("-wal").exists(),
        "the last connection to close deletes the log"
    );
    let (counter2, len2, _) = mark(&y.path);
    assert_eq!((counter, len), (counter2, len2), "only the time tells this write");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&y.path)
        .unwrap()
        .set_modified(time)
        .unwrap();
    assert_follows(
        &y.path,
        &mut cache,
        "an update checkpointed within one clock tick",
    );
}

/// A supervisor who cannot write the database's folder reads through an immutable
/// connection when no writer is connected (docs/operations.md): SQLite then ignores
/// any log. A writer that connects and commits after that connection opened but
/// before `compute_cached` looks leaves a log whose committed end the cache takes
/// as already read, though the immutable snapshot holds none of it.
#[test]
#[ignore = "hole: an immutable connection ignores the log, but look() takes the -shm committed end as part of its snapshot; frames written between the open and the look are never read"]
fn a_log_that_appeared_beside_an_immutable_read() {
    let y = Yard::new();
    let path = y.path.to_str().unwrap();
    let imm = Connection::open_with_flags(
        format!("file:{path}?immutable=1"),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
    )
    .unwrap();
    yardtop::db::value::register_functions(&imm).unwrap();
    imm.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
        .unwrap();
    let before = fresh_at(&y.path, now());
    let w = y.w();
    w.execute(
        "UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T08:45:00Z' WHERE rowid % 6 = 0",
        [],
    )
    .unwrap();
    let mut cache = VehicleCache::new();
    figures::compute_cached(&imm, now(), &mut cache).unwrap();
    drop(imm);
    let after = assert_follows(&y.path, &mut cache, "a write beside an immutable read");
    assert!(before != after);
    drop(w);
}

/// When the whole log has been checkpointed, a reader's snapshot reads the database
/// file alone and does not hold the log: a writer may then truncate or restart it
/// at any moment. The cache reads the log's header, then its frames; a truncation
/// or restart in between ends the frames early, the frames missed were checkpointed
/// into the file (so they are in the snapshot) and nothing says they were not read.
/// The window is the time the frames take to read: a long log makes it wide. Each
/// round compares, in one read transaction, the kept facts with a fresh read.
fn race_the_frames_read(cut: &str) {
    use std::sync::mpsc;
    let y = Yard::new();
    let w = y.w();
    run(&w, "PRAGMA wal_autocheckpoint = 0");
    // Filler rows of a page each: rewriting them makes a long log.
    let tx = w.unchecked_transaction().unwrap();
    for i in 0..800 {
        tx.execute(
            "INSERT INTO events(at, vin, kind, detail) VALUES (?1, NULL, 'move', printf('%.*c', 3500, ?2))",
            params![NOW, ["a", "b"][i % 2]],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    pragma(&w, "PRAGMA wal_checkpoint(TRUNCATE)");
    let mut cache = started(&y);
    let target = rowid(9);
    let (go, went) = mpsc::channel::<()>();
    let (done, finished) = mpsc::channel::<Result<(), String>>();
    let path = y.path.clone();
    let reader = std::thread::spawn(move || {
        for () in went {
            let conn = yardtop::db::open_read_only(&path).unwrap();
            conn.execute_batch("BEGIN").unwrap();
            let kept = figures::compute_cached(&conn, now(), &mut cache).unwrap();
            let fresh = figures::compute(&conn, now()).unwrap();
            conn.execute_batch("COMMIT").unwrap();
            let r = if kept == fresh {
                Ok(())
            } else {
                // The next refresh, in a transaction of its own, still shows it.
                let stats = cache.stats();
                let again = read_at(&path, &mut cache, now());
                let still = again != fresh_at(&path, now());
                Err(format!(
                    "{stats:?}, still wrong at the next refresh: {still}:\n  {}",
                    diff(&kept, &fresh)
                ))
            };
            done.send(r).unwrap();
        }
    });
    let mut found = None;
    for round in 0..400u64 {
        // A log the cache follows: a small write, read in full.
        w.execute(
            "UPDATE vehicles SET updated_at = ?1 WHERE rowid = ?2",
            params![round, rowid(2)],
        )
        .unwrap();
        go.send(()).unwrap();
        finished.recv().unwrap().unwrap();
        // Then a long stretch of frames, the change that matters last, all of it
        // checkpointed: the next snapshot reads the file alone.
        run(
            &w,
            "UPDATE events SET detail = printf('%.*c', 3500, char(97 + abs(random()) % 26))",
        );
        let status = if round % 2 == 0 { "loaded" } else { "parked" };
        w.execute(
            "UPDATE vehicles SET status = ?1, loaded_at = '2026-11-26T08:50:00Z' WHERE rowid = ?2",
            params![status, target],
        )
        .unwrap();
        pragma(&w, "PRAGMA wal_checkpoint(PASSIVE)");
        go.send(()).unwrap();
        std::thread::sleep(std::time::Duration::from_micros(round * 37 % 4000));
        w.query_row(cut, [], |_| Ok(())).unwrap();
        if let Err(e) = finished.recv().unwrap() {
            found = Some(format!("round {round}: {e}"));
            break;
        }
    }
    drop(go);
    reader.join().unwrap();
    if let Some(e) = found {
        panic!("the kept facts missed frames of a log cut by `{cut}`, {e}");
    }
}

#[test]
#[ignore = "hole: a log truncated between wal::header and the read of its frames ends changes_since early; the missed frames are never read again (a race; the test loops until it is seen, ~20 rounds)"]
fn a_log_truncated_while_its_frames_are_read() {
    race_the_frames_read("PRAGMA wal_checkpoint(TRUNCATE)");
}

// --- The yard-first frame -----------------------------------------------------------

/// The yard-first frame (`compute_yard_first`) is shown while every vehicle is read:
/// what it shows of the yard and the pending consignments must be what the full
/// refresh then shows, and what it does not count must be empty, not a guess.
#[test]
fn the_yard_first_frame_shows_what_the_full_read_shows() {
    let y = Yard::new();
    let conn = yardtop::db::open_read_only(&y.path).unwrap();
    let first = figures::compute_yard_first(&conn, now()).unwrap();
    let full = figures::compute(&conn, now()).unwrap();
    assert_eq!(first.yard, full.yard);
    let e = &first.exports;
    let counted = [e.today, e.month, e.year, e.year_prior_same_period]
        .iter()
        .map(|c| c.units)
        .chain(e.daily.iter().map(|d| d.units))
        .sum::<u64>();
    assert_eq!(
        (counted, &e.record_consignment),
        (0, &None),
        "no export is counted yet"
    );
    assert!(full.exports.today.units > 0 && full.exports.record_consignment.is_some());
    let strip = |f: &Figures| {
        f.consignments
            .iter()
            .map(|c| {
                let mut c = c.clone();
                c.uph = 0;
                c
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&first), strip(&full));
    let kinds = |f: &Figures| {
        f.alerts
            .iter()
            .filter(|a| a.kind != "data_quality")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(first.alerts, kinds(&full));
}

/// A table rebuilt from CSV by the sqlite3 CLI's `.import` holds every value as
/// TEXT: `consignment_id` '3' is text where a number belongs, which the full read
/// leaves out of the consignment's counts (and counts as a data-quality problem).
/// The yard-first frame counts the consignments' vehicles in SQL, where
/// `consignment_id IN (3)` matches the text '3' in a TEXT column: it shows
/// delivered and loaded counts, and at-risk alerts, that the full frame then takes
/// back.
#[test]
#[ignore = "hole: compute_yard_first counts a consignment's vehicles with SQL, which matches consignment_id stored as text in a TEXT column; the full read leaves them out, so the first frame shows other counts"]
fn the_yard_first_frame_counts_consignments_as_the_full_read_does() {
    let y = Yard::new();
    let w = y.w();
    run(
        &w,
        "BEGIN;
         CREATE TABLE v2(vin TEXT, make TEXT, model TEXT, powertrain TEXT, soc_pct TEXT, soc_checked_at TEXT,
             consignment_id TEXT, status TEXT, hold_reason TEXT, block TEXT, row TEXT, slot TEXT,
             gate_in_at TEXT, loaded_at TEXT, updated_at TEXT);
         INSERT INTO v2 SELECT vin, make, model, powertrain, soc_pct, soc_checked_at, consignment_id, status,
             hold_reason, block, row, slot, gate_in_at, loaded_at, updated_at FROM vehicles;
         DROP TABLE vehicles; ALTER TABLE v2 RENAME TO vehicles; COMMIT;",
    );
    drop(w);
    let conn = yardtop::db::open_read_only(&y.path).unwrap();
    let first = figures::compute_yard_first(&conn, now()).unwrap();
    let full = figures::compute(&conn, now()).unwrap();
    let counts = |f: &Figures| {
        f.consignments
            .iter()
            .map(|c| (c.id, c.delivered, c.loaded, c.in_yard, c.at_risk))
            .collect::<Vec<_>>()
    };
    assert_eq!(counts(&first), counts(&full));
}

/// The yard-first frame leaves the `data_quality` alert out, as it has not counted
/// the vehicles' problems yet; but the Alerts panel then says "no alerts" when that
/// was the only one: an absence not yet counted, shown as a fact.
#[test]
#[ignore = "hole: on the yard-first frame the Alerts panel says 'no alerts' (in the ok colour) though the vehicles' data quality, the one alert it leaves out, is not counted yet"]
fn the_yard_first_frame_does_not_say_no_alerts_before_counting() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yard.db");
    let w = writer(&path);
    w.execute_batch(yardtop::db::SCHEMA_SQL).unwrap();
    run(
        &w,
        "PRAGMA journal_mode = WAL;
         INSERT OR REPLACE INTO settings(key, value) VALUES ('timezone', 'Asia/Shanghai');
         INSERT INTO vehicles(vin, powertrain, status) VALUES ('LSJW0000000000001', 'BEV', 'teleported');",
    );
    drop(w);
    let conn = yardtop::db::open_read_only(&path).unwrap();
    let full = figures::compute(&conn, now()).unwrap();
    assert_eq!(
        full.alerts.iter().map(|a| a.kind.as_str()).collect::<Vec<_>>(),
        ["data_quality"]
    );
    let mut data = crate::ui_fixture::data();
    data.figures = figures::compute_yard_first(&conn, now()).unwrap();
    data.reading_history = true;
    let mut opts = crate::ui_fixture::opts();
    opts.now = now();
    let screen = yardtop::ui::render_text(&data, 120, 40, &opts);
    assert!(
        !screen.contains("no alerts"),
        "the yard-first frame says there is no alert before it has counted the data quality:\n{screen}"
    );
}
