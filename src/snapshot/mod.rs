//! `yardtop snapshot` (SPEC §5). To be built.

use crate::app::Ctx;
use crate::cli::SnapshotArgs;
use crate::error::{Result, UserError};

pub fn run(_ctx: &Ctx, _args: &SnapshotArgs) -> Result<()> {
    Err(UserError::problem("snapshot is not built yet"))
}
