//! `--privileges FILE`: the target environment's privilege table, and what it changes in
//! generate, validate, audit, report, explain and catalogue show.

use std::path::{Path, PathBuf};

use crate::common::{self, dvrole};
use crate::env_tables::{self, Env};
use predicates::prelude::*;
use serde_json::json;

fn customizations_of(zip: &Path) -> String {
    let bytes = std::fs::read(zip).unwrap();
    let (_, xml) = common::unzip(&bytes)
        .into_iter()
        .find(|(n, _)| n == "customizations.xml")
        .unwrap();
    String::from_utf8(xml).unwrap()
}

fn without_incident() -> Env {
    Env {
        lacks: vec!["prvReadIncident"],
        ..Env::default()
    }
}

fn refusing_basic_on_contact() -> Env {
    Env {
        flags: vec![("prvReadContact", [false, true, true, true])],
        ..Env::default()
    }
}

fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

#[test]
fn a_full_two_page_table_changes_nothing_in_the_package() {
    let dir = tempfile::tempdir().unwrap();
    let pages = env_tables::write_pages(dir.path(), "env", &Env::default());
    let plain = dir.path().join("plain.zip");
    let with = dir.path().join("with.zip");
    dvrole()
        .args(["generate", "-o"])
        .arg(&plain)
        .assert()
        .success();
    dvrole()
        .args(["generate", "-o"])
        .arg(&with)
        .args(env_tables::flags(&pages))
        .assert()
        .success()
        .stderr(
            predicate::str::contains("note")
                .not()
                .and(predicate::str::contains("warning").not()),
        );
    assert_eq!(
        std::fs::read(&plain).unwrap(),
        std::fs::read(&with).unwrap()
    );
}

#[test]
fn a_privilege_the_table_lacks_stops_generate_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let pages = env_tables::write_pages(dir.path(), "env", &without_incident());
    let out = dir.path().join("role.zip");
    std::fs::write(&out, b"old bytes").unwrap();
    let a = dvrole()
        .args(["generate", "-o"])
        .arg(&out)
        .args(env_tables::flags(&pages))
        .assert()
        .code(2);
    let err = stderr_of(&a);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("lacks prvReadIncident"), "{err}");
    assert!(err.contains("--exclude prvReadIncident"), "{err}");
    assert!(err.contains("--drop-absent"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"old bytes");

    // The folder format too: nothing is written.
    let folder = dir.path().join("folder");
    dvrole()
        .args(["generate", "--format", "folder", "-o"])
        .arg(&folder)
        .args(env_tables::flags(&pages))
        .assert()
        .code(2);
    assert!(!folder.exists());

    // Excluding it, as the message says, builds the role.
    dvrole()
        .args(["generate", "--exclude", "prvReadIncident", "-o"])
        .arg(&out)
        .args(env_tables::flags(&pages))
        .assert()
        .success();
    assert!(!customizations_of(&out).contains("prvReadIncident"));
}

#[test]
fn drop_absent_leaves_the_privilege_out_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let pages = env_tables::write_pages(dir.path(), "env", &without_incident());
    let out = dir.path().join("role.zip");
    dvrole()
        .args(["generate", "--drop-absent", "-o"])
        .arg(&out)
        .args(env_tables::flags(&pages))
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: prvReadIncident: not in the environment's privilege table; left out",
        ))
        .stderr(predicate::str::contains("with 23 privileges"));
    let xml = customizations_of(&out);
    assert!(!xml.contains("prvReadIncident"));
    assert!(xml.contains("prvReadContact"));
}

