//! The group view of several yards (docs/operations.md, "Operations centre"): the
//! real binary in a pseudo-terminal on two yard databases; a commit at one yard is
//! on the overview within 3 s, Enter opens that yard's own dashboard and Esc
//! returns; a yard's file deleted and restored anew (as `litestream restore` does,
//! by renaming a new file over it) shows as such in its row and is followed without
//! a restart; the other yard is never blanked. Also `snapshot` and `check` of a group.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::robust_common;

use std::ffi::OsStr;
use std::process::Command;

use robust_common::*;

/// The overview row of `yard` (by name) on the screen.
fn row<'a>(screen: &'a str, yard: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.trim_start_matches(['│', '|']).starts_with(yard))
        .unwrap_or("")
}

#[test]
fn the_overview_follows_each_yard_opens_it_and_survives_a_restore() {
    let dir = tempfile::tempdir().unwrap();
    let haitian = dir.path().join("haitian.db");
    let songyu = dir.path().join("songyu.db");
    small_yard(&haitian, "Haitian", "CNHTN", 3, 10);
    small_yard(&songyu, "Songyu", "CNSYU", 7, 10);
    let mut p = Pty::start(
        dir.path(),
        &[
            OsStr::new("--db"),
            haitian.as_os_str(),
            OsStr::new("--db"),
            songyu.as_os_str(),
        ],
        120,
        30,
    );
    p.wait_until(10.0, |s| {
        row(s, "haitian").contains("CNHTN") && row(s, "songyu").contains("CNSYU")
    })
    .unwrap_or_else(|| panic!("no overview:\n{}", p.screen()));
    let s = p.screen();
    assert!(s.contains("Port group"), "{s}");
    // Totals add units: 3 + 7 in the yard.
    assert!(
        s.lines()
            .any(|l| l.contains("Group (2 of 2 read)") && l.contains(" 10 ")),
        "{s}"
    );

    // A commit at one terminal reaches the overview within 3 s.
    let w = writer(&songyu);
    park_bev(&w, 7, 10);
    drop(w);
    let took = p
        .wait_until(3.0, |s| row(s, "songyu").split_whitespace().nth(2) == Some("8"))
        .unwrap_or_else(|| panic!("the commit did not reach the overview:\n{}", p.screen()));
    eprintln!("commit on the overview after {took:?}");

    // Enter opens the selected yard's own dashboard; Esc returns.
    p.keys("j");
    p.keys("\r");
    p.wait_until(5.0, |s| {
        s.contains("Songyu (CNSYU)") && s.contains("db ") && s.contains("songyu.db")
    })
    .unwrap_or_else(|| panic!("Enter did not open the yard:\n{}", p.screen()));
    p.keys("\x1b");
    p.wait_until(5.0, |s| s.contains("Port group"))
        .unwrap_or_else(|| panic!("Esc did not return to the group:\n{}", p.screen()));

    // The replica is restored anew: deleted, then a new file renamed over the path.
    remove_db(&haitian);
    p.wait_until(5.0, |s| row(s, "haitian").contains("UNREACHABLE"))
        .unwrap_or_else(|| panic!("a deleted yard was not said:\n{}", p.screen()));
    assert!(row(&p.screen(), "songyu").contains("CNSYU"), "{}", p.screen());
    let fresh = dir.path().join("haitian.db.tmp");
    small_yard(&fresh, "Haitian", "CNHTN", 5, 10);
    std::fs::rename(&fresh, &haitian).unwrap();
    p.wait_until(5.0, |s| {
        let r = row(s, "haitian");
        r.contains("CNHTN") && r.split_whitespace().nth(2) == Some("5")
    })
    .unwrap_or_else(|| panic!("the restored yard was not followed:\n{}", p.screen()));
    p.keys("q");
    p.exit_within(5.0);
}

