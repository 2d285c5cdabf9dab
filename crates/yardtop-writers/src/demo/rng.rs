//! The demo's random numbers. Every stream is a ChaCha8 generator keyed by the seed
//! and a stream number, so that one part of the yard (a consignment, the vessel
//! fleet) comes out the same whatever the others do: the database is a pure
//! function of `--seed` and `--now`.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub(super) type DemoRng = ChaCha8Rng;

/// Stream numbers. Each consignment gets its own stream above `CONSIGNMENT`.
pub(super) const FLEET: u64 = 1;
pub(super) const HISTORY_PLAN: u64 = 2;
pub(super) const YARD_PLAN: u64 = 3;
pub(super) const BLOCKS: u64 = 4;
pub(super) const YARD_EVENTS: u64 = 5;
pub(super) const VOYAGES: u64 = 6;
pub(super) const VINS: u64 = 7;
pub(super) const CONSIGNMENT: u64 = 1 << 32;

pub(super) fn stream(seed: u64, stream: u64) -> DemoRng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// Uniform in `[lo, hi)`; `lo` when the range is empty.
pub(super) fn uniform(rng: &mut DemoRng, lo: f64, hi: f64) -> f64 {
    if hi > lo {
        lo + (hi - lo) * rng.random::<f64>()
    } else {
        lo
    }
}

/// Uniform integer in `[lo, hi]`; `lo` when the range is empty.
pub(super) fn int(rng: &mut DemoRng, lo: i64, hi: i64) -> i64 {
    if hi > lo {
        rng.random_range(lo..=hi)
    } else {
        lo
    }
}

pub(super) fn chance(rng: &mut DemoRng, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// The index of an entry picked with probability proportional to its weight.
pub(super) fn weighted(rng: &mut DemoRng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().filter(|w| **w > 0.0).sum();
    if total <= 0.0 {
        return 0;
    }
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if *w <= 0.0 {
            continue;
        }
        if x < *w {
            return i;
        }
        x -= w;
    }
    // Rounding can leave a sliver past the last weight: it belongs to the last one.
    weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
}

pub(super) fn shuffle<T>(rng: &mut DemoRng, items: &mut [T]) {
    items.shuffle(rng);
}

/// `k` distinct values of `0..n`, ascending (a block's occupied slots).
pub(super) fn sample_sorted(rng: &mut DemoRng, n: usize, k: usize) -> Vec<usize> {
    let mut all: Vec<usize> = (0..n).collect();
    let k = k.min(n);
    let (picked, _) = all.partial_shuffle(rng, k);
    let mut picked = picked.to_vec();
    picked.sort_unstable();
    picked
}

/// A duration in seconds, skewed towards `lo`: most trucks arrive shortly before
/// they are needed, a few very early.
pub(super) fn skewed(rng: &mut DemoRng, lo: f64, hi: f64, power: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>().powf(power)
}
