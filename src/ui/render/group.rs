//! The group overview screen: one row per yard, the group's totals, the keys.
//!
//! ```text
//! Port group · 3 yards   Wed 2026-12-02 13:05 CST                                        live
//! ┌ Yards ──────────────────────────────────────────────────────────────────────── 1-3 of 3 ┐
//! │Yard      LOCODE  In yard    NEV SoC exc Holds Pend Risk  Today   NEV   Month    Year  Newest data │
//! │haitian   CNXMN     4,000  3,105     508   101   10    2  1,390 1,068  20,119 310,553  4 s ago     │
//! │songyu    CNSYU     2,100  1,422     120    12    6    0    402   301   9,870 120,300  STALE 12 min│
//! │haicang   —       unreachable: the file is gone (deleted or moved)                                  │
//! │                                                                                                  │
//! │Group (2 of 3 yards read)  6,100  4,527  628  113  16  2  1,792 1,369  29,989 430,853             │
//! │NEV share: today 76.4%, month 61.0%, year 57.2% (from the totals)                                  │
//! └──────────────────────────────────────────────────────────────────────────────────────────────────┘
//! q quit  ? help  ↑↓ select  Enter open the yard  r read all now
//! ```
//! Columns give way from the right (year, month, then the NEV columns of exports)
//! on a narrow terminal; the name, in yard, NEVs, exceptions and the age stay.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Widget};

use super::widgets::{draw_lines, full_width, s};
use crate::ui::data::{LiveState, RenderOptions};
use crate::ui::glyphs::glyphs;
use crate::ui::group::{GroupState, GroupTotals, YardFigures, YardHealth, YardLine};
use crate::ui::keys::{Action, KeyTable};
use crate::ui::text::{self, fit, fit_right, thousands};
use crate::ui::theme::palette;

/// A column: its heading, width, and how a yard's figures fill it.
struct Col {
    head: &'static str,
    width: usize,
    /// Dropped first when the screen is narrow (higher goes first).
    drop_order: u8,
    value: fn(&YardFigures) -> String,
}

fn columns() -> Vec<Col> {
    vec![
        Col {
            head: "In yard",
            width: 8,
            drop_order: 0,
            value: |f| thousands(f.in_yard),
        },
        Col {
            head: "NEV",
            width: 7,
            drop_order: 0,
            value: |f| thousands(f.in_yard_nev),
        },
        Col {
            head: "SoC exc",
            width: 8,
            drop_order: 0,
            value: |f| thousands(f.soc_exceptions),
        },
        Col {
            head: "Holds",
            width: 6,
            drop_order: 1,
            value: |f| thousands(f.holds),
        },
        Col {
            head: "Pend",
            width: 5,
            drop_order: 1,
            value: |f| thousands(f.pending),
        },
        Col {
            head: "Risk",
            width: 5,
            drop_order: 0,
            value: |f| thousands(f.at_risk),
        },
        Col {
            head: "Today",
            width: 7,
            drop_order: 0,
            value: |f| thousands(f.today.units),
        },
        Col {
            head: "NEV",
            width: 6,
            drop_order: 2,
            value: |f| thousands(f.today.nev),
        },
        Col {
            head: "Month",
            width: 8,
            drop_order: 3,
            value: |f| thousands(f.month.units),
        },
        Col {
            head: "Year",
            width: 9,
            drop_order: 4,
            value: |f| thousands(f.year.units),
        },
    ]
}

const NAME_W: usize = 12;
const LOCODE_W: usize = 7;
const AGE_W: usize = 16;

/// The columns that fit `width` (the name, LOCODE and age always do).
fn fitting(width: usize) -> Vec<Col> {
    let mut cols = columns();
    let used = |cols: &[Col]| NAME_W + LOCODE_W + AGE_W + 1 + cols.iter().map(|c| c.width).sum::<usize>();
    for order in (1..=4).rev() {
        if used(&cols) <= width {
            break;
        }
        cols.retain(|c| c.drop_order != order);
    }
    cols
}

fn age_text(secs: i64) -> String {
    text::ago(secs)
}

