//! One record of the file: its fields read into cells, the rules checked, and the row
//! inserted when nothing is wrong with it.

use csv::ByteRecord;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension};

use super::dates::Formats;
use super::field;
use super::field::Value;
use super::lookup::EventKey;
use super::lookup::Lookups;
use super::rules::{self, Cell, Problem, RowView};
use super::spec::{Header, TableSpec};
use crate::error::sqlite_reason;

/// A row as read: a cell per table column, what is wrong with it, and warnings
/// (column, message) to print if it is imported anyway.
#[derive(Debug, Default)]
pub(super) struct Read {
    pub cells: Vec<Cell>,
    pub problems: Vec<Problem>,
    pub warnings: Vec<(&'static str, String)>,
    /// Its fields do not line up with the header, so no column can be trusted and
    /// the rules are not asked.
    pub misaligned: bool,
}

/// Reads each field of `rec` as the column the header maps it to. Fields are
/// trimmed, and an empty field is NULL.
pub(super) fn read(spec: &TableSpec, header: &Header, rec: &ByteRecord, formats: &Formats) -> Read {
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
        match field::parse_in(col.ty, text, formats) {
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

/// What became of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Inserted,
    Updated,
    /// Already in the database as the file has it (`--update`).
    Unchanged,
    /// It has problems, now listed in the row's.
    Refused,
}

/// Checks and writes rows of one table inside the import's transaction: inserts
/// them, or with `--update` inserts or updates them by their key.
pub(super) struct Inserter<'c> {
    conn: &'c Connection,
    lookups: Lookups<'c>,
    spec: &'static TableSpec,
    /// For each table column, whether the file has it.
    present: Vec<bool>,
    update: bool,
    /// The column `--update` finds a row by (None: an event without an id, found by
    /// its `EventKey`), and where it is in the row.
    key: Option<(&'static str, usize)>,
    sql: String,
}

impl<'c> Inserter<'c> {
    pub(super) fn new(
        conn: &'c Connection,
        spec: &'static TableSpec,
        present: Vec<bool>,
        update: bool,
    ) -> rusqlite::Result<Self> {
        // An event has a key of its own only when the file gives its id.
        let key = spec
            .key
            .or_else(|| {
                spec.index("id")
                    .filter(|i| present.get(*i) == Some(&true))
                    .map(|_| "id")
            })
            .and_then(|k| Some((k, spec.index(k)?)));
        let sql = match (update, key) {
            (true, Some((k, _))) => spec.upsert_sql(&present, k),
            _ => spec.insert_sql(),
        };
        Ok(Inserter {
            conn,
            lookups: Lookups::new(conn)?,
            spec,
            present,
            update,
            key: if update { key } else { None },
            sql,
        })
    }

    /// Adds the problems the rules find to `row`'s and, when there are none, writes
    /// it. An Err is a database failure that ends the import.
    pub(super) fn insert(&mut self, row: &mut Read, line: u64) -> rusqlite::Result<Outcome> {
        let mut updating = false;
        if self.update {
            match self.key {
                Some((_, at)) => {
                    if let Some(Cell::Val(key)) = row.cells.get(at).cloned() {
                        if let Some(stored) = self.stored(&key)? {
                            updating = true;
                            self.merge(row, &stored);
                        }
                    }
                }
                None if row.problems.is_empty() => {
                    let view = RowView::new(self.spec, &row.cells, &self.present);
                    if let Some(key) = EventKey::of(&view) {
                        if self.lookups.event_row(&key)?.is_some() {
                            return Ok(Outcome::Unchanged);
                        }
                    }
                }
                None => {}
            }
        }
        let view = RowView {
            spec: self.spec,
            cells: &row.cells,
            present: &self.present,
            updating,
        };
        let found = rules::check(&view, &mut self.lookups)?;
        row.problems.extend(found);
        if !row.problems.is_empty() {
            return Ok(Outcome::Refused);
        }
        let upsert = self.update && self.key.is_some();
        let params = row
            .cells
            .iter()
            .zip(&self.present)
            .filter(|(_, p)| !upsert || **p)
            .map(|(c, _)| match c {
                Cell::Val(v) => Some(v),
                _ => None,
            });
        let written = self
            .conn
            .prepare_cached(&self.sql)
            .and_then(|mut stmt| stmt.execute(rusqlite::params_from_iter(params)));
        let changed = match written {
            Ok(n) => n,
            // Another system's trigger or constraint may refuse what the contract
            // allows; that is this row's problem, not the end of the import.
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
                row.problems.push(Problem::row(format!(
                    "the database refused the row: {}",
                    sqlite_reason(&e)
                )));
                return Ok(Outcome::Refused);
            }
            Err(e) => return Err(e),
        };
        if updating {
            return Ok(if changed == 0 {
                Outcome::Unchanged
            } else {
                Outcome::Updated
            });
        }
        for (col, cell) in self.spec.columns.iter().zip(&row.cells) {
            if let (true, Cell::Val(v)) = (col.unique, cell) {
                self.lookups.remember(col.name, v, line)?;
            }
        }
        if self.spec.table == "events" {
            let view = RowView::new(self.spec, &row.cells, &self.present);
            if let Some(key) = EventKey::of(&view) {
                self.lookups
                    .remember_event(&key, line, self.conn.last_insert_rowid())?;
            }
        }
        Ok(Outcome::Inserted)
    }

    /// The row with this key as the database has it, column by column.
    fn stored(&self, key: &Value) -> rusqlite::Result<Option<Vec<SqlValue>>> {
        let Some((name, _)) = self.key else {
            return Ok(None);
        };
        let cols: Vec<String> = self
            .spec
            .columns
            .iter()
            .map(|c| format!("\"{}\"", c.name))
            .collect();
        let sql = format!(
            "SELECT {} FROM {} WHERE \"{name}\" = ?1 LIMIT 1",
            cols.join(", "),
            self.spec.table
        );
        let n = cols.len();
        self.conn
            .prepare_cached(&sql)?
            .query_row([key], |r| (0..n).map(|i| r.get::<_, SqlValue>(i)).collect())
            .optional()
    }

    /// Fills the columns the file does not have with the database's values, so the
    /// yard's rules judge the row as it will be; and refuses a change of the other
    /// key (a consignment's id, which vehicles refer to).
    fn merge(&self, row: &mut Read, stored: &[SqlValue]) {
        let key = self.key.map(|(k, _)| k);
        for (i, col) in self.spec.columns.iter().enumerate() {
            let (Some(cell), Some(db)) = (row.cells.get_mut(i), stored.get(i)) else {
                continue;
            };
            if !self.present.get(i).copied().unwrap_or(false) {
                *cell = from_db(col.ty, db);
                continue;
            }
            if let (true, Cell::Val(v)) = (col.unique && Some(col.name) != key, &*cell) {
                let was = from_db(col.ty, db);
                if was != Cell::Empty && was != Cell::Val(v.clone()) {
                    row.problems.push(Problem::at(
                        col.name,
                        format!(
                            "is {} in the database for this {}; it cannot change, as other rows refer to it",
                            shown(db),
                            self.spec.singular
                        ),
                    ));
                }
            }
        }
    }
}

/// A value another writer stored, read as the file would have given it; one that
/// cannot be read is `Bad`, which the rules leave alone (the file did not say it).
fn from_db(ty: field::Ty, v: &SqlValue) -> Cell {
    match v {
        SqlValue::Null => Cell::Empty,
        SqlValue::Integer(i) => Cell::Val(Value::Int(*i)),
        SqlValue::Real(f) => Cell::Val(Value::Real(*f)),
        SqlValue::Text(t) if t.trim().is_empty() => Cell::Empty,
        SqlValue::Text(t) => match field::parse(ty, t.trim()) {
            Ok(p) => Cell::Val(p.value),
            Err(_) => Cell::Bad,
        },
        SqlValue::Blob(_) => Cell::Bad,
    }
}

fn shown(v: &SqlValue) -> String {
    match v {
        SqlValue::Integer(i) => i.to_string(),
        SqlValue::Real(f) => f.to_string(),
        SqlValue::Text(t) => format!("{t:?}"),
        _ => "set".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::spec::{map_header, BLOCKS};

    fn header(names: &str) -> Header {
        let names: Vec<String> = names.split(',').map(String::from).collect();
        map_header(&BLOCKS, &names, false).unwrap()
    }

    #[test]
    fn fields_are_trimmed_and_empty_is_null() {
        let h = header("zone,code,rows,slots_per_row,reason");
        let r = read(
            &BLOCKS,
            &h,
            &ByteRecord::from(vec![" nev ", "N01", "", "3", "old"]),
            &Formats::default(),
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
        let r = read(&BLOCKS, &h, &rec, &Formats::default());
        assert_eq!(r.cells[0], Cell::Bad);
        assert_eq!(r.cells[2], Cell::Bad);
        let cols: Vec<_> = r.problems.iter().map(|p| p.column).collect();
        assert_eq!(cols, [Some("code"), Some("rows")]);
    }

    #[test]
    fn a_short_row_is_one_problem() {
        let h = header("code,zone,rows,slots_per_row");
        let r = read(
            &BLOCKS,
            &h,
            &ByteRecord::from(vec!["N01", "nev"]),
            &Formats::default(),
        );
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
        let mut ins = Inserter::new(&conn, &BLOCKS, h.present.clone(), false).unwrap();
        let rec = ByteRecord::from(vec!["N01", "nev", "2", "3"]);
        let mut first = read(&BLOCKS, &h, &rec, &Formats::default());
        assert_eq!(ins.insert(&mut first, 2).unwrap(), Outcome::Inserted);
        assert!(first.problems.is_empty());
        let mut again = read(&BLOCKS, &h, &rec, &Formats::default());
        assert_eq!(ins.insert(&mut again, 5).unwrap(), Outcome::Refused);
        assert_eq!(again.problems[0].message, "\"N01\" is a duplicate of line 2");
        let n: i64 = conn
            .query_row("SELECT count(*) FROM yard_blocks", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn update_changes_only_what_differs_and_keeps_what_the_file_lacks() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(crate::db::SCHEMA_SQL).unwrap();
        conn.execute_batch("INSERT INTO yard_blocks VALUES ('N01', 'nev', 2, 3);")
            .unwrap();
        let names: Vec<String> = ["code", "rows"].map(String::from).to_vec();
        let h = map_header(&BLOCKS, &names, true).unwrap();
        let mut ins = Inserter::new(&conn, &BLOCKS, h.present.clone(), true).unwrap();
        let f = Formats::default();
        let mut same = read(&BLOCKS, &h, &ByteRecord::from(vec!["N01", "2"]), &f);
        assert_eq!(ins.insert(&mut same, 2).unwrap(), Outcome::Unchanged);
        let mut more = read(&BLOCKS, &h, &ByteRecord::from(vec!["N01", "4"]), &f);
        assert_eq!(ins.insert(&mut more, 3).unwrap(), Outcome::Updated);
        // A new block needs its zone, which this file does not have.
        let mut new = read(&BLOCKS, &h, &ByteRecord::from(vec!["N02", "4"]), &f);
        assert_eq!(ins.insert(&mut new, 4).unwrap(), Outcome::Refused);
        assert!(
            new.problems[0].message.contains("the file has no zone column"),
            "{:?}",
            new.problems
        );
        let row: (String, i64, i64) = conn
            .query_row("SELECT zone, rows, slots_per_row FROM yard_blocks", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(row, ("nev".to_string(), 4, 3));
    }
}
