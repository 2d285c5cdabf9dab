//! `yardtop simulate` as a user runs it: the real binary writing into a database
//! made by `yardtop init`, the result then read back with plain SQL (README.md, "Commands").
//!
//! A stop by Ctrl-C or SIGTERM is a clean stop: the current transaction is
//! finished, the summary printed, and the exit code is 0.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::common::{fresh, text, yardtop};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};
use yardtop::validate::{vin, VinVerdict};

fn simulate(dir: &Path, db: &Path, args: &[&str]) -> Command {
    let mut cmd = yardtop(dir);
    // The databases here are made by `init`: test copies, which simulate only writes
    // when told so.
    cmd.arg("--db")
        .arg(db)
        .arg("simulate")
        .arg("--allow-non-demo")
        .args(args);
    cmd
}

fn spawn(mut cmd: Command) -> Child {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(ok.success());
}

fn wait_with_timeout(mut child: Child, limit: Duration) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("still running after {limit:?}; stderr: {}", text(&out.stderr));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every invariant of the yard's rules, by plain SQL on what simulate wrote.
fn assert_yard_rules(db: &Path) {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    assert!(count(&conn, "SELECT count(*) FROM events") > 0, "no events");
    assert!(count(&conn, "SELECT count(*) FROM vehicles") > 0, "no vehicles");
    let in_yard = "status IN ('gated_in','parked','hold','staged')";
    assert_eq!(
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM (SELECT 1 FROM vehicles WHERE {in_yard} AND block IS NOT NULL
                 GROUP BY block, row, slot HAVING count(*) > 1)"
            )
        ),
        0,
        "a slot is held twice"
    );
    assert_eq!(
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM vehicles v JOIN yard_blocks b ON b.code = v.block
                 WHERE v.{in_yard} AND b.zone = 'ice' AND v.powertrain IN ('BEV','PHEV','FCEV')"
            )
        ),
        0,
        "an NEV in an ICE block"
    );
    assert_eq!(
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM yard_blocks b WHERE rows * slots_per_row <
                 (SELECT count(*) FROM vehicles v WHERE v.block = b.code AND v.{in_yard})"
            )
        ),
        0,
        "a block over capacity"
    );
    assert_eq!(
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM vehicles v JOIN yard_blocks b ON b.code = v.block WHERE v.{in_yard}
                 AND (v.row NOT BETWEEN 1 AND b.rows OR v.slot NOT BETWEEN 1 AND b.slots_per_row)"
            )
        ),
        0,
        "a slot outside its block"
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM vehicles WHERE status IN ('loaded','departed')
             AND (loaded_at IS NULL OR block IS NOT NULL OR row IS NOT NULL OR slot IS NOT NULL)"
        ),
        0,
        "a loaded vehicle without loaded_at or still in a slot"
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM vehicles WHERE status IS NULL OR status NOT IN
             ('expected','gated_in','parked','hold','staged','loaded','departed')
             OR powertrain IS NULL OR powertrain NOT IN ('BEV','PHEV','FCEV','HEV','ICE')
             OR (status = 'hold') <> (hold_reason IS NOT NULL)
             OR (status = 'parked' AND block IS NULL) OR updated_at IS NULL
             OR (status <> 'expected' AND gate_in_at IS NULL)"
        ),
        0,
        "a vehicle with an invalid status, powertrain or hold reason"
    );
    // Every VIN is valid, with its ISO 3779 check digit.
    let mut stmt = conn.prepare("SELECT vin FROM vehicles").unwrap();
    let vins: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|v| v.unwrap())
        .collect();
    for v in &vins {
        assert_eq!(vin(v), VinVerdict::Valid, "{v}");
        assert!(v.starts_with('L'), "{v} is not a Chinese VIN");
    }
    // Event times are the writers' form: UTC with Z.
    let mut stmt = conn.prepare("SELECT at FROM events").unwrap();
    for at in stmt.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        let at = at.unwrap();
        assert!(
            yardtop::time::parse_ts(&at).is_some() && at.ends_with('Z'),
            "{at}"
        );
    }
    let bad_calls = count(
        &conn,
        "SELECT count(*) FROM vessel_calls WHERE status NOT IN ('expected','alongside','departed')",
    ) + count(
        &conn,
        "SELECT count(*) FROM consignments WHERE status NOT IN ('open','loading','closed','cancelled')",
    );
    assert_eq!(bad_calls, 0);
}

fn events(db: &Path) -> i64 {
    Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| c.query_row("SELECT count(*) FROM events", [], |r| r.get(0)))
        .unwrap_or(0)
}

