//! Moving in lists: an index in an in-memory list, a cursor and an anchor in a
//! keyset-paged one; and the subjects of the alerts listed from the figures
//! (consignments, blocks, kinds of problem; vehicles are paged from the database).

use rusqlite::types::Value;

use super::data::{DashData, DetailBody};
use super::keys::Action;
use crate::db::browse::{Anchor, Page, Target};
use crate::figures::subjects::{self, SubjectKind};
use crate::figures::{BlockFigures, Figures, PendingConsignment};

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

/// The subjects of a consignment alert, in the panel's order (pending consignments
/// are few and all in the figures).
pub fn consignment_subjects<'a>(f: &'a Figures, kind: &str) -> Vec<&'a PendingConsignment> {
    f.consignments
        .iter()
        .filter(|c| subjects::consignment_is(kind, c))
        .collect()
}

/// The subjects of `block_over_capacity`, by code.
pub fn block_subjects(f: &Figures) -> Vec<&BlockFigures> {
    f.yard
        .blocks
        .iter()
        .filter(|b| subjects::block_over_capacity(b))
        .collect()
}

/// The kinds of unreadable values and how many rows have each.
pub fn problem_subjects(f: &Figures) -> Vec<(&String, u64)> {
    f.data_quality
        .by_kind
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| (k, *n))
        .collect()
}

/// How many subjects an alert lists from the figures in memory; None for a vehicle
/// alert, whose subjects are paged from the database.
pub fn memory_len(f: &Figures, kind: &str) -> Option<usize> {
    match subjects::subject_kind(kind)? {
        SubjectKind::Vehicle => None,
        SubjectKind::Consignment => Some(consignment_subjects(f, kind).len()),
        SubjectKind::Block => Some(block_subjects(f).len()),
        SubjectKind::Problem => Some(problem_subjects(f).len()),
    }
}

/// What the `i`th subject of an alert listed from memory opens.
pub fn memory_target(f: &Figures, kind: &str, i: usize) -> Option<(Target, String)> {
    match subjects::subject_kind(kind)? {
        SubjectKind::Consignment => consignment_subjects(f, kind)
            .get(i)
            .map(|c| (Target::Consignment(c.id), c.reference.clone())),
        SubjectKind::Block => block_subjects(f)
            .get(i)
            .map(|b| (Target::Block(b.code.clone()), b.code.clone())),
        SubjectKind::Vehicle | SubjectKind::Problem => None,
    }
}

/// What Enter on the `cursor`th subject of alert `kind` opens: a vehicle of the
/// page on screen, or a consignment or block of the figures.
pub fn subject_hit(
    detail: Option<&DetailBody>,
    data: Option<&DashData>,
    kind: &str,
    cursor: usize,
) -> Option<(Target, String)> {
    match (detail, data) {
        (Some(DetailBody::Subjects(p)), _) => p
            .page
            .rows
            .get(cursor)
            .filter(|v| !v.vin.is_empty())
            .map(|v| (Target::Vehicle(Value::Text(v.vin.clone())), v.vin.clone())),
        (_, Some(d)) => memory_target(&d.figures, kind, cursor),
        _ => None,
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
