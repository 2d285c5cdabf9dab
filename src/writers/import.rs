//! `yardtop import KIND FILE.csv` (SPEC §6). To be built.

use crate::app::Ctx;
use crate::cli::ImportArgs;
use crate::error::{Result, UserError};

pub fn run(_ctx: &Ctx, _args: &ImportArgs) -> Result<i32> {
    Err(UserError::problem("import is not built yet"))
}
