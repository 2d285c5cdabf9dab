//! The live dashboard (SPEC §4). To be built.

use crate::app::Ctx;
use crate::error::{Result, UserError};

pub fn run_dashboard(_ctx: &Ctx, _demo: bool) -> Result<()> {
    Err(UserError::problem("the dashboard is not built yet"))
}
