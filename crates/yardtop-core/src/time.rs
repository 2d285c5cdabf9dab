//! Timestamps and port periods. The yard's calendar (day, month, year) is the port's
//! `timezone` setting, never the server's or the SSH user's (docs/database.md).

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::{Result, UserError};

/// Parses an RFC 3339 timestamp: `YYYY-MM-DDTHH:MM:SS`, optional fraction of 1 to 9
/// digits, then `Z` or an offset `+HH:MM` (at most 14 hours, as SQLite's own date
/// functions accept). A space may stand for the `T`, as RFC 3339 allows.
///
/// The grammar is deliberately exact and identical to what SQLite's date functions
/// accept, so that a figure computed in SQL and one computed here can never disagree
/// about which rows are readable. Anything else — SQLite's `2026-11-26 09:00:00`
/// without a zone, a date alone, a Unix number, hour 24, a leap second — is
/// unreadable: a clock time without a zone would be a guess.
pub fn parse_ts(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() < 20 || b.len() > 35 {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        let part = b.get(from..to)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(part.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let sep = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"T ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b[i] == b'.' {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        nanos = num(i + 1, i + 1 + digits)? * 10u32.pow(9 - digits as u32);
        i += 1 + digits;
    }
    let offset_s: i64 = match &b[i..] {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (oh, om) = (num(i + 1, i + 3)?, num(i + 4, i + 6)?);
            if oh > 14 || om > 59 {
                return None;
            }
            let s = i64::from(oh * 3600 + om * 60);
            if *sign == b'-' {
                -s
            } else {
                s
            }
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let utc = date.and_time(time) - Duration::seconds(offset_s);
    // SQLite's date functions end at 9999-12-31T23:59:59.999Z; so does yardtop,
    // which also starts at 0000-01-01T00:00:00Z (`ts_valid` holds the same bounds)
    // (`fmt_utc` could not write a later instant in RFC 3339's four-digit years).
    if utc.year() > 9999 || utc.year() < 0 {
        return None;
    }
    Some(Utc.from_utc_datetime(&utc))
}

/// The form writers use: UTC with `Z`, whole seconds.
pub fn fmt_utc(t: DateTime<Utc>) -> String {
    fmt_unix(t.timestamp())
}

/// `fmt_utc` of whole seconds since the Unix epoch.
pub fn fmt_unix(t: i64) -> String {
    UtcStamp::default().fmt(t).to_string()
}

/// The one writer of yardtop's timestamps (`YYYY-MM-DDTHH:MM:SSZ`), reusable so that
/// a generator writing millions of them allocates nothing: the text lives until the
/// next call. Years 0000–9999 are computed in place (the civil-from-days algorithm
/// of Howard Hinnant); any other year, which RFC 3339 cannot write, is left to
/// chrono's own rendering (`+10000-…`) rather than clamped into a wrong date.
#[derive(Default)]
pub struct UtcStamp {
    buf: [u8; 20],
    wide: String,
}

impl UtcStamp {
    pub fn fmt(&mut self, t: i64) -> &str {
        const DAY: i64 = 86_400;
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
        if !(0..=9999).contains(&year) {
            self.wide = DateTime::<Utc>::from_timestamp(t, 0)
                .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_default();
            return &self.wide;
        }
        let b = &mut self.buf;
        put(&mut b[0..4], year, 4);
        b[4] = b'-';
        put(&mut b[5..7], month, 2);
        b[7] = b'-';
        put(&mut b[8..10], day, 2);
        b[10] = b'T';
        put(&mut b[11..13], secs / 3600, 2);
        b[13] = b':';
        put(&mut b[14..16], secs % 3600 / 60, 2);
        b[16] = b':';
        put(&mut b[17..19], secs % 60, 2);
        b[19] = b'Z';
        // Only ASCII digits and separators were written.
        std::str::from_utf8(&self.buf).unwrap_or_default()
    }
}

fn put(out: &mut [u8], mut v: i64, width: usize) {
    for i in (0..width).rev() {
        out[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

/// `--now`, or the real clock.
pub fn parse_now(arg: Option<&str>) -> Result<Option<DateTime<Utc>>> {
    match arg {
        None => Ok(None),
        Some(s) => parse_ts(s).map(Some).ok_or_else(|| {
            UserError::usage(format!(
                "--now {s:?} is not an RFC 3339 timestamp; write it like 2026-11-26T09:00:00Z or 2026-11-26T17:00:00+08:00"
            ))
        }),
    }
}

/// An IANA zone name, e.g. `Asia/Shanghai`.
pub fn parse_tz(name: &str) -> Option<Tz> {
    name.trim().parse::<Tz>().ok()
}

pub fn parse_tz_arg(flag: &str, name: &str) -> Result<Tz> {
    parse_tz(name).ok_or_else(|| {
        UserError::usage(format!(
            "{flag} {name:?} is not an IANA time zone name; use one like Asia/Shanghai, Europe/London or UTC"
        ))
    })
}

/// The instant a port-local wall-clock time happens. In a daylight-saving gap the
/// wall time does not exist, so the first instant after the gap is used; when the
/// clock falls back the earlier of the two instants is used.
pub fn local_to_utc(tz: &Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    for _ in 0..(4 * 60) {
        match tz.from_local_datetime(&probe) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(a, b) => return a.min(b).with_timezone(&Utc),
            LocalResult::None => probe += Duration::minutes(1),
        }
    }
    // No zone has a gap of four hours; fall back to reading the wall time as UTC.
    Utc.from_utc_datetime(&local)
}

/// The start of a port-local calendar day.
pub fn day_start(tz: &Tz, date: NaiveDate) -> DateTime<Utc> {
    local_to_utc(tz, date.and_time(NaiveTime::MIN))
}

/// The port-local date of an instant.
pub fn local_date(tz: &Tz, t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(tz).date_naive()
}

/// The calendar periods of docs/database.md, as UTC instants. Each window includes its start
/// and `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periods {
    pub now: DateTime<Utc>,
    pub today_start: DateTime<Utc>,
    pub month_start: DateTime<Utc>,
    pub year_start: DateTime<Utc>,
    /// 1 January of last year, port time.
    pub prior_year_start: DateTime<Utc>,
    /// The same local date and time one year before now (29 February → 28 February).
    pub prior_year_end: DateTime<Utc>,
    /// The start of the oldest of the 30 daily buckets.
    pub daily_start: DateTime<Utc>,
}

impl Periods {
    pub fn new(tz: &Tz, now: DateTime<Utc>) -> Periods {
        let local = now.with_timezone(tz).naive_local();
        let today = local.date();
        let month_first = today.with_day(1).unwrap_or(today);
        let year_first = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
        let prior_first = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(year_first);
        let prior_date = same_date_last_year(today);
        let prior_end = local_to_utc(tz, prior_date.and_time(local.time()));
        let daily_first = today - Duration::days(29);
        Periods {
            now,
            today_start: day_start(tz, today),
            month_start: day_start(tz, month_first),
            year_start: day_start(tz, year_first),
            prior_year_start: day_start(tz, prior_first),
            prior_year_end: prior_end,
            daily_start: day_start(tz, daily_first),
        }
    }
}

/// The same calendar date one year earlier; 29 February maps to 28 February.
pub fn same_date_last_year(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year() - 1, d.month(), d.day())
        .or_else(|| NaiveDate::from_ymd_opt(d.year() - 1, d.month(), d.day() - 1))
        .unwrap_or(d)
}

/// The 30 port days ending today, oldest first.
pub fn last_30_days(tz: &Tz, now: DateTime<Utc>) -> Vec<NaiveDate> {
    let today = local_date(tz, now);
    (0..30).rev().map(|i| today - Duration::days(i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> DateTime<Utc> {
        parse_ts(s).expect(s)
    }

    #[test]
    fn accepts_rfc3339_with_offset_and_fraction() {
        assert_eq!(ts("2026-11-26T17:00:00+08:00"), ts("2026-11-26T09:00:00Z"));
        assert_eq!(ts("2026-11-26T09:00:00.250Z").timestamp_millis() % 1000, 250);
        assert_eq!(ts("2026-11-26 09:00:00z"), ts("2026-11-26T09:00:00Z"));
        assert_eq!(
            ts("2026-11-26T09:00:00.123456789-14:00"),
            ts("2026-11-26T23:00:00.123456789Z")
        );
    }

    #[test]
    fn refuses_what_is_not_rfc3339() {
        for bad in [
            "",
            "2026-11-26",
            "2026-11-26 09:00:00",
            "1764147600",
            "yesterday",
            "2026-13-01T00:00:00Z",
        ] {
            assert!(parse_ts(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn refuses_instants_after_the_year_9999_as_sqlite_does() {
        // Found by the `timestamp` fuzz target: this is 10000-01-01T13:59:59Z, which
        // SQL's ts_valid refuses and fmt_utc cannot write as RFC 3339.
        assert!(parse_ts("9999-12-31T23:59:59.999999999-14:00").is_none());
        assert!(parse_ts("9999-12-31T10:00:00-14:00").is_none());
        assert_eq!(
            parse_ts("9999-12-31T09:59:59-14:00"),
            parse_ts("9999-12-31T23:59:59Z")
        );
        let last = ts("9999-12-31T23:59:59.999999999Z");
        assert_eq!(parse_ts(&fmt_utc(last)), Some(ts("9999-12-31T23:59:59Z")));
    }

    #[test]
    fn port_day_starts_at_local_midnight() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        let p = Periods::new(&tz, ts("2026-11-26T09:00:00Z"));
        assert_eq!(p.today_start, ts("2026-11-25T16:00:00Z"));
        assert_eq!(p.month_start, ts("2026-10-31T16:00:00Z"));
        assert_eq!(p.year_start, ts("2025-12-31T16:00:00Z"));
        assert_eq!(p.prior_year_start, ts("2024-12-31T16:00:00Z"));
        assert_eq!(p.prior_year_end, ts("2025-11-26T09:00:00Z"));
        assert_eq!(p.daily_start, ts("2026-10-27T16:00:00Z"));
    }

    #[test]
    fn leap_day_maps_to_28_february() {
        let tz: Tz = "UTC".parse().unwrap();
        let p = Periods::new(&tz, ts("2028-02-29T12:00:00Z"));
        assert_eq!(p.prior_year_end, ts("2027-02-28T12:00:00Z"));
    }

    #[test]
    fn dst_gap_midnight_moves_to_first_valid_instant() {
        // Chile's clocks jump from 00:00 to 01:00 on the first Sunday of September.
        let tz: Tz = "America/Santiago".parse().unwrap();
        let start = day_start(&tz, NaiveDate::from_ymd_opt(2026, 9, 6).unwrap());
        assert_eq!(start, ts("2026-09-06T04:00:00Z"));
    }
}
