//! A terminal that is not UTF-8 (a `LANG=C` locale, a vt100-class `TERM`, or
//! `--ascii`) reads UTF-8's bytes 0x80-0x9F as C1 controls: `ĝ2;title` renames an
//! xterm's window. So in ASCII mode no byte above 0x7F may reach it, whatever the
//! database holds. The real binary runs in a pseudo-terminal on a yard whose every
//! shown column holds CJK, arrows, C1 controls (as UTF-8 and as raw bytes) and
//! invalid UTF-8, is driven into every view, and every raw byte it writes is
//! checked. `snapshot --format text` on the same yard must be pure ASCII too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::robust_common;

use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

use robust_common::*;
use rusqlite::{params, Connection};

const NOW: &str = "2026-11-26T09:00:00Z";

/// Non-ASCII text for a column: CJK, an arrow, C1 controls as UTF-8 (U+009D OSC,
/// U+009C ST, U+009B CSI), an accented letter, an emoji, with an ASCII tag to find.
fn wide(tag: &str) -> String {
    format!("比亚迪→{tag}\u{9d}2;PWNED\u{9c}\u{9b}7mé🚗")
}

/// The same as raw bytes that are not UTF-8: C1 bytes alone, a lone 0xff, an
/// overlong encoding. SQLite stores them as given (CAST of a blob to TEXT).
fn raw_sql(tag: &str) -> String {
    let mut bytes = b"\x9d2;PWNED\x9c".to_vec();
    bytes.extend_from_slice(tag.as_bytes());
    bytes.extend_from_slice(b"\xff\xc0\xaf\x9b7m\xe6\xaf");
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("CAST(x'{hex}' AS TEXT)")
}

fn build(path: &Path) {
    let conn = yardtop::writers::open::create_new(path).unwrap();
    fill(&conn);
}

fn fill(conn: &Connection) {
    let x = |sql: &str, p: &[&dyn rusqlite::ToSql]| {
        conn.execute(sql, p).unwrap_or_else(|e| panic!("{sql}: {e}"));
    };
    x(
        "DELETE FROM settings WHERE key IN ('port_name', 'port_locode')",
        &[],
    );
    x(
        "INSERT INTO settings VALUES ('port_name', ?1), ('port_locode', ?2)",
        &[&wide("PORT"), &wide("LOC")],
    );
    x("INSERT INTO settings VALUES ('timezone', 'Asia/Shanghai')", &[]);
    // Blocks: one with a wide code (sorted first: opened by Enter), one with raw bytes.
    x(
        "INSERT INTO yard_blocks VALUES (?1, 'nev', 3, 4), ('N02', ?2, 2, 2)",
        &[&format!("A{}", wide("BLK")), &wide("ZONE")],
    );
    x(
        &format!(
            "INSERT INTO yard_blocks VALUES ({}, 'nev', 2, 2)",
            raw_sql("RAWBLK")
        ),
        &[],
    );
    x(
        "INSERT INTO vessels VALUES (9000001, ?1, 6500)",
        &[&wide("VESSEL")],
    );
    x(
        &format!(
            "INSERT INTO vessels VALUES (9000002, {}, 5000)",
            raw_sql("RAWVES")
        ),
        &[],
    );
    x(
        "INSERT INTO vessel_calls VALUES (1, 9000001, ?1, ?2, '2026-11-26T00:00:00Z', NULL, 'alongside')",
        &[&wide("VOY"), &wide("BERTH")],
    );
    x(
        &format!(
            "INSERT INTO vessel_calls VALUES (2, 9000002, {}, NULL, NULL, NULL, ?1)",
            raw_sql("RAWVOY")
        ),
        &[&wide("CALLST")],
    );
    // Consignments: an at-risk one with everything wide, one with raw bytes.
    x(
        "INSERT INTO consignments VALUES (1, ?1, 1, ?2, ?3, 50, '2026-11-26T12:00:00Z', 'loading')",
        &[&format!("A{}", wide("REF")), &wide("BRAND"), &wide("DEST")],
    );
    x(
        &format!(
            "INSERT INTO consignments VALUES (2, {}, 2, {}, {}, 10, '2026-11-26T08:00:00Z', 'open')",
            raw_sql("RAWREF"),
            raw_sql("RAWBRAND"),
            raw_sql("RAWDEST")
        ),
        &[],
    );
    let blk = format!("A{}", wide("BLK"));
    let ins = "INSERT INTO vehicles(vin, make, model, powertrain, soc_pct, soc_checked_at, consignment_id, status, hold_reason, block, row, slot, gate_in_at, loaded_at)
               VALUES (?1, ?2, ?3, ?4, ?5, '2026-11-26T08:00:00Z', ?6, ?7, ?8, ?9, ?10, ?11, '2026-11-01T00:00:00Z', ?12)";
    let null = rusqlite::types::Null;
    for i in 0..6i64 {
        let status = ["parked", "hold", "staged", "parked", "hold", "parked"][i as usize];
        let hold: &dyn rusqlite::ToSql = if status == "hold" { &"battery" } else { &null };
        x(
            ins,
            &[
                &format!("LSJW{}{i:02}", wide("VIN")),
                &wide("MAKE"),
                &wide("MODEL"),
                &if i == 5 { wide("PT") } else { "BEV".into() },
                &(30 + i * 10),
                &1,
                &status,
                hold,
                &blk,
                &(i / 4 + 1),
                &(i % 4 + 1),
                &null,
            ],
        );
    }
    x(
        "UPDATE vehicles SET hold_reason = ?1 WHERE vin LIKE '%04'",
        &[&wide("HOLD")],
    );
    // A vehicle whose every text is raw bytes, in the raw block.
    x(
        &format!(
            "INSERT INTO vehicles(vin, make, model, powertrain, status, hold_reason, block, row, slot, consignment_id, soc_pct, soc_checked_at)
             VALUES ({}, {}, {}, 'BEV', 'hold', {}, {}, 1, 1, 2, 90, '2026-11-26T08:00:00Z')",
            raw_sql("RAWVIN"),
            raw_sql("RAWMAKE"),
            raw_sql("RAWMODEL"),
            raw_sql("RAWHOLD"),
            raw_sql("RAWBLK")
        ),
        &[],
    );
    // Loaded ones: the record consignment is the wide one.
    for i in 0..4 {
        x(
            "INSERT INTO vehicles(vin, make, powertrain, status, consignment_id, loaded_at) VALUES (?1, ?2, 'BEV', 'loaded', 1, ?3)",
            params![format!("LOADED{i}{}", wide("L")), wide("LMAKE"), format!("2026-11-26T0{i}:00:00Z")],
        );
    }
    let ev = "INSERT INTO events(at, vin, kind, detail) VALUES (?1, ?2, ?3, ?4)";
    x(
        ev,
        &[
            &NOW,
            &format!("LSJW{}00", wide("VIN")),
            &wide("KIND"),
            &wide("DETAIL"),
        ],
    );
    x(
        &format!(
            "INSERT INTO events(at, vin, kind, detail) VALUES (?1, {}, {}, {})",
            raw_sql("RAWEVIN"),
            raw_sql("RAWKIND"),
            raw_sql("RAWDETAIL")
        ),
        &[&NOW],
    );
    x(ev, &[&wide("AT"), &null, &"note", &"中文 ← → ↑ ↓ … — ·"]);
}

