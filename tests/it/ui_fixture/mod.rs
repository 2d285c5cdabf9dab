//! A fixed dashboard, built by hand, for the UI tests: a small Xiamen yard at
//! 2026-11-26T09:00:00Z (17:00 port time) with CJK makes, an at-risk and a passed
//! consignment, and every kind of alert severity.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use yardtop::config::Theme;
use yardtop::db::browse::{EventRow, Page, SocReading, VehicleRow};
use yardtop::figures::*;
use yardtop::ui::{DashData, LiveState, RefreshInfo, RenderOptions};

pub fn ts(s: &str) -> DateTime<Utc> {
    yardtop::time::parse_ts(s).expect(s)
}

pub fn now() -> DateTime<Utc> {
    ts("2026-11-26T09:00:00Z")
}

fn block(code: &str, zone: &str, rows: u64, slots: u64, occupied: u64, nev: u64) -> BlockFigures {
    BlockFigures {
        code: code.into(),
        zone: zone.into(),
        capacity: rows * slots,
        occupied,
        nev,
        rows,
        slots_per_row: slots,
        nev_soc_over_max: 0,
        on_hold: 0,
    }
}

#[allow(clippy::too_many_arguments)]
fn consignment(
    id: i64,
    reference: &str,
    vessel: &str,
    voyage: &str,
    dest: &str,
    cutoff: &str,
    status: &str,
    planned: u64,
    (in_yard, hold, staged, loaded): (u64, u64, u64, u64),
    uph: u64,
    at_risk: bool,
) -> PendingConsignment {
    let cut = ts(cutoff);
    let secs = (cut - now()).num_seconds();
    PendingConsignment {
        id,
        reference: reference.into(),
        brand: "MG".into(),
        vessel: vessel.into(),
        voyage: voyage.into(),
        call_status: "alongside".into(),
        destination: dest.into(),
        cutoff_at: Some(cutoff.into()),
        cutoff_in_s: Some(secs),
        status: status.into(),
        planned,
        expected: planned.saturating_sub(in_yard + hold + staged + loaded),
        in_yard,
        hold,
        staged,
        loaded,
        delivered: in_yard + hold + staged + loaded,
        uph,
        at_risk,
        cutoff_passed: secs < 0,
    }
}

pub fn figures() -> Figures {
    let daily = (0..30)
        .map(|i| {
            let date = (now() - chrono::Duration::days(29 - i))
                .format("%Y-%m-%d")
                .to_string();
            let units = [0, 120, 340, 800, 1210, 60, 0, 2200, 1500, 900][i as usize % 10] as u64;
            Daily {
                date,
                units,
                nev: units * 3 / 5,
            }
        })
        .collect();
    Figures {
        schema_version: 1,
        generated_at: "2026-11-26T09:00:00Z".into(),
        timezone: "Asia/Shanghai".into(),
        port: Port {
            name: "Xiamen Port".into(),
            locode: "CNXMN".into(),
        },
        exports: Exports {
            today: Count {
                units: 1204,
                nev: 801,
            },
            month: Count {
                units: 28_110,
                nev: 17_002,
            },
            year: Count {
                units: 95_310,
                nev: 43_120,
            },
            year_prior_same_period: Count {
                units: 20_110,
                nev: 8_450,
            },
            nev_yoy_ratio: Some(43_120.0 / 8_450.0),
            record_consignment: Some(RecordConsignment {
                reference: "MG-GBBRS-0528".into(),
                brand: "MG".into(),
                destination: "GBBRS".into(),
                units: 3061,
                nev: 1722,
                loaded_on: "2023-05-28".into(),
            }),
            daily,
        },
        yard: Yard {
            in_yard: 1_180,
            in_yard_nev: 702,
            capacity: 2_000,
            blocks: vec![
                block("N01", "nev", 10, 40, 312, 298),
                block("N02", "nev", 10, 40, 401, 401),
                block("I01", "ice", 8, 25, 180, 2),
                block("S01", "staging", 5, 40, 187, 1),
                block("Q01", "quarantine", 2, 10, 3, 3),
                block("X01", "inspection", 4, 10, 97, 0),
            ],
            soc: SocBands {
                over_max: 12,
                under_min: 40,
                unchecked: 88,
                in_band: 562,
            },
            holds: Holds {
                customs: 3,
                damage: 1,
                battery: 2,
                documents: 4,
                other: 0,
            },
            long_dwell: 17,
            nev_outside_nev_zone: 2,
        },
        consignments: vec![
            consignment(
                7,
                "BYD-BEZEE-7",
                "BYD EXPLORER NO.1",
                "2E",
                "BEZEE",
                "2026-11-26T08:20:00Z",
                "loading",
                800,
                (400, 20, 40, 100),
                0,
                true,
            ),
            consignment(
                1,
                "MG-GBBRS-01",
                "GLOVIS SUN",
                "0412W",
                "GBBRS",
                "2026-11-26T12:12:00Z",
                "loading",
                3061,
                (1396, 0, 300, 1204),
                212,
                true,
            ),
            consignment(
                3,
                "CHERY-AEJEA-3",
                "比亚迪 海豹 号",
                "88N",
                "AEJEA",
                "2026-11-28T02:00:00Z",
                "open",
                450,
                (120, 0, 0, 0),
                0,
                false,
            ),
        ],
        alerts: vec![
            Alert {
                kind: "soc_over_max".into(),
                severity: Severity::Critical,
                count: 12,
                subjects: vec!["LSJW24104PS123456".into(), "LGXCE4CB0N0000017".into()],
                message: "12 NEVs over the SoC limit, 1 of them staged".into(),
                staged: 1,
            },
            Alert {
                kind: "cutoff_passed".into(),
                severity: Severity::Critical,
                count: 1,
                subjects: vec!["BYD-BEZEE-7".into()],
                message: "cut-off passed".into(),
                staged: 0,
            },
            Alert {
                kind: "consignment_at_risk".into(),
                severity: Severity::Warning,
                count: 1,
                subjects: vec!["MG-GBBRS-01".into()],
                message: "at risk".into(),
                staged: 0,
            },
            Alert {
                kind: "long_dwell".into(),
                severity: Severity::Info,
                count: 17,
                subjects: vec!["LFV3A23C5N3012345".into()],
                message: "long dwell".into(),
                staged: 0,
            },
            Alert {
                kind: "block_over_capacity".into(),
                severity: Severity::Warning,
                count: 1,
                subjects: vec!["N02".into()],
                message: "N02 over capacity".into(),
                staged: 0,
            },
        ],
        data_quality: DataQuality {
            problems: 0,
            by_kind: BTreeMap::new(),
        },
        rules: Rules {
            soc_max_pct: 50.0,
            soc_min_pct: 20.0,
            soc_check_max_age_h: 72.0,
            long_dwell_days: 14.0,
            at_risk_hours: 24.0,
            uph_target: 200.0,
        },
    }
}

