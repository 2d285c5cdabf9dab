//! What each import kind loads: its table, the contract columns of docs/database.md with their
//! types, which are required and which must be unique, and how a file's header row
//! maps onto them.

use crate::args::ImportKind;

use super::field::{self, Ty};

#[derive(Debug, Clone, Copy)]
pub(super) struct Col {
    pub name: &'static str,
    pub ty: Ty,
    /// The row is refused when this column is absent or empty.
    pub required: bool,
    /// A primary key or unique reference: never twice, in the file or the database.
    pub unique: bool,
}

#[derive(Debug)]
pub(super) struct TableSpec {
    pub table: &'static str,
    /// How the summary counts rows: "1 vehicle", "2 vehicles".
    pub singular: &'static str,
    pub plural: &'static str,
    pub columns: &'static [Col],
    /// What `--update` finds an existing row by (events: see `Inserter`, which
    /// finds one by its id, else by when, which vehicle and what happened).
    pub key: Option<&'static str>,
}

impl TableSpec {
    pub(super) fn index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    pub(super) fn noun(&self, n: u64) -> &'static str {
        if n == 1 {
            self.singular
        } else {
            self.plural
        }
    }

    pub(super) fn column_list(&self) -> String {
        self.columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
    }

    /// The columns a header must have: the required ones, or with `--update` the key
    /// (a row already in the database keeps what the file does not give).
    pub(super) fn header_needs(&self, update: bool) -> Vec<&'static str> {
        match (update, self.key) {
            (true, Some(key)) => vec![key],
            _ => self
                .columns
                .iter()
                .filter(|c| c.required)
                .map(|c| c.name)
                .collect(),
        }
    }

    /// The UPSERT of `--update`: only the columns the file has (`present`) are
    /// written, so a file of `vin,soc_pct,soc_checked_at` leaves the rest of each
    /// vehicle alone; a row whose values are all the same is not written at all,
    /// which is how an unchanged row is told from an updated one. Never
    /// `INSERT OR REPLACE`: that deletes the row and everything hanging off it.
    pub(super) fn upsert_sql(&self, present: &[bool], conflict: &str) -> String {
        let cols: Vec<&str> = self
            .columns
            .iter()
            .zip(present)
            .filter(|(_, p)| **p)
            .map(|(c, _)| c.name)
            .collect();
        let names: Vec<String> = cols.iter().map(|c| format!("\"{c}\"")).collect();
        let params: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
        let set: Vec<&str> = cols.iter().copied().filter(|c| *c != conflict).collect();
        let action = if set.is_empty() {
            "NOTHING".to_string()
        } else {
            let assign: Vec<String> = set
                .iter()
                .map(|c| format!("\"{c}\" = excluded.\"{c}\""))
                .collect();
            let differs: Vec<String> = set
                .iter()
                .map(|c| format!("{}.\"{c}\" IS NOT excluded.\"{c}\"", self.table))
                .collect();
            format!("UPDATE SET {} WHERE {}", assign.join(", "), differs.join(" OR "))
        };
        format!(
            "INSERT INTO {}({}) VALUES ({}) ON CONFLICT(\"{conflict}\") DO {action}",
            self.table,
            names.join(", "),
            params.join(", ")
        )
    }

    /// The INSERT of one row, every contract column bound (absent ones to NULL, which
    /// lets SQLite number `id` columns the file leaves out).
    pub(super) fn insert_sql(&self) -> String {
        let names: Vec<String> = self.columns.iter().map(|c| format!("\"{}\"", c.name)).collect();
        let params: Vec<String> = (1..=self.columns.len()).map(|i| format!("?{i}")).collect();
        format!(
            "INSERT INTO {}({}) VALUES ({})",
            self.table,
            names.join(", "),
            params.join(", ")
        )
    }
}

const fn col(name: &'static str, ty: Ty) -> Col {
    Col {
        name,
        ty,
        required: false,
        unique: false,
    }
}

const fn req(name: &'static str, ty: Ty) -> Col {
    Col {
        name,
        ty,
        required: true,
        unique: false,
    }
}

const fn key(name: &'static str, ty: Ty, required: bool) -> Col {
    Col {
        name,
        ty,
        required,
        unique: true,
    }
}

const ID: Ty = Ty::Int {
    min: 1,
    max: i64::MAX,
};
const CODE: Ty = Ty::Text { max: 16 };
const NAME: Ty = Ty::Text { max: 100 };
const SHORT: Ty = Ty::Text { max: 32 };
const COUNT: Ty = Ty::Int { min: 1, max: 10_000 };

pub(super) static BLOCKS: TableSpec = TableSpec {
    table: "yard_blocks",
    singular: "block",
    plural: "blocks",
    key: Some("code"),
    columns: &[
        key("code", CODE, true),
        req("zone", Ty::Enum(field::ZONE)),
        req("rows", COUNT),
        req("slots_per_row", COUNT),
    ],
};

