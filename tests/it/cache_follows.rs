//! The reader's kept facts (docs/architecture.md, "What the reader keeps") against
//! the rows: a dashboard's cache, brought up to date after each write of another
//! connection, must give exactly the figures a fresh read of every row gives, whatever
//! the write: inserts that split pages, updates in place and ones that grow rows,
//! deletes from the edges of pages and of whole stretches, `INSERT OR REPLACE`,
//! explicit and negative rowids, rows too long for one page, checkpoints of every
//! kind, VACUUM, a switch to a rollback journal and back, a column added, the table
//! rebuilt. Each step also says whether the cache read only what changed: a cache
//! that always reads everything would pass the comparison and defeat its purpose.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::{params, Connection};
use yardtop::figures::{self, VehicleCache};

const NOW: &str = "2026-11-26T09:00:00Z";
const STATUSES: [&str; 9] = [
    "expected", "gated_in", "parked", "hold", "staged", "loaded", "departed", "LOADED", "",
];
const POWERTRAINS: [&str; 6] = ["BEV", "PHEV", "FCEV", "HEV", "ICE", "bev"];

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW).unwrap().with_timezone(&Utc)
}

struct Yard {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    w: Connection,
    rng: ChaCha8Rng,
    next_vin: u64,
}

impl Yard {
    fn new(seed: u64) -> Yard {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("yard.db");
        let w = Connection::open(&path).unwrap();
        w.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
        // As Python and the sqlite3 CLI open it: foreign keys are not enforced.
        w.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        w.execute_batch(yardtop::db::SCHEMA_SQL).unwrap();
        w.execute_batch(
            "PRAGMA journal_mode = WAL;
             INSERT OR REPLACE INTO settings(key, value) VALUES ('timezone', 'Asia/Shanghai'), ('port_locode', 'CNXMN');
             INSERT INTO yard_blocks VALUES ('N01', 'nev', 10, 10), ('I01', 'ice', 10, 10);
             INSERT INTO vessels VALUES (9811000, 'MV Test', 5000);
             INSERT INTO vessel_calls VALUES (1, 9811000, 'V1', 'B1', NULL, NULL, 'alongside');",
        )
        .unwrap();
        for id in 1..=8 {
            w.execute(
                "INSERT INTO consignments VALUES (?1, ?2, 1, 'MG', 'GBBRS', 30, '2026-11-27T00:00:00Z', ?3)",
                params![id, format!("C{id}"), if id % 3 == 0 { "closed" } else { "open" }],
            )
            .unwrap();
        }
        Yard {
            _dir: dir,
            path,
            w,
            rng: ChaCha8Rng::seed_from_u64(seed),
            next_vin: 0,
        }
    }

    /// A time around now: last year, this month, yesterday, today, or to come.
    fn when(&mut self) -> String {
        let base = now();
        let offset = match self.rng.random_range(0..6) {
            0 => Duration::days(-365) + Duration::minutes(self.rng.random_range(-3000..3000)),
            1 => Duration::days(-self.rng.random_range(0..700)),
            2 => Duration::minutes(-self.rng.random_range(0..2880)),
            3 => Duration::minutes(-self.rng.random_range(0..120)),
            4 => Duration::minutes(self.rng.random_range(1..600)),
            _ => Duration::days(-self.rng.random_range(0..40)),
        };
        let t = base + offset;
        if self.rng.random_range(0..40) == 0 {
            return "not a time".into();
        }
        t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }

    fn row(&mut self) -> Vec<rusqlite::types::Value> {
        use rusqlite::types::Value;
        self.next_vin += 1;
        let text = |s: String| if s.is_empty() { Value::Null } else { Value::Text(s) };
        let pick = |rng: &mut ChaCha8Rng, of: &[&str]| of[rng.random_range(0..of.len())].to_string();
        let vin = format!("LSJW{:013}", self.next_vin);
        let powertrain = pick(&mut self.rng, &POWERTRAINS);
        let status = pick(&mut self.rng, &STATUSES);
        let soc = if self.rng.random_range(0..4) > 0 {
            Value::Real(self.rng.random_range(0.0..100.0))
        } else {
            Value::Null
        };
        let checked = self.when();
        let consignment = Value::Integer(self.rng.random_range(0..10));
        let block = pick(&mut self.rng, &["N01", "I01", "X99", ""]);
        let gate_in = self.when();
        let loaded = self.when();
        vec![
            Value::Text(vin),
            Value::Text(powertrain),
            Value::Text(status),
            soc,
            Value::Text(checked),
            consignment,
            text(block),
            Value::Text(gate_in),
            Value::Text(loaded),
        ]
    }

