//! Activity lists the newest events in the order they were written, even after a
//! tool recreated `events` without its key (pandas `to_sql(if_exists='replace')`
//! writes `id` as a plain column) and new events were written without an id.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

#[test]
fn activity_follows_write_order_when_events_lost_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    let w = yardtop::writers::open::create_new(&db).unwrap();
    w.execute_batch(
        "INSERT INTO events(at, vin, kind, detail) VALUES ('2026-11-26T01:00:00Z', NULL, 'note', 'first');
         INSERT INTO events(at, vin, kind, detail) VALUES ('2026-11-26T02:00:00Z', NULL, 'note', 'second');
         -- as pandas writes it back: id a plain column, no key
         CREATE TABLE events_new(id INTEGER, at TEXT, vin TEXT, kind TEXT, detail TEXT);
         INSERT INTO events_new SELECT id, at, vin, kind, detail FROM events;
         DROP TABLE events;
         ALTER TABLE events_new RENAME TO events;
         -- a system that lets the key assign the id now writes none
         INSERT INTO events(at, vin, kind, detail) VALUES ('2026-11-26T03:00:00Z', NULL, 'note', 'third, no id');
         INSERT INTO events(id, at, vin, kind, detail) VALUES (1, '2026-11-26T04:00:00Z', NULL, 'note', 'fourth, id reused');",
    )
    .unwrap();
    drop(w);
    let conn = yardtop::db::open_read_only(&db).unwrap();
    let feed = yardtop::db::browse::newest_events(&conn, 10).unwrap();
    let details: Vec<&str> = feed.iter().map(|e| e.detail.as_str()).collect();
    assert_eq!(details, ["fourth, id reused", "third, no id", "second", "first"]);
}
