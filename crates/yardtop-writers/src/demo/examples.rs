//! `yardtop demo --examples DIR`: the six example CSV files of docs/importing.md,
//! dated around now, so that the CSV walkthrough shows a working day whenever it is
//! followed.
//!
//! The files are the shipped reference copy in assets/examples (a day at Xiamen,
//! told at 2026-11-26 17:00 port time) with every timestamp moved, the same way
//! for the same `--now` and zone: what happened before that day keeps its distance
//! to the start of the port's day, what happened during it is spread over today
//! up to now, and what lies ahead keeps its distance to now. So the day's loads
//! fall today at any hour, SoC readings are as recent as in the copy (give or take
//! the hours of a day), cut-offs stay ahead, and nothing changes order.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::args::ImportKind;
use crate::ctx::Ctx;
use crate::error::{io_reason, Result, UserError};
use crate::import::timestamp_columns;
use crate::time::{day_start, fmt_utc, local_date, parse_ts};

/// The instant the reference copy is told at.
const TOLD_AT: &str = "2026-11-26T09:00:00Z";

/// The six files, in the order they are imported.
const FILES: [(ImportKind, &str, &str); 6] = [
    (
        ImportKind::Blocks,
        "blocks",
        include_str!("../../../../assets/examples/blocks.csv"),
    ),
    (
        ImportKind::Vessels,
        "vessels",
        include_str!("../../../../assets/examples/vessels.csv"),
    ),
    (
        ImportKind::Calls,
        "calls",
        include_str!("../../../../assets/examples/calls.csv"),
    ),
    (
        ImportKind::Consignments,
        "consignments",
        include_str!("../../../../assets/examples/consignments.csv"),
    ),
    (
        ImportKind::Vehicles,
        "vehicles",
        include_str!("../../../../assets/examples/vehicles.csv"),
    ),
    (
        ImportKind::Events,
        "events",
        include_str!("../../../../assets/examples/events.csv"),
    ),
];

/// Moves the reference copy's instants to the day of `now`.
#[derive(Debug, Clone, Copy)]
pub struct Retime {
    told_at: DateTime<Utc>,
    told_day: DateTime<Utc>,
    now: DateTime<Utc>,
    today: DateTime<Utc>,
}

impl Retime {
    /// `tz` is the port's zone of the new files; the copy's own is Xiamen's.
    pub fn new(now: DateTime<Utc>, tz: &Tz) -> Retime {
        let copy_tz: Tz = super::PORT_TZ.parse().unwrap_or(Tz::Asia__Shanghai);
        let told_at = parse_ts(TOLD_AT).unwrap_or(now);
        Retime {
            told_at,
            told_day: day_start(&copy_tz, local_date(&copy_tz, told_at)),
            now,
            today: day_start(tz, local_date(tz, now)),
        }
    }

    pub fn at(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        if t >= self.told_at {
            return self.now + (t - self.told_at);
        }
        if t < self.told_day {
            return self.today - (self.told_day - t);
        }
        // Within the day: the copy's midnight-to-17:00 becomes today's midnight to now.
        let span = (self.told_at - self.told_day).num_seconds().max(1);
        let into = (t - self.told_day).num_seconds();
        let ours = (self.now - self.today).num_seconds().max(0);
        let moved = i128::from(into) * i128::from(ours) / i128::from(span);
        self.today + Duration::seconds(i64::try_from(moved).unwrap_or(0))
    }
}

/// The file of one kind with its instants moved.
pub fn retimed(kind: ImportKind, copy: &str, retime: &Retime) -> Result<String> {
    let stamps = timestamp_columns(kind);
    let broken = |e: csv::Error| UserError::problem(format!("the built-in example files are broken: {e}"));
    let mut reader = csv::ReaderBuilder::new().from_reader(copy.as_bytes());
    let header = reader.headers().map_err(broken)?.clone();
    let moved: Vec<bool> = header.iter().map(|h| stamps.contains(&h)).collect();
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&header).map_err(broken)?;
    for rec in reader.records() {
        let rec = rec.map_err(broken)?;
        let fields: Vec<String> = rec
            .iter()
            .zip(&moved)
            .map(|(f, m)| match (m, parse_ts(f)) {
                (true, Some(t)) => fmt_utc(retime.at(t)),
                _ => f.to_string(),
            })
            .collect();
        out.write_record(&fields).map_err(broken)?;
    }
    let bytes = out.into_inner().map_err(|e| {
        UserError::problem(format!(
            "cannot write the example files: {}",
            io_reason(e.error())
        ))
    })?;
    String::from_utf8(bytes).map_err(|_| UserError::problem("the built-in example files are not UTF-8"))
}

