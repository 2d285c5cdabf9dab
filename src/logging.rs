//! The log: a file under `$XDG_STATE_HOME/yardtop/` (or `--log-file`), never the
//! terminal the dashboard draws on. The level comes from `YARDTOP_LOG` (e.g. `debug`,
//! or a filter like `yardtop=debug`); the refresh loop logs its timings at debug.
//!
//! The file is capped: past `MAX_BYTES` it is renamed `yardtop.log.1` (the older
//! ones shift to `.2`, ... and the oldest beyond `KEEP` is deleted), so one user's
//! logs never take more than (KEEP + 1) × MAX_BYTES = 16 MiB (docs/terminals.md).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Largest size of the log file before it is rotated.
pub const MAX_BYTES: u64 = 4 * 1024 * 1024;
/// Rotated files kept beside it.
pub const KEEP: usize = 3;

/// A log file that rotates itself when it would grow past `max` bytes.
pub struct CappedFile {
    path: PathBuf,
    file: File,
    size: u64,
    max: u64,
    keep: usize,
}

impl CappedFile {
    pub fn open(path: &Path, max: u64, keep: usize) -> io::Result<CappedFile> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let size = file.metadata()?.len();
        Ok(CappedFile {
            path: path.to_path_buf(),
            file,
            size,
            max,
            keep,
        })
    }

    fn rotated(&self, n: usize) -> PathBuf {
        let mut p = self.path.as_os_str().to_owned();
        p.push(format!(".{n}"));
        p.into()
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.file.flush()?;
        // Another dashboard of the same user may have rotated it already: a
        // missing file is no error.
        let _ = std::fs::remove_file(self.rotated(self.keep));
        for n in (1..self.keep).rev() {
            let _ = std::fs::rename(self.rotated(n), self.rotated(n + 1));
        }
        if self.keep > 0 {
            let _ = std::fs::rename(&self.path, self.rotated(1));
        } else {
            let _ = std::fs::remove_file(&self.path);
        }
        self.file = OpenOptions::new().create(true).append(true).open(&self.path)?;
        self.size = self.file.metadata()?.len();
        Ok(())
    }
}

impl Write for CappedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.size > 0 && self.size + buf.len() as u64 > self.max {
            self.rotate()?;
        }
        let n = self.file.write(buf)?;
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

use tracing_subscriber::EnvFilter;

use crate::ctx::Ctx;
use crate::error::{io_reason, Result, UserError};

/// Keeps the background log writer alive; dropping it flushes the log.
pub struct LogGuard(
    #[expect(dead_code, reason = "held, never read: dropping it flushes the log")]
    Option<tracing_appender::non_blocking::WorkerGuard>,
);

/// The default log file.
pub fn default_path() -> Option<PathBuf> {
    dirs::state_dir().map(|d| d.join("yardtop").join("yardtop.log"))
}

/// Starts logging. A log file given with --log-file must be writable; the default
/// one is best effort (a dashboard never fails for want of a log).
pub fn init(ctx: &Ctx) -> Result<LogGuard> {
    let (path, explicit) = match &ctx.log_file {
        Some(p) => (p.clone(), true),
        None => match default_path() {
            Some(p) => (p, false),
            None => return Ok(LogGuard(None)),
        },
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Err(e) = std::fs::create_dir_all(dir) {
            return fail(
                explicit,
                format!(
                    "cannot create the log folder {}: {}",
                    dir.display(),
                    io_reason(&e)
                ),
            );
        }
    }
    let file = match CappedFile::open(&path, MAX_BYTES, KEEP) {
        Ok(f) => f,
        Err(e) => {
            return fail(
                explicit,
                format!("cannot write the log file {}: {}", path.display(), io_reason(&e)),
            )
        }
    };
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = EnvFilter::try_from_env("YARDTOP_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let installed = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .with_target(false)
        .try_init()
        .is_ok();
    Ok(LogGuard(installed.then_some(guard)))
}

fn fail(explicit: bool, message: String) -> Result<LogGuard> {
    if explicit {
        Err(UserError::problem(format!(
            "{message}; choose another --log-file"
        )))
    } else {
        Ok(LogGuard(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_rotates_and_keeps_a_bounded_number_of_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("yardtop.log");
        let mut f = CappedFile::open(&path, 1000, 2).unwrap();
        let line = [b'x'; 99];
        for _ in 0..100 {
            f.write_all(&line).unwrap();
            f.write_all(b"\n").unwrap();
        }
        f.flush().unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["yardtop.log", "yardtop.log.1", "yardtop.log.2"]);
        for n in &names {
            let len = std::fs::metadata(dir.path().join(n)).unwrap().len();
            assert!(len <= 1000, "{n}: {len} bytes");
        }
        // Whole lines: a rotation happens between writes, and tracing writes a
        // line at a time.
        let last = std::fs::read_to_string(&path).unwrap();
        assert!(last.ends_with('\n') && last.len() % 100 == 0, "{}", last.len());
        // Reopened, it goes on from the file's size.
        drop(f);
        let f = CappedFile::open(&path, 1000, 2).unwrap();
        assert_eq!(f.size, last.len() as u64);
    }
}
