//! Hostile data, end to end: a yard database whose every text column the
//! dashboard shows holds terminal escape sequences (OSC 52 clipboard writes,
//! OSC 8 links, title changes, cursor moves, screen clears), C1 controls (as
//! UTF-8 and as raw bytes), DEL, bidi overrides, invalid UTF-8, 100 KB strings,
//! CJK and emoji; numbers stored as text, NULLs everywhere, unknown enums,
//! unparseable timestamps (docs/database.md, and docs/terminals.md: "text from the database
//! never reaches the terminal as control characters or escape sequences").
//!
//! The real binary runs in a pseudo-terminal and is driven into every
//! drill-down; the raw bytes the terminal receives are checked, and an emulated
//! terminal records whether it was ever asked to set a title, write the
//! clipboard or ring. tests/ui_render.rs holds the same property for hand-built
//! figures rendered off screen; this proves it for what the reader really reads.
//!
//! Every injected escape is followed by a marker (`QX…`): the exact bytes
//! `ESC … QX…` must never reach the terminal, while the screen shows the
//! escaped form (`\e]52;…QX…`).
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

/// Every injected escape with its marker: these exact bytes must never reach the
/// terminal.
const INJECTED: &[&str] = &[
    "\x1b]52;c;cHduZWQ=\x07QX52",
    "\x1b]0;pwned\x07QXTITLE",
    "\x1b]8;;http://evil.example/\x1b\\QXLINK",
    "\x1b[2JQX2J",
    "\x1b[10;10HQXCUP",
    "\x1b[5AQXUP",
    "\x1b[31mQXSGR",
    "\x1bPq#0;2;0;0;0\x1b\\QXDCS",
    "\u{9b}2JQXC1CSI",
    "\u{9d}0;c1title\u{9c}QXC1OSC",
    "\u{85}QXNEL",
    "\x7fQXDEL",
    "\u{202e}QXRLO",
];

/// A hostile value for column `tag`: the injections in turn, each with its marker
/// and the tag, around ordinary text.
fn evil(tag: &str, i: usize) -> String {
    let a = INJECTED[i % INJECTED.len()];
    let b = INJECTED[(i + 5) % INJECTED.len()];
    format!("{a}-{tag} {b}-{tag}")
}

/// 100 KB and then an escape at the very end.
fn huge(tag: &str) -> String {
    format!("{}{}\x1b]0;QXBIG{tag}\x07", "W".repeat(100_000), tag)
}

/// The searchable hostile VIN (`/` by its suffix ZZ9Q7 opens it).
const EVIL_VIN: &str = "\x1b]0;pwned\x07QXTITLE-VIN-LSJWZZ9Q7";

fn build(path: &Path) {
    let conn = yardtop::writers::open::create_new(path).unwrap();
    fill(&conn);
}

