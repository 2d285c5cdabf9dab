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

    /// Before the caller's read transaction, on a database with a rollback journal:
    /// there a writer's commit waits for every reader's transaction to end, so
    /// what would be one long read of every vehicle is read in short transactions
    /// of `SLICE_CHUNKS` chunks instead, each noting the leaves it read the rows
    /// of. The caller's own transaction then reads again only the rows of the
    /// leaves that changed meanwhile. Does nothing in WAL mode (readers and writers
    /// never wait for each other there), or when what is kept can be brought up to
    /// date by reading what changed.
    pub fn prepare(&mut self, conn: &Connection, now: chrono::DateTime<chrono::Utc>) -> rusqlite::Result<()> {
        let Some(path) = conn.path().filter(|p| !p.is_empty()).map(PathBuf::from) else {
            return Ok(());
        };
        if !conn.is_autocommit() || !rollback_journal(&path) {
            return Ok(());
        }
        let before = VehicleCache::look(conn);
        conn.execute_batch("BEGIN")?;
        let head = self.slice_plan(conn, &path, now);
        conn.execute_batch("COMMIT")?;
        let Some((shape, epoch, root)) = head? else {
            return Ok(());
        };
        if let Some(k) = &self.kept {
            let follows = matches!(k.watch, Watch::File(_, Some(_)));
            if k.shape == shape && k.epoch == epoch && follows {
                return Ok(());
            }
        }
        let mut chunks: BTreeMap<i64, Chunk> = BTreeMap::new();
        let mut noted = Leaves::new();
        let mut days = DayFinder::new(&epoch.tz);
        let mut from = i64::MIN;
        loop {
            conn.execute_batch("BEGIN")?;
            let slice = read_slice(
                conn,
                &path,
                root,
                from,
                &epoch,
                &mut chunks,
                &mut noted,
                &mut days,
            );
            conn.execute_batch("COMMIT")?;
            match slice? {
                Some(next) => from = next,
                None => break,
            }
        }
        let Some(mark) = before.file else {
            return Ok(());
        };
        self.stats.full_reads += 1;
        self.stats.last_full_reason = "first read, in short transactions";
        self.kept = Some(Kept {
            shape,
            epoch,
            watch: Watch::File(mark, Some(noted)),
            chunks,
        });
        Ok(())
    }

    /// What a sliced read needs: None when the rows cannot be sliced by rowid.
    fn slice_plan(
        &self,
        conn: &Connection,
        path: &Path,
        now: chrono::DateTime<chrono::Utc>,
    ) -> rusqlite::Result<Option<(Shape, Epoch, u32)>> {
        let settings = crate::db::settings::Settings::read(conn)?;
        let tz = settings.timezone;
        let periods = Periods::new(&tz, now);
        let schema_version: i64 = conn.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
        let shape = Shape {
            file: file_id(path),
            path: path.to_path_buf(),
            schema_version,
            chunked: followable(conn)?,
        };
        let root: Option<u32> = conn
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'vehicles'",
                [],
                |r| r.get(0),
            )
            .ok();
        Ok(match root {
            Some(root) if shape.chunked => Some((shape, Epoch::new(&tz, &periods), root)),
            _ => None,
        })
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

/// The leaves of `vehicles` as of the caller's snapshot: from the database file,
/// and in WAL mode from the log's frames up to the committed end read before the
/// snapshot (later frames are followed by the next refresh, from there on). None
/// when they cannot be read so.
fn snapshot_leaves(conn: &Connection, shape: &Shape, before: &Before) -> rusqlite::Result<Option<Leaves>> {
    if !shape.chunked {
        return Ok(None);
    }
    let root: Option<u32> = conn
        .query_row(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'vehicles'",
            [],
            |r| r.get(0),
        )
        .ok();
    let Some(root) = root else { return Ok(None) };
    let log = match wal::header(&shape.path) {
        None => None,
        Some(h) => match before.committed {
            Some(c) if c.salt == h.salt => match wal::overlay(&shape.path, &h, c.last_frame) {
                Some(o) => Some(o),
                None => return Ok(None),
            },
            _ => return Ok(None),
        },
    };
    Ok(pages::leaves(&shape.path, root, (i64::MIN, i64::MAX), log))
}

