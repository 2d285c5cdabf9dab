//! `import_csv`: any bytes as the CSV file of `yardtop import KIND FILE`, run through
//! the library's own entry point (`writers::import::run`) into a fresh yard database.
//!
//! The first byte chooses: bits 0-2 the KIND (blocks, vessels, calls, consignments,
//! vehicles, events; 6 and 7 wrap), bit 6 whether the yard already holds the example
//! reference data of assets/examples (so that vehicles and events can refer to
//! blocks, consignments and VINs that exist), bit 7 `--skip-invalid --rejects`. The
//! rest is the file.
//!
//! - the import never panics;
//! - a failed import (an error) leaves every table exactly as it was: all or nothing;
//! - a successful import changes no table but its own and yardtop's summaries, and
//!   adds no data-quality problem (what it imports, the dashboard can read);
//! - with `--skip-invalid`, the rejects file is CSV with the header's columns plus
//!   `reason`, and every one of its rows has a reason.

use std::path::Path;
use std::sync::OnceLock;

use rusqlite::types::ValueRef;
use rusqlite::Connection;

use yardtop::cli::{ImportArgs, ImportKind};
use yardtop::writers::ctx::Ctx;

const KINDS: [ImportKind; 6] = [
    ImportKind::Blocks,
    ImportKind::Vessels,
    ImportKind::Calls,
    ImportKind::Consignments,
    ImportKind::Vehicles,
    ImportKind::Events,
];

fn table_of(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Blocks => "yard_blocks",
        ImportKind::Vessels => "vessels",
        ImportKind::Calls => "vessel_calls",
        ImportKind::Consignments => "consignments",
        ImportKind::Vehicles => "vehicles",
        ImportKind::Events => "events",
    }
}

/// The example files, in the order they import cleanly.
const EXAMPLES: [(ImportKind, &str); 6] = [
    (
        ImportKind::Blocks,
        include_str!("../../assets/examples/blocks.csv"),
    ),
    (
        ImportKind::Vessels,
        include_str!("../../assets/examples/vessels.csv"),
    ),
    (ImportKind::Calls, include_str!("../../assets/examples/calls.csv")),
    (
        ImportKind::Consignments,
        include_str!("../../assets/examples/consignments.csv"),
    ),
    (
        ImportKind::Vehicles,
        include_str!("../../assets/examples/vehicles.csv"),
    ),
    (
        ImportKind::Events,
        include_str!("../../assets/examples/events.csv"),
    ),
];

fn ctx(db: &Path) -> Ctx {
    Ctx {
        db: db.to_path_buf(),
        db_explicit: true,
        db_from_env: false,
        now: yardtop::time::parse_ts("2026-11-26T09:00:00Z"),
        tz: None,
    }
}

/// The empty yard, and the yard holding the examples.
fn templates() -> &'static (Vec<u8>, Vec<u8>) {
    static T: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    T.get_or_init(|| {
        let empty = super::fresh_yard_bytes(Some("Asia/Shanghai"), |_| {});
        let dir = super::scratch_dir();
        let db = dir.path().join("examples.db");
        std::fs::write(&db, &empty).expect("copy the template");
        for (i, (kind, text)) in EXAMPLES.iter().enumerate() {
            let file = dir.path().join(format!("{i}.csv"));
            std::fs::write(&file, text).expect("write an example");
            let args = ImportArgs {
                kind: *kind,
                file,
                skip_invalid: false,
                rejects: None,
                update: false,
                delimiter: None,
                date_format: None,
            };
            yardtop::writers::import::run(&ctx(&db), &args).expect("the examples import");
        }
        let conn = Connection::open(&db).expect("open");
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .expect("checkpoint");
        drop(conn);
        (empty, std::fs::read(&db).expect("read"))
    })
}

