//! Drill-down: one consignment and its vehicles (a keyset-paged list: only the
//! rows on screen are read; PgUp/PgDn/Home/End page through any length).
//!
//! ```text
//! ┌ Consignment MG-GBBRS-01 ─────────────────────────────────────────── Esc back ┐
//! │ GLOVIS SUN 0412W (alongside) · to GBBRS · brand MG · status loading            │
//! │ Cut-off Thu 2026-11-26 20:00 CST (3h 12m) · planned 3,061 · 3,000 vehicles     │
//! │ delivered 2,900 · staged 300 · loaded 1,204 · hold 3 · UPH 212 · ! AT RISK     │
//! │ VIN                Make        Model         Power  Status    SoC  Block/row/slot │
//! │ LSJW24104PS123456  MG          MG4           BEV    parked    45%  N01 3/12     │
//! └ ▲ more above · ▼ more below ──────────────────────────────────────────────────┘
//! ```

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::consignments::{countdown_span, risk_span};
use super::layout::CONSIGNMENT_INFO_ROWS;
use super::widgets::{draw_lines, full_width, panel, position, s};
use super::R;
use crate::db::browse::{Page, VehicleRow};
use crate::ui::data::DetailBody;
use crate::ui::state::View;
use crate::ui::text::{self, fit, fit_right};

pub fn render(r: &R, area: Rect, buf: &mut Buffer) {
    let Some(View::Consignment {
        id,
        reference,
        cursor,
        ..
    }) = r.st.top()
    else {
        return;
    };
    let title = format!("Consignment {}", text::db(reference));
    let inner = panel(r, area, buf, &title, true, Some("Esc back".into()));
    let data = match r.st.current_detail() {
        Some(DetailBody::Consignment(c)) => c,
        Some(DetailBody::Failed(why)) => {
            draw_lines(
                inner,
                buf,
                &[Line::from(s(format!("cannot read: {}", text::db(why)), r.p.crit))],
            );
            return;
        }
        _ => {
            draw_lines(
                inner,
                buf,
                &[Line::from(s("reading the consignment...", r.p.dim))],
            );
            return;
        }
    };
    let Some(info) = &data.info else {
        draw_lines(
            inner,
            buf,
            &[Line::from(s(
                format!("consignment {} does not exist (any more)", text::db(reference)),
                r.p.warn,
            ))],
        );
        return;
    };
    let sep = r.g.sep;
    let mut lines: Vec<Line> = Vec::new();
    let call = if info.call_status.is_empty() {
        String::new()
    } else {
        format!(" ({})", text::db(&info.call_status))
    };
    let vessel = if info.vessel.is_empty() && info.voyage.is_empty() {
        "no vessel call".to_string()
    } else {
        format!("{} {}{call}", text::db(&info.vessel), text::db(&info.voyage))
    };
    lines.push(Line::from(vec![
        s(vessel, r.p.title),
        s(
            format!(
                "{sep}to {}{sep}brand {}{sep}status {}",
                text::db(&info.destination),
                text::db(&info.brand),
                text::db(&info.status)
            ),
            r.p.text,
        ),
    ]));
    let pending = r.data.and_then(|d| {
        d.figures
            .consignments
            .iter()
            .find(|c| Some(c.id) == *id)
            .map(|c| (c, &d.figures))
    });
    let mut cut: Vec<Span> = vec![s("Cut-off ", r.p.dim)];
    match info.cutoff {
        Some(t) => {
            cut.push(s(
                format!(
                    "{} {} {}",
                    text::date(t, &r.tz),
                    text::clock(t, &r.tz, r.o.clock_24h),
                    text::zone_abbr(t, &r.tz)
                ),
                r.p.text,
            ));
            if let Some((c, f)) = pending {
                cut.push(s(" (", r.p.dim));
                cut.push(countdown_span(r, c, f));
                cut.push(s(")", r.p.dim));
            }
        }
        None if info.cutoff_raw.is_empty() => cut.push(s("none", r.p.dim)),
        None => cut.push(s(format!("unreadable: {}", text::db(&info.cutoff_raw)), r.p.warn)),
    }
    cut.push(s(
        format!(
            "{sep}planned {}{sep}{} vehicles",
            match info.planned.as_deref() {
                Some(p) => p
                    .trim()
                    .parse::<u64>()
                    .map(text::thousands)
                    .unwrap_or_else(|_| text::db(p)),
                None => r.g.none.into(),
            },
            text::thousands(info.vehicles)
        ),
        r.p.text,
    ));
    lines.push(Line::from(cut));
    match pending {
        Some((c, f)) => {
            let mut spans = vec![s(
                format!(
                    "delivered {}{sep}staged {}{sep}loaded {}{sep}hold {}{sep}UPH {}  ",
                    text::thousands(c.delivered),
                    text::thousands(c.staged),
                    text::thousands(c.loaded),
                    text::thousands(c.hold),
                    text::thousands(c.uph)
                ),
                r.p.text,
            )];
            spans.push(risk_span(r, c, f, false));
            lines.push(Line::from(spans));
        }
        None => lines.push(Line::from(s(
            "not pending (closed, cancelled or not yet read)",
            r.p.dim,
        ))),
    }
    while lines.len() < CONSIGNMENT_INFO_ROWS as usize {
        lines.push(Line::default());
    }
    let rows = (inner.height as usize).saturating_sub(CONSIGNMENT_INFO_ROWS as usize + 1);
    lines.extend(vehicle_table(r, inner.width, &data.page, *cursor, rows));
    draw_lines(inner, buf, &lines);
    let at = data
        .page
        .position
        .and_then(|(offset, total)| position(offset, data.page.rows.len().min(rows), total));
    more_marks_at(r, area, buf, data.page.more_before, data.page.more_after, at);
}

