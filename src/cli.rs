//! The command line of the command line (README.md) (clap derive). Every global flag also reads an
//! environment variable, shown by `--help`.

use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

/// A value parser that offers `values` to shell completion, help and the man page,
/// and passes any text on: the command itself checks it and says what is wrong in
/// its own words (`--scale` also takes a number, which no list can offer).
#[derive(Debug, Clone, Copy)]
pub struct Offered(pub &'static [(&'static str, &'static str)]);

impl TypedValueParser for Offered {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            self.0
                .iter()
                .map(|(name, help)| PossibleValue::new(*name).help(*help)),
        ))
    }
}

/// The demo's stories.
pub const STORIES: &[(&str, &str)] = &[
    ("today", "a working yard today, with more than a year of history"),
    (
        "xiamen-2023",
        "Xiamen on 2023-05-31: the 3,061-vehicle record consignment",
    ),
];

/// The demo's named scales (a number of vehicles is also accepted).
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

pub const SCALES: &[(&str, &str)] = &[
    ("small", "a real yard's worth"),
    (
        "port",
        "port scale: 1,000,000 vehicles of history, 50,000 in the yard",
    ),
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

/// Where `demo` writes: not the ./yard.db of the other commands.
const DEMO_DB_HELP: &str = "Database: the demo writes a new database at --db (or $YARDTOP_DB), which must not exist yet. Without either it writes demo.db in your data folder ($XDG_DATA_HOME/yardtop/demo.db, usually ~/.local/share/yardtop/demo.db; the temp folder if that cannot be made), replacing the previous demo there; a `db` in the config file is not used. --examples DIR writes CSV files and no database.";

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The story to build
    #[arg(long, default_value = "today", value_name = "NAME", value_parser = Offered(STORIES))]
    pub story: String,
    /// How big: small, port, or a number of vehicles
    #[arg(long, default_value = "small", value_name = "small|port|N", value_parser = Offered(SCALES))]
    pub scale: String,
    /// Seed of the random generator: the same seed and --now give the same database
    #[arg(long, default_value_t = 2023, value_name = "N", value_hint = ValueHint::Other)]
    pub seed: u64,
    /// Do not run the live simulator
    #[arg(long)]
    pub no_live: bool,
    /// Only write the database and print its path
    #[arg(long)]
    pub no_tui: bool,
    /// Write the six example CSV files of docs/importing.md into DIR instead, dated
    /// around now (or --now) in the port's zone (--tz, default Asia/Shanghai)
    #[arg(long, value_name = "DIR", conflicts_with_all = ["story", "scale", "seed", "no_live", "no_tui"])]
    pub examples: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Port name shown in the header
    #[arg(long, value_name = "S", value_hint = ValueHint::Other)]
    pub port_name: Option<String>,
    /// UN/LOCODE of the port (5 characters, e.g. CNXMN)
    #[arg(long, value_name = "XXXXX", value_hint = ValueHint::Other)]
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
    /// Yard blocks: code, zone, rows, slots_per_row
    Blocks,
    /// Vessels: imo, name, capacity_ceu
    Vessels,
    /// Vessel calls: id, imo, voyage, berth, eta, etd, status
    Calls,
    /// Consignments: id, ref, call_id, brand, destination, planned_units, cutoff_at, status
    Consignments,
    /// Vehicles by VIN
    Vehicles,
    /// Yard events: at, vin, kind, detail
    Events,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds
    #[arg(value_enum)]
    pub kind: ImportKind,
    /// CSV file with a header row of column names
    #[arg(value_hint = ValueHint::FilePath)]
    pub file: PathBuf,
    /// Import the good rows and write the rejected ones to --rejects
    #[arg(long, requires = "rejects")]
    pub skip_invalid: bool,
    /// Where to write rejected rows, each with its reason (CSV)
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub rejects: Option<PathBuf>,
    /// Update the rows already in the database by their key (VIN, block code, IMO,
    /// call id, consignment ref) and skip events already there, instead of refusing them
    #[arg(long, visible_alias = "upsert")]
    pub update: bool,
    /// Field separator: ',' ';' or tab [default: found from the header row]
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// Also read times written like this (strftime, e.g. '%d/%m/%Y %H:%M') as local
    /// time of the port's zone (the database's timezone setting, or --tz)
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Events a second
    #[arg(long, default_value_t = 20.0, value_name = "N", value_hint = ValueHint::Other)]
    pub rate: f64,
    /// Seconds to run [default: until Ctrl-C]
    #[arg(long, value_name = "S", value_hint = ValueHint::Other)]
    pub duration: Option<f64>,
    /// Seed of the random generator
    #[arg(long, default_value_t = 7, value_name = "N", value_hint = ValueHint::Other)]
    pub seed: u64,
    /// Write made-up traffic into a database that `yardtop demo` did not make (a test
    /// copy, never a real yard)
    #[arg(long)]
    pub allow_non_demo: bool,
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
