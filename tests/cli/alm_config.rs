//! dvrole.toml, DVROLE_* variables and flags: precedence, provenance and errors.

use crate::common;

use common::cmd;

use std::fs;
use std::path::Path;

use serde_json::Value;

/// `--print-config --json` as (key, value, origin) for the key.
fn setting(dir: &Path, env: &[(&str, &str)], args: &[&str], key: &str) -> Vec<(Value, String)> {
    let mut c = cmd(dir);
    c.args(["generate", "--print-config", "--json"]).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.assert().success().get_output().stdout.clone();
    let json: Value = serde_json::from_slice(&out).unwrap();
    json["settings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["key"] == key)
        .map(|s| {
            (
                s["value"].clone(),
                s["origin"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn each_layer_overrides_the_one_below() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let v = |env: &[(&str, &str)], args: &[&str]| setting(d, env, args, "solution.version");
    assert_eq!(v(&[], &[]), [(Value::Null, "default".to_string())]);
    fs::write(
        d.join("dvrole.toml"),
        "# comment\n[solution]\nversion = \"1.1.0.0\"\n",
    )
    .unwrap();
    assert_eq!(
        v(&[], &[]),
        [(
            "1.1.0.0".into(),
            "dvrole.toml:3: solution.version".to_string()
        )]
    );
    let env = [("DVROLE_SOLUTION_VERSION", "2.0.0.0")];
    assert_eq!(
        v(&env, &[]),
        [("2.0.0.0".into(), "DVROLE_SOLUTION_VERSION".to_string())]
    );
    assert_eq!(
        v(&env, &["--solution-version", "3.0"]),
        [("3.0".into(), "--solution-version".to_string())]
    );
    // An empty variable counts as unset.
    assert_eq!(
        v(&[("DVROLE_SOLUTION_VERSION", "")], &[]),
        [(
            "1.1.0.0".into(),
            "dvrole.toml:3: solution.version".to_string()
        )]
    );
}

#[test]
fn lists_are_replaced_and_privilege_tables_merge() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("dvrole.toml"),
        "[role]\nexclude = [\"prvReadIncident\"]\n[role.depth]\nprvReadContact = \"Global\"\nprvReadQueue = \"Global\"\n",
    )
    .unwrap();
    let exclude = setting(
        d,
        &[("DVROLE_ROLE_EXCLUDE", "prvReadQueue")],
        &[],
        "role.exclude",
    );
    assert_eq!(
        exclude,
        [(
            serde_json::json!(["prvReadQueue"]),
            "DVROLE_ROLE_EXCLUDE".to_string()
        )]
    );
    let depth = setting(
        d,
        &[("DVROLE_ROLE_DEPTH", "prvReadQueue=Local")],
        &["--depth", "prvReadContact=Local"],
        "role.depth",
    );
    assert_eq!(
        depth,
        [
            ("prvReadContact=Local".into(), "--depth".to_string()),
            ("prvReadQueue=Local".into(), "DVROLE_ROLE_DEPTH".to_string()),
        ]
    );
}

#[test]
fn config_and_flags_give_byte_identical_packages() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("settings.toml"),
        r#"catalogue = ["server-side-sync"]
[solution]
name = "ContosoSync"
display_name = "Contoso Sync"
version = "2.3.4.5"
description = "For the mail team"
language = 1031
[publisher]
name = "contoso"
display_name = "Contoso"
prefix = "con"
option_value_prefix = 12345
[role]
name = "Mail Sync"
id = "2f3c1f8e-0d6b-4a8e-9a51-7c1d2e3f4a5b"
default_depth = "Local"
exclude = ["prvReadIncident"]
[role.depth]
prvReadContact = "Global"
[role.add]
prvReadAccount = "Local"
[role.allow]
prvReadQueue = ["Basic", "Global"]
[output]
path = "from-config.zip"
"#,
    )
    .unwrap();
    cmd(d)
        .args(["generate", "--config", "settings.toml"])
        .assert()
        .success();
    cmd(d)
        .args([
            "generate",
            "--catalogue=server-side-sync",
            "--solution-name=ContosoSync",
            "--solution-display-name=Contoso Sync",
            "--solution-version=2.3.4.5",
            "--description=For the mail team",
            "--language=1031",
            "--publisher-name=contoso",
            "--publisher-display-name=Contoso",
            "--publisher-prefix=con",
            "--option-value-prefix=12345",
            "--role-name=Mail Sync",
            "--role-id=2f3c1f8e-0d6b-4a8e-9a51-7c1d2e3f4a5b",
            "--default-depth=Local",
            "--exclude=prvReadIncident",
            "--depth=prvReadContact=Global",
            "--add=prvReadAccount=Local",
            "--allow=prvReadQueue=Basic,Global",
            "-o",
            "from-flags.zip",
        ])
        .assert()
        .success();
    let a = fs::read(d.join("from-config.zip")).unwrap();
    let b = fs::read(d.join("from-flags.zip")).unwrap();
    assert_eq!(a, b);
}

#[test]
fn bad_config_values_name_file_line_and_key() {
    let cases: &[(&str, &str)] = &[
        ("[role]\nnmae = \"x\"\n", "bad.toml:2: role.nmae: unknown key (did you mean 'role.name'?)"),
        ("colour = 1\n", "bad.toml:1: colour: unknown key"),
        ("[solution]\n\nversion = 1.0\n", "bad.toml:3: solution.version: expected a string, found float"),
        ("[role]\nname = 5\n", "bad.toml:2: role.name: expected a string, found integer"),
        ("[role]\nexclude = \"prvReadIncident\"\n", "bad.toml:2: role.exclude: expected a list of strings"),
        ("[role]\nexclude = [1]\n", "bad.toml:2: role.exclude: expected a list of strings, but an item is integer"),
        ("[solution]\nmanaged = \"yes\"\n", "bad.toml:2: solution.managed: expected true or false, found string"),
        ("[solution]\nlanguage = true\n", "bad.toml:2: solution.language: expected a whole number"),
        ("role = 3\n", "bad.toml:1: role: expected a table [role], found integer"),
        ("[role]\ndepth = \"Global\"\n", "bad.toml:2: role.depth: expected a table of privilege = depth"),
        ("[role.depth]\nprvReadContact = 3\n", "bad.toml:2: role.depth.prvReadContact: expected a depth"),
        ("[role.allow]\nprvReadContact = []\n", "bad.toml:2: role.allow.prvReadContact: the list of allowed depths is empty"),
        ("[solution]\nversion = \"1.x\"\n", "bad.toml:2: solution.version '1.x': a version has 2 to 4 parts"),
        ("[publisher]\nprefix = \"mscrm1\"\n", "bad.toml:2: publisher.prefix 'mscrm1'"),
        ("[publisher]\noption_value_prefix = 5\n", "bad.toml:2: publisher.option_value_prefix '5'"),
        ("[role]\nid = \"nope\"\n", "bad.toml:2: role.id 'nope': not a GUID"),
        ("[role]\ndefault_depth = \"Most\"\n", "bad.toml:2: role.default_depth 'Most'"),
        ("[role.depth]\nprvReadContcat = \"Global\"\n", "bad.toml:2: role.depth.prvReadContcat 'prvReadContcat=Global': unknown privilege 'prvReadContcat' (did you mean 'prvReadContact'?)"),
        ("[role.depth]\nprvReadUserQuery = \"Global\"\n", "bad.toml:2: role.depth.prvReadUserQuery 'prvReadUserQuery=Global': prvReadUserQuery cannot have depth Global"),
        ("catalogue = [\"nope\"]\n", "bad.toml:1: catalogue 'nope'"),
        ("[output]\nformat = \"tar\"\n", "bad.toml:2: output.format 'tar': expected one of zip, folder"),
        ("[output]\npackage_type = \"semi\"\n", "bad.toml:2: output.package_type 'semi': expected one of unmanaged, managed, both"),
        ("[solution]\nmanaged = true\n[output]\npackage_type = \"unmanaged\"\n", "contradicts"),
        ("[solution\n", "bad.toml:1: not valid TOML"),
        ("a = \"unterminated\n", "bad.toml:1: not valid TOML"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (text, expected) in cases {
        fs::write(dir.path().join("bad.toml"), text).unwrap();
        let out = cmd(dir.path())
            .args(["generate", "--config", "bad.toml"])
            .assert()
            .code(2)
            .get_output()
            .clone();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(expected),
            "{text:?}: expected {expected:?} in {stderr:?}"
        );
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
        assert!(out.stdout.is_empty());
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "nothing written for {text:?}"
        );
    }
}

#[test]
fn unreadable_config_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("dvrole.toml"), b"[role]\nname = \"\xff\"\n").unwrap();
    cmd(dir.path())
        .arg("generate")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "dvrole.toml: is not UTF-8 text (invalid byte at offset 15)",
        ));
    cmd(dir.path())
        .args(["generate", "--config", "missing.toml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "missing.toml: config file not found",
        ));
    cmd(dir.path())
        .args(["generate", "--print-config"])
        .env("DVROLE_SOLUTION_MANAGED", "maybe")
        .env("DVROLE_CONFIG", "none.toml")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "none.toml: config file not found",
        ));
}

