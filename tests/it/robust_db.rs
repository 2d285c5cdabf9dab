//! The real dashboard in a pseudo-terminal while its database is deleted,
//! recreated, replaced, locked and corrupted under it (docs/architecture.md "Live behaviour":
//! it survives all of these, says so on screen and recovers); refusing a database
//! it cannot read at start (exit 2); and never changing a byte of the database or
//! its WAL while a writer holds uncheckpointed pages.
//!
//! (tests/ui_reader.rs drives the reader thread itself through the same events;
//! these tests look at what reaches the terminal and at the process.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::robust_common;

use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};

use robust_common::*;

/// A small yard: `parked` NEVs in a 2 × `slots` block, one event whose detail is
/// `marker` (shown in the Activity panel).
fn make_db(path: &Path, port: &str, parked: usize, slots: usize, marker: &str) {
    let conn = yardtop::writers::open::create_new(path).unwrap();
    conn.execute_batch(&format!(
        "INSERT INTO settings VALUES ('port_name', '{port}'), ('port_locode', 'CNXMN'), ('timezone', 'Asia/Shanghai');
         INSERT INTO yard_blocks VALUES ('N01', 'nev', 2, {slots});
         INSERT INTO events(at, vin, kind, detail) VALUES ('2026-11-26T01:00:00Z', NULL, 'note', '{marker}');"
    ))
    .unwrap();
    for i in 0..parked {
        conn.execute(
            "INSERT INTO vehicles(vin, make, model, powertrain, status, block, row, slot, gate_in_at)
             VALUES (?1, 'MG', 'MG4', 'BEV', 'parked', 'N01', ?2, ?3, '2026-11-26T01:00:00Z')",
            rusqlite::params![
                format!("LSJW2410{:09}", i),
                (i / slots + 1) as i64,
                (i % slots + 1) as i64
            ],
        )
        .unwrap();
    }
}

fn dashboard(dir: &Path, db: &Path) -> Pty {
    Pty::start(dir, &[OsStr::new("--db"), db.as_os_str()], 120, 40)
}

/// The dashboard has drawn `port`'s figures.
fn wait_for_port(p: &Pty, port: &str, in_yard: &str, secs: f64) -> Duration {
    let want = format!("In yard {in_yard}");
    p.wait_until(secs, |s| {
        s.contains(port) && s.contains(&want) && s.contains("live")
    })
    .unwrap_or_else(|| {
        panic!(
            "{port} / {want} / live not on screen after {secs} s:\n{}",
            p.screen()
        )
    })
}

fn header(p: &Pty) -> String {
    p.screen().lines().take(2).collect::<Vec<_>>().join("\n")
}

fn quit_cleanly(p: &mut Pty) {
    p.keys("q");
    let st = p.exit_within(3.0);
    assert!(st.success(), "q: {st:?}\n{}", p.screen());
    assert_never_shown(&p.bytes(), "dashboard output");
    let b = p.bytes();
    assert!(contains(&b, b"\x1b[?1049l"), "terminal not restored");
}

#[test]
fn deleted_then_recreated_with_other_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    make_db(&db, "First Port", 3, 5, "first-marker");
    let mut p = dashboard(dir.path(), &db);
    wait_for_port(&p, "First Port", "3 of 10", 5.0);
    p.wait_for("first-marker", 2.0);

    remove_db(&db);
    let t = p.wait_until(3.0, |s| s.contains("unreachable") && s.contains("gone"));
    let took = t.unwrap_or_else(|| panic!("deletion not said:\n{}", p.screen()));
    eprintln!("deletion shown after {took:?}");
    // It keeps running, and keeps the last figures on screen, saying they are old.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        p.exited().is_none(),
        "the dashboard ended when its database was deleted"
    );
    let s = p.screen();
    assert!(s.contains("unreachable"), "{s}");
    assert!(
        s.contains("In yard 3 of 10") && s.contains("first-marker"),
        "last figures gone:\n{s}"
    );
    assert!(s.contains("showing the figures of"), "{s}");

    // Recreated at the same path, with other data: picked up again.
    make_db(&db, "Second Port", 7, 10, "second-marker");
    let took = wait_for_port(&p, "Second Port", "7 of 20", 5.0);
    eprintln!("recreated database shown after {took:?}");
    p.wait_for("second-marker", 2.0);
    let s = p.screen();
    assert!(!s.contains("unreachable"), "{s}");
    assert!(!s.contains("first-marker"), "old data still shown:\n{s}");
    quit_cleanly(&mut p);
}

