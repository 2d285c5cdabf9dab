//! Trucks at the gate: each brings one to six vehicles of one consignment,
//! pre-advised ones (status expected) first, new ones otherwise, as long as the
//! consignment wants more before its cut-off and the yard has room for them.

use rand::Rng;
use rusqlite::{params, OptionalExtension};

use super::catalog;
use super::model::Veh;
use super::sim::{event, Sim};
use crate::db::value;
use crate::model::{CallStatus, Powertrain, VehicleStatus, Zone};

/// Gate-ins stop while the parking blocks of a zone are this full (counting the
/// vehicles already waiting at the gate for them).
const TARGET_FILL: f64 = 0.85;

enum Arrival {
    /// A pre-advised vehicle (status expected) of the consignment.
    Expected,
    New {
        candidates: Vec<String>,
        make: &'static str,
        model: &'static str,
        powertrain: Powertrain,
    },
}

struct Arrived {
    vin: String,
    powertrain: Powertrain,
    was_expected: bool,
}

impl Sim<'_> {
    /// Room left before a zone reaches its target fill.
    fn room(&self, zone: Zone) -> i64 {
        let (cap, used) = self.m.zone_room(zone);
        (cap as f64 * TARGET_FILL) as i64 - used
    }

    /// A consignment still taking vehicles: open or loading, fewer delivered than
    /// planned, cut-off ahead, its vessel not gone. Those of a vessel already
    /// alongside are the most urgent.
    pub(super) fn gate_candidates(&self) -> Vec<(i64, u64)> {
        let now = chrono::Utc::now();
        self.m
            .cons
            .values()
            .filter(|c| c.status.pending() && c.delivered < c.planned)
            .filter(|c| c.cutoff.is_none_or(|t| t > now))
            .filter_map(|c| {
                let call = self.m.calls.get(&c.call?)?;
                let urgency = if call.status == CallStatus::Alongside {
                    3
                } else {
                    1
                };
                Some((c.id, ((c.planned - c.delivered) as u64).saturating_mul(urgency)))
            })
            .collect()
    }

    pub(super) fn can_gate_in(&self) -> bool {
        (self.room(Zone::Nev) > 0 || self.room(Zone::Ice) > 0) && !self.gate_candidates().is_empty()
    }

    /// A truck arrives with one to six vehicles of one consignment.
    pub(super) fn gate_in(&mut self, budget: u64) -> crate::error::Result<u64> {
        let cands = self.gate_candidates();
        let Some(&(cons_id, _)) =
            catalog::weighted(&mut self.rng, &cands, |c| c.1.min(u32::MAX as u64) as u32)
        else {
            return Ok(0);
        };
        let Some(c) = self.m.cons.get(&cons_id).cloned() else {
            return Ok(0);
        };
        let truck = self
            .rng
            .random_range(1..=6i64)
            .min(c.planned - c.delivered)
            .min(budget.max(1) as i64);
        let mut room_nev = self.room(Zone::Nev);
        let mut room_ice = self.room(Zone::Ice);
        let allowed: Vec<&str> = Powertrain::ALL
            .iter()
            .filter(|p| if p.is_nev() { room_nev > 0 } else { room_ice > 0 })
            .map(|p| p.as_str())
            .collect();
        let maker = catalog::maker_for_brand(&mut self.rng, &c.brand);
        let mut plan = Vec::new();
        let mut expected_left = c.expected_left;
        for _ in 0..truck {
            if expected_left > 0 && !allowed.is_empty() {
                expected_left -= 1;
                plan.push(Arrival::Expected);
                continue;
            }
            for _ in 0..4 {
                let model = catalog::random_model(&mut self.rng, maker);
                let room = if model.powertrain.is_nev() {
                    &mut room_nev
                } else {
                    &mut room_ice
                };
                if *room > 0 {
                    *room -= 1;
                    let candidates = (0..4)
                        .map(|_| catalog::vin(&mut self.rng, maker, model))
                        .collect();
                    plan.push(Arrival::New {
                        candidates,
                        make: maker.name,
                        model: model.name,
                        powertrain: model.powertrain,
                    });
                    break;
                }
            }
        }
        if plan.is_empty() {
            return Ok(0);
        }
        let detail = format!("truck {}, {}", catalog::truck_plate(&mut self.rng), c.reference);
        let allowed_sql = allowed
            .iter()
            .map(|p| format!("'{p}'"))
            .collect::<Vec<_>>()
            .join(",");
        let done = self.write(|tx, at| {
            let mut arrived = Vec::new();
            let mut exhausted = false;
            for p in &plan {
                match p {
                    Arrival::Expected => {
                        if exhausted {
                            continue;
                        }
                        let sql = format!(
                            "SELECT vin, powertrain FROM vehicles
                             WHERE consignment_id = ?1 AND status = 'expected' AND powertrain IN ({allowed_sql})
                             LIMIT 1"
                        );
                        let row = tx
                            .prepare_cached(&sql)?
                            .query_row([cons_id], |r| Ok((value::text(r, 0), value::text(r, 1))))
                            .optional()?;
                        let found = row.and_then(|(v, p)| match (v.value, v.bad, p.value.as_deref().and_then(Powertrain::parse)) {
                            (Some(v), false, Some(p)) => Some((v, p)),
                            _ => None,
                        });
                        let Some((vin, powertrain)) = found else {
                            exhausted = true;
                            continue;
                        };
                        let n = tx
                            .prepare_cached(
                                "UPDATE vehicles SET status = 'gated_in', gate_in_at = ?2, updated_at = ?2,
                                 block = NULL, row = NULL, slot = NULL, hold_reason = NULL
                                 WHERE vin = ?1 AND status = 'expected'",
                            )?
                            .execute(params![vin, at])?;
                        if n != 1 {
                            exhausted = true;
                            continue;
                        }
                        event(tx, at, Some(&vin), "gate_in", &detail)?;
                        arrived.push(Arrived {
                            vin,
                            powertrain,
                            was_expected: true,
                        });
                    }
                    Arrival::New {
                        candidates,
                        make,
                        model,
                        powertrain,
                    } => {
                        for vin in candidates {
                            let taken: i64 = tx
                                .prepare_cached("SELECT count(*) FROM vehicles WHERE vin = ?1")?
                                .query_row([vin], |r| r.get(0))?;
                            if taken > 0 {
                                continue;
                            }
                            tx.prepare_cached(
                                "INSERT INTO vehicles(vin, make, model, powertrain, consignment_id, status,
                                                      gate_in_at, updated_at)
                                 VALUES (?1, ?2, ?3, ?4, ?5, 'gated_in', ?6, ?6)",
                            )?
                            .execute(params![vin, make, model, powertrain.as_str(), cons_id, at])?;
                            event(tx, at, Some(vin), "gate_in", &detail)?;
                            arrived.push(Arrived {
                                vin: vin.clone(),
                                powertrain: *powertrain,
                                was_expected: false,
                            });
                            break;
                        }
                    }
                }
            }
            Ok(Some((arrived, exhausted)))
        })?;
        let Some((arrived, exhausted)) = done else {
            return Ok(0);
        };
        let n = arrived.len() as u64;
        let from_expected = arrived.iter().filter(|a| a.was_expected).count() as i64;
        for a in arrived {
            self.m.add(
                a.vin,
                Veh {
                    powertrain: a.powertrain,
                    cons: Some(cons_id),
                    status: VehicleStatus::GatedIn,
                    pos: None,
                    soc: None,
                    soc_at: None,
                    hold: None,
                    held_since: None,
                },
            );
        }
        if let Some(c) = self.m.cons.get_mut(&cons_id) {
            c.delivered += n as i64;
            c.expected_left = if exhausted {
                0
            } else {
                (c.expected_left - from_expected).max(0)
            };
        }
        self.events += n;
        Ok(n)
    }
}
