//! What changed in `vehicles` when there is no log to tell it (a rollback journal,
//! or a log checkpointed and deleted by the last writer to close): the table's
//! b-tree read from the database file itself (docs/architecture.md, "What the
//! reader keeps"). Its interior pages give every leaf page with the rowids it may
//! hold (the dividers bound deleted rows too); a hash of each leaf and of the
//! overflow pages its long rows continue on says whether it changed since it was
//! last looked at.
//!
//! Read only inside a read transaction of a database without a log: the reader's
//! shared lock keeps writers out of the file meanwhile, so the bytes read are the
//! snapshot's. The format is SQLite's documented one (sqlite.org/fileformat2.html,
//! "B-tree Pages"). Anything unexpected gives None: read everything instead.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use crate::db::files;

/// A leaf page of `vehicles` as last looked at: the rowids it may hold,
/// inclusive, and a hash of its bytes and of its rows' overflow pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leaf {
    pub first: i64,
    pub last: i64,
    pub hash: u64,
}

/// Leaves by page number.
pub type Leaves = HashMap<u32, Leaf>;

struct Db {
    file: Arc<File>,
    page_size: usize,
    usable: usize,
    pages: u32,
    /// In WAL mode, the log and where the newest image of each page is in it.
    log: Option<(Arc<File>, HashMap<u32, u64>)>,
}

impl Db {
    fn open(path: &Path, log: Option<(Arc<File>, HashMap<u32, u64>)>) -> Option<Db> {
        let file = files::open(path).ok()?;
        let mut head = [0u8; 100];
        files::read_at(&file, &mut head, 0).ok()?;
        let page_size = match u16::from_be_bytes([head[16], head[17]]) {
            1 => 65_536,
            n => n as usize,
        };
        let usable = page_size.checked_sub(head[20] as usize)?;
        let len = file.metadata().ok()?.len();
        let mut pages = u32::try_from(len / page_size as u64).ok()?;
        if let Some((_, map)) = &log {
            pages = pages.max(map.keys().copied().max().unwrap_or(0));
        }
        (page_size >= 512 && usable >= 480).then_some(Db {
            file,
            page_size,
            usable,
            pages,
            log,
        })
    }

    fn page(&self, no: u32) -> Option<Vec<u8>> {
        if no == 0 || no > self.pages {
            return None;
        }
        let mut buf = vec![0u8; self.page_size];
        let (file, at) = match &self.log {
            Some((log, map)) if map.contains_key(&no) => (log, *map.get(&no)?),
            _ => (&self.file, u64::from(no - 1) * self.page_size as u64),
        };
        files::read_at(file, &mut buf, at).ok()?;
        Some(buf)
    }
}

pub(crate) fn be16(b: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?) as usize)
}