fn wait_for_events(db: &Path) {
    let start = Instant::now();
    while events(db) == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "simulate wrote nothing"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn assert_no_crash_text(s: &str) {
    assert!(
        !s.contains("panicked") && !s.contains("Os {") && !s.contains("internal error"),
        "{s}"
    );
}

#[test]
fn simulate_on_an_empty_yard_keeps_the_rules() {
    let (dir, db) = fresh();
    let out = simulate(
        dir.path(),
        &db,
        &["--rate", "200", "--duration", "3", "--seed", "1"],
    )
    .output()
    .unwrap();
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("simulate: done after"), "{err}");
    assert!(err.contains("tx p99"), "{err}");
    assert_yard_rules(&db);
    let conn = Connection::open(&db).unwrap();
    // It set up a yard, vessels, calls and consignments, and the yard moves.
    assert!(count(&conn, "SELECT count(*) FROM yard_blocks WHERE zone = 'nev'") > 0);
    assert!(count(&conn, "SELECT count(*) FROM yard_blocks WHERE zone = 'ice'") > 0);
    assert!(
        count(
            &conn,
            "SELECT count(*) FROM vessel_calls WHERE status = 'alongside'"
        ) >= 1
    );
    assert!(
        count(
            &conn,
            "SELECT count(*) FROM consignments WHERE status IN ('open','loading')"
        ) >= 1
    );
    for kind in ["gate_in", "park", "soc_check", "load"] {
        let n = count(
            &conn,
            &format!("SELECT count(*) FROM events WHERE kind = '{kind}'"),
        );
        assert!(n > 0, "no {kind} event");
    }
    assert!(count(&conn, "SELECT count(*) FROM events") >= 300);
    let mut stmt = conn.prepare("SELECT imo FROM vessels").unwrap();
    for imo in stmt.query_map([], |r| r.get::<_, i64>(0)).unwrap() {
        let imo = imo.unwrap();
        assert!(yardtop::validate::imo(imo).is_ok(), "{imo}");
    }
    // And `check` finds nothing to complain about.
    let out = yardtop(dir.path())
        .arg("--db")
        .arg(&db)
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("clean"));
}

