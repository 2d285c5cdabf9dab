//! The port's past: month by month, consignments of each maker to their markets,
//! grouped into vessel calls that loaded at about 200 units an hour and sailed.
//! Only the consignments and calls are planned ahead; their vehicles and events
//! are generated when written, from the consignment's own random stream.

use crate::error::Result;
use crate::model::{CallStatus, ConsignmentStatus, HoldReason, Zone};

use super::blocks::Yard;
use super::clock::{local_date, DAY, HOUR, MINUTE};
use super::plan::{cutoff_before, Call, Consignment, Place, Plan};
use super::rng::{self, DemoRng};
use super::sink::{Detail, Kind, Sink, VehicleRow};
use super::vin::VinFactory;
use crate::names::{BERTHS, MAKES};

/// Exports of one port month (or the part of it the history covers).
pub(super) struct Month {
    pub start: i64,
    pub end: i64,
    pub total: u64,
    /// Exactly this many of them NEVs (a story's figures), or as the makers' mix
    /// falls (None).
    pub nev: Option<u64>,
}

/// A consignment a story needs exactly as it happened.
pub(super) struct Special {
    pub make: usize,
    pub dest: usize,
    pub units: u32,
    pub nev: u32,
    pub eta: i64,
    pub load_start: i64,
    pub load_end: i64,
}

pub(super) struct Spec {
    pub months: Vec<Month>,
    pub specials: Vec<Special>,
    /// Largest consignment.
    pub cap: u32,
    /// Growth curves run from here (0) to now (1).
    pub t0: i64,
    pub now: i64,
}

/// The longest a history vehicle waited between gate-in and cut-off.
pub(super) const MAX_DWELL: i64 = 27 * DAY;

struct Draft {
    make: usize,
    dest: usize,
    units: u32,
    nev: u32,
}

/// Plans the history: calls in the order they arrived, their consignments in the
/// order they were loaded. Vessels are given later (see `assign_vessels`).
pub(super) fn plan(spec: &Spec, rng: &mut DemoRng) -> (Vec<Call>, Vec<Consignment>) {
    let mut calls: Vec<(Call, Vec<Consignment>)> = Vec::new();
    let span = (spec.now - spec.t0).max(1) as f64;
    let f_at = |t: i64| ((t - spec.t0) as f64 / span).clamp(0.0, 1.0);
    for month in &spec.months {
        let specials: Vec<&Special> = spec
            .specials
            .iter()
            .filter(|s| s.load_start >= month.start && s.load_start < month.end)
            .collect();
        let taken: u64 = specials.iter().map(|s| u64::from(s.units)).sum();
        let taken_nev: u64 = specials.iter().map(|s| u64::from(s.nev)).sum();
        let f = f_at((month.start + month.end) / 2);
        // Some eight calls a month: a quiet month has smaller consignments, not
        // fewer ships.
        let call_size = (month.total / 8).clamp(400, 4000) as u32;
        let drafts = drafts(
            rng,
            month.total.saturating_sub(taken),
            month.nev.map(|n| n.saturating_sub(taken_nev)),
            f,
            spec.cap.min(call_size.max(250)),
            spec.cap,
        );
        let groups = group(rng, drafts, call_size);
        let n = groups.len();
        for (i, group) in groups.into_iter().enumerate() {
            let rate = rng::uniform(rng, 180.0, 230.0);
            let units: u32 = group.iter().map(|d| d.units).sum();
            let duration = (f64::from(units) * 3600.0 / rate) as i64 + 5 * HOUR;
            let room = (month.end - month.start - duration - HOUR).max(0) as f64;
            let slot = (i as f64 + rng::uniform(rng, 0.15, 0.85)) / n as f64;
            let eta = month.start + (room * slot) as i64;
            let load_start = eta + rng::int(rng, 60, 120) * MINUTE;
            calls.push(call(rng, eta, load_start, 3600.0 / rate, group));
        }
        for s in specials {
            let step = (s.load_end - s.load_start) as f64 / f64::from(s.units.max(1));
            let draft = Draft {
                make: s.make,
                dest: s.dest,
                units: s.units,
                nev: s.nev,
            };
            let mut c = call(rng, s.eta, s.load_start, step, vec![draft]);
            c.0.berth = Some(BERTHS[0]);
            calls.push(c);
        }
        if rng::chance(rng, 0.5) && !calls.is_empty() {
            // Now and then a booking falls through: a cancelled consignment.
            let i = calls.len() - 1;
            let (c, list) = &mut calls[i];
            let make = rng::int(rng, 0, MAKES.len() as i64 - 1) as usize;
            list.push(Consignment {
                reference: String::new(),
                call: 0,
                make,
                dest: pick_dest(rng, make),
                planned: rng::int(rng, 2, 12) * 100,
                cutoff: cutoff_before(c.eta, rng),
                status: ConsignmentStatus::Cancelled,
                units: 0,
                nev: 0,
                load_start: c.eta,
                load_step: 0.0,
            });
        }
    }
    calls.sort_by_key(|(c, _)| c.eta);
    let mut out_calls = Vec::with_capacity(calls.len());
    let mut out_cons = Vec::new();
    for (i, (c, list)) in calls.into_iter().enumerate() {
        out_calls.push(c);
        for mut cons in list {
            cons.call = i;
            out_cons.push(cons);
        }
    }
    (out_calls, out_cons)
}