/// Draws the overview of `lines` (one per yard) into `area`.
pub fn draw(
    area: Rect,
    buf: &mut Buffer,
    lines: &[YardLine],
    st: &GroupState,
    keys: &KeyTable,
    o: &RenderOptions,
) {
    let p = palette(o.theme, o.no_color);
    let g = glyphs(o.ascii);
    buf.set_style(area, p.text);
    let w = area.width as usize;
    if area.height < 6 || w < 40 {
        let msg = format!("terminal too small for the group (need 40{}6)", g.dims);
        draw_lines(
            area,
            buf,
            &[Line::from(s(text::truncate(&msg, w, g.ellipsis), p.warn))],
        );
        return;
    }
    // The caller sets the zone: --tz, else the first yard's.
    let tz = o.tz.unwrap_or(chrono_tz::Tz::UTC);
    // Row 0: what this is, the clock, frozen or live.
    let mut head = format!(
        "Port group {} {} yards   {} {} {}",
        g.sep.trim(),
        lines.len(),
        text::date(o.now, &tz),
        text::clock(o.now, &tz, o.clock_24h),
        text::zone_abbr(o.now, &tz)
    );
    head = text::truncate(&head, w, g.ellipsis);
    let (state, state_style) = match (&o.live, o.frozen) {
        (LiveState::Snapshot, true) => ("snapshot, frozen clock", p.dim),
        (LiveState::Snapshot, false) => ("snapshot", p.dim),
        (_, true) => ("FROZEN clock (--now)", p.warn),
        (_, false) => ("live", p.ok),
    };
    let row0 = Rect { height: 1, ..area };
    draw_lines(row0, buf, &[Line::from(s(head, p.port))]);
    if w > state.len() + 40 {
        buf.set_string(area.x + (w - state.len()) as u16, area.y, state, state_style);
    }

    // The table in a panel, footer below.
    let body = Rect {
        y: area.y + 1,
        height: area.height - 2,
        ..area
    };
    let inner_w = w.saturating_sub(2);
    let cols = fitting(inner_w);
    let rows_room = (body.height as usize).saturating_sub(2 + 1 + 3);
    let first = st.cursor.saturating_sub(rows_room.saturating_sub(1));
    let shown = lines.len().min(rows_room.max(1));
    let first = first.min(lines.len().saturating_sub(shown));
    let position = if lines.len() > shown {
        format!("{}-{} of {}", first + 1, first + shown, lines.len())
    } else {
        format!("{} of {}", lines.len(), lines.len())
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(g.border)
        .border_style(p.border_focus)
        .title(Line::from(s(" Yards ", p.title)))
        .title(Line::from(s(format!(" {position} "), p.dim)).right_aligned());
    let inner = block.inner(body);
    block.render(body, buf);

    let mut out: Vec<Line> = Vec::new();
    let mut heading = fit("Yard", NAME_W, g.ellipsis) + &fit("LOCODE", LOCODE_W, g.ellipsis);
    for c in &cols {
        heading.push_str(&fit_right(c.head, c.width, g.ellipsis));
    }
    heading.push(' ');
    heading.push_str(&fit("Newest data", AGE_W, g.ellipsis));
    out.push(Line::from(s(heading, p.dim)));
    for (i, l) in lines.iter().enumerate().skip(first).take(shown) {
        let mut spans = vec![
            s(fit(&text::db(&l.name), NAME_W, g.ellipsis), p.port),
            s(
                fit(
                    if l.locode.is_empty() {
                        g.none.to_string()
                    } else {
                        text::db(&l.locode)
                    }
                    .as_str(),
                    LOCODE_W,
                    g.ellipsis,
                ),
                p.text,
            ),
        ];
        let figures_w: usize = cols.iter().map(|c| c.width).sum();
        match (&l.figures, &l.health) {
            (_, YardHealth::Unreachable(why)) => spans.push(s(
                fit(
                    &format!("UNREACHABLE: {}", text::db(why)),
                    figures_w + 1 + AGE_W,
                    g.ellipsis,
                ),
                p.crit,
            )),
            (None, _) => spans.push(s(fit("reading...", figures_w + 1 + AGE_W, g.ellipsis), p.dim)),
            (Some(f), health) => {
                for c in &cols {
                    let v = (c.value)(f);
                    let style = match c.head {
                        "SoC exc" | "Holds" if v != "0" => p.warn,
                        "Risk" if v != "0" => p.crit,
                        _ => p.text,
                    };
                    spans.push(s(fit_right(&v, c.width, g.ellipsis), style));
                }
                spans.push(s(" ", p.text));
                let (age, style) = match health {
                    YardHealth::Fresh { age_s: Some(a) } => (age_text(*a), p.ok),
                    YardHealth::Fresh { age_s: None } => ("no events yet".to_string(), p.dim),
                    YardHealth::Stale { age_s } => (format!("STALE {}", age_text(*age_s)), p.crit),
                    YardHealth::Busy => ("busy (locked)".to_string(), p.warn),
                    YardHealth::Starting => ("reading...".to_string(), p.dim),
                    YardHealth::Unreachable(_) => (String::new(), p.crit),
                };
                spans.push(s(fit(&age, AGE_W, g.ellipsis), style));
            }
        }
        let line = Line::from(spans);
        out.push(if i == st.cursor {
            full_width(line, inner.width, p.selected)
        } else {
            line
        });
    }
    while out.len() < 1 + rows_room.max(1) {
        out.push(Line::default());
    }
    let t = GroupTotals::of(lines);
    let mut totals = fit(
        &format!("Group ({} of {} read)", t.yards_read, lines.len()),
        NAME_W + LOCODE_W,
        g.ellipsis,
    );
    for c in &cols {
        // Only sums of units and NEVs are totals; every column here is one.
        totals.push_str(&fit_right(&(c.value)(&t.figures), c.width, g.ellipsis));
    }
    out.push(Line::from(s(totals, p.header)));
    let share = |c: crate::figures::Count| match c.nev_share() {
        Some(x) => text::percent(x),
        None => g.none.to_string(),
    };
    out.push(Line::from(s(
        format!(
            "NEV share: today {}, month {}, year {} (from the group's totals)",
            share(t.figures.today),
            share(t.figures.month),
            share(t.figures.year)
        ),
        p.dim,
    )));
    draw_lines(inner, buf, &out);

    // Footer: the keys of the overview, from the key table.
    let key = |a: Action| keys.keys_of(a).first().map(|k| k.name()).unwrap_or_default();
    let footer = if st.help {
        format!(
            "{} quit  {} close help  {}/{} select  {} open the yard's dashboard ({} returns here)  {} read every yard now",
            key(Action::Quit),
            key(Action::Help),
            key(Action::Up),
            key(Action::Down),
            key(Action::Open),
            key(Action::Back),
            key(Action::Refresh)
        )
    } else {
        format!(
            "{} quit  {} help  {}/{} select  {} open yard  {} read all",
            key(Action::Quit),
            key(Action::Help),
            key(Action::Up),
            key(Action::Down),
            key(Action::Open),
            key(Action::Refresh)
        )
    };
    let foot = Rect {
        y: area.y + area.height - 1,
        height: 1,
        ..area
    };
    draw_lines(
        foot,
        buf,
        &[Line::from(s(text::truncate(&footer, w, g.ellipsis), p.dim))],
    );
}
