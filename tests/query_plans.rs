//! The query plans of the dashboard's refresh, held in place (SPEC §7): on a
//! database with yardtop's summaries nothing scans the history tables (`vehicles`,
//! `events`), and no plan depends on `sqlite_stat1`, which this database does not
//! have, as a read-only dashboard could never create it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

mod common;

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
        ("exports_between", q::EXPORTS_BETWEEN),
        ("bucket_sum", q::BUCKET_SUM),
        ("buckets", q::BUCKETS),
        ("last_bucket", q::LAST_BUCKET),
        ("export_leaders", q::EXPORT_LEADERS),
        ("last_load", q::LAST_LOAD),
        (
            "quality_counted",
            "SELECT kind, rows FROM yt_quality WHERE tbl = ?1",
        ),
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
fn contract_database_reads_exports_in_one_pass_without_the_status_index() {
    // Without summaries the exports are read in one pass; `+status` keeps the
    // planner off an index that would match most of history (5-9x slower).
    let y = common::yard("UTC");
    let conn = yardtop::db::open_read_only(&y.path).unwrap();
    let p = plan(&conn, q::EXPORTS_ALL);
    assert!(!p.contains("yt_vehicles_status"), "{p}");
}
