//! What the dashboard renders: `DashData` (what one refresh of the reader produces:
//! the figures, the newest events, the database hint, the refresh timing), the
//! drill-down data (`Detail`), and the options of one rendering (`RenderOptions`:
//! ASCII, theme, display zone, clock, now, database path, live state).

use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;

use crate::config::Theme;
use crate::ctx::Ctx;
use crate::db::browse::{self, ConsignmentInfo, EventRow, Page, SearchResults, VehicleDetail, VehicleRow};
use crate::figures::listing::SubjectPage;
use crate::figures::{Figures, VehicleCache};

/// What the header says when the database lacks yardtop's indexes (docs/benchmarks.md).
pub const DB_HINT: &str = "no yardtop indexes: run `yardtop init --existing` to speed up";

/// How many of the newest events the activity feed holds.
pub const ACTIVITY_EVENTS: usize = 50;

/// One refresh's worth of data.
#[derive(Debug, Clone, PartialEq)]
pub struct DashData {
    pub figures: Figures,
    /// The newest events, newest first.
    pub events: Vec<EventRow>,
    /// `DB_HINT` when the database lacks yardtop's indexes.
    pub db_hint: Option<String>,
    pub refresh: RefreshInfo,
    /// The yard alone, shown while history is read on a large yard
    /// (`load_yard_first`): the export counters and the vehicles' data quality are
    /// not counted yet and must be shown as such.
    pub reading_history: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefreshInfo {
    /// When the refresh ran (real clock).
    pub at: DateTime<Utc>,
    /// How long it took.
    pub took: Duration,
}

/// Reads the dashboard's data as of `now`. (`snapshot --format text` uses this.)
pub fn load_dash_data(conn: &Connection, now: DateTime<Utc>) -> rusqlite::Result<DashData> {
    load_dash_data_with(conn, now, &mut VehicleCache::once(), |_| Ok(())).map(|(d, ())| d)
}

/// Reads the dashboard's data, and `extra` (a drill-down) with the events, reading
/// again only the vehicles that changed since `cache` last read them. No
/// transaction stays open when this returns.
pub fn load_dash_data_with<T>(
    conn: &Connection,
    now: DateTime<Utc>,
    cache: &mut VehicleCache,
    extra: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> rusqlite::Result<(DashData, T)> {
    let started = std::time::Instant::now();
    // Without a log, a long first read is read in short transactions first.
    cache.prepare(conn, now)?;
    // One read transaction: the figures, the feed and the drill-down describe the
    // same moment, and it ends before the screen is drawn.
    let tx = conn.unchecked_transaction()?;
    let figures = crate::figures::compute_cached(&tx, now, cache)?;
    let events = browse::newest_events(&tx, ACTIVITY_EVENTS)?;
    let db_hint = crate::db::lacks_yardtop_indexes(&tx).then(|| DB_HINT.to_string());
    let more = extra(&tx)?;
    tx.commit()?;
    let data = DashData {
        figures,
        events,
        db_hint,
        refresh: RefreshInfo {
            at: Utc::now(),
            took: started.elapsed(),
        },
        reading_history: false,
    };
    Ok((data, more))
}

/// Vehicles from which a first refresh shows the yard before it has read history.
pub const YARD_FIRST_FROM: i64 = 200_000;

/// The yard alone (`figures::compute_yard_first`) with the newest events, when the
/// yard is large and indexed for it: what the dashboard shows first while its first
/// full refresh reads every vehicle. None when a full refresh would be as quick.
pub fn load_yard_first(conn: &Connection, now: DateTime<Utc>) -> rusqlite::Result<Option<DashData>> {
    let started = std::time::Instant::now();
    let tx = conn.unchecked_transaction()?;
    let size: Option<i64> = tx.query_row("SELECT max(_rowid_) FROM vehicles", [], |r| r.get(0))?;
    if size.unwrap_or(0) < YARD_FIRST_FROM || crate::db::lacks_yardtop_indexes(&tx) {
        return Ok(None);
    }
    let figures = crate::figures::compute_yard_first(&tx, now)?;
    let events = browse::newest_events(&tx, ACTIVITY_EVENTS)?;
    tx.commit()?;
    Ok(Some(DashData {
        figures,
        events,
        db_hint: None,
        refresh: RefreshInfo {
            at: Utc::now(),
            took: started.elapsed(),
        },
        reading_history: true,
    }))
}

/// The state of the live connection, as the header shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveState {
    /// Not yet read.
    Starting,
    /// Reading; the last change seen (real clock), if known.
    Live { last_change: Option<DateTime<Utc>> },
    /// Updates paused by the user.
    Paused,
    /// Another program holds a lock; the last figures stay on screen.
    Busy { since: DateTime<Utc> },
    /// The database cannot be read; the last figures stay on screen.
    Unreachable { reason: String, since: DateTime<Utc> },
    /// A one-off rendering (`snapshot --format text`).
    Snapshot,
}

/// How one screen is rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOptions {
    pub ascii: bool,
    pub theme: Theme,
    /// Mono, whatever the theme (--no-color, NO_COLOR).
    pub no_color: bool,
    /// --tz: overrides the port's zone for display only.
    pub tz: Option<Tz>,
    pub clock_24h: bool,
    /// The clock shown and the countdowns' reference (--now when frozen).
    pub now: DateTime<Utc>,
    /// The real clock, for "how long ago" of the live state.
    pub wall_now: DateTime<Utc>,
    /// The database file, for the header.
    pub db_path: String,
    pub live: LiveState,
    /// A demo database (`yardtop demo`).
    pub demo: bool,
    /// The clock is frozen (--now, or a story told at a fixed instant): the header
    /// must never call such a screen live.
    pub frozen: bool,
}

impl RenderOptions {
    /// The options of `ctx` as of `now`, for a one-off rendering.
    pub fn from_ctx(ctx: &Ctx, now: DateTime<Utc>) -> RenderOptions {
        RenderOptions {
            ascii: ctx.ascii,
            theme: ctx.config.theme,
            no_color: ctx.no_color,
            tz: ctx.tz,
            clock_24h: ctx.config.clock_24h,
            now,
            wall_now: Utc::now(),
            db_path: ctx.db.display().to_string(),
            live: LiveState::Snapshot,
            demo: false,
            frozen: ctx.now.is_some(),
        }
    }

    /// The zone times are shown in: --tz, else the port's.
    pub fn display_tz(&self, figures: Option<&Figures>) -> Tz {
        self.tz
            .or_else(|| figures.and_then(|f| crate::time::parse_tz(&f.timezone)))
            .unwrap_or(Tz::UTC)
    }
}

/// Drill-down data for the view on top, tagged with the request it answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub seq: u64,
    pub body: DetailBody,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DetailBody {
    Block(BlockMapData),
    Consignment(ConsignmentData),
    Vehicle(VehicleData),
    Search(SearchResults),
    /// A page of a vehicle alert's subjects.
    Subjects(SubjectPage),
    /// The query failed; the reason.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct BlockMapData {
    pub code: String,
    pub vehicles: Vec<VehicleRow>,
    /// More vehicles than the map reads (a broken database).
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConsignmentData {
    /// None when it no longer exists.
    pub info: Option<ConsignmentInfo>,
    pub page: Page<VehicleRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VehicleData {
    /// None when it no longer exists.
    pub detail: Option<VehicleDetail>,
    pub events: Page<EventRow>,
}