/// Panics at the first byte above 0x7F, showing where it was.
fn assert_ascii(bytes: &[u8], what: &str) {
    if let Some(i) = bytes.iter().position(|b| *b > 0x7f) {
        panic!(
            "{what}: byte {:#04x} at {i} of {}: {:?}",
            bytes[i],
            bytes.len(),
            String::from_utf8_lossy(&bytes[i.saturating_sub(60)..(i + 20).min(bytes.len())])
        );
    }
}

/// How the terminal says it is not UTF-8.
#[derive(Debug, Clone, Copy)]
enum Setup {
    LangC,
    Vt100,
    AsciiFlag,
}

fn start(dir: &Path, db: &Path, setup: Setup) -> Pty {
    let mut args = vec![
        OsStr::new("--db"),
        db.as_os_str(),
        OsStr::new("--now"),
        OsStr::new(NOW),
    ];
    if let Setup::AsciiFlag = setup {
        args.push(OsStr::new("--ascii"));
    }
    let mut cmd = pty_command(dir, &args);
    match setup {
        Setup::LangC => {
            cmd.env("LANG", "C");
            cmd.env("LC_ALL", "C");
        }
        Setup::Vt100 => {
            cmd.env("TERM", "vt100");
        }
        Setup::AsciiFlag => {}
    }
    Pty::start_cmd(cmd, 120, 40)
}

/// Every view: main, block map, vehicle, consignment and its vehicle, alert
/// subjects, activity's vehicle, search, help, and the 80x24 tabs.
fn walk(p: &mut Pty) -> Vec<String> {
    let mut screens = Vec::new();
    let mut see = |p: &mut Pty, what: &str| {
        assert!(p.exited().is_none(), "crashed at {what}:\n{}", p.screen());
        screens.push(format!("== {what}\n{}", p.screen()));
    };
    see(p, "main");
    p.press("\t\r", 500);
    see(p, "block map");
    p.press("\r", 500);
    see(p, "vehicle");
    p.press("\x1b\x1b", 300);
    p.press("\t\r", 500);
    see(p, "consignment");
    p.press("\r", 500);
    see(p, "consignment vehicle");
    p.press("\x1b\x1b", 300);
    p.press("\t\r", 500);
    see(p, "alert subjects");
    p.press("\r", 500);
    see(p, "alert subject");
    p.press("\x1b\x1b", 300);
    p.press("\t\r", 500);
    see(p, "activity vehicle");
    p.press("\x1b", 200);
    p.press("/LSJW", 300);
    see(p, "search line");
    p.press("\r", 600);
    see(p, "search");
    p.press("\x1b\x1b", 300);
    p.press("?", 300);
    see(p, "help");
    p.press(" ", 200);
    p.resize(80, 24);
    for _ in 0..5 {
        p.press("\t", 300);
        see(p, "80x24 tab");
    }
    screens
}