/// The hostile rows. `x'..'` blobs cast to TEXT are invalid UTF-8 with raw C1
/// bytes (0x9b CSI, 0x9d OSC, 0x85 NEL) in them.
fn fill(conn: &Connection) {
    let x = |sql: &str, p: &[&dyn rusqlite::ToSql]| {
        conn.execute(sql, p).unwrap_or_else(|e| panic!("{sql}: {e}"));
    };
    // Settings: the port's name and code hostile, rules of the wrong type.
    x("DELETE FROM settings", &[]);
    for (k, v) in [
        ("port_name", format!("{} 港口🚢 Port", evil("PORT", 1))),
        ("port_locode", evil("LOC", 6)),
        ("timezone", format!("Mars/{}", evil("TZ", 2))),
        ("soc_max_pct", "fifty".into()),
        ("at_risk_hours", "\x1b[2JQX2J-RISK".into()),
        ("uph_target", "".into()),
    ] {
        x("INSERT INTO settings VALUES (?1, ?2)", &[&k, &v]);
    }
    x("INSERT INTO settings VALUES ('long_dwell_days', NULL)", &[]);

    // Blocks: codes and zones hostile, capacities of the wrong type. The hostile
    // block sorts first (ESC < letters), so Enter on the yard panel opens it.
    let b1 = format!("\x1b[2JQX2J-B1{}", "\u{202e}QXRLO");
    x("INSERT INTO yard_blocks VALUES (?1, 'nev', 3, 4)", &[&b1]);
    x(
        "INSERT INTO yard_blocks VALUES (?1, ?2, 'ten', 2)",
        &[&evil("BLK", 8), &evil("ZONE", 0)],
    );
    x(
        "INSERT INTO yard_blocks VALUES (CAST(x'4e9b324a51584331424c4b' AS TEXT), 'ice', NULL, NULL)",
        &[],
    );
    x(
        "INSERT INTO yard_blocks VALUES ('比亚迪区', 'staging', 2, 2)",
        &[],
    );
    x(
        "INSERT INTO yard_blocks VALUES (?1, ?2, 1, 1)",
        &[&huge("BLKH"), &"\u{202e}QXRLO-ZONE"],
    );
    x("INSERT INTO yard_blocks VALUES ('I01', 'ice', 2, 2)", &[]);

    // Vessels and calls.
    x(
        "INSERT INTO vessels VALUES (9000001, ?1, 6500)",
        &[&evil("VES", 1)],
    );
    x(
        "INSERT INTO vessels VALUES (9000002, '比亚迪 海豹 号', 'big')",
        &[],
    );
    x("INSERT INTO vessels VALUES (9000003, ?1, NULL)", &[&huge("VESH")]);
    x(
        "INSERT INTO vessels VALUES (9000004, CAST(x'9d303b7877839c5158564553' AS TEXT), 5000)",
        &[],
    );
    x(
        "INSERT INTO vessel_calls VALUES (1, 9000001, ?1, ?2, '2026-11-26T00:00:00Z', 'soon', 'alongside')",
        &[&evil("VOY", 3), &evil("BERTH", 4)],
    );
    x(
        "INSERT INTO vessel_calls VALUES (2, 9000002, '0412W', 'B2', 'yesterday', NULL, ?1)",
        &[&evil("CALLST", 5)],
    );
    x(
        "INSERT INTO vessel_calls VALUES (3, 9000003, ?1, NULL, NULL, NULL, 'expected')",
        &[&huge("VOYH")],
    );
    x(
        "INSERT INTO vessel_calls VALUES (4, 9000004, CAST(x'ff9b324a515856' AS TEXT), NULL, NULL, NULL, 'alongside')",
        &[],
    );

    // Consignments: refs, brands, destinations hostile; planned as text; an
    // unknown status; an unparseable cut-off.
    x(
        "INSERT INTO consignments VALUES (1, ?1, 1, ?2, ?3, 'many', '2026-11-26T12:00:00Z', 'open')",
        &[&evil("REF", 2), &evil("BRAND", 11), &evil("DEST", 8)],
    );
    x(
        "INSERT INTO consignments VALUES (2, ?1, 2, '比亚迪', 'GBBRS', 3061, '2026-11-26T20:00:00Z', 'loading')",
        &[&format!("REC-{}", evil("RECREF", 0))],
    );
    x(
        "INSERT INTO consignments VALUES (3, ?1, 3, NULL, NULL, NULL, 'tomorrow', 'open')",
        &[&huge("REFH")],
    );
    x(
        "INSERT INTO consignments VALUES (4, 'C-UNKNOWN', 4, ?1, ?2, 10, '2026-11-27T00:00:00Z', ?3)",
        &[&evil("BR4", 9), &evil("DST4", 10), &evil("CST", 7)],
    );
    x(
        "INSERT INTO consignments VALUES (5, CAST(x'43859b5158524546' AS TEXT), 4, CAST(x'9b33316d' AS TEXT), 'GB\u{85}BRS', 5, '2026-11-26T10:00:00Z', 'open')",
        &[],
    );
    x(
        "INSERT INTO consignments(id, ref) VALUES (6, 'NULLS-EVERYWHERE')",
        &[],
    );

    // Vehicles.
    let vin_sql = "INSERT INTO vehicles(vin, make, model, powertrain, soc_pct, soc_checked_at, consignment_id, status, hold_reason, block, row, slot, gate_in_at, loaded_at, updated_at)
                   VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
    let null = rusqlite::types::Null;
    x(
        vin_sql,
        &[
            &EVIL_VIN,
            &evil("MAKE", 0),
            &format!("海豹🚗 {}", evil("MODEL", 12)),
            &"BEV",
            &"high",
            &"yesterday",
            &1,
            &"parked",
            &null,
            &b1,
            &1,
            &1,
            &"2026-13-45T99:00:00Z",
            &null,
            &evil("UPD", 3),
        ],
    );
    // VIN NULL, in the hostile block.
    x(
        "INSERT INTO vehicles(vin, powertrain, status, block, row, slot) VALUES (NULL, 'PHEV', 'parked', ?1, 1, 2)",
        &[&b1],
    );
    // VIN invalid UTF-8 with raw C1 bytes.
    x(
        "INSERT INTO vehicles(vin, make, powertrain, status, block, row, slot, soc_pct, soc_checked_at)
         VALUES (CAST(x'4c9b324a9d303b78078551584e4556' AS TEXT), CAST(x'c0af9b' AS TEXT), 'BEV', 'hold', ?1, 1, 3, 80, '2026-11-26T08:00:00Z')",
        &[&b1],
    );
    x(
        "UPDATE vehicles SET hold_reason = ?1 WHERE status = 'hold'",
        &[&evil("HOLD", 4)],
    );
    // A 100 KB VIN, an integer VIN, a blob VIN.
    x(
        "INSERT INTO vehicles(vin, powertrain, status, block, row, slot, consignment_id) VALUES (?1, 'ICE', 'parked', ?2, 2, 1, 1)",
        &[&huge("VINH"), &b1],
    );
    x(
        "INSERT INTO vehicles(vin, powertrain, status, block, row, slot, consignment_id) VALUES (12345, ?1, ?2, ?3, 'two', 2.5, 1)",
        &[&evil("PT", 5), &evil("ST", 6), &b1],
    );
    x(
        "INSERT INTO vehicles(vin, powertrain, status, block, row, slot) VALUES (x'1b5d303b7877071b5b324a', 'BEV', 'staged', ?1, 3, 1)",
        &[&b1],
    );
    // Everything NULL but the VIN; an unknown powertrain and status.
    x("INSERT INTO vehicles(vin) VALUES ('LSJW2410NULLS0001')", &[]);
    x(
        "INSERT INTO vehicles(vin, make, model, powertrain, status, block, row, slot, gate_in_at, consignment_id)
         VALUES ('LSJW2410UNKNOWN01', '比亚迪', '海豹', 'NUCLEAR\x1b[2JQX2J', 'teleported', ?1, 3, 2, 'not a time', 1)",
        &[&evil("BLK", 8)],
    );
    // Ordinary vehicles with CJK and emoji names on the hostile consignment, and
    // loaded ones making consignment 2 the record.
    for i in 0..6 {
        x(
            "INSERT INTO vehicles(vin, make, model, powertrain, status, block, row, slot, gate_in_at, consignment_id, soc_pct, soc_checked_at)
             VALUES (?1, '比亚迪', '海豹🚗', 'BEV', 'parked', '比亚迪区', ?2, ?3, '2026-11-20T00:00:00Z', 1, 45, '2026-11-26T08:00:00Z')",
            params![format!("LSJW2410CJK0000{i}"), i / 2 % 2 + 1, i % 2 + 1],
        );
    }
    for i in 0..8 {
        x(
            "INSERT INTO vehicles(vin, make, model, powertrain, status, consignment_id, loaded_at, gate_in_at)
             VALUES (?1, ?2, 'MG4', ?3, 'loaded', 2, ?4, '2026-11-20T00:00:00Z')",
            params![
                format!("LSJW2410LOAD000{i}"),
                evil("LMAKE", i),
                if i % 2 == 0 { "BEV" } else { "ICE" },
                format!("2026-11-26T0{}:00:00Z", i % 8)
            ],
        );
    }
    x(
        "INSERT INTO vehicles(vin, status, loaded_at, consignment_id, powertrain) VALUES ('LSJW2410BADLOAD01', 'loaded', 'last tuesday', 2, 'BEV')",
        &[],
    );

    // Events: every column hostile, of the wrong type, NULL, huge, raw bytes.
    let ev = "INSERT INTO events(at, vin, kind, detail) VALUES (?1, ?2, ?3, ?4)";
    x(ev, &[&"\x1b[2JQX2J-AT", &null, &evil("KIND", 2), &evil("DET", 0)]);
    x(ev, &[&NOW, &"LSJW2410CJK00000", &"park", &huge("DETH")]);
    x(
        "INSERT INTO events(at, vin, kind, detail) VALUES (1700000000, 42, 42, CAST(x'9b33316d5158524157ff' AS TEXT))",
        &[],
    );
    x(
        ev,
        &[
            &"2026-11-26T08:59:00+08:00",
            &null,
            &"note",
            &"C1 \u{85}\u{9b}\u{9d} bidi \u{202e}QXRLO del \x7f 中文 🚗 tab\there\nnewline\rcr\x07bell",
        ],
    );
    x(ev, &[&"2026-11-26T08:58:00.123Z", &null, &"note", &null]);
    for i in 0..INJECTED.len() {
        x(ev, &[&NOW, &"LSJW2410CJK00001", &"note", &evil("EVD", i)]);
    }
    // On the vehicle whose VIN is not valid UTF-8.
    x(
        "INSERT INTO events(at, vin, kind, detail) VALUES (?1, CAST(x'4c9b324a9d303b78078551584e4556' AS TEXT), 'hold', 'raw-vin-event')",
        &[&NOW],
    );
    // The newest: on the searchable hostile vehicle.
    x(ev, &[&NOW, &EVIL_VIN, &evil("EVK", 1), &evil("EVLAST", 2)]);
}

