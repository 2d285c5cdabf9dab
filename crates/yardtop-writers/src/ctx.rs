//! What a writer gets from the command line: the database, the frozen clock and the
//! port's zone. The binary builds it from its own global options.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone)]
pub struct Ctx {
    pub db: PathBuf,
    /// Was --db (or $YARDTOP_DB) given explicitly?
    pub db_explicit: bool,
    /// Did the database come from $YARDTOP_DB (for the demo's message)?
    pub db_from_env: bool,
    /// --now: the frozen clock.
    pub now: Option<DateTime<Utc>>,
    /// --tz: the port's zone for `init`, the zone of local times for `import`.
    pub tz: Option<Tz>,
}

impl Ctx {
    /// The instant writes are stamped as of: --now, or the real clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(Utc::now)
    }

    /// The same options on another database.
    pub fn with_db(&self, path: &Path) -> Ctx {
        Ctx {
            db: path.to_path_buf(),
            ..self.clone()
        }
    }
}
