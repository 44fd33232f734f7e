//! `dvrole generate` end to end: the binary, its files, its messages and its exit codes.

use crate::common;

use std::fs;
use std::path::Path;

use common::{dvrole, unzip};
use dvrole::model::catalogue::Catalogue;
use dvrole::model::depth::Depth;
use dvrole::part::roles::{read_roles, RoleRecord};
use dvrole::part::solution::read_manifest;

const DEFAULT_ZIP: &str = "ServerSideSyncRole_1_0_0_0.zip";

/// Runs generate in `dir` with `args`; returns the written zip's bytes.
fn generate_in(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = dir.join("out.zip");
    common::cmd(dir)
        .arg("generate")
        .args(args)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    fs::read(&out).expect("zip written")
}

fn entry(zip: &[u8], name: &str) -> Vec<u8> {
    unzip(zip)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, b)| b)
        .unwrap_or_else(|| panic!("{name} in zip"))
}

fn role_of(zip: &[u8]) -> RoleRecord {
    let mut roles = Vec::new();
    read_roles(&entry(zip, "customizations.xml")[..], |r| {
        roles.push(r.clone())
    })
    .expect("well-formed");
    assert_eq!(roles.len(), 1, "one role");
    roles.remove(0)
}

fn level_of(role: &RoleRecord, privilege: &str) -> Option<String> {
    role.privileges
        .iter()
        .find(|p| p.name.as_deref() == Some(privilege))
        .and_then(|p| p.level.clone())
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn default_run_writes_all_24_privileges_at_allowed_depths() {
    let dir = tempfile::tempdir().unwrap();
    common::cmd(dir.path())
        .arg("generate")
        .assert()
        .success()
        .stdout("")
        .stderr(predicates::str::starts_with(format!("wrote {DEFAULT_ZIP}")));
    assert_eq!(files_in(dir.path()), [DEFAULT_ZIP]);
    let zip = fs::read(dir.path().join(DEFAULT_ZIP)).unwrap();
    let names: Vec<String> = unzip(&zip).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        ["customizations.xml", "solution.xml", "[Content_Types].xml"]
    );

    let role = role_of(&zip);
    assert_eq!(role.name.as_deref(), Some("Server-Side Sync User"));
    let catalogue = Catalogue::default_catalogue();
    assert_eq!(role.privileges.len(), 24);
    for e in catalogue.entries() {
        let level =
            level_of(&role, &e.privilege).unwrap_or_else(|| panic!("{} present", e.privilege));
        let depth = Depth::from_xml(&level).expect("a valid level");
        assert!(
            e.allowed.contains(depth),
            "{} at allowed depth",
            e.privilege
        );
        assert_eq!(depth, e.default, "{} at least privilege", e.privilege);
    }
    let manifest = read_manifest(&entry(&zip, "solution.xml")[..]).unwrap();
    let rc = &manifest.root_components[0];
    assert_eq!(rc.component_type.as_deref(), Some("20"));
    assert_eq!(
        rc.id, role.id,
        "the role is declared as a root component with its own id"
    );
    assert_eq!(manifest.managed.as_deref(), Some("0"));
}

#[test]
fn depth_flags_accept_both_vocabularies() {
    let dir = tempfile::tempdir().unwrap();
    for (word, level) in [
        ("User", "Basic"),
        ("basic", "Basic"),
        ("BusinessUnit", "Local"),
        ("LOCAL", "Local"),
        ("ParentChild", "Deep"),
        ("deep", "Deep"),
        ("Organization", "Global"),
        ("global", "Global"),
    ] {
        let zip = generate_in(dir.path(), &["--depth", &format!("prvReadContact={word}")]);
        assert_eq!(
            level_of(&role_of(&zip), "prvReadContact").as_deref(),
            Some(level),
            "{word}"
        );
    }
    let zip = generate_in(dir.path(), &["--depth", "prvReadContact=None"]);
    assert_eq!(level_of(&role_of(&zip), "prvReadContact"), None);
}

#[test]
fn default_depth_adjusts_and_says_which() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.zip");
    let assert = dvrole()
        .args(["generate", "--default-depth", "Organization", "-o"])
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("prvReadUserQuery: does not allow Global; using Basic"),
        "{stderr}"
    );
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("note:")).count(),
        1,
        "only prvReadUserQuery is adjusted: {stderr}"
    );
    let role = role_of(&fs::read(&out).unwrap());
    assert_eq!(level_of(&role, "prvReadContact").as_deref(), Some("Global"));
    assert_eq!(
        level_of(&role, "prvReadUserQuery").as_deref(),
        Some("Basic")
    );
}

