//! `yardtop import KIND FILE.csv [--skip-invalid --rejects PATH]` (SPEC §6).
//!
//! The file is streamed record by record into one `BEGIN IMMEDIATE` transaction:
//! good rows are inserted as they are read (so later rows can refer to them), every
//! problem is reported with its line number, and at the end the transaction is
//! committed only when nothing was wrong or `--skip-invalid` was given. A crash, a
//! Ctrl-C or a `kill -9` midway leaves the database as it was.

mod field;
mod lookup;
mod rejects;
mod report;
mod rules;
mod source;
mod spec;

use std::path::Path;

use csv::ByteRecord;
use rusqlite::{Connection, TransactionBehavior};

use crate::app::Ctx;
use crate::cli::ImportArgs;
use crate::db;
use crate::error::{db_error, sqlite_reason, Result, UserError};

use lookup::Lookups;
use rejects::Rejects;
use report::Reporter;
use rules::{Cell, Problem, RowView};
use source::{line_of, Source};
use spec::{Header, TableSpec};

pub fn run(ctx: &Ctx, args: &ImportArgs) -> Result<i32> {
    let rejects_path = rejects_path(args)?;
    let spec = spec::for_kind(args.kind);
    let mut src = Source::open(&args.file)?;
    let head = src.header(&spec.column_list().replace(", ", ","))?;
    let mut reporter = Reporter::new(&src.name);
    let header = match spec::map_header(spec, &head.names) {
        Ok(h) => h,
        Err(problems) => {
            for p in &problems {
                reporter.header_problem(head.line, p);
            }
            reporter.finish();
            return Err(UserError::problem(format!(
                "nothing imported: fix the header row of {}",
                src.name
            )));
        }
    };

    let mut conn = db::open_writer(&ctx.db)?;
    // A bigger page cache keeps a million random VINs from thrashing the indexes;
    // SQLite spills to the WAL beyond it, so memory stays bounded.
    conn.execute_batch("PRAGMA cache_size = -32000;")
        .map_err(|e| db_error(&ctx.db, &e))?;
    let mut rejects = match rejects_path {
        Some(p) => Some(Rejects::create(p, &head.raw, header.reason_at)?),
        None => None,
    };
    let outcome = import_all(
        &mut conn,
        &ctx.db,
        spec,
        &header,
        &mut src,
        &mut reporter,
        &mut rejects,
    );
    reporter.finish();
    match outcome {
        Ok(tally) => {
            let noun = spec.noun(tally.imported);
            let db = ctx.db.display();
            match rejects_path {
                Some(p) => println!(
                    "imported {} {noun} into {db}, rejected {} (see {})",
                    tally.imported,
                    tally.rejected,
                    p.display()
                ),
                None => println!("imported {} {noun} into {db}", tally.imported),
            }
            Ok(0)
        }
        Err(e) => {
            if let Some(r) = rejects {
                r.discard();
            }
            Err(e)
        }
    }
}

/// `--rejects` makes sense only with `--skip-invalid`, and must not overwrite the
/// file being imported.
fn rejects_path(args: &ImportArgs) -> Result<Option<&Path>> {
    let path = match (&args.rejects, args.skip_invalid) {
        (None, _) => return Ok(None),
        (Some(_), false) => return Err(UserError::usage(
            "--rejects is only used with --skip-invalid; without it a file with bad lines imports nothing",
        )),
        (Some(p), true) => p.as_path(),
    };
    let same = match (path.canonicalize(), args.file.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => path == args.file,
    };
    if same {
        return Err(UserError::usage(format!(
            "--rejects {} is the file being imported; give another path",
            path.display()
        )));
    }
    Ok(Some(path))
}

#[derive(Debug, Default)]
struct Tally {
    rows: u64,
    imported: u64,
    rejected: u64,
}

