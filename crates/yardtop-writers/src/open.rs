//! Opening a yard database for writing: the writers' own, apart from the reading
//! core (which has no function that opens a database for writing; docs/architecture.md).

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::db;
use crate::error::{db_error, Result, UserError};

/// Opens an existing yard database for writing (import, simulate).
pub fn open_writer(path: &Path) -> Result<Connection> {
    db::ensure_exists(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| db_error(path, &e))?;
    conn.busy_timeout(Duration::from_millis(5000))
        .map_err(|e| db_error(path, &e))?;
    conn.execute_batch("PRAGMA foreign_keys = OFF; PRAGMA synchronous = NORMAL;")
        .map_err(|e| db_error(path, &e))?;
    db::value::register_functions(&conn).map_err(|e| db_error(path, &e))?;
    db::check_schema(path, &conn)?;
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
    conn.execute_batch(&format!("BEGIN; {} COMMIT;", db::SCHEMA_SQL))
        .map_err(|e| db_error(path, &e))?;
    conn.pragma_update(None, "user_version", db::SCHEMA_VERSION)
        .map_err(|e| db_error(path, &e))?;
    db::value::register_functions(&conn).map_err(|e| db_error(path, &e))?;
    Ok(conn)
}
