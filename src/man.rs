//! `yardtop man`: the man page, yardtop(1), in roff. The commands and their options
//! come from the clap definition (`cli`) and the keys from the one key table
//! (`ui::keys`), so the page cannot drift from the program; the prose around them
//! (panels and their marks, exit status, environment, files, examples) is here.
//! One page covers every command: there are no per-command pages to refer to.

use std::fmt::Write;

use clap::{Arg, Command};

use crate::ui::glyphs::{ASCII, UNICODE};
use crate::ui::keys::KeyTable;

/// The page's date: when its text last changed (mandoc wants an ISO date or
/// "Month day, year").
const DATE: &str = "2026-12-02";

/// Text made safe for roff: a backslash is `\e`, a hyphen of an option `\-`, and a
/// line never starts with a control character (`.` or `'`).
fn esc(text: &str) -> String {
    let mut out = text.replace('\\', "\\e").replace('-', "\\-");
    if out.starts_with('.') || out.starts_with('\'') {
        out.insert_str(0, "\\&");
    }
    out.replace("\n.", "\n\\&.").replace("\n'", "\n\\&'")
}

fn help_of(arg: &Arg) -> String {
    arg.get_long_help()
        .or(arg.get_help())
        .map(|h| h.to_string())
        .unwrap_or_default()
}

