//! The Rust version `Cargo.toml` declares (`rust-version`, which README repeats) is one every
//! locked dependency builds with: `cargo metadata --locked` lists each package of the lock
//! file with the Rust version it needs, and none may need more than dvrole declares.

use std::path::Path;

use crate::common;

/// `1.89`, `1.89.0` as comparable numbers; a missing part counts as 0.
fn version(text: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = text
        .split('.')
        .map(|p| p.parse().unwrap_or_else(|_| panic!("a version: {text}")))
        .collect();
    parts.resize(3, 0);
    parts
}

#[test]
fn version_numbers_compare_part_by_part() {
    assert!(version("1.89") > version("1.88.9"));
    assert_eq!(version("1.89"), version("1.89.0"));
    assert!(version("1.100") > version("1.89"));
}

#[test]
fn no_locked_dependency_needs_a_newer_rust_than_cargo_toml_declares() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--locked", "--format-version", "1"])
        .current_dir(root)
        .output()
        .expect("cargo runs");
    if !out.status.success() {
        // Offline with some platform's dependencies never downloaded, metadata cannot list
        // them; that is a skip (a failure under CI), never a pass.
        let stderr = String::from_utf8_lossy(&out.stderr);
        common::skip_or_fail(
            "no_locked_dependency_needs_a_newer_rust_than_cargo_toml_declares",
            &format!(
                "cargo metadata --locked failed: {}",
                stderr.lines().last().unwrap_or_default()
            ),
        );
        return;
    }
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let packages = meta["packages"].as_array().expect("a package list");
    let ours = packages
        .iter()
        .find(|p| p["name"] == "dvrole")
        .expect("dvrole is listed");
    let declared = ours["rust_version"]
        .as_str()
        .expect("Cargo.toml declares rust-version");
    let mut too_new: Vec<String> = packages
        .iter()
        .filter(|p| p["name"] != "dvrole")
        .filter_map(|p| {
            let needs = p["rust_version"].as_str()?;
            (version(needs) > version(declared)).then(|| {
                let name = p["name"].as_str().unwrap_or("?");
                let v = p["version"].as_str().unwrap_or("?");
                format!("{name} {v} needs Rust {needs}")
            })
        })
        .collect();
    too_new.sort();
    assert!(
        packages.len() > 20,
        "the lock file's packages are listed: {}",
        packages.len()
    );
    assert!(
        too_new.is_empty(),
        "Cargo.toml declares rust-version {declared}, but: {}",
        too_new.join("; ")
    );
    // README says the same.
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    assert!(
        readme.contains(&format!("Rust {declared} or newer")),
        "README names Rust {declared}"
    );
}
