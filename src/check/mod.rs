//! `yardtop check`: verifies a yard database's schema and integrity, and
//! lists its data-quality problems with examples. Exit 0 clean, 1 problems found,
//! 2 cannot read (missing, not a database, corrupted beyond reading, a newer
//! schema). It opens the file read-only and never changes it.

pub mod kinds;
mod read;
pub mod report;
mod scan;

use std::path::Path;

use rusqlite::Connection;

use crate::ctx::Ctx;
use crate::db::{self, SCHEMA_VERSION};
use crate::error::{sqlite_reason, Result, UserError};
use crate::sanitize::clean;
pub use kinds::Kind;
pub use report::{Finding, Report};

pub fn run(ctx: &Ctx) -> Result<i32> {
    let report = check(&ctx.db)?;
    print!("{}", report.render());
    Ok(if report.is_clean() { 0 } else { 1 })
}

/// Checks the database at `path`. An `Err` means it cannot be read at all (exit 2).
pub fn check(path: &Path) -> Result<Report> {
    let shown = clean(&path.display().to_string());
    let conn = db::open_read_only_unchecked(path)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| unreadable(&shown, &e))?;
    if version > SCHEMA_VERSION {
        return Err(UserError::usage(format!(
            "yard database {shown} has schema version {version}, newer than version {SCHEMA_VERSION} that this yardtop understands; check it with a newer yardtop"
        )));
    }
    check_tables(&conn, &shown)?;
    let mut report = Report::new(shown.clone(), version);
    report.integrity = quick_check(&conn).map_err(|e| unreadable(&shown, &e))?;
    additions(&conn, &mut report).map_err(|e| unreadable(&shown, &e))?;
    let scanned = conn.unchecked_transaction().and_then(|tx| {
        scan::Scan::new(&tx, &mut report).run()?;
        tx.commit()
    });
    if let Err(e) = scanned {
        // A file quick_check already found damaged is reported as such (exit 1);
        // one that looked sound but cannot be read through is unreadable.
        if report.integrity.is_empty() {
            return Err(unreadable(&shown, &e));
        }
        report.scan_error = Some(sqlite_reason(&e));
    }
    Ok(report)
}

/// Every contract table with every column of the contract, else the file is not a yard
/// database this build can judge.
fn check_tables(conn: &Connection, shown: &str) -> Result<()> {
    let missing = db::missing_tables(conn).map_err(|e| unreadable(shown, &e))?;
    if !missing.is_empty() {
        return Err(UserError::usage(format!(
            "{shown} is not a yard database: it has no {} table{}; create one with `yardtop init --db PATH`",
            missing.join(", "),
            if missing.len() == 1 { "" } else { "s" }
        )));
    }
    for (table, cols) in db::CONTRACT {
        let mut stmt = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .map_err(|e| unreadable(shown, &e))?;
        let have: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect())
            .map_err(|e| unreadable(shown, &e))?;
        let lacking: Vec<&str> = cols
            .iter()
            .copied()
            .filter(|c| !have.iter().any(|h| h.eq_ignore_ascii_case(c)))
            .collect();
        if !lacking.is_empty() {
            return Err(UserError::usage(format!(
                "{shown} is not a yard database of schema version {SCHEMA_VERSION}: table {table} has no column {}",
                lacking.join(", ")
            )));
        }
    }
    Ok(())
}

/// What yardtop keeps in the database (nothing that could be out of step: only
/// indexes, which SQLite keeps with every write), what an earlier version left
/// there, and an `events` table that lost its key.
fn additions(conn: &Connection, report: &mut Report) -> rusqlite::Result<()> {
    let plan = db::additions::plan(conn)?;
    let left = plan.leftovers().len();
    report.notes.push(if left == 0 {
        "yardtop keeps nothing in this database that could be out of step with the rows: no trigger, no summary table, only indexes; every figure is computed from the rows".into()
    } else {
        "this yardtop keeps nothing that could be out of step with the rows (every figure is computed from them); an earlier version's additions are listed below".into()
    });
    let path = report.path.clone();
    for (what, names) in [
        ("triggers", &plan.triggers),
        ("tables", &plan.tables),
        ("indexes", &plan.indexes),
    ] {
        if names.is_empty() {
            continue;
        }
        let mut shown: Vec<&str> = names.iter().map(String::as_str).take(6).collect();
        if names.len() > shown.len() {
            shown.push("…");
        }
        report.add_many(
            Kind::YardtopLeftover,
            names.len() as u64,
            format!(
                "{} {what} left by an earlier yardtop ({}); fix: yardtop init --existing --db {path}",
                names.len(),
                shown.join(", ")
            ),
        );
    }
    if !db::additions::events_id_is_key(conn)? {
        report.add(Kind::EventsWithoutKey, || {
            "events: id is a plain column, not INTEGER PRIMARY KEY; Activity stays in write order (by rowid)".into()
        });
    }
    if !plan.add.is_empty() {
        let names: Vec<String> = plan.add.iter().map(|i| i.name.clone()).collect();
        report.notes.push(format!(
            "yardtop's indexes are missing ({}): the figures are exact but slower; add them with `yardtop init --existing`",
            names.join(", ")
        ));
    }
    Ok(())
}

/// The lines of `PRAGMA quick_check` other than "ok".
fn quick_check(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA quick_check(100)")?;
    let lines: Vec<String> = stmt
        .query_map([], |r| Ok(crate::db::value::text_or_empty(r, 0)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(lines
        .into_iter()
        .filter(|l| l != "ok")
        .map(|l| clean(&l))
        .collect())
}

fn unreadable(shown: &str, e: &rusqlite::Error) -> UserError {
    let hint = match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => "; give the yard database with --db",
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => "; restore it from a backup",
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => {
            "; try again when the program holding the lock has finished"
        }
        _ => "",
    };
    UserError::usage(format!(
        "cannot check yard database {shown}: {}{hint}",
        clean(&sqlite_reason(e))
    ))
}
