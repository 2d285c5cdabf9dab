//! The query plans of the dashboard's refresh, held in place: besides its one pass
//! over `vehicles` (data quality and exports together), no query scans history;
//! exports are never read through an index on `status` (most of history matches
//! it), and no plan depends on `sqlite_stat1`, which this database does not have,
//! as a read-only dashboard could never create it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::common;

use yardtop::db::queries as q;

fn plan(conn: &rusqlite::Connection, sql: &str) -> String {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).expect(sql);
    let n = stmt.parameter_count();
    let args: Vec<i64> = vec![0; n];
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), |r| r.get::<_, String>(3))
        .unwrap()
        .map(Result::unwrap)
        .collect::<Vec<_>>();
    rows.join("\n")
}

#[test]
fn refresh_queries_never_scan_history() {
    let y = common::yard("UTC");
    let conn = yardtop::db::open_read_only(&y.path).unwrap();
    let stat: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stat, 0);
    let status_counts = q::STATUS_COUNTS.replace("?LIST", "1,2,3");
    let hot: &[(&str, &str)] = &[
        ("yard_vehicles", q::YARD_VEHICLES),
        ("blocks", q::BLOCKS),
        ("pending", q::PENDING),
        ("status_counts", &status_counts),
        ("consignment_ref", q::CONSIGNMENT_REF),
    ];
    let mut all = String::new();
    for (name, sql) in hot {
        let p = plan(&conn, sql);
        for line in p.lines() {
            assert!(
                !(line.starts_with("SCAN vehicles")
                    || line.starts_with("SCAN events")
                    || line.contains("SCAN v ")),
                "{name} scans history:\n{p}"
            );
        }
        all.push_str(&format!("== {name}\n{p}\n"));
    }
    insta::assert_snapshot!("refresh_query_plans", all);
}

#[test]
fn exports_are_one_scan_never_through_the_status_index() {
    let y = common::yard("UTC");
    let conn = yardtop::db::open_read_only(&y.path).unwrap();
    assert_eq!(plan(&conn, q::EXPORTS_ALL), "SCAN vehicles");
}

#[test]
fn contract_database_with_its_simple_indexes_reads_exports_in_one_scan() {
    // The indexes a terminal's IT makes, and none of yardtop's: without statistics
    // the planner would take the status index for `status IN ('loaded','departed')`
    // (5-9x slower than a scan) or walk the loaded_at index row by row.
    let y = common::yard("UTC");
    let ours: Vec<String> = y
        .conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'yt_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for name in ours {
        y.exec(&format!("DROP INDEX {name}"));
    }
    y.exec(
        "CREATE INDEX it_status ON vehicles(status); CREATE INDEX it_loaded ON vehicles(loaded_at);
         CREATE INDEX it_consignment ON vehicles(consignment_id); CREATE INDEX it_block ON vehicles(block);
         CREATE INDEX it_at ON events(at);",
    );
    let conn = yardtop::db::open_read_only(&y.path).unwrap();
    assert_eq!(plan(&conn, q::EXPORTS_ALL), "SCAN vehicles");
    let p = plan(&conn, q::YARD_VEHICLES);
    assert!(
        p.contains("it_status"),
        "the yard is found through the status index: {p}"
    );
}

#[test]
fn activity_is_in_write_order_even_when_events_lost_its_key() {
    let y = common::yard("UTC");
    y.exec(
        "INSERT INTO events(at, kind, detail) VALUES ('2026-11-26T08:00:00Z', 'park', 'first');
         CREATE TABLE events_copy AS SELECT * FROM events; DROP TABLE events;
         ALTER TABLE events_copy RENAME TO events;
         INSERT INTO events(at, kind, detail) VALUES ('2026-11-26T07:00:00Z', 'park', 'second, no id');
         INSERT INTO events(id, at, kind, detail) VALUES (0, '2026-11-26T06:00:00Z', 'park', 'third, id 0');",
    );
    let conn = yardtop::db::open_read_only(&y.path).unwrap();
    assert_eq!(plan(&conn, q::NEWEST_EVENTS), "SCAN events");
    let details: Vec<String> = conn
        .prepare(q::NEWEST_EVENTS)
        .unwrap()
        .query_map([10], |r| r.get(4))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(details, ["third, id 0", "second, no id", "first"]);
}
