//! VINs as Chinese makers stamp them (ISO 3779): the maker's WMI, a model code, the
//! check digit, the model year, the plant and a serial number. Each maker counts
//! its own serials, so VINs are unique by construction, never by retrying.

use crate::error::{Result, UserError};
use crate::validate::vin_check_digit;

use super::rng::{self, DemoRng};
use crate::names::MAKES;

/// Characters a VIN may hold (no I, O or Q).
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
/// Model-year codes from 1980 on, repeating every 30 years.
const YEARS: &[u8] = b"ABCDEFGHJKLMNPRSTVWXY123456789";
/// Plant codes; a maker moves to the next plant after 1,000,000 serials.
const PLANTS: &[u8] = b"ABCDEFGHJKLMNPRSTVWXYZ123456789";
const SERIALS: u64 = 1_000_000;

pub(super) struct VinFactory {
    counters: Vec<u64>,
    plants: Vec<usize>,
}

impl VinFactory {
    pub(super) fn new(rng: &mut DemoRng) -> VinFactory {
        let counters = MAKES
            .iter()
            .map(|_| rng::int(rng, 100_000, 400_000) as u64)
            .collect();
        let plants = MAKES
            .iter()
            .map(|_| rng::int(rng, 0, PLANTS.len() as i64 - 1) as usize)
            .collect();
        VinFactory { counters, plants }
    }

    /// The next VIN of a maker's model built in `year`.
    pub(super) fn next(&mut self, make: usize, model: usize, year: i32, variant: u8) -> Result<[u8; 17]> {
        let spec = MAKES
            .get(make)
            .ok_or_else(|| UserError::problem("demo: unknown maker index"))?;
        let n = self.counters[make];
        self.counters[make] += 1;
        let mut v = [b'0'; 17];
        v[..3].copy_from_slice(spec.wmi.as_bytes());
        let code = model_code(make, model);
        v[3..7].copy_from_slice(&code);
        v[7] = ALPHABET[variant as usize % ALPHABET.len()];
        v[9] = YEARS[(year - 1980).rem_euclid(YEARS.len() as i32) as usize];
        let plant = (self.plants[make] + (n / SERIALS) as usize) % PLANTS.len();
        v[10] = PLANTS[plant];
        let mut serial = n % SERIALS;
        for i in (11..17).rev() {
            v[i] = b'0' + (serial % 10) as u8;
            serial /= 10;
        }
        let text =
            std::str::from_utf8(&v).map_err(|_| UserError::problem("demo: a generated VIN is not ASCII"))?;
        let check = vin_check_digit(text)
            .ok_or_else(|| UserError::problem("demo: a generated VIN has a forbidden character"))?;
        v[8] = check as u8;
        Ok(v)
    }
}

/// A fixed four-character line code per model, as makers keep one per platform.
fn model_code(make: usize, model: usize) -> [u8; 4] {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15 ^ ((make as u64) << 32 | model as u64);
    let mut out = [0u8; 4];
    for c in out.iter_mut() {
        h ^= h >> 31;
        h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^= h >> 29;
        *c = ALPHABET[(h % ALPHABET.len() as u64) as usize];
    }
    out
}

pub(super) fn as_str(vin: &[u8; 17]) -> &str {
    std::str::from_utf8(vin).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{vin, VinVerdict};

    #[test]
    fn vins_are_valid_and_unique() {
        let mut rng = rng::stream(1, 1);
        let mut f = VinFactory::new(&mut rng);
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..5000 {
            let v = f.next(i % MAKES.len(), i % 3, 2026, (i % 7) as u8).unwrap();
            let s = as_str(&v).to_string();
            assert_eq!(vin(&s), VinVerdict::Valid, "{s}");
            assert!(seen.insert(s));
        }
    }
}
