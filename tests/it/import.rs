//! `yardtop import` as a user runs it: the real binary on real files, the database
//! then read back with SQL (README.md, "Commands").
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

use crate::common::{text, yardtop};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use rusqlite::Connection;
use tempfile::TempDir;
use yardtop::validate::vin_check_digit;

const KINDS: [&str; 6] = ["blocks", "vessels", "calls", "consignments", "vehicles", "events"];

struct Yard {
    dir: TempDir,
    db: PathBuf,
}

/// A fresh database from `yardtop init`.
fn fresh() -> Yard {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yard.db");
    let out = yardtop(dir.path())
        .arg("--db")
        .arg(&db)
        .args([
            "--tz",
            "Asia/Shanghai",
            "init",
            "--port-name",
            "Xiamen Port",
            "--locode",
            "CNXMN",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "init failed: {}", text(&out.stderr));
    Yard { dir, db }
}

impl Yard {
    fn file(&self, name: &str, content: &str) -> PathBuf {
        self.bytes(name, content.as_bytes())
    }

    fn bytes(&self, name: &str, content: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    fn import(&self, kind: &str, file: &Path, extra: &[&str]) -> Output {
        yardtop(self.dir.path())
            .arg("--db")
            .arg(&self.db)
            .args(["import", kind])
            .arg(file)
            .args(extra)
            .output()
            .unwrap()
    }

    /// Imports an example file, which must go in cleanly.
    fn example(&self, kind: &str) -> Output {
        let out = self.import(kind, &example(kind), &[]);
        assert_eq!(out.status.code(), Some(0), "{kind}: {}", text(&out.stderr));
        out
    }

    /// Blocks, vessels, calls and consignments of the examples: what vehicles and
    /// events refer to.
    fn with_reference_data(self) -> Self {
        for kind in &KINDS[..4] {
            self.example(kind);
        }
        self
    }

    fn count(&self, sql: &str) -> i64 {
        let conn = Connection::open(&self.db).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn string(&self, sql: &str) -> String {
        let conn = Connection::open(&self.db).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

fn example(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/examples")
        .join(format!("{kind}.csv"))
}

/// A Chinese (SAIC MG) VIN with a correct check digit, numbered `n`.
fn mg_vin(n: u32) -> String {
    let draft = format!("LSJW74U90TN{n:06}");
    let d = vin_check_digit(&draft).unwrap();
    format!("{}{d}{}", &draft[..8], &draft[9..])
}

const VEHICLE_HEADER: &str =
    "vin,make,model,powertrain,soc_pct,consignment_id,status,hold_reason,block,row,slot";

fn vehicle(vin: &str) -> String {
    format!("{vin},MG,MG4 Electric,BEV,45,1002,parked,,N01,1,1")
}

#[test]
fn examples_import_in_order_into_a_fresh_database() {
    let y = fresh();
    let expected = [
        ("blocks", "yard_blocks", 8, "blocks"),
        ("vessels", "vessels", 3, "vessels"),
        ("calls", "vessel_calls", 3, "vessel calls"),
        ("consignments", "consignments", 8, "consignments"),
        ("vehicles", "vehicles", 35, "vehicles"),
        ("events", "events", 21, "events"),
    ];
    for (kind, table, rows, noun) in expected {
        let out = y.example(kind);
        let said = text(&out.stdout);
        assert!(
            said.contains(&format!("imported {rows} {noun} into")),
            "{kind}: {said}"
        );
        assert_eq!(y.count(&format!("SELECT count(*) FROM {table}")), rows, "{table}");
    }
    // What the examples are meant to show arrived intact.
    assert_eq!(
        y.count("SELECT count(*) FROM vehicles WHERE status = 'hold' AND hold_reason IS NOT NULL"),
        3
    );
    assert_eq!(
        y.count("SELECT count(*) FROM vehicles WHERE powertrain IN ('BEV','PHEV','FCEV')"),
        24
    );
    assert_eq!(
        y.count("SELECT count(*) FROM vehicles WHERE vin NOT LIKE 'L%'"),
        0
    );
    assert_eq!(
        y.count("SELECT count(*) FROM consignments WHERE destination = 'GBBRS'"),
        1
    );
    assert_eq!(y.count("SELECT count(*) FROM events WHERE at NOT LIKE '%Z'"), 0);
    // The settings of `init` are untouched by imports.
    assert_eq!(
        y.string("SELECT value FROM settings WHERE key = 'port_locode'"),
        "CNXMN"
    );
    // Importing the same file again is refused whole: every row is a duplicate.
    let again = y.import("blocks", &example("blocks"), &[]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("blocks.csv:2: column code: \"N01\" is already in the database"));
    assert_eq!(y.count("SELECT count(*) FROM yard_blocks"), 8);
}

#[test]
fn two_bad_lines_import_nothing_and_both_are_reported() {
    let y = fresh().with_reference_data();
    let csv = [
        VEHICLE_HEADER.to_string(),
        vehicle(&mg_vin(1)),
        // line 3: an unknown powertrain
        format!("{},MG,MG4 Electric,electric,45,1002,parked,,N01,1,2", mg_vin(2)),
        vehicle(&mg_vin(3)).replace(",1,1", ",1,3"),
        // line 5: SoC over 100%
        format!("{},MG,MG4 Electric,BEV,145,1002,parked,,N01,1,4", mg_vin(4)),
        vehicle(&mg_vin(5)).replace(",1,1", ",1,5"),
    ]
    .join("\n");
    let f = y.file("mixed.csv", &csv);
    let out = y.import("vehicles", &f, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("mixed.csv:3: column powertrain: \"electric\" is not one of the accepted values: BEV, PHEV, FCEV, HEV, ICE"), "{err}");
    assert!(err.contains("mixed.csv:5: column soc_pct:"), "{err}");
    assert!(
        !err.contains("mixed.csv:2:") && !err.contains("mixed.csv:4:"),
        "{err}"
    );
    assert!(err.contains("nothing imported: 2 of the 5 rows"), "{err}");
    assert_eq!(y.count("SELECT count(*) FROM vehicles"), 0);
    assert!(text(&out.stdout).is_empty());
}

#[test]
fn skip_invalid_imports_the_good_rows_and_writes_the_rejects_with_reasons() {
    let y = fresh().with_reference_data();
    let csv = [
        VEHICLE_HEADER.to_string(),
        vehicle(&mg_vin(1)),
        format!("{},MG,MG4 Electric,BEV,45,1002,hold,,N01,1,2", mg_vin(2)),
        vehicle(&mg_vin(3)).replace(",1,1", ",1,3"),
        format!("{},MG,\"MG4, Electric\",BEV,45,4242,parked,,N01,1,4", mg_vin(4)),
    ]
    .join("\r\n");
    let f = y.file("mixed.csv", &csv);
    let rejects = y.dir.path().join("rejects.csv");
    let out = y.import(
        "vehicles",
        &f,
        &["--skip-invalid", "--rejects", rejects.to_str().unwrap()],
    );
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(said.contains("imported 2 vehicles into"), "{said}");
    assert!(said.contains("rejected 2 (see "), "{said}");
    assert_eq!(y.count("SELECT count(*) FROM vehicles"), 2);
    assert_eq!(
        y.count(&format!(
            "SELECT count(*) FROM vehicles WHERE vin IN ('{}', '{}')",
            mg_vin(1),
            mg_vin(3)
        )),
        2
    );

    let mut r = csv::Reader::from_path(&rejects).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header.join(","), format!("{VEHICLE_HEADER},reason"));
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][0], mg_vin(2));
    assert!(
        rows[0][11].contains("column hold_reason: is required when status is hold"),
        "{:?}",
        rows[0]
    );
    assert_eq!(&rows[1][0], mg_vin(4));
    assert_eq!(
        &rows[1][2], "MG4, Electric",
        "original fields are kept as they were"
    );
    assert!(rows[1][11].contains("column consignment_id: there is no consignment with id 4242"));

    // A rejects file, fixed, imports again: its reason column is ignored.
    let fixed = std::fs::read_to_string(&rejects)
        .unwrap()
        .replace("hold,,N01", "hold,battery,N01")
        .replace(",4242,", ",1002,");
    let f2 = y.file("fixed.csv", &fixed);
    let again = y.import("vehicles", &f2, &[]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert_eq!(y.count("SELECT count(*) FROM vehicles"), 4);
}

#[test]
fn chinese_vin_check_digit_is_enforced_european_only_warned() {
    let y = fresh().with_reference_data();
    // A real MG VIN with its last digit changed: the check digit no longer fits.
    let bad_l = "LSJA24U62JG269226";
    let bad_w = "WVWZZZ1KZ6W000001"; // ISO 3779 gives 1, not Z
    let f = y.file("l.csv", &format!("{VEHICLE_HEADER}\n{}\n", vehicle(bad_l)));
    let out = y.import("vehicles", &f, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("l.csv:2: column vin:") && err.contains("check digit"),
        "{err}"
    );
    assert_eq!(y.count("SELECT count(*) FROM vehicles"), 0);

    let f = y.file("w.csv", &format!("{VEHICLE_HEADER}\n{}\n", vehicle(bad_w)));
    let out = y.import("vehicles", &f, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("w.csv:2: warning: column vin:") && err.contains("check digit"),
        "{err}"
    );
    assert_eq!(
        y.count(&format!("SELECT count(*) FROM vehicles WHERE vin = '{bad_w}'")),
        1
    );
}

#[test]
fn vin_shape_is_checked() {
    let y = fresh().with_reference_data();
    let csv = format!(
        "{VEHICLE_HEADER}\n{}\n{}\n",
        vehicle("LSJA24U62JG26922"),
        vehicle("LSJA24U62JG2692O5").replace(",1,1", ",1,2")
    );
    let out = y.import("vehicles", &y.file("v.csv", &csv), &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("v.csv:2: column vin:") && err.contains("17 characters"),
        "{err}"
    );
    assert!(
        err.contains("v.csv:3: column vin:") && err.contains("letter O"),
        "{err}"
    );
}

#[test]
fn bad_imo_check_digit_is_rejected() {
    let y = fresh();
    let f = y.file(
        "v.csv",
        "imo,name,capacity_ceu\n9074729,Good Ship,6500\n9074728,Bad Ship,6500\n",
    );
    let out = y.import("vessels", &f, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("v.csv:3: column imo: IMO 9074728 fails its check digit"),
        "{err}"
    );
    assert!(!err.contains("v.csv:2:"), "{err}");
    assert_eq!(y.count("SELECT count(*) FROM vessels"), 0);
}

#[test]
fn unknown_enum_lists_the_accepted_values() {
    let y = fresh();
    let f = y.file("b.csv", "code,zone,rows,slots_per_row\nN01,electric,10,10\n");
    let out = y.import("blocks", &f, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("b.csv:2: column zone: \"electric\" is not one of the accepted values: nev, ice, staging, inspection, quarantine"),
        "{err}"
    );
}

#[test]
fn enum_case_is_forgiven_and_stored_as_the_contract_spells_it() {
    let y = fresh();
    let f = y.file("b.csv", "Code,Zone,Rows,Slots_Per_Row\nN01,NEV,10,10\n");
    let out = y.import("blocks", &f, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(y.string("SELECT zone FROM yard_blocks"), "nev");
}

#[test]
fn missing_file_is_named_in_words() {
    let y = fresh();
    let missing = y.dir.path().join("nope.csv");
    let out = y.import("vehicles", &missing, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("nope.csv") && err.contains("does not exist"),
        "{err}"
    );
    assert!(!err.contains("Os {") && !err.contains("panicked"), "{err}");
}

#[test]
fn missing_database_is_exit_2_and_writes_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db");
    let out = yardtop(dir.path())
        .arg("--db")
        .arg(&db)
        .args(["import", "blocks"])
        .arg(example("blocks"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("yardtop init"));
    assert!(!db.exists());
}

#[test]
fn unknown_and_missing_columns_are_named() {
    let y = fresh();
    let f = y.file("v.csv", "vin,colour,powertrain\nLSJA24U62JG269225,red,BEV\n");
    let out = y.import("vehicles", &f, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("v.csv:1: unknown column \"colour\""), "{err}");
    assert!(err.contains("v.csv:1: missing required column status"), "{err}");
    assert_eq!(y.count("SELECT count(*) FROM vehicles"), 0);
}

#[test]
fn duplicates_in_the_file_and_in_the_database_are_refused() {
    let y = fresh().with_reference_data();
    let csv = "ref,call_id,status\nXMN-NEW-1,102,open\nXMN-NEW-1,102,open\nXMN26-1102-MG-BRS,102,open\n";
    let out = y.import("consignments", &y.file("c.csv", csv), &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("c.csv:3: column ref: \"XMN-NEW-1\" is a duplicate of line 2"),
        "{err}"
    );
    assert!(
        err.contains("c.csv:4: column ref: \"XMN26-1102-MG-BRS\" is already in the database"),
        "{err}"
    );
    assert_eq!(y.count("SELECT count(*) FROM consignments"), 8);
}

#[test]
fn holds_and_places_follow_the_yard_rules() {
    let y = fresh().with_reference_data();
    let csv = [
        VEHICLE_HEADER.to_string(),
        format!("{},MG,MG4,BEV,45,1002,hold,,N01,1,1", mg_vin(1)),
        format!("{},MG,MG4,BEV,45,1002,parked,damage,N01,1,2", mg_vin(2)),
        format!("{},MG,MG4,BEV,45,1002,parked,,N03,17,1", mg_vin(3)),
        format!("{},MG,MG4,BEV,45,1002,parked,,N03,1,26", mg_vin(4)),
        format!("{},MG,MG4,BEV,45,1002,parked,,,3,4", mg_vin(5)),
        format!("{},MG,MG4,BEV,45,1002,parked,,Z99,1,1", mg_vin(6)),
        format!("{},MG,MG4,BEV,45,1002,hold,battery,Q01,1,1", mg_vin(7)),
    ]
    .join("\n");
    let out = y.import("vehicles", &y.file("v.csv", &csv), &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    for want in [
        "v.csv:2: column hold_reason: is required when status is hold",
        "v.csv:3: column hold_reason: must be empty unless status is hold",
        "v.csv:4: column row: 17 is outside block N03, which has 16 rows",
        "v.csv:5: column slot: 26 is outside block N03, which has 25 slots per row",
        "v.csv:6: column row: is given but block is empty",
        "v.csv:7: column block: there is no yard block \"Z99\"",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    assert!(!err.contains("v.csv:8:"), "{err}");
}

#[test]
fn events_must_refer_to_known_vehicles_and_times_are_stored_in_utc() {
    let y = fresh().with_reference_data();
    y.example("vehicles");
    let csv = "at,vin,kind,detail\n\
               2026-11-26T17:00:00+08:00,LGXCE4CB5S6114503,soc_check,41%\n\
               2026-11-26T09:05:00Z,LSJA24U62JG269225,park,N01\n\
               2026-11-26 09:06:00,,depart,\n\
               2026-11-26T09:07:00Z,,Gate In,\n";
    let out = y.import("events", &y.file("e.csv", csv), &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("e.csv:3: column vin: there is no vehicle \"LSJA24U62JG269225\""),
        "{err}"
    );
    assert!(
        err.contains("e.csv:4: column at:") && err.contains("no time zone"),
        "{err}"
    );
    assert!(err.contains("e.csv:5: column kind:"), "{err}");

    let good = y.file(
        "ok.csv",
        "at,vin,kind\n2026-11-26T17:00:00+08:00,LGXCE4CB5S6114503,soc_check\n",
    );
    let out = y.import("events", &good, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(y.string("SELECT at FROM events"), "2026-11-26T09:00:00Z");
}

#[test]
fn empty_file_header_only_and_blank_rows() {
    let y = fresh();
    let out = y.import("blocks", &y.file("empty.csv", ""), &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("empty.csv is empty") && err.contains("header row"),
        "{err}"
    );

    let out = y.import(
        "blocks",
        &y.file("head.csv", "code,zone,rows,slots_per_row\n"),
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("imported 0 blocks"));

    // Spreadsheets leave rows of bare commas; a UTF-8 byte order mark starts the file.
    let out = y.import(
        "blocks",
        &y.file(
            "bom.csv",
            "\u{feff}code,zone,rows,slots_per_row\nN01,nev,10,10\n,,,\n\nN02,nev,10,10\n",
        ),
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(y.count("SELECT count(*) FROM yard_blocks"), 2);
}

#[test]
fn invalid_utf8_and_malformed_lines_are_reported_with_their_line() {
    let y = fresh();
    let f = y.bytes(
        "b.csv",
        b"code,zone,rows,slots_per_row\nN01,nev,10,10\nN\xff2,nev,10,10\nN03,nev,10\n\"N04\nX\",nev,10,10,9\nN05,nev,10,10\n",
    );
    let out = y.import("blocks", &f, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("b.csv:3: column code: is not UTF-8 text"), "{err}");
    assert!(err.contains("b.csv:4: has 3 fields, the header has 4"), "{err}");
    assert!(err.contains("b.csv:5: has 5 fields, the header has 4"), "{err}");
    assert!(!err.contains("b.csv:7:"), "{err}");
    assert_eq!(y.count("SELECT count(*) FROM yard_blocks"), 0);
}

#[test]
fn rejects_needs_skip_invalid_and_never_overwrites_the_input() {
    let y = fresh();
    let f = y.file("b.csv", "code,zone,rows,slots_per_row\nN01,nev,10,10\n");
    let out = y.import("blocks", &f, &["--rejects", "r.csv"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let out = y.import(
        "blocks",
        &f,
        &["--skip-invalid", "--rejects", f.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("is the file being imported"));
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        "code,zone,rows,slots_per_row\nN01,nev,10,10\n"
    );
}

#[test]
fn a_killed_import_leaves_the_database_as_it_was() {
    let y = fresh().with_reference_data();
    let path = y.dir.path().join("big.csv");
    {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        writeln!(w, "vin,powertrain,status,consignment_id").unwrap();
        for n in 0..400_000 {
            writeln!(w, "{},BEV,loaded,1002", mg_vin(n)).unwrap();
        }
    }
    let mut child = yardtop(y.dir.path())
        .arg("--db")
        .arg(&y.db)
        .args(["import", "vehicles"])
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let finished_early = child.try_wait().unwrap().is_some();
    assert!(
        !finished_early,
        "the import ended before it could be killed; make the file bigger"
    );
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    assert_eq!(y.count("SELECT count(*) FROM vehicles"), 0);
    assert_eq!(y.string("PRAGMA integrity_check"), "ok");
    // And the database is writable again straight away.
    y.example("vehicles");
    assert_eq!(y.count("SELECT count(*) FROM vehicles"), 35);
}

#[test]
fn every_problem_of_a_line_is_reported_at_once() {
    let y = fresh().with_reference_data();
    let csv = format!(
        "{VEHICLE_HEADER}\n{},MG,MG4 Electric,diesel,45,9999,parked,,N01,1,99\n",
        mg_vin(1)
    );
    let out = y.import("vehicles", &y.file("v.csv", &csv), &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    for want in [
        "v.csv:2: column powertrain: \"diesel\" is not one of the accepted values",
        "v.csv:2: column consignment_id: there is no consignment with id 9999",
        "v.csv:2: column slot: 99 is outside block N01",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    assert!(
        err.contains("nothing imported: the only row of ") && err.contains("v.csv has problems"),
        "{err}"
    );
}

#[test]
fn events_imported_twice_are_not_duplicated() {
    let y = fresh().with_reference_data();
    y.example("vehicles");
    y.example("events");
    assert_eq!(y.count("SELECT count(*) FROM events"), 21);

    // By default a second import is refused whole, each event named.
    let again = y.import("events", &example("events"), &[]);
    let err = text(&again.stderr);
    assert_eq!(again.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "events.csv:2: the same event (depart at 2026-11-20T06:00:00Z) is already in the database"
        ) && err.contains("import with --update"),
        "{err}"
    );
    assert_eq!(y.count("SELECT count(*) FROM events"), 21);

    // With --update the events already there are left alone and counted.
    let again = y.import("events", &example("events"), &["--update"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains("imported 21 events into")
            && text(&again.stdout).contains(": 0 inserted, 0 updated, 21 unchanged"),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(y.count("SELECT count(*) FROM events"), 21);

    // A feed of the last few minutes: two events already there, one new.
    let feed = y.file(
        "feed.csv",
        "at,vin,kind,detail\n\
         2026-11-26T08:46:00Z,LGXCH6CD7T8351231,load,\"call 102 HXP2612W, deck 7\"\n\
         2026-11-26T16:55:00+08:00,LVVDB21B9TD602454,gate_in,\"truck 闽D·3F608, gate 1\"\n\
         2026-11-26T09:02:00Z,LVVDB21B9TD602454,park,N02 row 1 slot 4\n",
    );
    let out = y.import("events", &feed, &["--update"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("1 inserted, 0 updated, 2 unchanged"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(y.count("SELECT count(*) FROM events"), 22);

    // The same event twice in one file is a mistake the default mode names.
    let twice = y.file(
        "twice.csv",
        "at,vin,kind\n2026-11-26T09:10:00Z,LVVDB21B9TD602454,soc_check\n2026-11-26T09:10:00Z,LVVDB21B9TD602454,soc_check\n",
    );
    let out = y.import("events", &twice, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("twice.csv:3: the same event (soc_check of LVVDB21B9TD602454 at 2026-11-26T09:10:00Z) is on line 2 already"), "{err}");
    assert_eq!(y.count("SELECT count(*) FROM events"), 22);
}

#[test]
fn update_changes_vehicles_by_vin_and_keeps_what_the_file_lacks() {
    let y = fresh().with_reference_data();
    y.example("vehicles");
    y.example("events");
    let nio = "LJ1EEASP5T1093552"; // on battery hold in Q01 at 62%
    let rowid = y.count(&format!("SELECT rowid FROM vehicles WHERE vin = '{nio}'"));
    // The yard system's feed: a reading, a release, and one vehicle as it was.
    let feed = y.file(
        "feed.csv",
        &format!(
            "vin,soc_pct,soc_checked_at,status,hold_reason,block,row,slot\n\
             {nio},48,2026-11-26T08:58:00Z,parked,,N03,1,3\n\
             LJ1EEASP5T1093518,48,2026-11-25T16:20:00Z,parked,,N03,1,1\n"
        ),
    );
    let out = y.import("vehicles", &feed, &["--update"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("imported 2 vehicles into")
            && text(&out.stdout).contains(": 0 inserted, 1 updated, 1 unchanged"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(y.count("SELECT count(*) FROM vehicles"), 35);
    assert_eq!(
        y.string(&format!(
            "SELECT status || ' ' || block || ' ' || soc_pct || ' ' || coalesce(hold_reason, '-') || ' ' || make || ' ' || gate_in_at FROM vehicles WHERE vin = '{nio}'"
        )),
        "parked N03 48.0 - NIO 2026-11-25T14:14:00Z"
    );
    // Updated in place, never deleted and inserted again: its events stay its own.
    assert_eq!(
        y.count(&format!("SELECT rowid FROM vehicles WHERE vin = '{nio}'")),
        rowid
    );
    assert_eq!(
        y.count(&format!("SELECT count(*) FROM events WHERE vin = '{nio}'")),
        4
    );
    // The same feed again changes nothing.
    let out = y.import("vehicles", &feed, &["--update"]);
    assert!(
        text(&out.stdout).contains(": 0 inserted, 0 updated, 2 unchanged"),
        "{}",
        text(&out.stdout)
    );

    // A new vehicle needs what the contract requires; an update is judged whole.
    let feed = y.file(
        "partial.csv",
        &format!(
            "vin,status\n{}\nLSJW74U96TN208332,hold\n",
            format_args!("{},parked", mg_vin(77))
        ),
    );
    let out = y.import("vehicles", &feed, &["--update"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("partial.csv:2: column powertrain: is required for a new vehicle, and the file has no powertrain column"), "{err}");
    assert!(
        err.contains("partial.csv:3: column hold_reason: is required when status is hold"),
        "{err}"
    );
    assert_eq!(y.count("SELECT count(*) FROM vehicles"), 35);
    assert_eq!(
        y.string("SELECT status FROM vehicles WHERE vin = 'LSJW74U96TN208332'"),
        "staged"
    );

    // With --skip-invalid the good rows go in and the rest are set aside.
    let feed = y.file(
        "mixed.csv",
        &format!(
            "vin,powertrain,status\n{},BEV,gated_in\nLSJW74U96TN208332,PHEV,hold\n",
            mg_vin(77)
        ),
    );
    let rejects = y.dir.path().join("r.csv");
    let out = y.import(
        "vehicles",
        &feed,
        &[
            "--update",
            "--skip-invalid",
            "--rejects",
            rejects.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(": 1 inserted, 0 updated, 0 unchanged, rejected 1"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(y.count("SELECT count(*) FROM vehicles"), 36);
}

#[test]
fn update_changes_reference_data_by_its_key() {
    let y = fresh().with_reference_data();
    let f = y.file(
        "c.csv",
        "ref,cutoff_at,status\nXMN26-1104-CHERY-VER,2026-11-28T04:00:00Z,open\nXMN26-1101-BYD-MEL,2026-11-18T12:00:00Z,closed\n",
    );
    let out = y.import("consignments", &f, &["--update"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("0 inserted, 1 updated, 1 unchanged"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        y.string("SELECT cutoff_at || ' ' || planned_units || ' ' || id FROM consignments WHERE ref = 'XMN26-1104-CHERY-VER'"),
        "2026-11-28T04:00:00Z 5 1004"
    );
    // The id vehicles refer to cannot move to another number.
    let f = y.file("id.csv", "id,ref,status\n1099,XMN26-1104-CHERY-VER,open\n");
    let out = y.import("consignments", &f, &["--update"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("id.csv:2: column id: is 1004 in the database for this consignment; it cannot change"),
        "{err}"
    );

    let f = y.file("b.csv", "code,rows\nN03,18\n");
    let out = y.import("blocks", &f, &["--update"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        y.string("SELECT zone || ' ' || rows || ' ' || slots_per_row FROM yard_blocks WHERE code = 'N03'"),
        "nev 18 25"
    );
    // Calls have no key but their id: --update needs it.
    let f = y.file("calls.csv", "imo,voyage,status\n9417232,HXP2612W,departed\n");
    let out = y.import("calls", &f, &["--update"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("missing required column id (--update finds vessel calls by their id)"),
        "{}",
        text(&out.stderr)
    );
    // An update never goes through INSERT OR REPLACE: the settings and other rows stay.
    assert_eq!(y.count("SELECT count(*) FROM yard_blocks"), 8);
}

#[test]
fn semicolon_and_tab_exports_are_read_by_their_header() {
    let y = fresh();
    // Excel in most of Europe: semicolons, a byte order mark, CRLF.
    let f = y.file(
        "b.csv",
        "\u{feff}code;zone;rows;slots_per_row\r\nN01;nev;10;10\r\nN02;ice;10;12\r\n",
    );
    let out = y.import("blocks", &f, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("reading fields separated by ';'"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(y.count("SELECT sum(slots_per_row) FROM yard_blocks"), 22);

    let f = y.file("v.tsv", "imo\tname\tcapacity_ceu\n9074729\tJimei Voyager\t8500\n");
    let out = y.import("vessels", &f, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(y.string("SELECT name FROM vessels"), "Jimei Voyager");

    // Decimal commas come with semicolons.
    let f = y.file(
        "veh.csv",
        &format!(
            "vin;powertrain;soc_pct;status;block;row;slot\n{};BEV;45,5;parked;N01;1;1\n",
            mg_vin(1)
        ),
    );
    let out = y.import("vehicles", &f, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(y.string("SELECT CAST(soc_pct AS TEXT) FROM vehicles"), "45.5");

    // Told the wrong separator, the message says which one the file seems to use.
    let f = y.file("b2.csv", "code;zone;rows;slots_per_row\nN09;nev;10;10\n");
    let out = y.import("blocks", &f, &["--delimiter", ","]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("unknown column \"code;zone;rows;slots_per_row\"") && err.contains("--delimiter ';'"),
        "{err}"
    );
}

#[test]
fn day_first_local_times_are_read_in_port_time_and_stored_in_utc() {
    let y = fresh().with_reference_data();
    y.example("vehicles");
    let f = y.file(
        "e.csv",
        "at;vin;kind;detail\n28/11/2026 14:00;LVVDB21B9TD602454;park;N02\n2026-11-28T07:00:00Z;LVVDB21B9TD602454;soc_check;41%\n",
    );
    let out = y.import("events", &f, &["--date-format", "%d/%m/%Y %H:%M"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("as Asia/Shanghai time"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        y.string("SELECT group_concat(at, ' ') FROM (SELECT at FROM events ORDER BY at)"),
        "2026-11-28T06:00:00Z 2026-11-28T07:00:00Z"
    );
    // --tz says another zone for the file's times.
    let f = y.file("l.csv", "at,vin,kind\n28/11/2026 14:00,LVVDB21B9TD602454,move\n");
    let out = y.import(
        "events",
        &f,
        &["--date-format", "%d/%m/%Y %H:%M", "--tz", "Europe/London"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        y.string("SELECT at FROM events WHERE kind = 'move'"),
        "2026-11-28T14:00:00Z"
    );

    // A time that does not fit is named by its line; a bad form is a usage error.
    let f = y.file(
        "bad.csv",
        "at,vin,kind\n28/11/2026 14:00,,note\n11/28/2026 14:00,,note\n",
    );
    let out = y.import("events", &f, &["--date-format", "%d/%m/%Y %H:%M"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("bad.csv:3: column at: \"11/28/2026 14:00\" does not match --date-format \"%d/%m/%Y %H:%M\" (e.g. 28/05/2023 14:05)"), "{err}");
    assert!(!err.contains("bad.csv:2:"), "{err}");
    let out = y.import("events", &f, &["--date-format", "%d/%m/%Q"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("--date-format"),
        "{}",
        text(&out.stderr)
    );
    // Without --date-format the message says how to read such a file.
    let out = y.import("events", &f, &[]);
    assert!(
        text(&out.stderr).contains("--date-format '%d/%m/%Y %H:%M'"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(y.count("SELECT count(*) FROM events"), 3);
}

#[test]
fn update_on_a_table_without_its_key_says_how_to_add_it() {
    let y = fresh();
    // Another system rebuilt the table without the contract's UNIQUE ref.
    Connection::open(&y.db)
        .unwrap()
        .execute_batch(
            "CREATE TABLE c2 AS SELECT * FROM consignments; DROP TABLE consignments;
             ALTER TABLE c2 RENAME TO consignments;",
        )
        .unwrap();
    let f = y.file("c.csv", "ref,status\nXMN-1,open\n");
    let out = y.import("consignments", &f, &["--update"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("no PRIMARY KEY or UNIQUE constraint")
            && err.contains("CREATE UNIQUE INDEX consignments_ref ON consignments(ref)"),
        "{err}"
    );
    Connection::open(&y.db)
        .unwrap()
        .execute_batch("CREATE UNIQUE INDEX consignments_ref ON consignments(ref)")
        .unwrap();
    let out = y.import("consignments", &f, &["--update"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(y.count("SELECT count(*) FROM consignments"), 1);
}
