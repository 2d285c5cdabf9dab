//! Writes the demo into SQLite fast: one connection without a journal while the
//! file is being built (nobody else may have it open yet), prepared statements,
//! yardtop's indexes built once at the end instead of row by row, and events
//! written in time order so that `events.id` grows with `events.at` as in a real
//! terminal's log.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::path::Path;

use indicatif::ProgressBar;
use rusqlite::{params, Connection, Statement};

use crate::error::{db_error, Result};
use crate::model::HoldReason;

use super::clock::Stamp;
use super::plan::{Place, Plan};
use super::vin;
use crate::names::{self, DESTINATIONS};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    GateIn,
    Park,
    Move,
    SocCheck,
    Hold,
    Release,
    Stage,
    Load,
    Depart,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::GateIn => "gate_in",
            Kind::Park => "park",
            Kind::Move => "move",
            Kind::SocCheck => "soc_check",
            Kind::Hold => "hold",
            Kind::Release => "release",
            Kind::Stage => "stage",
            Kind::Load => "load",
            Kind::Depart => "depart",
        }
    }
}

/// An event's detail, kept compact until it is written.
#[derive(Debug, Clone, Copy)]
pub(super) enum Detail {
    /// Gate number and the truck's plate (see `names::truck_plate`).
    Gate(u8, u32),
    At(Place),
    To(Place),
    Soc(u8),
    Hold(HoldReason, u8, Option<u8>),
    Release(HoldReason),
    Load(u32),
    Depart(u32, u8),
}

struct Ev {
    at: i64,
    seq: u64,
    vin: [u8; 17],
    kind: Kind,
    detail: Detail,
}

impl PartialEq for Ev {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Ev {}
impl PartialOrd for Ev {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ev {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// One row of `vehicles`.
pub(super) struct VehicleRow<'a> {
    pub vin: &'a [u8; 17],
    pub make: &'static str,
    pub model: &'static str,
    pub powertrain: &'static str,
    pub soc: Option<f64>,
    pub soc_at: Option<i64>,
    pub consignment: Option<i64>,
    pub status: &'static str,
    pub hold: Option<&'static str>,
    pub place: Option<Place>,
    pub gate_in: Option<i64>,
    pub loaded_at: Option<i64>,
    pub updated_at: i64,
}

pub(super) struct Sink<'c> {
    path: &'c Path,
    vehicle: Statement<'c>,
    event: Statement<'c>,
    pending: BinaryHeap<Reverse<Ev>>,
    seq: u64,
    pub vehicles: u64,
    pub events: u64,
    progress: ProgressBar,
    block_codes: Vec<String>,
    call_labels: Vec<String>,
}

impl<'c> Sink<'c> {
    pub(super) fn new(
        conn: &'c Connection,
        path: &'c Path,
        plan: &Plan,
        progress: ProgressBar,
    ) -> Result<Sink<'c>> {
        let vehicle = conn
            .prepare(
                "INSERT INTO vehicles(vin, make, model, powertrain, soc_pct, soc_checked_at, consignment_id, status, hold_reason, block, row, slot, gate_in_at, loaded_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )
            .map_err(|e| db_error(path, &e))?;
        let event = conn
            .prepare("INSERT INTO events(at, vin, kind, detail) VALUES (?1, ?2, ?3, ?4)")
            .map_err(|e| db_error(path, &e))?;
        let call_labels = plan
            .calls
            .iter()
            .map(|c| {
                let vessel = plan.vessels.get(c.vessel).map(|v| v.name.as_str()).unwrap_or("?");
                format!("{vessel} {}", c.voyage)
            })
            .collect();
        Ok(Sink {
            path,
            vehicle,
            event,
            pending: BinaryHeap::new(),
            seq: 0,
            vehicles: 0,
            events: 0,
            progress,
            block_codes: plan.blocks.iter().map(|b| b.code.clone()).collect(),
            call_labels,
        })
    }

    pub(super) fn vehicle(&mut self, v: &VehicleRow) -> Result<()> {
        let text = |t: Option<i64>| t.map(crate::time::fmt_unix);
        let soc_at = text(v.soc_at);
        let gate = text(v.gate_in);
        let loaded = text(v.loaded_at);
        let updated = text(Some(v.updated_at));
        let block = v
            .place
            .and_then(|p| self.block_codes.get(p.block as usize))
            .map(String::as_str);
        self.vehicle
            .execute(params![
                vin::as_str(v.vin),
                v.make,
                v.model,
                v.powertrain,
                v.soc,
                soc_at,
                v.consignment,
                v.status,
                v.hold,
                block,
                v.place.map(|p| p.row),
                v.place.map(|p| p.slot),
                gate,
                loaded,
                updated,
            ])
            .map_err(|e| db_error(self.path, &e))?;
        self.vehicles += 1;
        self.progress.inc(1);
        Ok(())
    }

    /// Queues an event; it is written once no later-generated event can precede it.
    pub(super) fn event(&mut self, at: i64, vin: &[u8; 17], kind: Kind, detail: Detail) {
        self.seq += 1;
        self.pending.push(Reverse(Ev {
            at,
            seq: self.seq,
            vin: *vin,
            kind,
            detail,
        }));
    }

    /// Writes every queued event earlier than `watermark`, oldest first.
    pub(super) fn flush_before(&mut self, watermark: i64) -> Result<()> {
        let mut stamp = Stamp::default();
        while self.pending.peek().is_some_and(|Reverse(e)| e.at < watermark) {
            let Some(Reverse(e)) = self.pending.pop() else {
                break;
            };
            let detail = self.detail(&e.detail);
            self.event
                .execute(params![
                    stamp.fmt(e.at),
                    vin::as_str(&e.vin),
                    e.kind.as_str(),
                    detail
                ])
                .map_err(|err| db_error(self.path, &err))?;
            self.events += 1;
        }
        Ok(())
    }

    fn place(&self, p: &Place) -> String {
        let code = self
            .block_codes
            .get(p.block as usize)
            .map(String::as_str)
            .unwrap_or("?");
        format!("block {code} row {} slot {}", p.row, p.slot)
    }

    fn detail(&self, d: &Detail) -> String {
        match d {
            Detail::Gate(g, truck) => format!("gate {g}, truck {}", names::truck_plate(*truck)),
            Detail::At(p) => self.place(p),
            Detail::To(p) => format!("to {}", self.place(p)),
            Detail::Soc(pct) => format!("SoC {pct}%"),
            Detail::Hold(reason, variant, soc) => {
                names::hold_detail(*reason, *variant as usize, soc.map(f64::from))
            }
            Detail::Release(reason) => names::release_detail(*reason),
            Detail::Load(call) => {
                let label = self
                    .call_labels
                    .get(*call as usize)
                    .map(String::as_str)
                    .unwrap_or("?");
                format!("onto {label}")
            }
            Detail::Depart(call, dest) => {
                let label = self
                    .call_labels
                    .get(*call as usize)
                    .map(String::as_str)
                    .unwrap_or("?");
                let dest = DESTINATIONS.get(*dest as usize).map(|d| d.locode).unwrap_or("?");
                format!("{label} sailed for {dest}")
            }
        }
    }
}
