//! Drill-downs that are a list to pick from: search results (`/`) and every
//! subject of an alert, with where it is. Enter opens the selected item.
//!
//! ```text
//! ┌ Search "123456" ─────────────────────────────────────────────────── Esc back ┐
//! │ 3 matches: VIN suffix, consignment ref, vessel name. Enter opens.             │
//! │ vehicle      LSJW24104PS123456         BYD Seal · BEV · parked                │
//! │ consignment  MG-GBBRS-123456           to GBBRS · open                        │
//! └──────────────────────────────────────────────────────────────────────────────┘
//!
//! ┌ NEV SoC over max ─────────────────────────────────── 1-30 of 133 · Esc back ┐
//! │ 133 NEVs over the 50% SoC limit · 3 staged, listed first · Enter opens        │
//! │ VIN                Block    Row Slot Status     SoC  Reading   Consignment    │
//! │ LSJW24104PS123456  S01        2    3 staged     71%  7 h ago   MG-GBBRS-01    │
//! └──────────────────────────────────────────────────────────────────────────────┘
//! ```
//! Vehicles are read a page at a time (an alert of 50,000 is never loaded at once);
//! consignments, blocks and kinds of problem come from the figures.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::consignments::countdown_span;
use super::widgets::{draw_lines, full_width, join_notes, panel, position, s};
use super::R;
use crate::db::browse::SEARCH_LIMIT;
use crate::figures::listing::VehicleSubject;
use crate::figures::subjects::{risk_reason, subject_kind, SubjectKind};
use crate::ui::data::DetailBody;
use crate::ui::nav::{block_subjects, consignment_subjects, problem_subjects};
use crate::ui::state::View;
use crate::ui::text::{self, fit, fit_right};

pub fn render(r: &R, area: Rect, buf: &mut Buffer) {
    let el = r.g.ellipsis;
    match r.st.top() {
        Some(View::Search { query, selected }) => {
            let title = format!("Search \"{}\"", text::db(query));
            let probe = ratatui::widgets::Block::bordered().inner(area);
            let rows = (probe.height as usize).saturating_sub(1);
            let offset = selected.saturating_sub(rows.saturating_sub(1));
            let at = match r.st.current_detail() {
                Some(DetailBody::Search(res)) => {
                    let n = res.hits.len();
                    position(offset as u64, n.saturating_sub(offset).min(rows), n as u64)
                }
                _ => None,
            };
            let inner = panel(
                r,
                area,
                buf,
                &title,
                true,
                join_notes(at, Some("Esc back".into()), r.g.sep),
            );
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
            kind, title, cursor, ..
        }) => subjects(r, area, buf, kind, title, *cursor),
        _ => {}
    }
}

