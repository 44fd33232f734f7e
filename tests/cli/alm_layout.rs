//! The source-control folder layout and the package types.

use crate::common;

use common::{cmd, tree};

use std::fs;
use std::path::Path;

fn text(bytes: &[u8]) -> String {
    dvrole::xml::normalise(bytes)
}

#[test]
fn folder_layout_holds_the_three_files_and_matches_the_golden_copy() {
    let dir = tempfile::tempdir().unwrap();
    cmd(dir.path())
        .args(["generate", "--format", "folder", "-o", "src"])
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "wrote src: role 'Server-Side Sync User'",
        ));
    let files = tree(&dir.path().join("src"));
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Other/Customizations.xml",
            "Other/Solution.xml",
            "Roles/Server-Side Sync User.xml"
        ]
    );
    // Golden copies are kept as LF text (see .gitattributes); the bytes are BOM + CRLF.
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/alm/folder");
    let as_text: Vec<(String, String)> = files
        .iter()
        .map(|(n, b)| (n.clone(), text(b) + "\n"))
        .collect();
    if common::blessing() {
        for (name, t) in &as_text {
            let p = golden.join(name);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, t).unwrap();
        }
    }
    let golden_text: Vec<(String, String)> = tree(&golden)
        .into_iter()
        .map(|(n, b)| (n, String::from_utf8(b).unwrap()))
        .collect();
    assert_eq!(
        as_text, golden_text,
        "the folder differs from fixtures/alm/folder (DVROLE_BLESS=1 rewrites it)"
    );
    for (name, bytes) in &files {
        assert!(
            bytes.starts_with(dvrole::xml::BOM),
            "{name} starts with a BOM"
        );
        assert!(!bytes.ends_with(b"\n"), "{name} has no final newline");
        let lf = bytes.iter().filter(|&&b| b == b'\n').count();
        let crlf = bytes.windows(2).filter(|w| w == b"\r\n").count();
        assert_eq!(lf, crlf, "{name} uses CRLF");
    }

    let custom = text(&files[0].1);
    assert!(
        custom.contains("\n  <Entities />\n  <Roles />\n  <Workflows />"),
        "{custom}"
    );
    let solution = text(&files[1].1);
    assert!(solution.contains("<Managed>0</Managed>"));
    let role = &files[2].1;
    assert!(role.starts_with(dvrole::xml::BOM));
    let role_text = text(role);
    assert!(role_text.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Role id=\"{"));
    assert!(role_text.contains("name=\"Server-Side Sync User\" isinherited=\"1\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n  <IsCustomizable>1</IsCustomizable>\n  <RolePrivileges>\n    <RolePrivilege name="));
    let mut roles = Vec::new();
    let kind = dvrole::part::roles::read_roles(role.as_slice(), |r| roles.push(r.clone())).unwrap();
    assert_eq!(kind, dvrole::part::roles::RolesFile::RoleFile);
    assert_eq!(roles.len(), 1);
    assert_eq!(roles[0].privileges.len(), 24);
}

#[test]
fn folder_layout_has_the_shape_of_real_source_folders() {
    let Some(reference) =
        common::reference_dir("folder_layout_has_the_shape_of_real_source_folders")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    cmd(dir.path())
        .args(["generate", "--format", "folder", "-o", "src"])
        .assert()
        .success();
    let ours = tree(&dir.path().join("src"));
    let unpacked = reference.join("exports/unpacked");
    let mut seen = 0;
    for export in fs::read_dir(&unpacked).unwrap().flatten() {
        let theirs = tree(&export.path());
        // The same top-level layout: Other/Solution.xml, Other/Customizations.xml, Roles/*.xml.
        for fixed in ["Other/Solution.xml", "Other/Customizations.xml"] {
            assert!(
                theirs.iter().any(|(n, _)| n == fixed),
                "{fixed} in {:?}",
                export.path()
            );
        }
        let custom = theirs
            .iter()
            .find(|(n, _)| n == "Other/Customizations.xml")
            .unwrap();
        assert!(
            text(&custom.1).contains("<Roles />"),
            "real Customizations.xml has <Roles />"
        );
        for (name, bytes) in theirs.iter().filter(|(n, _)| n.starts_with("Roles/")) {
            let mut roles = Vec::new();
            let kind = dvrole::part::roles::read_roles(bytes.as_slice(), |r| roles.push(r.clone()))
                .unwrap();
            assert_eq!(kind, dvrole::part::roles::RolesFile::RoleFile, "{name}");
            assert_eq!(
                name.strip_prefix("Roles/").unwrap(),
                format!("{}.xml", roles[0].name.as_deref().unwrap()),
                "real role files are named after the role"
            );
            seen += 1;
        }
    }
    assert!(seen >= 3, "read {seen} real role files");
    for (name, _) in &ours {
        assert!(
            name.starts_with("Other/") || name.starts_with("Roles/"),
            "{name} fits the real layout"
        );
    }
}

