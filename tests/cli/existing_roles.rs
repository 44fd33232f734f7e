//! The roles users already have: `fix`, `--into`, `diff` and `init --from`, on the real
//! exports under the reference material (skipped with a message where it is absent, a
//! failure under CI) and on small inputs written here.

use std::fs;
use std::path::{Path, PathBuf};

use dvrole::model::depth::Depth;
use dvrole::model::existing::ExistingRole;
use dvrole::package::read::Limits;
use dvrole::package::whole::read_whole_roles;
use serde_json::Value;

use crate::common::{cmd, dvrole, reference_dir, skip_or_fail, tree, xmllint};

fn exports(test: &str) -> Option<PathBuf> {
    reference_dir(test).map(|d| d.join("exports"))
}

fn roles(path: &Path) -> Vec<ExistingRole> {
    read_whole_roles(path, Limits::default())
        .expect("a readable input with roles")
        .roles
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn json_of(output: &[u8]) -> Value {
    serde_json::from_slice(output).expect("JSON on stdout")
}

/// Every privilege of `before` is in `after` at its depth or deeper, and id, name,
/// attributes (inheritance) and fields (IsCustomizable) are unchanged.
fn assert_kept_whole(before: &ExistingRole, after: &ExistingRole) {
    assert_eq!(after.id, before.id);
    assert_eq!(after.name, before.name);
    assert_eq!(after.attributes, before.attributes, "{}", before.name);
    assert_eq!(after.fields, before.fields, "{}", before.name);
    for p in &before.privileges {
        let now = after.depth_of(&p.name);
        assert!(
            now.is_some_and(|d| d >= p.depth),
            "{}: {} was {} and is now {now:?}",
            before.name,
            p.name,
            p.depth
        );
    }
}

#[test]
fn fix_of_the_prompt_manager_roles_keeps_them_whole_and_leaves_audit_clean() {
    let test = "fix_of_the_prompt_manager_roles";
    let Some(exports) = exports(test) else { return };
    let input = exports.join("packages/pnp-PromptManager_1_0_0_6_managed");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fix.zip");
    let run = dvrole()
        .arg("fix")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report = json_of(&run.stdout);
    let before = roles(&input);
    let after = roles(&out);
    assert_eq!(before.len(), 3);
    assert_eq!(
        after.len(),
        3,
        "every role lacked something, so all three are there"
    );
    for b in &before {
        let a = after
            .iter()
            .find(|a| a.id == b.id)
            .expect("the role is in the fix");
        assert_kept_whole(b, a);
        let r = report["roles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == b.name.as_str())
            .expect("the role is reported");
        let added = r["added"].as_array().unwrap().len();
        let raised = r["raised"].as_array().unwrap().len();
        assert_eq!(a.privileges.len(), b.privileges.len() + added);
        assert_eq!(raised, 0, "no Prompt Manager privilege is too shallow");
        assert!(added > 0);
    }
    // isinherited="1" is carried through.
    assert!(after.iter().all(|r| r.inheritance() == Some("1")));
    let audit = dvrole().arg("audit").arg(&out).output().unwrap();
    assert_eq!(
        audit.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&audit.stdout)
    );
    assert!(String::from_utf8_lossy(&audit.stdout).contains("0 lack privileges"));
    dvrole()
        .arg("validate")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains("valid, 3 roles"));

    // The published schema predates isinherited; the copy that allows it is the one the
    // fixed package is checked against.
    let Some(reference) = reference_dir(test) else {
        return;
    };
    let xsd = reference.join("xsd/9.0.0.2090-libxml2-current/CustomizationsSolution.xsd");
    if !xsd.is_file() {
        skip_or_fail(test, &format!("{} not found", xsd.display()));
        return;
    }
    if std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_err()
    {
        skip_or_fail(test, "xmllint not found (apt-get install libxml2-utils)");
        return;
    }
    let zip = fs::read(&out).unwrap();
    let (_, customizations) = crate::common::unzip(&zip)
        .into_iter()
        .find(|(n, _)| n == "customizations.xml")
        .unwrap();
    let (ok, said) = xmllint(&xsd, &customizations);
    assert!(ok, "xmllint: {said}");
}

