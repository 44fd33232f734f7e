//! Hostile inputs, class by class: outputs that must never be half-replaced, inputs that
//! are not regular files, XML that .NET's reader would refuse, zip entry names as an
//! attacker writes them, names at Dataverse's limits, text meant to forge output, and
//! inputs built to exhaust memory or time.
//!
//! Each case runs the binary as a child and asserts: the exit code; for exit 2 exactly one
//! line on stderr naming the problem, for exit 1 the finding on stdout and nothing on
//! stderr; no panic; no control or bidirectional-override character on either stream; the
//! child's wall time under [`MAX_SECONDS`] and its peak resident memory (from `wait4`'s
//! `ru_maxrss`) under [`MAX_RSS_KIB`]; and the whole case folder, working folder and the
//! child's `TMPDIR` included, byte-identical afterwards: nothing written, nothing left over,
//! every old output as it was.

use crate::common;

use common::zip_of;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Wall time a case may take.
const MAX_SECONDS: u64 = 30;
/// Peak resident memory a case may take: 64 MiB.
const MAX_RSS_KIB: i64 = 64 * 1024;

type Setup = Box<dyn Fn(&Path) -> Vec<OsString>>;

struct Case {
    name: &'static str,
    code: i32,
    expect: &'static str,
    setup: Setup,
}

fn case(
    name: &'static str,
    code: i32,
    expect: &'static str,
    setup: impl Fn(&Path) -> Vec<OsString> + 'static,
) -> Case {
    Case {
        name,
        code,
        expect,
        setup: Box::new(setup),
    }
}

fn args(list: &[&str]) -> Vec<OsString> {
    list.iter().map(OsString::from).collect()
}

