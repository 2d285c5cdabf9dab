//! Who is the subject of which alert: the one definition of each alert's membership
//! (see docs/alerts.md). The figures count with it, the alert drill-down lists with
//! it and `snapshot --format csv --alert` writes with it, so a count and its list can
//! never disagree. Also the first few subjects an alert names in the figures.

use crate::db::queries::YardVehicle;
use crate::db::settings::Settings;
use crate::figures::model::{BlockFigures, PendingConsignment};
use crate::model::{soc_band_of, HoldReason, SocBand, VehicleStatus};

/// Subjects an alert lists at most in the figures (the JSON snapshot); the
/// drill-down and the CSV list them all.
pub const MAX_SUBJECTS: usize = 20;

/// The alert kinds whose subjects are vehicles in the yard.
pub const VEHICLE_KINDS: [&str; 7] = [
    "soc_over_max",
    "soc_under_min",
    "soc_unchecked",
    "battery_hold",
    "damage_hold",
    "nev_outside_nev_zone",
    "long_dwell",
];

/// The alert kinds whose subjects are pending consignments.
pub const CONSIGNMENT_KINDS: [&str; 2] = ["consignment_at_risk", "cutoff_passed"];

/// The alert kind whose subjects are yard blocks.
pub const BLOCK_KIND: &str = "block_over_capacity";

/// What an alert's subjects are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectKind {
    Vehicle,
    Consignment,
    Block,
    /// `data_quality`: kinds of unreadable values (`yardtop check` lists the rows).
    Problem,
}

/// What the subjects of `kind` are; None for a kind that is not an alert.
pub fn subject_kind(kind: &str) -> Option<SubjectKind> {
    if VEHICLE_KINDS.contains(&kind) {
        Some(SubjectKind::Vehicle)
    } else if CONSIGNMENT_KINDS.contains(&kind) {
        Some(SubjectKind::Consignment)
    } else if kind == BLOCK_KIND {
        Some(SubjectKind::Block)
    } else if kind == "data_quality" {
        Some(SubjectKind::Problem)
    } else {
        None
    }
}

/// Which vehicle alerts one vehicle in the yard belongs to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Membership {
    /// Its SoC band; None when it is not an NEV (only NEVs have bands).
    pub band: Option<SocBand>,
    pub staged: bool,
    pub battery_hold: bool,
    pub damage_hold: bool,
    pub outside_nev_zone: bool,
    pub long_dwell: bool,
}

impl Membership {
    /// Is the vehicle a subject of the vehicle alert `kind`?
    pub fn is(&self, kind: &str) -> bool {
        match kind {
            "soc_over_max" => self.band == Some(SocBand::OverMax),
            "soc_under_min" => self.band == Some(SocBand::UnderMin),
            "soc_unchecked" => self.band == Some(SocBand::Unchecked),
            "battery_hold" => self.battery_hold,
            "damage_hold" => self.damage_hold,
            "nev_outside_nev_zone" => self.outside_nev_zone,
            "long_dwell" => self.long_dwell,
            _ => false,
        }
    }
}

/// The alerts a vehicle in the yard belongs to as of `now_ms`. `zone` is the zone of
/// its block (None when it has no known block).
///
/// A reading that is missing, unreadable (value or time) or stale is not trusted:
/// the NEV is unchecked, never over or under. An unreadable reading is also a
/// data-quality problem, which `figures::quality` counts.
pub fn classify(v: &YardVehicle<'_>, zone: Option<&str>, rules: &Settings, now_ms: i64) -> Membership {
    let nev = v.powertrain.is_some_and(|pt| pt.is_nev());
    let held = |reason| v.status == VehicleStatus::Hold && v.hold_reason == Some(reason);
    // The one SoC rule (`model::soc_band_of`): every NEV in exactly one band.
    let band = nev.then(|| {
        soc_band_of(
            v.soc_pct,
            v.soc_checked_ms,
            now_ms,
            rules.soc_max_pct,
            rules.soc_min_pct,
            rules.soc_check_max_age_h,
        )
    });
    Membership {
        band,
        staged: v.status == VehicleStatus::Staged,
        battery_hold: held(HoldReason::Battery),
        damage_hold: held(HoldReason::Damage),
        outside_nev_zone: nev && zone == Some("ice"),
        long_dwell: matches!(v.gate_in_ms, Ok(Some(gate_in))
            if (now_ms - gate_in) as f64 > rules.long_dwell_days * 86_400_000.0),
    }
}

