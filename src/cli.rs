//! The command line of SPEC §1 (clap derive). Every global flag also reads an
//! environment variable, shown by `--help`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Yard database [default: $YARDTOP_DB, else `db` in the config file, else ./yard.db]
    #[arg(long, global = true, env = "YARDTOP_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Config file [default: $XDG_CONFIG_HOME/yardtop/config.toml]
    #[arg(long, global = true, env = "YARDTOP_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Freeze the clock: every figure is computed as of this instant (RFC 3339)
    #[arg(long, global = true, env = "YARDTOP_NOW", value_name = "RFC3339")]
    pub now: Option<String>,

    /// Show times in this IANA zone (display only; periods stay in port time). With
    /// `init`: the port's time zone
    #[arg(long, global = true, env = "YARDTOP_TZ", value_name = "ZONE")]
    pub tz: Option<String>,

    /// No colours (also: NO_COLOR set to any value)
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Plain ASCII: no box-drawing or block glyphs
    #[arg(long, global = true, env = "YARDTOP_ASCII")]
    pub ascii: bool,

    /// Write the log to this file [default: $XDG_STATE_HOME/yardtop/yardtop.log]
    #[arg(long, global = true, env = "YARDTOP_LOG_FILE", value_name = "PATH")]
    pub log_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a realistic demo yard, run the live simulator and open the dashboard on it
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

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The story to build: `today` (a working yard) or `xiamen-2023`
    #[arg(long, default_value = "today", value_name = "NAME")]
    pub story: String,
    /// small (a real yard's worth), port (SPEC §7 port scale) or a number of vehicles
    #[arg(long, default_value = "small", value_name = "small|port|N")]
    pub scale: String,
    /// Seed of the random generator: the same seed and --now give the same database
    #[arg(long, default_value_t = 2023, value_name = "N")]
    pub seed: u64,
    /// Do not run the live simulator
    #[arg(long)]
    pub no_live: bool,
    /// Only write the database and print its path
    #[arg(long)]
    pub no_tui: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Port name shown in the header
    #[arg(long, value_name = "S")]
    pub port_name: Option<String>,
    /// UN/LOCODE of the port (5 characters, e.g. CNXMN)
    #[arg(long, value_name = "XXXXX")]
    pub locode: Option<String>,
    // The port's time zone is the global --tz: on `init` it sets the `timezone`
    // setting instead of the display zone.
    /// Add yardtop's indexes and summaries to a database another system created;
    /// never changes a row of the yard's tables
    #[arg(long, conflicts_with_all = ["port_name", "locode"])]
    pub existing: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportKind {
    Blocks,
    Vessels,
    Calls,
    Consignments,
    Vehicles,
    Events,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds
    #[arg(value_enum)]
    pub kind: ImportKind,
    /// CSV file with a header row of column names
    pub file: PathBuf,
    /// Import the good rows and write the rejected ones to --rejects
    #[arg(long, requires = "rejects")]
    pub skip_invalid: bool,
    /// Where to write rejected rows, each with its reason (CSV)
    #[arg(long, value_name = "PATH")]
    pub rejects: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Events a second
    #[arg(long, default_value_t = 20.0, value_name = "N")]
    pub rate: f64,
    /// Seconds to run [default: until Ctrl-C]
    #[arg(long, value_name = "S")]
    pub duration: Option<f64>,
    /// Seed of the random generator
    #[arg(long, default_value_t = 7, value_name = "N")]
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SnapshotFormat {
    Text,
    Json,
    Prometheus,
    Csv,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: SnapshotFormat,
    /// Width of the text screen
    #[arg(long, default_value_t = 120, value_name = "W")]
    pub width: u16,
    /// Height of the text screen
    #[arg(long, default_value_t = 40, value_name = "H")]
    pub height: u16,
    /// With --format csv: the alert whose every subject to list with where it is (e.g. soc_over_max)
    #[arg(long, value_name = "KIND")]
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
    /// bash, zsh, fish, elvish or powershell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