/// The raw-output rules, and that none of the injected sequences got through.
fn assert_clean_output(bytes: &[u8], what: &str) {
    assert_terminal_safe(bytes, what);
    for inj in INJECTED {
        assert!(
            !contains(bytes, inj.as_bytes()),
            "{what}: the injected {inj:?} reached the terminal"
        );
    }
    // The markers appear only as text: never straight after an escape sequence.
    for e in escapes(bytes) {
        let after = &bytes[e.at + e.bytes.len()..];
        assert!(
            !after.starts_with(b"QX"),
            "{what}: escape {:?} right before a marker: {:?}",
            String::from_utf8_lossy(&e.bytes),
            String::from_utf8_lossy(&after[..after.len().min(30)])
        );
    }
    // The dashboard clears the screen once, when it starts; a clear anywhere else
    // would be an injected one.
    assert_eq!(
        count(bytes, b"\x1b[2J"),
        1,
        "{what}: screen cleared more than once"
    );
}

fn start(dir: &Path, db: &Path, cols: u16, rows: u16) -> Pty {
    Pty::start(
        dir,
        &[
            OsStr::new("--db"),
            db.as_os_str(),
            OsStr::new("--now"),
            OsStr::new(NOW),
        ],
        cols,
        rows,
    )
}

/// The screens seen on the way, for the visible-escape checks.
struct Walk {
    screens: Vec<(String, String)>,
}

