//! Shared harness of the `robust_*` tests: the real `yardtop` binary in a
//! pseudo-terminal, every byte it writes kept and fed to a terminal emulator
//! (vt100) that also records what a real terminal would have *done* (a title
//! change, a clipboard write, a bell, an OSC it did not understand); guards that
//! always end child processes; and checks on the raw bytes a terminal receives.

#![allow(dead_code)] // each test file uses a part of the harness

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child as StdChild, Command};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, ExitStatus, MasterPty, PtySize};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_yardtop");

/// Environment variables of yardtop that must not leak in from the caller.
const YARDTOP_VARS: [&str; 8] = [
    "YARDTOP_DB",
    "YARDTOP_CONFIG",
    "YARDTOP_NOW",
    "YARDTOP_TZ",
    "YARDTOP_ASCII",
    "YARDTOP_LOG_FILE",
    "NO_COLOR",
    "RUST_BACKTRACE",
];

/// What a terminal would have done besides drawing: a hostile string that got
/// through would show up here.
#[derive(Debug, Default, Clone)]
pub struct Effects {
    pub titles: Vec<String>,
    pub clipboard: Vec<String>,
    pub bells: usize,
    pub osc: Vec<String>,
    pub unhandled: Vec<String>,
}

impl Effects {
    pub fn is_empty(&self) -> bool {
        self.titles.is_empty()
            && self.clipboard.is_empty()
            && self.bells == 0
            && self.osc.is_empty()
            && self.unhandled.is_empty()
    }
}

impl vt100::Callbacks for Effects {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
    fn visual_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.titles.push(String::from_utf8_lossy(name).into_owned());
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(String::from_utf8_lossy(title).into_owned());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, ty: &[u8], data: &[u8]) {
        self.clipboard.push(format!(
            "{}:{}",
            String::from_utf8_lossy(ty),
            String::from_utf8_lossy(data)
        ));
    }
    fn paste_from_clipboard(&mut self, _: &mut vt100::Screen, ty: &[u8]) {
        self.clipboard
            .push(format!("paste {}", String::from_utf8_lossy(ty)));
    }
    fn unhandled_control(&mut self, _: &mut vt100::Screen, b: u8) {
        self.unhandled.push(format!("control {b:#04x}"));
    }
    fn unhandled_escape(&mut self, _: &mut vt100::Screen, i1: Option<u8>, i2: Option<u8>, b: u8) {
        // ST (`ESC \`), which vt100 reports apart from the OSC it ends (the
        // dashboard's background query ends with it); alone it does nothing.
        if (i1, i2, b) == (None, None, b'\\') {
            return;
        }
        self.unhandled
            .push(format!("escape {i1:?} {i2:?} {:?}", b as char));
    }
    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        // The dashboard's own question: what is your background colour?
        if params == [b"11".as_slice(), b"?".as_slice()] {
            return;
        }
        let p: Vec<String> = params
            .iter()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        self.osc.push(p.join(";"));
    }
}

struct Shared {
    raw: Vec<u8>,
    parser: vt100::Parser<Effects>,
}

