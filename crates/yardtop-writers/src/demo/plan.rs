//! What the generator decides before it writes a row: the fleet, the vessel calls,
//! the consignments, the yard's blocks and the vehicles now in the yard. All of it
//! is small (thousands of rows); the vehicles of history are made on the fly from
//! their consignment when they are written.

use chrono_tz::Tz;

use crate::model::{CallStatus, ConsignmentStatus, HoldReason, Powertrain, VehicleStatus, Zone};
use crate::validate::imo_with_check_digit;

use super::clock::{local_date, HOUR};
use super::rng::{self, DemoRng};
use crate::names::{Make, DESTINATIONS, MAKES, VESSELS};

pub(super) struct Vessel {
    pub imo: i64,
    pub name: String,
    pub ceu: i64,
}

pub(super) struct Call {
    pub vessel: usize,
    pub voyage: String,
    pub berth: Option<&'static str>,
    pub eta: i64,
    pub etd: i64,
    pub status: CallStatus,
}

pub(super) struct Consignment {
    pub reference: String,
    pub call: usize,
    pub make: usize,
    pub dest: usize,
    pub planned: i64,
    pub cutoff: i64,
    pub status: ConsignmentStatus,
    /// History only: how many of its vehicles were exported, how many of them NEVs,
    /// and when the first was loaded and how far apart (seconds) the loads were.
    pub units: u32,
    pub nev: u32,
    pub load_start: i64,
    pub load_step: f64,
}

impl Consignment {
    pub(super) fn make(&self) -> &'static Make {
        &MAKES[self.make.min(MAKES.len() - 1)]
    }
}

/// A slot of the yard: block index, row and slot (both from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Place {
    pub block: u32,
    pub row: u16,
    pub slot: u16,
}

pub(super) struct Block {
    pub code: String,
    pub zone: Zone,
    pub rows: u16,
    pub slots: u16,
}

/// The last SoC reading a yard NEV carries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Soc {
    /// Not an NEV, or never checked.
    None,
    /// Read within the last 60 hours.
    Fresh(f64),
    /// Read longer ago than the yard's limit of 72 hours.
    Stale(f64),
}

/// A vehicle of the current yard, as planned.
pub(super) struct YardVehicle {
    pub make: u8,
    pub model: u8,
    pub powertrain: Powertrain,
    /// Index into `Plan::consignments`.
    pub cons: Option<u32>,
    pub status: VehicleStatus,
    pub hold: Option<HoldReason>,
    /// The zone it was parked in on arrival, and the zone it is in now (None: not in
    /// a block, e.g. at the gate, loaded or expected).
    pub home: Zone,
    pub zone: Option<Zone>,
    pub place: Option<Place>,
    pub gate_in: Option<i64>,
    pub park_at: Option<i64>,
    pub hold_at: Option<i64>,
    pub stage_at: Option<i64>,
    pub loaded_at: Option<i64>,
    /// Index into `Plan::calls` of the vessel it was loaded on.
    pub load_call: Option<u32>,
    pub soc: Soc,
    /// Expected vehicles: when the booking was made.
    pub booked: i64,
}

pub(super) struct Plan {
    pub tz: Tz,
    pub now: i64,
    pub vessels: Vec<Vessel>,
    pub calls: Vec<Call>,
    pub consignments: Vec<Consignment>,
    /// The first consignments are history (closed or cancelled); the rest are the
    /// current yard's.
    pub history_consignments: usize,
    pub blocks: Vec<Block>,
    pub yard: Vec<YardVehicle>,
    /// History vehicles loaded before this instant are written without events.
    pub events_since: i64,
}

/// The car carriers calling at the terminal, each with a valid IMO number.
pub(super) fn fleet(rng: &mut DemoRng, count: usize) -> Vec<Vessel> {
    let mut used = std::collections::BTreeSet::new();
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let base = VESSELS[i % VESSELS.len()];
        let name = match i / VESSELS.len() {
            0 => base.to_string(),
            k => format!("{base} {}", roman(k + 1)),
        };
        let imo = loop {
            let candidate = imo_with_check_digit(rng::int(rng, 930_000, 989_999));
            if used.insert(candidate) {
                break candidate;
            }
        };
        let ceu = rng::int(rng, 40, 90) * 100;
        out.push(Vessel { imo, name, ceu });
    }
    out
}

fn roman(n: usize) -> &'static str {
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
        .get(n.saturating_sub(1))
        .copied()
        .unwrap_or("X")
}

/// Gives every call its voyage number: per vessel a running number, then the
/// direction of its first port of discharge (e.g. `047W`). Calls are numbered in
/// the order they happened.
pub(super) fn number_voyages(plan: &mut Plan, rng: &mut DemoRng) {
    let mut next: Vec<i64> = plan.vessels.iter().map(|_| rng::int(rng, 8, 60)).collect();
    let mut bound = vec!['W'; plan.calls.len()];
    for c in plan.consignments.iter().rev() {
        if let (Some(b), Some(d)) = (bound.get_mut(c.call), DESTINATIONS.get(c.dest)) {
            *b = d.bound;
        }
    }
    for (i, call) in plan.calls.iter_mut().enumerate() {
        let n = &mut next[call.vessel];
        call.voyage = format!("{:03}{}", *n % 1000, bound[i]);
        *n += 1;
    }
}

/// Gives every consignment its reference: port, month of its cut-off, maker,
/// port of discharge and a running number, e.g. `XMN2305-MG-BRS-00412`.
pub(super) fn name_consignments(plan: &mut Plan) {
    let tz = plan.tz;
    for (i, c) in plan.consignments.iter_mut().enumerate() {
        let date = local_date(&tz, c.cutoff);
        let dest = DESTINATIONS.get(c.dest).map(|d| &d.locode[2..]).unwrap_or("XXX");
        c.reference = format!(
            "XMN{}-{}-{}-{:05}",
            date.format("%y%m"),
            c.make().code,
            dest,
            i + 1
        );
    }
}

/// Cut-offs are set on the hour, a day or so before the vessel arrives.
pub(super) fn cutoff_before(eta: i64, rng: &mut DemoRng) -> i64 {
    let t = eta - rng::int(rng, 20, 30) * HOUR;
    t - t.rem_euclid(HOUR)
}