#[test]
fn bad_environment_values_name_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    cmd(dir.path())
        .args(["generate", "--print-config"])
        .env("DVROLE_SOLUTION_MANAGED", "maybe")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "DVROLE_SOLUTION_MANAGED 'maybe': expected true or false (or 1, 0, yes, no)\n",
        ));
    cmd(dir.path())
        .arg("generate")
        .env("DVROLE_SOLUTION_VERSION", "v1")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("DVROLE_SOLUTION_VERSION 'v1'"));
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn print_config_text_is_toml_with_origins() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("dvrole.toml"),
        "[role.allow]\nprvReadQueue = [\"Basic\", \"Global\"]\n",
    )
    .unwrap();
    let out = cmd(dir.path())
        .args(["generate", "--print-config", "--managed"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("role.allow.prvReadQueue = [\"Basic\", \"Global\"]  # dvrole.toml:2: role.allow.prvReadQueue\n"), "{text}");
    assert!(
        text.contains("output.package_type = \"managed\"  # --managed\n"),
        "{text}"
    );
    assert!(
        text.contains("solution.version = \"1.0.0.0\"  # default\n"),
        "{text}"
    );
    // What it prints is itself a valid config giving the same settings.
    fs::write(dir.path().join("again.toml"), &text).unwrap();
    let again = cmd(dir.path())
        .args(["generate", "--print-config", "--config", "again.toml"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let again = String::from_utf8(again).unwrap();
    let values = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split("  #").next().unwrap().to_string())
            .collect()
    };
    assert_eq!(values(&text), values(&again));
}

