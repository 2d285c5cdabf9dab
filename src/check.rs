//! `yardtop check` (SPEC §1). To be built.

use crate::app::Ctx;
use crate::error::{Result, UserError};

pub fn run(_ctx: &Ctx) -> Result<i32> {
    Err(UserError::problem("check is not built yet"))
}
