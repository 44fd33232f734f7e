//! README.md's examples run as written. Fenced blocks are marked in their info string:
//!
//! - `sh example`: each command line runs with `sh` in a fresh folder holding the inputs the
//!   examples name (see [`seed`]), `dvrole` first on `PATH` and `HOME` inside the folder
//!   (`pbpaste`, and `man` where it is not installed, are stand-ins there). It
//!   must exit 0 (`dvrole audit` and `dvrole diff` may exit 1: findings are what they report)
//!   with no error, and
//!   every `-o PATH` it names must exist afterwards.
//! - `toml file=NAME`: a file the examples read; written into every fresh folder.
//! - `toml example=config`: written as `dvrole.toml` into a fresh folder, where `dvrole
//!   generate`, then `dvrole generate --check` must succeed.
//! - `console example=SETUP`: `$ COMMAND` and the exact stdout it prints, run after the named
//!   setup ([`setup`]).
//!
//! Every block with a `dvrole` command line must be marked, so no example escapes the test.

#![cfg(unix)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common;

/// One fenced block: its info string and its lines, indentation removed.
struct Block {
    info: String,
    line: usize,
    lines: Vec<String>,
}

fn readme() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README")
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<(usize, Block)> = None;
    for (i, raw) in text.lines().enumerate() {
        let indent = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim_start();
        match &mut open {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    open = Some((
                        indent,
                        Block {
                            info: info.trim().to_string(),
                            line: i + 1,
                            lines: Vec::new(),
                        },
                    ));
                }
            }
            Some((ind, block)) => {
                if trimmed.starts_with("```") {
                    out.push(open.take().expect("an open block").1);
                } else {
                    let cut = raw.len().min(*ind).min(indent);
                    block.lines.push(raw[cut..].to_string());
                }
            }
        }
    }
    assert!(open.is_none(), "README has an unclosed fence");
    out
}

/// The value of `key=VALUE` in an info string.
fn attr<'a>(info: &'a str, key: &str) -> Option<&'a str> {
    info.split_whitespace()
        .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
}

fn is_command(line: &str) -> bool {
    let l = line.trim_start();
    l.starts_with("dvrole ") || l.starts_with("$ dvrole ") || l.contains("| dvrole ")
}

/// A dvrole command, environment cleared of dvrole's variables, in `dir`.
fn dvrole_in(dir: &Path) -> assert_cmd::Command {
    common::cmd(dir)
}

/// Files the README's examples read, made with dvrole itself in `dir`: `export.zip` and the
/// source folder `src/` holding a role "Sales Manager" with the id the audit example names,
/// missing a privilege, `customizations.xml` and `exported/` from that zip, the default zip,
/// a trace for `explain`, and the README's own catalogue files.
fn seed(dir: &Path, files: &[(String, String)]) {
    let role = [
        "--role-name",
        "Sales Manager",
        "--role-id",
        "6b1d3c2a-4e5f-4a7b-8c9d-0e1f2a3b4c5d",
        "--exclude",
        "prvReadMailbox",
        "-q",
    ];
    dvrole_in(dir)
        .args(["generate", "-o", "export.zip"])
        .args(role)
        .assert()
        .success();
    dvrole_in(dir)
        .args(["generate", "--format", "folder", "-o", "src"])
        .args(role)
        .assert()
        .success();
    dvrole_in(dir).args(["generate", "-q"]).assert().success();
    fs::create_dir(dir.join("exported")).unwrap();
    for (name, bytes) in common::unzip(&fs::read(dir.join("export.zip")).unwrap()) {
        fs::write(dir.join("exported").join(&name), &bytes).unwrap();
        if name == "customizations.xml" {
            fs::write(dir.join(&name), &bytes).unwrap();
        }
    }
    fs::write(dir.join("trace.txt"), TRACE).unwrap();
    for (name, text) in files {
        fs::write(dir.join(name), text).unwrap();
    }
}

/// A Server-Side Sync trace line, as `explain` reads it.
const TRACE: &str = "Principal user (Id=2c9f3c1e-0000-0000-0000-000000000001, type=8) is missing prvReadEmailServerProfile privilege (Id=edebe6f6-1e2d-4a5b-9c8d-7e6f5a4b3c2d)\n";

