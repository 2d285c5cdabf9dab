//! How a refresh learns what a writer changed since the last one, and reads that
//! again (see `super`): the log's frames, else the leaves of `vehicles`.

use super::*;

/// The leaves of `vehicles` as of the caller's snapshot: from the database file,
/// and in WAL mode from the log's frames up to the committed end read before the
/// snapshot (later frames are followed by the next refresh, from there on). None
/// when they cannot be read so.
pub(super) fn snapshot_leaves(
    conn: &Connection,
    shape: &Shape,
    before: &Before,
) -> rusqlite::Result<Option<Leaves>> {
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
pub(super) enum LeavesNow {
    /// Read them (after reading everything).
    Read,
    /// These (already read, or kept up to date from the log's frames).
    Known(Option<Leaves>),
}

/// Where the next refresh starts looking, after a read at a snapshot that began
/// after `before`.
pub(super) fn watch_after(
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
                Some(c) if c.salt == h.salt => {
                    let leaves =
                        leaves.and_then(|mut l| distrust_slipped(&shape.path, &h, c, &mut l).then_some(l));
                    (c.last_frame.saturating_add(1), leaves)
                }
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

/// The leaves kept are as of the committed end looked at before the snapshot
/// (`pre`), but commits that landed between that look and the snapshot's start are
/// in the snapshot, and so in the rows read: a leaf such a commit wrote could later
/// be written back to its older bytes and look unchanged. Its hash is dropped, so
/// that it counts as changed at the next comparison. False when the log began anew
/// meanwhile: then none of the leaves can be trusted.
fn distrust_slipped(path: &Path, h: &wal::WalHeader, pre: wal::CommittedEnd, leaves: &mut Leaves) -> bool {
    let Some(post) = wal::committed_end(path) else {
        return false;
    };
    if post.salt != pre.salt {
        return false;
    }
    if post.last_frame <= pre.last_frame {
        return true;
    }
    match wal::pages_in(path, h, pre.last_frame.saturating_add(1), post.last_frame) {
        Some(pages) => {
            for page in pages {
                if let Some(leaf) = leaves.get_mut(&page) {
                    leaf.hash = 0;
                }
            }
            true
        }
        None => false,
    }
}

pub(super) enum Followed {
    /// Up to date after reading this many rows again.
    Rows(u64),
    /// What changed cannot be told: read everything.
    Lost(&'static str),
}

pub(super) fn follow(conn: &Connection, kept: &mut Kept, before: &Before) -> rusqlite::Result<Followed> {
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
pub(super) fn frames_of(
    path: &Path,
    h: &wal::WalHeader,
    from: u32,
    committed: Option<wal::CommittedEnd>,
) -> Changes {
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
pub(super) fn by_leaves(
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
pub(super) fn reread(
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
pub(super) fn spans_of(conn: &Connection, leaves: &[(i64, i64)]) -> rusqlite::Result<Vec<(i64, i64)>> {
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
