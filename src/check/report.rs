//! What `check` found, and how it is printed: one line per kind of problem with
//! its count, then up to five examples. Every piece of database text is passed
//! through `sanitize::clean` before it is printed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::kinds::Kind;

/// Examples kept per kind.
pub const EXAMPLES: usize = 5;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Finding {
    pub count: u64,
    pub examples: Vec<String>,
}

impl Finding {
    fn add(&mut self, example: impl FnOnce() -> String) {
        self.count += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push(example());
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub path: String,
    pub schema_version: i64,
    /// What `PRAGMA quick_check` said, when it was not "ok".
    pub integrity: Vec<String>,
    pub findings: BTreeMap<Kind, Finding>,
    /// VINs whose check digit is wrong where ISO 3779 leaves it optional: shown,
    /// not counted as problems.
    pub vin_warnings: Finding,
    /// Rows read per table.
    pub rows: Vec<(&'static str, u64)>,
    /// Lines said about the database that are not problems.
    pub notes: Vec<String>,
    /// Why the data-quality scan could not finish (after a failed quick_check).
    pub scan_error: Option<String>,
    /// Which row each kind last counted, so a row is counted once per kind.
    last_row: BTreeMap<Kind, u64>,
}

impl Report {
    pub fn new(path: String, schema_version: i64) -> Report {
        Report {
            path,
            schema_version,
            ..Report::default()
        }
    }

    /// Counts `kind` for row number `row` (unique across tables), once per row.
    pub fn hit(&mut self, kind: Kind, row: u64, example: impl FnOnce() -> String) {
        if self.last_row.insert(kind, row) == Some(row) {
            return;
        }
        self.findings.entry(kind).or_default().add(example);
    }

    /// Counts `kind` for something that is not one row (a block, a slot).
    pub fn add(&mut self, kind: Kind, example: impl FnOnce() -> String) {
        self.findings.entry(kind).or_default().add(example);
    }

    /// Counts `n` of `kind` (things that are not rows) under one example line.
    pub fn add_many(&mut self, kind: Kind, n: u64, example: String) {
        let f = self.findings.entry(kind).or_default();
        f.count += n;
        if f.examples.len() < EXAMPLES {
            f.examples.push(example);
        }
    }

    pub fn warn_vin(&mut self, example: impl FnOnce() -> String) {
        self.vin_warnings.add(example);
    }

    pub fn problems(&self) -> u64 {
        self.findings.values().map(|f| f.count).sum::<u64>() + self.integrity.len() as u64
    }

    pub fn is_clean(&self) -> bool {
        self.problems() == 0 && self.scan_error.is_none()
    }

    pub fn count(&self, kind: Kind) -> u64 {
        self.findings.get(&kind).map_or(0, |f| f.count)
    }

    /// The report as printed on stdout.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let tables: Vec<String> = self.rows.iter().map(|(t, n)| format!("{n} {t}")).collect();
        let _ = writeln!(
            out,
            "yard database {} (schema version {}): {}",
            self.path,
            self.schema_version,
            tables.join(", ")
        );
        if self.integrity.is_empty() {
            let _ = writeln!(out, "integrity: ok");
        } else {
            let _ = writeln!(
                out,
                "integrity: {} problem{} found by PRAGMA quick_check; restore the file from a backup",
                self.integrity.len(),
                if self.integrity.len() == 1 { "" } else { "s" }
            );
            for line in self.integrity.iter().take(EXAMPLES) {
                let _ = writeln!(out, "    {line}");
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "{note}");
        }
        if let Some(e) = &self.scan_error {
            let _ = writeln!(out, "data quality: the scan stopped early: {e}");
        }
        let width = Kind::ALL.iter().map(|k| k.as_str().len()).max().unwrap_or(0);
        for (kind, f) in &self.findings {
            let _ = writeln!(
                out,
                "{:<width$}  {:>6}  {}",
                kind.as_str(),
                f.count,
                kind.describe()
            );
            for e in &f.examples {
                let _ = writeln!(out, "    {e}");
            }
        }
        if self.vin_warnings.count > 0 {
            let _ = writeln!(
                out,
                "warning: {} VIN{} with a wrong check digit, which ISO 3779 leaves optional outside China and North America (not counted as problems)",
                self.vin_warnings.count,
                if self.vin_warnings.count == 1 { "" } else { "s" }
            );
            for e in &self.vin_warnings.examples {
                let _ = writeln!(out, "    {e}");
            }
        }
        if self.is_clean() {
            let _ = writeln!(out, "yard database {}: clean", self.path);
        } else {
            let kinds = self.findings.len() + usize::from(!self.integrity.is_empty());
            let _ = writeln!(
                out,
                "yard database {}: {} problem{} of {} kind{}",
                self.path,
                self.problems(),
                if self.problems() == 1 { "" } else { "s" },
                kinds,
                if kinds == 1 { "" } else { "s" }
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_counts_once_per_kind_and_examples_are_capped() {
        let mut r = Report::new("y.db".into(), 1);
        r.hit(Kind::BadTimestamp, 1, || "a".into());
        r.hit(Kind::BadTimestamp, 1, || "again".into());
        r.hit(Kind::BadNumber, 1, || "n".into());
        for row in 2..20 {
            r.hit(Kind::BadTimestamp, row, || format!("row {row}"));
        }
        let f = &r.findings[&Kind::BadTimestamp];
        assert_eq!(f.count, 19);
        assert_eq!(f.examples.len(), EXAMPLES);
        assert_eq!(r.problems(), 20);
        assert!(!r.is_clean());
        let text = r.render();
        assert!(text.contains("bad_timestamp"), "{text}");
        assert!(text.contains("20 problems of 2 kinds"), "{text}");
    }

    #[test]
    fn clean_report_says_so() {
        let r = Report::new("y.db".into(), 1);
        assert!(r.render().ends_with("yard database y.db: clean\n"));
    }
}
