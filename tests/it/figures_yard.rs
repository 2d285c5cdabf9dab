//! Yard, consignment and alert figures (docs/database.md) on hand-made databases.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::common;
use common::yard;

const NOW: &str = "2026-11-26T09:00:00Z";

#[test]
fn soc_bands_stale_reading_is_unchecked_only() {
    let y = yard("UTC");
    y.block("N01", "nev", 10, 10);
    let fresh = Some("2026-11-25T09:00:00Z"); // 24 h old
    y.parked("OVER", "BEV", "parked", Some("N01"), Some(50.5), fresh, None);
    y.parked("EDGEHI", "BEV", "parked", Some("N01"), Some(50.0), fresh, None); // at the limit: in band
    y.parked("UNDER", "PHEV", "parked", Some("N01"), Some(19.9), fresh, None);
    y.parked("EDGELO", "FCEV", "parked", Some("N01"), Some(20.0), fresh, None); // in band
    y.parked(
        "STALE",
        "BEV",
        "parked",
        Some("N01"),
        Some(90.0),
        Some("2026-11-23T08:59:59Z"),
        None,
    ); // 72h+1s
    y.parked(
        "EXACT72",
        "BEV",
        "parked",
        Some("N01"),
        Some(90.0),
        Some("2026-11-23T09:00:00Z"),
        None,
    ); // 72 h: fresh
    y.parked("NOREAD", "BEV", "parked", Some("N01"), None, None, None);
    y.parked("NOTIME", "BEV", "parked", Some("N01"), Some(10.0), None, None);
    y.parked("HEV", "HEV", "parked", Some("N01"), Some(99.0), fresh, None); // not an NEV
    y.parked("GONE", "BEV", "loaded", None, Some(99.0), fresh, None); // not in the yard
    let f = y.figures(NOW);
    let s = f.yard.soc;
    assert_eq!((s.over_max, s.under_min, s.unchecked, s.in_band), (2, 1, 3, 2));
    assert_eq!(f.yard.in_yard, 9);
    assert_eq!(f.yard.in_yard_nev, 8);
    let over = f.alerts.iter().find(|a| a.kind == "soc_over_max").unwrap();
    assert_eq!(over.severity, yardtop::figures::Severity::Warning);
    assert_eq!(over.subjects, ["EXACT72", "OVER"]);
}

#[test]
fn staged_nev_over_limit_is_critical_and_listed_first() {
    let y = yard("UTC");
    y.block("S01", "staging", 2, 10);
    let fresh = Some("2026-11-26T08:00:00Z");
    y.parked("AAA", "BEV", "parked", Some("S01"), Some(60.0), fresh, None);
    y.parked("ZZZ", "BEV", "staged", Some("S01"), Some(60.0), fresh, None);
    let f = y.figures(NOW);
    let over = &f.alerts[0];
    assert_eq!(over.kind, "soc_over_max");
    assert_eq!(over.severity, yardtop::figures::Severity::Critical);
    assert_eq!(over.subjects, ["ZZZ", "AAA"]);
}

#[test]
fn thresholds_come_from_settings() {
    let y = yard("UTC");
    y.set("soc_max_pct", "40");
    y.set("soc_check_max_age_h", "1");
    y.block("N01", "nev", 1, 10);
    y.parked(
        "A",
        "BEV",
        "parked",
        Some("N01"),
        Some(45.0),
        Some("2026-11-26T08:30:00Z"),
        None,
    );
    y.parked(
        "B",
        "BEV",
        "parked",
        Some("N01"),
        Some(45.0),
        Some("2026-11-26T07:30:00Z"),
        None,
    );
    let f = y.figures(NOW);
    assert_eq!(f.yard.soc.over_max, 1);
    assert_eq!(f.yard.soc.unchecked, 1);
    assert_eq!(f.rules.soc_max_pct, 40.0);
}

