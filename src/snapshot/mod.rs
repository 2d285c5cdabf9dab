//! `yardtop snapshot`: what the dashboard shows, without a terminal UI. Every
//! format renders the same `Figures`; `csv` lists every subject of one alert.

pub mod csv;
pub mod group;
pub mod json;
pub mod prometheus;

use std::io::Write;

use crate::cli::{SnapshotArgs, SnapshotFormat};
use crate::ctx::Ctx;
use crate::error::{db_error, io_reason, Result, UserError};
use crate::figures::{self, Figures};

/// Reads the figures once from `--db` as of `--now`.
pub fn read_figures(ctx: &Ctx) -> Result<Figures> {
    let conn = crate::db::open_read_only(&ctx.db)?;
    figures::compute(&conn, ctx.now()).map_err(|e| db_error(&ctx.db, &e))
}

pub fn run(ctx: &Ctx, args: &SnapshotArgs) -> Result<()> {
    if args.format == SnapshotFormat::Csv {
        return csv::run(ctx, args.alert.as_deref());
    }
    if args.alert.is_some() {
        return Err(UserError::usage(
            "--alert picks the alert whose subjects --format csv lists: add --format csv",
        ));
    }
    let text = match args.format {
        SnapshotFormat::Csv => String::new(),
        SnapshotFormat::Json if ctx.ascii => json::to_ascii(&json::render(&read_figures(ctx)?)),
        SnapshotFormat::Json => json::render(&read_figures(ctx)?),
        SnapshotFormat::Prometheus => {
            prometheus::render(&read_figures(ctx)?, prometheus::last_change(&ctx.db))
        }
        SnapshotFormat::Text => text(ctx, args.width, args.height)?,
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .or_else(|e| {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                Ok(())
            } else {
                Err(e)
            }
        })
        .map_err(|e| UserError::problem(format!("cannot write the snapshot: {}", io_reason(&e))))
}

fn text(ctx: &Ctx, width: u16, height: u16) -> Result<String> {
    if width < 20 || height < 5 {
        return Err(UserError::usage(format!(
            "--width {width} --height {height} is too small for a screen; use at least 20×5 (the dashboard needs 80×24)"
        )));
    }
    let conn = crate::db::open_read_only(&ctx.db)?;
    let now = ctx.now();
    let data = crate::ui::load_dash_data(&conn, now).map_err(|e| db_error(&ctx.db, &e))?;
    let opts = crate::ui::RenderOptions::from_ctx(ctx, now);
    Ok(crate::ui::render_text(&data, width, height, &opts))
}
