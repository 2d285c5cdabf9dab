//! How long each process holds a read transaction, as the kernel sees it: SQLite's
//! unix locks are POSIX byte-range locks, listed with their owner's pid in
//! /proc/locks. A reader of a rollback-journal database holds a read lock on the
//! database file's shared range (bytes 1073741826..=1073742335) for exactly its read
//! transaction, and that is what a writer's commit waits for; a WAL reader holds a
//! read lock on one of the read marks of the `-shm` file (bytes 123..=127) instead.
//! Polled every few milliseconds, each process's unbroken holding is one span; two
//! read transactions less than a poll apart look like one (a writer already waiting
//! gets in between them: its commit wait, not this, is what a writer sees).
//! Linux only; elsewhere nothing is measured and the report says so.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often /proc/locks is read: spans shorter than this may be missed, and each
/// span may be this much too short.
pub const POLL: Duration = Duration::from_millis(5);

/// The shared range of a rollback-journal database (SQLite's SHARED_FIRST).
const SHARED_FIRST: u64 = 0x4000_0002;
/// The WAL index's read marks: byte 120 + 3 + i for mark i of 5.
const READ_MARKS: std::ops::RangeInclusive<u64> = 123..=127;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Dashboard,
    Snapshot,
    Writer,
    Other,
}

/// One unbroken holding of a read lock by one process.
pub struct Span {
    pub kind: Kind,
    pub ms: f64,
}

pub struct Held {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<Vec<Span>>,
}

impl Held {
    /// Starts watching the read locks of `db` (rollback journal) or of its `-shm`
    /// file (`wal`).
    pub fn start(db: &Path, wal: bool) -> Result<Held, String> {
        let stop = Arc::new(AtomicBool::new(false));
        let s2 = stop.clone();
        let file = if wal {
            let mut p = db.as_os_str().to_owned();
            p.push("-shm");
            PathBuf::from(p)
        } else {
            db.to_path_buf()
        };
        let handle = std::thread::Builder::new()
            .name("read-locks".into())
            .spawn(move || watch(&file, wal, &s2))
            .map_err(|e| format!("cannot start the lock watcher: {e}"))?;
        Ok(Held { stop, handle })
    }

    /// Stops watching; the spans seen (those still open end now).
    pub fn finish(self) -> Vec<Span> {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().unwrap_or_default()
    }
}

/// Who a process is, from its command line.
fn kind(pid: u32) -> Kind {
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let args: Vec<String> = cmdline
        .split(|b| *b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    let program = args.first().map(String::as_str).unwrap_or("");
    if program.contains("python") {
        Kind::Writer
    } else if args.iter().any(|a| a == "snapshot") {
        Kind::Snapshot
    } else if program.contains("yardtop") {
        Kind::Dashboard
    } else {
        Kind::Other
    }
}

/// The pids holding a read lock of interest on the file with inode `ino`.
fn readers(locks: &str, ino: u64, wal: bool) -> Vec<u32> {
    let mut pids = Vec::new();
    for line in locks.lines() {
        // "1: POSIX  ADVISORY  READ 20423 fe:00:10010642 1073741826 1073742335"
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 8 || f[1] != "POSIX" || f[3] != "READ" {
            continue;
        }
        let same_file = f[5]
            .rsplit(':')
            .next()
            .and_then(|i| i.parse::<u64>().ok())
            .is_some_and(|i| i == ino);
        let start = f[6].parse::<u64>().ok();
        let wanted = match start {
            Some(s) if wal => READ_MARKS.contains(&s),
            Some(s) => s == SHARED_FIRST,
            None => false,
        };
        if let (true, true, Ok(pid)) = (same_file, wanted, f[4].parse::<u32>()) {
            pids.push(pid);
        }
    }
    pids
}

fn watch(file: &Path, wal: bool, stop: &AtomicBool) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut open: HashMap<u32, (Kind, Instant)> = HashMap::new();
    let mut ino: Option<u64> = None;
    while !stop.load(Ordering::Relaxed) {
        // The -shm file appears with the first WAL reader (and may be recreated).
        if wal || ino.is_none() {
            ino = std::fs::metadata(file).ok().map(|m| m.ino());
        }
        let now = Instant::now();
        let holding = match (ino, std::fs::read_to_string("/proc/locks")) {
            (Some(i), Ok(locks)) => readers(&locks, i, wal),
            _ => Vec::new(),
        };
        open.retain(|pid, (k, since)| {
            let still = holding.contains(pid);
            if !still {
                spans.push(Span {
                    kind: *k,
                    ms: (now - *since).as_secs_f64() * 1000.0,
                });
            }
            still
        });
        for pid in holding {
            open.entry(pid).or_insert_with(|| (kind(pid), now));
        }
        std::thread::sleep(POLL);
    }
    let now = Instant::now();
    for (_, (k, since)) in open {
        spans.push(Span {
            kind: k,
            ms: (now - since).as_secs_f64() * 1000.0,
        });
    }
    spans
}
