//! The `?` help overlay, drawn from the key table (the same table the handler
//! uses), centred over whatever is on screen.
//!
//! ```text
//!        ┌ Keys ─────────────────────────────────────────────┐
//!        │ q              quit (Ctrl-C also quits)            │
//!        │ ?              show or hide this help              │
//!        │ ...                                                │
//!        │ Figures as of 17:03:04, read in 12 ms.             │
//!        │ Any key closes this help.                          │
//!        └────────────────────────────────────────────────────┘
//! ```

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Widget};
use unicode_width::UnicodeWidthStr;

use super::layout::centred;
use super::widgets::{draw_lines, panel, s};
use super::R;
use crate::ui::text::{self, fit};

pub fn render(r: &R, area: Rect, buf: &mut Buffer) {
    let el = r.g.ellipsis;
    let rows = r.st.keys.help_rows();
    let mut lines: Vec<Line> = Vec::new();
    for (keys, what) in &rows {
        lines.push(Line::from(vec![
            s(fit(keys, 16, el), r.p.key),
            s(what.to_string(), r.p.text),
        ]));
    }
    lines.push(Line::from(vec![
        s(fit("Ctrl-Z", 16, el), r.p.key),
        s("suspend (fg resumes)", r.p.text),
    ]));
    lines.push(Line::default());
    for p in &r.st.keys.problems {
        lines.push(Line::from(s(format!("ignored: {}", text::db(p)), r.p.warn)));
    }
    if let Some(d) = r.data {
        lines.push(Line::from(s(
            format!(
                "Figures as of {}, read in {} ms.",
                text::clock_s(d.refresh.at, &r.tz, r.o.clock_24h),
                d.refresh.took.as_millis()
            ),
            r.p.dim,
        )));
    }
    lines.push(Line::from(s("Any key closes this help.", r.p.dim)));
    let w = 64u16.min(area.width);
    let h = (lines.len() as u16 + 2).min(area.height);
    let rect = centred(area, w, h);
    // A wide character just left of the overlay would spill into its border.
    if rect.x > area.x {
        for y in rect.y..rect.y + rect.height {
            if let Some(c) = buf.cell_mut((rect.x - 1, y)) {
                if c.symbol().width() > 1 {
                    c.set_symbol(" ");
                }
            }
        }
    }
    Clear.render(rect, buf);
    buf.set_style(rect, r.p.text);
    let inner = panel(r, rect, buf, "Keys", true, None);
    draw_lines(inner, buf, &lines);
}
