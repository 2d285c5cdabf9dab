//! The group overview: one row per yard of a port group (each its own database, a
//! terminal's own or a Litestream replica), its key figures and how old its newest
//! data is, and the group's totals where adding means something. What the overview
//! shows is built here from each yard's figures (`YardLine`, `GroupTotals`) so that
//! the screen and `snapshot --format text` render the same thing; the keys of the
//! overview are a small pure state machine. See docs/operations.md ("Operations
//! centre").

use chrono::{DateTime, Utc};

use super::data::DashData;
use super::keys::{Action, Key, KeyTable};
use super::reader::ReaderState;
use crate::figures::{Count, Figures, Severity};

/// Past this age a yard's newest data is called stale: a replica whose follower
/// stopped, or a terminal whose systems stopped writing.
pub const STALE_AFTER_S: i64 = 600;

/// How a yard of the group is doing, as its row says it.
#[derive(Debug, Clone, PartialEq)]
pub enum YardHealth {
    /// Not read yet.
    Starting,
    /// Read; `age_s` since its newest data (None: no data in it yet).
    Fresh { age_s: Option<i64> },
    /// Read, but its newest data is older than `STALE_AFTER_S`.
    Stale { age_s: i64 },
    /// Another program holds a lock; the last figures stay.
    Busy,
    /// Cannot be read (missing, being restored, not a yard database, newer schema).
    Unreachable(String),
}

/// One row of the overview.
#[derive(Debug, Clone, PartialEq)]
pub struct YardLine {
    pub name: String,
    pub locode: String,
    pub health: YardHealth,
    /// The figures, when the yard was read at least once.
    pub figures: Option<YardFigures>,
}

/// The figures the overview shows of one yard.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct YardFigures {
    pub in_yard: u64,
    pub in_yard_nev: u64,
    /// NEVs over, under or without a trusted SoC reading.
    pub soc_exceptions: u64,
    pub holds: u64,
    pub pending: u64,
    pub at_risk: u64,
    pub critical_alerts: u64,
    pub today: Count,
    pub month: Count,
    pub year: Count,
}

impl YardFigures {
    pub fn of(f: &Figures) -> YardFigures {
        YardFigures {
            in_yard: f.yard.in_yard,
            in_yard_nev: f.yard.in_yard_nev,
            soc_exceptions: f.yard.soc.over_max + f.yard.soc.under_min + f.yard.soc.unchecked,
            holds: f.yard.holds.total(),
            pending: f.consignments.len() as u64,
            at_risk: f.consignments.iter().filter(|c| c.at_risk).count() as u64,
            critical_alerts: f
                .alerts
                .iter()
                .filter(|a| a.severity == Severity::Critical)
                .count() as u64,
            today: f.exports.today,
            month: f.exports.month,
            year: f.exports.year,
        }
    }
}

/// The group's totals: only sums of units and NEVs (a ratio is recomputed from the
/// totals, never added up).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GroupTotals {
    pub yards_read: usize,
    pub figures: YardFigures,
}

impl GroupTotals {
    pub fn of(lines: &[YardLine]) -> GroupTotals {
        let mut t = GroupTotals::default();
        for f in lines.iter().filter_map(|l| l.figures.as_ref()) {
            t.yards_read += 1;
            let s = &mut t.figures;
            s.in_yard += f.in_yard;
            s.in_yard_nev += f.in_yard_nev;
            s.soc_exceptions += f.soc_exceptions;
            s.holds += f.holds;
            s.pending += f.pending;
            s.at_risk += f.at_risk;
            s.critical_alerts += f.critical_alerts;
            for (sum, add) in [
                (&mut s.today, f.today),
                (&mut s.month, f.month),
                (&mut s.year, f.year),
            ] {
                sum.units += add.units;
                sum.nev += add.nev;
            }
        }
        t
    }
}

/// The row of a yard from what its reader last said.
pub fn yard_line(
    name: &str,
    data: Option<&DashData>,
    state: Option<&ReaderState>,
    wall_now: DateTime<Utc>,
) -> YardLine {
    let newest = data.and_then(newest_data);
    let age_s = newest.map(|t| (wall_now - t).num_seconds().max(0));
    let health = match state {
        None => YardHealth::Starting,
        Some(ReaderState::Busy { .. }) => YardHealth::Busy,
        Some(ReaderState::Unreachable { reason, .. }) => YardHealth::Unreachable(reason.clone()),
        Some(ReaderState::Live { .. }) => match age_s {
            Some(a) if a > STALE_AFTER_S => YardHealth::Stale { age_s: a },
            _ => YardHealth::Fresh { age_s },
        },
    };
    YardLine {
        name: name.to_string(),
        locode: data.map(|d| d.figures.port.locode.clone()).unwrap_or_default(),
        health,
        figures: data.map(|d| YardFigures::of(&d.figures)),
    }
}

