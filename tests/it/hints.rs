//! An error's hint never sends the user in a circle: the command it names works on
//! that very file (or names a new path).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use std::path::Path;
use std::process::{Command, Output};

fn yardtop(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yardtop"))
        .args(args)
        .current_dir(dir)
        .env_remove("YARDTOP_DB")
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .output()
        .expect("run yardtop")
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The commands a message names in backquotes.
fn named_commands(message: &str) -> Vec<String> {
    message
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|c| c.contains("yardtop"))
        .map(String::from)
        .collect()
}

#[test]
fn an_empty_file_gets_a_hint_that_works() {
    let dir = tempfile::tempdir().unwrap();
    for (name, make) in [
        ("zero.db", None),
        ("empty-sqlite.db", Some("PRAGMA user_version = 0;")),
    ] {
        let db = dir.path().join(name);
        std::fs::write(&db, b"").unwrap();
        if let Some(sql) = make {
            rusqlite::Connection::open(&db)
                .unwrap()
                .execute_batch(sql)
                .unwrap();
        }
        let out = yardtop(dir.path(), &["snapshot", "--db", name]);
        let message = err(&out);
        assert_eq!(out.status.code(), Some(2), "{message}");
        let commands = named_commands(&message);
        assert_eq!(commands.len(), 1, "{message}");
        // Follow the hint to the letter: afterwards the snapshot works.
        let ran = Command::new("bash")
            .arg("-c")
            .arg(commands[0].replace("yardtop", env!("CARGO_BIN_EXE_yardtop")))
            .current_dir(dir.path())
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .output()
            .unwrap();
        assert!(ran.status.success(), "{}: {}", commands[0], err(&ran));
        let out = yardtop(dir.path(), &["snapshot", "--db", name, "--format", "json"]);
        assert!(out.status.success(), "{}", err(&out));
    }
}

#[test]
fn another_programs_database_never_sends_the_user_round_in_a_circle() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("other.db");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL);")
        .unwrap();
    for args in [
        vec!["snapshot", "--db", "other.db"],
        vec!["check", "--db", "other.db"],
        vec!["init", "--existing", "--db", "other.db"],
    ] {
        let out = yardtop(dir.path(), &args);
        let message = err(&out);
        assert_ne!(out.status.code(), Some(0), "{args:?}: {message}");
        for c in named_commands(&message) {
            assert!(
                !(c.contains("init") && c.contains("other.db")),
                "{args:?} names `{c}`, which fails on the same file: {message}"
            );
        }
    }
    // `init` on the existing file points at `init --existing`, which must not point
    // back at `init` on the same file (checked above).
    let out = yardtop(dir.path(), &["init", "--db", "other.db"]);
    assert!(err(&out).contains("--existing"), "{}", err(&out));
}
