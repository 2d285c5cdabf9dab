//! The demo's vocabulary: Chinese makers and their export models, car carriers,
//! ports of discharge and the words tally clerks write in the event log. Names of
//! vessels are invented; makers, models and UN/LOCODEs are real-looking so that a
//! supervisor recognises the screen.

use crate::model::{HoldReason, Powertrain};

pub(crate) struct Model {
    pub name: &'static str,
    pub powertrain: Powertrain,
    pub weight: f64,
}

const fn m(name: &'static str, powertrain: Powertrain, weight: f64) -> Model {
    Model {
        name,
        powertrain,
        weight,
    }
}

pub(crate) struct Make {
    pub name: &'static str,
    /// Its short code in consignment references.
    pub code: &'static str,
    /// World manufacturer identifier: China's VINs start with L.
    pub wmi: &'static str,
    pub nev: &'static [Model],
    pub other: &'static [Model],
    /// Share of NEVs in its exports at the start and at the end of the history.
    pub nev_share: (f64, f64),
    /// Its weight in the port's exports at the start and at the end of the history.
    pub weight: (f64, f64),
    /// Indexes into `DESTINATIONS` it ships to most.
    pub markets: &'static [usize],
}

use Powertrain::{Bev, Fcev, Hev, Ice, Phev};

pub(crate) const MG: usize = 1;

