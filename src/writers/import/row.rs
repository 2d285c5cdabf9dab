//! One record of the file: its fields read into cells, the rules checked, and the row
//! inserted when nothing is wrong with it.

use csv::ByteRecord;
use rusqlite::Connection;

use super::field;
use super::lookup::Lookups;
use super::rules::{self, Cell, Problem, RowView};
use super::spec::{Header, TableSpec};
use crate::error::sqlite_reason;

/// A row as read: a cell per table column, what is wrong with it, and warnings
/// (column, message) to print if it is imported anyway.
#[derive(Debug, Default)]
pub struct Read {
    pub cells: Vec<Cell>,
    pub problems: Vec<Problem>,
    pub warnings: Vec<(&'static str, String)>,
    /// Its fields do not line up with the header, so no column can be trusted and
    /// the rules are not asked.
    pub misaligned: bool,
}

/// Reads each field of `rec` as the column the header maps it to. Fields are
/// trimmed, and an empty field is NULL.
pub fn read(spec: &TableSpec, header: &Header, rec: &ByteRecord) -> Read {
    let mut out = Read {
        cells: vec![Cell::Empty; spec.columns.len()],
        ..Read::default()
    };
    if rec.len() != header.targets.len() {
        out.problems.push(Problem::row(format!(
            "has {} fields, the header has {}; check for a missing or extra comma, or an unclosed quote",
            rec.len(),
            header.targets.len()
        )));
        out.misaligned = true;
        return out;
    }
    for (raw, target) in rec.iter().zip(&header.targets) {
        let Some((col, cell)) = target.and_then(|c| Some((spec.columns.get(c)?, out.cells.get_mut(c)?)))
        else {
            continue;
        };
        let Ok(text) = std::str::from_utf8(raw).map(str::trim) else {
            out.problems.push(Problem::at(
                col.name,
                "is not UTF-8 text; save the file as CSV (UTF-8)",
            ));
            *cell = Cell::Bad;
            continue;
        };
        if text.is_empty() {
            continue;
        }
        match field::parse(col.ty, text) {
            Ok(p) => {
                if let Some(w) = p.warning {
                    out.warnings.push((col.name, w));
                }
                *cell = Cell::Val(p.value);
            }
            Err(why) => {
                out.problems.push(Problem::at(col.name, why));
                *cell = Cell::Bad;
            }
        }
    }
    out
}

/// Checks and inserts rows of one table inside the import's transaction.
pub struct Inserter<'c> {
    conn: &'c Connection,
    lookups: Lookups<'c>,
    spec: &'static TableSpec,
    sql: String,
}

impl<'c> Inserter<'c> {
    pub fn new(conn: &'c Connection, spec: &'static TableSpec) -> rusqlite::Result<Self> {
        Ok(Inserter {
            conn,
            lookups: Lookups::new(conn)?,
            spec,
            sql: spec.insert_sql(),
        })
    }

    /// Adds the problems the rules find to `row`'s and, when there are none,
    /// inserts it. An Err is a database failure that ends the import.
    pub fn insert(&mut self, row: &mut Read, line: u64) -> rusqlite::Result<()> {
        let view = RowView {
            spec: self.spec,
            cells: &row.cells,
        };
        let found = rules::check(&view, &mut self.lookups)?;
        row.problems.extend(found);
        if !row.problems.is_empty() {
            return Ok(());
        }
        let params = row.cells.iter().map(|c| match c {
            Cell::Val(v) => Some(v),
            _ => None,
        });
        let inserted = self
            .conn
            .prepare_cached(&self.sql)
            .and_then(|mut stmt| stmt.execute(rusqlite::params_from_iter(params)));
        match inserted {
            Ok(_) => {}
            // Another system's trigger or constraint may refuse what the contract
            // allows; that is this row's problem, not the end of the import.
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
                row.problems.push(Problem::row(format!(
                    "the database refused the row: {}",
                    sqlite_reason(&e)
                )));
                return Ok(());
            }
            Err(e) => return Err(e),
        }
        for (col, cell) in self.spec.columns.iter().zip(&row.cells) {
            if let (true, Cell::Val(v)) = (col.unique, cell) {
                self.lookups.remember(col.name, v, line)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::writers::import::field::Value;
    use crate::writers::import::spec::{map_header, BLOCKS};

    fn header(names: &str) -> Header {
        let names: Vec<String> = names.split(',').map(String::from).collect();
        map_header(&BLOCKS, &names).unwrap()
    }

    #[test]
    fn fields_are_trimmed_and_empty_is_null() {
        let h = header("zone,code,rows,slots_per_row,reason");
        let r = read(
            &BLOCKS,
            &h,
            &ByteRecord::from(vec![" nev ", "N01", "", "3", "old"]),
        );
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(r.cells[0], Cell::Val(Value::Text("N01".into())));
        assert_eq!(r.cells[1], Cell::Val(Value::Text("nev".into())));
        assert_eq!(r.cells[2], Cell::Empty);
        assert_eq!(r.cells[3], Cell::Val(Value::Int(3)));
    }

    #[test]
    fn bad_fields_are_marked_and_explained() {
        let h = header("code,zone,rows,slots_per_row");
        let rec = ByteRecord::from(vec![&b"N\xff1"[..], b"nev", b"ten", b"3"]);
        let r = read(&BLOCKS, &h, &rec);
        assert_eq!(r.cells[0], Cell::Bad);
        assert_eq!(r.cells[2], Cell::Bad);
        let cols: Vec<_> = r.problems.iter().map(|p| p.column).collect();
        assert_eq!(cols, [Some("code"), Some("rows")]);
    }

    #[test]
    fn a_short_row_is_one_problem() {
        let h = header("code,zone,rows,slots_per_row");
        let r = read(&BLOCKS, &h, &ByteRecord::from(vec!["N01", "nev"]));
        assert_eq!(r.problems.len(), 1);
        assert!(r.misaligned);
        assert!(r.problems[0]
            .message
            .starts_with("has 2 fields, the header has 4"));
    }

    #[test]
    fn an_inserted_key_is_remembered_with_its_line() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(crate::db::SCHEMA_SQL).unwrap();
        let h = header("code,zone,rows,slots_per_row");
        let mut ins = Inserter::new(&conn, &BLOCKS).unwrap();
        let rec = ByteRecord::from(vec!["N01", "nev", "2", "3"]);
        let mut first = read(&BLOCKS, &h, &rec);
        ins.insert(&mut first, 2).unwrap();
        assert!(first.problems.is_empty());
        let mut again = read(&BLOCKS, &h, &rec);
        ins.insert(&mut again, 5).unwrap();
        assert_eq!(again.problems[0].message, "\"N01\" is a duplicate of line 2");
        let n: i64 = conn
            .query_row("SELECT count(*) FROM yard_blocks", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }
}