#[test]
fn init_writes_a_starter_that_builds_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cmd(d)
        .arg("init")
        .assert()
        .success()
        .stdout("")
        .stderr("wrote dvrole.toml\n");
    let starter = fs::read_to_string(d.join("dvrole.toml")).unwrap();
    for setting in dvrole::settings::Setting::keyed() {
        let spec = setting.spec();
        let key = spec.key.unwrap();
        let leaf = key.rsplit('.').next().unwrap();
        // A literal default is shown as the commented value; any other default is described.
        match spec.default.toml(spec.kind) {
            Some(value) if !spec.kind.is_table() => assert!(
                starter.contains(&format!("\n# {leaf} = {value}\n")),
                "{key} shows its default {value}"
            ),
            _ => assert!(
                starter.contains(&format!("[{key}]"))
                    || starter
                        .replace("\n# ", " ")
                        .contains(&spec.default.describe().unwrap()),
                "{key} says what its default is"
            ),
        }
        assert!(starter.contains(&setting.env_var().unwrap()));
    }
    for fake in [
        "default_depth = \"Local\"",
        "description = \"\"",
        "2f3c1f8e",
    ] {
        assert!(!starter.contains(fake), "the starter shows no {fake}");
    }
    cmd(d)
        .arg("init")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "dvrole.toml: already exists; pass --force",
        ));
    fs::write(d.join("dvrole.toml"), "changed").unwrap();
    cmd(d).args(["init", "--force"]).assert().success();
    assert_eq!(fs::read_to_string(d.join("dvrole.toml")).unwrap(), starter);
    // A folder where the default file goes is refused even with --force: nothing is
    // written in it (-o FOLDER would name the folder to write dvrole.toml into).
    fs::create_dir_all(d.join("sub/dvrole.toml")).unwrap();
    cmd(&d.join("sub"))
        .args(["init", "--force"])
        .assert()
        .code(2)
        .stderr("dvrole: error: dvrole.toml: is a folder; name the file to write with -o, e.g. -o config/dvrole.toml\n");
    cmd(d)
        .args(["init", "-o", "sub"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("sub/dvrole.toml: is a folder"));
    assert!(fs::read_dir(d.join("sub/dvrole.toml"))
        .unwrap()
        .next()
        .is_none());
    fs::remove_dir_all(d.join("sub")).unwrap();
    cmd(d).args(["init", "-o", "other.toml"]).assert().success();
    // The starter (all commented) builds exactly what no config builds.
    cmd(d)
        .args(["generate", "-o", "with.zip"])
        .assert()
        .success();
    fs::remove_file(d.join("dvrole.toml")).unwrap();
    cmd(d)
        .args(["generate", "-o", "without.zip"])
        .assert()
        .success();
    assert_eq!(
        fs::read(d.join("with.zip")).unwrap(),
        fs::read(d.join("without.zip")).unwrap()
    );
    // Every commented default, uncommented, still builds the same: a commented value is
    // `# key = value`, a key being lowercase letters and `_`.
    let is_key = |k: &str| !k.is_empty() && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    let uncommented: String = starter
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if rest.split_once(" = ").is_some_and(|(k, _)| is_key(k)) => {
                rest.to_string()
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        uncommented.contains("\ndescription = \"Security role"),
        "{uncommented}"
    );
    fs::write(d.join("full.toml"), uncommented).unwrap();
    cmd(d)
        .args(["generate", "--config", "full.toml", "-o", "full.zip"])
        .assert()
        .success();
    assert_eq!(
        fs::read(d.join("full.zip")).unwrap(),
        fs::read(d.join("without.zip")).unwrap()
    );
}

