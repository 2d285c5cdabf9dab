//! The rules a row must follow beyond each value on its own: required columns,
//! unique keys, references to rows that must exist (in the database or earlier in
//! the file), and the yard's sense across columns (a hold has a reason, a slot lies
//! inside its block, nothing leaves before it arrives).

use super::field::Value;
use super::lookup::{EventKey, IntRef, Lookups};
use super::spec::TableSpec;
use crate::model::VehicleStatus;

/// One column of a row as read.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    /// Absent from the file, or empty: stored as NULL.
    Empty,
    /// Could not be read; its problem is already reported, so rules that need it
    /// stay silent rather than pile a second complaint on the same value.
    Bad,
    Val(Value),
}

/// What is wrong with a row, for `FILE:LINE: column X: message`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Problem {
    pub column: Option<&'static str>,
    pub message: String,
}

impl Problem {
    pub(super) fn at(column: &'static str, message: impl Into<String>) -> Self {
        Problem {
            column: Some(column),
            message: message.into(),
        }
    }

    pub(super) fn row(message: impl Into<String>) -> Self {
        Problem {
            column: None,
            message: message.into(),
        }
    }
}

/// A row's cells by column name.
pub(super) struct RowView<'a> {
    pub spec: &'static TableSpec,
    pub cells: &'a [Cell],
    /// For each column, whether the file has it.
    pub present: &'a [bool],
    /// The row is already in the database (`--update`): its key is its own, and what
    /// the file does not give, the database does (`cells` hold it).
    pub updating: bool,
}

impl<'a> RowView<'a> {
    /// A row of a file that has every column, being inserted.
    pub(super) fn new(spec: &'static TableSpec, cells: &'a [Cell], present: &'a [bool]) -> Self {
        RowView {
            spec,
            cells,
            present,
            updating: false,
        }
    }

    pub(super) fn cell(&self, name: &str) -> &Cell {
        self.spec
            .index(name)
            .and_then(|i| self.cells.get(i))
            .unwrap_or(&Cell::Empty)
    }

    pub(super) fn int(&self, name: &str) -> Option<i64> {
        match self.cell(name) {
            Cell::Val(v) => v.as_int(),
            _ => None,
        }
    }

    pub(super) fn text(&self, name: &str) -> Option<&str> {
        match self.cell(name) {
            Cell::Val(v) => v.as_text(),
            _ => None,
        }
    }

    fn is_empty(&self, name: &str) -> bool {
        matches!(self.cell(name), Cell::Empty)
    }
}

/// Every problem of a row whose values were read, in column order where it can.
pub(super) fn check(row: &RowView<'_>, db: &mut Lookups<'_>) -> rusqlite::Result<Vec<Problem>> {
    let mut out = Vec::new();
    for ((col, cell), present) in row.spec.columns.iter().zip(row.cells).zip(row.present) {
        match cell {
            Cell::Empty if col.required && *present => {
                out.push(Problem::at(col.name, "is required but empty"))
            }
            // A row being updated keeps the database's value of a column the file
            // does not have; a new one has nothing to keep.
            Cell::Empty if col.required && !row.updating => out.push(Problem::at(
                col.name,
                format!(
                    "is required for a new {}, and the file has no {} column",
                    row.spec.singular, col.name
                ),
            )),
            Cell::Val(v) if col.unique && !row.updating => {
                if let Some(why) = db.duplicate(row.spec.table, col.name, v)? {
                    out.push(Problem::at(col.name, why));
                }
            }
            _ => {}
        }
    }
    match row.spec.table {
        "vessel_calls" => call(row, db, &mut out)?,
        "consignments" => reference(
            row,
            db,
            "call_id",
            IntRef::Call,
            "vessel call with id",
            "calls",
            &mut out,
        )?,
        "vehicles" => vehicle(row, db, &mut out)?,
        "events" => event(row, db, &mut out)?,
        _ => {}
    }
    Ok(out)
}

fn reference(
    row: &RowView<'_>,
    db: &mut Lookups<'_>,
    col: &'static str,
    what: IntRef,
    noun: &str,
    kind: &str,
    out: &mut Vec<Problem>,
) -> rusqlite::Result<()> {
    if let Some(key) = row.int(col) {
        if !db.int_exists(what, key)? {
            out.push(Problem::at(
                col,
                format!("there is no {noun} {key}; import {kind} first"),
            ));
        }
    }
    Ok(())
}

fn call(row: &RowView<'_>, db: &mut Lookups<'_>, out: &mut Vec<Problem>) -> rusqlite::Result<()> {
    reference(row, db, "imo", IntRef::Vessel, "vessel with IMO", "vessels", out)?;
    not_before(row, "etd", "eta", out);
    Ok(())
}

