//! A first read in short transactions, where a writer waits for readers (a
//! rollback journal; see `super::VehicleCache::prepare`).

use super::*;

impl VehicleCache {
    /// Before the caller's read transaction, on a database with a rollback journal:
    /// there a writer's commit waits for every reader's transaction to end, so
    /// what would be one long read of every vehicle is read in short transactions
    /// of `SLICE_CHUNKS` chunks instead, each noting the leaves it read the rows
    /// of. The caller's own transaction then reads again only the rows of the
    /// leaves that changed meanwhile. Does nothing in WAL mode (readers and writers
    /// never wait for each other there), or when what is kept can be brought up to
    /// date by reading what changed.
    pub fn prepare(&mut self, conn: &Connection, now: chrono::DateTime<chrono::Utc>) -> rusqlite::Result<()> {
        let Some(path) = conn.path().filter(|p| !p.is_empty()).map(PathBuf::from) else {
            return Ok(());
        };
        if !conn.is_autocommit() || !rollback_journal(&path) {
            return Ok(());
        }
        let before = VehicleCache::look(conn);
        conn.execute_batch("BEGIN")?;
        let head = self.slice_plan(conn, &path, now);
        conn.execute_batch("COMMIT")?;
        let Some((shape, epoch, root)) = head? else {
            return Ok(());
        };
        if let Some(k) = &self.kept {
            let follows = matches!(k.watch, Watch::File(_, Some(_)));
            if k.shape == shape && k.epoch == epoch && follows {
                return Ok(());
            }
        }
        let mut chunks: BTreeMap<i64, Chunk> = BTreeMap::new();
        let mut noted = Leaves::new();
        let mut days = DayFinder::new(&epoch.tz);
        let mut from = i64::MIN;
        loop {
            conn.execute_batch("BEGIN")?;
            let slice = read_slice(
                conn,
                &path,
                root,
                from,
                &epoch,
                &mut chunks,
                &mut noted,
                &mut days,
            );
            conn.execute_batch("COMMIT")?;
            match slice? {
                Some(next) => from = next,
                None => break,
            }
        }
        let Some(mark) = before.file else {
            return Ok(());
        };
        self.stats.full_reads += 1;
        self.stats.last_full_reason = "first read, in short transactions";
        self.kept = Some(Kept {
            shape,
            epoch,
            watch: Watch::File(mark, Some(noted)),
            chunks,
        });
        Ok(())
    }

    /// What a sliced read needs: None when the rows cannot be sliced by rowid.
    fn slice_plan(
        &self,
        conn: &Connection,
        path: &Path,
        now: chrono::DateTime<chrono::Utc>,
    ) -> rusqlite::Result<Option<(Shape, Epoch, u32)>> {
        let settings = crate::db::settings::Settings::read(conn)?;
        let tz = settings.timezone;
        let periods = Periods::new(&tz, now);
        let schema_version: i64 = conn.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
        let shape = Shape {
            file: file_id(path),
            path: path.to_path_buf(),
            schema_version,
            chunked: followable(conn)?,
        };
        let root: Option<u32> = conn
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'vehicles'",
                [],
                |r| r.get(0),
            )
            .ok();
        Ok(match root {
            Some(root) if shape.chunked => Some((shape, Epoch::new(&tz, &periods), root)),
            _ => None,
        })
    }
}

/// Chunks read in one short transaction of `VehicleCache::prepare`.
pub(super) const SLICE_CHUNKS: i64 = 8;

/// Reads the chunks of one slice, from the first row at or after rowid `from`, and
/// notes the leaves holding them as they are now (a leaf noted twice with different
/// bytes gets hash 0: it will be read again). The next slice's first rowid, or
/// None at the end.
#[expect(
    clippy::too_many_arguments,
    reason = "one slice of one read, in its caller's terms"
)]
pub(super) fn read_slice(
    conn: &Connection,
    path: &Path,
    root: u32,
    from: i64,
    epoch: &Epoch,
    chunks: &mut BTreeMap<i64, Chunk>,
    noted: &mut Leaves,
    days: &mut DayFinder,
) -> rusqlite::Result<Option<i64>> {
    let first: Option<i64> = conn.query_row(
        "SELECT min(_rowid_) FROM vehicles WHERE _rowid_ >= ?1",
        [from],
        |r| r.get(0),
    )?;
    let Some(first) = first else {
        return Ok(None);
    };
    let k = chunk_of(first);
    let last_chunk = k.saturating_add(SLICE_CHUNKS - 1).min(chunk_of(i64::MAX));
    let (lo, hi) = rowids_of(k, last_chunk);
    for_each_row(conn, Rows::Rowids(lo, hi), |values, rowid| {
        chunks
            .entry(chunk_of(rowid))
            .or_default()
            .add_row(values, rowid, epoch, days);
    })?;
    match pages::leaves(path, root, (lo, hi), None) {
        Some(now) => {
            for (no, leaf) in now {
                if leaf.first > hi || leaf.last < lo {
                    continue;
                }
                let entry = noted.entry(no).or_insert(leaf);
                if *entry != leaf {
                    entry.hash = 0;
                }
            }
        }
        None => {
            // The leaves cannot be read: nothing noted, so everything is read
            // again by the caller's transaction.
            noted.clear();
            noted.insert(
                0,
                pages::Leaf {
                    first: i64::MIN,
                    last: i64::MAX,
                    hash: 0,
                },
            );
        }
    }
    Ok(hi.checked_add(1))
}
