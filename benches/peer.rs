//! `yardtop snapshot --format json` as a whole process against its peer of docs/benchmarks.md:
//! the same figures by plain SQL through the `sqlite3` CLI, written the obvious way
//! (period boundaries as UTC literal text, GROUP BY for the record and the daily
//! chart, joins for the pending consignments), on the same database.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use chrono::{DateTime, Duration as Span, Offset, Utc};

use crate::util::{self, median};

const NEV: &str = "('BEV','PHEV','FCEV')";
const IN_YARD: &str = "('gated_in','parked','hold','staged')";
const EXPORTED: &str = "('loaded','departed')";

fn lit(t: DateTime<Utc>) -> String {
    format!("'{}'", t.format("%Y-%m-%dT%H:%M:%SZ"))
}

/// The plain-SQL script for every figure of docs/database.md as of `now`, with the yard's
/// settings as literals. Each row starts with a label (sqlite3's list mode, `|`).
pub fn plain_sql(db: &Path, now: DateTime<Utc>) -> Result<String, String> {
    let conn = yardtop::db::open_read_only(db).map_err(|e| e.to_string())?;
    let s = yardtop::db::settings::Settings::read(&conn).map_err(|e| e.to_string())?;
    let p = yardtop::time::Periods::new(&s.timezone, now);
    let offset_min = now.with_timezone(&s.timezone).offset().fix().local_minus_utc() / 60;
    let local = format!("'{offset_min:+} minutes'");
    let nowl = lit(now);
    let fresh = lit(now - Span::milliseconds((s.soc_check_max_age_h * 3_600_000.0) as i64));
    let dwell = lit(now - Span::milliseconds((s.long_dwell_days * 86_400_000.0) as i64));
    let hour_ago = lit(now - Span::hours(1));
    let (max, min) = (s.soc_max_pct, s.soc_min_pct);
    let period = |label: &str, from: DateTime<Utc>, to: &str| {
        format!(
            "SELECT '{label}', count(*), coalesce(sum(powertrain IN {NEV}), 0) FROM vehicles\n  \
             WHERE status IN {EXPORTED} AND loaded_at >= {} AND loaded_at <= {to};\n",
            lit(from)
        )
    };
    let mut q = String::from(".mode list\n.headers off\nSELECT 'settings', key, value FROM settings;\n");
    q += &period("today", p.today_start, &nowl);
    q += &period("month", p.month_start, &nowl);
    q += &period("year", p.year_start, &nowl);
    q += &period("prior", p.prior_year_start, &lit(p.prior_year_end));
    q += &format!(
        "SELECT 'record', c.ref, r.n, r.nev, date(r.last, {local}) FROM (\n  \
         SELECT consignment_id, count(*) AS n, sum(powertrain IN {NEV}) AS nev, max(loaded_at) AS last\n  \
         FROM vehicles WHERE status IN {EXPORTED} AND loaded_at IS NOT NULL\n  \
         GROUP BY consignment_id ORDER BY n DESC, consignment_id LIMIT 1) r\n  \
         JOIN consignments c ON c.id = r.consignment_id;\n"
    );
    q += &format!(
        "SELECT 'daily', date(loaded_at, {local}) AS d, count(*), sum(powertrain IN {NEV}) FROM vehicles\n  \
         WHERE status IN {EXPORTED} AND loaded_at >= {} AND loaded_at <= {nowl} GROUP BY d ORDER BY d;\n",
        lit(p.daily_start)
    );
    q += &format!(
        "SELECT 'in_yard', count(*), coalesce(sum(powertrain IN {NEV}), 0) FROM vehicles WHERE status IN {IN_YARD};\n\
         SELECT 'block', b.code, b.zone, b.rows * b.slots_per_row, count(v.vin), coalesce(sum(v.powertrain IN {NEV}), 0)\n  \
         FROM yard_blocks b LEFT JOIN vehicles v ON v.block = b.code AND v.status IN {IN_YARD}\n  \
         GROUP BY b.code ORDER BY b.code;\n\
         SELECT 'soc', coalesce(sum(soc_pct > {max} AND soc_checked_at >= {fresh}), 0),\n  \
         coalesce(sum(soc_pct < {min} AND soc_checked_at >= {fresh}), 0),\n  \
         coalesce(sum(soc_pct IS NULL OR soc_checked_at IS NULL OR soc_checked_at < {fresh}), 0)\n  \
         FROM vehicles WHERE status IN {IN_YARD} AND powertrain IN {NEV};\n\
         SELECT 'hold', hold_reason, count(*) FROM vehicles WHERE status = 'hold' GROUP BY hold_reason;\n\
         SELECT 'long_dwell', count(*) FROM vehicles WHERE status IN {IN_YARD} AND gate_in_at < {dwell};\n\
         SELECT 'nev_outside', count(*) FROM vehicles v JOIN yard_blocks b ON b.code = v.block\n  \
         WHERE v.status IN {IN_YARD} AND v.powertrain IN {NEV} AND b.zone = 'ice';\n"
    );
    q += &format!(
        "SELECT 'pending', c.ref, ve.name, k.voyage, c.destination, c.cutoff_at, c.status, c.planned_units,\n  \
         coalesce(sum(v.status = 'expected'), 0), coalesce(sum(v.status IN ('gated_in','parked')), 0),\n  \
         coalesce(sum(v.status = 'hold'), 0), coalesce(sum(v.status = 'staged'), 0),\n  \
         coalesce(sum(v.status IN {EXPORTED}), 0)\n  \
         FROM consignments c LEFT JOIN vessel_calls k ON k.id = c.call_id LEFT JOIN vessels ve ON ve.imo = k.imo\n  \
         LEFT JOIN vehicles v ON v.consignment_id = c.id\n  \
         WHERE c.status IN ('open','loading') GROUP BY c.id ORDER BY c.cutoff_at, c.ref;\n\
         SELECT 'uph', consignment_id, count(*) FROM vehicles\n  \
         WHERE status IN {EXPORTED} AND loaded_at >= {hour_ago} AND loaded_at <= {nowl} GROUP BY consignment_id;\n\
         SELECT 'over_max', vin FROM vehicles WHERE status IN {IN_YARD} AND powertrain IN {NEV}\n  \
         AND soc_pct > {max} AND soc_checked_at >= {fresh} LIMIT 20;\n\
         SELECT 'battery_damage', vin FROM vehicles WHERE status = 'hold' AND hold_reason IN ('battery','damage') LIMIT 20;\n\
         SELECT 'event', id, at, vin, kind, detail FROM events ORDER BY id DESC LIMIT 50;\n"
    );
    Ok(q)
}

