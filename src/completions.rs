//! `yardtop completions SHELL`: clap_complete's script, and for fish what it leaves
//! out. clap_complete's fish script completes options' values but not positional
//! ones (`import KIND`, `completions SHELL`), where fish then offers file names; the
//! lines added here offer their values, at their position, from the same clap
//! definition, so nothing is written twice.

use std::fmt::Write as _;
use std::io::Write as _;

use clap::{Arg, Command};
use clap_complete::Shell;

/// Prints the script; a closed pipe ends it quietly.
pub fn print(shell: Shell, mut cmd: Command) -> std::io::Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "yardtop", &mut script);
    if shell == Shell::Fish {
        script.extend_from_slice(fish_positionals(&cmd).as_bytes());
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(&script).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}

fn fish_quote(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\'', "\\'")
}

/// Options that take a value (their value is not a positional argument).
fn valued_options(cmd: &Command) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |a: &Arg| {
        if !a.is_positional() && a.get_action().takes_values() {
            if let Some(l) = a.get_long() {
                names.push(format!("--{l}"));
            }
            if let Some(s) = a.get_short() {
                names.push(format!("-{s}"));
            }
        }
    };
    cmd.get_arguments().for_each(&mut add);
    for sub in cmd.get_subcommands() {
        sub.get_arguments().for_each(&mut add);
    }
    names.sort();
    names.dedup();
    names
}

/// A fish function telling which positional argument of the subcommand the cursor
/// is on, then one `complete` line per positional argument with values.
fn fish_positionals(cmd: &Command) -> String {
    let mut out =
        String::from("\n# Positional arguments with values (clap_complete leaves them to file names).\n");
    let _ = writeln!(
        out,
        "function __fish_yardtop_positional_is -a n\n    \
             set -l words (commandline -opc)\n    \
             set -e words[1]\n    \
             set -l plain\n    \
             set -l skip 0\n    \
             for w in $words\n        \
                 if test $skip -eq 1\n            set skip 0\n            continue\n        end\n        \
                 if contains -- $w {}\n            set skip 1\n            continue\n        end\n        \
                 string match -q -- '-*' $w; or set -a plain $w\n    \
             end\n    \
             # plain[1] is the subcommand\n    \
             test (count $plain) -eq $n\n\
         end",
        valued_options(cmd).join(" ")
    );
    for sub in cmd.get_subcommands() {
        let positionals: Vec<&Arg> = sub.get_arguments().filter(|a| a.is_positional()).collect();
        for (i, arg) in positionals.iter().enumerate() {
            let values = arg.get_possible_values();
            if values.is_empty() {
                continue;
            }
            let list: Vec<String> = values
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| match v.get_help() {
                    Some(h) => format!("{}\\t'{}'", v.get_name(), fish_quote(&h.to_string())),
                    None => v.get_name().to_string(),
                })
                .collect();
            let _ = writeln!(
                out,
                "complete -c yardtop -n \"__fish_yardtop_using_subcommand {}; and __fish_yardtop_positional_is {}\" -f -a \"{}\"",
                sub.get_name(),
                i + 1,
                list.join("\n")
            );
        }
    }
    out
}
