//! The order the dashboard's lists show things in: the state machine (what Enter
//! opens) and the panels (what is drawn) both follow it, so the row under the cursor
//! is the row that opens.

use crate::figures::{Alert, BlockFigures};

/// How much a block matters to a supervisor of NEVs (lower first): NEV and
/// quarantine zones, then any other block with an NEV over the SoC limit or a
/// vehicle on hold, then the rest.
fn tier(b: &BlockFigures) -> u8 {
    if matches!(b.zone.as_str(), "nev" | "quarantine") {
        0
    } else if b.nev_soc_over_max > 0 || b.on_hold > 0 {
        1
    } else {
        2
    }
}

/// The blocks in the order the panel lists them: by `tier`, then by code (stable
/// from one refresh to the next).
pub fn block_order(blocks: &[BlockFigures]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..blocks.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&blocks[a], &blocks[b]);
        tier(x).cmp(&tier(y)).then_with(|| x.code.cmp(&y.code))
    });
    order
}

/// The alerts, most severe first (stable within a severity).
pub fn alerts_in_order(alerts: &[Alert]) -> Vec<&Alert> {
    let mut v: Vec<&Alert> = alerts.iter().collect();
    v.sort_by_key(|a| a.severity);
    v
}