pub struct Peer {
    /// Wall times (ms) of `yardtop snapshot --format json` and of the plain SQL.
    pub snapshot_ms: Vec<f64>,
    pub plain_ms: Option<Vec<f64>>,
    /// Peak RSS (MB) and CPU seconds (user + system) of each, from /usr/bin/time.
    pub snapshot_mb: Vec<f64>,
    pub plain_mb: Vec<f64>,
    pub snapshot_cpu: Vec<f64>,
    pub plain_cpu: Vec<f64>,
    /// Figures on which the two disagree ("" when they agree).
    pub disagreements: Vec<String>,
    pub notes: Vec<String>,
    pub script: Option<PathBuf>,
}

impl Peer {
    /// Plain SQL's median time over yardtop's.
    pub fn ratio(&self) -> Option<f64> {
        Some(median(self.plain_ms.as_deref()?)? / median(&self.snapshot_ms)?)
    }

    /// The same ratio in CPU time, which a busy machine disturbs less.
    /// None when yardtop's CPU time is too short for /usr/bin/time's 10 ms ticks.
    pub fn cpu_ratio(&self) -> Option<f64> {
        let own = median(&self.snapshot_cpu).filter(|s| *s >= 0.05)?;
        Some(median(&self.plain_cpu)? / own)
    }
}

