//! yardtop keeps no summary: its indexes change how fast the figures come, never
//! what they are. On random yards with hostile values, after inserts, updates and
//! deletes, at awkward instants, a database with yardtop's indexes and a bare
//! contract database give the same figures; and `init --existing` on a database an
//! earlier yardtop had equipped with triggers and summary tables removes them all,
//! says so, and changes no row.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::common;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::{params, Connection};

/// Drops everything of yardtop's own, leaving the contract's tables.
fn strip_to_contract(conn: &Connection) {
    let names: Vec<(String, String)> = conn
        .prepare("SELECT type, name FROM sqlite_master WHERE name LIKE 'yt\\_%' ESCAPE '\\' AND type IN ('trigger','table','index')")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (kind, name) in names.iter().filter(|(k, _)| k == "trigger") {
        conn.execute_batch(&format!("DROP {} IF EXISTS {name}", kind.to_uppercase()))
            .unwrap();
    }
    for (kind, name) in names.iter().filter(|(k, _)| k != "trigger") {
        conn.execute_batch(&format!("DROP {} IF EXISTS {name}", kind.to_uppercase()))
            .unwrap();
    }
}

fn random_ts(rng: &mut ChaCha8Rng) -> Option<String> {
    // Around the instants where windows begin and end, and anywhere in three years.
    let anchors = [
        "2026-11-26T09:00:00Z",
        "2026-11-25T16:00:00Z",
        "2025-11-26T09:07:31Z",
        "2025-12-31T16:00:00Z",
        "2024-12-31T16:00:00Z",
        "2026-10-27T16:00:00Z",
        "2026-10-31T16:00:00Z",
        "2024-02-29T04:00:00Z",
    ];
    let base = if rng.random_bool(0.6) {
        common::ts(anchors[rng.random_range(0..anchors.len())])
            + chrono::Duration::seconds(rng.random_range(-2000..2000))
    } else {
        common::ts("2024-01-01T00:00:00Z") + chrono::Duration::seconds(rng.random_range(0..3 * 365 * 86400))
    };
    let base = base + chrono::Duration::milliseconds(rng.random_range(0..1000));
    Some(match rng.random_range(0..10) {
        0 => return None,
        1 => "garbage".into(),
        2 => base.format("%Y-%m-%d %H:%M:%S").to_string(), // no zone: unreadable
        3 => base
            .with_timezone(
                &chrono::FixedOffset::east_opt([8 * 3600, 14 * 3600, -12 * 3600][rng.random_range(0..3)])
                    .unwrap(),
            )
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        4 => base
            .with_timezone(&chrono::FixedOffset::west_opt(5 * 3600 + 1800).unwrap())
            .format("%Y-%m-%dT%H:%M:%S%.3f%:z")
            .to_string(),
        5 => base.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        _ => base.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    })
}

fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

const STATUSES: &[&str] = &[
    "expected", "gated_in", "parked", "hold", "staged", "loaded", "departed", "loaded", "departed", "lost",
];
const POWERTRAINS: &[&str] = &["BEV", "PHEV", "FCEV", "HEV", "ICE", "bev", "ICE", "BEV"];

/// The same random history written into every connection.
fn write_history(conns: &[&Connection], seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut ops: Vec<(String, Vec<rusqlite::types::Value>)> = Vec::new();
    use rusqlite::types::Value as V;
    let text = |s: Option<String>| s.map(V::Text).unwrap_or(V::Null);
    for id in 1..=12 {
        ops.push((
            "INSERT INTO consignments(id, ref, status, planned_units, cutoff_at) VALUES (?1, ?2, ?3, ?4, ?5)"
                .into(),
            vec![
                V::Integer(id),
                V::Text(format!("C{id:02}")),
                V::Text(pick(&mut rng, &["open", "loading", "closed"]).into()),
                V::Integer(rng.random_range(0..40)),
                text(random_ts(&mut rng)),
            ],
        ));
    }
    for n in 0..600 {
        let consignment = match rng.random_range(0..10) {
            0 => V::Null,
            1 => V::Text("abc".into()),
            2 => V::Integer(99), // no such consignment
            _ => V::Integer(rng.random_range(1..=12)),
        };
        ops.push((
            "INSERT INTO vehicles(vin, powertrain, status, loaded_at, consignment_id) VALUES (?1, ?2, ?3, ?4, ?5)".into(),
            vec![V::Text(format!("V{n:04}")), V::Text(pick(&mut rng, POWERTRAINS).into()), V::Text(pick(&mut rng, STATUSES).into()), text(random_ts(&mut rng)), consignment],
        ));
    }
    for _ in 0..400 {
        let vin = V::Text(format!("V{:04}", rng.random_range(0..600)));
        let op = match rng.random_range(0..5) {
            0 => (
                "UPDATE vehicles SET status = ?2 WHERE vin = ?1",
                V::Text(pick(&mut rng, STATUSES).into()),
            ),
            1 => (
                "UPDATE vehicles SET loaded_at = ?2 WHERE vin = ?1",
                text(random_ts(&mut rng)),
            ),
            2 => (
                "UPDATE vehicles SET powertrain = ?2 WHERE vin = ?1",
                V::Text(pick(&mut rng, POWERTRAINS).into()),
            ),
            3 => (
                "UPDATE vehicles SET consignment_id = ?2 WHERE vin = ?1",
                V::Integer(rng.random_range(1..=13)),
            ),
            _ => (
                "DELETE FROM vehicles WHERE vin = ?1 AND ?2 IS NOT 0",
                V::Integer(1),
            ),
        };
        ops.push((op.0.into(), vec![vin, op.1]));
    }
    for _ in 0..200 {
        ops.push((
            "INSERT INTO events(at, vin, kind) VALUES (coalesce(?1, '?'), 'V0001', 'load')".into(),
            vec![text(random_ts(&mut rng))],
        ));
    }
    for conn in conns {
        conn.execute_batch("BEGIN").unwrap();
        for (sql, args) in &ops {
            conn.execute(sql, rusqlite::params_from_iter(args.iter()))
                .unwrap();
        }
        conn.execute_batch("COMMIT").unwrap();
    }
}

