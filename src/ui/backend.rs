//! A lean ratatui backend for slow links: it writes only what the terminal needs.
//!
//! Compared with ratatui's crossterm backend (which it replaces for drawing; the
//! terminal modes still go through crossterm), each frame
//! - sets a style with one short SGR (`ESC[0;1;32m`) and only when it changes,
//!   remembering the terminal's style from frame to frame instead of resetting it
//!   after every frame;
//! - moves the cursor forward over a few unchanged cells with `ESC[nC` instead of
//!   an absolute move, and not at all when it is already there;
//! - hides the cursor once, not once per frame;
//! - never asks the terminal where its cursor is (that would read stdin, which the
//!   input thread owns).
//!
//! So a clock changing one digit costs a cursor move and a character.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// The style the terminal is drawing with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

pub struct LeanBackend<W: Write> {
    out: W,
    /// None when unknown (start, after a clear): the next cell sets it in full.
    pen: Option<Pen>,
    /// Where the cursor is, when known.
    cursor: Option<Position>,
    cursor_hidden: bool,
    /// A fixed size (tests); None: ask the terminal.
    fixed: Option<Size>,
}

impl<W: Write> LeanBackend<W> {
    pub fn new(out: W) -> Self {
        LeanBackend {
            out,
            pen: None,
            cursor: None,
            cursor_hidden: false,
            fixed: None,
        }
    }

    /// A backend of a fixed size, writing to `out` (for tests).
    pub fn with_size(out: W, width: u16, height: u16) -> Self {
        LeanBackend {
            fixed: Some(Size::new(width, height)),
            ..LeanBackend::new(out)
        }
    }

    /// Direct access to the writer (terminal modes, synchronized output).
    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// Forgets the terminal's state (after a suspend or anything written around
    /// the backend): the next frame sets style and cursor in full.
    pub fn forget(&mut self, cursor_hidden: bool) {
        self.pen = None;
        self.cursor = None;
        self.cursor_hidden = cursor_hidden;
    }

    fn set_pen(&mut self, pen: Pen) -> io::Result<()> {
        if self.pen == Some(pen) {
            return Ok(());
        }
        let mut sgr = String::from("\x1b[0");
        for (m, code) in [
            (Modifier::BOLD, "1"),
            (Modifier::DIM, "2"),
            (Modifier::ITALIC, "3"),
            (Modifier::UNDERLINED, "4"),
            (Modifier::SLOW_BLINK, "5"),
            (Modifier::RAPID_BLINK, "6"),
            (Modifier::REVERSED, "7"),
            (Modifier::HIDDEN, "8"),
            (Modifier::CROSSED_OUT, "9"),
        ] {
            if pen.modifier.contains(m) {
                sgr.push(';');
                sgr.push_str(code);
            }
        }
        push_color(&mut sgr, pen.fg, false);
        push_color(&mut sgr, pen.bg, true);
        sgr.push('m');
        self.out.write_all(sgr.as_bytes())?;
        self.pen = Some(pen);
        Ok(())
    }

    fn move_to(&mut self, x: u16, y: u16) -> io::Result<()> {
        match self.cursor {
            Some(c) if c.x == x && c.y == y => Ok(()),
            Some(c) if c.y == y && x > c.x && x - c.x <= 40 => {
                let n = x - c.x;
                if n == 1 {
                    self.out.write_all(b"\x1b[C")
                } else {
                    write!(self.out, "\x1b[{n}C")
                }
            }
            _ => write!(self.out, "\x1b[{};{}H", y + 1, x + 1),
        }
    }
}

/// Appends an SGR colour parameter (nothing for the default colour, which the
/// leading 0 has already set).
fn push_color(sgr: &mut String, c: Color, bg: bool) {
    let base = |n: u8| -> String { (if bg { n + 10 } else { n }).to_string() };
    let code = match c {
        Color::Reset => return,
        Color::Black => base(30),
        Color::Red => base(31),
        Color::Green => base(32),
        Color::Yellow => base(33),
        Color::Blue => base(34),
        Color::Magenta => base(35),
        Color::Cyan => base(36),
        Color::Gray => base(37),
        Color::DarkGray => base(90),
        Color::LightRed => base(91),
        Color::LightGreen => base(92),
        Color::LightYellow => base(93),
        Color::LightBlue => base(94),
        Color::LightMagenta => base(95),
        Color::LightCyan => base(96),
        Color::White => base(97),
        Color::Indexed(i) => format!("{};5;{i}", if bg { 48 } else { 38 }),
        Color::Rgb(r, g, b) => format!("{};2;{r};{g};{b}", if bg { 48 } else { 38 }),
    };
    sgr.push(';');
    sgr.push_str(&code);
}

impl<W: Write> Backend for LeanBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        for (x, y, cell) in content {
            self.move_to(x, y)?;
            self.set_pen(Pen {
                fg: cell.fg,
                bg: cell.bg,
                modifier: cell.modifier,
            })?;
            let sym = cell.symbol();
            let w = sym.width();
            if w == 0 {
                // Nothing printable (never drawn by the dashboard): keep the grid.
                self.out.write_all(b" ")?;
            } else {
                self.out.write_all(sym.as_bytes())?;
            }
            // After the last column the cursor waits to wrap; the next cell is on
            // another row, which always gets an absolute move.
            self.cursor = Some(Position {
                x: x.saturating_add(w.max(1) as u16),
                y,
            });
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if !self.cursor_hidden {
            self.out.write_all(b"\x1b[?25l")?;
            self.cursor_hidden = true;
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.cursor_hidden {
            self.out.write_all(b"\x1b[?25h")?;
            self.cursor_hidden = false;
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor.unwrap_or(Position::ORIGIN))
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let p = position.into();
        write!(self.out, "\x1b[{};{}H", p.y + 1, p.x + 1)?;
        self.cursor = Some(p);
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        // Clear with the default style, never with a colour the pen holds.
        self.out.write_all(b"\x1b[0m")?;
        self.pen = Some(Pen {
            fg: Color::Reset,
            bg: Color::Reset,
            modifier: Modifier::empty(),
        });
        let seq: &[u8] = match clear_type {
            ClearType::All => b"\x1b[2J",
            ClearType::AfterCursor => b"\x1b[J",
            ClearType::BeforeCursor => b"\x1b[1J",
            ClearType::CurrentLine => b"\x1b[2K",
            ClearType::UntilNewLine => b"\x1b[K",
        };
        self.out.write_all(seq)
    }

    fn size(&self) -> io::Result<Size> {
        if let Some(s) = self.fixed {
            return Ok(s);
        }
        let (w, h) = ratatui::crossterm::terminal::size()?;
        Ok(Size::new(w, h))
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        if let Some(s) = self.fixed {
            return Ok(WindowSize {
                columns_rows: s,
                pixels: Size::new(0, 0),
            });
        }
        let ws = ratatui::crossterm::terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: Size::new(ws.columns, ws.rows),
            pixels: Size::new(ws.width, ws.height),
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
