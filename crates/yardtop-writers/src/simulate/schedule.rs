//! New vessel calls: a car carrier announced with one to three consignments of
//! one maker each, bound for real discharge ports, its ETA after the last one
//! announced. A vessel not on another call is reused, or a new one registered with
//! a valid IMO number.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rusqlite::params;

use super::catalog;
use super::model::{Call, Cons};
use super::sim::{event, Sim};
use crate::model::{CallStatus, ConsignmentStatus};

impl Sim<'_> {
    /// A new call with one to three consignments. `alongside`: the vessel is
    /// already at its berth (the first call on an empty database).
    pub(super) fn announce(&mut self, now_t: DateTime<Utc>, alongside: bool) -> crate::error::Result<()> {
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
            let count = catalog::destinations().count();
            let dest = catalog::destinations()
                .nth(self.rng.random_range(0..count))
                .unwrap_or("GBBRS");
            let planned = self.rng.random_range(15..=60i64) * 10;
            let cutoff = if alongside {
                now_t + Duration::minutes(self.rng.random_range(40..90))
            } else {
                (eta - Duration::minutes(self.rng.random_range(60..240)))
                    .max(now_t + Duration::minutes(self.rng.random_range(30..60)))
            };
            cons.push((maker.name, maker.code, dest, planned, cutoff));
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
