//! Panel 5, Alerts: the safety and schedule problems (docs/alerts.md), one line per
//! kind, most severe first; Enter lists every subject of an alert, with where it is.
//!
//! ```text
//! ┌ Alerts ────────────────────────────────────────────────┐
//! │ CRIT NEV SoC over max            12  3 staged · LSJW2… │
//! │ CRIT cut-off passed               1  BYD-BEZEE-7       │
//! │ WARN consignment at risk          2  MG-GBBRS-01, ...  │
//! │ INFO long dwell                  17  LFV3A23C...       │
//! └────────────────────────────────────────────────────────┘
//! ```
//! Severity is a word as well as a colour (CRIT red, WARN yellow, INFO blue).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::widgets::{draw_lines, full_width, join_notes, panel, position, s, severity};
use super::R;
use crate::ui::state::{alert_label, Panel};
use crate::ui::text::{self, fit, fit_right};

pub fn render(r: &R, area: Rect, buf: &mut Buffer) {
    let focused = r.focused(Panel::Alerts);
    let Some(d) = r.data else {
        let inner = panel(r, area, buf, Panel::Alerts.title(), focused, None);
        draw_lines(inner, buf, &[Line::from(s("reading the database...", r.p.dim))]);
        return;
    };
    let alerts = &d.figures.alerts;
    let crit = alerts
        .iter()
        .filter(|a| a.severity == crate::figures::Severity::Critical)
        .count();
    let right = (crit > 0).then(|| format!("{crit} critical"));
    let rows = ratatui::widgets::Block::bordered().inner(area).height as usize;
    let sel = r.st.selected_index(Panel::Alerts, r.data);
    let offset = match sel {
        Some(i) if rows > 0 && i >= rows => i + 1 - rows,
        _ => 0,
    };
    let shown = alerts.len().saturating_sub(offset).min(rows);
    let right = join_notes(
        right,
        position(offset as u64, shown, alerts.len() as u64),
        r.g.sep,
    );
    let inner = panel(r, area, buf, Panel::Alerts.title(), focused, right);
    let w = inner.width as usize;
    let el = r.g.ellipsis;
    let mut lines: Vec<Line> = Vec::new();
    // While history is read, data quality is not counted yet: "no alerts" would
    // be a claim the reader cannot make.
    let counting = r.data.is_some_and(|d| d.reading_history);
    if alerts.is_empty() && !counting {
        lines.push(Line::from(s("no alerts", r.p.ok)));
    }
    let label_w = 22usize.min(w / 3);
    let count_w = 7usize;
    for (i, a) in crate::ui::order::alerts_in_order(alerts)
        .into_iter()
        .enumerate()
        .skip(offset)
        .take(rows)
    {
        let mut spans: Vec<Span> = vec![
            severity(r, a.severity),
            s(" ", r.p.text),
            s(fit(&alert_label(&a.kind), label_w, el), r.p.text),
            s(
                fit_right(&text::thousands(a.count), count_w - 1, el) + "  ",
                r.p.text,
            ),
        ];
        let room = w.saturating_sub(5 + label_w + count_w + 1);
        let mut subjects = a
            .subjects
            .iter()
            .map(|x| text::db(x))
            .collect::<Vec<_>>()
            .join(", ");
        if a.staged > 0 {
            // Why an SoC-over line is critical: these are about to be loaded.
            subjects = format!("{} staged{}{subjects}", text::thousands(a.staged), r.g.sep);
        }
        spans.push(s(fit(&subjects, room, el), r.p.dim));
        let line = Line::from(spans);
        lines.push(if focused && sel == Some(i) {
            full_width(line, inner.width, r.p.selected)
        } else {
            line
        });
    }
    if counting {
        lines.push(Line::from(s("counting data quality...", r.p.dim)));
    }
    draw_lines(inner, buf, &lines);
}
