//! What yardtop adds to a yard database (indexes, listed in `assets/schema.sql`)
//! and what earlier versions added that it now removes: triggers, which run inside
//! every other system's writes and can make them fail, and the tables only those
//! triggers kept. See docs/database.md.

use rusqlite::Connection;

use crate::db::SCHEMA_SQL;

/// Tables that earlier versions kept with triggers (export buckets, per-consignment
/// exports, data-quality counters). Nothing reads them any more.
pub const RETIRED_TABLES: [&str; 3] = ["yt_export_buckets", "yt_consignment_exports", "yt_quality"];

/// One of yardtop's indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    pub table: String,
    pub columns: Vec<String>,
    /// The statement that creates it.
    pub sql: String,
}

/// yardtop's indexes, as `assets/schema.sql` writes them.
pub fn indexes() -> Vec<Index> {
    SCHEMA_SQL
        .lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("CREATE INDEX IF NOT EXISTS ")?;
            let (name, rest) = rest.split_once(" ON ")?;
            let (table, cols) = rest.trim().split_once('(')?;
            let cols = cols.trim_end_matches(';').trim_end_matches(')');
            Some(Index {
                name: name.trim().to_string(),
                table: table.trim().to_string(),
                columns: cols.split(',').map(|c| c.trim().to_string()).collect(),
                sql: line.trim().to_string(),
            })
        })
        .collect()
}

/// An index of the database: name, table, columns, and whether it is partial.
#[derive(Debug, Clone)]
pub struct Existing {
    pub name: String,
    pub table: String,
    pub columns: Vec<String>,
    pub partial: bool,
}

/// Every index of the database's tables (not SQLite's own automatic ones).
pub fn existing(conn: &Connection) -> rusqlite::Result<Vec<Existing>> {
    let mut stmt = conn.prepare(
        "SELECT name, tbl_name, sql LIKE '%WHERE%' FROM sqlite_master
         WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
    )?;
    let list: Vec<(String, String, bool)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (name, table, partial) in list {
        let mut info = conn.prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")?;
        let columns: Vec<String> = info
            .query_map([&name], |r| r.get::<_, Option<String>>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .map(|c| c.unwrap_or_default())
            .collect();
        out.push(Existing {
            name,
            table,
            columns,
            partial,
        });
    }
    Ok(out)
}

/// Does `e` serve every query `want` serves: same table, starts with the same
/// columns, covers every row?
fn serves(e: &Existing, want: &Index) -> bool {
    !e.partial
        && e.table.eq_ignore_ascii_case(&want.table)
        && e.columns.len() >= want.columns.len()
        && e.columns
            .iter()
            .zip(&want.columns)
            .all(|(a, b)| a.eq_ignore_ascii_case(b))
}

/// What `init --existing` will do, and what `check` reports as left over.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// yardtop's indexes to create (no index of the database serves instead).
    pub add: Vec<Index>,
    /// Triggers named yt_… (from an earlier version).
    pub triggers: Vec<String>,
    /// Tables only those triggers kept.
    pub tables: Vec<String>,
    /// Indexes named yt_… that are not (or no longer) yardtop's current ones.
    pub indexes: Vec<String>,
}

impl Plan {
    /// Anything an earlier version added that should go.
    pub fn leftovers(&self) -> Vec<String> {
        let mut out = Vec::new();
        out.extend(self.triggers.iter().map(|t| format!("trigger {t}")));
        out.extend(self.tables.iter().map(|t| format!("table {t}")));
        out.extend(self.indexes.iter().map(|t| format!("index {t}")));
        out
    }
}

/// Compares the database with what this build adds.
pub fn plan(conn: &Connection) -> rusqlite::Result<Plan> {
    let names = |sql: &str| -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare(sql)?;
        let v = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    };
    let triggers = names(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'yt\\_%' ESCAPE '\\' ORDER BY name",
    )?;
    let present = names("SELECT name FROM sqlite_master WHERE type = 'table'")?;
    let tables: Vec<String> = RETIRED_TABLES
        .iter()
        .filter(|t| present.iter().any(|p| p == *t))
        .map(|t| t.to_string())
        .collect();
    let wanted = indexes();
    let existing = existing(conn)?;
    // A yt_ index is current only when its name and its columns are this build's.
    let current = |e: &Existing| {
        wanted
            .iter()
            .any(|w| w.name == e.name && serves(e, w) && e.columns.len() == w.columns.len())
    };
    let (ours, theirs): (Vec<&Existing>, Vec<&Existing>) =
        existing.iter().partition(|e| e.name.starts_with("yt_"));
    let indexes: Vec<String> = ours
        .iter()
        .filter(|e| !current(e) && !tables.iter().any(|t| t.eq_ignore_ascii_case(&e.table)))
        .map(|e| e.name.clone())
        .collect();
    let kept: Vec<&Existing> = theirs
        .into_iter()
        .chain(ours.into_iter().filter(|e| current(e)))
        .collect();
    let add = wanted
        .into_iter()
        .filter(|w| !kept.iter().any(|e| serves(e, w)))
        .collect();
    Ok(Plan {
        add,
        triggers,
        tables,
        indexes,
    })
}