#[test]
fn diff_of_original_and_fixed_lists_exactly_the_added_privileges() {
    let Some(exports) = exports("diff_of_original_and_fixed") else {
        return;
    };
    let input = exports.join("packages/pnp-PromptManager_1_0_0_6_managed");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fix.zip");
    let fix = dvrole()
        .args(["fix", "--json", "-o"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    let fix = json_of(&fix.stdout);
    let diff = dvrole()
        .args(["diff", "--json"])
        .arg(&input)
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(diff.status.code(), Some(1), "the roles differ");
    let diff = json_of(&diff.stdout);
    assert_eq!(diff["same"], false);
    for role in diff["roles"].as_array().unwrap() {
        assert_eq!(role["matched_by"], "id");
        assert!(role["fields"].as_array().unwrap().is_empty(), "{role}");
        assert!(role["only_in_a"].as_array().unwrap().is_empty(), "{role}");
        assert!(
            role["depth_changed"].as_array().unwrap().is_empty(),
            "{role}"
        );
        let fixed = fix["roles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == role["a"]["id"])
            .unwrap();
        let mut added: Vec<String> = fixed["added"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| format!("{}={}", p["privilege"], p["depth"]))
            .collect();
        let mut only_b: Vec<String> = role["only_in_b"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| format!("{}={}", p["privilege"], p["depth"]))
            .collect();
        added.sort();
        only_b.sort();
        assert_eq!(only_b, added);
    }
    // Against itself, nothing differs.
    dvrole()
        .arg("diff")
        .arg(&out)
        .arg(&out)
        .assert()
        .code(0)
        .stdout(predicates::str::contains("3 same, 0 different"));
}

/// Runs `fix --into` and `generate --into` on a copy of the tree at `source` and checks what
/// the issue asks: only `Roles/` and `Other/Solution.xml` change, the manifest gains the
/// generated role's declaration and nothing else, a second run changes nothing, `--check`
/// is clean and the tree validates. Returns the manifest's lines before and after.
fn into_tree(source: &Path) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("tree");
    copy_dir(source, &t);
    let original = tree(&t);
    let before_roles = roles(&t);

    // Before: the roles lack things, so a check of the tree reports drift.
    let check = dvrole()
        .args(["fix", "--check", "--into"])
        .arg(&t)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(
        said.contains("drift: ") && said.contains(": privilege prv") && said.contains(" added ("),
        "{said}"
    );
    assert_eq!(tree(&t), original, "--check writes nothing");

    dvrole().args(["fix", "--into"]).arg(&t).assert().success();
    dvrole()
        .args(["generate", "--into"])
        .arg(&t)
        .assert()
        .success();
    let changed = tree(&t);
    for (name, bytes) in &original {
        let now = changed.iter().find(|(n, _)| n == name).map(|(_, b)| b);
        if !name.starts_with("Roles/") && name != "Other/Solution.xml" {
            assert_eq!(now, Some(bytes), "{name} must stay byte-identical");
        }
    }
    let added: Vec<&String> = changed
        .iter()
        .map(|(n, _)| n)
        .filter(|n| !original.iter().any(|(o, _)| o == *n))
        .collect();
    assert_eq!(added, ["Roles/Server-Side Sync User.xml"]);
    for b in &before_roles {
        let after = roles(&t);
        let a = after.iter().find(|a| a.id == b.id).unwrap();
        assert_kept_whole(b, a);
    }

    // A second run of either changes nothing; --check of either is clean.
    dvrole().args(["fix", "--into"]).arg(&t).assert().success();
    dvrole()
        .args(["generate", "--into"])
        .arg(&t)
        .assert()
        .success()
        .stdout(predicates::str::contains("up to date"));
    assert_eq!(tree(&t), changed);
    dvrole()
        .args(["generate", "--check", "--into"])
        .arg(&t)
        .assert()
        .code(0);
    dvrole()
        .args(["fix", "--check", "--into"])
        .arg(&t)
        .assert()
        .code(0);
    dvrole()
        .arg("validate")
        .arg(&t)
        .assert()
        .code(0)
        .stdout(predicates::str::contains(": valid,"));
    dvrole().arg("audit").arg(&t).assert().code(0);
    let manifest = |files: &[(String, Vec<u8>)]| {
        files
            .iter()
            .find(|(n, _)| n == "Other/Solution.xml")
            .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
            .unwrap()
    };
    (manifest(&original), manifest(&changed))
}

#[test]
fn into_the_whole_automation_kit_tree_touches_only_roles_and_one_manifest_line() {
    let Some(exports) = exports("into_the_whole_automation_kit_tree") else {
        return;
    };
    let (before, after) = into_tree(&exports.join("trees/automation-kit-control-center"));
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    assert_eq!(new.len(), old.len() + 1, "exactly one line more");
    let at = old
        .iter()
        .zip(&new)
        .position(|(a, b)| a != b)
        .expect("a line was inserted");
    let mut without = new.clone();
    let line = without.remove(at);
    assert_eq!(without, old, "no other byte of the manifest changes");
    assert!(
        line.starts_with("      <RootComponent type=\"20\" id=\"{")
            && line.ends_with("}\" behavior=\"0\" />\n"),
        "{line:?}"
    );
    assert!(
        old[at].contains("</RootComponents>"),
        "the line ends the list"
    );
}

#[test]
fn into_the_smaller_trees_follows_each_manifest_style() {
    let Some(exports) = exports("into_the_smaller_trees") else {
        return;
    };
    for tree_name in [
        "trees/automation-coe-main",
        "unpacked/john00-crm",
        "unpacked/apollo",
        "unpacked/pnp-termbuddy",
    ] {
        let (before, after) = into_tree(&exports.join(tree_name));
        assert!(after.len() > before.len(), "{tree_name}");
        // Only an insertion: what was there is all still there, in order.
        let at = before
            .bytes()
            .zip(after.bytes())
            .position(|(a, b)| a != b)
            .unwrap();
        let inserted = after.len() - before.len();
        assert_eq!(&after[..at], &before[..at], "{tree_name}");
        assert_eq!(&after[at + inserted..], &before[at..], "{tree_name}");
        let line = &after[at..at + inserted];
        assert!(line.contains("type=\"20\""), "{tree_name}: {line:?}");
        assert_eq!(
            line.contains("\r\n"),
            before.contains("\r\n"),
            "{tree_name}: line endings"
        );
    }
}

#[test]
fn init_from_then_generate_then_diff_finds_nothing_for_every_real_role() {
    let Some(exports) = exports("init_from_then_generate_then_diff") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut count = 0;
    for input in [
        "packages/pnp-PromptManager_1_0_0_6_managed",
        "packages/apollo-roles-excerpt_managed",
        "packages/pnp-termbuddy",
        "trees/automation-kit-control-center",
        "trees/automation-coe-main",
        "unpacked/john00-crm",
        "unpacked/apollo",
    ] {
        let input = exports.join(input);
        for role in roles(&input) {
            let id = dvrole::model::guid::braced(role.id);
            let config = dir.path().join(format!("{count}.toml"));
            let zip = dir.path().join(format!("{count}.zip"));
            count += 1;
            dvrole()
                .args(["init", "--role", &id, "--from"])
                .arg(&input)
                .arg("-o")
                .arg(&config)
                .assert()
                .success();
            dvrole()
                .arg("generate")
                .arg("--config")
                .arg(&config)
                .arg("-o")
                .arg(&zip)
                .assert()
                .success();
            dvrole()
                .args(["diff", "--role", &id])
                .arg(&input)
                .arg(&zip)
                .assert()
                .code(0)
                .stdout(predicates::str::contains("1 same, 0 different"));
        }
    }
    assert_eq!(count, 16, "every real role was rebuilt");
}

// Small inputs written here, for what does not need the real exports.

const ROLE_ID: &str = "{11111111-2222-3333-4444-555555555555}";

fn role_file(privileges: &[(&str, &str)]) -> String {
    let mut s = format!(
        "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Role id=\"{ROLE_ID}\" name=\"Mailbox Owners\" isinherited=\"0\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n  <IsCustomizable>0</IsCustomizable>\n  <RolePrivileges>\n"
    );
    for (n, l) in privileges {
        s.push_str(&format!(
            "    <RolePrivilege name=\"{n}\" level=\"{l}\" />\n"
        ));
    }
    s.push_str("  </RolePrivileges>\n</Role>");
    s
}

const MANIFEST: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ImportExportXml version=\"9.2\">\n  <SolutionManifest>\n    <UniqueName>Contoso</UniqueName>\n    <Publisher>\n      <UniqueName>contoso</UniqueName>\n    </Publisher>\n    <RootComponents>\n      <RootComponent type=\"20\" id=\"{11111111-2222-3333-4444-555555555555}\" behavior=\"0\" />\n    </RootComponents>\n  </SolutionManifest>\n</ImportExportXml>\n";

fn small_tree(dir: &Path) -> PathBuf {
    let t = dir.join("src");
    fs::create_dir_all(t.join("Other")).unwrap();
    fs::create_dir_all(t.join("Roles")).unwrap();
    fs::write(t.join("Other/Solution.xml"), MANIFEST).unwrap();
    fs::write(
        t.join("Other/Customizations.xml"),
        "<ImportExportXml><Roles /></ImportExportXml>",
    )
    .unwrap();
    fs::write(
        t.join("Roles/Owners.xml"),
        role_file(&[("prvReadMailbox", "Global"), ("prvReadAccount", "Deep")]),
    )
    .unwrap();
    t
}

#[test]
fn fix_adds_raises_and_keeps_inheritance_and_customizable() {
    let dir = tempfile::tempdir().unwrap();
    let t = small_tree(dir.path());
    let out = dir.path().join("fix.zip");
    let run = dvrole()
        .args([
            "fix",
            "--json",
            "--depth",
            "prvReadContact=Global",
            "--solution-name",
            "OwnersFix",
            "-o",
        ])
        .arg(&out)
        .arg(&t)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report = json_of(&run.stdout);
    let role = &report["roles"][0];
    assert_eq!(role["id"], ROLE_ID);
    assert_eq!(role["privileges_before"], 2);
    assert_eq!(role["added"].as_array().unwrap().len(), 23);
    assert!(role["raised"].as_array().unwrap().is_empty());
    let fixed = roles(&out);
    assert_eq!(fixed[0].inheritance(), Some("0"));
    assert_eq!(fixed[0].customizable(), Some("0"));
    assert_eq!(
        fixed[0].depth_of("prvReadMailbox"),
        Some(Depth::Global),
        "never lowered"
    );
    assert_eq!(
        fixed[0].depth_of("prvReadAccount"),
        Some(Depth::Deep),
        "kept"
    );
    assert_eq!(fixed[0].depth_of("prvReadContact"), Some(Depth::Global));
    assert_eq!(report["solution"]["unique_name"], "OwnersFix");
    // A role file alone, with a privilege too shallow: raised.
    let file = dir.path().join("one.xml");
    fs::write(&file, role_file(&[("prvReadEmailServerProfile", "Basic")])).unwrap();
    let run = dvrole()
        .args(["fix", "--json", "-o"])
        .arg(dir.path().join("one.zip"))
        .arg(&file)
        .output()
        .unwrap();
    let report = json_of(&run.stdout);
    assert_eq!(
        report["roles"][0]["raised"][0],
        serde_json::json!({"privilege": "prvReadEmailServerProfile", "from": "Basic", "to": "Global"})
    );
}

#[test]
fn fix_writes_nothing_and_exits_0_when_nothing_lacks() {
    let dir = tempfile::tempdir().unwrap();
    cmd(dir.path())
        .args(["generate", "-o", "role.zip"])
        .assert()
        .success();
    cmd(dir.path())
        .args(["fix", "role.zip", "-o", "fix.zip"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("nothing to fix"));
    assert!(!dir.path().join("fix.zip").exists());
    let only: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().collect();
    assert_eq!(only.len(), 1, "nothing but the generated zip");
}

#[test]
fn fix_only_writes_the_roles_it_changed_and_honours_role() {
    let dir = tempfile::tempdir().unwrap();
    cmd(dir.path())
        .args(["generate", "-o", "complete.zip"])
        .assert()
        .success();
    fs::write(
        dir.path().join("lacking.xml"),
        role_file(&[("prvReadMailbox", "Basic")]),
    )
    .unwrap();
    cmd(dir.path())
        .args(["fix", "complete.zip", "lacking.xml", "-o", "fix.zip"])
        .assert()
        .success();
    let fixed = roles(&dir.path().join("fix.zip"));
    assert_eq!(fixed.len(), 1);
    assert_eq!(fixed[0].name, "Mailbox Owners");
    cmd(dir.path())
        .args([
            "fix",
            "complete.zip",
            "lacking.xml",
            "--role",
            "server-side sync user",
            "-o",
            "none.zip",
        ])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("nothing to fix"));
    assert!(!dir.path().join("none.zip").exists());
}

#[test]
fn fix_writes_folders_both_package_types_and_checks_drift() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("r.xml"),
        role_file(&[("prvReadMailbox", "Basic")]),
    )
    .unwrap();
    cmd(dir.path())
        .args(["fix", "r.xml", "--package-type", "both", "-o", "out.zip"])
        .assert()
        .success();
    assert!(dir.path().join("out.zip").is_file());
    assert!(dir.path().join("out_managed.zip").is_file());
    cmd(dir.path())
        .args([
            "fix",
            "r.xml",
            "--package-type",
            "both",
            "-o",
            "out.zip",
            "--check",
        ])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("up to date: out.zip"));
    cmd(dir.path())
        .args([
            "fix",
            "r.xml",
            "--package-type",
            "both",
            "-o",
            "out.zip",
            "--check",
            "--depth",
            "prvReadContact=Global",
        ])
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "prvReadContact depth changed Basic -> Global",
        ));
    // -o naming a folder (here one to be made) gets the default zip name inside it.
    cmd(dir.path())
        .args(["fix", "r.xml", "-o", "made/"])
        .assert()
        .success();
    assert!(dir
        .path()
        .join("made/ServerSideSyncRole_1_0_0_0.zip")
        .is_file());
    cmd(dir.path())
        .args(["fix", "r.xml", "--format", "folder", "-o", "folder"])
        .assert()
        .success();
    let files: Vec<String> = tree(&dir.path().join("folder"))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        files,
        [
            "Other/Customizations.xml",
            "Other/Solution.xml",
            "Roles/Mailbox Owners.xml"
        ]
    );
    dvrole()
        .arg("validate")
        .arg(dir.path().join("folder"))
        .assert()
        .code(0);
    let folder_roles = roles(&dir.path().join("folder"));
    assert_eq!(folder_roles[0].inheritance(), Some("0"));
}

