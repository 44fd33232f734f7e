//! Any text as an error message for `dvrole explain`: never a panic, and every privilege
//! it names comes with a command to run.
#![no_main]

use dvrole::catalogue::Catalogue;
use dvrole::explain::{self, Catalogues};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let selected = Catalogue::default_catalogue();
    let builtin: Vec<Catalogue> = Catalogue::builtin_names()
        .filter_map(|n| Catalogue::builtin(n).ok())
        .collect();
    let report = explain::explain(
        &text,
        &Catalogues {
            selected: &selected,
            named: false,
            builtin: &builtin,
        },
    );
    for p in &report.privileges {
        assert!(p.fix.starts_with("dvrole generate "), "{}", p.fix);
    }
});
