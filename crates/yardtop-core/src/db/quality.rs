//! Data-quality checks (what docs/database.md calls unreadable values): per table,
//! the kinds of unreadable or missing value and the SQL condition that finds each.
//! Timestamps are judged by `yt_ts_ok`, the Rust reader itself (see `value`), so
//! that these counts and the figures read in Rust never disagree. An empty string
//! is a missing value, as NULL is.

use rusqlite::Connection;

pub use crate::db::quality_counts::QualityCounts;
use crate::db::sql::text_ok;

/// The tables the dashboard's refresh checks: every table a figure reads. `events`
/// feeds no figure (Activity shows it as written) and is millions of rows, so its
/// problems are listed by `yardtop check`, not re-counted on every refresh.
pub const TABLES: [&str; 5] = [
    "vehicles",
    "yard_blocks",
    "vessel_calls",
    "consignments",
    "vessels",
];

/// Every table `check` reads, for tests that compare the two.
pub const ALL_TABLES: [&str; 6] = [
    "vehicles",
    "yard_blocks",
    "vessel_calls",
    "consignments",
    "vessels",
    "events",
];

/// `(kind, condition true when the row has that problem)` for `table`, columns
/// prefixed with `r`.
pub fn checks(table: &str, r: &str) -> Vec<(&'static str, String)> {
    let c = |col: &str| format!("{r}{col}");
    // The value with '' read as NULL.
    let v = |col: &str| format!("nullif({r}{col}, '')");
    let texts = |cols: &[&str]| {
        cols.iter()
            .map(|col| text_ok(&c(col)))
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    let times = |cols: &[&str]| {
        cols.iter()
            .map(|col| format!("yt_ts_ok({}) = 1", c(col)))
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    // A whole REAL (3.0) is an integer as pandas writes a nullable one.
    let not_int = |col: &str| {
        format!(
            "({0} IS NOT NULL AND typeof({0}) <> 'integer' AND NOT (typeof({0}) = 'real' AND {0} = CAST({0} AS INTEGER)))",
            v(col)
        )
    };
    let unknown = |col: &str, values: &str| format!("{0} IS NOT NULL AND {0} NOT IN ({values})", v(col));
    match table {
        "vehicles" => vec![
            ("missing_vin", format!("{} IS NULL", v("vin"))),
            ("missing_value", format!("{} IS NULL OR {} IS NULL", v("status"), v("powertrain"))),
            ("unknown_status", unknown("status", "'expected','gated_in','parked','hold','staged','loaded','departed'")),
            ("unknown_powertrain", unknown("powertrain", "'BEV','PHEV','FCEV','HEV','ICE'")),
            ("unknown_hold_reason", format!(
                "({}) OR ({} IS 'hold' AND {} IS NULL)",
                unknown("hold_reason", "'customs','damage','battery','documents','other'"),
                c("status"), v("hold_reason"))),
            ("bad_timestamp", format!("NOT ({})", times(&["gate_in_at", "loaded_at", "soc_checked_at", "updated_at"]))),
            ("bad_number", format!(
                "({0} IS NOT NULL AND (typeof({0}) NOT IN ('integer','real') OR {0} < 0 OR {0} > 100)) OR {1} OR {2} OR {3}",
                v("soc_pct"), not_int("row"), not_int("slot"), not_int("consignment_id"))),
            ("bad_text", format!("NOT ({})", texts(&["vin", "make", "model", "powertrain", "status", "hold_reason", "block"]))),
        ],
        "yard_blocks" => vec![
            ("unknown_zone", format!("{0} IS NULL OR {0} NOT IN ('nev','ice','staging','inspection','quarantine')", v("zone"))),
            ("bad_number", format!(
                "{} IS NULL OR {} OR {} IS NULL OR {} OR {} < 0 OR {} < 0",
                v("rows"), not_int("rows"), v("slots_per_row"), not_int("slots_per_row"), c("rows"), c("slots_per_row"))),
            ("bad_text", format!("NOT ({})", texts(&["code", "zone"]))),
        ],
        "vessel_calls" => vec![
            ("unknown_status", format!("{0} IS NULL OR {0} NOT IN ('expected','alongside','departed')", v("status"))),
            ("bad_timestamp", format!("NOT ({})", times(&["eta", "etd"]))),
            ("bad_number", not_int("imo")),
            ("bad_text", format!("NOT ({})", texts(&["voyage", "berth", "status"]))),
        ],
        "consignments" => vec![
            ("unknown_status", format!("{0} IS NULL OR {0} NOT IN ('open','loading','closed','cancelled')", v("status"))),
            ("bad_timestamp", format!("NOT ({})", times(&["cutoff_at"]))),
            ("bad_number", format!(
                "({0} IS NOT NULL AND {0} < 0) OR {1} OR {2}",
                v("planned_units"), not_int("planned_units"), not_int("call_id"))),
            ("bad_text", format!("NOT ({})", texts(&["ref", "brand", "destination", "status"]))),
        ],
        "vessels" => vec![
            ("bad_number", not_int("capacity_ceu")),
            ("bad_text", format!("NOT ({})", texts(&["name"]))),
        ],
        "events" => vec![
            ("bad_timestamp", format!("{} IS NULL OR yt_ts_ok({}) = 0", v("at"), c("at"))),
            ("bad_text", format!("NOT ({})", texts(&["vin", "kind", "detail"]))),
        ],
        _ => Vec::new(),
    }
}

/// `coalesce(cond, 0) <> 0`: a condition that is NULL is no problem.
pub fn flag(cond: &str) -> String {
    format!("(coalesce(({cond}), 0) <> 0)")
}

/// True when the row has any problem.
pub fn any(checks: &[(&'static str, String)]) -> String {
    checks
        .iter()
        .map(|(_, cond)| flag(cond))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// Counts the rows of `table` with each problem, in one pass over the table.
pub fn scan(conn: &Connection, table: &str) -> rusqlite::Result<QualityCounts> {
    if table == "vehicles" {
        return crate::db::quality_vehicles::scan(conn);
    }
    scan_sql(conn, table)
}

/// `scan` by the SQL conditions of `checks`.
pub fn scan_sql(conn: &Connection, table: &str) -> rusqlite::Result<QualityCounts> {
    let checks = checks(table, "");
    let cols: Vec<String> = checks
        .iter()
        .map(|(_, cond)| format!("coalesce(sum({}), 0)", flag(cond)))
        .collect();
    let sql = format!(
        "SELECT {}, coalesce(sum({}), 0) FROM {table}",
        cols.join(", "),
        any(&checks)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    stmt.query_row([], |row| {
        let mut by_kind = Vec::new();
        for (i, (kind, _)) in checks.iter().enumerate() {
            by_kind.push((*kind, row.get::<_, i64>(i)?.max(0) as u64));
        }
        Ok(QualityCounts {
            by_kind,
            rows: row.get::<_, i64>(checks.len())?.max(0) as u64,
        })
    })
}

#[cfg(test)]
mod vehicles_tests {
    use super::*;
    use crate::db::quality_vehicles::scan;

    #[test]
    fn the_rust_scan_counts_as_the_sql_checks_do() {
        let conn = Connection::open_in_memory().unwrap();
        crate::db::value::register_functions(&conn).unwrap();
        conn.execute_batch(crate::db::SCHEMA_SQL).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO vehicles(vin, powertrain, status) VALUES ('A', 'BEV', 'parked'), ('', 'BEV', 'parked'),
                 ('B', '', 'parked'), ('C', 'BEV', ''), ('D', 'bev', 'PARKED'), ('E', 5, 7), (x'41', 'ICE', 'hold');
             INSERT INTO vehicles(vin, status, hold_reason) VALUES ('F', 'hold', ''), ('G', 'parked', 'weather'),
                 ('H', 'hold', x'00'), ('I', 'hold', 'battery');
             INSERT INTO vehicles(vin, powertrain, status, soc_pct, soc_checked_at, gate_in_at, loaded_at, updated_at)
                 VALUES ('J', 'BEV', 'parked', '', '', '', '', ''), ('K', 'BEV', 'parked', 'full', 'now', 3, 4.5, x'00'),
                 ('L', 'BEV', 'parked', 101, '2026-11-26T09:00:00Z', '2026-11-26 09:00:00+08:00', NULL, '2026-11-26T09:00:00.5Z'),
                 ('M', 'BEV', 'parked', -0.5, '2026-13-26T09:00:00Z', NULL, NULL, NULL),
                 ('N', 'PHEV', 'loaded', 100, '2026-11-26T09:00:00Z' || char(0) || 'x', NULL, NULL, NULL);
             INSERT INTO vehicles(vin, powertrain, status, consignment_id, row, slot) VALUES
                 ('O', 'ICE', 'parked', 3.0, 1, 2), ('P', 'ICE', 'parked', 3.5, '', ''), ('Q', 'ICE', 'parked', 'x', 1.0, x'01'),
                 ('R', 'ICE', 'parked', 1e300, NULL, NULL);",
        )
        .unwrap();
        let sql = scan_sql(&conn, "vehicles").unwrap();
        let rust = scan(&conn).unwrap();
        assert_eq!(rust, sql);
        assert!(rust.rows >= 15, "{rust:?}");
        assert!(rust.by_kind.iter().all(|(_, n)| *n > 0), "{rust:?}");
    }
}
