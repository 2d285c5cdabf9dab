//! Real dashboards (the release binary) in pseudo-terminals (portable-pty), their
//! screens kept by a terminal emulator (vt100) and scanned for the words no
//! dashboard may show under load.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

/// Words that mean the dashboard could not read: the header's "database busy
/// since …" and "database unreachable: …", SQLite's "database is locked", and a
/// crash. ("Block" is on every screen, so "lock" alone is not looked for.)
pub const BAD_WORDS: [&str; 5] = ["locked", "busy", "unreachable", "internal error", "panicked"];

struct Shared {
    parser: vt100::Parser,
    raw: Vec<u8>,
}

/// One dashboard.
pub struct Screen {
    pub name: String,
    shared: Arc<Mutex<Shared>>,
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    // Kept open for as long as the dashboard runs (dropping it hangs it up).
    _master: Box<dyn MasterPty + Send>,
    /// Screens sampled, and how many of them showed a bad word.
    pub samples: u64,
    pub bad_samples: u64,
    /// The first screen line that showed a bad word.
    pub first_bad: Option<String>,
    /// Did the header say "live" at the last sample?
    pub live_at_end: bool,
    pub exited_early: Option<String>,
}

impl Screen {
    /// Starts `bin --db DB` in a `cols`×`rows` terminal, with a config and log
    /// folder of its own under `home`.
    pub fn start(
        name: &str,
        bin: &Path,
        db: &Path,
        home: &Path,
        cols: u16,
        rows: u16,
    ) -> Result<Screen, String> {
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
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_STATE_HOME", home.join("state"));
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("YARDTOP_DB");
        cmd.env_remove("YARDTOP_NOW");
        cmd.cwd(home);
        let child = pair
            .slave
            .spawn_command(cmd)
            .map_err(|e| format!("cannot start the dashboard in a pseudo-terminal: {e}"))?;
        drop(pair.slave);
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
            raw: Vec::new(),
        }));
        let s2 = shared.clone();
        std::thread::Builder::new()
            .name(format!("pty-{name}"))
            .spawn(move || {
                let mut buf = [0u8; 16384];
                while let Ok(n) = reader.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let Ok(mut s) = s2.lock() else { break };
                    s.raw.extend_from_slice(&buf[..n]);
                    s.parser.process(&buf[..n]);
                }
            })
            .map_err(|e| format!("cannot start a pseudo-terminal thread: {e}"))?;
        Ok(Screen {
            name: name.into(),
            shared,
            child,
            writer,
            _master: pair.master,
            samples: 0,
            bad_samples: 0,
            first_bad: None,
            live_at_end: false,
            exited_early: None,
        })
    }

    pub fn text(&self) -> String {
        self.shared
            .lock()
            .map(|s| s.parser.screen().contents())
            .unwrap_or_default()
    }

    pub fn bytes(&self) -> usize {
        self.shared.lock().map(|s| s.raw.len()).unwrap_or(0)
    }

    /// Waits until the header says "live" and the yard panel is drawn.
    pub fn wait_live(&mut self, limit: Duration) -> Result<(), String> {
        let t = Instant::now();
        while t.elapsed() < limit {
            let s = self.text();
            if s.lines().next().is_some_and(|l| l.contains("live")) && s.contains("In yard") {
                return Ok(());
            }
            if let Ok(Some(st)) = self.child.try_wait() {
                return Err(format!(
                    "{} ended before its first frame ({st:?}):\n{s}",
                    self.name
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!(
            "{} showed no live frame within {} s; its screen:\n{}",
            self.name,
            limit.as_secs(),
            self.text()
        ))
    }

    /// Looks at the screen once.
    pub fn sample(&mut self) {
        if self.exited_early.is_none() {
            if let Ok(Some(st)) = self.child.try_wait() {
                self.exited_early = Some(format!("{st:?}"));
            }
        }
        let s = self.text();
        self.samples += 1;
        self.live_at_end = s.lines().next().is_some_and(|l| l.contains("live"));
        let lower = s.to_lowercase();
        if BAD_WORDS.iter().any(|w| lower.contains(w)) {
            self.bad_samples += 1;
            if self.first_bad.is_none() {
                self.first_bad = s
                    .lines()
                    .find(|l| {
                        let l = l.to_lowercase();
                        BAD_WORDS.iter().any(|w| l.contains(w))
                    })
                    .map(|l| l.trim().to_string());
            }
        }
    }

    /// Bad words anywhere in the bytes written (a screen drawn between two samples).
    pub fn bad_words_in_bytes(&self) -> Vec<&'static str> {
        let raw = self
            .shared
            .lock()
            .map(|s| String::from_utf8_lossy(&s.raw).to_lowercase())
            .unwrap_or_default();
        BAD_WORDS.iter().copied().filter(|w| raw.contains(w)).collect()
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

impl Drop for Screen {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
