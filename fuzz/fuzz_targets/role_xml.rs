//! Any bytes as customizations.xml, a role file, solution.xml or [Content_Types].xml:
//! the streaming readers must never panic, and positions must resolve for any offset.
#![no_main]

use dvrole::package::read;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut offsets = Vec::new();
    match read::read_roles(data, |role| offsets.push(role.offset)) {
        Ok(_) => {}
        Err(problem) => offsets.push(problem.offset),
    }
    let _ = read::positions_in(data, &offsets);
    let _ = read::read_manifest(data);
    let _ = read::read_content_types(data);
});
