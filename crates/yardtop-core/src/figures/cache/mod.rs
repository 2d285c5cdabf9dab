//! What the reader keeps of `vehicles` between refreshes, and how it knows, before
//! it shows a figure, that what it keeps still matches the rows
//! (docs/architecture.md, "What the reader keeps").
//!
//! yardtop keeps nothing in the yard database (no trigger, no table): a writer it
//! does not know can neither be slowed down nor broken by it, and no write can put
//! a counter out of step. Instead every refresh first asks the database files what
//! changed since the last one:
//! - the same file (device and inode), the same schema (`schema_version`), the
//!   same port day and zone (`facts::Epoch`): else everything is read again;
//! - in WAL mode, the log's generation and the frames after the last one seen
//!   (`db::wal`): the rows of every table leaf page written, widened to the rows
//!   next to them, are read again chunk by chunk; a page that cannot be accounted
//!   for, or a new generation of the log, means everything is read again;
//! - without a log (a rollback journal, or a log checkpointed away), the file's
//!   change counter, size and modification time: any difference, everything.
//!
//! What is read again is read in the refresh's own read transaction, so every figure
//! describes one moment. A chunk read after a frame it does not include is simply
//! read again at the next refresh: the log is followed from a frame the snapshot
//! surely holds (the WAL-index's committed end read before the snapshot began).

mod follow;
mod slices;

use follow::{follow, watch_after, Followed, LeavesNow};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::db::pages::{self, Leaves};
use crate::db::quality_vehicles::{for_each_row, Rows};
use crate::db::wal::{self, Changes, Salt, MAX_FOLLOWED_PAGES};
use crate::figures::facts::{chunk_of, rowids_of, Chunk, DayFinder, Epoch};
use crate::time::Periods;

/// What a refresh did, for the benchmarks and the tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Refreshes that read every vehicle.
    pub full_reads: u64,
    /// Refreshes that read only what changed (possibly nothing).
    pub partial_reads: u64,
    /// Vehicle rows read by those.
    pub rows_read: u64,
    /// Why the last full read happened.
    pub last_full_reason: &'static str,
}

/// The vehicles' facts, kept between refreshes of one database.
#[derive(Debug, Default)]
pub struct VehicleCache {
    kept: Option<Kept>,
    /// The file the path led to before the connection of this refresh was opened
    /// (`expect_file`).
    expected_file: Option<(u64, u64)>,
    stats: CacheStats,
    /// Read once (a snapshot): nothing is prepared for a next refresh.
    once: bool,
}

#[derive(Debug)]
struct Kept {
    shape: Shape,
    epoch: Epoch,
    watch: Watch,
    chunks: BTreeMap<i64, Chunk>,
}

/// What must not change for the kept chunks to stay valid.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shape {
    path: PathBuf,
    file: Option<(u64, u64)>,
    schema_version: i64,
    /// `vehicles` has a rowid the reader can name and the log can be followed.
    chunked: bool,
}

/// How the next refresh learns what changed.
#[derive(Debug, Clone, PartialEq)]
enum Watch {
    /// Frames of the log of generation `salt` from `next_frame` on are not yet
    /// read; the leaves of `vehicles` as of the frame before (None when unknown).
    Log {
        salt: Salt,
        next_frame: u32,
        page_size: u32,
        leaves: Option<Leaves>,
    },
    /// No log: the database file as it was, and the leaves of `vehicles` in it
    /// (None when they could not be read or the rows have no rowid).
    File(FileMark, Option<Leaves>),
    /// Nothing to watch with (an in-memory database): read everything each time.
    Blind,
}

/// The database file's change counter (bytes 24..28 of its header, which every
/// commit in rollback-journal mode increments), size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileMark {
    counter: [u8; 4],
    len: u64,
    modified: Option<std::time::SystemTime>,
    /// Last modified more than `SETTLED` before it was looked at. A write within
    /// the same tick of a coarse file clock leaves the time as it was, so a file
    /// just written may change again without its mark moving; only a settled
    /// mark that has not moved says nothing changed.
    settled: bool,
}

