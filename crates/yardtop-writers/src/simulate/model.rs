//! The simulator's picture of the yard: blocks and their taken slots, the calls and
//! consignments still in play, and the vehicles in the yard. It is read from the
//! database at start and re-read now and then; every write re-checks its own
//! preconditions in SQL, so a stale picture only costs a skipped step, never a wrong
//! row (another writer may be at work on the same database).

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use chrono::{DateTime, Utc};

use super::pool::Pool;
use crate::model::{CallStatus, ConsignmentStatus, HoldReason, Powertrain, VehicleStatus, Zone};

/// Blocks bigger than this are only used up to this many slots: a garbage
/// `rows` value must not make the simulator allocate gigabytes.
const MAX_TRACKED_SLOTS: i64 = 200_000;

pub(super) const IN_YARD_SQL: &str = "('gated_in','parked','hold','staged')";

#[derive(Debug)]
pub(super) struct Block {
    pub code: String,
    pub zone: Zone,
    pub rows: i64,
    pub slots_per_row: i64,
    /// rows × slots_per_row.
    pub capacity: i64,
    /// In-yard vehicles that name this block, with or without a readable slot.
    pub count: i64,
    taken: Vec<bool>,
}

impl Block {
    pub(super) fn new(code: String, zone: Zone, rows: i64, slots_per_row: i64) -> Block {
        let capacity = rows.saturating_mul(slots_per_row).max(0);
        Block {
            code,
            zone,
            rows,
            slots_per_row,
            capacity,
            count: 0,
            taken: vec![false; capacity.min(MAX_TRACKED_SLOTS) as usize],
        }
    }

    fn index(&self, row: i64, slot: i64) -> Option<usize> {
        if row < 1 || slot < 1 || row > self.rows || slot > self.slots_per_row {
            return None;
        }
        let i = (row - 1).checked_mul(self.slots_per_row)?.checked_add(slot - 1)?;
        usize::try_from(i).ok().filter(|&i| i < self.taken.len())
    }

    pub(super) fn has_room(&self) -> bool {
        self.count < self.capacity && self.taken.iter().any(|t| !t)
    }

    pub(super) fn free(&self) -> i64 {
        (self.capacity - self.count).max(0)
    }

    /// The first free (row, slot), rows filled in order as yard planners do.
    pub(super) fn first_free(&self) -> Option<(i64, i64)> {
        if self.count >= self.capacity || self.slots_per_row < 1 {
            return None;
        }
        let i = self.taken.iter().position(|t| !t)? as i64;
        Some((i / self.slots_per_row + 1, i % self.slots_per_row + 1))
    }

    pub(super) fn occupy(&mut self, row: Option<i64>, slot: Option<i64>) {
        self.count += 1;
        if let (Some(r), Some(s)) = (row, slot) {
            if let Some(i) = self.index(r, s) {
                self.taken[i] = true;
            }
        }
    }

