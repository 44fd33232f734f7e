//! Any bytes as a source tree's Other/Solution.xml: adding a role's root component never
//! panics, and on a manifest the reader accepts it gives a manifest that declares one root
//! component more, the new role among them.
#![no_main]

use dvrole::ops::tree::add_root_components;
use dvrole::part::solution::read_manifest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(before) = read_manifest(data) else {
        return;
    };
    let Some(id) = dvrole::model::guid::parse("{00000000-0000-0000-0000-000000005eed}") else {
        return;
    };
    if let Ok(after) = add_root_components(data, &[id]) {
        let after = read_manifest(after.as_slice()).expect("the edited manifest is well-formed");
        assert_eq!(after.root_components.len(), before.root_components.len() + 1);
        assert!(after
            .root_components
            .iter()
            .any(|c| c.id.as_deref() == Some("{00000000-0000-0000-0000-000000005eed}")));
    }
});