#[test]
fn exclude_and_add_shape_the_role() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.zip");
    dvrole()
        .args([
            "generate",
            "--exclude",
            "prvReadIncident",
            "--add",
            "prvReadAccount=Local",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "warning: prvReadAccount: not in the catalogue",
        ));
    let role = role_of(&fs::read(&out).unwrap());
    assert_eq!(level_of(&role, "prvReadIncident"), None);
    assert_eq!(level_of(&role, "prvReadAccount").as_deref(), Some("Local"));
    assert_eq!(role.privileges.len(), 24);
}

#[test]
fn two_runs_give_identical_bytes() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let args = [
        "--default-depth",
        "Deep",
        "--role-name",
        "Sync",
        "--solution-version",
        "3.2.1.0",
    ];
    let a = generate_in(one.path(), &args);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = generate_in(two.path(), &args);
    assert!(a == b, "same settings, same bytes");
    let defaults_a = generate_in(one.path(), &[]);
    let defaults_b = generate_in(two.path(), &[]);
    assert!(defaults_a == defaults_b);
    assert!(defaults_a != a, "different settings, different bytes");
}

#[test]
fn role_id_is_stable_and_overridable() {
    let dir = tempfile::tempdir().unwrap();
    let derived = role_of(&generate_in(dir.path(), &[])).id.unwrap();
    assert_eq!(
        derived, "{491f0f61-96ed-56cf-85c4-c85a2ca1dfdd}",
        "the derived id must never change"
    );
    let other_publisher = role_of(&generate_in(dir.path(), &["--publisher-name", "contoso"]))
        .id
        .unwrap();
    assert_ne!(derived, other_publisher);
    let given = role_of(&generate_in(
        dir.path(),
        &["--role-id", "D5DC4257-ECF0-EF11-BE21-6045BD005939"],
    ))
    .id;
    assert_eq!(
        given.as_deref(),
        Some("{d5dc4257-ecf0-ef11-be21-6045bd005939}")
    );
}

#[test]
fn special_characters_survive_as_valid_xml() {
    let dir = tempfile::tempdir().unwrap();
    let tricky = "<&\"'> Sync ünïcødé";
    let zip = generate_in(
        dir.path(),
        &[
            "--role-name",
            tricky,
            "--solution-display-name",
            tricky,
            "--description",
            tricky,
            "--publisher-display-name",
            tricky,
        ],
    );
    assert_eq!(role_of(&zip).name.as_deref(), Some(tricky));
    let solution = String::from_utf8(entry(&zip, "solution.xml")).unwrap();
    assert_eq!(
        solution
            .matches("description=\"&lt;&amp;&quot;'&gt; Sync ünïcødé\"")
            .count(),
        3
    );
    let path = dir.path().join("out.zip");
    dvrole().arg("validate").arg(&path).assert().success();
}

#[test]
fn managed_names_the_file_like_pac() {
    let dir = tempfile::tempdir().unwrap();
    common::cmd(dir.path())
        .args(["generate", "--managed"])
        .assert()
        .success();
    assert_eq!(
        files_in(dir.path()),
        ["ServerSideSyncRole_1_0_0_0_managed.zip"]
    );
    let zip = fs::read(dir.path().join("ServerSideSyncRole_1_0_0_0_managed.zip")).unwrap();
    let manifest = read_manifest(&entry(&zip, "solution.xml")[..]).unwrap();
    assert_eq!(manifest.managed.as_deref(), Some("1"));
}

#[test]
fn json_output_describes_what_was_written() {
    let dir = tempfile::tempdir().unwrap();
    let assert = common::cmd(dir.path())
        .args(["generate", "--json", "--exclude", "prvReadIncident"])
        .assert()
        .success();
    let v: serde_json::Value =
        serde_json::from_slice(&assert.get_output().stdout).expect("JSON on stdout");
    assert_eq!(v["output"], DEFAULT_ZIP);
    assert_eq!(v["role"]["name"], "Server-Side Sync User");
    assert_eq!(v["role"]["privileges"].as_array().unwrap().len(), 23);
    assert_eq!(v["solution"]["version"], "1.0.0.0");
}

