//! `yardtop man` checked by the real tools (Debian packages mandoc and man-db/groff;
//! `.ci/install-clients.sh` installs them; a missing tool fails the test): mandoc's
//! linter has nothing to say, and `man -l` renders every section, every command
//! with its options, and every key of the dashboard's key table.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_yardtop");

fn page(dir: &std::path::Path) -> std::path::PathBuf {
    let out = Command::new(BIN).arg("man").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let path = dir.join("yardtop.1");
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

fn tool(cmd: &mut Command, name: &str, package: &str) -> std::process::Output {
    cmd.output().unwrap_or_else(|e| {
        panic!("{name} is needed for this test (Debian package {package}; run .ci/install-clients.sh): {e}")
    })
}

#[test]
fn mandoc_lint_has_nothing_to_say() {
    let dir = tempfile::tempdir().unwrap();
    let path = page(dir.path());
    let out = tool(
        Command::new("mandoc")
            .args(["-T", "lint", "-W", "warning"])
            .arg(&path),
        "mandoc",
        "mandoc",
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success() && said.is_empty(), "mandoc -T lint:\n{said}");
    // The linter is a real judge: a page with an unparseable date is refused.
    let bad = dir.path().join("bad.1");
    std::fs::write(&bad, ".TH X 1 \"someday\"\n.SH NAME\nx \\- y\n").unwrap();
    let out = tool(
        Command::new("mandoc")
            .args(["-T", "lint", "-W", "warning"])
            .arg(&bad),
        "mandoc",
        "mandoc",
    );
    assert!(
        !out.stdout.is_empty() || !out.stderr.is_empty(),
        "mandoc accepted a bad date"
    );
}

#[test]
fn man_renders_every_section_command_option_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = page(dir.path());
    let out = tool(
        Command::new("man")
            .arg("-l")
            .arg(&path)
            .env("MANWIDTH", "100")
            .env("MAN_KEEP_FORMATTING", "0")
            .env("PAGER", "cat")
            .env("LANG", "C.UTF-8"),
        "man",
        "man-db",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.is_empty(), "man -l: {err}");
    // man may still embolden by overstriking when it writes to a pipe.
    let raw = String::from_utf8_lossy(&out.stdout);
    let mut text = String::new();
    for c in raw.chars() {
        if c == '\u{8}' {
            text.pop();
        } else {
            text.push(c);
        }
    }
    for section in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "COMMANDS",
        "KEYS",
        "PANELS",
        "EXIT STATUS",
        "ENVIRONMENT",
        "FILES",
        "EXAMPLES",
    ] {
        assert!(text.contains(&format!("\n{section}\n")), "no {section}:\n{text}");
    }
    let name_line = text.lines().skip_while(|l| *l != "NAME").nth(1).unwrap_or("");
    assert!(name_line.trim().len() < 80, "NAME line too long: {name_line:?}");
    assert!(
        !text.contains("yardtop-demo(1)") && !text.contains("SEE ALSO"),
        "{text}"
    );
    // Every command and every option of every command, from clap itself.
    let cmd = <yardtop::cli::Cli as clap::CommandFactory>::command();
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        assert!(
            text.contains(&format!("yardtop {}", sub.get_name())),
            "{}:\n{text}",
            sub.get_name()
        );
        for a in sub.get_arguments() {
            if let Some(l) = a.get_long().filter(|l| !["help", "version"].contains(l)) {
                assert!(
                    text.contains(&format!("--{l}")),
                    "{} --{l}:\n{text}",
                    sub.get_name()
                );
            }
            let values = if a.get_action().takes_values() {
                a.get_possible_values()
            } else {
                Vec::new()
            };
            for v in values {
                assert!(
                    text.contains(v.get_name()),
                    "{} value {}:\n{text}",
                    sub.get_name(),
                    v.get_name()
                );
            }
        }
    }
    // Every key of the key table the dashboard uses.
    let keys = yardtop::ui::keys::KeyTable::default();
    for (names, _, what) in keys.man_rows() {
        assert!(text.contains(what), "key {names} ({what}) missing:\n{text}");
        for k in names.split(", ") {
            assert!(text.contains(k), "key {k} missing");
        }
    }
    for env in [
        "YARDTOP_DB",
        "YARDTOP_CONFIG",
        "YARDTOP_LOG",
        "NO_COLOR",
        "XDG_CONFIG_HOME",
    ] {
        assert!(text.contains(env), "{env}:\n{text}");
    }
}
