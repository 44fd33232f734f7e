//! The bad-input corpus: every input surface (flags, config keys, catalogue keys, each
//! package reader, explain's text) fed something wrong. For each case: the exit code (2 for
//! bad input, 1 for findings), one clear line on stderr naming the input and the problem (or,
//! for findings, the finding on stdout and nothing on stderr), no panic and no backtrace, and
//! no output file created or changed.
//!
//! Hostile inputs (zip bombs, deep nesting, huge attributes) are made at test time.

use crate::common;

use common::zip_of;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

type Setup = Box<dyn Fn(&Path) -> Vec<OsString>>;

/// One bad input: what to set up and run, and what must come out.
struct Case {
    name: &'static str,
    setup: Setup,
    code: i32,
    expect: &'static str,
}

fn case(
    name: &'static str,
    code: i32,
    expect: &'static str,
    setup: impl Fn(&Path) -> Vec<OsString> + 'static,
) -> Case {
    Case {
        name,
        setup: Box::new(setup),
        code,
        expect,
    }
}

fn args(list: &[&str]) -> Vec<OsString> {
    list.iter().map(OsString::from).collect()
}

fn path_arg(p: PathBuf) -> OsString {
    p.into_os_string()
}

/// Every file under `dir` with its bytes (folders as empty entries).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                out.insert(p.clone(), None);
                stack.push(p);
            } else {
                out.insert(p.clone(), Some(fs::read(&p).unwrap_or_default()));
            }
        }
    }
    out
}

/// Rewrites the (single) entry's declared uncompressed size in both headers.
fn declare_size(zip: &mut [u8], size: u32) {
    let patch = |zip: &mut [u8], sig: &[u8; 4], at: usize| {
        let i = zip
            .windows(4)
            .position(|w| w == sig)
            .expect("header present");
        zip[i + at..i + at + 4].copy_from_slice(&size.to_le_bytes());
    };
    patch(zip, b"PK\x03\x04", 22);
    patch(zip, b"PK\x01\x02", 24);
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// A package folder: the sound fixture's solution.xml and [Content_Types].xml, and the
/// given customizations.xml.
fn package_folder(dir: &Path, customizations: &[u8]) -> PathBuf {
    let pkg = dir.join("pkg");
    fs::create_dir_all(&pkg).unwrap();
    for f in ["solution.xml", "[Content_Types].xml"] {
        fs::copy(fixture("validate/valid").join(f), pkg.join(f)).unwrap();
    }
    fs::write(pkg.join("customizations.xml"), customizations).unwrap();
    pkg
}

/// A generate run whose output would go to `out/role.zip`, which holds a previous package.
fn generate(dir: &Path, extra: &[&str]) -> Vec<OsString> {
    let out = dir.join("out");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("role.zip"), b"previous package").unwrap();
    let mut a = args(&["generate", "-o"]);
    a.push(path_arg(out.join("role.zip")));
    a.extend(args(extra));
    a
}

/// A generate run reading `dvrole.toml` with `config` from the working folder.
fn with_config(dir: &Path, config: &[u8]) -> Vec<OsString> {
    fs::write(dir.join("dvrole.toml"), config).unwrap();
    generate(dir, &[])
}

fn validate(path: PathBuf) -> Vec<OsString> {
    vec!["validate".into(), path.into_os_string()]
}