impl Walk {
    fn see(&mut self, p: &mut Pty, what: &str) {
        assert!(
            p.exited().is_none(),
            "crashed at {what}:\n{}\n{}",
            p.screen(),
            String::from_utf8_lossy(&p.bytes())
                .rsplit("\x1b")
                .next()
                .unwrap_or("")
        );
        self.screens.push((what.to_string(), p.screen()));
    }

    fn all(&self) -> String {
        self.screens
            .iter()
            .map(|(w, s)| format!("== {w}\n{s}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[test]
fn hostile_text_never_reaches_the_terminal_in_any_view() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    build(&db);
    let mut p = start(dir.path(), &db, 120, 40);
    p.wait_until(8.0, |s| {
        s.contains("QXTITLE") && s.contains("Pending consignments")
    })
    .unwrap_or_else(|| panic!("the hostile yard was not shown:\n{}", p.screen()));
    std::thread::sleep(Duration::from_millis(300));
    let mut walk = Walk { screens: Vec::new() };
    walk.see(&mut p, "main");
    // Yard panel → the hostile block's map → its first vehicle → back.
    p.press("\t\r", 500);
    walk.see(&mut p, "block map");
    p.press("\r", 500);
    walk.see(&mut p, "vehicle from the block map");
    p.press("\x1b", 200);
    p.press("\x1b[C\x1b[C\r", 500); // the vehicle with the raw-byte VIN
    walk.see(&mut p, "raw-byte vehicle");
    p.press("\x1b\x1b", 300);
    // Consignments → the first pending one → a vehicle → back.
    p.press("\t\r", 500);
    walk.see(&mut p, "consignment");
    p.press("\r", 500);
    walk.see(&mut p, "vehicle from the consignment");
    p.press("\x1b\x1bj\r", 500);
    walk.see(&mut p, "second consignment");
    p.press("\x1b", 200);
    // Alerts → the first alert's subjects → its first subject → back.
    p.press("\t\r", 500);
    walk.see(&mut p, "alert subjects");
    p.press("\r", 500);
    walk.see(&mut p, "alert subject");
    p.press("\x1b\x1b", 300);
    // Activity → the newest event's vehicle → back.
    p.press("\t\r", 500);
    walk.see(&mut p, "vehicle from activity");
    p.press("\x1b", 200);
    // Search by the hostile VIN's suffix: a unique match opens the vehicle.
    p.press("/ZZ9Q7", 200);
    walk.see(&mut p, "search line");
    p.press("\r", 600);
    walk.see(&mut p, "vehicle from search");
    assert!(
        p.screen().contains("LSJWZZ9Q7"),
        "search did not open the vehicle:\n{}",
        p.screen()
    );
    p.press("\x1b", 200);
    // A search typed with escapes in it.
    p.press("/\x1b]0;QXTYPED\x07", 300);
    p.press("\x1b", 200);
    p.press("?", 300);
    walk.see(&mut p, "help");
    p.press(" ", 200);
    p.press("r", 600);
    walk.see(&mut p, "after refresh");

    p.keys("q");
    let st = p.exit_within(3.0);
    assert!(st.success(), "q: {st:?}\n{}", walk.all());
    let bytes = p.bytes();
    assert_never_shown(&bytes, "hostile run");
    assert_clean_output(&bytes, "hostile run");
    let fx = p.effects();
    assert!(fx.is_empty(), "the terminal was made to act: {fx:?}");

    // The escapes are shown, visibly, as text.
    let seen = walk.all();
    eprintln!("{seen}");
    for visible in [
        "\\e]0;pwned\\x07QXTITLE", // header: port name
        "\\e]52;c;cHduZWQ=\\x07QX52",
        "\\e[2JQX2J",
        "\\u{9b}2JQXC1CSI",
        "\\x7fQXDEL",
        "\\u{202e}QXRLO",
        "港口🚢",
        "海豹🚗",
        REPLACEMENT_SHOWN, // invalid UTF-8, shown as U+FFFD
    ] {
        assert!(seen.contains(visible), "{visible:?} never shown:\n{seen}");
    }
    // Every drill-down showed something of its own (the walk reached it), and
    // every vehicle opened was found, with its events, whatever its VIN holds.
    let screen = |w: &str| &walk.screens.iter().find(|(n, _)| n == w).unwrap().1;
    assert!(!seen.contains("no vehicle with VIN"), "{seen}");
    for w in ["raw-byte vehicle", "alert subject"] {
        let s = screen(w);
        assert!(s.contains("QXNEV") && s.contains("raw-vin-event"), "{w}:\n{s}");
    }
    assert!(screen("block map").contains("QX2J-B1"), "{}", screen("block map"));
    assert!(
        screen("vehicle from search").contains("QXMODEL") || screen("vehicle from search").contains("QX")
    );
    assert!(
        screen("vehicle from activity").contains("LSJWZZ9Q7"),
        "{}",
        screen("vehicle from activity")
    );
}

#[test]
fn hostile_text_at_80x24_and_after_resizes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    build(&db);
    let mut p = start(dir.path(), &db, 80, 24);
    p.wait_until(8.0, |s| s.contains("QX"))
        .unwrap_or_else(|| panic!("the hostile yard was not shown:\n{}", p.screen()));
    for _ in 0..5 {
        p.press("\t", 250);
        p.press("\r", 400);
        p.press("\x1b", 200);
    }
    let before_resize = p.bytes();
    p.resize(120, 40);
    p.press("", 600);
    p.resize(50, 12);
    p.press("", 400);
    p.resize(80, 24);
    p.press("", 600);
    assert!(p.exited().is_none(), "crashed on resize:\n{}", p.screen());
    p.keys("q");
    assert!(p.exit_within(3.0).success());
    let bytes = p.bytes();
    assert_never_shown(&bytes, "80x24");
    assert_clean_output(&before_resize, "80x24 before resizing");
    // Resizes clear the screen legitimately; every other rule still holds.
    assert_terminal_safe(&bytes, "80x24 with resizes");
    for inj in INJECTED {
        assert!(!contains(&bytes, inj.as_bytes()), "{inj:?} reached the terminal");
    }
    assert!(p.effects().is_empty(), "{:?}", p.effects());
}

/// Characters a report must not carry raw: every C0 control but newline (ESC
/// included: JSON writes it as `\u001b`), and with `strict` also DEL, the C1
/// controls (U+0080–U+009F, which some terminals obey when they arrive as UTF-8)
/// and bidi overrides.
fn control_chars(out: &[u8], strict: bool) -> Vec<String> {
    let text = String::from_utf8_lossy(out);
    let chars: Vec<char> = text.chars().collect();
    let mut bad = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        let c0 = *c < '\u{20}' && *c != '\n';
        let other = *c == '\u{7f}'
            || ('\u{80}'..='\u{9f}').contains(c)
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c0 || (strict && other) {
            let around: String = chars[i.saturating_sub(40)..(i + 20).min(chars.len())]
                .iter()
                .collect();
            bad.push(format!("{c:?} at char {i}: {around:?}"));
        }
    }
    bad
}

const REPORTS: [&[&str]; 5] = [
    &["snapshot", "--format", "json"],
    &["snapshot", "--format", "text"],
    &["snapshot", "--format", "prometheus"],
    &["snapshot", "--format", "text", "--width", "80", "--height", "24"],
    &["check"],
];

fn report(db: &Path, home: &Path, args: &[&str]) -> std::process::Output {
    yardtop(home)
        .arg("--db")
        .arg(db)
        .arg("--now")
        .arg(NOW)
        .args(args)
        .output()
        .unwrap()
}

/// Every report on the hostile database: exit 0 or 1, no panic, no control
/// characters (the JSON: no C0 control; see the ignored test below for the rest).
fn reports_are_clean(db: &Path, home: &Path) {
    for args in REPORTS {
        let out = report(db, home, args);
        let code = out.status.code();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(code, Some(0) | Some(1)),
            "{args:?}: exit {code:?}\n{err}"
        );
        assert_never_shown(&out.stderr, &format!("{args:?} stderr"));
        assert_never_shown(&out.stdout, &format!("{args:?} stdout"));
        let json = args[0] == "snapshot" && args[2] == "json";
        let bad = control_chars(&out.stdout, !json);
        assert!(bad.is_empty(), "{args:?}: control characters in stdout: {bad:#?}");
        let bad = control_chars(&out.stderr, true);
        assert!(bad.is_empty(), "{args:?}: control characters in stderr: {bad:#?}");
        if json {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("snapshot json does not parse: {e}"));
            assert_eq!(v["schema_version"], 1);
            assert!(
                v["data_quality"]["problems"].as_u64().unwrap_or(0) > 0,
                "hostile rows not counted as data-quality problems: {}",
                v["data_quality"]
            );
        }
        if args[0] == "check" {
            assert_eq!(code, Some(1), "check found no problems in a hostile database");
        }
    }
}

