//! Exact figures whatever the terminal's own writers do. A contract database is
//! made here from the contract alone (with the simple indexes a terminal's IT
//! makes), filled by plain Python sqlite3, equipped with `yardtop init --existing`,
//! and then written by REAL third-party writers in each of the ways terminals
//! write: Python's sqlite3, the sqlite3 CLI, pandas, sqlite-utils. After each,
//! `yardtop snapshot --format json` must give exactly what an independent
//! computation from the rows gives (tests/writers/figures.py, written from the
//! definitions in docs/database.md, not from yardtop's code).
//!
//! The tools come from `.ci/install-writers.sh`; a missing one fails loudly.
//! On the database with IT's simple indexes, `init --existing` adds nothing (they
//! serve); the index test uses the bare contract, where it adds its own.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const NOW: &str = "2026-11-26T09:00:00Z";

/// The contract's tables, as the terminal's system knows them, and the simple
/// indexes its IT makes. Written here, not taken from yardtop.
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
    kind TEXT NOT NULL, detail TEXT);
PRAGMA journal_mode = WAL;
";

const IT_INDEXES: &str = "
CREATE INDEX vehicles_status ON vehicles(status);
CREATE INDEX vehicles_loaded_at ON vehicles(loaded_at);
CREATE INDEX vehicles_consignment ON vehicles(consignment_id);
CREATE INDEX vehicles_block ON vehicles(block);
CREATE INDEX events_at ON events(at);
";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The venv's Python, with pandas and sqlite-utils: installed by
/// `.ci/install-writers.sh` (once per test run, when missing), so that a plain
/// `cargo test` in a fresh clone has them; a failed install fails the test, never
/// skips it.
fn python() -> PathBuf {
    static INSTALL: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    let venv = std::env::var_os("YARDTOP_WRITERS_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/writers-venv"));
    let py = venv.join("bin/python");
    let ready = |py: &PathBuf| {
        Command::new(py)
            .args(["-c", "import pandas, sqlite_utils"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !ready(&py) {
        let installed = INSTALL.get_or_init(|| {
            let out = Command::new("bash")
                .arg(root().join(".ci/install-writers.sh"))
                .output()
                .map_err(|e| e.to_string())?;
            match out.status.success() {
                true => Ok(()),
                false => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
            }
        });
        if let Err(why) = installed {
            panic!("the third-party writers could not be installed by .ci/install-writers.sh: {why}");
        }
    }
    assert!(
        ready(&py),
        "the third-party writers are not installed ({} cannot import pandas and sqlite_utils): run .ci/install-writers.sh",
        py.display()
    );
    py
}

fn sqlite3_cli() -> &'static str {
    let ok = Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "the sqlite3 CLI is missing: run .ci/install-writers.sh (Debian/Ubuntu: apt-get install sqlite3)"
    );
    "sqlite3"
}

fn ran(what: &str, out: Output) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

struct Yard {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

impl Yard {
    /// A contract database of the terminal's, filled by its own system, then
    /// given what `yardtop init --existing` adds.
    fn new() -> Yard {
        Yard::build(true)
    }

    /// As `new`, with or without IT's simple indexes (without them, `init
    /// --existing` adds yardtop's own).
    fn build(it_indexes: bool) -> Yard {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("terminal.db");
        let y = Yard { _dir: dir, db };
        y.sql(CONTRACT);
        if it_indexes {
            y.sql(IT_INDEXES);
        }
        y.python_file(&root().join("tests/writers/seed.py"));
        let said = y.yardtop(&["init", "--existing"]);
        assert!(said.contains("no row of"), "{said}");
        y.assert_exact("after init --existing");
        y
    }

    fn yardtop(&self, args: &[&str]) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_yardtop"))
            .args(args)
            .arg("--db")
            .arg(&self.db)
            .env_remove("YARDTOP_DB")
            .env("XDG_CONFIG_HOME", self._dir.path())
            .output()
            .unwrap();
        ran(&format!("yardtop {}", args.join(" ")), out)
    }

