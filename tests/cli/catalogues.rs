//! Catalogues from the command line: the built-ins, unions, custom files and their errors,
//! per-environment overrides, and `dvrole catalogue list` / `show`.

use crate::common;

use std::path::Path;

use common::dvrole;
use predicates::prelude::*;

const BUILTINS: [&str; 4] = [
    "server-side-sync",
    "app-for-outlook",
    "app-for-outlook-views",
    "exchange-sync",
];

fn fixture(name: &str) -> String {
    format!("fixtures/catalogues/{name}")
}

/// Runs `dvrole generate` with `args` into a temporary folder; returns customizations.xml.
fn generate(dir: &Path, args: &[&str]) -> String {
    let zip = dir.join("role.zip");
    dvrole()
        .arg("generate")
        .args(args)
        .arg("-o")
        .arg(&zip)
        .assert()
        .success();
    let file = std::fs::File::open(&zip).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut entry = archive.by_name("customizations.xml").unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut entry, &mut xml).unwrap();
    xml
}

/// The `level` of one privilege in customizations.xml, if the role holds it.
fn level(xml: &str, privilege: &str) -> Option<String> {
    let needle = format!("name=\"{privilege}\" level=\"");
    let start = xml.find(&needle)? + needle.len();
    let end = xml.get(start..)?.find('"')?;
    xml.get(start..start + end).map(str::to_string)
}

fn privileges_in(xml: &str) -> usize {
    xml.matches("<RolePrivilege ").count()
}

#[test]
fn each_builtin_generates_a_package_that_validate_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let selections: Vec<Vec<&str>> = BUILTINS
        .iter()
        .map(|b| vec!["--catalogue", *b])
        .chain([BUILTINS.iter().flat_map(|b| ["--catalogue", *b]).collect()])
        .collect();
    let expected = [24, 31, 4, 4, 45];
    for (args, count) in selections.iter().zip(expected) {
        let zip = dir.path().join("role.zip");
        let _ = std::fs::remove_file(&zip);
        let xml = generate(dir.path(), args);
        assert_eq!(privileges_in(&xml), count, "{args:?}");
        dvrole()
            .arg("validate")
            .arg(&zip)
            .assert()
            .success()
            .stdout(predicate::str::contains("valid"));
    }
}

#[test]
fn each_builtin_passes_microsoft_schema() {
    let Some(xsd) = common::schema_current("each_builtin_passes_microsoft_schema") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for builtin in BUILTINS {
        let (ok, said) = common::xmllint(
            &xsd,
            generate(dir.path(), &["--catalogue", builtin]).as_bytes(),
        );
        assert!(ok, "{builtin}: {said}");
    }
}

#[test]
fn a_union_holds_every_privilege_once_at_depths_all_allow() {
    let dir = tempfile::tempdir().unwrap();
    let xml = generate(
        dir.path(),
        &[
            "--catalogue",
            "server-side-sync",
            "--catalogue",
            "app-for-outlook",
        ],
    );
    // 24 + 31, less the 16 both hold.
    assert_eq!(privileges_in(&xml), 39);
    assert_eq!(level(&xml, "prvReadUser").as_deref(), Some("Local"));
    assert_eq!(level(&xml, "prvReadUserQuery").as_deref(), Some("Basic"));
    assert_eq!(level(&xml, "prvAssignContact").as_deref(), Some("Basic"));
}

#[test]
fn a_custom_catalogue_joins_the_union_and_the_deeper_default_wins() {
    let dir = tempfile::tempdir().unwrap();
    let team = fixture("team.toml");
    let xml = generate(
        dir.path(),
        &["--catalogue", "server-side-sync", "--catalogue", &team],
    );
    assert_eq!(privileges_in(&xml), 26);
    // server-side-sync says Basic, the team's file Deep: the deeper wins.
    assert_eq!(level(&xml, "prvReadContact").as_deref(), Some("Deep"));
    assert_eq!(level(&xml, "prvReadAccount").as_deref(), Some("Local"));
    assert_eq!(level(&xml, "prvReadLead").as_deref(), Some("Basic"));
}

