//! `--inheritance direct|team`: the role's `isinherited`, where current exports put it, and
//! how validate and audit read it.

use crate::common::{self, dvrole};
use predicates::prelude::*;

fn customizations_of(zip: &std::path::Path) -> String {
    let bytes = std::fs::read(zip).unwrap();
    let (_, xml) = common::unzip(&bytes)
        .into_iter()
        .find(|(n, _)| n == "customizations.xml")
        .unwrap();
    String::from_utf8(xml).unwrap()
}

#[test]
fn both_formats_carry_isinherited_where_exports_put_it() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("r.zip");
    dvrole()
        .args(["generate", "-o"])
        .arg(&zip)
        .assert()
        .success();
    assert!(customizations_of(&zip).contains("<Role id=\"{"));
    assert!(customizations_of(&zip)
        .contains("name=\"Server-Side Sync User\" isinherited=\"1\">\r\n      <IsCustomizable>"));

    dvrole()
        .args(["generate", "--inheritance", "team", "-o"])
        .arg(&zip)
        .assert()
        .success();
    assert!(customizations_of(&zip).contains("isinherited=\"0\">"));

    let folder = dir.path().join("src");
    dvrole()
        .args([
            "generate",
            "--format",
            "folder",
            "--inheritance",
            "TEAM",
            "-o",
        ])
        .arg(&folder)
        .assert()
        .success();
    let role = std::fs::read_to_string(folder.join("Roles/Server-Side Sync User.xml")).unwrap();
    assert!(
        role.contains("name=\"Server-Side Sync User\" isinherited=\"0\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"),
        "{role}"
    );
    let other = std::fs::read_to_string(folder.join("Other/Customizations.xml")).unwrap();
    assert!(!other.contains("isinherited"));
}

#[test]
fn the_setting_comes_from_config_and_environment_and_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dvrole.toml"),
        "[role]\ninheritance = \"team\"\n",
    )
    .unwrap();
    dvrole()
        .current_dir(dir.path())
        .args(["generate", "-o", "r.zip"])
        .assert()
        .success();
    assert!(customizations_of(&dir.path().join("r.zip")).contains("isinherited=\"0\""));
    dvrole()
        .current_dir(dir.path())
        .args(["generate", "-o", "r.zip"])
        .env("DVROLE_ROLE_INHERITANCE", "direct")
        .assert()
        .success();
    assert!(customizations_of(&dir.path().join("r.zip")).contains("isinherited=\"1\""));
    dvrole()
        .current_dir(dir.path())
        .args(["generate", "--print-config"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "role.inheritance = \"team\"  # dvrole.toml:2: role.inheritance",
        ));
    dvrole()
        .current_dir(dir.path())
        .args(["generate", "--inheritance", "both", "-o", "r.zip"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--inheritance 'both': expected direct",
        ));
}

#[test]
fn check_sees_a_change_of_inheritance() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("r.zip");
    dvrole()
        .args(["generate", "-o"])
        .arg(&zip)
        .assert()
        .success();
    dvrole()
        .args(["generate", "--check", "-o"])
        .arg(&zip)
        .assert()
        .success();
    dvrole()
        .args(["generate", "--check", "--inheritance", "team", "-o"])
        .arg(&zip)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("drift"));
}

fn role_file(dir: &std::path::Path, inherited: Option<&str>) -> std::path::PathBuf {
    let attr = inherited
        .map(|v| format!(" isinherited=\"{v}\""))
        .unwrap_or_default();
    let path = dir.join("role.xml");
    std::fs::write(
        &path,
        format!(
            "<Role id=\"{{5b2e8f10-7c3d-4a9e-b1f4-26d0c8e9a713}}\" name=\"Team Sync\"{attr}><RolePrivileges>\
             <RolePrivilege name=\"prvReadMailbox\" level=\"Basic\" />\
             <RolePrivilege name=\"prvReadContact\" level=\"Global\" />\
             </RolePrivileges></Role>"
        ),
    )
    .unwrap();
    path
}

#[test]
fn validate_accepts_0_and_1_and_reports_other_values() {
    let dir = tempfile::tempdir().unwrap();
    for ok in [None, Some("0"), Some("1")] {
        dvrole()
            .arg("validate")
            .arg(role_file(dir.path(), ok))
            .assert()
            .success();
    }
    for bad in ["2", "true", ""] {
        dvrole()
            .arg("validate")
            .arg(role_file(dir.path(), Some(bad)))
            .assert()
            .code(1)
            .stdout(predicate::str::contains(format!(
                "role 'Team Sync' has isinherited=\"{bad}\"; it is 1"
            )));
    }
}

#[test]
fn audit_prints_inheritance_and_notes_team_only_basic_privileges() {
    let dir = tempfile::tempdir().unwrap();
    let path = role_file(dir.path(), Some("0"));
    let a = dvrole().arg("audit").arg(&path).assert().code(1);
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(
        out.contains(
            "role 'Team Sync': inheritance isinherited=\"0\", team (Team privileges only)"
        ),
        "{out}"
    );
    assert!(
        out.contains("note: with team privileges only, its Basic privilege reaches a member's own records only when the role is also assigned to the member directly"),
        "{out}"
    );
    // The note is information: a role that lacks nothing still exits 0.
    let zip = dir.path().join("r.zip");
    dvrole()
        .args(["generate", "--inheritance", "team", "-o"])
        .arg(&zip)
        .assert()
        .success();
    dvrole()
        .arg("audit")
        .arg(&zip)
        .assert()
        .success()
        .stdout(predicate::str::contains("team (Team privileges only)"))
        .stdout(predicate::str::contains("note: with team privileges only"));
    let out = dvrole()
        .arg("audit")
        .arg(&zip)
        .arg("--json")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["roles"][0]["inherited"], "0");
    // A role without the attribute prints no inheritance line.
    dvrole()
        .arg("audit")
        .arg(role_file(dir.path(), None))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("inheritance").not());
}
