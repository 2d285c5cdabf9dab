//! The figures of docs/database.md, computed from the database as of a given `now` in the
//! port's time zone. The dashboard and every snapshot format render the result.

pub mod alerts;
pub mod cache;
pub mod consignments;
pub mod exports;
pub mod facts;
pub mod listing;
pub mod model;
pub mod quality;
pub mod subjects;
pub mod yard;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

pub use model::*;

use crate::db::quality_vehicles::Tally;
use crate::db::settings::Settings;
use crate::time::{fmt_utc, Periods};
pub use cache::VehicleCache;

/// Computes every figure as of `now`, reading every vehicle. Thresholds come from
/// `settings`. See `compute_cached`.
pub fn compute(conn: &Connection, now: DateTime<Utc>) -> rusqlite::Result<Figures> {
    compute_cached(conn, now, &mut VehicleCache::once())
}

/// Computes every figure as of `now`, reading again only the vehicles that changed
/// since `cache` was last brought up to date (see `cache`).
/// Runs in one read transaction so that all figures describe the same moment; the
/// transaction ends before this returns (nothing is held between refreshes). Called
/// inside a caller's transaction, it reads within that one, so that the caller's
/// other reads describe the same moment too; it must then be that transaction's
/// first read.
pub fn compute_cached(
    conn: &Connection,
    now: DateTime<Utc>,
    cache: &mut VehicleCache,
) -> rusqlite::Result<Figures> {
    if !conn.is_autocommit() {
        let before = VehicleCache::look(conn);
        return compute_in_transaction(conn, now, cache, &before);
    }
    cache.prepare(conn, now)?;
    let before = VehicleCache::look(conn);
    conn.execute_batch("BEGIN")?;
    let result = compute_in_transaction(conn, now, cache, &before);
    // A read transaction has nothing to commit; ending it lets checkpoints proceed.
    let end = conn.execute_batch("COMMIT");
    let figures = result?;
    end?;
    Ok(figures)
}

/// The yard's figures alone, for a first frame on a large yard while the rest is
/// read: the yard through the status index and the pending consignments through
/// the consignment index, with the export counters left empty and the vehicles'
/// data quality not counted (no `data_quality` alert). The caller must show both
/// as not yet read, never as zero. Same transaction rules as `compute`.
pub fn compute_yard_first(conn: &Connection, now: DateTime<Utc>) -> rusqlite::Result<Figures> {
    let settings = Settings::read(conn)?;
    let tz = settings.timezone;
    let periods = Periods::new(&tz, now);
    let now_ms = now.timestamp_millis();
    let export_pass = exports::empty_pass(&tz, &periods);
    let yard_pass = yard::pass(conn, &settings, now_ms)?;
    let (pending, pending_bad_utf8) = consignments::pending(conn, &settings, now_ms, &export_pass.last_hour)?;
    let bad_utf8 = yard_pass.bad_utf8_rows + pending_bad_utf8;
    let data_quality = quality::scan(conn, &settings, bad_utf8, Some(Tally::default().counts()))?;
    let mut alerts = alerts::alerts(&yard_pass, &pending, &data_quality, &settings);
    alerts.retain(|a| a.kind != "data_quality");
    Ok(assemble(
        &settings,
        now,
        export_pass,
        yard_pass,
        pending,
        alerts,
        data_quality,
    ))
}

fn compute_in_transaction(
    conn: &Connection,
    now: DateTime<Utc>,
    cache: &mut VehicleCache,
    before: &cache::Before,
) -> rusqlite::Result<Figures> {
    let settings = Settings::read(conn)?;
    let tz = settings.timezone;
    let periods = Periods::new(&tz, now);
    let now_ms = now.timestamp_millis();

    let facts = cache.refresh(conn, before, &periods, &tz)?;
    let mut counter = exports::Counter::new(&tz, &periods);
    let mut vehicle_quality = Tally::default();
    for chunk in facts.chunks.values() {
        chunk.count_exports(&mut counter, facts.epoch);
        vehicle_quality.merge(&chunk.quality);
    }
    let export_pass = counter.finish(conn)?;
    let yard_pass = yard::pass_over(conn, &settings, now_ms, |each| {
        for v in facts.chunks.values().flat_map(|c| &c.yard) {
            each(v.view());
        }
        Ok(())
    })?;
    let status_counts = |ids: &[i64]| {
        let mut out = consignments::StatusCounts::new();
        for id in ids {
            let mut by_status = [0u64; 7];
            for chunk in facts.chunks.values() {
                if let Some(n) = chunk.by_consignment.get(id) {
                    for (sum, m) in by_status.iter_mut().zip(n) {
                        *sum += m;
                    }
                }
            }
            let list = crate::model::VehicleStatus::ALL
                .iter()
                .zip(by_status)
                .filter(|(_, n)| *n > 0)
                .map(|(s, n)| (*s, n))
                .collect();
            out.insert(*id, list);
        }
        Ok(out)
    };
    let (pending, pending_bad_utf8) =
        consignments::pending_with(conn, &settings, now_ms, &export_pass.last_hour, status_counts)?;
    let bad_utf8 = yard_pass.bad_utf8_rows + pending_bad_utf8;
    let data_quality = quality::scan(conn, &settings, bad_utf8, Some(vehicle_quality.counts()))?;
    let alerts = alerts::alerts(&yard_pass, &pending, &data_quality, &settings);
    Ok(assemble(
        &settings,
        now,
        export_pass,
        yard_pass,
        pending,
        alerts,
        data_quality,
    ))
}

fn assemble(
    settings: &Settings,
    now: DateTime<Utc>,
    export_pass: exports::ExportPass,
    yard_pass: yard::YardPass,
    pending: Vec<PendingConsignment>,
    alerts: Vec<Alert>,
    data_quality: DataQuality,
) -> Figures {
    Figures {
        schema_version: 1,
        generated_at: fmt_utc(now),
        timezone: settings.timezone_name.clone(),
        port: Port {
            name: settings.port_name.clone(),
            locode: settings.port_locode.clone(),
        },
        exports: export_pass.exports,
        yard: yard_pass.yard,
        consignments: pending,
        alerts,
        data_quality,
        rules: Rules {
            soc_max_pct: settings.soc_max_pct,
            soc_min_pct: settings.soc_min_pct,
            soc_check_max_age_h: settings.soc_check_max_age_h,
            long_dwell_days: settings.long_dwell_days,
            at_risk_hours: settings.at_risk_hours,
            uph_target: settings.uph_target,
        },
    }
}
