//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use assert_cmd::Command;

/// The `dvrole` binary under test.
pub fn dvrole() -> Command {
    let mut cmd = Command::cargo_bin("dvrole").expect("the dvrole binary is built by cargo test");
    cmd.env_remove("NO_COLOR");
    cmd
}

/// The shared reference material (real exports, Microsoft's schemas):
/// `$DVROLE_REFERENCE_DIR`, or `../shared/reference` beside the checkout.
///
/// Returns `None`, after saying so, where it is absent, so the calling test can skip; under
/// CI (`CI` set) an absent reference is a failure instead, so a skip never passes for green.
pub fn reference_dir(test: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("DVROLE_REFERENCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/reference"),
    };
    if dir.join("exports").is_dir() {
        return Some(dir);
    }
    skip_or_fail(
        test,
        &format!("reference material not found at {}", dir.display()),
    );
    None
}

/// Says a test is skipped for `reason`; panics instead when `CI` is set.
pub fn skip_or_fail(test: &str, reason: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{test}: {reason}, and CI is set, so this is a failure, not a skip");
    }
    eprintln!("SKIPPED {test}: {reason} (set DVROLE_REFERENCE_DIR, or CI to make this fatal)");
}

/// Reads every entry of a zip into (name, bytes) pairs, in archive order.
pub fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a readable zip");
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).expect("an entry");
            let mut data = Vec::new();
            entry.read_to_end(&mut data).expect("entry bytes");
            (entry.name().expect("an entry name").to_string(), data)
        })
        .collect()
}