#[test]
fn snapshot_and_check_of_a_group() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    let b = dir.path().join("b.db");
    small_yard(&a, "Haitian", "CNHTN", 3, 10);
    small_yard(&b, "Songyu", "CNSYU", 7, 10);
    let run = |args: &[&str]| -> std::process::Output {
        yardtop(dir.path())
            .args(["--db", "a.db", "--db", "b.db"])
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["snapshot", "--format", "json", "--now", "2026-11-26T09:00:00Z"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let yards = v["yards"].as_array().unwrap();
    assert_eq!(yards.len(), 2);
    assert_eq!(yards[0]["port"]["locode"], "CNHTN");
    assert_eq!(yards[1]["yard"]["in_yard"], 7);

    // One exposition for the group: every family once, each series with its
    // yard's locode, and promtool accepts it.
    let out = run(&["snapshot", "--format", "prometheus"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let prom = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        prom.contains("locode=\"CNHTN\"") && prom.contains("locode=\"CNSYU\""),
        "{prom}"
    );
    let mut series: Vec<&str> = prom
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.rsplit_once(' ').map_or(l, |(k, _)| k))
        .collect();
    let n = series.len();
    series.sort_unstable();
    series.dedup();
    assert_eq!(series.len(), n, "duplicate series in the group's exposition");
    let mut check = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool is needed (Debian package prometheus; .ci/install-clients.sh installs it)");
    {
        use std::io::Write;
        check.stdin.take().unwrap().write_all(prom.as_bytes()).unwrap();
    }
    let checked = check.wait_with_output().unwrap();
    assert!(
        checked.status.success() && checked.stdout.is_empty() && checked.stderr.is_empty(),
        "promtool: {}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );

    let out = run(&["check"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("== a ==") && text.contains("== b =="), "{text}");

    // Two yards with one LOCODE: an error naming both paths.
    let c = dir.path().join("c.db");
    small_yard(&c, "Haitian again", "CNHTN", 1, 10);
    let mut p = Pty::start(
        dir.path(),
        &[
            OsStr::new("--db"),
            a.as_os_str(),
            OsStr::new("--db"),
            c.as_os_str(),
        ],
        120,
        30,
    );
    let status = p.exit_within(5.0);
    assert_eq!(status.exit_code(), 2);
    let s = String::from_utf8_lossy(&p.bytes()).into_owned();
    assert!(
        s.contains("a.db") && s.contains("c.db") && s.contains("CNHTN"),
        "{s}"
    );

    // Writers take one yard.
    let out = Command::new(BIN)
        .args(["--db", "a.db", "--db", "b.db", "import", "events", "x.csv"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_config_file_names_the_yards_of_the_group() {
    let dir = tempfile::tempdir().unwrap();
    small_yard(&dir.path().join("h.db"), "Haitian", "CNHTN", 2, 10);
    small_yard(&dir.path().join("s.db"), "Songyu", "CNSYU", 4, 10);
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "theme = \"dark\"\n[[yards]]\nname = \"Haitian\"\ndb = \"{}\"\n\n[[yards]]\nname = \"Songyu\"\ndb = \"{}\"\n",
            dir.path().join("h.db").display(),
            dir.path().join("s.db").display()
        ),
    )
    .unwrap();
    let out = yardtop(dir.path())
        .arg("--config")
        .arg(&config)
        .args(["snapshot", "--format", "text", "--width", "120", "--height", "16"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(row(&text, "Haitian").contains("CNHTN"), "{text}");
    assert!(row(&text, "Songyu").contains("CNSYU"), "{text}");
    // A typo in an entry names the line.
    std::fs::write(&config, "[[yards]]\nname = \"Haitian\"\npath = \"h.db\"\n").unwrap();
    let out = yardtop(dir.path())
        .arg("--config")
        .arg(&config)
        .arg("check")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("config.toml:3"), "{err}");
}

/// `yardtop demo` builds its yard in the data folder and opens the dashboard on that
/// yard, not on the default `./yard.db` of the other commands.
#[test]
fn demo_opens_the_dashboard_on_the_yard_it_built() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Pty::start(
        dir.path(),
        &[
            OsStr::new("demo"),
            OsStr::new("--scale"),
            OsStr::new("5000"),
            OsStr::new("--no-live"),
        ],
        120,
        40,
    );
    p.wait_until(60.0, |s| {
        s.contains("DEMO") && s.contains("In yard") && s.contains("demo.db")
    })
    .unwrap_or_else(|| panic!("the demo's dashboard did not open on its yard:\n{}", p.screen()));
    assert!(!p.screen().contains("does not exist"), "{}", p.screen());
    p.keys("q");
    p.exit_within(5.0);
}