/// How long after its last modification a file's mark is trusted (coarse file
/// clocks tick in up to 2 s, FAT's).
const SETTLED: std::time::Duration = std::time::Duration::from_secs(3);

fn file_mark(path: &Path) -> Option<FileMark> {
    let meta = std::fs::metadata(path).ok()?;
    let mut head = [0u8; 28];
    let file = crate::db::files::open(path).ok()?;
    crate::db::files::read_at(&file, &mut head, 0).ok()?;
    let modified = meta.modified().ok();
    let settled = modified
        .and_then(|m| std::time::SystemTime::now().duration_since(m).ok())
        .is_some_and(|age| age > SETTLED);
    Some(FileMark {
        counter: [head[24], head[25], head[26], head[27]],
        len: meta.len(),
        modified,
        settled,
    })
}

/// Whether the database uses a rollback journal: its header's write version is 1
/// (2 is WAL, where readers never keep a writer waiting).
fn rollback_journal(path: &Path) -> bool {
    let mut head = [0u8; 20];
    crate::db::files::open(path)
        .and_then(|f| crate::db::files::read_at(&f, &mut head, 0))
        .map(|()| head[18] == 1)
        .unwrap_or(false)
}

#[cfg(unix)]
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_path: &Path) -> Option<(u64, u64)> {
    None
}

/// What the files say before the snapshot begins (`VehicleCache::look`).
#[derive(Clone)]
pub struct Before {
    path: Option<PathBuf>,
    committed: Option<wal::CommittedEnd>,
    file: Option<FileMark>,
}

impl VehicleCache {
    pub fn new() -> VehicleCache {
        VehicleCache::default()
    }

    /// A cache for one computation (a snapshot): it reads every vehicle and does
    /// not look at what the next refresh would need.
    pub fn once() -> VehicleCache {
        VehicleCache {
            once: true,
            ..VehicleCache::default()
        }
    }

    /// The file (device, inode) the path led to just before the caller opened the
    /// connection of its next refresh: if the path leads elsewhere when the
    /// refresh looks, the file was replaced meanwhile and what the connection reads
    /// is not taken for the new file's.
    pub fn expect_file(&mut self, id: (u64, u64)) {
        self.expected_file = Some(id);
    }

    pub fn stats(&self) -> CacheStats {
        self.stats
    }

    /// Looks at the database's files. Must come before the first read of the
    /// read transaction that `refresh` then reads in: what it sees is what the
    /// snapshot is sure to include.
    pub fn look(conn: &Connection) -> Before {
        let path = conn.path().filter(|p| !p.is_empty()).map(PathBuf::from);
        Before {
            committed: path.as_deref().and_then(wal::committed_end),
            file: path.as_deref().and_then(file_mark),
            path,
        }
    }

