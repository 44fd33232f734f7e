//! Any bytes as a dvrole.toml or a custom catalogue: parsing must fail with an error, never
//! a panic, and whatever parses must resolve.
#![no_main]

use dvrole::model::catalogue::Catalogue;
use dvrole::settings::config::{self, Layer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(layer) = Layer::from_toml("fuzz.toml", data) {
        let _ = config::resolve(&[layer]);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(catalogue) = Catalogue::parse(text, "fuzz.toml") {
            let _ = Catalogue::union(vec![catalogue, Catalogue::default_catalogue()]);
        }
    }
});
