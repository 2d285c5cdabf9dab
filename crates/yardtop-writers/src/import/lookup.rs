//! Questions a row asks of the database: does the row it refers to exist, is its key
//! already taken, and by which line of this file. Rows of the file are inserted as
//! they are read (inside the import's one transaction), so "earlier in this file"
//! and "already in the database" are both answered by SQL, and memory stays bounded
//! however long the file is.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension};

use super::field::Value;

/// Found keys are remembered so that a million vehicles of forty consignments ask
/// about each consignment once; the cap keeps memory bounded on odd files.
const CACHE_CAP: usize = 65_536;

/// The size of a yard block, as far as the database says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct BlockDims {
    pub rows: Option<i64>,
    pub slots_per_row: Option<i64>,
}

pub(super) struct Lookups<'c> {
    conn: &'c Connection,
    found_ints: HashSet<(&'static str, i64)>,
    blocks: HashMap<String, BlockDims>,
    /// Is `temp.yt_import_vinless` filled (see `event_row`)?
    vinless: bool,
}

/// A table a row may refer to by an integer key.
#[derive(Debug, Clone, Copy)]
pub(super) enum IntRef {
    Vessel,
    Call,
    Consignment,
}

impl IntRef {
    fn sql(self) -> &'static str {
        match self {
            IntRef::Vessel => "SELECT 1 FROM vessels WHERE imo = ?1",
            IntRef::Call => "SELECT 1 FROM vessel_calls WHERE id = ?1",
            IntRef::Consignment => "SELECT 1 FROM consignments WHERE id = ?1",
        }
    }
}

