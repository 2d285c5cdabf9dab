//! What is parked where (SPEC §3): occupancy per block, SoC bands of the NEVs in the
//! yard, holds by reason, long dwell and NEVs outside NEV zones.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::db::queries::{self, YardVehicle};
use crate::db::settings::Settings;
use crate::figures::model::{BlockFigures, Holds, SocBands, Yard};
use crate::model::{soc_band, HoldReason, SocBand, VehicleStatus};

/// The yard's figures and the subjects its alerts name.
pub struct YardPass {
    pub yard: Yard,
    /// NEVs over the SoC limit: (VIN, staged).
    pub over_max: Vec<(String, bool)>,
    pub under_min: Vec<String>,
    pub unchecked: Vec<String>,
    pub battery_holds: Vec<String>,
    pub damage_holds: Vec<String>,
    pub outside_nev_zone: Vec<String>,
    pub long_dwell: Vec<String>,
    pub over_capacity: Vec<String>,
    /// Rows read here whose text is not UTF-8 (a data-quality problem SQL cannot see).
    pub bad_utf8_rows: u64,
}

pub fn pass(conn: &Connection, rules: &Settings, now_ms: i64) -> rusqlite::Result<YardPass> {
    let block_rows = queries::blocks(conn)?;
    let mut blocks: Vec<BlockFigures> = block_rows
        .iter()
        .map(|b| {
            let (rows, slots) = (b.rows.unwrap_or(0), b.slots_per_row.unwrap_or(0));
            BlockFigures {
                code: b.code.clone(),
                zone: b.zone.clone(),
                capacity: rows.saturating_mul(slots),
                occupied: 0,
                nev: 0,
                rows,
                slots_per_row: slots,
                nev_soc_over_max: 0,
                on_hold: 0,
            }
        })
        .collect();
    let index: HashMap<String, usize> = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| (b.code.clone(), i))
        .collect();

    let dwell_ms = rules.long_dwell_days * 86_400_000.0;
    let mut p = YardPass {
        yard: Yard {
            in_yard: 0,
            in_yard_nev: 0,
            capacity: blocks.iter().map(|b| b.capacity).sum(),
            blocks: Vec::new(),
            soc: SocBands::default(),
            holds: Holds::default(),
            long_dwell: 0,
            nev_outside_nev_zone: 0,
        },
        over_max: Vec::new(),
        under_min: Vec::new(),
        unchecked: Vec::new(),
        battery_holds: Vec::new(),
        damage_holds: Vec::new(),
        outside_nev_zone: Vec::new(),
        long_dwell: Vec::new(),
        over_capacity: Vec::new(),
        bad_utf8_rows: block_rows.iter().filter(|b| b.bad_utf8).count() as u64,
    };

    queries::yard_vehicles(conn, |v: YardVehicle| {
        p.bad_utf8_rows += v.bad_utf8 as u64;
        let y = &mut p.yard;
        let nev = v.powertrain.is_some_and(|pt| pt.is_nev());
        y.in_yard += 1;
        y.in_yard_nev += nev as u64;
        let block = v.block.as_ref().and_then(|c| index.get(c)).copied();
        if let Some(i) = block {
            let b = &mut blocks[i];
            b.occupied += 1;
            b.nev += nev as u64;
            b.on_hold += (v.status == VehicleStatus::Hold) as u64;
            if nev && b.zone == "ice" {
                y.nev_outside_nev_zone += 1;
                p.outside_nev_zone.push(v.vin.clone());
            }
        }
        if v.status == VehicleStatus::Hold {
            match v.hold_reason {
                Some(HoldReason::Customs) => y.holds.customs += 1,
                Some(HoldReason::Damage) => {
                    y.holds.damage += 1;
                    p.damage_holds.push(v.vin.clone());
                }
                Some(HoldReason::Battery) => {
                    y.holds.battery += 1;
                    p.battery_holds.push(v.vin.clone());
                }
                Some(HoldReason::Documents) => y.holds.documents += 1,
                Some(HoldReason::Other) => y.holds.other += 1,
                None => {}
            }
        }
        if let Ok(Some(gate_in)) = v.gate_in_ms {
            if (now_ms - gate_in) as f64 > dwell_ms {
                y.long_dwell += 1;
                p.long_dwell.push(v.vin.clone());
            }
        }
        if nev {
            // An unreadable value is left out of the bands (it is a data-quality
            // problem); a missing or stale reading is unchecked, never over or under.
            match (v.soc_pct, v.soc_checked_ms) {
                (Err(()), _) | (_, Err(())) => {}
                (Ok(pct), Ok(at)) => {
                    let band = soc_band(
                        pct,
                        at.map(|at| now_ms - at),
                        rules.soc_max_pct,
                        rules.soc_min_pct,
                        rules.soc_check_max_age_h,
                    );
                    match band {
                        SocBand::OverMax => {
                            y.soc.over_max += 1;
                            p.over_max
                                .push((v.vin.clone(), v.status == VehicleStatus::Staged));
                            if let Some(i) = block {
                                blocks[i].nev_soc_over_max += 1;
                            }
                        }
                        SocBand::UnderMin => {
                            y.soc.under_min += 1;
                            p.under_min.push(v.vin.clone());
                        }
                        SocBand::InBand => y.soc.in_band += 1,
                        SocBand::Unchecked => {
                            y.soc.unchecked += 1;
                            p.unchecked.push(v.vin.clone());
                        }
                    }
                }
            }
        }
    })?;

    p.over_capacity = blocks
        .iter()
        .filter(|b| b.occupied > b.capacity)
        .map(|b| b.code.clone())
        .collect();
    p.yard.blocks = blocks;
    Ok(p)
}
