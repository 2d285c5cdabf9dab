//! The dashboard itself in a pseudo-terminal: start to the first complete frame,
//! and an idle window followed by one change committed by another process.

use std::path::Path;

use chrono::{DateTime, Utc};

use crate::util::{self, num};
use crate::{dbs, inproc, tty, NOW};

/// Starts of the dashboard.
pub struct Frames {
    /// Start to the first complete frame (ms).
    pub frame_ms: Vec<f64>,
    /// Start to the first byte on the terminal (ms).
    pub first_byte_ms: Vec<f64>,
    /// VmHWM after the first frame (MB).
    pub peak_mb: Vec<f64>,
    /// CPU time the dashboard used up to its first complete frame (ms).
    pub cpu_ms: Vec<f64>,
    /// Start to the export counters on screen (ms): on a large yard the first
    /// frame shows the yard while history is counted.
    pub exports_ms: Vec<f64>,
}

/// `runs` starts of the dashboard on `db` (frozen at NOW) until its first complete
/// frame, then `q`; and notes.
pub fn first_frames(
    tty: &tty::Tty,
    bin: &Path,
    name: &str,
    db: &Path,
    data: &yardtop::ui::DashData,
    runs: usize,
) -> Result<(Frames, Vec<String>), String> {
    let screen = yardtop::ui::render_text(data, 120, 40, &inproc::options(data_now(), db));
    let mut notes = Vec::new();
    let marker = match tty::marker(&screen, &data.events) {
        Some(m) => m,
        None => {
            notes.push(format!(
                "{}: no activity VIN to wait for; first frame timed to the footer, which the empty first frame also has",
                db.display()
            ));
            "q quit".into()
        }
    };
    let argv = dash_argv(bin, db, true);
    let steps = [
        format!("until:{marker}:30"),
        "cpu".to_string(),
        // The export panel's YoY line: drawn once history is counted.
        "until:NEV YoY:30".to_string(),
        "{HWM}".to_string(),
        "keys:q".to_string(),
        "exit:5".to_string(),
    ];
    let (mut f, mut b, mut m, mut c) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut e = Vec::new();
    for i in 0..runs {
        let r = tty.run(&steps, &argv, 120, 40, &format!("first-frame-{name}-{i}"))?;
        if r.step(0)["found"].as_bool() != Some(true) {
            return Err(format!("the dashboard did not show {marker:?} within 30 s"));
        }
        f.extend(r.seconds(0).map(|s| s * 1000.0));
        b.extend(r.report["first_byte_s"].as_f64().map(|s| s * 1000.0));
        m.extend(r.peak_mb);
        c.extend(r.step(1)["cpu_seconds"].as_f64().map(|s| s * 1000.0));
        if r.step(2)["found"].as_bool() == Some(true) {
            e.extend(
                r.seconds(0)
                    .zip(r.seconds(1))
                    .zip(r.seconds(2))
                    .map(|((a, b), c)| (a + b + c) * 1000.0),
            );
        }
        if r.report["exit"]["code"].as_i64() != Some(0) {
            notes.push(format!(
                "{}: the dashboard did not exit 0 on q: {}",
                db.display(),
                r.report["exit"]
            ));
        }
    }
    let frames = Frames {
        frame_ms: f,
        first_byte_ms: b,
        peak_mb: m,
        cpu_ms: c,
        exports_ms: e,
    };
    Ok((frames, notes))
}

pub fn data_now() -> DateTime<Utc> {
    yardtop::time::parse_ts(NOW).unwrap_or_default()
}

pub fn dash_argv(bin: &Path, db: &Path, frozen: bool) -> Vec<String> {
    let mut v = vec![bin.display().to_string(), "--db".into(), db.display().to_string()];
    if frozen {
        v.extend(["--now".into(), NOW.into()]);
    }
    v
}

pub struct Idle {
    pub bytes_per_s: Option<f64>,
    pub cpu_pct: Option<f64>,
    pub event_bytes: Option<f64>,
    pub load_bytes: Option<f64>,
    pub peak_mb: Option<f64>,
    pub detail: String,
}

