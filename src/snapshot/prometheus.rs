//! `snapshot --format prometheus`: the figures in Prometheus text exposition format,
//! for node_exporter's textfile collector (write to a temp file, then rename).
//!
//! The rules (every metric is listed in docs/metrics.md):
//! - every series carries the yard's `locode`, so several yards' files on one
//!   node_exporter never collide;
//! - a label's values partition what the metric counts, so `sum()` over it is a
//!   meaningful total (periods are separate metrics, not a label);
//! - no date and no free text that changes with every load is a label: the record
//!   consignment is described by gauges, its reference is in the JSON snapshot;
//! - names carry their base unit (`_seconds`, `_ratio`) or the thing counted; all
//!   are gauges, so none ends in `_total`.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, NaiveDate};

use crate::figures::{Count, Figures};

// The alert kinds by what they count, each always present (0 when not open): the
// figures' own lists of kinds.
use crate::figures::subjects::{
    BLOCK_KIND, CONSIGNMENT_KINDS as CONSIGNMENT_ALERTS, VEHICLE_KINDS as VEHICLE_ALERTS,
};
const BLOCK_ALERTS: [&str; 1] = [BLOCK_KIND];

struct Out {
    text: String,
    /// `locode="…"`, first on every series.
    locode: String,
    seen: HashSet<String>,
}

impl Out {
    fn family(&mut self, name: &str, help: &str) {
        let _ = writeln!(self.text, "# HELP yardtop_{name} {help}");
        let _ = writeln!(self.text, "# TYPE yardtop_{name} gauge");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        let mut all = self.locode.clone();
        for (k, v) in labels {
            let _ = write!(all, ",{k}=\"{}\"", escape(v));
        }
        // Two texts the sanitizer shows alike (or cuts alike) would make a
        // duplicate series, which the format forbids: the first one stands.
        let line = format!("yardtop_{name}{{{all}}}");
        if self.seen.insert(line.clone()) {
            let _ = writeln!(self.text, "{line} {value}");
        }
    }

    /// A family of one series.
    fn single(&mut self, name: &str, help: &str, value: f64) {
        self.family(name, help);
        self.sample(name, &[], value);
    }

    /// A family split NEV / other: the two series add up to the whole.
    fn by_class(&mut self, name: &str, labels: &[(&str, &str)], c: Count) {
        self.sample(name, &[labels, &[("class", "nev")]].concat(), c.nev as f64);
        let other = c.units.saturating_sub(c.nev) as f64;
        self.sample(name, &[labels, &[("class", "other")]].concat(), other);
    }
}

/// Label values: database text made harmless, then escaped as the format asks.
fn escape(v: &str) -> String {
    crate::sanitize::clean(v)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The database's last change: the newer modification time of the file and its
/// WAL (a commit in WAL mode touches only the WAL). None when neither can be read.
pub fn last_change(db: &Path) -> Option<SystemTime> {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    [db.to_path_buf(), wal.into()]
        .iter()
        .filter_map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .max()
}

fn unix(t: SystemTime) -> f64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64().floor(),
        Err(e) => -e.duration().as_secs_f64().ceil(),
    }
}

/// An RFC 3339 instant as Unix seconds.
fn rfc3339_seconds(s: &str) -> Option<f64> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.timestamp() as f64)
}

/// The start (port-local midnight) of a port day, as Unix seconds.
fn port_day_start(date: &str, timezone: &str) -> Option<f64> {
    let tz: chrono_tz::Tz = timezone.parse().ok()?;
    let day = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let midnight = day.and_hms_opt(0, 0, 0)?;
    let local = midnight.and_local_timezone(tz).earliest()?;
    Some(local.timestamp() as f64)
}

