//! Data-quality checks (SPEC §2): per table, the kinds of unreadable value and the
//! pure-SQL condition that finds each, written for a row prefix (`""` for a scan,
//! `"NEW."`/`"OLD."` inside a trigger) so that scans and triggers agree.

use rusqlite::Connection;

use crate::db::sql::{text_ok, ts_ok};

/// The tables checked.
pub const TABLES: [&str; 6] = [
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
    let texts = |cols: &[&str]| {
        cols.iter()
            .map(|col| text_ok(&c(col)))
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    let times = |cols: &[&str]| {
        cols.iter()
            .map(|col| ts_ok(&c(col)))
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    let not_int = |col: &str| format!("({0} IS NOT NULL AND typeof({0}) <> 'integer')", c(col));
    match table {
        "vehicles" => vec![
            ("missing_vin", format!("{0} IS NULL OR {0} = ''", c("vin"))),
            ("unknown_status", format!("{0} IS NULL OR {0} NOT IN ('expected','gated_in','parked','hold','staged','loaded','departed')", c("status"))),
            ("unknown_powertrain", format!("{0} IS NULL OR {0} NOT IN ('BEV','PHEV','FCEV','HEV','ICE')", c("powertrain"))),
            ("unknown_hold_reason", format!(
                "({0} IS NOT NULL AND {0} NOT IN ('customs','damage','battery','documents','other')) OR ({1} IS 'hold' AND {0} IS NULL)",
                c("hold_reason"), c("status"))),
            ("bad_timestamp", format!("NOT ({})", times(&["gate_in_at", "loaded_at", "soc_checked_at", "updated_at"]))),
            ("bad_number", format!(
                "({0} IS NOT NULL AND (typeof({0}) NOT IN ('integer','real') OR {0} < 0 OR {0} > 100)) OR {1} OR {2} OR {3}",
                c("soc_pct"), not_int("row"), not_int("slot"), not_int("consignment_id"))),
            ("bad_text", format!("NOT ({})", texts(&["vin", "make", "model", "powertrain", "status", "hold_reason", "block"]))),
        ],
        "yard_blocks" => vec![
            ("unknown_zone", format!("{0} IS NULL OR {0} NOT IN ('nev','ice','staging','inspection','quarantine')", c("zone"))),
            ("bad_number", format!(
                "typeof({0}) <> 'integer' OR typeof({1}) <> 'integer' OR {0} < 0 OR {1} < 0",
                c("rows"), c("slots_per_row"))),
            ("bad_text", format!("NOT ({})", texts(&["code", "zone"]))),
        ],
        "vessel_calls" => vec![
            ("unknown_status", format!("{0} IS NULL OR {0} NOT IN ('expected','alongside','departed')", c("status"))),
            ("bad_timestamp", format!("NOT ({})", times(&["eta", "etd"]))),
            ("bad_number", not_int("imo")),
            ("bad_text", format!("NOT ({})", texts(&["voyage", "berth", "status"]))),
        ],
        "consignments" => vec![
            ("unknown_status", format!("{0} IS NULL OR {0} NOT IN ('open','loading','closed','cancelled')", c("status"))),
            ("bad_timestamp", format!("NOT ({})", times(&["cutoff_at"]))),
            ("bad_number", format!(
                "({0} IS NOT NULL AND (typeof({0}) <> 'integer' OR {0} < 0)) OR {1}",
                c("planned_units"), not_int("call_id"))),
            ("bad_text", format!("NOT ({})", texts(&["ref", "brand", "destination", "status"]))),
        ],
        "vessels" => vec![
            ("bad_number", not_int("capacity_ceu")),
            ("bad_text", format!("NOT ({})", texts(&["name"]))),
        ],
        "events" => vec![
            ("bad_timestamp", format!("{0} IS NULL OR NOT {1}", c("at"), ts_ok(&c("at")))),
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

/// Data-quality counts of one table: rows per problem kind, and rows with any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QualityCounts {
    pub by_kind: Vec<(&'static str, u64)>,
    pub rows: u64,
}

/// Counts the rows of `table` with each problem, in one pass over the table.
pub fn scan(conn: &Connection, table: &str) -> rusqlite::Result<QualityCounts> {
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

/// The counts that yardtop's triggers keep for `table` (see `summary`).
pub fn counted(conn: &Connection, table: &str) -> rusqlite::Result<QualityCounts> {
    let mut counts = QualityCounts::default();
    let mut stmt = conn.prepare_cached("SELECT kind, rows FROM yt_quality WHERE tbl = ?1")?;
    let mut rows = stmt.query([table])?;
    while let Some(row) = rows.next()? {
        let kind: String = row.get(0)?;
        let n = row.get::<_, i64>(1)?.max(0) as u64;
        if kind == "*" {
            counts.rows = n;
        } else if let Some((k, _)) = checks(table, "").into_iter().find(|(k, _)| *k == kind) {
            counts.by_kind.push((k, n));
        }
    }
    Ok(counts)
}
