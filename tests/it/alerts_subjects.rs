//! An alert's subjects are exactly the vehicles its figure counts (docs/alerts.md):
//! the count, the paged drill-down and the CSV share one membership, on hand-made
//! databases with stale, empty and unreadable SoC readings.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::common;
use common::{ts, yard};
use yardtop::db::browse::Anchor;
use yardtop::figures::listing::{for_each_vehicle, vehicle_page, SubjectKey};
use yardtop::figures::subjects::VEHICLE_KINDS;

const NOW: &str = "2026-11-26T09:00:00Z";
const FRESH: Option<&str> = Some("2026-11-25T09:00:00Z");

fn count_of(f: &yardtop::figures::Figures, kind: &str) -> u64 {
    f.alerts.iter().find(|a| a.kind == kind).map_or(0, |a| a.count)
}

/// Every subject, walking the drill-down's pages forward `limit` at a time.
fn walk(conn: &rusqlite::Connection, kind: &str, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut anchor: Anchor<SubjectKey> = Anchor::First;
    loop {
        let p = vehicle_page(conn, kind, &anchor, limit, ts(NOW)).unwrap();
        assert_eq!(p.offset as usize, out.len(), "{kind}: the page says where it is");
        out.extend(p.page.rows.iter().map(|v| v.vin.clone()));
        match p.page.rows.last() {
            Some(last) if p.page.more_after => anchor = Anchor::After(last.key.clone()),
            _ => {
                assert_eq!(p.total as usize, out.len(), "{kind}: total");
                return out;
            }
        }
    }
}

fn all(conn: &rusqlite::Connection, kind: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_vehicle(conn, kind, ts(NOW), 2, |v| {
        out.push(v.vin.clone());
        true
    })
    .unwrap();
    out
}

fn hand_made() -> common::Yard {
    let y = yard("UTC");
    y.block("N01", "nev", 10, 10);
    y.block("I01", "ice", 10, 10);
    y.parked("OVER1", "BEV", "parked", Some("N01"), Some(80.0), FRESH, None);
    y.parked("OVER2", "BEV", "staged", Some("N01"), Some(60.0), FRESH, None);
    y.parked("OVER3", "PHEV", "hold", Some("I01"), Some(51.0), FRESH, None);
    y.parked("UNDER", "BEV", "parked", Some("N01"), Some(10.0), FRESH, None);
    y.parked("INBAND", "BEV", "parked", Some("N01"), Some(40.0), FRESH, None);
    y.parked(
        "STALE",
        "BEV",
        "parked",
        Some("N01"),
        Some(90.0),
        Some("2026-11-20T09:00:00Z"),
        None,
    );
    y.parked("NOREAD", "BEV", "parked", Some("N01"), None, None, None);
    y.parked("HEV", "HEV", "parked", Some("I01"), Some(99.0), FRESH, None);
    y.parked("GONE", "BEV", "loaded", None, Some(99.0), FRESH, None);
    y.parked(
        "DWELL",
        "ICE",
        "parked",
        Some("I01"),
        None,
        None,
        Some("2026-11-01T00:00:00Z"),
    );
    // Readings a CSV round trip or another tool left behind: empty, unreadable,
    // out of range. Not trusted: unchecked, never over or under.
    y.exec(
        "INSERT INTO vehicles(vin, powertrain, status, block, soc_pct, soc_checked_at) VALUES
           ('EMPTYSOC', 'BEV', 'parked', 'N01', '', '2026-11-25T09:00:00Z'),
           ('EMPTYTIME', 'BEV', 'parked', 'N01', 90, ''),
           ('BADSOC', 'BEV', 'parked', 'N01', 'full', '2026-11-25T09:00:00Z'),
           ('BADTIME', 'BEV', 'staged', 'N01', 95, 'yesterday'),
           ('RANGE', 'FCEV', 'parked', 'N01', 150, '2026-11-25T09:00:00Z');
         INSERT INTO vehicles(vin, powertrain, status, hold_reason, block) VALUES
           ('BATT1', 'ICE', 'hold', 'battery', 'I01'),
           ('DMG1', 'HEV', 'hold', 'damage', 'I01'),
           ('CUST', 'ICE', 'hold', 'customs', 'I01'),
           (NULL, 'BEV', 'parked', NULL, 'N01'),
           ('', 'BEV', 'parked', NULL, 'N01');",
    );
    y
}

#[test]
fn each_vehicle_alert_lists_exactly_what_it_counts() {
    let y = hand_made();
    let f = y.figures(NOW);
    let conn = yardtop::db::open_read_only(&y.path).unwrap();
    for kind in VEHICLE_KINDS {
        let listed = all(&conn, kind);
        assert_eq!(listed.len() as u64, count_of(&f, kind), "{kind}: {listed:?}");
        assert_eq!(walk(&conn, kind, 3), listed, "{kind}: pages of 3");
        assert_eq!(walk(&conn, kind, 1), listed, "{kind}: pages of 1");
    }
    let mut unchecked = all(&conn, "soc_unchecked");
    unchecked.sort();
    // The two vehicles without a VIN are both listed (by their rows), as empty VINs.
    assert_eq!(
        unchecked,
        [
            "",
            "",
            "BADSOC",
            "BADTIME",
            "EMPTYSOC",
            "EMPTYTIME",
            "NOREAD",
            "RANGE",
            "STALE"
        ]
    );
    assert_eq!(f.yard.soc.unchecked, 9);
    assert_eq!(
        all(&conn, "soc_over_max"),
        ["OVER2", "OVER1", "OVER3"],
        "staged first"
    );
    assert_eq!(all(&conn, "soc_under_min"), ["UNDER"]);
    assert_eq!(all(&conn, "nev_outside_nev_zone"), ["OVER3"]);
    assert_eq!(all(&conn, "battery_hold"), ["BATT1"]);
    assert_eq!(all(&conn, "damage_hold"), ["DMG1"]);
    assert_eq!(all(&conn, "long_dwell"), ["DWELL"]);
    let soc = f.yard.soc;
    assert_eq!(
        soc.over_max + soc.under_min + soc.unchecked + soc.in_band,
        f.yard.in_yard_nev
    );
}

