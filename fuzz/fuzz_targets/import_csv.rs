#![no_main]
//! See fuzz/checks/import_csv.rs for what this target holds.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    yardtop_fuzz::import_csv::check(data);
});
