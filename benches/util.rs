//! Small helpers of the port benchmark: medians, child processes with a time limit,
//! the machine's description, quoting for `sh`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The median of `xs` (the mean of the middle two for an even count); None if empty.
pub fn median(xs: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

pub fn max(xs: &[f64]) -> Option<f64> {
    xs.iter().copied().filter(|x| x.is_finite()).reduce(f64::max)
}

/// What a finished (or killed) child process left.
pub struct Ran {
    pub status: Option<ExitStatus>,
    pub wall: Duration,
    pub timed_out: bool,
    /// stdout, when it was kept.
    pub stdout: Vec<u8>,
    /// The first 4 KB of stderr.
    pub stderr: String,
}

impl Ran {
    pub fn ok(&self) -> bool {
        !self.timed_out && self.status.is_some_and(|s| s.success())
    }

    /// One line saying why the run failed.
    pub fn why(&self) -> String {
        if self.timed_out {
            return format!("killed after {:.0} s (time limit)", self.wall.as_secs_f64());
        }
        let status = match self.status {
            Some(s) => s.to_string(),
            None => "no exit status".into(),
        };
        let err = self.stderr.trim();
        if err.is_empty() {
            status
        } else {
            format!(
                "{status}: {}",
                err.lines().take(3).collect::<Vec<_>>().join(" / ")
            )
        }
    }
}

/// Runs `cmd` to completion or until `limit`, stdin from `stdin` (or nothing),
/// stdout into `scratch/<tag>.out` (kept in `Ran::stdout` when `keep_stdout`) and
/// stderr into `scratch/<tag>.err`. A child still running at the limit is killed.
/// The wall time runs from just before the spawn to the moment its exit is seen
/// (polled every 0.2 ms).
pub fn run(
    cmd: &mut Command,
    limit: Duration,
    stdin: Option<&Path>,
    scratch: &Path,
    tag: &str,
    keep_stdout: bool,
) -> Result<Ran, String> {
    let out_path = scratch.join(format!("{tag}.out"));
    let err_path = scratch.join(format!("{tag}.err"));
    let out = File::create(&out_path).map_err(|e| format!("cannot create {}: {e}", out_path.display()))?;
    let err = File::create(&err_path).map_err(|e| format!("cannot create {}: {e}", err_path.display()))?;
    let input = match stdin {
        Some(p) => Stdio::from(File::open(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?),
        None => Stdio::null(),
    };
    cmd.stdin(input).stdout(Stdio::from(out)).stderr(Stdio::from(err));
    let program = cmd.get_program().to_string_lossy().into_owned();
    let started = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("cannot run {program}: {e}"))?;
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) => {}
            Err(e) => return Err(format!("cannot wait for {program}: {e}")),
        }
        if started.elapsed() > limit {
            timed_out = true;
            let _ = child.kill();
            break child.wait().ok();
        }
        std::thread::sleep(Duration::from_micros(200));
    };
    let wall = started.elapsed();
    let stdout = if keep_stdout {
        std::fs::read(&out_path).unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    if stderr.len() > 4096 {
        let mut cut = 4096;
        while !stderr.is_char_boundary(cut) {
            cut -= 1;
        }
        stderr.truncate(cut);
    }
    Ok(Ran {
        status,
        wall,
        timed_out,
        stdout,
        stderr,
    })
}

/// The full path of `program` on PATH (or as given, when it holds a slash).
pub fn which(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        let p = PathBuf::from(program);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// `s` as one `sh` word.
pub fn sh_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The machine: CPU count, CPU model, load average.
pub struct Machine {
    pub cpus: usize,
    pub model: String,
    pub load: String,
}

pub fn machine() -> Machine {
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    Machine {
        cpus,
        model,
        load: load_average(),
    }
}

/// The 1, 5 and 15 minute load averages, as /proc/loadavg gives them.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

/// Removes a database file with its WAL and shared-memory files.
pub fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

/// Formats an optional number with `digits` decimals, or "n/a".
pub fn num(x: Option<f64>, digits: usize) -> String {
    match x {
        Some(v) => format!("{v:.digits$}"),
        None => "n/a".into(),
    }
}

/// An option's number, when it is in `range`; else `wrong`, the message that says
/// what the option needs.
pub fn number<T>(text: String, range: std::ops::RangeInclusive<T>, wrong: &str) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd,
{
    text.parse()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| wrong.to_string())
}

/// A benchmark's `main`: runs only under `cargo bench` (which passes `--bench`;
/// `cargo test --benches` does not: a benchmark takes minutes and is not a test),
/// reads its options with `parse` (an empty error asks for the usage), runs it.
pub fn bench_main<O>(
    name: &str,
    args: &[String],
    usage: &str,
    parse: impl FnOnce(&[String]) -> Result<O, String>,
    run: impl FnOnce(&O) -> Result<(), String>,
) -> std::process::ExitCode {
    use std::process::ExitCode;
    if !args.iter().any(|a| a == "--bench") {
        println!("{name} benchmark: not run (run it with `cargo bench --bench {name}`)");
        return ExitCode::SUCCESS;
    }
    let opts = match parse(args) {
        Ok(o) => o,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("bench: {e}");
            }
            eprintln!("{usage}");
            return if e.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}
