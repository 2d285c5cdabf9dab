//! Panel 2, Export counters.
//!
//! ```text
//! ┌ Exports ─────────────────────────────────────────────────────┐
//! │            Units        NEV  NEV share                        │
//! │ Today        312        201      64.4%                        │
//! │ Month      8,123      5,002      61.6%                        │
//! │ Year      95,310     43,120      45.2%                        │
//! │ NEV YoY ×5.1  (same period last year: 8,450 NEV of 20,110)    │
//! │ Record MG-GBBRS 3,061 units, 1,722 NEV, 2023-05-28            │
//! │ Daily, 30 days  █ NEV  ▒ other                 peak 1,234/day │
//! │ ▒ ▒       ▒ ▒ ▒                                               │
//! │ █ █ ▒ ▒ ▒ █ █ ...      (bars: NEV at the bottom, other above) │
//! │ 10-28                                                   11-26 │
//! └───────────────────────────────────────────────────────────────┘
//! ```
//! NEV and other differ by glyph as well as colour (ASCII: `#` and `+`).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::widgets::{draw_lines, panel, s};
use super::R;
use crate::figures::{Count, Exports};
use crate::ui::state::Panel;
use crate::ui::text::{self, fit, fit_right};

/// Lines above the chart.
const TOP_LINES: u16 = 7;

pub fn render(r: &R, area: Rect, buf: &mut Buffer) {
    let inner = panel(
        r,
        area,
        buf,
        Panel::Exports.title(),
        r.focused(Panel::Exports),
        None,
    );
    let Some(d) = r.data else {
        draw_lines(inner, buf, &[Line::from(s("reading the database...", r.p.dim))]);
        return;
    };
    if d.reading_history {
        draw_lines(
            inner,
            buf,
            &[Line::from(s("counting the export history...", r.p.dim))],
        );
        return;
    }
    let e = &d.figures.exports;
    let w = inner.width as usize;
    let el = r.g.ellipsis;
    let mut lines: Vec<Line> = Vec::new();
    lines.push(Line::from(s(
        format!(
            "{}{}{}{}",
            fit("", 7, el),
            fit_right("Units", 10, el),
            fit_right("NEV", 11, el),
            fit_right("NEV share", 11, el)
        ),
        r.p.dim,
    )));
    let row = |label: &str, c: &Count| -> Line<'static> {
        Line::from(vec![
            s(fit(label, 7, el), r.p.dim),
            s(fit_right(&text::thousands(c.units), 10, el), r.p.text),
            s(fit_right(&text::thousands(c.nev), 11, el), r.p.nev),
            s(
                fit_right(
                    &c.nev_share()
                        .map(text::percent)
                        .unwrap_or_else(|| r.g.none.to_string()),
                    11,
                    el,
                ),
                r.p.text,
            ),
        ])
    };
    lines.push(row("Today", &e.today));
    lines.push(row("Month", &e.month));
    lines.push(row("Year", &e.year));
    lines.push(yoy_line(r, e));
    lines.push(record_line(r, e, w));
    let peak = e.daily.iter().map(|d| d.units).max().unwrap_or(0);
    let legend_l = vec![
        s("Daily, 30 days  ", r.p.dim),
        s(r.g.bar_nev.to_string(), r.p.nev),
        s(" NEV  ", r.p.dim),
        s(r.g.bar_other.to_string(), r.p.other),
        s(" other", r.p.dim),
    ];
    let peak_t = format!("peak {}/day", text::thousands(peak));
    let used: usize = legend_l.iter().map(|sp| sp.width()).sum();
    let mut legend = legend_l;
    if used + peak_t.len() < w {
        legend.push(s(" ".repeat(w - used - peak_t.len()), r.p.text));
        legend.push(s(peak_t, r.p.dim));
    }
    lines.push(Line::from(legend));
    draw_lines(inner, buf, &lines);

    let chart_h = inner.height.saturating_sub(TOP_LINES + 1);
    if chart_h == 0 {
        return;
    }
    let chart = Rect {
        y: inner.y + TOP_LINES,
        height: chart_h + 1,
        ..inner
    };
    chart_lines(r, e, chart, buf);
}

