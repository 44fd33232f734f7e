//! Any bytes as a solution zip: opening and validating it must never panic or hang.
#![no_main]

use dvrole::model::catalogue::Catalogue;
use dvrole::package::read::{Limits, PackageReader};
use dvrole::ops::validate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_entry_bytes: 1 << 20,
    };
    if let Ok(mut reader) = PackageReader::from_zip_bytes("fuzz.zip", data.to_vec(), limits) {
        let catalogues = [Catalogue::default_catalogue()];
        let _ = validate::validate(&mut reader, &catalogues);
    }
});
