//! Output that fails loudly: every command and output format, written to a full disk
//! (`/dev/full`) exits 2 with one line naming the output, and written to a pipe whose reader
//! has gone ends quietly with exit 0, as `dvrole audit big.zip | head` should. (`generate`
//! without `--json` and `init` print only diagnostics, on stderr; `-o` files are covered
//! below.)

use std::fs::{self, File};
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use assert_cmd::assert::OutputAssertExt;

use crate::common;

const FULL: &str =
    "dvrole: error: writing standard output: No space left on device (os error 28)\n";

fn fixture(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path)
        .display()
        .to_string()
}

/// Every command, in every output format, writing to standard output.
fn commands() -> Vec<Vec<String>> {
    let valid = fixture("validate/valid");
    let bad = fixture("validate/bad-level");
    let export = fixture("audit/customizations.xml");
    let source = fixture("audit/source");
    let rows: Vec<Vec<&str>> = vec![
        vec!["generate", "--json", "-o", "a.zip"],
        vec!["generate", "--json", "--format", "folder", "-o", "src"],
        vec!["generate", "--print-config"],
        vec!["generate", "-o", "-"],
        vec!["init", "-o", "-"],
        vec!["report", "-o", "-"],
        vec!["diff", &export, &source],
        vec!["diff", "--json", &export, &source],
        vec!["fix", &export, "-o", "fixed.zip"],
        vec!["fix", "--json", &export, "-o", "fixed.zip"],
        vec!["fix", "--check", &export, "-o", "fixed.zip"],
        vec!["generate", "--print-config", "--json"],
        vec!["generate", "--check", "-o", "a.zip"],
        vec!["generate", "--check", "--json", "-o", "a.zip"],
        vec![
            "generate",
            "--check",
            "--depth",
            "prvReadContact=Local",
            "-o",
            "a.zip",
        ],
        vec!["validate", &valid],
        vec!["validate", &bad],
        vec!["validate", "--json", &valid, &bad],
        vec!["report"],
        vec!["report", "--format", "csv"],
        vec!["report", "--format", "json"],
        vec!["report", &export, &source],
        vec!["report", "--format", "csv", &export, &source],
        vec!["report", "--format", "json", "--desired", &export, &source],
        vec!["report", "--format", "html", &export, &source],
        vec!["report", "--format", "xlsx", &export, &source],
        vec!["catalogue", "list"],
        vec!["catalogue", "list", "--json"],
        vec!["catalogue", "show", "server-side-sync"],
        vec!["catalogue", "show", "--format", "csv", "server-side-sync"],
        vec!["catalogue", "show", "--format", "json", "server-side-sync"],
        vec!["explain", "missing prvReadEmailServerProfile privilege"],
        vec![
            "explain",
            "--json",
            "missing prvReadEmailServerProfile privilege",
        ],
        vec!["explain", "no privilege named here"],
        vec!["audit", &export, &source],
        vec!["audit", "--show-extra", &export],
        vec!["audit", "--json", &export, &source],
        vec!["audit", "--summary", &export, &source],
        vec!["audit", "--summary", "--json", &export, &source],
        // Past the first 128 KiB the roles are parsed on a second thread; under --json this
        // one reads and writes (see `workspace`).
        vec!["audit", LARGE],
        vec!["audit", "--json", LARGE, &export],
        vec!["audit", "--summary", "--json", LARGE],
        vec!["completions", "bash"],
        vec!["completions", "zsh"],
        vec!["completions", "fish"],
        vec!["completions", "powershell"],
        vec!["man"],
        vec!["man", "catalogue", "show"],
        vec!["--help"],
        vec!["--version"],
        vec!["generate", "--help"],
    ];
    rows.into_iter()
        .map(|r| r.into_iter().map(String::from).collect())
        .collect()
}

/// A folder where every command above can run: it holds the zip `--check` compares with,
/// and [`LARGE`].
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::cmd(dir.path())
        .args(["generate", "-o", "a.zip"])
        .assert()
        .success();
    let large = dir.path().join("large");
    fs::create_dir(&large).unwrap();
    large_export(&large);
    dir
}

/// An export large enough to be read ahead ([`large_export`]), in the [`workspace`].
const LARGE: &str = "large/customizations.xml";