/// Every row of every table, as text, table by table.
fn contents(db: &Path) -> Vec<(String, Vec<String>)> {
    let conn = Connection::open(db).expect("open the database after the import");
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .expect("tables");
    let tables: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .expect("tables");
    tables
        .into_iter()
        .map(|t| {
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY rowid"))
                .or_else(|_| conn.prepare(&format!("SELECT * FROM \"{t}\"")))
                .expect("read table");
            let n = stmt.column_count();
            let mut rows = stmt.query([]).expect("rows");
            let mut out = Vec::new();
            while let Some(row) = rows.next().expect("row") {
                let mut line = String::new();
                for i in 0..n {
                    match row.get_ref(i).expect("value") {
                        ValueRef::Null => line.push_str("NULL"),
                        ValueRef::Integer(v) => line.push_str(&v.to_string()),
                        ValueRef::Real(v) => line.push_str(&format!("{v:?}")),
                        ValueRef::Text(b) => line.push_str(&format!("'{}'", String::from_utf8_lossy(b))),
                        ValueRef::Blob(b) => line.push_str(&format!("x{b:?}")),
                    }
                    line.push('|');
                }
                out.push(line);
            }
            (t, out)
        })
        .collect()
}

fn problems(db: &Path) -> u64 {
    let conn = yardtop::db::open_read_only(db).expect("the imported database opens");
    let now = yardtop::time::parse_ts("2026-11-26T09:00:00Z").expect("now");
    let figures = yardtop::figures::compute(&conn, now).expect("figures of an imported yard");
    figures.data_quality.problems
}

pub fn check(data: &[u8]) {
    let Some((&sel, csv)) = data.split_first() else {
        return;
    };
    let kind = KINDS[(sel & 7) as usize % KINDS.len()];
    let populated = sel & 0x40 != 0;
    let skip = sel & 0x80 != 0;
    let (empty, examples) = templates();

    let dir = super::scratch_dir();
    let db = dir.path().join("yard.db");
    std::fs::write(&db, if populated { examples } else { empty }).expect("copy the template");
    let file = dir.path().join("input.csv");
    std::fs::write(&file, csv).expect("write the input");
    let rejects = dir.path().join("rejects.csv");

    let before = contents(&db);
    let problems_before = problems(&db);
    let args = ImportArgs {
        kind,
        file,
        skip_invalid: skip,
        rejects: skip.then(|| rejects.clone()),
        update: false,
        delimiter: None,
        date_format: None,
    };
    let result = yardtop::writers::import::run(&ctx(&db), &args);
    let after = contents(&db);
    let what = format!(
        "import {kind:?} (skip_invalid {skip}, populated {populated}) of {}",
        super::shown(csv)
    );

    match result {
        Err(e) => {
            assert_eq!(before, after, "{what} failed ({e}) but changed the database");
            assert!(!rejects.exists(), "{what} failed ({e}) but left a rejects file");
        }
        Ok(code) => {
            assert_eq!(code, 0, "{what}: exit code");
            let own = table_of(kind);
            for ((t, a), (t2, b)) in before.iter().zip(&after) {
                assert_eq!(t, t2, "{what}: the tables changed");
                if t != own && !t.starts_with("yt_") && t != "sqlite_sequence" {
                    assert_eq!(a, b, "{what} changed table {t}");
                }
            }
            assert_eq!(before.len(), after.len(), "{what}: the tables changed");
            let problems_after = problems(&db);
            assert_eq!(
                problems_before, problems_after,
                "{what} imported rows the dashboard counts as data-quality problems"
            );
            if skip {
                check_rejects(&rejects, csv, &what);
            }
        }
    }
}

/// The rejects file: the input's header plus `reason` (unless it had one), the same
/// number of fields on every line, a reason on every row.
fn check_rejects(path: &Path, input: &[u8], what: &str) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{what}: no rejects file: {e}"));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut records = reader.byte_records();
    let header = records
        .next()
        .unwrap_or_else(|| panic!("{what}: the rejects file has no header"))
        .unwrap_or_else(|e| panic!("{what}: the rejects file is not CSV: {e}"));
    let reason_at = header
        .iter()
        .position(|f| String::from_utf8_lossy(f).trim().eq_ignore_ascii_case("reason"))
        .unwrap_or_else(|| panic!("{what}: the rejects header has no reason column"));
    let _ = input;
    for rec in records {
        let rec = rec.unwrap_or_else(|e| panic!("{what}: the rejects file is not CSV: {e}"));
        assert_eq!(rec.len(), header.len(), "{what}: a rejects row of another width");
        assert!(
            !rec.get(reason_at).unwrap_or(b"").is_empty(),
            "{what}: a rejected row without a reason"
        );
    }
}
