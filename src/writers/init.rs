//! `yardtop init`: a new, empty yard database; `init --existing`: yardtop's indexes
//! added to a contract database another system created, without changing a row.

use rusqlite::Connection;

use crate::cli::InitArgs;
use crate::ctx::Ctx;
use crate::db::{self, settings::DEFAULTS};
use crate::error::{db_error, Result, UserError};

pub fn run(ctx: &Ctx, args: &InitArgs) -> Result<()> {
    if args.existing {
        return existing(ctx);
    }
    if let Some(l) = &args.locode {
        crate::writers::validate::locode(l)
            .map_err(|why| UserError::usage(format!("--locode {l:?}: {why}")))?;
    }
    let tz = ctx.tz;
    let conn = crate::writers::open::create_new(&ctx.db)?;
    write_settings(
        &conn,
        args.port_name.as_deref(),
        args.locode.as_deref(),
        tz.map(|t| t.name()),
    )
    .map_err(|e| db_error(&ctx.db, &e))?;
    println!(
        "created yard database {} (schema version {})",
        ctx.db.display(),
        db::SCHEMA_VERSION
    );
    Ok(())
}

/// Fills `settings` with the given port identity and the defaults of SPEC §2.
pub fn write_settings(
    conn: &Connection,
    port_name: Option<&str>,
    locode: Option<&str>,
    tz: Option<&str>,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare("INSERT OR REPLACE INTO settings(key, value) VALUES (?1, ?2)")?;
    for (key, default) in DEFAULTS {
        let value = match key {
            "port_name" => port_name.unwrap_or(default),
            "port_locode" => locode.unwrap_or(default),
            "timezone" => tz.unwrap_or(default),
            _ => default,
        };
        stmt.execute([key, value])?;
    }
    Ok(())
}

fn existing(ctx: &Ctx) -> Result<()> {
    let conn = crate::writers::open::open_writer(&ctx.db)?;
    // One transaction: the summaries are filled from the rows as they are at this
    // instant, and the triggers keep them right from the next write on.
    let sql = format!(
        "BEGIN IMMEDIATE; {} {} {} COMMIT;",
        db::SCHEMA_SQL,
        db::SUMMARIES_SQL,
        db::summary::backfill_sql()
    );
    if let Err(e) = conn.execute_batch(&sql) {
        let _ = conn.execute_batch("ROLLBACK");
        return Err(db_error(&ctx.db, &e));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| db_error(&ctx.db, &e))?;
    if version == 0 {
        conn.pragma_update(None, "user_version", db::SCHEMA_VERSION)
            .map_err(|e| db_error(&ctx.db, &e))?;
    }
    println!(
        "added yardtop's indexes to {}; no row was changed",
        ctx.db.display()
    );
    Ok(())
}
