//! The command line as a user meets it: help texts and completions held by
//! snapshots (a changed interface shows in review), exit codes and messages.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use std::process::{Command, Output};

fn yardtop(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yardtop"))
        .args(args)
        .env_remove("YARDTOP_DB")
        .env_remove("NO_COLOR")
        .env("XDG_CONFIG_HOME", "/nonexistent-yardtop-test")
        .env("XDG_STATE_HOME", std::env::temp_dir())
        .output()
        .expect("run yardtop")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn help_of_every_command() {
    for cmd in [
        "",
        "demo",
        "init",
        "import",
        "simulate",
        "snapshot",
        "check",
        "config",
        "completions",
        "man",
    ] {
        let args: Vec<&str> = if cmd.is_empty() {
            vec!["--help"]
        } else {
            vec![cmd, "--help"]
        };
        let out = yardtop(&args);
        assert!(out.status.success(), "{cmd} --help");
        let name = if cmd.is_empty() {
            "help".to_string()
        } else {
            format!("help_{cmd}")
        };
        insta::assert_snapshot!(name, text(&out.stdout));
    }
}

#[test]
fn bash_completions() {
    let out = yardtop(&["completions", "bash"]);
    assert!(out.status.success());
    let script = text(&out.stdout);
    assert!(
        script.contains("complete -F _yardtop"),
        "not a bash completion script"
    );
    insta::assert_snapshot!("completions_bash", script);
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = yardtop(&["completions", shell]);
        assert!(out.status.success() && !out.stdout.is_empty(), "{shell}");
    }
}

#[test]
fn man_page_is_roff() {
    let out = yardtop(&["man"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).starts_with(".TH YARDTOP 1 "));
}

#[test]
fn usage_errors_exit_2_with_one_clear_line() {
    for (args, says) in [
        (vec!["--bogus"], "--bogus"),
        (vec!["snapshot", "--now", "yesterday"], "RFC 3339"),
        (vec!["snapshot", "--tz", "Mars/Olympus"], "IANA"),
        (vec!["snapshot", "--db", "/nonexistent/yard.db"], "does not exist"),
        (vec!["check", "--db", "/nonexistent/yard.db"], "does not exist"),
    ] {
        let out = yardtop(&args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(
            !err.contains("Os {") && !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
            "{err}"
        );
    }
    assert!(!std::path::Path::new("/nonexistent/yard.db").exists());
}

#[test]
fn a_file_that_is_not_a_database_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yard.db");
    std::fs::write(&path, "this is a shopping list, not a yard\n".repeat(200)).unwrap();
    for cmd in ["snapshot", "check"] {
        let out = yardtop(
            &[cmd, "--db", path.to_str().unwrap(), "--format", "json"][..if cmd == "check" { 3 } else { 5 }],
        );
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {err}");
        assert!(err.contains(path.to_str().unwrap()), "{cmd}: {err}");
        assert!(!err.contains("Os {") && !err.contains("panicked"), "{err}");
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        "this is a shopping list, not a yard\n".repeat(200).as_bytes()
    );
}

#[test]
fn init_refuses_an_existing_file_and_a_missing_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yard.db");
    std::fs::write(&path, b"keep me").unwrap();
    let out = yardtop(&["init", "--db", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("already exists"));
    assert_eq!(std::fs::read(&path).unwrap(), b"keep me");
    let missing = dir.path().join("no/such/folder/yard.db");
    let out = yardtop(&["init", "--db", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("does not exist"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn init_writes_schema_version_wal_and_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yard.db");
    let out = yardtop(&[
        "init",
        "--db",
        path.to_str().unwrap(),
        "--port-name",
        "Xiamen Port",
        "--locode",
        "CNXMN",
        "--tz",
        "Asia/Shanghai",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!((v, mode.as_str()), (1, "wal"));
    let get = |k: &str| -> String {
        conn.query_row("SELECT value FROM settings WHERE key = ?1", [k], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(get("timezone"), "Asia/Shanghai");
    assert_eq!(get("port_locode"), "CNXMN");
    assert_eq!(get("soc_max_pct"), "50");
    assert_eq!(get("soc_min_pct"), "20");
    let out = yardtop(&[
        "init",
        "--db",
        dir.path().join("b.db").to_str().unwrap(),
        "--locode",
        "cnxmn",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("UN/LOCODE"));
}

#[test]
fn json_snapshot_of_an_empty_yard() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yard.db");
    assert!(
        yardtop(&["init", "--db", path.to_str().unwrap(), "--tz", "Asia/Shanghai"])
            .status
            .success()
    );
    let out = yardtop(&[
        "snapshot",
        "--db",
        path.to_str().unwrap(),
        "--format",
        "json",
        "--now",
        "2026-11-26T09:00:00Z",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["timezone"], "Asia/Shanghai");
    assert_eq!(v["exports"]["daily"][29]["date"], "2026-11-26");
    let prom = yardtop(&[
        "snapshot",
        "--db",
        path.to_str().unwrap(),
        "--format",
        "prometheus",
        "--now",
        "2026-11-26T09:00:00Z",
    ]);
    let p = text(&prom.stdout);
    assert!(p.contains("# TYPE yardtop_exports_today_vehicles gauge"), "{p}");
    assert!(
        p.contains("yardtop_exports_today_vehicles{locode=\"unknown\",class=\"nev\"} 0"),
        "{p}"
    );
}

#[test]
fn config_with_a_typo_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "theme = \"dark\"\nrefresh_ms = 1000\ncolour = \"red\"\n").unwrap();
    let out = yardtop(&["config", "--config", cfg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("{}:3:", cfg.display())), "{err}");
    assert!(err.contains("colour"), "{err}");
    let out = yardtop(&["config", "--default"]);
    assert!(text(&out.stdout).contains("theme = \"auto\""));
}

#[test]
fn a_non_utf8_locale_or_an_old_terminal_gets_ascii() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yard.db");
    assert!(yardtop(&["init", "--db", path.to_str().unwrap()])
        .status
        .success());
    let screen = |vars: &[(&str, &str)]| -> String {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_yardtop"));
        cmd.args([
            "snapshot",
            "--db",
            path.to_str().unwrap(),
            "--width",
            "80",
            "--height",
            "24",
        ]);
        cmd.env_remove("LC_ALL")
            .env_remove("LC_CTYPE")
            .env_remove("LANG")
            .env("TERM", "xterm-256color");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        text(&cmd.output().unwrap().stdout)
    };
    assert!(!screen(&[("LANG", "en_US.UTF-8")]).is_ascii());
    assert!(screen(&[("LANG", "C")]).is_ascii());
    assert!(screen(&[("LANG", "en_US.ISO-8859-1")]).is_ascii());
    assert!(screen(&[("LANG", "en_US.UTF-8"), ("TERM", "vt100")]).is_ascii());
}
