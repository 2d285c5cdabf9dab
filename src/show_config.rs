//! `yardtop config`: the effective configuration and where each value came from, or
//! (`--default`) the commented default file.

use crate::config::{default_path, Source, DEFAULT_CONFIG};
use crate::ctx::{terminal_speaks_unicode, Ctx};
use crate::error::Result;

/// `yardtop config`: the effective configuration and where each value came from;
/// `--default`: the commented default file.
pub fn print(ctx: &Ctx, default: bool) -> Result<()> {
    if default {
        print!("{DEFAULT_CONFIG}");
        return Ok(());
    }
    let file_src = |set: bool| if set { Source::File } else { Source::Default };
    let file_text = ctx
        .config_path
        .as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    let in_file = |key: &str| file_text.lines().any(|l| l.trim_start().starts_with(key));
    match &ctx.config_path {
        Some(p) => println!("# config file: {}", p.display()),
        None => println!(
            "# config file: none found (looked for {})",
            default_path()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "$XDG_CONFIG_HOME/yardtop/config.toml".into())
        ),
    }
    if ctx.yards.len() > 1 {
        println!(
            "# a group of {} yards  # {}",
            ctx.yards.len(),
            ctx.db_source.as_str()
        );
        for y in &ctx.yards {
            println!(
                "[[yards]]\nname = {:?}\ndb = {:?}",
                y.name,
                y.path.display().to_string()
            );
        }
    } else {
        println!(
            "db = {:?}  # {}",
            ctx.db.display().to_string(),
            ctx.db_source.as_str()
        );
    }
    let theme_src = if ctx.no_color {
        Source::Flag
    } else {
        file_src(in_file("theme"))
    };
    let theme = if ctx.no_color {
        "mono"
    } else {
        ctx.config.theme.as_str()
    };
    println!("theme = {theme:?}  # {}", theme_src.as_str());
    println!(
        "refresh_ms = {}  # {}",
        ctx.config.refresh_ms,
        file_src(in_file("refresh_ms")).as_str()
    );
    println!(
        "clock_24h = {}  # {}",
        ctx.config.clock_24h,
        file_src(in_file("clock_24h")).as_str()
    );
    let ascii_src = if !ctx.ascii {
        Source::Default
    } else if ctx.config.ascii {
        Source::File
    } else if !terminal_speaks_unicode() {
        Source::Terminal
    } else {
        Source::Flag
    };
    println!("ascii = {}  # {}", ctx.ascii, ascii_src.as_str());
    if !ctx.config.keys.is_empty() {
        println!("[keys]  # config file");
        for (k, v) in &ctx.config.keys {
            println!("{k} = {v:?}");
        }
    }
    Ok(())
}
