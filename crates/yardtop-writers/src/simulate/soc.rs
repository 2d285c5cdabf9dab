//! State-of-charge readings as a yard sees them: most NEVs arrive within the
//! shipping band (docs/database.md: 20–50% by default), some over it (they must be held or
//! discharged before loading), a few under it (they need a charge). Limits come
//! from the database's settings, never from constants.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

#[derive(Debug, Clone, Copy)]
pub(super) struct SocRules {
    pub max: f64,
    pub min: f64,
    pub max_age: Duration,
}

fn uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    if hi > lo {
        rng.random_range(lo..hi)
    } else {
        lo
    }
}

fn finish(v: f64) -> f64 {
    v.round().clamp(0.0, 100.0)
}

/// The next reading of a vehicle whose last reading was `prev`.
pub(super) fn reading(rng: &mut ChaCha8Rng, prev: Option<f64>, r: &SocRules) -> f64 {
    let v = match prev {
        None => {
            let p: f64 = rng.random();
            if p < 0.86 {
                uniform(rng, r.min + 3.0, r.max - 2.0)
            } else if p < 0.93 {
                uniform(rng, r.max + 1.0, (r.max + 25.0).min(100.0))
            } else {
                uniform(rng, (r.min - 12.0).max(1.0), r.min - 1.0)
            }
        }
        // Under the band: most get a charge before the next reading.
        Some(p) if p < r.min && rng.random_bool(0.5) => uniform(rng, r.min + 10.0, r.max - 5.0),
        // A parked battery loses a little, and readings wobble.
        Some(p) => p + uniform(rng, -1.5, 0.5),
    };
    finish(v)
}

/// A reading after a discharge or a charge brought the battery into the band.
pub(super) fn in_band(rng: &mut ChaCha8Rng, r: &SocRules) -> f64 {
    finish(uniform(rng, r.min + 5.0, r.max - 3.0))
}

pub(super) fn over(v: f64, r: &SocRules) -> bool {
    v > r.max
}

pub(super) fn under(v: f64, r: &SocRules) -> bool {
    v < r.min
}

/// A reading that is missing or too old is not trusted (docs/database.md).
pub(super) fn trusted(soc: Option<f64>, at: Option<DateTime<Utc>>, now: DateTime<Utc>, r: &SocRules) -> bool {
    match (soc, at) {
        (Some(_), Some(t)) => now - t <= r.max_age,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rules() -> SocRules {
        SocRules {
            max: 50.0,
            min: 20.0,
            max_age: Duration::hours(72),
        }
    }

    #[test]
    fn most_first_readings_are_in_band() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let r = rules();
        let n = 2000;
        let readings: Vec<f64> = (0..n).map(|_| reading(&mut rng, None, &r)).collect();
        let band = readings
            .iter()
            .filter(|v| !over(**v, &r) && !under(**v, &r))
            .count();
        assert!(band > n * 3 / 4 && band < n * 95 / 100, "{band}");
        assert!(readings.iter().all(|v| (0.0..=100.0).contains(v)));
        for _ in 0..100 {
            let v = in_band(&mut rng, &r);
            assert!(!over(v, &r) && !under(v, &r));
        }
    }

    #[test]
    fn odd_limits_do_not_panic() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let r = SocRules {
            max: 10.0,
            min: 90.0,
            max_age: Duration::hours(1),
        };
        for prev in [None, Some(5.0), Some(50.0)] {
            let v = reading(&mut rng, prev, &r);
            assert!((0.0..=100.0).contains(&v));
        }
        let _ = in_band(&mut rng, &r);
    }
}
