//! A consistent copy of a yard database for a benchmark that writes to it (the
//! source is never changed, only checkpointed).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

/// `db` with `suffix` appended: its `-wal`, `-shm` or `-journal` file.
pub fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Copies `src` to `dst` consistently: the WAL checkpointed into the database
/// first, and the write lock held during the copy so that no writer changes it
/// meanwhile; a WAL still holding frames is copied with it. A database that
/// cannot be locked is copied as it is. Says how it was copied.
pub fn copy_db(src: &Path, dst: &Path) -> Result<String, String> {
    let locked = (|| -> rusqlite::Result<(Connection, i64)> {
        let c = Connection::open_with_flags(
            src,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        c.busy_timeout(Duration::from_secs(10))?;
        let busy: i64 = c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        c.execute_batch("BEGIN IMMEDIATE")?;
        Ok((c, busy))
    })();
    let how = match &locked {
        Ok((_, 0)) => "checkpointed (TRUNCATE), copied under the write lock".to_string(),
        Ok((_, _)) => {
            "checkpoint partly blocked by a reader; copied with its WAL under the write lock".to_string()
        }
        Err(e) => format!("could not be locked for the copy ({e}); copied as it is, with its WAL"),
    };
    let t = Instant::now();
    let copied = (|| -> std::io::Result<u64> {
        let mut n = std::fs::copy(src, dst)?;
        let wal = sibling(src, "-wal");
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
            n += std::fs::copy(&wal, sibling(dst, "-wal"))?;
        }
        Ok(n)
    })();
    if let Ok((c, _)) = locked {
        let _ = c.execute_batch("ROLLBACK");
    }
    let n = copied.map_err(|e| format!("cannot copy {} to {}: {e}", src.display(), dst.display()))?;
    Ok(format!(
        "{how}: {:.0} MB in {:.1} s",
        n as f64 / 1e6,
        t.elapsed().as_secs_f64()
    ))
}
