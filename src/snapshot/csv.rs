//! `snapshot --format csv --alert KIND`: every subject of one alert, one row each,
//! with where it is: the work list a supervisor hands to the yard crew
//! (docs/alerts.md). No cap; vehicles are read a batch at a time and each row is
//! written as it comes, so a yard of 50,000 is never held in memory.

use std::io::Write;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::ctx::Ctx;
use crate::error::{db_error, io_reason, Result, UserError};
use crate::figures::listing::{self, VehicleSubject};
use crate::figures::subjects::{self, SubjectKind};
use crate::figures::Figures;
use crate::time::fmt_utc;

pub const VEHICLE_COLUMNS: [&str; 10] = [
    "vin",
    "block",
    "row",
    "slot",
    "status",
    "powertrain",
    "soc_pct",
    "soc_checked_at",
    "hold_reason",
    "consignment",
];

pub const CONSIGNMENT_COLUMNS: [&str; 10] = [
    "ref",
    "vessel",
    "voyage",
    "destination",
    "cutoff_at",
    "planned",
    "delivered",
    "hold",
    "staged",
    "loaded",
];

pub const BLOCK_COLUMNS: [&str; 5] = ["block", "zone", "capacity", "occupied", "nev"];

/// Vehicles read per pass over the yard.
const BATCH: usize = 2_000;

/// The kinds `--alert` takes, for messages.
pub fn valid_kinds() -> String {
    let mut kinds: Vec<&str> = subjects::VEHICLE_KINDS.to_vec();
    kinds.push(subjects::BLOCK_KIND);
    kinds.extend(subjects::CONSIGNMENT_KINDS);
    kinds.join(", ")
}

/// Checks `--alert` before the database is opened.
pub fn subject_kind_of(alert: Option<&str>) -> Result<(String, SubjectKind)> {
    let Some(kind) = alert.map(str::trim) else {
        return Err(UserError::usage(format!(
            "--format csv lists the subjects of one alert: add --alert KIND, one of {}",
            valid_kinds()
        )));
    };
    match subjects::subject_kind(kind) {
        Some(SubjectKind::Problem) => Err(UserError::usage(
            "--alert data_quality has no work list here: `yardtop check` lists every row with an unreadable value",
        )),
        Some(k) => Ok((kind.to_string(), k)),
        None => Err(UserError::usage(format!(
            "--alert {}: no such alert; use one of {}",
            crate::sanitize::clean(kind),
            valid_kinds()
        ))),
    }
}

/// Text for the crew's sheet: no control character or escape sequence, whatever
/// the database holds.
fn clean(s: &str) -> String {
    crate::sanitize::clean(s)
}

fn ts(t: Option<DateTime<Utc>>) -> String {
    t.map(fmt_utc).unwrap_or_default()
}

fn vehicle_record(v: &VehicleSubject) -> [String; 10] {
    [
        clean(&v.vin),
        clean(&v.block),
        clean(v.row.as_deref().unwrap_or("")),
        clean(v.slot.as_deref().unwrap_or("")),
        clean(&v.status),
        clean(&v.powertrain),
        v.soc.pct.map(|p| p.to_string()).unwrap_or_default(),
        ts(v.soc.checked_at),
        clean(&v.hold_reason),
        clean(&v.consignment),
    ]
}

/// Was the write refused because the reader went away (`| head`)?
fn closed_pipe(e: &csv::Error) -> bool {
    matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
}

fn write_error(e: &csv::Error) -> UserError {
    let reason = match e.kind() {
        csv::ErrorKind::Io(io) => io_reason(io),
        _ => e.to_string(),
    };
    UserError::problem(format!("cannot write the work list: {reason}"))
}

/// Writes the work list of `kind` to `out`. A closed pipe ends it quietly.
pub fn write(
    conn: &Connection,
    kind: &str,
    sk: SubjectKind,
    now: DateTime<Utc>,
    out: impl Write,
    db: &std::path::Path,
) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let result = (|| -> std::result::Result<(), Failure> {
        let tx = conn.unchecked_transaction().map_err(Failure::Db)?;
        match sk {
            SubjectKind::Vehicle => {
                w.write_record(VEHICLE_COLUMNS).map_err(Failure::Write)?;
                let mut failed = None;
                listing::for_each_vehicle(&tx, kind, now, BATCH, |v| {
                    match w.write_record(vehicle_record(v)) {
                        Ok(()) => true,
                        Err(e) => {
                            failed = Some(e);
                            false
                        }
                    }
                })
                .map_err(Failure::Db)?;
                if let Some(e) = failed {
                    return Err(Failure::Write(e));
                }
            }
            SubjectKind::Consignment | SubjectKind::Block => {
                let f = crate::figures::compute(&tx, now).map_err(Failure::Db)?;
                write_from_figures(&mut w, kind, sk, &f).map_err(Failure::Write)?;
            }
            SubjectKind::Problem => {}
        }
        tx.commit().map_err(Failure::Db)?;
        w.flush().map_err(|e| Failure::Write(e.into()))
    })();
    match result {
        Ok(()) => Ok(()),
        Err(Failure::Write(e)) if closed_pipe(&e) => Ok(()),
        Err(Failure::Write(e)) => Err(write_error(&e)),
        Err(Failure::Db(e)) => Err(db_error(db, &e)),
    }
}

enum Failure {
    Db(rusqlite::Error),
    Write(csv::Error),
}

fn write_from_figures<W: Write>(
    w: &mut csv::Writer<W>,
    kind: &str,
    sk: SubjectKind,
    f: &Figures,
) -> std::result::Result<(), csv::Error> {
    if sk == SubjectKind::Block {
        w.write_record(BLOCK_COLUMNS)?;
        for b in f.yard.blocks.iter().filter(|b| subjects::block_over_capacity(b)) {
            w.write_record([
                clean(&b.code),
                clean(&b.zone),
                b.capacity.to_string(),
                b.occupied.to_string(),
                b.nev.to_string(),
            ])?;
        }
        return Ok(());
    }
    w.write_record(CONSIGNMENT_COLUMNS)?;
    for c in f
        .consignments
        .iter()
        .filter(|c| subjects::consignment_is(kind, c))
    {
        w.write_record([
            clean(&c.reference),
            clean(&c.vessel),
            clean(&c.voyage),
            clean(&c.destination),
            c.cutoff_at.clone().unwrap_or_default(),
            c.planned.to_string(),
            c.delivered.to_string(),
            c.hold.to_string(),
            c.staged.to_string(),
            c.loaded.to_string(),
        ])?;
    }
    Ok(())
}

/// `snapshot --format csv --alert KIND` on `--db` as of `--now`.
pub fn run(ctx: &Ctx, alert: Option<&str>) -> Result<()> {
    let (kind, sk) = subject_kind_of(alert)?;
    let conn = crate::db::open_read_only(&ctx.db)?;
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    write(&conn, &kind, sk, ctx.now(), out, &ctx.db)
}
