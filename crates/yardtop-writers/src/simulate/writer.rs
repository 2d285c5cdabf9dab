//! Short write transactions that live alongside readers and other writers: each
//! one takes the write lock with BEGIN IMMEDIATE (so it never has to give up half
//! way), waits out a lock held by someone else instead of failing, is timed, and
//! stops the run with a clear message when the database is gone or broken.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};

use crate::error::{db_error, is_busy, Result, UserError};

/// How long one attempt at the write lock blocks before the stop flag is looked
/// at again.
const LOCK_ATTEMPT: Duration = Duration::from_millis(100);
/// Waiting longer than this for the lock is worth a line on stderr.
const LOCK_PATIENCE: Duration = Duration::from_secs(5);
/// A WAL this long (in pages; 16 MB of 4 KB pages) is made to start over.
const WAL_RESTART_PAGES: i64 = 4096;
/// How long a restarting checkpoint waits for the readers of the moment to finish.
/// Twenty dashboards on a busy machine each take up to a second or so to refresh;
/// a shorter wait never finds a moment without one and the WAL grows for ever.
const WAL_RESTART_PATIENCE: Duration = Duration::from_secs(3);

/// Transaction times in 10 µs buckets up to 100 ms: a p99 without keeping every
/// sample of a run that may last days.
#[derive(Debug, Clone)]
pub(super) struct Histogram {
    buckets: Vec<u64>,
    pub count: u64,
    pub max_ms: f64,
}

const BUCKET_MS: f64 = 0.01;
const BUCKETS: usize = 10_000;

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            buckets: vec![0; BUCKETS + 1],
            count: 0,
            max_ms: 0.0,
        }
    }
}

impl Histogram {
    pub(super) fn record(&mut self, ms: f64) {
        let i = ((ms / BUCKET_MS) as usize).min(BUCKETS);
        self.buckets[i] += 1;
        self.count += 1;
        self.max_ms = self.max_ms.max(ms);
    }

    /// The 99th percentile in ms (the upper edge of its bucket).
    pub(super) fn p99(&self) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let want = (self.count as f64 * 0.99).ceil() as u64;
        let mut seen = 0;
        for (i, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= want {
                return if i == BUCKETS {
                    self.max_ms
                } else {
                    ((i + 1) as f64 * BUCKET_MS).min(self.max_ms)
                };
            }
        }
        self.max_ms
    }
}

/// What became of one write.
pub(super) enum Wrote<T> {
    Committed(T),
    /// Its preconditions no longer held (another writer got there first): rolled
    /// back, the picture of the yard needs a fresh read.
    Skipped,
    /// Asked to stop while waiting for the lock.
    Stopped,
}

/// The file behind the connection, to notice it being deleted or replaced (SQLite
/// keeps writing to an unlinked file without complaint).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId(u64, u64);

fn file_id(path: &Path) -> Option<FileId> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(FileId(meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        Some(FileId(0, meta.len().min(1)))
    }
}

pub(super) struct Writer {
    conn: Connection,
    path: PathBuf,
    id: Option<FileId>,
    pub all: Histogram,
    pub recent: Histogram,
    pub lock_waits: u64,
}

impl Writer {
    pub(super) fn open(path: &Path) -> Result<Writer> {
        let conn = crate::open::open_writer(path)?;
        conn.busy_timeout(LOCK_ATTEMPT).map_err(|e| db_error(path, &e))?;
        // Checkpoints run between transactions (see `checkpoint`), so that no
        // write transaction pays for copying the WAL into the database; the WAL
        // file is trimmed back when it is reset.
        conn.execute_batch("PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 16777216;")
            .map_err(|e| db_error(path, &e))?;
        Ok(Writer {
            conn,
            path: path.to_path_buf(),
            id: file_id(path),
            all: Histogram::default(),
            recent: Histogram::default(),
            lock_waits: 0,
        })
    }

