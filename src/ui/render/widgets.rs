//! Small drawing helpers shared by the panels: the panel frame, lines of spans,
//! bars, the consignment gauge, severity tags. Styles come from the palette and
//! symbols from the glyph set, never from literals here.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

use super::R;
use crate::figures::{PendingConsignment, Severity};
use crate::ui::text;

pub fn s(text: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(text.into(), style)
}

/// Draws a bordered panel with its title and returns the inner area. The focused
/// panel has the focus style and a pointer before its title (focus is not shown
/// by colour alone).
pub fn panel(r: &R, area: Rect, buf: &mut Buffer, title: &str, focused: bool, right: Option<String>) -> Rect {
    let (bstyle, tstyle) = if focused {
        (r.p.border_focus, r.p.border_focus)
    } else {
        (r.p.border, r.p.title)
    };
    let t = if focused {
        format!("{} {title} ", r.g.pointer)
    } else {
        format!(" {title} ")
    };
    let mut block = Block::bordered()
        .border_set(r.g.border)
        .border_style(bstyle)
        .title(Line::from(s(t, tstyle)));
    if let Some(rt) = right {
        block = block.title(Line::from(s(format!(" {rt} "), r.p.dim)).right_aligned());
    }
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// Draws lines from the top of `area`, clipped to it.
pub fn draw_lines(area: Rect, buf: &mut Buffer, lines: &[Line<'_>]) {
    for (i, line) in lines.iter().enumerate().take(area.height as usize) {
        buf.set_line(area.x, area.y + i as u16, line, area.width);
    }
}

/// A line padded with the style to the full width (selected rows).
pub fn full_width(line: Line<'static>, width: u16, style: Style) -> Line<'static> {
    let used = line.width();
    let mut spans = line.spans;
    if (width as usize) > used {
        spans.push(Span::raw(" ".repeat(width as usize - used)));
    }
    Line::from(spans).patch_style(style)
}

/// Cells of `value` out of `scale` in `width` columns, rounded; at least one for a
/// value above zero.
fn cells(value: u64, scale: u64, width: usize) -> usize {
    if value == 0 || scale == 0 || width == 0 {
        return 0;
    }
    let c = ((value as f64 / scale as f64) * width as f64).round() as usize;
    c.clamp(1, width)
}

/// An occupancy bar: the NEV part, the other part, empty to capacity.
pub fn bar(r: &R, width: usize, nev: u64, occupied: u64, capacity: u64) -> Vec<Span<'static>> {
    let scale = capacity.max(occupied);
    let total = cells(occupied, scale, width);
    let n = cells(nev.min(occupied), scale, width).min(total);
    let o = total - n;
    vec![
        s(r.g.bar_nev.to_string().repeat(n), r.p.nev),
        s(r.g.bar_other.to_string().repeat(o), r.p.other),
        s(r.g.bar_empty.to_string().repeat(width - total), r.p.empty),
    ]
}

/// A consignment's progress: loaded, staged, the rest delivered, not yet
/// delivered, against the planned units (or more, when more are assigned).
pub fn gauge(r: &R, width: usize, c: &PendingConsignment) -> Vec<Span<'static>> {
    let scale = c.planned.max(c.delivered + c.expected).max(1);
    let w = width as f64;
    let at = |v: u64| ((v.min(scale) as f64 / scale as f64) * w).round() as usize;
    let loaded = at(c.loaded);
    let staged = at(c.loaded + c.staged).max(loaded);
    let delivered = at(c.delivered).max(staged);
    vec![
        s(r.g.gauge_loaded.to_string().repeat(loaded), r.p.gauge_loaded),
        s(
            r.g.gauge_staged.to_string().repeat(staged - loaded),
            r.p.gauge_staged,
        ),
        s(
            r.g.gauge_delivered.to_string().repeat(delivered - staged),
            r.p.gauge_delivered,
        ),
        s(
            r.g.gauge_empty.to_string().repeat(width - delivered),
            r.p.gauge_empty,
        ),
    ]
}

/// Where a list is when it does not show all its rows: `8-20 of 133` (the first
/// row shown is `offset + 1`); None when everything is on screen.
pub fn position(offset: u64, shown: usize, total: u64) -> Option<String> {
    let shown = shown as u64;
    if shown >= total && offset == 0 {
        return None;
    }
    if shown == 0 {
        return Some(format!("0 of {}", text::thousands(total)));
    }
    Some(format!(
        "{}-{} of {}",
        text::thousands(offset + 1),
        text::thousands(offset + shown),
        text::thousands(total)
    ))
}

/// Two notes for a panel's top-right corner, either of which may be absent.
pub fn join_notes(a: Option<String>, b: Option<String>, sep: &str) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a}{sep}{b}")),
        (a, b) => a.or(b),
    }
}

/// "CRIT" / "WARN" / "INFO" in the severity's style.
pub fn severity(r: &R, sev: Severity) -> Span<'static> {
    match sev {
        Severity::Critical => s("CRIT", r.p.crit),
        Severity::Warning => s("WARN", r.p.warn),
        Severity::Info => s("INFO", r.p.info),
    }
}

/// A count, styled as a problem when above zero.
pub fn count(n: u64, problem: Style, r: &R) -> Span<'static> {
    s(text::thousands(n), if n > 0 { problem } else { r.p.text })
}

/// Database text, cleaned and fitted to `w` columns.
pub fn dbfit(r: &R, raw: &str, w: usize) -> String {
    text::fit(&text::db(raw), w, r.g.ellipsis)
}

/// A message centred in `area`.
pub fn centred_message(area: Rect, buf: &mut Buffer, msg: &str, style: Style, ellipsis: &str) {
    if area.height == 0 {
        return;
    }
    let y = area.y + area.height / 2;
    let t = text::centre(msg, area.width as usize, ellipsis);
    buf.set_line(area.x, y, &Line::from(s(t, style)), area.width);
}

/// Lays `items` (each a few spans that belong together) out on as many lines as
/// `width` needs, after `label`; continuation lines are indented under the first
/// item. Used where a line of counts may not fit a narrow panel.
pub fn wrap_items(
    label: Span<'static>,
    items: Vec<Vec<Span<'static>>>,
    width: usize,
    sep: &str,
) -> Vec<Line<'static>> {
    let indent = label.width();
    let mut lines = Vec::new();
    let mut cur: Vec<Span> = vec![label];
    let mut used = indent;
    let mut first_on_line = true;
    for item in items {
        let w: usize = item.iter().map(|sp| sp.width()).sum();
        let need = if first_on_line { w } else { w + sep.len() };
        if !first_on_line && used + need > width {
            lines.push(Line::from(std::mem::take(&mut cur)));
            cur.push(Span::raw(" ".repeat(indent)));
            used = indent;
            first_on_line = true;
        }
        if !first_on_line {
            cur.push(Span::raw(sep.to_string()));
            used += sep.len();
        }
        used += w;
        cur.extend(item);
        first_on_line = false;
    }
    lines.push(Line::from(cur));
    lines
}
