//! Time as the generator sees it: whole seconds since the Unix epoch (`i64`), so
//! that millions of timestamps cost no allocation, written as UTC RFC 3339 with `Z`
//! exactly as `crate::time::fmt_utc` would.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;

pub const MINUTE: i64 = 60;
pub const HOUR: i64 = 3600;
pub const DAY: i64 = 86_400;

/// `YYYY-MM-DDTHH:MM:SSZ` into a fixed buffer (the civil-from-days algorithm of
/// Howard Hinnant, valid for every proleptic Gregorian date).
pub fn fmt_into(t: i64, out: &mut [u8; 20]) {
    let days = t.div_euclid(DAY);
    let secs = t.rem_euclid(DAY);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let year = year.clamp(0, 9999);
    put(&mut out[0..4], year, 4);
    out[4] = b'-';
    put(&mut out[5..7], month, 2);
    out[7] = b'-';
    put(&mut out[8..10], day, 2);
    out[10] = b'T';
    put(&mut out[11..13], secs / HOUR, 2);
    out[13] = b':';
    put(&mut out[14..16], secs % HOUR / MINUTE, 2);
    out[16] = b':';
    put(&mut out[17..19], secs % MINUTE, 2);
    out[19] = b'Z';
}

fn put(out: &mut [u8], mut v: i64, width: usize) {
    for i in (0..width).rev() {
        out[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

/// A reusable formatter: the returned text lives until the next call.
#[derive(Default)]
pub struct Stamp {
    buf: [u8; 20],
}

impl Stamp {
    pub fn fmt(&mut self, t: i64) -> &str {
        fmt_into(t, &mut self.buf);
        // Only ASCII digits and separators were written.
        std::str::from_utf8(&self.buf).unwrap_or("1970-01-01T00:00:00Z")
    }
}

pub fn fmt(t: i64) -> String {
    Stamp::default().fmt(t).to_string()
}

/// The instant of port-local midnight starting `date`.
pub fn local_midnight(tz: &Tz, date: NaiveDate) -> i64 {
    crate::time::day_start(tz, date).timestamp()
}

/// The port-local date of an instant.
pub fn local_date(tz: &Tz, t: i64) -> NaiveDate {
    let utc = DateTime::<Utc>::from_timestamp(t, 0).unwrap_or_default();
    crate::time::local_date(tz, utc)
}

/// The first day of the month after `date`'s.
pub fn next_month(date: NaiveDate) -> NaiveDate {
    let (y, m) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(date)
}

pub fn month_start(date: NaiveDate) -> NaiveDate {
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
            let want = crate::time::fmt_utc(DateTime::<Utc>::from_timestamp(t, 0).unwrap());
            assert_eq!(s.fmt(t), want);
            t += 86_399 * 7 + 3_601;
        }
        assert_eq!(fmt(951_782_400), "2000-02-29T00:00:00Z");
    }
}
