//! The running simulator: its connection, its picture of the yard, its random
//! generator and its counters; the helpers every step uses.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::{params, Transaction};

use super::model::{Model, Pos, IN_YARD_SQL};
use super::soc::SocRules;
use super::writer::{Writer, Wrote};
use super::SimOptions;
use crate::db::settings::Settings;
use crate::error::Result;
use crate::model::Zone;

pub(super) struct Sim<'a> {
    pub w: Writer,
    pub m: Model,
    pub rng: ChaCha8Rng,
    pub soc: SocRules,
    /// Units an hour each alongside call loads (`uph_target`).
    pub uph: f64,
    pub opts: &'a SimOptions,
    pub stop: &'a AtomicBool,
    /// Loads each alongside call may make now: grows at `uph` an hour.
    pub tokens: HashMap<i64, f64>,
    /// The picture of the yard is known to be out of date.
    pub stale: bool,
    pub last_read: Instant,
    /// The WAL's length in pages at the last checkpoint.
    pub wal_pages: i64,
    pub events: u64,
    pub transactions: u64,
    pub skipped: u64,
}

impl<'a> Sim<'a> {
    pub(super) fn open(
        path: &std::path::Path,
        opts: &'a SimOptions,
        stop: &'a AtomicBool,
    ) -> Result<Sim<'a>> {
        let w = Writer::open(path)?;
        let mut sim = Sim {
            w,
            m: Model::default(),
            rng: ChaCha8Rng::seed_from_u64(opts.seed),
            soc: SocRules {
                max: 50.0,
                min: 20.0,
                max_age: Duration::hours(72),
            },
            uph: 200.0,
            opts,
            stop,
            tokens: HashMap::new(),
            stale: true,
            last_read: Instant::now(),
            wal_pages: 0,
            events: 0,
            transactions: 0,
            skipped: 0,
        };
        sim.reload()?;
        // The slot checks inside each write lean on these indexes; without them
        // every write scans the vehicles table.
        let missing: Vec<&str> = ["yt_vehicles_block_slot", "yt_vehicles_consignment"]
            .into_iter()
            .filter(|name| !has_index(sim.w.conn(), name))
            .collect();
        if sim.opts.verbose && !missing.is_empty() {
            eprintln!(
                "simulate: {} lacks yardtop's indexes ({}), so each write scans the vehicles table; run `yardtop init --existing --db {}` to keep writes short",
                sim.w.path().display(),
                missing.join(", "),
                sim.w.path().display()
            );
        }
        Ok(sim)
    }

    /// Re-reads the settings and the yard.
    pub(super) fn reload(&mut self) -> Result<()> {
        let Some((settings, model)) = self
            .w
            .read(self.stop, |c| Ok((Settings::read(c)?, Model::load(c)?)))?
        else {
            return Ok(());
        };
        self.soc = SocRules {
            max: settings.soc_max_pct,
            min: settings.soc_min_pct,
            max_age: Duration::seconds((settings.soc_check_max_age_h * 3600.0).min(1e9) as i64),
        };
        self.uph = if settings.uph_target > 0.0 {
            settings.uph_target
        } else {
            200.0
        };
        self.m = model;
        let alongside = self.m.alongside();
        self.tokens.retain(|id, _| alongside.contains(id));
        for id in alongside {
            // A call found alongside may load at once: the first load shows that
            // loading is under way without waiting 18 s for the rate to build up.
            self.tokens.entry(id).or_insert(1.0);
        }
        self.stale = false;
        self.last_read = Instant::now();
        Ok(())
    }

    /// Runs one write transaction; Some when it committed.
    pub(super) fn write<T>(
        &mut self,
        body: impl FnOnce(&Transaction<'_>, &str) -> rusqlite::Result<Option<T>>,
    ) -> Result<Option<T>> {
        match self.w.write(self.stop, self.opts.verbose, body)? {
            Wrote::Committed(v) => {
                self.transactions += 1;
                Ok(Some(v))
            }
            Wrote::Skipped => {
                self.skipped += 1;
                self.stale = true;
                Ok(None)
            }
            Wrote::Stopped => Ok(None),
        }
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    /// A free slot in a block of `zone` (not `except`), blocks with more room more
    /// likely, rows filled in order within a block.
    pub(super) fn place(&mut self, zone: Zone, except: Option<usize>) -> Option<Pos> {
        let choices: Vec<(usize, i64)> = self
            .m
            .blocks
            .iter()
            .enumerate()
            .filter(|(i, b)| b.zone == zone && Some(*i) != except && b.has_room())
            .map(|(i, b)| (i, b.free()))
            .collect();
        let total: i64 = choices.iter().map(|c| c.1).sum();
        if total <= 0 {
            return None;
        }
        let mut pick = self.rng.random_range(0..total);
        for (i, free) in choices {
            if pick < free {
                let (row, slot) = self.m.blocks[i].first_free()?;
                return Some(Pos { block: i, row, slot });
            }
            pick -= free;
        }
        None
    }

    /// "N01-3-14": where a vehicle is, as tally clerks write it.
    pub(super) fn pos_text(&self, p: Option<Pos>) -> String {
        match p.and_then(|p| self.m.blocks.get(p.block).map(|b| (b, p))) {
            Some((b, p)) => format!("{}-{}-{}", b.code, p.row, p.slot),
            None => "gate".into(),
        }
    }

    /// The block code, row, slot and capacity to write for a position.
    pub(super) fn target(&self, p: Pos) -> Target {
        let b = &self.m.blocks[p.block];
        Target {
            code: b.code.clone(),
            row: p.row,
            slot: p.slot,
            capacity: b.capacity,
        }
    }
}

/// A place to put a vehicle, owned so a transaction body can carry it.
#[derive(Debug, Clone)]
pub(super) struct Target {
    pub code: String,
    pub row: i64,
    pub slot: i64,
    pub capacity: i64,
}

impl Target {
    /// Is the slot still free and the block under capacity, as the database sees
    /// it now (inside the write transaction)? `+status` keeps SQLite on the block
    /// index (docs/benchmarks.md: no plan may depend on statistics).
    pub(super) fn still_free(&self, tx: &Transaction<'_>, moving_within: bool) -> rusqlite::Result<bool> {
        let sql = format!(
            "SELECT count(*), coalesce(sum(row = ?2 AND slot = ?3), 0) FROM vehicles
             WHERE block = ?1 AND +status IN {IN_YARD_SQL}"
        );
        let (n, here): (i64, i64) = tx
            .prepare_cached(&sql)?
            .query_row(params![self.code, self.row, self.slot], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let n = if moving_within { n - 1 } else { n };
        Ok(here == 0 && n < self.capacity)
    }
}

pub(super) fn event(
    tx: &Transaction<'_>,
    at: &str,
    vin: Option<&str>,
    kind: &str,
    detail: &str,
) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT INTO events(at, vin, kind, detail) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![at, vin, kind, detail])?;
    Ok(())
}

fn has_index(conn: &rusqlite::Connection, name: &str) -> bool {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?1",
        [name],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
    .unwrap_or(true)
}

pub(super) fn now() -> (DateTime<Utc>, String) {
    let t = Utc::now();
    (t, crate::time::fmt_utc(t))
}
