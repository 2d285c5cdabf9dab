//! What the import tells the user on stderr while it runs: each problem as
//! `FILE:LINE: column X: what is wrong` (the form editors and `grep` understand),
//! warnings, and on a terminal a running count of rows for long files.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use super::rules::Problem;

/// Beyond this many lines of problems a reader has seen the pattern; the rest are
/// counted, not printed.
const MAX_PROBLEMS: u64 = 1000;
const MAX_WARNINGS: u64 = 100;
const PROGRESS_EVERY: u64 = 4096;

pub(super) struct Reporter {
    file: String,
    problems: u64,
    warnings: u64,
    progress: Option<ProgressBar>,
}

impl Reporter {
    pub(super) fn new(file: &str) -> Self {
        let progress = std::io::stderr().is_terminal().then(|| {
            let pb = ProgressBar::new_spinner();
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} {msg} {human_pos} rows read ({elapsed})")
            {
                pb.set_style(style);
            }
            pb.set_message(format!("importing {file}:"));
            pb
        });
        Reporter {
            file: file.to_string(),
            problems: 0,
            warnings: 0,
            progress,
        }
    }

    /// Counts a row read, now and then redrawing the running count.
    pub(super) fn row_read(&self, rows: u64) {
        if let Some(pb) = &self.progress {
            if rows % PROGRESS_EVERY == 0 {
                pb.set_position(rows);
            }
        }
    }

    pub(super) fn problem(&mut self, line: u64, p: &Problem) {
        self.problems += 1;
        if self.problems <= MAX_PROBLEMS {
            let text = match p.column {
                Some(c) => format!("{}:{line}: column {c}: {}", self.file, p.message),
                None => format!("{}:{line}: {}", self.file, p.message),
            };
            self.print(&text);
        }
    }

    pub(super) fn warning(&mut self, line: u64, column: &str, message: &str) {
        self.warnings += 1;
        if self.warnings <= MAX_WARNINGS {
            self.print(&format!(
                "{}:{line}: warning: column {column}: {message}",
                self.file
            ));
        }
    }

    /// Prints a line of problems for a header row.
    pub(super) fn header_problem(&self, line: u64, message: &str) {
        self.print(&format!("{}:{line}: {message}", self.file));
    }

    /// Clears the running count and says how many lines were left out.
    pub(super) fn finish(&self) {
        if let Some(pb) = &self.progress {
            pb.finish_and_clear();
        }
        if self.problems > MAX_PROBLEMS {
            eprintln!(
                "{}: ... and {} more problems not shown",
                self.file,
                self.problems - MAX_PROBLEMS
            );
        }
        if self.warnings > MAX_WARNINGS {
            eprintln!(
                "{}: ... and {} more warnings not shown",
                self.file,
                self.warnings - MAX_WARNINGS
            );
        }
    }

    fn print(&self, text: &str) {
        match &self.progress {
            Some(pb) => pb.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }
}
