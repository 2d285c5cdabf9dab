//! The figures of docs/database.md as plain data. The dashboard and every snapshot format
//! render these structs and nothing else, so they can never disagree. The JSON
//! snapshot is their serde serialisation (README.md, "Snapshots and monitoring").

use std::collections::BTreeMap;

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Figures {
    pub schema_version: u32,
    /// UTC RFC 3339, the `now` the figures were computed as of.
    pub generated_at: String,
    /// The port's time zone (the `timezone` setting): periods follow it.
    pub timezone: String,
    pub port: Port,
    pub exports: Exports,
    pub yard: Yard,
    pub consignments: Vec<PendingConsignment>,
    pub alerts: Vec<Alert>,
    pub data_quality: DataQuality,
    /// The yard's rules the figures were computed with.
    pub rules: Rules,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Port {
    pub name: String,
    pub locode: String,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Count {
    pub units: u64,
    pub nev: u64,
}

impl Count {
    pub fn add(&mut self, nev: bool) {
        self.units += 1;
        if nev {
            self.nev += 1;
        }
    }

    /// NEV share of units, 0..=1; None when nothing was exported.
    pub fn nev_share(&self) -> Option<f64> {
        (self.units > 0).then(|| self.nev as f64 / self.units as f64)
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Exports {
    pub today: Count,
    pub month: Count,
    pub year: Count,
    pub year_prior_same_period: Count,
    /// NEVs this year / NEVs in the same period last year; None when the latter is 0.
    pub nev_yoy_ratio: Option<f64>,
    pub record_consignment: Option<RecordConsignment>,
    /// The 30 port days ending today, oldest first.
    pub daily: Vec<Daily>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RecordConsignment {
    #[serde(rename = "ref")]
    pub reference: String,
    pub brand: String,
    /// UN/LOCODE of its port of discharge.
    pub destination: String,
    pub units: u64,
    pub nev: u64,
    /// Port-local date (YYYY-MM-DD) of its last load.
    pub loaded_on: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Daily {
    pub date: String,
    pub units: u64,
    pub nev: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Yard {
    pub in_yard: u64,
    pub in_yard_nev: u64,
    pub capacity: u64,
    pub blocks: Vec<BlockFigures>,
    pub soc: SocBands,
    pub holds: Holds,
    pub long_dwell: u64,
    pub nev_outside_nev_zone: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BlockFigures {
    pub code: String,
    /// The zone as written (an unknown zone is shown as it is and counted in
    /// data_quality).
    pub zone: String,
    pub capacity: u64,
    pub occupied: u64,
    pub nev: u64,
    /// Rows and slots per row, for the block map (0 when unreadable).
    pub rows: u64,
    pub slots_per_row: u64,
    pub nev_soc_over_max: u64,
    pub on_hold: u64,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct SocBands {
    pub over_max: u64,
    pub under_min: u64,
    pub unchecked: u64,
    /// Checked within the age limit and within the band.
    pub in_band: u64,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Holds {
    pub customs: u64,
    pub damage: u64,
    pub battery: u64,
    pub documents: u64,
    pub other: u64,
}

impl Holds {
    pub fn total(&self) -> u64 {
        self.customs + self.damage + self.battery + self.documents + self.other
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PendingConsignment {
    /// The consignment's row id (for drill-down).
    pub id: i64,
    #[serde(rename = "ref")]
    pub reference: String,
    pub brand: String,
    pub vessel: String,
    pub voyage: String,
    /// The call's status (expected, alongside, departed) or empty.
    pub call_status: String,
    pub destination: String,
    /// UTC RFC 3339, or None when missing or unreadable.
    pub cutoff_at: Option<String>,
    /// Seconds from now to the cut-off (negative once passed).
    pub cutoff_in_s: Option<i64>,
    pub status: String,
    pub planned: u64,
    pub expected: u64,
    pub in_yard: u64,
    pub hold: u64,
    pub staged: u64,
    pub loaded: u64,
    pub delivered: u64,
    pub uph: u64,
    pub at_risk: bool,
    pub cutoff_passed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Alert {
    pub kind: String,
    pub severity: Severity,
    pub count: u64,
    /// Up to 20 VINs, refs or block codes.
    pub subjects: Vec<String>,
    pub message: String,
    /// Of its subjects, how many are staged: what makes `soc_over_max` critical.
    /// The screen shows it beside the count; the JSON says it in `message`.
    #[serde(skip)]
    pub staged: u64,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct DataQuality {
    /// Rows with at least one unreadable value.
    pub problems: u64,
    /// Rows per kind of problem (a row may have several kinds).
    pub by_kind: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Rules {
    pub soc_max_pct: f64,
    pub soc_min_pct: f64,
    pub soc_check_max_age_h: f64,
    pub long_dwell_days: f64,
    pub at_risk_hours: f64,
    pub uph_target: f64,
}
