//! The yard as it is at `now`: vessels alongside loading at about 200 units an
//! hour, vessels expected over the next days with their consignments filling up
//! against the cut-off, and the vehicles parked, held, staged or at the gate,
//! including the cases the dashboard must flag (SoC out of band, stale readings,
//! holds of every reason, long dwellers, late trucks after a cut-off).

use crate::model::{CallStatus, ConsignmentStatus, HoldReason, Powertrain, VehicleStatus, Zone};

use super::blocks::split;
use super::clock::{DAY, HOUR, MINUTE};
use super::history::{pick_dest, pick_make};
use super::plan::{cutoff_before, Call, Consignment, Soc, YardVehicle};
use super::rng::{self, DemoRng};
use crate::names::{BERTHS, MAKES};

pub(super) struct YardPlan {
    pub calls: Vec<Call>,
    pub consignments: Vec<Consignment>,
    /// `cons` indexes into `consignments` (offset when merged into the plan).
    pub vehicles: Vec<YardVehicle>,
}

/// The longest a vehicle now in the yard has been there.
pub(super) const MAX_DWELL: i64 = 50 * DAY;

struct Draft {
    call: usize,
    loading: bool,
    make: usize,
    dest: usize,
    cutoff: i64,
    in_yard: usize,
    loaded: Vec<i64>,
    late: usize,
}

pub(super) fn plan(rng: &mut DemoRng, now: i64, in_yard: usize, consignments: usize) -> YardPlan {
    let consignments = consignments.max(2);
    let alongside = ((consignments as f64 / 8.0).round() as usize).clamp(2, BERTHS.len().min(6));
    let mut calls = Vec::new();
    let mut drafts: Vec<Draft> = Vec::new();
    // Vessels alongside, loading since a few hours.
    let mut loads: Vec<(i64, f64)> = Vec::new();
    for i in 0..alongside {
        if drafts.len() >= consignments {
            break;
        }
        let eta = now - rng::int(rng, 2 * HOUR, 5 * HOUR);
        let load_start = eta + rng::int(rng, 60, 90) * MINUTE;
        loads.push((load_start, 3600.0 / rng::uniform(rng, 190.0, 225.0)));
        let cutoff = cutoff_before(eta, rng);
        let n = rng::int(rng, 1, 2) as usize;
        for _ in 0..n.min(consignments - drafts.len()) {
            drafts.push(draft(rng, calls.len(), true, cutoff));
        }
        calls.push(Call {
            vessel: calls.len(),
            voyage: String::new(),
            berth: Some(BERTHS[i % BERTHS.len()]),
            eta,
            etd: now,
            status: CallStatus::Alongside,
        });
    }
    // Vessels expected over the next nine days or so.
    let mut expected = Vec::new();
    while drafts.len() < consignments {
        let n = (rng::int(rng, 1, 4) as usize).min(consignments - drafts.len());
        expected.push(n);
        for _ in 0..n {
            drafts.push(draft(rng, calls.len() + expected.len() - 1, false, 0));
        }
    }
    let m = expected.len().max(1) as f64;
    for (j, _) in expected.iter().enumerate() {
        let eta = now + 8 * HOUR + ((j as f64 + rng::uniform(rng, 0.1, 0.9)) * 9.0 * DAY as f64 / m) as i64;
        let eta = eta - eta.rem_euclid(30 * MINUTE);
        let cutoff = cutoff_before(eta, rng);
        let index = calls.len();
        for d in drafts.iter_mut().filter(|d| d.call == index) {
            d.cutoff = cutoff;
        }
        calls.push(Call {
            vessel: index,
            voyage: String::new(),
            berth: (j < 2).then(|| BERTHS[(alongside + j) % BERTHS.len()]),
            eta,
            etd: eta + rng::int(rng, 14, 30) * HOUR,
            status: CallStatus::Expected,
        });
    }
    // Most of the yard belongs to these consignments; the rest waits for a booking.
    let assigned = in_yard * 92 / 100;
    let weights: Vec<f64> = drafts.iter().map(|_| rng::uniform(rng, 0.5, 1.5)).collect();
    for (d, n) in drafts.iter_mut().zip(split(assigned, &weights)) {
        d.in_yard = n;
    }
    for (ci, &(start, step)) in loads.iter().enumerate() {
        plan_loads(rng, &mut drafts, ci, start, step, now);
        let left: usize = drafts.iter().filter(|d| d.call == ci).map(|d| d.in_yard).sum();
        calls[ci].etd = now + (left as f64 * step) as i64 + rng::int(rng, 60, 150) * MINUTE;
    }
    if let Some(d) = drafts.iter_mut().find(|d| d.loading) {
        // Three trucks still on the road after the cut-off.
        d.late = 3;
    }
    let mut out = YardPlan {
        calls,
        consignments: Vec::new(),
        vehicles: Vec::new(),
    };
    let nearest_open = drafts
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.loading && d.cutoff > now)
        .min_by_key(|(i, d)| (d.cutoff, *i))
        .map(|(i, _)| i);
    for (i, d) in drafts.iter().enumerate() {
        let planned = consignment_vehicles(rng, &mut out.vehicles, d, i, now, nearest_open == Some(i));
        out.consignments.push(Consignment {
            reference: String::new(),
            call: d.call,
            make: d.make,
            dest: d.dest,
            planned: planned as i64,
            cutoff: d.cutoff,
            status: if d.loading {
                ConsignmentStatus::Loading
            } else {
                ConsignmentStatus::Open
            },
            units: 0,
            nev: 0,
            load_start: 0,
            load_step: 0.0,
        });
    }
    let assigned_now = out.vehicles.iter().filter(|v| v.status.in_yard()).count();
    let unassigned = in_yard.saturating_sub(assigned_now).max(in_yard / 20).max(8);
    for _ in 0..unassigned {
        let v = unassigned_vehicle(rng, now);
        out.vehicles.push(v);
    }
    every_hold_reason(rng, &mut out.vehicles, now);
    out
}