/// `--db PATH` / `-h` / `KIND`, in bold and italic roff.
fn synopsis_of(arg: &Arg) -> String {
    let value = arg
        .get_value_names()
        .map(|v| v.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
    if arg.is_positional() {
        return format!("\\fI{}\\fR", esc(&value));
    }
    let flag = match (arg.get_long(), arg.get_short()) {
        (Some(l), _) => format!("\\-\\-{}", esc(l)),
        (None, Some(s)) => format!("\\-{s}"),
        (None, None) => esc(arg.get_id().as_str()),
    };
    if arg.get_action().takes_values() {
        format!("\\fB{flag}\\fR \\fI{}\\fR", esc(&value))
    } else {
        format!("\\fB{flag}\\fR")
    }
}

/// One option as a `.TP` paragraph: its help, its values, its default, its
/// environment variable.
fn option(out: &mut String, arg: &Arg) {
    let _ = writeln!(out, ".TP\n{}", synopsis_of(arg));
    let mut text = help_of(arg);
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !values.is_empty() && arg.get_action().takes_values() {
        let _ = write!(text, ": {}", values.join(", "));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() {
        let _ = write!(text, ". Default: {}", defaults.join(", "));
    }
    if let Some(env) = arg.get_env() {
        let _ = write!(text, ". Environment: {}", env.to_string_lossy());
    }
    let _ = writeln!(out, "{}", esc(&text));
}

fn shown_args(cmd: &Command) -> impl Iterator<Item = &Arg> {
    cmd.get_arguments()
        .filter(|a| !a.is_hide_set() && !a.is_global_set())
        .filter(|a| !matches!(a.get_id().as_str(), "help" | "version"))
}

fn commands(out: &mut String, root: &Command) {
    let _ = writeln!(out, ".SH COMMANDS");
    let _ = writeln!(
        out,
        "Without a command, \\fByardtop\\fR opens the dashboard on the yard database."
    );
    for sub in root.get_subcommands().filter(|s| s.get_name() != "help") {
        let mut line = format!("yardtop {}", sub.get_name());
        for a in shown_args(sub) {
            let s = synopsis_of(a);
            if a.is_positional() || a.is_required_set() {
                let _ = write!(line, " {s}");
            } else {
                let _ = write!(line, " [{s}]");
            }
        }
        let _ = writeln!(out, ".SS \"{}\"", line.replace("yardtop ", "yardtop\\ "));
        if let Some(about) = sub.get_long_about().or(sub.get_about()) {
            let _ = writeln!(out, "{}", esc(&about.to_string()));
        }
        for a in shown_args(sub) {
            option(out, a);
        }
    }
}

fn keys(out: &mut String) {
    let _ = writeln!(out, ".SH KEYS");
    let _ = writeln!(
        out,
        "The same table drives the dashboard and its \\fB?\\fR help. A binding can be changed in the \
         config file's \\fB[keys]\\fR section, \\fIaction\\fR = \"\\fIkey\\fR\" (the action's name is \
         given in brackets); a changed action loses its default keys, and a key already bound to \
         another action is an error."
    );
    for (keys, name, what) in KeyTable::default().man_rows() {
        let _ = writeln!(out, ".TP\n\\fB{}\\fR\n{} [{}]", esc(&keys), esc(what), esc(name));
    }
    let _ = writeln!(
        out,
        ".TP\n\\fBCtrl\\-C\\fR\nquit, whatever the bindings say\n.TP\n\\fBCtrl\\-Z\\fR\nsuspend (\\fBfg\\fR resumes)"
    );
}

fn panels(out: &mut String) {
    let (u, a) = (&UNICODE, &ASCII);
    let pair = |x: char, y: char| {
        if x == y {
            format!("\\fB{}\\fR", esc(&x.to_string()))
        } else {
            format!(
                "\\fB{}\\fR (ASCII \\fB{}\\fR)",
                esc(&x.to_string()),
                esc(&y.to_string())
            )
        }
    };
    let _ = writeln!(out, ".SH PANELS");
    let _ = writeln!(
        out,
        "All panels are visible at once on a 120\\(mu40 terminal; at 80\\(mu24 they are tabs (Tab \
         moves between them). Colour is never the only sign: every mark below is a character or a word."
    );
    let items: Vec<(String, String)> = vec![
        (
            "Header".into(),
            "Port name and LOCODE, port\\-local clock and date, the database file, and the live state: \
             \\fBlive\\fR with the last change seen, \\fBPAUSED\\fR, \\fBfrozen\\fR (under \\fB\\-\\-now\\fR), \
             or \\fBdatabase unreachable\\fR with the reason."
                .into(),
        ),
        (
            "Export counters".into(),
            format!(
                "Units and NEVs exported today, this month and this year (port time), NEV share, the NEV \
                 year\\-on\\-year ratio (\\fB\\(mu5.1\\fR), the record consignment, and a 30\\-day chart: {} NEV, \
                 {} other.",
                pair(u.bar_nev, a.bar_nev),
                pair(u.bar_other, a.bar_other)
            ),
        ),
        (
            "Parked NEVs".into(),
            "Occupancy per block (bars, capacity, NEV count, zone), SoC bands (over the limit, under \
             the minimum, unchecked), holds by reason, long dwell. Enter opens a block's row\\(muslot map, \
             and Enter there opens the vehicle under the cursor."
                .into(),
        ),
        (
            "Block map".into(),
            format!(
                "{} NEV with SoC in band; {} NEV with SoC out of band; {} NEV with SoC unchecked or stale; \
                 {} other powertrain; {} on hold; {} staged; {} unreadable values; {} two vehicles in one \
                 slot; {} empty slot.",
                pair(u.map_nev_ok, a.map_nev_ok),
                pair(u.map_nev_out, a.map_nev_out),
                pair(u.map_nev_unchecked, a.map_nev_unchecked),
                pair(u.map_other, a.map_other),
                pair(u.map_hold, a.map_hold),
                pair(u.map_staged, a.map_staged),
                pair(u.map_unknown, a.map_unknown),
                pair(u.map_conflict, a.map_conflict),
                pair(u.map_empty, a.map_empty)
            ),
        ),
        (
            "Pending consignments".into(),
            format!(
                "Open and loading consignments by cut\\-off: ref, vessel and voyage, destination, countdown \
                 (\\fB\\-0h 40m PASSED\\fR once passed), progress gauge ({} loaded, {} staged, {} in the \
                 yard or on hold, {} not yet delivered), loading rate (UPH) and the risk column: \
                 \\fB! AT RISK\\fR (cut\\-off within \\fBat_risk_hours\\fR and short or holds) or \
                 \\fBCUT\\-OFF PASSED\\fR, with the reason (\\fBshort 37\\fR, \\fB2 on hold\\fR). Enter lists \
                 its vehicles.",
                pair(u.gauge_loaded, a.gauge_loaded),
                pair(u.gauge_staged, a.gauge_staged),
                pair(u.gauge_delivered, a.gauge_delivered),
                pair(u.gauge_empty, a.gauge_empty)
            ),
        ),
        (
            "Alerts".into(),
            "Safety and schedule problems by kind with counts, most severe first: \\fBCRIT\\fR (an NEV \
             over the SoC limit that is staged, a battery or damage hold, a passed cut\\-off), \\fBWARN\\fR, \
             \\fBINFO\\fR. Enter opens every subject of an alert, with where it is."
                .into(),
        ),
        (
            "Activity".into(),
            "The newest events in the order they were written, newest first. Enter opens the vehicle."
                .into(),
        ),
    ];
    for (name, text) in items {
        let _ = writeln!(out, ".TP\n\\fB{name}\\fR\n{text}");
    }
    let _ = writeln!(
        out,
        ".PP\nA list that does not show all its rows says where it is (\\fB8\\-20 of 20\\fR; \
         {} and {} mark more above and below).",
        pair_str(u.more_up, a.more_up),
        pair_str(u.more_down, a.more_down)
    );
}

fn pair_str(x: &str, y: &str) -> String {
    format!("\\fB{}\\fR (ASCII \\fB{}\\fR)", esc(x), esc(y))
}

const TAIL: &str = r#".SH EXIT STATUS
.TP
.B 0
success (for \fBcheck\fR: no problem found)
.TP
.B 1
a problem the user must fix; the message on standard error says what and how
(for \fBcheck\fR: problems found)
.TP
.B 2
a usage error, or the database cannot be read
.TP
.B 141
output went into a closed pipe (as for SIGPIPE); nothing else is printed
.SH ENVIRONMENT
.TP
.B YARDTOP_DB
the yard database, when \fB\-\-db\fR is not given
.TP
.B YARDTOP_CONFIG
the config file, when \fB\-\-config\fR is not given
.TP
.B YARDTOP_NOW, YARDTOP_TZ, YARDTOP_ASCII, YARDTOP_LOG_FILE
the same as \fB\-\-now\fR, \fB\-\-tz\fR, \fB\-\-ascii\fR and \fB\-\-log\-file\fR
.TP
.B YARDTOP_LOG
the log's level and filter (\fBinfo\fR by default; \fBdebug\fR, \fBwarn\fR, ...)
.TP
.B NO_COLOR
set to any value: no colours, as \fB\-\-no\-color\fR
.TP
.B LC_ALL, LC_CTYPE, LANG, TERM
a locale that is not UTF\-8, or a \fBdumb\fR, \fBvt100\fR or \fBvt220\fR terminal, gives the
ASCII screen: no byte above 0x7F is written
.TP
.B XDG_CONFIG_HOME, XDG_STATE_HOME, XDG_DATA_HOME
where the config file, the log and the demo database live (default
\fI~/.config\fR, \fI~/.local/state\fR, \fI~/.local/share\fR)
.SH FILES
.TP
.I $XDG_CONFIG_HOME/yardtop/config.toml
display preferences: theme (\fBauto\fR, \fBdark\fR, \fBlight\fR, \fBmono\fR), refresh interval,
12 or 24\-hour clock, ASCII, key bindings; \fByardtop config \-\-default\fR prints a commented one.
The yard's rules (time zone, SoC limits, thresholds) are in the database's \fBsettings\fR table.
.TP
.I $XDG_STATE_HOME/yardtop/yardtop.log
the log of the dashboard and the writers: a line per change of state; capped in size and
rotated (the newest files are kept beside it)
.TP
.I $XDG_DATA_HOME/yardtop/demo.db
the demo database, when \fBdemo\fR is given no \fB\-\-db\fR
.TP
.I ./yard.db
the yard database when nothing else names one
.SH EXAMPLES
Try it on a demo yard with a live simulator:
.PP
.RS
.B yardtop demo
.RE
.PP
The Xiamen record of 28 May 2023, as of its frozen clock:
.PP
.RS
.B yardtop demo \-\-story xiamen\-2023
.RE
.PP
Watch the port's yard database:
.PP
.RS
.B YARDTOP_DB=/var/lib/yard/yard.db yardtop
.RE
.PP
Check a database another system writes, then add yardtop's indexes to it:
.PP
.RS
.B yardtop \-\-db yard.db check
.br
.B yardtop \-\-db yard.db init \-\-existing
.RE
.PP
Load blocks from a CSV file, keeping the good rows:
.PP
.RS
.B yardtop import blocks blocks.csv \-\-skip\-invalid \-\-rejects rejected.csv
.RE
.PP
Feed node_exporter's textfile collector every minute (cron):
.PP
.RS
.B yardtop snapshot \-\-format prometheus > yard.prom.tmp && mv yard.prom.tmp yard.prom
.RE
.PP
The figures as of the end of a shift, as JSON:
.PP
.RS
.B yardtop snapshot \-\-format json \-\-now 2026\-11\-26T16:00:00+08:00
.RE
.PP
Install the completions for bash and this page:
.PP
.RS
.B yardtop completions bash > ~/.local/share/bash\-completion/completions/yardtop
.br
.B yardtop man > ~/.local/share/man/man1/yardtop.1
.RE
"#;

/// Prints the page; a closed pipe (`yardtop man | head`) ends it quietly.
pub fn print(root: &Command) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(page(root).as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}

/// The whole page.
pub fn page(root: &Command) -> String {
    let mut out = String::new();
    let version = root.get_version().unwrap_or("");
    let _ = writeln!(
        out,
        ".TH YARDTOP 1 {DATE} \"yardtop {}\" \"User Commands\"",
        esc(version)
    );
    // No hyphenation: values such as damage_hold must read as typed.
    let _ = writeln!(out, ".nh");
    let _ = writeln!(
        out,
        ".SH NAME\nyardtop \\- live terminal dashboard of a vehicle export yard"
    );
    let _ = writeln!(
        out,
        ".SH SYNOPSIS\n.B yardtop\n[\\fIoptions\\fR] [\\fIcommand\\fR [\\fIcommand options\\fR]]"
    );
    let _ = writeln!(
        out,
        ".SH DESCRIPTION\n\\fByardtop\\fR shows, live, what a vehicle export yard holds: the new energy \
         vehicles (NEVs) and other cars parked in its blocks and their battery state of charge (SoC), \
         the vehicles on hold, the consignments pending against their cut\\-off, and the vehicles \
         exported today, this month and this year. It reads the yard's SQLite database read\\-only \
         (other systems write it) and shows a change within a second.\n.PP\nThe options below \
         apply to every command."
    );
    let _ = writeln!(out, ".SH OPTIONS");
    for a in root
        .get_arguments()
        .filter(|a| !a.is_hide_set())
        .filter(|a| !matches!(a.get_id().as_str(), "help" | "version"))
    {
        option(&mut out, a);
    }
    let _ = writeln!(
        out,
        ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nprint help (also after a command)\n.TP\n\\fB\\-V\\fR, \\fB\\-\\-version\\fR\nprint the version"
    );
    commands(&mut out, root);
    keys(&mut out);
    panels(&mut out);
    out.push_str(TAIL);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roff_control_characters_are_escaped() {
        assert_eq!(esc(".hidden"), "\\&.hidden");
        assert_eq!(esc("a\\b -x"), "a\\eb \\-x");
    }
}