pub(crate) fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// SQLite's variable-length integer (the file format's one encoding of integers in
/// cells): the value and how many bytes it took.
pub(crate) fn varint(b: &[u8]) -> Option<(u64, usize)> {
    let mut v: u64 = 0;
    for i in 0..9 {
        let byte = *b.get(i)?;
        if i == 8 {
            return Some(((v << 8) | u64::from(byte), 9));
        }
        v = (v << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

/// A fast hash of page bytes, word by word. Each step (xor a word, rotate,
/// multiply by an odd constant) is a bijection of the running value for a given
/// word, so two pages that differ in a single word never hash alike; it is about
/// ten times faster than the standard library's SipHash, which matters when the
/// leaves of a million vehicles (about 200 MB) are hashed.
struct PageHash(u64);

impl PageHash {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;

    fn new() -> PageHash {
        PageHash(0x243f_6a88_85a3_08d3)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            self.0 = (self.0 ^ w).rotate_left(29).wrapping_mul(Self::K);
        }
        for &b in words.remainder() {
            self.0 = (self.0 ^ u64::from(b)).rotate_left(29).wrapping_mul(Self::K);
        }
        self.0 = (self.0 ^ bytes.len() as u64).wrapping_mul(Self::K);
    }

    fn finish(&self) -> u64 {
        // Never 0: 0 means "not hashed".
        (self.0 ^ (self.0 >> 31)).max(1)
    }
}

/// The hash of a page's bytes, as `leaves` hashes a leaf without overflow pages.
pub fn hash_page(page: &[u8]) -> u64 {
    let mut hasher = PageHash::new();
    hasher.write(page);
    hasher.finish()
}

/// Every leaf of the table whose root page is `root`, each page as the log
/// (`wal::overlay`) or else the file holds it. Leaves whose rowids meet `hashed`
/// (inclusive) are hashed; the others get hash 0.
pub fn leaves(
    path: &Path,
    root: u32,
    hashed: (i64, i64),
    log: Option<(Arc<File>, HashMap<u32, u64>)>,
) -> Option<Leaves> {
    let mut db = Db::open(path, log)?;
    let mut out = Leaves::new();
    // (page, first rowid it may hold, last), depth-first.
    let mut stack = vec![(root, i64::MIN, i64::MAX)];
    let mut visited = 0u32;
    while let Some((no, first, last)) = stack.pop() {
        visited += 1;
        if visited > db.pages {
            return None; // a cycle: not a b-tree
        }
        let page = db.page(no)?;
        let h = if no == 1 { 100 } else { 0 };
        let cells = be16(&page, h + 3)?;
        match *page.get(h)? {
            0x05 => {
                let mut lower = first;
                for i in 0..cells {
                    let at = be16(&page, h + 12 + 2 * i)?;
                    let child = be32(&page, at)?;
                    let (key, _) = varint(page.get(at + 4..)?)?;
                    let key = key as i64;
                    stack.push((child, lower, key));
                    lower = key.saturating_add(1);
                }
                stack.push((be32(&page, h + 8)?, lower, last));
            }
            0x0d => {
                let hash = if first <= hashed.1 && last >= hashed.0 {
                    leaf_hash(&mut db, &page, h, cells)?
                } else {
                    0
                };
                out.insert(no, Leaf { first, last, hash });
            }
            _ => return None,
        }
    }
    Some(out)
}

/// A hash of a leaf's bytes and of the overflow pages of its rows.
fn leaf_hash(db: &mut Db, page: &[u8], h: usize, cells: usize) -> Option<u64> {
    let mut hasher = PageHash::new();
    hasher.write(page);
    let u = db.usable;
    let max_local = u - 35;
    let min_local = (u - 12) * 32 / 255 - 23;
    for i in 0..cells {
        let at = be16(page, h + 8 + 2 * i)?;
        let cell = page.get(at..)?;
        let (payload, a) = varint(cell)?;
        let (_, b) = varint(cell.get(a..)?)?;
        let payload = usize::try_from(payload).ok()?;
        if payload <= max_local {
            continue;
        }
        let k = min_local + (payload - min_local) % (u - 4);
        let local = if k <= max_local { k } else { min_local };
        let mut next = be32(cell, a + b + local)?;
        let mut hops = 0u32;
        while next != 0 {
            hops += 1;
            if hops > db.pages {
                return None;
            }
            let overflow = db.page(next)?;
            hasher.write(&overflow);
            next = be32(&overflow, 0)?;
        }
    }
    Some(hasher.finish())
}

/// The rowid ranges (inclusive) whose rows may differ between two looks: every
/// leaf that is new, gone or changed, with the rowids it held and holds (the same
/// bytes hold the same rows, wherever the page now sits in the tree). Leaves not
/// hashed (hash 0) are taken as changed.
pub fn changed(before: &Leaves, now: &Leaves) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    for (no, leaf) in now {
        match before.get(no) {
            Some(old) if old.hash == leaf.hash && leaf.hash != 0 => {}
            Some(old) => {
                out.push((old.first, old.last));
                out.push((leaf.first, leaf.last));
            }
            None => out.push((leaf.first, leaf.last)),
        }
    }
    for (no, old) in before {
        if !now.contains_key(no) {
            out.push((old.first, old.last));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_changed_anywhere_hashes_otherwise() {
        let page: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 251) as u8).collect();
        let h = hash_page(&page);
        assert_ne!(h, 0);
        for at in [0, 1, 7, 8, 2048, 4095] {
            let mut other = page.clone();
            other[at] ^= 0x20;
            assert_ne!(hash_page(&other), h, "a change at byte {at}");
        }
        let mut swapped = page.clone();
        swapped.swap(0, 8);
        assert_ne!(hash_page(&swapped), h);
        assert_eq!(hash_page(&page), h);
    }
}