#[test]
fn config_keys_name_the_pages_relative_to_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("env");
    std::fs::create_dir(&sub).unwrap();
    let pages = env_tables::write_pages(&sub, "prod", &without_incident());
    let names: Vec<String> = pages
        .iter()
        .map(|p| format!("\"env/{}\"", p.file_name().unwrap().to_string_lossy()))
        .collect();
    std::fs::write(
        dir.path().join("dvrole.toml"),
        format!(
            "[environment]\nprivileges = [{}]\ndrop_absent = true\n",
            names.join(", ")
        ),
    )
    .unwrap();
    let run_dir = tempfile::tempdir().unwrap();
    let out = run_dir.path().join("role.zip");
    dvrole()
        .current_dir(run_dir.path())
        .arg("generate")
        .arg("--config")
        .arg(dir.path().join("dvrole.toml"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "prvReadIncident: not in the environment's",
        ));
    assert!(!customizations_of(&out).contains("prvReadIncident"));
    // The environment variable sets the list too.
    let joined: Vec<String> = pages.iter().map(|p| p.display().to_string()).collect();
    dvrole()
        .current_dir(run_dir.path())
        .arg("generate")
        .arg("-o")
        .arg(&out)
        .env("DVROLE_ENVIRONMENT_PRIVILEGES", joined.join(";"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("lacks prvReadIncident"));
}

#[test]
fn the_tables_depths_replace_the_catalogues() {
    let dir = tempfile::tempdir().unwrap();
    let pages = env_tables::write_pages(dir.path(), "env", &refusing_basic_on_contact());
    let out = dir.path().join("role.zip");
    dvrole()
        .args(["generate", "-o"])
        .arg(&out)
        .args(env_tables::flags(&pages))
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: prvReadContact: the environment allows Local/Deep/Global, the catalogue Basic/Local/Deep/Global",
        ));
    assert!(customizations_of(&out)
        .contains("<RolePrivilege name=\"prvReadContact\" level=\"Local\" />"));

    let a = dvrole()
        .args(["generate", "--depth", "prvReadContact=Basic", "-o"])
        .arg(&out)
        .args(env_tables::flags(&pages))
        .assert()
        .code(2);
    let err = stderr_of(&a);
    assert!(
        err.contains("prvReadContact cannot have depth Basic; it allows only Local/Deep/Global in the environment's privilege table"),
        "{err}"
    );

    // --add is checked against the table: its depth, and its existence.
    dvrole()
        .args(["generate", "--add", "prvReadPublisher=Basic", "-o"])
        .arg(&out)
        .args(env_tables::flags(&pages))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "it allows only Global in the environment's",
        ));
    dvrole()
        .args(["generate", "--add", "prvReadPublisher=Global", "-o"])
        .arg(&out)
        .args(env_tables::flags(&pages))
        .assert()
        .success()
        .stderr(predicate::str::contains("unchecked").not());
    dvrole()
        .args(["generate", "--add", "prvReadNothingLikeIt=Global", "-o"])
        .arg(&out)
        .args(env_tables::flags(&pages))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not hold it"));

    // The default depth moves to the nearest depth the environment allows.
    dvrole()
        .args(["generate", "--default-depth", "Basic", "-o"])
        .arg(&out)
        .args(env_tables::flags(&pages))
        .assert()
        .success();
    assert!(customizations_of(&out).contains("name=\"prvReadContact\" level=\"Local\""));
}

#[test]
fn pages_that_agree_merge_and_pages_that_disagree_name_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = env_tables::page_of(
        dir.path(),
        "a.json",
        json!([{"name": "prvReadContact", "canbebasic": true, "canbelocal": true, "canbedeep": true, "canbeglobal": true}]),
    );
    let same = env_tables::page_of(
        dir.path(),
        "same.json",
        json!([{"name": "prvReadContact", "canbebasic": true, "canbelocal": true, "canbedeep": true, "canbeglobal": true}]),
    );
    let other = env_tables::page_of(
        dir.path(),
        "other.json",
        json!([{"name": "prvreadcontact", "canbebasic": false, "canbelocal": true, "canbedeep": true, "canbeglobal": true}]),
    );
    dvrole()
        .args(["catalogue", "show", "server-side-sync", "--format", "csv"])
        .arg("--privileges")
        .arg(&a)
        .arg("--privileges")
        .arg(&same)
        .assert()
        .success();
    let out = dvrole()
        .args(["catalogue", "show", "server-side-sync"])
        .arg("--privileges")
        .arg(&a)
        .arg("--privileges")
        .arg(&other)
        .assert()
        .code(2);
    let err = stderr_of(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("a.json: row 1 (prvReadContact)"), "{err}");
    assert!(err.contains("other.json: row 1 (prvreadcontact)"), "{err}");
    assert!(err.contains("disagree"), "{err}");
}

