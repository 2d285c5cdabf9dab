//! The real binary in a pseudo-terminal, read through a terminal emulator (vt100):
//! Enter on an alert opens every subject with where it is, says where the list is,
//! and pages on to the end.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, PtySize};

const NOW: &str = "2026-11-26T09:00:00Z";

fn make_db(path: &std::path::Path) {
    let conn = yardtop::writers::open::create_new(path).unwrap();
    conn.execute_batch(
        "INSERT INTO settings VALUES ('port_name', 'Test Port'), ('port_locode', 'CNXMN'), ('timezone', 'UTC');
         INSERT INTO yard_blocks VALUES ('N01', 'nev', 10, 10), ('S01', 'staging', 2, 10);",
    )
    .unwrap();
    for i in 0..45 {
        let (status, block) = if i % 20 == 3 {
            ("staged", "S01")
        } else {
            ("parked", "N01")
        };
        conn.execute(
            "INSERT INTO vehicles(vin, make, powertrain, status, block, row, slot, soc_pct, soc_checked_at)
             VALUES (?1, 'MG', 'BEV', ?2, ?3, ?4, ?5, 80, '2026-11-26T07:00:00Z')",
            rusqlite::params![
                format!("LSJW24104PS1{i:05}"),
                status,
                block,
                i / 10 + 1,
                i % 10 + 1
            ],
        )
        .unwrap();
    }
}

#[test]
fn an_alert_opens_onto_every_subject_with_where_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    make_db(&db);
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_yardtop"));
    cmd.args(["--db", db.to_str().unwrap(), "--now", NOW]);
    cmd.env("TERM", "xterm-256color");
    cmd.env("XDG_CONFIG_HOME", dir.path());
    cmd.env_remove("YARDTOP_DB");
    cmd.env_remove("YARDTOP_CONFIG");
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut writer = pair.master.take_writer().unwrap();
    let screen = Arc::new(Mutex::new(vt100::Parser::new(40, 120, 0)));
    let s2 = screen.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            if let Ok(mut p) = s2.lock() {
                p.process(&buf[..n]);
            }
        }
    });
    let text = || screen.lock().unwrap().screen().contents();
    let wait_for = |what: &str| {
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(10) {
            if text().contains(what) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("{what:?} not on screen:\n{}", text());
    };
    let mut keys = |k: &str| {
        writer.write_all(k.as_bytes()).unwrap();
        writer.flush().unwrap();
    };
    wait_for("CRIT NEV SoC over max       45  3 staged");
    // Tab from Exports to Alerts, Enter on its first line.
    keys("\t\t\t");
    wait_for("▶ Alerts");
    keys("\r");
    wait_for("1-33 of 45");
    let first = text();
    assert!(first.contains("3 staged, listed first"), "{first}");
    // Staged first, each with its block, row and slot.
    assert!(
        first.contains("LSJW24104PS100003  S01        1    4 staged      80% 2 h ago"),
        "{first}"
    );
    keys("\x1b[6~");
    wait_for("34-45 of 45");
    assert!(
        text().contains("LSJW24104PS100044  N01        5    5 parked"),
        "{}",
        text()
    );
    keys("q");
    let t0 = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(t0.elapsed() < Duration::from_secs(5), "still running");
        std::thread::sleep(Duration::from_millis(20));
    }
}
