//! The yard database: opening it (read-only for every reader), its schema version and
//! the typed, tolerant reading of rows that any tool may have written (the contract:
//! docs/database.md).

pub mod additions;
pub mod browse;
pub mod quality;
pub mod quality_vehicles;
pub mod queries;
pub mod settings;
pub mod sql;
pub mod value;

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::error::{db_error, Result, UserError};

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: i64 = 1;

/// The contract's tables with yardtop's indexes.
pub const SCHEMA_SQL: &str = include_str!("../../assets/schema.sql");

/// The contract tables every yard database has.
pub const CONTRACT_TABLES: [&str; 6] = [
    "settings",
    "yard_blocks",
    "vessels",
    "vessel_calls",
    "consignments",
    "vehicles",
];

/// Opens a yard database for reading only: never creates, never writes.
/// The file must exist; its schema version must be one this build understands.
pub fn open_read_only(path: &Path) -> Result<Connection> {
    let conn = open_read_only_unchecked(path)?;
    check_schema(path, &conn)?;
    Ok(conn)
}

/// Opens read-only without looking at the schema (for `check`, which reports on it).
pub fn open_read_only_unchecked(path: &Path) -> Result<Connection> {
    ensure_exists(path)?;
    let flags =
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| db_error(path, &e))?;
    conn.busy_timeout(Duration::from_millis(2000))
        .map_err(|e| db_error(path, &e))?;
    conn.execute_batch("PRAGMA query_only = 1;")
        .map_err(|e| db_error(path, &e))?;
    value::register_functions(&conn).map_err(|e| db_error(path, &e))?;
    Ok(conn)
}

/// Opens an existing yard database for writing (import, simulate).
pub fn open_writer(path: &Path) -> Result<Connection> {
    ensure_exists(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| db_error(path, &e))?;
    conn.busy_timeout(Duration::from_millis(5000))
        .map_err(|e| db_error(path, &e))?;
    conn.execute_batch("PRAGMA foreign_keys = OFF; PRAGMA synchronous = NORMAL;")
        .map_err(|e| db_error(path, &e))?;
    value::register_functions(&conn).map_err(|e| db_error(path, &e))?;
    check_schema(path, &conn)?;
    Ok(conn)
}

/// Creates a new yard database file with the current schema. Refuses to touch an
/// existing file.
pub fn create_new(path: &Path) -> Result<Connection> {
    if path.exists() {
        return Err(UserError::problem(format!(
            "{} already exists; yardtop init never overwrites a file. Choose another --db path, or use `yardtop init --existing --db {}` to add yardtop's indexes to it",
            path.display(),
            path.display()
        )));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(UserError::problem(format!(
                "cannot create {}: the folder {} does not exist; create it first (mkdir -p {})",
                path.display(),
                dir.display(),
                dir.display()
            )));
        }
    }
    let flags =
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| {
        UserError::problem(format!(
            "cannot create {}: {}",
            path.display(),
            crate::error::sqlite_reason(&e)
        ))
    })?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
        .map_err(|e| db_error(path, &e))?;
    conn.execute_batch(&format!("BEGIN; {SCHEMA_SQL} COMMIT;"))
        .map_err(|e| db_error(path, &e))?;
    conn.pragma_update(None, "user_version", SCHEMA_VERSION)
        .map_err(|e| db_error(path, &e))?;
    value::register_functions(&conn).map_err(|e| db_error(path, &e))?;
    Ok(conn)
}

fn ensure_exists(path: &Path) -> Result<()> {
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
    if !missing.is_empty() {
        return Err(UserError::usage(format!(
            "{} is not a yard database: it has no {} table{}; create one with `yardtop init --db {}`",
            path.display(),
            missing.join(", "),
            if missing.len() > 1 { "s" } else { "" },
            path.display()
        )));
    }
    Ok(())
}

/// Contract tables (and `events`) the database lacks.
pub fn missing_tables(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut missing = Vec::new();
    for t in CONTRACT_TABLES.iter().chain(std::iter::once(&"events")) {
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
