//! `dvrole audit`: what existing roles lack, over every input layout, and bad input.

use crate::common;

use common::zip_of;

use std::path::{Path, PathBuf};

use common::{dvrole, reference_dir};
use predicates::prelude::*;
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/audit")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn json_of(output: &[u8]) -> Value {
    serde_json::from_slice(output).expect("audit --json prints one JSON document")
}

/// The names of the roles in an `audit --json` document, in order.
fn role_names(doc: &Value) -> Vec<&str> {
    doc["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect()
}

/// Generates a zip with `options` (and the generate-only `identity` ones), then audits it
/// with the same options: nothing to report.
fn generate_then_audit(options: &[&str], identity: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("role.zip");
    dvrole()
        .arg("generate")
        .args(options)
        .args(identity)
        .arg("-o")
        .arg(&zip)
        .assert()
        .success();
    dvrole()
        .arg("audit")
        .arg(&zip)
        .args(options)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "audited 1 role: 0 lack privileges (0 missing, 0 too shallow); 0 deeper, 0 extra",
        ));
}

#[test]
fn a_generated_zip_audited_with_the_same_options_reports_nothing() {
    generate_then_audit(&[], &[]);
    generate_then_audit(
        &[
            "--default-depth",
            "Deep",
            "--depth",
            "prvReadContact=Global",
            "--exclude",
            "prvReadIncident",
            "--add",
            "prvReadAccount=Local",
        ],
        &["--role-name", "Sync", "--publisher-name", "contoso"],
    );
}

#[test]
fn a_generated_zip_audited_against_deeper_wishes_is_too_shallow() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("role.zip");
    dvrole()
        .args(["generate", "-o"])
        .arg(&zip)
        .assert()
        .success();
    let out = dvrole()
        .arg("audit")
        .arg(&zip)
        .args(["--depth", "prvReadContact=Global", "--json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    let findings = v["roles"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{v:#}");
    assert_eq!(findings[0]["kind"], "too-shallow");
    assert_eq!(findings[0]["privilege"], "prvReadContact");
    assert_eq!(findings[0]["have"], "Basic");
    assert_eq!(findings[0]["want"], "Global");
    assert_eq!(findings[0]["entity"], "contact");
    assert_eq!(findings[0]["tab"], "Core Records");
    assert_eq!(v["complete"], false);
    assert_eq!(v["summary"]["too_shallow"], 1);
}

