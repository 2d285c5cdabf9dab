//! The yard's vocabulary: the enumerations of the contract and what they mean for
//! the figures (docs/database.md).
//! Parsing is exact (lower-case statuses, upper-case powertrains); anything else is
//! an unknown value, a data-quality problem.

macro_rules! yard_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The accepted values, for error messages.
            pub fn choices() -> String {
                [$($text),+].join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

yard_enum!(
    /// What drives the vehicle.
    Powertrain { Bev = "BEV", Phev = "PHEV", Fcev = "FCEV", Hev = "HEV", Ice = "ICE" }
);

impl Powertrain {
    /// China's definition of a new energy vehicle: BEV, PHEV or FCEV. A hybrid that
    /// cannot be plugged in (HEV) is not one.
    pub fn is_nev(self) -> bool {
        matches!(self, Powertrain::Bev | Powertrain::Phev | Powertrain::Fcev)
    }
}

yard_enum!(
    /// Where a vehicle is in its life at the terminal.
    VehicleStatus {
        Expected = "expected",
        GatedIn = "gated_in",
        Parked = "parked",
        Hold = "hold",
        Staged = "staged",
        Loaded = "loaded",
        Departed = "departed",
    }
);

impl VehicleStatus {
    /// Gated in, parked, on hold or staged.
    pub fn in_yard(self) -> bool {
        matches!(
            self,
            VehicleStatus::GatedIn | VehicleStatus::Parked | VehicleStatus::Hold | VehicleStatus::Staged
        )
    }

    /// Loaded or departed (exported when it also has a `loaded_at`).
    pub fn is_loaded(self) -> bool {
        matches!(self, VehicleStatus::Loaded | VehicleStatus::Departed)
    }

    /// The order a vehicle moves through the terminal; a vehicle never goes back
    /// except from hold to parked.
    pub fn rank(self) -> u8 {
        match self {
            VehicleStatus::Expected => 0,
            VehicleStatus::GatedIn => 1,
            VehicleStatus::Parked | VehicleStatus::Hold => 2,
            VehicleStatus::Staged => 3,
            VehicleStatus::Loaded => 4,
            VehicleStatus::Departed => 5,
        }
    }
}

yard_enum!(
    /// Why a vehicle is held.
    HoldReason { Customs = "customs", Damage = "damage", Battery = "battery", Documents = "documents", Other = "other" }
);

yard_enum!(
    /// What a yard block is for.
    Zone { Nev = "nev", Ice = "ice", Staging = "staging", Inspection = "inspection", Quarantine = "quarantine" }
);

impl Zone {
    /// May a vehicle of this powertrain be parked here? NEVs never go to ICE blocks.
    pub fn fits(self, powertrain: Powertrain) -> bool {
        match self {
            Zone::Ice => !powertrain.is_nev(),
            Zone::Nev => powertrain.is_nev(),
            _ => true,
        }
    }
}

yard_enum!(
    /// A vessel call's state.
    CallStatus { Expected = "expected", Alongside = "alongside", Departed = "departed" }
);

yard_enum!(
    /// A consignment's state.
    ConsignmentStatus { Open = "open", Loading = "loading", Closed = "closed", Cancelled = "cancelled" }
);

impl ConsignmentStatus {
    /// Open and loading consignments are pending against their cut-off.
    pub fn pending(self) -> bool {
        matches!(self, ConsignmentStatus::Open | ConsignmentStatus::Loading)
    }
}

/// Where an NEV's SoC reading falls against the yard's rules. Every NEV in the
/// yard is in exactly one band.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocBand {
    InBand,
    OverMax,
    UnderMin,
    /// No trusted reading: missing, empty, unreadable, out of 0-100, or older than
    /// `soc_check_max_age_h`. Never counted as over or under, since the battery may
    /// be anywhere.
    Unchecked,
}

/// The SoC band of a reading of `pct` percent taken `age_ms` ago (None: missing or
/// unreadable). Over and under are strict; a reading is stale when strictly older
/// than the age limit; a value outside 0-100 is no reading.
pub fn soc_band(
    pct: Option<f64>,
    age_ms: Option<i64>,
    soc_max: f64,
    soc_min: f64,
    max_age_h: f64,
) -> SocBand {
    match (pct, age_ms) {
        (Some(pct), Some(age)) if (0.0..=100.0).contains(&pct) && age as f64 <= max_age_h * 3_600_000.0 => {
            if pct > soc_max {
                SocBand::OverMax
            } else if pct < soc_min {
                SocBand::UnderMin
            } else {
                SocBand::InBand
            }
        }
        _ => SocBand::Unchecked,
    }
}

