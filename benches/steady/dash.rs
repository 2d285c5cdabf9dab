//! The release dashboard in a pseudo-terminal (portable-pty), its screen kept by a
//! terminal emulator (vt100). The thread reading the terminal notes, as the bytes
//! arrive, when the first complete frame was drawn and when each writer's marker
//! (`steady NNNN`) first appeared on screen.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

/// The text before each change's number in the event's detail.
pub const MARKER: &str = "steady ";

#[derive(Default)]
struct Seen {
    /// When the first complete frame was on screen.
    complete: Option<Instant>,
    /// Each marker's number, and when it first appeared on screen.
    markers: BTreeMap<u32, SystemTime>,
    bytes: u64,
}

struct Shared {
    parser: vt100::Parser,
    seen: Seen,
}

pub struct Dash {
    shared: Arc<Mutex<Shared>>,
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    // Kept open for as long as the dashboard runs (dropping it hangs it up).
    _master: Box<dyn MasterPty + Send>,
    pub pid: String,
    pub started: Instant,
}

/// A frame with every panel's data: the header says "live" and no panel still says
/// it is reading (the export history is counted last on a large yard).
fn complete(screen: &str) -> bool {
    screen.lines().next().is_some_and(|l| l.contains("live"))
        && screen.contains("In yard")
        && !screen.contains("reading the database")
        && !screen.contains("counting the export history")
}

/// The numbers of the markers on `screen`.
fn markers(screen: &str) -> impl Iterator<Item = u32> + '_ {
    screen.match_indices(MARKER).filter_map(|(at, _)| {
        let digits: String = screen[at + MARKER.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        (digits.len() >= 4).then(|| digits.parse().ok()).flatten()
    })
}

impl Dash {
    /// Starts `bin --db DB` in a `cols`×`rows` terminal, with a config folder of its
    /// own under `home` and its refreshes logged (debug) to `log`.
    pub fn start(
        bin: &Path,
        db: &Path,
        home: &Path,
        log: &Path,
        cols: u16,
        rows: u16,
    ) -> Result<Dash, String> {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .map_err(|e| format!("cannot open a pseudo-terminal: {e}"))?;
        let mut cmd = CommandBuilder::new(bin);
        cmd.arg("--db");
        cmd.arg(db);
        cmd.arg("--log-file");
        cmd.arg(log);
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_STATE_HOME", home.join("state"));
        // The reader logs each refresh's time at debug: what each change cost.
        cmd.env("YARDTOP_LOG", "yardtop=debug");
        for var in ["NO_COLOR", "YARDTOP_DB", "YARDTOP_NOW", "YARDTOP_TZ"] {
            cmd.env_remove(var);
        }
        cmd.cwd(home);
        let started = Instant::now();
        let child = pair
            .slave
            .spawn_command(cmd)
            .map_err(|e| format!("cannot start the dashboard in a pseudo-terminal: {e}"))?;
        drop(pair.slave);
        let pid = child
            .process_id()
            .map(|p| p.to_string())
            .ok_or("the dashboard has no process id")?;
        let mut reader = pair
            .master
            .try_clone_reader()
            .map_err(|e| format!("pseudo-terminal reader: {e}"))?;
        let writer = pair
            .master
            .take_writer()
            .map_err(|e| format!("pseudo-terminal writer: {e}"))?;
        let shared = Arc::new(Mutex::new(Shared {
            parser: vt100::Parser::new(rows, cols, 0),
            seen: Seen::default(),
        }));
        let s2 = shared.clone();
        std::thread::Builder::new()
            .name("pty-steady".into())
            .spawn(move || {
                let mut buf = [0u8; 16384];
                while let Ok(n) = reader.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let (now, wall) = (Instant::now(), SystemTime::now());
                    let Ok(mut s) = s2.lock() else { break };
                    s.parser.process(&buf[..n]);
                    s.seen.bytes += n as u64;
                    let screen = s.parser.screen().contents();
                    if s.seen.complete.is_none() && complete(&screen) {
                        s.seen.complete = Some(now);
                    }
                    for m in markers(&screen) {
                        s.seen.markers.entry(m).or_insert(wall);
                    }
                }
            })
            .map_err(|e| format!("cannot start a pseudo-terminal thread: {e}"))?;
        Ok(Dash {
            shared,
            child,
            writer,
            _master: pair.master,
            pid,
            started,
        })
    }

    pub fn text(&self) -> String {
        self.shared
            .lock()
            .map(|s| s.parser.screen().contents())
            .unwrap_or_default()
    }

    /// When marker `n` first appeared on screen.
    pub fn seen(&self, n: u32) -> Option<SystemTime> {
        self.shared.lock().ok()?.seen.markers.get(&n).copied()
    }

    /// Bytes written to the terminal so far.
    pub fn bytes(&self) -> u64 {
        self.shared.lock().map(|s| s.seen.bytes).unwrap_or(0)
    }

    /// Waits for the first complete frame; the time from the start to it.
    pub fn wait_complete(&mut self, limit: Duration) -> Result<Duration, String> {
        while self.started.elapsed() < limit {
            if let Some(at) = self.shared.lock().ok().and_then(|s| s.seen.complete) {
                return Ok(at - self.started);
            }
            if let Ok(Some(st)) = self.child.try_wait() {
                return Err(format!(
                    "the dashboard ended before its first complete frame ({st:?}):\n{}",
                    self.text()
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Err(format!(
            "no complete frame within {} s; the screen:\n{}",
            limit.as_secs(),
            self.text()
        ))
    }

    /// Has the dashboard ended? How, in words.
    pub fn ended(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(st)) => Some(format!("{st:?}")),
            _ => None,
        }
    }

    /// `q`, then up to `limit` for it to exit; killed otherwise. The exit, in words.
    pub fn quit(&mut self, limit: Duration) -> String {
        let _ = self.writer.write_all(b"q");
        let _ = self.writer.flush();
        let t = Instant::now();
        while t.elapsed() < limit {
            match self.child.try_wait() {
                Ok(Some(st)) if st.success() => return "exit 0 on q".into(),
                Ok(Some(st)) => return format!("exit {} on q", st.exit_code()),
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => return format!("cannot wait for it: {e}"),
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        format!("did not exit within {} s of q; killed", limit.as_secs())
    }
}

impl Drop for Dash {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
