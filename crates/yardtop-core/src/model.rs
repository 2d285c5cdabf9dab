//! The yard's vocabulary: the enumerations of SPEC §2 and what they mean in §3.
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

/// Where an NEV's SoC reading falls against the yard's rules (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocBand {
    InBand,
    OverMax,
    UnderMin,
    /// No reading, or one older than `soc_check_max_age_h`: not trusted, so never
    /// counted as over or under.
    Unchecked,
}

/// The SoC band of a reading of `pct` percent taken `age_ms` ago. Over and under
/// are strict; a reading is stale when strictly older than the age limit; a missing
/// value or time is no reading.
pub fn soc_band(
    pct: Option<f64>,
    age_ms: Option<i64>,
    soc_max: f64,
    soc_min: f64,
    max_age_h: f64,
) -> SocBand {
    match (pct, age_ms) {
        (Some(pct), Some(age)) if age as f64 <= max_age_h * 3_600_000.0 => {
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
}
