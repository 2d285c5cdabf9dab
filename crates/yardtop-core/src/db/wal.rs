//! What changed in the yard database since a refresh, read from SQLite's own
//! write-ahead log (docs/architecture.md, "What the reader keeps"). Every commit in
//! WAL mode appends the new image of each page it changed to the `-wal` file; the
//! table leaf pages among them hold, whole, every row that was inserted or updated,
//! and their neighbours bound every row that was deleted. yardtop keeps nothing in
//! the database, so this is how it learns, without a trigger and without reading
//! history again, which stretch of `vehicles` a writer touched.
//!
//! The file formats are SQLite's documented ones (sqlite.org/fileformat2.html, "The
//! WAL File Format" and "The WAL-Index Format"). The files are only read, never
//! locked or written. Anything this module cannot account for (a page it does not
//! recognise, a torn header, another generation of the log) is reported as such,
//! and the reader then reads everything again: doubt costs time, never exactness.

use std::collections::HashMap;
use std::fs::File;
use std::sync::Arc;

use crate::db::files;
use crate::db::pages::{be32, varint};
use std::path::{Path, PathBuf};

const WAL_HEADER: usize = 32;
const FRAME_HEADER: usize = 24;
/// The first 48 bytes of `-shm`, stored twice: the header a reader trusts when both
/// copies agree.
const INDEX_HEADER: usize = 48;

/// The page types of a b-tree page's first byte.
const INDEX_INTERIOR: u8 = 0x02;
const TABLE_INTERIOR: u8 = 0x05;
const INDEX_LEAF: u8 = 0x0a;
const TABLE_LEAF: u8 = 0x0d;

/// Pages numbered from here on could start, as an overflow or freelist page, with a
/// byte that reads as a b-tree page type: beyond it the log's pages cannot be told
/// apart, and the reader does not follow the log (a database of 64 GiB at 4 KiB
/// pages).
pub const MAX_FOLLOWED_PAGES: u64 = 1 << 24;

fn wal_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push("-wal");
    PathBuf::from(p)
}

fn shm_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push("-shm");
    PathBuf::from(p)
}

/// The log's generation: SQLite gives every restart of the `-wal` file new salts,
/// and every frame of a generation carries them.
pub type Salt = [u8; 8];

/// The `-wal` file's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalHeader {
    pub page_size: u32,
    pub salt: Salt,
}

/// The committed end of the log as the WAL-index (`-shm`) says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommittedEnd {
    /// Frames 1..=`last_frame` are committed.
    pub last_frame: u32,
    pub salt: Salt,
}

fn ne32(b: &[u8], at: usize) -> Option<u32> {
    let bytes: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_ne_bytes(bytes))
}

/// Reads the `-wal` header; None when there is no log, or it is empty or torn.
pub fn header(db: &Path) -> Option<WalHeader> {
    let f = files::open(&wal_path(db)).ok()?;
    let mut b = [0u8; WAL_HEADER];
    files::read_at(&f, &mut b, 0).ok()?;
    let magic = be32(&b, 0)?;
    if magic & !1 != 0x377f_0682 {
        return None;
    }
    let page_size = match be32(&b, 8)? {
        1 => 65_536,
        n if n.is_power_of_two() && (512..=32_768).contains(&n) => n,
        _ => return None,
    };
    let salt: Salt = b.get(16..24)?.try_into().ok()?;
    Some(WalHeader { page_size, salt })
}

/// The committed end of the log from the WAL-index, read as a reader would before
/// its snapshot: both copies of the header must agree (a writer updating it leaves
/// them different for a moment), else None. Read before a read transaction starts,
/// it is a frame the transaction's snapshot is sure to include.
pub fn committed_end(db: &Path) -> Option<CommittedEnd> {
    for _ in 0..3 {
        let f = files::open(&shm_path(db)).ok()?;
        let mut b = [0u8; 2 * INDEX_HEADER];
        files::read_at(&f, &mut b, 0).ok()?;
        let (one, two) = b.split_at(INDEX_HEADER);
        // isInit (byte 12) is set once the header describes the log.
        if one == two && one.get(12) == Some(&1) {
            return Some(CommittedEnd {
                last_frame: ne32(one, 16)?,
                salt: one.get(32..40)?.try_into().ok()?,
            });
        }
        std::thread::yield_now();
    }
    None
}

/// What the frames from a given one on say about the table rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changes {
    /// `frames` frames were read; `leaves` are the rowid ranges (first, last) of
    /// every table leaf page among them, each as it is now. Index and interior
    /// pages carry no row and are left out. `images`: each table leaf frame as
    /// (frame number, page number, the leaf as `pages` keeps it).
    Frames {
        leaves: Vec<(i64, i64)>,
        frames: u32,
        images: Vec<(u32, u32, crate::db::pages::Leaf)>,
    },
    /// A page that is neither a b-tree page with rows nor one without (an overflow
    /// or freelist page, an emptied leaf), or the frames could not be read: what
    /// changed cannot be bounded.
    Unaccountable(&'static str),
}

/// Reads the frames of generation `salt` from frame `from` (1-based) to the end of
/// the file. Frames of another generation end the log (a restarted log overwrites
/// an older one from its start). Frames written after the caller's snapshot may be
/// read too; they only widen what is read again.
pub fn changes_since(db: &Path, header: &WalHeader, from: u32) -> Changes {
    match read_frames(db, header, from) {
        Ok(c) => c,
        Err(_) => Changes::Unaccountable("the log could not be read"),
    }
}

