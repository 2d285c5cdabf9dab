//! The vessel schedule: a yard to work in when the database is empty, car
//! carriers announced, berthing when their ETA comes, consignments closed when
//! all they delivered is on board, and vessels sailing with their cargo. There are
//! always a few calls ahead, so the stream can run for hours.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::model::Block;
use super::sim::{event, now, Sim};
use crate::model::{CallStatus, Zone};

/// Berths for car carriers: at most this many vessels alongside at once.
const BERTHS: [&str; 3] = ["B3", "B4", "B5"];
/// Calls kept announced ahead of those alongside.
const CALLS_AHEAD: usize = 2;
/// Vehicles moved to departed per transaction when a vessel sails.
const DEPART_BATCH: i64 = 50;

/// The yard laid out on an empty database: (code, zone, rows, slots per row).
const LAYOUT: &[(&str, Zone, i64, i64)] = &[
    ("N01", Zone::Nev, 10, 24),
    ("N02", Zone::Nev, 10, 24),
    ("N03", Zone::Nev, 10, 24),
    ("N04", Zone::Nev, 10, 24),
    ("N05", Zone::Nev, 8, 20),
    ("N06", Zone::Nev, 8, 20),
    ("I01", Zone::Ice, 10, 24),
    ("I02", Zone::Ice, 10, 24),
    ("I03", Zone::Ice, 8, 20),
    ("S01", Zone::Staging, 6, 20),
    ("S02", Zone::Staging, 6, 20),
    ("X01", Zone::Inspection, 2, 12),
    ("Q01", Zone::Quarantine, 2, 12),
];

