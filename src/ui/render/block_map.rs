//! Drill-down: a block's row × slot map. Each cell is one glyph by what is parked
//! there; arrows move the cursor, Enter opens the vehicle under it.
//!
//! ```text
//! ┌ Block N01 · nev · 312/400 · NEV 298 ─────────────────────────────── Esc back ┐
//! │ o NEV ok  ! NEV SoC out of band  ? NEV SoC unchecked  x ICE/HEV  H hold      │
//! │ S staged  · empty  * two in one slot  ~ unknown powertrain                   │
//! │      1                   11                  21                              │
//! │ R01  o o o ! x · · · · · o o o o o o ? o o o o o o · ·                       │
//! │ R02  o o H o o o S S S S · · · · · · · · · · · · · · ·                       │
//! │ Row 1, slot 4: LSJW24104PS123456 · BYD Seal · BEV · parked · SoC 55% over max │
//! └──────────────────────────────────────────────────────────────────────────────┘
//! ```
//! Rows and slots are numbered from 1. Vehicles whose row or slot is missing or
//! outside the block are counted below the map, never drawn in a wrong cell.

use std::collections::HashMap;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::widgets::{draw_lines, panel, s};
use super::R;
use crate::db::browse::{SocBand, VehicleRow};
use crate::figures::Rules;
use crate::model::VehicleStatus;
use crate::ui::data::DetailBody;
use crate::ui::state::View;
use crate::ui::text;

/// What a cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    Empty,
    NevOk,
    NevOut,
    NevUnchecked,
    Other,
    Hold,
    Staged,
    Unknown,
    Conflict,
}

pub fn classify(v: &VehicleRow, rules: &Rules, now: chrono::DateTime<chrono::Utc>) -> CellKind {
    match v.status() {
        Some(VehicleStatus::Hold) => return CellKind::Hold,
        Some(VehicleStatus::Staged) => return CellKind::Staged,
        _ => {}
    }
    match v.powertrain() {
        None => CellKind::Unknown,
        Some(p) if p.is_nev() => {
            match v.soc.band(
                rules.soc_max_pct,
                rules.soc_min_pct,
                rules.soc_check_max_age_h,
                now,
            ) {
                SocBand::InBand => CellKind::NevOk,
                SocBand::OverMax | SocBand::UnderMin => CellKind::NevOut,
                SocBand::Unchecked => CellKind::NevUnchecked,
            }
        }
        Some(_) => CellKind::Other,
    }
}

fn glyph(r: &R, k: CellKind) -> (char, Style) {
    let (g, p) = (r.g, r.p);
    match k {
        CellKind::Empty => (g.map_empty, p.empty),
        CellKind::NevOk => (g.map_nev_ok, p.map_nev_ok),
        CellKind::NevOut => (g.map_nev_out, p.map_nev_out),
        CellKind::NevUnchecked => (g.map_nev_unchecked, p.map_nev_unchecked),
        CellKind::Other => (g.map_other, p.map_other),
        CellKind::Hold => (g.map_hold, p.map_hold),
        CellKind::Staged => (g.map_staged, p.map_staged),
        CellKind::Unknown => (g.map_unknown, p.warn),
        CellKind::Conflict => (g.map_conflict, p.crit),
    }
}

const LEGEND: [(CellKind, &str); 9] = [
    (CellKind::NevOk, "NEV ok"),
    (CellKind::NevOut, "NEV SoC out of band"),
    (CellKind::NevUnchecked, "NEV SoC unchecked"),
    (CellKind::Other, "ICE/HEV"),
    (CellKind::Hold, "hold"),
    (CellKind::Staged, "staged"),
    (CellKind::Empty, "empty"),
    (CellKind::Conflict, "two in one slot"),
    (CellKind::Unknown, "unknown powertrain"),
];

/// The legend, wrapped to `w` columns.
fn legend(r: &R, w: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut cur: Vec<Span> = Vec::new();
    let mut used = 0;
    for (k, label) in LEGEND {
        let (c, st) = glyph(r, k);
        let item_w = text::width(label) + 4;
        if used > 0 && used + item_w > w {
            lines.push(Line::from(std::mem::take(&mut cur)));
            used = 0;
        }
        cur.push(s(c.to_string(), st));
        cur.push(s(format!(" {label}  "), r.p.dim));
        used += item_w;
    }
    if !cur.is_empty() {
        lines.push(Line::from(cur));
    }
    lines
}