fn draft(rng: &mut DemoRng, call: usize, loading: bool, cutoff: i64) -> Draft {
    let make = pick_make(rng, 1.0, false, false);
    Draft {
        call,
        loading,
        make,
        dest: pick_dest(rng, make),
        cutoff,
        in_yard: 0,
        loaded: Vec::new(),
        late: 0,
    }
}

/// The loads of one call so far: one every `step` seconds since `start`, shared
/// between its consignments as two ramps work them side by side.
fn plan_loads(rng: &mut DemoRng, drafts: &mut [Draft], call: usize, start: i64, step: f64, now: i64) {
    let members: Vec<usize> = (0..drafts.len()).filter(|i| drafts[*i].call == call).collect();
    if members.is_empty() || now - MINUTE <= start {
        return;
    }
    let total = ((now - MINUTE - start) as f64 / step) as usize + 1;
    let weights: Vec<f64> = members.iter().map(|i| drafts[*i].in_yard.max(1) as f64).collect();
    let mut quota = split(total, &weights);
    for k in 0..total {
        let left: Vec<f64> = quota.iter().map(|q| *q as f64).collect();
        let j = rng::weighted(rng, &left);
        if quota[j] == 0 {
            break;
        }
        quota[j] -= 1;
        let at = start + (k as f64 * step + rng::uniform(rng, 0.0, step * 0.4)) as i64;
        drafts[members[j]].loaded.push(at.min(now - 30));
    }
}

/// The share of a consignment delivered to the yard by now, by time to cut-off.
fn delivered_share(rng: &mut DemoRng, to_cutoff: i64) -> f64 {
    match to_cutoff {
        t if t <= 0 => rng::uniform(rng, 0.95, 0.99),
        t if t <= DAY => rng::uniform(rng, 0.88, 0.97),
        t if t <= 3 * DAY => rng::uniform(rng, 0.65, 0.85),
        t if t <= 7 * DAY => rng::uniform(rng, 0.35, 0.6),
        _ => rng::uniform(rng, 0.12, 0.35),
    }
}

fn new_vehicle(rng: &mut DemoRng, make: usize, cons: Option<u32>) -> YardVehicle {
    let spec = &MAKES[make];
    let nev = rng::chance(rng, spec.nev_share_at(1.0));
    let models = spec.models(nev);
    let weights: Vec<f64> = models.iter().map(|m| m.weight).collect();
    let mi = rng::weighted(rng, &weights);
    let powertrain = models[mi].powertrain;
    let code = mi + if powertrain.is_nev() { 0 } else { 50 };
    YardVehicle {
        make: make as u8,
        model: code as u8,
        powertrain,
        cons,
        status: VehicleStatus::Parked,
        hold: None,
        home: home_zone(powertrain),
        zone: Some(home_zone(powertrain)),
        place: None,
        gate_in: None,
        park_at: None,
        hold_at: None,
        stage_at: None,
        loaded_at: None,
        load_call: None,
        soc: Soc::None,
        booked: 0,
    }
}

