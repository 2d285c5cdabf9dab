//! `yardtop demo` (README.md, "Commands"): the database it writes, checked with plain SQL, and the
//! command as a user runs it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use chrono::{DateTime, Duration, Utc};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use yardtop::validate::{self, VinVerdict};
use yardtop::writers::demo::{self, Scale, Story};

const NOW: &str = "2026-11-26T09:00:00Z";

fn now() -> DateTime<Utc> {
    yardtop::time::parse_ts(NOW).unwrap()
}

/// A fresh path in the test target's scratch folder.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("demo-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

fn built(name: &str, story: Story, scale: Scale, seed: u64, now: DateTime<Utc>) -> PathBuf {
    let path = scratch(name);
    let summary = demo::build(&path, story, scale, seed, now).unwrap();
    assert_eq!(summary.path, path);
    path
}

/// The default demo, built once for every test that reads it.
fn small() -> &'static Path {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| built("small", Story::Today, Scale::Small, 2023, now()))
}

fn xiamen() -> &'static Path {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let now = demo::Story::Xiamen2023.default_now().unwrap();
        built("xiamen", Story::Xiamen2023, Scale::Small, 2023, now)
    })
}

fn open(path: &Path) -> Connection {
    Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

fn int(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Every table's schema and rows in rowid order, as text.
fn dump(path: &Path) -> String {
    let conn = open(path);
    let mut out = String::new();
    let mut tables = conn
        .prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        .unwrap();
    let schema: Vec<(String, String, Option<String>)> = tables
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (kind, name, sql) in &schema {
        writeln!(out, "{kind} {name}: {}", sql.as_deref().unwrap_or("")).unwrap();
        if kind != "table" {
            continue;
        }
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{name}\" ORDER BY rowid"))
            .unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                match row.get_ref(i).unwrap() {
                    ValueRef::Null => out.push_str("NULL"),
                    ValueRef::Integer(v) => write!(out, "{v}").unwrap(),
                    ValueRef::Real(v) => write!(out, "{v:?}").unwrap(),
                    ValueRef::Text(t) => write!(out, "{:?}", String::from_utf8_lossy(t)).unwrap(),
                    ValueRef::Blob(b) => write!(out, "{b:?}").unwrap(),
                }
                out.push('|');
            }
            out.push('\n');
        }
    }
    out
}

/// `sqlite3 DB .dump`, when the CLI is installed.
fn sqlite3_dump(path: &Path) -> Option<Vec<u8>> {
    let out = Command::new("sqlite3").arg(path).arg(".dump").output().ok()?;
    out.status.success().then_some(out.stdout)
}

#[test]
fn same_seed_and_now_give_the_same_database() {
    let a = built("same-a", Story::Today, Scale::Vehicles(6000), 7, now());
    let b = built("same-b", Story::Today, Scale::Vehicles(6000), 7, now());
    let (da, db) = (dump(&a), dump(&b));
    assert!(da.len() > 100_000, "the dump is suspiciously small");
    assert!(da == db, "two builds with the same seed and --now differ");
    if let (Some(x), Some(y)) = (sqlite3_dump(&a), sqlite3_dump(&b)) {
        assert!(x == y, "sqlite3 .dump differs");
    }
}

#[test]
fn another_seed_or_now_gives_another_database() {
    let a = built("seed-a", Story::Today, Scale::Vehicles(5000), 1, now());
    let b = built("seed-b", Story::Today, Scale::Vehicles(5000), 2, now());
    let c = built(
        "seed-c",
        Story::Today,
        Scale::Vehicles(5000),
        1,
        now() + Duration::hours(1),
    );
    let (da, db, dc) = (dump(&a), dump(&b), dump(&c));
    assert_ne!(da, db);
    assert_ne!(da, dc);
}