/// `soc_band` of a reading as the database held it: `Err` is an unreadable value
/// (counted in data quality by its reader, and here unchecked like a missing one).
pub fn soc_band_of(
    pct: Result<Option<f64>, ()>,
    checked_ms: Result<Option<i64>, ()>,
    now_ms: i64,
    soc_max: f64,
    soc_min: f64,
    max_age_h: f64,
) -> SocBand {
    let age = checked_ms.ok().flatten().map(|at| now_ms.saturating_sub(at));
    soc_band(pct.ok().flatten(), age, soc_max, soc_min, max_age_h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nev_is_bev_phev_fcev_only() {
        let nev: Vec<_> = Powertrain::ALL
            .iter()
            .filter(|p| p.is_nev())
            .map(|p| p.as_str())
            .collect();
        assert_eq!(nev, ["BEV", "PHEV", "FCEV"]);
    }

    #[test]
    fn parsing_is_exact() {
        assert_eq!(Powertrain::parse("BEV"), Some(Powertrain::Bev));
        assert_eq!(Powertrain::parse("bev"), None);
        assert_eq!(VehicleStatus::parse("gated_in"), Some(VehicleStatus::GatedIn));
        assert_eq!(VehicleStatus::parse("PARKED"), None);
    }

    #[test]
    fn in_yard_statuses() {
        let yard: Vec<_> = VehicleStatus::ALL
            .iter()
            .filter(|s| s.in_yard())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(yard, ["gated_in", "parked", "hold", "staged"]);
    }

    const H: i64 = 3_600_000;

    fn band(pct: Result<Option<f64>, ()>, age_h: Result<Option<i64>, ()>) -> SocBand {
        // Rules: over 50, under 20, stale after 72 h; now is 1,000 h.
        let now = 1_000 * H;
        soc_band_of(pct, age_h.map(|a| a.map(|h| now - h * H)), now, 50.0, 20.0, 72.0)
    }

    #[test]
    fn soc_bands_by_hand() {
        assert_eq!(
            band(Ok(Some(50.0)), Ok(Some(1))),
            SocBand::InBand,
            "50 is not over 50"
        );
        assert_eq!(band(Ok(Some(50.5)), Ok(Some(1))), SocBand::OverMax);
        assert_eq!(
            band(Ok(Some(20.0)), Ok(Some(1))),
            SocBand::InBand,
            "20 is not under 20"
        );
        assert_eq!(band(Ok(Some(19.9)), Ok(Some(1))), SocBand::UnderMin);
        assert_eq!(
            band(Ok(Some(90.0)), Ok(Some(72))),
            SocBand::OverMax,
            "72 h is not older than 72 h"
        );
        assert_eq!(
            band(Ok(Some(90.0)), Ok(Some(73))),
            SocBand::Unchecked,
            "stale: never over"
        );
        assert_eq!(
            band(Ok(Some(5.0)), Ok(Some(73))),
            SocBand::Unchecked,
            "stale: never under"
        );
    }

    #[test]
    fn a_missing_or_unreadable_reading_is_unchecked_never_over_or_under() {
        // Value missing ('' reads as missing too), time present, and the reverse.
        assert_eq!(band(Ok(None), Ok(Some(1))), SocBand::Unchecked);
        assert_eq!(band(Ok(Some(90.0)), Ok(None)), SocBand::Unchecked);
        assert_eq!(band(Ok(Some(5.0)), Ok(None)), SocBand::Unchecked);
        // Unreadable value ('full') or time ('yesterday').
        assert_eq!(band(Err(()), Ok(Some(1))), SocBand::Unchecked);
        assert_eq!(band(Ok(Some(90.0)), Err(())), SocBand::Unchecked);
        assert_eq!(band(Ok(Some(5.0)), Err(())), SocBand::Unchecked);
        // A percentage that cannot be one.
        assert_eq!(band(Ok(Some(150.0)), Ok(Some(1))), SocBand::Unchecked);
        assert_eq!(band(Ok(Some(-3.0)), Ok(Some(1))), SocBand::Unchecked);
    }
}
