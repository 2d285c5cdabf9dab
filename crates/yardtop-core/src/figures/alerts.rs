//! Alerts: the safety and schedule problems, by kind and severity, most severe
//! first (docs/alerts.md). A kind with nothing to report is absent. Who belongs to
//! which alert is decided in `subjects`, nowhere else.

use crate::db::settings::Settings;
use crate::figures::model::{Alert, DataQuality, PendingConsignment, Severity};
use crate::figures::yard::YardPass;

use crate::figures::subjects::consignment_is;
pub use crate::figures::subjects::MAX_SUBJECTS;

fn fmt_pct(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}%")
    } else {
        format!("{p}%")
    }
}

fn subjects(mut list: Vec<String>) -> Vec<String> {
    list.sort();
    list.truncate(MAX_SUBJECTS);
    list
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn alerts(
    y: &YardPass,
    pending: &[PendingConsignment],
    dq: &DataQuality,
    rules: &Settings,
) -> Vec<Alert> {
    let mut out = Vec::new();
    let mut push = |kind: &str, severity: Severity, count: u64, subjects: Vec<String>, message: String| {
        if count > 0 {
            out.push(Alert {
                kind: kind.into(),
                severity,
                count,
                subjects,
                message,
                staged: 0,
            });
        }
    };

    let staged_over = y.over_max_staged;
    // Staged ones first (keyed "not staged" = false): they are about to roll onto the ship.
    let over: Vec<String> = y.over_max.keys().iter().map(|(_, vin)| vin.clone()).collect();
    let n = y.over_max.count;
    push(
        "soc_over_max",
        if staged_over > 0 {
            Severity::Critical
        } else {
            Severity::Warning
        },
        n,
        over,
        format!(
            "{} over the {} SoC limit{}: must not be loaded; discharge or hold",
            plural(n, "NEV", "NEVs"),
            fmt_pct(rules.soc_max_pct),
            if staged_over > 0 {
                format!(", {staged_over} of them staged")
            } else {
                String::new()
            }
        ),
    );
    let n = y.under_min.count;
    push(
        "soc_under_min",
        Severity::Warning,
        n,
        y.under_min.list(),
        format!(
            "{} under {} SoC: needs charge",
            plural(n, "NEV", "NEVs"),
            fmt_pct(rules.soc_min_pct)
        ),
    );
    let n = y.unchecked.count;
    push(
        "soc_unchecked",
        Severity::Warning,
        n,
        y.unchecked.list(),
        format!(
            "{} without a SoC reading in the last {} h: check before loading",
            plural(n, "NEV", "NEVs"),
            rules.soc_check_max_age_h
        ),
    );
    let n = y.battery_holds.count;
    push(
        "battery_hold",
        Severity::Critical,
        n,
        y.battery_holds.list(),
        format!("{} on battery hold", plural(n, "vehicle", "vehicles")),
    );
    let n = y.damage_holds.count;
    push(
        "damage_hold",
        Severity::Critical,
        n,
        y.damage_holds.list(),
        format!("{} on damage hold", plural(n, "vehicle", "vehicles")),
    );
    let n = y.outside_nev_zone.count;
    push(
        "nev_outside_nev_zone",
        Severity::Warning,
        n,
        y.outside_nev_zone.list(),
        format!(
            "{} parked in an ICE block: move to an NEV block",
            plural(n, "NEV", "NEVs")
        ),
    );
    let n = y.over_capacity.count;
    push(
        "block_over_capacity",
        Severity::Warning,
        n,
        y.over_capacity.list(),
        format!(
            "{} holding more vehicles than slots",
            plural(n, "block", "blocks")
        ),
    );
    let ahead: Vec<String> = pending
        .iter()
        .filter(|c| consignment_is("consignment_at_risk", c))
        .map(|c| c.reference.clone())
        .collect();
    let n = ahead.len() as u64;
    push(
        "consignment_at_risk",
        Severity::Warning,
        n,
        subjects(ahead),
        format!(
            "{} short or on hold with the cut-off within {} h",
            plural(n, "consignment", "consignments"),
            rules.at_risk_hours
        ),
    );
    let passed: Vec<String> = pending
        .iter()
        .filter(|c| consignment_is("cutoff_passed", c))
        .map(|c| c.reference.clone())
        .collect();
    let n = passed.len() as u64;
    push(
        "cutoff_passed",
        Severity::Critical,
        n,
        subjects(passed),
        format!(
            "{} past the cut-off, short or on hold",
            plural(n, "consignment", "consignments")
        ),
    );
    let n = y.long_dwell.count;
    push(
        "long_dwell",
        Severity::Info,
        n,
        y.long_dwell.list(),
        format!(
            "{} in the yard longer than {} days",
            plural(n, "vehicle", "vehicles"),
            rules.long_dwell_days
        ),
    );
    push(
        "data_quality",
        Severity::Info,
        dq.problems,
        dq.by_kind
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| format!("{k}: {n}"))
            .collect(),
        format!(
            "{} with unreadable values, left out of the figures: run `yardtop check`",
            plural(dq.problems, "row", "rows")
        ),
    );
    if let Some(a) = out.iter_mut().find(|a| a.kind == "soc_over_max") {
        a.staged = staged_over;
    }
    // Stable: kinds keep the order above within a severity.
    out.sort_by_key(|a| a.severity);
    out
}
