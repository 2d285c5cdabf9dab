//! Hand-made yard databases for tests: an empty schema-v1 database and small helpers
//! to put exactly the rows a test needs into it.
#![allow(dead_code)]

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

pub struct Yard {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub conn: Connection,
}

/// A fresh yard database with the given port time zone and default rules.
pub fn yard(tz: &str) -> Yard {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("yard.db");
    let conn = yardtop::writers::open::create_new(&path).expect("create");
    // Other systems may write without foreign keys; so do the tests' hostile rows.
    conn.execute_batch("PRAGMA foreign_keys = OFF").expect("pragma");
    yardtop::writers::init::write_settings(&conn, Some("Test Port"), Some("CNXMN"), Some(tz))
        .expect("settings");
    Yard { dir, path, conn }
}

pub fn ts(s: &str) -> DateTime<Utc> {
    yardtop::time::parse_ts(s).expect(s)
}

impl Yard {
    pub fn set(&self, key: &str, value: &str) {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO settings(key, value) VALUES (?1, ?2)",
                params![key, value],
            )
            .unwrap();
    }

    pub fn block(&self, code: &str, zone: &str, rows: i64, slots: i64) {
        self.conn
            .execute(
                "INSERT INTO yard_blocks(code, zone, rows, slots_per_row) VALUES (?1, ?2, ?3, ?4)",
                params![code, zone, rows, slots],
            )
            .unwrap();
    }

    pub fn consignment(&self, id: i64, reference: &str, status: &str, planned: i64, cutoff: Option<&str>) {
        self.conn
            .execute(
                "INSERT INTO consignments(id, ref, brand, destination, planned_units, cutoff_at, status) VALUES (?1, ?2, 'MG', 'GBBRS', ?3, ?4, ?5)",
                params![id, reference, planned, cutoff, status],
            )
            .unwrap();
    }

    /// An exported (or exported-looking) vehicle.
    pub fn loaded(
        &self,
        vin: &str,
        powertrain: &str,
        status: &str,
        loaded_at: Option<&str>,
        consignment: Option<i64>,
    ) {
        self.conn
            .execute(
                "INSERT INTO vehicles(vin, make, powertrain, status, loaded_at, consignment_id) VALUES (?1, 'MG', ?2, ?3, ?4, ?5)",
                params![vin, powertrain, status, loaded_at, consignment],
            )
            .unwrap();
    }

    /// A vehicle in the yard.
    #[allow(clippy::too_many_arguments)]
    pub fn parked(
        &self,
        vin: &str,
        powertrain: &str,
        status: &str,
        block: Option<&str>,
        soc: Option<f64>,
        soc_at: Option<&str>,
        gate_in: Option<&str>,
    ) {
        self.conn
            .execute(
                "INSERT INTO vehicles(vin, make, powertrain, status, block, soc_pct, soc_checked_at, gate_in_at) VALUES (?1, 'BYD', ?2, ?3, ?4, ?5, ?6, ?7)",
                params![vin, powertrain, status, block, soc, soc_at, gate_in],
            )
            .unwrap();
    }

    pub fn exec(&self, sql: &str) {
        self.conn.execute_batch(sql).unwrap();
    }

    pub fn figures(&self, now: &str) -> yardtop::figures::Figures {
        let conn = yardtop::db::open_read_only(&self.path).expect("open read-only");
        yardtop::figures::compute(&conn, ts(now)).expect("compute")
    }
}

/// The real binary as a user runs it in `dir`: none of the developer's yardtop
/// variables, config, state and data under `dir`, no colour.
pub fn yardtop(dir: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_yardtop"));
    for var in [
        "YARDTOP_DB",
        "YARDTOP_CONFIG",
        "YARDTOP_NOW",
        "YARDTOP_TZ",
        "YARDTOP_ASCII",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("NO_COLOR", "1")
        .current_dir(dir);
    cmd
}

/// A command's output as text.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A new, empty yard made by `yardtop init` in a temporary folder.
pub fn fresh() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("yard.db");
    let out = yardtop(dir.path())
        .arg("--db")
        .arg(&db)
        .arg("init")
        .output()
        .expect("run yardtop init");
    assert!(out.status.success(), "init failed: {}", text(&out.stderr));
    (dir, db)
}