#[test]
fn replaced_by_an_atomic_rename_shows_the_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    make_db(&db, "Old Port", 2, 5, "old-marker");
    let mut p = dashboard(dir.path(), &db);
    wait_for_port(&p, "Old Port", "2 of 10", 5.0);

    // A restore as an operator does it: build the new file beside it, rename it
    // over the old one (a new inode at the same path). The old file's system
    // checkpointed its WAL when it stopped.
    writer(&db)
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    let new = dir.path().join("yard.db.new");
    make_db(&new, "New Port", 9, 10, "new-marker");
    let t0 = Instant::now();
    std::fs::rename(&new, &db).unwrap();
    wait_for_port(&p, "New Port", "9 of 20", 3.0);
    p.wait_for("new-marker", 2.0);
    eprintln!("replacement shown after {:?}", t0.elapsed());
    assert!(!p.screen().contains("old-marker"));

    // And it stays live on the new file: a commit to it shows.
    writer(&db)
        .execute(
            "INSERT INTO events(at, kind, detail) VALUES ('2026-11-26T02:00:00Z', 'note', 'after-rename')",
            [],
        )
        .unwrap();
    p.wait_for("after-rename", 3.0);
    quit_cleanly(&mut p);
}

/// Samples the screen every 20 ms for `d`, panicking if SQLite's own words for a
/// lock ever show; returns every distinct header seen.
fn watch(p: &Pty, d: Duration) -> Vec<String> {
    let t0 = Instant::now();
    let mut seen: Vec<String> = Vec::new();
    while t0.elapsed() < d {
        let s = p.screen();
        assert!(
            !s.to_lowercase().contains("is locked"),
            "raw lock error on screen:\n{s}"
        );
        let h = s.lines().next().unwrap_or("").to_string();
        if !seen.contains(&h) {
            seen.push(h);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    seen
}

#[test]
fn an_exclusive_lock_shows_busy_keeps_the_figures_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    make_db(&db, "Lock Port", 4, 5, "before-lock");
    // A contract database kept in rollback-journal mode by its system: there a
    // writer's exclusive lock shuts readers out.
    writer(&db)
        .execute_batch("PRAGMA journal_mode = DELETE;")
        .unwrap();
    let mut p = dashboard(dir.path(), &db);
    wait_for_port(&p, "Lock Port", "4 of 10", 5.0);

    let w = writer(&db);
    w.execute_batch(
        "BEGIN EXCLUSIVE;
         INSERT INTO events(at, kind, detail) VALUES ('2026-11-26T02:00:00Z', 'note', 'written-under-lock');
         UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T02:00:00Z', block = NULL WHERE rowid = 1;",
    )
    .unwrap();
    let t0 = Instant::now();
    let took = p
        .wait_until(3.0, |s| s.contains("database busy"))
        .unwrap_or_else(|| panic!("the lock was not said:\n{}", p.screen()));
    eprintln!("busy shown after {took:?}");
    // Held for about 3 s: busy all along, the last figures stay, no raw error.
    let headers = watch(&p, Duration::from_millis(3000).saturating_sub(t0.elapsed()));
    let s = p.screen();
    assert!(s.contains("database busy"), "{s}");
    assert!(s.contains("showing the figures of"), "{s}");
    assert!(
        s.contains("In yard 4 of 10") && s.contains("before-lock"),
        "figures lost:\n{s}"
    );
    assert!(
        headers.iter().all(|h| !h.contains("unreachable")),
        "a lock is not an unreachable database: {headers:#?}"
    );
    assert!(p.exited().is_none());

    w.execute_batch("COMMIT;").unwrap();
    let took = p
        .wait_until(3.0, |s| {
            s.contains("written-under-lock") && s.contains("In yard 3 of 10") && !s.contains("busy")
        })
        .unwrap_or_else(|| panic!("no recovery after the lock:\n{}", p.screen()));
    eprintln!("recovered {took:?} after the commit");
    assert!(header(&p).contains("live"), "{}", header(&p));
    quit_cleanly(&mut p);
}

#[test]
fn in_wal_mode_a_long_write_transaction_never_makes_it_busy() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    make_db(&db, "Wal Port", 4, 5, "before-write");
    let mut p = dashboard(dir.path(), &db);
    wait_for_port(&p, "Wal Port", "4 of 10", 5.0);
    let w = writer(&db);
    w.execute_batch(
        "BEGIN EXCLUSIVE;
         INSERT INTO events(at, kind, detail) VALUES ('2026-11-26T02:00:00Z', 'note', 'long-write');",
    )
    .unwrap();
    // Readers of a WAL database are never shut out: the screen stays live.
    let headers = watch(&p, Duration::from_secs(3));
    for h in &headers {
        assert!(!h.contains("busy") && !h.contains("unreachable"), "{headers:#?}");
    }
    assert!(!p.screen().contains("long-write"), "an uncommitted row was shown");
    w.execute_batch("COMMIT;").unwrap();
    p.wait_for("long-write", 3.0);
    quit_cleanly(&mut p);
}