#[test]
fn generate_into_derives_the_id_from_the_tree_publisher_and_writes_in_its_style() {
    let dir = tempfile::tempdir().unwrap();
    let t = small_tree(dir.path());
    dvrole()
        .args(["generate", "--into"])
        .arg(&t)
        .assert()
        .success();
    let contoso = dvrole()
        .args(["generate", "--json", "--publisher-name", "contoso", "-o"])
        .arg(dir.path().join("c.zip"))
        .output()
        .unwrap();
    let id = json_of(&contoso.stdout)["role"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let manifest = fs::read_to_string(t.join("Other/Solution.xml")).unwrap();
    assert!(
        manifest.contains(&format!(
            "behavior=\"0\" />\n      <RootComponent type=\"20\" id=\"{id}\" behavior=\"0\" />\n    </RootComponents>"
        )),
        "{manifest}"
    );
    // The new role file follows the tree's other role file: BOM, LF, no final newline.
    let bytes = fs::read(t.join("Roles/Server-Side Sync User.xml")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF<?xml"));
    assert!(!bytes.windows(2).any(|w| w == b"\r\n"));
    assert!(bytes.ends_with(b"</Role>"));
    // --role-id names an existing role: its file is rewritten in place, whatever its name.
    dvrole()
        .args([
            "generate",
            "--role-id",
            ROLE_ID,
            "--role-name",
            "Mailbox Owners",
            "--into",
        ])
        .arg(&t)
        .assert()
        .success()
        .stderr(predicates::str::contains("updated"));
    let now = roles(&t);
    let owners = now.iter().find(|r| r.part == "Roles/Owners.xml").unwrap();
    assert_eq!(owners.privileges.len(), 24);
}

#[test]
fn bad_input_is_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let t = small_tree(d);
    fs::create_dir_all(d.join("no-manifest/Roles")).unwrap();
    fs::create_dir_all(d.join("not-xml/Other")).unwrap();
    fs::write(d.join("not-xml/Other/Solution.xml"), "this is not XML <").unwrap();
    fs::write(
        d.join("no-role.xml"),
        "<ImportExportXml><Roles /></ImportExportXml>",
    )
    .unwrap();
    let tree_path = t.display().to_string();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["fix", &tree_path, "--role", "Nobody", "-o", "x.zip"],
            "--role 'Nobody': no role",
        ),
        (
            vec!["diff", &tree_path, &tree_path, "--role", "Nobody"],
            "--role 'Nobody': no role",
        ),
        (
            vec!["init", "--from", &tree_path, "--role", "Nobody"],
            "--role 'Nobody': no role",
        ),
        (
            vec!["fix", "--into", "no-manifest"],
            "holds no Other/Solution.xml",
        ),
        (
            vec!["generate", "--into", "no-manifest"],
            "holds no Other/Solution.xml",
        ),
        (vec!["fix", "--into", "not-xml"], "Solution.xml:1:"),
        (vec!["generate", "--into", "not-xml"], "Solution.xml:1:"),
        (vec!["generate", "--into", "missing"], "is not a folder"),
        (vec!["fix", "no-role.xml", "-o", "x.zip"], "holds no role"),
        (
            vec!["generate", "--into", &tree_path, "-o", "x.zip"],
            "--into writes into the tree",
        ),
        (
            vec!["fix", "--into", &tree_path, "--format", "folder"],
            "--into writes into the tree",
        ),
        (vec!["diff", "no-role.xml", &tree_path], "holds no role"),
        (
            vec!["init", "--from", "no-role.xml", "--role", "x"],
            "holds no role",
        ),
    ];
    let before = tree(d);
    for (args, expected) in cases {
        let out = cmd(d).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(tree(d), before, "no bad run writes anything");
}

