//! Reading SQLite's own files (the database, `-wal`, `-shm`) beside SQLite, safely.
//!
//! POSIX advisory locks belong to a process and a file: closing ANY descriptor of
//! the file drops every lock the process holds on it, those of SQLite's own
//! connections in the same process included (sqlite.org/howtocorrupt.html, "Posix
//! advisory locks canceled by a separate thread doing close()"). A reader whose
//! shared lock vanished reads pages a writer is rewriting; a writer in the same
//! process whose locks vanished can corrupt the database. So every such file is
//! opened here once and its descriptor kept while its path leads to it. A
//! descriptor is closed only when its path leads to another file or to none (the
//! file was replaced or deleted): yardtop's reader opens a fresh connection for
//! each refresh, so none of its connections is still open on the file left behind.

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

struct Kept {
    id: (u64, u64),
    file: Arc<File>,
}

fn kept() -> &'static Mutex<HashMap<PathBuf, Kept>> {
    static KEPT: OnceLock<Mutex<HashMap<PathBuf, Kept>>> = OnceLock::new();
    KEPT.get_or_init(|| Mutex::new(HashMap::new()))
}

#[cfg(unix)]
fn identity(m: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn identity(m: &std::fs::Metadata) -> (u64, u64) {
    (m.len(), 0)
}

/// The file `path` leads to, opened for reading once and kept (see above).
pub fn open(path: &Path) -> io::Result<Arc<File>> {
    let mut map = kept().lock().unwrap_or_else(|e| e.into_inner());
    let id = match std::fs::metadata(path) {
        Ok(m) => identity(&m),
        Err(e) => {
            // The file is gone: its descriptor goes too.
            map.remove(path);
            return Err(e);
        }
    };
    if let Some(k) = map.get(path) {
        if k.id == id {
            return Ok(Arc::clone(&k.file));
        }
    }
    let file = Arc::new(File::open(path)?);
    let id = identity(&file.metadata()?);
    map.insert(
        path.to_path_buf(),
        Kept {
            id,
            file: Arc::clone(&file),
        },
    );
    Ok(file)
}

/// Fills `buf` from `offset`, without moving a shared file position.
#[cfg(unix)]
pub fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset)
}

#[cfg(not(unix))]
pub fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = file;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

/// As `read_at`, but reads what there is: the number of bytes read (short at the
/// end of the file).
pub fn read_some_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        #[cfg(unix)]
        let n = {
            use std::os::unix::fs::FileExt;
            file.read_at(&mut buf[got..], offset + got as u64)?
        };
        #[cfg(not(unix))]
        let n = {
            use std::io::{Read, Seek, SeekFrom};
            let mut f = file;
            f.seek(SeekFrom::Start(offset + got as u64))?;
            f.read(&mut buf[got..])?
        };
        if n == 0 {
            break;
        }
        got += n;
    }
    Ok(got)
}