pub(crate) const MAKES: &[Make] = &[
    Make {
        name: "BYD",
        code: "BYD",
        wmi: "LGX",
        nev: &[
            m("Atto 3", Bev, 5.0),
            m("Dolphin", Bev, 4.0),
            m("Seal", Bev, 3.0),
            m("Seal U DM-i", Phev, 3.0),
            m("Han EV", Bev, 1.0),
            m("Tang DM-i", Phev, 1.0),
            m("Song Plus DM-i", Phev, 2.0),
            m("Seagull", Bev, 2.0),
            m("Sealion 7", Bev, 1.5),
        ],
        other: &[],
        nev_share: (1.0, 1.0),
        weight: (0.08, 0.26),
        markets: &[1, 2, 3, 4, 6, 7, 9, 12, 15],
    },
    Make {
        name: "MG",
        code: "MG",
        wmi: "LSJ",
        nev: &[
            m("MG4 EV", Bev, 5.0),
            m("ZS EV", Bev, 3.0),
            m("MG5 EV", Bev, 1.5),
            m("HS PHEV", Phev, 2.0),
            m("Cyberster", Bev, 0.3),
        ],
        other: &[
            m("ZS", Ice, 4.0),
            m("HS", Ice, 3.0),
            m("MG5", Ice, 2.0),
            m("MG3 Hybrid+", Hev, 2.0),
            m("RX5", Ice, 1.0),
        ],
        nev_share: (0.2, 0.65),
        weight: (0.16, 0.14),
        markets: &[0, 5, 6, 7, 8, 10, 16, 17],
    },
    Make {
        name: "Chery",
        code: "CHY",
        wmi: "LVV",
        nev: &[
            m("Omoda E5", Bev, 3.0),
            m("Tiggo 7 PHEV", Phev, 2.0),
            m("Tiggo 8 PHEV", Phev, 1.0),
        ],
        other: &[
            m("Tiggo 4 Pro", Ice, 4.0),
            m("Tiggo 7 Pro", Ice, 4.0),
            m("Tiggo 8 Pro", Ice, 3.0),
            m("Omoda 5", Ice, 3.0),
            m("Arrizo 5", Ice, 2.0),
        ],
        nev_share: (0.03, 0.25),
        weight: (0.16, 0.14),
        markets: &[4, 8, 9, 10, 11, 13, 14, 18],
    },
    Make {
        name: "Geely",
        code: "GLY",
        wmi: "L6T",
        nev: &[
            m("Geometry C", Bev, 2.0),
            m("EX5", Bev, 3.0),
            m("Galaxy E5", Bev, 2.0),
            m("Starray EM-i", Phev, 1.5),
        ],
        other: &[
            m("Coolray", Ice, 4.0),
            m("Emgrand", Ice, 3.0),
            m("Monjaro", Ice, 2.0),
            m("Okavango", Hev, 1.5),
            m("Azkarra", Hev, 1.0),
        ],
        nev_share: (0.05, 0.45),
        weight: (0.10, 0.09),
        markets: &[4, 9, 10, 13, 14, 18, 19],
    },
    Make {
        name: "Great Wall",
        code: "GWM",
        wmi: "LGW",
        nev: &[
            m("ORA 03", Bev, 3.0),
            m("Haval H6 PHEV", Phev, 2.0),
            m("Tank 500 PHEV", Phev, 0.7),
        ],
        other: &[
            m("Haval H6", Ice, 4.0),
            m("Haval H6 HEV", Hev, 2.0),
            m("Haval Jolion", Ice, 3.0),
            m("Haval Jolion HEV", Hev, 1.5),
            m("Tank 300", Ice, 1.5),
            m("Cannon", Ice, 1.0),
        ],
        nev_share: (0.05, 0.35),
        weight: (0.09, 0.07),
        markets: &[6, 7, 9, 11, 13, 16, 19],
    },
    Make {
        name: "NIO",
        code: "NIO",
        wmi: "LJ1",
        nev: &[
            m("ET5", Bev, 3.0),
            m("ET7", Bev, 1.0),
            m("ES6", Bev, 2.0),
            m("EL6", Bev, 1.5),
        ],
        other: &[],
        nev_share: (1.0, 1.0),
        weight: (0.005, 0.02),
        markets: &[1, 2, 3, 20],
    },
    Make {
        name: "XPeng",
        code: "XPG",
        wmi: "L1N",
        nev: &[m("G6", Bev, 3.0), m("G9", Bev, 1.5), m("P7", Bev, 2.0)],
        other: &[],
        nev_share: (1.0, 1.0),
        weight: (0.005, 0.025),
        markets: &[1, 2, 3, 20, 9],
    },
    Make {
        name: "Changan",
        code: "CHA",
        wmi: "LS5",
        nev: &[
            m("Deepal S07", Bev, 2.0),
            m("Deepal L07", Bev, 1.0),
            m("UNI-K iDD", Phev, 1.5),
        ],
        other: &[
            m("CS55 Plus", Ice, 4.0),
            m("CS75 Plus", Ice, 3.0),
            m("UNI-T", Ice, 2.0),
            m("Alsvin", Ice, 2.0),
            m("Hunter", Ice, 1.0),
        ],
        nev_share: (0.02, 0.35),
        weight: (0.09, 0.07),
        markets: &[8, 10, 11, 13, 14, 18],
    },
    Make {
        name: "GAC",
        code: "GAC",
        wmi: "LMG",
        nev: &[
            m("Aion Y Plus", Bev, 3.0),
            m("Aion V", Bev, 2.0),
            m("Aion S", Bev, 2.0),
            m("Hyptec HT", Bev, 1.0),
            m("Aion LX Fuel Cell", Fcev, 0.4),
        ],
        other: &[
            m("GS3 Emzoom", Ice, 3.0),
            m("GS4", Ice, 2.0),
            m("GS8 HEV", Hev, 1.5),
            m("Emkoo HEV", Hev, 1.0),
        ],
        nev_share: (0.15, 0.60),
        weight: (0.06, 0.05),
        markets: &[9, 11, 13, 14, 18, 19],
    },
    Make {
        name: "Li Auto",
        code: "LIA",
        wmi: "LW4",
        nev: &[m("L6", Phev, 2.0), m("L7", Phev, 2.0), m("L9", Phev, 1.0)],
        other: &[],
        nev_share: (1.0, 1.0),
        weight: (0.002, 0.015),
        markets: &[11, 13, 20],
    },
    Make {
        name: "Maxus",
        code: "MAX",
        wmi: "LSK",
        nev: &[
            m("MIFA 9", Bev, 3.0),
            m("eDeliver 9", Bev, 2.0),
            m("T90 EV", Bev, 1.5),
            m("EUNIQ 7", Fcev, 0.8),
        ],
        other: &[
            m("D90 Pro", Ice, 2.0),
            m("Deliver 9", Ice, 3.0),
            m("T60", Ice, 3.0),
        ],
        nev_share: (0.15, 0.60),
        weight: (0.05, 0.04),
        markets: &[0, 5, 6, 7, 16, 17],
    },
    Make {
        name: "Leapmotor",
        code: "LEA",
        wmi: "LFZ",
        nev: &[
            m("C10", Bev, 3.0),
            m("T03", Bev, 2.0),
            m("C11", Bev, 1.0),
            m("C16 REEV", Phev, 1.0),
        ],
        other: &[],
        nev_share: (1.0, 1.0),
        weight: (0.002, 0.03),
        markets: &[1, 2, 3, 12, 15],
    },
];

