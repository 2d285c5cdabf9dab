//! The kinds of data-quality problem. Their names are the keys of `data_quality`
//! in the dashboard and in `snapshot --format json`, so that `check` lists the
//! rows behind each count there.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    BadTimestamp,
    UnknownStatus,
    UnknownPowertrain,
    UnknownZone,
    UnknownHoldReason,
    BadNumber,
    BadText,
    BadVin,
    BadSetting,
    MissingReference,
    NevInIceBlock,
    BlockOverCapacity,
    SlotConflict,
    LoadedWithoutTime,
    MissingValue,
    YardtopLeftover,
    EventsWithoutKey,
}

impl Kind {
    pub const ALL: [Kind; 17] = [
        Kind::BadTimestamp,
        Kind::UnknownStatus,
        Kind::UnknownPowertrain,
        Kind::UnknownZone,
        Kind::UnknownHoldReason,
        Kind::BadNumber,
        Kind::BadText,
        Kind::BadVin,
        Kind::BadSetting,
        Kind::MissingReference,
        Kind::NevInIceBlock,
        Kind::BlockOverCapacity,
        Kind::SlotConflict,
        Kind::LoadedWithoutTime,
        Kind::MissingValue,
        Kind::YardtopLeftover,
        Kind::EventsWithoutKey,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::BadTimestamp => "bad_timestamp",
            Kind::UnknownStatus => "unknown_status",
            Kind::UnknownPowertrain => "unknown_powertrain",
            Kind::UnknownZone => "unknown_zone",
            Kind::UnknownHoldReason => "unknown_hold_reason",
            Kind::BadNumber => "bad_number",
            Kind::BadText => "bad_text",
            Kind::BadVin => "bad_vin",
            Kind::BadSetting => "bad_setting",
            Kind::MissingReference => "missing_reference",
            Kind::NevInIceBlock => "nev_in_ice_block",
            Kind::BlockOverCapacity => "block_over_capacity",
            Kind::SlotConflict => "slot_conflict",
            Kind::LoadedWithoutTime => "loaded_without_time",
            Kind::MissingValue => "missing_value",
            Kind::YardtopLeftover => "yardtop_leftover",
            Kind::EventsWithoutKey => "events_without_key",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == name)
    }

    /// What the count counts, for the report line.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::BadTimestamp => "rows with a timestamp that is not RFC 3339 (write 2026-11-26T09:00:00Z)",
            Kind::UnknownStatus => {
                "rows with a status that is not one of the schema's values (or a call or consignment without one)"
            }
            Kind::UnknownPowertrain => "vehicles whose powertrain is not BEV, PHEV, FCEV, HEV or ICE",
            Kind::UnknownZone => "blocks whose zone is missing or not nev, ice, staging, inspection or quarantine",
            Kind::UnknownHoldReason => {
                "vehicles on hold without a reason, or with a reason other than customs, damage, battery, documents, other"
            }
            Kind::BadNumber => "rows with text or another wrong type in a numeric column, or a value out of range",
            Kind::BadText => "rows with a text column that holds a blob or invalid UTF-8",
            Kind::BadVin => "vehicles whose VIN is missing or invalid (ISO 3779)",
            Kind::BadSetting => "settings whose value cannot be read (the default is used)",
            Kind::MissingReference => "rows pointing at a consignment, block, call, vessel or vehicle that does not exist",
            Kind::NevInIceBlock => "NEVs in the yard parked in an ICE block",
            Kind::BlockOverCapacity => "blocks holding more vehicles than rows x slots_per_row",
            Kind::SlotConflict => "slots held by more than one vehicle in the yard",
            Kind::LoadedWithoutTime => "loaded or departed vehicles without loaded_at",
            Kind::MissingValue => "vehicles whose status or powertrain is missing (NULL or empty)",
            Kind::YardtopLeftover => {
                "triggers, tables or indexes an earlier yardtop added, which cost the terminal's writers or can make their writes fail; remove them with `yardtop init --existing`"
            }
            Kind::EventsWithoutKey => {
                "events.id is not the INTEGER PRIMARY KEY (a tool recreated the table): new events may have no id; yardtop orders events by rowid, but the system that owns the table should recreate it with `id INTEGER PRIMARY KEY AUTOINCREMENT`"
            }
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        let mut names: Vec<_> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Kind::ALL.len());
    }
}
