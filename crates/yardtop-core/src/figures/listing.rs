//! Every subject of a vehicle alert, a page at a time, each with where it is: the
//! alert drill-down and `snapshot --format csv --alert` read this.
//!
//! Membership is decided per vehicle in Rust (`subjects::classify`, the same call
//! the figures count with), so the list is found by reading the vehicles in the
//! yard once per page and keeping only the page's keys: memory is one page,
//! whatever the size of the alert, and the count, the position and the rows come
//! from the same reading. Keys are `(staged first, VIN, rowid)`: unique even where a
//! table lost its primary key or a VIN is missing or not UTF-8.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Row};

use crate::db::browse::{display, Anchor, Page, SocReading};
use crate::db::queries::{self, YardVehicle};
use crate::db::settings::Settings;
use crate::db::value;
use crate::figures::subjects::classify;

/// Where a subject sorts: staged ones first (for `soc_over_max`, whose staged
/// subjects make it critical; for the other kinds every key has `false`), then VIN,
/// then the row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SubjectKey {
    pub not_staged: bool,
    pub vin: String,
    pub rowid: i64,
}

/// A vehicle subject with where it is, as stored (the UI and the CSV clean text).
#[derive(Debug, Clone, PartialEq)]
pub struct VehicleSubject {
    pub key: SubjectKey,
    pub vin: String,
    pub block: String,
    pub row: Option<String>,
    pub slot: Option<String>,
    pub status: String,
    pub powertrain: String,
    pub soc: SocReading,
    pub hold_reason: String,
    /// The consignment's ref, when it has one.
    pub consignment: String,
}

/// One page of an alert's vehicles, with its place in the whole list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SubjectPage {
    pub kind: String,
    pub page: Page<VehicleSubject>,
    /// Subjects before the first row of the page.
    pub offset: u64,
    /// Subjects of the alert, as counted by this same reading.
    pub total: u64,
    /// Of which staged.
    pub staged: u64,
}

/// Keeps the `cap` smallest keys offered.
struct Smallest<K: Ord>(BinaryHeap<K>, usize);

impl<K: Ord> Smallest<K> {
    fn new(cap: usize) -> Self {
        Smallest(BinaryHeap::new(), cap)
    }
    /// Would `k` be kept? (Asked first, so that a key is copied only when it is.)
    fn wants(&self, k: &K) -> bool {
        self.1 > 0 && (self.0.len() < self.1 || self.0.peek().is_some_and(|top| k < top))
    }
    fn offer(&mut self, k: K) {
        if self.1 == 0 {
            return;
        }
        if self.0.len() < self.1 {
            self.0.push(k);
        } else if self.0.peek().is_some_and(|top| k < *top) {
            self.0.pop();
            self.0.push(k);
        }
    }
    fn sorted(self) -> Vec<K> {
        self.0.into_sorted_vec()
    }
}

/// Keeps the `cap` largest keys offered.
struct Largest<K: Ord>(BinaryHeap<Reverse<K>>, usize);

impl<K: Ord> Largest<K> {
    fn new(cap: usize) -> Self {
        Largest(BinaryHeap::new(), cap)
    }
    fn wants(&self, k: &K) -> bool {
        self.1 > 0 && (self.0.len() < self.1 || self.0.peek().is_some_and(|Reverse(low)| k > low))
    }
    fn offer(&mut self, k: K) {
        if self.1 == 0 {
            return;
        }
        if self.0.len() < self.1 {
            self.0.push(Reverse(k));
        } else if self.0.peek().is_some_and(|Reverse(low)| k > *low) {
            self.0.pop();
            self.0.push(Reverse(k));
        }
    }
    fn sorted(self) -> Vec<K> {
        let mut v: Vec<K> = self.0.into_iter().map(|Reverse(k)| k).collect();
        v.sort();
        v
    }
}

/// The keys of one page at an anchor, chosen from keys offered in any order, as a
/// keyset query would choose them from an ordered index.
pub struct Window<'a, K: Ord + Clone> {
    anchor: &'a Anchor<K>,
    limit: usize,
    /// The smallest keys (for `First`, and `BackFrom` with nothing before it).
    head: Smallest<K>,
    /// The largest keys (for `Last`, and `From`/`After` with nothing after it).
    tail: Largest<K>,
    /// Keys at or after the anchor's bound.
    above: Smallest<K>,
    /// Keys before the anchor's bound (`BackFrom`).
    below: Largest<K>,
    /// How many keys come before the bound.
    before: u64,
    count: u64,
}

