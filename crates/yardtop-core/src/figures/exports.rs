//! Export counters (docs/database.md): today / month / year / same period last
//! year, the NEV YoY ratio, the record consignment and the 30 daily buckets, all in
//! port time and all as of `now`: a load after `now` has not happened.
//!
//! One pass over every exported row gives them all, read from the rows themselves
//! on every refresh: nothing kept between refreshes can drift from what the
//! terminal's writers did. The per-row work is integer comparisons on a timestamp
//! parsed once; the port day of a row is found by comparing with the 30 days'
//! starts, not by a time-zone conversion per row.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;

use crate::db::queries::{self, ExportRow};
use crate::figures::model::{Count, Daily, Exports, RecordConsignment};
use crate::time::{local_date, Periods};

/// What one pass over exported vehicles gives.
pub struct ExportPass {
    pub exports: Exports,
    /// Vehicles exported in the last 60 minutes, per consignment id.
    pub last_hour: HashMap<i64, u64>,
}

impl ExportPass {
    pub fn set_record(
        &mut self,
        tz: &Tz,
        (reference, brand, destination): (String, String, String),
        units: u64,
        nev: u64,
        last_ms: i64,
    ) {
        let loaded_on = DateTime::from_timestamp_millis(last_ms)
            .map(|t| local_date(tz, t).format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        self.exports.record_consignment = Some(RecordConsignment {
            reference,
            brand,
            destination,
            units,
            nev,
            loaded_on,
        });
    }
}

/// No exports yet: zero counters and 30 empty days.
pub fn empty_pass(tz: &Tz, periods: &Periods) -> ExportPass {
    let days = crate::time::last_30_days(tz, periods.now);
    ExportPass {
        exports: Exports {
            today: Count::default(),
            month: Count::default(),
            year: Count::default(),
            year_prior_same_period: Count::default(),
            nev_yoy_ratio: None,
            record_consignment: None,
            daily: days
                .iter()
                .map(|d| Daily {
                    date: d.format("%Y-%m-%d").to_string(),
                    units: 0,
                    nev: 0,
                })
                .collect(),
        },
        last_hour: HashMap::new(),
    }
}

/// NEVs this year over the same period last year; None when last year had none.
pub fn ratio(e: &Exports) -> Option<f64> {
    (e.year_prior_same_period.nev > 0).then(|| e.year.nev as f64 / e.year_prior_same_period.nev as f64)
}

/// Adds one exported row at `t` (Unix ms) to its port day: `starts` are the 30 port
/// days' first milliseconds, oldest first.
fn add_daily(p: &mut ExportPass, starts: &[i64], t: i64, nev: bool) {
    if starts.first().is_none_or(|first| t < *first) {
        return;
    }
    let idx = starts.partition_point(|s| *s <= t).saturating_sub(1);
    if let Some(d) = p.exports.daily.get_mut(idx) {
        d.units += 1;
        d.nev += nev as u64;
    }
}

/// A consignment's exports: how many, how many NEVs, the last load (Unix ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerConsignment {
    pub units: u64,
    pub nev: u64,
    pub last_ms: i64,
}

impl Default for PerConsignment {
    /// No load yet: any load, even one before 1970, is later.
    fn default() -> PerConsignment {
        PerConsignment {
            units: 0,
            nev: 0,
            last_ms: i64::MIN,
        }
    }
}

impl PerConsignment {
    pub fn add(&mut self, other: PerConsignment) {
        self.units += other.units;
        self.nev += other.nev;
        self.last_ms = self.last_ms.max(other.last_ms);
    }
}

/// Reads every exported row once (through `queries::EXPORTS_ALL`). The dashboard's
/// refresh feeds the same `Counter` from its one pass over `vehicles` instead.
pub fn pass(conn: &Connection, tz: &Tz, periods: &Periods) -> rusqlite::Result<ExportPass> {
    let mut counter = Counter::new(tz, periods);
    queries::for_each_export(conn, |row| counter.add(&row))?;
    counter.finish(conn)
}

struct FirstDates {
    month: NaiveDate,
    year: NaiveDate,
    prior: NaiveDate,
    daily: NaiveDate,
}

/// The export figures, built one exported row (or one past day) at a time.
pub struct Counter {
    tz: Tz,
    now: i64,
    today: i64,
    month: i64,
    year: i64,
    prior: (i64, i64),
    daily_start: i64,
    hour_ago: i64,
    /// The 30 port days' first milliseconds, oldest first.
    starts: Vec<i64>,
    /// The port dates the periods start on: month, year, last year, and the
    /// oldest of the 30 days.
    first_dates: FirstDates,
    p: ExportPass,
    per_consignment: HashMap<i64, PerConsignment>,
}