pub fn render(r: &R, area: Rect, buf: &mut Buffer) {
    let Some(View::Block { code, row, slot }) = r.st.top() else {
        return;
    };
    let (cur_row, cur_slot) = (*row, *slot);
    let fig = r
        .data
        .and_then(|d| d.figures.yard.blocks.iter().find(|b| b.code == *code));
    let title = match fig {
        Some(b) => format!(
            "Block {}{}{}{}{}/{}{}NEV {}",
            text::db(code),
            r.g.sep,
            text::db(&b.zone),
            r.g.sep,
            text::thousands(b.occupied),
            text::thousands(b.capacity),
            r.g.sep,
            text::thousands(b.nev)
        ),
        None => format!("Block {}", text::db(code)),
    };
    let inner = panel(r, area, buf, &title, true, Some("Esc back".into()));
    let map = match r.st.current_detail() {
        Some(DetailBody::Block(m)) => m,
        Some(DetailBody::Failed(why)) => {
            draw_lines(
                inner,
                buf,
                &[Line::from(s(format!("cannot read: {}", text::db(why)), r.p.crit))],
            );
            return;
        }
        _ => {
            draw_lines(inner, buf, &[Line::from(s("reading the block...", r.p.dim))]);
            return;
        }
    };
    let (nrows, nslots) = r.st.block_dims(r.data);
    let default_rules = Rules {
        soc_max_pct: 50.0,
        soc_min_pct: 20.0,
        soc_check_max_age_h: 72.0,
        long_dwell_days: 14.0,
        at_risk_hours: 24.0,
        uph_target: 200.0,
    };
    let rules = r.data.map(|d| &d.figures.rules).unwrap_or(&default_rules);
    // Cells: (row, slot) 1-based → vehicles there.
    let mut cells: HashMap<(usize, usize), Vec<&VehicleRow>> = HashMap::new();
    let mut outside = 0usize;
    for v in &map.vehicles {
        match (v.row, v.slot) {
            (Some(rw), Some(sl))
                if rw >= 1 && sl >= 1 && (rw as usize) <= nrows && (sl as usize) <= nslots =>
            {
                cells.entry((rw as usize, sl as usize)).or_default().push(v);
            }
            _ => outside += 1,
        }
    }
    let w = inner.width as usize;
    let mut lines = legend(r, w);
    if nrows == 0 || nslots == 0 {
        lines.push(Line::from(s(
            "this block has no readable rows and slots; its vehicles are listed by consignment",
            r.p.warn,
        )));
        draw_lines(inner, buf, &lines);
        return;
    }
    let label_w = nrows.to_string().len() + 3;
    let cell_w = if label_w + nslots * 2 <= w { 2 } else { 1 };
    let vis_slots = (w.saturating_sub(label_w) / cell_w).max(1);
    let info_lines = 2;
    let vis_rows = (inner.height as usize)
        .saturating_sub(lines.len() + 1 + info_lines)
        .max(1);
    let row_off = cur_row.saturating_sub(vis_rows - 1).min(nrows.saturating_sub(1));
    let slot_off = cur_slot
        .saturating_sub(vis_slots - 1)
        .min(nslots.saturating_sub(1));
    // Slot numbers every ten slots.
    let mut head: Vec<char> = vec![' '; label_w + vis_slots * cell_w];
    for sl in slot_off..(slot_off + vis_slots).min(nslots) {
        if sl % 10 == 0 {
            let x = label_w + (sl - slot_off) * cell_w;
            for (k, ch) in (sl + 1).to_string().chars().enumerate() {
                if let Some(c) = head.get_mut(x + k) {
                    *c = ch;
                }
            }
        }
    }
    lines.push(Line::from(s(head.into_iter().collect::<String>(), r.p.dim)));
    for rw in row_off..(row_off + vis_rows).min(nrows) {
        let mut spans: Vec<Span> = vec![s(
            text::fit(
                &format!("R{:0width$}", rw + 1, width = label_w - 3),
                label_w,
                r.g.ellipsis,
            ),
            r.p.dim,
        )];
        for sl in slot_off..(slot_off + vis_slots).min(nslots) {
            let kind = match cells.get(&(rw + 1, sl + 1)).map(|v| v.as_slice()) {
                None | Some([]) => CellKind::Empty,
                Some([one]) => classify(one, rules, r.o.now),
                Some(_) => CellKind::Conflict,
            };
            let (c, mut st) = glyph(r, kind);
            if rw == cur_row && sl == cur_slot {
                st = st.patch(r.p.map_cursor);
            }
            spans.push(s(c.to_string(), st));
            if cell_w == 2 {
                spans.push(s(" ", r.p.text));
            }
        }
        lines.push(Line::from(spans));
    }
    // What is under the cursor.
    let here = format!("Row {}, slot {}: ", cur_row + 1, cur_slot + 1);
    let under = match cells.get(&(cur_row + 1, cur_slot + 1)).map(|v| v.as_slice()) {
        None | Some([]) => Line::from(vec![s(here, r.p.dim), s("empty", r.p.dim)]),
        Some(vs) => {
            let v = vs[0];
            let band = match v.powertrain() {
                Some(p) if p.is_nev() => {
                    let b = v.soc.band(
                        rules.soc_max_pct,
                        rules.soc_min_pct,
                        rules.soc_check_max_age_h,
                        r.o.now,
                    );
                    super::vehicle_view::soc_text(v, b)
                }
                _ => String::new(),
            };
            let mut t = format!(
                "{}{}{} {}{}{}{}{}",
                text::db(&v.vin),
                r.g.sep,
                text::db(&v.make),
                text::db(&v.model),
                r.g.sep,
                text::db(&v.powertrain_raw),
                r.g.sep,
                text::db(&v.status_raw)
            );
            if !band.is_empty() {
                t.push_str(r.g.sep);
                t.push_str(&band);
            }
            if vs.len() > 1 {
                t.push_str(&format!("{}and {} more in this slot", r.g.sep, vs.len() - 1));
            }
            Line::from(vec![
                s(here, r.p.dim),
                s(t, r.p.text),
                s("  (Enter opens)", r.p.dim),
            ])
        }
    };
    let mut notes: Vec<Line> = vec![under];
    if outside > 0 || map.truncated {
        let mut n = format!(
            "{} vehicle{} of this block without a valid row/slot (not drawn)",
            text::thousands(outside as u64),
            if outside == 1 { "" } else { "s" }
        );
        if map.truncated {
            n.push_str("; only the first 20,000 vehicles read");
        }
        notes.push(Line::from(s(n, r.p.warn)));
    }
    draw_lines(inner, buf, &lines);
    let notes_area = Rect {
        y: inner.y + inner.height.saturating_sub(info_lines as u16),
        height: (info_lines as u16).min(inner.height),
        ..inner
    };
    draw_lines(notes_area, buf, &notes);
}