#[test]
fn catalogues_that_share_no_depth_are_an_error_naming_both() {
    let conflict = fixture("conflict.toml");
    let out = dvrole()
        .args(["generate", "--catalogue", "server-side-sync", "--catalogue"])
        .arg(&conflict)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for part in [
        "server-side-sync",
        "wrong-views (fixtures/catalogues/conflict.toml)",
        "prvReadUserQuery",
        "allows Basic",
        "allows Global",
    ] {
        assert!(stderr.contains(part), "{part}: {stderr}");
    }
    // --allow settles the conflict for this environment.
    let dir = tempfile::tempdir().unwrap();
    let xml = generate(
        dir.path(),
        &[
            "--catalogue",
            "server-side-sync",
            "--catalogue",
            &conflict,
            "--allow",
            "prvReadUserQuery=Basic",
        ],
    );
    assert_eq!(level(&xml, "prvReadUserQuery").as_deref(), Some("Basic"));
}

#[test]
fn a_narrowing_override_changes_what_generate_writes() {
    let dir = tempfile::tempdir().unwrap();
    let plain = generate(dir.path(), &["--catalogue", "server-side-sync"]);
    assert_eq!(level(&plain, "prvReadContact").as_deref(), Some("Basic"));
    let env = fixture("env-no-basic.toml");
    let args = ["--catalogue", "server-side-sync", "--catalogue", &env];
    let narrowed = generate(dir.path(), &args);
    assert_eq!(level(&narrowed, "prvReadContact").as_deref(), Some("Local"));
    assert_eq!(privileges_in(&narrowed), 24);
    // The environment's rule holds against an explicit depth too.
    dvrole()
        .arg("generate")
        .args(args)
        .args(["--depth", "prvReadContact=Basic", "-o"])
        .arg(dir.path().join("never.zip"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "prvReadContact cannot have depth Basic; it allows only Local/Deep/Global",
        ));
    assert!(!dir.path().join("never.zip").exists());
}

#[test]
fn a_narrowing_override_changes_what_audit_wants() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.zip");
    dvrole()
        .args(["generate", "-o"])
        .arg(&plain)
        .assert()
        .success();
    let env = fixture("env-no-basic.toml");
    // Against the catalogue alone the default package lacks nothing...
    dvrole().arg("audit").arg(&plain).assert().code(0);
    // ...but that environment refuses Basic, so audit wants prvReadContact at Local.
    dvrole()
        .args(["audit", "--catalogue", "server-side-sync", "--catalogue"])
        .arg(&env)
        .arg(&plain)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "too-shallow prvReadContact (entity contact, tab Core Records): have Basic, want Local",
        ));
}

#[test]
fn every_bad_custom_catalogue_is_one_line_naming_file_entry_and_line() {
    let cases = [
        (
            "unknown-key.toml",
            17,
            "entry 2 (prvReadQueue)",
            "unknown field `depth`",
        ),
        (
            "duplicate.toml",
            20,
            "entry 3 (prvreadmailbox)",
            "listed twice",
        ),
        (
            "default-outside.toml",
            17,
            "entry 2 (prvReadQueue)",
            "not among the allowed",
        ),
        (
            "empty-allowed.toml",
            16,
            "entry 2 (prvReadQueue)",
            "lists no depth",
        ),
        (
            "bad-name.toml",
            14,
            "entry 2 (ReadQueue)",
            "'prv' followed by",
        ),
        ("malformed.toml", 15, "entry 2 (prvReadQueue)", "string"),
        (
            "missing-key.toml",
            13,
            "entry 2 (prvReadQueue)",
            "missing field `tab`",
        ),
        (
            "bad-depth.toml",
            16,
            "entry 2 (prvReadQueue)",
            "'Everything' is not a depth",
        ),
    ];
    for (file, line, entry, problem) in cases {
        let path = fixture(&format!("bad/{file}"));
        for command in [&["generate", "--catalogue"][..], &["catalogue", "show"][..]] {
            let out = dvrole()
                .args(command)
                .arg(&path)
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .assert()
                .code(2)
                .stdout("")
                .get_output()
                .clone();
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert_eq!(stderr.lines().count(), 1, "{file}: {stderr}");
            let at = format!("catalogue {path}:{line}: {entry}: ");
            assert!(stderr.contains(&at), "{file}: wanted {at} in {stderr}");
            assert!(stderr.contains(problem), "{file}: {stderr}");
        }
    }
}

