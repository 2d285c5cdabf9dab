//! Runs one command of SPEC §1: resolves the global options into a `Ctx` and hands
//! it to the command.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::cli::{Cli, Command};
use crate::config::{self, Config, Source};
use crate::error::{Result, UserError};

/// One yard of a group: a name for the screen and its database (a terminal's own, or
/// a replica followed by Litestream).
#[derive(Debug, Clone, PartialEq)]
pub struct YardRef {
    pub name: String,
    pub path: PathBuf,
}

impl YardRef {
    /// A yard known only by its path: named after the file (`haitian.db` → haitian).
    pub fn from_path(path: &std::path::Path) -> YardRef {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| path.display().to_string());
        YardRef {
            name,
            path: path.to_path_buf(),
        }
    }
}

/// What every command gets from the global options.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The yard database (the first yard of a group).
    pub db: PathBuf,
    /// Every yard named: one for the usual single-yard commands, several for the
    /// group view.
    pub yards: Vec<YardRef>,
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
    let (yards, db_source) = match (g.db.as_slice(), &config.db) {
        ([p], _) if env_db.as_deref() == Some(p.as_os_str()) => {
            (vec![YardRef::from_path(p)], Source::Environment)
        }
        ([], _) if !config.yards.is_empty() => (
            config
                .yards
                .iter()
                .map(|y| match &y.name {
                    Some(name) if !name.trim().is_empty() => YardRef {
                        name: name.clone(),
                        path: y.db.clone(),
                    },
                    _ => YardRef::from_path(&y.db),
                })
                .collect(),
            Source::File,
        ),
        ([], Some(p)) => (vec![YardRef::from_path(p)], Source::File),
        ([], None) => (
            vec![YardRef::from_path(std::path::Path::new("yard.db"))],
            Source::Default,
        ),
        (many, _) => (many.iter().map(|p| YardRef::from_path(p)).collect(), Source::Flag),
    };
    let yards = distinct_names(yards);
    let db = yards
        .first()
        .map(|y| y.path.clone())
        .unwrap_or_else(|| PathBuf::from("yard.db"));
    let now = crate::time::parse_now(g.now.as_deref())?;
    let tz = match &g.tz {
        Some(name) => Some(crate::time::parse_tz_arg("--tz", name)?),
        None => None,
    };
    let no_color = g.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Ok(Ctx {
        db_explicit: !g.db.is_empty(),
        db,
        yards,
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

/// Two yards named alike (`a/yard.db`, `b/yard.db`) get their folder added, so
/// that every row of the group view says which it is.
fn distinct_names(mut yards: Vec<YardRef>) -> Vec<YardRef> {
    let names: Vec<String> = yards.iter().map(|y| y.name.clone()).collect();
    for y in yards.iter_mut() {
        if names.iter().filter(|n| **n == y.name).count() > 1 {
            y.name = y.path.display().to_string();
        }
    }
    yards
}

/// Runs the command; returns the exit code for a run that went as designed.
pub fn run(cli: Cli) -> Result<i32> {
    let ctx = build_ctx(&cli)?;
    if ctx.yards.len() > 1 {
        if let Some(cmd) = cli.command.as_ref().filter(|c| {
            matches!(
                c,
                Command::Init(_) | Command::Import(_) | Command::Demo(_) | Command::Simulate(_)
            )
        }) {
            return Err(UserError::usage(format!(
                "`yardtop {}` works on one yard database; give one --db (several are for the \
                 dashboard, snapshot and check of a group)",
                command_name(cmd)
            )));
        }
    }
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
        Some(Command::Snapshot(args)) if ctx.yards.len() > 1 => crate::snapshot::group::run(&ctx, &args),
        Some(Command::Snapshot(args)) => crate::snapshot::run(&ctx, &args).map(|_| 0),
        Some(Command::Check) if ctx.yards.len() > 1 => check_group(&ctx),
        Some(Command::Check) => crate::check::run(&ctx),
        Some(Command::Config(args)) => crate::config::print(&ctx, args.default).map(|_| 0),
        Some(Command::Completions(args)) => {
            crate::completions::print(args.shell, <Cli as clap::CommandFactory>::command())
                .map_err(|e| crate::error::output_error("the completion script", &e))?;
            Ok(0)
        }
        Some(Command::Man) => {
            crate::man::print(&<Cli as clap::CommandFactory>::command())
                .map_err(|e| crate::error::output_error("the man page", &e))?;
            Ok(0)
        }
    }
}

/// `check` of every yard of a group, one after the other; the exit code is the worst
/// (2 when any yard cannot be read, else 1 when any has problems).
fn check_group(ctx: &Ctx) -> Result<i32> {
    let mut worst = 0;
    for (i, y) in ctx.yards.iter().enumerate() {
        if i > 0 {
            println!();
        }
        println!("== {} ==", crate::sanitize::clean(&y.name));
        let mut one = ctx.clone();
        one.db = y.path.clone();
        one.yards = vec![y.clone()];
        let code = match crate::check::run(&one) {
            Ok(c) => c,
            Err(e) => {
                println!("yardtop: {e}");
                e.code
            }
        };
        worst = worst.max(code);
    }
    Ok(worst)
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