#[test]
fn a_fractional_rate_is_slow() {
    let (dir, db) = fresh();
    let out = simulate(
        dir.path(),
        &db,
        &["--rate", "2", "--duration", "2", "--seed", "4"],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Two a second for two seconds, plus the three calls announced on an empty
    // database, plus a truck's worth of vehicles at most.
    let n = events(&db);
    assert!((3..=16).contains(&n), "{n} events");
}

#[test]
fn simulators_and_readers_share_databases() {
    let (dir, a) = fresh();
    let b = dir.path().join("second.db");
    let out = yardtop(dir.path())
        .arg("--db")
        .arg(&b)
        .arg("init")
        .output()
        .unwrap();
    assert!(out.status.success());
    let args = ["--rate", "300", "--duration", "4"];
    let runs = vec![
        spawn(simulate(dir.path(), &a, &[&args[..], &["--seed", "1"]].concat())),
        spawn(simulate(dir.path(), &a, &[&args[..], &["--seed", "2"]].concat())),
        spawn(simulate(dir.path(), &b, &[&args[..], &["--seed", "3"]].concat())),
    ];
    wait_for_events(&a);
    // A dashboard-like reader: short read transactions, over and over.
    let start = Instant::now();
    let mut reads = 0;
    while start.elapsed() < Duration::from_secs(3) {
        for db in [&a, &b] {
            let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
            conn.busy_timeout(Duration::from_secs(2)).unwrap();
            let n: i64 = conn
                .query_row(
                    "SELECT count(*) FROM vehicles WHERE status IN ('gated_in','parked','hold','staged')",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert!(n >= 0);
            let _: i64 = conn
                .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
                .unwrap();
            reads += 1;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(reads > 10);
    let check = yardtop(dir.path())
        .arg("--db")
        .arg(&a)
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
    for run in runs {
        let out = wait_with_timeout(run, Duration::from_secs(20));
        let err = text(&out.stderr);
        assert!(out.status.success(), "{err}");
        assert!(!err.contains("locked"), "{err}");
        assert_no_crash_text(&err);
    }
    assert_yard_rules(&a);
    assert_yard_rules(&b);
}

#[test]
fn sigterm_and_sigint_stop_cleanly() {
    for sig in ["TERM", "INT"] {
        let (dir, db) = fresh();
        let child = spawn(simulate(dir.path(), &db, &["--rate", "100"]));
        wait_for_events(&db);
        signal(&child, sig);
        let out = wait_with_timeout(child, Duration::from_secs(5));
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "SIG{sig}: {err}");
        assert!(err.contains("simulate: done after"), "SIG{sig}: {err}");
        assert_yard_rules(&db);
    }
}

#[test]
fn a_deleted_database_stops_it_with_a_message() {
    let (dir, db) = fresh();
    let child = spawn(simulate(dir.path(), &db, &["--rate", "50"]));
    wait_for_events(&db);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let out = wait_with_timeout(child, Duration::from_secs(5));
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("was deleted"), "{err}");
    assert_no_crash_text(&err);
}

#[test]
fn bad_arguments_and_missing_files_are_usage_errors() {
    let (dir, db) = fresh();
    for rate in ["0", "nan", "inf"] {
        let out = simulate(dir.path(), &db, &["--rate", rate, "--duration", "1"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--rate {rate}");
        assert!(text(&out.stderr).contains("--rate"), "{}", text(&out.stderr));
    }
    let out = simulate(dir.path(), &db, &["--duration=-1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = simulate(dir.path(), &dir.path().join("none.db"), &["--duration", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("does not exist"), "{err}");
    assert_no_crash_text(&err);
}

#[test]
fn rows_it_cannot_read_are_left_alone_and_keep_their_slots() {
    let (dir, db) = fresh();
    {
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(
            "INSERT INTO yard_blocks VALUES ('N01', 'nev', 1, 3), ('I01', 'ice', 1, 3), ('S01', 'staging', 1, 2),
                                            ('Z01', NULL, 'x', 2);
             INSERT INTO vehicles(vin, powertrain, status, block, row, slot) VALUES
                ('GARBAGE-1', 'XEV', 'parked', 'N01', 1, 1),
                ('GARBAGE-2', 'BEV', NULL, 'I01', 1, 1),
                (NULL, 'ICE', 'parked', 'I01', 1, 2),
                (X'4c53', 'BEV', 'parked', 'N01', 'one', 'two');",
        )
        .unwrap();
    }
    let out = simulate(
        dir.path(),
        &db,
        &["--rate", "200", "--duration", "2", "--seed", "9"],
    )
    .output()
    .unwrap();
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert_no_crash_text(&err);
    let conn = Connection::open(&db).unwrap();
    let in_yard = "status IN ('gated_in','parked','hold','staged')";
    // The unreadable vehicles were not touched, and nobody was parked on them.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM vehicles WHERE vin LIKE 'GARBAGE%' AND updated_at IS NULL"
        ),
        2
    );
    assert_eq!(
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM vehicles WHERE block = 'N01' AND row = 1 AND slot = 1 AND {in_yard}"
            )
        ),
        1
    );
    assert_eq!(
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM vehicles WHERE block = 'I01' AND row = 1 AND slot = 2 AND {in_yard}"
            )
        ),
        1
    );
    // N01 holds three: the garbage one, the one without a readable slot, and one
    // more at most.
    assert!(
        count(
            &conn,
            &format!("SELECT count(*) FROM vehicles WHERE block = 'N01' AND {in_yard}")
        ) <= 3
    );
    assert!(
        count(
            &conn,
            &format!("SELECT count(*) FROM vehicles WHERE block = 'I01' AND {in_yard}")
        ) <= 3
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM vehicles WHERE block = 'Z01'"),
        0
    );
}

#[test]
fn simulate_refuses_a_database_demo_did_not_make_and_names_the_flag() {
    let (dir, db) = fresh();
    let before = events(&db);
    // As a supervisor would after setting YARDTOP_DB to the real yard.
    let out = yardtop(dir.path())
        .env("YARDTOP_DB", &db)
        .args(["simulate", "--duration", "2"])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("--allow-non-demo") && err.contains("yardtop demo"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(events(&db), before, "simulate wrote into a database it refused");
}

#[test]
fn simulate_runs_into_a_demo_database_without_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = yardtop(dir.path())
        .arg("--db")
        .arg(&db)
        .args(["demo", "--no-tui", "--scale", "5000", "--seed", "3"])
        .output()
        .unwrap();
    assert!(out.status.success(), "demo: {}", text(&out.stderr));
    let before = events(&db);
    let out = yardtop(dir.path())
        .arg("--db")
        .arg(&db)
        .args(["simulate", "--rate", "20", "--duration", "1.5"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(events(&db) > before, "no events written into the demo database");
}