#[test]
fn blocks_occupancy_zone_and_capacity() {
    let y = yard("UTC");
    y.block("I01", "ice", 1, 2);
    y.block("N01", "nev", 3, 4);
    y.parked("E1", "BEV", "parked", Some("I01"), None, None, None); // NEV in an ICE block
    y.parked("E2", "ICE", "hold", Some("I01"), None, None, None);
    y.parked("E3", "HEV", "gated_in", Some("I01"), None, None, None); // third car in 2 slots
    y.parked("N1", "PHEV", "staged", Some("N01"), None, None, None);
    y.parked("X1", "ICE", "parked", Some("NOPE"), None, None, None); // unknown block: still in the yard
    let f = y.figures(NOW);
    assert_eq!(f.yard.capacity, 14);
    assert_eq!(f.yard.in_yard, 5);
    let i01 = f.yard.blocks.iter().find(|b| b.code == "I01").unwrap();
    assert_eq!(
        (i01.capacity, i01.occupied, i01.nev, i01.zone.as_str()),
        (2, 3, 1, "ice")
    );
    assert_eq!(f.yard.nev_outside_nev_zone, 1);
    let kinds: Vec<_> = f.alerts.iter().map(|a| a.kind.as_str()).collect();
    assert!(kinds.contains(&"nev_outside_nev_zone"));
    let cap = f.alerts.iter().find(|a| a.kind == "block_over_capacity").unwrap();
    assert_eq!((cap.count, cap.subjects.clone()), (1, vec!["I01".to_string()]));
}

#[test]
fn holds_by_reason_and_critical_holds() {
    let y = yard("UTC");
    y.block("Q01", "quarantine", 2, 10);
    for (vin, reason) in [
        ("H1", "customs"),
        ("H2", "damage"),
        ("H3", "battery"),
        ("H4", "battery"),
        ("H5", "documents"),
        ("H6", "other"),
    ] {
        y.parked(vin, "BEV", "hold", Some("Q01"), None, None, None);
        y.exec(&format!(
            "UPDATE vehicles SET hold_reason = '{reason}' WHERE vin = '{vin}'"
        ));
    }
    y.parked("H7", "BEV", "hold", Some("Q01"), None, None, None); // no reason: a data-quality problem
    let f = y.figures(NOW);
    let h = f.yard.holds;
    assert_eq!(
        (h.customs, h.damage, h.battery, h.documents, h.other),
        (1, 1, 2, 1, 1)
    );
    let battery = f.alerts.iter().find(|a| a.kind == "battery_hold").unwrap();
    assert_eq!(
        (battery.count, battery.severity),
        (2, yardtop::figures::Severity::Critical)
    );
    assert!(f.alerts.iter().any(|a| a.kind == "damage_hold"));
    assert_eq!(f.data_quality.by_kind.get("unknown_hold_reason"), Some(&1));
}

#[test]
fn long_dwell_is_strictly_longer_than_the_limit() {
    let y = yard("UTC");
    y.block("I01", "ice", 2, 10);
    y.parked(
        "OLD",
        "ICE",
        "parked",
        Some("I01"),
        None,
        None,
        Some("2026-11-12T08:59:59Z"),
    );
    y.parked(
        "EXACT",
        "ICE",
        "parked",
        Some("I01"),
        None,
        None,
        Some("2026-11-12T09:00:00Z"),
    ); // exactly 14 days
    y.parked(
        "NEW",
        "ICE",
        "parked",
        Some("I01"),
        None,
        None,
        Some("2026-11-25T09:00:00Z"),
    );
    let f = y.figures(NOW);
    assert_eq!(f.yard.long_dwell, 1);
    let a = f.alerts.iter().find(|a| a.kind == "long_dwell").unwrap();
    assert_eq!(a.severity, yardtop::figures::Severity::Info);
    assert_eq!(a.subjects, ["OLD"]);
}