    /// Runs SQL through the sqlite3 CLI.
    fn sql(&self, script: &str) {
        let mut child = Command::new(sqlite3_cli())
            .arg("-bail")
            .arg(&self.db)
            .current_dir(self._dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        // The CLI's dot-commands must start their line.
        let script: String = script.lines().map(|l| format!("{}\n", l.trim_start())).collect();
        child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
        ran("sqlite3", child.wait_with_output().unwrap());
    }

    /// Runs a Python script with the database's path as `DB`.
    fn python(&self, code: &str) {
        let file = self._dir.path().join("writer.py");
        std::fs::write(&file, format!("import sys\nDB = sys.argv[1]\n{code}")).unwrap();
        self.python_file(&file);
    }

    fn python_file(&self, file: &Path) {
        let out = Command::new(python()).arg(file).arg(&self.db).output().unwrap();
        ran(&file.display().to_string(), out);
    }

    /// yardtop's snapshot, cut to what the independent computation gives.
    fn yardtop_figures(&self) -> Value {
        let json = self.yardtop(&["snapshot", "--format", "json", "--now", NOW]);
        let all: Value = serde_json::from_str(&json).unwrap();
        let pick = |v: &Value, keys: &[&str]| -> Value {
            Value::Object(keys.iter().map(|k| (k.to_string(), v[*k].clone())).collect())
        };
        let e = &all["exports"];
        let mut exports = pick(e, &["today", "month", "year", "year_prior_same_period", "daily"]);
        exports["record_consignment"] = match &e["record_consignment"] {
            Value::Null => Value::Null,
            r => pick(r, &["ref", "units", "nev", "loaded_on"]),
        };
        let y = &all["yard"];
        let mut yard = pick(
            y,
            &[
                "in_yard",
                "in_yard_nev",
                "holds",
                "long_dwell",
                "nev_outside_nev_zone",
            ],
        );
        yard["soc"] = pick(&y["soc"], &["over_max", "under_min", "unchecked"]);
        let mut consignments: Vec<Value> = all["consignments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                pick(
                    c,
                    &[
                        "ref",
                        "expected",
                        "in_yard",
                        "hold",
                        "staged",
                        "loaded",
                        "delivered",
                    ],
                )
            })
            .collect();
        consignments.sort_by_key(|c| c["ref"].as_str().unwrap_or_default().to_string());
        serde_json::json!({"exports": exports, "yard": yard, "consignments": consignments})
    }

    fn independent_figures(&self) -> Value {
        let out = Command::new(python())
            .arg(root().join("tests/writers/figures.py"))
            .arg(&self.db)
            .arg(NOW)
            .output()
            .unwrap();
        serde_json::from_str(&ran("figures.py", out)).unwrap()
    }

    fn assert_exact(&self, after: &str) {
        let (ours, theirs) = (self.yardtop_figures(), self.independent_figures());
        let mut diff = Vec::new();
        differences("", &ours, &theirs, &mut diff);
        assert!(
            diff.is_empty(),
            "after {after}: yardtop's figures differ from the rows' (yardtop / rows):\n{}",
            diff.join("\n")
        );
    }
}

/// Where two JSON values differ, leaf by leaf.
fn differences(at: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                differences(
                    &format!("{at}.{k}"),
                    &x[k.as_str()].clone(),
                    &y.get(k.as_str()).cloned().unwrap_or(Value::Null),
                    out,
                );
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                differences(&format!("{at}[{i}]"), p, q, out);
            }
        }
        _ if a != b => out.push(format!("{at}: {a} / {b}")),
        _ => {}
    }
}

/// 40 vehicles of the yard loaded today, written back as whole rows.
const LOAD_TODAY: &str = "
rows = [(f'LSJW{n:013d}', 'MG', 'MG4', 'BEV' if n % 2 else 'ICE', None, None, 1 + n % 12, 'loaded', None,
         None, None, None, '2026-11-20T08:00:00Z', f'2026-11-26T0{n % 9}:0{n % 6}:00Z', '2026-11-26T09:00:00Z')
        for n in range(100, 140)]