fn home_zone(p: Powertrain) -> Zone {
    if p.is_nev() {
        Zone::Nev
    } else {
        Zone::Ice
    }
}

/// Arrives at `gate`, parked a few minutes later.
fn arrive(rng: &mut DemoRng, v: &mut YardVehicle, gate: i64, now: i64) {
    v.gate_in = Some(gate);
    // From the gate to a slot takes a driver a few minutes to most of an hour.
    let delay = rng::int(rng, 8 * MINUTE, 45 * MINUTE).min((now - gate) * 9 / 10);
    v.park_at = Some(gate + delay.max(30));
}

fn consignment_vehicles(
    rng: &mut DemoRng,
    out: &mut Vec<YardVehicle>,
    d: &Draft,
    index: usize,
    now: i64,
    nearest_open: bool,
) -> usize {
    let cons = Some(index as u32);
    let to_cutoff = d.cutoff - now;
    let (in_yard, expected) = if d.loading {
        let in_yard = d.in_yard.min(4000usize.saturating_sub(d.loaded.len() + d.late));
        (in_yard, d.late)
    } else {
        let share = delivered_share(rng, to_cutoff);
        let planned = ((d.in_yard as f64 / share).round() as usize).clamp(200, 4000);
        let in_yard = d.in_yard.min((planned as f64 * share).round() as usize);
        (in_yard, planned - in_yard)
    };
    let latest = (now - 20 * MINUTE).min(d.cutoff - 10 * MINUTE);
    let span = (18 * DAY - to_cutoff.max(0)).max(DAY) as f64;
    let gate_time = |rng: &mut DemoRng| latest - rng::skewed(rng, 0.0, span, 1.8) as i64;
    for &at in &d.loaded {
        let mut v = new_vehicle(rng, d.make, cons);
        let gate = gate_time(rng);
        arrive(rng, &mut v, gate, now);
        v.status = VehicleStatus::Loaded;
        v.zone = None;
        v.loaded_at = Some(at);
        v.load_call = Some(d.call as u32);
        v.stage_at =
            Some((at - rng::int(rng, 20 * MINUTE, 4 * HOUR)).max(v.park_at.unwrap_or(gate) + 20 * MINUTE));
        v.soc = nev_soc(rng, &v, now, 0.0, 0.0);
        out.push(v);
    }
    let staged = if d.loading {
        (in_yard as f64 * rng::uniform(rng, 0.25, 0.45)).round() as usize
    } else if d.cutoff - now < 0 {
        (in_yard as f64 * rng::uniform(rng, 0.1, 0.25)).round() as usize
    } else {
        0
    };
    let gated = if to_cutoff > 0 && in_yard >= 50 {
        (in_yard / 150).max(1)
    } else {
        0
    };
    for k in 0..in_yard {
        let mut v = new_vehicle(rng, d.make, cons);
        if k < gated {
            v.gate_in = Some(now - rng::int(rng, MINUTE, 25 * MINUTE));
            v.status = VehicleStatus::GatedIn;
            v.zone = None;
            out.push(v);
            continue;
        }
        let gate = gate_time(rng);
        arrive(rng, &mut v, gate, now);
        let park = v.park_at.unwrap_or(gate);
        if k < gated + staged && park < now - 30 * MINUTE {
            v.status = VehicleStatus::Staged;
            v.zone = Some(Zone::Staging);
            v.stage_at = Some(rng::int(
                rng,
                (park + 20 * MINUTE).max(now - 6 * HOUR),
                now - 2 * MINUTE,
            ));
            // Staged NEVs were checked before staging; a rare one over the limit is
            // the critical case the dashboard exists for.
            v.soc = nev_soc(rng, &v, now, 0.015, 0.0);
        } else {
            if nearest_open && k + 1 == in_yard {
                // A damaged car in the next consignment to close: it is at risk.
                hold(rng, &mut v, HoldReason::Damage, now);
            } else if !d.loading && to_cutoff > DAY && rng::chance(rng, 0.025) {
                let reason = hold_reason(rng, v.powertrain);
                hold(rng, &mut v, reason, now);
            }
            let (over, stale) = if v.hold == Some(HoldReason::Battery) {
                (0.5, 0.0)
            } else {
                (0.05, 0.05)
            };
            v.soc = nev_soc(rng, &v, now, over, stale);
        }
        out.push(v);
    }
    for _ in 0..expected {
        let mut v = new_vehicle(rng, d.make, cons);
        v.status = VehicleStatus::Expected;
        v.zone = None;
        v.booked = (d.cutoff - rng::int(rng, 3 * DAY, 12 * DAY)).min(now - 30 * MINUTE);
        out.push(v);
    }
    d.loaded.len() + in_yard + expected
}

