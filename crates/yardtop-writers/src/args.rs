//! The arguments of the commands that write (`init`, `import`, `demo`, `simulate`),
//! as clap parses them; the binary's command line (`yardtop::cli`) takes them from
//! here, so that the writers depend on nothing of the binary.

use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, ValueEnum, ValueHint};

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
pub const SCALES: &[(&str, &str)] = &[
    ("small", "a real yard's worth"),
    (
        "port",
        "port scale: 1,000,000 vehicles of history, 50,000 in the yard",
    ),
];

/// Where `demo` writes: not the ./yard.db of the other commands.
pub const DEMO_DB_HELP: &str = "Database: the demo writes a new database at --db (or $YARDTOP_DB), which must not exist yet. Without either it writes demo.db in your data folder ($XDG_DATA_HOME/yardtop/demo.db, usually ~/.local/share/yardtop/demo.db; the temp folder if that cannot be made), replacing the previous demo there; a `db` in the config file is not used. --examples DIR writes CSV files and no database.";

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
