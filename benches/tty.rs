//! The dashboard as a person sees it: the release binary in a pseudo-terminal,
//! driven and measured by `ttybytes.py` (bytes per step, time to a text, CPU), with
//! the peak memory read from /proc/PID/status before it quits.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value as Json;

use yardtop::db::browse::EventRow;

use crate::util;

pub struct Tty {
    pub python: PathBuf,
    pub script: PathBuf,
    scratch: PathBuf,
    /// Environment of the dashboard: an empty config and log folder of its own.
    env: Vec<(String, String)>,
}

/// One run: ttybytes' report and the dashboard's peak RSS (MB) when read.
pub struct TtyRun {
    pub report: Json,
    pub peak_mb: Option<f64>,
}

impl TtyRun {
    pub fn step(&self, i: usize) -> &Json {
        &self.report["steps"][i]
    }

    pub fn seconds(&self, i: usize) -> Option<f64> {
        self.step(i)["seconds"].as_f64()
    }

    pub fn bytes(&self, i: usize) -> Option<f64> {
        self.step(i)["bytes"].as_f64()
    }
}

impl Tty {
    /// Finds python3 and ttybytes.py (`given`, else `$YARDTOP_TTYBYTES`, else the copy
    /// next to this benchmark).
    pub fn find(given: Option<PathBuf>, scratch: &Path) -> Result<Tty, String> {
        let python = util::which("python3").ok_or("python3 is not installed")?;
        let script = given
            .or_else(|| std::env::var_os("YARDTOP_TTYBYTES").map(PathBuf::from))
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/ttybytes.py"));
        if !script.is_file() {
            return Err(format!("{} is missing", script.display()));
        }
        let home = scratch.join("home");
        for d in ["config", "state"] {
            std::fs::create_dir_all(home.join(d))
                .map_err(|e| format!("cannot create {}: {e}", home.join(d).display()))?;
        }
        let s = |p: PathBuf| p.display().to_string();
        Ok(Tty {
            python,
            script,
            scratch: scratch.to_path_buf(),
            env: vec![
                ("XDG_CONFIG_HOME".into(), s(home.join("config"))),
                ("XDG_STATE_HOME".into(), s(home.join("state"))),
                ("TERM".into(), "xterm-256color".into()),
            ],
        })
    }

    /// Runs `argv` (the dashboard) in a `cols`×`rows` terminal through `steps`. The
    /// step `{HWM}` is replaced by one that saves the program's VmHWM.
    pub fn run(
        &self,
        steps: &[String],
        argv: &[String],
        cols: u16,
        rows: u16,
        tag: &str,
    ) -> Result<TtyRun, String> {
        let pidfile = self.scratch.join(format!("{tag}.pid"));
        let hwm = self.scratch.join(format!("{tag}.hwm"));
        let _ = std::fs::remove_file(&pidfile);
        let _ = std::fs::remove_file(&hwm);
        let hwm_step = format!(
            "sh:grep -h VmHWM /proc/$(cat {})/status > {}",
            util::sh_quote(&pidfile.display().to_string()),
            util::sh_quote(&hwm.display().to_string())
        );
        let steps: Vec<String> = steps
            .iter()
            .map(|s| if s == "{HWM}" { hwm_step.clone() } else { s.clone() })
            .collect();
        let budget: f64 = steps.iter().map(|s| step_seconds(s)).sum::<f64>() + 20.0;
        let mut cmd = Command::new(&self.python);
        cmd.arg(&self.script)
            .args(["--cols", &cols.to_string(), "--rows", &rows.to_string()])
            .args(["--timeout", &format!("{budget:.0}")])
            .args(&steps)
            .arg("--")
            // The shell writes its pid and becomes the dashboard (exec): the pid is
            // the dashboard's, for /proc and for cleaning up.
            .args(["sh", "-c", "echo $$ > \"$0\"; exec \"$@\""])
            .arg(&pidfile)
            .args(argv);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.env_remove("NO_COLOR");
        let limit = Duration::from_secs_f64(budget + 30.0);
        let ran = util::run(&mut cmd, limit, None, &self.scratch, tag, true);
        kill_leftover(&pidfile);
        let ran = ran?;
        if !ran.ok() {
            return Err(format!("ttybytes.py failed: {}", ran.why()));
        }
        let report: Json =
            serde_json::from_slice(&ran.stdout).map_err(|e| format!("ttybytes.py printed no JSON ({e})"))?;
        let peak_mb = std::fs::read_to_string(&hwm).ok().and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<f64>().ok())
                .map(|kb| kb / 1024.0)
        });
        Ok(TtyRun { report, peak_mb })
    }
}

/// The longest a step can take, for the time budget.
fn step_seconds(step: &str) -> f64 {
    let (kind, arg) = step.split_once(':').unwrap_or((step, ""));
    match kind {
        "wait" | "exit" => arg.parse().unwrap_or(5.0),
        "until" => arg
            .rsplit(':')
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or(30.0),
        "sh" => 10.0,
        _ => 1.0,
    }
}

/// A dashboard that outlived its ttybytes (killed at the time limit) is killed by
/// its pid, after checking the pid is still a yardtop.
fn kill_leftover(pidfile: &Path) {
    let Some(pid) = std::fs::read_to_string(pidfile)
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
    else {
        return;
    };
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    if comm.trim() == "yardtop" {
        let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
    }
}

/// A text that reaches the terminal only when the whole main screen has been drawn
/// with data: the VIN of the bottom-most activity row that appears once on the
/// expected screen (the cells of a frame go out top to bottom, so that row is among
/// the last). `screen` is the main screen as `render_text` draws it at the size of
/// the terminal.
pub fn marker(screen: &str, events: &[EventRow]) -> Option<String> {
    let lines: Vec<&str> = screen.lines().collect();
    for line in lines.iter().rev().take(6) {
        let mut found: Vec<(usize, &str)> = events
            .iter()
            .filter(|e| e.vin.len() >= 10 && e.vin.is_ascii())
            .filter_map(|e| line.rfind(e.vin.as_str()).map(|at| (at, e.vin.as_str())))
            .collect();
        // The activity panel is on the right: its VIN is the rightmost one.
        found.sort();
        if let Some((_, vin)) = found.last() {
            if screen.matches(vin).count() == 1 {
                return Some(vin.to_string());
            }
        }
    }
    None
}