#[test]
fn every_bad_page_is_exit_2_with_one_line_naming_the_file_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let good = r#""canbebasic": true, "canbelocal": true, "canbedeep": true, "canbeglobal": true"#;
    let cases: Vec<(&str, String, &str)> = vec![
        ("not-json.json", "this is not json".to_string(), "not-json.json:1:2: is not JSON"),
        ("array.json", "[]".to_string(), "array.json: is not a JSON object"),
        ("no-value.json", "{\"values\": []}".to_string(), "no-value.json: has no `value` array"),
        (
            "no-name.json",
            format!("{{\"value\": [{{\"name\": \"prvA\", {good}}}, {{{good}}}]}}"),
            "no-name.json: row 2: has no `name`",
        ),
        (
            "flag.json",
            "{\"value\": [{\"name\": \"prvA\", \"canbebasic\": 1, \"canbelocal\": true, \"canbedeep\": true, \"canbeglobal\": true}]}".to_string(),
            "flag.json: row 1 (prvA): `canbebasic` is 1, not true or false",
        ),
        (
            "id.json",
            format!("{{\"value\": [{{\"name\": \"prvA\", \"privilegeid\": \"{{not-a-guid}}\", {good}}}]}}"),
            "id.json: row 1 (prvA): `privilegeid` \"{not-a-guid}\" is not a GUID",
        ),
        (
            "no-depth.json",
            "{\"value\": [{\"name\": \"prvA\", \"canbebasic\": false, \"canbelocal\": false, \"canbedeep\": false, \"canbeglobal\": false}]}".to_string(),
            "no-depth.json: row 1 (prvA): allows no depth",
        ),
        ("utf16.json", "\u{0}{\u{0}".to_string(), "utf16.json:1:1: is not JSON (expected value)"),
    ];
    for (name, text, expected) in &cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        for command in [
            vec!["generate", "-o", "x.zip"],
            vec!["validate", "Cargo.toml"],
            vec!["explain", "prvReadContact"],
        ] {
            let a = dvrole()
                .current_dir(dir.path())
                .args(&command)
                .arg("--privileges")
                .arg(&path)
                .assert()
                .code(2);
            let err = stderr_of(&a);
            assert_eq!(err.lines().count(), 1, "{command:?} {name}: {err}");
            assert!(err.contains(expected), "{command:?} {name}: {err}");
        }
        assert!(!dir.path().join("x.zip").exists());
    }
    // A folder, a missing file, and a file over the cap.
    dvrole()
        .args(["generate", "--privileges"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a folder"));
    dvrole()
        .args(["generate", "--privileges"])
        .arg(dir.path().join("missing.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.json: does not exist"));
    let big = dir.path().join("big.json");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len((64 << 20) + 1).unwrap();
    dvrole()
        .args(["generate", "--privileges"])
        .arg(&big)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("big.json: is larger than 64 MiB"));
}

#[test]
fn a_table_missing_its_last_page_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let pages = env_tables::write_pages(dir.path(), "env", &Env::default());
    // Page 1 alone: the catalogue privileges are there, but the table is incomplete.
    let a = dvrole()
        .args([
            "generate",
            "--add",
            "prvReadnew_synthetic05999=Global",
            "-o",
        ])
        .arg(dir.path().join("r.zip"))
        .args(env_tables::flags(&pages[..1]))
        .assert()
        .code(2);
    let err = stderr_of(&a);
    assert!(
        err.contains("warning: every page of the privilege table"),
        "{err}"
    );
    assert!(err.contains("does not hold it"), "{err}");
    // Both pages: the privilege is on the second.
    dvrole()
        .args([
            "generate",
            "--add",
            "prvReadnew_synthetic05999=Global",
            "-o",
        ])
        .arg(dir.path().join("r.zip"))
        .args(env_tables::flags(&pages))
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not());
}