const NOWS: &[&str] = &[
    "2026-11-26T09:07:31.250Z", // mid quarter hour
    "2026-11-26T09:00:00Z",
    "2025-06-01T12:00:00Z",     // frozen in the past: later loads exist
    "2028-02-29T23:59:59.999Z", // leap day, nothing recent
];

#[test]
fn indexes_never_change_a_figure() {
    for seed in 1..=4 {
        let with = common::yard("Asia/Shanghai");
        let without = common::yard("Asia/Shanghai");
        strip_to_contract(&without.conn);
        write_history(&[&with.conn, &without.conn], seed);
        assert!(!yardtop::db::lacks_yardtop_indexes(&with.conn));
        assert!(yardtop::db::lacks_yardtop_indexes(&without.conn));
        for now in NOWS {
            let (a, b) = (with.figures(now), without.figures(now));
            assert_eq!(a.exports, b.exports, "seed {seed}, now {now}");
            assert_eq!(a.data_quality, b.data_quality, "seed {seed}, now {now}");
            assert_eq!(a, b, "seed {seed}, now {now}");
        }
    }
}

fn dump(c: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    for t in [
        "vehicles",
        "consignments",
        "events",
        "settings",
        "yard_blocks",
        "vessel_calls",
        "vessels",
    ] {
        let mut stmt = c.prepare(&format!("SELECT * FROM {t} ORDER BY rowid")).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

fn names(c: &Connection, kind: &str) -> Vec<String> {
    c.prepare(
        "SELECT name FROM sqlite_master WHERE type = ?1 AND name LIKE 'yt\\_%' ESCAPE '\\' ORDER BY name",
    )
    .unwrap()
    .query_map([kind], |r| r.get(0))
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn init_existing_removes_an_earlier_versions_triggers_and_tables_without_changing_a_row() {
    let reference = common::yard("Asia/Shanghai");
    let earlier = common::yard("Asia/Shanghai");
    strip_to_contract(&reference.conn);
    strip_to_contract(&earlier.conn);
    // What an earlier yardtop's `init --existing` installed, exactly as it shipped.
    earlier
        .conn
        .execute_batch(include_str!("../data/earlier_indexes.sql"))
        .unwrap();
    earlier
        .conn
        .execute_batch(include_str!("../data/earlier_summaries.sql"))
        .unwrap();
    assert_eq!(names(&earlier.conn, "trigger").len(), 28);
    write_history(&[&reference.conn, &earlier.conn], 9);

    let before = dump(&earlier.conn);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_yardtop"))
        .args(["init", "--existing", "--db"])
        .arg(&earlier.path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(before, dump(&earlier.conn), "init --existing changed a row");
    assert!(names(&earlier.conn, "trigger").is_empty(), "triggers left");
    assert!(names(&earlier.conn, "table").is_empty(), "summary tables left");
    for line in [
        "removed trigger yt_vehicles_export_ins",
        "removed table yt_export_buckets",
        "removed table yt_quality",
        "removed index yt_vehicles_in_yard",
    ] {
        assert!(said.contains(line), "{line:?} not said in:\n{said}");
    }
    assert!(!yardtop::db::lacks_yardtop_indexes(&earlier.conn), "{said}");
    for now in NOWS {
        assert_eq!(reference.figures(now), earlier.figures(now), "now {now}");
    }
    // A vehicle loaded with INSERT OR REPLACE (which fires no delete trigger
    // without recursive_triggers) now counts once.
    for c in [&reference.conn, &earlier.conn] {
        for _ in 0..2 {
            c.execute(
                "INSERT OR REPLACE INTO vehicles(vin, status, loaded_at, powertrain, consignment_id) VALUES ('V0007', 'loaded', ?1, 'BEV', 3)",
                params!["2026-11-26T09:05:00Z"],
            )
            .unwrap();
        }
    }
    assert_eq!(reference.figures(NOWS[0]), earlier.figures(NOWS[0]));
    // Run again, it has nothing left to do.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_yardtop"))
        .args(["init", "--existing", "--db"])
        .arg(&earlier.path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(said.contains("nothing to do"), "{said}");
}
