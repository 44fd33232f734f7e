//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `dvrole` binary under test, with every `DVROLE_*` setting variable cleared, so a test
/// sees only what it sets.
pub fn dvrole() -> Command {
    let mut cmd = Command::cargo_bin("dvrole").expect("the dvrole binary is built by cargo test");
    cmd.env_remove("NO_COLOR");
    // Every DVROLE_ variable of the environment the tests run in, settings and others.
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("DVROLE_") {
            cmd.env_remove(name);
        }
    }
    for setting in dvrole::settings::Setting::ALL {
        if let Some(var) = setting.env_var() {
            cmd.env_remove(var);
        }
    }
    cmd
}

/// [`dvrole`], run in `dir`.
pub fn cmd(dir: &Path) -> Command {
    let mut c = dvrole();
    c.current_dir(dir);
    c
}

/// What `dvrole ARGS` run in `dir` prints on stdout; the run must succeed.
pub fn stdout_ok(dir: &Path, args: &[&str]) -> Vec<u8> {
    cmd(dir)
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

/// Every file under `dir`, relative with `/` separators, sorted, with its bytes.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("a readable folder").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .expect("below dir")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read(&p).expect("a readable file")));
            }
        }
    }
    out.sort();
    out
}

/// A zip holding `entries` in this order, deflated.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("a zip entry");
        w.write_all(data).expect("entry bytes");
    }
    w.finish().expect("a finished zip").into_inner()
}

/// The shared reference material (real exports, Microsoft's schemas):
/// `$DVROLE_REFERENCE_DIR`, or `../shared/reference` beside the checkout.
///
/// Returns `None`, after saying so, where it is absent, so the calling test can skip; under
/// CI (`CI` set) an absent reference is a failure instead, so a skip never passes for green.
pub fn reference_dir(test: &str) -> Option<PathBuf> {
    let dir = reference_path();
    if dir.join("exports").is_dir() {
        return Some(dir);
    }
    skip_or_fail(
        test,
        &format!(
            "reference material not found at {} (set DVROLE_REFERENCE_DIR)",
            dir.display()
        ),
    );
    None
}

/// Where the reference material is looked for, there or not.
fn reference_path() -> PathBuf {
    match std::env::var_os("DVROLE_REFERENCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/reference"),
    }
}

/// Microsoft's customizations schema: `$DVROLE_XSD_DIR/CustomizationsSolution.xsd`, or the
/// libxml2-compatible set under the reference material (`xsd/9.0.0.2090-libxml2`). Returns
/// `None`, after saying why, where it or `xmllint` is missing (a failure under CI).
pub fn schema(test: &str) -> Option<PathBuf> {
    schema_in(test, "DVROLE_XSD_DIR", "xsd/9.0.0.2090-libxml2")
}

/// The current schema copy (`$DVROLE_XSD_CURRENT_DIR`, or
/// `../shared/reference/xsd/9.0.0.2090-libxml2-current`): the published 9.0.0.2090 set plus
/// the `isinherited` attribute and `<IsAutoAssigned>` that current exports carry. Skips like
/// [`schema`].
pub fn schema_current(test: &str) -> Option<PathBuf> {
    schema_in(
        test,
        "DVROLE_XSD_CURRENT_DIR",
        "xsd/9.0.0.2090-libxml2-current",
    )
}

fn schema_in(test: &str, var: &'static str, below_reference: &str) -> Option<PathBuf> {
    let (dir, variable) = match std::env::var_os(var) {
        Some(d) => (PathBuf::from(d), var.to_string()),
        None => (
            reference_path().join(below_reference),
            format!("{var}, or DVROLE_REFERENCE_DIR"),
        ),
    };
    let xsd = dir.join("CustomizationsSolution.xsd");
    if !xsd.is_file() {
        skip_or_fail(
            test,
            &format!(
                "Microsoft's schema {} not found (set {variable})",
                xsd.display()
            ),
        );
        return None;
    }
    if std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_err()
    {
        skip_or_fail(test, "xmllint not found (apt-get install libxml2-utils)");
        return None;
    }
    Some(xsd)
}