impl<'c> Lookups<'c> {
    /// Prepares the keys table of this import: the line each key was first seen on,
    /// kept in SQLite's temporary store rather than in memory.
    pub(super) fn new(conn: &'c Connection) -> rusqlite::Result<Self> {
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS yt_import_keys(
                 col TEXT NOT NULL, key NOT NULL, line INTEGER NOT NULL,
                 PRIMARY KEY (col, key)) WITHOUT ROWID;
             DELETE FROM temp.yt_import_keys;",
        )?;
        Ok(Lookups {
            conn,
            found_ints: HashSet::new(),
            blocks: HashMap::new(),
            vinless: false,
        })
    }

    pub(super) fn int_exists(&mut self, what: IntRef, key: i64) -> rusqlite::Result<bool> {
        let tag = what.sql();
        if self.found_ints.contains(&(tag, key)) {
            return Ok(true);
        }
        let found = self
            .conn
            .prepare_cached(tag)?
            .query_row([key], |_| Ok(()))
            .optional()?
            .is_some();
        if found && self.found_ints.len() < CACHE_CAP {
            self.found_ints.insert((tag, key));
        }
        Ok(found)
    }

    pub(super) fn vehicle_exists(&mut self, vin: &str) -> rusqlite::Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM vehicles WHERE vin = ?1")?
            .query_row([vin], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The block's size, or None when there is no such block.
    pub(super) fn block(&mut self, code: &str) -> rusqlite::Result<Option<BlockDims>> {
        if let Some(d) = self.blocks.get(code) {
            return Ok(Some(*d));
        }
        let dims = self
            .conn
            .prepare_cached("SELECT rows, slots_per_row FROM yard_blocks WHERE code = ?1")?
            .query_row([code], |r| {
                // Another system may have stored anything there; an unreadable size
                // is simply not checked against.
                Ok(BlockDims {
                    rows: crate::db::value::integer(r, 0).ok().flatten(),
                    slots_per_row: crate::db::value::integer(r, 1).ok().flatten(),
                })
            })
            .optional()?;
        if let Some(d) = dims {
            if self.blocks.len() < CACHE_CAP {
                self.blocks.insert(code.to_string(), d);
            }
        }
        Ok(dims)
    }

    /// Why `value` cannot be the `col` of a new row of `table`, if it cannot: the
    /// line of this file that already has it, or the database.
    pub(super) fn duplicate(
        &mut self,
        table: &str,
        col: &str,
        value: &Value,
    ) -> rusqlite::Result<Option<String>> {
        let sql = format!("SELECT 1 FROM {table} WHERE \"{col}\" = ?1 LIMIT 1");
        let taken = self
            .conn
            .prepare_cached(&sql)?
            .query_row([value], |_| Ok(()))
            .optional()?
            .is_some();
        if !taken {
            return Ok(None);
        }
        let line: Option<u64> = self
            .conn
            .prepare_cached("SELECT line FROM temp.yt_import_keys WHERE col = ?1 AND key = ?2")?
            .query_row(rusqlite::params![col, value], |r| r.get(0))
            .optional()?;
        let shown = match value {
            Value::Text(s) => format!("{s:?}"),
            Value::Int(i) => i.to_string(),
            Value::Real(f) => f.to_string(),
        };
        Ok(Some(match line {
            Some(l) => format!("{shown} is a duplicate of line {l}"),
            None => format!("{shown} is already in the database"),
        }))
    }

    /// Is an event with this key already in the database: the row id of one, if so.
    /// Another writer's empty string is a missing value, as everywhere.
    pub(super) fn event_row(&mut self, key: &EventKey<'_>) -> rusqlite::Result<Option<i64>> {
        let found = match key.vin {
            // yardtop's index on events(vin) makes this a look at one vehicle's events.
            Some(vin) => self
                .conn
                .prepare_cached("SELECT rowid FROM events WHERE vin = ?1 AND at = ?2 AND kind = ?3 LIMIT 1")?
                .query_row(rusqlite::params![vin, key.at, key.kind], |r| r.get(0))
                .optional()?,
            // Events of no vehicle share one key of the index, so asking the table for
            // each of them would read them all each time: they are copied once into an
            // indexed table of this import instead.
            None => {
                self.fill_vinless()?;
                self.conn
                    .prepare_cached(
                        "SELECT id FROM temp.yt_import_vinless WHERE at = ?1 AND kind = ?2 AND detail = ?3 LIMIT 1",
                    )?
                    .query_row(rusqlite::params![key.at, key.kind, key.detail.unwrap_or("")], |r| r.get(0))
                    .optional()?
            }
        };
        Ok(found)
    }

    fn fill_vinless(&mut self) -> rusqlite::Result<()> {
        if !self.vinless {
            self.conn.execute_batch(
                "DROP TABLE IF EXISTS temp.yt_import_vinless;
                 CREATE TEMP TABLE yt_import_vinless(at NOT NULL, kind NOT NULL, detail NOT NULL, id INTEGER);
                 INSERT INTO temp.yt_import_vinless
                     SELECT at, kind, coalesce(detail, ''), rowid FROM main.events
                     WHERE (vin IS NULL OR vin = '') AND at IS NOT NULL AND kind IS NOT NULL;
                 CREATE INDEX temp.yt_import_vinless_key ON yt_import_vinless(at, kind, detail);",
            )?;
            self.vinless = true;
        }
        Ok(())
    }

    /// Why an event with this key cannot be inserted, if it cannot: the line of this
    /// file that has it already, or the database.
    pub(super) fn event_duplicate(&mut self, key: &EventKey<'_>) -> rusqlite::Result<Option<String>> {
        if self.event_row(key)?.is_none() {
            return Ok(None);
        }
        let line: Option<u64> = self
            .conn
            .prepare_cached("SELECT line FROM temp.yt_import_keys WHERE col = 'event' AND key = ?1")?
            .query_row([key.joined()], |r| r.get(0))
            .optional()?;
        let what = match key.vin {
            Some(vin) => format!("the same event ({} of {vin} at {})", key.kind, key.at),
            None => format!("the same event ({} at {})", key.kind, key.at),
        };
        Ok(Some(match line {
            Some(l) => format!("{what} is on line {l} already"),
            None => format!("{what} is already in the database"),
        }))
    }

    /// Notes that line `line` had this event, inserted as row `rowid`.
    pub(super) fn remember_event(
        &mut self,
        key: &EventKey<'_>,
        line: u64,
        rowid: i64,
    ) -> rusqlite::Result<()> {
        if key.vin.is_none() {
            self.fill_vinless()?;
            self.conn
                .prepare_cached(
                    "INSERT INTO temp.yt_import_vinless(at, kind, detail, id) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(rusqlite::params![
                    key.at,
                    key.kind,
                    key.detail.unwrap_or(""),
                    rowid
                ])?;
        }
        self.remember("event", &Value::Text(key.joined()), line)
    }

    /// Notes that line `line` took `value` as its `col`.
    pub(super) fn remember(&mut self, col: &str, value: &Value, line: u64) -> rusqlite::Result<()> {
        self.conn
            .prepare_cached("INSERT OR IGNORE INTO temp.yt_import_keys(col, key, line) VALUES (?1, ?2, ?3)")?
            .execute(rusqlite::params![col, value, line])?;
        Ok(())
    }
}

/// What tells one event from another when the file gives no id: when, which
/// vehicle and what happened; for an event of no vehicle (a vessel's departure),
/// also its detail.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct EventKey<'a> {
    pub at: &'a str,
    pub vin: Option<&'a str>,
    pub kind: &'a str,
    pub detail: Option<&'a str>,
}
