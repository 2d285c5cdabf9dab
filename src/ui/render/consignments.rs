//! Panel 4, Pending consignments (open and loading) by cut-off; Enter opens one.
//!
//! ```text
//! ┌ Pending consignments ──────────────────────────────────────────────────────────────────────────────────────┐
//! │ Ref          Vessel / voyage     To    Cut-off in     Progress        Planned  Deliv Staged Loaded UPH  Risk  │
//! │ MG-GBBRS-01  GLOVIS SUN 0412W    GBBRS 3h 12m         ████▓▓▒▒░░░░░░    3,061  2,900    300  1,204 212       │
//! │ BYD-BEZEE-7  BYD EXPLORER 2E     BEZEE -0h 40m PASSED ██▓▒▒▒░░░░░░░░      800    620     40    100   0 CUT-OFF PASSED │
//! └─────────────────────────────────────────────────────────────────────────────────────────────────────────────┘
//! ```
//! The gauge: loaded `█`, staged `▓`, other delivered `▒`, not yet delivered `░`
//! (ASCII `#`, `=`, `-`, `.`). The countdown ticks with the screen's clock.
//! Narrow screens drop the four number columns for one "loaded/planned".

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::widgets::{draw_lines, full_width, gauge, panel, s};
use super::R;
use crate::figures::{Figures, PendingConsignment};
use crate::ui::state::Panel;
use crate::ui::text::{self, fit, fit_right};

/// Seconds from the screen's clock to the cut-off.
pub fn countdown_secs(c: &PendingConsignment, f: &Figures, now: DateTime<Utc>) -> Option<i64> {
    match c.cutoff_at.as_deref().and_then(crate::time::parse_ts) {
        Some(t) => Some((t - now).num_seconds()),
        None => {
            let generated = crate::time::parse_ts(&f.generated_at)?;
            c.cutoff_in_s.map(|s| s - (now - generated).num_seconds())
        }
    }
}

/// The countdown cell: "3h 12m", "-0h 40m PASSED", or "no cut-off".
pub fn countdown_span(r: &R, c: &PendingConsignment, f: &Figures) -> Span<'static> {
    match countdown_secs(c, f, r.o.now) {
        Some(secs) if secs < 0 => s(format!("{} PASSED", text::countdown(secs)), r.p.crit),
        Some(secs) => {
            let soon = (secs as f64) <= f.rules.at_risk_hours * 3600.0;
            s(text::countdown(secs), if soon { r.p.warn } else { r.p.text })
        }
        None => s("no cut-off", r.p.dim),
    }
}

/// The risk marker and why: "CUT-OFF PASSED: 2 on hold" (critical), "AT RISK:
/// short 37" (warning) or nothing. The marker is a word, not only a colour; the
/// reason says whether vehicles are missing or held (a consignment fully delivered
/// with one vehicle on hold is at risk for that vehicle alone). `short` drops the
/// "CUT-OFF" of the passed marker where the countdown beside it already says
/// PASSED (the panel's table).
pub fn risk_span(r: &R, c: &PendingConsignment, f: &Figures, short: bool) -> Span<'static> {
    let passed = c.cutoff_passed || countdown_secs(c, f, r.o.now).is_some_and(|x| x < 0);
    let why = crate::figures::subjects::risk_reason(c);
    let with = |marker: &str| match why.is_empty() {
        true => marker.to_string(),
        false => format!("{marker}: {why}"),
    };
    match (c.at_risk, passed) {
        (true, true) => s(with(if short { "PASSED" } else { "CUT-OFF PASSED" }), r.p.crit),
        (true, false) => s(with("AT RISK"), r.p.warn),
        _ => s("", r.p.text),
    }
}

/// A risk marker and its reasons cut to `w` columns between reasons, never inside
/// one ("AT RISK: short 33 …", not "AT RISK: short 3…", which would misstate the
/// count); the consignment's own view says them all.
fn fit_reasons(text_: &str, w: usize, ellipsis: &str) -> String {
    if text::width(text_) < w {
        return text_.to_string();
    }
    let parts: Vec<&str> = text_.split(", ").collect();
    for keep in (1..parts.len()).rev() {
        let cut = format!("{} {ellipsis}", parts[..keep].join(", "));
        if text::width(&cut) < w {
            return cut;
        }
    }
    // Not even the first reason fits: the marker alone.
    match text_.split_once(": ") {
        Some((marker, _)) => format!("{marker} {ellipsis}"),
        None => text_.to_string(),
    }
}