fn vehicle(row: &RowView<'_>, db: &mut Lookups<'_>, out: &mut Vec<Problem>) -> rusqlite::Result<()> {
    reference(
        row,
        db,
        "consignment_id",
        IntRef::Consignment,
        "consignment with id",
        "consignments",
        out,
    )?;
    let status = row.text("status").and_then(VehicleStatus::parse);
    match (status, row.cell("hold_reason")) {
        (Some(VehicleStatus::Hold), Cell::Empty) => out.push(Problem::at(
            "hold_reason",
            format!(
                "is required when status is hold (one of: {})",
                crate::model::HoldReason::choices()
            ),
        )),
        (Some(s), Cell::Val(_)) if s != VehicleStatus::Hold => out.push(Problem::at(
            "hold_reason",
            format!("must be empty unless status is hold (status is {s})"),
        )),
        _ => {}
    }
    place(row, db, out)?;
    not_before(row, "loaded_at", "gate_in_at", out);
    Ok(())
}

/// A row and slot only mean something inside a block, and must lie within it.
fn place(row: &RowView<'_>, db: &mut Lookups<'_>, out: &mut Vec<Problem>) -> rusqlite::Result<()> {
    let code = match row.cell("block") {
        Cell::Val(Value::Text(code)) => code,
        Cell::Bad => return Ok(()),
        _ => {
            for c in ["row", "slot"] {
                if !row.is_empty(c) {
                    out.push(Problem::at(c, "is given but block is empty"));
                }
            }
            return Ok(());
        }
    };
    let Some(dims) = db.block(code)? else {
        out.push(Problem::at(
            "block",
            format!("there is no yard block {code:?}; import blocks first"),
        ));
        return Ok(());
    };
    for (c, size, unit) in [
        ("row", dims.rows, "rows"),
        ("slot", dims.slots_per_row, "slots per row"),
    ] {
        if let (Some(v), Some(n)) = (row.int(c), size) {
            if v > n {
                out.push(Problem::at(
                    c,
                    format!("{v} is outside block {code}, which has {n} {unit}"),
                ));
            }
        }
    }
    Ok(())
}

fn event(row: &RowView<'_>, db: &mut Lookups<'_>, out: &mut Vec<Problem>) -> rusqlite::Result<()> {
    if let Some(vin) = row.text("vin") {
        if !db.vehicle_exists(vin)? {
            out.push(Problem::at(
                "vin",
                format!("there is no vehicle {vin:?}; import vehicles first"),
            ));
        }
    }
    // A feed sent twice must not count every gate-in twice.
    if let (Some(key), false) = (EventKey::of(row), row.updating) {
        if let Some(why) = db.event_duplicate(&key)? {
            out.push(Problem::row(format!(
                "{why}; to import only the events not yet in the database, import with --update"
            )));
        }
    }
    Ok(())
}

// `EventKey` itself lives in `lookup`, which finds events by it.
impl<'a> EventKey<'a> {
    pub(super) fn of(row: &'a RowView<'a>) -> Option<EventKey<'a>> {
        if matches!(row.cell("vin"), Cell::Bad) || matches!(row.cell("detail"), Cell::Bad) {
            return None;
        }
        let vin = row.text("vin");
        Some(EventKey {
            at: row.text("at")?,
            vin,
            kind: row.text("kind")?,
            detail: if vin.is_none() { row.text("detail") } else { None },
        })
    }

    /// One text for the keys table of this import.
    pub(super) fn joined(&self) -> String {
        format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.at,
            self.vin.unwrap_or(""),
            self.kind,
            self.detail.unwrap_or("")
        )
    }
}