    /// Inserts `n` vehicles; with `spread`, at rowids far apart (many chunks from
    /// few rows).
    fn insert_vehicles(&mut self, n: usize, spread: Option<i64>) {
        let rows: Vec<_> = (0..n).map(|_| self.row()).collect();
        let base: i64 = self
            .w
            .query_row("SELECT coalesce(max(rowid), 0) FROM vehicles", [], |r| r.get(0))
            .unwrap();
        let tx = self.w.transaction().unwrap();
        for (i, mut r) in rows.into_iter().enumerate() {
            let rowid = match spread {
                Some(step) => rusqlite::types::Value::Integer(base + 1 + i as i64 * step),
                None => rusqlite::types::Value::Null,
            };
            r.push(rowid);
            tx.execute(
                "INSERT INTO vehicles(vin, powertrain, status, soc_pct, soc_checked_at, consignment_id, block,
                     gate_in_at, loaded_at, hold_reason, rowid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'battery', ?10)",
                rusqlite::params_from_iter(r),
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }

    fn some_vins(&mut self, n: usize) -> Vec<String> {
        let mut stmt = self
            .w
            .prepare("SELECT vin FROM vehicles ORDER BY random() LIMIT ?1")
            .unwrap();
        stmt.query_map([n as i64], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    /// One write of the kind `op`, as another system of the terminal makes it.
    fn write(&mut self, op: usize) -> String {
        let n = self.rng.random_range(1..60);
        match op {
            0 => {
                self.insert_vehicles(n * 3, None);
                format!("insert {} vehicles", n * 3)
            }
            1 => {
                for vin in self.some_vins(n) {
                    let (s, t) = (STATUSES[self.rng.random_range(0..7)], self.when());
                    self.w
                        .execute(
                            "UPDATE vehicles SET status = ?1, loaded_at = ?2 WHERE vin = ?3",
                            params![s, t, vin],
                        )
                        .unwrap();
                }
                format!("update status and loaded_at of {n}")
            }
            2 => {
                for vin in self.some_vins(n) {
                    let (soc, t) = (self.rng.random_range(-5.0..105.0), self.when());
                    self.w
                        .execute(
                            "UPDATE vehicles SET soc_pct = ?1, soc_checked_at = ?2 WHERE vin = ?3",
                            params![soc, t, vin],
                        )
                        .unwrap();
                }
                format!("update SoC of {n}")
            }
            3 => {
                for vin in self.some_vins(n) {
                    self.w
                        .execute("DELETE FROM vehicles WHERE vin = ?1", [vin])
                        .unwrap();
                }
                format!("delete {n}")
            }
            4 => {
                let (lo, hi): (i64, i64) = self
                    .w
                    .query_row("SELECT min(rowid), max(rowid) FROM vehicles", [], |r| {
                        Ok((
                            r.get::<_, Option<i64>>(0)?.unwrap_or(0),
                            r.get::<_, Option<i64>>(1)?.unwrap_or(0),
                        ))
                    })
                    .unwrap();
                let a = self.rng.random_range(lo..=hi.max(lo));
                let b = a + self.rng.random_range(0..20_000);
                self.w
                    .execute("DELETE FROM vehicles WHERE rowid BETWEEN ?1 AND ?2", [a, b])
                    .unwrap();
                format!("archive delete of rowids {a}..={b}")
            }
            5 => {
                for vin in self.some_vins(n) {
                    let t = self.when();
                    self.w
                        .execute(
                            "INSERT OR REPLACE INTO vehicles(vin, powertrain, status, loaded_at, consignment_id) VALUES (?1, 'BEV', 'loaded', ?2, 2)",
                            params![vin, t],
                        )
                        .unwrap();
                }
                format!("INSERT OR REPLACE of {n}")
            }
            6 => {
                let rowid =
                    [-5_000_000, i64::MAX - 3, i64::MIN + 2, 123_456_789][self.rng.random_range(0..4)];
                self.next_vin += 1;
                let t = self.when();
                self.w
                    .execute(
                        "INSERT OR IGNORE INTO vehicles(rowid, vin, powertrain, status, loaded_at, consignment_id) VALUES (?1, ?2, 'PHEV', 'departed', ?3, 1)",
                        params![rowid, format!("EDGE{:013}", self.next_vin), t],
                    )
                    .unwrap();
                format!("a vehicle at rowid {rowid}")
            }
            7 => {
                let long = "x".repeat(self.rng.random_range(3_000..20_000));
                for vin in self.some_vins(3) {
                    self.w
                        .execute(
                            "UPDATE vehicles SET model = ?1 WHERE vin = ?2",
                            params![long, vin],
                        )
                        .unwrap();
                    self.w
                        .execute(
                            "UPDATE vehicles SET status = 'parked', block = 'N01' WHERE vin = ?1",
                            [&vin],
                        )
                        .unwrap();
                }
                self.w
                    .execute("UPDATE vehicles SET model = model || 'y', powertrain = 'ICE' WHERE length(model) > 2000", [])
                    .unwrap();
                "rows longer than a page".into()
            }
            8 => {
                let kind = ["PASSIVE", "FULL", "RESTART", "TRUNCATE"][self.rng.random_range(0..4)];
                self.w
                    .query_row(&format!("PRAGMA wal_checkpoint({kind})"), [], |_| Ok(()))
                    .unwrap();
                format!("checkpoint {kind}")
            }
            9 => {
                self.w.execute_batch("VACUUM").unwrap();
                "VACUUM".into()
            }
            10 => {
                self.w
                    .query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
                    .unwrap();
                self.insert_vehicles(n, None);
                for vin in self.some_vins(n) {
                    self.w
                        .execute(
                            "UPDATE vehicles SET status = 'hold', hold_reason = 'damage' WHERE vin = ?1",
                            [vin],
                        )
                        .unwrap();
                }
                self.w
                    .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
                    .unwrap();
                "a rollback journal for a while".into()
            }
            11 => {
                self.next_vin += 1;
                let col = format!("extra{}", self.next_vin);
                self.w
                    .execute_batch(&format!("ALTER TABLE vehicles ADD COLUMN {col} TEXT DEFAULT 'x'"))
                    .unwrap();
                format!("ALTER TABLE ADD COLUMN {col}")
            }
            12 => {
                let tx = self.w.transaction().unwrap();
                for i in 0..n * 40 {
                    tx.execute(
                        "INSERT INTO events(at, vin, kind, detail) VALUES (?1, 'LSJW0000000000001', 'move', ?2)",
                        params![NOW, format!("event {i} with some text to fill the page")],
                    )
                    .unwrap();
                }
                tx.commit().unwrap();
                format!("{} events", n * 40)
            }
            13 => {
                self.w
                    .execute_batch(
                        "BEGIN; UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T08:00:00Z'; ROLLBACK;
                         BEGIN; UPDATE vehicles SET status = 'parked' WHERE status = 'gated_in';
                         SAVEPOINT a; DELETE FROM vehicles WHERE status = 'departed'; ROLLBACK TO a; RELEASE a; COMMIT;",
                    )
                    .unwrap();
                "rollback, savepoints".into()
            }
            14 => {
                let t = self.when();
                self.w
                    .execute("UPDATE vehicles SET updated_at = ?1", [t])
                    .unwrap();
                "every vehicle updated".into()
            }
            15 => {
                self.w
                    .execute_batch(
                        "BEGIN;
                         CREATE TABLE vehicles_new AS SELECT * FROM vehicles WHERE loaded_at IS NULL OR loaded_at >= '2026-06-01';
                         DROP TABLE vehicles;
                         ALTER TABLE vehicles_new RENAME TO vehicles;
                         COMMIT;",
                    )
                    .unwrap();
                "table rebuilt without old exports".into()
            }
            _ => {
                self.w.execute_batch("DELETE FROM vehicles").unwrap();
                self.insert_vehicles(n * 10, Some(97));
                "every vehicle deleted, some inserted".into()
            }
        }
    }
}

fn figures_of(path: &Path, cache: &mut VehicleCache) -> figures::Figures {
    let conn = yardtop::db::open_read_only(path).unwrap();
    figures::compute_cached(&conn, now(), cache).unwrap()
}

fn follow(seed: u64, steps: usize, ops: &[usize]) -> figures::cache::CacheStats {
    follow_in(seed, steps, ops, "WAL")
}

fn follow_in(seed: u64, steps: usize, ops: &[usize], journal: &str) -> figures::cache::CacheStats {
    let mut y = Yard::new(seed);
    y.w.query_row(&format!("PRAGMA journal_mode = {journal}"), [], |_| Ok(()))
        .unwrap();
    y.insert_vehicles(3000, Some(37));
    let mut cache = VehicleCache::new();
    let first = figures_of(&y.path, &mut cache);
    assert_eq!(first, figures_of(&y.path, &mut VehicleCache::new()));
    for step in 0..steps {
        let op = ops[y.rng.random_range(0..ops.len())];
        let what = y.write(op);
        let kept = figures_of(&y.path, &mut cache);
        let fresh = figures_of(&y.path, &mut VehicleCache::new());
        assert_eq!(
            kept,
            fresh,
            "seed {seed}, step {step}: after {what}, the kept facts differ from the rows ({:?})",
            cache.stats()
        );
    }
    eprintln!("seed {seed}, {journal}: {:?}", cache.stats());
    cache.stats()
}

#[test]
fn the_kept_facts_follow_ordinary_writes_reading_only_what_changed() {
    let stats = follow(1, 60, &[0, 1, 2, 3, 5, 12]);
    assert!(
        stats.partial_reads >= 50,
        "most writes should be followed without reading everything: {stats:?}"
    );
}

#[test]
fn the_kept_facts_follow_every_kind_of_write() {
    for seed in 2..5 {
        follow(seed, 60, &(0..=16).collect::<Vec<_>>());
    }
}

/// A database kept in rollback-journal mode by its system: no log to follow, so
/// the table's leaves in the file say what changed.
#[test]
fn the_kept_facts_follow_a_rollback_journal_writer_reading_only_what_changed() {
    let ops = [0, 1, 2, 3, 4, 5, 6, 7, 9, 11, 12, 13, 14, 15, 16];
    let stats = follow_in(11, 60, &ops, "DELETE");
    assert!(
        stats.partial_reads >= 30,
        "writes in rollback-journal mode should be followed without reading everything: {stats:?}"
    );
    follow_in(12, 40, &ops, "TRUNCATE");
}

/// Without a log a first read is read in short transactions (a writer with a
/// rollback journal waits for each reader's transaction): a write landing between
/// two of them must still be in the figures.
#[test]
fn a_first_read_in_short_transactions_misses_no_write_made_meanwhile() {
    let mut y = Yard::new(21);
    y.w.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
        .unwrap();
    // Rows far apart: many slices, each its own transaction.
    y.insert_vehicles(3000, Some(400));
    let reader = yardtop::db::open_read_only(&y.path).unwrap();
    let path = y.path.clone();
    // A writer on its own thread, committing all along while the reader reads.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writing = {
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            let w = Connection::open(&path).unwrap();
            w.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                w.execute(
                    "UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T08:00:00Z' WHERE rowid = (SELECT rowid FROM vehicles WHERE status <> 'loaded' ORDER BY rowid DESC LIMIT 1 OFFSET ?1)",
                    [n % 700],
                )
                .unwrap();
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            n
        })
    };
    let (mut sliced, mut caught, mut rounds) = (0, 0, 0);
    // At least 10 rounds, and until a write has landed between two slices (the
    // writer commits every 20 ms; a loaded machine may space them out).
    while rounds < 10 || (caught == 0 && rounds < 80) {
        rounds += 1;
        let mut cache = VehicleCache::new();
        let kept = figures::compute_cached(&reader, now(), &mut cache).unwrap();
        sliced += (cache.stats().last_full_reason == "first read, in short transactions") as u32;
        caught += cache.stats().rows_read;
        // The figures of one moment: no write can land while the reader's own
        // transaction holds the file, so compare inside one.
        reader.execute_batch("BEGIN").unwrap();
        let fresh = figures::compute(&reader, now()).unwrap();
        let again = figures::compute_cached(&reader, now(), &mut cache).unwrap();
        reader.execute_batch("COMMIT").unwrap();
        assert_eq!(
            again,
            fresh,
            "the kept facts differ from the rows ({:?})",
            cache.stats()
        );
        drop(kept);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let writes = writing.join().unwrap();
    assert!(writes > 10, "the writer wrote {writes} times");
    assert_eq!(sliced, rounds, "every first read should be sliced");
    assert!(
        caught > 0,
        "no write landed between the slices: nothing was tested"
    );
}

/// Reading SQLite's files beside it must never drop a lock of this process's own
/// connections: closing any descriptor of a file drops every POSIX lock the process
/// holds on it. Here this process holds a read lock on a rollback-journal database
/// while the reader walks its leaves and looks at its files; another process's
/// write must still wait for it.
#[test]
fn looking_at_the_files_keeps_this_process_s_locks() {
    let mut y = Yard::new(31);
    y.w.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
        .unwrap();
    y.insert_vehicles(500, None);
    let holder = Connection::open(&y.path).unwrap();
    holder.execute_batch("BEGIN").unwrap();
    let n: i64 = holder
        .query_row("SELECT count(*) FROM vehicles", [], |r| r.get(0))
        .unwrap();
    assert!(n >= 500);
    // The reader, in this process, reading every file beside SQLite.
    for _ in 0..3 {
        let reader = yardtop::db::open_read_only(&y.path).unwrap();
        let mut cache = VehicleCache::new();
        figures::compute_cached(&reader, now(), &mut cache).unwrap();
        yardtop::db::watch::Fingerprint::read(&y.path).unwrap();
        drop(reader);
    }
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1], timeout=0)\ntry:\n    c.execute(\"UPDATE vehicles SET status = 'loaded'\")\n    c.commit()\n    print('written')\nexcept sqlite3.OperationalError as e:\n    print(e)",
        )
        .arg(&y.path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("locked"),
        "another process wrote while this one held a read lock: {said}"
    );
    holder.execute_batch("COMMIT").unwrap();
}