/// Runs both `runs` times, interleaved so that they share the machine's noise, then
/// three more times each under /usr/bin/time for the peak memory.
pub fn run(
    snapshot: &dyn Fn() -> Command,
    sqlite3: Option<&Path>,
    db: &Path,
    now: DateTime<Utc>,
    runs: usize,
    scratch: &Path,
    tag: &str,
) -> Result<Peer, String> {
    let limit = Duration::from_secs(120);
    let mut peer = Peer {
        snapshot_ms: Vec::new(),
        plain_ms: None,
        snapshot_mb: Vec::new(),
        plain_mb: Vec::new(),
        snapshot_cpu: Vec::new(),
        plain_cpu: Vec::new(),
        disagreements: Vec::new(),
        notes: Vec::new(),
        script: None,
    };
    if let Some(_cli) = sqlite3 {
        let script = scratch.join(format!("plain-{tag}.sql"));
        std::fs::write(&script, plain_sql(db, now)?)
            .map_err(|e| format!("cannot write {}: {e}", script.display()))?;
        peer.script = Some(script);
        peer.plain_ms = Some(Vec::new());
    }
    let plain = |cli: &Path| {
        let mut c = Command::new(cli);
        c.arg("-readonly").arg(db);
        c
    };
    let mut last_json = Vec::new();
    let mut last_plain = Vec::new();
    for _ in 0..runs {
        let ran = util::run(
            &mut snapshot(),
            limit,
            None,
            scratch,
            &format!("snapshot-{tag}"),
            true,
        )?;
        if !ran.ok() {
            return Err(format!("yardtop snapshot failed: {}", ran.why()));
        }
        peer.snapshot_ms.push(ran.wall.as_secs_f64() * 1000.0);
        last_json = ran.stdout;
        if let (Some(cli), Some(script)) = (sqlite3, &peer.script) {
            let ran = util::run(
                &mut plain(cli),
                limit,
                Some(script),
                scratch,
                &format!("plain-{tag}"),
                true,
            )?;
            if !ran.ok() {
                peer.notes
                    .push(format!("plain SQL through sqlite3 failed: {}", ran.why()));
                peer.plain_ms = None;
                peer.script = None;
                continue;
            }
            if let Some(v) = peer.plain_ms.as_mut() {
                v.push(ran.wall.as_secs_f64() * 1000.0);
            }
            last_plain = ran.stdout;
        }
    }
    let time = Path::new("/usr/bin/time");
    if time.is_file() {
        for i in 0..3 {
            let rss = scratch.join(format!("rss-{tag}-{i}"));
            let s = snapshot();
            let mut c = Command::new(time);
            c.args(["-f", "%M %U %S", "-o"])
                .arg(&rss)
                .arg(s.get_program())
                .args(s.get_args());
            for (k, v) in s.get_envs() {
                match v {
                    Some(v) => c.env(k, v),
                    None => c.env_remove(k),
                };
            }
            if util::run(
                &mut c,
                limit,
                None,
                scratch,
                &format!("snapshot-rss-{tag}"),
                false,
            )?
            .ok()
            {
                if let Some((kb, cpu)) = read_time(&rss) {
                    peer.snapshot_mb.push(kb / 1024.0);
                    peer.snapshot_cpu.push(cpu);
                }
            }
            if let (Some(cli), Some(script)) = (sqlite3, &peer.script) {
                let p = plain(cli);
                let mut c = Command::new(time);
                c.args(["-f", "%M %U %S", "-o"])
                    .arg(&rss)
                    .arg(p.get_program())
                    .args(p.get_args());
                if util::run(
                    &mut c,
                    limit,
                    Some(script),
                    scratch,
                    &format!("plain-rss-{tag}"),
                    false,
                )?
                .ok()
                {
                    if let Some((kb, cpu)) = read_time(&rss) {
                        peer.plain_mb.push(kb / 1024.0);
                        peer.plain_cpu.push(cpu);
                    }
                }
            }
        }
    } else {
        peer.notes
            .push("/usr/bin/time is missing: no peak memory of the snapshot (apt-get install time)".into());
    }
    if peer.plain_ms.is_some() {
        peer.disagreements = compare(&last_json, &last_plain);
    }
    Ok(peer)
}