#[test]
fn every_vin_is_valid_and_unique_and_every_imo_and_locode() {
    let conn = open(small());
    let mut stmt = conn.prepare("SELECT vin FROM vehicles").unwrap();
    let vins: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(vins.len() >= 5000, "only {} vehicles", vins.len());
    for vin in &vins {
        assert!(vin.starts_with('L'), "{vin} is not a Chinese VIN");
        assert_eq!(validate::vin(vin), VinVerdict::Valid, "{vin}");
    }
    let distinct = int(&conn, "SELECT count(DISTINCT vin) FROM vehicles");
    assert_eq!(distinct as usize, vins.len());
    let unknown_vins = int(
        &conn,
        "SELECT count(*) FROM events WHERE vin NOT IN (SELECT vin FROM vehicles)",
    );
    assert_eq!(unknown_vins, 0);
    let mut stmt = conn.prepare("SELECT imo, capacity_ceu FROM vessels").unwrap();
    let vessels: Vec<(i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (imo, ceu) in vessels {
        assert!(validate::imo(imo).is_ok(), "IMO {imo}");
        assert!((4000..=9000).contains(&ceu), "{ceu} CEU");
    }
    let mut stmt = conn
        .prepare("SELECT DISTINCT destination FROM consignments")
        .unwrap();
    let dests: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(dests.len() >= 8);
    for d in dests {
        assert!(validate::locode(&d).is_ok(), "{d}");
    }
}

#[test]
fn the_yard_keeps_its_rules() {
    let conn = open(small());
    let in_yard = "status IN ('gated_in', 'parked', 'hold', 'staged')";
    let nev = "powertrain IN ('BEV', 'PHEV', 'FCEV')";
    let n = int(&conn, &format!("SELECT count(*) FROM vehicles WHERE {in_yard}"));
    assert!((2000..=8000).contains(&n), "{n} vehicles in the yard");
    // One vehicle per slot, every slot inside its block, no block over capacity.
    let shared = int(
        &conn,
        "SELECT count(*) FROM (SELECT block, row, slot FROM vehicles WHERE block IS NOT NULL GROUP BY 1, 2, 3 HAVING count(*) > 1)",
    );
    assert_eq!(shared, 0, "slots with two vehicles");
    let outside = int(
        &conn,
        "SELECT count(*) FROM vehicles v LEFT JOIN yard_blocks b ON b.code = v.block WHERE v.block IS NOT NULL AND (b.code IS NULL OR v.row NOT BETWEEN 1 AND b.rows OR v.slot NOT BETWEEN 1 AND b.slots_per_row)",
    );
    assert_eq!(outside, 0, "vehicles outside their block");
    let over = int(
        &conn,
        "SELECT count(*) FROM yard_blocks b WHERE (SELECT count(*) FROM vehicles v WHERE v.block = b.code) > b.rows * b.slots_per_row",
    );
    assert_eq!(over, 0, "blocks over capacity");
    // Occupancy looks like a working yard.
    let mut stmt = conn
        .prepare("SELECT code, 1.0 * (SELECT count(*) FROM vehicles v WHERE v.block = b.code) / (rows * slots_per_row) FROM yard_blocks b")
        .unwrap();
    let occupancy: Vec<(String, f64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (code, occ) in &occupancy {
        assert!(
            (0.5..=0.95).contains(occ),
            "block {code} is {:.0}% full",
            occ * 100.0
        );
    }
    // Only vehicles in the yard hold a slot; all of them but those at the gate do.
    let misplaced = int(
        &conn,
        &format!(
            "SELECT count(*) FROM vehicles WHERE (block IS NOT NULL) <> ({in_yard} AND status <> 'gated_in')"
        ),
    );
    assert_eq!(misplaced, 0);
    // All five zones, with codes by zone.
    let zones = int(&conn, "SELECT count(DISTINCT zone) FROM yard_blocks");
    assert_eq!(zones, 5);
    let codes = int(
        &conn,
        "SELECT count(*) FROM yard_blocks WHERE substr(code, 1, 1) <> CASE zone WHEN 'nev' THEN 'N' WHEN 'ice' THEN 'I' WHEN 'staging' THEN 'S' WHEN 'inspection' THEN 'X' WHEN 'quarantine' THEN 'Q' END",
    );
    assert_eq!(codes, 0);
    // NEVs never in an ICE block, conventional cars never in an NEV block.
    let nev_in_ice = int(
        &conn,
        &format!("SELECT count(*) FROM vehicles v JOIN yard_blocks b ON b.code = v.block WHERE b.zone = 'ice' AND v.{nev}"),
    );
    assert_eq!(nev_in_ice, 0);
    let ice_in_nev = int(
        &conn,
        &format!("SELECT count(*) FROM vehicles v JOIN yard_blocks b ON b.code = v.block WHERE b.zone = 'nev' AND NOT v.{nev}"),
    );
    assert_eq!(ice_in_nev, 0);
    // Holds of every reason, and only on held vehicles.
    for reason in ["customs", "damage", "battery", "documents", "other"] {
        let held = int(
            &conn,
            &format!("SELECT count(*) FROM vehicles WHERE status = 'hold' AND hold_reason = '{reason}'"),
        );
        assert!(held > 0, "no {reason} hold");
    }
    let stray = int(
        &conn,
        "SELECT count(*) FROM vehicles WHERE (status = 'hold') <> (hold_reason IS NOT NULL)",
    );
    assert_eq!(stray, 0);
    // Every powertrain; a few dozen makers' models.
    for p in ["BEV", "PHEV", "FCEV", "HEV", "ICE"] {
        let k = int(
            &conn,
            &format!("SELECT count(*) FROM vehicles WHERE {in_yard} AND powertrain = '{p}'"),
        );
        assert!(k > 0, "no {p} in the yard");
    }
    assert!(int(&conn, "SELECT count(DISTINCT make) FROM vehicles") >= 10);
    assert!(int(&conn, "SELECT count(DISTINCT model) FROM vehicles") >= 40);
}

#[test]
fn the_yard_has_every_case_the_dashboard_flags() {
    let conn = open(small());
    let yard_nev =
        "status IN ('gated_in', 'parked', 'hold', 'staged') AND powertrain IN ('BEV', 'PHEV', 'FCEV')";
    let fresh = format!("soc_checked_at >= '{}'", ts(now() - Duration::hours(72)));
    let count = |cond: &str| {
        int(
            &conn,
            &format!("SELECT count(*) FROM vehicles WHERE {yard_nev} AND {cond}"),
        )
    };
    let all = count("1");
    let over = count(&format!("soc_pct > 50 AND {fresh}"));
    let under = count(&format!("soc_pct < 20 AND {fresh}"));
    let in_band = count(&format!("soc_pct BETWEEN 20 AND 50 AND {fresh}"));
    let stale = count(&format!("soc_pct IS NOT NULL AND NOT {fresh}"));
    let never = count("soc_pct IS NULL");
    assert!(in_band * 10 > all * 7, "most NEVs in band: {in_band} of {all}");
    for (what, n) in [
        ("over", over),
        ("under", under),
        ("stale", stale),
        ("never checked", never),
    ] {
        assert!(n > 0 && n * 10 < all, "{what}: {n} of {all}");
    }
    assert!(
        count(&format!("status = 'staged' AND soc_pct > 50 AND {fresh}")) > 0,
        "no staged NEV over the limit (the critical alert)"
    );
    let long = int(
        &conn,
        &format!(
            "SELECT count(*) FROM vehicles WHERE status IN ('gated_in', 'parked', 'hold', 'staged') AND gate_in_at < '{}'",
            ts(now() - Duration::days(14))
        ),
    );
    assert!(long > 0, "no long dwellers");
    // Consignments: open and loading ones; the loading ones load about 200 an hour.
    let pending = int(
        &conn,
        "SELECT count(*) FROM consignments WHERE status IN ('open', 'loading')",
    );
    assert!(pending >= 8);
    let hour_ago = ts(now() - Duration::hours(1));
    let mut stmt = conn
        .prepare(&format!(
            "SELECT c.call_id, count(v.vin) FROM consignments c JOIN vehicles v ON v.consignment_id = c.id WHERE c.status = 'loading' AND v.status IN ('loaded', 'departed') AND v.loaded_at >= '{hour_ago}' GROUP BY c.call_id"
        ))
        .unwrap();
    let uph: Vec<(i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(uph.len() >= 2, "calls loading: {uph:?}");
    for (call, n) in uph {
        assert!(
            (150..=260).contains(&n),
            "call {call} loaded {n} in the last hour"
        );
    }
    let statuses = int(&conn, "SELECT count(DISTINCT status) FROM vessel_calls");
    assert_eq!(statuses, 3, "calls expected, alongside and departed");
    let sizes = int(
        &conn,
        "SELECT count(*) FROM consignments WHERE status <> 'cancelled' AND planned_units NOT BETWEEN 200 AND 4000",
    );
    assert_eq!(sizes, 0);
    // At-risk and passed cut-offs exist: delivered short of planned near the cut-off.
    let at_risk = int(
        &conn,
        &format!(
            "SELECT count(*) FROM consignments c WHERE status IN ('open', 'loading') AND cutoff_at <= '{}' AND (SELECT count(*) FROM vehicles v WHERE v.consignment_id = c.id AND v.status <> 'expected') < planned_units",
            ts(now() + Duration::hours(24))
        ),
    );
    assert!(at_risk > 0);
}

#[test]
fn history_spans_thirteen_months_and_nev_exports_grow() {
    let conn = open(small());
    let exported = "status IN ('loaded', 'departed') AND loaded_at IS NOT NULL";
    let first: String = conn
        .query_row(
            &format!("SELECT min(loaded_at) FROM vehicles WHERE {exported}"),
            [],
            |r| r.get(0),
        )
        .unwrap();
    let first = yardtop::time::parse_ts(&first).unwrap();
    assert!(now() - first >= Duration::days(395), "history starts {first}");
    let months = int(
        &conn,
        &format!("SELECT count(DISTINCT substr(loaded_at, 1, 7)) FROM vehicles WHERE {exported}"),
    );
    assert!(months >= 14);
    let nev = "powertrain IN ('BEV', 'PHEV', 'FCEV')";
    // 2026 up to now, and 2025 up to the same instant, port time (UTC+8).
    let this = int(
        &conn,
        &format!("SELECT count(*) FROM vehicles WHERE {exported} AND {nev} AND loaded_at >= '2025-12-31T16:00:00Z' AND loaded_at <= '{NOW}'"),
    );
    let last = int(
        &conn,
        &format!("SELECT count(*) FROM vehicles WHERE {exported} AND {nev} AND loaded_at >= '2024-12-31T16:00:00Z' AND loaded_at <= '2025-11-26T09:00:00Z'"),
    );
    let ratio = this as f64 / last as f64;
    assert!(
        (2.0..=5.0).contains(&ratio),
        "NEV YoY ×{ratio:.2} ({this} / {last})"
    );
    let today = int(
        &conn,
        &format!("SELECT count(*) FROM vehicles WHERE {exported} AND loaded_at >= '2026-11-25T16:00:00Z'"),
    );
    assert!(today > 0, "nothing exported today");
    let closed = int(&conn, "SELECT count(*) FROM consignments WHERE status = 'closed'");
    assert!(closed >= 50);
}

#[test]
fn events_tell_each_vehicles_story_in_time_order() {
    let conn = open(small());
    let future = int(&conn, &format!("SELECT count(*) FROM events WHERE at > '{NOW}'"));
    assert_eq!(future, 0);
    let backwards = int(
        &conn,
        "SELECT count(*) FROM events a JOIN events b ON b.id = a.id + 1 WHERE b.at < a.at",
    );
    assert_eq!(backwards, 0, "event ids do not follow time");
    let shape = int(
        &conn,
        "SELECT count(*) FROM events WHERE at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'",
    );
    assert_eq!(shape, 0, "timestamps not in UTC RFC 3339 with Z");
    // Every vehicle that came through the gate has its gate-in; every parked one
    // its park; every NEV reading its check; every held one its hold.
    for (who, kind) in [
        ("gate_in_at IS NOT NULL", "gate_in"),
        ("status NOT IN ('expected', 'gated_in')", "park"),
        ("soc_checked_at IS NOT NULL", "soc_check"),
        ("status = 'hold'", "hold"),
        ("status = 'staged'", "stage"),
        ("status IN ('loaded', 'departed')", "load"),
        ("status = 'departed'", "depart"),
    ] {
        let missing = int(
            &conn,
            // NOT IN a list read once: yardtop adds no index on events(vin) (it would
            // slow the writers' bulk inserts), so a correlated lookup would scan.
            &format!("SELECT count(*) FROM vehicles v WHERE {who} AND v.vin NOT IN (SELECT vin FROM events WHERE kind = '{kind}' AND vin IS NOT NULL)"),
        );
        assert_eq!(missing, 0, "vehicles ({who}) without a {kind} event");
    }
    let soc_detail = int(
        &conn,
        "SELECT count(*) FROM vehicles v WHERE soc_checked_at IS NOT NULL AND (v.vin, v.soc_checked_at, 'SoC ' || CAST(v.soc_pct AS INTEGER) || '%') NOT IN (SELECT vin, at, detail FROM events WHERE kind = 'soc_check' AND vin IS NOT NULL AND detail IS NOT NULL)",
    );
    assert_eq!(soc_detail, 0, "last SoC reading not in the event log");
    let order = int(
        &conn,
        "SELECT count(*) FROM vehicles WHERE gate_in_at > updated_at OR loaded_at < gate_in_at OR soc_checked_at < gate_in_at",
    );
    assert_eq!(order, 0);
    // Nothing is a data-quality problem.
    yardtop::db::value::register_functions(&conn).unwrap();
    for table in yardtop::db::quality::ALL_TABLES {
        let counts = yardtop::db::quality::scan(&conn, table).unwrap();
        assert_eq!(counts.rows, 0, "{table}: {:?}", counts.by_kind);
    }
    let settings: String = conn
        .query_row("SELECT group_concat(value, ',') FROM (SELECT value FROM settings WHERE key IN ('port_name', 'port_locode', 'timezone') ORDER BY key)", [], |r| r.get(0))
        .unwrap();
    assert_eq!(settings, "CNXMN,Xiamen Port,Asia/Shanghai");
}

#[test]
fn a_demo_database_has_no_trigger_and_no_table_of_yardtops() {
    let db = built("summaries", Story::Today, Scale::Vehicles(5000), 5, now());
    let conn = Connection::open(&db).unwrap();
    let n = int(
        &conn,
        "SELECT count(*) FROM sqlite_master WHERE type IN ('trigger', 'table') AND name LIKE 'yt\\_%' ESCAPE '\\'",
    );
    assert_eq!(n, 0);
    assert!(
        !yardtop::db::lacks_yardtop_indexes(&conn),
        "the demo has yardtop's indexes"
    );
}

#[test]
fn xiamen_2023_tells_the_seeds_story() {
    let conn = open(xiamen());
    let exported_nev =
        "status IN ('loaded', 'departed') AND loaded_at IS NOT NULL AND powertrain IN ('BEV', 'PHEV', 'FCEV')";
    // 2023 in Xiamen (UTC+8) up to 2023-05-31 23:00, and the same period of 2022.
    let this = int(
        &conn,
        &format!("SELECT count(*) FROM vehicles WHERE {exported_nev} AND loaded_at >= '2022-12-31T16:00:00Z' AND loaded_at <= '2023-05-31T15:00:00Z'"),
    );
    let last = int(
        &conn,
        &format!("SELECT count(*) FROM vehicles WHERE {exported_nev} AND loaded_at >= '2021-12-31T16:00:00Z' AND loaded_at <= '2022-05-31T15:00:00Z'"),
    );
    assert!(this > 43_000, "NEV exports in 2023: {this}");
    let ratio = this as f64 / last as f64;
    assert!((4.5..=5.5).contains(&ratio), "×{ratio:.2} ({this} / {last})");
    let record = conn
        .query_row(
            "SELECT c.id, count(*), sum(v.powertrain IN ('BEV', 'PHEV', 'FCEV')), date(max(v.loaded_at), '+8 hours'), c.brand, c.destination, min(v.make), max(v.make) \
             FROM vehicles v JOIN consignments c ON c.id = v.consignment_id \
             WHERE v.status IN ('loaded', 'departed') AND v.loaded_at IS NOT NULL \
             GROUP BY c.id ORDER BY 2 DESC, c.id LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                ))
            },
        )
        .unwrap();
    let (id, units, nevs, day, brand, dest, make_lo, make_hi) = record;
    assert_eq!(units, i64::from(demo::RECORD_UNITS));
    assert_eq!((units, nevs), (3061, 1722));
    assert_eq!(day, "2023-05-28");
    assert_eq!((brand.as_str(), dest.as_str()), ("MG", "GBBRS"));
    assert_eq!((make_lo.as_str(), make_hi.as_str()), ("MG", "MG"));
    let first_day = int(
        &conn,
        &format!("SELECT count(*) FROM vehicles WHERE consignment_id = {id} AND date(loaded_at, '+8 hours') <> '2023-05-28'"),
    );
    assert_eq!(first_day, 0, "the record was loaded in one day");
    let nev_kinds = int(
        &conn,
        &format!("SELECT count(*) FROM vehicles WHERE consignment_id = {id} AND powertrain = 'FCEV'"),
    );
    assert_eq!(nev_kinds, 0, "the record's NEVs are BEVs and PHEVs");
    let rivals = int(
        &conn,
        &format!("SELECT count(*) FROM (SELECT consignment_id FROM vehicles WHERE status IN ('loaded', 'departed') AND loaded_at IS NOT NULL AND consignment_id <> {id} GROUP BY 1 HAVING count(*) >= 3061)"),
    );
    assert_eq!(rivals, 0);
    let future = int(
        &conn,
        "SELECT count(*) FROM events WHERE at > '2023-05-31T15:00:00Z'",
    );
    assert_eq!(future, 0);
    let tz: String = conn
        .query_row("SELECT value FROM settings WHERE key = 'timezone'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(tz, "Asia/Shanghai");
}

fn ts(t: DateTime<Utc>) -> String {
    yardtop::time::fmt_utc(t)
}

// ---- the command as a user runs it ----

fn yardtop(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_yardtop"));
    for var in [
        "YARDTOP_DB",
        "YARDTOP_CONFIG",
        "YARDTOP_NOW",
        "YARDTOP_TZ",
        "YARDTOP_ASCII",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .current_dir(dir);
    cmd
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap()
}

#[test]
fn yardtop_check_finds_nothing_wrong_with_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    // A smaller yard than the default: `check` reads every row, slowly in a debug build.
    let db = built("check", Story::Today, Scale::Vehicles(20_000), 11, now());
    let out = run(yardtop(dir.path())
        .arg("--db")
        .arg(&db)
        .args(["--now", NOW, "check"]));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn no_tui_prints_only_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let out = run(yardtop(dir.path())
        .arg("--db")
        .arg(&db)
        .args(["--now", NOW, "demo", "--no-tui", "--scale", "5000"]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("{}\n", db.display()));
    assert!(out.stderr.is_empty(), "stderr: {}", text(&out.stderr));
    let conn = open(&db);
    assert_eq!(int(&conn, "SELECT count(*) FROM vehicles"), 5000);
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(int(&conn, "PRAGMA user_version"), 1);
}

#[test]
fn an_existing_database_given_with_db_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    std::fs::write(&db, b"a supervisor's own yard").unwrap();
    let out = run(yardtop(dir.path())
        .arg("--db")
        .arg(&db)
        .args(["demo", "--no-tui", "--scale", "5000"]));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        text(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read(&db).unwrap(), b"a supervisor's own yard");
}

#[test]
fn the_default_demo_file_is_replaced_on_every_run() {
    let dir = tempfile::tempdir().unwrap();
    let expected = dir.path().join("data").join("yardtop").join("demo.db");
    let mut paths = Vec::new();
    for seed in ["1", "2"] {
        let out = run(yardtop(dir.path()).args([
            "--now", NOW, "demo", "--no-tui", "--scale", "5000", "--seed", seed,
        ]));
        assert!(out.status.success(), "{}", text(&out.stderr));
        paths.push(text(&out.stdout));
    }
    assert_eq!(paths[0], format!("{}\n", expected.display()));
    assert_eq!(paths[0], paths[1]);
    assert_eq!(int(&open(&expected), "SELECT count(*) FROM vehicles"), 5000);
}

#[test]
fn bad_arguments_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["demo", "--no-tui", "--scale", "huge"],
        vec!["demo", "--no-tui", "--scale", "10"],
        vec!["demo", "--no-tui", "--story", "rotterdam"],
        vec!["demo", "--no-tui", "--story", "xiamen-2023", "--scale", "port"],
    ] {
        let out = run(yardtop(dir.path())
            .arg("--db")
            .arg(dir.path().join("x.db"))
            .args(&args));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
        let err = text(&out.stderr);
        assert!(err.starts_with("yardtop: ") && !err.contains("panicked"), "{err}");
        assert!(!dir.path().join("x.db").exists(), "{args:?} left a file");
    }
}
