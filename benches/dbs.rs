//! The benchmark's databases: the port-scale and small demos (built with the release
//! binary, or reused), and a 100-vehicle database for the scrolling comparison.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rusqlite::{params, Connection};

use crate::util;

/// A yard database the benchmark measures.
pub struct Db {
    pub path: PathBuf,
    /// yardtop's indexes are all there (and nothing an earlier version left).
    pub summaries: bool,
    pub vehicles: i64,
    pub events: i64,
    pub in_yard: i64,
    pub blocks: i64,
    pub pending: i64,
    /// How it came to be: "built in 68 s", "reused".
    pub origin: String,
}

/// Makes sure the demo of `scale` and `seed` as of `now` is at `path`: reuses it
/// when it is there with yardtop's summaries, builds it otherwise. A database the
/// benchmark owns (`own`: its default path) is rebuilt when it lacks the
/// summaries (an older build); a database the user named is used as it is.
pub fn ensure_demo(
    bin: &Path,
    path: &Path,
    scale: &str,
    seed: u64,
    now: &str,
    own: bool,
    scratch: &Path,
) -> Result<Db, String> {
    if path.exists() {
        match inspect(path) {
            Ok(true) => return describe(path, "reused".into()),
            Ok(false) if !own => {
                return describe(path, "reused (no yardtop summaries: slow path)".into());
            }
            Ok(false) => eprintln!(
                "bench: {} lacks yardtop's current summaries (an older build); rebuilding it",
                path.display()
            ),
            Err(e) if !own => return Err(e),
            Err(e) => eprintln!("bench: {} cannot be used ({e}); rebuilding it", path.display()),
        }
        util::remove_db(path);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    // Built under another name and renamed when complete: an interrupted build never
    // leaves a half database at the path the next run would reuse.
    let mut partial = path.as_os_str().to_owned();
    partial.push(".building");
    let partial = PathBuf::from(partial);
    util::remove_db(&partial);
    let limit = if scale == "small" {
        Duration::from_secs(600)
    } else {
        Duration::from_secs(3600)
    };
    eprintln!(
        "bench: building the {scale} demo at {} (yardtop demo --no-tui --scale {scale} --seed {seed} --now {now}){}",
        path.display(),
        if scale == "small" {
            ""
        } else {
            "; about 1-3 minutes"
        }
    );
    let mut cmd = Command::new(bin);
    cmd.args(["demo", "--no-tui", "--scale", scale, "--seed"])
        .arg(seed.to_string())
        .args(["--now", now, "--db"])
        .arg(&partial);
    let ran = util::run(&mut cmd, limit, None, scratch, &format!("demo-{scale}"), false)?;
    if !ran.ok() {
        util::remove_db(&partial);
        return Err(format!("yardtop demo --scale {scale} failed: {}", ran.why()));
    }
    std::fs::rename(&partial, path)
        .map_err(|e| format!("cannot rename {} to {}: {e}", partial.display(), path.display()))?;
    describe(path, format!("built in {:.0} s", ran.wall.as_secs_f64()))
}

/// Does the (readable) yard database at `path` have yardtop's summaries?
fn inspect(path: &Path) -> Result<bool, String> {
    let conn = yardtop::db::open_read_only(path).map_err(|e| e.to_string())?;
    Ok(!yardtop::db::lacks_yardtop_indexes(&conn))
}

fn describe(path: &Path, origin: String) -> Result<Db, String> {
    let conn = yardtop::db::open_read_only(path).map_err(|e| e.to_string())?;
    let count = |sql: &str| -> Result<i64, String> {
        conn.query_row(sql, [], |r| r.get(0))
            .map_err(|e| format!("{}: {sql}: {e}", path.display()))
    };
    Ok(Db {
        path: path.to_path_buf(),
        summaries: !yardtop::db::lacks_yardtop_indexes(&conn),
        vehicles: count("SELECT count(*) FROM vehicles")?,
        events: count("SELECT count(*) FROM events")?,
        in_yard: count(
            "SELECT count(*) FROM vehicles WHERE status IN ('gated_in','parked','hold','staged')",
        )?,
        blocks: count("SELECT count(*) FROM yard_blocks")?,
        pending: count("SELECT count(*) FROM consignments WHERE status IN ('open','loading')")?,
        origin,
    })
}

/// A fresh database with 100 vehicles of `source` (all in consignment 1), for the
/// "scrolls as fast as a 100-row list" comparison.
pub fn hundred(source: &Path, path: &Path) -> Result<PathBuf, String> {
    util::remove_db(path);
    let err = |e: rusqlite::Error| format!("{}: {e}", path.display());
    let src = yardtop::db::open_read_only(source).map_err(|e| e.to_string())?;
    let conn = yardtop::writers::open::create_new(path).map_err(|e| e.to_string())?;
    conn.execute(
        "INSERT INTO consignments(id, ref, status) VALUES (1, 'BENCH-100', 'open')",
        [],
    )
    .map_err(err)?;
    let mut read = src
        .prepare(
            "SELECT vin, make, model, powertrain, soc_pct, soc_checked_at, status, hold_reason, \
             block, row, slot, gate_in_at, loaded_at, updated_at FROM vehicles LIMIT 100",
        )
        .map_err(err)?;
    let rows: Vec<Vec<rusqlite::types::Value>> = read
        .query_map([], |r| {
            (0..14).map(|i| r.get::<_, rusqlite::types::Value>(i)).collect()
        })
        .map_err(err)?
        .collect::<rusqlite::Result<_>>()
        .map_err(err)?;
    conn.execute_batch("BEGIN").map_err(err)?;
    {
        let mut ins = conn
            .prepare(
                "INSERT INTO vehicles(vin, make, model, powertrain, soc_pct, soc_checked_at, status, \
                 hold_reason, block, row, slot, gate_in_at, loaded_at, updated_at, consignment_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1)",
            )
            .map_err(err)?;
        for r in &rows {
            ins.execute(rusqlite::params_from_iter(r.iter())).map_err(err)?;
        }
    }
    conn.execute_batch("COMMIT").map_err(err)?;
    drop(conn);
    Ok(path.to_path_buf())
}

/// The file holding the SQL that undoes the benchmark's writes to `db` (one event
/// and one loaded vehicle for the "one change" figures), should a run be cut short.
pub fn undo_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".bench-undo.sql");
    PathBuf::from(p)
}

