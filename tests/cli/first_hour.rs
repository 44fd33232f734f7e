//! What a new user meets first: output paths that need folders, where messages go, quiet
//! runs, what to do after `generate`, the audit summary, messages that point the right
//! way, and the skip summary of the tests themselves.

use std::fs;
use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{cmd, stdout_ok, tree};

const ZIP: &str = "ServerSideSyncRole_1_0_0_0.zip";

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

fn names(dir: &Path) -> Vec<String> {
    tree(dir).into_iter().map(|(n, _)| n).collect()
}

// ---- -o: missing folders, folders as targets, honest --check ----

#[test]
fn o_creates_the_folders_it_needs_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cmd(d)
        .args(["generate", "-o", "out/role.zip"])
        .assert()
        .success();
    cmd(d)
        .args([
            "generate",
            "--format",
            "folder",
            "-o",
            "solution/ServerSideSyncRole",
        ])
        .assert()
        .success();
    cmd(d).args(["init", "-o", "sub/x.toml"]).assert().success();
    cmd(d)
        .args(["report", "--format", "csv", "-o", "reports/2026/m.csv"])
        .assert()
        .success();
    cmd(d)
        .args(["catalogue", "show", "app-for-outlook", "-o", "docs/c.md"])
        .assert()
        .success();
    let names = names(d);
    for want in [
        "out/role.zip",
        "solution/ServerSideSyncRole/Other/Solution.xml",
        "sub/x.toml",
        "reports/2026/m.csv",
        "docs/c.md",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
}

#[test]
fn a_folder_as_output_gets_the_default_name_inside_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("existing")).unwrap();
    cmd(d)
        .args(["generate", "-o", "existing"])
        .assert()
        .success()
        .stderr(predicate::str::starts_with(format!(
            "wrote {}",
            Path::new("existing").join(ZIP).display()
        )));
    cmd(d)
        .args(["generate", "--package-type", "both", "-o", "new/"])
        .assert()
        .success();
    cmd(d).args(["init", "-o", "existing"]).assert().success();
    cmd(d).args(["report", "-o", "r/"]).assert().success();
    cmd(d)
        .args(["report", "--format", "json", "-o", "existing"])
        .assert()
        .success();
    cmd(d)
        .args([
            "catalogue",
            "show",
            "server-side-sync",
            "app-for-outlook",
            "--format",
            "csv",
        ])
        .args(["-o", "existing"])
        .assert()
        .success();
    assert_eq!(
        names(d),
        [
            format!("existing/{ZIP}"),
            "existing/dvrole.toml".into(),
            "existing/privileges.json".into(),
            "existing/server-side-sync+app-for-outlook.csv".into(),
            "new/ServerSideSyncRole_1_0_0_0.zip".into(),
            "new/ServerSideSyncRole_1_0_0_0_managed.zip".into(),
            "r/privileges.md".into(),
        ]
    );
}

#[test]
fn the_config_examples_output_path_works_in_a_fresh_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("dvrole.toml"),
        "[output]\nformat = \"folder\"\npath = \"solution/ServerSideSyncRole\"\n",
    )
    .unwrap();
    cmd(d).arg("generate").assert().success();
    assert!(d.join("solution/ServerSideSyncRole/Roles").is_dir());
    cmd(d).args(["generate", "--check"]).assert().success();
}

#[test]
fn a_failed_write_leaves_no_folder_it_created() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Planning fails: nothing is created.
    cmd(d)
        .args([
            "generate",
            "--depth",
            "prvReadUserQuery=Global",
            "-o",
            "new/sub/role.zip",
        ])
        .assert()
        .code(2);
    // Writing fails after the folders were made (a file name too long for any file
    // system): they are removed again.
    let long = format!("new/sub/{}.zip", "x".repeat(300));
    cmd(d).args(["generate", "-o", &long]).assert().code(2);
    cmd(d)
        .args(["generate", "--format", "folder", "-o"])
        .arg(format!("new/{}", "y".repeat(300)))
        .assert()
        .code(2);
    cmd(d)
        .args(["report", "-o"])
        .arg(format!("new/{}.md", "z".repeat(300)))
        .assert()
        .code(2);
    assert!(names(d).is_empty(), "{:?}", names(d));
    assert!(fs::read_dir(d).unwrap().next().is_none(), "no folder left");
}

