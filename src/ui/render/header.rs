//! The header (two rows), the tab bar (tabbed layout) and the footer.
//!
//! ```text
//! row 0: Xiamen Port (CNXMN)  Thu 2026-11-26 17:00 CST      live · last change 16:59:58 (just now)
//! row 1: db /var/lib/yard/yard.db   ! no yardtop indexes: run `yardtop init --existing` to speed up
//! tabs:   Exports  [Parked NEVs]  Pending consignments  Alerts  Activity
//! footer: q quit  ? help  Tab panel  Enter open  Esc back  / search  p pause  r refresh
//! ```
//! The clock shows minutes, and "ago" moves in steps of ten seconds, so an idle
//! screen changes only a few cells a minute (docs/benchmarks.md: ≤ 20 bytes a second).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::widgets::{draw_lines, s};
use super::R;
use crate::ui::data::LiveState;
use crate::ui::state::PANELS;
use crate::ui::text;

/// The live state in words (`wide`: with how long ago).
fn live_text(r: &R, wide: bool) -> Span<'static> {
    let when = |t| text::clock_s(t, &r.tz, r.o.clock_24h);
    let ago = |t: chrono::DateTime<chrono::Utc>| text::ago((r.o.wall_now - t).num_seconds());
    match &r.o.live {
        LiveState::Starting => s("connecting", r.p.dim),
        // Under --now the figures are as of the instant shown, whatever the
        // database does: never "live".
        LiveState::Live { .. } if r.o.frozen && wide => {
            s("FROZEN clock (--now): figures as of the time shown", r.p.warn)
        }
        LiveState::Live { .. } if r.o.frozen => s("FROZEN clock (--now)", r.p.warn),
        LiveState::Snapshot if r.o.frozen => s("snapshot, frozen clock", r.p.dim),
        LiveState::Live { last_change: Some(t) } if wide => s(
            format!("live{}last change {} ({})", r.g.sep, when(*t), ago(*t)),
            r.p.ok,
        ),
        LiveState::Live { last_change: Some(t) } => s(format!("live{}changed {}", r.g.sep, when(*t)), r.p.ok),
        LiveState::Live { last_change: None } => s("live", r.p.ok),
        LiveState::Paused => s("PAUSED (figures frozen)", r.p.warn),
        LiveState::Busy { since } => s(format!("database busy since {}", when(*since)), r.p.warn),
        LiveState::Unreachable { reason, since } => s(
            format!(
                "database unreachable: {} (since {})",
                text::db(reason),
                when(*since)
            ),
            r.p.crit,
        ),
        LiveState::Snapshot => s("snapshot", r.p.dim),
    }
}

pub fn render(r: &R, area: Rect, buf: &mut Buffer) {
    let w = area.width as usize;
    // Row 0: port and clock on the left, the live state on the right.
    // The port's name gives way first: the clock and date must stay whole at any
    // width the dashboard draws at, and the live state keeps at least its word.
    let mut badge: Vec<Span> = Vec::new();
    if r.o.demo {
        badge.push(s(" DEMO ", r.p.selected));
        badge.push(s(" ", r.p.text));
    }
    let name = match r.data {
        Some(d) => {
            let port = &d.figures.port;
            let mut name = text::db(&port.name);
            if !port.locode.is_empty() {
                name = format!("{name} ({})", text::db(&port.locode));
            }
            name
        }
        None => "yardtop".to_string(),
    };
    let now = r.o.now;
    let date = if w >= 100 {
        text::date(now, &r.tz)
    } else {
        now.with_timezone(&r.tz).format("%Y-%m-%d").to_string()
    };
    let clock = format!(
        "  {} {} {}",
        date,
        text::clock(now, &r.tz, r.o.clock_24h),
        text::zone_abbr(now, &r.tz)
    );
    let badge_w: usize = badge.iter().map(|b| b.width()).sum();
    let fixed = badge_w + text::width(&clock);
    let live = live_text(r, w >= 100);
    const LIVE_MIN: usize = 12;
    let name_room = w.saturating_sub(fixed + 2 + live.width().min(LIVE_MIN));
    let name = text::truncate(&name, name_room.min(text::width(&name)), r.g.ellipsis);
    let left_w = badge_w + text::width(&name) + text::width(&clock);
    let live_w = live.width().min(w.saturating_sub(left_w + 2));
    // Why the database is unreachable must be readable at any width: when it does
    // not fit here, row 1 says it in full.
    let cut = live.width() > live_w;
    let live = s(text::truncate(&live.content, live_w, r.g.ellipsis), live.style);
    let mut left = badge;
    left.push(s(name, r.p.port));
    left.push(s(clock, r.p.header));
    let left_line = Line::from(left);
    buf.set_line(
        area.x,
        area.y,
        &left_line,
        w.saturating_sub(live.width() + 1) as u16,
    );
    let lx = area.x + (w - live.width()) as u16;
    buf.set_span(lx, area.y, &live, live.width() as u16);

    // Row 1: the database file, then what needs saying about it.
    if area.height < 2 {
        return;
    }
    let mut row1: Vec<Span> = vec![s("db ", r.p.dim), s(text::db(&r.o.db_path), r.p.dim)];
    let stale = matches!(r.o.live, LiveState::Busy { .. } | LiveState::Unreachable { .. });
    if let (true, Some(d)) = (stale, r.data) {
        row1.push(s(
            format!(
                "   showing the figures of {}",
                text::clock_s(d.refresh.at, &r.tz, r.o.clock_24h)
            ),
            r.p.warn,
        ));
    }
    if let (true, LiveState::Unreachable { reason, .. }) = (cut, &r.o.live) {
        row1.push(s(format!("   {}", text::db(reason)), r.p.crit));
    }
    if let Some(hint) = r.data.and_then(|d| d.db_hint.as_ref()) {
        row1.push(s(format!("   ! {hint}"), r.p.warn));
    }
    draw_lines(
        Rect {
            y: area.y + 1,
            height: 1,
            ..area
        },
        buf,
        &[Line::from(row1)],
    );
}

/// The tab bar of the tabbed layout: the focused panel is reversed and bracketed.
pub fn tabs(r: &R, area: Rect, buf: &mut Buffer) {
    let mut spans = Vec::new();
    for p in PANELS {
        let active = p == r.st.focus;
        let label = if active {
            format!("[{}]", p.title())
        } else {
            format!(" {} ", p.title())
        };
        spans.push(s(label, if active { r.p.tab_active } else { r.p.tab_inactive }));
        spans.push(s(" ", r.p.text));
    }
    draw_lines(area, buf, &[Line::from(spans)]);
}

/// The footer: key hints from the key table, or the search line being typed.
pub fn footer(r: &R, area: Rect, buf: &mut Buffer) {
    let line = match &r.st.input {
        Some(q) => Line::from(vec![
            s("/", r.p.key),
            s(format!(" {}_", text::db(q)), r.p.text),
            s(
                "   VIN suffix, consignment ref or vessel; Enter search, Esc cancel",
                r.p.dim,
            ),
        ]),
        None => {
            let mut spans = Vec::new();
            for (i, (key, label)) in r.st.keys.footer().into_iter().enumerate() {
                if i > 0 {
                    spans.push(s("  ", r.p.text));
                }
                spans.push(s(key, r.p.key));
                spans.push(s(format!(" {label}"), r.p.dim));
            }
            Line::from(spans)
        }
    };
    draw_lines(area, buf, &[line]);
}
