//! The CSV walkthrough of the README as a newcomer follows it: `demo --examples`,
//! `init`, the six imports, `check` and the dashboard's figures, with the real
//! binary, at several hours of the port's day (docs/importing.md).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::common::yardtop;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

const KINDS: [&str; 6] = ["blocks", "vessels", "calls", "consignments", "vehicles", "events"];

fn run(dir: &Path, args: &[&str]) -> Output {
    yardtop(dir).args(args).output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "yardtop {args:?}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Follows the walkthrough at `now` in a fresh folder; returns the snapshot.
fn walk(now: &str) -> Value {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let said = ok(dir, &["--now", now, "demo", "--examples", "examples"]);
    assert!(said.contains("blocks.csv"), "{said}");
    ok(
        dir,
        &[
            "init",
            "--db",
            "yard.db",
            "--port-name",
            "Xiamen Port",
            "--locode",
            "CNXMN",
            "--tz",
            "Asia/Shanghai",
        ],
    );
    for kind in KINDS {
        let file = format!("examples/{kind}.csv");
        let said = ok(dir, &["import", "--db", "yard.db", kind, &file]);
        assert!(said.starts_with("imported "), "{kind}: {said}");
    }
    let check = run(dir, &["check", "--db", "yard.db", "--now", now]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "check at {now}:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let json = ok(
        dir,
        &["snapshot", "--db", "yard.db", "--now", now, "--format", "json"],
    );
    serde_json::from_str(&json).unwrap()
}

fn alert_kinds(snap: &Value) -> Vec<String> {
    snap["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap().to_string())
        .collect()
}

/// What the walkthrough must show whatever the hour: loads today, no cut-off
/// passed, SoC readings recent, and the yard's real problems as alerts.
fn looks_like_a_working_day(now: &str, snap: &Value) {
    let today = snap["exports"]["today"]["units"].as_i64().unwrap();
    assert!(today > 0, "{now}: no exports today: {}", snap["exports"]);
    let kinds = alert_kinds(snap);
    assert!(!kinds.contains(&"cutoff_passed".to_string()), "{now}: {kinds:?}");
    assert!(
        kinds.contains(&"consignment_at_risk".to_string()),
        "{now}: {kinds:?}"
    );
    assert!(kinds.contains(&"soc_over_max".to_string()), "{now}: {kinds:?}");
    // Two NEVs of the examples have no reading at all; every other one is recent.
    assert_eq!(snap["yard"]["soc"]["unchecked"], 2, "{now}: {}", snap["yard"]);
    assert_eq!(snap["yard"]["in_yard"], 25, "{now}");
    let consignments = snap["consignments"].as_array().unwrap();
    assert_eq!(consignments.len(), 7, "{now}");
    for c in consignments {
        let cutoff = c["cutoff_at"].as_str().unwrap();
        assert!(
            yardtop::time::parse_ts(cutoff) > yardtop::time::parse_ts(now),
            "{now}: {} has its cut-off at {cutoff}",
            c["ref"]
        );
    }
    assert_eq!(snap["data_quality"]["problems"], 0, "{now}");
}

#[test]
fn the_walkthrough_shows_a_working_day_at_any_hour() {
    // Afternoon, just after the port's midnight, just before it (Asia/Shanghai,
    // UTC+8), and a day in another year.
    for now in [
        "2026-12-02T05:00:00Z",
        "2026-12-02T16:00:30Z",
        "2026-12-02T15:59:00Z",
        "2027-07-15T01:00:00Z",
    ] {
        let snap = walk(now);
        looks_like_a_working_day(now, &snap);
    }
}

#[test]
fn the_examples_are_the_same_for_the_same_now_and_follow_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let files = |folder: &str| -> Vec<String> {
        KINDS
            .iter()
            .map(|k| std::fs::read_to_string(dir.join(folder).join(format!("{k}.csv"))).unwrap())
            .collect()
    };
    let now = "2026-12-02T05:00:00Z";
    ok(dir, &["--now", now, "demo", "--examples", "a"]);
    ok(dir, &["--now", now, "demo", "--examples", "b"]);
    ok(dir, &["--now", "2026-12-03T05:00:00Z", "demo", "--examples", "c"]);
    assert_eq!(files("a"), files("b"));
    assert_ne!(files("a"), files("c"));
    // The columns are those of the shipped copy, in its order.
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples");
    for (kind, text) in KINDS.iter().zip(files("a")) {
        let copy = std::fs::read_to_string(shipped.join(format!("{kind}.csv"))).unwrap();
        assert_eq!(text.lines().next(), copy.lines().next(), "{kind}");
        assert_eq!(text.lines().count(), copy.lines().count(), "{kind}");
    }
    // Never over a file: the second run into a used folder is refused whole.
    let again = run(dir, &["--now", now, "demo", "--examples", "a"]);
    assert_eq!(again.status.code(), Some(1));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.contains("already exists") && err.contains("never overwrites"),
        "{err}"
    );
}

#[test]
fn demo_help_says_where_the_demo_really_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let help = ok(tmp.path(), &["demo", "--help"]);
    assert!(help.contains("demo.db in your data folder"), "{help}");
    assert!(help.contains("~/.local/share/yardtop/demo.db"), "{help}");
    assert!(help.contains("--examples <DIR>"), "{help}");
}