fn flag_cases() -> Vec<Case> {
    let g = |name: &'static str, expect: &'static str, extra: &'static [&'static str]| {
        case(name, 2, expect, move |d| generate(d, extra))
    };
    vec![
        g("unknown privilege", "did you mean 'prvReadContact'", &["--depth", "prvReadContcat=Global"]),
        g("depth not allowed", "it allows only Basic", &["--depth", "prvReadUserQuery=Global"]),
        g("depth word", "is not a depth", &["--default-depth", "Most"]),
        g("exclude unknown", "unknown privilege 'prvNothing'", &["--exclude", "prvNothing"]),
        g("add shape", "'prv' followed by letters", &["--add", "Read=Global"]),
        g("allow shape", "expected PRIVILEGE=DEPTH", &["--allow", "prvReadContact"]),
        g("role id", "--role-id '{1234}': not a GUID", &["--role-id", "{1234}"]),
        g("role name", "--role-name", &["--role-name", "tab\there"]),
        g("solution name", "--solution-name 'a b'", &["--solution-name", "a b"]),
        g("solution display name", "must not be empty", &["--solution-display-name", ""]),
        g("solution version", "2 to 4 parts", &["--solution-version", "1.2.3.4.5"]),
        g("description", "control character", &["--description", "bell\u{7}"]),
        g("publisher name", "--publisher-name '9x'", &["--publisher-name", "9x"]),
        g("publisher display name", "at most 256", &["--publisher-display-name", "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]),
        g("publisher prefix", "may not start with 'mscrm'", &["--publisher-prefix", "mscrm1"]),
        g("option value prefix", "from 10000 to 99999", &["--option-value-prefix", "123"]),
        g("language", "--language '0'", &["--language", "0"]),
        g("catalogue name", "no such built-in catalogue", &["--catalogue", "nonesuch"]),
        g("format", "--format", &["--format", "tarball"]),
        g("package type", "--package-type", &["--package-type", "half"]),
        case("output is a folder", 2, "is a folder", |d| {
            // -o FOLDER writes the default name inside it, here a folder too.
            fs::create_dir_all(d.join("out/ServerSideSyncRole_1_0_0_0.zip")).unwrap();
            let mut a = args(&["generate", "-o"]);
            a.push(path_arg(d.join("out")));
            a
        }),
        case("output a Windows path", 2, "no folder separator", |_| {
            args(&["generate", "-o", "C:\\Temp\\role.zip"])
        }),
        case("output folder unwritable", 2, "cannot create a file in /proc", |_| {
            args(&["generate", "-o", "/proc/dvrole-corpus.zip"])
        }),
        case("output beside a file", 2, "is a file, not a folder", |d| {
            fs::write(d.join("plain"), b"x").unwrap();
            let mut a = args(&["generate", "-o"]);
            a.push(path_arg(d.join("plain/role.zip")));
            a
        }),
        case("folder output over a file", 2, "is not a folder", |d| {
            fs::write(d.join("plain"), b"x").unwrap();
            let mut a = args(&["generate", "--format", "folder", "-o"]);
            a.push(path_arg(d.join("plain")));
            a
        }),
    ]
}

fn config_cases() -> Vec<Case> {
    let c = |name: &'static str, expect: &'static str, toml: &'static str| {
        case(name, 2, expect, move |d| with_config(d, toml.as_bytes()))
    };
    vec![
        c(
            "config catalogue",
            "dvrole.toml:1: catalogue",
            "catalogue = 5\n",
        ),
        c(
            "config solution.name",
            "dvrole.toml:2: solution.name",
            "[solution]\nname = \"has space\"\n",
        ),
        c(
            "config solution.display_name",
            "dvrole.toml:2: solution.display_name",
            "[solution]\ndisplay_name = \"\"\n",
        ),
        c(
            "config solution.version",
            "dvrole.toml:2: solution.version",
            "[solution]\nversion = \"1\"\n",
        ),
        c(
            "config solution.description",
            "dvrole.toml:2: solution.description",
            "[solution]\ndescription = \"a\\u0001b\"\n",
        ),
        c(
            "config solution.managed",
            "dvrole.toml:2: solution.managed",
            "[solution]\nmanaged = \"yes\"\n",
        ),
        c(
            "config solution.language",
            "dvrole.toml:2: solution.language",
            "[solution]\nlanguage = \"en\"\n",
        ),
        c(
            "config publisher.name",
            "dvrole.toml:2: publisher.name",
            "[publisher]\nname = \"1x\"\n",
        ),
        c(
            "config publisher.display_name",
            "dvrole.toml:2: publisher.display_name",
            "[publisher]\ndisplay_name = \"\"\n",
        ),
        c(
            "config publisher.prefix",
            "dvrole.toml:2: publisher.prefix",
            "[publisher]\nprefix = \"x\"\n",
        ),
        c(
            "config publisher.option_value_prefix",
            "dvrole.toml:2: publisher.option_value_prefix",
            "[publisher]\noption_value_prefix = 5\n",
        ),
        c(
            "config role.name",
            "dvrole.toml:2: role.name",
            "[role]\nname = \"\"\n",
        ),
        c(
            "config role.id",
            "dvrole.toml:2: role.id",
            "[role]\nid = \"nope\"\n",
        ),
        c(
            "config role.default_depth",
            "dvrole.toml:2: role.default_depth",
            "[role]\ndefault_depth = \"Deepest\"\n",
        ),
        c(
            "config role.exclude",
            "dvrole.toml:2: role.exclude",
            "[role]\nexclude = [\"prvReadContcat\"]\n",
        ),
        c(
            "config role.depth",
            "dvrole.toml:2: role.depth.prvReadUserQuery",
            "[role.depth]\nprvReadUserQuery = \"Global\"\n",
        ),
        c(
            "config role.add",
            "dvrole.toml:2: role.add",
            "[role.add]\nReadAccount = \"Global\"\n",
        ),
        c(
            "config role.allow",
            "dvrole.toml:2: role.allow.prvReadContact",
            "[role.allow]\nprvReadContact = [\"Most\"]\n",
        ),
        c(
            "config output.path",
            "dvrole.toml:2: output.path",
            "[output]\npath = 3\n",
        ),
        c(
            "config output.format",
            "dvrole.toml:2: output.format",
            "[output]\nformat = \"rar\"\n",
        ),
        c(
            "config output.package_type",
            "dvrole.toml:2: output.package_type",
            "[output]\npackage_type = \"half\"\n",
        ),
        c(
            "config unknown key",
            "dvrole.toml:2: role.bogus: unknown key",
            "[role]\nbogus = 1\n",
        ),
        c("config malformed", "dvrole.toml", "[role\nname = \"x\"\n"),
        case(
            "config invalid UTF-8",
            2,
            "dvrole.toml: is not UTF-8",
            |d| with_config(d, b"[role]\nname = \"\xff\xfe\"\n"),
        ),
        case("config is a folder", 2, "dvrole.toml: is a folder", |d| {
            fs::create_dir_all(d.join("dvrole.toml")).unwrap();
            generate(d, &[])
        }),
        case("config file missing", 2, "config file not found", |d| {
            generate(d, &["--config", "absent.toml"])
        }),
        case(
            "config from a device",
            2,
            "/dev/zero: is a character device",
            |_| args(&["report", "--config", "/dev/zero"]),
        ),
    ]
}