    /// Brings the kept chunks up to the rows of `conn`'s read transaction, which
    /// began after `before` was looked at.
    pub fn refresh(
        &mut self,
        conn: &Connection,
        before: &Before,
        periods: &Periods,
        tz: &chrono_tz::Tz,
    ) -> rusqlite::Result<Facts<'_>> {
        let path = before.path.clone();
        let schema_version: i64 = conn.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
        // A connection that reads the file alone (immutable, for a user who cannot
        // write the folder) ignores the log: no frame of it is in the snapshot.
        let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        let mut before_snapshot;
        let mut before = before;
        if journal != "wal" && before.committed.is_some() {
            before_snapshot = before.clone();
            before_snapshot.committed = None;
            before = &before_snapshot;
        }
        let mut shape = Shape {
            file: path.as_deref().and_then(file_id),
            path: path.clone().unwrap_or_default(),
            schema_version,
            chunked: path.is_some() && followable(conn)?,
        };
        // The path led to another file when the connection was opened (a file
        // renamed over it): what is read now may be the old file's, so nothing
        // read now may pass for the new file's.
        if let Some(opened) = self.expected_file.take() {
            if shape.file != Some(opened) {
                shape.file = None;
            }
        }
        let epoch_ok = |k: &Kept| k.epoch.serves(tz, periods);
        let reason = match &self.kept {
            None => "first read",
            Some(k) if k.shape != shape => "another file or schema",
            Some(k) if !epoch_ok(k) => "a new port day or zone",
            Some(_) => "",
        };
        if !reason.is_empty() {
            return self.read_all(conn, shape, Epoch::new(tz, periods), before, reason);
        }
        let followed = match self.kept.as_mut() {
            Some(kept) => match follow(conn, kept, before) {
                Ok(f) => f,
                Err(e) => {
                    // Chunks may be half read again: none of it is kept.
                    self.kept = None;
                    return Err(e);
                }
            },
            None => Followed::Lost("first read"),
        };
        let lost = match followed {
            Followed::Rows(n) => {
                self.stats.partial_reads += 1;
                self.stats.rows_read += n;
                None
            }
            Followed::Lost(reason) => Some(reason),
        };
        match lost {
            None if self.kept.is_some() => self.facts(),
            _ => {
                let reason = lost.unwrap_or("first read");
                self.read_all(conn, shape, Epoch::new(tz, periods), before, reason)
            }
        }
    }

    fn facts(&self) -> rusqlite::Result<Facts<'_>> {
        match &self.kept {
            Some(kept) => Ok(Facts {
                chunks: &kept.chunks,
                epoch: &kept.epoch,
            }),
            None => Err(rusqlite::Error::InvalidQuery),
        }
    }

    fn read_all(
        &mut self,
        conn: &Connection,
        shape: Shape,
        epoch: Epoch,
        before: &Before,
        reason: &'static str,
    ) -> rusqlite::Result<Facts<'_>> {
        let mut chunks: BTreeMap<i64, Chunk> = BTreeMap::new();
        let mut days = DayFinder::new(&epoch.tz);
        let rows = if shape.chunked {
            Rows::AllWithRowid
        } else {
            Rows::All
        };
        for_each_row(conn, rows, |values, rowid| {
            let key = if shape.chunked { chunk_of(rowid) } else { 0 };
            chunks
                .entry(key)
                .or_default()
                .add_row(values, rowid, &epoch, &mut days);
        })?;
        let watch = if self.once {
            Watch::Blind
        } else {
            watch_after(conn, &shape, before, LeavesNow::Read)?
        };
        self.stats.full_reads += 1;
        self.stats.last_full_reason = reason;
        let kept = self.kept.insert(Kept {
            shape,
            epoch,
            watch,
            chunks,
        });
        Ok(Facts {
            chunks: &kept.chunks,
            epoch: &kept.epoch,
        })
    }
}

/// The kept facts of every chunk, as of the refresh's snapshot.
pub struct Facts<'a> {
    pub chunks: &'a BTreeMap<i64, Chunk>,
    pub epoch: &'a Epoch,
}

/// Whether the log can tell which rows of `vehicles` changed: a rowid table whose
/// rowid no column hides, in a database that neither moves pages by itself
/// (auto-vacuum) nor is so large that page numbers could pass for page types.
fn followable(conn: &Connection) -> rusqlite::Result<bool> {
    let rowid_table: bool = conn.query_row(
        "SELECT count(*) = 1 FROM pragma_table_list WHERE schema = 'main' AND name = 'vehicles' AND type = 'table' AND wr = 0",
        [],
        |r| r.get(0),
    )?;
    let hidden: bool = conn.query_row(
        "SELECT count(*) > 0 FROM pragma_table_info('vehicles') WHERE lower(name) IN ('rowid', '_rowid_', 'oid')",
        [],
        |r| r.get(0),
    )?;
    let auto_vacuum: i64 = conn.query_row("PRAGMA auto_vacuum", [], |r| r.get(0))?;
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    Ok(rowid_table && !hidden && auto_vacuum == 0 && (pages as u64) < MAX_FOLLOWED_PAGES)
}