";

#[test]
fn insert_or_replace_without_recursive_triggers() {
    let y = Yard::new();
    y.python(&format!(
        "import sqlite3\n{LOAD_TODAY}\nc = sqlite3.connect(DB)\nc.execute('PRAGMA recursive_triggers = OFF')\n\
         for _ in range(2):\n    c.executemany('INSERT OR REPLACE INTO vehicles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)', rows)\nc.commit()"
    ));
    y.assert_exact("INSERT OR REPLACE (recursive_triggers off), twice");
}

#[test]
fn insert_or_replace_with_recursive_triggers_in_the_cli() {
    let y = Yard::new();
    y.sql(
        "PRAGMA recursive_triggers = ON;
         INSERT OR REPLACE INTO vehicles SELECT vin, make, model, 'PHEV', soc_pct, soc_checked_at, consignment_id,
             'departed', hold_reason, block, row, slot, gate_in_at, '2026-11-26T02:00:00Z', updated_at
         FROM vehicles WHERE status = 'staged';",
    );
    y.assert_exact("INSERT OR REPLACE (recursive_triggers on) in the sqlite3 CLI");
}

#[test]
fn upsert_from_python() {
    let y = Yard::new();
    y.python(
        "import sqlite3\nc = sqlite3.connect(DB)\n\
         c.executemany(\"INSERT INTO vehicles(vin, powertrain, status, loaded_at, consignment_id) VALUES (?, 'BEV', 'loaded', ?, 3) \
         ON CONFLICT(vin) DO UPDATE SET status = excluded.status, loaded_at = excluded.loaded_at, consignment_id = excluded.consignment_id\",\n\
           [(f'LSJW{n:013d}', '2026-11-26T07:30:00Z') for n in range(650, 720)])\nc.commit()",
    );
    y.assert_exact("UPSERT");
}

#[test]
fn full_resync_of_every_vehicle() {
    let y = Yard::new();
    y.python(
        "import sqlite3\nc = sqlite3.connect(DB)\nrows = c.execute('SELECT * FROM vehicles').fetchall()\n\
         c.execute('DELETE FROM vehicles')\nc.executemany('INSERT INTO vehicles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)', rows)\n\
         c.executemany('INSERT OR REPLACE INTO vehicles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)', rows)\nc.commit()",
    );
    y.assert_exact("a full re-sync (delete all, insert all, then INSERT OR REPLACE all)");
}

#[test]
fn twelve_step_table_rebuild_that_leaves_out_old_exports() {
    let y = Yard::new();
    y.sql(
        "PRAGMA foreign_keys = OFF;
         BEGIN;
         CREATE TABLE new_vehicles(vin TEXT PRIMARY KEY, make TEXT, model TEXT, powertrain TEXT,
             soc_pct REAL, soc_checked_at TEXT, consignment_id INTEGER REFERENCES consignments,
             status TEXT, hold_reason TEXT, block TEXT REFERENCES yard_blocks, row INTEGER, slot INTEGER,
             gate_in_at TEXT, loaded_at TEXT, updated_at TEXT, colour TEXT);
         INSERT INTO new_vehicles SELECT *, NULL FROM vehicles WHERE loaded_at IS NULL OR loaded_at >= '2026-01-01';
         DROP TABLE vehicles;
         ALTER TABLE new_vehicles RENAME TO vehicles;
         CREATE INDEX vehicles_status ON vehicles(status);
         CREATE INDEX vehicles_loaded_at ON vehicles(loaded_at);
         PRAGMA foreign_key_check;
         COMMIT;
         PRAGMA foreign_keys = ON;",
    );
    y.assert_exact("the 12-step rebuild of vehicles (old exports left out, yardtop's indexes gone)");
}