#[test]
fn text_output_of_a_source_folder_matches_the_golden_file() {
    let out = common::cmd(&fixtures())
        .args([
            "audit",
            "source",
            "--depth",
            "prvReadContact=Local",
            "--show-extra",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    common::assert_golden_text(&fixtures().join("source.expected.txt"), &text);
}

#[test]
fn every_layout_yields_the_same_roles_and_findings() {
    let dir = tempfile::tempdir().unwrap();
    let custom = std::fs::read(fixtures().join("customizations.xml")).unwrap();
    let zip = write(
        dir.path(),
        "pkg.zip",
        &zip_of(&[
            ("customizations.xml", &custom),
            ("solution.xml", b"<ImportExportXml/>"),
            ("[Content_Types].xml", b"<Types/>"),
        ]),
    );
    let folder = dir.path().join("pkg");
    std::fs::create_dir(&folder).unwrap();
    write(&folder, "customizations.xml", &custom);
    let inputs: Vec<PathBuf> = vec![
        zip,
        folder,
        fixtures().join("source"),
        fixtures().join("customizations.xml"),
    ];
    let mut seen = Vec::new();
    for input in &inputs {
        let out = dvrole()
            .arg("audit")
            .arg(input)
            .arg("--json")
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let v = json_of(&out);
        let roles: Vec<(String, usize, String)> = v["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["name"].as_str().unwrap().to_string(),
                    r["findings"].as_array().unwrap().len(),
                    r["input"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        // The <Role> inside the app module is not a role.
        assert_eq!(roles.len(), 2, "{}: {roles:?}", input.display());
        assert_eq!(roles[0].2, input.display().to_string());
        seen.push(
            roles
                .into_iter()
                .map(|(n, f, _)| (n, f))
                .collect::<Vec<_>>(),
        );
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
    assert_eq!(seen[0][0].0, "Mailbox Owner");
}

#[test]
fn a_lone_role_file_is_audited() {
    dvrole()
        .arg("audit")
        .arg(fixtures().join("source/Roles/Sales Clerk.xml"))
        .args(["--json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"name\":\"Sales Clerk\""));
}

#[test]
fn role_filter_matches_name_or_id_and_unknown_roles_are_errors() {
    let src = fixtures().join("source");
    let count = |selector: &[&str]| {
        let out = dvrole()
            .arg("audit")
            .arg(&src)
            .args(selector)
            .arg("--json")
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        json_of(&out)["summary"]["roles"].as_u64().unwrap()
    };
    assert_eq!(count(&["--role", "sales clerk"]), 1);
    assert_eq!(
        count(&["--role", "0A9B8C7D-6E5F-4D3C-9B2A-1F0E9D8C7B6A"]),
        1
    );
    assert_eq!(
        count(&[
            "--role",
            "Sales Clerk",
            "--role",
            "{6b1d3c2a-4e5f-4a7b-8c9d-0e1f2a3b4c5d}"
        ]),
        2
    );
    dvrole()
        .arg("audit")
        .arg(&src)
        .args(["--role", "Nobody"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("--role 'Nobody'")
                .and(predicate::str::contains("Sales Clerk")),
        );
}

#[test]
fn json_schema_is_stable() {
    let out = dvrole()
        .arg("audit")
        .arg(fixtures().join("customizations.xml"))
        .args(["--json", "--role", "Mailbox Owner"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&v), ["complete", "desired", "roles", "summary"]);
    assert_eq!(keys(&v["desired"][0]), ["depth", "privilege"]);
    let role = &v["roles"][0];
    assert_eq!(
        keys(role),
        [
            "file",
            "findings",
            "id",
            "inherited",
            "input",
            "name",
            "privilege_count"
        ]
    );
    assert_eq!(
        keys(&role["findings"][0]),
        ["entity", "have", "kind", "privilege", "tab", "want"]
    );
    assert_eq!(
        keys(&v["summary"]),
        [
            "deeper",
            "extra",
            "inputs",
            "missing",
            "roles",
            "roles_lacking",
            "too_shallow"
        ]
    );
    let kinds: Vec<&str> = role["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"missing") && kinds.contains(&"deeper") && kinds.contains(&"extra"));
}

#[test]
fn real_exports_yield_their_roles_and_only_those() {
    let Some(reference) = reference_dir("real_exports_yield_their_roles_and_only_those") else {
        return;
    };
    let exports = reference.join("exports");
    let cases: &[(&str, &[&str])] = &[
        ("packages/Dynamics365", &[]),
        ("packages/PowerOps-Open", &[]),
        ("packages/ScriptMaster_8.0.1.79", &[]),
        (
            "packages/apollo-roles-excerpt_managed",
            &[
                "Apollo Admin",
                "Apollo Doctor",
                "Apollo Lab Technician",
                "Apollo Nurse",
                "Apollo Staff",
            ],
        ),
        (
            "packages/pnp-PromptManager_1_0_0_6_managed",
            &[
                "Prompt Library Admin",
                "Prompt Library User",
                "Prompt Manager Contributor",
            ],
        ),
        ("packages/pnp-termbuddy", &["termbuddy-user"]),
        ("unpacked/apollo", &["Apollo Nurse"]),
        ("unpacked/john00-crm", &["testrol"]),
        ("unpacked/pnp-termbuddy", &["termbuddy-user"]),
    ];
    for (dir, expected) in cases {
        let assert = dvrole()
            .arg("audit")
            .arg(exports.join(dir))
            .arg("--json")
            .assert();
        let out = assert.get_output();
        let code = out.status.code();
        assert_eq!(
            code,
            Some(if expected.is_empty() { 0 } else { 1 }),
            "{dir}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v = json_of(&out.stdout);
        assert_eq!(&role_names(&v), expected, "{dir}");
    }
}

/// Asserts that auditing `input` fails with exit 2 and one stderr line holding `expected`.
fn fails(input: &Path, extra: &[&str], expected: &[&str]) {
    let out = dvrole()
        .arg("audit")
        .arg(input)
        .args(extra)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for e in expected {
        assert!(stderr.contains(e), "expected {e:?} in {stderr:?}");
    }
}

const ROLE_XML: &str = r#"<ImportExportXml><Roles><Role id="{6b1d3c2a-4e5f-4a7b-8c9d-0e1f2a3b4c5d}" name="R"><RolePrivileges><RolePrivilege name="prvReadMailbox" level="Basic"/></RolePrivileges></Role></Roles></ImportExportXml>"#;

#[test]
fn bad_input_is_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    fails(
        &d.join("nowhere.zip"),
        &[],
        &["nowhere.zip", "does not exist"],
    );

    let good = zip_of(&[("customizations.xml", ROLE_XML.as_bytes())]);
    let truncated = write(d, "truncated.zip", good.get(..good.len() / 2).unwrap());
    fails(&truncated, &[], &["truncated.zip", "not a readable zip"]);

    let mut corrupt = good.clone();
    // Scramble the compressed bytes of the only entry (its data starts after the 30-byte
    // local header and the 18-byte name).
    for b in corrupt.iter_mut().skip(48).take(20) {
        *b ^= 0x5a;
    }
    let corrupt = write(d, "corrupt.zip", &corrupt);
    fails(&corrupt, &[], &["corrupt.zip!customizations.xml"]);

    // An entry that inflates far past the size it declares.
    let big = format!(
        "<ImportExportXml><Roles/>{}</ImportExportXml>",
        "<!-- padding -->".repeat(50_000)
    );
    let mut bomb = zip_of(&[("customizations.xml", big.as_bytes())]);
    let declared = 1000u32.to_le_bytes();
    bomb.splice(22..26, declared);
    let central = bomb
        .windows(4)
        .position(|w| w == [0x50, 0x4b, 0x01, 0x02])
        .unwrap();
    bomb.splice(central + 24..central + 28, declared);
    let bomb = write(d, "bomb.zip", &bomb);
    fails(&bomb, &[], &["bomb.zip!customizations.xml"]);

    let capped = write(d, "large.xml", big.as_bytes());
    fails(
        &capped,
        &["--max-entry-size", "64K"],
        &["large.xml", "65536-byte limit", "--max-entry-size"],
    );

    let malformed = write(
        d,
        "malformed.xml",
        b"<ImportExportXml>\n  <Roles>\n    <Role name=\"R\"></Rol>\n</ImportExportXml>",
    );
    fails(&malformed, &[], &["malformed.xml:3:", "not well-formed"]);

    let doctype = write(
        d,
        "doctype.xml",
        b"<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n<ImportExportXml>&b;</ImportExportXml>",
    );
    fails(&doctype, &[], &["doctype.xml:1:1", "DOCTYPE"]);

    let utf8 = write(
        d,
        "utf8.xml",
        b"<ImportExportXml><Roles><Role id=\"{6b1d3c2a-4e5f-4a7b-8c9d-0e1f2a3b4c5d}\" name=\"\xff\xfe\"/></Roles></ImportExportXml>",
    );
    fails(&utf8, &[], &["utf8.xml:1:"]);

    let empty_role = write(
        d,
        "empty-role.xml",
        b"<Role id=\"{6b1d3c2a-4e5f-4a7b-8c9d-0e1f2a3b4c5d}\" name=\"Empty\">\n  <IsCustomizable>1</IsCustomizable>\n</Role>",
    );
    fails(
        &empty_role,
        &[],
        &["empty-role.xml:1:1", "holds no <RolePrivilege>"],
    );

    let bad_level = write(d, "level.xml", ROLE_XML.replace("Basic", "Most").as_bytes());
    fails(
        &bad_level,
        &[],
        &["level.xml:1:", "prvReadMailbox has level \"Most\""],
    );

    let no_roles_folder = d.join("empty-folder");
    std::fs::create_dir(&no_roles_folder).unwrap();
    fails(
        &no_roles_folder,
        &[],
        &["empty-folder", "holds no customizations.xml"],
    );

    let other_root = write(d, "other.xml", b"<Types/>");
    fails(
        &other_root,
        &[],
        &["other.xml:1:1", "root element is <Types>"],
    );

    fails(
        &fixtures().join("source"),
        &["--depth", "prvReadContcat=Global"],
        &["--depth", "did you mean 'prvReadContact'"],
    );
    fails(
        &fixtures().join("source"),
        &["--max-entry-size", "lots"],
        &["--max-entry-size"],
    );
}

mod no_panic {
    use super::*;
    use dvrole::package::input::Input;
    use dvrole::package::read::Limits;
    use dvrole::part::roles::{RoleSink, RolesFile};
    use dvrole::xml::walk::XmlProblem;
    use proptest::prelude::*;

    /// Takes every role and privilege and keeps nothing.
    struct Ignore;

    impl RoleSink for Ignore {
        fn role(
            &mut self,
            _: Option<&str>,
            _: Option<&str>,
            _: Option<&str>,
            _: u64,
            _: RolesFile,
        ) -> Result<(), XmlProblem> {
            Ok(())
        }

        fn privilege(
            &mut self,
            _: Option<&str>,
            _: Option<&str>,
            _: u64,
        ) -> Result<(), XmlProblem> {
            Ok(())
        }

        fn end_role(&mut self) -> Result<(), XmlProblem> {
            Ok(())
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever the bytes, reading roles out of them ends in roles or an error, never a panic.
        #[test]
        fn arbitrary_bytes_never_panic(prefix in prop::sample::select(vec![
            "", "<ImportExportXml><Roles>", "<Role id=\"x\" name=\"y\"><RolePrivileges>", "PK\u{3}\u{4}",
        ]), body in prop::collection::vec(any::<u8>(), 0..400)) {
            let dir = tempfile::tempdir().unwrap();
            let mut bytes = prefix.as_bytes().to_vec();
            bytes.extend(body);
            let path = write(dir.path(), "x.xml", &bytes);
            if let Ok(mut input) = Input::open(&path, Limits::default()) {
                let _ = input.stream_roles(&mut Ignore);
            }
        }
    }
}

#[test]
fn audit_wants_what_the_config_file_asks_generate_for() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dvrole.toml"),
        "[role.depth]\nprvReadContact = \"Global\"\n",
    )
    .unwrap();
    // Built with the config: nothing lacks.
    common::cmd(dir.path())
        .args(["generate", "-o", "with.zip"])
        .assert()
        .success();
    common::cmd(dir.path())
        .args(["audit", "with.zip"])
        .assert()
        .code(0);
    // Built without it: the config's deeper prvReadContact is wanted.
    common::cmd(dir.path())
        .args(["generate", "--config", "/dev/null", "-o", "without.zip"])
        .assert()
        .success();
    common::cmd(dir.path())
        .args(["audit", "without.zip"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "too-shallow prvReadContact (entity contact, tab Core Records): have Basic, want Global",
        ));
}

#[test]
fn json_ends_after_the_last_whole_role_when_a_later_input_fails() {
    // The failure of a later input (parsed here, being short) ends the document after every
    // role before it, one a line, with no summary; the first input is small (parsed here
    // too) or large (parsed on the second thread).
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.xml",
        br#"<ImportExportXml><Roles><Role id="{9e4f8a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b}" name="Broken"><RolePrivileges><RolePrivilege name="prvReadContact" level="Sideways" /></RolePrivileges></Role></Roles></ImportExportXml>"#,
    );
    let large = many_roles(dir.path(), 3000, None);
    let large_names: Vec<String> = (0..3000).map(|i| format!("Role {i}")).collect();
    let small_names = ["Mailbox Owner".to_string(), "Sales Clerk".to_string()];
    for (first, names) in [
        (fixtures().join("customizations.xml"), &small_names[..]),
        (large, &large_names[..]),
    ] {
        for summary in [false, true] {
            let out = audit_json(summary)
                .arg(&first)
                .arg(&bad)
                .assert()
                .code(2)
                .get_output()
                .clone();
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert_eq!(stderr.lines().count(), 1, "summary {summary}: {stderr}");
            assert!(stderr.contains("Sideways"), "summary {summary}: {stderr}");
            assert!(out.stdout.starts_with(b"{\"desired\":["));
            assert_eq!(roles_of_cut_json(&out.stdout), names, "summary {summary}");
        }
    }
}

/// `dvrole audit --json`, with `--summary` when `summary` is set; the inputs follow.
fn audit_json(summary: bool) -> assert_cmd::Command {
    let mut command = dvrole();
    command.args(["audit", "--json"]);
    if summary {
        command.arg("--summary");
    }
    command
}

/// [`common::many_roles_xml`], written into `dir`.
fn many_roles(dir: &Path, count: usize, broken: Option<usize>) -> PathBuf {
    let xml = common::many_roles_xml(count, broken);
    write(dir, &format!("many-{count}-{broken:?}.xml"), xml.as_bytes())
}

/// The names of the roles in an `audit --json` document that an error cut short, checking
/// that it is cut after a whole role and holds no summary.
fn roles_of_cut_json(stdout: &[u8]) -> Vec<String> {
    let stdout = String::from_utf8(stdout.to_vec()).unwrap();
    assert!(!stdout.contains("\"summary\""));
    let mut lines = stdout.lines();
    assert!(lines.next().unwrap().ends_with("\"roles\":["));
    lines
        .map(|line| {
            let role: Value = serde_json::from_str(line.trim_end_matches(',')).unwrap();
            role["name"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn json_of_a_large_export_is_whole_and_in_order() {
    // Read on this thread and parsed on a second, the roles come out as they are in the
    // file, each once, with the summary after them.
    let dir = tempfile::tempdir().unwrap();
    let large = many_roles(dir.path(), 3000, None);
    let out = dvrole()
        .args(["audit", "--json"])
        .arg(&large)
        .arg(fixtures().join("customizations.xml"))
        .assert()
        .code(1)
        .get_output()
        .clone();
    let doc = json_of(&out.stdout);
    let names = role_names(&doc);
    let expected: Vec<String> = (0..3000).map(|i| format!("Role {i}")).collect();
    assert_eq!(names.len(), 3002);
    assert_eq!(names[..3000], expected[..]);
    assert_eq!(names[3000..], ["Mailbox Owner", "Sales Clerk"]);
    assert_eq!(doc["summary"]["roles"], 3002);
    assert_eq!(doc["summary"]["inputs"], 2);
}

#[test]
fn every_role_of_an_export_is_written_alike_whichever_thread_serializes_it() {
    // The roles of this export differ only in their names and ids. Whoever serializes a role
    // (the writer, or the parsing thread while the writer is behind, which a part parsed on
    // the calling thread always is), its line must be the same once those are set aside:
    // counts under --summary, findings otherwise.
    let dir = tempfile::tempdir().unwrap();
    for count in [40, 3000] {
        let export = many_roles(dir.path(), count, None);
        for summary in [false, true] {
            let out = audit_json(summary)
                .arg(&export)
                .assert()
                .code(1)
                .get_output()
                .clone();
            let text = String::from_utf8(out.stdout).unwrap();
            let lines: Vec<&str> = text.lines().skip(1).take(count).collect();
            assert_eq!(lines.len(), count);
            let alike = |i: usize, line: &str| {
                line.trim_end_matches(',')
                    .replace(&format!("\"Role {i}\""), "\"Role\"")
                    .replace(&format!("-{i:012}}}"), "-id}")
            };
            let first = alike(0, lines[0]);
            assert_eq!(first.contains("\"findings\""), !summary, "{first}");
            assert_eq!(first.contains("\"too_shallow\""), summary, "{first}");
            for (i, line) in lines.iter().enumerate() {
                assert_eq!(
                    alike(i, line),
                    first,
                    "role {i} of {count}, summary {summary}"
                );
            }
            // The summary counts every role's extras, whoever serialized it.
            let doc = json_of(text.as_bytes());
            let role = &doc["roles"][0];
            let extras = if summary {
                role["extra"].as_u64().unwrap()
            } else {
                let findings = role["findings"].as_array().unwrap();
                findings.iter().filter(|f| f["kind"] == "extra").count() as u64
            };
            assert_eq!(extras, 1, "{first}");
            assert_eq!(doc["summary"]["extra"], count as u64 * extras);
        }
    }
}

#[test]
fn json_of_a_large_export_broken_past_its_first_chunk_ends_after_the_last_whole_role() {
    let dir = tempfile::tempdir().unwrap();
    let broken = many_roles(dir.path(), 3000, Some(2500));
    for summary in [false, true] {
        let out = audit_json(summary)
            .arg(&broken)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "summary {summary}: {stderr}");
        assert!(
            stderr.contains("Role 2500") && stderr.contains("Sideways"),
            "summary {summary}: {stderr}"
        );
        let expected: Vec<String> = (0..2500).map(|i| format!("Role {i}")).collect();
        assert_eq!(
            roles_of_cut_json(&out.stdout),
            expected,
            "summary {summary}"
        );
    }
}
