//! The log: a file under `$XDG_STATE_HOME/yardtop/` (or `--log-file`), never the
//! terminal the dashboard draws on. The level comes from `YARDTOP_LOG` (e.g. `debug`,
//! or a filter like `yardtop=debug`); the refresh loop logs its timings at debug.

use std::fs::OpenOptions;
use std::path::PathBuf;

use tracing_subscriber::EnvFilter;

use crate::app::Ctx;
use crate::error::{io_reason, Result, UserError};

/// Keeps the background log writer alive; dropping it flushes the log.
pub struct LogGuard(#[allow(dead_code)] Option<tracing_appender::non_blocking::WorkerGuard>);

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
    let file = match OpenOptions::new().create(true).append(true).open(&path) {
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
