//! The dashboard's loop: one event type (keys, resize, data, tick, signals, reader
//! state), drawing only after an event and at most ten frames a second. A frame is
//! first drawn off screen and sent only when it differs from the last one, and
//! then only its changed cells: when nothing changed but the clock, only the clock
//! cells go out.

use std::io::IsTerminal;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use chrono::Utc;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use signal_hook::consts::signal::{SIGCONT, SIGHUP, SIGTSTP};

use super::data::{DashData, LiveState, RenderOptions};
use super::event::{self, Event};
use super::keys::KeyTable;
use super::reader::{Reader, ReaderMsg, ReaderState, Request};
use super::render;
use super::state::{Command, UiState};
use super::terminal::{self, Term};
use crate::app::Ctx;
use crate::error::{Result, UserError};

/// At most ten frames a second.
const MIN_FRAME_GAP: Duration = Duration::from_millis(100);

/// Why the loop ended.
#[derive(Debug, PartialEq, Eq)]
enum Exit {
    /// q, Ctrl-C, SIGTERM, SIGINT: restore the terminal and exit 0.
    Quit,
    /// SIGHUP or the terminal's input gone: exit at once, drawing nothing more.
    HangUp,
}

struct App<'a> {
    ctx: &'a Ctx,
    demo: bool,
    st: UiState,
    data: Option<DashData>,
    reader: Option<ReaderState>,
    requests: Sender<Request>,
    last: Option<Buffer>,
    /// We stopped ourselves (Ctrl-Z, SIGTSTP) and have already taken the
    /// terminal back; the SIGCONT that woke us needs nothing more.
    resumed: bool,
}

fn term_error(e: std::io::Error) -> UserError {
    UserError::problem(format!("the terminal failed: {}", crate::error::io_reason(&e)))
}

pub fn run_dashboard(ctx: &Ctx, demo: bool) -> Result<()> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(UserError::usage(
            "the dashboard needs a terminal; for a text picture of it use `yardtop snapshot`",
        ));
    }
    // Refuse a wrong path or a non-yard file before taking over the terminal.
    let conn = crate::db::open_read_only(&ctx.db)?;
    let (tx, rx) = mpsc::channel::<Event>();
    let (req_tx, req_rx) = mpsc::channel::<Request>();
    Reader::new(&ctx.db, conn, ctx.now, tx.clone())
        .spawn(req_rx)
        .map_err(term_error)?;
    let signals = event::spawn_signals(tx.clone()).map_err(term_error)?;
    event::spawn_ticker(tx.clone(), Duration::from_millis(ctx.config.refresh_ms)).map_err(term_error)?;
    terminal::install_panic_hook();
    let detect = ctx.config.theme == crate::config::Theme::Auto && !ctx.no_color;
    let mut term = Term::start(detect).map_err(term_error)?;
    super::input::spawn(tx).map_err(term_error)?;
    let mut app = App {
        ctx,
        demo,
        st: UiState::new(KeyTable::from_config(&ctx.config.keys)),
        data: None,
        reader: None,
        requests: req_tx,
        last: None,
        resumed: false,
    };
    if let Ok(size) = term.size() {
        app.st.size = (size.width, size.height);
    }
    let result = app.run(&mut term, &rx);
    signals.close();
    match result {
        Ok(Exit::Quit) => term.restore().map_err(term_error),
        Ok(Exit::HangUp) => {
            // The terminal is gone: try to leave it sane, ignore what fails.
            let _ = term.restore();
            Ok(())
        }
        Err(e) => {
            let _ = term.restore();
            Err(e)
        }
    }
}