/// A customizations.xml holding one role with `privileges` (name, level).
fn role_xml(dir: &Path, privileges: &[(&str, &str)]) -> PathBuf {
    let mut xml = String::from(
        "<ImportExportXml><Roles><Role id=\"{5b2e8f10-7c3d-4a9e-b1f4-26d0c8e9a713}\" name=\"Sync\" isinherited=\"1\"><RolePrivileges>",
    );
    for (n, l) in privileges {
        xml.push_str(&format!("<RolePrivilege name=\"{n}\" level=\"{l}\" />"));
    }
    xml.push_str("</RolePrivileges></Role></Roles></ImportExportXml>");
    let path = dir.join("customizations.xml");
    std::fs::write(&path, xml).unwrap();
    path
}

#[test]
fn validate_checks_every_privilege_against_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let pages = env_tables::write_pages(dir.path(), "env", &refusing_basic_on_contact());
    let xml = role_xml(
        dir.path(),
        &[
            ("prvReadnew_synthetic00001", "Local"),
            ("prvReadnew_synthetic00002", "Global"),
            ("prvReadnew_synthetc00003", "Basic"),
            ("prvReadContact", "Basic"),
            ("prvReadContract", "Global"),
        ],
    );
    let out = dvrole()
        .arg("validate")
        .arg(&xml)
        .args(env_tables::flags(&pages))
        .assert()
        .code(1);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains(
            "prvReadnew_synthetic00002 cannot have depth Global; the environment allows only Basic"
        ),
        "{text}"
    );
    assert!(
        text.contains("prvReadnew_synthetc00003 is not in the privilege table")
            && text.contains("(did you mean 'prvReadnew_synthetic00003'?)"),
        "{text}"
    );
    assert!(
        text.contains(
            "prvReadContact cannot have depth Basic; the environment allows only Local/Deep/Global"
        ),
        "{text}"
    );
    assert!(!text.contains("prvReadContract"), "{text}");
    assert!(text.contains("3 problems"), "{text}");

    // What generate builds for the environment is valid there.
    let zip = dir.path().join("role.zip");
    dvrole()
        .args(["generate", "-o"])
        .arg(&zip)
        .args(env_tables::flags(&pages))
        .assert()
        .success();
    dvrole()
        .arg("validate")
        .arg(&zip)
        .args(env_tables::flags(&pages))
        .assert()
        .success();
}

#[test]
fn audit_and_report_want_the_role_generate_would_build() {
    let dir = tempfile::tempdir().unwrap();
    let pages = env_tables::write_pages(dir.path(), "env", &without_incident());
    let zip = dir.path().join("role.zip");
    dvrole()
        .args(["generate", "--drop-absent", "-o"])
        .arg(&zip)
        .args(env_tables::flags(&pages))
        .assert()
        .success();
    // Without the table the desired role holds prvReadIncident, which the package lacks.
    dvrole()
        .arg("audit")
        .arg(&zip)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("missing prvReadIncident"));
    dvrole()
        .arg("audit")
        .arg(&zip)
        .arg("--drop-absent")
        .args(env_tables::flags(&pages))
        .assert()
        .success()
        .stdout(predicate::str::contains("0 lack privileges"));
    dvrole()
        .arg("audit")
        .arg(&zip)
        .args(env_tables::flags(&pages))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("lacks prvReadIncident"));

    let pages = env_tables::write_pages(dir.path(), "basic", &refusing_basic_on_contact());
    dvrole()
        .args(["report", "--format", "csv"])
        .args(env_tables::flags(&pages))
        .assert()
        .success()
        .stdout(predicate::str::contains("prvReadContact,"))
        .stdout(predicate::str::contains("Local"))
        .stderr(predicate::str::contains(
            "the environment allows Local/Deep/Global",
        ));
}