#[test]
fn catalogue_paths_in_a_config_are_relative_to_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("conf")).unwrap();
    fs::write(
        d.join("conf/extra.toml"),
        r#"name = "extra"
description = "One more privilege"
source = "test"

[[entry]]
privilege = "prvReadAccount"
entity = "account"
tab = "Core Records"
allowed = ["Basic", "Local", "Deep", "Global"]
default = "Local"
source = "test"
"#,
    )
    .unwrap();
    fs::write(
        d.join("conf/dvrole.toml"),
        "catalogue = [\"server-side-sync\", \"./extra.toml\"]\n",
    )
    .unwrap();
    let out = cmd(d)
        .args(["report", "--format", "csv", "--config", "conf/dvrole.toml"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("\r\nprvReadAccount,account,Core Records,Local,"),
        "{text}"
    );
}

#[test]
fn a_flag_wins_over_a_config_that_excludes_the_same_privilege() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("dvrole.toml"),
        "[role]\nexclude = [\"prvReadContact\"]\n[role.depth]\nprvReadQueue = \"Global\"\n",
    )
    .unwrap();
    cmd(dir.path())
        .args([
            "generate",
            "--depth",
            "prvReadContact=Local",
            "--exclude",
            "prvReadQueue",
            "-o",
            "r.zip",
        ])
        .assert()
        .success();
    let zip = fs::read(dir.path().join("r.zip")).unwrap();
    let (_, xml) = common::unzip(&zip)
        .into_iter()
        .find(|(n, _)| n == "customizations.xml")
        .unwrap();
    let xml = String::from_utf8(xml).unwrap();
    assert!(
        xml.contains("name=\"prvReadContact\" level=\"Local\""),
        "the flag's depth wins"
    );
    assert!(
        !xml.contains("prvReadQueue"),
        "the flag's exclude wins over the config's depth"
    );
}
