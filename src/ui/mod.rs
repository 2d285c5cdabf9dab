//! The live dashboard (docs/architecture.md).
//!
//! Threads: the reader (`reader`) owns the read-only connection and sends fresh
//! data; `input` decodes key presses; `event` ticks the clock and forwards
//! signals. They all feed one channel of `Event`s into the loop (`run`), which
//! updates the state machine (`state`) and draws (`render`) through the terminal
//! (`terminal`). `keys` is the one key table; `theme` and `glyphs` are the one
//! table of styles and of symbols; `text` formats numbers, times and widths.

pub mod backend;
pub mod data;
pub mod event;
pub mod geometry;
pub mod glyphs;
pub mod group;
pub mod input;
pub mod keys;
pub mod nav;
pub mod order;
pub mod reader;
pub mod render;
pub mod run;
pub mod state;
pub mod terminal;
pub mod text;
pub mod theme;

pub use data::{load_dash_data, DashData, LiveState, RefreshInfo, RenderOptions, DB_HINT};
pub use render::{buffer_text, render_buffer, render_text};
pub use run::run_dashboard;
