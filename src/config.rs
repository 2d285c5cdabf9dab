//! A supervisor's display preferences (the command line (README.md)): theme, tick interval, clock, keys
//! and the default database. A broken file is an error naming the file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{io_reason, Result, UserError};

pub const DEFAULT_CONFIG: &str = include_str!("../assets/config.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Light or dark after the terminal's background (asked with OSC 11; dark when
    /// it does not answer).
    #[default]
    Auto,
    Dark,
    Light,
    Mono,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Dark => "dark",
            Theme::Light => "light",
            Theme::Mono => "mono",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub db: Option<PathBuf>,
    pub theme: Theme,
    pub refresh_ms: u64,
    pub clock_24h: bool,
    /// Plain ASCII on every terminal, as `--ascii`.
    pub ascii: bool,
    pub keys: BTreeMap<String, String>,
    /// The yards of a port group (the operations centre's view), opened together
    /// when no --db is given.
    pub yards: Vec<YardEntry>,
}

/// One `[[yards]]` entry: a name for the screen and its database (usually a
/// replica followed by `litestream restore -f`; docs/operations.md).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct YardEntry {
    pub name: Option<String>,
    pub db: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            db: None,
            theme: Theme::Auto,
            refresh_ms: 1000,
            clock_24h: true,
            ascii: false,
            keys: BTreeMap::new(),
            yards: Vec::new(),
        }
    }
}

/// Where a value came from, for `yardtop config`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Default,
    File,
    Environment,
    Flag,
    /// The terminal's locale or TERM (ASCII on a terminal that is not UTF-8).
    Terminal,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Default => "default",
            Source::File => "config file",
            Source::Environment => "environment",
            Source::Flag => "flag",
            Source::Terminal => "terminal: locale or TERM is not UTF-8",
        }
    }
}

/// The config file's path: --config / $YARDTOP_CONFIG, else the XDG location.
pub fn default_path() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".config")))
        .map(|d| d.join("yardtop").join("config.toml"))
}

/// Loads the config. An explicitly named file must exist; the default one may not.
pub fn load(explicit: Option<&Path>) -> Result<(Config, Option<PathBuf>)> {
    let (path, must_exist) = match explicit {
        Some(p) => (p.to_path_buf(), true),
        None => match default_path() {
            Some(p) => (p, false),
            None => return Ok((Config::default(), None)),
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
            return Ok((Config::default(), None))
        }
        Err(e) => {
            return Err(UserError::usage(format!(
                "cannot read config file {}: {}; fix the path given with --config or $YARDTOP_CONFIG",
                path.display(),
                io_reason(&e)
            )))
        }
    };
    let config =
        parse(&text).map_err(|msg| UserError::usage(format!("config file {}{msg}", path.display())))?;
    Ok((config, Some(path)))
}

/// Parses config text; the error starts with `:LINE: ` when the line is known.
pub fn parse(text: &str) -> std::result::Result<Config, String> {
    let config: Config = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| {
            text.as_bytes()[..s.start.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1
        });
        let msg = e.message().trim().to_string();
        match line {
            Some(l) => format!(":{l}: {msg}; fix that line or see `yardtop config --default`"),
            None => format!(": {msg}; see `yardtop config --default`"),
        }
    })?;
    if !(250..=10_000).contains(&config.refresh_ms) {
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with("refresh_ms"))
            .map(|i| i + 1)
            .unwrap_or(0);
        return Err(format!(
            ":{line}: refresh_ms = {} is out of range; use a value from 250 to 10000",
            config.refresh_ms
        ));
    }
    // A key binding that cannot be used is an error too, never silently dropped.
    let keys = crate::ui::keys::KeyTable::from_config(&config.keys);
    if let Some(problem) = keys.problems.first() {
        let name = problem
            .trim_start_matches("[keys] ")
            .split([' ', ':'])
            .next()
            .unwrap_or("");
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with(name) && !name.is_empty())
            .map(|i| i + 1)
            .unwrap_or(0);
        return Err(format!(":{line}: {problem}"));
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_file_parses_to_defaults() {
        let c = parse(DEFAULT_CONFIG).unwrap();
        assert_eq!(c.theme, Theme::Auto);
        assert_eq!(c.refresh_ms, 1000);
    }

    #[test]
    fn unknown_key_names_the_line() {
        let err = parse("theme = \"dark\"\nrefresh = 5\n").unwrap_err();
        assert!(err.starts_with(":2:"), "{err}");
        assert!(err.contains("refresh"), "{err}");
    }

    #[test]
    fn a_key_binding_that_cannot_be_used_names_its_line() {
        let err = parse("theme = \"dark\"\n[keys]\nquit = \"Hyper-Q\"\n").unwrap_err();
        assert!(err.starts_with(":3:"), "{err}");
        let err = parse("[keys]\nfly = \"f\"\n").unwrap_err();
        assert!(err.starts_with(":2:") && err.contains("no such action"), "{err}");
        assert!(parse("[keys]\npause = \"P\"\n").is_ok());
    }

    #[test]
    fn a_key_bound_to_another_action_names_both_and_the_line() {
        let err = parse("theme = \"dark\"\n[keys]\nrefresh = \"x\"\npause = \"q\"\n").unwrap_err();
        assert!(err.starts_with(":4:"), "{err}");
        assert!(err.contains("pause") && err.contains("quit"), "{err}");
    }

    #[test]
    fn ascii_is_a_setting_of_the_file() {
        assert!(parse("ascii = true\n").unwrap().ascii);
        assert!(!parse("").unwrap().ascii);
    }

    #[test]
    fn bad_theme_is_an_error() {
        let err = parse("theme = \"neon\"\n").unwrap_err();
        assert!(err.starts_with(":1:"), "{err}");
    }
}