    pub(super) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `body` in one write transaction, giving it the time to write (now,
    /// UTC). `body` returns `Ok(None)` when it finds its preconditions broken:
    /// the transaction is rolled back.
    pub(super) fn write<T>(
        &mut self,
        stop: &AtomicBool,
        verbose: bool,
        body: impl FnOnce(&Transaction<'_>, &str) -> rusqlite::Result<Option<T>>,
    ) -> Result<Wrote<T>> {
        let waiting = Instant::now();
        let mut told = false;
        let tx = loop {
            match self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
            {
                Ok(tx) => break tx,
                Err(e) if is_busy(&e) => {
                    if stop.load(Ordering::Relaxed) {
                        return Ok(Wrote::Stopped);
                    }
                    if verbose && !told && waiting.elapsed() > LOCK_PATIENCE {
                        told = true;
                        eprintln!(
                            "simulate: another program has held the write lock on {} for {} s; waiting for it",
                            self.path.display(),
                            waiting.elapsed().as_secs()
                        );
                    }
                }
                Err(e) => return Err(fatal_at(&self.path, self.id, &e)),
            }
        };
        let started = Instant::now();
        // Stamped once the lock is ours: a long wait must not date the events in
        // the past.
        let at = crate::time::fmt_utc(chrono::Utc::now());
        let outcome = body(&tx, &at);
        let result = match outcome {
            Ok(Some(v)) => tx.commit().map(|_| Some(v)),
            Ok(None) => {
                drop(tx);
                Ok(None)
            }
            Err(e) => {
                drop(tx);
                Err(e)
            }
        };
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if told {
            self.lock_waits += 1;
            if verbose {
                eprintln!("simulate: got the write lock back; writing again");
            }
        }
        match result {
            Ok(Some(v)) => {
                self.all.record(ms);
                self.recent.record(ms);
                Ok(Wrote::Committed(v))
            }
            Ok(None) => Ok(Wrote::Skipped),
            Err(e) if skippable(&e) => Ok(Wrote::Skipped),
            Err(e) => Err(self.fatal(&e)),
        }
    }

    /// Runs `body` in a read transaction (one consistent snapshot), waiting out
    /// locks. None when stopped while waiting.
    pub(super) fn read<T>(
        &mut self,
        stop: &AtomicBool,
        body: impl Fn(&Connection) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        loop {
            let attempt = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Deferred)
                .and_then(|tx| {
                    let v = body(&tx)?;
                    tx.commit()?;
                    Ok(v)
                });
            match attempt {
                Ok(v) => return Ok(Some(v)),
                Err(e) if is_busy(&e) => {
                    if stop.load(Ordering::Relaxed) {
                        return Ok(None);
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => return Err(self.fatal(&e)),
            }
        }
    }

    /// Copies the WAL back into the database, outside any transaction. A passive
    /// checkpoint never waits, but while dashboards keep reading it may never
    /// catch up, and the WAL only starts over once no reader is still in it: past
    /// `WAL_RESTART_PAGES` the checkpoint waits (up to `WAL_RESTART_PATIENCE`) for
    /// the readers of the moment to finish, so the WAL stays bounded (docs/benchmarks.md).
    /// Returns the WAL's length in pages.
    pub(super) fn checkpoint(&self) -> i64 {
        let run = |mode: &str| {
            self.conn
                .query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                })
                .ok()
        };
        // A busy or failed checkpoint is simply tried again next time.
        match run("PASSIVE") {
            Some((_, pages)) if pages >= WAL_RESTART_PAGES => {
                // Waits between transactions, never inside one: the write lock is
                // free meanwhile, only this writer pauses. TRUNCATE also gives the
                // disk space back once the WAL has grown four times the limit.
                let _ = self.conn.busy_timeout(WAL_RESTART_PATIENCE);
                let mode = if pages >= 4 * WAL_RESTART_PAGES {
                    "TRUNCATE"
                } else {
                    "RESTART"
                };
                let done = run(mode);
                let _ = self.conn.busy_timeout(LOCK_ATTEMPT);
                match done {
                    Some((0, _)) => 0,
                    _ => pages,
                }
            }
            Some((_, pages)) => pages.max(0),
            None => 0,
        }
    }

    /// Stops the run when the file was deleted or replaced under us.
    pub(super) fn check_file(&self) -> Result<()> {
        check_file(&self.path, self.id)
    }

    pub(super) fn fatal(&self, err: &rusqlite::Error) -> UserError {
        fatal_at(&self.path, self.id, err)
    }
}

fn check_file(path: &Path, id: Option<FileId>) -> Result<()> {
    let now = file_id(path);
    if now.is_none() {
        return Err(UserError::usage(format!(
            "yard database {} was deleted while simulate was writing to it; stopped",
            path.display()
        )));
    }
    if id.is_some() && now != id {
        return Err(UserError::usage(format!(
            "yard database {} was replaced by another file while simulate was writing to it; stopped (run simulate again to write into the new one)",
            path.display()
        )));
    }
    Ok(())
}

/// An error that ends the run, in words; a vanished file is named as such rather
/// than as the "read-only" SQLite reports for it.
fn fatal_at(path: &Path, id: Option<FileId>, err: &rusqlite::Error) -> UserError {
    if let Err(gone) = check_file(path, id) {
        return gone;
    }
    let mut e = db_error(path, err);
    e.message = format!("simulate stopped: {}", e.message);
    e
}

/// Errors that mean "someone else changed this row first", not "the database is
/// broken": the step is skipped and the yard re-read.
fn skippable(err: &rusqlite::Error) -> bool {
    is_busy(err) || matches!(err.sqlite_error_code(), Some(ErrorCode::ConstraintViolation))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p99_of_a_skewed_run() {
        let mut h = Histogram::default();
        for _ in 0..990 {
            h.record(0.2);
        }
        for _ in 0..10 {
            h.record(30.0);
        }
        assert!((h.p99() - 0.21).abs() < 1e-9, "{}", h.p99());
        h.record(500.0);
        assert_eq!(h.max_ms, 500.0);
        assert!(h.p99() >= 30.0);
    }
}