/// Writes the six files into `dir` (made if missing); never over a file.
pub fn run(ctx: &Ctx, dir: &Path) -> Result<()> {
    let tz = ctx
        .tz
        .unwrap_or_else(|| super::PORT_TZ.parse().unwrap_or(Tz::Asia__Shanghai));
    let now = super::whole_seconds(ctx.now());
    let retime = Retime::new(now, &tz);
    let cannot = |e: std::io::Error, what: &Path| {
        UserError::problem(format!("cannot write {}: {}", what.display(), io_reason(&e)))
    };
    std::fs::create_dir_all(dir).map_err(|e| cannot(e, dir))?;
    let paths: Vec<_> = FILES
        .iter()
        .map(|(_, name, _)| dir.join(format!("{name}.csv")))
        .collect();
    if let Some(p) = paths.iter().find(|p| std::fs::symlink_metadata(p).is_ok()) {
        return Err(UserError::problem(format!(
            "{} already exists; yardtop demo --examples never overwrites a file. Give an empty or new folder",
            p.display()
        )));
    }
    for ((kind, _, copy), path) in FILES.iter().zip(&paths) {
        let text = retimed(*kind, copy, &retime)?;
        std::fs::write(path, text).map_err(|e| cannot(e, path))?;
    }
    println!(
        "wrote the example files of a yard at {} port time ({}) into {}: {}",
        now.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
        tz.name(),
        dir.display(),
        FILES
            .iter()
            .map(|(_, n, _)| format!("{n}.csv"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "import them in that order into a database made by `yardtop init`, e.g. yardtop import --db yard.db blocks {}",
        paths[0].display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> DateTime<Utc> {
        parse_ts(s).unwrap()
    }

    #[test]
    fn the_copy_told_at_its_own_instant_is_unchanged() {
        let r = Retime::new(ts(TOLD_AT), &Tz::Asia__Shanghai);
        for t in [
            "2026-11-05T09:00:00Z",
            "2026-11-26T08:12:00Z",
            "2026-11-27T16:00:00Z",
        ] {
            assert_eq!(r.at(ts(t)), ts(t), "{t}");
        }
    }

    #[test]
    fn the_day_is_squeezed_into_today_and_the_rest_keeps_its_distance() {
        // 00:30 in Xiamen: the copy's day so far is half an hour long.
        let now = ts("2026-12-01T16:30:00Z");
        let r = Retime::new(now, &Tz::Asia__Shanghai);
        let today = ts("2026-12-01T16:00:00Z");
        // A load of the copy's afternoon (16:12 port time) is today, before now.
        let load = r.at(ts("2026-11-26T08:12:00Z"));
        assert!(load >= today && load <= now, "{load}");
        // The day before keeps its distance to midnight; a cut-off its distance to now.
        assert_eq!(r.at(ts("2026-11-25T15:00:00Z")), today - Duration::hours(1));
        assert_eq!(r.at(ts("2026-11-27T04:00:00Z")), now + Duration::hours(19));
    }

    #[test]
    fn retimed_files_move_only_their_timestamps() {
        let r = Retime::new(ts("2027-03-10T02:00:00Z"), &Tz::Asia__Shanghai);
        let text = retimed(ImportKind::Calls, FILES[2].2, &r).unwrap();
        let first = text.lines().nth(1).unwrap();
        assert!(
            first.starts_with("101,9320647,GLS2611W,HT-05,2027-03-02T"),
            "{first}"
        );
        assert_eq!(text.lines().count(), FILES[2].2.lines().count());
    }
}