/// An alert's subjects: a summary line, column heads, the rows.
fn subjects(r: &R, area: Rect, buf: &mut Buffer, kind: &str, title: &str, cursor: usize) {
    let probe = ratatui::widgets::Block::bordered().inner(area);
    // Below the summary line and the column heads.
    let rows = (probe.height as usize).saturating_sub(2);
    let back = Some("Esc back".to_string());
    let Some(d) = r.data else {
        let inner = panel(r, area, buf, &text::db(title), true, back);
        draw_lines(inner, buf, &[Line::from(s("reading the database...", r.p.dim))]);
        return;
    };
    let f = &d.figures;
    let message = f
        .alerts
        .iter()
        .find(|a| a.kind == kind)
        .map(|a| text::db(&a.message))
        .unwrap_or_else(|| "no subjects any more".to_string());
    // In-memory lists scroll with the cursor.
    let offset = cursor.saturating_sub(rows.saturating_sub(1));
    let el = r.g.ellipsis;
    let (lines, at): (Vec<Line>, Option<String>) = match subject_kind(kind) {
        Some(SubjectKind::Vehicle) => match r.st.current_detail() {
            Some(DetailBody::Subjects(p)) => {
                let w = probe.width as usize;
                let staged = (p.staged > 0)
                    .then(|| format!("{}{} staged, listed first", r.g.sep, text::thousands(p.staged)));
                let mut lines = vec![Line::from(vec![
                    s(message.clone(), if p.staged > 0 { r.p.crit } else { r.p.dim }),
                    s(staged.unwrap_or_default(), r.p.crit),
                    s(format!("{}Enter opens", r.g.sep), r.p.dim),
                ])];
                lines.extend(vehicle_rows(r, w, &p.page.rows, cursor, rows));
                let at = position(p.offset, p.page.rows.len().min(rows), p.total);
                (lines, at)
            }
            Some(DetailBody::Failed(why)) => (
                vec![Line::from(s(format!("cannot read: {}", text::db(why)), r.p.crit))],
                None,
            ),
            _ => (vec![Line::from(s("reading the subjects...", r.p.dim))], None),
        },
        Some(SubjectKind::Consignment) => {
            let list = consignment_subjects(f, kind);
            let w = probe.width as usize;
            let mut lines = vec![
                Line::from(s(format!("{message}{}Enter opens", r.g.sep), r.p.dim)),
                Line::from(s(
                    format!(
                        "{}{}{}{}{}{}{}{}{}",
                        fit("Ref", 20, el),
                        fit("Vessel / voyage", 22, el),
                        fit("Cut-off in", 16, el),
                        fit_right("Plan", 6, el),
                        fit_right("Deliv", 7, el),
                        fit_right("Hold", 6, el),
                        fit_right("Staged", 7, el),
                        fit_right("Loaded", 7, el),
                        "  Why"
                    ),
                    r.p.dim,
                )),
            ];
            for (i, c) in list.iter().enumerate().skip(offset).take(rows) {
                let cd = countdown_span(r, c, f);
                let vessel = format!("{} {}", text::db(&c.vessel), text::db(&c.voyage));
                let n = |v: u64, w: usize| fit_right(&text::thousands(v), w, el);
                let line = Line::from(vec![
                    s(fit(&text::db(&c.reference), 20, el), r.p.text),
                    s(fit(vessel.trim(), 22, el), r.p.text),
                    s(fit(&cd.content, 16, el), cd.style),
                    s(
                        format!(
                            "{}{}{}{}{}  ",
                            n(c.planned, 6),
                            n(c.delivered, 7),
                            n(c.hold, 6),
                            n(c.staged, 7),
                            n(c.loaded, 7)
                        ),
                        r.p.text,
                    ),
                    s(fit(&risk_reason(c), w.saturating_sub(93), el), r.p.warn),
                ]);
                lines.push(select(line, i == cursor, probe.width, r));
            }
            let shown = list.len().saturating_sub(offset).min(rows);
            (lines, position(offset as u64, shown, list.len() as u64))
        }
        Some(SubjectKind::Block) => {
            let list = block_subjects(f);
            let mut lines = vec![
                Line::from(s(
                    format!("{message}{}Enter opens the block map", r.g.sep),
                    r.p.dim,
                )),
                Line::from(s(
                    format!(
                        "{}{}{}{}",
                        fit("Block", 8, el),
                        fit("Zone", 12, el),
                        fit_right("occ/cap", 13, el),
                        fit_right("NEV", 7, el)
                    ),
                    r.p.dim,
                )),
            ];
            for (i, b) in list.iter().enumerate().skip(offset).take(rows) {
                let occ = format!("{}/{}", text::thousands(b.occupied), text::thousands(b.capacity));
                let line = Line::from(vec![
                    s(fit(&text::db(&b.code), 8, el), r.p.text),
                    s(fit(&text::db(&b.zone), 12, el), r.p.dim),
                    s(fit_right(&occ, 13, el), r.p.warn),
                    s(fit_right(&text::thousands(b.nev), 7, el), r.p.nev),
                ]);
                lines.push(select(line, i == cursor, probe.width, r));
            }
            let shown = list.len().saturating_sub(offset).min(rows);
            (lines, position(offset as u64, shown, list.len() as u64))
        }
        Some(SubjectKind::Problem) | None => {
            let list = problem_subjects(f);
            let mut lines = vec![
                Line::from(s(message, r.p.dim)),
                Line::from(s(
                    format!(
                        "{}{}",
                        fit("Kind of unreadable value", 30, el),
                        fit_right("Rows", 9, el)
                    ),
                    r.p.dim,
                )),
            ];
            for (i, (k, n)) in list.iter().enumerate().skip(offset).take(rows) {
                let line = Line::from(vec![
                    s(fit(&text::db(k), 30, el), r.p.text),
                    s(fit_right(&text::thousands(*n), 9, el), r.p.text),
                ]);
                lines.push(select(line, i == cursor, probe.width, r));
            }
            let shown = list.len().saturating_sub(offset).min(rows);
            (lines, position(offset as u64, shown, list.len() as u64))
        }
    };
    let inner = panel(
        r,
        area,
        buf,
        &text::db(title),
        true,
        join_notes(at, back, r.g.sep),
    );
    draw_lines(inner, buf, &lines);
}

