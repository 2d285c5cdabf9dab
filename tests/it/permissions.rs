//! A supervisor's own account: it may read the yard database but not write the
//! folder it is in, and no writer may be connected when it starts. Every reading
//! command works for such a user, and the dashboard goes live once a writer appears
//! (docs/operations.md, "Permissions"). Run as a real unprivileged user (`nobody`
//! through `runuser`), as on the port server: the test needs root, which CI has.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::robust_common;

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use portable_pty::CommandBuilder;
use robust_common::*;

/// Is this process root (needed to run a command as `nobody`)?
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn require_root() -> bool {
    if is_root() {
        return true;
    }
    if std::env::var_os("YARDTOP_TEST_NO_ROOT").is_some() {
        eprintln!("SKIPPED: the permission tests need root (YARDTOP_TEST_NO_ROOT is set)");
        return false;
    }
    panic!(
        "the permission tests run yardtop as the unprivileged user `nobody` and need root \
         (CI runs as root); run `cargo test` as root, or set YARDTOP_TEST_NO_ROOT=1 to skip them"
    );
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// base/ (755) with bin/yardtop, yard/yard.db (folder 755 and file 644, root's) and
/// home/ (writable by anyone, for nobody's config, log and data folders).
struct Site {
    _base: tempfile::TempDir,
    bin: PathBuf,
    yard: PathBuf,
    db: PathBuf,
    home: PathBuf,
}

fn site() -> Site {
    let base = tempfile::Builder::new()
        .prefix("yardtop-perm")
        .tempdir_in("/tmp")
        .expect("tempdir");
    chmod(base.path(), 0o755);
    let bin_dir = base.path().join("bin");
    let yard = base.path().join("yard");
    let home = base.path().join("home");
    for d in [&bin_dir, &yard, &home] {
        std::fs::create_dir(d).expect("mkdir");
    }
    chmod(&bin_dir, 0o755);
    chmod(&yard, 0o755);
    chmod(&home, 0o1777);
    let bin = bin_dir.join("yardtop");
    std::fs::copy(BIN, &bin).expect("copy the binary");
    chmod(&bin, 0o755);
    let db = yard.join("yard.db");
    small_yard(&db, "Songyu Terminal", "CNXMN", 4, 5);
    chmod(&db, 0o644);
    assert!(
        !sibling(&db, "-wal").exists() && !sibling(&db, "-shm").exists(),
        "no writer is connected: SQLite removed its side files"
    );
    Site {
        _base: base,
        bin,
        yard,
        db,
        home,
    }
}

fn as_nobody(s: &Site, args: &[&str]) -> std::process::Output {
    Command::new("/usr/sbin/runuser")
        .args(["-u", "nobody", "--"])
        .arg(&s.bin)
        .arg("--db")
        .arg(&s.db)
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", &s.home)
        .env("XDG_CONFIG_HOME", s.home.join("config"))
        .env("XDG_STATE_HOME", s.home.join("state"))
        .env("XDG_DATA_HOME", s.home.join("data"))
        .env("LANG", "C.UTF-8")
        .current_dir(&s.home)
        .output()
        .expect("runuser")
}

/// What is in the yard folder: nothing but root's files may be there.
fn yard_files(s: &Site) -> Vec<(String, u32)> {
    use std::os::unix::fs::MetadataExt;
    let mut v: Vec<(String, u32)> = std::fs::read_dir(&s.yard)
        .expect("read_dir")
        .filter_map(|e| e.ok())
        .map(|e| {
            let uid = e.metadata().map(|m| m.uid()).unwrap_or(u32::MAX);
            (e.file_name().to_string_lossy().into_owned(), uid)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn snapshot_and_check_work_for_a_user_who_cannot_write_the_folder() {
    if !require_root() {
        return;
    }
    let s = site();
    let out = as_nobody(&s, &["snapshot", "--format", "json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "snapshot as nobody: {err}");
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(
        json.contains("Songyu Terminal") && json.contains("\"in_yard\": 4"),
        "{json}"
    );

    let out = as_nobody(&s, &["check"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_ne!(
        out.status.code(),
        Some(2),
        "check as nobody could not read: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        yard_files(&s).iter().all(|(_, uid)| *uid == 0),
        "{:?}",
        yard_files(&s)
    );
}

#[test]
fn the_dashboard_of_a_user_who_cannot_write_the_folder_goes_live_when_a_writer_appears() {
    if !require_root() {
        return;
    }
    let s = site();
    let mut cmd = CommandBuilder::new("/usr/sbin/runuser");
    cmd.args(["-u", "nobody", "--"]);
    cmd.arg(s.bin.as_os_str());
    cmd.args([OsStr::new("--db"), s.db.as_os_str()]);
    cmd.env_clear();
    cmd.env("PATH", "/usr/bin:/bin");
    cmd.env("HOME", s.home.as_os_str());
    cmd.env("TERM", "xterm-256color");
    cmd.env("LANG", "C.UTF-8");
    cmd.env("XDG_CONFIG_HOME", s.home.join("config").as_os_str());
    cmd.env("XDG_STATE_HOME", s.home.join("state").as_os_str());
    cmd.env("XDG_DATA_HOME", s.home.join("data").as_os_str());
    cmd.cwd(s.home.as_os_str());
    let mut p = Pty::start_cmd(cmd, 120, 40);
    p.wait_until(10.0, |t| t.contains("In yard 4 of 25") && t.contains("live"))
        .unwrap_or_else(|| panic!("no first frame as nobody:\n{}", p.screen()));

    // A writer of the terminal connects and stays connected: its WAL and -shm
    // (root's, readable by all) appear, and the dashboard reads through them.
    let w = writer(&s.db);
    park_bev(&w, 4, 5);
    p.wait_until(5.0, |t| t.contains("In yard 5 of 25"))
        .unwrap_or_else(|| panic!("a commit with a writer connected was not seen:\n{}", p.screen()));
    park_bev(&w, 5, 5);
    p.wait_until(5.0, |t| t.contains("In yard 6 of 25"))
        .unwrap_or_else(|| panic!("a second commit was not seen:\n{}", p.screen()));
    // The writer leaves (SQLite checkpoints and removes the side files); the next
    // one commits and leaves too.
    drop(w);
    let w = writer(&s.db);
    park_bev(&w, 6, 5);
    drop(w);
    p.wait_until(5.0, |t| t.contains("In yard 7 of 25"))
        .unwrap_or_else(|| panic!("a commit after the writer left was not seen:\n{}", p.screen()));
    assert!(!p.screen().contains("unreachable"), "{}", p.screen());
    p.keys("q");
    p.exit_within(5.0);
    assert!(
        yard_files(&s).iter().all(|(_, uid)| *uid == 0),
        "nobody created a file in the yard folder: {:?}",
        yard_files(&s)
    );
}