#[test]
fn a_file_where_a_folder_should_be_is_refused_and_check_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("out"), b"mine").unwrap();
    cmd(d)
        .args(["generate", "-o", "out/sub/role.zip"])
        .assert()
        .code(2)
        .stderr("dvrole: error: out/sub/role.zip: out is a file, not a folder; remove it or name another path\n");
    cmd(d)
        .args(["generate", "--check", "-o", "out/sub/role.zip"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "missing; out is a file, not a folder, so `dvrole generate` cannot write it",
        ));
    assert_eq!(names(d), ["out"]);
    assert_eq!(fs::read(d.join("out")).unwrap(), b"mine");
}

#[test]
fn check_says_when_the_outputs_folder_is_missing_too() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cmd(d)
        .args(["generate", "--check", "-o", "out/role.zip"])
        .assert()
        .code(1)
        .stdout(
            "drift: out/role.zip\n  missing; the folder out does not exist either; `dvrole generate` creates both\nrun dvrole generate with the same settings to bring the output up to date\n",
        );
    let json = cmd(d)
        .args(["generate", "--check", "--json", "-o", "a/b/role.zip"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v["targets"][0]["drift"][0]["kind"], "target_missing");
    assert_eq!(
        v["targets"][0]["drift"][0]["message"],
        "the folders a, a/b do not exist either; `dvrole generate` creates them"
    );
    assert!(names(d).is_empty(), "--check writes nothing");
    cmd(d)
        .args(["generate", "-o", "out/role.zip"])
        .assert()
        .success();
    cmd(d)
        .args(["generate", "--check", "-o", "out/role.zip"])
        .assert()
        .success()
        .stdout("up to date: out/role.zip\n");
}

#[cfg(not(windows))]
#[test]
fn a_windows_path_on_linux_is_refused_for_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for args in [
        &["generate", "-o", "C:\\Temp\\role.zip"][..],
        &["generate", "--format", "folder", "-o", "C:\\Temp\\Role"],
        &["init", "-o", "C:\\Temp\\dvrole.toml"],
        &["report", "-o", "C:\\Temp\\m.md"],
        &[
            "catalogue",
            "show",
            "server-side-sync",
            "-o",
            "C:\\Temp\\c.md",
        ],
    ] {
        let a = cmd(d).args(args).assert().code(2);
        let err = stderr_of(&a);
        assert!(
            err.contains("holds '\\', which is no folder separator on this system"),
            "{args:?}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    assert!(names(d).is_empty());
}

#[test]
fn a_zip_under_another_name_or_a_format_under_another_extension_gets_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a = cmd(d)
        .args(["generate", "-o", "role.txt"])
        .assert()
        .success();
    assert!(
        stderr_of(&a).starts_with(
            "warning: role.txt: a solution zip is written whatever the name; name it .zip"
        ),
        "{}",
        stderr_of(&a)
    );
    assert_eq!(&fs::read(d.join("role.txt")).unwrap()[..2], b"PK");
    let a = cmd(d)
        .args(["generate", "--format", "folder", "-o", "f.zip"])
        .assert()
        .success();
    assert!(
        stderr_of(&a).starts_with("warning: f.zip: --format folder writes a folder, not a zip"),
        "{}",
        stderr_of(&a)
    );
    let a = cmd(d)
        .args(["report", "--format", "md", "-o", "m.csv"])
        .assert()
        .success();
    assert!(
        stderr_of(&a).contains("warning: m.csv: the file holds md, as --format says, not csv"),
        "{}",
        stderr_of(&a)
    );
    // Without --format, report writes what the extension names.
    let a = cmd(d).args(["report", "-o", "n.csv"]).assert().success();
    assert!(!stderr_of(&a).contains("warning"), "{}", stderr_of(&a));
    assert!(fs::read_to_string(d.join("n.csv"))
        .unwrap()
        .starts_with("privilege,entity,"));
    let a = cmd(d).args(["generate", "-o", "ok.ZIP"]).assert().success();
    assert!(!stderr_of(&a).contains("warning"), "{}", stderr_of(&a));
}

// ---- where messages go, and the same names in every JSON and CSV ----

