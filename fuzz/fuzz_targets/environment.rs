//! Any bytes as a saved page of an environment's privilege table: the reader never panics,
//! every row it accepts has a name and allows a depth, and a page merged with itself into
//! one table conflicts with nothing and holds each name once.
#![no_main]

use dvrole::model::environment::PrivilegeTable;
use dvrole::settings::environment::parse_page;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((rows, _has_next)) = parse_page(data, "page.json") else {
        return;
    };
    let mut table = PrivilegeTable::new();
    for row in rows.iter().chain(rows.iter()) {
        assert!(!row.name.is_empty(), "a row without a name was accepted");
        assert!(!row.allowed.is_empty(), "a row allowing no depth was accepted");
        let _ = table.insert(row.clone());
    }
    for row in &rows {
        assert!(table.get(&row.name).is_some(), "{} is not found again", row.name);
    }
});