#[test]
fn snapshot_and_check_on_hostile_data_print_no_control_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    build(&db);
    reports_are_clean(&db, dir.path());
}

/// Known bug, reported (src/snapshot/json.rs is not this suite's to change):
/// `snapshot --format json` escapes C0 controls but writes DEL, C1 controls
/// (U+0085, U+009B, U+009D...) and bidi overrides (U+202E) raw, so
/// `yardtop snapshot --format json` printed to a terminal can still carry a C1
/// CSI. Fixed: json.rs now escapes them.
#[test]
fn snapshot_json_escapes_del_c1_and_bidi_controls() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    build(&db);
    let out = report(&db, dir.path(), &["snapshot", "--format", "json"]);
    let bad = control_chars(&out.stdout, true);
    assert!(bad.is_empty(), "control characters in the JSON: {bad:#?}");
}

#[test]
fn snapshot_and_check_on_a_hostile_contract_database() {
    // The same rows in a database another system created from the contract alone
    // (no yardtop indexes, summaries or triggers: the slow, exact path).
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("contract.db");
    let conn = Connection::open(&db).unwrap();
    let schema = yardtop::db::SCHEMA_SQL;
    let contract: String = schema
        .split(';')
        .filter(|s| s.contains("CREATE TABLE"))
        .map(|s| format!("{s};"))
        .collect();
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; {contract} PRAGMA user_version = 1;"
    ))
    .unwrap();
    fill(&conn);
    drop(conn);
    reports_are_clean(&db, dir.path());
    // And the dashboard on it.
    let mut p = start(dir.path(), &db, 120, 40);
    p.wait_until(8.0, |s| s.contains("QXTITLE") && s.contains("init --existing"))
        .unwrap_or_else(|| panic!("{}", p.screen()));
    p.press("\t\r", 500);
    p.press("\r", 500);
    p.press("\x1b\x1b/ZZ9Q7\r", 600);
    p.keys("q");
    assert!(p.exit_within(3.0).success());
    assert_never_shown(&p.bytes(), "contract db");
    assert_clean_output(&p.bytes(), "contract db");
    assert!(p.effects().is_empty(), "{:?}", p.effects());
}

