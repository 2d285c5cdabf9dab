//! Export counters (docs/database.md) on hand-made databases; every expected figure was
//! worked out by hand from the definitions.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::common;
use common::yard;

// 2026-11-26 17:00 in Xiamen.
const NOW: &str = "2026-11-26T09:00:00Z";

#[test]
fn export_at_half_past_midnight_port_time_is_today_although_yesterday_in_utc() {
    let y = yard("Asia/Shanghai");
    y.loaded("V1", "BEV", "loaded", Some("2026-11-25T16:30:00Z"), None); // 00:30 on the 26th, port time
    y.loaded("V2", "BEV", "loaded", Some("2026-11-25T15:59:59Z"), None); // 23:59:59 on the 25th
    let f = y.figures(NOW);
    assert_eq!((f.exports.today.units, f.exports.today.nev), (1, 1));
    assert_eq!(f.exports.month.units, 2);
}

#[test]
fn offset_timestamps_and_fractional_seconds_are_read() {
    let y = yard("Asia/Shanghai");
    y.loaded("V1", "ICE", "loaded", Some("2026-11-26T00:30:00+08:00"), None); // = 16:30Z on the 25th
    y.loaded(
        "V2",
        "ICE",
        "departed",
        Some("2026-11-25T23:59:59.999+08:00"),
        None,
    ); // yesterday
    y.loaded("V3", "ICE", "loaded", Some("2026-11-26T08:59:59.500Z"), None);
    let f = y.figures(NOW);
    assert_eq!(f.exports.today.units, 2);
    assert_eq!(f.exports.today.nev, 0);
}

#[test]
fn hev_is_not_an_nev_but_phev_and_fcev_are() {
    let y = yard("UTC");
    for (vin, p) in [
        ("V1", "BEV"),
        ("V2", "PHEV"),
        ("V3", "FCEV"),
        ("V4", "HEV"),
        ("V5", "ICE"),
    ] {
        y.loaded(vin, p, "loaded", Some("2026-11-26T08:00:00Z"), None);
    }
    let f = y.figures(NOW);
    assert_eq!(f.exports.today.units, 5);
    assert_eq!(f.exports.today.nev, 3);
}

#[test]
fn loaded_without_loaded_at_is_not_exported() {
    let y = yard("UTC");
    y.loaded("V1", "BEV", "loaded", None, None);
    y.loaded("V2", "BEV", "departed", None, None);
    y.loaded("V3", "BEV", "staged", Some("2026-11-26T08:00:00Z"), None); // not loaded
    let f = y.figures(NOW);
    assert_eq!(f.exports.year.units, 0);
}

#[test]
fn export_after_now_is_not_counted() {
    let y = yard("UTC");
    y.loaded("V1", "BEV", "loaded", Some("2026-11-26T09:00:00Z"), None); // exactly now: included
    y.loaded("V2", "BEV", "loaded", Some("2026-11-26T09:00:01Z"), None);
    let f = y.figures(NOW);
    assert_eq!(f.exports.today.units, 1);
}

#[test]
fn same_period_last_year_ends_at_the_same_local_time() {
    let y = yard("Asia/Shanghai");
    // Last year's window: 2025-01-01 00:00 +08 .. 2025-11-26 17:00 +08.
    y.loaded("P1", "BEV", "loaded", Some("2024-12-31T16:00:00Z"), None); // its first instant: in
    y.loaded("P2", "BEV", "loaded", Some("2024-12-31T15:59:59Z"), None); // 2024: out
    y.loaded("P3", "BEV", "loaded", Some("2025-11-26T09:00:00Z"), None); // its last instant: in
    y.loaded("P4", "BEV", "loaded", Some("2025-11-26T09:01:00Z"), None); // one minute after: out
    y.loaded("P5", "ICE", "loaded", Some("2025-06-01T00:00:00Z"), None);
    for i in 0..5 {
        y.loaded(
            &format!("T{i}"),
            "PHEV",
            "loaded",
            Some("2026-03-01T00:00:00Z"),
            None,
        );
    }
    let f = y.figures(NOW);
    assert_eq!(f.exports.year_prior_same_period.units, 3);
    assert_eq!(f.exports.year_prior_same_period.nev, 2);
    assert_eq!(f.exports.year.nev, 5);
    assert_eq!(f.exports.nev_yoy_ratio, Some(2.5));
}

