//! What is parked where (docs/database.md): occupancy per block, SoC bands of the NEVs in the
//! yard, holds by reason, long dwell and NEVs outside NEV zones.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::db::queries::{self, YardVehicle};
use crate::db::settings::Settings;
use crate::figures::model::{BlockFigures, Holds, SocBands, Yard};
use crate::figures::subjects::{self, Subjects};
use crate::model::{HoldReason, SocBand, VehicleStatus};

/// The yard's figures and the subjects its alerts name.
pub struct YardPass {
    pub yard: Yard,
    /// NEVs over the SoC limit, staged ones first: (not staged, VIN).
    pub over_max: Subjects<(bool, String)>,
    /// Of which staged.
    pub over_max_staged: u64,
    pub under_min: Subjects<String>,
    pub unchecked: Subjects<String>,
    pub battery_holds: Subjects<String>,
    pub damage_holds: Subjects<String>,
    pub outside_nev_zone: Subjects<String>,
    pub long_dwell: Subjects<String>,
    pub over_capacity: Subjects<String>,
    /// Rows read here whose text is not UTF-8 (a data-quality problem SQL cannot see).
    pub bad_utf8_rows: u64,
}

/// The yard's figures from the vehicles `YARD_VEHICLES` reads.
pub fn pass(conn: &Connection, rules: &Settings, now_ms: i64) -> rusqlite::Result<YardPass> {
    pass_over(conn, rules, now_ms, |each| queries::yard_vehicles(conn, each))
}

/// The yard's figures from the vehicles `vehicles` hands to its argument, one by
/// one (in any order: every figure and subject list is independent of it).
pub fn pass_over(
    conn: &Connection,
    rules: &Settings,
    now_ms: i64,
    vehicles: impl FnOnce(&mut dyn FnMut(YardVehicle<'_>)) -> rusqlite::Result<()>,
) -> rusqlite::Result<YardPass> {
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

    let mut p = YardPass {
        yard: Yard {
            in_yard: 0,
            in_yard_nev: 0,
            capacity: blocks.iter().fold(0u64, |sum, b| sum.saturating_add(b.capacity)),
            blocks: Vec::new(),
            soc: SocBands::default(),
            holds: Holds::default(),
            long_dwell: 0,
            nev_outside_nev_zone: 0,
        },
        over_max: Subjects::default(),
        over_max_staged: 0,
        under_min: Subjects::default(),
        unchecked: Subjects::default(),
        battery_holds: Subjects::default(),
        damage_holds: Subjects::default(),
        outside_nev_zone: Subjects::default(),
        long_dwell: Subjects::default(),
        over_capacity: Subjects::default(),
        bad_utf8_rows: block_rows.iter().filter(|b| b.bad_utf8).count() as u64,
    };

    vehicles(&mut |v: YardVehicle<'_>| {
        p.bad_utf8_rows += v.bad_utf8 as u64;
        // A vehicle without a VIN is still in the yard; alerts name it so.
        let mut v = v;
        if v.vin.is_empty() {
            v.vin = std::borrow::Cow::Borrowed("(no VIN)");
        }
        let block = v.block.and_then(|c| index.get(c)).copied();
        let m = subjects::classify(&v, block.map(|i| blocks[i].zone.as_str()), rules, now_ms);
        let y = &mut p.yard;
        let nev = m.band.is_some();
        y.in_yard += 1;
        y.in_yard_nev += nev as u64;
        if let Some(i) = block {
            let b = &mut blocks[i];
            b.occupied += 1;
            b.nev += nev as u64;
            b.on_hold += (v.status == VehicleStatus::Hold) as u64;
        }
        if m.outside_nev_zone {
            y.nev_outside_nev_zone += 1;
            p.outside_nev_zone.offer_str(&v.vin);
        }
        if v.status == VehicleStatus::Hold {
            match v.hold_reason {
                Some(HoldReason::Customs) => y.holds.customs += 1,
                Some(HoldReason::Damage) => y.holds.damage += 1,
                Some(HoldReason::Battery) => y.holds.battery += 1,
                Some(HoldReason::Documents) => y.holds.documents += 1,
                Some(HoldReason::Other) => y.holds.other += 1,
                None => {}
            }
        }
        if m.damage_hold {
            p.damage_holds.offer_str(&v.vin);
        }
        if m.battery_hold {
            p.battery_holds.offer_str(&v.vin);
        }
        if m.long_dwell {
            y.long_dwell += 1;
            p.long_dwell.offer_str(&v.vin);
        }
        match m.band {
            None => {}
            Some(SocBand::OverMax) => {
                y.soc.over_max += 1;
                p.over_max_staged += m.staged as u64;
                let key = (!m.staged, v.vin.as_ref());
                p.over_max.offer(
                    |last| last.is_none_or(|(l_not_staged, l_vin)| key < (*l_not_staged, l_vin.as_str())),
                    || (key.0, key.1.to_string()),
                );
                if let Some(i) = block {
                    blocks[i].nev_soc_over_max += 1;
                }
            }
            Some(SocBand::UnderMin) => {
                y.soc.under_min += 1;
                p.under_min.offer_str(&v.vin);
            }
            Some(SocBand::InBand) => y.soc.in_band += 1,
            Some(SocBand::Unchecked) => {
                y.soc.unchecked += 1;
                p.unchecked.offer_str(&v.vin);
            }
        }
    })?;

    for b in blocks.iter().filter(|b| subjects::block_over_capacity(b)) {
        p.over_capacity.offer_str(&b.code);
    }
    p.yard.blocks = blocks;
    Ok(p)
}
