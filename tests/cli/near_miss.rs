//! Probable misspellings of privilege names are refused, or reported, wherever a privilege
//! name is accepted, with the name meant and never a fix that names the misspelling; a real
//! name close to another stays possible with `--accept` or an environment table.

use crate::common::dvrole;
use crate::env_tables::{self, Env};
use predicates::prelude::*;

fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

fn stdout_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

/// Runs generate with `args` into a temporary folder; returns the assertion.
fn generate(args: &[&str]) -> assert_cmd::assert::Assert {
    let dir = tempfile::tempdir().unwrap();
    dvrole()
        .current_dir(dir.path())
        .arg("generate")
        .args(args)
        .arg("-o")
        .arg(dir.path().join("r.zip"))
        .assert()
}

#[test]
fn every_flag_that_takes_a_privilege_refuses_a_misspelling() {
    let cases: [(&[&str], &str, &str); 6] = [
        (
            &["--add", "prvReadAcount=Local"],
            "prvReadAcount",
            "prvReadAccount",
        ),
        (
            &["--add", "prvreadaccount=Local"],
            "prvreadaccount",
            "prvReadAccount",
        ),
        (
            &["--depth", "prvReadContcat=Global"],
            "prvReadContcat",
            "prvReadContact",
        ),
        (
            &["--depth", "prvReadAcount=Local"],
            "prvReadAcount",
            "prvReadAccount",
        ),
        (
            &["--exclude", "prvReadIncidnet"],
            "prvReadIncidnet",
            "prvReadIncident",
        ),
        (
            &["--allow", "prvReadContcat=Local"],
            "prvReadContcat",
            "prvReadContact",
        ),
    ];
    for (args, typo, meant) in cases {
        let a = generate(args).code(2);
        let err = stderr_of(&a);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.contains(&format!("did you mean '{meant}'")),
            "{args:?}: {err}"
        );
        assert!(!err.contains(&format!("--add {typo}")), "{args:?}: {err}");
        assert!(!err.contains(&format!("--depth {typo}")), "{args:?}: {err}");
    }
}

#[test]
fn a_real_name_close_to_another_is_possible_with_accept_or_a_table() {
    // prvReadContract (the Contract table) is one letter from prvReadContact.
    let a = generate(&["--add", "prvReadContract=Global"]).code(2);
    let err = stderr_of(&a);
    assert!(err.contains("did you mean 'prvReadContact'"), "{err}");
    assert!(err.contains("--accept prvReadContract"), "{err}");
    generate(&[
        "--add",
        "prvReadContract=Global",
        "--accept",
        "prvReadContract",
    ])
    .success()
    .stderr(predicate::str::contains("unchecked"));
    let dir = tempfile::tempdir().unwrap();
    let pages = env_tables::write_pages(dir.path(), "env", &Env::default());
    let mut args = vec!["--add", "prvReadContract=Global"];
    let flags = env_tables::flags(&pages);
    args.extend(flags.iter().map(String::as_str));
    generate(&args)
        .success()
        .stderr(predicate::str::contains("unchecked").not());
    // A real name dvrole has seen in exports is no typo, however close.
    generate(&["--add", "prvReadAccount=Local"]).success();
}

#[test]
fn config_keys_refuse_a_misspelling_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dvrole.toml"),
        "[role]\naccept = []\n\n[role.add]\nprvReadAcount = \"Local\"\n",
    )
    .unwrap();
    dvrole()
        .current_dir(dir.path())
        .args(["generate", "-o", "r.zip"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("dvrole.toml:5: role.add.prvReadAcount")
                .and(predicate::str::contains("did you mean 'prvReadAccount'")),
        );
    std::fs::write(
        dir.path().join("dvrole.toml"),
        "[role]\naccept = [\"prvReadAcount\"]\n\n[role.add]\nprvReadAcount = \"Local\"\n",
    )
    .unwrap();
    dvrole()
        .current_dir(dir.path())
        .args(["generate", "-o", "r.zip"])
        .assert()
        .success();
}

#[test]
fn a_catalogue_file_with_a_misspelt_entry_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.toml");
    std::fs::write(
        &file,
        "name = \"mine\"\ndescription = \"d\"\nsource = \"s\"\n\n[[entry]]\nprivilege = \"prvReadContcat\"\ntab = \"Core Records\"\nallowed = [\"Basic\", \"Global\"]\nsource = \"s\"\n",
    )
    .unwrap();
    let path = file.display().to_string();
    let a = generate(&["--catalogue", &path]).code(2);
    let err = stderr_of(&a);
    assert!(err.contains("entry 1 (prvReadContcat)"), "{err}");
    assert!(err.contains("did you mean 'prvReadContact'"), "{err}");
    dvrole()
        .args(["catalogue", "show", &path])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean 'prvReadContact'"));
    generate(&["--catalogue", &path, "--accept", "prvReadContcat"]).success();
}

#[test]
fn validate_reports_a_misspelling_as_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("customizations.xml");
    std::fs::write(
        &xml,
        "<ImportExportXml><Roles><Role id=\"{5b2e8f10-7c3d-4a9e-b1f4-26d0c8e9a713}\" name=\"R\"><RolePrivileges>\
         <RolePrivilege name=\"prvReadContcat\" level=\"Basic\" />\
         <RolePrivilege name=\"prvReadAccount\" level=\"Basic\" />\
         <RolePrivilege name=\"prvReadnew_project\" level=\"Basic\" />\
         <RolePrivilege name=\"prvreadmailbox\" level=\"Basic\" />\
         </RolePrivileges></Role></Roles></ImportExportXml>",
    )
    .unwrap();
    let a = dvrole().arg("validate").arg(&xml).assert().code(1);
    let out = stdout_of(&a);
    assert!(
        out.contains("prvReadContcat is no privilege dvrole knows, and probably a misspelling of 'prvReadContact'"),
        "{out}"
    );
    assert!(
        out.contains("prvreadmailbox differs from prvReadMailbox only in case"),
        "{out}"
    );
    assert!(out.contains("2 problems"), "{out}");
    dvrole()
        .arg("validate")
        .arg(&xml)
        .args(["--accept", "prvReadContcat", "--accept", "prvreadmailbox"])
        .assert()
        .success();
}

#[test]
fn explain_never_recommends_a_misspelling() {
    let a = dvrole()
        .args([
            "explain",
            "PrivilegeName: prvReadAcount, Required Depth: Local",
        ])
        .assert()
        .success();
    let out = stdout_of(&a);
    assert!(out.starts_with("prvReadAccount"), "{out}");
    assert!(
        out.contains("probably a misspelling of prvReadAccount"),
        "{out}"
    );
    assert!(
        out.contains("fix:            dvrole generate --add prvReadAccount=Local"),
        "{out}"
    );
    assert!(!out.contains("--add prvReadAcount"), "{out}");
    // Insisting keeps the name as written.
    dvrole()
        .args(["explain", "prvReadAcount", "--accept", "prvReadAcount"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "dvrole generate --add prvReadAcount=Global --accept prvReadAcount",
        ));
}