#[test]
fn consignment_progress_uph_and_at_risk() {
    let y = yard("UTC");
    y.block("S01", "staging", 10, 10);
    // 1: cut-off passed but fully delivered: not at risk.
    y.consignment(1, "DONE", "loading", 2, Some("2026-11-26T08:00:00Z"));
    y.loaded("D1", "BEV", "loaded", Some("2026-11-26T08:00:00Z"), Some(1)); // exactly 60 min ago: in UPH
    y.loaded("D2", "BEV", "loaded", Some("2026-11-26T07:59:59Z"), Some(1)); // 60 min + 1 s: out
                                                                            // 2: cut-off in 24 h exactly, short: at risk (ahead).
    y.consignment(2, "SHORT", "open", 3, Some("2026-11-27T09:00:00Z"));
    y.parked("S1", "ICE", "parked", Some("S01"), None, None, None);
    // 3: cut-off in 24 h + 1 s, short: not at risk.
    y.consignment(3, "LATER", "open", 3, Some("2026-11-27T09:00:01Z"));
    // 4: all delivered but one on hold, cut-off within the window: at risk.
    y.consignment(4, "HELD", "open", 2, Some("2026-11-26T20:00:00Z"));
    y.parked("H1", "BEV", "hold", Some("S01"), None, None, None);
    y.parked("H2", "BEV", "staged", Some("S01"), None, None, None);
    // 5: passed and short: cut-off passed.
    y.consignment(5, "LATE", "open", 5, Some("2026-11-26T01:00:00+08:00"));
    y.parked("E1", "BEV", "expected", None, None, None, None);
    // closed and cancelled ones are not pending.
    y.consignment(6, "OLD", "closed", 5, Some("2026-11-20T00:00:00Z"));
    y.consignment(8, "CXL", "cancelled", 5, Some("2026-11-20T00:00:00Z"));
    y.exec(
        "UPDATE vehicles SET consignment_id = 2 WHERE vin = 'S1';
         UPDATE vehicles SET consignment_id = 4 WHERE vin IN ('H1','H2');
         UPDATE vehicles SET consignment_id = 5 WHERE vin = 'E1';
         UPDATE vehicles SET hold_reason = 'customs' WHERE vin = 'H1';",
    );
    let f = y.figures(NOW);
    let refs: Vec<_> = f.consignments.iter().map(|c| c.reference.as_str()).collect();
    assert_eq!(refs, ["LATE", "DONE", "HELD", "SHORT", "LATER"]);
    let get = |r: &str| f.consignments.iter().find(|c| c.reference == r).unwrap();
    let done = get("DONE");
    assert_eq!(
        (done.loaded, done.delivered, done.uph, done.at_risk),
        (2, 2, 1, false)
    );
    assert!(get("SHORT").at_risk);
    assert!(!get("LATER").at_risk);
    let held = get("HELD");
    assert_eq!(
        (held.hold, held.staged, held.delivered, held.at_risk),
        (1, 1, 2, true)
    );
    let late = get("LATE");
    assert_eq!(
        (late.expected, late.delivered, late.at_risk, late.cutoff_passed),
        (1, 0, true, true)
    );
    assert_eq!(late.cutoff_at.as_deref(), Some("2026-11-25T17:00:00Z"));
    let at_risk = f.alerts.iter().find(|a| a.kind == "consignment_at_risk").unwrap();
    assert_eq!(at_risk.subjects, ["HELD", "SHORT"]);
    let passed = f.alerts.iter().find(|a| a.kind == "cutoff_passed").unwrap();
    assert_eq!(
        (passed.count, passed.severity),
        (1, yardtop::figures::Severity::Critical)
    );
}

#[test]
fn alert_kinds_with_zero_count_are_absent_and_severity_orders_them() {
    let y = yard("UTC");
    y.block("N01", "nev", 1, 10);
    let f = y.figures(NOW);
    assert!(f.alerts.is_empty(), "{:?}", f.alerts);
    y.parked(
        "A",
        "BEV",
        "parked",
        Some("N01"),
        None,
        None,
        Some("2026-01-01T00:00:00Z"),
    ); // unchecked + long dwell
    y.parked("B", "BEV", "hold", Some("N01"), None, None, None);
    y.exec("UPDATE vehicles SET hold_reason = 'damage' WHERE vin = 'B'");
    let f = y.figures(NOW);
    let kinds: Vec<_> = f.alerts.iter().map(|a| a.kind.as_str()).collect();
    assert_eq!(kinds, ["damage_hold", "soc_unchecked", "long_dwell"]);
}