fn catalogue_cases() -> Vec<Case> {
    let bad = |name: &'static str, expect: &'static str, file: &'static str| {
        case(name, 2, expect, move |d| {
            let f = fixture("catalogues/bad").join(file);
            let dest = d.join(file);
            fs::copy(f, &dest).unwrap();
            generate(d, &["--catalogue", dest.to_str().unwrap()])
        })
    };
    let mut cases = vec![
        bad("catalogue bad depth", "bad-depth.toml:", "bad-depth.toml"),
        bad("catalogue bad name", "bad-name.toml:", "bad-name.toml"),
        bad(
            "catalogue default outside allowed",
            "is not among the allowed depths",
            "default-outside.toml",
        ),
        bad("catalogue duplicate", "listed twice", "duplicate.toml"),
        bad(
            "catalogue empty allowed",
            "lists no depth",
            "empty-allowed.toml",
        ),
        bad("catalogue malformed", "malformed.toml:", "malformed.toml"),
        bad(
            "catalogue missing key",
            "missing-key.toml:",
            "missing-key.toml",
        ),
        bad(
            "catalogue unknown key",
            "unknown-key.toml:",
            "unknown-key.toml",
        ),
    ];
    cases.push(case("catalogue empty file", 2, "empty.toml", |d| {
        fs::write(d.join("empty.toml"), b"").unwrap();
        generate(d, &["--catalogue", d.join("empty.toml").to_str().unwrap()])
    }));
    cases.push(case("catalogue invalid UTF-8", 2, "not UTF-8", |d| {
        fs::write(d.join("bin.toml"), b"name = \"\xc3\x28\"\n").unwrap();
        generate(d, &["--catalogue", d.join("bin.toml").to_str().unwrap()])
    }));
    cases.push(case("catalogue is a folder", 2, "is a folder", |d| {
        fs::create_dir_all(d.join("cat.toml")).unwrap();
        generate(d, &["--catalogue", d.join("cat.toml").to_str().unwrap()])
    }));
    cases
}