pub(super) static VESSELS: TableSpec = TableSpec {
    table: "vessels",
    singular: "vessel",
    plural: "vessels",
    key: Some("imo"),
    columns: &[
        key("imo", Ty::Imo, true),
        req("name", NAME),
        // The largest car carriers afloat take about 10,000 CEU.
        col("capacity_ceu", Ty::Int { min: 1, max: 20_000 }),
    ],
};

pub(super) static CALLS: TableSpec = TableSpec {
    table: "vessel_calls",
    singular: "vessel call",
    plural: "vessel calls",
    key: Some("id"),
    columns: &[
        key("id", ID, false),
        // Nullable in the contract, but a call of no vessel cannot be shown.
        req("imo", Ty::Imo),
        req("voyage", SHORT),
        col("berth", SHORT),
        col("eta", Ty::Ts),
        col("etd", Ty::Ts),
        req("status", Ty::Enum(field::CALL_STATUS)),
    ],
};

pub(super) static CONSIGNMENTS: TableSpec = TableSpec {
    table: "consignments",
    singular: "consignment",
    plural: "consignments",
    key: Some("ref"),
    columns: &[
        key("id", ID, false),
        key("ref", Ty::Text { max: 64 }, true),
        col("call_id", ID),
        col("brand", NAME),
        col("destination", Ty::Locode),
        col("planned_units", Ty::Int { min: 0, max: 100_000 }),
        col("cutoff_at", Ty::Ts),
        req("status", Ty::Enum(field::CONSIGNMENT_STATUS)),
    ],
};

pub(super) static VEHICLES: TableSpec = TableSpec {
    table: "vehicles",
    singular: "vehicle",
    plural: "vehicles",
    key: Some("vin"),
    columns: &[
        key("vin", Ty::Vin, true),
        col("make", NAME),
        col("model", NAME),
        req("powertrain", Ty::Enum(field::POWERTRAIN)),
        col("soc_pct", Ty::Real { min: 0.0, max: 100.0 }),
        col("soc_checked_at", Ty::Ts),
        col("consignment_id", ID),
        req("status", Ty::Enum(field::VEHICLE_STATUS)),
        col("hold_reason", Ty::Enum(field::HOLD_REASON)),
        col("block", CODE),
        col("row", COUNT),
        col("slot", COUNT),
        col("gate_in_at", Ty::Ts),
        col("loaded_at", Ty::Ts),
        col("updated_at", Ty::Ts),
    ],
};

pub(super) static EVENTS: TableSpec = TableSpec {
    table: "events",
    singular: "event",
    plural: "events",
    key: None,
    columns: &[
        key("id", ID, false),
        req("at", Ty::Ts),
        // A reference to a vehicle, not a new VIN: its format was judged when the
        // vehicle was imported.
        col("vin", Ty::Text { max: 64 }),
        req("kind", Ty::EventKind),
        col("detail", Ty::Text { max: 1000 }),
    ],
};

pub(super) fn for_kind(kind: ImportKind) -> &'static TableSpec {
    match kind {
        ImportKind::Blocks => &BLOCKS,
        ImportKind::Vessels => &VESSELS,
        ImportKind::Calls => &CALLS,
        ImportKind::Consignments => &CONSIGNMENTS,
        ImportKind::Vehicles => &VEHICLES,
        ImportKind::Events => &EVENTS,
    }
}

/// The column a rejects file adds; importing a fixed rejects file ignores it.
pub(super) const REASON: &str = "reason";

/// A file's header row mapped onto a table.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Header {
    /// For each column of the file, the table column it fills (None: the `reason`
    /// column of a rejects file).
    pub targets: Vec<Option<usize>>,
    /// Where the file's `reason` column is, if it has one.
    pub reason_at: Option<usize>,
    /// For each table column, whether the file has it.
    pub present: Vec<bool>,
}

/// A header read with the wrong separator is one long name full of the right one.
fn separator_hint(names: &[String]) -> String {
    for (sep, shown, arg) in [(';', "';'", "';'"), ('\t', "tabs", "tab"), ('|', "'|'", "'|'")] {
        if names.iter().any(|n| n.contains(sep)) {
            return format!(
                ". The file seems to separate its columns with {shown}: import it with --delimiter {arg}, or save it from the spreadsheet as \"CSV (comma delimited)\""
            );
        }
    }
    String::new()
}

