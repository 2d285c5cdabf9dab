//! The in-process figures: a full refresh (`load_dash_data`) and its parts, a frame
//! drawn and diffed at 200×60, the bytes a frame costs through yardtop's own
//! backend, and keyset paging of a 1,000,000-row list against a 100-row one.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, Utc};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rusqlite::types::Value;
use rusqlite::Connection;

use yardtop::db::browse::{self, Anchor, EventRow};
use yardtop::db::queries;
use yardtop::figures::VehicleCache;
use yardtop::ui::backend::LeanBackend;
use yardtop::ui::keys::KeyTable;
use yardtop::ui::state::UiState;
use yardtop::ui::{DashData, LiveState, RenderOptions};

use crate::util::median;

fn ms_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// One refresh of every panel's data (figures + activity feed) on `conn`, with the
/// vehicles' facts kept in `cache` (a new cache reads every vehicle): milliseconds
/// and data.
pub fn refresh(
    conn: &Connection,
    now: DateTime<Utc>,
    cache: &mut VehicleCache,
) -> Result<(f64, DashData), String> {
    let t = Instant::now();
    let (data, ()) = yardtop::ui::data::load_dash_data_with(conn, now, cache, |_| Ok(()))
        .map_err(|e| format!("load_dash_data: {e}"))?;
    Ok((ms_since(t), data))
}

/// A refresh as the dashboard's reader runs it: a new connection (cold SQLite
/// cache), the facts kept in `cache`. (Open + refresh) in milliseconds.
pub fn dash_refresh(path: &Path, now: DateTime<Utc>, cache: &mut VehicleCache) -> Result<f64, String> {
    let t = Instant::now();
    let conn = yardtop::db::open_read_only(path).map_err(|e| e.to_string())?;
    let (_, data) = refresh(&conn, now, cache)?;
    std::hint::black_box(data);
    Ok(ms_since(t))
}

/// A refresh on a new connection with nothing kept, as the dashboard's first one:
/// (open + first refresh, first refresh alone) in milliseconds.
pub fn cold_refresh(path: &Path, now: DateTime<Utc>) -> Result<(f64, f64), String> {
    let t = Instant::now();
    let conn = yardtop::db::open_read_only(path).map_err(|e| e.to_string())?;
    let opened = ms_since(t);
    let (ms, data) = refresh(&conn, now, &mut VehicleCache::new())?;
    std::hint::black_box(data);
    Ok((opened + ms, ms))
}

/// One change as a terminal's gate system makes it, in its own transaction: a
/// vehicle in the yard re-checked (its SoC time moves by a second) and an event
/// about it. `undo_changes` takes the events away again.
pub fn change_one(writer: &Connection, n: usize) -> Result<(), String> {
    let e = |x: rusqlite::Error| format!("a writer's change: {x}");
    let vin: String = writer
        .query_row(
            "SELECT vin FROM vehicles WHERE status = 'parked' LIMIT 1 OFFSET ?1",
            [(n * 37) as i64],
            |r| r.get(0),
        )
        .map_err(e)?;
    let at = format!("2026-11-26T08:{:02}:{:02}Z", n / 60 % 60, n % 60);
    writer.execute_batch("BEGIN IMMEDIATE").map_err(e)?;
    writer
        .execute(
            "UPDATE vehicles SET soc_checked_at = ?1 WHERE vin = ?2",
            [&at, &vin],
        )
        .map_err(e)?;
    writer
        .execute(
            "INSERT INTO events(at, vin, kind, detail) VALUES (?1, ?2, 'soc_check', 'bench: one change')",
            [&at, &vin],
        )
        .map_err(e)?;
    writer.execute_batch("COMMIT").map_err(e)
}

/// Takes away the events `change_one` added.
pub fn undo_changes(writer: &Connection) -> Result<(), String> {
    writer
        .execute("DELETE FROM events WHERE detail = 'bench: one change'", [])
        .map(|_| ())
        .map_err(|x| format!("undo: {x}"))
}

