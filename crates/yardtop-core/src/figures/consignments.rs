//! Pending consignments (docs/database.md; README.md, "Snapshots and monitoring"): open and loading ones by cut-off, with their
//! progress, loading rate and at-risk flag.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::db::queries;
use crate::db::settings::Settings;
use crate::figures::model::PendingConsignment;
use crate::model::VehicleStatus;
use crate::time::fmt_utc;

/// How many of each consignment's vehicles are in each status, for the ids asked.
pub type StatusCounts = HashMap<i64, Vec<(VehicleStatus, u64)>>;

/// The pending consignments, their vehicles counted by `queries::consignment_status_counts`.
pub fn pending(
    conn: &Connection,
    rules: &Settings,
    now_ms: i64,
    last_hour: &HashMap<i64, u64>,
) -> rusqlite::Result<(Vec<PendingConsignment>, u64)> {
    pending_with(conn, rules, now_ms, last_hour, |ids| {
        queries::consignment_status_counts(conn, ids)
    })
}

/// The pending consignments, their vehicles counted by `counts`.
pub fn pending_with(
    conn: &Connection,
    rules: &Settings,
    now_ms: i64,
    last_hour: &HashMap<i64, u64>,
    counts: impl FnOnce(&[i64]) -> rusqlite::Result<StatusCounts>,
) -> rusqlite::Result<(Vec<PendingConsignment>, u64)> {
    let window_ms = (rules.at_risk_hours * 3_600_000.0) as i64;
    let mut out = Vec::new();
    let rows = queries::pending_consignments(conn)?;
    let bad_utf8 = rows.iter().filter(|r| r.bad_utf8).count() as u64;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let counts = counts(&ids)?;
    for row in rows {
        let mut c = PendingConsignment {
            id: row.id,
            reference: row.reference,
            brand: row.brand,
            vessel: row.vessel,
            voyage: row.voyage,
            call_status: row.call_status,
            destination: row.destination,
            cutoff_at: None,
            cutoff_in_s: None,
            status: row.status.as_str().to_string(),
            planned: row.planned.unwrap_or(0),
            expected: 0,
            in_yard: 0,
            hold: 0,
            staged: 0,
            loaded: 0,
            delivered: 0,
            uph: last_hour.get(&row.id).copied().unwrap_or(0),
            at_risk: false,
            cutoff_passed: false,
        };
        for &(status, n) in counts.get(&row.id).map(Vec::as_slice).unwrap_or(&[]) {
            match status {
                VehicleStatus::Expected => c.expected += n,
                VehicleStatus::GatedIn | VehicleStatus::Parked => c.in_yard += n,
                VehicleStatus::Hold => c.hold += n,
                VehicleStatus::Staged => c.staged += n,
                VehicleStatus::Loaded | VehicleStatus::Departed => c.loaded += n,
            }
        }
        c.delivered = c.in_yard + c.hold + c.staged + c.loaded;
        if let Ok(Some(cutoff)) = row.cutoff_ms {
            c.cutoff_at = chrono::DateTime::from_timestamp_millis(cutoff).map(fmt_utc);
            c.cutoff_in_s = Some((cutoff - now_ms).div_euclid(1000));
            c.cutoff_passed = cutoff <= now_ms;
            let short = c.delivered < c.planned || c.hold > 0;
            c.at_risk = cutoff - now_ms <= window_ms && short;
        }
        out.push((row.cutoff_ms.ok().flatten(), c));
    }
    // By cut-off (unknown cut-offs last), then ref.
    out.sort_by(|(a, ca), (b, cb)| {
        a.is_none()
            .cmp(&b.is_none())
            .then(a.cmp(b))
            .then_with(|| ca.reference.cmp(&cb.reference))
    });
    Ok((out.into_iter().map(|(_, c)| c).collect(), bad_utf8))
}
