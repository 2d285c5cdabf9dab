//! The yard-first frame: attacks on the reader's kept facts (see `cache_attack`).

use super::*;

/// The yard-first frame (`compute_yard_first`) is shown while every vehicle is read:
/// what it shows of the yard and the pending consignments must be what the full
/// refresh then shows, and what it does not count must be empty, not a guess.
#[test]
fn the_yard_first_frame_shows_what_the_full_read_shows() {
    let y = Yard::new();
    let conn = yardtop::db::open_read_only(&y.path).unwrap();
    let first = figures::compute_yard_first(&conn, now()).unwrap();
    let full = figures::compute(&conn, now()).unwrap();
    assert_eq!(first.yard, full.yard);
    let e = &first.exports;
    let counted = [e.today, e.month, e.year, e.year_prior_same_period]
        .iter()
        .map(|c| c.units)
        .chain(e.daily.iter().map(|d| d.units))
        .sum::<u64>();
    assert_eq!(
        (counted, &e.record_consignment),
        (0, &None),
        "no export is counted yet"
    );
    assert!(full.exports.today.units > 0 && full.exports.record_consignment.is_some());
    let strip = |f: &Figures| {
        f.consignments
            .iter()
            .map(|c| {
                let mut c = c.clone();
                c.uph = 0;
                c
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&first), strip(&full));
    let kinds = |f: &Figures| {
        f.alerts
            .iter()
            .filter(|a| a.kind != "data_quality")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(first.alerts, kinds(&full));
}

/// A table rebuilt from CSV by the sqlite3 CLI's `.import` holds every value as
/// TEXT: `consignment_id` '3' is text where a number belongs, which the full read
/// leaves out of the consignment's counts (and counts as a data-quality problem).
/// The yard-first frame counts the consignments' vehicles in SQL, where
/// `consignment_id IN (3)` matches the text '3' in a TEXT column: it shows
/// delivered and loaded counts, and at-risk alerts, that the full frame then takes
/// back.
#[test]
fn the_yard_first_frame_counts_consignments_as_the_full_read_does() {
    let y = Yard::new();
    let w = y.w();
    run(
        &w,
        "BEGIN;
         CREATE TABLE v2(vin TEXT, make TEXT, model TEXT, powertrain TEXT, soc_pct TEXT, soc_checked_at TEXT,
             consignment_id TEXT, status TEXT, hold_reason TEXT, block TEXT, row TEXT, slot TEXT,
             gate_in_at TEXT, loaded_at TEXT, updated_at TEXT);
         INSERT INTO v2 SELECT vin, make, model, powertrain, soc_pct, soc_checked_at, consignment_id, status,
             hold_reason, block, row, slot, gate_in_at, loaded_at, updated_at FROM vehicles;
         DROP TABLE vehicles; ALTER TABLE v2 RENAME TO vehicles; COMMIT;",
    );
    drop(w);
    let conn = yardtop::db::open_read_only(&y.path).unwrap();
    let first = figures::compute_yard_first(&conn, now()).unwrap();
    let full = figures::compute(&conn, now()).unwrap();
    let counts = |f: &Figures| {
        f.consignments
            .iter()
            .map(|c| (c.id, c.delivered, c.loaded, c.in_yard, c.at_risk))
            .collect::<Vec<_>>()
    };
    assert_eq!(counts(&first), counts(&full));
}

/// The yard-first frame leaves the `data_quality` alert out, as it has not counted
/// the vehicles' problems yet; but the Alerts panel then says "no alerts" when that
/// was the only one: an absence not yet counted, shown as a fact.
#[test]
fn the_yard_first_frame_does_not_say_no_alerts_before_counting() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yard.db");
    let w = writer(&path);
    w.execute_batch(yardtop::db::SCHEMA_SQL).unwrap();
    run(
        &w,
        "PRAGMA journal_mode = WAL;
         INSERT OR REPLACE INTO settings(key, value) VALUES ('timezone', 'Asia/Shanghai');
         INSERT INTO vehicles(vin, powertrain, status) VALUES ('LSJW0000000000001', 'BEV', 'teleported');",
    );
    drop(w);
    let conn = yardtop::db::open_read_only(&path).unwrap();
    let full = figures::compute(&conn, now()).unwrap();
    assert_eq!(
        full.alerts.iter().map(|a| a.kind.as_str()).collect::<Vec<_>>(),
        ["data_quality"]
    );
    let mut data = crate::ui_fixture::data();
    data.figures = figures::compute_yard_first(&conn, now()).unwrap();
    data.reading_history = true;
    let mut opts = crate::ui_fixture::opts();
    opts.now = now();
    let screen = yardtop::ui::render_text(&data, 120, 40, &opts);
    assert!(
        !screen.contains("no alerts"),
        "the yard-first frame says there is no alert before it has counted the data quality:\n{screen}"
    );
}