/// Overwrites 16 pages in the middle of the file with garbage.
fn scribble_middle(path: &Path) {
    use std::io::{Seek, SeekFrom, Write};
    let len = std::fs::metadata(path).unwrap().len();
    let at = (len / 2) / 4096 * 4096;
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(at)).unwrap();
    let mut junk = Vec::with_capacity(16 * 4096);
    let mut x: u32 = 0x9e37_79b9;
    for _ in 0..16 * 4096 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        junk.push((x >> 24) as u8);
    }
    f.write_all(&junk).unwrap();
    f.sync_all().unwrap();
}

/// A yard big enough that the middle of the file is vehicle pages.
fn make_big_db(path: &Path, port: &str) {
    make_db(path, port, 0, 50, "big-marker");
    let w = writer(path);
    w.execute_batch("BEGIN").unwrap();
    for i in 0..2500 {
        w.execute(
            "INSERT INTO vehicles(vin, make, model, powertrain, status, block, row, slot, gate_in_at)
             VALUES (?1, 'MG', ?2, 'BEV', 'parked', 'N01', ?3, ?4, '2026-11-26T01:00:00Z')",
            rusqlite::params![
                format!("LSJW2410{:09}", i),
                "M".repeat(200),
                (i / 50 + 1) as i64,
                (i % 50 + 1) as i64
            ],
        )
        .unwrap();
    }
    w.execute_batch("COMMIT; PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
}

/// What the screen must say about a corrupted database: that it is corrupted,
/// which file, and what to do (`yardtop check`); and never a panic.
fn assert_says_corrupted(p: &Pty, db: &Path) {
    let s = p.screen();
    assert!(s.contains("corrupt"), "{s}");
    assert!(
        s.contains(&db.display().to_string()),
        "the file is not named:\n{s}"
    );
    assert!(
        s.contains("yardtop check"),
        "no hint to run `yardtop check`:\n{s}"
    );
    assert_never_shown(&p.bytes(), "corrupted database");
}

#[test]
fn corrupted_under_it_says_so_and_recovers_when_restored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    make_big_db(&db, "Big Port");
    let mut p = dashboard(dir.path(), &db);
    wait_for_port(&p, "Big Port", "2,500 of 100", 5.0);

    scribble_middle(&db);
    // Another system commits (its pages go to the WAL): the dashboard's next read
    // meets the garbage.
    writer(&db)
        .execute(
            "UPDATE settings SET value = 'Big Port X' WHERE key = 'port_name'",
            [],
        )
        .unwrap();
    let took = p
        .wait_until(4.0, |s| s.contains("corrupt"))
        .unwrap_or_else(|| panic!("corruption not said:\n{}", p.screen()));
    eprintln!("corruption shown after {took:?}");
    std::thread::sleep(Duration::from_millis(1500)); // a few retries
    assert!(
        p.exited().is_none(),
        "the dashboard ended on a corrupted database"
    );
    assert_says_corrupted(&p, &db);
    assert!(
        p.screen().contains("In yard 2,500"),
        "last figures lost:\n{}",
        p.screen()
    );

    // Restored from a backup: read again.
    let good = dir.path().join("restored.db");
    make_db(&good, "Restored Port", 1, 5, "restored-marker");
    remove_db(&sibling(&db, "")); // the corrupted file and its WAL
    std::fs::rename(&good, &db).unwrap();
    wait_for_port(&p, "Restored Port", "1 of 10", 5.0);
    quit_cleanly(&mut p);
}

