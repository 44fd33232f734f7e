//! `dvrole validate` over SolutionPackager source folders and lone XML files.

use crate::common;

use std::path::PathBuf;

use common::{dvrole, reference_dir};
use predicates::prelude::*;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/audit")
}

#[test]
fn validate_passes_on_every_real_source_folder() {
    let Some(reference) = reference_dir("validate_passes_on_every_real_source_folder") else {
        return;
    };
    let unpacked = reference.join("exports/unpacked");
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&unpacked)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    folders.sort();
    assert!(!folders.is_empty());
    for folder in folders {
        dvrole()
            .arg("validate")
            .arg(&folder)
            .assert()
            .code(0)
            .stdout(predicate::str::contains(": valid, 1 role"));
    }
}

#[test]
fn a_source_folder_fixture_and_its_files_are_valid() {
    let src = fixtures().join("source");
    dvrole()
        .arg("validate")
        .arg(&src)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "valid, 2 roles: 'Mailbox Owner' (5 privileges), 'Sales Clerk' (1 privilege)",
        ));
    for file in ["customizations.xml", "source/Roles/Sales Clerk.xml"] {
        dvrole()
            .arg("validate")
            .arg(fixtures().join(file))
            .assert()
            .code(0);
    }
}

#[test]
fn source_folder_problems_are_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("src");
    let copy = |from: &str, to: &str| {
        let target = root.join(to);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(fixtures().join("source").join(from), target).unwrap();
    };
    copy("Other/Solution.xml", "Other/Solution.xml");
    copy("Other/Customizations.xml", "Other/Customizations.xml");
    copy("Roles/Sales Clerk.xml", "Roles/Sales Clerk.xml");
    // A role the manifest does not declare, with a bad level and no GUID id.
    std::fs::write(
        root.join("Roles/Stray.xml"),
        "<Role id=\"{not-a-guid}\" name=\"Stray\">\n<RolePrivileges>\n<RolePrivilege name=\"prvReadMailbox\" level=\"None\" />\n</RolePrivileges>\n</Role>",
    )
    .unwrap();
    // A role file with no privileges, whose id is not declared either.
    std::fs::write(
        root.join("Roles/Empty.xml"),
        "<Role id=\"{5e4d3c2b-1a09-4f8e-9d7c-6b5a49382716}\" name=\"Empty\" />",
    )
    .unwrap();
    let out = dvrole()
        .arg("validate")
        .arg(&root)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for expected in [
        "Roles/Stray.xml:1:1: role 'Stray' has id \"{not-a-guid}\", which is not a GUID",
        "Roles/Stray.xml:3:1: role 'Stray': prvReadMailbox has level \"None\"",
        "Roles/Empty.xml:1:1: the role holds no <RolePrivilege>",
        "Roles/Empty.xml:1:1: role 'Empty' is not declared in Other/Solution.xml",
    ] {
        assert!(text.contains(expected), "expected {expected:?} in\n{text}");
    }
}
