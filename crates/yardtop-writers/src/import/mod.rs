//! `yardtop import KIND FILE.csv [--skip-invalid --rejects PATH] [--update]`; the
//! columns, rules and modes are described in docs/importing.md.
//!
//! The file is streamed record by record into one `BEGIN IMMEDIATE` transaction:
//! good rows are written as they are read (so later rows can refer to them), every
//! problem is reported with its line number, and at the end the transaction is
//! committed only when nothing was wrong or `--skip-invalid` was given. A crash, a
//! Ctrl-C or a `kill -9` midway leaves the database as it was.

mod dates;
mod field;
mod lookup;
mod rejects;
mod report;
mod row;
mod rules;
mod source;
mod spec;

use std::path::Path;

use csv::ByteRecord;
use rusqlite::{Connection, TransactionBehavior};

use crate::args::ImportArgs;
use crate::ctx::Ctx;
use crate::error::{db_error, sqlite_reason, Result, UserError};

use dates::{Formats, LocalTimes};
use rejects::Rejects;
use report::Reporter;
use row::{Inserter, Outcome};
use rules::Problem;
use source::{delimiter_name, line_of, Source};
use spec::{Header, TableSpec};

/// The columns of `kind` that hold timestamps (for writers of example files).
pub fn timestamp_columns(kind: crate::args::ImportKind) -> Vec<&'static str> {
    spec::for_kind(kind)
        .columns
        .iter()
        .filter(|c| matches!(c.ty, field::Ty::Ts))
        .map(|c| c.name)
        .collect()
}