impl Make {
    /// Its weight and NEV share at `f` (0: the start of the history, 1: now).
    pub(crate) fn weight_at(&self, f: f64) -> f64 {
        lerp(self.weight, f)
    }

    pub(crate) fn nev_share_at(&self, f: f64) -> f64 {
        lerp(self.nev_share, f)
    }

    pub(crate) fn models(&self, nev: bool) -> &'static [Model] {
        if nev || self.other.is_empty() {
            self.nev
        } else {
            self.other
        }
    }
}

fn lerp((a, b): (f64, f64), f: f64) -> f64 {
    a + (b - a) * f.clamp(0.0, 1.0)
}

pub(crate) struct Destination {
    pub locode: &'static str,
    /// The direction letter of a voyage number heading there.
    pub bound: char,
}

const fn d(locode: &'static str, bound: char) -> Destination {
    Destination { locode, bound }
}

pub(crate) const BRISTOL: usize = 0;

pub(crate) const DESTINATIONS: &[Destination] = &[
    d("GBBRS", 'W'), // 0 Bristol (Portbury)
    d("BEZEE", 'W'), // 1 Zeebrugge
    d("DEBRV", 'W'), // 2 Bremerhaven
    d("NLRTM", 'W'), // 3 Rotterdam
    d("ILHFA", 'W'), // 4 Haifa
    d("GBSOU", 'W'), // 5 Southampton
    d("AUMEL", 'S'), // 6 Melbourne
    d("THLCH", 'S'), // 7 Laem Chabang
    d("MXVER", 'E'), // 8 Veracruz
    d("AEJEA", 'W'), // 9 Jebel Ali
    d("BRSSZ", 'E'), // 10 Santos
    d("SAJED", 'W'), // 11 Jeddah
    d("ESVGO", 'W'), // 12 Vigo
    d("CLSAI", 'E'), // 13 San Antonio
    d("PECLL", 'E'), // 14 Callao
    d("ESBCN", 'W'), // 15 Barcelona
    d("NZAKL", 'S'), // 16 Auckland
    d("MYPKG", 'S'), // 17 Port Klang
    d("MXZLO", 'E'), // 18 Manzanillo
    d("EGALY", 'W'), // 19 Alexandria
    d("NOOSL", 'W'), // 20 Oslo
];

