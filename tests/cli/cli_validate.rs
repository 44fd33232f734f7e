//! `dvrole validate` end to end, on fixtures written in the shape of real exports and on the
//! real exports themselves.

use crate::common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use common::dvrole;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/validate")
        .join(name)
}

/// Zips a fixture folder's files (in name order) into `out`.
fn zip_folder(folder: &Path, out: &Path) {
    let mut names: Vec<_> = fs::read_dir(folder)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    let mut w = zip::ZipWriter::new(fs::File::create(out).unwrap());
    for path in names {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&fs::read(&path).unwrap()).unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn a_sound_package_is_valid_as_folder_and_as_zip() {
    dvrole()
        .arg("validate")
        .arg(fixture("valid"))
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "valid, 2 roles: 'Mail Sync' (4 privileges), 'Second' (1 privilege)",
        ));
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("valid.zip");
    zip_folder(&fixture("valid"), &zip);
    dvrole().arg("validate").arg(&zip).assert().success();
}

#[test]
fn each_problem_is_found_with_its_position() {
    let cases = [
        ("missing-content-types", "[Content_Types].xml: is missing"),
        ("bad-level", "customizations.xml:12:9: role 'Mail Sync': prvReadQueue has level \"None\""),
        ("depth-not-allowed", "customizations.xml:8:9: role 'Mail Sync': prvReadUserQuery cannot have depth Global; it allows only Basic"),
        ("depth-not-allowed", "prvReadEmailServerProfile cannot have depth Basic; it allows only Global"),
        ("undeclared-role", "customizations.xml:14:5: role 'Second' is not declared in solution.xml as <RootComponent type=\"20\" id=\"{7c9e2f4a-1b3d-4c5e-8f6a-2b3c4d5e6f7a}\" />"),
        ("bad-role-id", "has id \"{not-a-guid}\", which is not a GUID"),
        ("bad-role-id", "solution.xml:20:7: declares role {0f3a6c1e-5b2d-4e8f-9a7c-1d2e3f4a5b6c} as a root component, but customizations.xml holds no such role"),
        ("duplicate-privilege", "customizations.xml:12:9: role 'Mail Sync': prvReadMailbox is listed twice"),
        ("malformed-xml", "customizations.xml:12:7: not well-formed XML"),
    ];
    for (case, expected) in cases {
        let assert = dvrole().arg("validate").arg(fixture(case)).assert().code(1);
        let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
        assert!(
            stdout.contains(expected),
            "{case}: expected {expected:?} in {stdout}"
        );
    }
}

#[test]
fn findings_in_a_zip_name_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("bad.zip");
    zip_folder(&fixture("depth-not-allowed"), &zip);
    dvrole()
        .arg("validate")
        .arg(&zip)
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "bad.zip!customizations.xml:8:9: role 'Mail Sync'",
        ));
}

#[test]
fn json_reports_are_stable() {
    let assert = dvrole()
        .args(["validate", "--json"])
        .arg(fixture("valid"))
        .arg(fixture("bad-level"))
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(v["valid"], false);
    let reports = v["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0]["valid"], true);
    assert_eq!(reports[0]["roles"][0]["name"], "Mail Sync");
    assert_eq!(reports[0]["roles"][0]["privilege_count"], 4);
    assert!(reports[1]["findings"][0]["location"]
        .as_str()
        .unwrap()
        .ends_with("customizations.xml:12:9"));
}

#[test]
fn unreadable_inputs_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let truncated = dir.path().join("truncated.zip");
    let generated = dir.path().join("gen.zip");
    dvrole()
        .arg("generate")
        .arg("-o")
        .arg(&generated)
        .assert()
        .success();
    let bytes = fs::read(&generated).unwrap();
    fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let not_zip = dir.path().join("notes.zip");
    fs::write(&not_zip, "hello").unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![dir.path().join("nope.zip").display().to_string()],
            "nope.zip: does not exist",
        ),
        (
            vec![truncated.display().to_string()],
            "truncated.zip: not a readable zip",
        ),
        (
            vec![not_zip.display().to_string()],
            "notes.zip: not a readable zip",
        ),
        (
            vec![
                "--max-entry-size".into(),
                "1K".into(),
                generated.display().to_string(),
            ],
            "over the 1024-byte limit",
        ),
        (
            vec![
                "--max-entry-size".into(),
                "lots".into(),
                generated.display().to_string(),
            ],
            "--max-entry-size 'lots'",
        ),
    ];
    for (args, expected) in cases {
        let assert = dvrole().arg("validate").args(&args).assert().code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    }
}

#[test]
fn every_real_exported_package_is_valid() {
    let Some(reference) = common::reference_dir("every_real_exported_package_is_valid") else {
        return;
    };
    let packages = reference.join("exports/packages");
    let mut seen = 0;
    for entry in fs::read_dir(&packages).unwrap().flatten() {
        dvrole()
            .arg("validate")
            .arg(entry.path())
            .assert()
            .success()
            .stdout(predicates::str::contains(": valid, "));
        seen += 1;
    }
    assert!(seen >= 6, "found {seen} real packages");
    // The roles they hold are found: 5 + 3 + 1 across the role-bearing exports.
    let assert = dvrole()
        .arg("validate")
        .arg("--json")
        .arg(packages.join("apollo-roles-excerpt_managed"))
        .arg(packages.join("pnp-PromptManager_1_0_0_6_managed"))
        .arg(packages.join("pnp-termbuddy"))
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let counts: Vec<usize> = v["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["roles"].as_array().unwrap().len())
        .collect();
    assert_eq!(counts, [5, 3, 1]);
}
