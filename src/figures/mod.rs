//! The figures of SPEC §3, computed as of a given `now`.

pub mod model;
