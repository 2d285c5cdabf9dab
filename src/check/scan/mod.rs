//! The data-quality scan: every row of every contract table, read without
//! trusting any value, in one read transaction so that references between tables
//! are judged on one snapshot even while a simulator writes. Memory stays small:
//! only the keys of the small tables (blocks, vessels, calls, consignments) and
//! per-block counts are held; vehicles and events are streamed.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, Row};

mod yard;

use super::kinds::Kind;
use super::read::{bad_text, int, int_ok, is_null, proper_text, quote, show, ts_ok};
use super::report::Report;
use crate::db::settings::Settings;
use crate::db::value;
use crate::model::{CallStatus, ConsignmentStatus, Zone};

struct BlockInfo {
    zone: Option<Zone>,
    capacity: Option<i64>,
    rows: i64,
    slots_per_row: i64,
}

pub(super) struct Scan<'a> {
    conn: &'a Connection,
    report: &'a mut Report,
    /// Row number across all tables, so that a row counts once per kind.
    row_no: u64,
    blocks: HashMap<String, BlockInfo>,
    vessels: HashSet<i64>,
    calls: HashSet<i64>,
    consignments: HashSet<i64>,
    /// In-yard vehicles per block code.
    occupancy: HashMap<String, u64>,
}

impl<'a> Scan<'a> {
    pub(super) fn new(conn: &'a Connection, report: &'a mut Report) -> Scan<'a> {
        Scan {
            conn,
            report,
            row_no: 0,
            blocks: HashMap::new(),
            vessels: HashSet::new(),
            calls: HashSet::new(),
            consignments: HashSet::new(),
            occupancy: HashMap::new(),
        }
    }

    /// Runs every check; the order matters, as later tables are checked against
    /// the keys of earlier ones.
    pub(super) fn run(&mut self) -> rusqlite::Result<()> {
        self.blocks()?;
        self.vessels()?;
        self.calls()?;
        self.consignments()?;
        self.vehicles()?;
        self.events()?;
        self.capacity();
        self.slots()?;
        self.settings()?;
        Ok(())
    }

    /// Streams `sql`, calling `check` with each row and its number.
    fn each(
        &mut self,
        table: &'static str,
        sql: &str,
        mut check: impl FnMut(&mut Self, &Row<'_>, u64),
    ) -> rusqlite::Result<()> {
        let conn = self.conn;
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        let mut n = 0u64;
        while let Some(row) = rows.next()? {
            self.row_no += 1;
            n += 1;
            let no = self.row_no;
            check(self, row, no);
        }
        self.report.rows.push((table, n));
        Ok(())
    }

    fn text_cols(&mut self, row: &Row<'_>, no: u64, label: &str, cols: &[(usize, &str)]) {
        for &(i, col) in cols {
            if bad_text(row, i) {
                self.report.hit(Kind::BadText, no, || {
                    format!("{label}: {col} is {}", show(row, i))
                });
            }
        }
    }

    fn ts_cols(&mut self, row: &Row<'_>, no: u64, label: &str, cols: &[(usize, &str)]) {
        for &(i, col) in cols {
            if !ts_ok(row, i) {
                self.report.hit(Kind::BadTimestamp, no, || {
                    format!("{label}: {col} is {}", show(row, i))
                });
            }
        }
    }

    fn int_cols(&mut self, row: &Row<'_>, no: u64, label: &str, cols: &[(usize, &str)]) {
        for &(i, col) in cols {
            if !int_ok(row, i) {
                self.report.hit(Kind::BadNumber, no, || {
                    format!("{label}: {col} is {}, not an integer", show(row, i))
                });
            }
        }
    }

    fn blocks(&mut self) -> rusqlite::Result<()> {
        self.each(
            "blocks",
            "SELECT code, zone, rows, slots_per_row FROM yard_blocks",
            |s, row, no| {
                let label = format!("block {}", show(row, 0));
                s.text_cols(row, no, &label, &[(0, "code"), (1, "zone")]);
                let zone = proper_text(row, 1).as_deref().and_then(Zone::parse);
                if zone.is_none() {
                    s.report.hit(Kind::UnknownZone, no, || {
                        format!("{label}: zone is {}", show(row, 1))
                    });
                }
                let dims = (int(row, 2), int(row, 3));
                for (i, col, v) in [(2, "rows", dims.0), (3, "slots_per_row", dims.1)] {
                    if v.is_none_or(|v| v < 0) {
                        s.report.hit(Kind::BadNumber, no, || {
                            format!(
                                "{label}: {col} is {}, not a whole number of 0 or more",
                                show(row, i)
                            )
                        });
                    }
                }
                if let Some(code) = value::text(row, 0).value {
                    let (rows, spr) = (dims.0.unwrap_or(-1), dims.1.unwrap_or(-1));
                    let capacity = (rows >= 0 && spr >= 0).then(|| rows.saturating_mul(spr));
                    s.blocks.insert(
                        code,
                        BlockInfo {
                            zone,
                            capacity,
                            rows,
                            slots_per_row: spr,
                        },
                    );
                }
            },
        )
    }

    fn vessels(&mut self) -> rusqlite::Result<()> {
        self.each(
            "vessels",
            "SELECT imo, name, capacity_ceu FROM vessels",
            |s, row, no| {
                let label = format!("vessel {}", show(row, 0));
                s.text_cols(row, no, &label, &[(1, "name")]);
                s.int_cols(row, no, &label, &[(2, "capacity_ceu")]);
                if let Some(imo) = int(row, 0) {
                    s.vessels.insert(imo);
                }
            },
        )
    }

    fn calls(&mut self) -> rusqlite::Result<()> {
        self.each(
            "calls",
            "SELECT id, imo, voyage, berth, eta, etd, status FROM vessel_calls",
            |s, row, no| {
                let label = format!("call {}", show(row, 0));
                s.text_cols(row, no, &label, &[(2, "voyage"), (3, "berth"), (6, "status")]);
                s.ts_cols(row, no, &label, &[(4, "eta"), (5, "etd")]);
                s.int_cols(row, no, &label, &[(1, "imo")]);
                if proper_text(row, 6)
                    .as_deref()
                    .and_then(CallStatus::parse)
                    .is_none()
                {
                    s.report.hit(Kind::UnknownStatus, no, || {
                        format!("{label}: status is {}", show(row, 6))
                    });
                }
                if let Some(imo) = int(row, 1) {
                    if !s.vessels.contains(&imo) {
                        s.report.hit(Kind::MissingReference, no, || {
                            format!("{label}: vessel {imo} is not in vessels")
                        });
                    }
                }
                if let Some(id) = int(row, 0) {
                    s.calls.insert(id);
                }
            },
        )
    }

    fn consignments(&mut self) -> rusqlite::Result<()> {
        self.each(
            "consignments",
            "SELECT id, ref, call_id, brand, destination, planned_units, cutoff_at, status FROM consignments",
            |s, row, no| {
                let label = format!("consignment {} {}", show(row, 0), show(row, 1));
                s.text_cols(
                    row,
                    no,
                    &label,
                    &[(1, "ref"), (3, "brand"), (4, "destination"), (7, "status")],
                );
                s.ts_cols(row, no, &label, &[(6, "cutoff_at")]);
                s.int_cols(row, no, &label, &[(2, "call_id")]);
                if !int_ok(row, 5) || int(row, 5).is_some_and(|n| n < 0) {
                    s.report.hit(Kind::BadNumber, no, || {
                        format!(
                            "{label}: planned_units is {}, not a whole number of 0 or more",
                            show(row, 5)
                        )
                    });
                }
                if proper_text(row, 7)
                    .as_deref()
                    .and_then(ConsignmentStatus::parse)
                    .is_none()
                {
                    s.report.hit(Kind::UnknownStatus, no, || {
                        format!("{label}: status is {}", show(row, 7))
                    });
                }
                if let Some(call) = int(row, 2) {
                    if !s.calls.contains(&call) {
                        s.report.hit(Kind::MissingReference, no, || {
                            format!("{label}: call {call} is not in vessel_calls")
                        });
                    }
                }
                if let Some(id) = int(row, 0) {
                    s.consignments.insert(id);
                }
            },
        )
    }

    fn vehicles(&mut self) -> rusqlite::Result<()> {
        self.each(
            "vehicles",
            "SELECT vin, make, model, powertrain, soc_pct, soc_checked_at, consignment_id, status,
                    hold_reason, block, row, slot, gate_in_at, loaded_at, updated_at
             FROM vehicles",
            |s, row, no| s.vehicle(row, no),
        )
    }

    fn events(&mut self) -> rusqlite::Result<()> {
        // Each event's vehicle is looked up through the primary key of vehicles,
        // so that memory does not grow with a million VINs.
        self.each(
            "events",
            "SELECT e.id, e.at, e.vin, e.kind, e.detail,
                    e.vin IS NOT NULL AND NOT EXISTS (SELECT 1 FROM vehicles v WHERE v.vin = e.vin)
             FROM events e",
            |s, row, no| {
                let label = format!("event {}", show(row, 0));
                s.text_cols(row, no, &label, &[(2, "vin"), (3, "kind"), (4, "detail")]);
                if is_null(row, 1) || !ts_ok(row, 1) {
                    s.report.hit(Kind::BadTimestamp, no, || {
                        format!("{label}: at is {}", show(row, 1))
                    });
                }
                if int(row, 5) == Some(1) {
                    s.report.hit(Kind::MissingReference, no, || {
                        format!("{label}: vehicle {} is not in vehicles", show(row, 2))
                    });
                }
            },
        )
    }

    fn settings(&mut self) -> rusqlite::Result<()> {
        self.each("settings", "SELECT key, value FROM settings", |s, row, no| {
            let label = format!("setting {}", show(row, 0));
            s.text_cols(row, no, &label, &[(0, "key"), (1, "value")]);
        })?;
        let settings = Settings::read(self.conn)?;
        for key in settings.problems {
            let value: String = self
                .conn
                .query_row("SELECT value FROM settings WHERE key = ?1", [&key], |r| {
                    Ok(show(r, 0))
                })
                .unwrap_or_else(|_| "(unreadable)".into());
            self.report.add(Kind::BadSetting, || {
                format!(
                    "setting {}: {value} cannot be read; the default is used",
                    quote(&key)
                )
            });
        }
        Ok(())
    }
}
