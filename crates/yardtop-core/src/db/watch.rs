//! Noticing that a yard database changed, without holding a connection open.
//!
//! A reader that keeps a connection open between refreshes can stall others: on a
//! replica followed by `litestream restore -f` an open read-only connection keeps a
//! read lock for its whole life, and the follower waits for it; and `PRAGMA
//! data_version` does not see pages written into the file by such a follower. So the
//! dashboard reads through a fresh connection per refresh and decides whether to read
//! at all from the files alone: the database file's identity, length, modification
//! time and header change counter, a rollback journal, the WAL's length and time, the first bytes of the
//! shared-memory index (its change counter moves on every commit in WAL mode), and
//! Litestream's `-txid` file. Reading these is a few system calls, cheap enough to do
//! five times a second while idle. See docs/architecture.md ("From a commit to the
//! screen").

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The side files SQLite and Litestream keep beside a database.
pub fn side_file(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// One file's identity and state, as far as the file system tells.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileState {
    dev: u64,
    ino: u64,
    len: u64,
    modified: Option<SystemTime>,
    /// The first bytes of the file, where the file keeps a change counter.
    head: Vec<u8>,
}

impl FileState {
    /// A `-shm` file as far as commits move it: which file it is, its last committed
    /// frame and the log's salts. Not its time, length or change counter: the
    /// reader's own connection, when it is the only one, truncates and rebuilds the
    /// index, which would otherwise look like a commit and set off the next
    /// refresh, for ever (measured: four refreshes a second, 25 B/s idle).
    fn index_only(mut self) -> FileState {
        let field = |r: std::ops::Range<usize>| self.head.get(r).map(<[u8]>::to_vec).unwrap_or_default();
        self.head = [field(16..20), field(32..40)].concat();
        self.modified = None;
        self.len = 0;
        self
    }

    fn read(path: &Path, head: usize) -> std::io::Result<Option<FileState>> {
        let m = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let (dev, ino) = identity(&m);
        let mut bytes = Vec::new();
        if head > 0 {
            // Unreadable side files (another user's -shm) still tell their time
            // and length.
            // Through `files`: closing a descriptor of the database or its
            // -shm would drop the locks of this process's own connections.
            if let Ok(f) = crate::db::files::open(path) {
                bytes = vec![0u8; head];
                let n = crate::db::files::read_some_at(&f, &mut bytes, 0).unwrap_or(0);
                bytes.truncate(n);
            }
        }
        Ok(Some(FileState {
            dev,
            ino,
            len: m.len(),
            modified: m.modified().ok(),
            head: bytes,
        }))
    }
}

#[cfg(unix)]
fn identity(m: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn identity(_m: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// Everything that moves when someone commits to the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    db: FileState,
    wal: Option<FileState>,
    shm: Option<FileState>,
    /// A rollback journal appears when a writer of a rollback-journal database
    /// starts changing it: the reader then tries, and says "busy" if it is locked out.
    journal: Option<FileState>,
    txid: Option<FileState>,
}

/// The database header's first 100 bytes hold the file change counter (offset 24),
/// bumped by every commit in rollback-journal mode.
const DB_HEAD: usize = 100;
/// The WAL header (32 bytes): its salts change whenever the WAL starts over.
const WAL_HEAD: usize = 32;
/// The wal-index header (two copies of 48 bytes): its change counter and last
/// frame move on every commit in WAL mode.
const SHM_HEAD: usize = 96;
/// Litestream's `-txid` file is one short line.
const TXID_HEAD: usize = 64;

impl Fingerprint {
    /// Reads the database file and its side files. A missing database file is an
    /// error (`NotFound`), a missing side file is part of the state.
    pub fn read(db: &Path) -> std::io::Result<Fingerprint> {
        let Some(main) = FileState::read(db, DB_HEAD)? else {
            return Err(std::io::Error::from(std::io::ErrorKind::NotFound));
        };
        let side = |suffix: &str, head: usize| FileState::read(&side_file(db, suffix), head).ok().flatten();
        Ok(Fingerprint {
            db: main,
            wal: side("-wal", WAL_HEAD),
            shm: side("-shm", SHM_HEAD).map(FileState::index_only),
            journal: side("-journal", 0),
            txid: side("-txid", TXID_HEAD),
        })
    }

    /// The file's identity: another (device, inode) means the database was replaced
    /// (a restore, a rename over it).
    pub fn file_id(&self) -> (u64, u64) {
        (self.db.dev, self.db.ino)
    }

    /// Is there a write-ahead log with frames in it? Without one, everything
    /// committed is in the database file itself.
    pub fn has_wal(&self) -> bool {
        self.wal.as_ref().is_some_and(|w| w.len > 0)
    }

    /// When the database was last written: the newer of the file and a non-empty
    /// WAL (opening a database in WAL mode creates an empty one).
    pub fn last_write(&self) -> Option<SystemTime> {
        let wal = self.wal.as_ref().filter(|w| w.len > 0).and_then(|w| w.modified);
        self.db.modified.into_iter().chain(wal).max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_commit_moves_the_fingerprint_in_wal_and_rollback_mode() {
        for mode in ["WAL", "DELETE"] {
            let dir = tempfile::tempdir().unwrap();
            let db = dir.path().join("y.db");
            let w = rusqlite::Connection::open(&db).unwrap();
            w.execute_batch(&format!("PRAGMA journal_mode = {mode}; CREATE TABLE t(x);"))
                .unwrap();
            let mut last = Fingerprint::read(&db).unwrap();
            for i in 0..50 {
                // Same length, same second: only the counters can tell.
                w.execute("INSERT OR REPLACE INTO t(rowid, x) VALUES (1, ?1)", [i])
                    .unwrap();
                let now = Fingerprint::read(&db).unwrap();
                assert_ne!(now, last, "{mode}: commit {i} not noticed");
                last = now;
            }
            assert_eq!(Fingerprint::read(&db).unwrap(), last, "{mode}: nothing changed");
        }
    }

    #[test]
    fn the_reader_s_own_connections_do_not_move_the_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("y.db");
        // A writer that connects, commits and closes: SQLite checkpoints and
        // deletes the log behind it.
        let w = rusqlite::Connection::open(&db).unwrap();
        w.execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
        drop(w);
        let read = || {
            let r = crate::db::open_read_only_raw(&db, std::time::Duration::from_secs(1)).unwrap();
            let _: i64 = r
                .query_row("SELECT count(*) FROM t", [], |row| row.get(0))
                .unwrap();
        };
        read();
        let before = Fingerprint::read(&db).unwrap();
        for _ in 0..5 {
            std::thread::sleep(std::time::Duration::from_millis(20));
            read();
            assert_eq!(
                Fingerprint::read(&db).unwrap(),
                before,
                "a read looked like a commit"
            );
        }
    }

    #[test]
    fn a_missing_database_is_not_found_and_side_files_are_optional() {
        let dir = tempfile::tempdir().unwrap();
        let err = Fingerprint::read(&dir.path().join("none.db")).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        let db = dir.path().join("y.db");
        std::fs::write(&db, b"").unwrap();
        let f = Fingerprint::read(&db).unwrap();
        assert!(!f.has_wal());
        std::fs::write(side_file(&db, "-txid"), b"0000000000000001\n").unwrap();
        assert_ne!(Fingerprint::read(&db).unwrap(), f, "-txid is part of the state");
    }
}
