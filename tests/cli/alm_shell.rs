//! Shell integration: completions, man page, version, report, and no colour anywhere.

use crate::common;

use std::fs;

#[test]
fn completions_generate_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _dvrole"),
        ("zsh", "#compdef dvrole"),
        ("fish", "complete -c dvrole"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = common::dvrole()
            .args(["completions", shell])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(marker), "{shell}: {marker}");
        for word in ["generate", "report", "package-type", "check"] {
            assert!(text.contains(word), "{shell} completes {word}");
        }
    }
    common::dvrole()
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

#[test]
fn man_page_and_version() {
    let out = common::dvrole()
        .arg("man")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains(".TH dvrole 1"), "roff title");
    assert!(text.contains("generate"));
    common::dvrole()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("dvrole {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn report_formats_and_file_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("dvrole.toml"),
        "[role]\nexclude = [\"prvReadIncident\"]\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = common::cmd(d)
            .arg("report")
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let md = run(&[]);
    assert!(md.starts_with("# Role Server-Side Sync User {"));
    assert!(md.contains("| privilege | entity | tab | depth | allowed | in_catalogue | source |\n"));
    assert_eq!(
        md.lines().filter(|l| l.starts_with("| prv")).count(),
        23,
        "config applied"
    );
    let csv = run(&["--format", "csv", "--depth", "prvReadContact=Global"]);
    assert!(
        csv.contains("\r\nprvReadContact,contact,Core Records,Global,Basic/Local/Deep/Global,"),
        "{csv}"
    );
    let json: serde_json::Value = serde_json::from_str(&run(&["--format", "json"])).unwrap();
    let first = &json["privileges"][0];
    for key in ["privilege", "entity", "tab", "depth", "allowed", "source"] {
        assert!(first.get(key).is_some(), "{key}");
    }
    assert_eq!(run(&["--format", "csv", "-o", "m.csv"]), "");
    assert_eq!(
        fs::read_to_string(d.join("m.csv")).unwrap(),
        run(&["--format", "csv"])
    );
}

#[test]
fn nothing_prints_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let runs: &[&[&str]] = &[
        &["--help"],
        &["generate", "--help"],
        &["generate", "--nope"],
        &["generate", "--depth", "prvReadContcat=Global"],
        &["generate", "--check"],
        &["report"],
        &["validate", "missing.zip"],
    ];
    for args in runs {
        for no_color in [false, true] {
            let mut c = common::dvrole();
            c.current_dir(dir.path()).args(*args);
            if no_color {
                c.env("NO_COLOR", "1");
            }
            // A terminal-like environment must not switch colour on either.
            c.env("CLICOLOR_FORCE", "1").env("TERM", "xterm-256color");
            let out = c.output().unwrap();
            for stream in [&out.stdout, &out.stderr] {
                assert!(!stream.contains(&0x1b), "{args:?} printed an escape code");
            }
        }
    }
}
