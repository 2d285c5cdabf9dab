//! How the file writes its times and numbers, beyond RFC 3339 and a decimal point:
//! `--date-format` for the local, day-first times spreadsheets export
//! (`28/05/2023 14:00`), read in the port's time zone and stored as UTC `Z` like
//! every other timestamp, and the decimal comma of a `;`-separated export.

use std::fmt::Write;

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::{Result, UserError};

/// The reading options of one import.
#[derive(Debug, Clone, Default)]
pub(super) struct Formats {
    pub local: Option<LocalTimes>,
    /// `45,5` is 45.5: a file whose fields are not separated by commas may use them
    /// as decimal points, as Excel does in most of Europe.
    pub decimal_comma: bool,
}

/// Times written in a `strftime` form, without a zone: port time.
#[derive(Debug, Clone)]
pub(super) struct LocalTimes {
    format: String,
    tz: Tz,
    /// The form carries its own offset (`%z`): no zone to apply.
    with_offset: bool,
    /// What a time looks like in this form, for messages.
    example: String,
}

/// An instant to show the form with: the Xiamen record's day.
fn sample() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2023, 5, 28)
        .and_then(|d| d.and_hms_opt(14, 5, 9))
        .unwrap_or_default()
}

/// Checks a `--date-format` before anything is read, so that a typo is one clear
/// usage error rather than a problem on every line.
pub(super) fn check_format(format: &str) -> Result<()> {
    let bad = |why: &str| {
        UserError::usage(format!(
            "--date-format {format:?}: {why}; write it with strftime codes, e.g. '%d/%m/%Y %H:%M' for 28/05/2023 14:05"
        ))
    };
    let items: Vec<Item<'_>> = StrftimeItems::new(format).collect();
    if items.iter().any(|i| matches!(i, Item::Error)) {
        return Err(bad("it has a % code that is not a strftime code"));
    }
    let mut shown = String::new();
    let with_offset = format.contains("%z") || format.contains("%:z") || format.contains("%#z");
    let written = if with_offset {
        let t = Utc.from_utc_datetime(&sample());
        write!(shown, "{}", t.format_with_items(items.iter()))
    } else {
        write!(shown, "{}", sample().format_with_items(items.iter()))
    };
    if written.is_err() {
        return Err(bad("it cannot write a time"));
    }
    // The form must give back the day it wrote: year, month and day are needed.
    let date = if with_offset {
        DateTime::parse_from_str(&shown, format).map(|t| t.naive_utc().date())
    } else {
        NaiveDateTime::parse_from_str(&shown, format)
            .map(|t| t.date())
            .or_else(|_| NaiveDate::parse_from_str(&shown, format))
    };
    match date {
        Ok(d) if d == sample().date() => Ok(()),
        _ => Err(bad("it must give the year, month and day")),
    }
}

impl LocalTimes {
    /// `format` must have passed `check_format`.
    pub(super) fn new(format: &str, tz: Tz) -> LocalTimes {
        let with_offset = format.contains("%z") || format.contains("%:z") || format.contains("%#z");
        let mut example = String::new();
        let _ = if with_offset {
            write!(example, "{}", Utc.from_utc_datetime(&sample()).format(format))
        } else {
            write!(example, "{}", sample().format(format))
        };
        LocalTimes {
            format: format.to_string(),
            tz,
            with_offset,
            example,
        }
    }

    pub(super) fn tz(&self) -> Tz {
        self.tz
    }

    /// Reads `raw` in the form; a date without a time is the start of that day.
    pub(super) fn parse(&self, raw: &str) -> std::result::Result<DateTime<Utc>, String> {
        let mismatch = || {
            format!(
                "{raw:?} does not match --date-format {:?} (e.g. {}) nor RFC 3339 (2026-11-26T09:00:00Z)",
                self.format, self.example
            )
        };
        if self.with_offset {
            return DateTime::parse_from_str(raw, &self.format)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| mismatch());
        }
        let local = NaiveDateTime::parse_from_str(raw, &self.format)
            .or_else(|_| {
                NaiveDate::parse_from_str(raw, &self.format).map(|d| d.and_time(chrono::NaiveTime::MIN))
            })
            .map_err(|_| mismatch())?;
        match self.tz.from_local_datetime(&local) {
            LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(..) => Err(format!(
                "{raw:?} happens twice in {} (the clock went back that night); write this one in RFC 3339 with its offset",
                self.tz.name()
            )),
            LocalResult::None => Err(format!(
                "{raw:?} never happens in {} (the clock jumped forward that night); check the time",
                self.tz.name()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> DateTime<Utc> {
        crate::time::parse_ts(s).unwrap()
    }

    #[test]
    fn day_first_local_times_are_port_time() {
        check_format("%d/%m/%Y %H:%M").unwrap();
        let l = LocalTimes::new("%d/%m/%Y %H:%M", Tz::Asia__Shanghai);
        assert_eq!(l.parse("28/05/2023 14:00").unwrap(), ts("2023-05-28T06:00:00Z"));
        let e = l.parse("05/28/2023 14:00").unwrap_err();
        assert!(e.contains("e.g. 28/05/2023 14:05"), "{e}");
        // A date alone is the start of the port's day.
        let d = LocalTimes::new("%d.%m.%Y", Tz::Asia__Shanghai);
        check_format("%d.%m.%Y").unwrap();
        assert_eq!(d.parse("28.05.2023").unwrap(), ts("2023-05-27T16:00:00Z"));
    }

    #[test]
    fn a_form_with_an_offset_needs_no_zone() {
        check_format("%d/%m/%Y %H:%M %z").unwrap();
        let l = LocalTimes::new("%d/%m/%Y %H:%M %z", Tz::UTC);
        assert_eq!(
            l.parse("28/05/2023 14:00 +0800").unwrap(),
            ts("2023-05-28T06:00:00Z")
        );
    }

    #[test]
    fn bad_forms_are_refused_up_front() {
        assert!(check_format("%d/%m/%Y %Q").is_err());
        assert!(check_format("%H:%M").is_err());
        assert!(check_format("%d/%m").is_err());
        assert!(check_format("%").is_err());
    }

    #[test]
    fn times_that_do_not_exist_or_happen_twice_are_named() {
        let l = LocalTimes::new("%d/%m/%Y %H:%M", Tz::Europe__London);
        assert!(l.parse("29/03/2026 01:30").unwrap_err().contains("never happens"));
        assert!(l.parse("25/10/2026 01:30").unwrap_err().contains("happens twice"));
    }
}