/// Streams the file into one transaction; commits when it should, else rolls back
/// (by dropping the transaction) and says why.
fn import_all(
    conn: &mut Connection,
    db_path: &Path,
    spec: &'static TableSpec,
    header: &Header,
    src: &mut Source,
    reporter: &mut Reporter,
    rejects: &mut Option<Rejects>,
) -> Result<Tally> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| db_error(db_path, &e))?;
    let mut lookups = Lookups::new(&tx).map_err(|e| db_error(db_path, &e))?;
    let insert_sql = spec.insert_sql();
    let mut tally = Tally::default();
    let mut rec = ByteRecord::new();
    while src.next(&mut rec)? {
        if is_blank(&rec) {
            continue;
        }
        let line = line_of(&rec);
        tally.rows += 1;
        reporter.row_read(tally.rows);
        let problems = import_row(&tx, &mut lookups, &insert_sql, spec, header, &rec, line, reporter)
            .map_err(|e| {
                UserError::problem(format!(
                    "import stopped at {}:{line}: {}; nothing was imported",
                    src.name,
                    sqlite_reason(&e)
                ))
            })?;
        if problems.is_empty() {
            tally.imported += 1;
            continue;
        }
        tally.rejected += 1;
        for p in &problems {
            reporter.problem(line, p);
        }
        if let Some(r) = rejects.as_mut() {
            r.write(&rec, &reason(&problems))?;
        }
    }
    drop(lookups);
    if tally.rejected > 0 && rejects.is_none() {
        let which = if tally.rows == 1 {
            format!("the only row of {} has", src.name)
        } else {
            format!(
                "{} of the {} rows of {} {}",
                tally.rejected,
                tally.rows,
                src.name,
                if tally.rejected == 1 { "has" } else { "have" }
            )
        };
        return Err(UserError::problem(format!(
            "nothing imported: {which} problems (listed above); fix them and import the file again, or import the good rows with --skip-invalid --rejects rejects.csv"
        )));
    }
    // The rejects must be safely on disk before the good rows are committed: rows
    // that vanish from both would be a silent half-import.
    if let Some(r) = rejects.as_mut() {
        r.finish()?;
    }
    tx.commit().map_err(|e| {
        UserError::problem(format!(
            "nothing imported: the database refused to commit: {}",
            sqlite_reason(&e)
        ))
    })?;
    Ok(tally)
}

/// Spreadsheets leave rows of bare commas after the data; they hold nothing.
fn is_blank(rec: &ByteRecord) -> bool {
    rec.iter().all(|f| f.trim_ascii().is_empty())
}

/// All the problems of one row, in one cell of the rejects file.
fn reason(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| match p.column {
            Some(c) => format!("column {c}: {}", p.message),
            None => p.message.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Reads, checks and (when it has no problem) inserts one row; returns its
/// problems. An Err is a database failure that ends the import.
#[allow(clippy::too_many_arguments)]
fn import_row(
    conn: &Connection,
    lookups: &mut Lookups<'_>,
    insert_sql: &str,
    spec: &'static TableSpec,
    header: &Header,
    rec: &ByteRecord,
    line: u64,
    reporter: &mut Reporter,
) -> rusqlite::Result<Vec<Problem>> {
    if rec.len() != header.targets.len() {
        return Ok(vec![Problem::row(format!(
            "has {} fields, the header has {}; check for a missing or extra comma, or an unclosed quote",
            rec.len(),
            header.targets.len()
        ))]);
    }
    let mut cells = vec![Cell::Empty; spec.columns.len()];
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    for (raw, target) in rec.iter().zip(&header.targets) {
        let Some(c) = *target else { continue };
        let col = &spec.columns[c];
        let text = match std::str::from_utf8(raw) {
            Ok(t) => t.trim(),
            Err(_) => {
                problems.push(Problem::at(
                    col.name,
                    "is not UTF-8 text; save the file as CSV (UTF-8)",
                ));
                cells[c] = Cell::Bad;
                continue;
            }
        };
        if text.is_empty() {
            continue;
        }
        match field::parse(col.ty, text) {
            Ok(p) => {
                if let Some(w) = p.warning {
                    warnings.push((col.name, w));
                }
                cells[c] = Cell::Val(p.value);
            }
            Err(why) => {
                problems.push(Problem::at(col.name, why));
                cells[c] = Cell::Bad;
            }
        }
    }
    let view = RowView { spec, cells: &cells };
    problems.extend(rules::check(&view, lookups)?);
    if !problems.is_empty() {
        return Ok(problems);
    }
    if let Err(e) = insert(conn, insert_sql, &cells) {
        // Another system's trigger or constraint may refuse what the contract
        // allows; that is this row's problem, not the end of the import.
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
            return Ok(vec![Problem::row(format!(
                "the database refused the row: {}",
                sqlite_reason(&e)
            ))]);
        }
        return Err(e);
    }
    for (col, cell) in spec.columns.iter().zip(&cells) {
        if let (true, Cell::Val(v)) = (col.unique, cell) {
            lookups.remember(col.name, v, line)?;
        }
    }
    for (col, w) in warnings {
        reporter.warning(line, col, &w);
    }
    Ok(problems)
}

fn insert(conn: &Connection, sql: &str, cells: &[Cell]) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(sql)?;
    let params = cells.iter().map(|c| match c {
        Cell::Val(v) => Some(v),
        _ => None,
    });
    stmt.execute(rusqlite::params_from_iter(params))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_bare_commas_are_blank() {
        assert!(is_blank(&ByteRecord::from(vec!["", " ", ""])));
        assert!(!is_blank(&ByteRecord::from(vec!["", "N01", ""])));
    }

    #[test]
    fn a_reason_lists_every_problem_of_the_row() {
        let r = reason(&[
            Problem::at("vin", "bad"),
            Problem::row("has 3 fields, the header has 4"),
        ]);
        assert_eq!(r, "column vin: bad; has 3 fields, the header has 4");
    }
}
