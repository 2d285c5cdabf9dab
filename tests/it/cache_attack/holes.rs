//! Holes: attacks on the reader's kept facts (see `cache_attack`).

use super::*;

/// The dashboard opens its connection, then calls `compute_cached`, which looks at
/// the file by its path. A file renamed over the path in between (a nightly
/// rebuild's `mv new.db yard.db`) is read through the old connection, yet its
/// identity and its mark are the new file's: the next refresh, on the new file,
/// would find the same inode, schema cookie and mark, and show the old file's
/// figures. The reader tells the cache which file the path led to before the open
/// (`expect_file`), and the cache then keeps nothing of what it read.
#[test]
fn a_file_renamed_over_the_path_after_the_connection_opened() {
    let y = Yard::new();
    let other = other_copy(&y, "other.db");
    // Built an hour ago, moved into place now (`mv` keeps the time).
    let built = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::OpenOptions::new()
        .write(true)
        .open(&other)
        .unwrap()
        .set_modified(built)
        .unwrap();
    // As the dashboard's reader does: the file the path leads to, then the open.
    let mut cache = VehicleCache::new();
    let opened = yardtop::db::watch::Fingerprint::read(&y.path).unwrap().file_id();
    cache.expect_file(opened);
    let conn = yardtop::db::open_read_only(&y.path).unwrap();
    std::fs::rename(&other, &y.path).unwrap();
    // What the old connection reads is the old file: right for that moment.
    figures::compute_cached(&conn, now(), &mut cache).unwrap();
    drop(conn);
    assert_follows(&y.path, &mut cache, "the file renamed over the path");
}

/// Without a log, the reader tells a change by the file's change counter, size and
/// modification time. In WAL mode SQLite increments the counter only when a
/// transaction writes page 1 (the file grows, the schema or the freelist changes),
/// so an update in place checkpointed into the file changes the time alone. On
/// kernels before 6.13 (and file systems without fine-grained timestamps) a file's
/// time only moves once a clock tick (1 to 10 ms): a checkpoint in the same tick as
/// the one before the reader's look leaves all three the same. The test puts the
/// time back as such a clock would have left it.
#[test]
fn a_checkpoint_within_one_clock_tick_of_the_last_write() {
    let y = Yard::new();
    let mut cache = started(&y);
    let mark = |p: &Path| {
        let bytes = std::fs::read(p).unwrap();
        let m = std::fs::metadata(p).unwrap();
        (bytes[24..28].to_vec(), m.len(), m.modified().unwrap())
    };
    let (counter, len, time) = mark(&y.path);
    let w = y.w();
    w.execute(
        "UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T08:40:00Z' WHERE rowid = ?1",
        [rowid(5)],
    )
    .unwrap();
    drop(w);
    assert!(
        !y.side("-wal").exists(),
        "the last connection to close deletes the log"
    );
    let (counter2, len2, _) = mark(&y.path);
    assert_eq!((counter, len), (counter2, len2), "only the time tells this write");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&y.path)
        .unwrap()
        .set_modified(time)
        .unwrap();
    assert_follows(
        &y.path,
        &mut cache,
        "an update checkpointed within one clock tick",
    );
}

/// A supervisor who cannot write the database's folder reads through an immutable
/// connection when no writer is connected (docs/operations.md): SQLite then ignores
/// any log. A writer that connects and commits after that connection opened but
/// before `compute_cached` looks leaves a log whose committed end the cache takes
/// as already read, though the immutable snapshot holds none of it.
#[test]
fn a_log_that_appeared_beside_an_immutable_read() {
    let y = Yard::new();
    let path = y.path.to_str().unwrap();
    let imm = Connection::open_with_flags(
        format!("file:{path}?immutable=1"),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
    )
    .unwrap();
    yardtop::db::value::register_functions(&imm).unwrap();
    imm.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
        .unwrap();
    let before = fresh_at(&y.path, now());
    let w = y.w();
    w.execute(
        "UPDATE vehicles SET status = 'loaded', loaded_at = '2026-11-26T08:45:00Z' WHERE rowid % 6 = 0",
        [],
    )
    .unwrap();
    let mut cache = VehicleCache::new();
    figures::compute_cached(&imm, now(), &mut cache).unwrap();
    drop(imm);
    let after = assert_follows(&y.path, &mut cache, "a write beside an immutable read");
    assert!(before != after);
    drop(w);
}