/// The time of a yard's newest data: its newest event as written (the Activity
/// panel's first row), or the last change of the file when it has no events.
fn newest_data(d: &DashData) -> Option<DateTime<Utc>> {
    d.events.iter().filter_map(|e| e.at).max()
}

/// What a key does on the overview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupCommand {
    None,
    Quit,
    Suspend,
    /// Open this yard's dashboard.
    Open(usize),
    /// Read every yard now.
    RefreshAll,
}

/// The overview's own state: which row is selected and whether the keys are shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupState {
    pub cursor: usize,
    pub help: bool,
}

impl GroupState {
    pub fn handle_key(&mut self, keys: &KeyTable, key: Key, yards: usize) -> GroupCommand {
        match key {
            Key::Ctrl('c') => return GroupCommand::Quit,
            Key::Ctrl('z') => return GroupCommand::Suspend,
            _ => {}
        }
        let Some(action) = keys.action(key) else {
            return GroupCommand::None;
        };
        if self.help {
            self.help = false;
            return match action {
                Action::Quit => GroupCommand::Quit,
                _ => GroupCommand::None,
            };
        }
        let last = yards.saturating_sub(1);
        match action {
            Action::Quit => return GroupCommand::Quit,
            Action::Help => self.help = true,
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => self.cursor = (self.cursor + 1).min(last),
            Action::PageUp | Action::Home => self.cursor = 0,
            Action::PageDown | Action::End => self.cursor = last,
            Action::Open if yards > 0 => return GroupCommand::Open(self.cursor.min(last)),
            Action::Refresh => return GroupCommand::RefreshAll,
            _ => {}
        }
        GroupCommand::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(name: &str, today: (u64, u64), year: (u64, u64)) -> YardLine {
        YardLine {
            name: name.into(),
            locode: String::new(),
            health: YardHealth::Fresh { age_s: Some(1) },
            figures: Some(YardFigures {
                in_yard: 10,
                in_yard_nev: 4,
                today: Count {
                    units: today.0,
                    nev: today.1,
                },
                year: Count {
                    units: year.0,
                    nev: year.1,
                },
                ..Default::default()
            }),
        }
    }

    #[test]
    fn totals_add_units_and_nevs_and_skip_yards_not_read() {
        let mut lines = vec![
            line("haitian", (30, 10), (900, 300)),
            line("songyu", (10, 10), (100, 90)),
        ];
        lines.push(YardLine {
            name: "haicang".into(),
            locode: String::new(),
            health: YardHealth::Unreachable("the file is gone".into()),
            figures: None,
        });
        let t = GroupTotals::of(&lines);
        assert_eq!(t.yards_read, 2);
        assert_eq!(t.figures.in_yard, 20);
        assert_eq!(t.figures.today, Count { units: 40, nev: 20 });
        assert_eq!(
            t.figures.year,
            Count {
                units: 1000,
                nev: 390
            }
        );
        // The group's NEV share comes from the totals (20/40), not from averaging
        // the yards' shares (1/3 and 1).
        assert_eq!(t.figures.today.nev_share(), Some(0.5));
    }

    #[test]
    fn keys_move_open_and_quit() {
        let keys = KeyTable::default();
        let mut g = GroupState::default();
        assert_eq!(g.handle_key(&keys, Key::Down, 3), GroupCommand::None);
        assert_eq!(g.handle_key(&keys, Key::Down, 3), GroupCommand::None);
        assert_eq!(g.handle_key(&keys, Key::Down, 3), GroupCommand::None);
        assert_eq!(g.cursor, 2);
        assert_eq!(g.handle_key(&keys, Key::Enter, 3), GroupCommand::Open(2));
        assert_eq!(g.handle_key(&keys, Key::Char('?'), 3), GroupCommand::None);
        assert!(g.help);
        assert_eq!(g.handle_key(&keys, Key::Char('x'), 3), GroupCommand::None);
        assert_eq!(g.handle_key(&keys, Key::Char('q'), 3), GroupCommand::Quit);
        assert_eq!(g.handle_key(&keys, Key::Ctrl('c'), 0), GroupCommand::Quit);
    }
}