#[test]
fn hostile_rows_never_crash_and_are_counted() {
    let y = yard("UTC");
    y.block("N01", "nev", 2, 2);
    y.exec(
        "INSERT INTO yard_blocks VALUES ('Z9', 'moon', 'many', 3);
         INSERT INTO vehicles(vin, powertrain, status, soc_pct, soc_checked_at, block, row, slot)
           VALUES ('T1', 'BEV', 'parked', 'full', '2026-11-26T08:00:00Z', 'N01', 'x', 1);
         INSERT INTO vehicles(vin, powertrain, status) VALUES (CAST(x'ff00fe' AS TEXT), 'BEV', 'parked');
         INSERT INTO vehicles(vin, powertrain, status) VALUES ('T3', 'BEV', 'teleported');
         INSERT INTO vehicles(vin, powertrain, status) VALUES ('T4', NULL, NULL);
         INSERT INTO vehicles(vin, powertrain, status) VALUES ('T6', 'moped', '');
         INSERT INTO vehicles(vin, powertrain, status, block) VALUES ('T5', 'BEV', 'parked', x'00ff');
         INSERT INTO consignments(id, ref, planned_units, cutoff_at, status) VALUES (1, 'C1', 'lots', 'soon', 'open');
         INSERT INTO events(at, vin, kind, detail) VALUES ('now', 'T1', 'gate_in', x'1b5b324a');",
    );
    let f = y.figures(NOW);
    assert_eq!(f.yard.in_yard, 3, "T1, the bad-UTF-8 VIN and T5 are parked");
    assert_eq!(f.yard.soc.over_max + f.yard.soc.under_min + f.yard.soc.in_band, 0);
    let dq = &f.data_quality.by_kind;
    for kind in [
        "unknown_zone",
        "bad_number",
        "bad_text",
        "unknown_status",
        "unknown_powertrain",
        "missing_value",
        "bad_timestamp",
    ] {
        assert!(
            dq.get(kind).copied().unwrap_or(0) > 0,
            "{kind} missing from {dq:?}"
        );
    }
    let c = &f.consignments[0];
    assert_eq!((c.cutoff_at.clone(), c.at_risk), (None, false));
    // JSON stays valid whatever the rows hold.
    let json = yardtop::snapshot::json::render(&f);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["data_quality"]["problems"].as_u64().unwrap() >= 7);
}

#[test]
fn json_has_the_keys_of_spec_section_5() {
    let y = yard("Asia/Shanghai");
    y.block("N01", "nev", 1, 10);
    y.consignment(1, "C1", "open", 10, Some("2026-11-27T00:00:00Z"));
    let f = y.figures(NOW);
    let v: serde_json::Value = serde_json::from_str(&yardtop::snapshot::json::render(&f)).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["generated_at"], "2026-11-26T09:00:00Z");
    assert_eq!(v["timezone"], "Asia/Shanghai");
    assert_eq!(v["port"]["locode"], "CNXMN");
    for k in ["today", "month", "year", "year_prior_same_period"] {
        assert!(
            v["exports"][k]["units"].is_u64() && v["exports"][k]["nev"].is_u64(),
            "{k}"
        );
    }
    assert!(v["exports"]["nev_yoy_ratio"].is_null());
    assert!(v["exports"]["record_consignment"].is_null());
    assert_eq!(v["exports"]["daily"].as_array().unwrap().len(), 30);
    for k in [
        "in_yard",
        "in_yard_nev",
        "capacity",
        "long_dwell",
        "nev_outside_nev_zone",
    ] {
        assert!(v["yard"][k].is_u64(), "{k}");
    }
    assert_eq!(v["yard"]["blocks"][0]["code"], "N01");
    for k in ["over_max", "under_min", "unchecked"] {
        assert!(v["yard"]["soc"][k].is_u64());
    }
    for k in ["customs", "damage", "battery", "documents", "other"] {
        assert!(v["yard"]["holds"][k].is_u64());
    }
    let c = &v["consignments"][0];
    for k in ["ref", "vessel", "voyage", "destination", "cutoff_at", "status"] {
        assert!(c[k].is_string(), "{k}");
    }
    for k in [
        "planned",
        "expected",
        "in_yard",
        "hold",
        "staged",
        "loaded",
        "delivered",
        "uph",
    ] {
        assert!(c[k].is_u64(), "{k}");
    }
    assert!(c["at_risk"].is_boolean());
    assert!(v["alerts"].is_array());
    assert!(v["data_quality"]["problems"].is_u64());
    assert!(v["data_quality"]["by_kind"].is_object());
}

#[test]
fn alerts_name_at_most_twenty_subjects_staged_first_but_count_all() {
    let y = yard("UTC");
    y.block("S01", "staging", 10, 10);
    let fresh = Some("2026-11-26T08:00:00Z");
    for i in 0..25 {
        let status = if i >= 23 { "staged" } else { "parked" };
        y.parked(
            &format!("V{i:02}"),
            "BEV",
            status,
            Some("S01"),
            Some(70.0),
            fresh,
            None,
        );
    }
    let f = y.figures(NOW);
    let over = f.alerts.iter().find(|a| a.kind == "soc_over_max").unwrap();
    assert_eq!(over.count, 25);
    assert_eq!(over.severity, yardtop::figures::Severity::Critical);
    assert_eq!(over.subjects.len(), 20);
    assert_eq!(&over.subjects[..3], ["V23", "V24", "V00"]);
    assert_eq!(over.subjects[19], "V17");
}