/// When the whole log has been checkpointed, a reader's snapshot reads the database
/// file alone and does not hold the log: a writer may then truncate or restart it
/// at any moment. The cache reads the log's header, then its frames; a truncation
/// or restart in between ends the frames early, the frames missed were checkpointed
/// into the file (so they are in the snapshot) and nothing says they were not read.
/// The window is the time the frames take to read: a long log makes it wide. Each
/// round compares, in one read transaction, the kept facts with a fresh read.
fn race_the_frames_read(cut: &str) {
    use std::sync::mpsc;
    let y = Yard::new();
    let w = y.w();
    run(&w, "PRAGMA wal_autocheckpoint = 0");
    // Filler rows of a page each: rewriting them makes a long log.
    let tx = w.unchecked_transaction().unwrap();
    for i in 0..800 {
        tx.execute(
            "INSERT INTO events(at, vin, kind, detail) VALUES (?1, NULL, 'move', printf('%.*c', 3500, ?2))",
            params![NOW, ["a", "b"][i % 2]],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    pragma(&w, "PRAGMA wal_checkpoint(TRUNCATE)");
    let mut cache = started(&y);
    let target = rowid(9);
    let (go, went) = mpsc::channel::<()>();
    let (done, finished) = mpsc::channel::<Result<(), String>>();
    let path = y.path.clone();
    let reader = std::thread::spawn(move || {
        for () in went {
            let conn = yardtop::db::open_read_only(&path).unwrap();
            conn.execute_batch("BEGIN").unwrap();
            let kept = figures::compute_cached(&conn, now(), &mut cache).unwrap();
            let fresh = figures::compute(&conn, now()).unwrap();
            conn.execute_batch("COMMIT").unwrap();
            let r = if kept == fresh {
                Ok(())
            } else {
                // The next refresh, in a transaction of its own, still shows it.
                let stats = cache.stats();
                let again = read_at(&path, &mut cache, now());
                let still = again != fresh_at(&path, now());
                Err(format!(
                    "{stats:?}, still wrong at the next refresh: {still}:\n  {}",
                    diff(&kept, &fresh)
                ))
            };
            done.send(r).unwrap();
        }
    });
    let mut found = None;
    for round in 0..150u64 {
        // A log the cache follows: a small write, read in full.
        w.execute(
            "UPDATE vehicles SET updated_at = ?1 WHERE rowid = ?2",
            params![round, rowid(2)],
        )
        .unwrap();
        go.send(()).unwrap();
        finished.recv().unwrap().unwrap();
        // Then a long stretch of frames, the change that matters last, all of it
        // checkpointed: the next snapshot reads the file alone.
        run(
            &w,
            "UPDATE events SET detail = printf('%.*c', 3500, char(97 + abs(random()) % 26))",
        );
        let status = if round % 2 == 0 { "loaded" } else { "parked" };
        w.execute(
            "UPDATE vehicles SET status = ?1, loaded_at = '2026-11-26T08:50:00Z' WHERE rowid = ?2",
            params![status, target],
        )
        .unwrap();
        pragma(&w, "PRAGMA wal_checkpoint(PASSIVE)");
        go.send(()).unwrap();
        std::thread::sleep(std::time::Duration::from_micros(round * 37 % 4000));
        w.query_row(cut, [], |_| Ok(())).unwrap();
        if let Err(e) = finished.recv().unwrap() {
            found = Some(format!("round {round}: {e}"));
            break;
        }
    }
    drop(go);
    reader.join().unwrap();
    if let Some(e) = found {
        panic!("the kept facts missed frames of a log cut by `{cut}`, {e}");
    }
}

#[test]
fn a_log_truncated_while_its_frames_are_read() {
    race_the_frames_read("PRAGMA wal_checkpoint(TRUNCATE)");
}

/// A refresh that finds nothing new in the log still prepares the queries that
/// widen leaf pages to their neighbours by `_rowid_`, which a table without rowid
/// does not have: the refresh fails ("no such column: _rowid_") and the dashboard
/// shows the database as unreadable whenever nothing changed.
#[test]
fn a_table_without_rowid_refreshed_with_nothing_changed() {
    let y = Yard::new();
    let w = y.w();
    without_rowid(&w);
    let mut cache = started(&y);
    assert_follows(&y.path, &mut cache, "nothing changed");
    run(&w, "UPDATE consignments SET status = status");
    assert_follows(&y.path, &mut cache, "an update that writes no page");
}
