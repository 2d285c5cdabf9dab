//! `yardtop check` as a user runs it: exit 0 clean, 1 problems found,
//! 2 cannot read; never a panic, whatever the database holds.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::common::{fresh, text, yardtop};
use std::path::Path;
use std::process::Output;

use rusqlite::Connection;
use yardtop::check::Kind;

fn check(dir: &Path, db: &Path) -> Output {
    let out = yardtop(dir).arg("--db").arg(db).arg("check").output().unwrap();
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        !all.contains("panicked") && !all.contains("Os {") && !all.contains("internal error"),
        "{all}"
    );
    assert!(
        !all.contains('\u{1b}'),
        "an escape sequence reached the terminal: {all:?}"
    );
    out
}

/// A small, correct yard: two blocks, a vessel, a call, a consignment, vehicles
/// in and out of the yard, events.
fn populate(db: &Path) {
    let conn = Connection::open(db).unwrap();
    conn.execute_batch(
        "INSERT INTO yard_blocks VALUES ('N01', 'nev', 2, 3), ('I01', 'ice', 2, 3);
         INSERT INTO vessels VALUES (9074729, 'BYD EXPLORER NO.1', 7000);
         INSERT INTO vessel_calls VALUES (1, 9074729, '012W', 'B4', '2026-11-26T08:00:00Z',
                                          '2026-11-27T08:00:00+08:00', 'alongside');
         INSERT INTO consignments VALUES (1, 'MG-GBBRS-0001', 1, 'MG', 'GBBRS', 300,
                                          '2026-11-26T06:00:00.250Z', 'loading');
         INSERT INTO vehicles VALUES
           ('LSJA24U62JG269225', 'MG', 'MG4 Electric', 'BEV', 43.0, '2026-11-26T07:00:00Z', 1, 'parked',
            NULL, 'N01', 1, 1, '2026-11-25T07:00:00Z', NULL, '2026-11-26T07:00:00Z'),
           ('LSJA24U62JG269226', 'MG', 'ZS', 'ICE', NULL, NULL, 1, 'hold', 'customs', 'I01', 1, 1,
            '2026-11-25T07:00:00Z', NULL, '2026-11-26T07:00:00Z'),
           ('LSJA24U62JG269227', 'MG', 'MG4 Electric', 'BEV', 45, '2026-11-26T07:00:00Z', 1, 'loaded',
            NULL, NULL, NULL, NULL, '2026-11-25T07:00:00Z', '2026-11-26T08:30:00Z', '2026-11-26T08:30:00Z'),
           ('LSJA24U62JG269228', 'MG', 'MG4 Electric', 'BEV', NULL, NULL, 1, 'expected',
            NULL, NULL, NULL, NULL, NULL, NULL, NULL);
         INSERT INTO events(at, vin, kind, detail) VALUES
           ('2026-11-26T08:30:00Z', 'LSJA24U62JG269227', 'load', 'onto BYD EXPLORER NO.1 012W'),
           ('2026-11-26T08:31:00Z', NULL, 'berth', 'a vessel event');",
    )
    .unwrap();
}

/// Fixes the VINs above to valid check digits (a test must not depend on which
/// serials happen to be valid).
fn fix_vins(db: &Path) {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT vin FROM vehicles").unwrap();
    let vins: Vec<Option<String>> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|v| v.unwrap())
        .collect();
    for v in vins.into_iter().flatten().filter(|v| v.len() == 17) {
        let Some(d) = yardtop::validate::vin_check_digit(&v) else {
            continue;
        };
        let fixed = format!("{}{d}{}", &v[..8], &v[9..]);
        conn.execute("UPDATE vehicles SET vin = ?2 WHERE vin = ?1", [&v, &fixed])
            .unwrap();
        conn.execute("UPDATE events SET vin = ?2 WHERE vin = ?1", [&v, &fixed])
            .unwrap();
    }
}

