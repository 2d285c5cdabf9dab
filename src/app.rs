//! The dispatcher: resolves the global options into a `Ctx` (see `ctx`) and hands it
//! to the command the user asked for.

use crate::cli::{Cli, Command};
use crate::ctx::{build_ctx, Ctx};
use crate::error::{Result, UserError};

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
        Some(Command::Init(args)) => crate::writers::init::run(&ctx.for_writers(), &args).map(|_| 0),
        Some(Command::Import(args)) => crate::writers::import::run(&ctx.for_writers(), &args),
        Some(Command::Demo(args)) => demo(&ctx, &args).map(|_| 0),
        Some(Command::Simulate(args)) => crate::writers::simulate::run(&ctx.for_writers(), &args).map(|_| 0),
        Some(Command::Snapshot(args)) if ctx.yards.len() > 1 => crate::snapshot::group::run(&ctx, &args),
        Some(Command::Snapshot(args)) => crate::snapshot::run(&ctx, &args).map(|_| 0),
        Some(Command::Check) if ctx.yards.len() > 1 => check_group(&ctx),
        Some(Command::Check) => crate::check::run(&ctx),
        Some(Command::Config(args)) => crate::show_config::print(&ctx, args.default).map(|_| 0),
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

/// `yardtop demo`: the writers build the yard; the dashboard opens on it, with the
/// live simulator writing beside it unless the story's clock is frozen.
fn demo(ctx: &Ctx, args: &crate::cli::DemoArgs) -> Result<()> {
    let Some(built) = crate::writers::demo::run(&ctx.for_writers(), args)? else {
        return Ok(());
    };
    let mut dash = ctx.with_db(&built.path);
    dash.db_explicit = true;
    dash.now = built.frozen;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sim = match built.live {
        true => Some(crate::writers::demo::start_live(&built, &stop)?),
        false => None,
    };
    let shown = crate::ui::run_dashboard(&dash, true);
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    if let Some(handle) = sim {
        use std::io::Write;
        let said = match handle.join() {
            Ok(Err(e)) if shown.is_ok() => Some(format!("the live simulator stopped: {e}")),
            Err(_) if shown.is_ok() => Some("the live simulator stopped unexpectedly".to_string()),
            _ => None,
        };
        if let Some(said) = said {
            let _ = writeln!(std::io::stderr(), "yardtop: {said}");
        }
    }
    shown
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
        let mut one = ctx.with_db(&y.path);
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
