//! The CSV file being imported, read one record at a time so that a file of a
//! million rows needs no more memory than one of ten.

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::Path;

use csv::{ByteRecord, Reader, ReaderBuilder};

use crate::error::{io_reason, Result, UserError};

pub(super) struct Source {
    /// The file as the user named it, for `FILE:LINE:` messages.
    pub name: String,
    /// What separates its fields: given, or found from its header row.
    pub delimiter: u8,
    reader: Reader<Box<dyn Read>>,
}

/// The separators spreadsheets export with: Excel writes `;` where the decimal
/// point is a comma (most of Europe), and "Text (tab delimited)".
const SEPARATORS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Reads `--delimiter`: one character, or its name.
pub(super) fn parse_delimiter(arg: &str) -> Result<u8> {
    match arg {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\t" | "\\t" | "tab" | "TAB" => Ok(b'\t'),
        "|" | "pipe" => Ok(b'|'),
        other => Err(UserError::usage(format!(
            "--delimiter {other:?}: use ',' ';' tab or '|'"
        ))),
    }
}

/// The separator that makes the most of the header's fields into known column
/// names; a comma when none does (the header's problems are then reported).
fn find_delimiter(first_line: &[u8], columns: &[&str]) -> u8 {
    let text = String::from_utf8_lossy(first_line);
    let text = text.trim_start_matches('\u{feff}');
    let known = |sep: u8| {
        text.split(sep as char)
            .filter(|f| {
                let name = f.trim().trim_matches('"').trim().to_ascii_lowercase();
                columns.contains(&name.as_str())
            })
            .count()
    };
    let mut best = (b',', known(b','));
    for sep in SEPARATORS {
        let n = known(sep);
        if n > best.1 {
            best = (sep, n);
        }
    }
    best.0
}

/// How a separator is named in messages.
pub(super) fn delimiter_name(sep: u8) -> String {
    match sep {
        b'\t' => "tabs".into(),
        other => format!("'{}'", other as char),
    }
}

/// The header row: its raw fields (copied to a rejects file) and its names.
pub(super) struct HeaderRow {
    pub raw: ByteRecord,
    pub names: Vec<String>,
    pub line: u64,
}

impl Source {
    /// Opens `path`, or standard input for `-`, with fields separated by `given`
    /// or else by what the header row shows, knowing the table's `columns`.
    pub(super) fn open(path: &Path, given: Option<u8>, columns: &[&str]) -> Result<Source> {
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
        let shown = if path.as_os_str() == "-" {
            "<stdin>".to_string()
        } else {
            name.clone()
        };
        let mut input = BufReader::new(input);
        let mut first_line = Vec::new();
        input
            .read_until(b'\n', &mut first_line)
            .map_err(|e| UserError::problem(format!("cannot read {shown}: {}", io_reason(&e))))?;
        let delimiter = given.unwrap_or_else(|| find_delimiter(&first_line, columns));
        let input: Box<dyn Read> = Box::new(Cursor::new(first_line).chain(input));
        // Field counts and UTF-8 are checked row by row here, so that a bad line is
        // reported with its number instead of ending the import.
        let reader = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(input);
        Ok(Source {
            delimiter,
            name: shown,
            reader,
        })
    }

    /// Reads the header row; an empty file or a header that is not text is an error.
    pub(super) fn header(&mut self, example: &str) -> Result<HeaderRow> {
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
    pub(super) fn next(&mut self, rec: &mut ByteRecord) -> Result<bool> {
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
pub(super) fn line_of(rec: &ByteRecord) -> u64 {
    rec.position().map(|p| p.line()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOCKS: [&str; 4] = ["code", "zone", "rows", "slots_per_row"];

    #[test]
    fn the_header_row_shows_the_separator() {
        assert_eq!(find_delimiter(b"code,zone,rows,slots_per_row\r\n", &BLOCKS), b',');
        assert_eq!(
            find_delimiter(b"\xEF\xBB\xBFCode;Zone;Rows;Slots_per_row\r\n", &BLOCKS),
            b';'
        );
        assert_eq!(
            find_delimiter(b"\"code\"\t\"zone\"\trows\tslots_per_row\n", &BLOCKS),
            b'\t'
        );
        // Nothing known: the comma, and the header's problems say the rest.
        assert_eq!(find_delimiter(b"a;b;c\n", &BLOCKS), b',');
    }

    #[test]
    fn delimiter_names() {
        assert_eq!(parse_delimiter("tab").unwrap(), b'\t');
        assert_eq!(parse_delimiter(";").unwrap(), b';');
        assert!(parse_delimiter("::").is_err());
    }
}