/// `later` may not be before `earlier` when both are given.
fn not_before(row: &RowView<'_>, later: &'static str, earlier: &str, out: &mut Vec<Problem>) {
    let parse = |c| row.text(c).and_then(crate::time::parse_ts);
    if let (Some(l), Some(e)) = (parse(later), parse(earlier)) {
        if l < e {
            out.push(Problem::at(later, format!("is before {earlier}")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::spec::{CALLS, VEHICLES};
    use rusqlite::Connection;

    fn yard() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(crate::db::SCHEMA_SQL).unwrap();
        conn.execute_batch(
            "INSERT INTO yard_blocks VALUES ('N01', 'nev', 2, 3), ('Z01', 'nev', 'many', NULL);
             INSERT INTO vessels VALUES (9074729, 'Jimei Voyager', 8500);
             INSERT INTO consignments(id, ref, status) VALUES (7, 'XMN-7', 'open');",
        )
        .unwrap();
        conn
    }

    fn text(s: &str) -> Cell {
        Cell::Val(Value::Text(s.into()))
    }

    fn int(i: i64) -> Cell {
        Cell::Val(Value::Int(i))
    }

    /// A vehicle row: vin, status, hold_reason, block, row, slot; the rest empty.
    fn vehicle(status: &str, hold: Cell, block: Cell, row: Cell, slot: Cell) -> Vec<Cell> {
        let mut cells = vec![Cell::Empty; VEHICLES.columns.len()];
        let mut set = |name: &str, c: Cell| cells[VEHICLES.index(name).unwrap()] = c;
        set("vin", text("LSJA24U62JG269225"));
        set("powertrain", text("BEV"));
        set("status", text(status));
        set("hold_reason", hold);
        set("block", block);
        set("row", row);
        set("slot", slot);
        cells
    }

    fn problems(conn: &Connection, cells: &[Cell]) -> Vec<String> {
        let mut db = Lookups::new(conn).unwrap();
        let present = vec![true; VEHICLES.columns.len()];
        let view = RowView::new(&VEHICLES, cells, &present);
        check(&view, &mut db)
            .unwrap()
            .into_iter()
            .map(|p| format!("{}: {}", p.column.unwrap_or("-"), p.message))
            .collect()
    }

    #[test]
    fn a_clean_vehicle_has_no_problem() {
        let conn = yard();
        let cells = vehicle("parked", Cell::Empty, text("N01"), int(2), int(3));
        assert_eq!(problems(&conn, &cells), Vec::<String>::new());
    }

    #[test]
    fn a_bad_value_is_not_complained_about_twice() {
        let conn = yard();
        let cells = vehicle("hold", Cell::Bad, Cell::Bad, int(9), Cell::Empty);
        assert_eq!(problems(&conn, &cells), Vec::<String>::new());
    }

    #[test]
    fn places_outside_the_block_or_without_one() {
        let conn = yard();
        let cells = vehicle("parked", Cell::Empty, text("N01"), int(3), int(4));
        assert_eq!(
            problems(&conn, &cells),
            [
                "row: 3 is outside block N01, which has 2 rows",
                "slot: 4 is outside block N01, which has 3 slots per row"
            ]
        );
        let cells = vehicle("parked", Cell::Empty, Cell::Empty, int(1), Cell::Empty);
        assert_eq!(problems(&conn, &cells), ["row: is given but block is empty"]);
        // A size another system wrote as text is not something to check against.
        let cells = vehicle("parked", Cell::Empty, text("Z01"), int(99), int(99));
        assert_eq!(problems(&conn, &cells), Vec::<String>::new());
    }

    #[test]
    fn missing_consignment_and_required_columns() {
        let conn = yard();
        let mut cells = vehicle("parked", Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty);
        cells[VEHICLES.index("consignment_id").unwrap()] = int(8);
        cells[VEHICLES.index("powertrain").unwrap()] = Cell::Empty;
        assert_eq!(
            problems(&conn, &cells),
            [
                "powertrain: is required but empty",
                "consignment_id: there is no consignment with id 8; import consignments first"
            ]
        );
        cells[VEHICLES.index("consignment_id").unwrap()] = int(7);
        cells[VEHICLES.index("powertrain").unwrap()] = text("BEV");
        assert!(problems(&conn, &cells).is_empty());
    }

    #[test]
    fn duplicates_name_the_line_that_came_first() {
        let conn = yard();
        let mut db = Lookups::new(&conn).unwrap();
        let vin = Value::Text("LSJA24U62JG269225".into());
        assert_eq!(db.duplicate("vehicles", "vin", &vin).unwrap(), None);
        conn.execute("INSERT INTO vehicles(vin) VALUES (?1)", [&vin])
            .unwrap();
        assert_eq!(
            db.duplicate("vehicles", "vin", &vin).unwrap().as_deref(),
            Some("\"LSJA24U62JG269225\" is already in the database")
        );
        db.remember("vin", &vin, 12).unwrap();
        assert_eq!(
            db.duplicate("vehicles", "vin", &vin).unwrap().as_deref(),
            Some("\"LSJA24U62JG269225\" is a duplicate of line 12")
        );
    }

    #[test]
    fn a_call_needs_its_vessel_and_leaves_after_it_arrives() {
        let conn = yard();
        let mut db = Lookups::new(&conn).unwrap();
        let mut cells = vec![Cell::Empty; CALLS.columns.len()];
        let mut set = |name: &str, c: Cell| cells[CALLS.index(name).unwrap()] = c;
        set("imo", int(9074730));
        set("voyage", text("JMV2604E"));
        set("status", text("expected"));
        set("eta", text("2026-11-28T06:00:00Z"));
        set("etd", text("2026-11-27T06:00:00Z"));
        let present = vec![true; CALLS.columns.len()];
        let view = RowView::new(&CALLS, &cells, &present);
        let got: Vec<_> = check(&view, &mut db)
            .unwrap()
            .into_iter()
            .map(|p| (p.column, p.message))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Some("imo"),
                    "there is no vessel with IMO 9074730; import vessels first".to_string()
                ),
                (Some("etd"), "is before eta".to_string())
            ]
        );
    }
}