fn with(mut a: Vec<OsString>, p: impl Into<OsString>) -> Vec<OsString> {
    a.push(p.into());
    a
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

fn socket(path: &Path) {
    let listener = std::os::unix::net::UnixListener::bind(path).unwrap();
    // The socket file stays after the listener closes; nothing answers it.
    drop(listener);
}

const ROLE_ID: &str = "{0f3a6c1e-5b2d-4e8f-9a7c-1d2e3f4a5b6c}";

/// A package folder with the sound fixture's manifest and content types and `xml` as its
/// customizations.xml.
fn package_folder(dir: &Path, xml: &[u8]) -> PathBuf {
    let pkg = dir.join("pkg");
    fs::create_dir_all(&pkg).unwrap();
    for f in ["solution.xml", "[Content_Types].xml"] {
        fs::copy(fixture("validate/valid").join(f), pkg.join(f)).unwrap();
    }
    fs::write(pkg.join("customizations.xml"), xml).unwrap();
    pkg
}

/// customizations.xml holding one role named `name` (written as given: it may hold
/// references) with one privilege; `before` goes before the root.
fn customizations(before: &str, name: &str, extra: &str) -> Vec<u8> {
    format!(
        "{before}<ImportExportXml><Roles><Role id=\"{ROLE_ID}\" name=\"{name}\"{extra}><RolePrivileges><RolePrivilege name=\"prvReadMailbox\" level=\"Basic\" /></RolePrivileges></Role></Roles></ImportExportXml>"
    )
    .into_bytes()
}

/// A catalogue `name` of `count` synthetic entries, numbered from `first`.
fn synthetic_catalogue(name: &str, first: usize, count: usize) -> String {
    let mut toml = format!("name = \"{name}\"\ndescription = \"d\"\nsource = \"s\"\n");
    for i in first..first + count {
        toml.push_str(&format!(
            "[[entry]]\nprivilege = \"prvReadnew_synthetic{i:06}\"\ntab = \"t\"\nallowed = [\"Basic\"]\nsource = \"s\"\n"
        ));
    }
    toml
}

/// A custom catalogue whose texts hold escape sequences and a bidi override, written in
/// `d`; returns its path as given on the command line.
fn hostile_catalogue(d: &Path) -> OsString {
    fs::write(
        d.join("evil.toml"),
        r#"name = "evil"
description = "Looks \u001b[2J fine"
source = "x\u202e"

[[entry]]
privilege = "prvReadAccount"
entity = "account"
tab = "Core\u001b]0;pwned\u0007 Records"
allowed = ["Basic", "Global"]
default = "Basic"
note = "line1\nline2\u001b[31m"
source = "s"
"#,
    )
    .unwrap();
    OsString::from("./evil.toml")
}

fn validate_xml(d: &Path, xml: &[u8]) -> Vec<OsString> {
    with(args(&["validate"]), package_folder(d, xml))
}

/// The sound fixture's files as a zip, with `extra` entries added.
fn zip_with(d: &Path, extra: &[(&str, &[u8])]) -> Vec<OsString> {
    let dir = fixture("validate/valid");
    let parts: Vec<(String, Vec<u8>)> =
        ["[Content_Types].xml", "solution.xml", "customizations.xml"]
            .iter()
            .map(|n| (n.to_string(), fs::read(dir.join(n)).unwrap()))
            .collect();
    let mut entries: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    entries.extend_from_slice(extra);
    let mut zip = zip_of(&entries);
    // A zip writer refuses a name given twice, so the duplicate is written under a
    // placeholder of the same length and renamed in both headers.
    let (from, to) = (b"zzzzzzzzzzzzzzzzzz", b"customizations.xml");
    for i in 0..zip.len().saturating_sub(from.len()) {
        if &zip[i..i + from.len()] == from {
            zip[i..i + from.len()].copy_from_slice(to);
        }
    }
    fs::write(d.join("names.zip"), zip).unwrap();
    args(&["validate", "names.zip"])
}

/// `out/role.zip` holding a previous package, and generate's arguments to replace it.
fn previous(d: &Path, extra: &[&str]) -> Vec<OsString> {
    fs::create_dir_all(d.join("out")).unwrap();
    fs::write(d.join("out/role.zip"), b"previous package").unwrap();
    let mut a = args(&["generate", "-o", "out/role.zip"]);
    a.extend(args(extra));
    a
}

fn output_cases() -> Vec<Case> {
    vec![
        case(
            "both: managed target is a folder",
            2,
            "role_managed.zip: is a folder",
            |d| {
                let a = previous(d, &["--package-type", "both"]);
                fs::create_dir(d.join("out/role_managed.zip")).unwrap();
                a
            },
        ),
        case(
            "both: managed target is a FIFO",
            2,
            "role_managed.zip: is a FIFO",
            |d| {
                let a = previous(d, &["--package-type", "both"]);
                mkfifo(&d.join("out/role_managed.zip"));
                a
            },
        ),
        case(
            "both: managed target is a symbolic link",
            2,
            "is a symbolic link",
            |d| {
                let a = previous(d, &["--package-type", "both"]);
                std::os::unix::fs::symlink("role.zip", d.join("out/role_managed.zip")).unwrap();
                a
            },
        ),
        case(
            "fix both: managed target is a folder",
            2,
            "fix_managed.zip: is a folder",
            |d| {
                fs::write(
                    d.join("role.xml"),
                    format!("<Role id=\"{ROLE_ID}\" name=\"R\"><RolePrivileges><RolePrivilege name=\"prvReadMailbox\" level=\"Basic\"/></RolePrivileges></Role>"),
                )
                .unwrap();
                fs::create_dir_all(d.join("out/fix_managed.zip")).unwrap();
                fs::write(d.join("out/fix.zip"), b"previous package").unwrap();
                args(&[
                    "fix",
                    "role.xml",
                    "--package-type",
                    "both",
                    "-o",
                    "out/fix.zip",
                ])
            },
        ),
        case(
            "man --dir: one page's target is a FIFO",
            2,
            "dvrole-diff.1: is a FIFO",
            |d| {
                fs::create_dir_all(d.join("man1")).unwrap();
                fs::write(d.join("man1/dvrole-audit.1"), b"old page").unwrap();
                mkfifo(&d.join("man1/dvrole-diff.1"));
                args(&["man", "--dir", "man1"])
            },
        ),
        case(
            "-o a symbolic link to a file",
            2,
            "is a symbolic link; dvrole replaces only a plain file, so give a plain path",
            |d| {
                fs::write(d.join("real.zip"), b"keep").unwrap();
                std::os::unix::fs::symlink("real.zip", d.join("link.zip")).unwrap();
                args(&["generate", "-o", "link.zip"])
            },
        ),
        case(
            "-o a dangling symbolic link",
            2,
            "is a symbolic link",
            |d| {
                std::os::unix::fs::symlink("nowhere.zip", d.join("link.zip")).unwrap();
                args(&["generate", "-o", "link.zip"])
            },
        ),
        case(
            "-o a character device",
            2,
            "/dev/full: is a character device",
            |_| args(&["generate", "-o", "/dev/full"]),
        ),
        case("-o a socket", 2, "role.zip: is a socket", |d| {
            socket(&d.join("role.zip"));
            args(&["generate", "-o", "role.zip"])
        }),
        case("report -o a FIFO", 2, "report.md: is a FIFO", |d| {
            mkfifo(&d.join("report.md"));
            args(&["report", "-o", "report.md"])
        }),
        case(
            "catalogue export -o a FIFO",
            2,
            "cat.toml: is a FIFO",
            |d| {
                mkfifo(&d.join("cat.toml"));
                args(&["catalogue", "show", "server-side-sync", "-o", "cat.toml"])
            },
        ),
        case("init over a FIFO", 2, "dvrole.toml: is a FIFO", |d| {
            mkfifo(&d.join("dvrole.toml"));
            args(&["init", "--force", "-o", "dvrole.toml"])
        }),
        case(
            "folder -o a symbolic link to a folder",
            2,
            "is a symbolic link",
            |d| {
                fs::create_dir_all(d.join("real/Other")).unwrap();
                std::os::unix::fs::symlink("real", d.join("out")).unwrap();
                args(&["generate", "--format", "folder", "-o", "out"])
            },
        ),
        case(
            "folder target holding a FIFO where Roles goes",
            2,
            "holds Roles, which is a FIFO",
            |d| {
                fs::create_dir_all(d.join("out/Other")).unwrap();
                fs::write(d.join("out/Other/Solution.xml"), b"old").unwrap();
                mkfifo(&d.join("out/Roles"));
                args(&["generate", "--format", "folder", "-o", "out"])
            },
        ),
        case(
            "-o - for two zips",
            2,
            "is standard output, which takes one zip",
            |_| args(&["generate", "--package-type", "both", "-o", "-"]),
        ),
    ]
}

fn input_cases() -> Vec<Case> {
    vec![
        case(
            "a FIFO whose writer holds it open and sends nothing",
            2,
            "ff: is a pipe that sent nothing for 1 s, so dvrole stopped waiting",
            |d| {
                let fifo = d.join("ff");
                mkfifo(&fifo);
                // This process holds the FIFO open for writing (and reading, so the open
                // does not wait) until the test ends, and never writes.
                let held = fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(&fifo)
                    .unwrap();
                std::mem::forget(held);
                args(&["--stream-timeout", "1", "validate", "ff"])
            },
        ),
        case(
            "validate a FIFO with no writer",
            1,
            "holds no XML element",
            |d| {
                mkfifo(&d.join("pipe"));
                args(&["validate", "pipe"])
            },
        ),
        case(
            "validate a FIFO named .zip with no writer",
            2,
            "not a readable zip",
            |d| {
                mkfifo(&d.join("pipe.zip"));
                args(&["validate", "pipe.zip"])
            },
        ),
        case(
            "validate /dev/zero",
            2,
            "/dev/zero: is a character device",
            |_| args(&["validate", "/dev/zero"]),
        ),
        case(
            "audit /dev/zero",
            2,
            "/dev/zero: is a character device",
            |_| args(&["audit", "/dev/zero"]),
        ),
        case(
            "audit /dev/urandom",
            2,
            "/dev/urandom: is a character device",
            |_| args(&["audit", "/dev/urandom"]),
        ),
        case("validate a socket", 2, "s.zip: is a socket", |d| {
            socket(&d.join("s.zip"));
            args(&["validate", "s.zip"])
        }),
        case(
            "package folder whose customizations.xml is a FIFO",
            2,
            "is a FIFO",
            |d| {
                let pkg = package_folder(d, b"");
                fs::remove_file(pkg.join("customizations.xml")).unwrap();
                mkfifo(&pkg.join("customizations.xml"));
                args(&["validate", "pkg"])
            },
        ),
        case(
            "audit a folder whose customizations.xml is a device link",
            2,
            "is a character device",
            |d| {
                let pkg = package_folder(d, b"");
                fs::remove_file(pkg.join("customizations.xml")).unwrap();
                std::os::unix::fs::symlink("/dev/zero", pkg.join("customizations.xml")).unwrap();
                args(&["audit", "pkg"])
            },
        ),
        case(
            "source folder with a FIFO role file",
            2,
            "Roles/Stuck.xml",
            |d| {
                let src = d.join("src");
                fs::create_dir_all(src.join("Other")).unwrap();
                fs::create_dir_all(src.join("Roles")).unwrap();
                fs::copy(
                    fixture("validate/valid/solution.xml"),
                    src.join("Other/Solution.xml"),
                )
                .unwrap();
                fs::write(
                    src.join("Other/Customizations.xml"),
                    b"<ImportExportXml><Roles /></ImportExportXml>",
                )
                .unwrap();
                mkfifo(&src.join("Roles/Stuck.xml"));
                args(&["validate", "src"])
            },
        ),
        case("--check a folder holding a FIFO", 1, "FIFO", |d| {
            fs::create_dir_all(d.join("out/Roles")).unwrap();
            mkfifo(&d.join("out/Roles/Server-Side Sync User.xml"));
            args(&["generate", "--format", "folder", "--check", "-o", "out"])
        }),
        case(
            "catalogue from /dev/zero",
            2,
            "/dev/zero: cannot read it: it is a character device",
            |_| args(&["generate", "--catalogue", "/dev/zero", "-o", "x.zip"]),
        ),
        case("config that is a FIFO with no writer", 0, "", |d| {
            mkfifo(&d.join("cfg.toml"));
            args(&["report", "--config", "cfg.toml", "--format", "csv"])
        }),
    ]
}

fn xml_cases() -> Vec<Case> {
    vec![
        case(
            "U+FFFE in a role name",
            1,
            "U+FFFE, which XML 1.0 does not allow",
            |d| validate_xml(d, &customizations("", "Bad\u{FFFE}Name", "")),
        ),
        case(
            "U+FFFF as a reference",
            1,
            "a character reference to U+FFFF",
            |d| validate_xml(d, &customizations("", "Bad&#xFFFF;Name", "")),
        ),
        case(
            "ESC as a decimal reference",
            1,
            "a character reference to U+001B",
            |d| validate_xml(d, &customizations("", "&#27;[2J", "")),
        ),
        case(
            "BEL literally in text",
            1,
            "the control character U+0007",
            |d| {
                validate_xml(
                    d,
                    b"<ImportExportXml><Roles/><Note>ring\x07</Note></ImportExportXml>",
                )
            },
        ),
        case(
            "NUL in an attribute",
            1,
            "the control character U+0000",
            |d| validate_xml(d, &customizations("", "a\0b", "")),
        ),
        case(
            "whitespace before the declaration",
            1,
            "nothing may come before it",
            |d| {
                validate_xml(
                    d,
                    &customizations(" \r\n<?xml version=\"1.0\" encoding=\"utf-8\"?>", "R", ""),
                )
            },
        ),
        case(
            "a comment before the declaration",
            1,
            "nothing may come before it",
            |d| {
                validate_xml(
                    d,
                    &customizations("<!-- x --><?xml version=\"1.0\"?>", "R", ""),
                )
            },
        ),
        case(
            "attributes without whitespace",
            1,
            "not separated by whitespace",
            |d| {
                validate_xml(d, b"<ImportExportXml><Roles><Role id=\"{0f3a6c1e-5b2d-4e8f-9a7c-1d2e3f4a5b6c}\"name=\"R\"/></Roles></ImportExportXml>")
            },
        ),
        case(
            "a quote in an attribute name",
            1,
            "customizations.xml:1:26: not well-formed XML: an attribute name holds '\"'",
            |d| {
                // The quotes pair up, so a parser that only counts them finds the tag's end.
                validate_xml(d, format!("<ImportExportXml><Roles a\"b\"=\"1\"><Role id=\"{ROLE_ID}\" name=\"R\"><RolePrivileges><RolePrivilege name=\"prvReadMailbox\" level=\"Basic\" /></RolePrivileges></Role></Roles></ImportExportXml>").as_bytes())
            },
        ),
        case(
            "a duplicate attribute",
            1,
            "the attribute 'name' is given twice",
            |d| validate_xml(d, &customizations("", "R", " name=\"S\"")),
        ),
        case(
            "an unbound element prefix",
            1,
            "the namespace prefix 'dv' is not declared",
            |d| validate_xml(d, b"<ImportExportXml><dv:Roles/></ImportExportXml>"),
        ),
        case(
            "an unbound attribute prefix",
            1,
            "the namespace prefix 'xsi' is not declared",
            |d| validate_xml(d, &customizations("", "R", " xsi:nil=\"true\"")),
        ),
        case("mismatched tags", 1, "not well-formed XML", |d| {
            validate_xml(d, b"<ImportExportXml><Roles></Role></ImportExportXml>")
        }),
        case(
            "audit refuses U+FFFF",
            2,
            "U+FFFF, which XML 1.0 does not allow",
            |d| {
                with(
                    args(&["audit"]),
                    package_folder(d, &customizations("", "x\u{FFFF}", "")),
                )
            },
        ),
        case("generate refuses U+FFFE in --role-name", 2, "U+FFFE", |d| {
            previous(d, &["--role-name", "Sync\u{FFFE}User"])
        }),
        case(
            "generate refuses U+FFFF in --description",
            2,
            "U+FFFF",
            |d| previous(d, &["--description", "about\u{FFFF}"]),
        ),
        case(
            "generate refuses U+FFFE in publisher.display_name",
            2,
            "publisher.display_name",
            |d| {
                fs::write(
                    d.join("dvrole.toml"),
                    "[publisher]\ndisplay_name = \"Pub\u{FFFE}\"\n",
                )
                .unwrap();
                previous(d, &[])
            },
        ),
    ]
}

fn zip_name_cases() -> Vec<Case> {
    vec![
        case(
            "zip entry with ..",
            1,
            "entry '../../evil.xml' climbs out of the package",
            |d| zip_with(d, &[("../../evil.xml", b"x")]),
        ),
        case(
            "zip entry with an absolute name",
            1,
            "entry '/etc/evil' is an absolute path",
            |d| zip_with(d, &[("/etc/evil", b"x")]),
        ),
        case(
            "zip entry with a drive letter",
            1,
            "entry 'C:/evil' names a drive",
            |d| zip_with(d, &[("C:/evil", b"x")]),
        ),
        case(
            "zip entry with a backslash",
            1,
            "entry 'Roles\\evil.xml' holds a backslash",
            |d| zip_with(d, &[("Roles\\evil.xml", b"x")]),
        ),
        case(
            "zip entry with a control character",
            1,
            "holds the control character",
            |d| zip_with(d, &[("a\u{1}b", b"x")]),
        ),
        case(
            "zip entry named twice",
            1,
            "entry 'customizations.xml' is in the zip twice",
            |d| zip_with(d, &[("zzzzzzzzzzzzzzzzzz", b"<ImportExportXml/>")]),
        ),
        case(
            "zip entries equal ignoring case",
            1,
            "entries 'customizations.xml' and 'Customizations.xml' differ only in case",
            |d| zip_with(d, &[("Customizations.xml", b"<ImportExportXml/>")]),
        ),
    ]
}

fn name_cases() -> Vec<Case> {
    vec![
        case("51 emoji as a role name", 1, "102 UTF-16 code units", |d| {
            validate_xml(d, &customizations("", &"😀".repeat(51), ""))
        }),
        case("generate refuses 51 emoji", 2, "UTF-16 code units", |d| {
            previous(d, &["--role-name", &"😀".repeat(51)])
        }),
        case(
            "a 900,000-character config value",
            2,
            "(900000 characters)",
            |d| {
                fs::write(
                    d.join("dvrole.toml"),
                    format!("[role]\nid = \"{}\"\n", "9".repeat(900_000)),
                )
                .unwrap();
                previous(d, &[])
            },
        ),
        case(
            "a 100,000-character flag value",
            2,
            "(100000 characters)",
            |d| previous(d, &["--role-id", &"f".repeat(100_000)]),
        ),
    ]
}

fn terminal_cases() -> Vec<Case> {
    vec![
        case("escape codes in a role name", 1, "U+001B", |d| {
            validate_xml(
                d,
                &customizations("", &format!("\u{1b}[2J{}", "x".repeat(120)), ""),
            )
        }),
        case(
            "escape codes in a role file's name",
            1,
            "Roles/\\u{1b}[2J.xml",
            |d| {
                let src = d.join("src");
                fs::create_dir_all(src.join("Other")).unwrap();
                fs::create_dir_all(src.join("Roles")).unwrap();
                fs::copy(
                    fixture("validate/valid/solution.xml"),
                    src.join("Other/Solution.xml"),
                )
                .unwrap();
                fs::write(
                    src.join("Other/Customizations.xml"),
                    b"<ImportExportXml><Roles /></ImportExportXml>",
                )
                .unwrap();
                fs::write(src.join("Roles/\u{1b}[2J.xml"), b"<Role/>").unwrap();
                args(&["validate", "src"])
            },
        ),
        case("a line feed in a zip entry name", 1, "a\\u{a}b", |d| {
            zip_with(d, &[("a\nb", b"x")])
        }),
        case(
            "a line feed reference forging a summary",
            1,
            "\\u{a}",
            |d| {
                fs::write(
                d.join("role.xml"),
                format!("<Role id=\"{ROLE_ID}\" name=\"R&#xA;0 roles, all good\"><RolePrivileges><RolePrivilege name=\"prvReadMailbox\" level=\"Basic\"/></RolePrivileges></Role>"),
            )
            .unwrap();
                args(&["audit", "--role", "R\n0 roles, all good", "role.xml"])
            },
        ),
        case(
            "escape codes in a catalogue's text, as Markdown",
            0,
            "Looks \\u{1b}[2J fine",
            |d| {
                with(
                    args(&["catalogue", "show", "--format", "md"]),
                    hostile_catalogue(d),
                )
            },
        ),
        case(
            "escape codes in a catalogue's text, as CSV",
            0,
            "Core\\u{1b}]0;pwned\\u{7} Records",
            |d| {
                with(
                    args(&["catalogue", "show", "--format", "csv"]),
                    hostile_catalogue(d),
                )
            },
        ),
        case(
            "escape codes in a catalogue's text, in the privilege matrix",
            0,
            "Core\\u{1b}]0;pwned\\u{7} Records",
            |d| {
                let mut a = args(&["report", "--format", "md", "--catalogue"]);
                a.push(hostile_catalogue(d));
                a
            },
        ),
        case(
            "bidi override in a role name, compared",
            1,
            "differs: role '\\u{202e}Sales'",
            |d| {
                fs::write(d.join("a.xml"), customizations("", "\u{202e}Sales", "")).unwrap();
                fs::write(d.join("b.xml"), customizations("", "Sales", "")).unwrap();
                args(&["diff", "a.xml", "b.xml"])
            },
        ),
        case("bidi override in a role name", 1, "\\u{202e}", |d| {
            validate_xml(
                d,
                &customizations("", &format!("\u{202e}{}", "y".repeat(120)), ""),
            )
        }),
    ]
}

fn bound_cases() -> Vec<Case> {
    vec![
        case(
            "a catalogue file over its cap",
            2,
            "big.toml: is larger than 1536 KiB",
            |d| {
                fs::write(d.join("big.toml"), synthetic_catalogue("big", 0, 20_000)).unwrap();
                args(&["report", "--catalogue", "./big.toml", "--format", "csv"])
            },
        ),
        case(
            "catalogues over their cap together",
            2,
            "the catalogues given hold more than 12000 privileges together",
            |d| {
                fs::write(d.join("a.toml"), synthetic_catalogue("a", 0, 6_500)).unwrap();
                fs::write(d.join("b.toml"), synthetic_catalogue("b", 6_500, 6_500)).unwrap();
                args(&[
                    "report",
                    "--catalogue",
                    "./a.toml",
                    "--catalogue",
                    "./b.toml",
                    "--format",
                    "csv",
                ])
            },
        ),
        case(
            "a 200 MiB text node in a small zip",
            1,
            "2 problems, no role",
            |d| {
                let mut body = b"<ImportExportXml><Roles /><Blob>".to_vec();
                body.resize(body.len() + (200 << 20), b'a');
                body.extend_from_slice(b"</Blob></ImportExportXml>");
                let dir = fixture("validate/valid");
                let manifest = fs::read(dir.join("solution.xml")).unwrap();
                let types = fs::read(dir.join("[Content_Types].xml")).unwrap();
                let zip = zip_of(&[
                    ("[Content_Types].xml", &types),
                    ("solution.xml", &manifest),
                    ("customizations.xml", &body),
                ]);
                assert!(zip.len() < 1 << 20);
                fs::write(d.join("text.zip"), zip).unwrap();
                args(&["validate", "--max-entry-size", "300MiB", "text.zip"])
            },
        ),
        case(
            "a privilege listed a million times",
            1,
            "listed 1000000 times",
            |d| {
                let mut xml = format!(
                    "<ImportExportXml><Roles><Role id=\"{ROLE_ID}\" name=\"R\"><RolePrivileges>"
                )
                .into_bytes();
                for _ in 0..1_000_000 {
                    xml.extend_from_slice(
                        b"<RolePrivilege name=\"prvReadMailbox\" level=\"Basic\" />",
                    );
                }
                xml.extend_from_slice(b"</RolePrivileges></Role></Roles></ImportExportXml>");
                validate_xml(d, &xml)
            },
        ),
        case(
            "--check against a zip inflating to 250 MiB",
            1,
            "drift",
            |d| {
                let big = vec![b' '; 250 << 20];
                fs::write(d.join("big.zip"), zip_of(&[("customizations.xml", &big)])).unwrap();
                args(&["generate", "--check", "-o", "big.zip"])
            },
        ),
        case(
            "a 50 MB attribute",
            1,
            "Dataverse allows at most 100",
            |d| validate_xml(d, &customizations("", &"n".repeat(50_000_000), "")),
        ),
    ]
}

fn all_cases() -> Vec<Case> {
    let mut all = output_cases();
    all.extend(input_cases());
    all.extend(xml_cases());
    all.extend(zip_name_cases());
    all.extend(name_cases());
    all.extend(terminal_cases());
    all.extend(bound_cases());
    all
}

/// Every file under `dir` (not following links) with its bytes, or its kind.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap().flatten() {
            let p = entry.path();
            let t = entry.file_type().unwrap();
            let what = if t.is_dir() {
                stack.push(p.clone());
                "folder".to_string()
            } else if t.is_symlink() {
                format!("link to {}", fs::read_link(&p).unwrap().display())
            } else if t.is_file() {
                let bytes = fs::read(&p).unwrap();
                format!("{} bytes, hash {:x}", bytes.len(), fnv(&bytes))
            } else {
                "special".to_string()
            };
            out.insert(p, what);
        }
    }
    out
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}