#[test]
fn unreadable_catalogue_files_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let not_utf8 = dir.path().join("latin1.toml");
    let mut bytes = b"name = \"x\"\ndescription = \"d\"\nsource = \"s\"\n\n[[entry]]\nprivilege = \"prvReadQueue\"\nnote = \"caf".to_vec();
    bytes.extend_from_slice(b"\xe9\"\n");
    std::fs::write(&not_utf8, bytes).unwrap();
    let folder = dir.path().join("folder.toml");
    std::fs::create_dir(&folder).unwrap();
    let missing = dir.path().join("missing.toml");
    let cases = [
        (
            not_utf8.clone(),
            format!(
                "{}:7: entry 1 (prvReadQueue): the file is not UTF-8",
                not_utf8.display()
            ),
        ),
        (folder.clone(), format!("{}: is a folder", folder.display())),
        (
            missing.clone(),
            format!("{}: cannot read it", missing.display()),
        ),
    ];
    for (path, expected) in cases {
        let out = dvrole()
            .args(["generate", "--catalogue"])
            .arg(&path)
            .current_dir(dir.path())
            .assert()
            .code(2)
            .get_output()
            .clone();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(&expected), "wanted {expected} in {stderr}");
        let written: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "zip"))
            .collect();
        assert!(written.is_empty(), "nothing is written on error");
    }
}

#[test]
fn an_unknown_name_lists_the_builtins() {
    dvrole()
        .args(["generate", "--catalogue", "app-for-outlok"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--catalogue 'app-for-outlok': no such built-in catalogue and no such file (did you mean 'app-for-outlook'?); built-ins: server-side-sync, app-for-outlook, app-for-outlook-views",
        ));
}

#[test]
fn catalogue_list_names_every_builtin() {
    let out = dvrole().args(["catalogue", "list"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    for ((line, name), count) in lines.iter().zip(BUILTINS).zip([24, 31, 4, 4]) {
        assert!(line.starts_with(name), "{line}");
        assert!(line.contains(&format!("{count} privileges")), "{line}");
    }
    assert!(lines[0].ends_with("(default)"), "{}", lines[0]);

    let out = dvrole()
        .args(["catalogue", "list", "--json"])
        .assert()
        .success();
    let value: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let list = value["catalogues"].as_array().unwrap();
    let names: Vec<&str> = list.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, BUILTINS);
    assert_eq!(list[1]["privilege_count"], 31);
    assert_eq!(list[0]["default"], true);
    assert_eq!(list[2]["default"], false);
}

/// Compares `actual` with the golden file `show/NAME`; `DVROLE_BLESS=1` rewrites it first.
fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture(&format!("show/{name}")));
    common::assert_golden_text(&path, actual);
}

#[test]
fn catalogue_show_matches_golden_files_in_every_format() {
    for (format, file) in [
        ("md", "team+env.md"),
        ("csv", "team+env.csv"),
        ("json", "team+env.json"),
    ] {
        let out = dvrole()
            .args(["catalogue", "show"])
            .arg(fixture("team.toml"))
            .arg(fixture("env-no-basic.toml"))
            .args(["--format", format])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .assert()
            .success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        golden(file, &text);
    }
}

#[test]
fn catalogue_show_writes_each_builtin_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    for (name, count) in BUILTINS.iter().zip([24usize, 31, 4]) {
        for format in ["md", "csv", "json"] {
            let file = dir.path().join(format!("{name}.{format}"));
            dvrole()
                .args(["catalogue", "show", name, "--format", format, "-o"])
                .arg(&file)
                .assert()
                .success()
                .stdout("");
            let text = std::fs::read_to_string(&file).unwrap();
            let rows = match format {
                "md" => text.lines().filter(|l| l.starts_with("| prv")).count(),
                "csv" => text.split("\r\n").filter(|l| l.starts_with("prv")).count(),
                _ => {
                    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
                    assert_eq!(value["name"], *name);
                    value["entries"].as_array().unwrap().len()
                }
            };
            assert_eq!(rows, count, "{name} as {format}");
        }
    }
}