/// What the emulator is fed. vt100 drops U+FFFD (it cannot tell it from its own
/// decoding errors), where a real terminal prints one replacement glyph; that
/// would shift the rest of the row. It gets `REPLACEMENT_SHOWN` instead, also one
/// column wide. Returns the bytes to feed and a held-back tail that may be the
/// start of a U+FFFD split across reads.
fn for_emulator(bytes: &[u8]) -> (Vec<u8>, Vec<u8>) {
    const FFFD: &[u8] = "\u{fffd}".as_bytes();
    let cut = if bytes.ends_with(&FFFD[..2]) {
        bytes.len() - 2
    } else if bytes.ends_with(&FFFD[..1]) {
        bytes.len() - 1
    } else {
        bytes.len()
    };
    let mut out = Vec::with_capacity(cut);
    let mut i = 0;
    while i < cut {
        if bytes[i..cut].starts_with(FFFD) {
            out.extend_from_slice(REPLACEMENT_SHOWN.as_bytes());
            i += FFFD.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    (out, bytes[cut..].to_vec())
}

/// How the emulated screen shows U+FFFD (see `for_emulator`).
pub const REPLACEMENT_SHOWN: &str = "\u{2426}";

/// The real binary in a pseudo-terminal. Dropping it ends the process.
pub struct Pty {
    shared: Arc<Mutex<Shared>>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    exit: Option<ExitStatus>,
    pub cols: u16,
    pub rows: u16,
}

/// A `yardtop` command for a pty: a UTF-8 locale, a colour terminal, config and
/// state under `home`, none of the caller's yardtop variables.
pub fn pty_command(home: &Path, args: &[&OsStr]) -> CommandBuilder {
    let mut cmd = CommandBuilder::new(BIN);
    for a in args {
        cmd.arg(a);
    }
    for v in YARDTOP_VARS {
        cmd.env_remove(v);
    }
    cmd.env("TERM", "xterm-256color");
    cmd.env("LANG", "C.UTF-8");
    cmd.env("LC_ALL", "C.UTF-8");
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    cmd.env("XDG_STATE_HOME", home.join("state"));
    cmd.env("XDG_DATA_HOME", home.join("data"));
    cmd.cwd(home);
    cmd
}

impl Pty {
    /// Starts `yardtop ARGS` in a `cols`×`rows` pseudo-terminal.
    pub fn start(home: &Path, args: &[&OsStr], cols: u16, rows: u16) -> Pty {
        Self::start_cmd(pty_command(home, args), cols, rows)
    }

    pub fn start_cmd(cmd: CommandBuilder, cols: u16, rows: u16) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let child = pair.slave.spawn_command(cmd).expect("spawn yardtop in a pty");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let shared = Arc::new(Mutex::new(Shared {
            raw: Vec::new(),
            parser: vt100::Parser::new_with_callbacks(rows, cols, 0, Effects::default()),
        }));
        let s2 = shared.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 16384];
            let mut held = Vec::new();
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let Ok(mut s) = s2.lock() else { break };
                s.raw.extend_from_slice(&buf[..n]);
                held.extend_from_slice(&buf[..n]);
                let (show, keep) = for_emulator(&held);
                s.parser.process(&show);
                held = keep;
            }
        });
        Pty {
            shared,
            master: pair.master,
            writer,
            child,
            exit: None,
            cols,
            rows,
        }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// The screen as text, rows joined by newlines.
    pub fn screen(&self) -> String {
        self.shared.lock().unwrap().parser.screen().contents()
    }

    /// The screen's cells of one row: (column, contents), wide continuations left out.
    pub fn row_cells(&self, row: u16) -> Vec<(u16, String)> {
        let s = self.shared.lock().unwrap();
        let screen = s.parser.screen();
        let mut out = Vec::new();
        for col in 0..self.cols {
            if let Some(c) = screen.cell(row, col) {
                if c.is_wide_continuation() {
                    continue;
                }
                let t = c.contents();
                out.push((
                    col,
                    if t.is_empty() {
                        " ".to_string()
                    } else {
                        t.to_string()
                    },
                ));
            }
        }
        out
    }

    /// Every screen column at which `needle` starts, per row: (row, column).
    pub fn find_all(&self, needle: &str) -> Vec<(u16, u16)> {
        let mut hits = Vec::new();
        for row in 0..self.rows {
            let cells = self.row_cells(row);
            let mut line = String::new();
            let mut at = Vec::new(); // byte offset in `line` → column
            for (col, t) in &cells {
                at.push((line.len(), *col));
                line.push_str(t);
            }
            let mut from = 0;
            while let Some(i) = line[from..].find(needle) {
                let off = from + i;
                if let Some((_, col)) = at.iter().rev().find(|(o, _)| *o <= off) {
                    hits.push((row, *col));
                }
                from = off + needle.len().max(1);
            }
        }
        hits
    }

    /// Every byte the program has written so far.
    pub fn bytes(&self) -> Vec<u8> {
        self.shared.lock().unwrap().raw.clone()
    }

    pub fn byte_len(&self) -> usize {
        self.shared.lock().unwrap().raw.len()
    }

    /// What the emulated terminal was asked to do besides drawing.
    pub fn effects(&self) -> Effects {
        self.shared.lock().unwrap().parser.callbacks().clone()
    }

    /// Waits until `pred(screen)` holds; the time it took, or None after `secs`.
    pub fn wait_until(&self, secs: f64, mut pred: impl FnMut(&str) -> bool) -> Option<Duration> {
        let t0 = Instant::now();
        loop {
            if pred(&self.screen()) {
                return Some(t0.elapsed());
            }
            if t0.elapsed() > Duration::from_secs_f64(secs) {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits for `text` on screen; panics with the screen after `secs`.
    pub fn wait_for(&self, text: &str, secs: f64) -> Duration {
        self.wait_until(secs, |s| s.contains(text))
            .unwrap_or_else(|| panic!("{text:?} not on screen after {secs} s:\n{}", self.screen()))
    }

    /// Types `s`.
    pub fn keys(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).expect("type into the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// Types `s` and gives the dashboard `ms` to draw the result.
    pub fn press(&mut self, s: &str, ms: u64) {
        self.keys(s);
        std::thread::sleep(Duration::from_millis(ms));
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
        self.shared
            .lock()
            .unwrap()
            .parser
            .screen_mut()
            .set_size(rows, cols);
        self.cols = cols;
        self.rows = rows;
    }

    /// Has it exited (and how)?
    pub fn exited(&mut self) -> Option<ExitStatus> {
        if self.exit.is_none() {
            if let Ok(Some(st)) = self.child.try_wait() {
                self.exit = Some(st);
            }
        }
        self.exit.clone()
    }

    /// Waits up to `secs` for the program to exit; panics (after killing it) if not.
    pub fn exit_within(&mut self, secs: f64) -> ExitStatus {
        let t0 = Instant::now();
        loop {
            if let Some(st) = self.exited() {
                // Let the reader thread take the last bytes.
                std::thread::sleep(Duration::from_millis(150));
                return st;
            }
            if t0.elapsed() > Duration::from_secs_f64(secs) {
                self.kill();
                panic!("still running after {secs} s:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Ends the program: SIGHUP (what the pty does), then SIGKILL.
    pub fn kill(&mut self) {
        if self.exited().is_some() {
            return;
        }
        let _ = self.child.kill();
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(2) {
            if self.exited().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        if let Some(pid) = self.pid() {
            let _ = Command::new("kill").arg("-KILL").arg(pid.to_string()).status();
        }
        if let Ok(st) = self.child.wait() {
            self.exit = Some(st);
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A child process that is always ended: killed and reaped on drop.
pub struct Guard(pub Option<StdChild>);

impl Guard {
    pub fn new(child: StdChild) -> Guard {
        Guard(Some(child))
    }

    pub fn child(&mut self) -> &mut StdChild {
        self.0.as_mut().expect("child already taken")
    }

    /// Waits up to `limit` for it to end and returns its output (killing it first
    /// when it overruns, in which case `overran` is true).
    pub fn finish(mut self, limit: Duration) -> (std::process::Output, bool) {
        let mut child = self.0.take().expect("child already taken");
        let t0 = Instant::now();
        let mut overran = false;
        while child.try_wait().ok().flatten().is_none() {
            if t0.elapsed() > limit {
                let _ = child.kill();
                overran = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        (child.wait_with_output().expect("collect output"), overran)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(c) = self.0.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A plain `yardtop` command (no terminal), isolated from the caller's settings.
pub fn yardtop(home: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    for v in YARDTOP_VARS {
        cmd.env_remove(v);
    }
    cmd.env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("LANG", "C.UTF-8")
        .current_dir(home);
    cmd
}

/// `path` with `suffix` appended (`yard.db` → `yard.db-wal`).
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Removes a database with its WAL and shared-memory files.
pub fn remove_db(path: &Path) {
    for s in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(sibling(path, s));
    }
}

/// A read-write connection as another system of the terminal would open one.
pub fn writer(path: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(path).expect("open a writer");
    c.busy_timeout(Duration::from_secs(5)).unwrap();
    c
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

pub fn count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

/// Text a user must never see from yardtop: a panic, a backtrace, a raw OS error,
/// SQLite's own words for a lock.
pub const NEVER_SHOWN: [&str; 7] = [
    "panicked",
    "stack backtrace",
    "RUST_BACKTRACE",
    "internal error",
    "Os {",
    "database is locked",
    "SQLITE_",
];

/// Panics when `bytes` contain any of `NEVER_SHOWN`.
pub fn assert_never_shown(bytes: &[u8], what: &str) {
    let text = String::from_utf8_lossy(bytes);
    for bad in NEVER_SHOWN {
        assert!(!text.contains(bad), "{what}: {bad:?} was shown:\n{text}");
    }
}

/// One escape sequence the dashboard wrote, as found by `escapes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escape {
    pub at: usize,
    pub bytes: Vec<u8>,
}

/// Splits the terminal's input into the escape sequences in it. Anything after
/// ESC that is not a complete CSI (`ESC [ params intermediates final`) is
/// returned as ESC plus the next byte (an OSC, DCS, a lone ESC...).
pub fn escapes(bytes: &[u8]) -> Vec<Escape> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != 0x1b {
            i += 1;
            continue;
        }
        let start = i;
        if bytes[i..].starts_with(BACKGROUND_QUERY) {
            out.push(Escape {
                at: start,
                bytes: BACKGROUND_QUERY.to_vec(),
            });
            i += BACKGROUND_QUERY.len();
            continue;
        }
        if bytes.get(i + 1) == Some(&b'[') {
            let mut j = i + 2;
            while j < bytes.len() && (0x30..=0x3f).contains(&bytes[j]) {
                j += 1;
            }
            while j < bytes.len() && (0x20..=0x2f).contains(&bytes[j]) {
                j += 1;
            }
            if j < bytes.len() && (0x40..=0x7e).contains(&bytes[j]) {
                out.push(Escape {
                    at: start,
                    bytes: bytes[start..=j].to_vec(),
                });
                i = j + 1;
                continue;
            }
        }
        let end = (i + 2).min(bytes.len());
        out.push(Escape {
            at: start,
            bytes: bytes[start..end].to_vec(),
        });
        i = end;
    }
    out
}

/// The dashboard's question to the terminal for its background colour (OSC 11,
/// `theme = "auto"`; src/ui/terminal.rs).
pub const BACKGROUND_QUERY: &[u8] = b"\x1b]11;?\x1b\\";

/// Is this one of the sequences the dashboard itself sends? Its whole vocabulary
/// (see src/ui/backend.rs and terminal.rs): the background query, SGR (`m`), cursor position (`H`),
/// cursor forward (`C`), clear (`J`, `K`), private modes (`?…h` / `?…l`:
/// alternate screen, cursor, synchronized output). Parameters are digits and `;`.
pub fn is_app_escape(seq: &[u8]) -> bool {
    if seq == BACKGROUND_QUERY {
        return true;
    }
    if seq.len() < 3 || seq[0] != 0x1b || seq[1] != b'[' {
        return false;
    }
    let fin = seq[seq.len() - 1];
    let params = &seq[2..seq.len() - 1];
    let (private, params) = match params.first() {
        Some(b'?') => (true, &params[1..]),
        _ => (false, params),
    };
    if !params.iter().all(|b| b.is_ascii_digit() || *b == b';') {
        return false;
    }
    if private {
        matches!(fin, b'h' | b'l')
    } else {
        matches!(fin, b'm' | b'H' | b'C' | b'J' | b'K')
    }
}

/// The raw-byte rules for anything the dashboard writes to a terminal:
/// valid UTF-8; no C0 control but ESC (and CR/LF, which a message after exit
/// may use); every ESC starts one of the app's own sequences; no C1 control
/// (U+0080–U+009F), as UTF-8 or as a raw byte; no bidi override.
pub fn assert_terminal_safe(bytes: &[u8], what: &str) {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let i = e.valid_up_to();
            panic!(
                "{what}: invalid UTF-8 at byte {i} (a raw C1 or broken byte reached the terminal): {:?}",
                String::from_utf8_lossy(&bytes[i.saturating_sub(60)..(i + 20).min(bytes.len())])
            );
        }
    };
    for (i, c) in text.char_indices() {
        let bad = match c {
            '\u{1b}' | '\r' | '\n' => false,
            '\u{0}'..='\u{1f}' | '\u{7f}' => true,
            '\u{80}'..='\u{9f}' => true,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' => true,
            _ => false,
        };
        assert!(
            !bad,
            "{what}: control character {c:?} at byte {i}: {:?}",
            String::from_utf8_lossy(&bytes[i.saturating_sub(60)..(i + 20).min(bytes.len())])
        );
    }
    for e in escapes(bytes) {
        assert!(
            is_app_escape(&e.bytes),
            "{what}: foreign escape sequence {:?} at byte {}: {:?}",
            String::from_utf8_lossy(&e.bytes),
            e.at,
            String::from_utf8_lossy(&bytes[e.at.saturating_sub(60)..(e.at + 40).min(bytes.len())])
        );
    }
}

/// Percentile (0–100) of a list of durations, in milliseconds.
pub fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[idx.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

/// A small yard for the tests of several yards: one NEV block N01 of `rows`×`rows`
/// slots, `parked` BEVs in it, the port's name and LOCODE, Xiamen's time zone.
pub fn small_yard(path: &Path, name: &str, locode: &str, parked: usize, rows: usize) {
    let conn = yardtop::writers::open::create_new(path).expect("create a yard");
    conn.execute_batch(&format!(
        "INSERT OR REPLACE INTO settings VALUES ('port_name', '{name}'), ('port_locode', '{locode}'), ('timezone', 'Asia/Shanghai');
         INSERT INTO yard_blocks VALUES ('N01', 'nev', {rows}, {rows});"
    ))
    .expect("settings and block");
    for i in 0..parked {
        park_bev(&conn, i, rows);
    }
}

/// Parks the `i`-th BEV (VIN LSJW2410 + i) in block N01 of `rows` slots a row, and
/// writes its `park` event now.
pub fn park_bev(conn: &rusqlite::Connection, i: usize, rows: usize) {
    let vin = format!("LSJW2410{i:09}");
    conn.execute(
        "INSERT INTO vehicles(vin, make, model, powertrain, status, block, row, slot, gate_in_at)
         VALUES (?1, 'MG', 'MG4', 'BEV', 'parked', 'N01', ?2, ?3, '2026-11-26T01:00:00Z')",
        rusqlite::params![vin, (i / rows + 1) as i64, (i % rows + 1) as i64],
    )
    .expect("park a vehicle");
    conn.execute(
        "INSERT INTO events(at, vin, kind, detail) VALUES (strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?1, 'park', 'N01')",
        [vin],
    )
    .expect("its event");
}
