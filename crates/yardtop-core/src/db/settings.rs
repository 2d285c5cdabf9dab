//! The yard's rules, kept in the database's `settings` table so that every
//! supervisor sees the same figures (docs/database.md). Missing keys take the defaults;
//! unreadable values are data-quality problems and also take the defaults.

use chrono_tz::Tz;
use rusqlite::Connection;

use crate::db::value;

/// The settings keys and their defaults, in the order `init` writes them.
pub const DEFAULTS: [(&str, &str); 9] = [
    ("port_name", "Unnamed port"),
    ("port_locode", ""),
    ("timezone", "UTC"),
    ("soc_max_pct", "50"),
    ("soc_min_pct", "20"),
    ("soc_check_max_age_h", "72"),
    ("long_dwell_days", "14"),
    ("at_risk_hours", "24"),
    ("uph_target", "200"),
];

/// The settings key `yardtop demo` writes into the databases it makes. `simulate`
/// writes made-up vehicles and events, so it runs only where this key says the yard
/// is a demo (or when told explicitly that a database is a test copy).
pub const DEMO_MARK_KEY: &str = "made_by";
/// The value of `DEMO_MARK_KEY` in a demo database.
pub const DEMO_MARK_VALUE: &str = "yardtop demo";

/// Was this database made by `yardtop demo`? A database without the key, or without
/// a `settings` table at all, is not.
pub fn is_demo(conn: &Connection) -> bool {
    conn.query_row(
        "SELECT 1 FROM settings WHERE key = ?1 AND value = ?2",
        [DEMO_MARK_KEY, DEMO_MARK_VALUE],
        |_| Ok(()),
    )
    .is_ok()
}

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub port_name: String,
    pub port_locode: String,
    pub timezone: Tz,
    pub timezone_name: String,
    pub soc_max_pct: f64,
    pub soc_min_pct: f64,
    pub soc_check_max_age_h: f64,
    pub long_dwell_days: f64,
    pub at_risk_hours: f64,
    pub uph_target: f64,
    /// Keys whose value could not be read (the default was used instead).
    pub problems: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            port_name: DEFAULTS[0].1.into(),
            port_locode: String::new(),
            timezone: Tz::UTC,
            timezone_name: "UTC".into(),
            soc_max_pct: 50.0,
            soc_min_pct: 20.0,
            soc_check_max_age_h: 72.0,
            long_dwell_days: 14.0,
            at_risk_hours: 24.0,
            uph_target: 200.0,
            problems: Vec::new(),
        }
    }
}

impl Settings {
    pub fn read(conn: &Connection) -> rusqlite::Result<Settings> {
        let mut s = Settings::default();
        let mut stmt = conn.prepare("SELECT key, value FROM settings")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let key = value::text(row, 0);
            let val = value::text(row, 1);
            let (Some(key), Some(v)) = (key.value, val.value) else {
                continue;
            };
            s.apply(&key, &v);
        }
        Ok(s)
    }

    fn apply(&mut self, key: &str, v: &str) {
        let num = |problems: &mut Vec<String>, target: &mut f64| match v.trim().parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => *target = n,
            _ => problems.push(key.to_string()),
        };
        match key {
            "port_name" => self.port_name = v.to_string(),
            "port_locode" => self.port_locode = v.to_string(),
            "timezone" => match crate::time::parse_tz(v) {
                Some(tz) => {
                    self.timezone = tz;
                    self.timezone_name = tz.name().to_string();
                }
                None => self.problems.push(key.to_string()),
            },
            "soc_max_pct" => num(&mut self.problems, &mut self.soc_max_pct),
            "soc_min_pct" => num(&mut self.problems, &mut self.soc_min_pct),
            "soc_check_max_age_h" => num(&mut self.problems, &mut self.soc_check_max_age_h),
            "long_dwell_days" => num(&mut self.problems, &mut self.long_dwell_days),
            "at_risk_hours" => num(&mut self.problems, &mut self.at_risk_hours),
            "uph_target" => num(&mut self.problems, &mut self.uph_target),
            _ => {}
        }
    }
}
