//! The reader thread: the only code of the dashboard that touches the database.
//!
//! Every ~200 ms it looks at the files (see `db::watch`: the database, its WAL and
//! shared-memory index, Litestream's `-txid`); only when they moved (or on the first
//! read, on `r`, or for a drill-down request) it opens a fresh read-only connection,
//! runs the figures and the browse queries inside one short read transaction, and
//! closes the connection again. Nothing is held between refreshes: no transaction
//! (the WAL can always be checkpointed, a rollback-journal writer never waits longer
//! than one refresh) and no connection (a Litestream follower is never stalled by an
//! idle reader's lock). A lock (SQLITE_BUSY) shows "database busy since …"; a deleted,
//! corrupted or unreadable file shows "database unreachable: reason"; in both cases the
//! last figures stay on screen and the reader retries every second and recovers.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::figures::VehicleCache;
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::Connection;

use super::data::{
    load_dash_data_with, load_yard_first, BlockMapData, ConsignmentData, DashData, Detail, DetailBody,
    VehicleData,
};
use crate::db::browse::{self, Anchor};
use crate::db::watch::Fingerprint;
use crate::error::{is_busy, sqlite_reason};
use crate::figures::listing::SubjectKey;

/// How often the file and `data_version` are checked.
pub const POLL: Duration = Duration::from_millis(200);
/// The longest a change waits for the next refresh (docs/architecture.md: a change shows within
/// 1 s).
pub const MAX_SPACING: Duration = Duration::from_millis(700);

/// How often a lost database is retried.
pub const RETRY: Duration = Duration::from_secs(1);
/// Time-dependent figures (countdowns to at-risk, SoC age, the port day) are
/// recomputed at least this often even when no data changes.
pub const RECOMPUTE: Duration = Duration::from_secs(30);
/// A yard of a group whose dashboard is not open: its row needs a change within the
/// group's 3 s and its time-dependent counts (at risk) within a couple of minutes, so
/// twenty of them idle at a fraction of what twenty open dashboards would cost.
pub const GROUP_POLL: Duration = Duration::from_millis(500);
pub const GROUP_RECOMPUTE: Duration = Duration::from_secs(120);
/// How long one query waits on a lock before the reader reports "busy". A writer
/// with a rollback journal keeps new readers out while it commits, an ordinary
/// commit for a fraction of a second (docs/benchmarks.md, "Locks"): waiting longer
/// than that keeps such commits off the screen. The wait is on the reader's
/// thread; the screen stays live meanwhile.
const BUSY_TIMEOUT: Duration = Duration::from_millis(1500);

/// What the reader tells the loop.
#[derive(Debug)]
pub enum ReaderMsg {
    Data(Box<DashData>),
    Detail(Box<Detail>),
    State(ReaderState),
    /// The reader stopped on an internal error (a bug): the dashboard must end
    /// rather than show frozen figures as live.
    Stopped(String),
}

/// Where the reader's messages go: the loop wraps them into its own events (the
/// reader knows nothing of the loop). False when nobody listens any more.
pub type Sink = std::sync::Arc<dyn Fn(ReaderMsg) -> bool + Send + Sync>;

/// The connection's state (the loop turns it into the header's live state).
#[derive(Debug, Clone, PartialEq)]
pub enum ReaderState {
    Live { last_change: Option<DateTime<Utc>> },
    Busy { since: DateTime<Utc> },
    Unreachable { reason: String, since: DateTime<Utc> },
}

/// A drill-down the loop wants.
#[derive(Debug, Clone, PartialEq)]
pub enum DetailRequest {
    Block(String),
    Consignment {
        id: i64,
        anchor: Anchor<Value>,
        limit: usize,
    },
    /// A consignment known only by its ref (an alert's subject).
    ConsignmentRef {
        reference: String,
        limit: usize,
    },
    Vehicle {
        vin: Value,
        anchor: Anchor<i64>,
        limit: usize,
    },
    Search(String),
    /// A page of a vehicle alert's subjects.
    Subjects {
        kind: String,
        anchor: Anchor<SubjectKey>,
        limit: usize,
    },
}

