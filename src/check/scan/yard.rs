//! The checks that need the whole yard in view: each vehicle against its
//! consignment and block, blocks over capacity and slots held twice.

use rusqlite::Row;

use super::{BlockInfo, Scan};
use crate::check::kinds::Kind;
use crate::check::read::{int, is_null, pct_ok, proper_text, quote, show};
use crate::db::value;
use crate::model::{HoldReason, Powertrain, VehicleStatus, Zone};
use crate::validate::{self, VinVerdict};

impl Scan<'_> {
    pub(super) fn vehicle(&mut self, row: &Row<'_>, no: u64) {
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
        if is_null(row, 3) {
            self.report.hit(Kind::MissingValue, no, || {
                format!("{label}: powertrain is missing ({})", show(row, 3))
            });
        } else if powertrain.is_none() {
            self.report.hit(Kind::UnknownPowertrain, no, || {
                format!("{label}: powertrain is {}", show(row, 3))
            });
        }
        let status = proper_text(row, 7).as_deref().and_then(VehicleStatus::parse);
        if is_null(row, 7) {
            self.report.hit(Kind::MissingValue, no, || {
                format!("{label}: status is missing ({})", show(row, 7))
            });
        } else if status.is_none() {
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

    pub(super) fn capacity(&mut self) {
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

    pub(super) fn slots(&mut self) -> rusqlite::Result<()> {
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
}