#[test]
fn leap_day_maps_to_28_february_last_year() {
    let y = yard("UTC");
    y.loaded("A", "BEV", "loaded", Some("2027-02-28T12:00:00Z"), None); // same time, 28 Feb: in
    y.loaded("B", "BEV", "loaded", Some("2027-02-28T12:01:00Z"), None); // one minute later: out
    y.loaded("C", "BEV", "loaded", Some("2027-03-01T00:00:00Z"), None); // out
    let f = y.figures("2028-02-29T12:00:00Z");
    assert_eq!(f.exports.year_prior_same_period.nev, 1);
    assert_eq!(f.exports.nev_yoy_ratio, Some(0.0));
}

#[test]
fn yoy_ratio_is_null_without_last_year() {
    let y = yard("UTC");
    y.loaded("A", "BEV", "loaded", Some("2026-05-01T00:00:00Z"), None);
    y.loaded("B", "ICE", "loaded", Some("2025-05-01T00:00:00Z"), None); // last year, but no NEV
    let f = y.figures(NOW);
    assert_eq!(f.exports.nev_yoy_ratio, None);
    let json = yardtop::snapshot::json::render(&f);
    assert!(json.contains("\"nev_yoy_ratio\": null"), "{json}");
}

#[test]
fn thirty_daily_buckets_end_today_in_port_time() {
    let y = yard("Asia/Shanghai");
    y.loaded("A", "BEV", "loaded", Some("2026-11-25T16:30:00Z"), None); // today (26th)
    y.loaded("B", "ICE", "loaded", Some("2026-11-25T15:30:00Z"), None); // 25th
    y.loaded("C", "ICE", "loaded", Some("2026-10-27T16:00:00Z"), None); // 28 Oct: oldest bucket
    y.loaded("D", "ICE", "loaded", Some("2026-10-27T15:59:59Z"), None); // 27 Oct: before the window
    let f = y.figures(NOW);
    let d = &f.exports.daily;
    assert_eq!(d.len(), 30);
    assert_eq!(d[0].date, "2026-10-28");
    assert_eq!(d[29].date, "2026-11-26");
    assert_eq!((d[29].units, d[29].nev), (1, 1));
    assert_eq!((d[28].units, d[28].nev), (1, 0));
    assert_eq!(d[0].units, 1);
    assert_eq!(d.iter().map(|x| x.units).sum::<u64>(), 3);
}

#[test]
fn record_consignment_most_exported_ties_to_lowest_id() {
    let y = yard("Asia/Shanghai");
    y.consignment(7, "CN-B", "closed", 2, None);
    y.consignment(3, "CN-A", "closed", 2, None);
    y.consignment(9, "CN-C", "closed", 5, None);
    y.loaded("A1", "BEV", "loaded", Some("2023-05-27T10:00:00Z"), Some(3));
    y.loaded("A2", "ICE", "departed", Some("2023-05-27T16:30:00Z"), Some(3)); // 28 May port time
    y.loaded("B1", "BEV", "departed", Some("2023-05-20T10:00:00Z"), Some(7));
    y.loaded("B2", "BEV", "departed", Some("2023-05-20T10:00:00Z"), Some(7));
    y.loaded("C1", "BEV", "loaded", None, Some(9)); // not exported
    y.loaded("C2", "BEV", "staged", None, Some(9));
    let f = y.figures("2023-05-31T15:00:00Z");
    let r = f.exports.record_consignment.expect("record");
    assert_eq!(r.reference, "CN-A");
    assert_eq!((r.units, r.nev), (2, 1));
    assert_eq!(r.loaded_on, "2023-05-28");
}

#[test]
fn no_exports_no_record() {
    let y = yard("UTC");
    let f = y.figures(NOW);
    assert!(f.exports.record_consignment.is_none());
    assert_eq!(f.exports.today.units, 0);
}

