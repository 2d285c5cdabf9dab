//! The `/` search lists vehicles still in the yard before those that have left,
//! then by VIN: a clerk typing a VIN suffix is after the one parked today.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::common;
use common::yard;
use yardtop::db::browse::search;

#[test]
fn vehicles_in_the_yard_come_first() {
    let y = yard("UTC");
    // Written in the order a yard's history would have them: the departed first.
    y.loaded(
        "LAAAA000000123456",
        "BEV",
        "departed",
        Some("2025-01-01T00:00:00Z"),
        None,
    );
    y.loaded(
        "LBBBB000000123456",
        "BEV",
        "loaded",
        Some("2026-11-01T00:00:00Z"),
        None,
    );
    y.parked("LZZZZ000000123456", "BEV", "parked", None, None, None, None);
    y.parked("LYYYY000000123456", "ICE", "staged", None, None, None, None);
    y.parked("LXXXX000000123456", "ICE", "expected", None, None, None, None);
    let conn = yardtop::db::open_read_only(&y.path).unwrap();
    let r = search(&conn, "123456").unwrap();
    let labels: Vec<&str> = r.hits.iter().map(|h| h.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "LYYYY000000123456",
            "LZZZZ000000123456",
            "LAAAA000000123456",
            "LBBBB000000123456",
            "LXXXX000000123456"
        ]
    );
}