fn select(line: Line<'static>, selected: bool, width: u16, r: &R) -> Line<'static> {
    if selected {
        full_width(line, width, r.p.selected)
    } else {
        line
    }
}

/// Column heads and one line per vehicle: VIN, where it is, status, SoC and how
/// old the reading is, consignment.
fn vehicle_rows(r: &R, w: usize, rows: &[VehicleSubject], cursor: usize, room: usize) -> Vec<Line<'static>> {
    let el = r.g.ellipsis;
    let (vin, block, row, slot, status, soc, age) = (19, 8, 5, 5, 10, 6, 11);
    let cons = w.saturating_sub(vin + block + row + slot + status + soc + age);
    let mut out = vec![Line::from(s(
        format!(
            "{}{}{}{}{}{}{}{}",
            fit("VIN", vin, el),
            fit("Block", block, el),
            fit_right("Row", row - 1, el) + " ",
            fit_right("Slot", slot - 1, el) + " ",
            fit("Status", status, el),
            fit_right("SoC", soc - 1, el) + " ",
            fit("Reading", age, el),
            fit("Consignment", cons, el)
        ),
        r.p.dim,
    ))];
    let max_age_s = r
        .data
        .map_or(f64::MAX, |d| d.figures.rules.soc_check_max_age_h * 3600.0);
    for (i, v) in rows.iter().enumerate().take(room) {
        let pct = match (v.soc.pct, v.soc.pct_unreadable) {
            (_, true) => "?".to_string(),
            (Some(p), _) => format!("{p:.0}%"),
            (None, _) => r.g.none.to_string(),
        };
        let (reading, stale) = match (v.soc.checked_at, v.soc.checked_at_unreadable) {
            (_, true) => ("unreadable".to_string(), true),
            (Some(t), _) => {
                let secs = (r.o.now - t).num_seconds();
                (text::ago(secs), secs as f64 > max_age_s)
            }
            (None, _) => ("never".to_string(), true),
        };
        let vin_t = if v.vin.is_empty() {
            "(no VIN)".to_string()
        } else {
            text::db(&v.vin)
        };
        let line = Line::from(vec![
            s(fit(&vin_t, vin, el), r.p.text),
            s(fit(&text::db(&v.block), block, el), r.p.text),
            s(
                fit_right(&text::db(v.row.as_deref().unwrap_or("")), row - 1, el) + " ",
                r.p.text,
            ),
            s(
                fit_right(&text::db(v.slot.as_deref().unwrap_or("")), slot - 1, el) + " ",
                r.p.text,
            ),
            s(fit(&text::db(&v.status), status, el), r.p.text),
            s(fit_right(&pct, soc - 1, el) + " ", r.p.text),
            s(fit(&reading, age, el), if stale { r.p.warn } else { r.p.dim }),
            s(fit(&text::db(&v.consignment), cons, el), r.p.dim),
        ]);
        out.push(select(line, i == cursor, w as u16, r));
    }
    if rows.is_empty() {
        out.push(Line::from(s("no subjects any more", r.p.dim)));
    }
    out
}
