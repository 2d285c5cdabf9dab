//! The reader thread against a real database file: it sends fresh data when
//! another connection commits, holds no read transaction between refreshes, and
//! survives the database being locked, deleted, recreated, replaced and
//! corrupted, saying so and recovering.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use yardtop::ui::event::Event;
use yardtop::ui::reader::{DetailRequest, Reader, ReaderMsg, ReaderState, Request};
use yardtop::ui::DashData;

fn make_db(path: &Path, port: &str) {
    let conn = yardtop::writers::open::create_new(path).unwrap();
    conn.execute_batch(&format!(
        "INSERT INTO settings VALUES ('port_name', '{port}'), ('port_locode', 'CNXMN'), ('timezone', 'Asia/Shanghai');
         INSERT INTO yard_blocks VALUES ('N01', 'nev', 2, 5);
         INSERT INTO vehicles(vin, make, powertrain, status, block, row, slot, gate_in_at)
           VALUES ('LSJW24104PS123456', 'MG', 'BEV', 'parked', 'N01', 1, 1, '2026-11-26T01:00:00Z');"
    ))
    .unwrap();
}

fn writer(path: &Path) -> Connection {
    let c = Connection::open(path).unwrap();
    c.busy_timeout(Duration::from_secs(5)).unwrap();
    c
}

struct Harness {
    rx: Receiver<Event>,
    req: Sender<Request>,
}

fn start(path: &Path) -> Harness {
    let (tx, rx) = mpsc::channel();
    let (req, req_rx) = mpsc::channel();
    let conn = yardtop::db::open_read_only(path).unwrap();
    Reader::new(path, Some(conn), None, move |m| {
        tx.send(Event::Reader(0, m)).is_ok()
    })
    .spawn(req_rx)
    .unwrap();
    Harness { rx, req }
}

impl Harness {
    /// Waits up to `secs` for a message `f` accepts.
    fn wait<T>(&self, secs: f64, what: &str, mut f: impl FnMut(&ReaderMsg) -> Option<T>) -> T {
        let end = Instant::now() + Duration::from_secs_f64(secs);
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(Event::Reader(_, m)) => {
                    if let Some(t) = f(&m) {
                        return t;
                    }
                }
                Ok(_) => {}
                Err(_) => panic!("no {what} within {secs} s"),
            }
        }
    }

    fn data(&self, secs: f64, what: &str, mut f: impl FnMut(&DashData) -> bool) -> DashData {
        self.wait(secs, what, |m| match m {
            ReaderMsg::Data(d) if f(d) => Some((**d).clone()),
            _ => None,
        })
    }

    fn state(&self, secs: f64, what: &str, mut f: impl FnMut(&ReaderState) -> bool) -> ReaderState {
        self.wait(secs, what, |m| match m {
            ReaderMsg::State(s) if f(s) => Some(s.clone()),
            _ => None,
        })
    }
}

#[test]
fn a_commit_shows_within_a_second_and_no_read_transaction_is_held() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yard.db");
    make_db(&path, "Xiamen Port");
    let h = start(&path);
    let first = h.data(5.0, "first data", |_| true);
    assert_eq!(first.figures.port.name, "Xiamen Port");
    h.state(2.0, "live", |s| matches!(s, ReaderState::Live { .. }));

    let w = writer(&path);
    let t0 = Instant::now();
    w.execute(
        "INSERT INTO events(at, vin, kind, detail) VALUES ('2026-11-26T09:00:00Z', 'LSJW24104PS123456', 'soc_check', 'SoC 41%')",
        [],
    )
    .unwrap();
    let d = h.data(1.0, "the new event", |d| {
        d.events.iter().any(|e| e.detail == "SoC 41%")
    });
    let took = t0.elapsed();
    assert!(took < Duration::from_secs(1), "{took:?}");
    assert_eq!(d.events[0].kind, "soc_check");

    // Between refreshes the reader holds no read transaction: a full checkpoint
    // (which waits for every reader) completes and truncates the WAL.
    std::thread::sleep(Duration::from_millis(100));
    let (busy, _, _): (i64, i64, i64) = w
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(busy, 0, "a read transaction was held open");
}

#[test]
fn drill_downs_are_answered_and_kept_live() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yard.db");
    make_db(&path, "Xiamen Port");
    let h = start(&path);
    h.data(5.0, "first data", |_| true);
    h.req
        .send(Request::Detail(7, DetailRequest::Block("N01".into())))
        .unwrap();
    let n = h.wait(2.0, "block map", |m| match m {
        ReaderMsg::Detail(d) if d.seq == 7 => match &d.body {
            yardtop::ui::data::DetailBody::Block(b) => Some(b.vehicles.len()),
            _ => None,
        },
        _ => None,
    });
    assert_eq!(n, 1);
    writer(&path)
        .execute(
            "INSERT INTO vehicles(vin, powertrain, status, block, row, slot) VALUES ('LSJW24104PS000002', 'ICE', 'parked', 'N01', 1, 2)",
            [],
        )
        .unwrap();
    let n = h.wait(2.0, "updated block map", |m| match m {
        ReaderMsg::Detail(d) if d.seq == 7 => match &d.body {
            yardtop::ui::data::DetailBody::Block(b) if b.vehicles.len() == 2 => Some(2),
            _ => None,
        },
        _ => None,
    });
    assert_eq!(n, 2);
}

