//! `dvrole explain` on the newer error shapes: failed access checks (KB 4052824),
//! UserPrivilegeError (KB 4346733), several privileges at once, privileges already in the
//! role, and a file path given where the text belongs.

use crate::common::dvrole;
use predicates::prelude::*;
use serde_json::Value;

const ACCESS_CHECK: &str = "Crm.80048306 SecLib::AccessCheckEx failed. Returned hr = -2147187962, \
    ObjectID: 0c3a2d9e-5f7b-4c61-9d0e-2b8f6a1c7e44, OwnerId: 0c3a2d9e-5f7b-4c61-9d0e-2b8f6a1c7e44, \
    OwnerIdType: 8 and CallingUser: 0c3a2d9e-5f7b-4c61-9d0e-2b8f6a1c7e44. ObjectTypeCode: 4120, \
    objectBusinessUnitId: 9f3c2b1a-0e4d-4c5b-8a7f-6e5d4c3b2a19, AccessRights: WriteAccess \
    at Microsoft.Crm.Asynchronous.EmailConnector.ExchangeSyncUtility.HasExchangeSyncIdMappingAccess() \
    at Microsoft.Crm.Asynchronous.EmailConnector.ExchangeSyncWorker.PerformPreMailboxSyncChecks()";

fn json_of(args: &[&str], code: i32) -> Value {
    let out = dvrole()
        .arg("explain")
        .args(args)
        .arg("--json")
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn a_failed_access_check_names_the_privilege_from_table_and_right() {
    let v = json_of(&[ACCESS_CHECK], 0);
    assert!(
        v["error"].as_str().unwrap().starts_with("Crm.80048306"),
        "{v:#}"
    );
    let ps = v["privileges"].as_array().unwrap();
    assert_eq!(ps.len(), 1, "{v:#}");
    let p = &ps[0];
    assert_eq!(p["privilege"], "prvWriteExchangeSyncIdMapping");
    assert_eq!(p["object_type_code"], 4120);
    assert_eq!(p["allowed"], serde_json::json!(["Basic"]));
    assert_eq!(
        p["builtin_catalogues"],
        serde_json::json!(["exchange-sync"])
    );
    assert_eq!(
        v["fix"],
        "dvrole generate --add prvWriteExchangeSyncIdMapping=Basic"
    );
    let notes = p["notes"].to_string();
    assert!(
        notes.contains("table 4120 (exchangesyncidmapping) and the Write access right"),
        "{notes}"
    );
    assert!(
        notes.contains("--catalogue server-side-sync --catalogue exchange-sync"),
        "{notes}"
    );

    // Every table a catalogue knows: Read on Mailbox (9606).
    let v = json_of(
        &["SecLib::AccessCheckEx failed. ObjectTypeCode: 9606, AccessRights: ReadAccess"],
        0,
    );
    assert_eq!(v["privileges"][0]["privilege"], "prvReadMailbox");
}

#[test]
fn user_privilege_error_says_what_to_check_and_run() {
    let text =
        "An internal Microsoft Dynamics 365 error occurred while synchronizing appointments, \
        contacts, and tasks for the mailbox Dana. Email Server Error Code: UserPrivilegeError";
    let v = json_of(&[text], 0);
    assert!(v["error"]
        .as_str()
        .unwrap()
        .contains("mailbox owner lacks the privileges"));
    let advice = v["advice"].to_string();
    assert!(
        advice.contains("mailbox's owner must be the user"),
        "{advice}"
    );
    assert!(advice.contains("dvrole audit"), "{advice}");
    assert!(advice.contains("dvrole generate"), "{advice}");
    dvrole()
        .args(["explain", text])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "advice: the mailbox's owner must be the user",
        ));
}

#[test]
fn several_privileges_get_one_command_that_adds_them_all() {
    let text = "SecLib::CheckPrivilege failed. PrivilegeName: prvReadQueue, Required Depth: Deep\n\
        missing prvReadPublisher\nmissing prvReadAccount, Required Depth: Local";
    let v = json_of(&[text], 0);
    assert_eq!(
        v["fix"],
        "dvrole generate --depth prvReadQueue=Deep --add prvReadPublisher=Global --add prvReadAccount=Local"
    );
    let a = dvrole().args(["explain", text]).assert().success();
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert_eq!(out.matches("dvrole generate").count(), 1, "{out}");
    assert!(
        out.contains("fix (all of them): dvrole generate --depth prvReadQueue=Deep"),
        "{out}"
    );
}

#[test]
fn a_privilege_already_in_the_role_says_so() {
    let v = json_of(&["missing prvReadMailbox privilege"], 0);
    let p = &v["privileges"][0];
    assert_eq!(p["already_in_role"], true);
    assert_eq!(v["fix"], "dvrole generate");
    dvrole()
        .args(["explain", "missing prvReadMailbox privilege"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "already in the role `dvrole generate` builds: import it and assign it to the mailbox owner",
        ))
        .stdout(predicate::str::contains("--depth").not());
}

#[test]
fn a_file_path_argument_gets_a_hint_to_redirect_it() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace.txt");
    std::fs::write(&trace, "missing prvReadQueue").unwrap();
    dvrole()
        .arg("explain")
        .arg(&trace)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "to explain what the file holds run: dvrole explain < {}",
            trace.display()
        )));
    // Piped text is read without a prompt.
    dvrole()
        .arg("explain")
        .write_stdin("missing prvReadQueue")
        .assert()
        .success()
        .stderr(predicate::str::contains("Ctrl-D").not());
}
