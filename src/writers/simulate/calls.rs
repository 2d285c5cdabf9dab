//! The vessel schedule: a yard to work in when the database is empty, car
//! carriers announced, berthing when their ETA comes, consignments closed when
//! all they delivered is on board, and vessels sailing with their cargo. There are
//! always a few calls ahead, so the stream can run for hours.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rusqlite::params;

use super::catalog;
use super::model::{Block, Call, Cons};
use super::sim::{event, now, Sim};
use crate::model::{CallStatus, ConsignmentStatus, Zone};

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

    /// A new call with one to three consignments. `alongside`: the vessel is
    /// already at its berth (the first call on an empty database).
    fn announce(&mut self, now_t: DateTime<Utc>, alongside: bool) -> crate::error::Result<()> {
        let last_eta = self
            .m
            .calls
            .values()
            .filter_map(|c| c.eta)
            .max()
            .unwrap_or(now_t)
            .max(now_t)
            // An ETA years ahead (any tool may have written it) must not push the
            // schedule out of reach, nor chrono out of its range.
            .min(now_t + Duration::days(7));
        let eta = if alongside {
            now_t - Duration::minutes(self.rng.random_range(10..40))
        } else {
            last_eta + Duration::minutes(self.rng.random_range(45..150))
        };
        let n_cons = self.rng.random_range(1..=3usize);
        let mut cons = Vec::new();
        for _ in 0..n_cons {
            let maker = catalog::random_maker(&mut self.rng);
            let dest = catalog::DESTINATIONS[self.rng.random_range(0..catalog::DESTINATIONS.len())];
            let planned = self.rng.random_range(15..=60i64) * 10;
            let cutoff = if alongside {
                now_t + Duration::minutes(self.rng.random_range(40..90))
            } else {
                (eta - Duration::minutes(self.rng.random_range(60..240)))
                    .max(now_t + Duration::minutes(self.rng.random_range(30..60)))
            };
            cons.push((maker.make, maker.code, dest, planned, cutoff));
        }
        let total: i64 = cons.iter().map(|c| c.3).sum();
        let hours = (total as f64 / self.uph.max(1.0) + 2.0).min(1000.0);
        let etd = eta + Duration::minutes((hours * 60.0) as i64);
        let voyage = catalog::voyage(&mut self.rng);
        let new_imo = catalog::imo(&mut self.rng);
        let name_pick = self.rng.random_range(0..catalog::VESSEL_NAMES.len());
        let vessel_pick: usize = self.rng.random_range(0..64);
        let berth = if alongside { Some(self.free_berth()) } else { None };
        let status = if alongside {
            CallStatus::Alongside
        } else {
            CallStatus::Expected
        };
        let done = self.write(|tx, at| {
            // A vessel not on another call, or a new one.
            let idle: Vec<(i64, String)> = {
                let mut stmt = tx.prepare_cached(
                    "SELECT imo, name FROM vessels
                     WHERE typeof(imo) = 'integer' AND typeof(name) = 'text'
                       AND imo NOT IN (SELECT imo FROM vessel_calls
                                       WHERE status IN ('expected', 'alongside') AND imo IS NOT NULL)
                     ORDER BY imo LIMIT 64",
                )?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let (imo, name) = match idle.get(vessel_pick % idle.len().max(1)) {
                Some(v) if idle.len() >= 3 || vessel_pick % 2 == 0 => v.clone(),
                _ => {
                    let taken: i64 = tx
                        .prepare_cached("SELECT count(*) FROM vessels WHERE imo = ?1")?
                        .query_row([new_imo], |r| r.get(0))?;
                    if taken > 0 {
                        return Ok(None);
                    }
                    let base = catalog::VESSEL_NAMES[name_pick];
                    let same: i64 = tx
                        .prepare_cached("SELECT count(*) FROM vessels WHERE name = ?1 OR name LIKE ?1 || ' %'")?
                        .query_row([base], |r| r.get(0))?;
                    let name = if same == 0 {
                        base.to_string()
                    } else {
                        format!("{base} {}", roman(same + 1))
                    };
                    let ceu = 4000 + (new_imo % 51) * 100;
                    tx.prepare_cached("INSERT INTO vessels(imo, name, capacity_ceu) VALUES (?1, ?2, ?3)")?
                        .execute(params![new_imo, name, ceu])?;
                    (new_imo, name)
                }
            };
            tx.prepare_cached(
                "INSERT INTO vessel_calls(imo, voyage, berth, eta, etd, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                imo,
                voyage,
                berth,
                crate::time::fmt_utc(eta),
                crate::time::fmt_utc(etd),
                status.as_str()
            ])?;
            let call_id = tx.last_insert_rowid();
            let mut made = Vec::new();
            for (i, (make, code, dest, planned, cutoff)) in cons.iter().enumerate() {
                let reference = format!("{code}-{dest}-{call_id:05}{}", (b'A' + i as u8) as char);
                tx.prepare_cached(
                    "INSERT INTO consignments(ref, call_id, brand, destination, planned_units, cutoff_at, status)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open')",
                )?
                .execute(params![reference, call_id, make, dest, planned, crate::time::fmt_utc(*cutoff)])?;
                made.push((tx.last_insert_rowid(), reference, *make, *planned, *cutoff));
            }
            let detail = if alongside {
                format!(
                    "{name} {voyage} alongside berth {}, {total} units in {} consignments",
                    berth.unwrap_or("-"),
                    made.len()
                )
            } else {
                format!(
                    "{name} {voyage} expected {}, {total} units in {} consignments",
                    crate::time::fmt_utc(eta),
                    made.len()
                )
            };
            event(tx, at, None, if alongside { "berth" } else { "call" }, &detail)?;
            Ok(Some((call_id, name, made)))
        })?;
        let Some((call_id, vessel, made)) = done else {
            return Ok(());
        };
        self.m.calls.insert(
            call_id,
            Call {
                id: call_id,
                vessel,
                voyage,
                berth: berth.map(str::to_string),
                status,
                eta: Some(eta),
            },
        );
        if alongside {
            self.tokens.insert(call_id, 1.0);
        }
        for (id, reference, make, planned, cutoff) in made {
            self.m.cons.insert(
                id,
                Cons {
                    id,
                    reference,
                    call: Some(call_id),
                    brand: make.to_string(),
                    planned,
                    cutoff: Some(cutoff),
                    status: ConsignmentStatus::Open,
                    delivered: 0,
                    expected_left: 0,
                    in_yard: 0,
                },
            );
        }
        self.events += 1;
        Ok(())
    }

    fn free_berth(&self) -> &'static str {
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

fn roman(n: i64) -> &'static str {
    match n {
        2 => "II",
        3 => "III",
        4 => "IV",
        5 => "V",
        6 => "VI",
        7 => "VII",
        8 => "VIII",
        _ => "IX",
    }
}
