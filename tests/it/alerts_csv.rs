//! `yardtop snapshot --format csv --alert KIND` with the real binary: every subject,
//! no cap, a header row, clean text, clear errors, quiet on a closed pipe.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::common;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::yard;

const NOW: &str = "2026-11-26T09:00:00Z";

fn yardtop(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_yardtop"))
        .arg("--db")
        .arg(db)
        .args(["--now", NOW])
        .args(args)
        .env_remove("YARDTOP_DB")
        .output()
        .expect("run yardtop")
}

fn records(out: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out)
        .records()
        .map(|r| r.expect("valid CSV").iter().map(str::to_string).collect())
        .collect()
}

fn json_count(db: &std::path::Path, kind: &str) -> u64 {
    let out = yardtop(db, &["snapshot", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == kind)
        .map_or(0, |a| a["count"].as_u64().unwrap())
}

#[test]
fn every_subject_of_a_vehicle_alert_with_where_it_is() {
    let y = yard("UTC");
    y.block("N01", "nev", 50, 50);
    y.exec("INSERT INTO consignments(id, ref, status) VALUES (1, 'MG,\"GB\"\nBRS', 'open');");
    // More than the 20 the figures name, more than one batch of the reader's.
    for i in 0..2_100 {
        y.parked(
            &format!("LSJW{i:013}"),
            "BEV",
            if i == 2_000 { "staged" } else { "parked" },
            Some("N01"),
            Some(75.5),
            Some("2026-11-26T08:00:00+08:00"),
            None,
        );
    }
    y.exec(
        "UPDATE vehicles SET row = 4, slot = 9, consignment_id = 1 WHERE vin = 'LSJW0000000000005';
         UPDATE vehicles SET block = 'N0' || char(27) || '[2J' WHERE vin = 'LSJW0000000000006';",
    );
    let out = yardtop(
        &y.path,
        &["snapshot", "--format", "csv", "--alert", "soc_over_max"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = records(&out.stdout);
    assert_eq!(
        rows[0],
        [
            "vin",
            "block",
            "row",
            "slot",
            "status",
            "powertrain",
            "soc_pct",
            "soc_checked_at",
            "hold_reason",
            "consignment"
        ]
    );
    assert_eq!(rows.len() as u64 - 1, json_count(&y.path, "soc_over_max"));
    assert_eq!(rows.len(), 2_101);
    // Staged first: it is about to be loaded.
    assert_eq!(rows[1][0], "LSJW0000000002000");
    assert_eq!(rows[1][4], "staged");
    let five = rows.iter().find(|r| r[0] == "LSJW0000000000005").unwrap();
    assert_eq!(
        five,
        &[
            "LSJW0000000000005",
            "N01",
            "4",
            "9",
            "parked",
            "BEV",
            "75.5",
            "2026-11-26T00:00:00Z",
            "",
            "MG,\"GB\" BRS"
        ]
    );
    let six = rows.iter().find(|r| r[0] == "LSJW0000000000006").unwrap();
    assert_eq!(six[1], "N0\\e[2J");
    assert!(!out.stdout.contains(&0x1b));
}

#[test]
fn consignment_alerts_and_empty_alerts() {
    let y = yard("UTC");
    y.consignment(1, "MG-GBBRS-1", "loading", 10, Some("2026-11-26T08:00:00Z"));
    y.consignment(2, "MG-GBBRS-2", "open", 10, Some("2026-11-26T20:00:00Z"));
    for i in 0..10 {
        y.loaded(
            &format!("C1{i:015}"),
            "BEV",
            "loaded",
            Some("2026-11-26T07:00:00Z"),
            Some(1),
        );
    }
    y.exec("UPDATE vehicles SET status = 'hold', hold_reason = 'customs' WHERE vin = 'C1000000000000009';");
    let out = yardtop(
        &y.path,
        &["snapshot", "--format", "csv", "--alert", "cutoff_passed"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        records(&out.stdout),
        [
            vec![
                "ref",
                "vessel",
                "voyage",
                "destination",
                "cutoff_at",
                "planned",
                "delivered",
                "hold",
                "staged",
                "loaded"
            ],
            vec![
                "MG-GBBRS-1",
                "",
                "",
                "GBBRS",
                "2026-11-26T08:00:00Z",
                "10",
                "10",
                "1",
                "0",
                "9"
            ]
        ]
    );
    let out = yardtop(
        &y.path,
        &["snapshot", "--format", "csv", "--alert", "consignment_at_risk"],
    );
    assert_eq!(records(&out.stdout)[1][0], "MG-GBBRS-2");
    // An alert with nothing to report: the header alone.
    let out = yardtop(
        &y.path,
        &["snapshot", "--format", "csv", "--alert", "battery_hold"],
    );
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
}

#[test]
fn a_missing_or_unknown_kind_is_a_usage_error_naming_the_kinds() {
    let y = yard("UTC");
    for args in [
        &["snapshot", "--format", "csv"][..],
        &["snapshot", "--format", "csv", "--alert", "soc_too_high"][..],
    ] {
        let out = yardtop(&y.path, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("soc_over_max") && err.contains("cutoff_passed"),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
    let out = yardtop(&y.path, &["snapshot", "--alert", "soc_over_max"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format csv"));
}

#[test]
fn a_closed_pipe_ends_it_quietly() {
    let y = yard("UTC");
    y.block("N01", "nev", 100, 100);
    for i in 0..5_000 {
        y.parked(
            &format!("LSJW{i:013}"),
            "BEV",
            "parked",
            Some("N01"),
            None,
            None,
            None,
        );
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_yardtop"))
        .arg("--db")
        .arg(&y.path)
        .args([
            "--now",
            NOW,
            "snapshot",
            "--format",
            "csv",
            "--alert",
            "soc_unchecked",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is dropped here: the rest of the 5,000 rows meet a closed pipe.
    assert!(first.starts_with("vin,block,row,slot"));
    let out = child.wait_with_output().unwrap();
    let code = out.status.code();
    assert!(matches!(code, Some(0) | Some(141) | None), "{code:?}");
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}
