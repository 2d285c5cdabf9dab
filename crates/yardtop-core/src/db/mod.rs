//! The yard database: opening it (read-only for every reader), its schema version and
//! the typed, tolerant reading of rows that any tool may have written (the contract:
//! docs/database.md).

pub mod additions;
pub mod browse;
pub mod files;
pub mod pages;
pub mod quality;
pub mod quality_counts;
pub mod quality_vehicles;
pub mod queries;
pub mod settings;
pub mod sql;
pub mod value;
pub mod wal;
pub mod watch;

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::error::{db_error, Result, UserError};

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: i64 = 1;

/// The contract's tables with yardtop's indexes.
pub const SCHEMA_SQL: &str = include_str!("../../../../assets/schema.sql");

/// The columns of `vehicles`, in the contract's order (the vehicle view shows them so).
pub const VEHICLE_COLUMNS: [&str; 15] = [
    "vin",
    "make",
    "model",
    "powertrain",
    "soc_pct",
    "soc_checked_at",
    "consignment_id",
    "status",
    "hold_reason",
    "block",
    "row",
    "slot",
    "gate_in_at",
    "loaded_at",
    "updated_at",
];

/// The contract (docs/database.md): each table and the columns it must have. The
/// one list: `check`, the schema check and the fuzzers read it.
pub const CONTRACT: [(&str, &[&str]); 7] = [
    ("settings", &["key", "value"]),
    ("yard_blocks", &["code", "zone", "rows", "slots_per_row"]),
    ("vessels", &["imo", "name", "capacity_ceu"]),
    (
        "vessel_calls",
        &["id", "imo", "voyage", "berth", "eta", "etd", "status"],
    ),
    (
        "consignments",
        &[
            "id",
            "ref",
            "call_id",
            "brand",
            "destination",
            "planned_units",
            "cutoff_at",
            "status",
        ],
    ),
    ("vehicles", &VEHICLE_COLUMNS),
    ("events", &["id", "at", "vin", "kind", "detail"]),
];

/// Opens a yard database for reading only: never creates, never writes.
/// The file must exist; its schema version must be one this build understands.
pub fn open_read_only(path: &Path) -> Result<Connection> {
    let conn = open_read_only_unchecked(path)?;
    check_schema(path, &conn)?;
    Ok(conn)
}

/// Opens read-only without looking at the schema (for `check`, which reports on it).
///
/// A supervisor's own account may read the database but not write its folder. With
/// a writer connected, SQLite reads the WAL through the writer's `-shm`. With none
/// connected, there is no WAL and SQLite cannot create the `-shm` it wants for a
/// WAL-mode file: then everything committed is in the database file itself, and it is
/// read as an immutable file (no locks, no side files). The dashboard opens a fresh
/// connection for every refresh (see `watch`), so once a writer appears the next
/// refresh reads through the WAL again. docs/operations.md gives the permissions.
pub fn open_read_only_unchecked(path: &Path) -> Result<Connection> {
    ensure_exists(path)?;
    open_read_only_raw(path, Duration::from_millis(2000)).map_err(|e| db_error(path, &e))
}

/// The read-only open itself, waiting at most `busy` on another program's lock; the
/// error is SQLite's, so that the dashboard can tell a lock from a broken file.
pub fn open_read_only_raw(path: &Path, busy: Duration) -> rusqlite::Result<Connection> {
    let conn = open_with(&uri(path, false), busy)?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        Err(e) if needs_immutable(&e, path) => open_with(&uri(path, true), busy),
        Err(e) if crate::error::is_busy(&e) => Err(e),
        // Any other trouble is met, and reported, by the caller's first query.
        _ => Ok(conn),
    }
}

fn open_with(uri: &str, busy: Duration) -> rusqlite::Result<Connection> {
    let flags =
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(uri, flags)?;
    conn.busy_timeout(busy)?;
    conn.execute_batch("PRAGMA query_only = 1;")?;
    value::register_functions(&conn)?;
    Ok(conn)
}

/// Did a read-only open fail only because SQLite could not make the `-shm` of a
/// WAL-mode file whose WAL is absent (no writer connected, folder not writable)?
fn needs_immutable(e: &rusqlite::Error, path: &Path) -> bool {
    let cannot = matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::ReadOnly) | Some(rusqlite::ErrorCode::CannotOpen)
    );
    cannot && !watch::side_file(path, "-wal").exists()
}

/// The `file:` URI of a path (percent-encoding what a URI would misread).
fn uri(path: &Path, immutable: bool) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::from("file:");
    for b in absolute.as_os_str().as_encoded_bytes() {
        match b {
            b'?' | b'#' | b'%' => out.push_str(&format!("%{b:02X}")),
            _ if b.is_ascii() => out.push(*b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    if immutable {
        out.push_str("?immutable=1");
    }
    out
}

/// A reader's and a writer's first step: the file must be there (never created by
/// opening it) and be a file.
pub fn ensure_exists(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(UserError::usage(format!(
            "{} is a folder, not a yard database; give the database file with --db",
            path.display()
        ))),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(UserError::usage(format!(
            "yard database {} does not exist; give the right path with --db (or YARDTOP_DB), create an empty one with `yardtop init --db {}`, or try `yardtop demo`",
            path.display(),
            path.display()
        ))),
        Err(e) => Err(UserError::usage(format!(
            "cannot read yard database {}: {}",
            path.display(),
            crate::error::io_reason(&e)
        ))),
    }
}

/// The schema version of an open database, checked against this build.
pub fn check_schema(path: &Path, conn: &Connection) -> Result<()> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| db_error(path, &e))?;
    if version > SCHEMA_VERSION {
        return Err(UserError::usage(format!(
            "{} has yard schema version {version}, newer than the version {SCHEMA_VERSION} this yardtop understands; install a newer yardtop",
            path.display()
        )));
    }
    let missing = missing_tables(conn).map_err(|e| db_error(path, &e))?;
    if missing.is_empty() {
        return Ok(());
    }
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .map_err(|e| db_error(path, &e))?;
    // Each hint names a command that works on that very file (`init` refuses an
    // existing file, `init --existing` a file without the contract's tables).
    let hint = if tables == 0 {
        format!(
            "it is empty (no tables at all). To make a yard there, remove the empty file and create one: `rm {p} && yardtop init --db {p}`",
            p = path.display()
        )
    } else {
        "it holds another program's tables. Give the yard database's path with --db (or \
         YARDTOP_DB); its tables are described in docs/database.md. To start a new yard, \
         `yardtop init --db NEW.db` creates one at a new path"
            .to_string()
    };
    Err(UserError::usage(format!(
        "{} is not a yard database: it has no {} table{}; {hint}",
        path.display(),
        missing.join(", "),
        if missing.len() > 1 { "s" } else { "" },
    )))
}

/// Contract tables (and `events`) the database lacks.
pub fn missing_tables(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut missing = Vec::new();
    for (t, _) in CONTRACT {
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [t],
            |r| r.get(0),
        )?;
        if n == 0 {
            missing.push(t.to_string());
        }
    }
    Ok(missing)
}

/// Does this database lack yardtop's indexes (a contract database another system
/// created), or still hold what an earlier version added? The figures are exact
/// either way; the header says how to speed them up (`yardtop init --existing`).
pub fn lacks_yardtop_indexes(conn: &Connection) -> bool {
    additions::lacks(conn)
}
