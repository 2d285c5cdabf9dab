//! The figures of docs/database.md, computed from the database as of a given `now` in the
//! port's time zone. The dashboard and every snapshot format render the result.

pub mod alerts;
pub mod consignments;
pub mod exports;
pub mod listing;
pub mod model;
pub mod quality;
pub mod subjects;
pub mod yard;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

pub use model::*;

use crate::db::settings::Settings;
use crate::time::{fmt_utc, Periods};

/// Computes every figure as of `now`. Thresholds come from `settings`.
/// Runs in one read transaction so that all figures describe the same moment; the
/// transaction ends before this returns (nothing is held between refreshes). Called
/// inside a caller's transaction, it reads within that one, so that the caller's
/// other reads describe the same moment too.
pub fn compute(conn: &Connection, now: DateTime<Utc>) -> rusqlite::Result<Figures> {
    if !conn.is_autocommit() {
        return compute_in_transaction(conn, now);
    }
    conn.execute_batch("BEGIN")?;
    let result = compute_in_transaction(conn, now);
    // A read transaction has nothing to commit; ending it lets checkpoints proceed.
    let end = conn.execute_batch("COMMIT");
    let figures = result?;
    end?;
    Ok(figures)
}

fn compute_in_transaction(conn: &Connection, now: DateTime<Utc>) -> rusqlite::Result<Figures> {
    let settings = Settings::read(conn)?;
    let tz = settings.timezone;
    let periods = Periods::new(&tz, now);
    let now_ms = now.timestamp_millis();

    // History is read once: the data-quality scan of every vehicle counts the
    // exports as it goes.
    let mut counter = exports::Counter::new(&tz, &periods);
    let vehicle_quality = {
        use crate::db::quality_vehicles as v;
        v::scan_each(conn, |row| {
            let export = crate::db::queries::export_of(
                row[v::STATUS],
                row[v::LOADED_AT],
                row[v::POWERTRAIN],
                row[v::CONSIGNMENT_ID],
            );
            if let Some(e) = export {
                counter.add(&e);
            }
        })?
    };
    let export_pass = counter.finish(conn)?;
    let yard_pass = yard::pass(conn, &settings, now_ms)?;
    let (pending, pending_bad_utf8) = consignments::pending(conn, &settings, now_ms, &export_pass.last_hour)?;
    let bad_utf8 = yard_pass.bad_utf8_rows + pending_bad_utf8;
    let data_quality = quality::scan(conn, &settings, bad_utf8, Some(vehicle_quality))?;
    let alerts = alerts::alerts(&yard_pass, &pending, &data_quality, &settings);

    Ok(Figures {
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
    })
}