fn reader_cases() -> Vec<Case> {
    vec![
        case("validate missing path", 2, "does not exist", |d| {
            validate(d.join("absent.zip"))
        }),
        case("validate empty file", 2, "not a readable zip", |d| {
            fs::write(d.join("empty.zip"), b"").unwrap();
            validate(d.join("empty.zip"))
        }),
        case("validate truncated zip", 2, "not a readable zip", |d| {
            let zip = fs::read(fixture("golden/ServerSideSyncRole_1_0_0_0.zip")).unwrap();
            fs::write(d.join("t.zip"), &zip[..zip.len() - 30]).unwrap();
            validate(d.join("t.zip"))
        }),
        case(
            "validate corrupt entry data",
            2,
            "customizations.xml",
            |d| {
                let mut zip = fs::read(fixture("golden/ServerSideSyncRole_1_0_0_0.zip")).unwrap();
                for b in &mut zip[60..400] {
                    *b ^= 0x5a;
                }
                fs::write(d.join("c.zip"), &zip).unwrap();
                validate(d.join("c.zip"))
            },
        ),
        case(
            "zip entry inflating past its declared size",
            2,
            "declared",
            |d| {
                let mut body = b"<ImportExportXml>".to_vec();
                body.resize(64 << 20, b' ');
                let mut zip = zip_of(&[("customizations.xml", &body)]);
                declare_size(&mut zip, 1024);
                assert!(zip.len() < 1 << 20, "a small zip: {} bytes", zip.len());
                fs::write(d.join("bomb.zip"), &zip).unwrap();
                validate(d.join("bomb.zip"))
            },
        ),
        case(
            "zip entry declaring gigabytes",
            2,
            "over the 1073741824-byte limit",
            |d| {
                let mut zip = zip_of(&[("customizations.xml", b"<ImportExportXml/>")]);
                declare_size(&mut zip, 3 << 30);
                fs::write(d.join("big.zip"), &zip).unwrap();
                validate(d.join("big.zip"))
            },
        ),
        case(
            "zip with thousands of entries",
            1,
            "customizations.xml: is missing",
            |d| {
                let names: Vec<String> =
                    (0..5000).map(|i| format!("WebResources/r{i}.js")).collect();
                let entries: Vec<(&str, &[u8])> =
                    names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
                fs::write(d.join("many.zip"), zip_of(&entries)).unwrap();
                validate(d.join("many.zip"))
            },
        ),
        case(
            "zip with a path-traversal entry",
            1,
            "customizations.xml: is missing",
            |d| {
                let zip = zip_of(&[
                    ("../../customizations.xml", b"<ImportExportXml/>"),
                    ("solution.xml", b"<x/>"),
                ]);
                fs::write(d.join("trav.zip"), zip).unwrap();
                validate(d.join("trav.zip"))
            },
        ),
        case("DOCTYPE declaring entities", 1, "DOCTYPE", |d| {
            let xml = b"<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><ImportExportXml><Roles><Role id=\"{0f3a6c1e-5b2d-4e8f-9a7c-1d2e3f4a5b6c}\" name=\"&b;\"/></Roles></ImportExportXml>";
            validate(package_folder(d, xml))
        }),
        case("nesting 100,000 elements deep", 1, "truncated", |d| {
            let mut xml = b"<ImportExportXml>".to_vec();
            for _ in 0..100_000 {
                xml.extend_from_slice(b"<a>");
            }
            validate(package_folder(d, &xml))
        }),
        case(
            "a 50 MB attribute value",
            1,
            "has a name of 65536 or more UTF-16 code units",
            |d| {
                let mut xml = b"<ImportExportXml><Roles><Role id=\"{0f3a6c1e-5b2d-4e8f-9a7c-1d2e3f4a5b6c}\" name=\"".to_vec();
                xml.resize(xml.len() + 50_000_000, b'n');
                xml.extend_from_slice(b"\"><RolePrivileges><RolePrivilege name=\"prvReadMailbox\" level=\"Basic\"/></RolePrivileges></Role></Roles></ImportExportXml>");
                validate(package_folder(d, &xml))
            },
        ),
        case("invalid UTF-8 in XML", 1, "customizations.xml:1:", |d| {
            validate(package_folder(
                d,
                b"<ImportExportXml><Roles><Role name=\"\xff\xfe\"/></Roles></ImportExportXml>",
            ))
        }),
        case("empty customizations.xml", 1, "holds no XML element", |d| {
            validate(package_folder(d, b""))
        }),
        case(
            "customizations.xml is a folder",
            1,
            "customizations.xml: is missing",
            |d| {
                let pkg = package_folder(d, b"");
                fs::remove_file(pkg.join("customizations.xml")).unwrap();
                fs::create_dir(pkg.join("customizations.xml")).unwrap();
                validate(pkg)
            },
        ),
        case("validate entry cap", 2, "--max-entry-size 'huge'", |d| {
            let mut a = args(&["validate", "--max-entry-size", "huge"]);
            a.push(path_arg(fixture("validate/valid")));
            let _ = d;
            a
        }),
    ]
}