/// What one run of the binary did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    seconds: f64,
    max_rss_kib: i64,
}

/// Runs dvrole in `dir` with `args`, stdin from `stdin` (or nothing), and measures it.
fn run(dir: &Path, tmp: &Path, args: &[OsString], stdin: Option<&Path>) -> Run {
    let capture = tempfile::tempdir().unwrap();
    let out_path = capture.path().join("stdout");
    let err_path = capture.path().join("stderr");
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("dvrole"));
    cmd.current_dir(dir)
        .args(args)
        .env("TMPDIR", tmp)
        .env("RUST_BACKTRACE", "1")
        .env_remove("NO_COLOR")
        .stdout(fs::File::create(&out_path).unwrap())
        .stderr(fs::File::create(&err_path).unwrap())
        .stdin(match stdin {
            Some(p) => Stdio::from(fs::File::open(p).unwrap()),
            None => Stdio::null(),
        });
    // Every DVROLE_ variable, as common::dvrole clears them.
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("DVROLE_") {
            cmd.env_remove(name);
        }
    }
    let start = Instant::now();
    let child = cmd.spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut timed_out = false;
    let mut peak_kib = 0i64;
    loop {
        // The child's own high-water mark: VmHWM belongs to the address space exec gave it,
        // so unlike wait4's ru_maxrss it does not count the test process it was forked from.
        if let Some(hwm) = vm_hwm_kib(pid) {
            peak_kib = peak_kib.max(hwm);
        }
        // SAFETY: `pid` is our child; status and usage are valid out-pointers.
        let rc = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if rc == pid {
            break;
        }
        if start.elapsed() > Duration::from_secs(MAX_SECONDS) && !timed_out {
            timed_out = true;
            // SAFETY: signalling our own child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let seconds = start.elapsed().as_secs_f64();
    // Reaped by wait4 above; the handle has nothing left to wait for.
    std::mem::forget(child);
    let read = |p: &Path| {
        let mut s = Vec::new();
        fs::File::open(p).unwrap().read_to_end(&mut s).unwrap();
        String::from_utf8_lossy(&s).into_owned()
    };
    Run {
        code: (libc::WIFEXITED(status) && !timed_out).then(|| libc::WEXITSTATUS(status)),
        stdout: read(&out_path),
        stderr: read(&err_path),
        seconds,
        max_rss_kib: peak_kib,
    }
}

/// The peak resident set of process `pid` so far (`VmHWM` in `/proc/PID/status`), in KiB;
/// sampled every millisecond while the child runs, so a peak held for less than that could
/// be missed, but no streaming phase is that short.
fn vm_hwm_kib(pid: libc::pid_t) -> Option<i64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Whether `text` holds a character no line of dvrole's text output may carry raw: a
/// control character other than a line end (CSV's CRLF included), or a bidi override.
fn forged(text: &str) -> bool {
    text.replace("\r\n", "\n").chars().any(|c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

fn check_case(case: &Case) -> Vec<String> {
    let root = tempfile::tempdir().unwrap();
    let work = root.path().join("work");
    let tmp = root.path().join("tmp");
    fs::create_dir_all(&work).unwrap();
    fs::create_dir_all(&tmp).unwrap();
    let args = (case.setup)(&work);
    let before = snapshot(root.path());
    let r = run(&work, &tmp, &args, None);
    let mut problems = Vec::new();
    if r.code != Some(case.code) {
        problems.push(format!("exit {:?}, expected {}", r.code, case.code));
    }
    if r.stderr.contains("panicked") || r.stderr.contains("stack backtrace") {
        problems.push("panicked".into());
    }
    if forged(&r.stdout) || forged(&r.stderr) {
        problems.push("a raw control or bidi character in the output".into());
    }
    match case.code {
        2 => {
            if r.stderr.trim_end().lines().count() != 1 {
                problems.push(format!("stderr is not one line: {:?}", cut(&r.stderr)));
            }
            if !r.stderr.contains(case.expect) {
                problems.push(format!(
                    "stderr lacks {:?}: {:?}",
                    case.expect,
                    cut(&r.stderr)
                ));
            }
            if r.stderr.len() > 600 {
                problems.push(format!("stderr is {} bytes long", r.stderr.len()));
            }
        }
        _ => {
            if !r.stdout.contains(case.expect) {
                problems.push(format!(
                    "stdout lacks {:?}: {:?}",
                    case.expect,
                    cut(&r.stdout)
                ));
            }
            if !r.stderr.is_empty() {
                problems.push(format!("stderr not empty: {:?}", cut(&r.stderr)));
            }
        }
    }
    if r.seconds > MAX_SECONDS as f64 {
        problems.push(format!("took {:.1} s", r.seconds));
    }
    if r.max_rss_kib > MAX_RSS_KIB {
        problems.push(format!("peak RSS {} KiB", r.max_rss_kib));
    }
    let after = snapshot(root.path());
    if after != before {
        let changed: Vec<String> = after
            .iter()
            .filter(|(p, v)| before.get(*p) != Some(v))
            .map(|(p, _)| p.display().to_string())
            .chain(
                before
                    .keys()
                    .filter(|p| !after.contains_key(*p))
                    .map(|p| format!("removed {}", p.display())),
            )
            .collect();
        problems.push(format!("files created or changed: {changed:?}"));
    }
    problems
}

fn cut(s: &str) -> String {
    s.chars().take(400).collect()
}

#[test]
fn the_hostile_corpus_names_each_case_once() {
    let cases = all_cases();
    assert!(cases.len() >= 50, "{} cases", cases.len());
    let mut names: Vec<&str> = cases.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len());
}

#[test]
fn every_hostile_input_is_refused_within_bounds() {
    let only = std::env::var("DVROLE_CASE").ok();
    let mut failures = Vec::new();
    for case in all_cases() {
        if only.as_deref().is_some_and(|o| !case.name.contains(o)) {
            continue;
        }
        let problems = check_case(&case);
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

/// A stream (stdin as a pipe, `/dev/stdin`) is read once, into both the type detection and
/// the parse: a zip piped in validates like the file.
#[test]
fn a_zip_piped_to_dev_stdin_is_read_once_and_validates() {
    let root = tempfile::tempdir().unwrap();
    let zip = fixture("golden/ServerSideSyncRole_1_0_0_0.zip");
    let r = run(
        root.path(),
        root.path(),
        &args(&["validate", "/dev/stdin"]),
        Some(&zip),
    );
    // A file redirected to stdin is a regular file; pipe it through cat to get a pipe.
    assert_eq!(r.code, Some(0), "{} {}", r.stdout, r.stderr);
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "cat '{}' | '{}' validate /dev/stdin",
            zip.display(),
            assert_cmd::cargo::cargo_bin!("dvrole").display()
        ))
        .env("TMPDIR", root.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("/dev/stdin: valid"));
    assert_eq!(
        fs::read_dir(root.path()).unwrap().count(),
        0,
        "no temporary left"
    );
}

/// A role name that needs more than 255 bytes as a file name is written under a shortened
/// name with a suffix from the role id, and read back.
#[test]
fn long_role_names_get_short_stable_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let name = "漢".repeat(100);
    for _ in 0..2 {
        common::cmd(dir.path())
            .args([
                "generate",
                "--format",
                "folder",
                "--role-name",
                &name,
                "-o",
                "src",
            ])
            .assert()
            .success();
    }
    let roles: Vec<String> = fs::read_dir(dir.path().join("src/Roles"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(roles.len(), 1, "{roles:?}");
    assert!(roles[0].len() <= 255, "{} bytes", roles[0].len());
    common::cmd(dir.path())
        .args(["validate", "src"])
        .assert()
        .success();
    common::cmd(dir.path())
        .args([
            "generate",
            "--format",
            "folder",
            "--role-name",
            &name,
            "--check",
            "-o",
            "src",
        ])
        .assert()
        .success();
}