#[test]
fn a_clean_database_is_clean() {
    let (dir, db) = fresh();
    let out = check(dir.path(), &db);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("clean"));

    populate(&db);
    fix_vins(&db);
    let out = check(dir.path(), &db);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(&format!("yard database {}: clean", db.display())),
        "{stdout}"
    );
    assert!(stdout.contains("integrity: ok"), "{stdout}");
}

#[test]
fn bad_rows_are_named_by_kind_with_examples() {
    let (dir, db) = fresh();
    populate(&db);
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         INSERT INTO vehicles(vin, powertrain, status, block, row, slot, gate_in_at, soc_pct, make, model) VALUES
           ('LGXCE4CB0SE135920', 'XEV', 'parked', 'N01', 2, 1, '2026-11-25T07:00:00Z', NULL, 'BYD', 'Seal'),
           ('LGXCE4CB0SE135921', 'BEV', 'parked', 'N01', 2, 2, 'yesterday', NULL, 'BYD', 'Seal'),
           ('LGXCE4CB0SE135922', 'BEV', 'parked', 'N01', 2, 3, '2026-11-25T07:00:00Z', 'forty', 'BYD', 'Seal'),
           ('LGXCE4CB0SE135923', 'BEV', 'staged', 'N01', 1, 2, NULL, 41, CAST(X'C328FF' AS TEXT), 'Seal'),
           ('LGXCE4CB0SE135924', 'BEV', 'parked', 'N01', 1, 1, NULL, 42, 'BYD',
              'Seal' || char(27) || ']52;c;aGk=' || char(7) || printf('%.100000c', 'x')),
           ('LGXCE4CB0SE135925', 'PHEV', 'gated_in', 'N01', 1, 3, NULL, 120, 'BYD', 'Seal U'),
           ('LGXCE4CB0SE135926', 'BEV', 'loaded', NULL, NULL, NULL, NULL, NULL, 'BYD', 'Seal'),
           ('LGXCE4CB0SE135927', 'ICE', 'hold', 'I01', 2, 1, NULL, NULL, 'BYD', 'Seal'),
           ('LGXCE4CB0SE13592', 'ICE', 'parked', 'X99', 2, 2, NULL, NULL, 'BYD', 'Seal'),
           (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
         INSERT INTO events(at, vin, kind) VALUES ('2026-11-26 08:00:00', 'LNOSUCHVEHICLE00', 'park');
         UPDATE yard_blocks SET zone = 'garage' WHERE code = 'I01';
         INSERT INTO yard_blocks VALUES ('T01', 'ice', 'two', 3);
         INSERT INTO consignments VALUES (2, 'X-2', 77, 'BYD', 'GBSOU', 'many', 'soon', 'pending');
         UPDATE settings SET value = 'Mars/Olympus' WHERE key = 'timezone';",
    )
    .unwrap();
    drop(conn);
    fix_vins(&db);
    let out = check(dir.path(), &db);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    for kind in [
        Kind::UnknownPowertrain,
        Kind::BadTimestamp,
        Kind::BadNumber,
        Kind::BadText,
        Kind::SlotConflict,
        Kind::UnknownStatus,
        Kind::UnknownZone,
        Kind::UnknownHoldReason,
        Kind::BadVin,
        Kind::BadSetting,
        Kind::MissingReference,
        Kind::LoadedWithoutTime,
        Kind::BlockOverCapacity,
    ] {
        assert!(
            stdout.lines().any(|l| l.starts_with(kind.as_str())),
            "{kind} not reported:\n{stdout}"
        );
    }
    // Examples name the row and the value, safely.
    assert!(stdout.contains("\"XEV\""), "{stdout}");
    assert!(stdout.contains("\"yesterday\""), "{stdout}");
    assert!(stdout.contains("\"forty\""), "{stdout}");
    assert!(stdout.contains("invalid UTF-8"), "{stdout}");
    assert!(stdout.contains("problems of"), "{stdout}");
    assert!(
        stdout.lines().all(|l| l.chars().count() < 1000),
        "a 100 KB value was printed whole"
    );
}