fn audit_explain_cases() -> Vec<Case> {
    let role_file = |d: &Path, body: &str| {
        let f = d.join("role.xml");
        fs::write(
            &f,
            format!(
                "<Role id=\"{{0f3a6c1e-5b2d-4e8f-9a7c-1d2e3f4a5b6c}}\" name=\"R\">{body}</Role>"
            ),
        )
        .unwrap();
        vec!["audit".into(), f.into_os_string()]
    };
    vec![
        case("audit missing path", 2, "does not exist", |d| {
            vec!["audit".into(), d.join("absent").into_os_string()]
        }),
        case("audit truncated zip", 2, "not a readable zip", |d| {
            let zip = fs::read(fixture("golden/ServerSideSyncRole_1_0_0_0.zip")).unwrap();
            fs::write(d.join("t.zip"), &zip[..zip.len() / 3]).unwrap();
            vec!["audit".into(), d.join("t.zip").into_os_string()]
        }),
        case(
            "audit role file without privileges",
            2,
            "holds no <RolePrivilege>",
            move |d| role_file(d, "<RolePrivileges/>"),
        ),
        case(
            "audit level that is no depth",
            2,
            "which is not Basic, Local, Deep or Global",
            move |d| {
                role_file(d, "<RolePrivileges><RolePrivilege name=\"prvReadQueue\" level=\"All\"/></RolePrivileges>")
            },
        ),
        case("audit DOCTYPE", 2, "DOCTYPE", |d| {
            let f = d.join("d.xml");
            fs::write(&f, "<!DOCTYPE Role [<!ENTITY x \"y\">]><Role id=\"{0f3a6c1e-5b2d-4e8f-9a7c-1d2e3f4a5b6c}\" name=\"&x;\"/>").unwrap();
            vec!["audit".into(), f.into_os_string()]
        }),
        case("audit malformed XML", 2, "customizations.xml:1:", |d| {
            let pkg = package_folder(d, b"<ImportExportXml><Roles></Role></ImportExportXml>");
            vec!["audit".into(), pkg.into_os_string()]
        }),
        case("audit unknown role", 2, "--role 'nobody'", |d| {
            let mut a = args(&["audit", "--role", "nobody"]);
            a.push(path_arg(fixture("golden/ServerSideSyncRole_1_0_0_0.zip")));
            let _ = d;
            a
        }),
        case("audit depth flag", 2, "it allows only Global", |d| {
            let mut a = args(&["audit", "--depth", "prvReadOrganization=Basic"]);
            a.push(path_arg(fixture("golden/ServerSideSyncRole_1_0_0_0.zip")));
            let _ = d;
            a
        }),
        case(
            "explain text naming nothing",
            1,
            "no privilege found",
            |_| args(&["explain", "the server said no"]),
        ),
        case("explain catalogue", 2, "--catalogue 'nonesuch'", |_| {
            args(&["explain", "--catalogue", "nonesuch", "prvReadQueue"])
        }),
    ]
}