/// How the next refresh knows the leaves of `vehicles` as of this one.
enum LeavesNow {
    /// Read them (after reading everything).
    Read,
    /// These (already read, or kept up to date from the log's frames).
    Known(Option<Leaves>),
}

/// Where the next refresh starts looking, after a read at a snapshot that began
/// after `before`.
fn watch_after(
    conn: &Connection,
    shape: &Shape,
    before: &Before,
    leaves: LeavesNow,
) -> rusqlite::Result<Watch> {
    if shape.path.as_os_str().is_empty() {
        return Ok(Watch::Blind);
    }
    let leaves = match leaves {
        LeavesNow::Read => snapshot_leaves(conn, shape, before)?,
        LeavesNow::Known(l) => l,
    };
    Ok(match wal::header(&shape.path) {
        Some(h) => {
            // Frames up to the committed end read before the snapshot are in it;
            // later ones may not be, so they are read again next time.
            let (next_frame, leaves) = match before.committed {
                Some(c) if c.salt == h.salt => (c.last_frame.saturating_add(1), leaves),
                // Which frames the leaves include is not known: none are kept.
                _ => (1, None),
            };
            Watch::Log {
                salt: h.salt,
                next_frame,
                page_size: h.page_size,
                leaves,
            }
        }
        None => match before.file {
            Some(mark) => Watch::File(mark, leaves),
            None => Watch::Blind,
        },
    })
}

