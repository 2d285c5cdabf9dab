//! `yardtop simulate` (SPEC §6). To be built.

use crate::app::Ctx;
use crate::cli::SimulateArgs;
use crate::error::{Result, UserError};

pub fn run(_ctx: &Ctx, _args: &SimulateArgs) -> Result<()> {
    Err(UserError::problem("simulate is not built yet"))
}
