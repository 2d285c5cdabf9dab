//! yardtop's reading core: what a yard database is (the contract, docs/database.md),
//! how a reader opens one (read-only, always: this crate has no function that opens a
//! database for writing), how it notices a change without holding a connection, how
//! it reads rows any tool may have written, and every figure as of a given `now`.
//!
//! The dashboard, the snapshot formats and `check` build on this crate; the writers
//! (`init`, `import`, `demo`, `simulate`) depend on it too, never the other way round.
//! See docs/architecture.md.
#![forbid(unsafe_code)]

pub mod db;
pub mod error;
pub mod figures;
pub mod model;
pub mod sanitize;
pub mod time;
pub mod validate;
