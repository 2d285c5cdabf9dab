//! `yardtop demo` (SPEC §6). To be built.

use crate::app::Ctx;
use crate::cli::DemoArgs;
use crate::error::{Result, UserError};

pub fn run(_ctx: &Ctx, _args: &DemoArgs) -> Result<()> {
    Err(UserError::problem("demo is not built yet"))
}