/// Applies and removes a pending undo file of `db`.
pub fn apply_undo(db: &Path) -> Result<(), String> {
    let undo = undo_path(db);
    let Ok(sql) = std::fs::read_to_string(&undo) else {
        return Ok(());
    };
    let conn = Connection::open(db).map_err(|e| format!("{}: {e}", db.display()))?;
    conn.busy_timeout(Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    conn.execute_batch(&format!("BEGIN; {sql}; COMMIT;"))
        .map_err(|e| format!("undoing the benchmark's changes to {}: {e}", db.display()))?;
    std::fs::remove_file(&undo).map_err(|e| format!("cannot remove {}: {e}", undo.display()))
}

/// A staged vehicle whose loading the "one vehicle loaded" change simulates:
/// (VIN, updated_at as written).
pub fn staged_vehicle(db: &Path) -> Result<Option<(String, Option<String>)>, String> {
    let conn = yardtop::db::open_read_only(db).map_err(|e| e.to_string())?;
    let mut stmt = conn
        .prepare(
            "SELECT vin, updated_at FROM vehicles WHERE status = 'staged' AND loaded_at IS NULL \
             AND typeof(vin) = 'text' AND vin NOT LIKE '%''%' LIMIT 1",
        )
        .map_err(|e| e.to_string())?;
    let mut rows = stmt.query(params![]).map_err(|e| e.to_string())?;
    match rows.next().map_err(|e| e.to_string())? {
        Some(r) => Ok(Some((
            r.get(0).map_err(|e| e.to_string())?,
            r.get::<_, Option<String>>(1).unwrap_or(None),
        ))),
        None => Ok(None),
    }
}

/// The largest event id (the benchmark's inserted event comes after it).
pub fn max_event_id(db: &Path) -> Result<i64, String> {
    let conn = yardtop::db::open_read_only(db).map_err(|e| e.to_string())?;
    conn.query_row("SELECT coalesce(max(id), 0) FROM events", [], |r| r.get(0))
        .map_err(|e| e.to_string())
}

/// A read-write connection as the terminal's own systems open one, for the
/// benchmark's one-change writes.
pub fn writer(db: &Path) -> Result<Connection, String> {
    let c = Connection::open(db).map_err(|e| format!("{}: {e}", db.display()))?;
    c.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(|e| e.to_string())?;
    Ok(c)
}
