//! Replays every input saved under fuzz/regressions/<target>/ through the checks
//! of that fuzz target (fuzz/checks/), so that `cargo test` holds what the
//! fuzzers found without cargo fuzz or a nightly toolchain. To add one, copy the
//! crash file (or any interesting input) into the target's folder; see
//! fuzz/README.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

#[path = "../../fuzz/checks/mod.rs"]
mod checks;

use std::path::PathBuf;

fn replay(target: &str, check: fn(&[u8])) {
    replay_dir("regressions", target, check);
}

fn replay_dir(folder: &str, target: &str, check: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(folder)
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no saved inputs in {}", dir.display());
    let mut failed = Vec::new();
    for file in &files {
        let data = std::fs::read(file).expect("read a saved input");
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            failed.push(file.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} saved {target} inputs fail (each panic is printed above):\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

#[test]
fn timestamp_inputs() {
    replay("timestamp", checks::timestamp::check);
}

#[test]
fn import_csv_inputs() {
    replay("import_csv", checks::import_csv::check);
}

#[test]
fn row_reader_inputs() {
    replay("row_reader", checks::row_reader::check);
}

// Inputs that still break a check because of a bug outside the files the fuzzing
// work may change (fuzz/README.md, "Open findings"). The fuzz targets leave
// just these cases unchecked; `cargo test --test it fuzz_regressions -- --ignored`
// shows whether they are fixed, and then they move to regressions/.

#[test]
#[ignore = "open finding outside the fuzzers' files, see fuzz/README.md"]
fn known_row_reader_findings() {
    replay_dir("known", "row_reader", checks::row_reader::check_strict);
}
