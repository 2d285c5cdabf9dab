//! The rejects file of `--skip-invalid`: each refused row as it was, plus a `reason`
//! column, so it can be fixed in a spreadsheet and imported again (the importer
//! ignores a `reason` column).

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use csv::{ByteRecord, Writer};

use super::spec::REASON;
use crate::error::{io_reason, Result, UserError};

pub(super) struct Rejects {
    path: PathBuf,
    out: Writer<BufWriter<File>>,
    /// Fields per row: the header's, plus `reason` unless it already has one.
    width: usize,
    reason_at: usize,
    row: ByteRecord,
}

impl Rejects {
    /// Creates the file and writes its header; `reason_at` is where the input's own
    /// `reason` column is, when it is a rejects file being imported again.
    pub(super) fn create(path: &Path, header: &ByteRecord, reason_at: Option<usize>) -> Result<Rejects> {
        let file = File::create(path).map_err(|e| write_error(path, &e))?;
        let out = csv::WriterBuilder::new().from_writer(BufWriter::new(file));
        let (width, reason_at) = match reason_at {
            Some(i) => (header.len(), i),
            None => (header.len() + 1, header.len()),
        };
        let mut rejects = Rejects {
            path: path.to_path_buf(),
            out,
            width,
            reason_at,
            row: ByteRecord::new(),
        };
        rejects.write(header, REASON)?;
        Ok(rejects)
    }

    /// Writes one refused row. A row with too few fields is padded and one with too
    /// many cut, so every line of the file has the same columns; its reason says so.
    pub(super) fn write(&mut self, rec: &ByteRecord, reason: &str) -> Result<()> {
        self.row.clear();
        for i in 0..self.width {
            if i == self.reason_at {
                self.row.push_field(reason.as_bytes());
            } else {
                self.row.push_field(rec.get(i).unwrap_or(b""));
            }
        }
        self.out
            .write_byte_record(&self.row)
            .map_err(|e| self.csv_error(e))
    }

    /// Flushes the file; an import whose rejects cannot be saved has failed.
    pub(super) fn finish(&mut self) -> Result<()> {
        self.out.flush().map_err(|e| write_error(&self.path, &e))
    }

    /// Removes a rejects file that would describe an import that did not happen.
    pub(super) fn discard(self) {
        let path = self.path.clone();
        drop(self);
        let _ = std::fs::remove_file(path);
    }

    fn csv_error(&self, e: csv::Error) -> UserError {
        match e.kind() {
            csv::ErrorKind::Io(io) => write_error(&self.path, io),
            _ => UserError::problem(format!("cannot write rejects file {}: {e}", self.path.display())),
        }
    }
}

fn write_error(path: &Path, e: &std::io::Error) -> UserError {
    let why = match (e.kind(), path.parent()) {
        (std::io::ErrorKind::NotFound, Some(dir)) if !dir.as_os_str().is_empty() => {
            format!("the folder {} does not exist", dir.display())
        }
        _ => io_reason(e),
    };
    UserError::problem(format!("cannot write rejects file {}: {why}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(fields: &[&str]) -> ByteRecord {
        ByteRecord::from(fields.to_vec())
    }

    #[test]
    fn rows_keep_their_columns_and_gain_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rejects.csv");
        let mut r = Rejects::create(&path, &rec(&["imo", "name"]), None).unwrap();
        r.write(&rec(&["9074728", "Jimei, Voyager"]), "column imo: bad")
            .unwrap();
        r.write(&rec(&["9074729"]), "has 1 field").unwrap();
        r.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "imo,name,reason\n9074728,\"Jimei, Voyager\",column imo: bad\n9074729,,has 1 field\n"
        );
    }

    #[test]
    fn an_existing_reason_column_is_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rejects.csv");
        let mut r = Rejects::create(&path, &rec(&["imo", "reason", "name"]), Some(1)).unwrap();
        r.write(&rec(&["1", "old", "x"]), "new").unwrap();
        r.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "imo,reason,name\n1,new,x\n");
    }
}
