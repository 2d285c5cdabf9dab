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
use super::group::{yard_line, GroupCommand, GroupState, YardLine};
use super::keys::{Action, KeyTable};
use super::reader::{Reader, ReaderMsg, ReaderState, Request};
use super::render;
use super::state::{Command, UiState};
use super::terminal::{self, Term};
use crate::ctx::Ctx;
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

/// One yard on screen: its reader's data and state, its own UI state (the panels
/// and drill-downs of its dashboard) and the channel to its reader.
struct YardSlot {
    name: String,
    path: std::path::PathBuf,
    st: UiState,
    data: Option<DashData>,
    reader: Option<ReaderState>,
    requests: Sender<Request>,
}

struct App<'a> {
    ctx: &'a Ctx,
    demo: bool,
    yards: Vec<YardSlot>,
    /// The yard whose dashboard is shown; None: the group overview (several yards).
    open: Option<usize>,
    group: GroupState,
    keys: KeyTable,
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
    let (tx, rx) = mpsc::channel::<Event>();
    let keys = KeyTable::from_config(&ctx.config.keys);
    let single = ctx.yards.len() <= 1;
    let mut yards = Vec::new();
    let mut first_conns = Vec::new();
    for y in &ctx.yards {
        // One yard: refuse a wrong path or a non-yard file before taking over the
        // terminal. A group: a yard that cannot be read yet (a replica still being
        // restored) says so in its row and is retried; the others go on.
        match crate::db::open_read_only(&y.path) {
            Ok(c) => first_conns.push(Some(c)),
            Err(e) if single => return Err(e),
            Err(_) => first_conns.push(None),
        }
    }
    if !single {
        refuse_twin_locodes(ctx, &first_conns)?;
    }
    for (i, (y, conn)) in ctx.yards.iter().zip(first_conns).enumerate() {
        let (req_tx, req_rx) = mpsc::channel::<Request>();
        let events = tx.clone();
        Reader::new(&y.path, conn, ctx.now, move |m| {
            events.send(Event::Reader(i, m)).is_ok()
        })
        .spawn(req_rx)
        .map_err(term_error)?;
        yards.push(YardSlot {
            name: y.name.clone(),
            path: y.path.clone(),
            st: UiState::new(keys.clone()),
            data: None,
            reader: None,
            requests: req_tx,
        });
    }
    if !single {
        for y in &yards {
            let _ = y.requests.send(group_pace());
        }
    }
    let signals = event::spawn_signals(tx.clone()).map_err(term_error)?;
    event::spawn_ticker(tx.clone(), Duration::from_millis(ctx.config.refresh_ms)).map_err(term_error)?;
    terminal::install_panic_hook();
    let detect = ctx.config.theme == crate::config::Theme::Auto && !ctx.no_color;
    let mut term = Term::start(detect).map_err(term_error)?;
    super::input::spawn(tx).map_err(term_error)?;
    let mut app = App {
        ctx,
        demo,
        yards,
        open: if single { Some(0) } else { None },
        group: GroupState::default(),
        keys,
        last: None,
        resumed: false,
    };
    if let Ok(size) = term.size() {
        for y in app.yards.iter_mut() {
            y.st.size = (size.width, size.height);
        }
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

/// The pace of a group row's reader (see `reader::GROUP_POLL`).
fn group_pace() -> Request {
    Request::Pace {
        poll: super::reader::GROUP_POLL,
        recompute: super::reader::GROUP_RECOMPUTE,
    }
}

/// Two yards of a group with one LOCODE would be one yard twice, or a mislabelled
/// replica: the operations centre must not add them up. Names both paths.
fn refuse_twin_locodes(ctx: &Ctx, conns: &[Option<rusqlite::Connection>]) -> Result<()> {
    let mut seen: Vec<(String, &std::path::Path)> = Vec::new();
    for (y, conn) in ctx.yards.iter().zip(conns) {
        let Some(conn) = conn else { continue };
        let Ok(settings) = crate::db::settings::Settings::read(conn) else {
            continue;
        };
        let locode = settings.port_locode;
        if locode.is_empty() {
            continue;
        }
        if let Some((_, other)) = seen.iter().find(|(l, _)| *l == locode) {
            return Err(UserError::usage(format!(
                "{} and {} both say they are yard {locode}: one yard given twice, or a replica of \
                 the wrong terminal. Give each yard once (check `port_locode` in each database's \
                 settings)",
                other.display(),
                y.path.display()
            )));
        }
        seen.push((locode, &y.path));
    }
    Ok(())
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
        let (yard, cmds) = match ev {
            Event::Key(k) => match self.open {
                Some(i) => {
                    let group = self.yards.len() > 1;
                    let y = &mut self.yards[i];
                    // Esc on a yard's main screen goes back to the group.
                    let back = self.keys.action(k) == Some(Action::Back);
                    if back && group && y.st.stack.is_empty() && !y.st.help && y.st.input.is_none() {
                        let _ = y.requests.send(group_pace());
                        self.open = None;
                        self.last = None;
                        return Ok(None);
                    }
                    (i, y.st.handle_key(k, y.data.as_ref()))
                }
                None => match self.group.handle_key(&self.keys, k, self.yards.len()) {
                    GroupCommand::None => return Ok(None),
                    GroupCommand::Quit => return Ok(Some(Exit::Quit)),
                    GroupCommand::Suspend => (0, vec![Command::Suspend]),
                    GroupCommand::Open(i) => {
                        // The open dashboard's pace, and fresh figures at once.
                        let _ = self.yards[i].requests.send(Request::Pace {
                            poll: super::reader::POLL,
                            recompute: super::reader::RECOMPUTE,
                        });
                        let _ = self.yards[i].requests.send(Request::Refresh);
                        self.open = Some(i);
                        self.last = None;
                        return Ok(None);
                    }
                    GroupCommand::RefreshAll => {
                        for y in &self.yards {
                            let _ = y.requests.send(Request::Refresh);
                        }
                        return Ok(None);
                    }
                },
            },
            Event::Resize => match term.size() {
                Ok(s) => {
                    let mut sends = Vec::new();
                    for (i, y) in self.yards.iter_mut().enumerate() {
                        for c in y.st.resize(s.width, s.height) {
                            sends.push((i, c));
                        }
                    }
                    for (i, c) in sends {
                        if let Command::Send(r) = c {
                            let _ = self.yards[i].requests.send(r);
                        }
                    }
                    return Ok(None);
                }
                Err(_) => return Ok(None),
            },
            Event::Tick => return Ok(None),
            Event::Reader(i, msg) => {
                let Some(y) = self.yards.get_mut(i) else {
                    return Ok(None);
                };
                match msg {
                    ReaderMsg::Data(d) => {
                        y.data = Some(*d);
                        (i, Vec::new())
                    }
                    ReaderMsg::Detail(d) => (i, y.st.apply_detail(*d, y.data.as_ref())),
                    ReaderMsg::State(s) => {
                        y.reader = Some(s);
                        (i, Vec::new())
                    }
                    ReaderMsg::Stopped(why) => return Err(UserError::problem(why)),
                }
            }
            Event::Signal(SIGHUP) | Event::InputClosed => return Ok(Some(Exit::HangUp)),
            Event::Fatal(msg) => return Err(UserError::problem(msg)),
            Event::Signal(SIGTSTP) => (0, vec![Command::Suspend]),
            Event::Signal(SIGCONT) => {
                if !std::mem::take(&mut self.resumed) {
                    // Stopped by someone else (SIGSTOP): take the terminal again.
                    term.resume().map_err(term_error)?;
                    self.last = None;
                }
                return Ok(None);
            }
            Event::Signal(_) => return Ok(Some(Exit::Quit)),
        };
        for c in cmds {
            match c {
                Command::Quit => return Ok(Some(Exit::Quit)),
                Command::Suspend => self.suspend(term)?,
                Command::Send(req) => {
                    if self.yards[yard].requests.send(req).is_err() {
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

    fn options(&self, i: usize) -> RenderOptions {
        let y = &self.yards[i];
        let live = match (&y.reader, y.st.paused) {
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
        o.db_path = y.path.display().to_string();
        o
    }

    /// The group overview's rows, and its options (the first readable yard's zone
    /// unless --tz says otherwise).
    fn group_view(&self) -> (Vec<YardLine>, RenderOptions) {
        let mut o = RenderOptions::from_ctx(self.ctx, self.ctx.now());
        o.wall_now = Utc::now();
        o.live = LiveState::Live { last_change: None };
        let now = self.ctx.now();
        if o.tz.is_none() {
            o.tz = self
                .yards
                .iter()
                .find_map(|y| y.data.as_ref())
                .and_then(|d| crate::time::parse_tz(&d.figures.timezone));
        }
        let lines = self
            .yards
            .iter()
            .map(|y| yard_line(&y.name, y.data.as_ref(), y.reader.as_ref(), now))
            .collect();
        (lines, o)
    }

    /// Draws off screen; sends the frame only when it changed.
    fn frame(&mut self, term: &mut Term) -> std::io::Result<()> {
        let size = term.size()?;
        let area = Rect::new(0, 0, size.width, size.height);
        for y in self.yards.iter_mut() {
            if (size.width, size.height) != y.st.size {
                for c in y.st.resize(size.width, size.height) {
                    if let Command::Send(r) = c {
                        let _ = y.requests.send(r);
                    }
                }
            }
        }
        let mut buf = Buffer::empty(area);
        match self.open {
            Some(i) => {
                let opts = self.options(i);
                let y = &self.yards[i];
                render::draw(area, &mut buf, &y.st, y.data.as_ref(), &opts);
                if self.last.as_ref() == Some(&buf) {
                    return Ok(());
                }
                term.draw(&buf, |b| {
                    let a = b.area;
                    render::draw(a, b, &y.st, y.data.as_ref(), &opts)
                })?;
            }
            None => {
                let (lines, opts) = self.group_view();
                let (g, keys) = (&self.group, &self.keys);
                render::group::draw(area, &mut buf, &lines, g, keys, &opts);
                if self.last.as_ref() == Some(&buf) {
                    return Ok(());
                }
                term.draw(&buf, |b| {
                    let a = b.area;
                    render::group::draw(a, b, &lines, g, keys, &opts)
                })?;
            }
        }
        self.last = Some(buf);
        Ok(())
    }
}

/// Did a write fail because the terminal is gone?
fn is_gone(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(e.kind(), BrokenPipe | UnexpectedEof | WriteZero | NotConnected) || e.raw_os_error() == Some(5)
}