#[test]
fn folder_output_is_deterministic_and_replaced_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cmd(d)
        .args(["generate", "--format=folder", "-o", "a"])
        .assert()
        .success();
    let first = tree(&d.join("a"));
    fs::write(d.join("a/Roles/Old Name.xml"), b"<Role/>").unwrap();
    cmd(d)
        .args(["generate", "--format=folder", "-o", "a"])
        .assert()
        .success();
    assert_eq!(
        tree(&d.join("a")),
        first,
        "a rebuild gives the same bytes and drops stray files"
    );
    let entries: Vec<String> = fs::read_dir(d)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries, ["a"], "no scratch folders are left");
}

#[test]
fn a_failed_folder_write_leaves_the_old_folder_intact() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cmd(d)
        .args(["generate", "--format=folder", "-o", "a"])
        .assert()
        .success();
    fs::write(d.join("a/README.md"), b"mine").unwrap();
    let before = tree(&d.join("a"));
    cmd(d)
        .args([
            "generate",
            "--format=folder",
            "-o",
            "a",
            "--solution-version",
            "2.0",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "a: holds README.md, which dvrole does not write",
        ));
    assert_eq!(tree(&d.join("a")), before);
    // Bad settings fail before anything is touched.
    fs::remove_file(d.join("a/README.md")).unwrap();
    let before = tree(&d.join("a"));
    cmd(d)
        .args([
            "generate",
            "--format=folder",
            "-o",
            "a",
            "--solution-version",
            "x",
        ])
        .assert()
        .code(2);
    assert_eq!(tree(&d.join("a")), before);
}

#[test]
fn role_names_unsafe_for_file_names_are_mapped() {
    let dir = tempfile::tempdir().unwrap();
    cmd(dir.path())
        .args([
            "generate",
            "--format=folder",
            "-o",
            "s",
            "--role-name",
            "Sync: A/B?. ",
        ])
        .assert()
        .success();
    let names: Vec<String> = tree(&dir.path().join("s"))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert!(
        names.contains(&"Roles/Sync_ A_B___.xml".to_string()),
        "{names:?}"
    );
}

#[test]
fn both_gives_two_zips_differing_only_in_managed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cmd(d)
        .args(["generate", "--package-type", "both"])
        .assert()
        .success();
    let unmanaged = common::unzip(&fs::read(d.join("ServerSideSyncRole_1_0_0_0.zip")).unwrap());
    let managed =
        common::unzip(&fs::read(d.join("ServerSideSyncRole_1_0_0_0_managed.zip")).unwrap());
    assert_eq!(unmanaged.len(), managed.len());
    for ((n1, b1), (n2, b2)) in unmanaged.iter().zip(&managed) {
        assert_eq!(n1, n2);
        if n1 == "solution.xml" {
            let (t1, t2) = (text(b1), text(b2));
            let diff: Vec<(&str, &str)> =
                t1.lines().zip(t2.lines()).filter(|(a, b)| a != b).collect();
            assert_eq!(
                diff,
                [("    <Managed>0</Managed>", "    <Managed>1</Managed>")]
            );
            assert_eq!(t1.lines().count(), t2.lines().count());
        } else {
            assert_eq!(b1, b2, "{n1} is the same in both");
        }
    }
    // -o names the unmanaged zip; the managed one sits beside it, as pac names it.
    cmd(d)
        .args(["generate", "--package-type=both", "-o", "x.zip"])
        .assert()
        .success();
    assert!(d.join("x.zip").is_file() && d.join("x_managed.zip").is_file());
    // --managed is the short form of --package-type managed.
    cmd(d)
        .args(["generate", "--managed", "-o", "m1.zip"])
        .assert()
        .success();
    cmd(d)
        .args(["generate", "--package-type=managed", "-o", "m2.zip"])
        .assert()
        .success();
    assert_eq!(
        fs::read(d.join("m1.zip")).unwrap(),
        fs::read(d.join("m2.zip")).unwrap()
    );
    assert_eq!(
        fs::read(d.join("m1.zip")).unwrap(),
        fs::read(d.join("ServerSideSyncRole_1_0_0_0_managed.zip")).unwrap()
    );
    cmd(d)
        .args(["generate", "--managed", "--package-type=unmanaged"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--managed 'true' contradicts --package-type 'unmanaged'",
        ));
}

/// The Other/Solution.xml that `--format folder --package-type TYPE` writes.
fn folder_solution(package_type: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    cmd(dir.path())
        .args(["generate", "--format=folder", "-o", "s"])
        .arg(format!("--package-type={package_type}"))
        .assert()
        .success();
    let files = tree(&dir.path().join("s"));
    let (_, bytes) = files
        .iter()
        .find(|(n, _)| n == "Other/Solution.xml")
        .unwrap();
    text(bytes)
}

#[test]
fn both_as_a_folder_says_managed_2() {
    let solution = folder_solution("both");
    assert!(solution.contains("<Managed>2</Managed>"), "{solution}");
    let solution = folder_solution("managed");
    assert!(solution.contains("<Managed>1</Managed>"));
}

#[test]
fn a_folder_output_inside_a_file_says_it_is_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("afile"), b"keep").unwrap();
    cmd(d)
        .args(["generate", "--format=folder", "-o", "afile/sol"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("afile is a file, not a folder"));
    assert_eq!(fs::read(d.join("afile")).unwrap(), b"keep");
    assert_eq!(fs::read_dir(d).unwrap().count(), 1);
}
