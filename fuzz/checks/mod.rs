//! The properties the fuzz targets hold, one module per target. Each `check` takes
//! the fuzzer's bytes and panics when a property is broken.
//!
//! This file is both the library of the fuzz crate (fuzz/Cargo.toml) and a
//! module of tests/fuzz_regressions.rs, which replays every saved input under
//! fuzz/regressions/<target>/ through the same checks in a plain `cargo test`.
//! It may therefore use only what both see: yardtop and its dependencies, and
//! tempfile.

// Each user of this module calls only some of it.
#![allow(dead_code)]

pub mod import_csv;
pub mod row_reader;
pub mod timestamp;

use std::path::PathBuf;

/// Where the targets put their scratch databases: memory when the machine has it.
pub fn scratch_dir() -> tempfile::TempDir {
    let shm = PathBuf::from("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::Builder::new().prefix("yardtop-fuzz").tempdir_in(shm)
    } else {
        tempfile::Builder::new().prefix("yardtop-fuzz").tempdir()
    };
    dir.expect("a scratch folder")
}

/// A fresh yard database (`init` with the default settings) as the bytes of its
/// file, made once: each input gets its own copy of it.
pub fn fresh_yard_bytes(tz: Option<&str>, extra: impl FnOnce(&rusqlite::Connection)) -> Vec<u8> {
    let dir = scratch_dir();
    let path = dir.path().join("template.db");
    {
        let conn = yardtop::writers::open::create_new(&path).expect("create a yard database");
        yardtop::writers::init::write_settings(&conn, Some("Fuzz port"), Some("CNXMN"), tz)
            .expect("write settings");
        extra(&conn);
        // Everything into the main file, so that the file alone is the database.
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .expect("checkpoint");
    }
    std::fs::read(&path).expect("read the template")
}

/// A short, readable rendering of bytes for assertion messages.
pub fn shown(data: &[u8]) -> String {
    let s = String::from_utf8_lossy(data);
    if s.chars().count() > 300 {
        format!(
            "{}… ({} bytes)",
            s.chars().take(300).collect::<String>(),
            data.len()
        )
    } else {
        format!("{s:?}")
    }
}
