//! The CSV file being imported, read one record at a time so that a file of a
//! million rows needs no more memory than one of ten.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use csv::{ByteRecord, Reader, ReaderBuilder};

use crate::error::{io_reason, Result, UserError};

pub struct Source {
    /// The file as the user named it, for `FILE:LINE:` messages.
    pub name: String,
    reader: Reader<Box<dyn Read>>,
}

/// The header row: its raw fields (copied to a rejects file) and its names.
pub struct HeaderRow {
    pub raw: ByteRecord,
    pub names: Vec<String>,
    pub line: u64,
}

impl Source {
    /// Opens `path`, or standard input for `-`.
    pub fn open(path: &Path) -> Result<Source> {
        let name = path.display().to_string();
        let input: Box<dyn Read> = if path.as_os_str() == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            if path.is_dir() {
                return Err(UserError::problem(format!(
                    "cannot import {name}: it is a folder, not a CSV file"
                )));
            }
            let file = File::open(path)
                .map_err(|e| UserError::problem(format!("cannot read {name}: {}", io_reason(&e))))?;
            Box::new(file)
        };
        // Field counts and UTF-8 are checked row by row here, so that a bad line is
        // reported with its number instead of ending the import.
        let reader = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        Ok(Source {
            name: if path.as_os_str() == "-" {
                "<stdin>".into()
            } else {
                name
            },
            reader,
        })
    }

    /// Reads the header row; an empty file or a header that is not text is an error.
    pub fn header(&mut self, example: &str) -> Result<HeaderRow> {
        let mut raw = ByteRecord::new();
        if !self.next(&mut raw)? {
            return Err(UserError::problem(format!(
                "{} is empty; a CSV import needs a header row of column names, e.g. {example}",
                self.name
            )));
        }
        let line = line_of(&raw);
        let mut names = Vec::with_capacity(raw.len());
        for (i, field) in raw.iter().enumerate() {
            // Spreadsheets on Windows start UTF-8 files with a byte order mark.
            let field = if i == 0 {
                field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field)
            } else {
                field
            };
            match std::str::from_utf8(field) {
                Ok(s) if !s.chars().any(char::is_control) => names.push(s.to_string()),
                _ => {
                    return Err(UserError::problem(format!(
                    "{}:{line}: the header row is not a line of column names in UTF-8 text; is this a CSV file? Save it as CSV (UTF-8)",
                    self.name
                )))
                }
            }
        }
        Ok(HeaderRow { raw, names, line })
    }

    /// Reads the next record into `rec`; false at the end of the file.
    pub fn next(&mut self, rec: &mut ByteRecord) -> Result<bool> {
        self.reader.read_byte_record(rec).map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            let why = match e.kind() {
                csv::ErrorKind::Io(io) => io_reason(io),
                _ => e.to_string(),
            };
            UserError::problem(format!(
                "cannot read {} after line {line}: {why}; nothing was imported",
                self.name
            ))
        })
    }
}

/// The physical line a record starts on (the header is line 1).
pub fn line_of(rec: &ByteRecord) -> u64 {
    rec.position().map(|p| p.line()).unwrap_or(0)
}
