//! The yard's blocks, sized to the vehicles in them: each zone gets blocks of a
//! typical size for its use, each block filled to between about 60% and 93% as
//! real yards run. Vehicles take slots block by block, consignment by
//! consignment, as yard planners keep a shipment together.

use crate::model::Zone;

use super::plan::{Block, Place, Plan};
use super::rng::{self, DemoRng};

/// The zones in the order their blocks are listed.
pub(super) const ZONES: [Zone; 5] = [
    Zone::Nev,
    Zone::Ice,
    Zone::Staging,
    Zone::Inspection,
    Zone::Quarantine,
];

fn zone_index(z: Zone) -> usize {
    ZONES.iter().position(|x| *x == z).unwrap_or(0)
}

struct Shape {
    prefix: char,
    /// Vehicles a block of this zone typically holds.
    typical: usize,
    rows: (i64, i64),
}

fn shape(z: Zone) -> Shape {
    match z {
        Zone::Nev => Shape {
            prefix: 'N',
            typical: 220,
            rows: (8, 12),
        },
        Zone::Ice => Shape {
            prefix: 'I',
            typical: 220,
            rows: (8, 12),
        },
        Zone::Staging => Shape {
            prefix: 'S',
            typical: 200,
            rows: (6, 10),
        },
        Zone::Inspection => Shape {
            prefix: 'X',
            typical: 120,
            rows: (4, 6),
        },
        Zone::Quarantine => Shape {
            prefix: 'Q',
            typical: 60,
            rows: (3, 5),
        },
    }
}

/// Lays out blocks for `counts[zone]` vehicles per zone and gives every yard
/// vehicle with a zone its slot.
pub(super) fn lay_out(plan: &mut Plan, rng: &mut DemoRng) {
    let mut counts = [0usize; 5];
    for v in &plan.yard {
        if let Some(z) = v.zone {
            counts[zone_index(z)] += 1;
        }
    }
    let mut pools: Vec<Vec<Place>> = vec![Vec::new(); 5];
    for (zi, zone) in ZONES.iter().enumerate() {
        let s = shape(*zone);
        let n = counts[zi];
        let blocks = ((n as f64 / s.typical as f64).round() as usize).max(1);
        let weights: Vec<f64> = (0..blocks).map(|_| rng::uniform(rng, 0.75, 1.25)).collect();
        for (bi, k) in split(n, &weights).into_iter().enumerate() {
            let rows = rng::int(rng, s.rows.0, s.rows.1).min(k.max(1) as i64) as usize;
            let occupancy = rng::uniform(rng, 0.62, 0.93);
            let capacity = ((k as f64 / occupancy).ceil() as usize).max(1);
            let slots = capacity.div_ceil(rows).max(1);
            let index = plan.blocks.len() as u32;
            plan.blocks.push(Block {
                code: format!("{}{:02}", s.prefix, bi + 1),
                zone: *zone,
                rows: rows as u16,
                slots: slots as u16,
            });
            for p in rng::sample_sorted(rng, rows * slots, k) {
                pools[zi].push(Place {
                    block: index,
                    row: (p / slots + 1) as u16,
                    slot: (p % slots + 1) as u16,
                });
            }
        }
    }
    // Vehicles of one consignment next to each other; the rest in arrival order.
    let mut order: Vec<usize> = (0..plan.yard.len())
        .filter(|i| plan.yard[*i].zone.is_some())
        .collect();
    order.sort_by_key(|i| (plan.yard[*i].cons.unwrap_or(u32::MAX), plan.yard[*i].gate_in, *i));
    let mut next = [0usize; 5];
    for i in order {
        let Some(z) = plan.yard[i].zone else { continue };
        let zi = zone_index(z);
        plan.yard[i].place = pools[zi].get(next[zi]).copied();
        next[zi] += 1;
    }
}

/// `n` split in proportion to `weights`, by largest remainder.
pub(super) fn split(n: usize, weights: &[f64]) -> Vec<usize> {
    let total: f64 = weights.iter().sum();
    if weights.is_empty() || total <= 0.0 {
        return vec![n];
    }
    let exact: Vec<f64> = weights.iter().map(|w| n as f64 * w / total).collect();
    let mut out: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut left = n - out.iter().sum::<usize>().min(n);
    let mut by_rest: Vec<usize> = (0..weights.len()).collect();
    by_rest.sort_by(|a, b| {
        let ra = exact[*a] - exact[*a].floor();
        let rb = exact[*b] - exact[*b].floor();
        rb.total_cmp(&ra).then(a.cmp(b))
    });
    for i in by_rest {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out
}

/// The blocks by zone, to place history vehicles that have long left.
pub(super) struct Yard {
    by_zone: [Vec<u32>; 5],
    dims: Vec<(u16, u16)>,
}

impl Yard {
    pub(super) fn new(plan: &Plan) -> Yard {
        let mut by_zone: [Vec<u32>; 5] = Default::default();
        for (i, b) in plan.blocks.iter().enumerate() {
            by_zone[zone_index(b.zone)].push(i as u32);
        }
        Yard {
            by_zone,
            dims: plan.blocks.iter().map(|b| (b.rows, b.slots)).collect(),
        }
    }

    pub(super) fn random_place(&self, rng: &mut DemoRng, zone: Zone) -> Place {
        let list = &self.by_zone[zone_index(zone)];
        let block = if list.is_empty() {
            0
        } else {
            list[rng::int(rng, 0, list.len() as i64 - 1) as usize]
        };
        let (rows, slots) = self.dims.get(block as usize).copied().unwrap_or((1, 1));
        Place {
            block,
            row: rng::int(rng, 1, i64::from(rows.max(1))) as u16,
            slot: rng::int(rng, 1, i64::from(slots.max(1))) as u16,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_sums_to_n() {
        assert_eq!(split(10, &[1.0, 1.0, 1.0]).iter().sum::<usize>(), 10);
        assert_eq!(split(0, &[1.0, 2.0]), vec![0, 0]);
        assert_eq!(split(7, &[]), vec![7]);
    }
}
