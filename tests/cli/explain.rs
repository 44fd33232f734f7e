//! `dvrole explain`: error text in, privilege and fix out.

use crate::common;

use common::dvrole;
use predicates::prelude::*;
use serde_json::Value;

fn explain_json(text: &str, extra: &[&str]) -> Value {
    let out = dvrole()
        .arg("explain")
        .arg(text)
        .args(extra)
        .arg("--json")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn the_server_side_sync_trace_names_the_privilege_and_the_fix() {
    let trace = "Email Server Error Code: Crm.80040220.PrivilegeDenied\n\
        System.ServiceModel.FaultException: Principal user (Id=5b2e8f10-7c3d-4a9e-b1f4-26d0c8e9a713, type=8) \
        is missing prvReadEmailServerProfile privilege (Id=edebe6f6-cf2e-4520-b635-ae0615d41e34) \
        on OTC=9605, ErrorCode -2147220960";
    let v = explain_json(trace, &[]);
    assert!(v["error"].as_str().unwrap().contains("PrivilegeDenied"));
    let ps = v["privileges"].as_array().unwrap();
    assert_eq!(ps.len(), 1, "{v:#}");
    let p = &ps[0];
    assert_eq!(p["privilege"], "prvReadEmailServerProfile");
    assert_eq!(p["entity"], "emailserverprofile");
    assert_eq!(p["tab"], "Business Management");
    assert_eq!(p["access_right"], "Read");
    assert_eq!(p["allowed"], serde_json::json!(["Global"]));
    assert_eq!(p["in_catalogue"], true);
    // The default role holds it at the only depth it allows: a --depth would change nothing.
    assert_eq!(p["already_in_role"], true);
    assert_eq!(p["flags"], serde_json::json!([]));
    assert_eq!(p["fix"], "dvrole generate");
    assert_eq!(v["fix"], "dvrole generate");
    assert!(p["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n == "already in the role `dvrole generate` builds: import it and assign it to the mailbox owner"));

    // The bare sentence, without the exception around it.
    dvrole()
        .arg("explain")
        .arg("Principal user (Id=5b2e8f10-7c3d-4a9e-b1f4-26d0c8e9a713, type=8) is missing prvReadEmailServerProfile privilege (Id=edebe6f6-cf2e-4520-b635-ae0615d41e34)")
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("prvReadEmailServerProfile (id edebe6f6-cf2e-4520-b635-ae0615d41e34)")
                .and(predicate::str::contains("table:          emailserverprofile (Email Server Profile)"))
                .and(predicate::str::contains("role editor:    Business Management tab, Read column"))
                .and(predicate::str::contains("note: already in the role `dvrole generate` builds: import it and assign it to the mailbox owner"))
                .and(predicate::str::contains("fix:            dvrole generate\n"))
                .and(predicate::str::contains("--depth").not()),
        );
}

#[test]
fn seclib_check_privilege_carries_the_required_depth() {
    let text = "SecLib::CheckPrivilege failed. Returned hr = -2147220960, User: 3d7a1e92-4b6c-4f08-a5d3-8e2c9b0f1a64, \
        PrivilegeName: prvReadQueue, PrivilegeId: b140e729-dfeb-4ba1-a33f-39ff830bac90, Required Depth: Deep, \
        BusinessUnitId: 9f3c2b1a-0e4d-4c5b-8a7f-6e5d4c3b2a19";
    let v = explain_json(text, &[]);
    let p = &v["privileges"][0];
    assert_eq!(v["privileges"].as_array().unwrap().len(), 1);
    assert_eq!(p["privilege"], "prvReadQueue");
    assert_eq!(p["required_depth"], "Deep");
    assert_eq!(p["fix"], "dvrole generate --depth prvReadQueue=Deep");
}

#[test]
fn a_required_depth_the_privilege_does_not_allow_is_replaced_and_said() {
    let text =
        "SecLib::CheckPrivilege failed. PrivilegeName: prvReadOrganization, Required Depth: Local";
    let v = explain_json(text, &[]);
    let p = &v["privileges"][0];
    assert_eq!(p["depth"], "Global");
    assert_eq!(p["already_in_role"], true);
    assert_eq!(p["fix"], "dvrole generate");
    assert!(p["notes"][0].as_str().unwrap().contains("does not allow"));
}

#[test]
fn missing_required_privilege_in_the_ui() {
    let v = explain_json(
        "You don't have required privilege (prvReadOrganization), which limits certain functionality.",
        &[],
    );
    let p = &v["privileges"][0];
    assert_eq!(p["privilege"], "prvReadOrganization");
    assert_eq!(p["entity"], "organization");
    assert_eq!(p["already_in_role"], true);
    assert_eq!(p["fix"], "dvrole generate");
}

#[test]
fn a_privilege_outside_the_catalogue_gets_add() {
    let v = explain_json(
        "You don't have required privilege (prvReadPublisher), which limits certain functionality.",
        &[],
    );
    let p = &v["privileges"][0];
    assert_eq!(p["in_catalogue"], false);
    assert_eq!(p["builtin_catalogues"], serde_json::json!([]));
    assert_eq!(p["fix"], "dvrole generate --add prvReadPublisher=Global");
    assert!(p["notes"][0].as_str().unwrap().contains("guess"));
}

#[test]
fn an_import_refusing_a_depth() {
    let v = explain_json(
        "Solution import failed: The privilege prvDeleteUserSettings with id = 6c1a2b3d-4e5f-4061-8a7b-9c0d1e2f3a4b can't have depth = Basic",
        &[],
    );
    let p = &v["privileges"][0];
    assert_eq!(p["privilege"], "prvDeleteUserSettings");
    assert_eq!(p["refused_depth"], "Basic");
    assert_eq!(p["privilege_id"], "6c1a2b3d-4e5f-4061-8a7b-9c0d1e2f3a4b");
    assert_eq!(
        p["fix"],
        "dvrole generate --add prvDeleteUserSettings=Global"
    );

    // A catalogue privilege whose catalogue depth the environment refused.
    let v = explain_json(
        "The privilege prvReadContact with id = ba09ec92-12c4-4312-ba16-5715c2cbd6da can't have depth = Basic",
        &[],
    );
    let p = &v["privileges"][0];
    assert_eq!(
        p["fix"],
        "dvrole generate --allow prvReadContact=Local,Deep,Global --depth prvReadContact=Local"
    );
}

#[test]
fn a_privilege_named_only_by_id() {
    let v = explain_json(
        "missing privilege (Id=edebe6f6-cf2e-4520-b635-ae0615d41e34)",
        &[],
    );
    let ps = v["privileges"].as_array().unwrap();
    assert_eq!(ps.len(), 1);
    assert_eq!(ps[0]["privilege"], "prvReadEmailServerProfile");
    assert_eq!(
        ps[0]["privilege_id"],
        "edebe6f6-cf2e-4520-b635-ae0615d41e34"
    );
}

#[test]
fn stdin_and_several_privileges() {
    let out = dvrole()
        .args(["explain", "-", "--json"])
        .write_stdin("first prvReadMailbox\nthen missing privilege (Id=dbd3ad17-b6bd-46c8-8db7-179fec82c937)\nand prvReadMailbox again\n")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let names: Vec<&str> = v["privileges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["privilege"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["prvReadMailbox", "prvReadOrganization"]);
    dvrole()
        .arg("explain")
        .write_stdin("You don't have required privilege (prvReadOrganization).")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("prvReadOrganization"));
}

#[test]
fn a_named_catalogue_appears_in_the_fix() {
    let v = explain_json(
        "prvReadQueue, Required Depth: Local",
        &["--catalogue", "server-side-sync"],
    );
    assert_eq!(
        v["privileges"][0]["fix"],
        "dvrole generate --catalogue server-side-sync --depth prvReadQueue=Local"
    );
    dvrole()
        .args(["explain", "prvReadQueue", "--catalogue", "nonesuch"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--catalogue 'nonesuch'"));
}

#[test]
fn text_without_a_privilege_is_exit_1() {
    dvrole()
        .args([
            "explain",
            "Principal user (Id=5b2e8f10-7c3d-4a9e-b1f4-26d0c8e9a713) failed, 0x80040220",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("no privilege found"));
}

mod no_panic {
    use dvrole::model::catalogue::Catalogue;
    use dvrole::ops::explain::{explain, Catalogues};
    use proptest::prelude::*;

    proptest! {
        /// Any text, however mangled, is explained without a panic.
        #[test]
        fn any_text(text in "(prv[A-Za-z]{0,6}|[0-9a-fA-F-]{1,40}|Required Depth: |can't have depth = |\\PC){0,30}") {
            let c = Catalogue::default_catalogue();
            let builtin = [c.clone()];
            let _ = explain(&text, &Catalogues { selected: &c, named: false, builtin: &builtin, table: None, accept: &[] });
        }
    }
}

/// Run at a terminal with no text, explain says it is reading stdin and how to end it,
/// rather than waiting without a word; `script` gives it a terminal.
#[cfg(target_os = "linux")]
#[test]
fn at_a_terminal_without_text_explain_says_it_reads_stdin() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    if Command::new("script").arg("--version").output().is_err() {
        common::skip_or_fail(
            "at_a_terminal_without_text_explain_says_it_reads_stdin",
            "script (util-linux) not found",
        );
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("dvrole");
    let mut child = Command::new("script")
        .args(["-qec", &format!("'{}' explain", bin.display()), "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script runs");
    // Typed into the terminal: a line of text, then Ctrl-D.
    std::thread::sleep(std::time::Duration::from_millis(500));
    child
        .stdin
        .take()
        .expect("a pipe")
        .write_all(b"prvReadEmailServerProfile\n\x04")
        .expect("typed");
    let out = child.wait_with_output().expect("script ends");
    let complaint = String::from_utf8_lossy(&out.stderr);
    if complaint.starts_with("script:") {
        // No pseudo-terminal to be had here (some containers): the check cannot run.
        common::skip_or_fail(
            "at_a_terminal_without_text_explain_says_it_reads_stdin",
            &format!("script could not make a terminal: {}", complaint.trim()),
        );
        return;
    }
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("reading the error text from standard input: paste it, then press Ctrl-D"),
        "{shown}"
    );
    assert!(shown.contains("fix:            dvrole generate"), "{shown}");
    // Piped text draws no such line.
    dvrole()
        .arg("explain")
        .write_stdin("prvReadEmailServerProfile")
        .assert()
        .success()
        .stderr("");
}
