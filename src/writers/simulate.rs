//! `yardtop simulate` (SPEC §6). To be built.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use crate::app::Ctx;
use crate::cli::SimulateArgs;
use crate::error::{Result, UserError};

/// How the live stream runs.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Events a second.
    pub rate: f64,
    /// Seconds to run; None: until `stop` is set.
    pub duration: Option<f64>,
    pub seed: u64,
    /// Print a line a second to stderr (the foreground command) or stay quiet (the
    /// demo's background thread, under the dashboard).
    pub verbose: bool,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct SimStats {
    pub events: u64,
    pub transactions: u64,
    pub max_transaction_ms: f64,
}

pub fn run(_ctx: &Ctx, _args: &SimulateArgs) -> Result<()> {
    Err(UserError::problem("simulate is not built yet"))
}

/// Writes the live stream into `db` until the duration ends or `stop` is set.
pub fn simulate(_db: &Path, _opts: &SimOptions, _stop: &AtomicBool) -> Result<SimStats> {
    Err(UserError::problem("simulate is not built yet"))
}