/// The SQL that carries out `plan`: first what an earlier version left (triggers
/// before the tables they write), then the indexes. Never touches a row of a
/// contract table.
pub fn apply_sql(plan: &Plan) -> String {
    let q = |n: &str| format!("\"{}\"", n.replace('"', "\"\""));
    let mut sql = String::new();
    for t in &plan.triggers {
        sql.push_str(&format!("DROP TRIGGER IF EXISTS {};\n", q(t)));
    }
    for t in &plan.tables {
        sql.push_str(&format!("DROP TABLE IF EXISTS {};\n", q(t)));
    }
    for i in &plan.indexes {
        sql.push_str(&format!("DROP INDEX IF EXISTS {};\n", q(i)));
    }
    for i in &plan.add {
        sql.push_str(&i.sql);
        sql.push('\n');
    }
    sql
}

/// Does the database lack what makes yardtop fast (so the header can say how to
/// add it), or still hold what an earlier version added?
pub fn lacks(conn: &Connection) -> bool {
    plan(conn)
        .map(|p| !p.add.is_empty() || !p.leftovers().is_empty())
        .unwrap_or(false)
}

/// Is `events.id` still the table's INTEGER PRIMARY KEY (the rowid)? A tool that
/// recreated the table (pandas `to_sql(if_exists='replace')`) leaves a plain
/// column, and new events written without an id then have none.
pub fn events_id_is_key(conn: &Connection) -> rusqlite::Result<bool> {
    let mut stmt = conn.prepare("SELECT name, lower(type), pk FROM pragma_table_info('events')")?;
    let cols: Vec<(String, String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let keys: Vec<&(String, String, i64)> = cols.iter().filter(|c| c.2 > 0).collect();
    Ok(keys.len() == 1 && keys[0].0.eq_ignore_ascii_case("id") && keys[0].1 == "integer")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        let contract: String = SCHEMA_SQL
            .lines()
            .filter(|l| !l.starts_with("CREATE INDEX"))
            .collect::<Vec<_>>()
            .join("\n");
        conn.execute_batch(&contract).unwrap();
        conn
    }

    #[test]
    fn events_id_lost_its_key_when_the_table_was_recreated_without_it() {
        let conn = contract();
        assert!(events_id_is_key(&conn).unwrap());
        conn.execute_batch(
            "DROP TABLE events; CREATE TABLE events(id INTEGER, at TEXT, vin TEXT, kind TEXT, detail TEXT);",
        )
        .unwrap();
        assert!(!events_id_is_key(&conn).unwrap());
        conn.execute_batch(
            "DROP TABLE events; CREATE TABLE events(id INT PRIMARY KEY, at TEXT, vin TEXT, kind TEXT, detail TEXT);",
        )
        .unwrap();
        assert!(
            !events_id_is_key(&conn).unwrap(),
            "INT PRIMARY KEY is not the rowid"
        );
    }

    #[test]
    fn the_schemas_indexes_are_read_with_their_columns() {
        let all = indexes();
        assert!(all.len() >= 3, "{all:?}");
        let status = all.iter().find(|i| i.name == "yt_vehicles_status").unwrap();
        assert_eq!(
            (status.table.as_str(), status.columns.clone()),
            ("vehicles", vec!["status".to_string()])
        );
    }

    #[test]
    fn an_index_of_it_with_the_same_leading_columns_is_not_doubled() {
        let conn = contract();
        conn.execute_batch(
            "CREATE INDEX it_status ON vehicles(status);
             CREATE INDEX it_consignment ON vehicles(consignment_id, status);
             CREATE INDEX it_block ON vehicles(block) WHERE block IS NOT NULL;",
        )
        .unwrap();
        let p = plan(&conn).unwrap();
        let add: Vec<&str> = p.add.iter().map(|i| i.name.as_str()).collect();
        assert!(!add.contains(&"yt_vehicles_status"), "IT's status index serves");
        assert!(
            !add.contains(&"yt_vehicles_consignment"),
            "an index starting with it serves"
        );
        assert_eq!(add, ["yt_vehicles_block"]);
        assert!(
            add.contains(&"yt_vehicles_block"),
            "a partial index does not serve"
        );
        assert!(p.leftovers().is_empty());
        conn.execute_batch(&apply_sql(&p)).unwrap();
        let again = plan(&conn).unwrap();
        assert_eq!(again, Plan::default(), "applying the plan leaves nothing to do");
    }

    #[test]
    fn an_earlier_versions_triggers_tables_and_indexes_are_leftovers() {
        let conn = contract();
        conn.execute_batch(
            "CREATE TABLE yt_quality(tbl TEXT, kind TEXT, rows INTEGER);
             CREATE TRIGGER yt_vehicles_quality_ins AFTER INSERT ON vehicles BEGIN
                 UPDATE yt_quality SET rows = rows + 1; END;
             CREATE INDEX yt_vehicles_consignment ON vehicles(consignment_id, status, loaded_at);
             CREATE INDEX yt_vehicles_loaded_at ON vehicles(loaded_at);
             CREATE TRIGGER audit AFTER INSERT ON vehicles BEGIN SELECT 1; END;",
        )
        .unwrap();
        let p = plan(&conn).unwrap();
        assert_eq!(
            p.triggers,
            ["yt_vehicles_quality_ins"],
            "another system's trigger stays"
        );
        assert_eq!(p.tables, ["yt_quality"]);
        assert_eq!(p.indexes, ["yt_vehicles_consignment", "yt_vehicles_loaded_at"]);
        assert!(p.add.iter().any(|i| i.name == "yt_vehicles_consignment"));
        conn.execute_batch(&apply_sql(&p)).unwrap();
        assert_eq!(plan(&conn).unwrap(), Plan::default());
        // The other system's trigger is still there.
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'audit'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1);
    }
}