/// The vehicle table: a header and the page's rows (cursor row reversed).
pub fn vehicle_table(
    r: &R,
    width: u16,
    page: &Page<VehicleRow>,
    cursor: usize,
    rows: usize,
) -> Vec<Line<'static>> {
    let el = r.g.ellipsis;
    let w = width as usize;
    let (vin, make, model, pt, st, soc) = (19, 12, 14, 6, 10, 6);
    let place = w.saturating_sub(vin + make + model + pt + st + soc);
    let mut out = vec![Line::from(s(
        format!(
            "{}{}{}{}{}{}{}",
            fit("VIN", vin, el),
            fit("Make", make, el),
            fit("Model", model, el),
            fit("Power", pt, el),
            fit("Status", st, el),
            fit_right("SoC", soc - 1, el) + " ",
            fit("Block/row/slot", place, el)
        ),
        r.p.dim,
    ))];
    if page.rows.is_empty() {
        out.push(Line::from(s("no vehicles", r.p.dim)));
    }
    for (i, v) in page.rows.iter().enumerate().take(rows) {
        let soc_t = match (v.soc.pct, v.soc.pct_unreadable) {
            (_, true) => "?".to_string(),
            (Some(p), _) => format!("{p:.0}%"),
            (None, _) => r.g.none.to_string(),
        };
        let at = match (v.row, v.slot) {
            (Some(rw), Some(sl)) => format!("{} {rw}/{sl}", text::db(&v.block)),
            _ => text::db(&v.block),
        };
        let line = Line::from(vec![
            s(fit(&text::db(&v.vin), vin, el), r.p.text),
            s(fit(&text::db(&v.make), make, el), r.p.text),
            s(fit(&text::db(&v.model), model, el), r.p.text),
            s(
                fit(&text::db(&v.powertrain_raw), pt, el),
                if v.powertrain().is_some_and(|p| p.is_nev()) {
                    r.p.nev
                } else {
                    r.p.text
                },
            ),
            s(fit(&text::db(&v.status_raw), st, el), r.p.text),
            s(fit_right(&soc_t, soc - 1, el) + " ", r.p.text),
            s(fit(&at, place, el), r.p.dim),
        ]);
        out.push(if i == cursor {
            full_width(line, width, r.p.selected)
        } else {
            line
        });
    }
    out
}

/// "▲ more above" / "▼ more below" on the bottom border.
pub fn more_marks(r: &R, area: Rect, buf: &mut Buffer, before: bool, after: bool) {
    more_marks_at(r, area, buf, before, after, None)
}

/// The same, followed by where the list is (`8-20 of 133`) when it is known.
pub fn more_marks_at(r: &R, area: Rect, buf: &mut Buffer, before: bool, after: bool, at: Option<String>) {
    let mut parts = Vec::new();
    if before {
        parts.push(format!("{} more above", r.g.more_up));
    }
    if after {
        parts.push(format!("{} more below", r.g.more_down));
    }
    parts.extend(at);
    if parts.is_empty() || area.height < 2 {
        return;
    }
    let bottom = Rect {
        x: area.x + 2,
        y: area.y + area.height - 1,
        width: area.width.saturating_sub(4),
        height: 1,
    };
    draw_lines(
        bottom,
        buf,
        &[Line::from(s(format!(" {} ", parts.join(r.g.sep)), r.p.dim))],
    );
}
