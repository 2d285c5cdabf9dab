//! Drill-downs that are a list to pick from: search results (`/`) and an alert's
//! subjects. Enter opens the selected item.
//!
//! ```text
//! ┌ Search "123456" ─────────────────────────────────────────────────── Esc back ┐
//! │ 3 matches: VIN suffix, consignment ref, vessel name. Enter opens.             │
//! │ vehicle      LSJW24104PS123456         BYD Seal · BEV · parked                │
//! │ consignment  MG-GBBRS-123456           to GBBRS · open                        │
//! └──────────────────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::widgets::{draw_lines, full_width, panel, s};
use super::R;
use crate::db::browse::SEARCH_LIMIT;
use crate::ui::data::DetailBody;
use crate::ui::state::View;
use crate::ui::text::{self, fit};

pub fn render(r: &R, area: Rect, buf: &mut Buffer) {
    let el = r.g.ellipsis;
    match r.st.top() {
        Some(View::Search { query, selected }) => {
            let title = format!("Search \"{}\"", text::db(query));
            let inner = panel(r, area, buf, &title, true, Some("Esc back".into()));
            let res = match r.st.current_detail() {
                Some(DetailBody::Search(res)) => res,
                Some(DetailBody::Failed(why)) => {
                    draw_lines(
                        inner,
                        buf,
                        &[Line::from(s(
                            format!("search failed: {}", text::db(why)),
                            r.p.crit,
                        ))],
                    );
                    return;
                }
                _ => {
                    draw_lines(inner, buf, &[Line::from(s("searching...", r.p.dim))]);
                    return;
                }
            };
            let w = inner.width as usize;
            let mut lines: Vec<Line> = Vec::new();
            let head = if res.hits.is_empty() {
                "no match for this VIN suffix, consignment ref or vessel name".to_string()
            } else {
                let more = if res.truncated {
                    format!(" (first {SEARCH_LIMIT} of each kind: type more characters)")
                } else {
                    String::new()
                };
                format!(
                    "{} matches{more}: VIN suffix, consignment ref, vessel name. Enter opens.",
                    res.hits.len()
                )
            };
            lines.push(Line::from(s(head, r.p.dim)));
            let rows = (inner.height as usize).saturating_sub(1);
            let offset = selected.saturating_sub(rows.saturating_sub(1));
            for (i, h) in res.hits.iter().enumerate().skip(offset).take(rows) {
                let line = Line::from(vec![
                    s(fit(h.kind, 13, el), r.p.dim),
                    s(fit(&text::db(&h.label), 26, el), r.p.text),
                    s(
                        fit(
                            &h.detail
                                .iter()
                                .map(|d| text::db(d))
                                .collect::<Vec<_>>()
                                .join(r.g.sep),
                            w.saturating_sub(39),
                            el,
                        ),
                        r.p.dim,
                    ),
                ]);
                lines.push(if i == *selected {
                    full_width(line, inner.width, r.p.selected)
                } else {
                    line
                });
            }
            draw_lines(inner, buf, &lines);
        }
        Some(View::Subjects {
            title,
            items,
            selected,
        }) => {
            let inner = panel(r, area, buf, &text::db(title), true, Some("Esc back".into()));
            let mut lines: Vec<Line> = vec![Line::from(s(
                format!("{} listed (the figures list up to 20). Enter opens.", items.len()),
                r.p.dim,
            ))];
            let rows = (inner.height as usize).saturating_sub(1);
            let offset = selected.saturating_sub(rows.saturating_sub(1));
            for (i, it) in items.iter().enumerate().skip(offset).take(rows) {
                let line = Line::from(s(
                    fit(&text::db(&it.label), inner.width as usize, el),
                    if it.target.is_some() { r.p.text } else { r.p.dim },
                ));
                lines.push(if i == *selected {
                    full_width(line, inner.width, r.p.selected)
                } else {
                    line
                });
            }
            draw_lines(inner, buf, &lines);
        }
        _ => {}
    }
}