#[test]
fn an_nev_in_an_ice_block_is_a_problem() {
    let (dir, db) = fresh();
    populate(&db);
    fix_vins(&db);
    let conn = Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE vehicles SET block = 'I01', slot = 3 WHERE powertrain = 'BEV' AND status = 'parked'",
        [],
    )
    .unwrap();
    drop(conn);
    let out = check(dir.path(), &db);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("nev_in_ice_block"), "{stdout}");
}

#[test]
fn wrong_check_digits_outside_china_are_warnings_only() {
    let (dir, db) = fresh();
    populate(&db);
    fix_vins(&db);
    let conn = Connection::open(&db).unwrap();
    // A European VIN whose check digit is wrong: not a problem under ISO 3779.
    let mut vin = String::from("WVWZZZ1KZ6W000001");
    if yardtop::validate::vin_check_digit(&vin) == Some('Z') {
        vin = String::from("WVWZZZ1KY6W000001");
    }
    conn.execute(
        "INSERT INTO vehicles(vin, powertrain, status, updated_at) VALUES (?1, 'ICE', 'expected', NULL)",
        [&vin],
    )
    .unwrap();
    drop(conn);
    let out = check(dir.path(), &db);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("warning: 1 VIN"), "{stdout}");
    assert!(stdout.contains("clean"), "{stdout}");
}

#[test]
fn what_cannot_be_read_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();

    let not_db = dir.path().join("notes.txt");
    std::fs::write(
        &not_db,
        "these are not the vehicles you are looking for\n".repeat(200),
    )
    .unwrap();
    let out = check(dir.path(), &not_db);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("not a SQLite database"), "{err}");

    let missing = dir.path().join("missing.db");
    let out = check(dir.path(), &missing);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("does not exist"));
    assert!(!missing.exists(), "check created the file");

    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let out = check(dir.path(), &empty);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not a yard database"),
        "{}",
        text(&out.stderr)
    );

    let out = check(dir.path(), dir.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_newer_schema_is_exit_2_naming_both_versions() {
    let (dir, db) = fresh();
    Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let out = check(dir.path(), &db);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("99") && err.contains("version 1"), "{err}");
}

#[test]
fn a_missing_table_or_column_is_exit_2() {
    let (dir, db) = fresh();
    Connection::open(&db)
        .unwrap()
        .execute_batch("DROP TABLE events")
        .unwrap();
    let out = check(dir.path(), &db);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("events"), "{}", text(&out.stderr));

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("other.db");
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch(
        "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT);
         CREATE TABLE yard_blocks(code TEXT PRIMARY KEY, zone TEXT, rows INTEGER, slots_per_row INTEGER);
         CREATE TABLE vessels(imo INTEGER PRIMARY KEY, name TEXT NOT NULL, capacity_ceu INTEGER);
         CREATE TABLE vessel_calls(id INTEGER PRIMARY KEY, imo INTEGER, voyage TEXT NOT NULL, berth TEXT,
                                   eta TEXT, etd TEXT, status TEXT);
         CREATE TABLE consignments(id INTEGER PRIMARY KEY, ref TEXT, call_id INTEGER, brand TEXT,
                                   destination TEXT, planned_units INTEGER, cutoff_at TEXT, status TEXT);
         CREATE TABLE vehicles(vin TEXT PRIMARY KEY, make TEXT, model TEXT, powertrain TEXT);
         CREATE TABLE events(id INTEGER PRIMARY KEY, at TEXT, vin TEXT, kind TEXT, detail TEXT);",
    )
    .unwrap();
    drop(conn);
    let out = check(dir.path(), &db);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("soc_pct"), "{}", text(&out.stderr));
}

