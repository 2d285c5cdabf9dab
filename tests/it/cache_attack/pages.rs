//! Pages that are not table leaves: attacks on the reader's kept facts (see `cache_attack`).

use super::*;

/// A row longer than a page keeps most of its columns on overflow pages. An update
/// that keeps the row's size is written over it in place, and SQLite writes only
/// the pages whose bytes differ: here the overflow page alone, not the leaf.
#[test]
fn an_update_that_changes_only_a_long_rows_overflow_page() {
    let y = Yard::new();
    let w = y.w();
    let ids: Vec<i64> = (3..9).map(rowid).collect();
    for id in &ids {
        w.execute(
            "UPDATE vehicles SET model = printf('%.*c', 9000, 'm'), status = 'parked',
                 loaded_at = '2020-01-01T00:00:00Z' WHERE rowid = ?1",
            [id],
        )
        .unwrap();
    }
    let mut cache = started(&y);
    attack(
        &y,
        &mut cache,
        "a same-size status change on overflow pages",
        || {
            for id in &ids {
                w.execute(
                "UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T08:00:00Z' WHERE rowid = ?1",
                [id],
            )
            .unwrap();
            }
        },
    );
}

/// `secure_delete` zeroes freed pages and writes them; whole leaves freed, rows
/// deleted from the first and last cell of pages.
#[test]
fn secure_delete_of_whole_pages_and_page_edges() {
    let y = Yard::new();
    let w = y.w();
    run(&w, "PRAGMA secure_delete = ON");
    let mut cache = started(&y);
    attack(
        &y,
        &mut cache,
        "a stretch of rows deleted with secure_delete",
        || {
            w.execute(
                "DELETE FROM vehicles WHERE rowid BETWEEN ?1 AND ?2",
                [rowid(4), rowid(6)],
            )
            .unwrap();
        },
    );
    attack(&y, &mut cache, "the first row of a stretch deleted", || {
        w.execute(
            "DELETE FROM vehicles WHERE rowid = (SELECT min(rowid) FROM vehicles WHERE rowid > ?1)",
            [rowid(6)],
        )
        .unwrap();
    });
    attack(&y, &mut cache, "every row deleted", || {
        run(&w, "DELETE FROM vehicles");
    });
}

/// Auto-vacuum moves pages by itself: the reader must not follow the log then.
#[test]
fn incremental_vacuum_moves_pages() {
    let y = Yard::new();
    let w = y.w();
    let mut cache = started(&y);
    run(&w, "PRAGMA auto_vacuum = INCREMENTAL; VACUUM;");
    assert_follows(&y.path, &mut cache, "auto_vacuum switched on");
    attack(&y, &mut cache, "a delete then an incremental vacuum", || {
        w.execute(
            "DELETE FROM vehicles WHERE rowid BETWEEN ?1 AND ?2",
            [rowid(1), rowid(3)],
        )
        .unwrap();
        pragma(&w, "PRAGMA incremental_vacuum");
    });
    attack(&y, &mut cache, "an update after the vacuum", || {
        w.execute(
            "UPDATE vehicles SET status = 'loaded', loaded_at = ?1 WHERE rowid % 3 = 0",
            [stamp(now() - Duration::minutes(5))],
        )
        .unwrap();
    });
}

/// A new page size needs a rollback journal and VACUUM.
#[test]
fn a_new_page_size() {
    let y = Yard::new();
    let w = y.w();
    let mut cache = started(&y);
    attack(&y, &mut cache, "page size 8192", || {
        pragma(&w, "PRAGMA journal_mode = DELETE");
        run(
            &w,
            "PRAGMA page_size = 8192; VACUUM; UPDATE vehicles SET status = 'parked' WHERE rowid % 5 = 0;",
        );
        pragma(&w, "PRAGMA journal_mode = WAL");
    });
    attack(&y, &mut cache, "an update in the new log", || {
        run(
            &w,
            "UPDATE vehicles SET status = 'hold', hold_reason = 'battery' WHERE rowid % 7 = 0",
        );
    });
}
