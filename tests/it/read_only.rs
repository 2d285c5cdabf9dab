//! yardtop's readers never write the yard database (docs/architecture.md): `snapshot` and `check`
//! leave the database file and its WAL byte for byte as they were, even while a
//! writer keeps committed pages in the WAL that nobody has checkpointed. A missing
//! database is an error naming the path, never a new empty file.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use std::process::Command;

fn yardtop(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_yardtop"))
        .args(args)
        .env("XDG_STATE_HOME", std::env::temp_dir())
        .output()
        .expect("run yardtop")
}

#[test]
fn readers_leave_database_and_wal_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    let path = db.to_str().unwrap();
    assert!(yardtop(&["init", "--db", path, "--tz", "Asia/Shanghai"])
        .status
        .success());

    // A writer that never checkpoints, still connected while the readers run.
    let writer = rusqlite::Connection::open(&db).unwrap();
    writer.execute_batch("PRAGMA wal_autocheckpoint = 0;").unwrap();
    writer
        .execute_batch(
            "INSERT INTO yard_blocks VALUES ('N01', 'nev', 4, 10);
             INSERT INTO vehicles(vin, powertrain, status, block, soc_pct, soc_checked_at, gate_in_at)
               VALUES ('LSJA24U62JG269225', 'BEV', 'parked', 'N01', 61, '2026-11-26T08:00:00Z', '2026-11-20T00:00:00Z');
             INSERT INTO events(at, vin, kind, detail) VALUES ('2026-11-26T08:00:00Z', 'LSJA24U62JG269225', 'park', 'N01');",
        )
        .unwrap();
    let wal = dir.path().join("yard.db-wal");
    let before = (std::fs::read(&db).unwrap(), std::fs::read(&wal).unwrap());
    assert!(!before.1.is_empty(), "the writer's pages should be in the WAL");

    for args in [
        vec!["snapshot", "--db", path, "--format", "json"],
        vec!["snapshot", "--db", path, "--format", "text"],
        vec!["snapshot", "--db", path, "--format", "prometheus"],
        vec!["check", "--db", path],
    ] {
        let out = yardtop(&args);
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if args[0] == "snapshot" && args[4] == "json" {
            // The readers see the committed, uncheckpointed rows.
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(v["yard"]["in_yard"], 1);
        }
    }
    let after = (std::fs::read(&db).unwrap(), std::fs::read(&wal).unwrap());
    assert!(before.0 == after.0, "the database file changed");
    assert!(before.1 == after.1, "the WAL changed");
    drop(writer);
}

#[test]
fn a_missing_database_is_never_created() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nothing-here.db");
    for args in [
        vec!["snapshot", "--format", "json"],
        vec!["check"],
        vec!["simulate", "--duration", "1"],
    ] {
        let mut a = args.clone();
        a.extend(["--db", db.to_str().unwrap()]);
        let out = yardtop(&a);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{a:?}: {err}");
        assert!(
            err.contains("nothing-here.db") && err.contains("does not exist"),
            "{err}"
        );
        assert!(!db.exists(), "{a:?} created the database");
    }
}