#[test]
fn corrupted_at_start_says_so_on_screen_at_any_size() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    make_big_db(&db, "Big Port");
    scribble_middle(&db);
    for (cols, rows) in [(120, 40), (80, 24)] {
        let mut p = Pty::start(dir.path(), &[OsStr::new("--db"), db.as_os_str()], cols, rows);
        p.wait_until(5.0, |s| s.contains("corrupt"))
            .unwrap_or_else(|| panic!("corruption not said:\n{}", p.screen()));
        std::thread::sleep(Duration::from_millis(1200));
        assert!(p.exited().is_none());
        assert_says_corrupted(&p, &db);
        quit_cleanly(&mut p);
    }
}

/// Runs the dashboard on `db` in a pty, expecting it to refuse at once.
fn refused(dir: &Path, db: &Path) -> String {
    let mut p = dashboard(dir, db);
    let st = p.exit_within(5.0);
    let out = String::from_utf8_lossy(&p.bytes()).into_owned();
    assert_eq!(st.exit_code(), 2, "{out}");
    assert!(
        !out.contains("\x1b[?1049h"),
        "took over the terminal before refusing: {out:?}"
    );
    assert_never_shown(out.as_bytes(), "refusal");
    assert!(
        out.contains(&db.display().to_string()),
        "the file is not named: {out}"
    );
    out
}

#[test]
fn a_newer_schema_at_start_exits_2_naming_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    make_db(&db, "Future Port", 1, 5, "m");
    writer(&db).execute_batch("PRAGMA user_version = 99;").unwrap();
    let out = refused(dir.path(), &db);
    assert!(out.contains("99"), "{out}");
    assert!(out.contains("version 1"), "{out}");
    assert!(out.contains("newer"), "{out}");
}

#[test]
fn not_a_database_at_start_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    std::fs::write(&db, "id,vin\n1,LSJW24104PS123456\n".repeat(300)).unwrap();
    let out = refused(dir.path(), &db);
    assert!(out.contains("not a SQLite database"), "{out}");
    // An empty SQLite file is a database, but not a yard database.
    let empty = dir.path().join("empty.db");
    rusqlite::Connection::open(&empty)
        .unwrap()
        .execute_batch("CREATE TABLE t(x);")
        .unwrap();
    let out = refused(dir.path(), &empty);
    assert!(out.contains("not a yard database"), "{out}");
    assert!(out.contains("yardtop init"), "{out}");
}

#[test]
fn the_dashboard_leaves_database_and_wal_bytes_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    make_db(&db, "Still Port", 3, 5, "still-marker");
    // Another system that never checkpoints, connected all along.
    let w = writer(&db);
    w.execute_batch("PRAGMA wal_autocheckpoint = 0;").unwrap();
    w.execute_batch(
        "INSERT INTO events(at, vin, kind, detail) VALUES ('2026-11-26T03:00:00Z', 'LSJW24100000000001', 'soc_check', 'in-the-wal');
         UPDATE vehicles SET soc_pct = 61, soc_checked_at = '2026-11-26T03:00:00Z';",
    )
    .unwrap();
    let wal = sibling(&db, "-wal");
    let before = (std::fs::read(&db).unwrap(), std::fs::read(&wal).unwrap());
    assert!(!before.1.is_empty(), "the writer's pages should be in the WAL");

    let mut p = dashboard(dir.path(), &db);
    wait_for_port(&p, "Still Port", "3 of 10", 5.0);
    p.wait_for("in-the-wal", 2.0);
    // Drill in and out, search, refresh, pause: every read path.
    p.press("\t\r", 400);
    p.press("\r", 400);
    p.press("\x1b\x1b", 200);
    p.press("/0001\r", 500);
    p.press("\x1b", 200);
    p.press("r", 300);
    p.press("p", 200);
    p.press("p", 300);
    quit_cleanly(&mut p);
    // (A missing file reads as empty: a WAL checkpointed away is a change too.)
    let after = (
        std::fs::read(&db).unwrap_or_default(),
        std::fs::read(&wal).unwrap_or_default(),
    );
    assert!(before.0 == after.0, "the dashboard changed the database file");
    assert!(before.1 == after.1, "the dashboard changed the WAL");
    drop(w);
}