impl Sim<'_> {
    /// Lays out the yard's blocks when the database has none.
    pub(super) fn ensure_blocks(&mut self) -> crate::error::Result<()> {
        if !self.m.blocks.is_empty() {
            return Ok(());
        }
        let done = self.write(|tx, _| {
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO yard_blocks(code, zone, rows, slots_per_row) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (code, zone, rows, spr) in LAYOUT {
                stmt.execute(params![code, zone.as_str(), rows, spr])?;
            }
            Ok(Some(()))
        })?;
        if done.is_some() {
            for (code, zone, rows, spr) in LAYOUT {
                self.m.block_index.insert(code.to_string(), self.m.blocks.len());
                self.m
                    .blocks
                    .push(Block::new(code.to_string(), *zone, *rows, *spr));
            }
        }
        Ok(())
    }

    /// Everything about the schedule that is due now; returns the events written.
    pub(super) fn housekeeping(&mut self) -> crate::error::Result<u64> {
        let before = self.events;
        let (now_t, _) = now();
        let scheduled = self
            .m
            .calls
            .values()
            .any(|c| c.status == CallStatus::Alongside || c.eta.is_some());
        if !scheduled {
            // No vessel alongside or due (an empty database, only history, or
            // calls without an ETA): one vessel already alongside so that
            // loading starts, and the next ones announced.
            self.announce(now_t, true)?;
        }
        self.berth_due(now_t)?;
        self.close_done(now_t)?;
        self.sail_done()?;
        for _ in 0..CALLS_AHEAD {
            let ahead = self
                .m
                .calls
                .values()
                .filter(|c| c.status == CallStatus::Expected && c.eta.is_some())
                .count();
            if ahead >= CALLS_AHEAD {
                break;
            }
            self.announce(now_t, false)?;
        }
        Ok(self.events - before)
    }

    pub(super) fn free_berth(&self) -> &'static str {
        let used: Vec<&str> = self
            .m
            .calls
            .values()
            .filter(|c| c.status == CallStatus::Alongside)
            .filter_map(|c| c.berth.as_deref())
            .collect();
        BERTHS
            .iter()
            .find(|b| !used.contains(b))
            .copied()
            .unwrap_or(BERTHS[0])
    }

    /// The next expected vessel whose ETA has come berths, if a berth is free.
    fn berth_due(&mut self, now_t: DateTime<Utc>) -> crate::error::Result<()> {
        if self.m.alongside().len() >= BERTHS.len() {
            return Ok(());
        }
        let Some(call) = self
            .m
            .calls
            .values()
            .filter(|c| c.status == CallStatus::Expected && c.eta.is_some_and(|t| t <= now_t))
            .min_by_key(|c| (c.eta, c.id))
            .cloned()
        else {
            return Ok(());
        };
        let berth = self.free_berth();
        let detail = format!("{} {} alongside berth {berth}", call.vessel, call.voyage);
        let done = self.write(|tx, at| {
            let n = tx
                .prepare_cached(
                    "UPDATE vessel_calls SET status = 'alongside', berth = ?2 WHERE id = ?1 AND status = 'expected'",
                )?
                .execute(params![call.id, berth])?;
            if n != 1 {
                return Ok(None);
            }
            event(tx, at, None, "berth", &detail)?;
            Ok(Some(()))
        })?;
        if done.is_some() {
            if let Some(c) = self.m.calls.get_mut(&call.id) {
                c.status = CallStatus::Alongside;
                c.berth = Some(berth.to_string());
            }
            self.tokens.insert(call.id, 1.0);
            self.events += 1;
        }
        Ok(())
    }

    /// Consignments of a vessel alongside with nothing left in the yard, and
    /// nothing more to come (all delivered or the cut-off passed), are closed.
    fn close_done(&mut self, now_t: DateTime<Utc>) -> crate::error::Result<()> {
        let alongside = self.m.alongside();
        let done: Vec<i64> = self
            .m
            .cons
            .values()
            .filter(|c| c.call.is_some_and(|id| alongside.contains(&id)))
            .filter(|c| c.in_yard == 0)
            .filter(|c| c.delivered >= c.planned || c.cutoff.is_none_or(|t| t <= now_t))
            .map(|c| c.id)
            .take(4)
            .collect();
        for id in done {
            let closed = self.write(|tx, _| {
                tx.prepare_cached(
                    "UPDATE consignments SET status = 'closed' WHERE id = ?1 AND status IN ('open', 'loading')",
                )?
                .execute([id])?;
                Ok(Some(()))
            })?;
            if closed.is_some() {
                self.m.cons.remove(&id);
                self.m.parked_by_cons.remove(&id);
                self.m.staged_by_cons.remove(&id);
            }
        }
        Ok(())
    }

    /// A vessel alongside whose consignments are all closed sails: its loaded
    /// vehicles become departed, in short batches, then the call itself.
    fn sail_done(&mut self) -> crate::error::Result<()> {
        let Some(call) = self
            .m
            .alongside()
            .into_iter()
            .find(|id| self.m.cons_of(*id).is_empty())
            .and_then(|id| self.m.calls.get(&id).cloned())
        else {
            return Ok(());
        };
        let mut departed = 0i64;
        loop {
            if self.stop.load(std::sync::atomic::Ordering::Relaxed) {
                return Ok(());
            }
            let moved = self.write(|tx, at| {
                let n = tx
                    .prepare_cached(
                        "UPDATE vehicles SET status = 'departed', updated_at = ?1
                         WHERE vin IN (SELECT vin FROM vehicles
                                       WHERE consignment_id IN (SELECT id FROM consignments WHERE call_id = ?2)
                                         AND status = 'loaded'
                                       LIMIT ?3)",
                    )?
                    .execute(params![at, call.id, DEPART_BATCH])?;
                Ok(Some(n as i64))
            })?;
            let Some(n) = moved else { return Ok(()) };
            departed += n;
            if n < DEPART_BATCH {
                break;
            }
        }
        let detail = format!(
            "{} {} sailed from berth {} with {departed} vehicles",
            call.vessel,
            call.voyage,
            call.berth.as_deref().unwrap_or("-")
        );
        let done = self.write(|tx, at| {
            let n = tx
                .prepare_cached(
                    "UPDATE vessel_calls SET status = 'departed', etd = ?2 WHERE id = ?1 AND status = 'alongside'",
                )?
                .execute(params![call.id, at])?;
            if n != 1 {
                return Ok(None);
            }
            tx.prepare_cached(
                "UPDATE consignments SET status = 'closed' WHERE call_id = ?1 AND status IN ('open', 'loading')",
            )?
            .execute([call.id])?;
            event(tx, at, None, "depart", &detail)?;
            Ok(Some(()))
        })?;
        if done.is_some() {
            self.m.calls.remove(&call.id);
            self.tokens.remove(&call.id);
            self.events += 1;
        }
        Ok(())
    }
}
