//! Time as the generator sees it: whole seconds since the Unix epoch (`i64`), so
//! that millions of timestamps cost no allocation, written by the core's one
//! formatter.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;

pub(super) const MINUTE: i64 = 60;
pub(super) const HOUR: i64 = 3600;
pub(super) const DAY: i64 = 86_400;

/// yardtop's one timestamp writer (`yardtop_core::time`), reused for the millions a
/// demo writes.
pub(super) use crate::time::UtcStamp as Stamp;

pub(super) fn fmt(t: i64) -> String {
    crate::time::fmt_unix(t)
}

/// The instant of port-local midnight starting `date`.
pub(super) fn local_midnight(tz: &Tz, date: NaiveDate) -> i64 {
    crate::time::day_start(tz, date).timestamp()
}

/// The port-local date of an instant.
pub(super) fn local_date(tz: &Tz, t: i64) -> NaiveDate {
    let utc = DateTime::<Utc>::from_timestamp(t, 0).unwrap_or_default();
    crate::time::local_date(tz, utc)
}

/// The first day of the month after `date`'s.
pub(super) fn next_month(date: NaiveDate) -> NaiveDate {
    let (y, m) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(date)
}

pub(super) fn month_start(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_chrono_formatting() {
        let mut s = Stamp::default();
        let mut t = -2_208_988_800; // 1900-01-01
        while t < 4_102_444_800 {
            let want = DateTime::<Utc>::from_timestamp(t, 0)
                .unwrap()
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string();
            assert_eq!(s.fmt(t), want);
            t += 86_399 * 7 + 3_601;
        }
        assert_eq!(fmt(951_782_400), "2000-02-29T00:00:00Z");
        // Beyond year 9999: never clamped into a wrong date.
        assert_eq!(fmt(253_402_300_800), "+10000-01-01T00:00:00Z");
    }
}
