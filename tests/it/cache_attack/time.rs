//! Time, zone and the small tables: attacks on the reader's kept facts (see `cache_attack`).

use super::*;

/// The same cache across the port's midnight, an hour, a day, a year, and a zone
/// with summer time (Europe/London on the night clocks go back).
#[test]
fn the_port_day_turns_and_the_zone_changes() {
    let y = Yard::new();
    let w = y.w();
    // Loads either side of Shanghai's midnight (16:00Z) and of London's.
    run(
        &w,
        "UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T15:59:59Z' WHERE rowid % 11 = 0;
         UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T16:00:00Z' WHERE rowid % 13 = 0;
         UPDATE vehicles SET status = 'departed', loaded_at = '2025-11-27T15:59:59Z' WHERE rowid % 17 = 0;
         UPDATE vehicles SET status = 'departed', loaded_at = '2025-11-27T16:00:00Z' WHERE rowid % 19 = 0;
         UPDATE vehicles SET status = 'loaded', loaded_at = '2026-10-25T00:30:00Z' WHERE rowid % 23 = 0;
         UPDATE vehicles SET status = 'loaded', loaded_at = '2026-10-25T01:30:00Z' WHERE rowid % 29 = 0;",
    );
    let mut cache = VehicleCache::new();
    for t in [
        "2026-11-26T15:59:58Z",
        "2026-11-26T15:59:59Z",
        "2026-11-26T16:00:00Z",
        "2026-11-26T16:59:59Z",
        "2026-11-27T15:59:59Z",
        "2026-11-27T16:00:01Z",
        "2026-11-26T09:00:00Z",
    ] {
        assert_follows_at(&y.path, &mut cache, at(t), &format!("now {t}"));
    }
    run(
        &w,
        "UPDATE settings SET value = 'Europe/London' WHERE key = 'timezone'",
    );
    for t in [
        "2026-10-25T00:59:59Z",
        "2026-10-25T01:00:00Z",
        "2026-10-25T23:59:59Z",
        "2026-10-26T00:00:00Z",
        "2027-10-25T00:30:00Z",
    ] {
        assert_follows_at(&y.path, &mut cache, at(t), &format!("London, now {t}"));
    }
    run(
        &w,
        "UPDATE settings SET value = 'Asia/Shanghai' WHERE key = 'timezone'",
    );
    assert_follows_at(
        &y.path,
        &mut cache,
        at("2026-10-25T00:59:59Z"),
        "back to Shanghai",
    );
    run(
        &w,
        "UPDATE settings SET value = 'Not/AZone' WHERE key = 'timezone'",
    );
    assert_follows_at(
        &y.path,
        &mut cache,
        at("2026-10-25T00:59:59Z"),
        "an unreadable zone",
    );
}

/// The rules, the consignments and the blocks change; the vehicles do not.
#[test]
fn settings_consignments_and_blocks_change() {
    let y = Yard::new();
    let w = y.w();
    let mut cache = started(&y);
    for (what, sql) in [
        (
            "soc_max_pct",
            "INSERT OR REPLACE INTO settings VALUES ('soc_max_pct', '40')",
        ),
        (
            "soc_check_max_age_h",
            "INSERT OR REPLACE INTO settings VALUES ('soc_check_max_age_h', '12')",
        ),
        (
            "long_dwell_days",
            "INSERT OR REPLACE INTO settings VALUES ('long_dwell_days', '3')",
        ),
        (
            "at_risk_hours",
            "INSERT OR REPLACE INTO settings VALUES ('at_risk_hours', '1')",
        ),
        (
            "a consignment closed",
            "UPDATE consignments SET status = 'closed' WHERE id = 1",
        ),
        (
            "a consignment reopened",
            "UPDATE consignments SET status = 'loading' WHERE id = 3",
        ),
        (
            "a cut-off moved",
            "UPDATE consignments SET cutoff_at = '2026-11-26T09:30:00Z' WHERE id = 4",
        ),
        (
            "a consignment renumbered",
            "UPDATE consignments SET id = 60 WHERE id = 4",
        ),
        (
            "a block's zone",
            "UPDATE yard_blocks SET zone = 'ice' WHERE code = 'N01'",
        ),
        (
            "a block's size",
            "UPDATE yard_blocks SET rows = 1 WHERE code = 'I01'",
        ),
    ] {
        attack(&y, &mut cache, what, || run(&w, sql));
    }
}
