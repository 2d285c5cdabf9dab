//! Headless dashboards: threads that each do what the dashboard's reader thread
//! (src/ui/reader.rs) does, on a read-only connection of their own: poll
//! `PRAGMA data_version` every 200 ms and, when it changed, run one full refresh
//! (`yardtop::ui::load_dash_data`), timed. Every rusqlite error is counted, busy or
//! otherwise; nothing is retried or hidden.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::Utc;

/// The dashboard's poll interval (`yardtop::ui::reader::POLL`).
pub const POLL: Duration = yardtop::ui::reader::POLL;
/// The dashboard's reader waits this long on a lock before it reports "busy"
/// (src/ui/reader.rs `BUSY_TIMEOUT`, private there).
pub const BUSY_TIMEOUT: Duration = Duration::from_millis(150);
/// Error messages kept per reader (all are counted).
const KEEP_ERRORS: usize = 5;

/// What one reader saw.
#[derive(Default)]
pub struct Stats {
    /// Refresh times while the writer ran (ms).
    pub refresh_ms: Vec<f64>,
    /// The longest wait between the ends of two refreshes while the writer ran (ms).
    pub max_gap_ms: f64,
    /// The refreshes' read transactions while the writer ran: (start, end) in
    /// seconds since the readers started.
    pub spans: Vec<(f64, f64)>,
    pub polls: u64,
    /// Errors of any kind: open, data_version, refresh.
    pub errors: u64,
    /// Of which SQLITE_BUSY / SQLITE_LOCKED.
    pub busy: u64,
    /// Of which while the writer ran.
    pub errors_writing: u64,
    pub messages: Vec<String>,
    /// The first refresh, before the writer started (ms; a fresh connection).
    pub first_ms: Option<f64>,
}

pub struct Readers {
    handles: Vec<JoinHandle<Stats>>,
    stop: Arc<AtomicBool>,
    pub measuring: Arc<AtomicBool>,
    ready: Arc<AtomicUsize>,
    pub epoch: Instant,
}

impl Readers {
    /// Starts `n` readers on `db`.
    pub fn start(db: &Path, n: usize) -> Result<Readers, String> {
        let stop = Arc::new(AtomicBool::new(false));
        let measuring = Arc::new(AtomicBool::new(false));
        let ready = Arc::new(AtomicUsize::new(0));
        let epoch = Instant::now();
        let mut handles = Vec::with_capacity(n);
        for i in 0..n {
            let (db, stop, measuring, ready) =
                (db.to_path_buf(), stop.clone(), measuring.clone(), ready.clone());
            let h = std::thread::Builder::new()
                .name(format!("reader-{i}"))
                .spawn(move || run(db, stop, measuring, ready, epoch))
                .map_err(|e| format!("cannot start reader thread {i}: {e}"))?;
            handles.push(h);
        }
        Ok(Readers {
            handles,
            stop,
            measuring,
            ready,
            epoch,
        })
    }

    /// How many readers have done their first refresh (or given up on it).
    pub fn ready(&self) -> usize {
        self.ready.load(Ordering::Relaxed)
    }

    /// Stops the readers and collects what they saw.
    pub fn finish(mut self) -> Vec<Stats> {
        self.stop.store(true, Ordering::Relaxed);
        std::mem::take(&mut self.handles)
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| Stats {
                    errors: 1,
                    messages: vec!["the reader thread panicked".into()],
                    ..Stats::default()
                })
            })
            .collect()
    }
}

impl Drop for Readers {
    fn drop(&mut self) {
        // A run cut short (an error in the benchmark) still stops the threads.
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn note(st: &mut Stats, writing: bool, what: &str, e: &dyn std::fmt::Display, busy: bool) {
    st.errors += 1;
    if busy {
        st.busy += 1;
    }
    if writing {
        st.errors_writing += 1;
    }
    if st.messages.len() < KEEP_ERRORS {
        st.messages.push(format!("{what}: {e}"));
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

fn run(
    db: PathBuf,
    stop: Arc<AtomicBool>,
    measuring: Arc<AtomicBool>,
    ready: Arc<AtomicUsize>,
    epoch: Instant,
) -> Stats {
    let mut st = Stats::default();
    let conn = match yardtop::db::open_read_only(&db) {
        Ok(c) => c,
        Err(e) => {
            note(&mut st, false, "open", &e.message, false);
            ready.fetch_add(1, Ordering::Relaxed);
            return st;
        }
    };
    if let Err(e) = conn.busy_timeout(BUSY_TIMEOUT) {
        note(&mut st, false, "busy_timeout", &e, false);
    }
    let mut version: Option<i64> = None;
    // As the dashboard's reader: the vehicles' facts kept between refreshes.
    let mut cache = yardtop::figures::VehicleCache::new();
    let mut last_end: Option<Instant> = None;
    let mut first = true;
    let mut announced = false;
    while !stop.load(Ordering::Relaxed) {
        if !announced && (version.is_some() || st.errors > 0) {
            // Ready: the first refresh is done (or failed: the start does not
            // wait on a broken reader).
            announced = true;
            ready.fetch_add(1, Ordering::Relaxed);
        }
        if !std::mem::take(&mut first) {
            std::thread::sleep(POLL);
        }
        let writing = measuring.load(Ordering::Relaxed);
        st.polls += 1;
        let dv = match conn.query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0)) {
            Ok(v) => v,
            Err(e) => {
                let busy = is_busy(&e);
                note(&mut st, writing, "PRAGMA data_version", &e, busy);
                continue;
            }
        };
        if version == Some(dv) {
            continue;
        }
        let t = Instant::now();
        match yardtop::ui::data::load_dash_data_with(&conn, Utc::now(), &mut cache, |_| Ok(())) {
            Ok(_) => {
                let end = Instant::now();
                let ms = (end - t).as_secs_f64() * 1000.0;
                if version.is_none() {
                    st.first_ms = Some(ms);
                }
                version = Some(dv);
                if writing {
                    st.refresh_ms.push(ms);
                    st.spans
                        .push(((t - epoch).as_secs_f64(), (end - epoch).as_secs_f64()));
                    if let Some(prev) = last_end {
                        st.max_gap_ms = st.max_gap_ms.max((end - prev).as_secs_f64() * 1000.0);
                    }
                    last_end = Some(end);
                }
            }
            Err(e) => {
                let busy = is_busy(&e);
                note(&mut st, writing, "load_dash_data", &e, busy);
            }
        }
    }
    st
}

/// Of the window `from..to` (seconds since the readers started): the share during
/// which at least one refresh's read transaction was open, and the longest moment
/// with none open (seconds). While read transactions overlap without a break, the
/// WAL cannot start over from its beginning.
pub fn coverage(stats: &[Stats], from: f64, to: f64) -> (f64, f64) {
    let mut spans: Vec<(f64, f64)> = stats
        .iter()
        .flat_map(|s| s.spans.iter().copied())
        .map(|(a, b)| (a.max(from), b.min(to)))
        .filter(|(a, b)| b > a)
        .collect();
    spans.sort_by(|x, y| x.0.total_cmp(&y.0));
    let (mut covered, mut longest_free) = (0.0f64, 0.0f64);
    let mut cursor = from;
    for (a, b) in spans {
        if a > cursor {
            longest_free = longest_free.max(a - cursor);
        }
        if b > cursor {
            covered += b - a.max(cursor);
            cursor = b;
        }
    }
    longest_free = longest_free.max(to - cursor);
    let window = (to - from).max(1e-9);
    (covered / window, longest_free)
}