/// The screen columns where `needle` starts, one per row it is on.
fn columns_of(p: &Pty, needle: &str) -> Vec<(u16, u16)> {
    p.find_all(needle)
}

#[test]
fn wide_names_keep_columns_aligned() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    let conn = yardtop::writers::open::create_new(&db).unwrap();
    conn.execute_batch(
        "INSERT INTO settings VALUES ('port_name', '厦门港 Xiamen'), ('port_locode', 'CNXMN'), ('timezone', 'Asia/Shanghai');
         INSERT INTO yard_blocks VALUES ('N01', 'nev', 4, 10), ('比亚迪', 'nev', 2, 5), ('🚗🚗', 'ice', 2, 5);
         INSERT INTO vessels VALUES (9000001, 'GLOVIS SUN', 6500), (9000002, '比亚迪 海豹 号', 7000),
                                    (9000003, '🚢 EMOJI EXPRESS 🚢', 5000), (9000004, '安吉 长江 号 滚装船 远洋 运输', 5000);
         INSERT INTO vessel_calls VALUES (1, 9000001, '0412W', 'B1', '2026-11-26T00:00:00Z', NULL, 'alongside'),
                                         (2, 9000002, '比亚迪01', 'B2', '2026-11-26T00:00:00Z', NULL, 'alongside'),
                                         (3, 9000003, '🚢7', 'B3', '2026-11-27T00:00:00Z', NULL, 'expected'),
                                         (4, 9000004, '长江9', 'B4', '2026-11-27T00:00:00Z', NULL, 'expected');
         INSERT INTO consignments VALUES (1, 'MG-GBBRS-01', 1, 'MG', 'GBBRS', 300, '2026-11-26T12:00:00Z', 'loading'),
                                         (2, '比亚迪-01', 2, '比亚迪', 'AEJEA', 200, '2026-11-26T13:00:00Z', 'open'),
                                         (3, '🚗-03', 3, '🚗', 'BEZEE', 100, '2026-11-26T14:00:00Z', 'open'),
                                         (4, 'CJ-04', 4, '长江', 'DEBRV', 100, '2026-11-26T15:00:00Z', 'open');",
    )
    .unwrap();
    let makes = [
        ("MG", "MG4"),
        ("比亚迪", "海豹"),
        ("🚗🚗", "⚡🚗 Seal"),
        ("长城汽车 哈弗", "枭龙 MAX 长版 超长的名字"),
    ];
    for i in 0..8 {
        let (make, model) = makes[i % 4];
        conn.execute(
            "INSERT INTO vehicles(vin, make, model, powertrain, status, block, row, slot, gate_in_at, consignment_id, soc_pct, soc_checked_at)
             VALUES (?1, ?2, ?3, 'BEV', 'parked', 'N01', ?4, ?5, '2026-11-26T01:00:00Z', 1, 40, '2026-11-26T08:00:00Z')",
            params![format!("LSJW2410WIDE0000{i}"), make, model, i / 4 + 1, i % 4 + 1],
        )
        .unwrap();
    }
    drop(conn);
    let mut p = start(dir.path(), &db, 120, 40);
    p.wait_until(8.0, |s| s.contains("DEBRV") && s.contains("Pending consignments"))
        .unwrap_or_else(|| panic!("{}", p.screen()));
    std::thread::sleep(Duration::from_millis(300));

    // Pending consignments: the destination column starts at the same x on every
    // row, whatever the width of the vessel name before it.
    let xs: Vec<(String, u16)> = ["GBBRS", "AEJEA", "BEZEE", "DEBRV"]
        .iter()
        .map(|d| {
            let hits = columns_of(&p, &format!(" {d} "));
            assert_eq!(hits.len(), 1, "{d}: {hits:?}\n{}", p.screen());
            (d.to_string(), hits[0].1)
        })
        .collect();
    eprintln!("destination columns: {xs:?}");
    assert!(
        xs.iter().all(|(_, x)| *x == xs[0].1),
        "destinations not aligned: {xs:?}\n{}",
        p.screen()
    );
    // The panels' right borders stay at the same x on every row.
    let borders: Vec<Vec<u16>> = (0..p.rows)
        .map(|r| {
            p.row_cells(r)
                .into_iter()
                .filter(|(_, t)| t == "│")
                .map(|(c, _)| c)
                .collect()
        })
        .collect();
    for (r, b) in borders.iter().enumerate() {
        if let Some(last) = b.last() {
            assert_eq!(
                *last,
                p.cols - 1,
                "row {r}: right border at {last}:\n{}",
                p.screen()
            );
        }
    }

    // The consignment's vehicles: the column after make / model is aligned too.
    p.press("\t\t\r", 800);
    p.wait_for("LSJW2410WIDE00003", 3.0);
    let screen = p.screen();
    let vin_rows: Vec<(u16, String)> = (0..p.rows)
        .filter_map(|r| {
            let line: String = p.row_cells(r).into_iter().map(|(_, t)| t).collect();
            line.contains("LSJW2410WIDE").then_some((r, line))
        })
        .collect();
    assert!(vin_rows.len() >= 8, "{screen}");
    // The status column ("parked") starts at the same x on every vehicle row.
    let parked: Vec<u16> = columns_of(&p, "parked").into_iter().map(|(_, c)| c).collect();
    assert!(parked.len() >= 8, "{parked:?}\n{screen}");
    assert!(
        parked.iter().all(|x| *x == parked[0]),
        "status column not aligned: {parked:?}\n{screen}"
    );
    for r in 0..p.rows {
        if let Some((c, _)) = p.row_cells(r).into_iter().rev().find(|(_, t)| t == "│") {
            assert_eq!(c, p.cols - 1, "row {r}:\n{screen}");
        }
    }
    p.keys("q");
    assert!(p.exit_within(3.0).success());
    assert_terminal_safe(&p.bytes(), "wide names");
}

