//! `dvrole generate --check`: exit codes and the diff for each kind of drift.

use crate::common;

use common::cmd;

use std::fs;
use std::path::Path;

use serde_json::Value;

const ZIP: &str = "ServerSideSyncRole_1_0_0_0.zip";
const ROLE_FILE: &str = "Roles/Server-Side Sync User.xml";

fn generate(dir: &Path, args: &[&str]) {
    cmd(dir).arg("generate").args(args).assert().success();
}

/// Runs `generate --check` with `args`; returns (exit code, stdout).
fn check(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = cmd(dir)
        .args(["generate", "--check"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// Every entry in `dir` with its size and modification time, to show nothing was written.
fn snapshot(dir: &Path) -> Vec<(String, u64, std::time::SystemTime)> {
    let mut out: Vec<_> = walk(dir)
        .into_iter()
        .map(|p| {
            let m = fs::metadata(&p).unwrap();
            (p.display().to_string(), m.len(), m.modified().unwrap())
        })
        .collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

#[test]
fn identical_output_exits_0_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    generate(d, &[]);
    generate(d, &["--format=folder", "-o", "src"]);
    let before = snapshot(d);
    assert_eq!(check(d, &[]), (0, format!("up to date: {ZIP}\n")));
    assert_eq!(
        check(d, &["--format=folder", "-o", "src"]),
        (0, "up to date: src\n".into())
    );
    assert_eq!(snapshot(d), before);
}

#[test]
fn a_missing_target_is_drift_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, out) = check(d, &[]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with(&format!(
            "drift: {ZIP}\n  missing; `dvrole generate` creates it\n"
        )),
        "{out}"
    );
    let (code, out) = check(d, &["--format=folder"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("drift: ServerSideSyncRole\n  missing"),
        "{out}"
    );
    assert_eq!(fs::read_dir(d).unwrap().count(), 0, "check writes nothing");
}

#[test]
fn privilege_changes_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    generate(
        d,
        &[
            "--depth",
            "prvReadContact=Global",
            "--exclude",
            "prvReadIncident",
            "--add",
            "prvReadAccount=Local",
        ],
    );
    let (code, out) = check(d, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!(
            "drift: {ZIP}\n\
             \x20 customizations.xml: privilege prvReadContact depth changed Global -> Basic\n\
             \x20 customizations.xml: privilege prvReadIncident added (Basic)\n\
             \x20 customizations.xml: privilege prvReadAccount removed (was Local)\n\
             run dvrole generate with the same settings to bring the output up to date\n"
        )
    );
    generate(
        d,
        &["--format=folder", "-o", "src", "--exclude", "prvReadQueue"],
    );
    let (code, out) = check(d, &["--format=folder", "-o", "src"]);
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!(
            "  {ROLE_FILE}: privilege prvReadQueue added (Basic)\n"
        )),
        "{out}"
    );
}

#[test]
fn manifest_and_role_identity_changes_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let id = "2f3c1f8e-0d6b-4a8e-9a51-7c1d2e3f4a5b";
    generate(
        d,
        &[
            "-o",
            "r.zip",
            "--solution-version",
            "1.0.0.1",
            "--role-id",
            id,
            "--role-name",
            "Old",
            "--publisher-prefix",
            "abc",
        ],
    );
    let (code, out) = check(
        d,
        &[
            "-o",
            "r.zip",
            "--role-id",
            "{2F3C1F8E-0D6B-4A8E-9A51-7C1D2E3F4A5C}",
            "--role-name",
            "New",
        ],
    );
    assert_eq!(code, 1);
    for line in [
        "  customizations.xml: role id changed '{2f3c1f8e-0d6b-4a8e-9a51-7c1d2e3f4a5b}' -> '{2f3c1f8e-0d6b-4a8e-9a51-7c1d2e3f4a5c}'\n",
        "  customizations.xml: role name changed 'Old' -> 'New'\n",
        "  solution.xml: SolutionManifest/Version changed '1.0.0.1' -> '1.0.0.0'\n",
        "  solution.xml: SolutionManifest/Publisher/CustomizationPrefix changed 'abc' -> 'dvrole'\n",
        "  solution.xml: SolutionManifest/RootComponents/RootComponent/@id changed '{2f3c1f8e-0d6b-4a8e-9a51-7c1d2e3f4a5b}' -> '{2f3c1f8e-0d6b-4a8e-9a51-7c1d2e3f4a5c}'\n",
    ] {
        assert!(out.contains(line), "{line:?} in {out}");
    }
    // Package type: an unmanaged zip where a managed one is asked for.
    let (code, out) = check(
        d,
        &[
            "-o",
            "r.zip",
            "--managed",
            "--role-id",
            id,
            "--role-name",
            "Old",
            "--solution-version",
            "1.0.0.1",
            "--publisher-prefix",
            "abc",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("  solution.xml: SolutionManifest/Managed changed '0' -> '1'\n"),
        "{out}"
    );
}