enum Followed {
    /// Up to date after reading this many rows again.
    Rows(u64),
    /// What changed cannot be told: read everything.
    Lost(&'static str),
}

fn follow(conn: &Connection, kept: &mut Kept, before: &Before) -> rusqlite::Result<Followed> {
    let path = kept.shape.path.clone();
    let header = wal::header(&path);
    let (changes, mut leaves, salt) = match (kept.watch.clone(), header) {
        (Watch::Blind, _) => return Ok(Followed::Lost("nothing to watch the file with")),
        (
            Watch::Log {
                salt,
                next_frame,
                page_size,
                leaves,
            },
            Some(h),
        ) if salt == h.salt && page_size == h.page_size => {
            (frames_of(&path, &h, next_frame, before.committed), leaves, salt)
        }
        (Watch::File(mark, leaves), Some(h)) if before.file == Some(mark) => {
            // The file is as it was: every change since is in this log, which
            // began after the last read.
            (frames_of(&path, &h, 1, before.committed), leaves, h.salt)
        }
        (Watch::File(mark, leaves), None) if before.file == Some(mark) && mark.settled => {
            kept.watch = Watch::File(mark, leaves);
            return Ok(Followed::Rows(0));
        }
        (
            Watch::Log {
                leaves: Some(old), ..
            },
            _,
        )
        | (Watch::File(_, Some(old)), _) => {
            return by_leaves(conn, kept, before, &old);
        }
        (Watch::Log { .. }, _) => return Ok(Followed::Lost("a new generation of the log")),
        (Watch::File(..), _) => return Ok(Followed::Lost("the database file changed")),
    };
    let (ranges, images) = match changes {
        Changes::Frames { frames, .. } if frames > 0 && !kept.shape.chunked => {
            return Ok(Followed::Lost(
                "a change where rows cannot be told apart by rowid",
            ))
        }
        Changes::Frames { leaves, images, .. } => (leaves, images),
        Changes::Unaccountable(why) => {
            return match leaves {
                Some(old) => by_leaves(conn, kept, before, &old),
                None => Ok(Followed::Lost(why)),
            }
        }
    };
    // The leaves kept as of the frames the snapshot surely holds.
    match (leaves.as_mut(), before.committed) {
        (Some(l), Some(c)) if c.salt == salt => {
            for (frame, page, leaf) in images {
                if frame <= c.last_frame {
                    l.insert(page, leaf);
                }
            }
        }
        _ => leaves = None,
    }
    let spans = spans_of(conn, &ranges)?;
    let read = reread(conn, kept, spans.into_iter())?;
    kept.watch = watch_after(conn, &kept.shape, before, LeavesNow::Known(leaves))?;
    Ok(Followed::Rows(read))
}

/// The frames from `from` on, as long as the log was not truncated or begun anew
/// while they were read (SQLite rewrites the header, with new salts, before any
/// frame of a new generation): else what changed cannot be told from them.
///
/// `committed`: the committed end looked at before the snapshot; frames of the
/// same generation up to it must all be there, else the log was cut meanwhile.
fn frames_of(path: &Path, h: &wal::WalHeader, from: u32, committed: Option<wal::CommittedEnd>) -> Changes {
    let changes = wal::changes_since(path, h, from);
    if wal::header(path).as_ref() != Some(h) {
        return Changes::Unaccountable("the log began anew while it was read");
    }
    if let (Changes::Frames { frames, .. }, Some(c)) = (&changes, committed) {
        let end = u64::from(from.max(1)) + u64::from(*frames);
        if c.salt == h.salt && end <= u64::from(c.last_frame) {
            return Changes::Unaccountable("the log was cut while it was read");
        }
    }
    changes
}

/// What changed, from the leaves of `vehicles` now against `old`, the leaves as of
/// the last refresh: when the log cannot tell (it began anew, was checkpointed
/// away, or holds a page it cannot account for). In WAL mode the frames after the
/// committed end read before the snapshot are followed as well.
fn by_leaves(
    conn: &Connection,
    kept: &mut Kept,
    before: &Before,
    old: &Leaves,
) -> rusqlite::Result<Followed> {
    // The log as it is now: the leaves are read through it, and the frames after
    // its committed end are followed from it; if it is cut or begun anew before
    // that is done, what changed cannot be told.
    let log = wal::header(&kept.shape.path);
    let Some(now) = snapshot_leaves(conn, &kept.shape, before)? else {
        return Ok(Followed::Lost("the leaves of vehicles could not be read"));
    };
    let mut ranges = pages::changed(old, &now);
    match (log, before.committed) {
        (Some(h), Some(c)) => match frames_of(&kept.shape.path, &h, c.last_frame.saturating_add(1), None) {
            Changes::Frames { leaves, .. } => ranges.extend(leaves),
            Changes::Unaccountable(why) => return Ok(Followed::Lost(why)),
        },
        (Some(_), None) => return Ok(Followed::Lost("a log whose committed end is unknown")),
        (None, _) if wal::header(&kept.shape.path).is_some() => {
            return Ok(Followed::Lost("a log began while the leaves were read"))
        }
        (None, _) => {}
    }
    let spans = spans_of(conn, &ranges)?;
    let read = reread(conn, kept, spans.into_iter())?;
    kept.watch = watch_after(conn, &kept.shape, before, LeavesNow::Known(Some(now)))?;
    Ok(Followed::Rows(read))
}

/// Reads again the chunks of each span (first and last chunk, inclusive);
/// returns the rows read.
fn reread(
    conn: &Connection,
    kept: &mut Kept,
    spans: impl Iterator<Item = (i64, i64)>,
) -> rusqlite::Result<u64> {
    let mut spans: Vec<(i64, i64)> = spans.collect();
    spans.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let mut read = 0;
    let mut days = DayFinder::new(&kept.epoch.tz);
    for (first, last) in merged {
        let stale: Vec<i64> = kept.chunks.range(first..=last).map(|(k, _)| *k).collect();
        for k in stale {
            kept.chunks.remove(&k);
        }
        let (lo, hi) = rowids_of(first, last);
        let epoch = &kept.epoch;
        let chunks = &mut kept.chunks;
        for_each_row(conn, Rows::Rowids(lo, hi), |values, rowid| {
            read += 1;
            chunks
                .entry(chunk_of(rowid))
                .or_default()
                .add_row(values, rowid, epoch, &mut days);
        })?;
    }
    Ok(read)
}

/// The chunks to read again for the leaf pages written: each page's rows, widened
/// to the rows next to them in `vehicles` (a row deleted from the edge of a page
/// lies between the page's first row and the one before it), merged.
fn spans_of(conn: &Connection, leaves: &[(i64, i64)]) -> rusqlite::Result<Vec<(i64, i64)>> {
    let mut spans: Vec<(i64, i64)> = Vec::new();
    // Nothing to widen (and a table without a rowid has no `_rowid_` to ask).
    if leaves.is_empty() {
        return Ok(spans);
    }
    let mut before = conn.prepare_cached("SELECT max(_rowid_) FROM vehicles WHERE _rowid_ < ?1")?;
    let mut after = conn.prepare_cached("SELECT min(_rowid_) FROM vehicles WHERE _rowid_ > ?1")?;
    let mut sorted = leaves.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    for (a, b) in sorted {
        let lo: Option<i64> = before.query_row([a], |r| r.get(0))?;
        let hi: Option<i64> = after.query_row([b], |r| r.get(0))?;
        let span = (chunk_of(lo.unwrap_or(i64::MIN)), chunk_of(hi.unwrap_or(i64::MAX)));
        match spans.last_mut() {
            Some(last) if span.0 <= last.1.saturating_add(1) => last.1 = last.1.max(span.1),
            _ => spans.push(span),
        }
    }
    Ok(spans)
}

/// Chunks read in one short transaction of `VehicleCache::prepare`.
const SLICE_CHUNKS: i64 = 8;

/// Reads the chunks of one slice, from the first row at or after rowid `from`, and
/// notes the leaves holding them as they are now (a leaf noted twice with different
/// bytes gets hash 0: it will be read again). The next slice's first rowid, or
/// None at the end.
#[expect(
    clippy::too_many_arguments,
    reason = "one slice of one read, in its caller's terms"
)]
fn read_slice(
    conn: &Connection,
    path: &Path,
    root: u32,
    from: i64,
    epoch: &Epoch,
    chunks: &mut BTreeMap<i64, Chunk>,
    noted: &mut Leaves,
    days: &mut DayFinder,
) -> rusqlite::Result<Option<i64>> {
    let first: Option<i64> = conn.query_row(
        "SELECT min(_rowid_) FROM vehicles WHERE _rowid_ >= ?1",
        [from],
        |r| r.get(0),
    )?;
    let Some(first) = first else {
        return Ok(None);
    };
    let k = chunk_of(first);
    let last_chunk = k.saturating_add(SLICE_CHUNKS - 1).min(chunk_of(i64::MAX));
    let (lo, hi) = rowids_of(k, last_chunk);
    for_each_row(conn, Rows::Rowids(lo, hi), |values, rowid| {
        chunks
            .entry(chunk_of(rowid))
            .or_default()
            .add_row(values, rowid, epoch, days);
    })?;
    match pages::leaves(path, root, (lo, hi), None) {
        Some(now) => {
            for (no, leaf) in now {
                if leaf.first > hi || leaf.last < lo {
                    continue;
                }
                let entry = noted.entry(no).or_insert(leaf);
                if *entry != leaf {
                    entry.hash = 0;
                }
            }
        }
        None => {
            // The leaves cannot be read: nothing noted, so everything is read
            // again by the caller's transaction.
            noted.clear();
            noted.insert(
                0,
                pages::Leaf {
                    first: i64::MIN,
                    last: i64::MAX,
                    hash: 0,
                },
            );
        }
    }
    Ok(hi.checked_add(1))
}