/// The raw-byte checks themselves: the dashboard's own output passes, and each
/// kind of injection that could get through is caught.
#[test]
fn the_raw_byte_checks_catch_what_they_must() {
    let app = "\x1b[?1049h\x1b[?25l\x1b[2J\x1b[?2026h\x1b[1;1H\x1b[0;1;36m┌ Port \\e]0;pwned\\x07QXTITLE 比亚迪\x1b[5C│\x1b[0m\x1b[?2026l";
    let ok = std::panic::catch_unwind(|| assert_clean_output(app.as_bytes(), "app"));
    assert!(ok.is_ok(), "the app's own output was refused");
    let mut bad: Vec<Vec<u8>> = INJECTED
        .iter()
        .map(|inj| format!("{app}{inj}").into_bytes())
        .collect();
    bad.push(format!("{app}\x07").into_bytes()); // a bell
    bad.push([app.as_bytes(), b"\x9b2J"].concat()); // a raw C1 byte
    bad.push([app.as_bytes(), b"\xc2\x9b2J"].concat()); // C1 as UTF-8
    bad.push(format!("{app}\x1b[0mQXSGR").into_bytes()); // an escape right before a marker
    bad.push(format!("{app}\x1b[2J").into_bytes()); // a second clear
    for b in bad {
        let caught = std::panic::catch_unwind(|| assert_clean_output(&b, "injected"));
        assert!(caught.is_err(), "not caught: {:?}", String::from_utf8_lossy(&b));
    }
}