pub fn render(f: &Figures, last_change: Option<SystemTime>) -> String {
    let code = if f.port.locode.trim().is_empty() {
        "unknown"
    } else {
        f.port.locode.as_str()
    };
    let mut o = Out {
        text: String::new(),
        locode: format!("locode=\"{}\"", escape(code)),
        seen: HashSet::new(),
    };
    if let Some(t) = rfc3339_seconds(&f.generated_at) {
        o.single(
            "generated_timestamp_seconds",
            "When the figures were computed (the --now they are as of), Unix time.",
            t,
        );
    }
    if let Some(t) = last_change {
        o.single(
            "database_last_change_timestamp_seconds",
            "Last modification of the yard database or its WAL, Unix time.",
            unix(t),
        );
    }
    exports(&mut o, f);
    yard(&mut o, f);
    consignments(&mut o, f);
    alerts(&mut o, f);
    o.text
}

fn exports(o: &mut Out, f: &Figures) {
    let e = &f.exports;
    for (name, what, c) in [
        ("exports_today_vehicles", "today (port day)", e.today),
        ("exports_month_vehicles", "this month (port time)", e.month),
        ("exports_year_vehicles", "this year (port time)", e.year),
        (
            "exports_prior_year_same_period_vehicles",
            "from 1 January last year to the same instant one year ago",
            e.year_prior_same_period,
        ),
    ] {
        o.family(name, &format!("Vehicles exported (loaded) {what}, NEV or other."));
        o.by_class(name, &[], c);
    }
    if let Some(r) = e.nev_yoy_ratio {
        o.single(
            "exports_nev_yoy_ratio",
            "NEVs exported this year / in the same period last year.",
            r,
        );
    }
    if let Some(r) = &e.record_consignment {
        o.family(
            "record_consignment_vehicles",
            "Exported vehicles of the record consignment (most exported, all time), NEV or other.",
        );
        o.by_class(
            "record_consignment_vehicles",
            &[],
            Count {
                units: r.units,
                nev: r.nev,
            },
        );
        if let Some(t) = port_day_start(&r.loaded_on, &f.timezone) {
            o.single(
                "record_consignment_last_load_day_timestamp_seconds",
                "Start (port-local midnight) of the port day of the record consignment's last load, Unix time.",
                t,
            );
        }
    }
}

fn yard(o: &mut Out, f: &Figures) {
    let y = &f.yard;
    o.family(
        "yard_vehicles",
        "Vehicles in the yard (gated in, parked, hold, staged), NEV or other.",
    );
    o.by_class(
        "yard_vehicles",
        &[],
        Count {
            units: y.in_yard,
            nev: y.in_yard_nev,
        },
    );
    o.single(
        "yard_capacity_slots",
        "Slots in all yard blocks.",
        y.capacity as f64,
    );
    o.family("block_vehicles", "Vehicles in the yard per block, NEV or other.");
    for b in &y.blocks {
        let c = Count {
            units: b.occupied,
            nev: b.nev,
        };
        o.by_class("block_vehicles", &[("block", &b.code), ("zone", &b.zone)], c);
    }
    o.family("block_capacity_slots", "Slots per block.");
    for b in &y.blocks {
        o.sample(
            "block_capacity_slots",
            &[("block", &b.code), ("zone", &b.zone)],
            b.capacity as f64,
        );
    }
    o.family(
        "nev_soc_vehicles",
        "NEVs in the yard by SoC band (each NEV in exactly one band).",
    );
    for (band, n) in [
        ("over_max", y.soc.over_max),
        ("under_min", y.soc.under_min),
        ("unchecked", y.soc.unchecked),
        ("in_band", y.soc.in_band),
    ] {
        o.sample("nev_soc_vehicles", &[("band", band)], n as f64);
    }
    o.family("hold_vehicles", "Vehicles on hold by reason.");
    let h = &y.holds;
    for (reason, n) in [
        ("customs", h.customs),
        ("damage", h.damage),
        ("battery", h.battery),
        ("documents", h.documents),
        ("other", h.other),
    ] {
        o.sample("hold_vehicles", &[("reason", reason)], n as f64);
    }
    o.single(
        "long_dwell_vehicles",
        "Vehicles in the yard longer than long_dwell_days.",
        y.long_dwell as f64,
    );
    o.single(
        "nev_outside_nev_zone_vehicles",
        "NEVs in the yard parked in an ICE block.",
        y.nev_outside_nev_zone as f64,
    );
}

