//! yardtop: the live dashboard of a vehicle export yard. See README.md and docs/.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    yardtop::sanitize_panics();
    let cli = match yardtop::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout with exit 0, usage errors with 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match yardtop::app::run(cli) {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            // A terminal that is not UTF-8 reads UTF-8's bytes 0x80-0x9F as C1
            // controls: the message (which may quote database text or a path) goes
            // out in ASCII there (docs/terminals.md).
            let ascii = !yardtop::ctx::terminal_speaks_unicode()
                || std::env::args_os().any(|a| a == "--ascii")
                || std::env::var_os("YARDTOP_ASCII").is_some_and(|v| !v.is_empty());
            let message = format!("yardtop: {e}");
            let message = if ascii {
                yardtop::sanitize::ascii(&message)
            } else {
                message
            };
            // stderr may be a closed pipe (`yardtop import … 2>&1 | head -1`).
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "{message}");
            ExitCode::from(e.code as u8)
        }
    }
}