fn yoy_line(r: &R, e: &Exports) -> Line<'static> {
    let ratio = match e.nev_yoy_ratio {
        Some(x) => format!("{}{:.1}", r.g.times, x),
        None => r.g.none.to_string(),
    };
    Line::from(vec![
        s("NEV YoY ", r.p.dim),
        s(ratio, r.p.title),
        s(
            format!(
                "  (same period last year: {} NEV of {})",
                text::thousands(e.year_prior_same_period.nev),
                text::thousands(e.year_prior_same_period.units)
            ),
            r.p.dim,
        ),
    ])
}

/// "Record MG→GBBRS XMN2305-MG-BRS 3,061 units, 1,722 NEV, 2023-05-28": when it
/// does not fit, the ref is cut, never the brand, destination or figures.
fn record_line(r: &R, e: &Exports, w: usize) -> Line<'static> {
    match &e.record_consignment {
        Some(rc) => {
            let tail = format!(
                " {}{}{} {} units, {} NEV, {}",
                text::db(&rc.brand),
                r.g.arrow,
                text::db(&rc.destination),
                text::thousands(rc.units),
                text::thousands(rc.nev),
                text::db(&rc.loaded_on)
            );
            let room = w.saturating_sub(7 + text::width(&tail)).max(4);
            Line::from(vec![
                s("Record ", r.p.dim),
                s(
                    text::truncate(&text::db(&rc.reference), room, r.g.ellipsis),
                    r.p.title,
                ),
                s(tail, r.p.text),
            ])
        }
        None => Line::from(vec![s("Record ", r.p.dim), s(r.g.none, r.p.dim)]),
    }
}

/// The 30-day chart: one bar a day (two columns when it fits), NEV at the bottom,
/// other above; the last row is the date axis.
fn chart_lines(r: &R, e: &Exports, area: Rect, buf: &mut Buffer) {
    let h = area.height.saturating_sub(1) as usize;
    let days = &e.daily;
    if days.is_empty() || h == 0 {
        return;
    }
    let w = area.width as usize;
    let step = if days.len() * 2 - 1 <= w { 2 } else { 1 };
    let shown = days.len().min(w.div_ceil(step));
    let days = &days[days.len() - shown..];
    let peak = days.iter().map(|d| d.units).max().unwrap_or(0).max(1);
    let scaled = |v: u64| -> usize {
        if v == 0 {
            0
        } else {
            (((v as f64 / peak as f64) * h as f64).round() as usize).clamp(1, h)
        }
    };
    let bars: Vec<(usize, usize)> = days
        .iter()
        .map(|d| {
            let total = scaled(d.units);
            let nev = scaled(d.nev.min(d.units)).min(total);
            (nev, total)
        })
        .collect();
    let mut lines: Vec<Line> = Vec::with_capacity(h + 1);
    for level in (0..h).rev() {
        let mut spans: Vec<Span> = Vec::with_capacity(bars.len() * 2);
        for (nev, total) in &bars {
            let (ch, st) = if level < *nev {
                (r.g.bar_nev, r.p.nev)
            } else if level < *total {
                (r.g.bar_other, r.p.other)
            } else {
                (' ', r.p.text)
            };
            spans.push(s(ch.to_string(), st));
            if step == 2 {
                spans.push(s(" ", r.p.text));
            }
        }
        lines.push(Line::from(spans));
    }
    // Date axis: the first and the last day (month-day).
    let first = days.first().map(|d| short_date(&d.date)).unwrap_or_default();
    let last = days.last().map(|d| short_date(&d.date)).unwrap_or_default();
    let span_w = (shown * step).saturating_sub(step - 1).min(w);
    let gap = span_w.saturating_sub(first.len() + last.len());
    lines.push(Line::from(s(
        format!("{first}{}{last}", " ".repeat(gap)),
        r.p.dim,
    )));
    draw_lines(area, buf, &lines);
}

/// "2026-11-26" → "11-26" (other text is shown cleaned).
fn short_date(d: &str) -> String {
    let t = text::db(d);
    if t.len() == 10 && t.is_ascii() {
        t[5..].to_string()
    } else {
        t
    }
}