/// What the loop asks of the reader.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Refresh,
    SetPaused(bool),
    /// Replace the drill-down; `seq` tags the answers.
    Detail(u64, DetailRequest),
    ClearDetail,
    /// How often to look at the files and to recompute unchanged data: the open
    /// dashboard's pace (`POLL`, `RECOMPUTE`) or a group row's (`GROUP_POLL`,
    /// `GROUP_RECOMPUTE`).
    Pace {
        poll: Duration,
        recompute: Duration,
    },
}

fn system_time(t: std::time::SystemTime) -> DateTime<Utc> {
    DateTime::<Utc>::from(t)
}

pub struct Reader {
    path: PathBuf,
    /// The connection the dashboard opened to check the path before taking over
    /// the terminal; the first refresh uses it, later ones open their own.
    first_conn: Option<Connection>,
    /// The files as the last successful refresh found them.
    seen: Option<Fingerprint>,
    /// --now, when frozen.
    frozen_now: Option<DateTime<Utc>>,
    paused: bool,
    detail: Option<(u64, DetailRequest)>,
    state: Option<ReaderState>,
    last_attempt: Option<Instant>,
    last_refresh: Instant,
    /// How often the files are looked at, and unchanged data recomputed.
    poll: Duration,
    recompute: Duration,
    /// How long the last refresh took: the next one waits a few times that (see
    /// `spacing`).
    refresh_took: Duration,
    tx: Sink,
    /// The vehicles' facts, read again only where a writer changed them.
    cache: VehicleCache,
}

impl Reader {
    /// A reader on an already opened connection (opening it first lets the
    /// dashboard refuse a bad path before it takes over the terminal).
    pub fn new(
        path: &Path,
        conn: Option<Connection>,
        frozen_now: Option<DateTime<Utc>>,
        tx: impl Fn(ReaderMsg) -> bool + Send + Sync + 'static,
    ) -> Self {
        if let Some(c) = &conn {
            let _ = c.busy_timeout(BUSY_TIMEOUT);
        }
        Reader {
            path: path.to_path_buf(),
            first_conn: conn,
            poll: POLL,
            recompute: RECOMPUTE,
            seen: None,
            frozen_now,
            paused: false,
            detail: None,
            state: None,
            last_attempt: None,
            last_refresh: Instant::now(),
            refresh_took: Duration::ZERO,
            tx: std::sync::Arc::new(tx),
            cache: VehicleCache::new(),
        }
    }

    /// Runs the reader on its own thread. Should it ever panic (a bug), the loop
    /// is told and ends the dashboard instead of showing frozen figures as live.
    pub fn spawn(self, rx: Receiver<Request>) -> std::io::Result<()> {
        let tx = std::sync::Arc::clone(&self.tx);
        std::thread::Builder::new()
            .name("yardtop-reader".into())
            .spawn(move || {
                let run = std::panic::AssertUnwindSafe(move || self.run(rx));
                if std::panic::catch_unwind(run).is_err() {
                    tx(ReaderMsg::Stopped(
                        "the database reader stopped on an internal error; please report it".into(),
                    ));
                }
            })
            .map(|_| ())
    }