/// The environment's privilege table (`--privileges`), inheritance, probable misspellings.
fn environment_cases() -> Vec<Case> {
    let page = |name: &'static str, text: &'static str, command: &'static [&'static str]| {
        move |d: &Path| {
            let f = d.join(name);
            fs::write(&f, text).unwrap();
            let mut a = match command.first() {
                Some(&"generate") => generate(d, &[]),
                _ => args(command),
            };
            a.push("--privileges".into());
            a.push(f.into_os_string());
            a
        }
    };
    vec![
        case(
            "table not JSON",
            2,
            "t.json:1:1: is not JSON",
            page("t.json", "<html>", &["generate"]),
        ),
        case(
            "table without value",
            2,
            "t.json: has no `value` array",
            page("t.json", "{\"error\": {}}", &["generate"]),
        ),
        case(
            "table row without name",
            2,
            "t.json: row 1: has no `name`",
            page(
                "t.json",
                r#"{"value": [{"canbebasic": true}]}"#,
                &["generate"],
            ),
        ),
        case(
            "table flag not a boolean",
            2,
            "t.json: row 1 (prvA): `canbedeep` is \"no\", not true or false",
            page(
                "t.json",
                r#"{"value": [{"name": "prvA", "canbebasic": true, "canbelocal": true, "canbedeep": "no", "canbeglobal": true}]}"#,
                &["generate"],
            ),
        ),
        case(
            "table malformed id",
            2,
            "t.json: row 1 (prvA): `privilegeid` \"12\" is not a GUID",
            page(
                "t.json",
                r#"{"value": [{"name": "prvA", "privilegeid": "12", "canbebasic": true, "canbelocal": true, "canbedeep": true, "canbeglobal": true}]}"#,
                &["validate", "Cargo.toml"],
            ),
        ),
        case(
            "table row allowing no depth",
            2,
            "t.json: row 1 (prvA): allows no depth",
            page(
                "t.json",
                r#"{"value": [{"name": "prvA", "canbebasic": false, "canbelocal": false, "canbedeep": false, "canbeglobal": false}]}"#,
                &["explain", "prvA"],
            ),
        ),
        case(
            "table lacking a role privilege",
            2,
            "lacks prvAppendActivity, prvAppendToActivity",
            page(
                "t.json",
                r#"{"value": [{"name": "prvA", "canbebasic": true, "canbelocal": true, "canbedeep": true, "canbeglobal": true}]}"#,
                &["generate"],
            ),
        ),
        case("table is a folder", 2, "is a folder", |d| {
            let mut a = generate(d, &[]);
            a.push("--privileges".into());
            a.push(d.as_os_str().to_owned());
            a
        }),
        case("inheritance value", 2, "--inheritance 'teams'", |d| {
            generate(d, &["--inheritance", "teams"])
        }),
        case(
            "add of a misspelling",
            2,
            "did you mean 'prvReadAccount'",
            |d| generate(d, &["--add", "prvReadAcount=Local"]),
        ),
        case(
            "config inheritance",
            2,
            "dvrole.toml:2: role.inheritance",
            |d| with_config(d, b"[role]\ninheritance = 1\n"),
        ),
        case(
            "config privileges type",
            2,
            "dvrole.toml:2: environment.privileges",
            |d| with_config(d, b"[environment]\nprivileges = \"env.json\"\n"),
        ),
        case(
            "config drop_absent type",
            2,
            "dvrole.toml:2: environment.drop_absent",
            |d| with_config(d, b"[environment]\ndrop_absent = \"yes\"\n"),
        ),
        case(
            "config add of a misspelling",
            2,
            "did you mean 'prvReadAccount'",
            |d| with_config(d, b"[role.add]\nprvReadAcount = \"Local\"\n"),
        ),
        case(
            "validate misspelt privilege",
            1,
            "probably a misspelling of 'prvReadContact'",
            |d| {
                let f = d.join("role.xml");
                fs::write(&f, "<Role id=\"{0f3a6c1e-5b2d-4e8f-9a7c-1d2e3f4a5b6c}\" name=\"R\"><RolePrivileges><RolePrivilege name=\"prvReadContcat\" level=\"Basic\"/></RolePrivileges></Role>").unwrap();
                validate(f)
            },
        ),
        case(
            "validate isinherited value",
            1,
            "has isinherited=\"yes\"",
            |d| {
                let f = d.join("role.xml");
                fs::write(&f, "<Role id=\"{0f3a6c1e-5b2d-4e8f-9a7c-1d2e3f4a5b6c}\" name=\"R\" isinherited=\"yes\"><RolePrivileges><RolePrivilege name=\"prvReadQueue\" level=\"Basic\"/></RolePrivileges></Role>").unwrap();
                validate(f)
            },
        ),
    ]
}