/// The dashboard on the real clock: first frame, 3 s to settle, `window` s idle,
/// then one event inserted and one staged vehicle loaded by another process (the
/// `sqlite3` CLI), 2 s each. The changes are undone afterwards (`dbs::apply_undo`).
pub fn idle_run(
    tty: &tty::Tty,
    bin: &Path,
    db: &Path,
    data: &yardtop::ui::DashData,
    window: u64,
    sqlite3: Option<&Path>,
) -> Result<Idle, String> {
    let screen = yardtop::ui::render_text(data, 120, 40, &inproc::options(data_now(), db));
    let marker = tty::marker(&screen, &data.events).unwrap_or_else(|| "q quit".into());
    let max_id = dbs::max_event_id(db)?;
    let staged = dbs::staged_vehicle(db)?;
    let sql_text = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let mut undo = format!("DELETE FROM events WHERE id > {max_id} AND detail = 'yardtop-bench';\n");
    let event_vin = data.events.first().map(|e| e.vin.clone()).unwrap_or_default();
    let insert = format!(
        "INSERT INTO events(at, vin, kind, detail) VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), {}, 'soc_check', 'yardtop-bench');",
        sql_text(&event_vin)
    );
    let load = match &staged {
        Some((vin, updated)) => {
            undo += &format!(
                "UPDATE vehicles SET status = 'staged', loaded_at = NULL, updated_at = {} WHERE vin = {};\n",
                updated.as_deref().map(sql_text).unwrap_or("NULL".into()),
                sql_text(vin)
            );
            format!(
                "UPDATE vehicles SET status = 'loaded', loaded_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), \
                 updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE vin = {};",
                sql_text(vin)
            )
        }
        None => "SELECT 1;".into(),
    };
    std::fs::write(dbs::undo_path(db), &undo).map_err(|e| format!("cannot write the undo file: {e}"))?;
    let db_s = db.display().to_string();
    let writer = |sql: &str| match sqlite3 {
        Some(cli) => format!(
            "sh:{} -cmd '.timeout 5000' {} {} >/dev/null",
            util::sh_quote(&cli.display().to_string()),
            util::sh_quote(&db_s),
            util::sh_quote(sql)
        ),
        None => format!(
            "sh:{} --internal-sql {} {}",
            util::sh_quote(&std::env::current_exe().unwrap_or_default().display().to_string()),
            util::sh_quote(&db_s),
            util::sh_quote(sql)
        ),
    };
    let steps = [
        format!("until:{marker}:60"),
        "wait:3".into(),
        "cpu".into(),
        format!("wait:{window}"),
        "cpu".into(),
        writer(&insert),
        "wait:2".into(),
        writer(&load),
        "wait:2".into(),
        "{HWM}".into(),
        "keys:q".into(),
        "exit:5".into(),
    ];
    let r = tty.run(&steps, &dash_argv(bin, db, false), 120, 40, "idle")?;
    if r.step(0)["found"].as_bool() != Some(true) {
        return Err(format!("the dashboard did not show {marker:?} within 60 s"));
    }
    for i in [5, 7] {
        if r.step(i)["rc"].as_i64() != Some(0) {
            return Err(format!("the writing step failed: {}", r.step(i)));
        }
    }
    let idle_s = r.seconds(3);
    let cpu = r.step(4)["cpu_seconds"]
        .as_f64()
        .zip(r.step(2)["cpu_seconds"].as_f64())
        .map(|(b, a)| b - a);
    let sum = |a: usize, b: usize| r.bytes(a).zip(r.bytes(b)).map(|(x, y)| x + y);
    let idle = Idle {
        bytes_per_s: r.bytes(3).zip(idle_s).map(|(b, s)| b / s),
        cpu_pct: cpu.zip(idle_s).map(|(c, s)| c / s * 100.0),
        event_bytes: sum(5, 6),
        load_bytes: if staged.is_some() { sum(7, 8) } else { None },
        peak_mb: r.peak_mb,
        detail: format!(
            "{} bytes in {} s idle, {} CPU s; event {} + {} bytes (commit, next 2 s); load {} + {} bytes; first frame {} ms on the real clock",
            num(r.bytes(3), 0),
            num(idle_s, 1),
            num(cpu, 2),
            num(r.bytes(5), 0),
            num(r.bytes(6), 0),
            num(r.bytes(7), 0),
            num(r.bytes(8), 0),
            num(r.seconds(0).map(|s| s * 1000.0), 0),
        ),
    };
    Ok(idle)
}