/// Maps header names (trimmed, any case) onto `spec`; every problem found is
/// returned, in words, so the user can fix the header in one go.
pub(super) fn map_header(spec: &TableSpec, names: &[String], update: bool) -> Result<Header, Vec<String>> {
    let mut problems = Vec::new();
    let mut targets = Vec::with_capacity(names.len());
    let mut reason_at = None;
    let mut seen = vec![false; spec.columns.len()];
    let mut unknown = Vec::new();
    for (i, raw) in names.iter().enumerate() {
        let name = raw.trim().to_ascii_lowercase();
        if name.is_empty() {
            problems.push(format!("column {} of the header has no name", i + 1));
            targets.push(None);
            continue;
        }
        if name == REASON && reason_at.is_none() {
            reason_at = Some(i);
            targets.push(None);
            continue;
        }
        match spec.index(&name) {
            Some(c) if seen[c] => {
                problems.push(format!("column {name} appears twice in the header"));
                targets.push(None);
            }
            Some(c) => {
                seen[c] = true;
                targets.push(Some(c));
            }
            None => {
                let shown: String = raw.trim().chars().take(40).collect();
                unknown.push(format!("{shown:?}"));
                targets.push(None);
            }
        }
    }
    if !unknown.is_empty() {
        problems.push(format!(
            "unknown column{} {}; the columns of {} are: {}{}",
            if unknown.len() > 1 { "s" } else { "" },
            unknown.join(", "),
            spec.plural,
            spec.column_list(),
            separator_hint(names)
        ));
    }
    let needs = spec.header_needs(update);
    let missing: Vec<&str> = spec
        .columns
        .iter()
        .zip(&seen)
        .filter(|(c, seen)| needs.contains(&c.name) && !**seen)
        .map(|(c, _)| c.name)
        .collect();
    if !missing.is_empty() {
        let why = match (update, spec.key) {
            (true, Some(key)) => format!(" (--update finds {} by their {key})", spec.plural),
            _ => String::new(),
        };
        problems.push(format!(
            "missing required column{} {}{why}",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", ")
        ));
    }
    if problems.is_empty() {
        Ok(Header {
            present: seen,
            targets,
            reason_at,
        })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<String> {
        s.split(',').map(String::from).collect()
    }

    #[test]
    fn header_order_is_free_and_case_is_forgiven() {
        let h = map_header(&BLOCKS, &names("Rows, CODE,slots_per_row,zone"), false).unwrap();
        assert_eq!(h.targets, [Some(2), Some(0), Some(3), Some(1)]);
    }

    #[test]
    fn unknown_and_missing_columns_are_all_named() {
        let e = map_header(&VEHICLES, &names("vin,colour,powertrain,wheels"), false).unwrap_err();
        assert_eq!(e.len(), 2);
        assert!(e[0].contains("\"colour\", \"wheels\""), "{}", e[0]);
        assert!(e[1].contains("missing required column status"), "{}", e[1]);
    }

    #[test]
    fn a_rejects_file_can_be_imported_again() {
        let h = map_header(&VESSELS, &names("imo,name,reason"), false).unwrap();
        assert_eq!(h.reason_at, Some(2));
        assert_eq!(h.targets, [Some(0), Some(1), None]);
    }

    #[test]
    fn duplicate_columns_are_refused() {
        let e = map_header(&VESSELS, &names("imo,name,imo"), false).unwrap_err();
        assert!(e[0].contains("twice"));
    }

    #[test]
    fn update_needs_only_the_key_in_the_header() {
        let h = map_header(&VEHICLES, &names("vin,soc_pct,soc_checked_at"), true).unwrap();
        assert_eq!(h.present.iter().filter(|p| **p).count(), 3);
        let e = map_header(&CALLS, &names("imo,voyage,status"), true).unwrap_err();
        assert!(
            e[0].contains("missing required column id (--update finds vessel calls by their id)"),
            "{}",
            e[0]
        );
        // Events have no single key: when, which vehicle and what happened.
        let e = map_header(&EVENTS, &names("vin,detail"), true).unwrap_err();
        assert!(e[0].contains("missing required columns at, kind"), "{}", e[0]);
    }

    #[test]
    fn a_semicolon_header_is_named_as_such() {
        let e = map_header(&BLOCKS, &names("code;zone;rows;slots_per_row"), false).unwrap_err();
        assert!(e[0].contains("--delimiter ';'"), "{}", e[0]);
    }

    #[test]
    fn upsert_writes_only_the_given_columns_and_only_when_they_differ() {
        let present = [
            true, false, false, false, true, true, false, false, false, false, false, false, false, false,
            false,
        ];
        assert_eq!(
            VEHICLES.upsert_sql(&present, "vin"),
            "INSERT INTO vehicles(\"vin\", \"soc_pct\", \"soc_checked_at\") VALUES (?1, ?2, ?3) \
             ON CONFLICT(\"vin\") DO UPDATE SET \"soc_pct\" = excluded.\"soc_pct\", \"soc_checked_at\" = excluded.\"soc_checked_at\" \
             WHERE vehicles.\"soc_pct\" IS NOT excluded.\"soc_pct\" OR vehicles.\"soc_checked_at\" IS NOT excluded.\"soc_checked_at\""
        );
        assert!(VEHICLES.upsert_sql(&[true; 1], "vin").ends_with("DO NOTHING"));
    }

    #[test]
    fn insert_binds_every_column() {
        assert_eq!(
            VESSELS.insert_sql(),
            "INSERT INTO vessels(\"imo\", \"name\", \"capacity_ceu\") VALUES (?1, ?2, ?3)"
        );
    }
}
