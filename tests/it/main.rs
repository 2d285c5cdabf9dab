//! yardtop's integration tests, one test binary (a binary per file linked the whole
//! crate each time): each module is one subject, `common`, `robust_common` and
//! `ui_fixture` are the harnesses they share. See docs/architecture.md for what each
//! part of yardtop is, and README.md ("What yardtop guarantees") for which module
//! proves what.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure stops the test where it happened"
)]

mod common;
mod robust_common;
mod ui_fixture;

mod activity;
mod alerts_csv;
mod alerts_e2e;
mod alerts_search;
mod alerts_subjects;
mod ascii_terminal;
mod cache_attack;
mod cache_follows;
mod check;
mod cli;
mod closed_pipe;
mod completions;
mod demo;
mod figures_exports;
mod figures_yard;
mod fuzz_regressions;
mod group;
mod hints;
mod import;
mod litestream;
mod man_page;
mod permissions;
mod prometheus;
mod query_plans;
mod read_only;
mod robust_db;
mod robust_hostile;
mod robust_load;
mod simulate;
mod summaries;
mod theme_auto;
mod timestamps;
mod ui_backend;
mod ui_e2e;
mod ui_keys;
mod ui_reader;
mod ui_render;
mod walkthrough;
mod writers_exact;
