//! yardtop's writers: everything that changes a yard database (`init`, `import`,
//! `demo`, `simulate`) and the one way to open a database for writing (`open`). They
//! depend on the reading core (`yardtop-core`), never the other way round, and the
//! dashboard's crate calls them only for the commands that write
//! (docs/architecture.md).
#![forbid(unsafe_code)]

// The reading core under the paths the writers use (`crate::db`, `crate::figures`).
pub use yardtop_core::{db, error, figures, model, sanitize, time, validate};

pub mod args;
pub mod ctx;
pub mod demo;
pub mod import;
pub mod init;
mod names;
pub mod open;
pub mod simulate;
