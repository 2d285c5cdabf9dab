//! Export counters from the summary tables (see `db::summary`): whole quarter hours
//! come from `yt_export_buckets`, the ragged edges of each window (now, the same
//! time last year, a midnight that is not on a quarter hour) from the rows
//! themselves through the `loaded_at` index. Gives exactly what `exports::pass`
//! gives, at a cost that does not grow with history.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;

use crate::db::queries::{self, ExportRow};
use crate::db::summary::BUCKET_S;
use crate::figures::exports::{self, ExportPass};
use crate::figures::model::Count;
use crate::time::{local_date, Periods};

const B: i64 = BUCKET_S * 1000;

/// Counts for one window `[from, to]` in milliseconds.
struct Windows<'c> {
    conn: &'c Connection,
    raw: HashMap<(i64, i64), Vec<ExportRow>>,
}

impl Windows<'_> {
    /// The exported rows of `[from, to]`: filtered from a range already read when one
    /// covers it (the last hour covers every window's edge at `now`), else read.
    fn raw(&mut self, from: i64, to: i64) -> rusqlite::Result<Vec<ExportRow>> {
        if from > to {
            return Ok(Vec::new());
        }
        let covering = self.raw.iter().find(|((a, b), _)| *a <= from && to <= *b);
        if let Some((_, rows)) = covering {
            return Ok(rows
                .iter()
                .filter(|r| r.loaded_ms.is_some_and(|t| t >= from && t <= to))
                .cloned()
                .collect());
        }
        let rows = queries::exports_between(self.conn, from, to)?;
        self.raw.insert((from, to), rows.clone());
        Ok(rows)
    }

    fn count(&mut self, from: i64, to: i64) -> rusqlite::Result<Count> {
        let (k_lo, k_hi) = (
            from.div_euclid(B) + (from.rem_euclid(B) != 0) as i64,
            (to + 1).div_euclid(B),
        );
        let mut c = Count::default();
        let mut add_raw = |w: &mut Self, a: i64, b: i64| -> rusqlite::Result<()> {
            for r in w.raw(a, b)? {
                c.add(r.powertrain.is_some_and(|p| p.is_nev()));
            }
            Ok(())
        };
        if k_lo < k_hi {
            let (units, nev) = queries::bucket_sum(self.conn, k_lo, k_hi)?;
            add_raw(self, from, k_lo * B - 1)?;
            add_raw(self, k_hi * B, to)?;
            c.units += units;
            c.nev += nev;
        } else {
            add_raw(self, from, to)?;
        }
        Ok(c)
    }
}

/// The export figures from the summaries, or None when they cannot answer as of
/// `now` (loads recorded after `now`, as when the clock is frozen in the past): the
/// caller then reads the rows themselves.
pub fn pass(conn: &Connection, tz: &Tz, periods: &Periods) -> rusqlite::Result<Option<ExportPass>> {
    let ms = |t: DateTime<Utc>| t.timestamp_millis();
    let now = ms(periods.now);
    let k_now = now.div_euclid(B);
    if queries::last_bucket(conn)?.is_some_and(|k| k > k_now) {
        return Ok(None);
    }
    let mut w = Windows {
        conn,
        raw: HashMap::new(),
    };
    // Everything from an hour ago on, read once: the loading rates, every window's
    // edge at `now`, and any load later than `now` (which the summaries' per-consignment
    // counts would include: then read the rows instead).
    let tail = w.raw((now - 3_600_000).min(k_now * B), i64::MAX / 4)?;
    if tail.iter().any(|r| r.loaded_ms.is_some_and(|t| t > now)) {
        return Ok(None);
    }

    let mut p = exports::empty_pass(tz, periods);
    p.exports.today = w.count(ms(periods.today_start), now)?;
    p.exports.month = w.count(ms(periods.month_start), now)?;
    p.exports.year = w.count(ms(periods.year_start), now)?;
    p.exports.year_prior_same_period = w.count(ms(periods.prior_year_start), ms(periods.prior_year_end))?;

    // Daily buckets: quarter hours map to port days when every midnight of the
    // window falls on a quarter hour (true of every zone's current offsets).
    let days = crate::time::last_30_days(tz, periods.now);
    let aligned = days
        .iter()
        .all(|d| ms(crate::time::day_start(tz, *d)).rem_euclid(B) == 0);
    let first = ms(periods.daily_start);
    if aligned {
        if let Some(first_day) = days.first().copied() {
            for (bucket, units, nev) in queries::buckets(conn, first.div_euclid(B), k_now)? {
                let Some(at) = DateTime::from_timestamp_millis(bucket * B) else {
                    continue;
                };
                let idx = (local_date(tz, at) - first_day).num_days();
                if let Some(d) = usize::try_from(idx).ok().and_then(|i| p.exports.daily.get_mut(i)) {
                    d.units += units;
                    d.nev += nev;
                }
            }
        }
        for r in w.raw(k_now * B, now)?.to_vec() {
            exports::add_daily(&mut p, tz, &days, &r);
        }
    } else {
        for r in w.raw(first, now)?.to_vec() {
            exports::add_daily(&mut p, tz, &days, &r);
        }
    }

    for r in w.raw(now - 3_600_000, now)? {
        if let Ok(Some(id)) = r.consignment_id {
            *p.last_hour.entry(id).or_default() += 1;
        }
    }

    p.exports.nev_yoy_ratio = exports::ratio(&p.exports);
    // The record: the leader in the summary that names a consignment. Should the
    // first leaders all point at missing consignments, read the rows instead.
    let leaders = queries::export_leaders(conn, 50)?;
    let n = leaders.len();
    for (id, units, nev) in leaders {
        if let Some(label) = queries::consignment_label(conn, id)? {
            let last = queries::last_load_ms(conn, id)?.unwrap_or(0);
            p.set_record(tz, label, units, nev, last);
            return Ok(Some(p));
        }
    }
    Ok(if n == 50 { None } else { Some(p) })
}
