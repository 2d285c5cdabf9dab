//! Tables the log cannot follow: attacks on the reader's kept facts (see `cache_attack`).

use super::*;

/// `vehicles` rebuilt without a rowid, then with columns that hide it: every write
/// means reading everything again.
#[test]
fn a_table_without_rowid_and_columns_named_rowid() {
    let y = Yard::new();
    let w = y.w();
    let mut cache = started(&y);
    without_rowid(&w);
    assert_follows(&y.path, &mut cache, "a table without rowid");
    attack(&y, &mut cache, "an update of a table without rowid", || {
        run(
            &w,
            "UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T08:30:00Z' WHERE vin LIKE '%7'",
        );
    });
    attack(
        &y,
        &mut cache,
        "a consignment closed, beside a table without rowid",
        || {
            run(&w, "UPDATE consignments SET status = 'closed' WHERE id = 1");
        },
    );
    run(
        &w,
        &format!(
            "BEGIN;
             CREATE TABLE v3(rowid INTEGER, oid TEXT, {COLUMNS});
             INSERT INTO v3 SELECT 1, 'x', {COLUMNS} FROM vehicles;
             DROP TABLE vehicles; ALTER TABLE v3 RENAME TO vehicles; COMMIT;"
        ),
    );
    assert_follows(&y.path, &mut cache, "columns named rowid and oid");
    attack(
        &y,
        &mut cache,
        "an update of a table with a column named rowid",
        || {
            run(
                &w,
                "UPDATE vehicles SET status = 'parked', block = 'N01' WHERE vin LIKE '%3'",
            );
        },
    );
    attack(
        &y,
        &mut cache,
        "a consignment closed, beside a column named rowid",
        || {
            run(&w, "UPDATE consignments SET status = 'closed' WHERE id = 4");
        },
    );
}