/// The parts of one refresh, timed one by one inside a read transaction as
/// `figures::compute` runs them: part name → milliseconds per run.
pub fn refresh_parts(
    conn: &Connection,
    now: DateTime<Utc>,
    runs: usize,
) -> Result<BTreeMap<String, Vec<f64>>, String> {
    use yardtop::figures::{consignments, exports, quality, yard};
    let e = |what: &str, err: rusqlite::Error| format!("{what}: {err}");
    let mut out: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let now_ms = now.timestamp_millis();
    for _ in 0..runs.max(1) {
        conn.execute_batch("BEGIN").map_err(|x| e("BEGIN", x))?;
        let t = Instant::now();
        let settings = yardtop::db::settings::Settings::read(conn).map_err(|x| e("settings", x))?;
        let tz = settings.timezone;
        let periods = yardtop::time::Periods::new(&tz, now);
        out.entry("1 settings".to_string()).or_default().push(ms_since(t));

        let t = Instant::now();
        let pass = exports::pass(conn, &tz, &periods).map_err(|x| e("exports::pass", x))?;
        out.entry("2 exports (rows: exports::pass)".to_string())
            .or_default()
            .push(ms_since(t));

        let t = Instant::now();
        let yard_pass = yard::pass(conn, &settings, now_ms).map_err(|x| e("yard::pass", x))?;
        out.entry("3 yard::pass".to_string())
            .or_default()
            .push(ms_since(t));

        let t = Instant::now();
        let mut stmt = conn
            .prepare_cached(queries::YARD_VEHICLES)
            .map_err(|x| e("yard rows", x))?;
        let mut rows = stmt.query([]).map_err(|x| e("yard rows", x))?;
        while rows.next().map_err(|x| e("yard rows", x))?.is_some() {}
        drop(rows);
        drop(stmt);
        out.entry("3a of which the SQL: yard rows stepped, no column read".to_string())
            .or_default()
            .push(ms_since(t));

        let t = Instant::now();
        queries::yard_vehicles(conn, |v| {
            std::hint::black_box(v);
        })
        .map_err(|x| e("yard_vehicles", x))?;
        out.entry("3b of which queries::yard_vehicles (rows read and parsed, no figures)".to_string())
            .or_default()
            .push(ms_since(t));

        let t = Instant::now();
        let (_, bad) = consignments::pending(conn, &settings, now_ms, &pass.last_hour)
            .map_err(|x| e("consignments::pending", x))?;
        out.entry("4 consignments::pending".to_string())
            .or_default()
            .push(ms_since(t));

        let ids: Vec<i64> = queries::pending_consignments(conn)
            .map_err(|x| e("pending_consignments", x))?
            .iter()
            .map(|r| r.id)
            .collect();
        let t = Instant::now();
        queries::consignment_status_counts(conn, &ids).map_err(|x| e("status counts", x))?;
        out.entry("4a of which queries::consignment_status_counts".to_string())
            .or_default()
            .push(ms_since(t));

        let t = Instant::now();
        quality::scan(conn, &settings, yard_pass.bad_utf8_rows + bad, None)
            .map_err(|x| e("quality::scan", x))?;
        out.entry("5 quality::scan".to_string())
            .or_default()
            .push(ms_since(t));
        for table in yardtop::db::quality::TABLES {
            let t = Instant::now();
            yardtop::db::quality::scan(conn, table).map_err(|x| e("quality::scan", x))?;
            out.entry(format!("5a of which {table}, scanned"))
                .or_default()
                .push(ms_since(t));
        }

        let t = Instant::now();
        browse::newest_events(conn, yardtop::ui::data::ACTIVITY_EVENTS).map_err(|x| e("newest_events", x))?;
        out.entry("6 browse::newest_events(50)".to_string())
            .or_default()
            .push(ms_since(t));
        conn.execute_batch("COMMIT").map_err(|x| e("COMMIT", x))?;
    }
    Ok(out)
}

/// What drawing costs.
pub struct Render {
    /// First draw of the main screen at 200×60 into a fresh TestBackend terminal (ms).
    pub first_ms: Vec<f64>,
    /// The second draw of the same data (ratatui diffs against the first) (ms).
    pub diff_ms: Vec<f64>,
    /// Through yardtop's LeanBackend at 120×40: bytes of the first whole frame, of
    /// the same frame again, of one changed counter (today's units + 1) and of one
    /// new event at the top of the activity feed.
    pub lean_bytes: Option<[usize; 4]>,
}

pub fn options(now: DateTime<Utc>, db: &Path) -> RenderOptions {
    RenderOptions {
        ascii: false,
        theme: Default::default(),
        no_color: false,
        tz: None,
        clock_24h: true,
        now,
        wall_now: now,
        db_path: db.display().to_string(),
        live: LiveState::Live { last_change: None },
        demo: false,
        frozen: false,
    }
}

