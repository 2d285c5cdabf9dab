//! The terminal: raw mode, alternate screen, hidden cursor, one buffered writer,
//! each frame inside synchronized output; and restoring it on every way out (quit,
//! Ctrl-C, SIGTERM, error, panic, suspend).

use std::io::{BufWriter, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

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

/// How long the dashboard waits for the terminal to say its background colour. A
/// terminal that answers does so at once; over SSH the answer takes a round trip,
/// and `YARDTOP_BACKGROUND_TIMEOUT_MS` gives a slow link (or a test) more time.
pub const BACKGROUND_TIMEOUT: Duration = Duration::from_millis(100);

fn background_timeout() -> Duration {
    std::env::var("YARDTOP_BACKGROUND_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|ms| Duration::from_millis(ms.min(10_000)))
        .unwrap_or(BACKGROUND_TIMEOUT)
}

/// Asks the terminal for its background colour (OSC 11) and waits at most
/// `timeout` for the answer; stdin must be in raw mode and no other thread reading
/// it. None: no answer in time (the terminal does not support the query, or the
/// link is slow; a late answer is skipped by the input decoder).
pub fn query_background(timeout: Duration) -> Option<(f64, f64, f64)> {
    use mio::unix::SourceFd;
    use mio::{Events, Interest, Poll, Token};
    use std::io::Read;
    use std::os::fd::AsRawFd;

    let mut out = std::io::stdout();
    out.write_all(b"\x1b]11;?\x1b\\").and_then(|_| out.flush()).ok()?;
    let deadline = Instant::now() + timeout;
    let mut poll = Poll::new().ok()?;
    let stdin = std::io::stdin();
    let fd = stdin.as_raw_fd();
    poll.registry()
        .register(&mut SourceFd(&fd), Token(0), Interest::READABLE)
        .ok()?;
    let mut events = Events::with_capacity(4);
    let mut got = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        match poll.poll(&mut events, Some(left)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        }
        if events.is_empty() {
            continue;
        }
        let mut buf = [0u8; 256];
        match stdin.lock().read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
        if let Some(rgb) = super::theme::parse_osc11(&got) {
            return Some(rgb);
        }
        if got.len() > 4096 {
            return None;
        }
    }
}

/// May the terminal be asked for its background? Not a dumb or vt100-class one,
/// which may show the query as text.
fn may_query() -> bool {
    let term = std::env::var("TERM").unwrap_or_default();
    !(term.is_empty() || term == "dumb" || term.starts_with("vt1") || term.starts_with("vt2"))
}

impl Term {
    /// Takes the terminal. With `detect_background`, first asks it for its
    /// background colour, which `theme` then follows (`theme = "auto"`).
    pub fn start(detect_background: bool) -> std::io::Result<Term> {
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        if detect_background && may_query() {
            match query_background(background_timeout()) {
                Some(rgb) => {
                    super::theme::set_background(rgb);
                    tracing::info!(light = super::theme::background_is_light(), "terminal background");
                }
                None => tracing::info!("terminal background: no answer, dark theme"),
            }
        }
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