/// (peak RSS in KB, user + system CPU seconds) from /usr/bin/time -f "%M %U %S".
fn read_time(path: &Path) -> Option<(f64, f64)> {
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().rev().find(|l| !l.trim().is_empty())?;
    let v: Vec<f64> = line.split_whitespace().filter_map(|x| x.parse().ok()).collect();
    match v[..] {
        [kb, user, sys] => Some((kb, user + sys)),
        _ => None,
    }
}

/// The figures both give, compared: each disagreement as "figure: yardtop X, plain Y".
fn compare(json: &[u8], plain: &[u8]) -> Vec<String> {
    let Ok(j) = serde_json::from_slice::<serde_json::Value>(json) else {
        return vec!["snapshot output is not JSON".into()];
    };
    let text = String::from_utf8_lossy(plain);
    let field = |label: &str, i: usize| -> Option<String> {
        text.lines()
            .find(|l| l.starts_with(&format!("{label}|")))
            .and_then(|l| l.split('|').nth(i).map(str::to_string))
    };
    let js = |ptr: &str| -> String {
        match j.pointer(ptr) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => "missing".into(),
        }
    };
    let pairs = [
        ("today units", "/exports/today/units", "today", 1),
        ("today NEV", "/exports/today/nev", "today", 2),
        ("month units", "/exports/month/units", "month", 1),
        ("month NEV", "/exports/month/nev", "month", 2),
        ("year units", "/exports/year/units", "year", 1),
        ("year NEV", "/exports/year/nev", "year", 2),
        (
            "prior-year units",
            "/exports/year_prior_same_period/units",
            "prior",
            1,
        ),
        (
            "prior-year NEV",
            "/exports/year_prior_same_period/nev",
            "prior",
            2,
        ),
        ("record ref", "/exports/record_consignment/ref", "record", 1),
        ("record units", "/exports/record_consignment/units", "record", 2),
        ("record NEV", "/exports/record_consignment/nev", "record", 3),
        (
            "record loaded on",
            "/exports/record_consignment/loaded_on",
            "record",
            4,
        ),
        ("in yard", "/yard/in_yard", "in_yard", 1),
        ("in yard NEV", "/yard/in_yard_nev", "in_yard", 2),
        ("SoC over max", "/yard/soc/over_max", "soc", 1),
        ("SoC under min", "/yard/soc/under_min", "soc", 2),
        ("SoC unchecked", "/yard/soc/unchecked", "soc", 3),
        ("long dwell", "/yard/long_dwell", "long_dwell", 1),
        (
            "NEV outside NEV zone",
            "/yard/nev_outside_nev_zone",
            "nev_outside",
            1,
        ),
    ];
    let mut out = Vec::new();
    for (name, ptr, label, i) in pairs {
        let (a, b) = (js(ptr), field(label, i).unwrap_or_else(|| "missing".into()));
        if a != b {
            out.push(format!("{name}: yardtop {a}, plain SQL {b}"));
        }
    }
    let pending = text.lines().filter(|l| l.starts_with("pending|")).count();
    let jp = j
        .pointer("/consignments")
        .and_then(|v| v.as_array())
        .map(|a| a.len())
        .unwrap_or(0);
    if pending != jp {
        out.push(format!("pending consignments: yardtop {jp}, plain SQL {pending}"));
    }
    out
}
