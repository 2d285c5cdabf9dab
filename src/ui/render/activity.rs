//! Panel 6, Activity: the newest events as they arrive, newest on top; Enter
//! opens the event's vehicle.
//!
//! ```text
//! ┌ Activity ──────────────────────────────────────────────┐
//! │    17:03:04 LSJW24104PS123456 load     GLOVIS SUN      │
//! │ 11-25 23:58 LFV3A23C5N3012345 gate_in  truck 88        │
//! └────────────────────────────────────────────────────────┘
//! ```
//! Times are in the display zone (--tz, else the port's); an unreadable time is
//! shown as written, marked `?`.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::widgets::{draw_lines, full_width, panel, position, s};
use super::R;
use crate::ui::state::Panel;
use crate::ui::text::{self, fit, fit_right};

pub fn render(r: &R, area: Rect, buf: &mut Buffer) {
    let focused = r.focused(Panel::Activity);
    let Some(d) = r.data else {
        let inner = panel(r, area, buf, Panel::Activity.title(), focused, None);
        draw_lines(inner, buf, &[Line::from(s("reading the database...", r.p.dim))]);
        return;
    };
    let rows = ratatui::widgets::Block::bordered().inner(area).height as usize;
    let sel = r.st.selected_index(Panel::Activity, r.data);
    let offset = match sel {
        Some(i) if rows > 0 && i >= rows => i + 1 - rows,
        _ => 0,
    };
    // The feed holds the newest events only: its position is among those.
    let n = d.events.len();
    let at =
        position(offset as u64, n.saturating_sub(offset).min(rows), n as u64).map(|p| format!("{p} newest"));
    let inner = panel(r, area, buf, Panel::Activity.title(), focused, at);
    let w = inner.width as usize;
    let el = r.g.ellipsis;
    let today = r.o.now.with_timezone(&r.tz).date_naive();
    let (vin_w, kind_w) = (18usize, 10usize);
    let mut lines: Vec<Line> = Vec::new();
    if d.events.is_empty() {
        lines.push(Line::from(s("no events yet", r.p.dim)));
    }
    let shown: Vec<_> = d.events.iter().enumerate().skip(offset).take(rows).collect();
    let times: Vec<(String, ratatui::style::Style)> = shown
        .iter()
        .map(|(_, e)| match e.at {
            Some(at) => {
                let local = at.with_timezone(&r.tz);
                let t = if local.date_naive() == today {
                    text::clock_s(at, &r.tz, r.o.clock_24h)
                } else {
                    format!(
                        "{} {}",
                        local.format("%m-%d"),
                        text::clock(at, &r.tz, r.o.clock_24h)
                    )
                };
                (t, r.p.dim)
            }
            None => (format!("?{}", text::db(&e.at_raw)), r.p.warn),
        })
        .collect();
    let time_w = times
        .iter()
        .map(|(t, _)| text::width(t))
        .max()
        .unwrap_or(8)
        .min(14)
        + 1;
    for ((i, e), (t, tstyle)) in shown.into_iter().zip(times) {
        let mut spans: Vec<Span> = vec![
            s(fit_right(&t, time_w - 1, el) + " ", tstyle),
            s(fit(&text::db(&e.vin), vin_w, el), r.p.text),
            s(fit(&text::db(&e.kind), kind_w, el), r.p.title),
        ];
        let room = w.saturating_sub(time_w + vin_w + kind_w);
        spans.push(s(fit(&text::db(&e.detail), room, el), r.p.text));
        let line = Line::from(spans);
        lines.push(if focused && sel == Some(i) {
            full_width(line, inner.width, r.p.selected)
        } else {
            line
        });
    }
    draw_lines(inner, buf, &lines);
}