impl App<'_> {
    fn run(&mut self, term: &mut Term, rx: &Receiver<Event>) -> Result<Exit> {
        let mut last_draw = Instant::now() - MIN_FRAME_GAP;
        let mut dirty = true;
        loop {
            let ev = if dirty {
                let wait = (last_draw + MIN_FRAME_GAP).saturating_duration_since(Instant::now());
                if wait.is_zero() {
                    if let Err(e) = self.frame(term) {
                        // Writing failed: the terminal went away (SSH dropped).
                        if is_gone(&e) {
                            return Ok(Exit::HangUp);
                        }
                        return Err(term_error(e));
                    }
                    last_draw = Instant::now();
                    dirty = false;
                    continue;
                }
                match rx.recv_timeout(wait) {
                    Ok(ev) => ev,
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => return Ok(Exit::Quit),
                }
            } else {
                match rx.recv() {
                    Ok(ev) => ev,
                    Err(_) => return Ok(Exit::Quit),
                }
            };
            if let Some(exit) = self.handle(ev, term)? {
                return Ok(exit);
            }
            // Take everything already queued (data and the state that follows it,
            // a burst of keys) before drawing once.
            while let Ok(ev) = rx.try_recv() {
                if let Some(exit) = self.handle(ev, term)? {
                    return Ok(exit);
                }
            }
            dirty = true;
        }
    }

    /// Handles one event; Some when the loop must end.
    fn handle(&mut self, ev: Event, term: &mut Term) -> Result<Option<Exit>> {
        let cmds = match ev {
            Event::Key(k) => self.st.handle_key(k, self.data.as_ref()),
            Event::Resize => match term.size() {
                Ok(s) => self.st.resize(s.width, s.height),
                Err(_) => Vec::new(),
            },
            Event::Tick => Vec::new(),
            Event::Reader(ReaderMsg::Data(d)) => {
                self.data = Some(*d);
                Vec::new()
            }
            Event::Reader(ReaderMsg::Detail(d)) => self.st.apply_detail(*d, self.data.as_ref()),
            Event::Reader(ReaderMsg::State(s)) => {
                self.reader = Some(s);
                Vec::new()
            }
            Event::Signal(SIGHUP) | Event::InputClosed => return Ok(Some(Exit::HangUp)),
            Event::Fatal(msg) => return Err(UserError::problem(msg)),
            Event::Signal(SIGTSTP) => vec![Command::Suspend],
            Event::Signal(SIGCONT) => {
                if !std::mem::take(&mut self.resumed) {
                    // Stopped by someone else (SIGSTOP): take the terminal again.
                    term.resume().map_err(term_error)?;
                    self.last = None;
                }
                Vec::new()
            }
            Event::Signal(_) => return Ok(Some(Exit::Quit)),
        };
        for c in cmds {
            match c {
                Command::Quit => return Ok(Some(Exit::Quit)),
                Command::Suspend => self.suspend(term)?,
                Command::Send(req) => {
                    if self.requests.send(req).is_err() {
                        return Err(UserError::problem(
                            "the database reader stopped unexpectedly; please report it",
                        ));
                    }
                }
            }
        }
        Ok(None)
    }

    /// Ctrl-Z / SIGTSTP: give the terminal back, stop; on `fg`, take it again and
    /// redraw everything.
    fn suspend(&mut self, term: &mut Term) -> Result<()> {
        term.restore().map_err(term_error)?;
        let _ = signal_hook::low_level::emulate_default_handler(SIGTSTP);
        term.resume().map_err(term_error)?;
        self.last = None;
        self.resumed = true;
        Ok(())
    }

    fn options(&self) -> RenderOptions {
        let live = match (&self.reader, self.st.paused) {
            (Some(ReaderState::Unreachable { reason, since }), _) => LiveState::Unreachable {
                reason: reason.clone(),
                since: *since,
            },
            (Some(ReaderState::Busy { since }), _) => LiveState::Busy { since: *since },
            (_, true) => LiveState::Paused,
            (Some(ReaderState::Live { last_change }), false) => LiveState::Live {
                last_change: *last_change,
            },
            (None, false) => LiveState::Starting,
        };
        let mut o = RenderOptions::from_ctx(self.ctx, self.ctx.now());
        o.wall_now = Utc::now();
        o.live = live;
        o.demo = self.demo;
        o
    }

    /// Draws off screen; sends the frame only when it changed.
    fn frame(&mut self, term: &mut Term) -> std::io::Result<()> {
        let size = term.size()?;
        let area = Rect::new(0, 0, size.width, size.height);
        if (size.width, size.height) != self.st.size {
            for c in self.st.resize(size.width, size.height) {
                if let Command::Send(r) = c {
                    let _ = self.requests.send(r);
                }
            }
        }
        let opts = self.options();
        let mut buf = Buffer::empty(area);
        render::draw(area, &mut buf, &self.st, self.data.as_ref(), &opts);
        if self.last.as_ref() == Some(&buf) {
            return Ok(());
        }
        let (st, data) = (&self.st, self.data.as_ref());
        term.draw(&buf, |b| {
            let a = b.area;
            render::draw(a, b, st, data, &opts)
        })?;
        self.last = Some(buf);
        Ok(())
    }
}

/// Did a write fail because the terminal is gone?
fn is_gone(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(e.kind(), BrokenPipe | UnexpectedEof | WriteZero | NotConnected) || e.raw_os_error() == Some(5)
}