#[test]
fn csv_round_trip_through_the_sqlite3_cli_turns_null_into_empty_strings() {
    let y = Yard::new();
    y.sql(
        ".headers on
         .mode csv
         .output vehicles.csv
         SELECT * FROM vehicles;
         .output stdout
         DELETE FROM vehicles;
         .import --skip 1 vehicles.csv vehicles",
    );
    let empties = Command::new(sqlite3_cli())
        .arg(&y.db)
        .arg("SELECT count(*) FROM vehicles WHERE soc_pct = '' OR loaded_at = '' OR hold_reason = ''")
        .output()
        .unwrap();
    let n: i64 = ran("sqlite3", empties).trim().parse().unwrap();
    assert!(
        n > 100,
        "the round trip left NULLs as NULL ({n} empty strings): nothing tested"
    );
    y.assert_exact("a CSV round trip of vehicles through the sqlite3 CLI");
}

#[test]
fn pandas_appends_and_replaces_events_and_activity_and_check_notice() {
    let y = Yard::new();
    y.python(
        "import sqlite3, pandas as pd\nc = sqlite3.connect(DB)\n\
         new = pd.DataFrame({'at': ['2026-11-26T08:59:00Z'] * 3, 'vin': ['LSJW0000000000001'] * 3, 'kind': ['soc_check'] * 3, 'detail': ['a', 'b', 'c']})\n\
         new.to_sql('events', c, if_exists='append', index=False)\n\
         vehicles = pd.read_sql('SELECT * FROM vehicles', c)\n\
         vehicles.loc[vehicles.status == 'staged', 'status'] = 'loaded'\n\
         vehicles.loc[vehicles.status == 'loaded', 'loaded_at'] = vehicles.loc[vehicles.status == 'loaded', 'loaded_at'].fillna('2026-11-26T06:00:00Z')\n\
         vehicles.to_sql('vehicles', c, if_exists='replace', index=False)\n\
         events = pd.read_sql('SELECT * FROM events', c)\n\
         events.to_sql('events', c, if_exists='replace', index=False)\n\
         c.execute(\"INSERT INTO events(at, vin, kind, detail) VALUES ('2026-11-26T09:00:00Z', 'LSJW0000000000002', 'load', 'no id')\")\n\
         c.commit()",
    );
    y.assert_exact("pandas to_sql append on events, replace on vehicles and events");
    let out = Command::new(env!("CARGO_BIN_EXE_yardtop"))
        .args(["check", "--db"])
        .arg(&y.db)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("events_without_key"),
        "check says nothing of the lost key:\n{said}"
    );
}

#[test]
fn sqlite_utils_upsert() {
    let y = Yard::new();
    y.python(
        "import sqlite_utils\ndb = sqlite_utils.Database(DB)\n\
         db['vehicles'].upsert_all([{'vin': f'LSJW{n:013d}', 'status': 'departed', 'loaded_at': '2026-11-25T23:00:00Z', 'powertrain': 'FCEV'} for n in range(0, 60)], pk='vin')\n\
         db['vehicles'].upsert({'vin': 'LSJW9999999999999', 'status': 'parked', 'powertrain': 'BEV', 'block': 'I01', 'soc_pct': 80, 'soc_checked_at': '2026-11-26T08:00:00Z'}, pk='vin')",
    );
    y.assert_exact("sqlite-utils upsert");
}

#[test]
fn archive_delete_and_vacuum() {
    let y = Yard::new();
    y.sql(
        "DELETE FROM vehicles WHERE status = 'departed' AND loaded_at < '2026-01-01';
         DELETE FROM events WHERE at < '2026-01-01';
         VACUUM;",
    );
    y.assert_exact("an archive DELETE and VACUUM");
}

#[test]
fn alter_table_add_column_migration() {
    let y = Yard::new();
    y.sql(
        "ALTER TABLE vehicles ADD COLUMN colour TEXT DEFAULT 'white';
         ALTER TABLE consignments ADD COLUMN remarks TEXT;
         UPDATE vehicles SET colour = 'red', status = 'loaded', loaded_at = '2026-11-26T08:10:00Z' WHERE status = 'staged';",
    );
    y.assert_exact("ALTER TABLE ADD COLUMN and an update");
}

