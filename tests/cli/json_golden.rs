//! Every JSON document dvrole prints, byte for byte, against golden files in
//! `fixtures/golden/json/`. `DVROLE_BLESS=1 cargo test --test cli json_golden` rewrites them;
//! review the diff before committing it.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::cmd;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compares `actual` with the golden file `name`, or rewrites it under `DVROLE_BLESS`.
fn golden(name: &str, actual: &[u8]) {
    let path = root().join("fixtures/golden/json").join(name);
    if crate::common::blessing() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (DVROLE_BLESS=1 writes it)", path.display()));
    assert!(
        expected == actual,
        "{name} differs from its golden file\n--- expected\n{}\n--- actual\n{}",
        String::from_utf8_lossy(&expected),
        String::from_utf8_lossy(actual)
    );
    // Every golden document is one JSON value.
    serde_json::from_slice::<serde_json::Value>(actual).expect("valid JSON");
}

/// Runs dvrole in `dir` with `args`; checks the exit code; returns stdout.
fn stdout(dir: &Path, args: &[&str], code: i32) -> Vec<u8> {
    let out = cmd(dir).args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn generate_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    golden(
        "generate.json",
        &stdout(d, &["generate", "--json", "-o", "out.zip"], 0),
    );
    golden(
        "generate-folder-both.json",
        &stdout(
            d,
            &[
                "generate",
                "--json",
                "--format",
                "folder",
                "--package-type",
                "both",
                "--add",
                "prvReadAccount=Local",
                "--default-depth",
                "Deep",
                "-o",
                "src",
            ],
            0,
        ),
    );
}

#[test]
fn print_config_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("dvrole.toml"),
        "[role]\nname = \"Sync\"\n\n[role.depth]\nprvReadContact = \"Local\"\n\n[solution]\nversion = \"2.0\"\n",
    )
    .unwrap();
    let out = cmd(d)
        .args([
            "generate",
            "--print-config",
            "--json",
            "--exclude",
            "prvReadIncident",
        ])
        .env("DVROLE_PUBLISHER_PREFIX", "contoso")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    golden("print-config.json", &out.stdout);
}

#[test]
fn check_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout(d, &["generate"], 0);
    golden(
        "check-up-to-date.json",
        &stdout(d, &["generate", "--check", "--json"], 0),
    );
    // Privileges, role identity and manifest fields, and a missing managed zip.
    golden(
        "check-zip-drift.json",
        &stdout(
            d,
            &[
                "generate",
                "--check",
                "--json",
                "--package-type",
                "both",
                "--depth",
                "prvReadContact=Local",
                "--exclude",
                "prvReadIncident",
                "--add",
                "prvReadAccount=Local",
                "--role-name",
                "Other Name",
                "--role-id",
                "{00000000-0000-0000-0000-000000000001}",
                "--solution-display-name",
                "Changed",
                "-o",
                "ServerSideSyncRole_1_0_0_0.zip",
            ],
            1,
        ),
    );
    // Stray, missing, unreadable and byte-level differences in a folder.
    stdout(d, &["generate", "--format", "folder", "-o", "src"], 0);
    fs::write(d.join("src/Roles/Extra.xml"), "<Role/>").unwrap();
    fs::remove_file(d.join("src/Other/Customizations.xml")).unwrap();
    fs::write(d.join("src/Roles/Server-Side Sync User.xml"), "<Role id=").unwrap();
    let solution = d.join("src/Other/Solution.xml");
    let crlf = fs::read_to_string(&solution).unwrap();
    fs::write(&solution, crlf.replace("\r\n", "\n")).unwrap();
    golden(
        "check-folder-drift.json",
        &stdout(
            d,
            &[
                "generate", "--check", "--json", "--format", "folder", "-o", "src",
            ],
            1,
        ),
    );
    // A target that is not a zip.
    fs::write(d.join("bad.zip"), b"not a zip").unwrap();
    golden(
        "check-unreadable.json",
        &stdout(d, &["generate", "--check", "--json", "-o", "bad.zip"], 1),
    );
}

#[test]
fn validate_json() {
    let r = root();
    golden(
        "validate-valid.json",
        &stdout(
            &r,
            &[
                "validate",
                "--json",
                "fixtures/validate/valid",
                "fixtures/golden/ServerSideSyncRole_1_0_0_0.zip",
            ],
            0,
        ),
    );
    golden(
        "validate-invalid.json",
        &stdout(
            &r,
            &[
                "validate",
                "--json",
                "fixtures/validate/bad-level",
                "fixtures/validate/depth-not-allowed",
                "fixtures/validate/duplicate-privilege",
                "fixtures/validate/undeclared-role",
                "fixtures/validate/missing-content-types",
                "fixtures/validate/bad-role-id",
            ],
            1,
        ),
    );
}

#[test]
fn report_json() {
    let dir = tempfile::tempdir().unwrap();
    golden(
        "report.json",
        &stdout(
            dir.path(),
            &[
                "report",
                "--format",
                "json",
                "--add",
                "prvReadAccount=Local",
                "--role-name",
                "A \"quoted\" name",
            ],
            0,
        ),
    );
}

#[test]
fn catalogue_json() {
    let r = root();
    golden(
        "catalogue-list.json",
        &stdout(&r, &["catalogue", "list", "--json"], 0),
    );
    golden(
        "catalogue-show.json",
        &stdout(
            &r,
            &[
                "catalogue",
                "show",
                "--format",
                "json",
                "server-side-sync",
                "fixtures/catalogues/team.toml",
            ],
            0,
        ),
    );
}

#[test]
fn audit_json() {
    let r = root();
    golden(
        "audit.json",
        &stdout(
            &r,
            &[
                "audit",
                "--json",
                "--depth",
                "prvReadContact=Global",
                "fixtures/audit/customizations.xml",
                "fixtures/audit/source",
            ],
            1,
        ),
    );
    golden(
        "audit-summary.json",
        &stdout(
            &r,
            &[
                "audit",
                "--summary",
                "--json",
                "--depth",
                "prvReadContact=Global",
                "fixtures/audit/customizations.xml",
                "fixtures/audit/source",
            ],
            1,
        ),
    );
    golden(
        "audit-complete.json",
        &stdout(
            &r,
            &[
                "audit",
                "--json",
                "fixtures/golden/ServerSideSyncRole_1_0_0_0.zip",
            ],
            0,
        ),
    );
}

#[test]
fn explain_json() {
    let dir = tempfile::tempdir().unwrap();
    golden(
        "explain.json",
        &stdout(
            dir.path(),
            &[
                "explain",
                "--json",
                "Principal user (Id=1, type=8) is missing prvReadEmailServerProfile privilege; \
                 0x80040220 SecLib::CheckPrivilege failed PrivilegeName: prvReadContact, Required Depth: Basic; \
                 The privilege prvNoSuchThing with id = 1 can't have depth = Basic",
            ],
            0,
        ),
    );
    golden(
        "explain-nothing.json",
        &stdout(dir.path(), &["explain", "--json", "nothing here"], 1),
    );
}