/// Runs xmllint on `xml` against `xsd`; returns (passed, what xmllint said).
pub fn xmllint(xsd: &Path, xml: &[u8]) -> (bool, String) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("customizations.xml");
    std::fs::write(&file, xml).expect("the XML written");
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xsd)
        .arg(&file)
        .output()
        .expect("xmllint runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Whether golden files are being rewritten (`DVROLE_BLESS` set) rather than checked.
/// Blessing under CI is refused: it would turn every golden test green without a check.
pub fn blessing() -> bool {
    let bless = std::env::var_os("DVROLE_BLESS").is_some();
    assert!(
        !(bless && std::env::var_os("CI").is_some()),
        "DVROLE_BLESS is set under CI; golden files are rewritten only by hand"
    );
    bless
}

/// Checks `actual` against the golden text file at `path`, after rewriting the file with it
/// when [`blessing`].
pub fn assert_golden_text(path: &Path, actual: &str) {
    if blessing() {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("the golden file's folder");
        }
        std::fs::write(path, actual).expect("the golden file written");
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e} (DVROLE_BLESS=1 writes it)", path.display()));
    assert_eq!(
        actual,
        expected,
        "{} differs from its golden file (DVROLE_BLESS=1 rewrites it)",
        path.display()
    );
}

/// The checks skipped in this run, for the summary printed when the test binary exits.
static SKIPPED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Says a test is skipped for `reason`; panics instead when `CI` is set. The line goes
/// straight to stderr, past libtest's capture, and the test is named again in a summary after
/// libtest's own result line, so "ok" never hides a check that did not run.
pub fn skip_or_fail(test: &str, reason: &str) {
    use std::io::Write;
    if std::env::var_os("CI").is_some() {
        panic!("{test}: {reason}, and CI is set, so this is a failure, not a skip");
    }
    let line = format!("{test}: {reason}");
    let _ = writeln!(std::io::stderr(), "SKIPPED {line}; under CI this fails");
    let mut skipped = SKIPPED.lock().unwrap_or_else(|e| e.into_inner());
    if skipped.is_empty() {
        register_summary();
    }
    skipped.push(line);
}

/// Prints the skipped checks once libtest has printed its result, as the process exits.
#[cfg(unix)]
fn register_summary() {
    extern "C" fn print_summary() {
        use std::io::Write;
        let skipped = SKIPPED.lock().unwrap_or_else(|e| e.into_inner());
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "\nSKIPPED: {} check(s) did not run, so the result above does not cover them:",
            skipped.len()
        );
        for line in skipped.iter() {
            let _ = writeln!(err, "  {line}");
        }
        let _ = writeln!(
            err,
            "Each line says what is missing: the reference folder ../shared/reference (or DVROLE_REFERENCE_DIR; DVROLE_XSD_DIR for the schemas alone), xmllint, for the Rust-version check the locked packages (`cargo fetch --locked` once), or for the terminal check a pseudo-terminal from script(1); see README, Development. Under CI (CI set) they fail instead."
        );
    }
    // SAFETY: atexit only records the function, which is a plain extern "C" fn that
    // touches nothing but a static and stderr.
    unsafe {
        libc::atexit(print_summary);
    }
}

/// Where atexit is not at hand, the SKIPPED lines above are all there is.
#[cfg(not(unix))]
fn register_summary() {}

/// Reads every entry of a zip into (name, bytes) pairs, in archive order.
pub fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a readable zip");
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).expect("an entry");
            let mut data = Vec::new();
            entry.read_to_end(&mut data).expect("entry bytes");
            let name = entry
                .name()
                .map(|n| n.into_owned())
                .expect("a UTF-8 entry name");
            (name, data)
        })
        .collect()
}

/// A customizations.xml of `count` roles named `Role 0`, `Role 1`, ..., each holding only
/// `prvReadAccount` at Global; the role at `broken`, if any, holds it at a level that is not
/// a depth. Past a few hundred roles it is large enough to be read on a second thread.
pub fn many_roles_xml(count: usize, broken: Option<usize>) -> String {
    let mut xml = String::from("<ImportExportXml><Roles>");
    for i in 0..count {
        let level = if Some(i) == broken {
            "Sideways"
        } else {
            "Global"
        };
        xml.push_str(&format!(
            "<Role id=\"{{00000000-0000-0000-0000-{i:012}}}\" name=\"Role {i}\"><RolePrivileges>\
             <RolePrivilege name=\"prvReadAccount\" level=\"{level}\" /></RolePrivileges></Role>"
        ));
    }
    xml.push_str("</Roles></ImportExportXml>");
    xml
}
