//! The terminal: raw mode, alternate screen, hidden cursor, one buffered writer,
//! each frame inside synchronized output; and restoring it on every way out (quit,
//! Ctrl-C, SIGTERM, error, panic, suspend).

use std::io::{BufWriter, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::buffer::Buffer;
use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::style::{Attribute, SetAttribute};
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, BeginSynchronizedUpdate, Clear, ClearType, EndSynchronizedUpdate,
    EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::crossterm::{execute, queue};
use ratatui::layout::{Rect, Size};
use ratatui::Terminal;

/// Is the terminal in the dashboard's mode (so a panic must restore it)?
static ACTIVE: AtomicBool = AtomicBool::new(false);

use super::backend::LeanBackend;

type Backend = LeanBackend<BufWriter<Stdout>>;

pub struct Term {
    terminal: Terminal<Backend>,
}

/// Restores the terminal straight through stdout (the panic path).
fn restore_direct() {
    let mut out = std::io::stdout();
    let _ = execute!(
        out,
        EndSynchronizedUpdate,
        SetAttribute(Attribute::Reset),
        LeaveAlternateScreen,
        Show
    );
    let _ = disable_raw_mode();
}

/// A panic restores the terminal first, then the crate's hook prints one sentence
/// (no backtrace).
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if ACTIVE.swap(false, Ordering::SeqCst) {
            restore_direct();
        }
        previous(info);
    }));
}

impl Term {
    pub fn start() -> std::io::Result<Term> {
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let mut w = BufWriter::with_capacity(1 << 16, std::io::stdout());
        let setup = queue!(w, EnterAlternateScreen, Hide, Clear(ClearType::All)).and_then(|_| w.flush());
        if let Err(e) = setup {
            ACTIVE.store(false, Ordering::SeqCst);
            restore_direct();
            return Err(e);
        }
        let mut backend = LeanBackend::new(w);
        backend.forget(true);
        let terminal = match Terminal::new(backend) {
            Ok(t) => t,
            Err(e) => {
                ACTIVE.store(false, Ordering::SeqCst);
                restore_direct();
                return Err(e);
            }
        };
        Ok(Term { terminal })
    }

    pub fn size(&self) -> std::io::Result<Size> {
        self.terminal.size()
    }

    /// Sends one frame: only the cells that differ from the last frame, inside
    /// synchronized output, in one flush.
    pub fn draw(&mut self, frame: &Buffer, redraw: impl FnOnce(&mut Buffer)) -> std::io::Result<()> {
        queue!(self.terminal.backend_mut().writer_mut(), BeginSynchronizedUpdate)?;
        self.terminal.draw(|f| {
            let area = f.area();
            if area == frame.area {
                *f.buffer_mut() = frame.clone();
            } else {
                // The size changed under us: draw for the new size.
                redraw(f.buffer_mut());
            }
        })?;
        let w = self.terminal.backend_mut().writer_mut();
        queue!(w, EndSynchronizedUpdate)?;
        w.flush()
    }

    /// Forgets what is on screen: clears it, and the next frame is sent whole.
    /// (Not `Terminal::clear`, which asks the terminal for its cursor position.)
    pub fn invalidate(&mut self) -> std::io::Result<()> {
        let size = self.terminal.size()?;
        self.terminal.resize(Rect::new(0, 0, size.width, size.height))
    }

    /// Gives the terminal back (suspend, exit).
    pub fn restore(&mut self) -> std::io::Result<()> {
        if !ACTIVE.swap(false, Ordering::SeqCst) {
            return Ok(());
        }
        let w = self.terminal.backend_mut().writer_mut();
        let r = queue!(
            w,
            EndSynchronizedUpdate,
            SetAttribute(Attribute::Reset),
            LeaveAlternateScreen,
            Show
        )
        .and_then(|_| w.flush());
        self.terminal.backend_mut().forget(false);
        let raw = disable_raw_mode();
        r.and(raw)
    }

    /// Takes the terminal again after a suspend.
    pub fn resume(&mut self) -> std::io::Result<()> {
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let w = self.terminal.backend_mut().writer_mut();
        queue!(w, EnterAlternateScreen, Hide)?;
        w.flush()?;
        self.terminal.backend_mut().forget(true);
        self.invalidate()
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = self.restore();
    }
}
