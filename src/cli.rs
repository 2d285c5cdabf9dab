//! The command line (README.md, "Commands"; clap derive). Every global flag also reads an
//! environment variable, shown by `--help`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

// The writers' own arguments, and the parser that offers values to completions.
pub use yardtop_writers::args::{
    DemoArgs, ImportArgs, ImportKind, InitArgs, Offered, SimulateArgs, DEMO_DB_HELP, SCALES, STORIES,
};

/// The alert kinds `snapshot --format csv --alert` lists, offered by completions
/// (the CSV writer checks the value against the figures' own lists; a test keeps the
/// two the same).
pub const ALERT_KINDS: &[(&str, &str)] = &[
    ("soc_over_max", "NEVs over the SoC limit (staged first)"),
    ("soc_under_min", "NEVs under the SoC minimum"),
    ("soc_unchecked", "NEVs without a trusted SoC reading"),
    ("battery_hold", "vehicles on battery hold"),
    ("damage_hold", "vehicles on damage hold"),
    ("nev_outside_nev_zone", "NEVs in an ICE block"),
    ("long_dwell", "vehicles in the yard longer than long_dwell_days"),
    ("consignment_at_risk", "consignments at risk, cut-off ahead"),
    ("cutoff_passed", "consignments at risk, cut-off passed"),
    ("block_over_capacity", "blocks holding more than their slots"),
];

#[derive(Debug, Parser)]
#[command(
    name = "yardtop",
    version,
    about = "Live terminal dashboard of a vehicle export yard: NEVs parked and their battery safety, consignments against their cut-off, exports of the day, month and year.",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone)]
pub struct Global {
    /// Yard database [default: $YARDTOP_DB, else `db` in the config file, else
    /// ./yard.db; `demo`: $YARDTOP_DB, else demo.db in your data folder, see `yardtop
    /// demo --help`]. Given several times (or `[[yards]]` in the config file): the group
    /// view of several yards (dashboard, snapshot, check)
    #[arg(long, global = true, env = "YARDTOP_DB", value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub db: Vec<PathBuf>,

    /// Config file [default: $XDG_CONFIG_HOME/yardtop/config.toml]
    #[arg(long, global = true, env = "YARDTOP_CONFIG", value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub config: Option<PathBuf>,

    /// Freeze the clock: every figure is computed as of this instant (RFC 3339)
    #[arg(long, global = true, env = "YARDTOP_NOW", value_name = "RFC3339", value_hint = ValueHint::Other)]
    pub now: Option<String>,

    /// Show times in this IANA zone (display only; periods stay in port time). With
    /// `init`: the port's time zone
    #[arg(long, global = true, env = "YARDTOP_TZ", value_name = "ZONE", value_hint = ValueHint::Other)]
    pub tz: Option<String>,

    /// No colours (also: NO_COLOR set to any value)
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Plain ASCII: no box-drawing or block glyphs
    #[arg(long, global = true, env = "YARDTOP_ASCII")]
    pub ascii: bool,

    /// Write the log to this file [default: $XDG_STATE_HOME/yardtop/yardtop.log]
    #[arg(long, global = true, env = "YARDTOP_LOG_FILE", value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub log_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a realistic demo yard, run the live simulator and open the dashboard on it
    #[command(after_help = DEMO_DB_HELP)]
    Demo(DemoArgs),
    /// Create an empty yard database with the current schema
    Init(InitArgs),
    /// Load blocks, vessels, calls, consignments, vehicles or events from a CSV file
    Import(ImportArgs),
    /// Write a realistic live stream of yard events into the database
    Simulate(SimulateArgs),
    /// Print what the dashboard shows, without a terminal UI
    Snapshot(SnapshotArgs),
    /// Verify schema and data quality (exit 0 clean, 1 problems found, 2 cannot read)
    Check,
    /// Print the effective configuration and where each value came from
    Config(ConfigArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Print the man page (roff)
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SnapshotFormat {
    /// The dashboard's main screen as plain text
    Text,
    /// Every figure as one JSON object
    Json,
    /// The figures for node_exporter's textfile collector
    Prometheus,
    Csv,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// What to print
    #[arg(long, value_enum, default_value = "text")]
    pub format: SnapshotFormat,
    /// Width of the text screen
    #[arg(long, default_value_t = 120, value_name = "W", value_hint = ValueHint::Other)]
    pub width: u16,
    /// Height of the text screen
    #[arg(long, default_value_t = 40, value_name = "H", value_hint = ValueHint::Other)]
    pub height: u16,
    /// With --format csv: the alert whose every subject to list with where it is (e.g. soc_over_max)
    #[arg(long, value_name = "KIND", value_parser = Offered(ALERT_KINDS))]
    pub alert: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print the commented default config file
    #[arg(long)]
    pub default: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::ALERT_KINDS;
    use crate::figures::subjects::{BLOCK_KIND, CONSIGNMENT_KINDS, VEHICLE_KINDS};

    #[test]
    fn the_offered_alert_kinds_are_the_figures_kinds() {
        let mut offered: Vec<&str> = ALERT_KINDS.iter().map(|(k, _)| *k).collect();
        let mut figures: Vec<&str> = VEHICLE_KINDS
            .iter()
            .chain(CONSIGNMENT_KINDS.iter())
            .copied()
            .collect();
        figures.push(BLOCK_KIND);
        offered.sort_unstable();
        figures.sort_unstable();
        assert_eq!(offered, figures);
    }
}
