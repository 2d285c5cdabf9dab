//! What the simulated yard handles: Chinese makers with their real WMI prefixes and
//! a realistic powertrain mix, car carriers, discharge ports and truck plates. VINs
//! carry a valid ISO 3779 check digit so that `check` and `import` accept them.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::validate::{imo_with_check_digit, vin_check_digit};

// The makers, their models, the ports of discharge and the carriers are the yard's
// one vocabulary (`crate::names`), shared with the demo: a consignment's brand is
// always a maker simulate knows.
pub(super) use crate::names::{Make as Maker, Model};

/// Ports of discharge (UN/LOCODEs) that Chinese car exports sail to.
pub(super) fn destinations() -> impl Iterator<Item = &'static str> {
    crate::names::DESTINATIONS.iter().map(|d| d.locode)
}

/// Pure car and truck carriers.
pub(super) use crate::names::VESSELS as VESSEL_NAMES;

const PROVINCES: &[&str] = &["闽", "沪", "粤", "浙", "苏", "鲁"];

/// Letters a VIN may use (ISO 3779 leaves out I, O and Q).
const VIN_LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";

pub(super) fn weighted<'a, T>(
    rng: &mut ChaCha8Rng,
    items: &'a [T],
    weight: impl Fn(&T) -> u32,
) -> Option<&'a T> {
    let total: u32 = items.iter().map(&weight).sum();
    if total == 0 {
        return None;
    }
    let mut pick = rng.random_range(0..total);
    for item in items {
        let w = weight(item);
        if pick < w {
            return Some(item);
        }
        pick -= w;
    }
    items.last()
}

/// Today's weights of the makers (the end of the demo's history) in whole parts.
fn today_weight(m: &Maker) -> u32 {
    (m.weight_at(1.0) * 1000.0).round().max(0.0) as u32
}

pub(super) fn random_maker(rng: &mut ChaCha8Rng) -> &'static Maker {
    let makes = crate::names::MAKES;
    weighted(rng, makes, today_weight).unwrap_or(&makes[0])
}

/// The maker of a consignment's brand, or a random one for a brand we do not know.
pub(super) fn maker_for_brand(rng: &mut ChaCha8Rng, brand: &str) -> &'static Maker {
    let b = brand.trim();
    crate::names::MAKES
        .iter()
        .find(|m| m.name.eq_ignore_ascii_case(b) || m.code.eq_ignore_ascii_case(b))
        .unwrap_or_else(|| random_maker(rng))
}

/// A model of this maker: an NEV as often as its exports are NEVs today, then by
/// the models' weights.
pub(super) fn random_model(rng: &mut ChaCha8Rng, maker: &'static Maker) -> &'static Model {
    let nev = rng.random_bool(maker.nev_share_at(1.0).clamp(0.0, 1.0));
    let models = maker.models(nev);
    let parts = |m: &Model| (m.weight * 100.0).round().max(1.0) as u32;
    weighted(rng, models, parts).unwrap_or(&models[0])
}

/// A new VIN of this maker and model: WMI, a descriptor section of the model's
/// own (the same five characters for every vehicle of it), check digit, model year
/// (2024–2026), plant and a six-digit serial.
pub(super) fn vin(rng: &mut ChaCha8Rng, maker: &Maker, model: &Model) -> String {
    let year = [b'R', b'S', b'T'][rng.random_range(0..3)] as char;
    let plant = VIN_LETTERS[rng.random_range(0..VIN_LETTERS.len())] as char;
    let serial: u32 = rng.random_range(0..1_000_000);
    let draft = format!("{}{}0{year}{plant}{serial:06}", maker.wmi, descriptor(model));
    match vin_check_digit(&draft) {
        Some(d) => format!("{}{d}{}", &draft[..8], &draft[9..]),
        // Only reachable with a bad table entry above; the draft is then still 17
        // characters and `check` will name it.
        None => draft,
    }
}

/// Positions 4–8 of a model's VINs, derived from its name (letters a VIN may use).
fn descriptor(model: &Model) -> String {
    let mut h: u64 = 1469598103934665603;
    for b in model.name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(1099511628211);
    }
    (0..5)
        .map(|i| VIN_LETTERS[((h >> (i * 8)) % VIN_LETTERS.len() as u64) as usize] as char)
        .collect()
}

/// A seven-digit IMO number with a valid check digit.
pub(super) fn imo(rng: &mut ChaCha8Rng) -> i64 {
    imo_with_check_digit(rng.random_range(900_000..=989_999))
}

pub(super) fn voyage(rng: &mut ChaCha8Rng) -> String {
    let dir = ["W", "E", "N", "S"][rng.random_range(0..4)];
    format!("{:03}{dir}", rng.random_range(1..=999))
}

/// A Chinese truck plate, e.g. `闽D·5K821`.
pub(super) fn truck_plate(rng: &mut ChaCha8Rng) -> String {
    let province = PROVINCES[rng.random_range(0..PROVINCES.len())];
    let city = (b'A' + rng.random_range(0..8u8)) as char;
    let letter = VIN_LETTERS[rng.random_range(0..VIN_LETTERS.len())] as char;
    format!(
        "{province}{city}·{}{letter}{:03}",
        rng.random_range(1..=9),
        rng.random_range(0..1000)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{vin as check_vin, VinVerdict};
    use rand::SeedableRng;

    #[test]
    fn generated_vins_and_imos_are_valid() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for maker in crate::names::MAKES {
            assert!(maker.wmi.starts_with('L'), "{}", maker.name);
            for model in maker.nev.iter().chain(maker.other) {
                for _ in 0..20 {
                    let v = vin(&mut rng, maker, model);
                    assert_eq!(check_vin(&v), VinVerdict::Valid, "{v}");
                }
            }
        }
        for _ in 0..50 {
            assert!(crate::validate::imo(imo(&mut rng)).is_ok());
        }
    }

    #[test]
    fn destinations_are_locodes() {
        for d in destinations() {
            assert!(crate::validate::locode(d).is_ok(), "{d}");
        }
    }
}