pub fn render(data: &DashData, opts: &RenderOptions, runs: usize) -> Result<Render, String> {
    let st = UiState::new(KeyTable::default());
    let mut first_ms = Vec::new();
    let mut diff_ms = Vec::new();
    let draw = |f: &mut ratatui::Frame<'_>| {
        let area = f.area();
        yardtop::ui::render::draw(area, f.buffer_mut(), &st, Some(data), opts)
    };
    // One untimed warm-up, then the runs.
    for i in 0..=runs {
        let mut term = match Terminal::new(TestBackend::new(200, 60)) {
            Ok(t) => t,
            Err(never) => match never {},
        };
        let t = Instant::now();
        let _ = term.draw(draw);
        let first = ms_since(t);
        let t = Instant::now();
        let _ = term.draw(draw);
        let diff = ms_since(t);
        if i > 0 {
            first_ms.push(first);
            diff_ms.push(diff);
        }
    }
    Ok(Render {
        first_ms,
        diff_ms,
        lean_bytes: lean_bytes(data, opts, &st).ok(),
    })
}

fn lean_bytes(data: &DashData, opts: &RenderOptions, st: &UiState) -> std::io::Result<[usize; 4]> {
    let mut term = Terminal::new(LeanBackend::with_size(Vec::<u8>::new(), 120, 40))?;
    let frame = |term: &mut Terminal<LeanBackend<Vec<u8>>>, d: &DashData| -> std::io::Result<usize> {
        term.backend_mut().writer_mut().clear();
        term.draw(|f| {
            let area = f.area();
            yardtop::ui::render::draw(area, f.buffer_mut(), st, Some(d), opts)
        })?;
        Ok(term.backend_mut().writer_mut().len())
    };
    let whole = frame(&mut term, data)?;
    let same = frame(&mut term, data)?;
    let mut counter = data.clone();
    counter.figures.exports.today.units += 1;
    let one_counter = frame(&mut term, &counter)?;
    // Back to the data, then one new event on top of the feed.
    frame(&mut term, data)?;
    let mut event = data.clone();
    let top = data.events.first();
    event.events.insert(
        0,
        EventRow {
            id: top.map(|e| e.id + 1).unwrap_or(1),
            at_raw: opts.now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            at: Some(opts.now),
            vin: top.map(|e| e.vin.clone()).unwrap_or_default(),
            kind: "soc_check".into(),
            detail: "SoC 45%".into(),
        },
    );
    event.events.truncate(yardtop::ui::data::ACTIVITY_EVENTS);
    let one_event = frame(&mut term, &event)?;
    Ok([whole, same, one_counter, one_event])
}

/// Page fetch times (µs) at the start, middle and end of a list, port vs small.
pub struct Scroll {
    pub what: &'static str,
    pub rows: (i64, i64),
    /// [start, middle, end] medians in microseconds: (port, hundred).
    pub port_us: [Option<f64>; 3],
    pub hundred_us: [Option<f64>; 3],
}

impl Scroll {
    /// Median page time of the big list over the small one, over all positions.
    pub fn ratio(&self) -> Option<f64> {
        let p: Vec<f64> = self.port_us.iter().flatten().copied().collect();
        let h: Vec<f64> = self.hundred_us.iter().flatten().copied().collect();
        Some(median(&p)? / median(&h)?)
    }
}

const PAGE: i64 = 40;
const COLS: &str = "SELECT vin, make, model, powertrain, status, hold_reason, soc_pct, soc_checked_at, \
     block, row, slot FROM vehicles";

/// Reads every column of every row, as a list view would.
fn fetch(conn: &Connection, sql: &str, key: Option<&Value>) -> rusqlite::Result<usize> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = match key {
        Some(k) => stmt.query([k])?,
        None => stmt.query([])?,
    };
    let mut n = 0;
    while let Some(r) = rows.next()? {
        for i in 0..11 {
            std::hint::black_box(r.get::<_, Value>(i)?);
        }
        n += 1;
    }
    Ok(n)
}

fn middle_vin(conn: &Connection, filter: &str) -> rusqlite::Result<(i64, Value)> {
    let n: i64 = conn.query_row(
        &format!("SELECT count(*) FROM vehicles WHERE {filter}"),
        [],
        |r| r.get(0),
    )?;
    let mid = conn.query_row(
        &format!("SELECT vin FROM vehicles WHERE {filter} ORDER BY vin LIMIT 1 OFFSET ?1"),
        [n / 2],
        |r| r.get(0),
    )?;
    Ok((n, mid))
}

