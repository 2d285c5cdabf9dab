//! What a stretch of `vehicles` contributes to the figures, read once and kept in
//! memory (docs/architecture.md, "What the reader keeps"): its data-quality
//! problems, the vehicles it has in the yard, each consignment's vehicles by
//! status, and its exports. The rows are split by rowid into chunks of
//! `CHUNK_ROWIDS`; a writer's change is read again by re-reading the chunks it
//! touched, never history as a whole.
//!
//! Exports are kept as counts where no `now` of the same port day can cut them:
//! per port day and per consignment for loads before yesterday, one by one for
//! loads from yesterday on (today's counters, the last hour, loads still to come),
//! and one by one around the same date last year, where the prior year's period
//! ends at the time of day of `now`. What is kept per chunk grows with the days and
//! consignments it spans, not with its rows; the yard's own vehicles are kept
//! whole, and they are the yard, not history.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::types::ValueRef;

use crate::db::quality_vehicles::{self as cols, Tally, COLUMNS};
use crate::db::queries::{self, YardValues, YardVehicle};
use crate::figures::exports::{Counter, PerConsignment};
use crate::model::{HoldReason, Powertrain, VehicleStatus};
use crate::time::{day_start, local_date, Periods};

/// Rowids a chunk spans (a power of two: a chunk is a rowid shifted right).
pub const CHUNK_BITS: u32 = 13;
pub const CHUNK_ROWIDS: i64 = 1 << CHUNK_BITS;

/// The chunk of a rowid.
pub fn chunk_of(rowid: i64) -> i64 {
    rowid >> CHUNK_BITS
}

/// The rowids of chunks `first..=last`, inclusive.
pub fn rowids_of(first: i64, last: i64) -> (i64, i64) {
    (first << CHUNK_BITS, (last << CHUNK_BITS) | (CHUNK_ROWIDS - 1))
}

/// The port day the kept exports are split for: valid while `now` is on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Epoch {
    pub tz: Tz,
    pub today: NaiveDate,
    /// The start of yesterday, Unix ms: loads from here on are kept one by one.
    pub recent_from: i64,
    /// The days around the same date last year, [first, last], and their span in
    /// Unix ms, [start, end): loads in it are kept one by one as well.
    pub anniversary_days: (NaiveDate, NaiveDate),
    pub anniversary: (i64, i64),
}

impl Epoch {
    pub fn new(tz: &Tz, periods: &Periods) -> Epoch {
        let today = local_date(tz, periods.now);
        let yesterday = today.pred_opt().unwrap_or(today);
        let a = local_date(tz, periods.prior_year_end);
        let first = a.pred_opt().unwrap_or(a);
        let last = a.succ_opt().unwrap_or(a);
        let end = last.succ_opt().map(|d| ms(day_start(tz, d))).unwrap_or(i64::MAX);
        Epoch {
            tz: *tz,
            today,
            recent_from: ms(day_start(tz, yesterday)),
            anniversary_days: (first, last),
            anniversary: (ms(day_start(tz, first)), end),
        }
    }

    /// Whether exports kept for this epoch give exact figures for `periods`.
    pub fn serves(&self, tz: &Tz, periods: &Periods) -> bool {
        let now = ms(periods.now);
        let prior_end = ms(periods.prior_year_end);
        self.tz == *tz
            && local_date(tz, periods.now) == self.today
            && now.saturating_sub(3_600_000) >= self.recent_from
            && ms(periods.today_start) >= self.recent_from
            && (self.anniversary.0..self.anniversary.1).contains(&prior_end)
    }
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// A vehicle in the yard, kept: `YardVehicle` owning its texts.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptVehicle {
    vin: String,
    powertrain: Option<Powertrain>,
    status: VehicleStatus,
    hold_reason: Option<HoldReason>,
    soc_pct: Result<Option<f64>, ()>,
    soc_checked_ms: Result<Option<i64>, ()>,
    block: Option<String>,
    gate_in_ms: Result<Option<i64>, ()>,
    bad_utf8: bool,
    rowid: i64,
}

impl KeptVehicle {
    fn keep(v: YardVehicle<'_>) -> KeptVehicle {
        KeptVehicle {
            vin: v.vin.into_owned(),
            powertrain: v.powertrain,
            status: v.status,
            hold_reason: v.hold_reason,
            soc_pct: v.soc_pct,
            soc_checked_ms: v.soc_checked_ms,
            block: v.block.map(str::to_string),
            gate_in_ms: v.gate_in_ms,
            bad_utf8: v.bad_utf8,
            rowid: v.rowid,
        }
    }

    pub fn view(&self) -> YardVehicle<'_> {
        YardVehicle {
            vin: std::borrow::Cow::Borrowed(&self.vin),
            powertrain: self.powertrain,
            status: self.status,
            hold_reason: self.hold_reason,
            soc_pct: self.soc_pct,
            soc_checked_ms: self.soc_checked_ms,
            block: self.block.as_deref(),
            gate_in_ms: self.gate_in_ms,
            bad_utf8: self.bad_utf8,
            rowid: self.rowid,
        }
    }
}

