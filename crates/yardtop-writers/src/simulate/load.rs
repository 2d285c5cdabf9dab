//! Reading the simulator's picture of the yard from the database, tolerant of
//! anything another tool may have written: a row it cannot read is left alone,
//! but still takes its slot.

use std::time::Instant;

use rusqlite::Connection;

use super::model::{Block, Call, Cons, Model, Pos, Veh, IN_YARD_SQL};
use crate::db::value;
use crate::model::{CallStatus, ConsignmentStatus, HoldReason, Powertrain, VehicleStatus, Zone};

impl Model {
    /// Reads the yard in one read transaction (a consistent snapshot).
    pub(super) fn load(conn: &Connection) -> rusqlite::Result<Model> {
        let mut m = Model::default();
        m.load_blocks(conn)?;
        m.load_calls(conn)?;
        m.load_consignments(conn)?;
        m.load_vehicles(conn)?;
        Ok(m)
    }

    fn load_blocks(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let mut stmt =
            conn.prepare("SELECT code, zone, rows, slots_per_row FROM yard_blocks ORDER BY code")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let code = value::text(r, 0);
            let zone = value::text(r, 1).value.as_deref().and_then(Zone::parse);
            let nrows = value::integer(r, 2).ok().flatten();
            let spr = value::integer(r, 3).ok().flatten();
            // A block we cannot read is never used, but is kept out of the index
            // only if its code is unreadable too.
            let (Some(code), false) = (code.value, code.bad) else {
                continue;
            };
            let block = match (zone, nrows, spr) {
                (Some(z), Some(a), Some(b)) if a > 0 && b > 0 => Block::new(code.clone(), z, a, b),
                _ => Block::new(code.clone(), Zone::Quarantine, 0, 0),
            };
            self.block_index.insert(code, self.blocks.len());
            self.blocks.push(block);
        }
        Ok(())
    }

    fn load_calls(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let mut stmt = conn.prepare(
            "SELECT c.id, v.name, c.voyage, c.berth, c.eta, c.status
             FROM vessel_calls c LEFT JOIN vessels v ON v.imo = c.imo
             WHERE c.status IN ('expected', 'alongside')",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (Ok(Some(id)), Some(status)) = (
                value::integer(r, 0),
                value::text(r, 5).value.as_deref().and_then(CallStatus::parse),
            ) else {
                continue;
            };
            self.calls.insert(
                id,
                Call {
                    id,
                    vessel: value::text(r, 1).value.unwrap_or_else(|| "vessel".into()),
                    voyage: value::text_or_empty(r, 2),
                    berth: value::text(r, 3).value,
                    status,
                    eta: value::timestamp(r, 4).ok().flatten(),
                },
            );
        }
        Ok(())
    }

    fn load_consignments(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let mut stmt = conn.prepare(
            "SELECT id, ref, call_id, brand, planned_units, cutoff_at, status
             FROM consignments WHERE status IN ('open', 'loading')",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (Ok(Some(id)), Some(status)) = (
                value::integer(r, 0),
                value::text(r, 6)
                    .value
                    .as_deref()
                    .and_then(ConsignmentStatus::parse),
            ) else {
                continue;
            };
            self.cons.insert(
                id,
                Cons {
                    id,
                    reference: value::text_or_empty(r, 1),
                    call: value::integer(r, 2).ok().flatten(),
                    brand: value::text_or_empty(r, 3),
                    planned: value::integer(r, 4).ok().flatten().unwrap_or(0).max(0),
                    cutoff: value::timestamp(r, 5).ok().flatten(),
                    status,
                    delivered: 0,
                    expected_left: 0,
                    in_yard: 0,
                },
            );
        }
        // Per-status counts of the pending consignments' vehicles; the
        // (consignment_id, status) index answers this without touching history.
        let mut stmt = conn.prepare(
            "SELECT consignment_id, status, count(*) FROM vehicles
             WHERE consignment_id IN (SELECT id FROM consignments WHERE status IN ('open', 'loading'))
             GROUP BY consignment_id, status",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Ok(Some(id)) = value::integer(r, 0) else {
                continue;
            };
            let n: i64 = value::integer(r, 2).ok().flatten().unwrap_or(0);
            let status = value::text(r, 1).value.as_deref().and_then(VehicleStatus::parse);
            if let Some(c) = self.cons.get_mut(&id) {
                match status {
                    Some(VehicleStatus::Expected) => c.expected_left += n,
                    Some(s) if s.rank() >= 1 => c.delivered += n,
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn load_vehicles(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let sql = format!(
            "SELECT vin, powertrain, consignment_id, status, hold_reason, block, row, slot,
                    soc_pct, soc_checked_at
             FROM vehicles WHERE status IN {IN_YARD_SQL}"
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        // Vehicles held before this run count as held long enough to be released.
        let long_ago = Instant::now()
            .checked_sub(std::time::Duration::from_secs(3600))
            .unwrap_or_else(Instant::now);
        while let Some(r) = rows.next()? {
            let vin = value::text(r, 0);
            let powertrain = value::text(r, 1).value.as_deref().and_then(Powertrain::parse);
            let status = value::text(r, 3).value.as_deref().and_then(VehicleStatus::parse);
            let block = value::text(r, 5)
                .value
                .and_then(|b| self.block_index.get(&b).copied());
            let row = value::integer(r, 6).ok().flatten();
            let slot = value::integer(r, 7).ok().flatten();
            let (Some(vin), false, Some(powertrain), Some(status)) = (vin.value, vin.bad, powertrain, status)
            else {
                self.untouchable += 1;
                if let Some(b) = block {
                    self.blocks[b].occupy(row, slot);
                }
                continue;
            };
            let pos = match (block, row, slot) {
                (Some(b), Some(row), Some(slot)) => Some(Pos { block: b, row, slot }),
                _ => {
                    // In a block without a readable slot: it still takes room.
                    if let Some(b) = block {
                        self.blocks[b].occupy(None, None);
                        self.untouchable += 1;
                        continue;
                    }
                    None
                }
            };
            let hold = value::text(r, 4).value.as_deref().and_then(HoldReason::parse);
            let veh = Veh {
                powertrain,
                cons: value::integer(r, 2).ok().flatten(),
                status,
                pos,
                soc: value::real(r, 8).ok().flatten(),
                soc_at: value::timestamp(r, 9).ok().flatten(),
                hold,
                held_since: (status == VehicleStatus::Hold).then_some(long_ago),
            };
            self.add(vin, veh);
        }
        Ok(())
    }
}