/// The folder `dvrole` (and `pbpaste`, which prints [`TRACE`]) run from.
fn bin_dir(dir: &Path) -> PathBuf {
    let bin = dir.join(".bin");
    fs::create_dir_all(&bin).unwrap();
    let dvrole = assert_cmd::cargo::cargo_bin("dvrole");
    std::os::unix::fs::symlink(&dvrole, bin.join("dvrole")).unwrap();
    let pbpaste = bin.join("pbpaste");
    fs::write(
        &pbpaste,
        format!("#!/bin/sh\nprintf '%s\\n' '{}'\n", TRACE.trim()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&pbpaste, fs::Permissions::from_mode(0o755)).unwrap();
    // `man -l -` shows a page; where man is not installed, a stand-in checks it is one.
    let has_man = Command::new("sh")
        .args(["-c", "command -v man"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_man {
        let man = bin.join("man");
        fs::write(&man, "#!/bin/sh\n[ \"$1\" = -l ] && grep -q '^\\.TH '\n").unwrap();
        fs::set_permissions(&man, fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

/// Runs one shell line in `dir`; returns (exit code, stdout, stderr).
fn sh(dir: &Path, line: &str) -> (i32, String, String) {
    let bin = bin_dir_cached(dir);
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new("sh");
    c.arg("-c").arg(line).current_dir(dir);
    c.env("PATH", path).env("HOME", dir.join(".home"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("DVROLE_") {
            c.env_remove(name);
        }
    }
    let out = c.output().expect("sh runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn bin_dir_cached(dir: &Path) -> PathBuf {
    let bin = dir.join(".bin");
    if bin.join("dvrole").exists() {
        bin
    } else {
        bin_dir(dir)
    }
}

/// The `-o` paths a command line names.
fn outputs(line: &str) -> Vec<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    words
        .windows(2)
        .filter(|w| w[0] == "-o" || w[0] == "--output")
        .map(|w| w[1].to_string())
        .collect()
}

/// The named setup of a `console example=SETUP` block, in `dir`.
fn setup(name: &str, dir: &Path) {
    match name {
        "folder-config" => {
            fs::write(
                dir.join("dvrole.toml"),
                "[output]\nformat = \"folder\"\npath = \"solution/ServerSideSyncRole\"\n",
            )
            .unwrap();
            dvrole_in(dir).args(["generate", "-q"]).assert().success();
        }
        other => panic!("README names an unknown setup {other:?}"),
    }
}

#[test]
fn every_example_in_the_readme_runs_as_written() {
    let text = readme();
    let blocks = blocks(&text);
    let files: Vec<(String, String)> = blocks
        .iter()
        .filter_map(|b| {
            Some((
                attr(&b.info, "file")?.to_string(),
                b.lines.join("\n") + "\n",
            ))
        })
        .collect();
    assert!(
        files.iter().any(|(n, _)| n == "contoso.toml"),
        "the custom catalogue is a file block"
    );
    let mut ran = 0;
    for block in &blocks {
        let marked = block.info.split_whitespace().any(|w| w == "example")
            || attr(&block.info, "example").is_some();
        if !marked {
            assert!(
                !block.lines.iter().any(|l| is_command(l)),
                "README.md:{}: a block with dvrole commands is not marked `example`",
                block.line
            );
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let at = format!("README.md:{}", block.line);
        match attr(&block.info, "example") {
            None => {
                seed(d, &files);
                for line in &block.lines {
                    let command = line.trim();
                    if command.is_empty() || command.starts_with('#') {
                        continue;
                    }
                    let (code, _, stderr) = sh(d, command);
                    let findings_ok = (command.starts_with("dvrole audit")
                        || command.starts_with("dvrole diff"))
                        && code == 1;
                    assert!(
                        code == 0 || findings_ok,
                        "{at}: `{command}` exited {code}: {stderr}"
                    );
                    assert!(!stderr.contains("error"), "{at}: `{command}`: {stderr}");
                    for output in outputs(command) {
                        assert!(d.join(&output).exists(), "{at}: `{command}` wrote {output}");
                    }
                    ran += 1;
                }
            }
            Some("config") => {
                fs::write(d.join("dvrole.toml"), block.lines.join("\n") + "\n").unwrap();
                dvrole_in(d).arg("generate").assert().success();
                dvrole_in(d)
                    .args(["generate", "--check"])
                    .assert()
                    .success();
                ran += 1;
            }
            Some(name) => {
                setup(name, d);
                let (first, expected) = block.lines.split_first().expect("a command line");
                let command = first
                    .strip_prefix("$ ")
                    .unwrap_or_else(|| panic!("{at}: a console block starts with `$ `"));
                let (_, stdout, stderr) = sh(d, command);
                assert_eq!(
                    stdout.trim_end(),
                    expected.join("\n").trim_end(),
                    "{at}: `{command}` prints what README shows ({stderr})"
                );
                ran += 1;
            }
        }
    }
    assert!(ran >= 25, "only {ran} README examples ran");
}

#[test]
fn blocks_and_markers_are_read_as_written() {
    let text = "a\n```sh example\ndvrole x\n```\n  ```toml file=a.toml\n  k = 1\n  ```\n```\n$ dvrole y\n```\n";
    let b = blocks(text);
    assert_eq!(b.len(), 3);
    assert_eq!(b[0].info, "sh example");
    assert_eq!(b[1].lines, ["k = 1"]);
    assert_eq!(attr(&b[1].info, "file"), Some("a.toml"));
    assert!(is_command(&b[2].lines[0]));
    assert_eq!(outputs("dvrole report --format csv -o m.csv"), ["m.csv"]);
}
