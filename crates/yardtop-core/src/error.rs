//! Errors that reach the user: each carries the exit code of the command line (README.md) and a message
//! that says what is wrong and how to fix it. Nothing here ever shows a backtrace or
//! a raw `Os { code }`.

use std::path::Path;

/// Exit codes of the command line (README.md).
pub const EXIT_PROBLEM: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UserError {
    pub code: i32,
    pub message: String,
}

impl UserError {
    /// A problem the user must fix (exit 1).
    pub fn problem(message: impl Into<String>) -> Self {
        UserError {
            code: EXIT_PROBLEM,
            message: message.into(),
        }
    }

    /// A usage error or an unreadable database (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        UserError {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }
}

pub type Result<T> = std::result::Result<T, UserError>;

/// Describes an I/O error in words, never as `Os { code: .. }`.
pub fn io_reason(err: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match err.kind() {
        NotFound => "it does not exist".into(),
        PermissionDenied => "permission denied".into(),
        AlreadyExists => "it already exists".into(),
        IsADirectory => "it is a directory".into(),
        _ => {
            // The Display of an io::Error is "text (os error N)"; keep the text only.
            let text = err.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
    }
}

/// Describes a SQLite error in words a supervisor can act on.
pub fn sqlite_reason(err: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode::*;
    match err {
        rusqlite::Error::SqliteFailure(e, msg) => {
            let what = match e.code {
                DatabaseBusy | DatabaseLocked => "the database is busy (another program holds a lock)",
                NotADatabase => "the file is not a SQLite database",
                DatabaseCorrupt => "the database file is corrupted",
                CannotOpen => "the file cannot be opened",
                ReadOnly => "the database is read-only",
                PermissionDenied => "permission denied",
                DiskFull => "the disk is full",
                _ => "",
            };
            match (what, msg) {
                ("", Some(m)) => m.clone(),
                ("", None) => e.to_string(),
                (w, _) => w.to_string(),
            }
        }
        other => other.to_string(),
    }
}

/// Is this SQLite error a transient lock rather than a broken database?
pub fn is_busy(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// A SQLite error met while working on `path`, as one clear sentence.
pub fn db_error(path: &Path, err: &rusqlite::Error) -> UserError {
    let reason = sqlite_reason(err);
    let hint = match err.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) | Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            " Run `yardtop check` on it, or restore it from a backup."
        }
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => {
            " Try again when the other program has finished."
        }
        _ => "",
    };
    UserError::usage(format!(
        "cannot read yard database {}: {reason}.{hint}",
        path.display()
    ))
}

/// The exit status of a command whose output pipe was closed (128 + SIGPIPE).
pub const EXIT_CLOSED_PIPE: i32 = 141;

/// A failed write of a command's output: a closed pipe (`yardtop man | head -1`) ends
/// the command quietly, as SIGPIPE would have; anything else says what.
pub fn output_error(what: &str, e: &std::io::Error) -> UserError {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(EXIT_CLOSED_PIPE);
    }
    UserError::problem(format!("cannot write {what}: {}", io_reason(e)))
}

/// Writes a command's whole output to stdout. A closed pipe (`yardtop man | head -1`)
/// ends the command quietly, as SIGPIPE would have; any other failure says what.
pub fn write_stdout(bytes: &[u8], what: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(EXIT_CLOSED_PIPE),
        Err(e) => Err(UserError::problem(format!(
            "cannot write {what}: {}",
            io_reason(&e)
        ))),
    }
}
