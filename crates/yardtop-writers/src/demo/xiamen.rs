//! `--story xiamen-2023`: the story yardtop was born from. At its frozen now
//! (2023-05-31 23:00 port time) Xiamen has exported over 43,000 NEVs in 2023, about
//! five times the same period of 2022, and its record consignment is 3,061 MG
//! vehicles for Bristol, 1,722 of them NEVs, loaded on 2023-05-28.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use super::clock::{local_midnight, DAY, HOUR};
use super::history::{Month, Spec, Special};
use crate::names::{BRISTOL, MG};

/// 2023-05-31 23:00 in Xiamen.
pub(super) const NOW: i64 = 1_685_545_200;

pub(super) fn default_now() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(NOW, 0).unwrap_or_default()
}

pub const RECORD_UNITS: u32 = 3061;
pub const RECORD_NEV: u32 = 1722;
/// No other consignment comes near the record.
pub(super) const CAP: u32 = 2800;

/// NEVs exported per month, January 2022 to May 2023 (the record's included).
/// January to May 2022 make 8,800; January to May 2023 make 43,300, before the
/// loads still going on at the story's now.
const NEV: [u64; 17] = [
    1450, 1350, 1700, 2000, 2300, 2700, 3100, 3600, 4100, 4400, 5200, 6100, 7200, 7400, 8900, 9500, 10_300,
];

/// The NEV share of exports grew from 30% to 60% over those months.
fn share(i: usize) -> f64 {
    0.30 + 0.30 * i as f64 / (NEV.len() - 1) as f64
}

/// The yard of the story: 4,000 vehicles and ten consignments pending.
pub(super) const IN_YARD: usize = 4000;
pub(super) const CONSIGNMENTS: usize = 10;

pub(super) fn history(now: i64, tz: &Tz) -> Spec {
    let end = now - 14 * HOUR;
    let mut months = Vec::new();
    let mut first = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default();
    for (i, nev) in NEV.iter().enumerate() {
        let next = super::clock::next_month(first);
        let start = local_midnight(tz, first);
        let stop = local_midnight(tz, next).min(end);
        if stop - start < 5 * DAY {
            // A --now inside the story: its history stops there.
            break;
        }
        let partial = (stop - start) as f64 / (local_midnight(tz, next) - start) as f64;
        let nev = (*nev as f64 * partial).round() as u64;
        months.push(Month {
            start,
            end: stop,
            total: (nev as f64 / share(i)).round() as u64,
            nev: Some(nev),
        });
        first = next;
    }
    let at = |h: u32, m: u32| {
        let day = NaiveDate::from_ymd_opt(2023, 5, 28).unwrap_or_default();
        let time = NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
        crate::time::local_to_utc(tz, day.and_time(time)).timestamp()
    };
    let record = Special {
        make: MG,
        dest: BRISTOL,
        units: RECORD_UNITS,
        nev: RECORD_NEV,
        eta: at(4, 30),
        load_start: at(6, 0),
        load_end: at(21, 30),
    };
    let specials = if record.load_end < end {
        vec![record]
    } else {
        Vec::new()
    };
    Spec {
        months,
        specials,
        cap: CAP,
        t0: local_midnight(tz, NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default()),
        now,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn frozen_now_is_23h_in_xiamen() {
        assert_eq!(crate::time::fmt_utc(super::default_now()), "2023-05-31T15:00:00Z");
        let jan_may_2022: u64 = super::NEV[..5].iter().sum();
        let jan_may_2023: u64 = super::NEV[12..].iter().sum();
        assert_eq!(jan_may_2022, 8800);
        assert_eq!(jan_may_2023, 43_300);
    }
}
