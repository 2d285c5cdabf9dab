//! What happens to vehicles between the gate and the staging lanes: they are
//! parked in a block that fits their powertrain, NEVs get SoC checks, some are
//! held and released, and planners reshuffle blocks.

use std::time::{Duration as StdDuration, Instant};

use rand::Rng;
use rusqlite::params;

use super::catalog;
use super::model::Model;
use super::sim::{event, now, Sim, Target};
use super::soc;
use crate::model::{HoldReason, VehicleStatus, Zone};

/// A hold lasts at least this long before it can be released.
const MIN_HOLD: StdDuration = StdDuration::from_secs(10);

impl Sim<'_> {
    /// A vehicle at the gate is driven to a free slot of a block for its powertrain.
    pub(super) fn park(&mut self) -> crate::error::Result<u64> {
        let Some(vin) = self.m.gated.pick(&mut self.rng).map(str::to_string) else {
            return Ok(0);
        };
        let Some(v) = self.m.vehicles.get(&vin).cloned() else {
            return Ok(0);
        };
        let Some(pos) = self.place(Model::park_zone(v.powertrain), None) else {
            return Ok(0);
        };
        let t = self.target(pos);
        let detail = self.pos_text(Some(pos));
        let done = self.write(|tx, at| {
            if !t.still_free(tx, false)? {
                return Ok(None);
            }
            let n = tx
                .prepare_cached(
                    "UPDATE vehicles SET status = 'parked', block = ?2, row = ?3, slot = ?4, updated_at = ?5
                     WHERE vin = ?1 AND status = 'gated_in'",
                )?
                .execute(params![vin, t.code, t.row, t.slot, at])?;
            if n != 1 {
                return Ok(None);
            }
            event(tx, at, Some(&vin), "park", &detail)?;
            Ok(Some(()))
        })?;
        if done.is_none() {
            return Ok(0);
        }
        self.m.update(&vin, |v| {
            v.status = VehicleStatus::Parked;
            v.pos = Some(pos);
        });
        self.events += 1;
        Ok(1)
    }

    /// An NEV's battery is read; one over the limit is usually held at once.
    /// The oldest of a few sampled readings goes first, as a yard works through
    /// its list.
    pub(super) fn soc_check(&mut self) -> crate::error::Result<u64> {
        let (now_t, _) = now();
        let mut best: Option<(String, Option<chrono::DateTime<chrono::Utc>>)> = None;
        for _ in 0..6 {
            let pick = match self.rng.random_range(0..10) {
                0 => self.m.staged.pick(&mut self.rng),
                1 => self.m.held.pick(&mut self.rng),
                _ => self.m.parked.pick(&mut self.rng),
            };
            let Some(vin) = pick else { continue };
            let Some(v) = self.m.vehicles.get(vin) else {
                continue;
            };
            if !v.powertrain.is_nev() {
                continue;
            }
            let older = match (&best, v.soc_at) {
                (None, _) => true,
                (Some((_, Some(b))), Some(t)) => t < *b,
                (Some((_, Some(_))), None) => true,
                (Some((_, None)), _) => false,
            };
            if older {
                best = Some((vin.to_string(), v.soc_at));
            }
        }
        let Some((vin, _)) = best else { return Ok(0) };
        let Some(v) = self.m.vehicles.get(&vin).cloned() else {
            return Ok(0);
        };
        let reading = soc::reading(&mut self.rng, v.soc, &self.soc);
        let hold = v.status == VehicleStatus::Parked && soc::over(reading, &self.soc) && self.chance(0.5);
        let to = if hold {
            self.place(Zone::Quarantine, None)
        } else {
            None
        };
        let hold_detail = format!(
            "battery: SoC {reading:.0}% over the {:.0}% limit{}",
            self.soc.max,
            to.map(|p| format!(", to {}", self.pos_text(Some(p))))
                .unwrap_or_default()
        );
        let target = to.map(|p| self.target(p));
        let status = v.status.as_str();
        let done = self.write(|tx, at| {
            let n = tx
                .prepare_cached(
                    "UPDATE vehicles SET soc_pct = ?2, soc_checked_at = ?3, updated_at = ?3
                     WHERE vin = ?1 AND status = ?4",
                )?
                .execute(params![vin, reading, at, status])?;
            if n != 1 {
                return Ok(None);
            }
            event(tx, at, Some(&vin), "soc_check", &format!("SoC {reading:.0}%"))?;
            if hold && !hold_vehicle(tx, &vin, HoldReason::Battery, target.as_ref(), at, &hold_detail)? {
                return Ok(None);
            }
            Ok(Some(()))
        })?;
        if done.is_none() {
            return Ok(0);
        }
        self.m.update(&vin, |v| {
            v.soc = Some(reading);
            v.soc_at = Some(now_t);
            if hold {
                v.status = VehicleStatus::Hold;
                v.hold = Some(HoldReason::Battery);
                v.held_since = Some(Instant::now());
                v.pos = to.or(v.pos);
            }
        });
        let n = if hold { 2 } else { 1 };
        self.events += n;
        Ok(n)
    }

    /// Customs, documents, damage, a battery warning: a parked vehicle is held,
    /// damaged ones go to the inspection block and battery cases to quarantine
    /// when there is room.
    pub(super) fn hold(&mut self) -> crate::error::Result<u64> {
        let Some(vin) = self.m.parked.pick(&mut self.rng).map(str::to_string) else {
            return Ok(0);
        };
        let Some(v) = self.m.vehicles.get(&vin).cloned() else {
            return Ok(0);
        };
        let nev = v.powertrain.is_nev();
        let reasons: [(HoldReason, u32); 5] = [
            (HoldReason::Customs, 35),
            (HoldReason::Documents, 25),
            (HoldReason::Damage, 15),
            (HoldReason::Battery, if nev { 15 } else { 0 }),
            (HoldReason::Other, 10),
        ];
        let Some(&(reason, _)) = catalog::weighted(&mut self.rng, &reasons, |r| r.1) else {
            return Ok(0);
        };
        let to = match reason {
            HoldReason::Damage => self.place(Zone::Inspection, None),
            HoldReason::Battery => self.place(Zone::Quarantine, None),
            _ => None,
        };
        let why = match reason {
            HoldReason::Customs => "customs: export declaration under review",
            HoldReason::Documents => "documents: certificate of conformity missing",
            HoldReason::Damage => [
                "damage: scratch on rear bumper",
                "damage: dented door",
                "damage: cracked windscreen",
            ][self.rng.random_range(0..3)],
            HoldReason::Battery => "battery: warning light on",
            HoldReason::Other => "other: held at the shipping line's request",
        };
        let detail = match to {
            Some(p) => format!("{why}, to {}", self.pos_text(Some(p))),
            None => why.to_string(),
        };
        let target = to.map(|p| self.target(p));
        let done = self.write(|tx, at| {
            Ok(hold_vehicle(tx, &vin, reason, target.as_ref(), at, &detail)?.then_some(()))
        })?;
        if done.is_none() {
            return Ok(0);
        }
        self.m.update(&vin, |v| {
            v.status = VehicleStatus::Hold;
            v.hold = Some(reason);
            v.held_since = Some(Instant::now());
            v.pos = to.or(v.pos);
        });
        self.events += 1;
        Ok(1)
    }

    /// A hold is lifted: the vehicle is parked again, back in a block for its
    /// powertrain if it was taken to inspection or quarantine; a battery case
    /// comes back discharged into the band.
    pub(super) fn release(&mut self) -> crate::error::Result<u64> {
        let mut chosen = None;
        for _ in 0..4 {
            let Some(vin) = self.m.held.pick(&mut self.rng) else {
                break;
            };
            let ripe = self
                .m
                .vehicles
                .get(vin)
                .and_then(|v| v.held_since)
                .is_none_or(|t| t.elapsed() >= MIN_HOLD);
            if ripe {
                chosen = Some(vin.to_string());
                break;
            }
        }
        let Some(vin) = chosen else { return Ok(0) };
        let Some(v) = self.m.vehicles.get(&vin).cloned() else {
            return Ok(0);
        };
        let zone = Model::park_zone(v.powertrain);
        let away = v
            .pos
            .is_none_or(|p| self.m.blocks.get(p.block).is_none_or(|b| b.zone != zone));
        let back = if away { self.place(zone, None) } else { None };
        if v.pos.is_none() && back.is_none() {
            return Ok(0);
        }
        let soc = (v.hold == Some(HoldReason::Battery) && v.powertrain.is_nev())
            .then(|| soc::in_band(&mut self.rng, &self.soc));
        let why = match (v.hold, soc) {
            (_, Some(s)) => format!("SoC {s:.0}% after discharge"),
            (Some(HoldReason::Customs), _) => "customs cleared".into(),
            (Some(HoldReason::Documents), _) => "documents received".into(),
            (Some(HoldReason::Damage), _) => "inspected: fit to ship".into(),
            _ => "released".into(),
        };
        let detail = match back {
            Some(p) => format!("{why}, back to {}", self.pos_text(Some(p))),
            None => why,
        };
        let target = back.map(|p| self.target(p));
        let (now_t, _) = now();
        let done = self.write(|tx, at| {
            if let Some(t) = &target {
                if !t.still_free(tx, false)? {
                    return Ok(None);
                }
            }
            let (code, row, slot) = split(target.as_ref());
            let n = tx
                .prepare_cached(
                    "UPDATE vehicles SET status = 'parked', hold_reason = NULL,
                       block = coalesce(?2, block), row = coalesce(?3, row), slot = coalesce(?4, slot),
                       soc_pct = coalesce(?5, soc_pct),
                       soc_checked_at = CASE WHEN ?5 IS NULL THEN soc_checked_at ELSE ?6 END,
                       updated_at = ?6
                     WHERE vin = ?1 AND status = 'hold'",
                )?
                .execute(params![vin, code, row, slot, soc, at])?;
            if n != 1 {
                return Ok(None);
            }
            event(tx, at, Some(&vin), "release", &detail)?;
            Ok(Some(()))
        })?;
        if done.is_none() {
            return Ok(0);
        }
        self.m.update(&vin, |v| {
            v.status = VehicleStatus::Parked;
            v.hold = None;
            v.held_since = None;
            v.pos = back.or(v.pos);
            if let Some(s) = soc {
                v.soc = Some(s);
                v.soc_at = Some(now_t);
            }
        });
        self.events += 1;
        Ok(1)
    }

    /// Planners reshuffle: a parked vehicle moves to another block of its zone.
    pub(super) fn relocate(&mut self) -> crate::error::Result<u64> {
        let Some(vin) = self.m.parked.pick(&mut self.rng).map(str::to_string) else {
            return Ok(0);
        };
        let Some(v) = self.m.vehicles.get(&vin).cloned() else {
            return Ok(0);
        };
        let Some(from) = v.pos else { return Ok(0) };
        let Some(to) = self.place(Model::park_zone(v.powertrain), Some(from.block)) else {
            return Ok(0);
        };
        let t = self.target(to);
        let detail = format!("{} → {}", self.pos_text(Some(from)), self.pos_text(Some(to)));
        let done = self.write(|tx, at| {
            if !t.still_free(tx, false)? {
                return Ok(None);
            }
            let n = tx
                .prepare_cached(
                    "UPDATE vehicles SET block = ?2, row = ?3, slot = ?4, updated_at = ?5
                     WHERE vin = ?1 AND status = 'parked'",
                )?
                .execute(params![vin, t.code, t.row, t.slot, at])?;
            if n != 1 {
                return Ok(None);
            }
            event(tx, at, Some(&vin), "move", &detail)?;
            Ok(Some(()))
        })?;
        if done.is_none() {
            return Ok(0);
        }
        self.m.update(&vin, |v| v.pos = Some(to));
        self.events += 1;
        Ok(1)
    }
}