    fn run(mut self, rx: Receiver<Request>) {
        let mut force = true;
        // The first read goes at once: the first frame waits for it.
        let mut first = true;
        loop {
            let mut detail_only = false;
            if !std::mem::take(&mut first) {
                match rx.recv_timeout(self.poll) {
                    Ok(req) => self.take(req, &mut force, &mut detail_only),
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            // Take every request already queued: a burst of keys is one refresh.
            while let Ok(req) = rx.try_recv() {
                self.take(req, &mut force, &mut detail_only);
            }
            if !self.step(force, detail_only) {
                return;
            }
            force = false;
        }
    }

    fn take(&mut self, req: Request, force: &mut bool, detail_only: &mut bool) {
        match req {
            Request::Refresh => *force = true,
            Request::SetPaused(p) => {
                self.paused = p;
                if !p {
                    *force = true;
                }
            }
            Request::Detail(seq, d) => {
                self.detail = Some((seq, d));
                *detail_only = true;
            }
            Request::ClearDetail => self.detail = None,
            Request::Pace { poll, recompute } => {
                self.poll = poll;
                self.recompute = recompute;
            }
        }
    }

    fn send(&self, msg: ReaderMsg) -> bool {
        (self.tx)(msg)
    }

    fn set_state(&mut self, s: ReaderState) -> bool {
        if self.state.as_ref() == Some(&s) {
            return true;
        }
        // The log grows by a line per change of state, not per refresh: a new
        // "last change" time is not a new state.
        if self.state.as_ref().map(state_kind) != Some(state_kind(&s)) {
            tracing::info!(state = ?s, "database state");
        }
        self.state = Some(s.clone());
        self.send(ReaderMsg::State(s))
    }

    fn lost(&mut self, reason: String) -> bool {
        self.seen = None;
        let since = match &self.state {
            Some(ReaderState::Unreachable { reason: r, since }) if *r == reason => *since,
            _ => Utc::now(),
        };
        self.set_state(ReaderState::Unreachable { reason, since })
    }

    fn busy(&mut self) -> bool {
        let since = match &self.state {
            Some(ReaderState::Busy { since }) => *since,
            _ => Utc::now(),
        };
        self.set_state(ReaderState::Busy { since })
    }

    /// One poll. Returns false when the loop is gone.
    fn step(&mut self, force: bool, detail_only: bool) -> bool {
        // 1. The files: still there, and did they move?
        let print = match Fingerprint::read(&self.path) {
            Ok(p) => p,
            Err(e) => {
                let reason = if e.kind() == std::io::ErrorKind::NotFound {
                    "the file is gone (deleted or moved)".to_string()
                } else {
                    crate::error::io_reason(&e)
                };
                return self.lost(reason);
            }
        };
        let first = self.seen.is_none() && self.first_conn.is_some();
        let changed = self.seen.as_ref() != Some(&print);
        let recovering = !matches!(self.state, Some(ReaderState::Live { .. }));
        // A lost database is retried at most once a second.
        if recovering && self.last_attempt.is_some_and(|t| t.elapsed() < RETRY) && !force {
            return true;
        }
        let stale = !self.paused && self.last_refresh.elapsed() >= self.recompute;
        // Under a continuous stream of writes every poll sees a change. Twenty
        // dashboards refreshing at every poll would keep a reader in the database
        // all the time (the writer's WAL could never start over) and need more
        // cores than the server has; so a change waits until a few refresh-times
        // have passed since the last refresh, never more than `MAX_SPACING`.
        let spacing = (self.refresh_took * 6).min(MAX_SPACING);
        let too_soon = self.last_refresh.elapsed() < spacing;
        if changed && !self.paused && too_soon && !(force || first || recovering) {
            return true;
        }
        if (changed && !self.paused) || force || first || recovering || stale {
            self.refresh(print, first, changed, detail_only)
        } else if detail_only {
            self.refresh_detail()
        } else {
            true
        }
    }

    /// A connection for one refresh: the first one given, or a fresh one. A lock is
    /// "busy" (the last figures stay), anything else "unreachable".
    fn connect(&mut self) -> Result<Connection, bool> {
        self.last_attempt = Some(Instant::now());
        if let Some(c) = self.first_conn.take() {
            return Ok(c);
        }
        let conn = match crate::db::open_read_only_raw(&self.path, BUSY_TIMEOUT) {
            Ok(c) => c,
            Err(e) if is_busy(&e) => return Err(self.busy()),
            Err(e) => return Err(self.lost(unreadable(&e))),
        };
        match crate::db::check_schema(&self.path, &conn) {
            Ok(()) => Ok(conn),
            Err(e) => Err(self.lost(short_reason(&e.message, &self.path))),
        }
    }

    fn now(&self) -> DateTime<Utc> {
        self.frozen_now.unwrap_or_else(Utc::now)
    }

    /// A full refresh in one read transaction.
    fn refresh(&mut self, print: Fingerprint, first: bool, changed: bool, new_detail: bool) -> bool {
        // The file the path leads to as the connection opens: a file renamed over
        // the path meanwhile is not taken for the one read.
        self.cache.expect_file(print.file_id());
        let conn = match self.connect() {
            Ok(c) => c,
            Err(alive) => return alive,
        };
        let now = self.now();
        self.last_refresh = Instant::now();
        // Drill-downs stay live; a search (a bounded full scan) runs once, not on
        // every change.
        let detail_req = self
            .detail
            .clone()
            .filter(|(_, r)| new_detail || !matches!(r, DetailRequest::Search(_)));
        // A large yard's first refresh reads every vehicle (about a second for a
        // million): the yard goes on screen first.
        if self.cache.stats().full_reads == 0 {
            if let Ok(Some(data)) = load_yard_first(&conn, now) {
                if !self.send(ReaderMsg::Data(Box::new(data))) {
                    return false;
                }
            }
        }
        let result = load_dash_data_with(&conn, now, &mut self.cache, |tx| match &detail_req {
            Some((seq, req)) => run_detail(tx, *seq, req, now).map(Some),
            None => Ok(None),
        });
        self.refresh_took = self.last_refresh.elapsed();
        tracing::debug!(
            took_ms = self.refresh_took.as_secs_f64() * 1000.0,
            changed,
            ok = result.is_ok(),
            "refresh"
        );
        match result {
            Ok((data, detail)) => {
                let keep = if first {
                    print.last_write().map(system_time)
                } else if changed {
                    Some(Utc::now())
                } else {
                    // A forced refresh of unchanged data keeps the last change.
                    match &self.state {
                        Some(ReaderState::Live { last_change }) => *last_change,
                        _ => None,
                    }
                };
                self.seen = Some(print);
                if let Some(d) = &detail {
                    self.settle_anchor(d);
                }
                if !self.send(ReaderMsg::Data(Box::new(data))) {
                    return false;
                }
                if let Some(d) = detail {
                    if !self.send(ReaderMsg::Detail(Box::new(d))) {
                        return false;
                    }
                }
                self.set_state(ReaderState::Live { last_change: keep })
            }
            Err(e) if is_busy(&e) => self.busy(),
            Err(e) => self.lost(unreadable(&e)),
        }
    }

    /// Only the drill-down (the figures did not change).
    fn refresh_detail(&mut self) -> bool {
        if self.detail.is_none() {
            return true;
        }
        let now = self.now();
        let conn = match self.connect() {
            Ok(c) => c,
            Err(alive) => return alive,
        };
        let Some((seq, req)) = self.detail.as_ref() else {
            return true;
        };
        let result = (|| {
            let tx = conn.unchecked_transaction()?;
            let d = run_detail(&tx, *seq, req, now)?;
            tx.commit()?;
            Ok::<_, rusqlite::Error>(d)
        })();
        match result {
            Ok(d) => {
                self.settle_anchor(&d);
                self.send(ReaderMsg::Detail(Box::new(d)))
            }
            Err(e) if is_busy(&e) => self.busy(),
            Err(e) => self.send(ReaderMsg::Detail(Box::new(Detail {
                seq: *seq,
                body: DetailBody::Failed(sqlite_reason(&e)),
            }))),
        }
    }

    /// After a page is read, later refreshes re-read the same window: the anchor
    /// becomes "from the first row shown" (the UI does the same).
    fn settle_anchor(&mut self, d: &Detail) {
        let Some((_, req)) = self.detail.as_mut() else {
            return;
        };
        match (req, &d.body) {
            (DetailRequest::Consignment { anchor, .. }, DetailBody::Consignment(c)) => {
                if let Some(first) = c.page.rows.first() {
                    *anchor = Anchor::From(first.key.clone());
                }
            }
            (DetailRequest::Vehicle { anchor, .. }, DetailBody::Vehicle(v)) => {
                if let Some(first) = v.events.rows.first() {
                    *anchor = Anchor::From(first.id);
                }
            }
            (DetailRequest::Subjects { anchor, .. }, DetailBody::Subjects(p)) => {
                if let Some(first) = p.page.rows.first() {
                    *anchor = Anchor::From(first.key.clone());
                }
            }
            (r @ DetailRequest::ConsignmentRef { .. }, DetailBody::Consignment(c)) => {
                if let (Some(info), DetailRequest::ConsignmentRef { limit, .. }) = (&c.info, &*r) {
                    let limit = *limit;
                    *r = DetailRequest::Consignment {
                        id: info.id,
                        anchor: Anchor::First,
                        limit,
                    };
                }
            }
            _ => {}
        }
    }
}

/// What kind of state this is, for the log: the same kind is not logged again.
fn state_kind(s: &ReaderState) -> String {
    match s {
        ReaderState::Live { .. } => "live".into(),
        ReaderState::Busy { .. } => "busy".into(),
        ReaderState::Unreachable { reason, .. } => format!("unreachable: {reason}"),
    }
}

/// Why the open database cannot be read; for a damaged file, what to do about it
/// (the header names the file).
fn unreadable(e: &rusqlite::Error) -> String {
    let reason = sqlite_reason(e);
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
            format!("{reason}; run `yardtop check`")
        }
        _ => reason,
    }
}

