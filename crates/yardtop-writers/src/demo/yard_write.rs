//! Writes the vehicles of the current yard with their full event history: gate-in,
//! park, SoC checks every two or three days, holds and the moves they cause,
//! staging and loading.

use chrono::Datelike;

use crate::error::Result;
use crate::model::{HoldReason, VehicleStatus};

use super::blocks::Yard;
use super::clock::{local_date, DAY, HOUR, MINUTE};
use super::plan::{Place, Plan, Soc, YardVehicle};
use super::rng::{self, DemoRng};
use super::sink::{Detail, Kind, Sink, VehicleRow};
use super::vin::VinFactory;
use crate::names::{Model, MAKES};

/// The model a yard vehicle was planned with: codes from 50 are conventional.
pub(super) fn model_of(make: usize, code: u8) -> Option<&'static Model> {
    let m = MAKES.get(make)?;
    if code >= 50 {
        m.other.get(code as usize - 50)
    } else {
        m.nev.get(code as usize)
    }
}

pub(super) fn write(
    sink: &mut Sink,
    plan: &Plan,
    yard: &Yard,
    vins: &mut VinFactory,
    rng: &mut DemoRng,
) -> Result<()> {
    for v in &plan.yard {
        write_one(sink, plan, yard, vins, rng, v)?;
    }
    Ok(())
}

fn write_one(
    sink: &mut Sink,
    plan: &Plan,
    yard: &Yard,
    vins: &mut VinFactory,
    rng: &mut DemoRng,
    v: &YardVehicle,
) -> Result<()> {
    let now = plan.now;
    let make = v.make as usize;
    let Some(model) = model_of(make, v.model) else {
        return Ok(());
    };
    let made = v.gate_in.unwrap_or(v.booked.max(now - 30 * DAY));
    let year = local_date(&plan.tz, made).year();
    let vin = vins.next(make, v.model as usize, year, rng::int(rng, 0, 32) as u8)?;
    let mut last = v.booked;
    let mut ev = |sink: &mut Sink, at: i64, kind: Kind, detail: Detail| {
        last = last.max(at);
        sink.event(at, &vin, kind, detail);
    };
    if let Some(gate) = v.gate_in {
        let (gate_no, truck) = (
            rng::int(rng, 1, 6) as u8,
            rng::int(rng, 0, i64::from(u32::MAX)) as u32,
        );
        ev(sink, gate, Kind::GateIn, Detail::Gate(gate_no, truck));
    }
    let mut soc_at = None;
    let mut soc_pct = None;
    if let Some(park) = v.park_at {
        let stays = v.zone == Some(v.home) && v.stage_at.is_none();
        let home = match v.place {
            Some(p) if stays => p,
            _ => yard.random_place(rng, v.home),
        };
        ev(sink, park, Kind::Park, Detail::At(home));
        if let Some((pct, checked)) = soc_readings(rng, v, park, now) {
            let mut reading = pct;
            for (i, t) in checked.iter().enumerate() {
                // Older readings were a little higher: batteries drain while parked.
                if i > 0 {
                    reading = (reading + rng::int(rng, 0, 1)).min(100);
                }
                ev(sink, *t, Kind::SocCheck, Detail::Soc(reading as u8));
            }
            soc_pct = Some(pct as f64);
            soc_at = checked.first().copied();
        }
        let long = v.gate_in.is_some_and(|g| g < now - 10 * DAY);
        let first_move = v.hold_at.or(v.stage_at).unwrap_or(now);
        if long && v.status == VehicleStatus::Parked && first_move - park > 3 * DAY && rng::chance(rng, 0.12)
        {
            // An earlier hold, long since released.
            let reason = if rng::chance(rng, 0.6) {
                HoldReason::Customs
            } else {
                HoldReason::Documents
            };
            let hold = park + rng::int(rng, HOUR, DAY);
            let release = hold + rng::int(rng, 4 * HOUR, 2 * DAY);
            ev(
                sink,
                hold,
                Kind::Hold,
                Detail::Hold(reason, rng::int(rng, 0, 9) as u8, None),
            );
            ev(sink, release, Kind::Release, Detail::Release(reason));
        }
        if let (Some(reason), Some(at)) = (v.hold, v.hold_at) {
            let soc = soc_pct.filter(|_| reason == HoldReason::Battery).map(|p| p as u8);
            ev(
                sink,
                at,
                Kind::Hold,
                Detail::Hold(reason, rng::int(rng, 0, 9) as u8, soc),
            );
            if let Some(p) = v.place.filter(|_| v.zone != Some(v.home)) {
                // Moved within the hour, and before now however recent the hold.
                let delay = rng::int(rng, 10 * MINUTE, HOUR).min((now - at) * 9 / 10);
                let moved = at + delay.max(1);
                ev(sink, moved, Kind::Move, Detail::To(p));
            }
        } else if v.status == VehicleStatus::Parked && v.zone != Some(v.home) {
            // Pre-delivery inspection.
            if let Some(p) = v.place {
                let moved = rng::int(rng, park + 20 * MINUTE, now - 5 * MINUTE).max(park + 1);
                ev(sink, moved, Kind::Move, Detail::To(p));
            }
        }
        if let Some(stage) = v.stage_at {
            let to: Place = match v.place {
                Some(p) if v.status == VehicleStatus::Staged => p,
                _ => yard.random_place(rng, crate::model::Zone::Staging),
            };
            ev(sink, stage, Kind::Stage, Detail::At(to));
        }
        if let (Some(at), Some(call)) = (v.loaded_at, v.load_call) {
            ev(sink, at, Kind::Load, Detail::Load(call));
        }
    }
    let status = v.status;
    let in_yard = status.in_yard();
    sink.vehicle(&VehicleRow {
        vin: &vin,
        make: MAKES[make].name,
        model: model.name,
        powertrain: model.powertrain.as_str(),
        soc: soc_pct,
        soc_at,
        consignment: v.cons.map(|c| i64::from(c) + 1),
        status: status.as_str(),
        hold: v.hold.map(|h| h.as_str()),
        place: v.place.filter(|_| in_yard),
        gate_in: v.gate_in,
        loaded_at: v.loaded_at,
        updated_at: last.max(v.gate_in.unwrap_or(0)),
    })
}

/// The last reading and the times of all readings, newest first: one on arrival,
/// then every two to three days; the newest before staging for staged vehicles,
/// long ago for stale ones.
fn soc_readings(rng: &mut DemoRng, v: &YardVehicle, park: i64, now: i64) -> Option<(i64, Vec<i64>)> {
    let (pct, newest_max, newest_min) = match v.soc {
        Soc::None => return None,
        Soc::Fresh(p) => {
            let until = v.stage_at.map(|s| s - 5 * MINUTE).unwrap_or(now - 5 * MINUTE);
            (p, until, until - 60 * HOUR)
        }
        Soc::Stale(p) => (p, now - 73 * HOUR, park),
    };
    let earliest = park + 10 * MINUTE;
    if newest_max < earliest {
        return None;
    }
    let mut t = rng::int(rng, newest_min.max(earliest), newest_max);
    let mut times = vec![t];
    while times.len() < 30 {
        let prev = t - rng::int(rng, 48 * HOUR, 70 * HOUR);
        if prev < earliest {
            break;
        }
        times.push(prev);
        t = prev;
    }
    if t - earliest > 2 * HOUR {
        times.push(rng::int(rng, earliest, earliest + HOUR));
    }
    Some((pct as i64, times))
}