#[test]
fn wrote_lines_and_notes_go_to_stderr_and_results_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (args, wrote) in [
        (
            &["generate", "--default-depth", "Global"][..],
            format!("wrote {ZIP}"),
        ),
        (&["init"], "wrote dvrole.toml".to_string()),
        (
            &["report", "-o", "m.md"],
            "wrote m.md: 24 privileges".into(),
        ),
        (
            &["catalogue", "show", "app-for-outlook", "-o", "c.md"],
            "wrote c.md: 31 privileges".into(),
        ),
    ] {
        let a = cmd(d).args(args).assert().success().stdout("");
        assert!(
            stderr_of(&a).contains(&wrote),
            "{args:?}: {}",
            stderr_of(&a)
        );
    }
}

#[test]
fn json_and_csv_outputs_name_and_type_the_same_things_alike() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let json = |args: &[&str]| -> Value {
        let out = cmd(d).args(args).assert().get_output().stdout.clone();
        serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{args:?}: {e}"))
    };
    let report = json(&[
        "report",
        "--format",
        "json",
        "--add",
        "prvReadAccount=Local",
    ]);
    let show = json(&["catalogue", "show", "server-side-sync", "--format", "json"]);
    let explain = json(&[
        "explain",
        "--json",
        "missing prvReadEmailServerProfile privilege",
    ]);
    let generated = json(&["generate", "--json", "--add", "prvReadAccount=Local"]);
    let find = |list: &Value, name: &str| -> Value {
        list.as_array()
            .unwrap()
            .iter()
            .find(|p| p["privilege"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} in {list}"))
    };
    let name = "prvReadEmailServerProfile";
    let r = find(&report["privileges"], name);
    let s = find(&show["entries"], name);
    let e = find(&explain["privileges"], name);
    let g = find(&generated["role"]["privileges"], name);
    assert_eq!(r["allowed"], serde_json::json!(["Global"]));
    assert_eq!(r["allowed"], s["allowed"]);
    assert_eq!(r["allowed"], e["allowed"]);
    for key in ["entity", "tab"] {
        assert_eq!(r[key], s[key], "{key}");
        assert_eq!(r[key], e[key], "{key}");
    }
    assert_eq!(r["depth"], g["depth"]);
    assert_eq!(r["in_catalogue"], true);
    assert_eq!(g["in_catalogue"], true);
    assert_eq!(e["in_catalogue"], true);
    let added = find(&report["privileges"], "prvReadAccount");
    assert_eq!(added["allowed"], Value::Null, "unknown values are null");
    assert_eq!(added["entity"], Value::Null);
    assert_eq!(added["in_catalogue"], false);
    assert_eq!(
        find(&generated["role"]["privileges"], "prvReadAccount")["in_catalogue"],
        false
    );

    assert_eq!(e["privilege_id"], s["privilege_id"]);
    assert!(e["privilege_id"].is_string());

    // `privileges` is a list wherever it appears; a count is `privilege_count`.
    let zip = d.join("r.zip");
    cmd(d)
        .args(["generate", "-q", "-o", "r.zip"])
        .assert()
        .success();
    let validated = json(&["validate", "--json", "r.zip"]);
    let audited = json(&["audit", "--json", "r.zip"]);
    for role in [&validated["reports"][0]["roles"][0], &audited["roles"][0]] {
        assert_eq!(role["privilege_count"], 24, "{role}");
        assert!(role.get("privileges").is_none(), "{role}");
    }
    assert!(generated["role"]["privileges"].is_array());
    assert!(zip.is_file());

    // CSV headers use the JSON names, and the columns both hold are written alike.
    let csv = |args: &[&str]| -> String {
        String::from_utf8(cmd(d).args(args).assert().get_output().stdout.clone()).unwrap()
    };
    let report_csv = csv(&["report", "--format", "csv"]);
    let show_csv = csv(&["catalogue", "show", "server-side-sync", "--format", "csv"]);
    let header = |t: &str| -> Vec<String> {
        t.lines()
            .next()
            .unwrap()
            .split(',')
            .map(str::to_string)
            .collect()
    };
    let (rh, sh) = (header(&report_csv), header(&show_csv));
    for column in &rh {
        assert!(
            sh.contains(column) || ["depth", "in_catalogue"].contains(&column.as_str()),
            "report column {column} is named as catalogue show names it: {sh:?}"
        );
    }
    let cell = |t: &str, h: &[String], column: &str| -> String {
        let i = h.iter().position(|c| c == column).unwrap();
        let row = t
            .lines()
            .find(|l| l.starts_with("prvReadContact,"))
            .unwrap();
        row.split(',').nth(i).unwrap().to_string()
    };
    assert_eq!(cell(&report_csv, &rh, "allowed"), "Basic/Local/Deep/Global");
    assert_eq!(
        cell(&report_csv, &rh, "allowed"),
        cell(&show_csv, &sh, "allowed")
    );
}

