//! The screen's layout, by terminal size.
//!
//! ```text
//! Full (at least 110×36; 120×40 shown):
//! ┌ row 0-1  header: port, clock, live state / db file, hint ───────────────────┐
//! │ rows 2-16   Exports (64 wide)              │ Parked NEVs (rest)              │
//! │ rows 17-28  Pending consignments (all the extra height goes here)            │
//! │ rows 29-38  Alerts (half)                  │ Activity (half)                 │
//! └ row 39  footer: key hints (or the search line) ─────────────────────────────┘
//!
//! Tabbed (at least 60×16, e.g. 80×24):
//!   header (2 rows) / tab bar (1 row) / the focused panel / footer (1 row)
//!
//! Smaller: a centred "terminal too small" message.
//! ```
//! Drill-downs (block map, consignment, vehicle, search) take the whole body
//! between header and footer, in both layouts; the help is an overlay.

use ratatui::layout::{Constraint, Direction, Layout, Rect};

/// The smallest size of the full layout.
pub const FULL_MIN: (u16, u16) = (110, 36);
/// The smallest usable size (tabbed).
pub const MIN: (u16, u16) = (60, 16);

pub use crate::ui::geometry::{CONSIGNMENT_INFO_ROWS, FOOTER_ROWS, HEADER_ROWS, VEHICLE_FIELD_ROWS};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Full,
    Tabbed,
    TooSmall,
}

pub fn mode(w: u16, h: u16) -> Mode {
    if w >= FULL_MIN.0 && h >= FULL_MIN.1 {
        Mode::Full
    } else if w >= MIN.0 && h >= MIN.1 {
        Mode::Tabbed
    } else {
        Mode::TooSmall
    }
}

/// Header, body and footer.
#[derive(Debug, Clone, Copy)]
pub struct Screen {
    pub header: Rect,
    pub body: Rect,
    pub footer: Rect,
}

pub fn screen(area: Rect) -> Screen {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(HEADER_ROWS),
        Constraint::Min(1),
        Constraint::Length(FOOTER_ROWS),
    ])
    .areas(area);
    Screen { header, body, footer }
}

/// The five panels of the full layout.
#[derive(Debug, Clone, Copy)]
pub struct Panels {
    pub exports: Rect,
    pub yard: Rect,
    pub consignments: Rect,
    pub alerts: Rect,
    pub activity: Rect,
}

pub fn full_panels(body: Rect) -> Panels {
    let [top, mid, bottom] =
        Layout::vertical([Constraint::Length(15), Constraint::Min(8), Constraint::Length(10)]).areas(body);
    let left = if body.width >= 118 {
        Constraint::Length(64)
    } else {
        Constraint::Percentage(54)
    };
    let [exports, yard] = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([left, Constraint::Min(40)])
        .areas(top);
    let [alerts, activity] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    Panels {
        exports,
        yard,
        consignments: mid,
        alerts,
        activity,
    }
}

/// Tab bar and the panel under it.
pub fn tabbed(body: Rect) -> (Rect, Rect) {
    let [tabs, panel] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(body);
    (tabs, panel)
}

/// The kinds of drill-down lists (their page size depends on the layout).
/// A rectangle of at most `w`×`h` centred in `area`.
pub fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
