//! Any bytes as customizations.xml, a role file, solution.xml or [Content_Types].xml:
//! the streaming readers must never panic, and positions must resolve for any offset.
#![no_main]

use dvrole::part::{content_types, roles, solution};
use dvrole::xml::walk;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut offsets = Vec::new();
    match roles::read_roles(data, |role| offsets.push(role.offset)) {
        Ok(_) => {}
        Err(problem) => offsets.push(problem.offset),
    }
    let _ = walk::positions_in(data, &offsets);
    let _ = solution::read_manifest(data);
    let _ = content_types::read_content_types(data);
});