impl Counter {
    pub fn new(tz: &Tz, periods: &Periods) -> Counter {
        let ms = |t: DateTime<Utc>| t.timestamp_millis();
        let now = ms(periods.now);
        Counter {
            tz: *tz,
            now,
            today: ms(periods.today_start),
            month: ms(periods.month_start),
            year: ms(periods.year_start),
            prior: (ms(periods.prior_year_start), ms(periods.prior_year_end)),
            daily_start: ms(periods.daily_start),
            hour_ago: now - 3_600_000,
            starts: crate::time::last_30_days(tz, periods.now)
                .iter()
                .map(|d| ms(crate::time::day_start(tz, *d)))
                .collect(),
            first_dates: FirstDates {
                month: local_date(tz, periods.month_start),
                year: local_date(tz, periods.year_start),
                prior: local_date(tz, periods.prior_year_start),
                daily: local_date(tz, periods.daily_start),
            },
            p: empty_pass(tz, periods),
            per_consignment: HashMap::new(),
        }
    }

    /// Counts the exports of one whole port day before yesterday (a day that is
    /// over whatever `now` is today): `units` of which `nev` NEVs. The prior
    /// year's period ends on a day `before` which a day counts whole, and from
    /// which the caller counts each load with `add_prior_only`.
    pub fn add_past_day(&mut self, date: NaiveDate, units: u64, nev: u64, before: NaiveDate) {
        let (d, e) = (&self.first_dates, &mut self.p.exports);
        let add = |c: &mut Count| {
            c.units += units;
            c.nev += nev;
        };
        if date >= d.month {
            add(&mut e.month);
        }
        if date >= d.year {
            add(&mut e.year);
        }
        if date >= d.prior && date < before {
            add(&mut e.year_prior_same_period);
        }
        if date >= d.daily {
            let idx = (date - d.daily).num_days();
            if let Some(day) = usize::try_from(idx).ok().and_then(|i| e.daily.get_mut(i)) {
                day.units += units;
                day.nev += nev;
            }
        }
    }

    /// Counts one load for the same period last year only (its day is counted
    /// whole by no one).
    pub fn add_prior_only(&mut self, t: i64, nev: bool) {
        if t >= self.prior.0 && t <= self.prior.1 && t <= self.now {
            self.p.exports.year_prior_same_period.add(nev);
        }
    }

    /// Counts a consignment's loads from before yesterday (all before `now`).
    pub fn add_past_consignment(&mut self, id: i64, c: PerConsignment) {
        self.per_consignment.entry(id).or_default().add(c);
    }

    /// Counts one loaded or departed vehicle, if its load has happened by `now`.
    pub fn add(&mut self, row: &ExportRow) {
        let Some(t) = row.loaded_ms else { return };
        let nev = row.powertrain.is_some_and(|p| p.is_nev());
        self.add_load(t, nev, row.consignment_id.ok().flatten());
    }

    /// Counts one load at `t` (Unix ms), if it has happened by `now`.
    pub fn add_load(&mut self, t: i64, nev: bool, consignment_id: Option<i64>) {
        if t > self.now {
            return;
        }
        let e = &mut self.p.exports;
        if t >= self.today {
            e.today.add(nev);
        }
        if t >= self.month {
            e.month.add(nev);
        }
        if t >= self.year {
            e.year.add(nev);
        }
        if t >= self.prior.0 && t <= self.prior.1 {
            e.year_prior_same_period.add(nev);
        }
        if t >= self.daily_start {
            add_daily(&mut self.p, &self.starts, t, nev);
        }
        if let Some(id) = consignment_id {
            self.per_consignment.entry(id).or_default().add(PerConsignment {
                units: 1,
                nev: nev as u64,
                last_ms: t,
            });
            if t >= self.hour_ago {
                *self.p.last_hour.entry(id).or_default() += 1;
            }
        }
    }

    /// The ratio and the record, once every row is counted.
    pub fn finish(self, conn: &Connection) -> rusqlite::Result<ExportPass> {
        let (tz, mut p) = (self.tz, self.p);
        p.exports.nev_yoy_ratio = ratio(&p.exports);
        // The record: most exported vehicles, ties to the lowest id. Vehicles pointing
        // at no consignment row cannot be named, so such an id is passed over.
        let mut ranked: Vec<(i64, PerConsignment)> = self.per_consignment.into_iter().collect();
        ranked.sort_by(|a, b| b.1.units.cmp(&a.1.units).then(a.0.cmp(&b.0)));
        for (id, c) in ranked {
            if let Some(label) = queries::consignment_label(conn, id)? {
                p.set_record(&tz, label, c.units, c.nev, c.last_ms);
                break;
            }
        }
        Ok(p)
    }
}
