//! The lean terminal backend, checked against a terminal emulator (vt100): after
//! every frame of a sequence of screens, what the emulator shows — every cell's
//! text, colours, bold, underline and reverse — is exactly the frame that was
//! drawn; and small changes cost few bytes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::ui_fixture;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;
use ui_fixture::*;
use yardtop::ui::backend::LeanBackend;
use yardtop::ui::keys::{Key, KeyTable};
use yardtop::ui::render::draw;
use yardtop::ui::state::UiState;
use yardtop::ui::{DashData, RenderOptions};

struct Screen {
    term: Terminal<LeanBackend<Vec<u8>>>,
    vt: vt100::Parser,
    fed: usize,
}

impl Screen {
    fn new(w: u16, h: u16) -> Screen {
        Screen {
            term: Terminal::new(LeanBackend::with_size(Vec::new(), w, h)).unwrap(),
            vt: vt100::Parser::new(h, w, 0),
            fed: 0,
        }
    }

    /// Draws a frame; returns the bytes it wrote, after checking the emulator.
    fn frame(&mut self, st: &UiState, d: &DashData, o: &RenderOptions) -> usize {
        let done = self
            .term
            .draw(|f| {
                let a = f.area();
                draw(a, f.buffer_mut(), st, Some(d), o)
            })
            .unwrap();
        let buf = done.buffer.clone();
        let out = self.term.backend_mut().writer_mut();
        let new = out[self.fed..].to_vec();
        self.fed = out.len();
        self.vt.process(&new);
        check(&self.vt, &buf);
        new.len()
    }
}

fn vt_color(c: Color) -> vt100::Color {
    match c {
        Color::Reset => vt100::Color::Default,
        Color::Black => vt100::Color::Idx(0),
        Color::Red => vt100::Color::Idx(1),
        Color::Green => vt100::Color::Idx(2),
        Color::Yellow => vt100::Color::Idx(3),
        Color::Blue => vt100::Color::Idx(4),
        Color::Magenta => vt100::Color::Idx(5),
        Color::Cyan => vt100::Color::Idx(6),
        Color::Gray => vt100::Color::Idx(7),
        Color::DarkGray => vt100::Color::Idx(8),
        Color::LightRed => vt100::Color::Idx(9),
        Color::LightGreen => vt100::Color::Idx(10),
        Color::LightYellow => vt100::Color::Idx(11),
        Color::LightBlue => vt100::Color::Idx(12),
        Color::LightMagenta => vt100::Color::Idx(13),
        Color::LightCyan => vt100::Color::Idx(14),
        Color::White => vt100::Color::Idx(15),
        Color::Indexed(i) => vt100::Color::Idx(i),
        Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
    }
}

fn check(vt: &vt100::Parser, buf: &Buffer) {
    let screen = vt.screen();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let want = &buf[(x, y)];
            let Some(got) = screen.cell(y, x) else {
                panic!("no cell {x},{y}");
            };
            if got.is_wide_continuation() {
                continue;
            }
            let text = if got.has_contents() { got.contents() } else { " " };
            assert_eq!(text, want.symbol(), "text at {x},{y}");
            assert_eq!(got.fgcolor(), vt_color(want.fg), "fg at {x},{y}");
            assert_eq!(got.bgcolor(), vt_color(want.bg), "bg at {x},{y}");
            assert_eq!(
                got.bold(),
                want.modifier.contains(Modifier::BOLD),
                "bold at {x},{y}"
            );
            assert_eq!(
                got.underline(),
                want.modifier.contains(Modifier::UNDERLINED),
                "underline at {x},{y}"
            );
            assert_eq!(
                got.inverse(),
                want.modifier.contains(Modifier::REVERSED),
                "reverse at {x},{y}"
            );
        }
    }
}

#[test]
fn the_emulator_shows_exactly_each_frame() {
    for theme in [
        yardtop::config::Theme::Dark,
        yardtop::config::Theme::Light,
        yardtop::config::Theme::Mono,
    ] {
        let mut sc = Screen::new(120, 40);
        let mut o = opts();
        o.theme = theme;
        let mut d = data();
        let mut st = UiState::new(KeyTable::default());
        let first = sc.frame(&st, &d, &o);
        assert!(first > 3000, "a first frame is whole: {first}");
        // Nothing changed: nothing sent.
        assert_eq!(sc.frame(&st, &d, &o), 0);
        // The clock turns one minute.
        o.now += chrono::Duration::minutes(1);
        let clock = sc.frame(&st, &d, &o);
        assert!(clock > 0 && clock <= 120, "a clock minute cost {clock} bytes");
        // One counter changes, one event arrives.
        d.figures.exports.today.units += 1;
        d.figures.exports.month.units += 1;
        d.figures.exports.year.units += 1;
        d.events.insert(
            0,
            event(
                906,
                "2026-11-26T09:00:30Z",
                "LSJW24104PS777777",
                "load",
                "GLOVIS SUN",
            ),
        );
        let change = sc.frame(&st, &d, &o);
        assert!(change <= 2048, "one change cost {change} bytes");
        // Focus moves, drill-downs, help, back: always exactly the frame.
        for k in [
            Key::Tab,
            Key::Down,
            Key::Enter,
            Key::Char('?'),
            Key::Esc,
            Key::Esc,
            Key::Tab,
            Key::Enter,
            Key::Esc,
        ] {
            st.handle_key(k, Some(&d));
            sc.frame(&st, &d, &o);
        }
    }
}

#[test]
fn narrow_and_ascii_and_wide_characters() {
    let mut sc = Screen::new(80, 24);
    let mut o = opts();
    let d = data();
    let mut st = UiState::new(KeyTable::default());
    for _ in 0..5 {
        sc.frame(&st, &d, &o);
        st.handle_key(Key::Tab, Some(&d));
    }
    o.ascii = true;
    sc.frame(&st, &d, &o);
    o.no_color = true;
    sc.frame(&st, &d, &o);
}