/// A load kept one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Load {
    at: i64,
    nev: bool,
    consignment: Option<i64>,
}

/// What one chunk of `vehicles` contributes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chunk {
    pub quality: Tally,
    pub yard: Vec<KeptVehicle>,
    /// Per consignment id, its vehicles per status (in `VehicleStatus::ALL` order).
    pub by_consignment: HashMap<i64, [u64; 7]>,
    /// Loads before yesterday per port day: (units, NEVs).
    days: HashMap<NaiveDate, (u64, u64)>,
    /// Loads before yesterday per consignment.
    past: HashMap<i64, PerConsignment>,
    /// Loads from yesterday on.
    recent: Vec<Load>,
    /// Loads around the same date last year.
    anniversary: Vec<(i64, bool)>,
}

/// The port day of an instant, remembering the last day found: rows written
/// together are loaded together, so most rows fall on the day before them.
pub struct DayFinder {
    tz: Tz,
    day: Option<(i64, i64, NaiveDate)>,
}

impl DayFinder {
    pub fn new(tz: &Tz) -> DayFinder {
        DayFinder { tz: *tz, day: None }
    }

    fn date(&mut self, t: i64) -> Option<NaiveDate> {
        if let Some((start, end, d)) = self.day {
            if (start..end).contains(&t) {
                return Some(d);
            }
        }
        let d = local_date(&self.tz, DateTime::from_timestamp_millis(t)?);
        let start = ms(day_start(&self.tz, d));
        let end = d
            .succ_opt()
            .map(|n| ms(day_start(&self.tz, n)))
            .unwrap_or(i64::MAX);
        self.day = Some((start, end, d));
        Some(d)
    }
}

/// An id as SQL compares it with an integer: an INTEGER, or a whole REAL.
fn id_of(v: ValueRef<'_>) -> Option<i64> {
    match v {
        ValueRef::Integer(i) => Some(i),
        ValueRef::Real(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
        _ => None,
    }
}

impl Chunk {
    /// Adds one row (its values at `quality_vehicles`' positions).
    pub fn add_row(&mut self, v: &[ValueRef<'_>; COLUMNS], rowid: i64, epoch: &Epoch, days: &mut DayFinder) {
        self.quality.add_row(v);
        let status = crate::db::value::enum_text_of(v[cols::STATUS])
            .ok()
            .flatten()
            .and_then(VehicleStatus::parse);
        if let (Some(id), Some(s)) = (id_of(v[cols::CONSIGNMENT_ID]), status) {
            let i = VehicleStatus::ALL.iter().position(|x| *x == s).unwrap_or(0);
            self.by_consignment.entry(id).or_default()[i] += 1;
        }
        let yard = YardValues {
            vin: v[cols::VIN],
            powertrain: v[cols::POWERTRAIN],
            status: v[cols::STATUS],
            hold_reason: v[cols::HOLD_REASON],
            soc_pct: v[cols::SOC_PCT],
            soc_checked_at: v[cols::SOC_CHECKED_AT],
            block: v[cols::BLOCK],
            gate_in_at: v[cols::GATE_IN_AT],
        };
        if let Some(y) = YardVehicle::of(yard, rowid) {
            self.yard.push(KeptVehicle::keep(y));
        }
        let export = queries::export_of(
            v[cols::STATUS],
            v[cols::LOADED_AT],
            v[cols::POWERTRAIN],
            v[cols::CONSIGNMENT_ID],
        );
        let Some((at, e)) = export.and_then(|e| Some((e.loaded_ms?, e))) else {
            return;
        };
        let nev = e.powertrain.is_some_and(|p| p.is_nev());
        let consignment = e.consignment_id.ok().flatten();
        if at >= epoch.recent_from {
            self.recent.push(Load { at, nev, consignment });
            return;
        }
        if let Some(d) = days.date(at) {
            let day = self.days.entry(d).or_default();
            day.0 += 1;
            day.1 += nev as u64;
        }
        if let Some(id) = consignment {
            self.past.entry(id).or_default().add(PerConsignment {
                units: 1,
                nev: nev as u64,
                last_ms: at,
            });
        }
        if (epoch.anniversary.0..epoch.anniversary.1).contains(&at) {
            self.anniversary.push((at, nev));
        }
    }

    /// Hands this chunk's exports to `counter`.
    pub fn count_exports(&self, counter: &mut Counter, epoch: &Epoch) {
        for (date, (units, nev)) in &self.days {
            counter.add_past_day(*date, *units, *nev, epoch.anniversary_days.0);
        }
        for (at, nev) in &self.anniversary {
            counter.add_prior_only(*at, *nev);
        }
        for (id, c) in &self.past {
            counter.add_past_consignment(*id, *c);
        }
        for l in &self.recent {
            counter.add_load(l.at, l.nev, l.consignment);
        }
    }
}