fn all_cases() -> Vec<Case> {
    let mut cases = flag_cases();
    cases.extend(config_cases());
    cases.extend(catalogue_cases());
    cases.extend(reader_cases());
    cases.extend(audit_explain_cases());
    cases.extend(environment_cases());
    cases
}

#[test]
fn the_corpus_is_large_and_names_each_case_once() {
    let cases = all_cases();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut names: Vec<&str> = cases.iter().map(|c| c.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "case names are unique");
}

#[test]
fn every_bad_input_is_refused_cleanly() {
    let mut failures = Vec::new();
    for case in all_cases() {
        let dir = tempfile::tempdir().unwrap();
        let args = (case.setup)(dir.path());
        let before = snapshot(dir.path());
        let output = common::cmd(dir.path())
            .env("RUST_BACKTRACE", "1")
            .args(&args)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let mut problems = Vec::new();
        if output.status.code() != Some(case.code) {
            problems.push(format!(
                "exit {:?}, expected {}",
                output.status.code(),
                case.code
            ));
        }
        if stderr.contains("panicked")
            || stderr.contains("stack backtrace")
            || stderr.contains("RUST_BACKTRACE")
        {
            problems.push("panicked".to_string());
        }
        if case.code == 2 {
            if stderr.trim_end().lines().count() != 1 {
                problems.push(format!("stderr is not one line: {stderr:?}"));
            }
            if !stderr.contains(case.expect) {
                problems.push(format!("stderr lacks {:?}: {stderr:?}", case.expect));
            }
        } else {
            if !stdout.contains(case.expect) {
                problems.push(format!(
                    "stdout lacks {:?}: {:?}",
                    case.expect,
                    stdout.chars().take(400).collect::<String>()
                ));
            }
            if !stderr.is_empty() {
                problems.push(format!("stderr not empty: {stderr:?}"));
            }
        }
        if snapshot(dir.path()) != before {
            problems.push("files were created or changed".to_string());
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}", case.name, problems.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
