//! `snapshot --format prometheus`: the counters in Prometheus text exposition format,
//! for node_exporter's textfile collector (write to a temp file, then rename).

use std::fmt::Write;

use crate::figures::{Count, Figures};

struct Out(String);

impl Out {
    fn family(&mut self, name: &str, help: &str) {
        let _ = writeln!(self.0, "# HELP yardtop_{name} {help}");
        let _ = writeln!(self.0, "# TYPE yardtop_{name} gauge");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        let labels: Vec<String> = labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
            .collect();
        let labels = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{}}}", labels.join(","))
        };
        let _ = writeln!(self.0, "yardtop_{name}{labels} {value}");
    }
}

/// Label values: database text made harmless, then escaped as the format asks.
fn escape(v: &str) -> String {
    crate::sanitize::clean(v)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

pub fn render(f: &Figures) -> String {
    let mut o = Out(String::new());
    let e = &f.exports;
    o.family(
        "exports_vehicles",
        "Vehicles exported (loaded) in the period, port time, by class nev/other.",
    );
    let periods: [(&str, &Count); 4] = [
        ("today", &e.today),
        ("month", &e.month),
        ("year", &e.year),
        ("year_prior_same_period", &e.year_prior_same_period),
    ];
    for (period, c) in periods {
        o.sample(
            "exports_vehicles",
            &[("period", period), ("class", "nev")],
            c.nev as f64,
        );
        o.sample(
            "exports_vehicles",
            &[("period", period), ("class", "other")],
            (c.units - c.nev) as f64,
        );
    }
    if let Some(r) = e.nev_yoy_ratio {
        o.family(
            "exports_nev_yoy_ratio",
            "NEVs exported this year / same period last year.",
        );
        o.sample("exports_nev_yoy_ratio", &[], r);
    }
    if let Some(r) = &e.record_consignment {
        o.family(
            "record_consignment_vehicles",
            "Exported vehicles of the record consignment, by class.",
        );
        let labels = |class| {
            [
                ("ref", r.reference.as_str()),
                ("loaded_on", r.loaded_on.as_str()),
                ("class", class),
            ]
        };
        o.sample("record_consignment_vehicles", &labels("nev"), r.nev as f64);
        o.sample(
            "record_consignment_vehicles",
            &labels("other"),
            (r.units - r.nev) as f64,
        );
    }

    let y = &f.yard;
    o.family(
        "yard_vehicles",
        "Vehicles in the yard (gated in, parked, hold, staged), by class.",
    );
    o.sample("yard_vehicles", &[("class", "nev")], y.in_yard_nev as f64);
    o.sample(
        "yard_vehicles",
        &[("class", "other")],
        (y.in_yard - y.in_yard_nev) as f64,
    );
    o.family("yard_capacity_slots", "Slots in all yard blocks.");
    o.sample("yard_capacity_slots", &[], y.capacity as f64);
    o.family("block_vehicles", "Vehicles in the yard per block, by class.");
    for b in &y.blocks {
        o.sample(
            "block_vehicles",
            &[("block", &b.code), ("zone", &b.zone), ("class", "nev")],
            b.nev as f64,
        );
        o.sample(
            "block_vehicles",
            &[("block", &b.code), ("zone", &b.zone), ("class", "other")],
            (b.occupied - b.nev) as f64,
        );
    }
    o.family("block_capacity_slots", "Slots per block.");
    for b in &y.blocks {
        o.sample(
            "block_capacity_slots",
            &[("block", &b.code), ("zone", &b.zone)],
            b.capacity as f64,
        );
    }
    o.family("nev_soc_vehicles", "NEVs in the yard by SoC band.");
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
    o.family(
        "long_dwell_vehicles",
        "Vehicles in the yard longer than long_dwell_days.",
    );
    o.sample("long_dwell_vehicles", &[], y.long_dwell as f64);
    o.family(
        "nev_outside_nev_zone_vehicles",
        "NEVs in the yard parked in an ICE block.",
    );
    o.sample(
        "nev_outside_nev_zone_vehicles",
        &[],
        y.nev_outside_nev_zone as f64,
    );

    o.family(
        "consignment_vehicles",
        "Vehicles of each open or loading consignment, by state.",
    );
    for c in &f.consignments {
        for (state, n) in [
            ("planned", c.planned),
            ("expected", c.expected),
            ("in_yard", c.in_yard),
            ("hold", c.hold),
            ("staged", c.staged),
            ("loaded", c.loaded),
            ("delivered", c.delivered),
        ] {
            o.sample(
                "consignment_vehicles",
                &[("ref", &c.reference), ("state", state)],
                n as f64,
            );
        }
    }
    o.family(
        "consignment_uph",
        "Vehicles of the consignment loaded in the last 60 minutes.",
    );
    for c in &f.consignments {
        o.sample("consignment_uph", &[("ref", &c.reference)], c.uph as f64);
    }
    o.family(
        "consignment_at_risk",
        "1 when the consignment is at risk of missing its cut-off.",
    );
    for c in &f.consignments {
        o.sample(
            "consignment_at_risk",
            &[("ref", &c.reference)],
            c.at_risk as u8 as f64,
        );
    }
    o.family("alerts", "Open alerts by kind and severity.");
    for a in &f.alerts {
        o.sample(
            "alerts",
            &[("kind", &a.kind), ("severity", a.severity.as_str())],
            a.count as f64,
        );
    }
    o.family(
        "data_quality_rows",
        "Rows with unreadable values, by kind of problem.",
    );
    for (kind, n) in &f.data_quality.by_kind {
        o.sample("data_quality_rows", &[("kind", kind)], *n as f64);
    }
    o.family(
        "data_quality_problem_rows",
        "Rows with at least one unreadable value.",
    );
    o.sample("data_quality_problem_rows", &[], f.data_quality.problems as f64);
    o.0
}