#[test]
fn stray_missing_and_byte_level_differences_in_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    generate(d, &["--format=folder", "-o", "src"]);
    fs::write(d.join("src/Roles/Extra.xml"), "<Role/>").unwrap();
    fs::remove_file(d.join("src/Other/Customizations.xml")).unwrap();
    // The same XML with LF line endings and no byte order mark: equal, but not byte-equal.
    let solution = d.join("src/Other/Solution.xml");
    let lf = dvrole::xml::normalise(&fs::read(&solution).unwrap());
    fs::write(&solution, lf).unwrap();
    let (code, out) = check(d, &["--format=folder", "-o", "src"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "drift: src\n\
         \x20 Other/Customizations.xml: missing file\n\
         \x20 Other/Solution.xml: bytes differ, but the XML says the same (line endings, byte order mark, spacing or attribute order)\n\
         \x20 Roles/Extra.xml: stray file, which dvrole does not write\n\
         run dvrole generate with the same settings to bring the output up to date\n"
    );
}

#[test]
fn unreadable_targets_are_drift() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join(ZIP), b"not a zip").unwrap();
    let (code, out) = check(d, &[]);
    assert_eq!(code, 1);
    assert!(out.contains("  is not a readable zip"), "{out}");
    generate(d, &["--format=folder", "-o", "src"]);
    fs::write(d.join("src").join(ROLE_FILE), "<Role id=").unwrap();
    let (code, out) = check(d, &["--format=folder", "-o", "src"]);
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!("  {ROLE_FILE}: not readable XML at byte")),
        "{out}"
    );
    fs::create_dir_all(d.join("dir.zip").join(ZIP)).unwrap();
    let (code, out) = check(d, &["-o", "dir.zip"]);
    assert_eq!(code, 1);
    assert!(out.contains("is not a file"), "{out}");
}

#[test]
fn zip_entry_order_alone_is_a_byte_level_difference() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    generate(d, &[]);
    let mut parts = common::unzip(&fs::read(d.join(ZIP)).unwrap());
    parts.reverse();
    let entries: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    fs::write(d.join(ZIP), common::zip_of(&entries)).unwrap();
    let (code, out) = check(d, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!("drift: {ZIP}\n  zip bytes differ (entry order, compression or timestamps), but every file is the same\nrun dvrole generate with the same settings to bring the output up to date\n")
    );
}

#[test]
fn check_json_has_a_stable_schema_and_covers_both_package_types() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    generate(d, &["--depth", "prvReadContact=Local"]);
    let out = cmd(d)
        .args(["generate", "--check", "--json", "--package-type", "both"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["drift"], true);
    let targets = v["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 2);
    assert_eq!(targets[0]["path"], ZIP);
    assert_eq!(targets[0]["format"], "zip");
    assert_eq!(targets[0]["managed"], false);
    assert_eq!(targets[0]["up_to_date"], false);
    assert_eq!(
        targets[0]["drift"],
        serde_json::json!([{"kind": "depth_changed", "file": "customizations.xml", "privilege": "prvReadContact", "from": "Local", "to": "Basic"}])
    );
    assert_eq!(targets[1]["path"], "ServerSideSyncRole_1_0_0_0_managed.zip");
    assert_eq!(targets[1]["managed"], true);
    assert_eq!(
        targets[1]["drift"],
        serde_json::json!([{"kind": "target_missing", "message": null}])
    );
    generate(d, &["--package-type", "both"]);
    cmd(d)
        .args(["generate", "--check", "--json", "--package-type", "both"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("\"drift\": false"));
}