#[test]
fn a_lock_shows_busy_keeps_going_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yard.db");
    make_db(&path, "Xiamen Port");
    // A rollback-journal database, where a writer's exclusive lock blocks readers.
    writer(&path)
        .execute_batch("PRAGMA journal_mode = DELETE;")
        .unwrap();
    let h = start(&path);
    h.data(5.0, "first data", |_| true);
    let w = writer(&path);
    w.execute_batch(
        "BEGIN EXCLUSIVE; INSERT INTO events(at, kind) VALUES ('2026-11-26T09:00:00Z', 'locked');",
    )
    .unwrap();
    h.state(3.0, "busy", |s| matches!(s, ReaderState::Busy { .. }));
    w.execute_batch("COMMIT;").unwrap();
    // The data comes first, then the state.
    h.data(3.0, "data after the lock", |d| {
        d.events.iter().any(|e| e.kind == "locked")
    });
    h.state(3.0, "live again", |s| matches!(s, ReaderState::Live { .. }));
}

#[test]
fn deleted_recreated_replaced_and_corrupted_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yard.db");
    make_db(&path, "First Port");
    let h = start(&path);
    h.data(5.0, "first data", |d| d.figures.port.name == "First Port");

    // Deleted: said on screen.
    for ext in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(ext);
        let _ = std::fs::remove_file(&p);
    }
    match h.state(3.0, "unreachable", |s| {
        matches!(s, ReaderState::Unreachable { .. })
    }) {
        ReaderState::Unreachable { reason, .. } => assert!(reason.contains("gone"), "{reason}"),
        _ => unreachable!(),
    }
    // Recreated: read again.
    make_db(&path, "Second Port");
    h.data(4.0, "the recreated database", |d| {
        d.figures.port.name == "Second Port"
    });

    // Replaced by another file (a new inode renamed over it): the new one is read.
    let other = dir.path().join("other.db");
    make_db(&other, "Third Port");
    std::fs::rename(&other, &path).unwrap();
    h.data(4.0, "the replacing database", |d| {
        d.figures.port.name == "Third Port"
    });

    // Corrupted: said, with a reason; then restored and read again.
    for ext in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(ext);
        let _ = std::fs::remove_file(&p);
    }
    let junk = dir.path().join("junk");
    std::fs::write(&junk, vec![b'x'; 8192]).unwrap();
    std::fs::rename(&junk, &path).unwrap();
    match h.state(4.0, "unreachable (corrupt)", |s| {
        matches!(s, ReaderState::Unreachable { .. })
    }) {
        ReaderState::Unreachable { reason, .. } => assert!(reason.contains("not a"), "{reason}"),
        _ => unreachable!(),
    }
    let good = dir.path().join("good.db");
    make_db(&good, "Fourth Port");
    std::fs::rename(&good, &path).unwrap();
    h.data(4.0, "the restored database", |d| {
        d.figures.port.name == "Fourth Port"
    });
}

#[test]
fn paused_reads_nothing_until_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yard.db");
    make_db(&path, "Xiamen Port");
    let h = start(&path);
    h.data(5.0, "first data", |_| true);
    h.req.send(Request::SetPaused(true)).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    writer(&path)
        .execute(
            "INSERT INTO events(at, kind) VALUES ('2026-11-26T09:00:00Z', 'while_paused')",
            [],
        )
        .unwrap();
    let end = Instant::now() + Duration::from_millis(800);
    while let Ok(ev) = h.rx.recv_timeout(end.saturating_duration_since(Instant::now())) {
        if let Event::Reader(_, ReaderMsg::Data(d)) = ev {
            assert!(
                !d.events.iter().any(|e| e.kind == "while_paused"),
                "read while paused"
            );
        }
    }
    h.req.send(Request::SetPaused(false)).unwrap();
    h.data(2.0, "data after resume", |d| {
        d.events.iter().any(|e| e.kind == "while_paused")
    });
}

#[test]
fn a_search_runs_once_not_on_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yard.db");
    make_db(&path, "Xiamen Port");
    let h = start(&path);
    h.data(5.0, "first data", |_| true);
    h.req
        .send(Request::Detail(3, DetailRequest::Search("123456".into())))
        .unwrap();
    let hits = h.wait(2.0, "search results", |m| match m {
        ReaderMsg::Detail(d) if d.seq == 3 => match &d.body {
            yardtop::ui::data::DetailBody::Search(r) => Some(r.hits.len()),
            _ => None,
        },
        _ => None,
    });
    assert_eq!(hits, 1);
    writer(&path)
        .execute(
            "INSERT INTO events(at, kind) VALUES ('2026-11-26T09:00:00Z', 'after_search')",
            [],
        )
        .unwrap();
    let end = Instant::now() + Duration::from_millis(1000);
    let mut saw_data = false;
    while let Ok(ev) = h.rx.recv_timeout(end.saturating_duration_since(Instant::now())) {
        match ev {
            Event::Reader(_, ReaderMsg::Data(_)) => saw_data = true,
            Event::Reader(_, ReaderMsg::Detail(d)) => panic!("search re-run: {:?}", d.seq),
            _ => {}
        }
    }
    assert!(saw_data);
}