/// Car carriers calling at the terminal: invented names in the style of the trade.
pub(crate) const VESSELS: &[&str] = &[
    "Ocean Ruby Leader",
    "Morning Crown",
    "Jade Horizon",
    "Silver Phoenix Ace",
    "Eastern Lotus Highway",
    "Golden Dragon Spirit",
    "Azure Breeze",
    "Coral Venus Leader",
    "Orient Harmony",
    "Pearl Aurora",
    "Celestial Grace",
    "Amber Sky Express",
    "Lingang Pioneer No.2",
    "Xinghai Explorer No.1",
    "Xinghai Explorer No.3",
    "Anji Harmony",
    "Pacific Crown Ace",
    "Crystal Dawn",
    "Morning Lily",
    "Ocean Sapphire",
    "Great Bay Pioneer",
    "Silk Road Leader",
    "Minjiang Dream",
    "Lucky Star Highway",
    "Emerald Tide",
    "Northern Light Ace",
    "Eastern Pearl",
    "Jasmine Leader",
    "Harbour Spirit",
    "Glory Voyager",
    "Seaway Orchid",
    "Grand Maple",
    "Polaris Highway",
    "Blue Heron Ace",
    "Camellia Express",
    "Rising Sun Leader",
];

/// The ro-ro berths of the terminal.
pub(crate) const BERTHS: &[&str] = &["B07", "B08", "B09", "B10", "B11", "B12"];

/// What a clerk writes when a vehicle goes on hold.
pub(crate) fn hold_detail(reason: HoldReason, variant: usize, soc: Option<f64>) -> String {
    let words: &[&str] = match reason {
        HoldReason::Customs => &[
            "customs: inspection ordered",
            "customs: declaration mismatch",
            "customs: export licence check",
        ],
        HoldReason::Damage => &[
            "damage: scratch on rear bumper",
            "damage: dent in left front door",
            "damage: cracked windscreen",
            "damage: flat tyre",
        ],
        HoldReason::Battery => &[
            "battery: warning light on",
            "battery: cell temperature alarm",
            "battery: will not hold charge",
        ],
        HoldReason::Documents => &[
            "documents: certificate of conformity missing",
            "documents: export licence pending",
            "documents: VIN mismatch on bill of lading",
        ],
        HoldReason::Other => &[
            "other: recall check",
            "other: consignee request",
            "other: key missing",
        ],
    };
    if reason == HoldReason::Battery {
        if let Some(pct) = soc.filter(|p| *p > 50.0) {
            return format!("battery: SoC {pct:.0}% over limit");
        }
    }
    words[variant % words.len()].to_string()
}

/// A Chinese truck plate, e.g. `闽D·5K2T1`: the province's character (wide on a
/// terminal, which the dashboard must keep aligned), the city's letter, five
/// letters or digits. `n` picks one.
pub(crate) fn truck_plate(n: u32) -> String {
    const PROVINCES: [char; 8] = ['闽', '粤', '浙', '赣', '苏', '沪', '鲁', '皖'];
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut n = n as usize;
    let province = PROVINCES[n % PROVINCES.len()];
    n /= PROVINCES.len();
    let city = (b'A' + (n % 8) as u8) as char;
    n /= 8;
    let mut plate = format!("{province}{city}\u{b7}");
    for _ in 0..5 {
        plate.push(CHARS[n % CHARS.len()] as char);
        n /= CHARS.len();
    }
    plate
}

pub(crate) fn release_detail(reason: HoldReason) -> String {
    format!("released: {}", reason.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locodes_and_wmis_are_valid() {
        for d in DESTINATIONS {
            assert!(crate::validate::locode(d.locode).is_ok(), "{}", d.locode);
        }
        let mut wmis: Vec<_> = MAKES.iter().map(|m| m.wmi).collect();
        wmis.sort();
        wmis.dedup();
        assert_eq!(wmis.len(), MAKES.len());
        for make in MAKES {
            assert!(make.wmi.starts_with('L'));
            assert!(make.markets.iter().all(|i| *i < DESTINATIONS.len()));
            assert!(make.nev.iter().all(|m| m.powertrain.is_nev()));
            assert!(make.other.iter().all(|m| !m.powertrain.is_nev()));
        }
        assert_eq!(MAKES[MG].name, "MG");
        assert_eq!(DESTINATIONS[BRISTOL].locode, "GBBRS");
    }
}
