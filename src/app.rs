//! Runs one command of SPEC §1: resolves the global options into a `Ctx` and hands
//! it to the command.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::cli::{Cli, Command};
use crate::config::{self, Config, Source};
use crate::error::{Result, UserError};

/// What every command gets from the global options.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub db: PathBuf,
    pub db_source: Source,
    /// Was --db (or $YARDTOP_DB) given explicitly?
    pub db_explicit: bool,
    pub now: Option<DateTime<Utc>>,
    pub tz: Option<Tz>,
    pub no_color: bool,
    pub ascii: bool,
    pub config: Config,
    pub config_path: Option<PathBuf>,
    pub log_file: Option<PathBuf>,
}

impl Ctx {
    /// The instant figures are computed as of: --now, or the real clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(Utc::now)
    }
}

pub fn build_ctx(cli: &Cli) -> Result<Ctx> {
    let g = &cli.global;
    let (config, config_path) = config::load(g.config.as_deref())?;
    let env_db = std::env::var_os("YARDTOP_DB").filter(|v| !v.is_empty());
    let (db, db_source) = match (&g.db, &config.db) {
        (Some(p), _) if env_db.as_deref() == Some(p.as_os_str()) => (p.clone(), Source::Environment),
        (Some(p), _) => (p.clone(), Source::Flag),
        (None, Some(p)) => (p.clone(), Source::File),
        (None, None) => (PathBuf::from("yard.db"), Source::Default),
    };
    let now = crate::time::parse_now(g.now.as_deref())?;
    let tz = match &g.tz {
        Some(name) => Some(crate::time::parse_tz_arg("--tz", name)?),
        None => None,
    };
    let no_color = g.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Ok(Ctx {
        db_explicit: g.db.is_some(),
        db,
        db_source,
        now,
        tz,
        no_color,
        ascii: g.ascii || config.ascii || !terminal_speaks_unicode(),
        config,
        config_path,
        log_file: g.log_file.clone(),
    })
}

/// Runs the command; returns the exit code for a run that went as designed.
pub fn run(cli: Cli) -> Result<i32> {
    let ctx = build_ctx(&cli)?;
    // Long-running and writing commands keep a log; printing ones need none.
    let _log = match &cli.command {
        None | Some(Command::Demo(_)) | Some(Command::Simulate(_)) | Some(Command::Import(_)) => {
            Some(crate::logging::init(&ctx)?)
        }
        _ => None,
    };
    tracing::info!(command = ?cli.command.as_ref().map(command_name), db = %ctx.db.display(), "start");
    match cli.command {
        None => crate::ui::run_dashboard(&ctx, false).map(|_| 0),
        Some(Command::Init(args)) => crate::writers::init::run(&ctx, &args).map(|_| 0),
        Some(Command::Import(args)) => crate::writers::import::run(&ctx, &args),
        Some(Command::Demo(args)) => crate::writers::demo::run(&ctx, &args).map(|_| 0),
        Some(Command::Simulate(args)) => crate::writers::simulate::run(&ctx, &args).map(|_| 0),
        Some(Command::Snapshot(args)) => crate::snapshot::run(&ctx, &args).map(|_| 0),
        Some(Command::Check) => crate::check::run(&ctx),
        Some(Command::Config(args)) => crate::config::print(&ctx, args.default).map(|_| 0),
        Some(Command::Completions(args)) => {
            crate::completions::print(args.shell, <Cli as clap::CommandFactory>::command()).map_err(|e| {
                UserError::problem(format!(
                    "cannot write the completion script: {}",
                    crate::error::io_reason(&e)
                ))
            })?;
            Ok(0)
        }
        Some(Command::Man) => {
            crate::man::print(&<Cli as clap::CommandFactory>::command()).map_err(|e| {
                UserError::problem(format!(
                    "cannot write the man page: {}",
                    crate::error::io_reason(&e)
                ))
            })?;
            Ok(0)
        }
    }
}

fn command_name(c: &Command) -> &'static str {
    match c {
        Command::Demo(_) => "demo",
        Command::Init(_) => "init",
        Command::Import(_) => "import",
        Command::Simulate(_) => "simulate",
        Command::Snapshot(_) => "snapshot",
        Command::Check => "check",
        Command::Config(_) => "config",
        Command::Completions(_) => "completions",
        Command::Man => "man",
    }
}

/// Can the terminal draw box-drawing and block glyphs? Not when the locale says a
/// character set other than UTF-8 (`LANG=C`, `en_US.ISO-8859-1`), nor on terminals
/// that predate Unicode (vt100, vt220, dumb). An unset locale says nothing: the
/// glyphs stay.
pub fn terminal_speaks_unicode() -> bool {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty());
    let utf8_locale = locale.is_none_or(|l| {
        let l = l.to_ascii_lowercase();
        l.contains("utf-8") || l.contains("utf8")
    });
    let term = std::env::var("TERM").unwrap_or_default();
    let old_term = term == "dumb" || term.starts_with("vt1") || term.starts_with("vt2");
    utf8_locale && !old_term
}