fn run(setup: Setup) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    build(&db);
    let mut p = start(dir.path(), &db, setup);
    p.wait_until(8.0, |s| s.contains("REF") && s.contains("PORT"))
        .unwrap_or_else(|| panic!("{setup:?}: the yard was not shown:\n{}", p.screen()));
    std::thread::sleep(Duration::from_millis(300));
    let screens = walk(&mut p).join("\n");
    p.keys("q");
    assert!(p.exit_within(3.0).success(), "{setup:?}: q\n{screens}");
    let bytes = p.bytes();
    assert_ascii(&bytes, &format!("{setup:?}"));
    assert_never_shown(&bytes, &format!("{setup:?}"));
    assert_terminal_safe(&bytes, &format!("{setup:?}"));
    assert!(p.effects().is_empty(), "{setup:?}: {:?}", p.effects());
    // The walk reached the views (the tags are shown, around `?` for what ASCII
    // cannot say), and the C1 controls are shown escaped.
    for tag in [
        "PORT", "VESS", "REF", "MAKE", "KIND", "DETAIL", "RAWREF", "PWNED", "\\u{9d}",
    ] {
        assert!(
            screens.contains(tag),
            "{setup:?}: {tag:?} never shown:\n{screens}"
        );
    }
    assert!(
        screens.contains("??????->") || screens.contains("??????>"),
        "{screens}"
    );
}

#[test]
fn lang_c_gets_no_byte_above_0x7f_in_any_view() {
    run(Setup::LangC);
}

#[test]
fn vt100_gets_no_byte_above_0x7f_in_any_view() {
    run(Setup::Vt100);
}

#[test]
fn ascii_flag_gets_no_byte_above_0x7f_in_any_view() {
    run(Setup::AsciiFlag);
}

#[test]
fn text_snapshot_in_ascii_mode_is_pure_ascii() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    build(&db);
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)]);
    let cases: [Case; 3] = [
        (&["--ascii"], &[]),
        (&[], &[("LANG", "C"), ("LC_ALL", "C")]),
        (&[], &[("TERM", "vt100")]),
    ];
    for (flags, env) in cases {
        for size in [["120", "40"], ["80", "24"]] {
            let mut cmd = yardtop(dir.path());
            cmd.arg("--db").arg(&db).args(["--now", NOW]).args(flags);
            cmd.args([
                "snapshot", "--format", "text", "--width", size[0], "--height", size[1],
            ]);
            for (k, v) in env {
                cmd.env(k, v);
            }
            let out = cmd.output().unwrap();
            assert!(out.status.success(), "{flags:?} {env:?}: {:?}", out);
            let what = format!("snapshot {flags:?} {env:?} {size:?}");
            assert_ascii(&out.stdout, &what);
            assert_ascii(&out.stderr, &what);
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains("PORT") && text.contains("BRAND"), "{what}:\n{text}");
            // Every line as wide as a UTF-8 terminal would show it: no line longer
            // than the screen.
            let w: usize = size[0].parse().unwrap();
            assert!(text.lines().all(|l| l.len() <= w), "{what}:\n{text}");
        }
    }
}

#[test]
fn the_check_catches_a_high_byte() {
    let caught = std::panic::catch_unwind(|| assert_ascii("ok\u{9d}".as_bytes(), "test"));
    assert!(caught.is_err());
    let caught = std::panic::catch_unwind(|| assert_ascii(b"ok \x1b[0m fine", "test"));
    assert!(caught.is_ok());
}

#[test]
fn an_error_message_on_a_non_utf8_terminal_is_ascii() {
    let dir = tempfile::tempdir().unwrap();
    // A path with CJK and a C1 control in it, named in the error.
    let missing = dir.path().join("比亚迪\u{9d}.db");
    for (flags, env) in [
        (vec!["--ascii"], vec![]),
        (vec![], vec![("LANG", "C"), ("LC_ALL", "C")]),
    ] {
        let mut cmd = yardtop(dir.path());
        cmd.args(&flags).arg("--db").arg(&missing).arg("check");
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(!out.stderr.is_empty());
        assert_ascii(&out.stderr, &format!("stderr {flags:?} {env:?}"));
        assert_ascii(&out.stdout, &format!("stdout {flags:?} {env:?}"));
    }
}
