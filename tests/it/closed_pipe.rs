//! Output into a closed pipe (`yardtop … | head -1`) ends a command quietly: exit 0 or
//! 141 (as for SIGPIPE), never an abort (134), a panic (101) or an "internal error".
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use std::process::Command;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_yardtop")
}

/// Runs `yardtop ARGS 2>&1 | head -c 1` in bash; returns yardtop's own exit status and
/// what `head` read.
fn through_closed_pipe(args: &str, dir: &std::path::Path) -> (i32, String) {
    let script = format!(
        "cd '{}' && '{}' {args} 2>&1 | head -c 1; echo \" status=${{PIPESTATUS[0]}}\"",
        dir.display(),
        bin()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .env_remove("YARDTOP_DB")
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .output()
        .expect("run bash");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let status = text
        .rsplit("status=")
        .next()
        .and_then(|s| s.trim().parse().ok())
        .expect("status printed");
    (status, text)
}

fn assert_quiet(args: &str, dir: &std::path::Path) {
    let (status, text) = through_closed_pipe(args, dir);
    assert!(
        status == 0 || status == 141,
        "`yardtop {args} | head -c 1` exited {status} (want 0 or 141): {text}"
    );
    assert!(!text.contains("internal error"), "{text}");
}

#[test]
fn every_printing_command_ends_quietly_on_a_closed_pipe() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("yard.db");
    let st = Command::new(bin())
        .args(["init", "--db"])
        .arg(&db)
        .args([
            "--port-name",
            "Xiamen Port",
            "--locode",
            "CNXMN",
            "--tz",
            "Asia/Shanghai",
        ])
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .status()
        .expect("init");
    assert!(st.success());
    for args in [
        "man",
        "completions bash",
        "completions fish",
        "config --default",
        "--help",
        "snapshot --db yard.db --format json",
        "snapshot --db yard.db --format text",
        "snapshot --db yard.db --format prometheus",
        "check --db yard.db",
    ] {
        assert_quiet(args, dir.path());
    }
}

#[test]
fn an_import_reporting_thousands_of_bad_lines_ends_quietly_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("yard.db");
    let st = Command::new(bin())
        .args(["init", "--db"])
        .arg(&db)
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .status()
        .expect("init");
    assert!(st.success());
    let mut csv = String::from("at,vin,kind,detail\n");
    for i in 0..5000 {
        csv.push_str(&format!("not-a-time-{i},LSVXXXXX,gate_in,\n"));
    }
    std::fs::write(dir.path().join("events.csv"), csv).expect("write csv");
    assert_quiet("import --db yard.db events events.csv", dir.path());
    let conn = rusqlite::Connection::open(&db).expect("open");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 0, "a failed import wrote rows");
}
