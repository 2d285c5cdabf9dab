//! yardtop as a library: the binary is a thin shell over it, and the tests use it.
#![forbid(unsafe_code)]

pub mod app;
pub mod check;
pub mod cli;
pub mod completions;
pub mod config;
pub mod db;
pub mod error;
pub mod figures;
pub mod logging;
pub mod man;
pub mod model;
pub mod sanitize;
pub mod snapshot;
pub mod time;
pub mod ui;
pub mod writers;

/// A panic must never show a backtrace to a supervisor: print one sentence instead.
/// (The dashboard also restores the terminal first; see `ui::terminal`.)
pub fn sanitize_panics() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("yardtop: internal error ({what}{place}); please report it with the command you ran");
    }));
}