fn call(
    rng: &mut DemoRng,
    eta: i64,
    load_start: i64,
    step: f64,
    group: Vec<Draft>,
) -> (Call, Vec<Consignment>) {
    let cutoff = cutoff_before(eta, rng);
    let mut t = load_start;
    let mut list = Vec::with_capacity(group.len());
    for d in group {
        list.push(Consignment {
            reference: String::new(),
            call: 0,
            make: d.make,
            dest: d.dest,
            planned: i64::from(d.units),
            cutoff,
            status: ConsignmentStatus::Closed,
            units: d.units,
            nev: d.nev,
            load_start: t,
            load_step: step,
        });
        t += (f64::from(d.units) * step) as i64 + 10 * MINUTE;
    }
    let etd = t + rng::int(rng, 60, 120) * MINUTE;
    let berth = BERTHS[rng::int(rng, 0, BERTHS.len() as i64 - 1) as usize];
    let call = Call {
        vessel: 0,
        voyage: String::new(),
        berth: Some(berth),
        eta,
        etd,
        status: CallStatus::Departed,
    };
    (call, list)
}

/// A month's consignments: sizes skewed to the hundreds, makers by their weight at
/// `f`, and (for a story) exactly `nev` NEVs among `total`.
fn drafts(rng: &mut DemoRng, total: u64, nev: Option<u64>, f: f64, cap: u32, big: u32) -> Vec<Draft> {
    let mut out = Vec::new();
    let mut rem = total;
    let mut rem_nev = nev;
    let cap = u64::from(cap.max(200));
    while rem > 0 {
        let c = cap as f64;
        let (lo, hi) = match rng::weighted(rng, &[0.5, 0.3, 0.2]) {
            0 => (200.0, 0.35 * c),
            1 => (0.35 * c, 0.7 * c),
            _ => (0.7 * c, c),
        };
        let mut draw = rng::uniform(rng, lo, hi.max(lo)).round().max(200.0) as u64;
        if rng::chance(rng, 0.04) {
            // Now and then a maker charters a whole ship.
            draw = rng::uniform(rng, 2.0 * c, 4.0 * c).min(f64::from(big)).round() as u64;
        }
        let mut units = draw.min(rem);
        if rem - units < 200 {
            units = if rem <= draw.max(cap) { rem } else { rem - 200 };
        }
        let rem_non = rem_nev.map(|n| rem - n.min(rem));
        let make = pick_make(rng, f, rem_nev == Some(0), rem_non == Some(0));
        let spec = &MAKES[make];
        let desired = if spec.other.is_empty() {
            units
        } else {
            let share = spec.nev_share_at(f) * rng::uniform(rng, 0.8, 1.2);
            ((units as f64 * share).round() as u64).min(units)
        };
        let (n_nev, n_non) = match (rem_nev, rem_non) {
            // A maker without conventional models ships NEVs only.
            (Some(rn), Some(_)) if spec.other.is_empty() => (units.min(rn), 0),
            (Some(rn), Some(rno)) => {
                let mut n_nev = desired.min(rn);
                let mut n_non = units - n_nev;
                if n_non > rno {
                    n_non = rno;
                    n_nev = (units - n_non).min(rn);
                }
                (n_nev, n_non)
            }
            _ => (desired, units - desired),
        };
        let units = n_nev + n_non;
        if units == 0 {
            break;
        }
        rem -= units;
        if let Some(rn) = rem_nev.as_mut() {
            *rn -= n_nev.min(*rn);
        }
        out.push(Draft {
            make,
            dest: pick_dest(rng, make),
            units: units as u32,
            nev: n_nev as u32,
        });
    }
    out
}

