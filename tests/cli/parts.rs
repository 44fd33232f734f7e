//! Each XML part, rendered, against a golden file in `fixtures/golden/`, normalised (no BOM,
//! LF line endings). The golden files are written in the shape of real exports; run with
//! `DVROLE_BLESS=1` to rewrite them after an intended change, and review the diff.

use crate::common;

use std::path::PathBuf;

use dvrole::model::catalogue::Catalogue;
use dvrole::model::options::{GenerateOptions, Given};
use dvrole::ops::build::{self, Built};
use dvrole::xml;

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/golden")
        .join(name)
}

/// Compares `actual` (normalised) with the golden file `name`, or rewrites it when blessing.
fn assert_golden(name: &str, actual: &[u8]) {
    let path = golden(name);
    let actual = xml::normalise(actual);
    if common::blessing() {
        std::fs::write(&path, format!("{actual}\n")).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with DVROLE_BLESS=1 to create it)",
            path.display()
        )
    });
    let expected = expected.replace("\r\n", "\n");
    assert_eq!(
        actual,
        expected.trim_end(),
        "{name} differs from its golden file"
    );
}

fn build(options: &GenerateOptions) -> Built {
    build::build(&Catalogue::default_catalogue(), options).expect("build succeeds")
}

fn part<'a>(built: &'a Built, name: &str) -> &'a [u8] {
    &built.package.part(name).expect("part present").bytes
}

#[test]
fn default_parts_match_golden_files() {
    let built = build(&GenerateOptions::default());
    assert_golden(
        "default-customizations.xml",
        part(&built, "customizations.xml"),
    );
    assert_golden("default-solution.xml", part(&built, "solution.xml"));
    assert_golden(
        "default-content-types.xml",
        part(&built, "[Content_Types].xml"),
    );
}

#[test]
fn customised_parts_match_golden_files() {
    let mut o = GenerateOptions::default();
    let flag = Given::flag;
    o.role.role_name = Some(flag("--role-name", "Sync <&\"'> User"));
    o.role.role_id = Some(flag("--role-id", "{D5DC4257-ECF0-EF11-BE21-6045BD005939}"));
    o.role.default_depth = Some(flag("--default-depth", "Organization"));
    o.role.exclude.push(flag("--exclude", "prvReadIncident"));
    o.role.add.push(flag("--add", "prvReadAccount=Local"));
    o.solution.solution_name = Some(flag("--solution-name", "Contoso_SyncRole"));
    o.solution.solution_display_name = Some(flag("--solution-display-name", "Contoso & Co sync"));
    o.solution.solution_version = Some(flag("--solution-version", "2.1.0.17"));
    o.solution.description = Some(flag("--description", ""));
    o.solution.publisher_name = Some(flag("--publisher-name", "contoso"));
    o.solution.publisher_display_name = Some(flag("--publisher-display-name", "Contoso Ltd"));
    o.solution.publisher_prefix = Some(flag("--publisher-prefix", "cts"));
    o.solution.option_value_prefix = Some(flag("--option-value-prefix", "61234"));
    o.solution.managed = true;
    o.solution.language = Some(flag("--language", "1031"));
    let built = build(&o);
    assert_golden(
        "custom-customizations.xml",
        part(&built, "customizations.xml"),
    );
    assert_golden("custom-solution.xml", part(&built, "solution.xml"));
    assert_eq!(
        built.manifest.file_name(),
        "Contoso_SyncRole_2_1_0_17_managed.zip"
    );
}

#[test]
fn parts_carry_the_bytes_native_exports_use() {
    let built = build(&GenerateOptions::default());
    let names: Vec<&str> = built
        .package
        .parts
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["customizations.xml", "solution.xml", "[Content_Types].xml"]
    );
    for p in &built.package.parts {
        assert!(
            p.bytes.starts_with(xml::BOM),
            "{} starts with a BOM",
            p.name
        );
        let text = String::from_utf8(p.bytes[3..].to_vec()).expect("UTF-8");
        assert!(
            text.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"),
            "{}",
            p.name
        );
        assert!(
            !text.replace("\r\n", "").contains('\n'),
            "{} has only CRLF line ends",
            p.name
        );
        assert!(!text.ends_with('\n'), "{} ends without a newline", p.name);
    }
}

#[test]
fn default_zip_matches_golden_bytes() {
    // The zip's bytes are part of the contract: a pipeline that rebuilds with the same
    // settings must get the same artefact from every dvrole release.
    let built = build(&GenerateOptions::default());
    let path = golden("ServerSideSyncRole_1_0_0_0.zip");
    if common::blessing() {
        std::fs::write(&path, &built.zip).expect("write golden zip");
        return;
    }
    let expected = std::fs::read(&path).expect("golden zip (run with DVROLE_BLESS=1 to create it)");
    assert!(built.zip == expected, "the default zip's bytes changed");
    let entries = common::unzip(&built.zip);
    assert_eq!(entries.len(), 3);
}
