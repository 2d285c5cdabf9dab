//! One moment: attacks on the reader's kept facts (see `cache_attack`).

use super::*;

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
