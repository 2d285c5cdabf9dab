//! The data-quality scan: every row of every contract table, read without
//! trusting any value, in one read transaction so that references between tables
//! are judged on one snapshot even while a simulator writes. Memory stays small:
//! only the keys of the small tables (blocks, vessels, calls, consignments) and
//! per-block counts are held; vehicles and events are streamed.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, Row};

use super::kinds::Kind;
use super::read::{bad_text, int, int_ok, is_null, pct_ok, proper_text, quote, show, ts_ok};
use super::report::Report;
use crate::db::settings::Settings;
use crate::db::value;
use crate::model::{CallStatus, ConsignmentStatus, HoldReason, Powertrain, VehicleStatus, Zone};
use crate::writers::validate::{self, VinVerdict};

struct BlockInfo {
    zone: Option<Zone>,
    capacity: Option<i64>,
    rows: i64,
    slots_per_row: i64,
}

pub struct Scan<'a> {
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
    pub fn new(conn: &'a Connection, report: &'a mut Report) -> Scan<'a> {
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
    pub fn run(&mut self) -> rusqlite::Result<()> {
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

    fn vehicle(&mut self, row: &Row<'_>, no: u64) {
        let vin = proper_text(row, 0);
        let label = match vin.as_deref() {
            Some(v) => format!("vehicle {}", crate::sanitize::clean(v)),
            None => format!("vehicle with VIN {}", show(row, 0)),
        };
        match vin.as_deref().map(validate::vin) {
            None => self
                .report
                .hit(Kind::BadVin, no, || format!("{label}: not a readable VIN")),
            Some(VinVerdict::Valid) => {}
            Some(VinVerdict::CheckDigitWarning(why)) => self.report.warn_vin(|| format!("{label}: {why}")),
            Some(VinVerdict::Invalid(why)) => self.report.hit(Kind::BadVin, no, || {
                format!("{label}: {}", crate::sanitize::clean(&why))
            }),
        }
        self.text_cols(
            row,
            no,
            &label,
            &[
                (0, "vin"),
                (1, "make"),
                (2, "model"),
                (3, "powertrain"),
                (7, "status"),
                (8, "hold_reason"),
                (9, "block"),
            ],
        );
        self.ts_cols(
            row,
            no,
            &label,
            &[
                (5, "soc_checked_at"),
                (12, "gate_in_at"),
                (13, "loaded_at"),
                (14, "updated_at"),
            ],
        );
        self.int_cols(
            row,
            no,
            &label,
            &[(6, "consignment_id"), (10, "row"), (11, "slot")],
        );
        if !pct_ok(row, 4) {
            self.report.hit(Kind::BadNumber, no, || {
                format!(
                    "{label}: soc_pct is {}, not a percentage from 0 to 100",
                    show(row, 4)
                )
            });
        }
        let powertrain = proper_text(row, 3).as_deref().and_then(Powertrain::parse);
        if powertrain.is_none() {
            self.report.hit(Kind::UnknownPowertrain, no, || {
                format!("{label}: powertrain is {}", show(row, 3))
            });
        }
        let status = proper_text(row, 7).as_deref().and_then(VehicleStatus::parse);
        if status.is_none() {
            self.report.hit(Kind::UnknownStatus, no, || {
                format!("{label}: status is {}", show(row, 7))
            });
        }
        if is_null(row, 8) {
            if status == Some(VehicleStatus::Hold) {
                self.report.hit(Kind::UnknownHoldReason, no, || {
                    format!("{label}: on hold without a hold_reason")
                });
            }
        } else if proper_text(row, 8)
            .as_deref()
            .and_then(HoldReason::parse)
            .is_none()
        {
            self.report.hit(Kind::UnknownHoldReason, no, || {
                format!("{label}: hold_reason is {}", show(row, 8))
            });
        }
        if status.is_some_and(|s| s.is_loaded()) && is_null(row, 13) {
            self.report.hit(Kind::LoadedWithoutTime, no, || {
                format!("{label}: {} without loaded_at", show(row, 7))
            });
        }
        if let Some(c) = int(row, 6) {
            if !self.consignments.contains(&c) {
                self.report.hit(Kind::MissingReference, no, || {
                    format!("{label}: consignment {c} is not in consignments")
                });
            }
        }
        let block = value::text(row, 9).value;
        let known = block.as_ref().and_then(|b| self.blocks.get(b));
        if block.is_some() && known.is_none() {
            self.report.hit(Kind::MissingReference, no, || {
                format!("{label}: block {} is not in yard_blocks", show(row, 9))
            });
        }
        if let (Some(code), Some(info), Some(st)) = (block, known, status) {
            if st.in_yard() {
                if powertrain.is_some_and(|p| p.is_nev()) && info.zone == Some(Zone::Ice) {
                    self.report.hit(Kind::NevInIceBlock, no, || {
                        format!("{label}: {} in ICE block {}", show(row, 3), show(row, 9))
                    });
                }
                *self.occupancy.entry(code).or_default() += 1;
            }
        }
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

    fn capacity(&mut self) {
        let mut over: Vec<(&String, u64, &BlockInfo)> = self
            .blocks
            .iter()
            .filter_map(|(code, b)| {
                let n = self.occupancy.get(code).copied().unwrap_or(0);
                b.capacity.filter(|c| n as i64 > *c).map(|_| (code, n, b))
            })
            .collect();
        over.sort_by(|a, b| a.0.cmp(b.0));
        for (code, n, b) in over {
            self.report.add(Kind::BlockOverCapacity, || {
                format!(
                    "block {}: {n} vehicles in the yard, capacity {} ({} rows x {} slots)",
                    quote(code),
                    b.capacity.unwrap_or(0),
                    b.rows,
                    b.slots_per_row
                )
            });
        }
    }

    fn slots(&mut self) -> rusqlite::Result<()> {
        let conn = self.conn;
        let mut stmt = conn.prepare(
            "SELECT block, row, slot, count(*), min(vin), max(vin) FROM vehicles
             WHERE status IN ('gated_in', 'parked', 'hold', 'staged')
               AND block IS NOT NULL AND row IS NOT NULL AND slot IS NOT NULL
             GROUP BY block, row, slot HAVING count(*) > 1
             ORDER BY block, row, slot",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            self.report.add(Kind::SlotConflict, || {
                format!(
                    "block {} row {} slot {}: held by {} vehicles ({} … {})",
                    show(row, 0),
                    show(row, 1),
                    show(row, 2),
                    show(row, 3),
                    show(row, 4),
                    show(row, 5)
                )
            });
        }
        Ok(())
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
