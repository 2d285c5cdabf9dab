//! `theme = "auto"` (the default) with a real pseudo-terminal that answers the
//! dashboard's background query (OSC 11) as xterm does: white gets the light theme,
//! black the dark one, and a terminal that never answers gets the dark one once the
//! wait is over. The theme shows in the raw bytes: titles are bold blue (`1;34`) in
//! the light theme and bold cyan (`1;36`) in the dark one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, PtySize};

const BIN: &str = env!("CARGO_BIN_EXE_yardtop");
const QUERY: &[u8] = b"\x1b]11;?\x1b\\";
const LIGHT_TITLE: &[u8] = b"\x1b[0;1;34m";
const DARK_TITLE: &[u8] = b"\x1b[0;1;36m";

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Runs the dashboard in a pty whose terminal answers the query with `answer`
/// (None: never answers); returns every byte the dashboard wrote.
fn run(dir: &Path, answer: Option<&'static [u8]>, extra_env: &[(&str, &str)]) -> Vec<u8> {
    let db = dir.join("yard.db");
    if !db.exists() {
        yardtop::writers::open::create_new(&db).unwrap();
    }
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(BIN);
    cmd.args(["--now", "2026-11-26T09:00:00Z", "--db"]);
    cmd.arg(&db);
    for v in ["YARDTOP_DB", "YARDTOP_CONFIG", "NO_COLOR", "YARDTOP_ASCII"] {
        cmd.env_remove(v);
    }
    cmd.env("TERM", "xterm-256color");
    cmd.env("LANG", "C.UTF-8");
    cmd.env("XDG_CONFIG_HOME", dir.join("config"));
    cmd.env("XDG_STATE_HOME", dir.join("state"));
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let writer = Arc::new(Mutex::new(pair.master.take_writer().unwrap()));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (seen2, writer2) = (seen.clone(), writer.clone());
    // The terminal: answers the query the moment it sees it, as xterm does.
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        let mut answered = false;
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            let mut s = seen2.lock().unwrap();
            s.extend_from_slice(&buf[..n]);
            if !answered && contains(&s, QUERY) {
                answered = true;
                if let Some(a) = answer {
                    let mut w = writer2.lock().unwrap();
                    let _ = w.write_all(a);
                    let _ = w.flush();
                }
            }
        }
    });
    // Wait (a guard, not a measurement) for the first full frame, then quit.
    let until = Instant::now() + Duration::from_secs(20);
    while !contains(&seen.lock().unwrap(), b"Activity") {
        assert!(
            Instant::now() < until,
            "no dashboard:\n{}",
            String::from_utf8_lossy(&seen.lock().unwrap())
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    writer.lock().unwrap().write_all(b"q").unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let out = seen.lock().unwrap().clone();
    out
}

/// Plenty of time for the answer: the test does not depend on how fast it is.
const PATIENT: &[(&str, &str)] = &[("YARDTOP_BACKGROUND_TIMEOUT_MS", "10000")];

#[test]
fn a_white_background_gets_the_light_theme() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), Some(b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\"), PATIENT);
    assert!(contains(&out, QUERY), "the terminal was not asked");
    assert!(contains(&out, LIGHT_TITLE), "no light title");
    assert!(!contains(&out, DARK_TITLE), "a dark title on white");
}

#[test]
fn a_black_background_gets_the_dark_theme() {
    let dir = tempfile::tempdir().unwrap();
    // BEL-terminated, as some terminals answer.
    let out = run(dir.path(), Some(b"\x1b]11;rgb:0000/0000/0000\x07"), PATIENT);
    assert!(contains(&out, QUERY), "the terminal was not asked");
    assert!(contains(&out, DARK_TITLE), "no dark title");
    assert!(!contains(&out, LIGHT_TITLE), "a light title on black");
}

#[test]
fn a_terminal_that_never_answers_gets_the_dark_theme() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), None, &[]);
    assert!(contains(&out, QUERY), "the terminal was not asked");
    assert!(contains(&out, DARK_TITLE), "no dark title");
}

#[test]
fn an_explicit_theme_asks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config").join("yardtop");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(cfg.join("config.toml"), "theme = \"light\"\n").unwrap();
    let db = dir.path().join("yard.db");
    yardtop::writers::open::create_new(&db).unwrap();
    let out = run(dir.path(), None, &[]);
    assert!(!contains(&out, QUERY), "asked with theme = \"light\"");
    assert!(contains(&out, LIGHT_TITLE), "no light title");
}