#[test]
fn a_contract_database_without_yardtops_additions_is_checked() {
    // Another system's database: the contract tables only, user_version 0.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("terminal.db");
    let schema = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/schema.sql")).unwrap();
    let contract = schema.split("CREATE INDEX").next().unwrap();
    Connection::open(&db).unwrap().execute_batch(contract).unwrap();
    populate(&db);
    fix_vins(&db);
    let out = check(dir.path(), &db);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("schema version 0"), "{stdout}");
}

#[test]
fn a_corrupted_file_is_reported_without_a_panic() {
    let (dir, db) = fresh();
    populate(&db);
    {
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(
            "INSERT INTO events(at, kind, detail)
               SELECT '2026-11-26T08:00:00Z', 'note', printf('%.500c', 'x') FROM
               (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) SELECT i FROM n);
             PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .unwrap();
    }
    // Scribble over pages in the middle of the file.
    let mut bytes = std::fs::read(&db).unwrap();
    let len = bytes.len();
    for b in bytes[len / 3..len / 3 + 12_000].iter_mut() {
        *b = 0x5a;
    }
    std::fs::write(&db, &bytes).unwrap();
    let out = check(dir.path(), &db);
    let code = out.status.code();
    assert!(
        code == Some(1) || code == Some(2),
        "{code:?}: {}",
        text(&out.stdout)
    );
    if code == Some(1) {
        assert!(text(&out.stdout).contains("integrity:"), "{}", text(&out.stdout));
    } else {
        assert!(!text(&out.stderr).is_empty());
    }
}

#[test]
fn an_earlier_versions_triggers_and_tables_are_reported_with_the_fix() {
    let (dir, db) = fresh();
    populate(&db);
    fix_vins(&db);
    let clean = check(dir.path(), &db);
    let said = text(&clean.stdout);
    assert_eq!(clean.status.code(), Some(0), "{said}");
    assert!(said.contains("yardtop keeps nothing in this database"), "{said}");
    Connection::open(&db)
        .unwrap()
        .execute_batch(include_str!("../data/earlier_summaries.sql"))
        .unwrap();
    let out = check(dir.path(), &db);
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    for line in [
        "yardtop_leftover",
        "28 triggers left by an earlier yardtop (yt_consignments_quality_del,",
        "3 tables left by an earlier yardtop (yt_export_buckets, yt_consignment_exports, yt_quality)",
        "fix: yardtop init --existing --db",
    ] {
        assert!(said.contains(line), "{line:?} not in:\n{said}");
    }
    let fixed = yardtop(dir.path())
        .arg("--db")
        .arg(&db)
        .args(["init", "--existing"])
        .output()
        .unwrap();
    assert!(fixed.status.success(), "{}", text(&fixed.stderr));
    let out = check(dir.path(), &db);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn an_events_table_recreated_without_its_key_is_reported() {
    let (dir, db) = fresh();
    populate(&db);
    fix_vins(&db);
    Connection::open(&db)
        .unwrap()
        .execute_batch(
            "CREATE TABLE events_copy AS SELECT * FROM events; DROP TABLE events;
             ALTER TABLE events_copy RENAME TO events;",
        )
        .unwrap();
    let out = check(dir.path(), &db);
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("events_without_key"), "{said}");
    assert!(said.contains("INTEGER PRIMARY KEY"), "{said}");
}

#[test]
fn an_empty_status_is_a_missing_value_not_an_unknown_one() {
    let (dir, db) = fresh();
    populate(&db);
    fix_vins(&db);
    Connection::open(&db)
        .unwrap()
        .execute_batch(
            "INSERT INTO vehicles(vin, powertrain, status, soc_pct, loaded_at, hold_reason)
             VALUES ('LSJW24100000000999', 'BEV', '', '', '', '');",
        )
        .unwrap();
    let out = check(dir.path(), &db);
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("missing_value"), "{said}");
    for not in [
        "unknown_status",
        "bad_number",
        "bad_timestamp",
        "unknown_hold_reason",
    ] {
        assert!(!said.contains(not), "{not} for empty strings:\n{said}");
    }
}