pub fn event(id: i64, at: &str, vin: &str, kind: &str, detail: &str) -> EventRow {
    EventRow {
        id,
        at_raw: at.into(),
        at: yardtop::time::parse_ts(at),
        vin: vin.into(),
        kind: kind.into(),
        detail: detail.into(),
    }
}

pub fn data() -> DashData {
    DashData {
        figures: figures(),
        events: vec![
            event(
                905,
                "2026-11-26T08:59:58Z",
                "LSJW24104PS123456",
                "load",
                "GLOVIS SUN 0412W",
            ),
            event(
                904,
                "2026-11-26T08:59:41Z",
                "LGXCE4CB0N0000017",
                "soc_check",
                "SoC 55%",
            ),
            event(
                903,
                "2026-11-26T08:58:02Z",
                "LFV3A23C5N3012345",
                "hold",
                "battery",
            ),
            event(
                902,
                "2026-11-25T15:58:00Z",
                "LB37624S7NX000001",
                "gate_in",
                "比亚迪 海豹 truck 88",
            ),
            event(901, "yesterday", "LB37624S7NX000002", "park", "N01 3/12"),
        ],
        db_hint: None,
        refresh: RefreshInfo {
            at: now(),
            took: Duration::from_millis(12),
        },
        reading_history: false,
    }
}

pub fn opts() -> RenderOptions {
    RenderOptions {
        ascii: false,
        theme: Theme::Dark,
        no_color: false,
        tz: None,
        clock_24h: true,
        now: now(),
        wall_now: now(),
        db_path: "/var/lib/yard/yard.db".into(),
        live: LiveState::Live {
            last_change: Some(ts("2026-11-26T08:59:58Z")),
        },
        demo: false,
        frozen: false,
    }
}

pub fn vehicle(
    vin: &str,
    make: &str,
    model: &str,
    pt: &str,
    status: &str,
    soc: Option<f64>,
    at: (i64, i64),
) -> VehicleRow {
    VehicleRow {
        key: Value::Text(vin.into()),
        vin: vin.into(),
        make: make.into(),
        model: model.into(),
        powertrain_raw: pt.into(),
        status_raw: status.into(),
        hold_reason: String::new(),
        soc: SocReading {
            pct: soc,
            pct_unreadable: false,
            checked_at: soc.map(|_| ts("2026-11-26T01:00:00Z")),
            checked_at_unreadable: false,
        },
        block: "N01".into(),
        row: Some(at.0),
        slot: Some(at.1),
    }
}

/// Vehicles of block N01 (10 rows × 40 slots) for the map.
pub fn block_vehicles() -> Vec<VehicleRow> {
    vec![
        vehicle(
            "LSJW24104PS123456",
            "比亚迪",
            "海豹",
            "BEV",
            "parked",
            Some(55.0),
            (1, 4),
        ),
        vehicle(
            "LSJW24104PS000001",
            "MG",
            "MG4",
            "BEV",
            "parked",
            Some(40.0),
            (1, 1),
        ),
        vehicle(
            "LSJW24104PS000002",
            "MG",
            "MG4",
            "BEV",
            "parked",
            Some(35.0),
            (1, 2),
        ),
        vehicle("LSJW24104PS000003", "MG", "MG4", "PHEV", "parked", None, (1, 3)),
        vehicle("LSJW24104PS000004", "MG", "ZS", "ICE", "parked", None, (1, 5)),
        vehicle(
            "LSJW24104PS000005",
            "MG",
            "MG4",
            "BEV",
            "hold",
            Some(30.0),
            (2, 3),
        ),
        vehicle(
            "LSJW24104PS000006",
            "MG",
            "MG4",
            "BEV",
            "staged",
            Some(30.0),
            (2, 7),
        ),
        vehicle(
            "LSJW24104PS000007",
            "MG",
            "MG4",
            "BEV",
            "parked",
            Some(30.0),
            (3, 12),
        ),
        vehicle(
            "LSJW24104PS000008",
            "MG",
            "MG4",
            "BEV",
            "parked",
            Some(30.0),
            (3, 12),
        ),
        vehicle(
            "LSJW24104PS000009",
            "MG",
            "MG4",
            "WATER",
            "parked",
            Some(30.0),
            (10, 40),
        ),
        vehicle(
            "LSJW24104PS000010",
            "MG",
            "MG4",
            "BEV",
            "parked",
            Some(30.0),
            (11, 1),
        ),
    ]
}

pub fn page<T>(rows: Vec<T>, more_before: bool, more_after: bool) -> Page<T> {
    Page {
        rows,
        more_before,
        more_after,
        position: None,
    }
}
