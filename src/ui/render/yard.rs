//! Panel 3, Parked NEVs: the yard's totals, SoC bands, holds, long dwell, and one
//! row per block (scrolls; Enter opens the block map).
//!
//! ```text
//! ┌ Parked NEVs ──────────────────────────────────────────┐
//! │ In yard 12,345 of 20,000 (61.7%)  NEV 8,123            │
//! │ SoC >50% 12 · <20% 40 · unchecked 88 · in band 7,983   │
//! │ Holds customs 3  damage 1  battery 2  docs 4  other 0  │
//! │ Long dwell >14 d 17 · NEV in ICE zone 2                │
//! │ Block  Zone        Occupancy           NEV   1-8/200   │
//! │ N01    nev         ████▒▒····    312/400   298         │
//! └────────────────────────────────────────────────────────┘
//! ```

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::widgets::{bar, count, draw_lines, full_width, panel, position, s, wrap_items};
use super::R;
use crate::ui::state::Panel;
use crate::ui::text::{self, fit, fit_right};

pub fn render(r: &R, area: Rect, buf: &mut Buffer) {
    let focused = r.focused(Panel::Yard);
    let Some(d) = r.data else {
        let inner = panel(r, area, buf, Panel::Yard.title(), focused, None);
        draw_lines(inner, buf, &[Line::from(s("reading the database...", r.p.dim))]);
        return;
    };
    // The frame is drawn once the table knows how many blocks it shows.
    let inner = ratatui::widgets::Block::bordered().inner(area);
    let y = &d.figures.yard;
    let rules = &d.figures.rules;
    let mut lines: Vec<Line> = Vec::new();
    let fill = if y.capacity > 0 {
        format!(" ({})", text::percent(y.in_yard as f64 / y.capacity as f64))
    } else {
        String::new()
    };
    lines.push(Line::from(vec![
        s("In yard ", r.p.dim),
        s(text::thousands(y.in_yard), r.p.text),
        s(format!(" of {}{fill}", text::thousands(y.capacity)), r.p.dim),
        s("  NEV ", r.p.dim),
        s(text::thousands(y.in_yard_nev), r.p.nev),
    ]));
    let w = inner.width as usize;
    let item = |label: String, n: Span<'static>| vec![s(label, r.p.dim), n];
    lines.extend(wrap_items(
        s("SoC ", r.p.dim),
        vec![
            item(
                format!(">{}% ", num(rules.soc_max_pct)),
                count(y.soc.over_max, r.p.crit, r),
            ),
            item(
                format!("<{}% ", num(rules.soc_min_pct)),
                count(y.soc.under_min, r.p.warn, r),
            ),
            item("unchecked ".into(), count(y.soc.unchecked, r.p.warn, r)),
            item("in band ".into(), s(text::thousands(y.soc.in_band), r.p.ok)),
        ],
        w,
        "  ",
    ));
    let h = &y.holds;
    lines.extend(wrap_items(
        s("Holds ", r.p.dim),
        vec![
            item("battery ".into(), count(h.battery, r.p.crit, r)),
            item("damage ".into(), count(h.damage, r.p.crit, r)),
            item("customs ".into(), count(h.customs, r.p.warn, r)),
            item("documents ".into(), count(h.documents, r.p.warn, r)),
            item("other ".into(), count(h.other, r.p.warn, r)),
        ],
        w,
        "  ",
    ));
    lines.extend(wrap_items(
        s("", r.p.dim),
        vec![
            item(
                format!("Long dwell >{} d ", num(rules.long_dwell_days)),
                count(y.long_dwell, r.p.info, r),
            ),
            item(
                "NEV in ICE zone ".into(),
                count(y.nev_outside_nev_zone, r.p.warn, r),
            ),
        ],
        w,
        "  ",
    ));

    // The block table.
    let el = r.g.ellipsis;
    let (code_w, zone_w, occ_w, nev_w) = (6usize, 11usize, 12usize, 6usize);
    let bar_w = w.saturating_sub(code_w + zone_w + occ_w + nev_w + 3).max(4);
    let rows = (inner.height as usize).saturating_sub(lines.len() + 1);
    let n = y.blocks.len();
    let sel = r.st.selected_index(Panel::Yard, r.data);
    let offset = match sel {
        Some(i) if rows > 0 && i >= rows => i + 1 - rows,
        _ => 0,
    };
    let shown = n.saturating_sub(offset).min(rows);
    panel(
        r,
        area,
        buf,
        Panel::Yard.title(),
        focused,
        position(offset as u64, shown, n as u64),
    );
    let head = format!(
        "{}{}{} {}{}",
        fit("Block", code_w, el),
        fit("Zone", zone_w, el),
        fit("Occupancy", bar_w + 1, el),
        fit_right("occ/cap", occ_w, el),
        fit_right("NEV", nev_w, el),
    );
    lines.push(Line::from(s(head, r.p.dim)));
    if n == 0 {
        lines.push(Line::from(s("no blocks in yard_blocks", r.p.dim)));
    }
    let order = crate::ui::order::block_order(&y.blocks);
    for (i, b) in order
        .iter()
        .map(|&j| &y.blocks[j])
        .enumerate()
        .skip(offset)
        .take(rows)
    {
        let over = b.occupied > b.capacity;
        let occ = format!("{}/{}", text::thousands(b.occupied), text::thousands(b.capacity));
        let mut spans: Vec<Span> = vec![
            s(fit(&text::db(&b.code), code_w, el), r.p.text),
            s(fit(&text::db(&b.zone), zone_w, el), r.p.dim),
        ];
        spans.extend(bar(r, bar_w, b.nev, b.occupied, b.capacity));
        spans.push(s(if over { "!" } else { " " }, r.p.warn));
        spans.push(s(
            fit_right(&occ, occ_w, el),
            if over { r.p.warn } else { r.p.text },
        ));
        spans.push(s(fit_right(&text::thousands(b.nev), nev_w, el), r.p.nev));
        let line = Line::from(spans);
        lines.push(if focused && sel == Some(i) {
            full_width(line, inner.width, r.p.selected)
        } else {
            line
        });
    }
    draw_lines(inner, buf, &lines);
}

/// A rule's number without a needless ".0".
pub fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e12 {
        format!("{}", x as i64)
    } else {
        format!("{x:.1}")
    }
}