fn unassigned_vehicle(rng: &mut DemoRng, now: i64) -> YardVehicle {
    let make = pick_make(rng, 1.0, false, false);
    let mut v = new_vehicle(rng, make, None);
    let gate = now - rng::skewed(rng, HOUR as f64, MAX_DWELL as f64, 1.3) as i64;
    arrive(rng, &mut v, gate, now);
    if rng::chance(rng, 0.18) {
        let reason = hold_reason(rng, v.powertrain);
        hold(rng, &mut v, reason, now);
    } else if rng::chance(rng, 0.05) {
        // Pre-delivery inspection.
        v.zone = Some(Zone::Inspection);
    }
    let over = if v.hold == Some(HoldReason::Battery) {
        0.5
    } else {
        0.05
    };
    v.soc = nev_soc(rng, &v, now, over, 0.05);
    v
}

fn hold_reason(rng: &mut DemoRng, p: Powertrain) -> HoldReason {
    let reasons = [
        HoldReason::Customs,
        HoldReason::Documents,
        HoldReason::Damage,
        HoldReason::Battery,
        HoldReason::Other,
    ];
    let r = reasons[rng::weighted(rng, &[0.38, 0.25, 0.15, 0.12, 0.10])];
    if r == HoldReason::Battery && !p.is_nev() {
        HoldReason::Damage
    } else {
        r
    }
}

/// Puts a parked vehicle on hold; battery and damage holds move it to quarantine
/// or inspection, half the customs holds to the inspection bay.
fn hold(rng: &mut DemoRng, v: &mut YardVehicle, reason: HoldReason, now: i64) {
    let Some(park) = v.park_at else { return };
    if park > now - 40 * MINUTE {
        return;
    }
    v.status = VehicleStatus::Hold;
    v.hold = Some(reason);
    v.hold_at = Some(rng::int(rng, park + 30 * MINUTE, now - 10 * MINUTE));
    v.zone = Some(match reason {
        HoldReason::Battery => Zone::Quarantine,
        HoldReason::Damage if v.powertrain.is_nev() => Zone::Quarantine,
        HoldReason::Damage => Zone::Inspection,
        HoldReason::Customs if rng::chance(rng, 0.5) => Zone::Inspection,
        _ => v.home,
    });
}

/// The last SoC reading of an NEV: in band mostly; over the limit with
/// probability `over`, under it a little less often; a stale or missing reading
/// now and then.
fn nev_soc(rng: &mut DemoRng, v: &YardVehicle, now: i64, over: f64, stale: f64) -> Soc {
    if !v.powertrain.is_nev() {
        return Soc::None;
    }
    let Some(park) = v.park_at else {
        return Soc::None;
    };
    let staged_or_loaded = v.stage_at.is_some();
    if !staged_or_loaded && rng::chance(rng, 0.04) {
        return Soc::None;
    }
    let pct = match rng::uniform(rng, 0.0, 1.0) {
        x if x < over => rng::int(rng, 51, 74),
        x if !staged_or_loaded && x < over + 0.045 => rng::int(rng, 8, 19),
        _ => rng::int(rng, 24, 49),
    } as f64;
    if park < now - 80 * HOUR && rng::chance(rng, stale) {
        Soc::Stale(pct)
    } else if park > now - 15 * MINUTE {
        Soc::None
    } else {
        Soc::Fresh(pct)
    }
}

/// The demo shows every hold reason at least once.
fn every_hold_reason(rng: &mut DemoRng, vehicles: &mut [YardVehicle], now: i64) {
    for reason in HoldReason::ALL {
        if vehicles.iter().any(|v| v.hold == Some(*reason)) {
            continue;
        }
        let candidate = vehicles.iter().position(|v| {
            v.cons.is_none()
                && v.status == VehicleStatus::Parked
                && v.zone == Some(v.home)
                && v.park_at.is_some_and(|p| p < now - HOUR)
                && (*reason != HoldReason::Battery || v.powertrain.is_nev())
        });
        if let Some(i) = candidate {
            hold(rng, &mut vehicles[i], *reason, now);
        }
    }
}
