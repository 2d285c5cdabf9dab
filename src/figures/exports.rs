//! Export counters (SPEC §3): today / month / year / same period last year, the NEV
//! YoY ratio, the record consignment and the 30 daily buckets, all in port time.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;

use crate::db::queries::{self, ExportRow};
use crate::figures::model::{Count, Daily, Exports, RecordConsignment};
use crate::time::{local_date, Periods};

/// What one pass over exported vehicles gives, before names are looked up.
pub struct ExportPass {
    pub exports: Exports,
    /// Vehicles exported in the last 60 minutes, per consignment id.
    pub last_hour: HashMap<i64, u64>,
    /// Exported vehicles per consignment id, for the record.
    per_consignment: HashMap<i64, PerConsignment>,
    /// Loaded or departed vehicles whose `loaded_at` could not be read.
    pub unreadable: u64,
}

#[derive(Default, Clone, Copy)]
struct PerConsignment {
    units: u64,
    nev: u64,
    last_ms: i64,
}

pub fn pass(conn: &Connection, tz: &Tz, periods: &Periods) -> rusqlite::Result<ExportPass> {
    let ms = |t: DateTime<Utc>| t.timestamp_millis();
    let now = ms(periods.now);
    let (today, month, year) = (
        ms(periods.today_start),
        ms(periods.month_start),
        ms(periods.year_start),
    );
    let (prior_start, prior_end) = (ms(periods.prior_year_start), ms(periods.prior_year_end));
    let daily_start = ms(periods.daily_start);
    let hour_ago = now - 3_600_000;
    let days = crate::time::last_30_days(tz, periods.now);

    let mut e = Exports {
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
    };
    let mut per_consignment: HashMap<i64, PerConsignment> = HashMap::new();
    let mut last_hour: HashMap<i64, u64> = HashMap::new();
    let mut unreadable = 0;
    let first_day = days.first().copied();

    queries::for_each_export(conn, |row: ExportRow| {
        let Some(t) = row.loaded_ms else {
            unreadable += 1;
            return;
        };
        if t > now {
            return;
        }
        let nev = row.powertrain.is_some_and(|p| p.is_nev());
        let within = |start: i64| t >= start;
        if within(today) {
            e.today.add(nev);
        }
        if within(month) {
            e.month.add(nev);
        }
        if within(year) {
            e.year.add(nev);
        }
        if t >= prior_start && t <= prior_end {
            e.year_prior_same_period.add(nev);
        }
        if within(daily_start) {
            if let (Some(first), Some(at)) = (first_day, DateTime::from_timestamp_millis(t)) {
                let idx = (local_date(tz, at) - first).num_days();
                if let Some(d) = usize::try_from(idx).ok().and_then(|i| e.daily.get_mut(i)) {
                    d.units += 1;
                    d.nev += nev as u64;
                }
            }
        }
        if let Ok(Some(id)) = row.consignment_id {
            let c = per_consignment.entry(id).or_default();
            c.units += 1;
            c.nev += nev as u64;
            c.last_ms = c.last_ms.max(t);
            if t >= hour_ago {
                *last_hour.entry(id).or_default() += 1;
            }
        }
    })?;

    e.nev_yoy_ratio =
        (e.year_prior_same_period.nev > 0).then(|| e.year.nev as f64 / e.year_prior_same_period.nev as f64);
    Ok(ExportPass {
        exports: e,
        last_hour,
        per_consignment,
        unreadable,
    })
}

impl ExportPass {
    /// Names the record consignment: the most exported vehicles, ties to the lowest
    /// id. Vehicles pointing at no consignment row cannot be named, so such an id is
    /// passed over for the next.
    pub fn resolve_record(&mut self, conn: &Connection, tz: &Tz) -> rusqlite::Result<()> {
        let mut ranked: Vec<(i64, PerConsignment)> =
            self.per_consignment.iter().map(|(k, v)| (*k, *v)).collect();
        ranked.sort_by(|a, b| b.1.units.cmp(&a.1.units).then(a.0.cmp(&b.0)));
        for (id, c) in ranked {
            if let Some(reference) = queries::consignment_ref(conn, id)? {
                let loaded_on = DateTime::from_timestamp_millis(c.last_ms)
                    .map(|t| local_date(tz, t).format("%Y-%m-%d").to_string())
                    .unwrap_or_default();
                self.exports.record_consignment = Some(RecordConsignment {
                    reference,
                    units: c.units,
                    nev: c.nev,
                    loaded_on,
                });
                break;
            }
        }
        Ok(())
    }
}