/// Each bad input: exit 2, one line on stderr naming the input and the problem, no file.
#[test]
fn bad_input_exits_2_with_one_line_and_writes_nothing() {
    let long_name = "x".repeat(101);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--depth", "prvReadContcat=Global"],
            "unknown privilege 'prvReadContcat' (did you mean 'prvReadContact'?)",
        ),
        (
            vec!["--exclude", "prvReadMailbx"],
            "did you mean 'prvReadMailbox'",
        ),
        (
            vec!["--depth", "prvReadUserQuery=Global"],
            "prvReadUserQuery cannot have depth Global; it allows only Basic",
        ),
        (
            vec!["--depth", "prvReadEmailServerProfile=User"],
            "it allows only Global",
        ),
        (
            vec!["--depth", "prvReadContact=Everything"],
            "is not a depth",
        ),
        (
            vec!["--depth", "prvReadContact"],
            "expected PRIVILEGE=DEPTH",
        ),
        (
            vec!["--default-depth", "None"],
            "--default-depth 'None': 'None' leaves a privilege out, which is not possible here; use Basic/User, Local/BusinessUnit, Deep/ParentChild or Global/Organization",
        ),
        (
            vec!["--allow", "prvReadContact=Local,Most"],
            "'Most' is not a depth; use Basic/User, Local/BusinessUnit, Deep/ParentChild or Global/Organization\n",
        ),
        (
            vec!["--add", "ReadAccount=Global"],
            "'prv' followed by letters",
        ),
        (vec!["--add", "prvReadAccount"], "expected PRIVILEGE=DEPTH"),
        (
            vec!["--role-id", "not-a-guid"],
            "--role-id 'not-a-guid': not a GUID",
        ),
        (
            vec!["--role-id", "d5dc4257-ecf0-ef11-be21-6045bd00593"],
            "not a GUID",
        ),
        (
            vec!["--role-id", "00000000-0000-0000-0000-000000000000"],
            "all-zero GUID",
        ),
        (vec!["--solution-version", "1"], "2 to 4 parts"),
        (vec!["--solution-version", "1.0.0.0.0"], "2 to 4 parts"),
        (vec!["--solution-version", "1.0.a"], "2 to 4 parts"),
        (
            vec!["--solution-version", "1.99999999999"],
            "--solution-version",
        ),
        (vec!["--publisher-prefix", "a"], "2 to 8 letters or digits"),
        (
            vec!["--publisher-prefix", "toolongpx"],
            "2 to 8 letters or digits",
        ),
        (vec!["--publisher-prefix", "1abc"], "starts with a letter"),
        (
            vec!["--publisher-prefix", "ab_c"],
            "2 to 8 letters or digits",
        ),
        (
            vec!["--publisher-prefix", "mscrmx"],
            "may not start with 'mscrm'",
        ),
        (vec!["--option-value-prefix", "9999"], "from 10000 to 99999"),
        (
            vec!["--option-value-prefix", "100000"],
            "from 10000 to 99999",
        ),
        (vec!["--option-value-prefix", "ten"], "from 10000 to 99999"),
        (
            vec!["--solution-name", "1Sync"],
            "starts with a letter or '_'",
        ),
        (
            vec!["--solution-name", "Sync-Role"],
            "only letters, digits and '_'",
        ),
        (vec!["--solution-name", ""], "--solution-name ''"),
        (vec!["--publisher-name", "con toso"], "--publisher-name"),
        (vec!["--role-name", ""], "--role-name '': must not be empty"),
        (vec!["--role-name", "   "], "must not be empty"),
        (vec!["--role-name", &long_name], "at most 100 characters"),
        (
            vec!["--role-name", "Sync\u{1}User"],
            "control character U+0001",
        ),
        (
            vec!["--role-name", "Sync\nUser"],
            "control character U+000A",
        ),
        (vec!["--language", "english"], "--language 'english'"),
        (vec!["--catalogue", "no-such"], "no such built-in catalogue"),
        (
            vec![
                "--depth",
                "prvReadContact=Global",
                "--exclude",
                "prvReadContact",
            ],
            "prvReadContact is set twice",
        ),
    ];
    for (args, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let assert = common::cmd(dir.path())
            .arg("generate")
            .args(&args)
            .assert()
            .code(2);
        let out = assert.get_output();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(expected),
            "{args:?}: expected {expected:?} in {stderr:?}"
        );
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "{args:?}: one line: {stderr:?}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
        assert!(files_in(dir.path()).is_empty(), "{args:?}: no file written");
    }
}

#[test]
fn a_failed_run_leaves_the_previous_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("role.zip");
    fs::write(&out, b"previous").unwrap();
    dvrole()
        .args(["generate", "--depth", "prvReadUserQuery=Global", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    assert_eq!(fs::read(&out).unwrap(), b"previous");
    assert_eq!(files_in(dir.path()), ["role.zip"]);
}

#[test]
fn a_refused_second_zip_leaves_the_first_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join(DEFAULT_ZIP), b"previous").unwrap();
    fs::create_dir(d.join("ServerSideSyncRole_1_0_0_0_managed.zip")).unwrap();
    common::cmd(d)
        .args(["generate", "--package-type", "both"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "ServerSideSyncRole_1_0_0_0_managed.zip: is a folder",
        ));
    assert_eq!(fs::read(d.join(DEFAULT_ZIP)).unwrap(), b"previous");
    assert_eq!(
        files_in(d),
        [DEFAULT_ZIP, "ServerSideSyncRole_1_0_0_0_managed.zip"]
    );
}

#[test]
fn output_paths_that_cannot_be_written_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("file"), b"x").unwrap();
    dvrole()
        .arg("generate")
        .arg("-o")
        .arg(dir.path().join("file/sub/role.zip"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is a file, not a folder"));
    assert_eq!(files_in(dir.path()), ["file"]);
}
