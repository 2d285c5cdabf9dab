//! yardtop as a library: the binary is a thin shell over it, and the tests use it.
#![forbid(unsafe_code)]

// The reading core, re-exported under its old paths (`yardtop::db`, `crate::figures`).
pub use yardtop_core::{db, error, figures, model, sanitize, time, validate};
// The writers, apart: nothing of the dashboard or the snapshots can reach them but
// the commands that write (`app`).
pub use yardtop_writers as writers;

pub mod app;
pub mod check;
pub mod cli;
pub mod completions;
pub mod config;
pub mod ctx;
pub mod logging;
pub mod man;
pub mod show_config;
pub mod snapshot;
pub mod ui;

/// A panic must never show a backtrace to a supervisor: print one sentence instead.
/// (The dashboard also restores the terminal first; see `ui::terminal`.)
///
/// Rust ignores SIGPIPE, so `print!` into a closed pipe (`yardtop snapshot | head -1`)
/// panics with "failed printing to stdout: Broken pipe". That is not an internal error:
/// the reader went away, so the command ends quietly with 141, the status a shell shows
/// for a command killed by SIGPIPE. Nothing is half-written: an open write transaction
/// is never committed, and SQLite rolls it back.
pub fn sanitize_panics() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        if is_closed_pipe(&what) {
            std::process::exit(EXIT_CLOSED_PIPE);
        }
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        // stderr may be the closed pipe itself: a failed write must not panic again
        // (a panic inside the hook aborts with 134).
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "yardtop: internal error ({what}{place}); please report it with the command you ran"
        );
    }));
}

pub use yardtop_core::error::EXIT_CLOSED_PIPE;

/// Is this panic message the standard library's report of a write into a closed pipe?
pub fn is_closed_pipe(message: &str) -> bool {
    message.starts_with("failed printing to") && message.contains("Broken pipe")
}