#[test]
fn a_vehicle_without_a_vin_is_in_the_yard_named_so_and_counted_as_a_problem() {
    let y = yard("UTC");
    y.block("N01", "nev", 2, 5);
    y.exec("INSERT INTO vehicles(vin, powertrain, status, block) VALUES (NULL, 'BEV', 'parked', 'N01')");
    let f = y.figures(NOW);
    assert_eq!(f.yard.in_yard, 1);
    let unchecked = f.alerts.iter().find(|a| a.kind == "soc_unchecked").unwrap();
    assert_eq!(unchecked.subjects, ["(no VIN)"]);
    assert_eq!(f.data_quality.by_kind.get("missing_vin"), Some(&1));
    assert_eq!(f.data_quality.problems, 1);
}

#[test]
fn empty_strings_are_missing_values_and_an_unreadable_soc_is_unchecked_only() {
    // Rules: over 50, under 20, stale after 72 h. Every NEV in the yard lands in
    // exactly one band; nothing untrusted is over or under.
    let y = yard("UTC");
    y.block("N01", "nev", 10, 10);
    let fresh = Some("2026-11-26T08:00:00Z");
    y.parked("OK", "BEV", "parked", Some("N01"), Some(35.0), fresh, None);
    y.parked("OVER", "BEV", "parked", Some("N01"), Some(80.0), fresh, None);
    y.parked("UNDER", "PHEV", "parked", Some("N01"), Some(10.0), fresh, None);
    y.parked(
        "STALE",
        "BEV",
        "parked",
        Some("N01"),
        Some(95.0),
        Some("2026-11-20T08:00:00Z"),
        None,
    );
    y.parked("NONE", "BEV", "parked", Some("N01"), None, None, None);
    y.parked("ICE1", "ICE", "parked", Some("N01"), Some(99.0), fresh, None);
    y.exec(
        "INSERT INTO vehicles(vin, powertrain, status, block, soc_pct, soc_checked_at) VALUES
           ('EMPTYSOC', 'BEV', 'parked', 'N01', '', '2026-11-26T08:00:00Z'),
           ('EMPTYAT', 'BEV', 'staged', 'N01', 90, ''),
           ('BADSOC', 'BEV', 'parked', 'N01', 'full', '2026-11-26T08:00:00Z'),
           ('BADAT', 'FCEV', 'hold', 'N01', 5, 'yesterday'),
           ('HIGHSOC', 'BEV', 'parked', 'N01', 180, '2026-11-26T08:00:00Z'),
           ('NOSTATUS', 'BEV', '', 'N01', 90, '2026-11-26T08:00:00Z');
         UPDATE vehicles SET hold_reason = 'battery' WHERE vin = 'BADAT';",
    );
    let f = y.figures("2026-11-26T09:00:00Z");
    let soc = &f.yard.soc;
    assert_eq!(f.yard.in_yard, 11, "NOSTATUS has no status: not in the yard");
    assert_eq!(f.yard.in_yard_nev, 10);
    assert_eq!((soc.over_max, soc.under_min, soc.in_band), (1, 1, 1));
    assert_eq!(
        soc.unchecked, 7,
        "STALE NONE EMPTYSOC EMPTYAT BADSOC BADAT HIGHSOC"
    );
    assert_eq!(
        soc.over_max + soc.under_min + soc.in_band + soc.unchecked,
        f.yard.in_yard_nev
    );
    let dq = &f.data_quality.by_kind;
    assert_eq!(dq.get("bad_number"), Some(&2), "BADSOC and HIGHSOC: {dq:?}");
    assert_eq!(
        dq.get("bad_timestamp"),
        Some(&1),
        "BADAT only, '' is missing: {dq:?}"
    );
    assert_eq!(dq.get("missing_value"), Some(&1), "NOSTATUS: {dq:?}");
    assert_eq!(
        dq.get("unknown_status"),
        None,
        "'' is not an unknown status: {dq:?}"
    );
    assert_eq!(f.data_quality.problems, 4);
    let over = f
        .alerts
        .iter()
        .find(|a| a.kind == "soc_over_max")
        .expect("over alert");
    assert_eq!(over.subjects, ["OVER"]);
}