/// The whole vehicles table paged by VIN (`WHERE vin > ? ORDER BY vin LIMIT 40`,
/// the keyset style of `db::browse`), on the port database and a 100-row one.
/// Fetches alternate between the two so that both see the same machine noise.
pub fn scroll_vehicles(port: &Connection, hundred: &Connection, iters: usize) -> Result<Scroll, String> {
    let e = |x: rusqlite::Error| format!("vehicle list: {x}");
    let (np, mid_p) = middle_vin(port, "vin IS NOT NULL").map_err(e)?;
    let (nh, mid_h) = middle_vin(hundred, "vin IS NOT NULL").map_err(e)?;
    let sqls = [
        format!("{COLS} WHERE vin IS NOT NULL ORDER BY vin LIMIT {PAGE}"),
        format!("{COLS} WHERE vin > ?1 ORDER BY vin LIMIT {PAGE}"),
        format!("{COLS} WHERE vin IS NOT NULL ORDER BY vin DESC LIMIT {PAGE}"),
    ];
    let mut tp: [Vec<f64>; 3] = Default::default();
    let mut th: [Vec<f64>; 3] = Default::default();
    for i in 0..iters + 10 {
        for (pos, sql) in sqls.iter().enumerate() {
            for (conn, key, out) in [(port, &mid_p, &mut tp), (hundred, &mid_h, &mut th)] {
                let t = Instant::now();
                let n = fetch(conn, sql, (pos == 1).then_some(key)).map_err(e)?;
                let us = t.elapsed().as_secs_f64() * 1e6;
                if n == 0 {
                    return Err("vehicle list: a page came back empty".into());
                }
                if i >= 10 {
                    out[pos].push(us);
                }
            }
        }
    }
    Ok(Scroll {
        what: "vehicle list (keyset on vin, 40 rows)",
        rows: (np, nh),
        port_us: [median(&tp[0]), median(&tp[1]), median(&tp[2])],
        hundred_us: [median(&th[0]), median(&th[1]), median(&th[2])],
    })
}

/// yardtop's own consignment drill-down (`browse::consignment_vehicles`) on the
/// port's largest consignment against the 100-row database's one consignment.
pub fn scroll_consignment(port: &Connection, hundred: &Connection, iters: usize) -> Result<Scroll, String> {
    let e = |x: rusqlite::Error| format!("consignment list: {x}");
    let biggest: i64 = port
        .query_row(
            "SELECT consignment_id FROM vehicles INDEXED BY yt_vehicles_consignment \
             WHERE consignment_id IS NOT NULL GROUP BY consignment_id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .or_else(|_| {
            port.query_row(
                "SELECT consignment_id FROM vehicles WHERE consignment_id IS NOT NULL \
                 GROUP BY consignment_id ORDER BY count(*) DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
        })
        .map_err(e)?;
    let (np, mid_p) =
        middle_vin(port, &format!("consignment_id = {biggest} AND vin IS NOT NULL")).map_err(e)?;
    let (nh, mid_h) = middle_vin(hundred, "consignment_id = 1 AND vin IS NOT NULL").map_err(e)?;
    let mut tp: [Vec<f64>; 3] = Default::default();
    let mut th: [Vec<f64>; 3] = Default::default();
    for i in 0..iters + 10 {
        for pos in 0..3 {
            for (conn, id, key, out) in [(port, biggest, &mid_p, &mut tp), (hundred, 1, &mid_h, &mut th)] {
                let anchor = match pos {
                    0 => Anchor::First,
                    1 => Anchor::After(key.clone()),
                    _ => Anchor::Last,
                };
                let t = Instant::now();
                let page = browse::consignment_vehicles(conn, id, &anchor, PAGE as usize).map_err(e)?;
                let us = t.elapsed().as_secs_f64() * 1e6;
                std::hint::black_box(&page);
                if i >= 10 {
                    out[pos].push(us);
                }
            }
        }
    }
    Ok(Scroll {
        what: "consignment drill-down (browse::consignment_vehicles, 40 rows)",
        rows: (np, nh),
        port_us: [median(&tp[0]), median(&tp[1]), median(&tp[2])],
        hundred_us: [median(&th[0]), median(&th[1]), median(&th[2])],
    })
}
