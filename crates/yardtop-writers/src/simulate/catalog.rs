//! What the simulated yard handles: Chinese makers with their real WMI prefixes and
//! a realistic powertrain mix, car carriers, discharge ports and truck plates. VINs
//! carry a valid ISO 3779 check digit so that `check` and `import` accept them.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::model::Powertrain;
use crate::validate::{imo_with_check_digit, vin_check_digit};

pub(super) struct Model {
    pub name: &'static str,
    pub powertrain: Powertrain,
    /// Positions 4–8 of the VIN (no I, O or Q).
    pub vds: &'static str,
    pub weight: u32,
}

pub(super) struct Maker {
    pub make: &'static str,
    /// World manufacturer identifier; every Chinese one starts with L.
    pub wmi: &'static str,
    /// Short code used in consignment refs.
    pub code: &'static str,
    pub weight: u32,
    pub models: &'static [Model],
}

const fn m(name: &'static str, powertrain: Powertrain, vds: &'static str, weight: u32) -> Model {
    Model {
        name,
        powertrain,
        vds,
        weight,
    }
}

use Powertrain::{Bev, Fcev, Hev, Ice, Phev};

pub(super) const MAKERS: &[Maker] = &[
    Maker {
        make: "BYD",
        wmi: "LGX",
        code: "BYD",
        weight: 25,
        models: &[
            m("Atto 3", Bev, "CE4CB", 30),
            m("Seal", Bev, "CE4DB", 20),
            m("Dolphin", Bev, "CE2AB", 20),
            m("海豹 06 DM-i", Phev, "CH4GB", 10),
            m("Seal U DM-i", Phev, "CH4FB", 20),
        ],
    },
    Maker {
        make: "MG",
        wmi: "LSJ",
        code: "MG",
        weight: 25,
        models: &[
            m("MG4 Electric", Bev, "A24U6", 35),
            m("ZS EV", Bev, "A14E2", 15),
            m("ZS", Ice, "A14C1", 20),
            m("HS Plug-in", Phev, "A34H3", 10),
            m("MG3 Hybrid+", Hev, "A12H1", 15),
            m("MG5", Ice, "A22C4", 5),
        ],
    },
    Maker {
        make: "Chery",
        wmi: "LVV",
        code: "CHY",
        weight: 15,
        models: &[
            m("Tiggo 7 Pro", Ice, "DB11B", 35),
            m("Tiggo 8 Pro", Ice, "DB21B", 20),
            m("Omoda 5", Ice, "DC11B", 20),
            m("Omoda E5", Bev, "DE11B", 15),
            m("Tiggo 7 C-DM", Phev, "DH11B", 10),
        ],
    },
    Maker {
        make: "Geely",
        wmi: "L6T",
        code: "GLY",
        weight: 10,
        models: &[
            m("Coolray", Ice, "7824S", 40),
            m("Emgrand", Ice, "7522S", 20),
            m("Geometry C", Bev, "78E4S", 25),
            m("银河 L7", Phev, "78H6S", 15),
        ],
    },
    Maker {
        make: "GWM",
        wmi: "LGW",
        code: "GWM",
        weight: 10,
        models: &[
            m("Haval H6 HEV", Hev, "EF7H2", 30),
            m("Haval Jolion", Ice, "EF5C1", 30),
            m("Ora 03", Bev, "ED1E3", 30),
            m("Tank 300", Ice, "EF9C4", 10),
        ],
    },
    Maker {
        make: "Tesla",
        wmi: "LRW",
        code: "TSL",
        weight: 8,
        models: &[m("Model Y", Bev, "YGDEE", 60), m("Model 3", Bev, "3GDEE", 40)],
    },
    Maker {
        make: "Changan",
        wmi: "LS5",
        code: "CHA",
        weight: 5,
        models: &[
            m("CS55 Plus", Ice, "A3AJ2", 50),
            m("Deepal S07", Bev, "A3EJ4", 35),
            m("UNI-K iDD", Phev, "A3HJ3", 15),
        ],
    },
    Maker {
        make: "SAIC Maxus",
        wmi: "LSK",
        code: "MAX",
        weight: 2,
        models: &[m("MIFA 9", Bev, "G4AE1", 70), m("EUNIQ 7", Fcev, "G4AF1", 30)],
    },
];

/// Ports of discharge (UN/LOCODEs) that Chinese car exports sail to.
pub(super) const DESTINATIONS: &[&str] = &[
    "GBBRS", "GBSOU", "BEZEE", "DEBRV", "NLRTM", "ESBCN", "ITLIV", "ILHFA", "AEJEA", "THLCH", "AUMEL",
    "MXZLO", "BRSSZ", "TRDRC",
];

/// Pure car and truck carriers.
pub(super) const VESSEL_NAMES: &[&str] = &[
    "BYD EXPLORER NO.1",
    "SAIC ANJI HARMONY",
    "GLOVIS SUNRISE",
    "HOEGH AURORA",
    "MORNING CARA",
    "GRAND PIONEER",
    "OCEAN VICTORY",
    "COSCO SHENGSHI",
    "ANJI ZHONGYI",
    "TONSBERG",
    "AUTO ASIA",
    "GREAT TEMA",
];

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

pub(super) fn random_maker(rng: &mut ChaCha8Rng) -> &'static Maker {
    weighted(rng, MAKERS, |m| m.weight).unwrap_or(&MAKERS[0])
}

/// The maker of a consignment's brand, or a random one for a brand we do not know.
pub(super) fn maker_for_brand(rng: &mut ChaCha8Rng, brand: &str) -> &'static Maker {
    let b = brand.trim();
    MAKERS
        .iter()
        .find(|m| m.make.eq_ignore_ascii_case(b) || m.code.eq_ignore_ascii_case(b))
        .unwrap_or_else(|| random_maker(rng))
}

pub(super) fn random_model(rng: &mut ChaCha8Rng, maker: &'static Maker) -> &'static Model {
    weighted(rng, maker.models, |m| m.weight).unwrap_or(&maker.models[0])
}

/// A new VIN of this maker and model: WMI, VDS, check digit, model year (2024–2026),
/// plant and a six-digit serial.
pub(super) fn vin(rng: &mut ChaCha8Rng, maker: &Maker, model: &Model) -> String {
    let year = [b'R', b'S', b'T'][rng.random_range(0..3)] as char;
    let plant = VIN_LETTERS[rng.random_range(0..VIN_LETTERS.len())] as char;
    let serial: u32 = rng.random_range(0..1_000_000);
    let draft = format!("{}{}0{year}{plant}{serial:06}", maker.wmi, model.vds);
    match vin_check_digit(&draft) {
        Some(d) => format!("{}{d}{}", &draft[..8], &draft[9..]),
        // Only reachable with a bad table entry above; the draft is then still 17
        // characters and `check` will name it.
        None => draft,
    }
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
        for maker in MAKERS {
            assert!(maker.wmi.starts_with('L'), "{}", maker.make);
            for model in maker.models {
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
        for d in DESTINATIONS {
            assert!(crate::validate::locode(d).is_ok(), "{d}");
        }
    }
}