struct Cols {
    reference: usize,
    vessel: usize,
    dest: usize,
    cutoff: usize,
    gauge: usize,
    /// Four number columns (planned, delivered, staged, loaded) or one combined.
    wide_numbers: bool,
    num: usize,
    uph: usize,
    risk: usize,
    short_risk: bool,
}

/// Column widths (each includes its trailing space) for this width and list: the
/// ref and the countdown as wide as the widest, the vessel takes what is left.
fn columns(r: &R, w: usize, f: &Figures) -> Cols {
    let list = &f.consignments;
    let reference = list
        .iter()
        .map(|c| text::width(&text::db(&c.reference)))
        .max()
        .unwrap_or(3)
        .clamp(6, 22)
        + 1;
    let cutoff = list
        .iter()
        .map(|c| text::width(&countdown_span(r, c, f).content))
        .max()
        .unwrap_or(10)
        .clamp(10, 18)
        + 1;
    let risk = |short: bool, most: usize| {
        list.iter()
            .map(|c| text::width(&risk_span(r, c, f, short).content) + 1)
            .max()
            .unwrap_or(5)
            .clamp(5, most)
    };
    let dest = 6;
    if w >= 110 {
        let (num, uph) = (7, 5);
        // The vessel keeps at least 14 columns (a name a supervisor recognises); a
        // long reason gives way first, down to 20 columns, cut between reasons
        // (`fit_reasons`), its marker and first count always whole.
        const VESSEL_MIN: usize = 14;
        const GAUGE_MIN: usize = 8;
        let before_risk = reference + dest + cutoff + 4 * num + uph;
        let room_for_risk = w.saturating_sub(before_risk + VESSEL_MIN + GAUGE_MIN);
        let risk = risk(true, 30).min(room_for_risk.max(20));
        let fixed = before_risk + risk;
        let flex = w.saturating_sub(fixed);
        let gauge = (flex * 2 / 5)
            .clamp(GAUGE_MIN, 16)
            .min(flex.saturating_sub(VESSEL_MIN).max(GAUGE_MIN));
        Cols {
            reference,
            vessel: flex.saturating_sub(gauge),
            dest,
            cutoff,
            gauge,
            wide_numbers: true,
            num,
            uph,
            risk,
            short_risk: true,
        }
    } else {
        let risk = risk(true, 22);
        let num = 12;
        let fixed = reference + dest + cutoff + num + risk;
        let flex = w.saturating_sub(fixed);
        let gauge = if flex >= 20 { flex / 3 } else { 0 };
        Cols {
            reference,
            vessel: flex - gauge,
            dest,
            cutoff,
            gauge,
            wide_numbers: false,
            num,
            uph: 0,
            risk,
            short_risk: true,
        }
    }
}