/// The database part of an open error, without the path (the header shows it).
fn short_reason(message: &str, path: &Path) -> String {
    let p = path.display().to_string();
    message
        .replace(&format!("cannot read yard database {p}: "), "")
        .replace(&format!("yard database {p} "), "")
        .replace(&format!("{p} "), "")
}

/// Runs one drill-down query as of `now` (an alert's subjects are those of now).
pub fn run_detail(
    conn: &Connection,
    seq: u64,
    req: &DetailRequest,
    now: DateTime<Utc>,
) -> rusqlite::Result<Detail> {
    let body = match req {
        DetailRequest::Block(code) => {
            let (vehicles, truncated) = browse::block_vehicles(conn, code)?;
            DetailBody::Block(BlockMapData {
                code: code.clone(),
                vehicles,
                truncated,
            })
        }
        DetailRequest::Consignment { id, anchor, limit } => DetailBody::Consignment(ConsignmentData {
            info: browse::consignment_info(conn, *id)?,
            page: browse::consignment_vehicles(conn, *id, anchor, *limit)?,
        }),
        DetailRequest::ConsignmentRef { reference, limit } => {
            match browse::consignment_id_by_ref(conn, reference)? {
                Some(id) => DetailBody::Consignment(ConsignmentData {
                    info: browse::consignment_info(conn, id)?,
                    page: browse::consignment_vehicles(conn, id, &Anchor::First, *limit)?,
                }),
                None => DetailBody::Consignment(ConsignmentData {
                    info: None,
                    page: Default::default(),
                }),
            }
        }
        DetailRequest::Vehicle { vin, anchor, limit } => {
            let detail = browse::vehicle_detail(conn, vin)?;
            // The events of the VIN as stored (it may not be the text asked for).
            let key = detail.as_ref().map_or(vin, |d| &d.row.key);
            DetailBody::Vehicle(VehicleData {
                events: browse::vehicle_events(conn, key, anchor, *limit)?,
                detail,
            })
        }
        DetailRequest::Search(q) => DetailBody::Search(browse::search(conn, q)?),
        DetailRequest::Subjects { kind, anchor, limit } => DetailBody::Subjects(
            crate::figures::listing::vehicle_page(conn, kind, anchor, *limit, now)?,
        ),
    };
    Ok(Detail { seq, body })
}
