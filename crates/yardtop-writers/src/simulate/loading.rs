//! Staging and loading for the vessels alongside. An NEV is only staged and
//! loaded with a trusted SoC reading inside the band (docs/database.md): one without is
//! checked first, one over the limit is held (when parked) or discharged (when
//! already staged), one under it waits for a charge.

use std::time::Instant;

use rusqlite::params;

use super::catalog;
use super::sim::{event, now, Sim};
use super::soc;
use super::vehicles::{hold_vehicle, split};
use crate::model::{ConsignmentStatus, HoldReason, VehicleStatus, Zone};

/// Vehicles kept staged ahead of loading for each call: about ten minutes' work.
pub(super) fn stage_buffer(uph: f64) -> usize {
    ((uph / 6.0).ceil() as usize).clamp(12, 200)
}

impl Sim<'_> {
    /// Can a vehicle be staged for this call now?
    pub(super) fn wants_staging(&self, call: i64) -> bool {
        self.m.staged_for(call) < stage_buffer(self.uph)
            && self
                .m
                .cons_of(call)
                .iter()
                .any(|c| self.m.parked_by_cons.get(c).is_some_and(|p| !p.is_empty()))
    }

    /// A parked vehicle of the call's consignments is staged, in a staging block
    /// when one has room, else where it stands.
    pub(super) fn stage(&mut self, call: i64) -> crate::error::Result<u64> {
        let cons: Vec<(i64, usize)> = self
            .m
            .cons_of(call)
            .into_iter()
            .map(|c| (c, self.m.parked_by_cons.get(&c).map_or(0, |p| p.len())))
            .filter(|c| c.1 > 0)
            .collect();
        let Some(&(cons_id, _)) =
            catalog::weighted(&mut self.rng, &cons, |c| c.1.min(u32::MAX as usize) as u32)
        else {
            return Ok(0);
        };
        let Some(vin) = self
            .m
            .parked_by_cons
            .get(&cons_id)
            .and_then(|p| p.pick(&mut self.rng))
            .map(str::to_string)
        else {
            return Ok(0);
        };
        let Some(v) = self.m.vehicles.get(&vin).cloned() else {
            return Ok(0);
        };
        let (now_t, _) = now();
        let mut reading = None;
        if v.powertrain.is_nev() {
            let ok = soc::trusted(v.soc, v.soc_at, now_t, &self.soc)
                && v.soc
                    .is_some_and(|s| !soc::over(s, &self.soc) && !soc::under(s, &self.soc));
            if !ok {
                reading = Some(soc::reading(&mut self.rng, v.soc, &self.soc));
            }
        }
        let soc_now = reading.or(v.soc);
        let over = reading.is_some_and(|r| soc::over(r, &self.soc));
        let under = reading.is_some_and(|r| soc::under(r, &self.soc));
        let stage = !over && !under;
        let to = if stage {
            self.place(Zone::Staging, None)
        } else if over {
            self.place(Zone::Quarantine, None)
        } else {
            None
        };
        let target = to.map(|p| self.target(p));
        let vessel = self
            .m
            .calls
            .get(&call)
            .map(|c| format!("{} {}", c.vessel, c.voyage))
            .unwrap_or_default();
        let detail = if stage {
            match to {
                Some(p) => format!("for {vessel}, to {}", self.pos_text(Some(p))),
                None => format!("for {vessel}, in place at {}", self.pos_text(v.pos)),
            }
        } else {
            format!(
                "battery: SoC {:.0}% over the {:.0}% limit{}",
                soc_now.unwrap_or(0.0),
                self.soc.max,
                to.map(|p| format!(", to {}", self.pos_text(Some(p))))
                    .unwrap_or_default()
            )
        };
        let done = self.write(|tx, at| {
            let mut n = 0u64;
            if let Some(r) = reading {
                let c = tx
                    .prepare_cached(
                        "UPDATE vehicles SET soc_pct = ?2, soc_checked_at = ?3, updated_at = ?3
                         WHERE vin = ?1 AND status = 'parked'",
                    )?
                    .execute(params![vin, r, at])?;
                if c != 1 {
                    return Ok(None);
                }
                event(tx, at, Some(&vin), "soc_check", &format!("SoC {r:.0}%"))?;
                n += 1;
            }
            if over {
                if !hold_vehicle(tx, &vin, HoldReason::Battery, target.as_ref(), at, &detail)? {
                    return Ok(None);
                }
                n += 1;
            } else if stage {
                if let Some(t) = &target {
                    if !t.still_free(tx, false)? {
                        return Ok(None);
                    }
                }
                let (code, row, slot) = split(target.as_ref());
                let c = tx
                    .prepare_cached(
                        "UPDATE vehicles SET status = 'staged',
                           block = coalesce(?2, block), row = coalesce(?3, row), slot = coalesce(?4, slot),
                           updated_at = ?5
                         WHERE vin = ?1 AND status = 'parked'",
                    )?
                    .execute(params![vin, code, row, slot, at])?;
                if c != 1 {
                    return Ok(None);
                }
                event(tx, at, Some(&vin), "stage", &detail)?;
                n += 1;
            }
            Ok(Some(n))
        })?;
        let Some(n) = done else { return Ok(0) };
        self.m.update(&vin, |v| {
            if let Some(r) = reading {
                v.soc = Some(r);
                v.soc_at = Some(now_t);
            }
            if over {
                v.status = VehicleStatus::Hold;
                v.hold = Some(HoldReason::Battery);
                v.held_since = Some(Instant::now());
                v.pos = to.or(v.pos);
            } else if stage {
                v.status = VehicleStatus::Staged;
                v.pos = to.or(v.pos);
            }
        });
        self.events += n;
        Ok(n)
    }

    /// The next staged vehicle of the call rolls on board. Returns the events
    /// written and whether a vehicle was loaded (a discharge does not use up
    /// the call's loading rate).
    pub(super) fn load(&mut self, call: i64) -> crate::error::Result<(u64, bool)> {
        let cons: Vec<i64> = self
            .m
            .cons_of(call)
            .into_iter()
            .filter(|c| self.m.staged_by_cons.get(c).is_some_and(|p| !p.is_empty()))
            .collect();
        if cons.is_empty() {
            return Ok((0, false));
        }
        let cons_id = cons[rand::Rng::random_range(&mut self.rng, 0..cons.len())];
        let Some(vin) = self
            .m
            .staged_by_cons
            .get(&cons_id)
            .and_then(|p| p.pick(&mut self.rng))
            .map(str::to_string)
        else {
            return Ok((0, false));
        };
        let Some(v) = self.m.vehicles.get(&vin).cloned() else {
            return Ok((0, false));
        };
        let (now_t, _) = now();
        let fit = !v.powertrain.is_nev()
            || (soc::trusted(v.soc, v.soc_at, now_t, &self.soc)
                && v.soc
                    .is_some_and(|s| !soc::over(s, &self.soc) && !soc::under(s, &self.soc)));
        if !fit {
            return self.recheck_staged(&vin, v.soc).map(|n| (n, false));
        }
        let vessel = self
            .m
            .calls
            .get(&call)
            .map(|c| format!("onto {} {}", c.vessel, c.voyage))
            .unwrap_or_default();
        let done = self.write(|tx, at| {
            let n = tx
                .prepare_cached(
                    "UPDATE vehicles SET status = 'loaded', loaded_at = ?2, updated_at = ?2,
                       block = NULL, row = NULL, slot = NULL, hold_reason = NULL
                     WHERE vin = ?1 AND status = 'staged'",
                )?
                .execute(params![vin, at])?;
            if n != 1 {
                return Ok(None);
            }
            tx.prepare_cached(
                "UPDATE consignments SET status = 'loading' WHERE id = ?1 AND status = 'open'",
            )?
            .execute([cons_id])?;
            event(tx, at, Some(&vin), "load", &vessel)?;
            Ok(Some(()))
        })?;
        if done.is_none() {
            return Ok((0, false));
        }
        self.m.remove(&vin);
        if let Some(c) = self.m.cons.get_mut(&cons_id) {
            if c.status == ConsignmentStatus::Open {
                c.status = ConsignmentStatus::Loading;
            }
        }
        self.events += 1;
        Ok((1, true))
    }

    /// A staged NEV without a trusted in-band reading is read again and brought
    /// into the band (discharged or charged) before it may be loaded; a staged
    /// vehicle never goes back to hold.
    fn recheck_staged(&mut self, vin: &str, prev: Option<f64>) -> crate::error::Result<u64> {
        let (now_t, _) = now();
        let r = soc::in_band(&mut self.rng, &self.soc);
        let detail = match prev {
            Some(p) if soc::over(p, &self.soc) => format!("SoC {r:.0}% after discharge"),
            Some(p) if soc::under(p, &self.soc) => format!("SoC {r:.0}% after charge"),
            _ => format!("SoC {r:.0}%"),
        };
        let done = self.write(|tx, at| {
            let n = tx
                .prepare_cached(
                    "UPDATE vehicles SET soc_pct = ?2, soc_checked_at = ?3, updated_at = ?3
                     WHERE vin = ?1 AND status = 'staged'",
                )?
                .execute(params![vin, r, at])?;
            if n != 1 {
                return Ok(None);
            }
            event(tx, at, Some(vin), "soc_check", &detail)?;
            Ok(Some(()))
        })?;
        if done.is_none() {
            return Ok(0);
        }
        self.m.update(vin, |v| {
            v.soc = Some(r);
            v.soc_at = Some(now_t);
        });
        self.events += 1;
        Ok(1)
    }
}