    fn vacate(&mut self, row: Option<i64>, slot: Option<i64>) {
        self.count = (self.count - 1).max(0);
        if let (Some(r), Some(s)) = (row, slot) {
            if let Some(i) = self.index(r, s) {
                self.taken[i] = false;
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Pos {
    pub block: usize,
    pub row: i64,
    pub slot: i64,
}

#[derive(Debug, Clone)]
pub(super) struct Call {
    pub id: i64,
    pub vessel: String,
    pub voyage: String,
    pub berth: Option<String>,
    pub status: CallStatus,
    pub eta: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub(super) struct Cons {
    pub id: i64,
    pub reference: String,
    pub call: Option<i64>,
    pub brand: String,
    pub planned: i64,
    pub cutoff: Option<DateTime<Utc>>,
    pub status: ConsignmentStatus,
    /// Vehicles that reached the yard (in the yard, loaded or departed).
    pub delivered: i64,
    /// Pre-advised vehicles (status expected) not yet gated in.
    pub expected_left: i64,
    /// Vehicles of it in the yard that the simulator can move.
    pub in_yard: i64,
}

#[derive(Debug, Clone)]
pub(super) struct Veh {
    pub powertrain: Powertrain,
    pub cons: Option<i64>,
    pub status: VehicleStatus,
    pub pos: Option<Pos>,
    pub soc: Option<f64>,
    pub soc_at: Option<DateTime<Utc>>,
    pub hold: Option<HoldReason>,
    pub held_since: Option<Instant>,
}

#[derive(Debug, Default)]
pub(super) struct Model {
    pub blocks: Vec<Block>,
    pub block_index: HashMap<String, usize>,
    pub calls: BTreeMap<i64, Call>,
    pub cons: BTreeMap<i64, Cons>,
    pub vehicles: HashMap<String, Veh>,
    pub gated: Pool,
    pub parked: Pool,
    pub held: Pool,
    pub staged: Pool,
    pub parked_by_cons: HashMap<i64, Pool>,
    pub staged_by_cons: HashMap<i64, Pool>,
    /// Vehicles in the yard the simulator leaves alone (unknown powertrain or
    /// status, unreadable VIN): they still take their slots.
    pub untouchable: i64,
}

impl Model {
    /// Puts a vehicle in the picture: its pools, its slot, its consignment's count.
    pub(super) fn add(&mut self, vin: String, v: Veh) {
        if !v.status.in_yard() {
            return;
        }
        if let Some(p) = v.pos {
            if let Some(b) = self.blocks.get_mut(p.block) {
                b.occupy(Some(p.row), Some(p.slot));
            }
        }
        let cons = v.cons.filter(|c| self.cons.contains_key(c));
        if let Some(c) = cons.and_then(|c| self.cons.get_mut(&c)) {
            c.in_yard += 1;
        }
        match v.status {
            VehicleStatus::GatedIn => self.gated.insert(&vin),
            VehicleStatus::Parked => {
                self.parked.insert(&vin);
                if let Some(c) = cons {
                    self.parked_by_cons.entry(c).or_default().insert(&vin);
                }
            }
            VehicleStatus::Hold => self.held.insert(&vin),
            VehicleStatus::Staged => {
                self.staged.insert(&vin);
                if let Some(c) = cons {
                    self.staged_by_cons.entry(c).or_default().insert(&vin);
                }
            }
            _ => {}
        }
        self.vehicles.insert(vin, v);
    }

    /// Takes a vehicle out of the picture (it left the yard, or is about to be put
    /// back changed).
    pub(super) fn remove(&mut self, vin: &str) -> Option<Veh> {
        let v = self.vehicles.remove(vin)?;
        if let Some(p) = v.pos {
            if let Some(b) = self.blocks.get_mut(p.block) {
                b.vacate(Some(p.row), Some(p.slot));
            }
        }
        if let Some(c) = v.cons.and_then(|c| self.cons.get_mut(&c)) {
            c.in_yard = (c.in_yard - 1).max(0);
        }
        self.gated.remove(vin);
        self.parked.remove(vin);
        self.held.remove(vin);
        self.staged.remove(vin);
        if let Some(c) = v.cons {
            if let Some(p) = self.parked_by_cons.get_mut(&c) {
                p.remove(vin);
            }
            if let Some(p) = self.staged_by_cons.get_mut(&c) {
                p.remove(vin);
            }
        }
        Some(v)
    }

    /// Changes a vehicle in place, keeping pools and slots in step.
    pub(super) fn update(&mut self, vin: &str, change: impl FnOnce(&mut Veh)) {
        if let Some(mut v) = self.remove(vin) {
            change(&mut v);
            self.add(vin.to_string(), v);
        }
    }

    pub(super) fn alongside(&self) -> Vec<i64> {
        self.calls
            .values()
            .filter(|c| c.status == CallStatus::Alongside)
            .map(|c| c.id)
            .collect()
    }

    /// The pending consignments of a call.
    pub(super) fn cons_of(&self, call: i64) -> Vec<i64> {
        self.cons
            .values()
            .filter(|c| c.call == Some(call))
            .map(|c| c.id)
            .collect()
    }

    pub(super) fn staged_for(&self, call: i64) -> usize {
        self.cons_of(call)
            .iter()
            .map(|c| self.staged_by_cons.get(c).map_or(0, |p| p.len()))
            .sum()
    }

    /// Blocks where a vehicle of this powertrain is parked: NEV blocks for NEVs,
    /// ICE blocks for the rest (docs/database.md: never an NEV in an ICE block).
    pub(super) fn park_zone(powertrain: Powertrain) -> Zone {
        if powertrain.is_nev() {
            Zone::Nev
        } else {
            Zone::Ice
        }
    }

    /// Room left in the parking blocks of a zone, less the vehicles waiting at
    /// the gate to go there.
    pub(super) fn zone_room(&self, zone: Zone) -> (i64, i64) {
        let (cap, used) = self
            .blocks
            .iter()
            .filter(|b| b.zone == zone)
            .fold((0, 0), |(c, u), b| (c + b.capacity, u + b.count));
        let waiting = self
            .gated
            .iter()
            .filter_map(|v| self.vehicles.get(v))
            .filter(|v| Self::park_zone(v.powertrain) == zone)
            .count() as i64;
        (cap, used + waiting)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_fill_in_order_and_free_again() {
        let mut b = Block::new("N01".into(), Zone::Nev, 2, 3);
        assert_eq!(b.capacity, 6);
        assert_eq!(b.first_free(), Some((1, 1)));
        b.occupy(Some(1), Some(1));
        b.occupy(Some(1), Some(2));
        assert_eq!(b.first_free(), Some((1, 3)));
        b.occupy(None, None);
        b.occupy(Some(1), Some(3));
        b.occupy(Some(2), Some(1));
        b.occupy(Some(2), Some(2));
        // Six vehicles name the block (one without a slot): it is full although
        // slot 2-3 is not marked.
        assert_eq!(b.first_free(), None);
        assert!(!b.has_room());
        b.vacate(Some(1), Some(2));
        assert_eq!(b.first_free(), Some((1, 2)));
    }

    #[test]
    fn out_of_range_slots_are_counted_not_marked() {
        let mut b = Block::new("I01".into(), Zone::Ice, 1, 2);
        b.occupy(Some(0), Some(0));
        b.occupy(Some(9), Some(9));
        assert_eq!(b.count, 2);
        assert_eq!(b.first_free(), None);
        let huge = Block::new("X".into(), Zone::Ice, i64::MAX, 3);
        assert!(huge.taken.len() as i64 <= MAX_TRACKED_SLOTS);
    }
}