#[test]
fn catalogue_show_applies_allow_like_generate() {
    let out = dvrole()
        .args([
            "catalogue",
            "show",
            "server-side-sync",
            "--format",
            "json",
            "--allow",
            "prvReadContact=Local,Global",
        ])
        .assert()
        .success();
    let value: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let contact = value["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["privilege"] == "prvReadContact")
        .unwrap();
    assert_eq!(contact["allowed"], serde_json::json!(["Local", "Global"]));
    assert_eq!(contact["default"], "Local");
}

mod properties {
    use dvrole::model::catalogue::Catalogue;
    use dvrole::model::depth::Depth;
    use proptest::prelude::*;

    const DEPTHS: [&str; 4] = ["Basic", "Local", "Deep", "Global"];

    fn one_entry(name: &str, mask: u8, default: usize, over: bool) -> Catalogue {
        let allowed: Vec<String> = (0..4)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| format!("\"{}\"", DEPTHS[i]))
            .collect();
        let default = (0..4usize)
            .filter(|i| mask & (1 << i) != 0)
            .nth(default % allowed.len())
            .map(|i| DEPTHS[i])
            .unwrap();
        let text = format!(
            "name = \"{name}\"\ndescription = \"d\"\nsource = \"s\"\n[[entry]]\nprivilege = \"prvX\"\ntab = \"t\"\nallowed = [{}]\ndefault = \"{default}\"\noverride = {over}\nsource = \"s\"\n",
            allowed.join(", ")
        );
        Catalogue::parse(&text, name).unwrap()
    }

    proptest! {
        /// Whatever the text, loading it returns a catalogue or one line of error.
        #[test]
        fn parsing_any_text_never_panics(text in "(?s).{0,400}") {
            if let Err(e) = Catalogue::parse(&text, "any.toml") {
                let message = e.to_string();
                prop_assert!(message.starts_with("catalogue any.toml"), "{}", message);
                prop_assert!(!message.contains('\n'), "{}", message);
            }
        }

        /// Mangling a valid file anywhere gives a catalogue or one line of error.
        #[test]
        fn mangled_catalogues_never_panic(cut in 0usize..2000, junk in "[\\[\\]=\"' a-z\\n]{0,12}") {
            let text = include_str!("../../fixtures/catalogues/team.toml");
            let cut = (0..=cut.min(text.len())).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
            let mangled = format!("{}{junk}{}", &text[..cut], &text[cut..]);
            if let Err(e) = Catalogue::parse(&mangled, "m.toml") {
                prop_assert!(!e.to_string().contains('\n'));
            }
        }

        /// A union of plain entries allows exactly the common depths, with the deepest default
        /// or its nearest allowed neighbour, in either order.
        #[test]
        fn union_intersects_and_keeps_a_default_it_allows(
            a in 1u8..16, b in 1u8..16, da in 0usize..4, db in 0usize..4,
        ) {
            let x = one_entry("a", a, da, false);
            let y = one_entry("b", b, db, false);
            let ab = Catalogue::union(vec![x.clone(), y.clone()]);
            let ba = Catalogue::union(vec![y.clone(), x.clone()]);
            if a & b == 0 {
                prop_assert!(ab.is_err() && ba.is_err());
            } else {
                let (ab, ba) = (ab.unwrap(), ba.unwrap());
                let (e, f) = (ab.get("prvX").unwrap(), ba.get("prvX").unwrap());
                prop_assert_eq!(e.allowed, x.entries()[0].allowed.intersect(y.entries()[0].allowed));
                prop_assert_eq!(e.allowed, f.allowed);
                prop_assert_eq!(e.default, f.default);
                prop_assert!(e.allowed.contains(e.default));
                let deepest: Depth = x.entries()[0].default.max(y.entries()[0].default);
                prop_assert_eq!(Some(e.default), e.allowed.nearest(deepest));
            }
        }

        /// An override entry's depths win over any plain entry's.
        #[test]
        fn an_override_always_replaces(a in 1u8..16, b in 1u8..16, da in 0usize..4, db in 0usize..4) {
            let plain = one_entry("a", a, da, false);
            let over = one_entry("b", b, db, true);
            let u = Catalogue::union(vec![plain, over.clone()]).unwrap();
            let e = u.get("prvX").unwrap();
            prop_assert_eq!(e.allowed, over.entries()[0].allowed);
            prop_assert!(e.allowed.contains(e.default));
        }
    }
}