impl<'a, K: Ord + Clone> Window<'a, K> {
    pub fn new(anchor: &'a Anchor<K>, limit: usize) -> Self {
        let limit = limit.max(1);
        let (head, tail, back) = match anchor {
            Anchor::First => (limit + 1, 0, 0),
            Anchor::Last => (0, limit + 1, 0),
            Anchor::From(_) | Anchor::After(_) => (0, limit + 1, 0),
            Anchor::BackFrom(_, n) => (limit + 1, 0, (*n).max(1)),
        };
        Window {
            anchor,
            limit,
            head: Smallest::new(head),
            tail: Largest::new(tail),
            above: Smallest::new(limit + 1),
            below: Largest::new(back),
            before: 0,
            count: 0,
        }
    }

    pub fn offer(&mut self, k: K) {
        self.count += 1;
        let past_bound = match self.anchor {
            Anchor::First | Anchor::Last => None,
            Anchor::From(b) | Anchor::BackFrom(b, _) => Some(k >= *b),
            Anchor::After(b) => Some(k > *b),
        };
        match past_bound {
            None => {}
            Some(true) if self.above.wants(&k) => self.above.offer(k.clone()),
            Some(true) => {}
            Some(false) => {
                self.before += 1;
                if self.below.wants(&k) {
                    self.below.offer(k.clone());
                }
            }
        }
        if self.head.wants(&k) {
            self.head.offer(k.clone());
        }
        if self.tail.wants(&k) {
            self.tail.offer(k);
        }
    }

    /// The page's keys, whether there is more before and after, and how many keys
    /// come before its first.
    pub fn finish(self) -> (Vec<K>, bool, bool, u64) {
        let limit = self.limit;
        let count = self.count;
        let first = |mut keys: Vec<K>| {
            let more_after = keys.len() > limit;
            keys.truncate(limit);
            (keys, false, more_after, 0)
        };
        let last = |keys: Vec<K>| {
            let more_before = keys.len() > limit;
            let skip = keys.len().saturating_sub(limit);
            let keys: Vec<K> = keys.into_iter().skip(skip).collect();
            let offset = count - keys.len() as u64;
            (keys, more_before, false, offset)
        };
        match self.anchor {
            Anchor::First => first(self.head.sorted()),
            Anchor::Last => last(self.tail.sorted()),
            Anchor::From(_) | Anchor::After(_) => {
                let mut keys = self.above.sorted();
                if keys.is_empty() {
                    // Nothing there any more (subjects gone, or the end): show the end.
                    return last(self.tail.sorted());
                }
                let more_after = keys.len() > limit;
                keys.truncate(limit);
                (keys, self.before > 0, more_after, self.before)
            }
            Anchor::BackFrom(..) => {
                let below = self.below.sorted();
                if below.is_empty() {
                    return first(self.head.sorted());
                }
                let offset = self.before - below.len() as u64;
                let mut keys = below;
                keys.extend(self.above.sorted());
                let more_after = keys.len() > limit;
                keys.truncate(limit);
                (keys, offset > 0, more_after, offset)
            }
        }
    }
}

