//! The setting table against what users see: `--help` shows each table default.

use crate::common;

use clap::CommandFactory;
use dvrole::cli::Cli;
use dvrole::settings::Setting;

/// The help block of `flag` in `help`: its line and the lines that continue it, with runs
/// of white space as one space.
fn block(help: &str, flag: &str) -> Option<String> {
    let is_option = |l: &str| {
        let t = l.trim_start();
        t.starts_with("--") || (t.starts_with('-') && t.get(2..4) == Some(", "))
    };
    let mut lines = help.lines();
    let start = lines.by_ref().find(|l| {
        // The option's head: `-o, --output <PATH>`, up to the gap before its help.
        let head = l.trim_start().split("  ").next().unwrap_or("");
        is_option(l) && head.split([' ', ',', '=']).any(|word| word == flag)
    })?;
    let mut text = start.to_string();
    for line in lines {
        if is_option(line) || line.trim().is_empty() && text.contains("[default") {
            break;
        }
        text.push(' ');
        text.push_str(line);
    }
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[test]
fn every_flag_help_shows_the_table_default() {
    let mut checked = 0;
    for sub in Cli::command().get_subcommands() {
        let name = sub.get_name().to_string();
        let help = common::dvrole()
            .args([name.as_str(), "--help"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let help = String::from_utf8(help).unwrap();
        for arg in sub.get_arguments() {
            let id = arg.get_id().as_str();
            let Some(setting) = Setting::ALL.iter().find(|s| s.flag() == id) else {
                continue;
            };
            let flag = setting.flag();
            let text = block(&help, &flag)
                .unwrap_or_else(|| panic!("{name} --help shows {flag}:\n{help}"));
            let spec = setting.spec();
            let help_words = spec.help.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains(&help_words), "{name} {flag}: {text}");
            match spec.default.describe() {
                Some(default) => {
                    let default = default.split_whitespace().collect::<Vec<_>>().join(" ");
                    assert!(
                        text.contains(&format!("[default: {default}]")),
                        "{name} {flag} shows [default: {default}]: {text}"
                    );
                }
                None => assert!(!text.contains("[default:"), "{name} {flag}: {text}"),
            }
            checked += 1;
        }
    }
    // generate alone takes 23 settings from the table.
    assert!(checked > 40, "{checked} flags checked");
}

#[test]
fn unknown_dvrole_variables_are_named_once_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::cmd(dir.path())
        .args(["generate", "--print-config"])
        .env("DVROLE_SOLUTION_VERSON", "2.0.0.0")
        .env("DVROLE_NOT_A_THING", "1")
        .env("DVROLE_ALSO_NOTHING", "1")
        .env("DVROLE_CONFIG", "")
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        "warning: ignoring environment variable DVROLE_SOLUTION_VERSON: dvrole reads no such \
         variable; did you mean DVROLE_SOLUTION_VERSION?\n\
         warning: ignoring environment variables DVROLE_ALSO_NOTHING, DVROLE_NOT_A_THING: dvrole \
         reads no such variables; `dvrole init` lists the DVROLE_ variables it reads\n"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("solution.version = \"1.0.0.0\"  # default"));
    // Known variables, DVROLE_CONFIG among them, draw no warning.
    common::cmd(dir.path())
        .args(["report"])
        .env("DVROLE_SOLUTION_VERSION", "2.0.0.0")
        .env("DVROLE_CONFIG", "")
        .assert()
        .success()
        .stderr("");
}

#[test]
fn dvrole_config_names_itself_and_empty_is_unset() {
    let dir = tempfile::tempdir().unwrap();
    let runs: [&[&str]; 2] = [&["generate", "--print-config"], &["report"]];
    for args in runs {
        common::cmd(dir.path())
            .args(args)
            .env("DVROLE_CONFIG", "gone.toml")
            .assert()
            .code(2)
            .stderr(
                "dvrole: error: gone.toml: config file not found; check DVROLE_CONFIG, or run \
                 `dvrole init` to write one\n",
            );
    }
    common::cmd(dir.path())
        .args(["generate", "--print-config", "--config", "gone.toml"])
        .env("DVROLE_CONFIG", "other.toml")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("check --config,"));
    std::fs::write(dir.path().join("dvrole.toml"), "[role]\nname = \"Here\"\n").unwrap();
    common::cmd(dir.path())
        .args(["generate", "--print-config"])
        .env("DVROLE_CONFIG", "")
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "role.name = \"Here\"  # dvrole.toml:2: role.name",
        ));
}
