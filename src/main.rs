//! yardtop: the live dashboard of a vehicle export yard. See README.md and SPEC.
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
            // stderr may be a closed pipe (`yardtop import … 2>&1 | head -1`).
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "yardtop: {e}");
            ExitCode::from(e.code as u8)
        }
    }
}