pub fn run(ctx: &Ctx, args: &ImportArgs) -> Result<i32> {
    let rejects_path = rejects_path(args)?;
    let spec = spec::for_kind(args.kind);
    let delimiter = args
        .delimiter
        .as_deref()
        .map(source::parse_delimiter)
        .transpose()?;
    if let Some(f) = &args.date_format {
        dates::check_format(f)?;
    }
    let columns: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
    let mut src = Source::open(&args.file, delimiter, &columns)?;
    if delimiter.is_none() && src.delimiter != b',' {
        eprintln!(
            "{}: reading fields separated by {} (as its header row shows)",
            src.name,
            delimiter_name(src.delimiter)
        );
    }
    let head = src.header(&spec.column_list().replace(", ", ","))?;
    let mut reporter = Reporter::new(&src.name);
    let header = match spec::map_header(spec, &head.names, args.update) {
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

    let mut conn = crate::open::open_writer(&ctx.db)?;
    // A bigger page cache keeps a million random VINs from thrashing the indexes;
    // SQLite spills to the WAL beyond it, so memory stays bounded.
    conn.execute_batch("PRAGMA cache_size = -32000;")
        .map_err(|e| db_error(&ctx.db, &e))?;
    let formats = formats(ctx, args, &conn, &src)?;
    if spec.key.is_none() && events_lack_an_index(&conn) {
        eprintln!(
            "{}: note: the events table has no index on vin or at, so finding the events already in {} reads the whole table for each row; `yardtop init --existing --db {}` adds yardtop's indexes",
            src.name,
            ctx.db.display(),
            ctx.db.display()
        );
    }
    let mut rejects = match rejects_path {
        Some(p) => Some(Rejects::create(p, &head.raw, header.reason_at)?),
        None => None,
    };
    let job = Job {
        db_path: &ctx.db,
        spec,
        header: &header,
        formats: &formats,
        update: args.update,
    };
    let outcome = import_all(&mut conn, &job, &mut src, &mut reporter, &mut rejects);
    reporter.finish();
    match outcome {
        Ok(tally) => {
            let db = ctx.db.display();
            let rejected = match rejects_path {
                Some(p) => format!(", rejected {} (see {})", tally.rejected, p.display()),
                None => String::new(),
            };
            if args.update {
                println!(
                    "imported {} {} into {db}: {} inserted, {} updated, {} unchanged{rejected}",
                    tally.imported(),
                    spec.noun(tally.imported()),
                    tally.inserted,
                    tally.updated,
                    tally.unchanged
                );
            } else {
                println!(
                    "imported {} {} into {db}{rejected}",
                    tally.inserted,
                    spec.noun(tally.inserted)
                );
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

/// How the file's times and numbers are read: `--date-format` local times in the
/// port's zone (`--tz`, else the database's `timezone` setting), and a decimal
/// comma when commas do not separate the fields.
fn formats(ctx: &Ctx, args: &ImportArgs, conn: &Connection, src: &Source) -> Result<Formats> {
    let local = match &args.date_format {
        None => None,
        Some(f) => {
            let tz = match ctx.tz {
                Some(tz) => tz,
                None => {
                    crate::db::settings::Settings::read(conn)
                        .map_err(|e| db_error(&ctx.db, &e))?
                        .timezone
                }
            };
            Some(LocalTimes::new(f, tz))
        }
    };
    if let Some(l) = &local {
        eprintln!(
            "{}: reading times without a zone as {} time (--date-format {:?})",
            src.name,
            l.tz().name(),
            args.date_format.as_deref().unwrap_or_default()
        );
    }
    Ok(Formats {
        local,
        decimal_comma: src.delimiter != b',',
    })
}

/// Is the events table big and without an index that finds an event by its
/// vehicle or time (a database another system made, before `init --existing`)?
fn events_lack_an_index(conn: &Connection) -> bool {
    let indexed = conn
        .query_row(
            "SELECT 1 FROM pragma_index_list('events') AS il, pragma_index_info(il.name) AS ii \
             WHERE ii.seqno = 0 AND ii.name IN ('vin', 'at') LIMIT 1",
            [],
            |_| Ok(()),
        )
        .is_ok();
    let big = conn
        .query_row("SELECT coalesce(max(rowid), 0) > 100000 FROM events", [], |r| {
            r.get::<_, bool>(0)
        })
        .unwrap_or(false);
    big && !indexed
}

/// What one import does, besides the file it reads.
struct Job<'a> {
    db_path: &'a Path,
    spec: &'static TableSpec,
    header: &'a Header,
    formats: &'a Formats,
    update: bool,
}

#[derive(Debug, Default)]
struct Tally {
    rows: u64,
    inserted: u64,
    updated: u64,
    unchanged: u64,
    rejected: u64,
}

impl Tally {
    /// The rows that are now in the database as the file has them.
    fn imported(&self) -> u64 {
        self.inserted + self.updated + self.unchanged
    }
}

/// Streams the file into one transaction; commits when it should, else rolls back
/// (by dropping the transaction) and says why.
fn import_all(
    conn: &mut Connection,
    job: &Job<'_>,
    src: &mut Source,
    reporter: &mut Reporter,
    rejects: &mut Option<Rejects>,
) -> Result<Tally> {
    let (db_path, spec, header) = (job.db_path, job.spec, job.header);
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| db_error(db_path, &e))?;
    let mut inserter =
        Inserter::new(&tx, spec, header.present.clone(), job.update).map_err(|e| db_error(db_path, &e))?;
    let mut tally = Tally::default();
    let mut rec = ByteRecord::new();
    while src.next(&mut rec)? {
        if is_blank(&rec) {
            continue;
        }
        let line = line_of(&rec);
        tally.rows += 1;
        reporter.row_read(tally.rows);
        let mut read = row::read(spec, header, &rec, job.formats);
        let outcome = if read.misaligned {
            Outcome::Refused
        } else {
            inserter.insert(&mut read, line).map_err(|e| {
                let mut why = sqlite_reason(&e);
                // A table another system made without the contract's key.
                if why.contains("ON CONFLICT clause does not match") {
                    let key = spec.key.unwrap_or("id");
                    why = format!(
                        "--update finds {} by their {key}, but this database's {} table has no PRIMARY KEY or UNIQUE constraint on it (the contract's; add it with: sqlite3 DB 'CREATE UNIQUE INDEX {}_{key} ON {}({key})')",
                        spec.plural, spec.table, spec.table, spec.table
                    );
                }
                UserError::problem(format!(
                    "import stopped at {}:{line}: {why}; nothing was imported",
                    src.name
                ))
            })?
        };
        let problems = read.problems;
        if problems.is_empty() {
            match outcome {
                Outcome::Inserted => tally.inserted += 1,
                Outcome::Updated => tally.updated += 1,
                Outcome::Unchanged | Outcome::Refused => tally.unchanged += 1,
            }
            for (col, w) in &read.warnings {
                reporter.warning(line, col, w);
            }
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
    drop(inserter);
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
