//! `yardtop init`: a new, empty yard database; `init --existing`: yardtop's indexes
//! added to a contract database another system created, and what an earlier version
//! added (triggers, the tables only they kept, indexes that no longer earn their
//! place) removed, without changing a row of the contract's tables.

use rusqlite::Connection;

use crate::args::InitArgs;
use crate::ctx::Ctx;
use crate::db::{self, additions, settings::DEFAULTS};
use crate::error::{db_error, Result, UserError};

pub fn run(ctx: &Ctx, args: &InitArgs) -> Result<()> {
    if args.existing {
        return existing(ctx);
    }
    if let Some(l) = &args.locode {
        crate::validate::locode(l).map_err(|why| UserError::usage(format!("--locode {l:?}: {why}")))?;
    }
    let tz = ctx.tz;
    let conn = crate::open::create_new(&ctx.db)?;
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

/// Fills `settings` with the given port identity and the contract's defaults.
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
    let conn = crate::open::open_writer(&ctx.db)?;
    let fail = |e: &rusqlite::Error| db_error(&ctx.db, e);
    // Planned and carried out in one write transaction, so that what is removed is
    // what was seen.
    conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| fail(&e))?;
    let done = additions::plan(&conn).and_then(|plan| {
        conn.execute_batch(&additions::apply_sql(&plan))?;
        Ok(plan)
    });
    let plan = match done.and_then(|p| conn.execute_batch("COMMIT").map(|_| p)) {
        Ok(p) => p,
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(fail(&e));
        }
    };
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| fail(&e))?;
    if version == 0 {
        conn.pragma_update(None, "user_version", db::SCHEMA_VERSION)
            .map_err(|e| fail(&e))?;
    }
    let shown = crate::sanitize::clean(&ctx.db.display().to_string());
    for what in plan.leftovers() {
        println!("removed {what} (added by an earlier yardtop)");
    }
    for index in &plan.add {
        println!(
            "added index {} on {}({})",
            index.name,
            index.table,
            index.columns.join(", ")
        );
    }
    if plan.add.is_empty() && plan.leftovers().is_empty() {
        println!("{shown} already has what yardtop needs; nothing to do");
    }
    println!("no row of {shown} was changed; yardtop adds no triggers and no tables");
    if !db::additions::events_id_is_key(&conn).unwrap_or(true) {
        println!(
            "note: events.id is no longer the table's INTEGER PRIMARY KEY (a tool recreated the table); yardtop orders events by rowid and never rewrites another system's table: `yardtop check` says more"
        );
    }
    Ok(())
}
