//! Keyset paging: a page of a list ordered by a unique key is read with
//! `WHERE key > ?last ORDER BY key LIMIT n`, so any page of a list of any length
//! costs the same, and only the rows on screen are read.

use rusqlite::types::Value;
use rusqlite::{params, Connection, Row, ToSql};

/// Where a page of a keyset-paged list starts, in display order.
#[derive(Debug, Clone, PartialEq)]
pub enum Anchor<K> {
    /// The first rows.
    First,
    /// The last rows.
    Last,
    /// From this key on (inclusive).
    From(K),
    /// The rows after this key (the next page).
    After(K),
    /// The window starting `n` rows before this key (scroll up by one, page up).
    BackFrom(K, usize),
}

/// One page of a keyset-paged list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// Are there rows before the first one shown?
    pub more_before: bool,
    /// Are there rows after the last one shown?
    pub more_after: bool,
    /// Rows before the first one shown and rows in the whole list, where the list
    /// counts them (a list that says where it is: `8-20 of 133`).
    pub position: Option<(u64, u64)>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page {
            rows: Vec::new(),
            more_before: false,
            more_after: false,
            position: None,
        }
    }
}

/// A keyset-paged query: `base` selects the columns and filters on `?1`; `key` is
/// the (unique, indexed) column the list is ordered by.
pub(super) struct Keyset<'a> {
    pub base: &'a str,
    pub key: &'a str,
    pub ascending: bool,
}

impl Keyset<'_> {
    /// SQL for rows in display order (`forward`) or against it, optionally bounded
    /// by `?2` (`strict`: excluding the bound).
    fn sql(&self, forward: bool, bound: Option<bool>) -> String {
        let up = forward == self.ascending;
        let dir = if up { "ASC" } else { "DESC" };
        let cond = match bound {
            None => String::new(),
            Some(strict) => {
                let op = match (up, strict) {
                    (true, true) => ">",
                    (true, false) => ">=",
                    (false, true) => "<",
                    (false, false) => "<=",
                };
                format!(" AND {} {op} ?2", self.key)
            }
        };
        format!("{}{cond} ORDER BY {} {dir} LIMIT ?3", self.base, self.key)
    }

    fn run<T>(
        &self,
        conn: &Connection,
        filter: &dyn ToSql,
        forward: bool,
        bound: Option<(&dyn ToSql, bool)>,
        limit: usize,
        map: &dyn Fn(&Row<'_>) -> T,
    ) -> rusqlite::Result<Vec<T>> {
        let sql = self.sql(forward, bound.map(|(_, strict)| strict));
        let mut stmt = conn.prepare_cached(&sql)?;
        let lim = limit as i64;
        let null = Value::Null;
        let key: &dyn ToSql = bound.map(|(k, _)| k).unwrap_or(&null);
        let rows = stmt.query_map(params![filter, key, lim], |r| Ok(map(r)))?;
        rows.collect()
    }

    /// Where a page starting at `first` is: the rows before it in display order and
    /// the rows of the whole list (two counts on the list's index).
    pub(super) fn position(
        &self,
        conn: &Connection,
        filter: &dyn ToSql,
        first: Option<&dyn ToSql>,
    ) -> rusqlite::Result<(u64, u64)> {
        let total: i64 = conn
            .prepare_cached(&format!("SELECT count(*) FROM ({})", self.base))?
            .query_row(params![filter], |r| r.get(0))?;
        let before: i64 = match first {
            None => 0,
            Some(k) => {
                let op = if self.ascending { "<" } else { ">" };
                conn.prepare_cached(&format!(
                    "SELECT count(*) FROM ({} AND {} {op} ?2)",
                    self.base, self.key
                ))?
                .query_row(params![filter, k], |r| r.get(0))?
            }
        };
        Ok((before.max(0) as u64, total.max(0) as u64))
    }

    /// Fetches one page of at most `limit` rows at `anchor`.
    pub(super) fn page<T, K: ToSql + Clone>(
        &self,
        conn: &Connection,
        filter: &dyn ToSql,
        anchor: &Anchor<K>,
        limit: usize,
        key_of: &dyn Fn(&T) -> K,
        map: &dyn Fn(&Row<'_>) -> T,
    ) -> rusqlite::Result<Page<T>> {
        let limit = limit.max(1);
        match anchor {
            Anchor::First => {
                let mut rows = self.run(conn, filter, true, None, limit + 1, map)?;
                let more_after = rows.len() > limit;
                rows.truncate(limit);
                Ok(Page {
                    rows,
                    more_before: false,
                    more_after,
                    position: None,
                })
            }
            Anchor::Last => {
                let mut rows = self.run(conn, filter, false, None, limit + 1, map)?;
                let more_before = rows.len() > limit;
                rows.truncate(limit);
                rows.reverse();
                Ok(Page {
                    rows,
                    more_before,
                    more_after: false,
                    position: None,
                })
            }
            Anchor::From(k) | Anchor::After(k) => {
                let strict = matches!(anchor, Anchor::After(_));
                let mut rows = self.run(conn, filter, true, Some((k, strict)), limit + 1, map)?;
                if rows.is_empty() {
                    // Nothing there any more (rows deleted, or the end): show the end.
                    return self.page(conn, filter, &Anchor::Last, limit, key_of, map);
                }
                let more_after = rows.len() > limit;
                rows.truncate(limit);
                let first = rows.first().map(key_of);
                let more_before = match first {
                    Some(f) => !self
                        .run(conn, filter, false, Some((&f, true)), 1, map)?
                        .is_empty(),
                    None => false,
                };
                Ok(Page {
                    rows,
                    more_before,
                    more_after,
                    position: None,
                })
            }
            Anchor::BackFrom(k, n) => {
                let back = self.run(conn, filter, false, Some((k, true)), (*n).max(1), map)?;
                match back.last().map(key_of) {
                    None => self.page(conn, filter, &Anchor::First, limit, key_of, map),
                    Some(start) => self.page(conn, filter, &Anchor::From(start), limit, key_of, map),
                }
            }
        }
    }
}