// ---- messages ----

#[test]
fn messages_point_the_right_way() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let err = |args: &[&str]| -> String {
        let a = cmd(d).args(args).assert().code(2);
        let e = stderr_of(&a);
        assert_eq!(e.lines().count(), 1, "{args:?}: one line: {e}");
        e
    };
    let e = err(&["generate", "--exclude", "prvReadIncidnet"]);
    assert!(e.contains("did you mean 'prvReadIncident'"), "{e}");
    assert!(e.contains("nothing to leave out"), "{e}");
    assert!(!e.contains("--add"), "{e}");
    // A probable misspelling gets the name meant, never a fix that names the misspelling.
    let e = err(&["generate", "--depth", "prvReadIncidnet=Basic"]);
    assert!(e.contains("did you mean 'prvReadIncident'"), "{e}");
    assert!(!e.contains("--add prvReadIncidnet"), "{e}");
    // A name close to nothing dvrole knows may be a privilege outside the catalogue.
    let e = err(&["generate", "--depth", "prvReadSomethingElse=Basic"]);
    assert!(e.contains("use --add prvReadSomethingElse=DEPTH"), "{e}");

    let e = err(&["generate", "--solution-version", "1.99999999999.0.0"]);
    assert!(e.contains("a version part is too large"), "{e}");
    assert!(!e.contains("2 to 4 parts"), "{e}");
    let e = err(&["generate", "--solution-version", "1.x"]);
    assert!(e.contains("2 to 4 parts"), "{e}");

    let a = cmd(d)
        .env("DVROLE_CONFIG", "none.toml")
        .arg("generate")
        .assert()
        .code(2);
    let e = stderr_of(&a);
    assert!(e.contains("check DVROLE_CONFIG"), "{e}");
    assert!(!e.contains("--config"), "{e}");
    let e = err(&["generate", "--config", "none.toml"]);
    assert!(e.contains("check --config"), "{e}");
    // A folder named by the variable: the message names the variable, not --config.
    fs::create_dir(d.join("conf")).unwrap();
    let a = cmd(d)
        .env("DVROLE_CONFIG", "conf")
        .arg("generate")
        .assert()
        .code(2);
    let e = stderr_of(&a);
    assert!(e.contains("name a file with DVROLE_CONFIG"), "{e}");
    fs::remove_dir(d.join("conf")).unwrap();

    // `-o -` is standard output where one document is written, and refused, naming what
    // would not fit there, where more would be; nothing named '-' ever appears.
    for args in [
        &["generate", "-o", "-", "--package-type", "both"][..],
        &["generate", "-o", "-", "--format", "folder"],
        &["generate", "-o", "-", "--json"],
        &["generate", "-o", "-", "--check"],
    ] {
        let e = err(args);
        assert!(e.starts_with("dvrole: error: -o '-': "), "{args:?}: {e}");
    }
    // From the config file or the environment, the refusal says where it was set.
    fs::write(d.join("dvrole.toml"), "[output]\npath = \"-\"\n").unwrap();
    let e = err(&["generate", "--package-type", "both"]);
    assert!(
        e.starts_with("dvrole: error: dvrole.toml:2: output.path '-': is standard output, which takes one zip"),
        "{e}"
    );
    fs::remove_file(d.join("dvrole.toml")).unwrap();
    let a = cmd(d)
        .env("DVROLE_OUTPUT_PATH", "-")
        .args(["generate", "--format", "folder"])
        .assert()
        .code(2);
    let e = stderr_of(&a);
    assert!(
        e.starts_with("dvrole: error: DVROLE_OUTPUT_PATH '-': is standard output"),
        "{e}"
    );
    let e = err(&["catalogue", "show", "server-sync"]);
    assert!(e.contains("(did you mean 'server-side-sync'?)"), "{e}");
    let e = err(&["generate", "--catalogue", "app-for-outlok"]);
    assert!(e.contains("(did you mean 'app-for-outlook'?)"), "{e}");
    assert!(names(d).is_empty());
}

