#![no_main]
//! See fuzz/checks/timestamp.rs for what this target holds.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    yardtop_fuzz::timestamp::check(data);
});