pub(super) fn split(t: Option<&Target>) -> (Option<&str>, Option<i64>, Option<i64>) {
    match t {
        Some(t) => (Some(t.code.as_str()), Some(t.row), Some(t.slot)),
        None => (None, None, None),
    }
}

/// Puts a parked vehicle on hold (moving it when `to` is given); false when the
/// vehicle or the slot is no longer as the simulator thought.
pub(super) fn hold_vehicle(
    tx: &rusqlite::Transaction<'_>,
    vin: &str,
    reason: HoldReason,
    to: Option<&Target>,
    at: &str,
    detail: &str,
) -> rusqlite::Result<bool> {
    if let Some(t) = to {
        if !t.still_free(tx, false)? {
            return Ok(false);
        }
    }
    let (code, row, slot) = split(to);
    let n = tx
        .prepare_cached(
            "UPDATE vehicles SET status = 'hold', hold_reason = ?2,
               block = coalesce(?3, block), row = coalesce(?4, row), slot = coalesce(?5, slot),
               updated_at = ?6
             WHERE vin = ?1 AND status = 'parked'",
        )?
        .execute(params![vin, reason.as_str(), code, row, slot, at])?;
    if n != 1 {
        return Ok(false);
    }
    event(tx, at, Some(vin), "hold", detail)?;
    Ok(true)
}
