//! Any text as an error message for `dvrole explain`: never a panic, and every privilege
//! it names comes with a command to run.
#![no_main]

use std::sync::OnceLock;

use dvrole::model::catalogue::Catalogue;
use dvrole::ops::explain::{self, Catalogues};
use libfuzzer_sys::fuzz_target;

/// The catalogues, parsed once: parsing them per input would dwarf explain's own work.
fn catalogues() -> &'static (Catalogue, Vec<Catalogue>) {
    static CATALOGUES: OnceLock<(Catalogue, Vec<Catalogue>)> = OnceLock::new();
    CATALOGUES.get_or_init(|| {
        let builtin = Catalogue::builtin_names()
            .filter_map(|n| Catalogue::builtin(n).ok())
            .collect();
        (Catalogue::default_catalogue(), builtin)
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (selected, builtin) = catalogues();
    let report = explain::explain(
        &text,
        &Catalogues {
            selected,
            named: false,
            builtin,
            table: None,
            accept: &[],
        },
    );
    for p in &report.privileges {
        assert!(p.fix.starts_with("dvrole generate"), "{}", p.fix);
    }
    if let Some(fix) = &report.fix {
        assert!(fix.starts_with("dvrole generate"), "{fix}");
    }
});