#[test]
fn a_failed_into_leaves_the_tree_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let t = small_tree(dir.path());
    // Roles/ is a file, so the new role file cannot be staged.
    fs::remove_dir_all(t.join("Roles")).unwrap();
    fs::write(t.join("Roles"), b"not a folder").unwrap();
    let before = tree(&t);
    dvrole()
        .args(["generate", "--into"])
        .arg(&t)
        .assert()
        .code(2);
    assert_eq!(tree(&t), before);
}

#[test]
fn diff_says_when_roles_are_matched_by_name() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.xml"),
        role_file(&[("prvReadMailbox", "Basic")]),
    )
    .unwrap();
    let other_id = role_file(&[("prvReadMailbox", "Global"), ("prvReadQueue", "Basic")])
        .replace(ROLE_ID, "{99999999-2222-3333-4444-555555555555}")
        .replace("isinherited=\"0\" ", "");
    fs::write(dir.path().join("b.xml"), other_id).unwrap();
    let out = cmd(dir.path())
        .args(["diff", "a.xml", "b.xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("matched by name; the ids differ"), "{text}");
    assert!(text.contains("isinherited: A '0', B '1'"), "{text}");
    assert!(text.contains("only in B: prvReadQueue Basic"), "{text}");
    assert!(
        text.contains("depth: prvReadMailbox A Basic, B Global"),
        "{text}"
    );
}

mod property {
    use dvrole::model::depth::Depth;
    use dvrole::model::existing::{self, ExistingRole, Held};
    use dvrole::model::role::{Role, RolePrivilege};
    use dvrole::ops::audit::Desired;
    use dvrole::part::role_xml::render_role_file;
    use dvrole::part::roles::{read_roles, RolesFile};
    use proptest::prelude::*;
    use uuid::Uuid;

    const NAMES: &[&str] = &[
        "prvReadMailbox",
        "prvreadmailbox",
        "prvWriteMailbox",
        "prvReadContact",
        "prvReadAccount",
        "prvReadQueue",
        "prvSyncToOutlook",
        "prvCreateActivity",
        "prvX_1",
    ];

    fn depth() -> impl Strategy<Value = Depth> {
        prop::sample::select(vec![Depth::Basic, Depth::Local, Depth::Deep, Depth::Global])
    }

    fn privileges() -> impl Strategy<Value = Vec<(String, Depth)>> {
        prop::collection::vec(
            (
                prop::sample::select(NAMES).prop_map(str::to_string),
                depth(),
            ),
            0..12,
        )
    }

    proptest! {
        /// Whatever the role holds and whatever the desired role wants, fix never removes or
        /// lowers a privilege, and the role it writes leaves audit with nothing lacking.
        #[test]
        fn fix_never_removes_or_lowers_and_leaves_audit_clean(
            have in privileges(),
            want in privileges(),
        ) {
            let role = ExistingRole {
                id: Uuid::from_u128(5),
                name: "R".into(),
                attributes: vec![("isinherited".into(), "0".into())],
                fields: vec![("IsCustomizable".into(), "1".into())],
                privileges: ExistingRole::normalise_privileges(
                    have.iter().map(|(n, d)| Held { name: n.clone(), depth: *d }).collect(),
                ),
                location: String::new(),
                part: String::new(),
            };
            // The desired role holds each privilege once, as role::resolve builds it.
            let mut desired_privileges: Vec<RolePrivilege> = Vec::new();
            for (n, d) in &want {
                if !desired_privileges.iter().any(|p| p.name.eq_ignore_ascii_case(n)) {
                    desired_privileges.push(RolePrivilege { name: n.clone(), depth: *d, entry: None });
                }
            }
            let desired = Role { id: Uuid::from_u128(6), name: "D".into(), inheritance: dvrole::model::role::Inheritance::Direct, privileges: desired_privileges };
            let fixed = existing::fix(&role, &desired);
            for p in &role.privileges {
                let now = fixed.role.depth_of(&p.name);
                prop_assert!(now.is_some_and(|d| d >= p.depth), "{} lowered or removed", p.name);
            }
            prop_assert_eq!(&fixed.role.attributes, &role.attributes);
            prop_assert_eq!(&fixed.role.fields, &role.fields);
            // Written and read back, the role is complete by audit's own judgement.
            let bytes = render_role_file(&fixed.role).unwrap();
            let mut records = Vec::new();
            read_roles(bytes.as_slice(), |r| records.push(r.clone())).unwrap();
            prop_assert_eq!(records.len(), 1);
            let record = &records[0];
            let mut audit = Desired::new(&desired, &[]);
            audit.begin(record.id.as_deref(), record.name.as_deref(), 0, RolesFile::RoleFile, true);
            for p in &record.privileges {
                audit.add(p.name.as_deref(), p.level.as_deref(), p.offset).unwrap();
            }
            if record.privileges.is_empty() {
                // Audit refuses a role file without privileges; fix leaves one only when
                // neither side holds any.
                prop_assert!(role.privileges.is_empty() && desired.privileges.is_empty());
            } else {
                let result = audit.finish("r.xml").unwrap();
                prop_assert!(!result.lacks(), "{:?}", result.findings);
            }
            // A second fix changes nothing.
            prop_assert!(existing::fix(&fixed.role, &desired).changes.is_empty());
        }
    }
}

mod golden {
    use std::path::PathBuf;

    use crate::common::{assert_golden_text, cmd};

    fn fixtures() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/existing")
    }

    fn text(out: &[u8]) -> String {
        String::from_utf8(out.to_vec()).expect("UTF-8 output")
    }

    /// What fix prints and writes, what diff says of the result, and the config init --from
    /// writes, for a role file of our own: a role that lacks privileges, holds one too
    /// shallow, one deeper than wanted, one outside the catalogue, and says isinherited="0".
    #[test]
    fn fix_diff_and_init_from_of_a_role_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::copy(
            fixtures().join("mailbox-owner.xml"),
            d.join("mailbox-owner.xml"),
        )
        .unwrap();
        let fix = cmd(d)
            .args([
                "fix",
                "mailbox-owner.xml",
                "--format",
                "folder",
                "-o",
                "fixed",
            ])
            .output()
            .unwrap();
        assert!(fix.status.success(), "{}", text(&fix.stderr));
        assert_golden_text(&fixtures().join("fix.expected.txt"), &text(&fix.stdout));
        let role = std::fs::read(d.join("fixed/Roles/Contoso Mailbox Owner.xml")).unwrap();
        // The repository keeps fixtures with LF; the file's own conventions are checked here.
        assert!(role.starts_with(b"\xEF\xBB\xBF<?xml") && role.ends_with(b"</Role>"));
        assert!(!text(&role).replace("\r\n", "").contains('\n'), "CRLF only");
        assert_golden_text(
            &fixtures().join("fixed-role.expected.xml"),
            &text(&role).replace("\r\n", "\n"),
        );
        let diff = cmd(d)
            .args(["diff", "mailbox-owner.xml", "fixed"])
            .output()
            .unwrap();
        assert_eq!(diff.status.code(), Some(1));
        assert_golden_text(&fixtures().join("diff.expected.txt"), &text(&diff.stdout));
        cmd(d)
            .args(["init", "--from", "fixed", "--role", "contoso mailbox owner"])
            .assert()
            .success();
        let config = std::fs::read_to_string(d.join("dvrole.toml")).unwrap();
        assert_golden_text(&fixtures().join("dvrole.expected.toml"), &config);
    }
}
