//! The writers: everything that changes a yard database lives here, apart from the
//! read-only dashboard.

pub mod demo;
pub mod import;
pub mod init;
pub mod open;
pub mod simulate;
pub mod validate;