fn read_frames(db: &Path, header: &WalHeader, from: u32) -> std::io::Result<Changes> {
    let page = header.page_size as usize;
    let frame = FRAME_HEADER + page;
    let f = files::open(&wal_path(db))?;
    let mut at = WAL_HEADER as u64 + u64::from(from.max(1) - 1) * frame as u64;
    let mut buf = vec![0u8; frame];
    let mut leaves = Vec::new();
    let mut images = Vec::new();
    let mut frames = 0u32;
    loop {
        // A partial frame is not a frame yet.
        if files::read_some_at(&f, &mut buf, at)? < frame {
            break;
        }
        at += frame as u64;
        let (head, image) = buf.split_at(FRAME_HEADER);
        if head.get(8..16) != Some(&header.salt[..]) {
            break;
        }
        frames = frames.saturating_add(1);
        let page_no = be32(head, 0).unwrap_or(0);
        if u64::from(page_no) >= MAX_FOLLOWED_PAGES {
            return Ok(Changes::Unaccountable("a page beyond the followed size"));
        }
        // Page 1 is the schema table and the file header: a schema change is seen
        // by its version, not here.
        if page_no <= 1 {
            continue;
        }
        match image.first() {
            Some(&INDEX_INTERIOR | &INDEX_LEAF | &TABLE_INTERIOR) => {}
            Some(&TABLE_LEAF) => match leaf_rowids(image) {
                Some(range) => {
                    leaves.push(range);
                    let leaf = crate::db::pages::Leaf {
                        first: range.0,
                        last: range.1,
                        hash: crate::db::pages::hash_page(image),
                    };
                    images.push((from.max(1) + frames - 1, page_no, leaf));
                }
                None => return Ok(Changes::Unaccountable("an emptied or unreadable leaf page")),
            },
            _ => return Ok(Changes::Unaccountable("an overflow or freelist page")),
        }
    }
    Ok(Changes::Frames {
        leaves,
        frames,
        images,
    })
}

/// Where the newest image of each page in frames 1..=`upto` of generation
/// `header.salt` is in the log: page number → byte offset of the image. None when
/// the log holds fewer such frames.
pub fn overlay(db: &Path, header: &WalHeader, upto: u32) -> Option<(Arc<File>, HashMap<u32, u64>)> {
    let page = header.page_size as u64;
    let frame = FRAME_HEADER as u64 + page;
    let f = files::open(&wal_path(db)).ok()?;
    let mut map = HashMap::new();
    let mut head = [0u8; FRAME_HEADER];
    for i in 0..u64::from(upto) {
        let at = WAL_HEADER as u64 + i * frame;
        files::read_at(&f, &mut head, at).ok()?;
        if head.get(8..16) != Some(&header.salt[..]) {
            return None;
        }
        map.insert(be32(&head, 0)?, at + FRAME_HEADER as u64);
    }
    Some((f, map))
}

/// The page numbers of frames `first..=last` of generation `header.salt`; None
/// when one of them is missing or of another generation.
pub fn pages_in(db: &Path, header: &WalHeader, first: u32, last: u32) -> Option<Vec<u32>> {
    let frame = FRAME_HEADER as u64 + u64::from(header.page_size);
    let f = files::open(&wal_path(db)).ok()?;
    let mut head = [0u8; FRAME_HEADER];
    let mut pages = Vec::new();
    for i in first.max(1)..=last {
        let at = WAL_HEADER as u64 + u64::from(i - 1) * frame;
        files::read_at(&f, &mut head, at).ok()?;
        if head.get(8..16) != Some(&header.salt[..]) {
            return None;
        }
        pages.push(be32(&head, 0)?);
    }
    Some(pages)
}

/// The smallest and largest rowid on a table leaf page; None for a page without
/// cells or with a cell that points outside the page.
pub fn leaf_rowids(page: &[u8]) -> Option<(i64, i64)> {
    let cells = u16::from_be_bytes(page.get(3..5)?.try_into().ok()?) as usize;
    let mut range: Option<(i64, i64)> = None;
    for i in 0..cells {
        let at = 8 + 2 * i;
        let offset = u16::from_be_bytes(page.get(at..at + 2)?.try_into().ok()?) as usize;
        let cell = page.get(offset..)?;
        let (_, len) = varint(cell)?;
        let (rowid, _) = varint(cell.get(len..)?)?;
        let rowid = rowid as i64;
        range = Some(match range {
            None => (rowid, rowid),
            Some((lo, hi)) => (lo.min(rowid), hi.max(rowid)),
        });
    }
    range
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_as_sqlite_writes_them() {
        assert_eq!(varint(&[0x05]), Some((5, 1)));
        assert_eq!(varint(&[0x81, 0x00]), Some((128, 2)));
        assert_eq!(varint(&[0xff; 9]), Some((u64::MAX, 9)));
        assert_eq!(varint(&[0x81]), None);
    }

    #[test]
    fn a_leaf_page_gives_its_rowids_and_an_empty_one_none() {
        let mut page = vec![0u8; 512];
        page[0] = TABLE_LEAF;
        assert_eq!(leaf_rowids(&page), None);
        page[3..5].copy_from_slice(&2u16.to_be_bytes());
        page[8..10].copy_from_slice(&400u16.to_be_bytes());
        page[10..12].copy_from_slice(&450u16.to_be_bytes());
        page[400..403].copy_from_slice(&[3, 0x81, 0x00]);
        page[450..452].copy_from_slice(&[3, 7]);
        assert_eq!(leaf_rowids(&page), Some((7, 128)));
        page[10..12].copy_from_slice(&600u16.to_be_bytes());
        assert_eq!(leaf_rowids(&page), None);
    }
}