/// A maker by its weight at `f`; only those with conventional models when no NEV
/// may be added, only pure NEV makers when nothing else may.
pub(super) fn pick_make(rng: &mut DemoRng, f: f64, no_nev: bool, only_nev: bool) -> usize {
    let weights: Vec<f64> = MAKES
        .iter()
        .map(|m| {
            let pure = m.other.is_empty();
            let ok = if pure { !no_nev } else { !only_nev };
            if ok {
                m.weight_at(f)
            } else {
                0.0
            }
        })
        .collect();
    rng::weighted(rng, &weights)
}

pub(super) fn pick_dest(rng: &mut DemoRng, make: usize) -> usize {
    let markets = MAKES[make].markets;
    if markets.is_empty() || rng::chance(rng, 0.15) {
        rng::int(rng, 0, crate::names::DESTINATIONS.len() as i64 - 1) as usize
    } else {
        markets[rng::int(rng, 0, markets.len() as i64 - 1) as usize]
    }
}

/// Consignments travel together on one call of about `size` units (never more
/// than 4,000).
fn group(rng: &mut DemoRng, drafts: Vec<Draft>, size: u32) -> Vec<Vec<Draft>> {
    let mut out: Vec<Vec<Draft>> = Vec::new();
    let mut cur: Vec<Draft> = Vec::new();
    let mut sum = 0u32;
    let draw = |rng: &mut DemoRng| (f64::from(size) * rng::uniform(rng, 0.6, 1.0)) as u32;
    let mut target = draw(rng);
    for d in drafts {
        if !cur.is_empty() && (sum + d.units > 4000 || sum >= target || cur.len() >= 4) {
            out.push(std::mem::take(&mut cur));
            sum = 0;
            target = draw(rng);
        }
        sum += d.units;
        cur.push(d);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Gives history calls their vessels, newest first, so that the most recent
/// history never uses the vessels the current yard has alongside or expected
/// (`0..reserved`) and a vessel comes back only after the rest of the fleet.
pub(super) fn assign_vessels(calls: &mut [Call], vessels: usize, reserved: usize) {
    let vessels = vessels.max(1);
    for (j, call) in calls.iter_mut().rev().enumerate() {
        call.vessel = (reserved + j) % vessels;
    }
}

/// Writes the vehicles of one history consignment and queues their events.
pub(super) fn write(
    sink: &mut Sink,
    plan: &Plan,
    yard: &Yard,
    index: usize,
    vins: &mut VinFactory,
    rng: &mut DemoRng,
) -> Result<()> {
    let c = &plan.consignments[index];
    if c.units == 0 {
        return Ok(());
    }
    let Some(call) = plan.calls.get(c.call) else {
        return Ok(());
    };
    let make = c.make();
    let mut nevs: Vec<bool> = (0..c.units).map(|i| i < c.nev).collect();
    rng::shuffle(rng, &mut nevs);
    let weights = |nev: bool| -> Vec<f64> { make.models(nev).iter().map(|m| m.weight).collect() };
    let (w_nev, w_other) = (weights(true), weights(false));
    for (i, &nev) in nevs.iter().enumerate() {
        let jitter = rng::uniform(rng, 0.0, c.load_step * 0.5);
        let loaded = c.load_start + (i as f64 * c.load_step + jitter) as i64;
        let mi = rng::weighted(rng, if nev { &w_nev } else { &w_other });
        let model = &make.models(nev)[mi];
        let long = rng::chance(rng, 0.08);
        let dwell = if long {
            rng::int(rng, 14 * DAY, MAX_DWELL)
        } else {
            rng::skewed(rng, 0.3 * HOUR as f64, 9.0 * DAY as f64, 1.8) as i64
        };
        let gate = c.cutoff - dwell - rng::int(rng, 0, 20 * MINUTE);
        let year = chrono::Datelike::year(&local_date(&plan.tz, gate));
        let code = mi + if nev { 0 } else { 50 };
        let vin = vins.next(c.make, code, year, rng::int(rng, 0, 32) as u8)?;
        let park = gate + rng::int(rng, 8, 45) * MINUTE;
        let stage = (loaded - rng::int(rng, 30 * MINUTE, 5 * HOUR)).max(park + 30 * MINUTE);
        let mut soc = None;
        let mut soc_at = None;
        let events = loaded >= plan.events_since;
        if nev {
            let mut pct = rng::int(rng, 24, 49);
            let first = park + rng::int(rng, 20, 120) * MINUTE;
            soc = Some(pct);
            soc_at = Some(first);
            if events {
                sink.event(first, &vin, Kind::SocCheck, Detail::Soc(pct as u8));
            }
            if stage - first > 72 * HOUR {
                // The safety rules want a reading within 72 hours of loading.
                pct = (pct - rng::int(rng, 0, 2)).max(21);
                let again = stage - rng::int(rng, 2 * HOUR, 48 * HOUR);
                soc = Some(pct);
                soc_at = Some(again);
                if events {
                    sink.event(again, &vin, Kind::SocCheck, Detail::Soc(pct as u8));
                }
            }
        }
        if events {
            let gate_no = rng::int(rng, 1, 6) as u8;
            let truck = rng::int(rng, 0, i64::from(u32::MAX)) as u32;
            sink.event(gate, &vin, Kind::GateIn, Detail::Gate(gate_no, truck));
            let zone = if nev { Zone::Nev } else { Zone::Ice };
            let home = yard.random_place(rng, zone);
            sink.event(park, &vin, Kind::Park, Detail::At(home));
            if stage - park > 12 * HOUR && rng::chance(rng, 0.03) {
                let reason = if rng::chance(rng, 0.6) {
                    HoldReason::Customs
                } else {
                    HoldReason::Documents
                };
                let hold = park + rng::int(rng, HOUR, (stage - park) / 2);
                let release = hold + rng::int(rng, HOUR, (stage - hold) - HOUR);
                let variant = rng::int(rng, 0, 9) as u8;
                sink.event(hold, &vin, Kind::Hold, Detail::Hold(reason, variant, None));
                sink.event(release, &vin, Kind::Release, Detail::Release(reason));
            }
            let staged: Place = yard.random_place(rng, Zone::Staging);
            sink.event(stage, &vin, Kind::Stage, Detail::At(staged));
            sink.event(loaded, &vin, Kind::Load, Detail::Load(c.call as u32));
            sink.event(
                call.etd,
                &vin,
                Kind::Depart,
                Detail::Depart(c.call as u32, c.dest as u8),
            );
        }
        sink.vehicle(&VehicleRow {
            vin: &vin,
            make: make.name,
            model: model.name,
            powertrain: model.powertrain.as_str(),
            soc: soc.map(|p| p as f64),
            soc_at,
            consignment: Some(index as i64 + 1),
            status: "departed",
            hold: None,
            place: None,
            gate_in: Some(gate),
            loaded_at: Some(loaded),
            updated_at: call.etd,
        })?;
    }
    Ok(())
}