#[test]
fn publisher_name_is_also_its_display_name_unless_one_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let localized = |args: &[&str]| -> String {
        cmd(d)
            .args(["generate", "--format", "folder", "-o", "s"])
            .args(args)
            .assert()
            .success();
        let xml = fs::read_to_string(d.join("s/Other/Solution.xml")).unwrap();
        let publisher = &xml[xml.find("<Publisher>").unwrap()..];
        let marker = "<LocalizedName description=\"";
        let start = publisher.find(marker).unwrap() + marker.len();
        let rest = &publisher[start..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    assert_eq!(localized(&["--publisher-name", "contoso"]), "contoso");
    assert_eq!(
        localized(&[
            "--publisher-name",
            "contoso",
            "--publisher-display-name",
            "Contoso Ltd"
        ]),
        "Contoso Ltd"
    );
    assert_eq!(localized(&[]), "dvrole");
    fs::write(d.join("dvrole.toml"), "[publisher]\nname = \"fabrikam\"\n").unwrap();
    assert_eq!(localized(&[]), "fabrikam");
}

// ---- after generate, -q, audit --summary ----

#[test]
fn generate_says_how_to_import_and_assign_the_role() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a = cmd(d).arg("generate").assert().success().stdout("");
    let err = stderr_of(&a);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert_eq!(
        lines[1],
        format!("next: import it with `pac solution import --path {ZIP}`, then give the role to each mailbox owner with `pac admin assign-user --user USER --role \"Server-Side Sync User\"`")
    );
    let a = cmd(d)
        .args([
            "generate",
            "--format",
            "folder",
            "-o",
            "my sol",
            "--role-name",
            "Sync $1",
        ])
        .assert()
        .success();
    let err = stderr_of(&a);
    assert!(
        err.contains("`pac solution pack --folder \"my sol\" --zipfile \"my sol.zip\"`, import it with `pac solution import --path \"my sol.zip\"`"),
        "{err}"
    );
    assert!(err.contains("--role \"Sync \\$1\""), "{err}");
    // A folder named with a trailing / packs into a zip beside it, not into it.
    let a = cmd(d)
        .args(["generate", "--format", "folder", "-o", "pkg/"])
        .assert()
        .success();
    let err = stderr_of(&a);
    assert!(
        err.contains("--zipfile pkg.zip`, import it with `pac solution import --path pkg.zip`"),
        "{err}"
    );
}