fn consignments(o: &mut Out, f: &Figures) {
    let pending = &f.consignments;
    o.single(
        "pending_consignments",
        "Open and loading consignments.",
        pending.len() as f64,
    );
    o.single(
        "at_risk_consignments",
        "Open and loading consignments at risk of missing their cut-off (passed ones included).",
        pending.iter().filter(|c| c.at_risk).count() as f64,
    );
    o.family(
        "consignment_planned_vehicles",
        "Planned units of each pending consignment.",
    );
    for c in pending {
        o.sample(
            "consignment_planned_vehicles",
            &[("ref", &c.reference)],
            c.planned as f64,
        );
    }
    o.family(
        "consignment_vehicles",
        "Vehicles of each pending consignment by state (the states do not overlap; delivered = all but expected).",
    );
    for c in pending {
        for (state, n) in [
            ("expected", c.expected),
            ("in_yard", c.in_yard),
            ("hold", c.hold),
            ("staged", c.staged),
            ("loaded", c.loaded),
        ] {
            o.sample(
                "consignment_vehicles",
                &[("ref", &c.reference), ("state", state)],
                n as f64,
            );
        }
    }
    o.family(
        "consignment_loaded_last_hour_vehicles",
        "Vehicles of each pending consignment loaded in the last 60 minutes (its UPH).",
    );
    for c in pending {
        o.sample(
            "consignment_loaded_last_hour_vehicles",
            &[("ref", &c.reference)],
            c.uph as f64,
        );
    }
    o.family(
        "consignment_cutoff_timestamp_seconds",
        "Cut-off of each pending consignment, Unix time (absent when unreadable).",
    );
    for c in pending {
        if let Some(t) = c.cutoff_at.as_deref().and_then(rfc3339_seconds) {
            o.sample(
                "consignment_cutoff_timestamp_seconds",
                &[("ref", &c.reference)],
                t,
            );
        }
    }
    o.family(
        "consignment_at_risk",
        "1 when the pending consignment is at risk of missing its cut-off, else 0.",
    );
    for c in pending {
        o.sample(
            "consignment_at_risk",
            &[("ref", &c.reference)],
            c.at_risk as u8 as f64,
        );
    }
}

fn alerts(o: &mut Out, f: &Figures) {
    let count: BTreeMap<&str, u64> = f.alerts.iter().map(|a| (a.kind.as_str(), a.count)).collect();
    for (name, help, kinds) in [
        (
            "alert_vehicles",
            "Vehicles an alert of this kind names (a vehicle may be named by several kinds).",
            &VEHICLE_ALERTS[..],
        ),
        (
            "alert_consignments",
            "Consignments an alert of this kind names.",
            &CONSIGNMENT_ALERTS[..],
        ),
        (
            "alert_blocks",
            "Blocks an alert of this kind names.",
            &BLOCK_ALERTS[..],
        ),
    ] {
        o.family(name, help);
        for kind in kinds {
            let n = count.get(kind).copied().unwrap_or(0);
            o.sample(name, &[("kind", kind)], n as f64);
        }
    }
    o.family(
        "open_alert_kinds",
        "Alert kinds open now (count above 0), by severity.",
    );
    for sev in ["critical", "warning", "info"] {
        let n = f
            .alerts
            .iter()
            .filter(|a| a.count > 0 && a.severity.as_str() == sev)
            .count();
        o.sample("open_alert_kinds", &[("severity", sev)], n as f64);
    }
    o.family(
        "data_quality_rows",
        "Rows with an unreadable value, by kind of problem (a row may have several kinds).",
    );
    for (kind, n) in &f.data_quality.by_kind {
        o.sample("data_quality_rows", &[("kind", kind)], *n as f64);
    }
    o.single(
        "data_quality_problem_rows",
        "Rows with at least one unreadable value.",
        f.data_quality.problems as f64,
    );
}
