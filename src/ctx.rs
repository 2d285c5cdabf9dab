//! What every command gets from the global options: the yards (one, or several for a
//! group), the frozen clock, the display zone, colour and ASCII choices and the
//! config file, resolved once (`build_ctx`) and handed to the command by `app`.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::cli::Cli;
use crate::config::{self, Config, Source};
use crate::error::Result;

/// One yard of a group: a name for the screen and its database (a terminal's own, or
/// a replica followed by Litestream).
#[derive(Debug, Clone, PartialEq)]
pub struct YardRef {
    pub name: String,
    pub path: PathBuf,
}

impl YardRef {
    /// A yard known only by its path: named after the file (`haitian.db` → haitian).
    pub fn from_path(path: &std::path::Path) -> YardRef {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| path.display().to_string());
        YardRef {
            name,
            path: path.to_path_buf(),
        }
    }
}

/// What every command gets from the global options.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The yard database (the first yard of a group).
    pub db: PathBuf,
    /// Every yard named: one for the usual single-yard commands, several for the
    /// group view.
    pub yards: Vec<YardRef>,
    pub db_source: Source,
    /// Was --db (or $YARDTOP_DB) given explicitly?
    pub db_explicit: bool,
    pub now: Option<DateTime<Utc>>,
    pub tz: Option<Tz>,
    pub no_color: bool,
    pub ascii: bool,
    pub config: Config,
    pub config_path: Option<PathBuf>,
    pub log_file: Option<PathBuf>,
}

impl Ctx {
    /// What the writers get of these options.
    pub fn for_writers(&self) -> yardtop_writers::ctx::Ctx {
        yardtop_writers::ctx::Ctx {
            db: self.db.clone(),
            db_explicit: self.db_explicit,
            db_from_env: self.db_source == Source::Environment,
            now: self.now,
            tz: self.tz,
        }
    }

    /// The same options on one other yard database (a demo just built, one yard of
    /// a group): `db` and `yards` always agree.
    pub fn with_db(&self, path: &std::path::Path) -> Ctx {
        let mut one = self.clone();
        one.db = path.to_path_buf();
        one.yards = vec![YardRef::from_path(path)];
        one
    }

    /// The instant figures are computed as of: --now, or the real clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(Utc::now)
    }
}

pub fn build_ctx(cli: &Cli) -> Result<Ctx> {
    let g = &cli.global;
    let (config, config_path) = config::load(g.config.as_deref())?;
    let env_db = std::env::var_os("YARDTOP_DB").filter(|v| !v.is_empty());
    let (yards, db_source) = match (g.db.as_slice(), &config.db) {
        ([p], _) if env_db.as_deref() == Some(p.as_os_str()) => {
            (vec![YardRef::from_path(p)], Source::Environment)
        }
        ([], _) if !config.yards.is_empty() => (
            config
                .yards
                .iter()
                .map(|y| match &y.name {
                    Some(name) if !name.trim().is_empty() => YardRef {
                        name: name.clone(),
                        path: y.db.clone(),
                    },
                    _ => YardRef::from_path(&y.db),
                })
                .collect(),
            Source::File,
        ),
        ([], Some(p)) => (vec![YardRef::from_path(p)], Source::File),
        ([], None) => (
            vec![YardRef::from_path(std::path::Path::new("yard.db"))],
            Source::Default,
        ),
        (many, _) => (many.iter().map(|p| YardRef::from_path(p)).collect(), Source::Flag),
    };
    let yards = distinct_names(yards);
    let db = yards
        .first()
        .map(|y| y.path.clone())
        .unwrap_or_else(|| PathBuf::from("yard.db"));
    let now = crate::time::parse_now(g.now.as_deref())?;
    let tz = match &g.tz {
        Some(name) => Some(crate::time::parse_tz_arg("--tz", name)?),
        None => None,
    };
    let no_color = g.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Ok(Ctx {
        db_explicit: !g.db.is_empty(),
        db,
        yards,
        db_source,
        now,
        tz,
        no_color,
        ascii: g.ascii || config.ascii || !terminal_speaks_unicode(),
        config,
        config_path,
        log_file: g.log_file.clone(),
    })
}

/// Two yards named alike (`a/yard.db`, `b/yard.db`) get their folder added, so
/// that every row of the group view says which it is.
fn distinct_names(mut yards: Vec<YardRef>) -> Vec<YardRef> {
    let names: Vec<String> = yards.iter().map(|y| y.name.clone()).collect();
    for y in yards.iter_mut() {
        if names.iter().filter(|n| **n == y.name).count() > 1 {
            y.name = y.path.display().to_string();
        }
    }
    yards
}

/// Can the terminal draw box-drawing and block glyphs? Not when the locale says a
/// character set other than UTF-8 (`LANG=C`, `en_US.ISO-8859-1`), nor on terminals
/// that predate Unicode (vt100, vt220, dumb). An unset locale says nothing: the
/// glyphs stay.
pub fn terminal_speaks_unicode() -> bool {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty());
    let utf8_locale = locale.is_none_or(|l| {
        let l = l.to_ascii_lowercase();
        l.contains("utf-8") || l.contains("utf8")
    });
    let term = std::env::var("TERM").unwrap_or_default();
    let old_term = term == "dumb" || term.starts_with("vt1") || term.starts_with("vt2");
    utf8_locale && !old_term
}