pub fn render(r: &R, area: Rect, buf: &mut Buffer) {
    let focused = r.focused(Panel::Consignments);
    let Some(d) = r.data else {
        let inner = panel(r, area, buf, Panel::Consignments.title(), focused, None);
        draw_lines(inner, buf, &[Line::from(s("reading the database...", r.p.dim))]);
        return;
    };
    let f = &d.figures;
    let list = &f.consignments;
    let at_risk = list.iter().filter(|c| c.at_risk).count();
    let right = (at_risk > 0).then(|| format!("{} at risk", at_risk));
    let inner = panel(r, area, buf, Panel::Consignments.title(), focused, right);
    let w = inner.width as usize;
    let el = r.g.ellipsis;
    let c = columns(r, w, f);
    let mut head = vec![
        s(fit("Ref", c.reference, el), r.p.dim),
        s(fit("Vessel / voyage", c.vessel, el), r.p.dim),
        s(fit("To", c.dest, el), r.p.dim),
        s(fit("Cut-off in", c.cutoff, el), r.p.dim),
        s(fit("Progress", c.gauge, el), r.p.dim),
    ];
    if c.wide_numbers {
        for h in ["Plan", "Deliv", "Staged", "Loaded"] {
            head.push(s(fit_right(h, c.num - 1, el) + " ", r.p.dim));
        }
        head.push(s(fit_right("UPH", c.uph - 1, el) + " ", r.p.dim));
    } else {
        head.push(s(fit_right("Loaded/plan", c.num - 1, el) + " ", r.p.dim));
    }
    head.push(s(fit("Risk", c.risk, el), r.p.dim));
    let mut lines: Vec<Line> = vec![Line::from(head)];
    let rows = (inner.height as usize).saturating_sub(1);
    let sel = r.st.selected_index(Panel::Consignments, r.data);
    let offset = match sel {
        Some(i) if rows > 0 && i >= rows => i + 1 - rows,
        _ => 0,
    };
    if list.is_empty() {
        lines.push(Line::from(s("no open or loading consignments", r.p.dim)));
    }
    for (i, cn) in list.iter().enumerate().skip(offset).take(rows) {
        let vessel = format!("{} {}", text::db(&cn.vessel), text::db(&cn.voyage));
        let cd = countdown_span(r, cn, f);
        let mut spans: Vec<Span> = vec![
            s(fit(&text::db(&cn.reference), c.reference - 1, el) + " ", r.p.text),
            s(fit(vessel.trim(), c.vessel.saturating_sub(1), el) + " ", r.p.text),
            s(fit(&text::db(&cn.destination), c.dest - 1, el) + " ", r.p.text),
            s(fit(&cd.content, c.cutoff - 1, el) + " ", cd.style),
        ];
        if c.gauge > 1 {
            spans.extend(gauge(r, c.gauge - 1, cn));
            spans.push(s(" ", r.p.text));
        }
        let n = |v: u64| fit_right(&text::thousands(v), c.num - 1, el) + " ";
        if c.wide_numbers {
            spans.push(s(n(cn.planned), r.p.text));
            spans.push(s(n(cn.delivered), r.p.text));
            spans.push(s(n(cn.staged), r.p.text));
            spans.push(s(n(cn.loaded), r.p.text));
            // The loading rate comes from the loads of the last hour: not yet
            // counted while history is read.
            let counting = r.data.is_some_and(|d| d.reading_history);
            let uph = if counting && cn.status == "loading" {
                r.g.ellipsis.to_string()
            } else if cn.status == "loading" {
                text::thousands(cn.uph)
            } else {
                String::new()
            };
            spans.push(s(fit_right(&uph, c.uph - 1, el) + " ", r.p.text));
        } else {
            let lp = format!("{}/{}", text::thousands(cn.loaded), text::thousands(cn.planned));
            spans.push(s(fit_right(&lp, c.num - 1, el) + " ", r.p.text));
        }
        let risk = risk_span(r, cn, f, c.short_risk);
        spans.push(s(
            fit(&fit_reasons(&risk.content, c.risk, el), c.risk, el),
            risk.style,
        ));
        let line = Line::from(spans);
        lines.push(if focused && sel == Some(i) {
            full_width(line, inner.width, r.p.selected)
        } else {
            line
        });
    }
    if list.len() > rows && rows > 0 {
        let more = format!(
            "{} {}-{} of {}",
            r.g.more_down,
            offset + 1,
            (offset + rows).min(list.len()),
            list.len()
        );
        let bottom = Rect {
            x: area.x + 2,
            y: area.y + area.height.saturating_sub(1),
            width: area.width.saturating_sub(4),
            height: 1,
        };
        draw_lines(bottom, buf, &[Line::from(s(format!(" {more} "), r.p.dim))]);
    }
    draw_lines(inner, buf, &lines);
}

#[cfg(test)]
mod tests {
    use super::fit_reasons;

    #[test]
    fn reasons_are_cut_between_reasons_never_inside_a_count() {
        let full = "AT RISK: short 33, 1 on hold";
        assert_eq!(fit_reasons(full, 40, "…"), full);
        assert_eq!(fit_reasons(full, 20, "…"), "AT RISK: short 33 …");
        assert_eq!(fit_reasons(full, 12, "…"), "AT RISK …");
    }
}
