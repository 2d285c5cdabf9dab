//! One moment: attacks on the reader's kept facts (see `cache_attack`).

use super::*;

/// A reader's connection on which `script` is run by another connection after the
/// reader looked at the files and before its snapshot begins: the reader reads its
/// settings from a view of its own (temporary objects shadow the database's), which
/// runs the script when read, before the reader's first read of the database.
fn writing_before_the_snapshot(y: &Yard, script: &str) -> Connection {
    let r = Connection::open(&y.path).unwrap();
    yardtop::db::value::register_functions(&r).unwrap();
    let inner = writer(&y.path);
    let script = script.to_string();
    let done = std::sync::atomic::AtomicBool::new(false);
    r.create_scalar_function(
        "yt_attack",
        0,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8,
        move |_| {
            if !done.swap(true, std::sync::atomic::Ordering::SeqCst) {
                inner
                    .execute_batch(&script)
                    .map_err(|e| rusqlite::Error::UserFunctionError(e.into()))?;
            }
            Ok(1)
        },
    )
    .unwrap();
    run(
        &r,
        "CREATE TEMP TABLE settings_copy AS SELECT * FROM main.settings;
         CREATE TEMP VIEW settings AS SELECT key, value FROM settings_copy WHERE yt_attack();",
    );
    r
}

/// A writer commits, checkpoints, truncates and starts a new log after the reader
/// looked at the files and before its snapshot began: the reader's connection reads
/// its settings from a view of its own (temporary objects shadow the database's),
/// which runs the writer's statements when the reader reads it, before the
/// reader's first read of the database itself.
#[test]
fn writes_between_the_look_and_the_snapshot() {
    let y = Yard::new();
    let w = y.w();
    run(&w, "PRAGMA wal_autocheckpoint = 0");
    let mut cache = started(&y);
    let scripts = [
        "UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T08:10:00Z' WHERE rowid % 9 = 0;",
        "UPDATE vehicles SET status = 'parked' WHERE rowid % 9 = 0; PRAGMA wal_checkpoint(TRUNCATE);
         UPDATE vehicles SET status = 'staged' WHERE rowid % 10 = 0;",
        "UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T08:20:00Z' WHERE rowid % 11 = 0;
         PRAGMA wal_checkpoint(PASSIVE);",
        "DELETE FROM vehicles WHERE rowid % 12 = 0; PRAGMA wal_checkpoint(RESTART);",
    ];
    for (i, script) in scripts.iter().enumerate() {
        let before = fresh_at(&y.path, now());
        let r = writing_before_the_snapshot(&y, script);
        let kept = figures::compute_cached(&r, now(), &mut cache).unwrap();
        drop(r);
        let fresh = fresh_at(&y.path, now());
        assert!(before != fresh, "script {i} should change a figure");
        assert!(
            kept == fresh,
            "script {i} between the look and the snapshot: the kept facts differ from the rows:\n  {}",
            diff(&kept, &fresh)
        );
        assert_follows(&y.path, &mut cache, &format!("the refresh after script {i}"));
    }
}

/// A commit lands between the reader's look and its snapshot (so its rows are read,
/// but the leaves kept are from before it), then the same rows are written back to
/// their earlier bytes and the log is checkpointed away: the leaves now look as
/// they were kept, yet the rows read hold the commit in between. The leaves that
/// commit wrote must count as changed.
#[test]
fn a_commit_before_the_snapshot_written_back_after_it() {
    let y = Yard::new();
    let w = y.w();
    run(&w, "PRAGMA wal_autocheckpoint = 0");
    let mut cache = started(&y);
    // A log the reader follows, with the leaves it keeps.
    w.execute(
        "UPDATE vehicles SET updated_at = '2026-11-26T08:00:00Z' WHERE rowid = ?1",
        [rowid(2)],
    )
    .unwrap();
    assert_follows(&y.path, &mut cache, "a small write");
    // A BEV in the yard: its powertrain written as ICE and back is a value of the
    // same length, which SQLite overwrites in place, so the page comes back to the
    // very bytes it had.
    let target: i64 = w
        .query_row(
            "SELECT rowid FROM vehicles WHERE powertrain = 'BEV' AND status IN ('parked', 'staged') LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let r = writing_before_the_snapshot(
        &y,
        &format!("UPDATE vehicles SET powertrain = 'ICE' WHERE rowid = {target}"),
    );
    let kept = figures::compute_cached(&r, now(), &mut cache).unwrap();
    drop(r);
    assert!(kept == fresh_at(&y.path, now()), "the commit before the snapshot");
    // Written back to the very bytes it had, then the log checkpointed away.
    w.execute(
        "UPDATE vehicles SET powertrain = 'BEV' WHERE rowid = ?1",
        [target],
    )
    .unwrap();
    pragma(&w, "PRAGMA wal_checkpoint(TRUNCATE)");
    assert_follows(&y.path, &mut cache, "the row written back and the log truncated");
}