/// `dvrole args` in `dir` as a plain process, the environment cleared as [`common::dvrole`]
/// clears it, with `stdout` as its standard output.
fn process(dir: &Path, args: &[String], stdout: Stdio) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dvrole"));
    c.current_dir(dir).args(args).stdout(stdout);
    c.env_remove("NO_COLOR");
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("DVROLE_") {
            c.env_remove(name);
        }
    }
    c
}

fn dev_full() -> File {
    let f = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full opens");
    assert!(
        f.metadata().unwrap().file_type().is_char_device(),
        "/dev/full is not the device that fails every write"
    );
    f
}

/// What `args` prints on stderr when its stdout is written without trouble: notes,
/// warnings, the next step.
fn diagnostics(dir: &Path, args: &[String]) -> String {
    let out = process(dir, args, Stdio::null()).output().unwrap();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn every_command_on_a_full_disk_exits_2_with_one_line() {
    let dir = workspace();
    for args in commands() {
        let usual = diagnostics(dir.path(), &args);
        // Run as a plain process: assert_cmd would replace its stdout with a pipe.
        let out = process(dir.path(), &args, Stdio::from(dev_full()))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        // The one error line, after whatever diagnostics came before the failed write.
        let before = stderr.strip_suffix(FULL);
        assert!(
            before.is_some_and(|b| usual.starts_with(b)),
            "{args:?}: {stderr}"
        );
        out.assert()
            .code(2)
            .stderr(predicates::str::ends_with(FULL));
    }
}

/// A pipe whose reading end is already closed: every write to it fails with EPIPE.
fn closed_pipe() -> Stdio {
    let mut fds = [0; 2];
    // SAFETY: fds is a valid array of two file descriptors for pipe() to fill.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0, "pipe()");
    // SAFETY: both descriptors were just returned by pipe() and are owned by nobody else.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read);
    Stdio::from(write)
}

#[test]
fn every_command_on_a_closed_pipe_ends_quietly() {
    let dir = workspace();
    for args in commands() {
        let usual = diagnostics(dir.path(), &args);
        let out = process(dir.path(), &args, closed_pipe()).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        // Nothing about the pipe: at most the diagnostics of a run that wrote everything
        // (for most commands, nothing at all).
        assert!(usual.starts_with(&*stderr), "{args:?}: {stderr}");
        assert!(!stderr.contains("error"), "{args:?}: {stderr}");
    }
}

/// An export with many roles, each lacking every privilege: megabytes of findings.
fn large_export(dir: &Path) -> PathBuf {
    let xml = common::many_roles_xml(2000, None);
    let path = dir.join("customizations.xml");
    fs::write(&path, xml).unwrap();
    path
}

#[test]
fn a_reader_that_stops_early_ends_audit_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let export = large_export(dir.path()).display().to_string();
    for json in [false, true] {
        let mut args = vec!["audit".to_string(), export.clone()];
        if json {
            args.push("--json".into());
        }
        let mut child = process(dir.path(), &args, Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read a little, as `head -c 100` would, then go away.
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 100];
        stdout.read_exact(&mut first).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "json {json}");
        assert!(
            out.stderr.is_empty(),
            "json {json}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Read whole, the same audit is a long report with findings (exit 1).
    let whole = process(dir.path(), &["audit".into(), export], Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(whole.status.code(), Some(1));
    assert!(whole.stdout.len() > 1 << 20, "{} bytes", whole.stdout.len());
}

#[test]
fn an_output_file_that_is_a_device_is_refused() {
    let dir = workspace();
    let export = fixture("audit/customizations.xml");
    for args in [
        vec!["report", "-o", "/dev/full"],
        vec!["report", "--format", "json", "-o", "/dev/full"],
        vec!["report", &export, "--format", "html", "-o", "/dev/full"],
        vec!["report", &export, "--format", "xlsx", "-o", "/dev/full"],
        vec!["catalogue", "show", "-o", "/dev/full", "server-side-sync"],
        vec!["generate", "-o", "/dev/full"],
    ] {
        common::cmd(dir.path())
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicates::str::ends_with(
                "dvrole: error: /dev/full: is a character device; dvrole replaces only a plain file, so give a plain path (or remove it first)\n",
            ));
        // Still the device: nothing was renamed over it.
        dev_full();
    }
}
