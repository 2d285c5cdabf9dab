//! Completion scripts checked in the real shells (Debian packages bash, zsh, fish;
//! `.ci/install-clients.sh` installs them; a missing shell fails the test, it is
//! never skipped): every enumerated argument offers its values and not file names,
//! and a file argument still offers files.
//!
//! bash: the script is sourced and its function called as bash calls it on Tab
//! (tests/completions/capture.bash). zsh: an interactive zsh in a pseudo-terminal
//! (zpty) gets the line and a Tab, and every candidate compadd receives is printed
//! (tests/completions/capture.zsh). fish: `complete -C`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_yardtop");

/// Enumerated arguments and the values they must offer.
const CASES: &[(&str, &[&str])] = &[
    ("yardtop demo --story ", &["today", "xiamen-2023"]),
    ("yardtop demo --scale ", &["small", "port"]),
    ("yardtop snapshot --format ", &["text", "json", "prometheus"]),
    (
        "yardtop import ",
        &["blocks", "vessels", "calls", "consignments", "vehicles", "events"],
    ),
    (
        "yardtop completions ",
        &["bash", "zsh", "fish", "elvish", "powershell"],
    ),
    ("yardtop --db yard.db import ", &["blocks", "events"]),
];

/// A directory with the shell's script in it and a file the shells could offer.
fn setup(shell: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN).args(["completions", shell]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let name = match shell {
        "zsh" => "_yardtop".to_string(),
        _ => format!("yardtop.{shell}"),
    };
    std::fs::write(dir.path().join(name), &out.stdout).unwrap();
    std::fs::write(dir.path().join("afile.csv"), "x\n").unwrap();
    dir
}

fn run(cmd: &mut Command, shell: &str) -> Vec<String> {
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("{shell} is needed for this test (Debian package {shell}; run .ci/install-clients.sh): {e}")
    });
    assert!(
        out.status.success(),
        "{shell}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

fn bash(dir: &Path, line: &str) -> Vec<String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/completions/capture.bash");
    let mut words: Vec<&str> = line.split_whitespace().collect();
    if line.ends_with(' ') {
        words.push("");
    }
    run(
        Command::new("bash")
            .arg("--norc")
            .arg(script)
            .arg(dir.join("yardtop.bash"))
            .args(words)
            .current_dir(dir),
        "bash",
    )
}

fn zsh(dir: &Path, line: &str) -> Vec<String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/completions/capture.zsh");
    run(
        // `timeout` only guards against a hung shell; nothing is measured.
        Command::new("timeout")
            .args(["120", "zsh", "-f"])
            .arg(script)
            .arg(dir)
            .arg(line)
            .current_dir(dir),
        "zsh",
    )
}

fn fish(dir: &Path, line: &str) -> Vec<String> {
    let source = format!(
        "source {}; complete -C '{}'",
        dir.join("yardtop.fish").display(),
        line
    );
    run(
        Command::new("fish")
            .args(["--no-config", "-c", &source])
            .current_dir(dir),
        "fish",
    )
}

/// Arguments that are neither files nor enumerated: nothing to offer, least of all
/// file names.
const NO_FILES: &[&str] = &[
    "yardtop demo --seed ",
    "yardtop snapshot --now ",
    "yardtop snapshot --width ",
];

fn no_files(shell: &str, complete: impl Fn(&Path, &str) -> Vec<String>) {
    let dir = setup(shell);
    for line in NO_FILES {
        let got = complete(dir.path(), line);
        assert!(
            !got.iter().any(|g| g.contains("afile")),
            "{shell}: {line:?} offers file names: {got:?}"
        );
    }
    let got = complete(dir.path(), "yardtop --db ");
    assert!(
        got.iter().any(|g| g == "afile.csv"),
        "{shell}: --db offers no file: {got:?}"
    );
}

fn check(shell: &str, complete: impl Fn(&Path, &str) -> Vec<String>) {
    let dir = setup(shell);
    for (line, want) in CASES {
        let got = complete(dir.path(), line);
        for w in *want {
            assert!(
                got.iter().any(|g| g == w),
                "{shell}: {line:?} does not offer {w}: {got:?}"
            );
        }
        assert!(
            !got.iter().any(|g| g.contains("afile")),
            "{shell}: {line:?} offers file names: {got:?}"
        );
    }
}

#[test]
fn bash_offers_every_enumerated_value() {
    check("bash", bash);
    no_files("bash", bash);
    // The harness sees what bash would show: a path option offers nothing itself
    // (bash then falls back to file names).
    let dir = setup("bash");
    assert!(bash(dir.path(), "yardtop demo --st").contains(&"--story".to_string()));
}

#[test]
fn zsh_offers_every_enumerated_value() {
    check("zsh", zsh);
    no_files("zsh", zsh);
    let dir = setup("zsh");
    let files = zsh(dir.path(), "yardtop import blocks ");
    assert!(
        files.iter().any(|f| f == "afile.csv"),
        "a file argument offers no file: {files:?}"
    );
}

#[test]
fn fish_offers_every_enumerated_value() {
    check("fish", fish);
    no_files("fish", fish);
    let dir = setup("fish");
    let files = fish(dir.path(), "yardtop import blocks ");
    assert!(
        files.iter().any(|f| f == "afile.csv"),
        "a file argument offers no file: {files:?}"
    );
}