#[test]
fn unreadable_loaded_at_is_left_out_and_counted_as_data_quality() {
    let y = yard("UTC");
    y.loaded("A", "BEV", "loaded", Some("yesterday"), None);
    y.loaded("B", "BEV", "loaded", Some("2026-11-26 08:00:00"), None); // no zone
    y.loaded("C", "WARP", "loaded", Some("2026-11-26T08:00:00Z"), None); // unknown powertrain
    let f = y.figures(NOW);
    assert_eq!(f.exports.today.units, 1, "C counts as a unit");
    assert_eq!(f.exports.today.nev, 0, "but not as an NEV");
    assert_eq!(f.data_quality.by_kind.get("bad_timestamp"), Some(&2));
    assert_eq!(f.data_quality.by_kind.get("unknown_powertrain"), Some(&1));
    assert_eq!(f.data_quality.problems, 3);
    let dq = f
        .alerts
        .iter()
        .find(|a| a.kind == "data_quality")
        .expect("data_quality alert");
    assert_eq!(dq.count, 3);
}

#[test]
fn the_record_is_as_of_now_loads_after_now_have_not_happened() {
    // Port time UTC+8. C1 has 3 loads, all after --now; C2 has 2 before and 2
    // after; C3 has 2 before. As of now C2 and C3 tie on 2: the lowest id wins,
    // with its NEVs up to now and the port-local date of its last load up to now.
    let y = yard("Asia/Shanghai");
    y.consignment(1, "C1", "loading", 10, None);
    y.consignment(2, "C2", "loading", 10, None);
    y.consignment(3, "C3", "closed", 10, None);
    for (i, at) in [
        "2026-11-26T09:30:00Z",
        "2026-11-27T01:00:00Z",
        "2026-12-01T00:00:00Z",
    ]
    .iter()
    .enumerate()
    {
        y.loaded(&format!("A{i}"), "BEV", "loaded", Some(at), Some(1));
    }
    // 2026-11-25T17:00Z is 01:00 on 26 November in port time.
    y.loaded("B0", "BEV", "departed", Some("2026-11-24T10:00:00Z"), Some(2));
    y.loaded("B1", "ICE", "loaded", Some("2026-11-25T17:00:00Z"), Some(2));
    y.loaded("B2", "BEV", "loaded", Some("2026-11-26T09:00:01Z"), Some(2));
    y.loaded("B3", "BEV", "loaded", Some("2026-11-28T09:00:00Z"), Some(2));
    y.loaded("D0", "BEV", "loaded", Some("2026-11-20T09:00:00Z"), Some(3));
    y.loaded("D1", "BEV", "loaded", Some("2026-11-21T09:00:00Z"), Some(3));
    let f = y.figures("2026-11-26T09:00:00Z");
    let r = f.exports.record_consignment.expect("a record");
    assert_eq!(
        (r.reference.as_str(), r.units, r.nev, r.loaded_on.as_str()),
        ("C2", 2, 1, "2026-11-26")
    );
    // One second later B2 has loaded: C2 leads alone, its last load that instant.
    let f = y.figures("2026-11-26T09:00:01Z");
    let r = f.exports.record_consignment.expect("a record");
    assert_eq!((r.reference.as_str(), r.units, r.nev), ("C2", 3, 2));
    // Before any load, no record at all.
    let f = y.figures("2026-11-01T00:00:00Z");
    assert!(f.exports.record_consignment.is_none());
}

#[test]
fn an_empty_loaded_at_is_a_missing_one_not_an_export_and_not_a_problem() {
    let y = yard("UTC");
    y.consignment(1, "C1", "loading", 10, None);
    y.loaded("E1", "BEV", "loaded", Some(""), Some(1));
    y.loaded("E2", "BEV", "loaded", Some("2026-11-26T08:00:00Z"), Some(1));
    y.exec("UPDATE vehicles SET consignment_id = '' WHERE vin = 'E1'");
    let f = y.figures("2026-11-26T09:00:00Z");
    assert_eq!((f.exports.today.units, f.exports.today.nev), (1, 1));
    assert_eq!(f.data_quality.problems, 0, "{:?}", f.data_quality);
}