#[test]
fn a_subject_says_where_it_is() {
    let y = hand_made();
    y.exec(
        "UPDATE vehicles SET row = 3, slot = 17, consignment_id = 7 WHERE vin = 'OVER2';
         INSERT INTO consignments(id, ref, status) VALUES (7, 'MG-GBBRS-7', 'open');",
    );
    let conn = yardtop::db::open_read_only(&y.path).unwrap();
    let p = vehicle_page(&conn, "soc_over_max", &Anchor::First, 10, ts(NOW)).unwrap();
    assert_eq!((p.total, p.staged, p.offset), (3, 1, 0));
    let v = &p.page.rows[0];
    assert_eq!(
        (
            v.vin.as_str(),
            v.block.as_str(),
            v.row.as_deref(),
            v.slot.as_deref(),
            v.status.as_str()
        ),
        ("OVER2", "N01", Some("3"), Some("17"), "staged")
    );
    assert_eq!(v.consignment, "MG-GBBRS-7");
    assert_eq!(v.soc.pct, Some(60.0));
    assert_eq!(v.soc.checked_at, Some(ts("2026-11-25T09:00:00Z")));
}

#[test]
fn pages_of_a_large_alert_know_their_place() {
    let y = yard("UTC");
    y.block("N01", "nev", 100, 100);
    for i in 0..250 {
        let status = if i % 50 == 7 { "staged" } else { "parked" };
        y.parked(
            &format!("V{i:04}"),
            "BEV",
            status,
            Some("N01"),
            Some(70.0),
            FRESH,
            None,
        );
    }
    let f = y.figures(NOW);
    assert_eq!(count_of(&f, "soc_over_max"), 250);
    let conn = yardtop::db::open_read_only(&y.path).unwrap();
    let first = vehicle_page(&conn, "soc_over_max", &Anchor::First, 20, ts(NOW)).unwrap();
    assert_eq!((first.total, first.staged), (250, 5));
    let vins: Vec<&str> = first.page.rows.iter().map(|v| v.vin.as_str()).collect();
    assert_eq!(&vins[..6], ["V0007", "V0057", "V0107", "V0157", "V0207", "V0000"]);
    assert!(first.page.more_after && !first.page.more_before);
    let last = vehicle_page(&conn, "soc_over_max", &Anchor::Last, 20, ts(NOW)).unwrap();
    assert_eq!(last.offset, 230);
    assert_eq!(last.page.rows.last().map(|v| v.vin.as_str()), Some("V0249"));
    let back_key = last.page.rows[0].key.clone();
    let back = vehicle_page(
        &conn,
        "soc_over_max",
        &Anchor::BackFrom(back_key, 20),
        20,
        ts(NOW),
    )
    .unwrap();
    assert_eq!(back.offset, 210);
    // Nothing of an alert that has no subjects.
    let none = vehicle_page(&conn, "battery_hold", &Anchor::First, 20, ts(NOW)).unwrap();
    assert_eq!((none.total, none.page.rows.len()), (0, 0));
}

/// The dashboard's own path: Enter on the alert line, then PgDn to the end, each
/// page read by the reader's `run_detail` as the live loop does. Every subject is
/// seen once and the title's position follows.
#[test]
fn the_drill_down_pages_through_every_subject_from_the_dashboard() {
    use yardtop::ui::data::DetailBody;
    use yardtop::ui::keys::{Key, KeyTable};
    use yardtop::ui::reader::{run_detail, Request};
    use yardtop::ui::state::{Command, Panel, UiState};

    let y = yard("UTC");
    y.block("N01", "nev", 100, 100);
    for i in 0..95 {
        let status = if i % 30 == 4 { "staged" } else { "parked" };
        y.parked(
            &format!("V{i:04}"),
            "BEV",
            status,
            Some("N01"),
            Some(70.0),
            FRESH,
            None,
        );
    }
    let conn = yardtop::db::open_read_only(&y.path).unwrap();
    let data = yardtop::ui::load_dash_data(&conn, ts(NOW)).unwrap();
    let mut st = UiState::new(KeyTable::default());
    st.size = (120, 24);
    while st.focus != Panel::Alerts {
        st.handle_key(Key::Tab, Some(&data));
    }
    let mut cmds = st.handle_key(Key::Enter, Some(&data));
    let mut seen: Vec<String> = Vec::new();
    let mut positions = Vec::new();
    for _ in 0..50 {
        let Some(Command::Send(Request::Detail(seq, req))) = cmds.pop() else {
            break;
        };
        let d = run_detail(&conn, seq, &req, ts(NOW)).unwrap();
        if let DetailBody::Subjects(p) = &d.body {
            positions.push((p.offset, p.page.rows.len(), p.total));
            seen.extend(p.page.rows.iter().map(|v| v.vin.clone()));
        }
        st.apply_detail(d, Some(&data));
        cmds = st.handle_key(Key::PageDown, Some(&data));
    }
    assert_eq!(seen.len(), 95, "{positions:?}");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 95);
    assert_eq!(&seen[..4], ["V0004", "V0034", "V0064", "V0094"], "staged first");
    // 24 rows: 17 to a page.
    assert_eq!(
        positions,
        [
            (0, 17, 95),
            (17, 17, 95),
            (34, 17, 95),
            (51, 17, 95),
            (68, 17, 95),
            (85, 10, 95)
        ]
    );
}