#[test]
fn catalogue_show_gives_the_environments_depths() {
    let dir = tempfile::tempdir().unwrap();
    let mut env = refusing_basic_on_contact();
    env.lacks.push("prvReadIncident");
    let pages = env_tables::write_pages(dir.path(), "env", &env);
    let out = dvrole()
        .args(["catalogue", "show", "server-side-sync", "--format", "json"])
        .args(env_tables::flags(&pages))
        .assert()
        .success();
    let err = stderr_of(&out);
    assert!(
        err.contains("prvReadContact: the environment allows Local/Deep/Global"),
        "{err}"
    );
    assert!(
        err.contains("note: prvReadIncident: not in the privilege table"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let contact = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["privilege"] == "prvReadContact")
        .unwrap();
    assert_eq!(contact["allowed"], json!(["Local", "Deep", "Global"]));
    assert_eq!(contact["default"], "Local");
    assert_eq!(contact["object_type_code"], 2);
}

#[test]
fn explain_names_any_privilege_of_the_table_by_name_or_id() {
    let dir = tempfile::tempdir().unwrap();
    let pages = env_tables::write_pages(dir.path(), "env", &without_incident());
    let (name, id) = env_tables::synthetic(5998);
    let text = format!("Principal user is missing privilege (Id={id}) and also prvReadnew_synthetic00004, prvReadIncident");
    let out = dvrole()
        .args(["explain", &text, "--json"])
        .args(env_tables::flags(&pages))
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let ps = v["privileges"].as_array().unwrap();
    let by = |n: &str| ps.iter().find(|p| p["privilege"] == n).unwrap().clone();
    assert_eq!(ps.len(), 3, "{v:#}");
    let by_id = by(&name);
    assert_eq!(by_id["privilege_id"], id);
    assert_eq!(by_id["in_environment"], true);
    assert_eq!(by_id["allowed"], json!(["Basic"]));
    assert_eq!(
        by("prvReadnew_synthetic00004")["allowed"],
        json!(["Basic", "Local", "Deep", "Global"])
    );
    let incident = by("prvReadIncident");
    assert_eq!(incident["in_environment"], false);
    assert_eq!(incident["flags"], json!([]));
    // One command adds every privilege the environment holds; none names prvReadIncident.
    let fix = v["fix"].as_str().unwrap();
    assert_eq!(
        fix,
        format!(
            "dvrole generate --privileges {} --privileges {} --add prvReadnew_synthetic00004=Basic --add {name}=Basic",
            pages[0].display(),
            pages[1].display()
        )
    );
}

#[test]
fn fix_wants_the_role_generate_would_build_for_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let pages = env_tables::write_pages(dir.path(), "env", &without_incident());
    let role = role_xml(dir.path(), &[("prvReadContact", "Basic")]);
    let out = dir.path().join("fix.zip");
    // The table lacks prvReadIncident: fix stops as generate does, and writes nothing.
    let a = dvrole()
        .arg("fix")
        .arg(&role)
        .arg("-o")
        .arg(&out)
        .args(env_tables::flags(&pages))
        .assert()
        .code(2);
    let err = stderr_of(&a);
    assert!(err.contains("lacks prvReadIncident"), "{err}");
    assert!(!out.exists());
    // With --drop-absent the fixed role gains everything else, and not prvReadIncident.
    dvrole()
        .arg("fix")
        .arg(&role)
        .arg("--drop-absent")
        .arg("-o")
        .arg(&out)
        .args(env_tables::flags(&pages))
        .assert()
        .success();
    let xml = customizations_of(&out);
    assert!(!xml.contains("prvReadIncident"), "{xml}");
    assert!(xml.contains("prvReadEmailServerProfile"), "{xml}");
    // Without the table the same fix adds prvReadIncident.
    let plain = dir.path().join("plain.zip");
    dvrole()
        .arg("fix")
        .arg(&role)
        .arg("-o")
        .arg(&plain)
        .assert()
        .success();
    assert!(customizations_of(&plain).contains("prvReadIncident"));
}

