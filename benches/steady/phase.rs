//! One writer mode of the steady benchmark: the writer (benches/steady/writer.py)
//! run to its last change, each change timed from its commit to the screen, and the
//! dashboard's CPU and refreshes over the phase.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value as Json;

use crate::{dash, procfs};

/// How long a change may take to reach the screen before it counts as never shown.
pub const GIVE_UP: Duration = Duration::from_secs(10);

/// A child process killed (and reaped) when the benchmark leaves early.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

/// One change as the writer reported it.
pub struct Commit {
    pub n: u32,
    /// Wall-clock seconds just after COMMIT returned.
    pub at: f64,
    pub commit_ms: f64,
    pub close_ms: Option<f64>,
}

/// One writer mode, measured.
pub struct Phase {
    pub commits: Vec<Commit>,
    /// Seconds from each commit to its marker on screen; None: never shown.
    pub latency: Vec<Option<f64>>,
    pub wall: f64,
    pub cpu: Option<f64>,
    pub bytes: u64,
    pub refreshes: Refreshes,
    /// The dashboard in the seconds after the writer ended (its last close
    /// checkpoints and deletes the log): CPU seconds, refreshes.
    pub after_cpu: Option<f64>,
    pub after: Refreshes,
    /// What went wrong with the writer, if anything.
    pub trouble: Option<String>,
}

/// The dashboard's refreshes, from its debug log.
#[derive(Default)]
pub struct Refreshes {
    pub changed: usize,
    pub took_ms: Vec<f64>,
}

pub fn refreshes(log: &Path, from: u64) -> Refreshes {
    let text = std::fs::read(log).unwrap_or_default();
    let text = String::from_utf8_lossy(text.get(from as usize..).unwrap_or_default());
    let mut r = Refreshes::default();
    for line in text
        .lines()
        .filter(|l| l.contains("refresh") && l.contains("took_ms="))
    {
        let field = |key: &str| {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(key))
                .map(str::to_string)
        };
        if let Some(ms) = field("took_ms=").and_then(|v| v.parse::<f64>().ok()) {
            r.took_ms.push(ms);
        }
        if field("changed=").as_deref() == Some("true") {
            r.changed += 1;
        }
    }
    r
}

pub fn log_len(log: &Path) -> u64 {
    std::fs::metadata(log).map(|m| m.len()).unwrap_or(0)
}

fn epoch_s(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// Runs the writer in `mode` for `count` changes numbered from `first`, the
/// dashboard watching.
#[allow(clippy::too_many_arguments)]
pub fn phase(
    python: &Path,
    script: &Path,
    db: &Path,
    mode: &str,
    count: u32,
    first: u32,
    d: &mut dash::Dash,
    log: &Path,
    scratch: &Path,
) -> Result<Phase, String> {
    let err_path = scratch.join(format!("writer-{mode}.err"));
    let err =
        std::fs::File::create(&err_path).map_err(|e| format!("cannot create {}: {e}", err_path.display()))?;
    let mut child = Command::new(python)
        .arg(script)
        .arg(db)
        .args([mode, &count.to_string(), &first.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(err))
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    let out = child.stdout.take().ok_or("the writer has no stdout")?;
    // Closed once the last change is on screen: a writer keeping its connection
    // closes it then.
    let stdin = child.stdin.take();
    let child = Guard(child);
    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let limit = Instant::now() + Duration::from_secs(u64::from(count) * 3 + 60);
    let mut start: Option<(Instant, Option<f64>, u64, u64)> = None;
    let mut commits = Vec::new();
    let mut trouble = None;
    loop {
        let left = limit.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left.max(Duration::from_millis(1))) {
            Ok(line) => {
                let j: Json =
                    serde_json::from_str(&line).map_err(|e| format!("the writer printed {line:?} ({e})"))?;
                if j["ready"].as_bool() == Some(true) {
                    start = Some((
                        Instant::now(),
                        procfs::cpu_seconds(&d.pid),
                        d.bytes(),
                        log_len(log),
                    ));
                } else if let (Some(n), Some(at)) = (j["n"].as_u64(), j["at"].as_f64()) {
                    commits.push(Commit {
                        n: n as u32,
                        at,
                        commit_ms: j["commit_ms"].as_f64().unwrap_or(f64::NAN),
                        close_ms: j["close_ms"].as_f64(),
                    });
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                trouble = Some("the writer was still running at the time limit; stopped".into());
                break;
            }
        }
        if let Some(how) = d.ended() {
            return Err(format!("the dashboard ended during the writes ({how})"));
        }
        if commits.len() >= count as usize {
            break;
        }
    }
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    if commits.len() < count as usize {
        trouble = Some(format!(
            "{} of {count} changes committed{}",
            commits.len(),
            stderr
                .lines()
                .last()
                .map(|l| format!(": {l}"))
                .unwrap_or_default()
        ));
    }
    let (t0, cpu0, bytes0, log0) =
        start.ok_or_else(|| format!("the writer never got ready: {}", stderr.trim()))?;
    // The phase ends a second after the last commit (its refresh included), or when
    // its change is on screen, if later.
    let last_at = commits
        .last()
        .map(|c| c.at)
        .unwrap_or_else(|| epoch_s(SystemTime::now()));
    loop {
        let now = epoch_s(SystemTime::now());
        let all = commits.iter().all(|c| d.seen(c.n).is_some());
        if (all && now >= last_at + 1.0) || now >= last_at + GIVE_UP.as_secs_f64() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let wall = t0.elapsed().as_secs_f64();
    let cpu = procfs::cpu_seconds(&d.pid).zip(cpu0).map(|(b, a)| b - a);
    drop(stdin);
    let mut child = child;
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(10) && matches!(child.0.try_wait(), Ok(None)) {
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(child);
    let latency = commits
        .iter()
        .map(|c| d.seen(c.n).map(|t| (epoch_s(t) - c.at).max(0.0)))
        .collect();
    Ok(Phase {
        commits,
        latency,
        wall,
        cpu,
        bytes: d.bytes() - bytes0,
        refreshes: refreshes(log, log0),
        after_cpu: None,
        after: Refreshes::default(),
        trouble,
    })
}
