//! Moving in lists: an index in an in-memory list, a cursor and an anchor in a
//! keyset-paged one; and what an alert's subjects are and open.

use rusqlite::types::Value;

use super::keys::Action;
use crate::db::browse::{Anchor, Page, Target};

/// Moves an index in a list of `n` items.
pub fn step_index(cur: usize, n: usize, action: Action, page: usize) -> usize {
    if n == 0 {
        return 0;
    }
    let page = page.max(1);
    let last = n - 1;
    match action {
        Action::Up => cur.saturating_sub(1),
        Action::Down => (cur + 1).min(last),
        Action::PageUp => cur.saturating_sub(page),
        Action::PageDown => (cur + page).min(last),
        Action::Home => 0,
        Action::End => last,
        _ => cur.min(last),
    }
}

/// Moves in a keyset-paged list. Returns true when a new page must be read.
pub fn list_move<T, K>(
    anchor: &mut Anchor<K>,
    cursor: &mut usize,
    page: &Page<T>,
    key_of: impl Fn(&T) -> K,
    action: Action,
    rows: usize,
) -> bool {
    let n = page.rows.len();
    match action {
        Action::Down => {
            if *cursor + 1 < n {
                *cursor += 1;
                false
            } else if page.more_after && n >= 2 {
                *anchor = Anchor::From(key_of(&page.rows[1]));
                true
            } else {
                false
            }
        }
        Action::Up => {
            if *cursor > 0 {
                *cursor -= 1;
                false
            } else if page.more_before {
                if let Some(first) = page.rows.first() {
                    *anchor = Anchor::BackFrom(key_of(first), 1);
                }
                true
            } else {
                false
            }
        }
        Action::PageDown => {
            if page.more_after {
                if let Some(last) = page.rows.last() {
                    *anchor = Anchor::After(key_of(last));
                }
                true
            } else {
                *cursor = n.saturating_sub(1);
                false
            }
        }
        Action::PageUp => {
            if page.more_before {
                if let Some(first) = page.rows.first() {
                    *anchor = Anchor::BackFrom(key_of(first), rows.max(1));
                }
                true
            } else {
                *cursor = 0;
                false
            }
        }
        Action::Home => {
            *anchor = Anchor::First;
            *cursor = 0;
            true
        }
        Action::End => {
            *anchor = Anchor::Last;
            *cursor = rows.saturating_sub(1);
            true
        }
        _ => false,
    }
}

/// A page arrived: later reads re-read the same window; the cursor stays on it.
pub fn settle<T, K>(anchor: &mut Anchor<K>, cursor: &mut usize, page: &Page<T>, key_of: impl Fn(&T) -> K) {
    if let Some(first) = page.rows.first() {
        *anchor = Anchor::From(key_of(first));
    }
    *cursor = (*cursor).min(page.rows.len().saturating_sub(1));
}

/// What an alert's subject opens: VINs, consignment refs or block codes.
pub fn subject_target(kind: &str, subject: &str) -> Option<Target> {
    match kind {
        "consignment_at_risk" | "cutoff_passed" => Some(Target::ConsignmentRef(subject.to_string())),
        "block_over_capacity" => Some(Target::Block(subject.to_string())),
        "data_quality" => None,
        _ => Some(Target::Vehicle(Value::Text(subject.to_string()))),
    }
}

/// An alert kind in words.
pub fn alert_label(kind: &str) -> String {
    match kind {
        "soc_over_max" => "NEV SoC over max",
        "soc_under_min" => "NEV SoC under min",
        "soc_unchecked" => "NEV SoC unchecked",
        "battery_hold" => "battery hold",
        "damage_hold" => "damage hold",
        "nev_outside_nev_zone" => "NEV in ICE zone",
        "block_over_capacity" => "block over capacity",
        "consignment_at_risk" => "consignment at risk",
        "cutoff_passed" => "cut-off passed",
        "long_dwell" => "long dwell",
        "data_quality" => "data quality",
        other => return crate::sanitize::clean(other),
    }
    .to_string()
}
