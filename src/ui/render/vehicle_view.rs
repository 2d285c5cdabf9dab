//! Drill-down: one vehicle, every field as written, and its event history (newest
//! first, keyset-paged).
//!
//! ```text
//! ┌ Vehicle LSJW24104PS123456 ───────────────────────────────────────── Esc back ┐
//! │ vin            LSJW24104PS123456      status         parked                  │
//! │ make           BYD                    hold_reason    —                       │
//! │ model          海豹                   block          N01                     │
//! │ powertrain     BEV                    row            3                       │
//! │ soc_pct        55                     slot           12                      │
//! │ soc_checked_at Thu 2026-11-26 09:00:00 CST  gate_in_at Fri 2026-11-20 16:00:…│
//! │ consignment_id 7 (MG-GBBRS-01)        loaded_at      —                       │
//! │ SoC band       55% over max 50%       updated_at     Thu 2026-11-26 09:00:00…│
//! │                                                                              │
//! │ Events, newest first            Kind        Detail                           │
//! │ Thu 2026-11-26 09:00:00 CST     soc_check   55%                              │
//! └──────────────────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::consignment_view::more_marks;
use super::layout::VEHICLE_FIELD_ROWS;
use super::widgets::{draw_lines, full_width, panel, s};
use super::R;
use crate::db::browse::{SocBand, VehicleRow};
use crate::ui::data::DetailBody;
use crate::ui::state::View;
use crate::ui::text::{self, fit};

/// A vehicle's SoC against the rules, in words.
pub fn soc_text(v: &VehicleRow, band: SocBand) -> String {
    let pct = v.soc.pct.map(|p| format!("{p:.0}% ")).unwrap_or_default();
    match band {
        SocBand::InBand => format!("SoC {pct}in band"),
        SocBand::OverMax => format!("SoC {pct}OVER MAX"),
        SocBand::UnderMin => format!("SoC {pct}UNDER MIN"),
        SocBand::Unchecked => "SoC unchecked (no recent reading)".to_string(),
    }
}

pub fn render(r: &R, area: Rect, buf: &mut Buffer) {
    let Some(View::Vehicle { label, cursor, .. }) = r.st.top() else {
        return;
    };
    let title = format!("Vehicle {}", text::db(label));
    let inner = panel(r, area, buf, &title, true, Some("Esc back".into()));
    let data = match r.st.current_detail() {
        Some(DetailBody::Vehicle(v)) => v,
        Some(DetailBody::Failed(why)) => {
            draw_lines(
                inner,
                buf,
                &[Line::from(s(format!("cannot read: {}", text::db(why)), r.p.crit))],
            );
            return;
        }
        _ => {
            draw_lines(inner, buf, &[Line::from(s("reading the vehicle...", r.p.dim))]);
            return;
        }
    };
    let el = r.g.ellipsis;
    let w = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    match &data.detail {
        None => lines.push(Line::from(s(
            format!("no vehicle with VIN {} in the database", text::db(label)),
            r.p.warn,
        ))),
        Some(v) => {
            let mut items: Vec<(String, String, bool)> = v
                .fields
                .iter()
                .map(|(name, val)| {
                    let shown = match (name, val) {
                        (_, None) => r.g.none.to_string(),
                        (&"consignment_id", Some(x)) => match &v.consignment_ref {
                            Some(rf) => format!("{} ({})", text::db(x), text::db(rf)),
                            None => text::db(x),
                        },
                        // Times in port time with the zone named, as in the event
                        // list; an unreadable one is shown as written, marked.
                        (name, Some(x)) if name.ends_with("_at") => match crate::time::parse_ts(x) {
                            Some(t) => text::port_time(t, &r.tz, r.o.clock_24h),
                            None => format!("?{}", text::db(x)),
                        },
                        (_, Some(x)) => text::db(x),
                    };
                    (name.to_string(), shown, false)
                })
                .collect();
            if let Some(rules) = r.data.map(|d| &d.figures.rules) {
                let row = &v.row;
                if row.powertrain().is_some_and(|p| p.is_nev()) {
                    let band = row.soc.band(
                        rules.soc_max_pct,
                        rules.soc_min_pct,
                        rules.soc_check_max_age_h,
                        r.o.now,
                    );
                    let bad = !matches!(band, SocBand::InBand);
                    items.push(("SoC band".into(), soc_text(row, band), bad));
                }
            }
            let per_col = (VEHICLE_FIELD_ROWS as usize).min(items.len().div_ceil(2).max(1));
            let col_w = w / 2;
            let label_w = 15;
            for i in 0..per_col {
                let mut spans = Vec::new();
                for col in 0..2 {
                    if let Some((name, val, bad)) = items.get(col * per_col + i) {
                        spans.push(s(fit(name, label_w, el), r.p.dim));
                        spans.push(s(
                            fit(val, col_w.saturating_sub(label_w + 1), el) + " ",
                            if *bad { r.p.crit } else { r.p.text },
                        ));
                    }
                }
                lines.push(Line::from(spans));
            }
        }
    }
    while lines.len() < VEHICLE_FIELD_ROWS as usize {
        lines.push(Line::default());
    }
    lines.truncate(VEHICLE_FIELD_ROWS as usize);
    let time_w = 29;
    let kind_w = 12;
    lines.push(Line::from(s(
        format!(
            "{}{}{}",
            fit("Events, newest first", time_w, el),
            fit("Kind", kind_w, el),
            "Detail"
        ),
        r.p.dim,
    )));
    let rows = (inner.height as usize).saturating_sub(VEHICLE_FIELD_ROWS as usize + 1);
    if data.events.rows.is_empty() {
        lines.push(Line::from(s("no events for this vehicle", r.p.dim)));
    }
    for (i, e) in data.events.rows.iter().enumerate().take(rows) {
        let t = match e.at {
            Some(at) => text::port_time(at, &r.tz, r.o.clock_24h),
            None => format!("?{}", text::db(&e.at_raw)),
        };
        let line = Line::from(vec![
            s(
                fit(&t, time_w, el),
                if e.at.is_some() { r.p.text } else { r.p.warn },
            ),
            s(fit(&text::db(&e.kind), kind_w, el), r.p.title),
            s(
                fit(&text::db(&e.detail), w.saturating_sub(time_w + kind_w), el),
                r.p.text,
            ),
        ]);
        lines.push(if i == *cursor {
            full_width(line, inner.width, r.p.selected)
        } else {
            line
        });
    }
    draw_lines(inner, buf, &lines);
    more_marks(r, area, buf, data.events.more_before, data.events.more_after);
}
