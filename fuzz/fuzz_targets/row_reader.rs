#![no_main]
//! See fuzz/checks/row_reader.rs for what this target holds.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    yardtop_fuzz::row_reader::check(data);
});
