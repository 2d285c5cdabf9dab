//! Journals and checkpoints: attacks on the reader's kept facts (see `cache_attack`).

use super::*;

/// Every rollback journal mode in turn, with writes in each.
#[test]
fn every_journal_mode_in_turn() {
    let y = Yard::new();
    let w = y.w();
    let mut cache = started(&y);
    for (i, mode) in ["DELETE", "TRUNCATE", "PERSIST", "MEMORY", "OFF", "WAL"]
        .iter()
        .enumerate()
    {
        attack(
            &y,
            &mut cache,
            &format!("journal_mode {mode} and an update"),
            || {
                pragma(&w, &format!("PRAGMA journal_mode = {mode}"));
                w.execute(
                    "UPDATE vehicles SET status = 'loaded', loaded_at = ?1 WHERE rowid BETWEEN ?2 AND ?3",
                    params![
                        stamp(now() - Duration::minutes(i as i64 + 1)),
                        rowid(i as i64),
                        rowid(i as i64) + 40 * STEP
                    ],
                )
                .unwrap();
            },
        );
    }
}

/// Checkpoints of each kind between two refreshes, with changes on both sides, and
/// a log kept short by `journal_size_limit`.
#[test]
fn checkpoints_between_two_refreshes() {
    let y = Yard::new();
    let w = y.w();
    run(
        &w,
        "PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 0;",
    );
    let mut cache = started(&y);
    for (i, kind) in ["TRUNCATE", "RESTART", "PASSIVE", "FULL"].iter().enumerate() {
        let i = i as i64;
        attack(
            &y,
            &mut cache,
            &format!("an update, checkpoint {kind}, an update"),
            || {
                let t = stamp(now() - Duration::minutes(i + 1));
                w.execute(
                    "UPDATE vehicles SET status = 'loaded', loaded_at = ?1 WHERE rowid = ?2",
                    params![t, rowid(i + 1)],
                )
                .unwrap();
                pragma(&w, &format!("PRAGMA wal_checkpoint({kind})"));
                w.execute(
                    "UPDATE vehicles SET status = 'staged' WHERE rowid = ?1",
                    params![rowid(i + 8)],
                )
                .unwrap();
            },
        );
        attack(
            &y,
            &mut cache,
            &format!("checkpoint {kind} after an update"),
            || {
                w.execute(
                    "UPDATE vehicles SET status = 'departed', loaded_at = ?1 WHERE rowid = ?2",
                    params![stamp(now() - Duration::hours(2)), rowid(i + 4)],
                )
                .unwrap();
                pragma(&w, &format!("PRAGMA wal_checkpoint({kind})"));
            },
        );
    }
}

/// A writer that connects for each write and closes: as the last connection, it
/// checkpoints and deletes the log, so the reader finds no log and must tell by
/// the database file alone. Python's sqlite3 and the sqlite3 CLI, as a terminal's
/// scripts use them.
#[test]
fn writers_that_close_after_each_write() {
    let y = Yard::new();
    let mut cache = started(&y);
    for i in 0..4i64 {
        attack(&y, &mut cache, &format!("python write {i}"), || {
            let code = format!(
                "import sqlite3, sys\n\
                 c = sqlite3.connect(sys.argv[1])\n\
                 c.execute(\"UPDATE vehicles SET status = 'loaded', loaded_at = '{}' WHERE rowid = {}\")\n\
                 c.commit()\n\
                 c.close()\n",
                stamp(now() - Duration::minutes(i + 1)),
                rowid(i + 2)
            );
            let out = Command::new("python3")
                .arg("-c")
                .arg(&code)
                .arg(&y.path)
                .output()
                .expect("python3 is needed by this test");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            assert!(!y.side("-wal").exists() || std::fs::metadata(y.side("-wal")).unwrap().len() == 0);
        });
        attack(&y, &mut cache, &format!("sqlite3 CLI write {i}"), || {
            let out = Command::new("sqlite3")
                .arg(&y.path)
                .arg(format!(
                    "UPDATE vehicles SET status = 'parked', block = 'I01' WHERE rowid = {}",
                    rowid(i + 7) - 2 * STEP
                ))
                .output()
                .expect("the sqlite3 CLI is needed by this test");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        });
    }
}