/// Is the pending consignment a subject of the consignment alert `kind`? At risk
/// with the cut-off still ahead, or at risk with the cut-off passed.
pub fn consignment_is(kind: &str, c: &PendingConsignment) -> bool {
    match kind {
        "consignment_at_risk" => c.at_risk && !c.cutoff_passed,
        "cutoff_passed" => c.at_risk && c.cutoff_passed,
        _ => false,
    }
}

/// Is the block a subject of `block_over_capacity`?
pub fn block_over_capacity(b: &BlockFigures) -> bool {
    b.occupied > b.capacity
}

/// Why a pending consignment is at risk, in words: `short 37`, `2 on hold`,
/// `short 3, 1 on hold`; empty when it is complete.
pub fn risk_reason(c: &PendingConsignment) -> String {
    let short = c.planned.saturating_sub(c.delivered);
    match (short, c.hold) {
        (0, 0) => String::new(),
        (s, 0) => format!("short {s}"),
        (0, h) => format!("{h} on hold"),
        (s, h) => format!("short {s}, {h} on hold"),
    }
}

/// The `MAX_SUBJECTS` smallest keys seen, in order, and how many were offered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Subjects<K: Ord> {
    first: Vec<K>,
    pub count: u64,
}

impl<K: Ord> Subjects<K> {
    /// Counts one subject; `make` builds its key only when it is kept.
    pub fn offer(&mut self, wins: impl FnOnce(Option<&K>) -> bool, make: impl FnOnce() -> K) {
        self.count += 1;
        if self.first.len() < MAX_SUBJECTS || wins(self.first.last()) {
            let key = make();
            let at = self.first.partition_point(|k| *k < key);
            self.first.insert(at, key);
            self.first.truncate(MAX_SUBJECTS);
        }
    }

    pub fn keys(&self) -> &[K] {
        &self.first
    }
}

impl Subjects<String> {
    /// Offers a text subject, allocated only when it is among the first.
    pub fn offer_str(&mut self, s: &str) {
        self.offer(|last| last.is_none_or(|l| s < l.as_str()), || s.to_string());
    }

    pub fn list(&self) -> Vec<String> {
        self.first.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_twenty_in_order_and_counts_all() {
        let mut s = Subjects::<String>::default();
        for i in (0..100).rev() {
            s.offer_str(&format!("V{i:03}"));
        }
        assert_eq!(s.count, 100);
        assert_eq!(s.keys().len(), MAX_SUBJECTS);
        assert_eq!(s.keys()[0], "V000");
        assert_eq!(s.keys()[19], "V019");
    }

    #[test]
    fn the_risk_reason_names_the_shortfall_and_the_holds() {
        let c = |planned, delivered, hold| PendingConsignment {
            id: 1,
            reference: "R".into(),
            brand: String::new(),
            vessel: String::new(),
            voyage: String::new(),
            call_status: String::new(),
            destination: String::new(),
            cutoff_at: None,
            cutoff_in_s: None,
            status: "open".into(),
            planned,
            expected: 0,
            in_yard: 0,
            hold,
            staged: 0,
            loaded: 0,
            delivered,
            uph: 0,
            at_risk: true,
            cutoff_passed: false,
        };
        assert_eq!(risk_reason(&c(100, 63, 0)), "short 37");
        assert_eq!(risk_reason(&c(1077, 1077, 2)), "2 on hold");
        assert_eq!(risk_reason(&c(10, 7, 1)), "short 3, 1 on hold");
        assert_eq!(risk_reason(&c(10, 12, 0)), "");
    }
}
