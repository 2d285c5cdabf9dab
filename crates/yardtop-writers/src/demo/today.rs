//! The default story: today's yard at `now` with more than a year of exports
//! behind it, volume and NEV share growing so that the NEV YoY ratio means
//! something (about ×2–4).

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;

use super::blocks::split;
use super::clock::{local_date, local_midnight, month_start, next_month, DAY, HOUR};
use super::history::{Month, Spec};

/// Vehicles in the default demo: a busy terminal's last year and a half.
pub(super) const SMALL: u64 = 80_000;
/// the port scale of docs/benchmarks.md.
pub(super) const PORT: u64 = 1_000_000;

/// How large the current yard is for `total` vehicles: a twentieth of them in the
/// yard, one consignment pending per 400 of those (4 to 40).
pub(super) fn yard_size(total: u64) -> (usize, usize) {
    let in_yard = (total / 20).max((total / 4).min(200)) as usize;
    let consignments = ((in_yard as f64 / 400.0).round() as usize).clamp(4, 40);
    (in_yard, consignments)
}

/// History exports grow by this much from its start to now.
const GROWTH: f64 = 0.8;

pub(super) fn history(now: i64, tz: &Tz, total: u64) -> Spec {
    let today = local_date(tz, now);
    let jan1 = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today);
    // From 1 January last year (the YoY ratio's prior period) and never less than
    // 13 months.
    let t0 = local_midnight(tz, jan1).min(now - 400 * DAY);
    let end = now - 14 * HOUR;
    let mut bounds = vec![t0];
    let mut m = next_month(month_start(local_date(tz, t0)));
    loop {
        let t = local_midnight(tz, m);
        if t >= end {
            break;
        }
        bounds.push(t);
        m = next_month(m);
    }
    bounds.push(end);
    // A sliver of a month at either end joins its neighbour.
    if bounds.len() > 3 && bounds[bounds.len() - 1] - bounds[bounds.len() - 2] < 3 * DAY {
        let last = bounds.len() - 2;
        bounds.remove(last);
    }
    if bounds.len() > 3 && bounds[1] - bounds[0] < 3 * DAY {
        bounds.remove(1);
    }
    let span = (now - t0).max(1) as f64;
    let weights: Vec<f64> = bounds
        .windows(2)
        .map(|w| {
            let f = ((w[0] + w[1]) / 2 - t0) as f64 / span;
            (w[1] - w[0]) as f64 * (1.0 + GROWTH * f)
        })
        .collect();
    let totals = split(total as usize, &weights);
    let months = bounds
        .windows(2)
        .zip(totals)
        .map(|(w, n)| Month {
            start: w[0],
            end: w[1],
            total: n as u64,
            nev: None,
        })
        .collect();
    Spec {
        months,
        specials: Vec::new(),
        cap: 4000,
        t0,
        now,
    }
}