#[test]
fn quiet_prints_nothing_on_success_and_still_prints_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let zip = d.join(ZIP);
    let quiet_runs: Vec<Vec<&str>> = vec![
        vec![
            "generate",
            "-q",
            "--default-depth",
            "Global",
            "--add",
            "prvReadAccount=Local",
        ],
        vec![
            "generate",
            "--default-depth",
            "Global",
            "--add",
            "prvReadAccount=Local",
            "--check",
            "--quiet",
        ],
        vec!["-q", "generate", "--print-config"],
        vec!["init", "-q"],
        vec!["report", "-q"],
        vec!["report", "-q", "-o", "m.csv"],
        vec!["catalogue", "list", "-q"],
        vec!["catalogue", "show", "-q", "server-side-sync", "-o", "dir/"],
        vec!["validate", "-q", ZIP],
        vec![
            "audit",
            "-q",
            ZIP,
            "--default-depth",
            "Global",
            "--add",
            "prvReadAccount=Local",
        ],
        vec![
            "explain",
            "-q",
            "missing prvReadEmailServerProfile privilege",
        ],
        vec!["completions", "bash", "-q"],
        vec!["man", "-q"],
        vec!["man", "generate", "-q"],
        vec!["-q", "man", "--dir", "pages"],
    ];
    for args in &quiet_runs {
        cmd(d).args(args).assert().success().stdout("").stderr("");
    }
    assert!(zip.is_file() && d.join("m.csv").is_file() && d.join("dir").is_dir());
    assert!(d.join("pages/dvrole-generate.1").is_file());
    // Warnings too: about a mistyped variable, as about everything else.
    cmd(d)
        .env("DVROLE_SOLUTION_VERSON", "2.0.0.0")
        .args(["generate", "-q", "-o", "v.zip"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    cmd(d)
        .env("DVROLE_SOLUTION_VERSON", "2.0.0.0")
        .args(["generate", "-o", "v.zip"])
        .assert()
        .success()
        .stderr(predicate::str::contains("DVROLE_SOLUTION_VERSION"));
    // Findings: the exit code says it, nothing is printed.
    cmd(d)
        .args(["audit", "-q", ZIP, "--add", "prvCreateAccount=Basic"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("");
    // Errors still print.
    cmd(d)
        .args(["generate", "-q", "--depth", "prvReadUserQuery=Global"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with("dvrole: error: --depth"));
    cmd(d)
        .args(["validate", "-q", "missing.zip"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.zip"));
}

#[test]
fn audit_summary_is_one_line_per_role_then_the_totals() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = fixtures().join("audit/customizations.xml");
    let full = cmd(d).arg("audit").arg(&input).assert().code(1);
    let full = String::from_utf8_lossy(&full.get_output().stdout).into_owned();
    let a = cmd(d)
        .arg("audit")
        .arg(&input)
        .arg("--summary")
        .assert()
        .code(1);
    let text = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    let json = cmd(d)
        .arg("audit")
        .arg(&input)
        .args(["--json", "--summary"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&json).unwrap();
    let roles = v["roles"].as_array().unwrap();
    assert!(roles.len() >= 2, "the fixture holds several roles");
    assert_eq!(lines.len(), roles.len() + 1, "{text}");
    for (line, role) in lines.iter().zip(roles) {
        assert!(
            role.get("findings").is_none(),
            "the summary drops the findings"
        );
        let want = format!(
            ": role '{}' {}: {} missing, {} too shallow, {} deeper, {} extra",
            role["name"].as_str().unwrap(),
            role["id"].as_str().unwrap(),
            role["missing"],
            role["too_shallow"],
            role["deeper"],
            role["extra"]
        );
        assert!(line.ends_with(&want), "{line} ends with {want}");
    }
    // The totals: the same last line as without --summary, and the counts add up.
    assert_eq!(lines.last(), full.lines().last().as_ref());
    for key in ["missing", "too_shallow", "deeper", "extra"] {
        let sum: u64 = roles.iter().map(|r| r[key].as_u64().unwrap()).sum();
        assert_eq!(v["summary"][key].as_u64().unwrap(), sum, "{key}");
    }
    cmd(d)
        .arg("audit")
        .arg(&input)
        .args(["--summary", "--show-extra"])
        .assert()
        .code(2);
}

// ---- the tests' own skips ----

/// Runs this test binary on one test that needs the reference folder, with an empty one.
fn run_one_test_without_reference(ci: bool) -> assert_cmd::assert::Assert {
    let empty = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().expect("the test binary");
    let mut c = assert_cmd::Command::new(exe);
    c.args([
        "source_folder::validate_passes_on_every_real_source_folder",
        "--exact",
        "--test-threads=1",
    ])
    .env("DVROLE_REFERENCE_DIR", empty.path())
    .env_remove("CI");
    if ci {
        c.env("CI", "true");
    }
    c.assert()
}

#[test]
fn skipped_checks_are_named_in_a_summary_after_the_result() {
    let a = run_one_test_without_reference(false).success();
    let out = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    let err = stderr_of(&a);
    assert!(out.contains("test result: ok. 1 passed"), "{out}");
    let summary = err
        .find("SKIPPED: 1 check(s) did not run, so the result above does not cover them:")
        .unwrap_or_else(|| panic!("a summary: {err}"));
    let rest = &err[summary..];
    assert!(
        rest.contains(
            "  validate_passes_on_every_real_source_folder: reference material not found at"
        ),
        "{rest}"
    );
    assert!(rest.contains("(set DVROLE_REFERENCE_DIR)"), "{rest}");
    assert!(
        rest.contains("Under CI (CI set) they fail instead."),
        "{rest}"
    );
    let a = run_one_test_without_reference(true).failure();
    let out = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(
        out.contains("and CI is set, so this is a failure, not a skip"),
        "{out}"
    );
    assert!(!stderr_of(&a).contains("SKIPPED:"));
}

#[test]
fn the_schema_skip_names_the_variables_that_point_to_the_schema() {
    let empty = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().expect("the test binary");
    let a = assert_cmd::Command::new(exe)
        .args([
            "schema::the_schema_check_rejects_what_the_schema_forbids",
            "--exact",
        ])
        .env("DVROLE_REFERENCE_DIR", empty.path())
        .env_remove("DVROLE_XSD_DIR")
        .env_remove("DVROLE_XSD_CURRENT_DIR")
        .env_remove("CI")
        .assert()
        .success();
    let err = stderr_of(&a);
    // That check runs against the current schema copy, which its own variable names.
    assert!(
        err.contains(
            "CustomizationsSolution.xsd not found (set DVROLE_XSD_CURRENT_DIR, or DVROLE_REFERENCE_DIR)"
        ),
        "{err}"
    );
}

#[test]
fn o_dash_writes_the_one_document_to_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let stdout = |args: &[&str]| stdout_ok(d, args);
    // The zip on standard output is the zip generate writes to a file, byte for byte, and
    // -q keeps the diagnostics away, not the document asked for.
    let piped = stdout(&["generate", "-o", "-"]);
    assert_eq!(piped, stdout(&["-q", "generate", "-o", "-"]));
    cmd(d)
        .args(["generate", "-o", "role.zip"])
        .assert()
        .success();
    assert_eq!(piped, fs::read(d.join("role.zip")).unwrap());
    fs::remove_file(d.join("role.zip")).unwrap();
    // report, catalogue show: as without -o.
    for args in [
        &["report"][..],
        &["report", "--format", "csv"],
        &["catalogue", "show", "server-side-sync", "--format", "json"],
    ] {
        let mut with_dash = args.to_vec();
        with_dash.extend(["-o", "-"]);
        assert_eq!(stdout(&with_dash), stdout(args), "{args:?}");
    }
    // init: the starter a file would hold; an existing dvrole.toml is neither read nor
    // replaced, --force or not.
    fs::write(d.join("dvrole.toml"), "# mine\n").unwrap();
    let starter = stdout(&["init", "-o", "-"]);
    assert_eq!(fs::read(d.join("dvrole.toml")).unwrap(), b"# mine\n");
    cmd(d)
        .args(["init", "--force", "-o", "fresh.toml"])
        .assert()
        .success();
    assert_eq!(starter, fs::read(d.join("fresh.toml")).unwrap());
    // fix prints its changes on standard output, so the zip cannot go there too.
    fs::write(
        d.join("role.xml"),
        "<Role id=\"{0f3a6c1e-5b2d-4e8f-9a7c-1d2e3f4a5b6c}\" name=\"R\"><RolePrivileges><RolePrivilege name=\"prvReadMailbox\" level=\"Basic\"/></RolePrivileges></Role>",
    )
    .unwrap();
    let a = cmd(d).args(["fix", "role.xml", "-o", "-"]).assert().code(2);
    assert!(
        stderr_of(&a).contains("-: is standard output, which takes one document"),
        "{}",
        stderr_of(&a)
    );
    assert!(!d.join("-").exists());
}

#[test]
fn the_stream_timeout_comes_from_the_flag_or_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let zip = fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/golden/ServerSideSyncRole_1_0_0_0.zip"),
    )
    .unwrap();
    // A stream that arrives whole validates, whatever the timeout.
    cmd(d)
        .args(["--stream-timeout", "5", "validate", "-"])
        .write_stdin(zip.clone())
        .assert()
        .success()
        .stdout(predicate::str::starts_with("-: valid, 1 role"));
    for (flag, env) in [(Some("soon"), None), (None, Some("soon"))] {
        let mut c = cmd(d);
        if let Some(v) = env {
            c.env("DVROLE_STREAM_TIMEOUT", v);
        }
        if let Some(v) = flag {
            c.args(["--stream-timeout", v]);
        }
        let a = c
            .args(["validate", "-"])
            .write_stdin(zip.clone())
            .assert()
            .code(2);
        let e = stderr_of(&a);
        let origin = if flag.is_some() {
            "--stream-timeout"
        } else {
            "DVROLE_STREAM_TIMEOUT"
        };
        assert_eq!(
            e,
            format!("dvrole: error: {origin} 'soon': is not a whole number of seconds; give e.g. 60, or 0 to wait for ever\n")
        );
    }
}

#[test]
fn explain_gives_up_on_a_pipe_that_stays_silent() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dvrole"))
        .current_dir(dir.path())
        .args(["--stream-timeout", "1", "explain"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The pipe's writing end stays open here, and nothing is written to it.
    let held = child.stdin.take();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "explain still waits on the silent pipe"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    drop(held);
    let out = child.wait_with_output().unwrap();
    assert_eq!(status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "dvrole: error: stdin: is a pipe that sent nothing for 1 s, so dvrole stopped waiting; pipe the input in when it is ready, or give --stream-timeout SECONDS (0 waits for ever)\n"
    );
}