/// Calls `f` with every vehicle in the yard and the alerts it belongs to.
fn scan(
    conn: &Connection,
    rules: &Settings,
    now: DateTime<Utc>,
    mut f: impl FnMut(&YardVehicle<'_>, crate::figures::subjects::Membership),
) -> rusqlite::Result<()> {
    let zones: HashMap<String, String> = queries::blocks(conn)?
        .into_iter()
        .map(|b| (b.code, b.zone))
        .collect();
    let now_ms = now.timestamp_millis();
    queries::yard_vehicles(conn, |v| {
        let zone = v.block.and_then(|c| zones.get(c)).map(String::as_str);
        let m = classify(&v, zone, rules, now_ms);
        f(&v, m)
    })
}

/// One page of the subjects of vehicle alert `kind` as of `now`. Call it inside a
/// read transaction so that the page, its position and the count agree.
pub fn vehicle_page(
    conn: &Connection,
    kind: &str,
    anchor: &Anchor<SubjectKey>,
    limit: usize,
    now: DateTime<Utc>,
) -> rusqlite::Result<SubjectPage> {
    let rules = Settings::read(conn)?;
    let mut window = Window::new(anchor, limit);
    let mut staged = 0u64;
    scan(conn, &rules, now, |v, m| {
        if m.is(kind) {
            staged += m.staged as u64;
            window.offer(key_of(kind, v, m.staged));
        }
    })?;
    let total = window.count;
    let (keys, more_before, more_after, offset) = window.finish();
    let mut rows = Vec::with_capacity(keys.len());
    for k in keys {
        if let Some(v) = locate(conn, k)? {
            rows.push(v);
        }
    }
    Ok(SubjectPage {
        kind: kind.to_string(),
        page: Page {
            rows,
            more_before,
            more_after,
            position: Some((offset, total)),
        },
        offset,
        total,
        staged,
    })
}

/// Every subject of vehicle alert `kind`, in list order, a batch at a time (never
/// all of them in memory). `f` returns false to stop. Call it inside a read
/// transaction.
pub fn for_each_vehicle(
    conn: &Connection,
    kind: &str,
    now: DateTime<Utc>,
    batch: usize,
    mut f: impl FnMut(&VehicleSubject) -> bool,
) -> rusqlite::Result<()> {
    let mut anchor = Anchor::First;
    loop {
        let p = vehicle_page(conn, kind, &anchor, batch, now)?;
        for v in &p.page.rows {
            if !f(v) {
                return Ok(());
            }
        }
        match p.page.rows.last() {
            Some(last) if p.page.more_after => anchor = Anchor::After(last.key.clone()),
            _ => return Ok(()),
        }
    }
}

fn key_of(kind: &str, v: &YardVehicle<'_>, staged: bool) -> SubjectKey {
    SubjectKey {
        // Only the SoC-over alert puts staged vehicles first: they are about to be
        // loaded, which is what makes it critical.
        not_staged: kind == "soc_over_max" && !staged,
        vin: v.vin.to_string(),
        rowid: v.rowid,
    }
}

const LOCATE: &str = "SELECT v.vin, v.block, v.row, v.slot, v.status, v.powertrain, v.soc_pct,
            v.soc_checked_at, v.hold_reason, c.ref
     FROM vehicles v LEFT JOIN consignments c ON c.id = v.consignment_id
     WHERE v.rowid = ?1";

/// Where the subject with this key is.
fn locate(conn: &Connection, key: SubjectKey) -> rusqlite::Result<Option<VehicleSubject>> {
    let mut stmt = conn.prepare_cached(LOCATE)?;
    let mut rows = stmt.query([key.rowid])?;
    let Some(r) = rows.next()? else {
        return Ok(None);
    };
    Ok(Some(subject_row(r, key)))
}

fn subject_row(r: &Row<'_>, key: SubjectKey) -> VehicleSubject {
    let pct = value::real(r, 6);
    let checked = value::timestamp(r, 7);
    let whole = |i| match value::integer(r, i) {
        Ok(Some(n)) => Some(n.to_string()),
        _ => display(r, i),
    };
    VehicleSubject {
        vin: display(r, 0).unwrap_or_default(),
        block: display(r, 1).unwrap_or_default(),
        row: whole(2),
        slot: whole(3),
        status: display(r, 4).unwrap_or_default(),
        powertrain: display(r, 5).unwrap_or_default(),
        soc: SocReading {
            pct: pct.ok().flatten(),
            pct_unreadable: pct.is_err(),
            checked_at: checked.ok().flatten(),
            checked_at_unreadable: checked.is_err(),
        },
        hold_reason: display(r, 8).unwrap_or_default(),
        consignment: display(r, 9).unwrap_or_default(),
        key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(keys: &[u32], anchor: Anchor<u32>, limit: usize) -> (Vec<u32>, bool, bool, u64) {
        let mut w = Window::new(&anchor, limit);
        for k in keys {
            w.offer(*k);
        }
        w.finish()
    }

    #[test]
    fn a_window_chooses_what_a_keyset_query_would() {
        // Offered out of order, as the yard is read.
        let keys: Vec<u32> = (0..25).map(|i| (i * 7) % 25).collect();
        assert_eq!(
            page(&keys, Anchor::First, 10),
            ((0..10).collect(), false, true, 0)
        );
        assert_eq!(
            page(&keys, Anchor::After(9), 10),
            ((10..20).collect(), true, true, 10)
        );
        assert_eq!(
            page(&keys, Anchor::From(20), 10),
            ((20..25).collect(), true, false, 20)
        );
        assert_eq!(
            page(&keys, Anchor::Last, 10),
            ((15..25).collect(), true, false, 15)
        );
        assert_eq!(
            page(&keys, Anchor::BackFrom(10, 3), 10),
            ((7..17).collect(), true, true, 7)
        );
        assert_eq!(
            page(&keys, Anchor::BackFrom(2, 5), 10),
            ((0..10).collect(), false, true, 0)
        );
        assert_eq!(
            page(&keys, Anchor::BackFrom(0, 1), 10),
            ((0..10).collect(), false, true, 0)
        );
        assert_eq!(
            page(&keys, Anchor::After(30), 10),
            ((15..25).collect(), true, false, 15)
        );
        assert_eq!(page(&[], Anchor::First, 10), (vec![], false, false, 0));
        assert_eq!(page(&[], Anchor::After(3), 10), (vec![], false, false, 0));
    }
}
