//! Any bytes through the strict XML filter: it must never panic; a document it passes is
//! passed byte for byte unless a cut was recorded; every offset it reports lies inside the
//! input; and every cut offset maps back inside the input.
#![no_main]

use std::io::Read;

use dvrole::xml::strict;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (mut filter, cuts) = strict::strict(data);
    let mut out = Vec::new();
    match filter.read_to_end(&mut out) {
        Ok(_) => {
            if !cuts.any() {
                assert_eq!(out, data, "an uncut document passes unchanged");
            }
            assert!(cuts.original(out.len() as u64) <= data.len() as u64);
        }
        Err(e) => {
            let found = strict::strict_error(&e).expect("only the filter's own errors");
            assert!(found.offset < data.len() as u64, "the offset lies inside the input");
            assert!(data.starts_with(&out), "what passed before the error is the input's start");
        }
    }
});