/// A customizations.xml at `name` in `dir` holding one role `Sync` of the fixed id with
/// `privileges` (name, level).
fn role_xml_at(dir: &Path, name: &str, privileges: &[(&str, &str)]) -> PathBuf {
    let sub = dir.join(name);
    std::fs::create_dir_all(&sub).unwrap();
    role_xml(&sub, privileges)
}

#[test]
fn diff_lists_what_the_table_refuses_on_either_side() {
    let dir = tempfile::tempdir().unwrap();
    let pages = env_tables::write_pages(dir.path(), "env", &refusing_basic_on_contact());
    let a = role_xml_at(
        dir.path(),
        "a",
        &[
            ("prvReadContact", "Basic"),
            ("prvReadnew_synthetc00003", "Basic"),
        ],
    );
    let b = role_xml_at(
        dir.path(),
        "b",
        &[
            ("prvReadContact", "Global"),
            ("prvReadnew_synthetic00002", "Global"),
        ],
    );

    // Without a table: the differences only, and nothing about the environment.
    let plain = dvrole().arg("diff").arg(&a).arg(&b).assert().code(1);
    let plain = String::from_utf8(plain.get_output().stdout.clone()).unwrap();
    assert!(!plain.contains("refused"), "{plain}");

    let out = dvrole()
        .arg("diff")
        .arg(&a)
        .arg(&b)
        .args(env_tables::flags(&pages))
        .assert()
        .code(1);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for line in [
        "  refused in A: prvReadContact Basic: the environment allows only Local/Deep/Global",
        "  refused in A: prvReadnew_synthetc00003 Basic: the environment has no such privilege (did you mean 'prvReadnew_synthetic00003'?)",
        "  refused in B: prvReadnew_synthetic00002 Global: the environment allows only Basic",
    ] {
        assert!(text.lines().any(|l| l == line), "{line}\n{text}");
    }
    assert!(!text.contains("refused in B: prvReadContact"), "{text}");
    assert!(text.contains("; 3 privileges "), "{text}");

    // JSON: each role gains "refused" only when a table is given.
    let json = dvrole()
        .args(["diff", "--json"])
        .arg(&a)
        .arg(&b)
        .args(env_tables::flags(&pages))
        .assert()
        .code(1);
    let doc: serde_json::Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    let refused = &doc["roles"][0]["refused"];
    assert_eq!(refused.as_array().map(Vec::len), Some(3), "{doc}");
    assert_eq!(
        refused[1],
        json!({"allowed": null, "depth": "Basic", "nearest": "prvReadnew_synthetic00003",
               "privilege": "prvReadnew_synthetc00003", "reason": "absent", "side": "a"})
    );
    assert_eq!(refused[2]["allowed"], "Basic");
    assert_eq!(refused[2]["side"], "b");
    let without = dvrole()
        .args(["diff", "--json"])
        .arg(&a)
        .arg(&b)
        .assert()
        .code(1);
    let doc: serde_json::Value = serde_json::from_slice(&without.get_output().stdout).unwrap();
    assert!(doc["roles"][0].get("refused").is_none(), "{doc}");

    // The same role on both sides, valid in the environment: clean. With a privilege the
    // table refuses on both: the diff is the same, the exit is still 1.
    let ok = role_xml_at(dir.path(), "ok", &[("prvReadContact", "Local")]);
    dvrole()
        .arg("diff")
        .arg(&ok)
        .arg(&ok)
        .args(env_tables::flags(&pages))
        .assert()
        .success()
        .stdout(predicate::str::contains("; 0 privileges "));
    dvrole()
        .arg("diff")
        .arg(&a)
        .arg(&a)
        .args(env_tables::flags(&pages))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("same: role 'Sync'"));
}