#[test]
fn bulk_update_rolled_back_and_savepoints() {
    let y = Yard::new();
    y.python(
        "import sqlite3\nc = sqlite3.connect(DB, isolation_level=None)\n\
         c.execute('BEGIN')\nc.execute(\"UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T08:00:00Z'\")\nc.execute('ROLLBACK')\n\
         c.execute('BEGIN')\nc.execute(\"UPDATE vehicles SET status = 'parked' WHERE status = 'gated_in'\")\n\
         c.execute('SAVEPOINT a')\nc.execute(\"UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T08:20:00Z' WHERE status = 'staged'\")\n\
         c.execute('SAVEPOINT b')\nc.execute(\"DELETE FROM vehicles WHERE status = 'departed'\")\nc.execute('ROLLBACK TO b')\n\
         c.execute('RELEASE a')\nc.execute('COMMIT')",
    );
    y.assert_exact("a bulk UPDATE rolled back, then savepoints");
}

#[test]
fn foreign_keys_on_and_a_rollback_journal_writer() {
    let y = Yard::new();
    y.python(
        "import sqlite3\nc = sqlite3.connect(DB, isolation_level=None, timeout=5)\n\
         c.execute('PRAGMA journal_mode = DELETE')\nc.execute('PRAGMA foreign_keys = ON')\n\
         for n in range(30):\n    c.execute('BEGIN')\n    c.execute(\"UPDATE vehicles SET status = 'loaded', loaded_at = ? WHERE vin = ?\", (f'2026-11-26T08:{n:02d}:00Z', f'LSJW{n * 7:013d}'))\n    c.execute(\"INSERT INTO events(at, vin, kind) VALUES (?, ?, 'load')\", (f'2026-11-26T08:{n:02d}:00Z', f'LSJW{n * 7:013d}'))\n    c.execute('COMMIT')\n\
         c.execute('BEGIN')\nc.execute(\"UPDATE vehicles SET consignment_id = 5 WHERE status = 'parked'\")\nc.execute('COMMIT')",
    );
    let mode = Command::new(sqlite3_cli())
        .arg(&y.db)
        .arg("PRAGMA journal_mode")
        .output()
        .unwrap();
    assert_eq!(ran("sqlite3", mode).trim(), "delete");
    y.assert_exact("a rollback-journal writer with foreign keys on");
}

#[test]
fn dropping_any_index_yardtop_added_never_fails_a_write() {
    let y = Yard::build(false);
    let names = Command::new(sqlite3_cli())
        .arg(&y.db)
        .arg("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'yt_%'")
        .output()
        .unwrap();
    let names = ran("sqlite3", names);
    let names: Vec<&str> = names.lines().filter(|l| !l.is_empty()).collect();
    assert!(
        !names.is_empty(),
        "init --existing added no index: nothing tested"
    );
    for (i, name) in names.iter().enumerate() {
        y.sql(&format!("DROP INDEX {name};"));
        y.python(&format!(
            "import sqlite3\nc = sqlite3.connect(DB)\n\
             c.execute(\"INSERT INTO vehicles(vin, status, powertrain) VALUES ('LSJWDROP{i:09}', 'gated_in', 'BEV')\")\n\
             c.execute(\"UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T08:00:00Z' WHERE vin = 'LSJWDROP{i:09}'\")\n\
             c.execute(\"INSERT OR REPLACE INTO vehicles(vin, status, powertrain, loaded_at) VALUES ('LSJWDROP{i:09}', 'departed', 'BEV', '2026-11-26T08:01:00Z')\")\n\
             c.execute(\"INSERT INTO events(at, vin, kind) VALUES ('2026-11-26T08:00:00Z', 'LSJWDROP{i:09}', 'load')\")\n\
             c.execute(\"DELETE FROM events WHERE vin = 'LSJWDROP{i:09}'\")\n\
             c.commit()"
        ));
        y.assert_exact(&format!("index {name} dropped and the yard written"));
    }
}
