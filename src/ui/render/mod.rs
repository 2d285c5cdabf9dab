//! Drawing the dashboard into a ratatui buffer. One entry point, `draw`, used by
//! the live loop, by `render_text` (the text snapshot) and by the tests. The
//! screen's layout is described in `layout`.

pub mod activity;
pub mod alerts;
pub mod block_map;
pub mod consignment_view;
pub mod consignments;
pub mod exports;
pub mod group;
pub mod header;
pub mod help;
pub mod layout;
pub mod picker;
pub mod vehicle_view;
pub mod widgets;
pub mod yard;

use chrono_tz::Tz;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::Terminal;
use unicode_width::UnicodeWidthStr;

use super::text::width as text_width;

use super::data::{DashData, RenderOptions};
use super::glyphs::{glyphs, Glyphs};
use super::keys::KeyTable;
use super::state::{Panel, UiState, View};
use super::theme::{palette, Palette};
use layout::Mode;

/// Everything a panel needs to draw itself.
pub struct R<'a> {
    pub p: &'static Palette,
    pub g: &'static Glyphs,
    pub o: &'a RenderOptions,
    /// The zone times are shown in.
    pub tz: Tz,
    pub st: &'a UiState,
    pub data: Option<&'a DashData>,
}

impl R<'_> {
    /// Is this panel focused (and the main screen showing)?
    pub fn focused(&self, panel: Panel) -> bool {
        self.st.focus == panel && self.st.top().is_none()
    }
}

/// Draws the whole screen; in ASCII mode, in nothing but printable ASCII.
pub fn draw(area: Rect, buf: &mut Buffer, st: &UiState, data: Option<&DashData>, opts: &RenderOptions) {
    draw_screen(area, buf, st, data, opts);
    if opts.ascii {
        super::text::ascii_only(buf);
    }
}

fn draw_screen(area: Rect, buf: &mut Buffer, st: &UiState, data: Option<&DashData>, opts: &RenderOptions) {
    let r = R {
        p: palette(opts.theme, opts.no_color),
        g: glyphs(opts.ascii),
        o: opts,
        tz: opts.display_tz(data.map(|d| &d.figures)),
        st,
        data,
    };
    buf.set_style(area, r.p.text);
    let mode = layout::mode(area.width, area.height);
    if mode == Mode::TooSmall {
        let sizes = format!(
            "need {}{}{}, have {}{}{}",
            layout::MIN.0,
            r.g.dims,
            layout::MIN.1,
            area.width,
            r.g.dims,
            area.height
        );
        let one = format!("terminal too small ({sizes})");
        if text_width(&one) <= area.width as usize || area.height < 2 {
            widgets::centred_message(area, buf, &one, r.p.warn, r.g.ellipsis);
        } else {
            let mid = area.y + area.height / 2;
            let top = Rect {
                y: mid - 1,
                height: 1,
                ..area
            };
            let bottom = Rect {
                y: mid,
                height: 1,
                ..area
            };
            widgets::centred_message(top, buf, "terminal too small", r.p.warn, r.g.ellipsis);
            widgets::centred_message(bottom, buf, &sizes, r.p.warn, r.g.ellipsis);
        }
        return;
    }
    let screen = layout::screen(area);
    header::render(&r, screen.header, buf);
    header::footer(&r, screen.footer, buf);
    match st.top() {
        Some(View::Block { .. }) => block_map::render(&r, screen.body, buf),
        Some(View::Consignment { .. }) => consignment_view::render(&r, screen.body, buf),
        Some(View::Vehicle { .. }) => vehicle_view::render(&r, screen.body, buf),
        Some(View::Search { .. }) | Some(View::Subjects { .. }) => picker::render(&r, screen.body, buf),
        None if mode == Mode::Full => {
            let p = layout::full_panels(screen.body);
            exports::render(&r, p.exports, buf);
            yard::render(&r, p.yard, buf);
            consignments::render(&r, p.consignments, buf);
            alerts::render(&r, p.alerts, buf);
            activity::render(&r, p.activity, buf);
        }
        None => {
            let (tabs, panel) = layout::tabbed(screen.body);
            header::tabs(&r, tabs, buf);
            match st.focus {
                Panel::Exports => exports::render(&r, panel, buf),
                Panel::Yard => yard::render(&r, panel, buf),
                Panel::Consignments => consignments::render(&r, panel, buf),
                Panel::Alerts => alerts::render(&r, panel, buf),
                Panel::Activity => activity::render(&r, panel, buf),
            }
        }
    }
    if st.help {
        help::render(&r, area, buf);
    }
}

/// Renders a screen through ratatui's TestBackend and returns its buffer.
pub fn render_buffer(
    st: &UiState,
    data: Option<&DashData>,
    width: u16,
    height: u16,
    opts: &RenderOptions,
) -> Buffer {
    let (w, h) = (width.max(1), height.max(1));
    match Terminal::new(TestBackend::new(w, h)) {
        Ok(mut term) => {
            let _ = term.draw(|f| {
                let area = f.area();
                draw(area, f.buffer_mut(), st, data, opts)
            });
            term.backend().buffer().clone()
        }
        Err(never) => match never {},
    }
}

/// A buffer as plain text lines (no escape codes, trailing spaces trimmed). A wide
/// character is written once, not once per column it covers.
pub fn buffer_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::with_capacity((area.width as usize + 1) * area.height as usize);
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0usize;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf
                .cell((area.x + x, area.y + y))
                .map(|c| c.symbol())
                .unwrap_or(" ");
            line.push_str(sym);
            skip = sym.width().saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The dashboard's main screen as plain text at `width`×`height` (for
/// `snapshot --format text`).
pub fn render_text(data: &DashData, width: u16, height: u16, opts: &RenderOptions) -> String {
    let st = UiState::new(KeyTable::default());
    buffer_text(&render_buffer(&st, Some(data), width, height, opts))
}
