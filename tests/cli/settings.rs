//! The setting table against what users see: `--help` shows each table default.

use crate::common;

use clap::CommandFactory;
use dvrole::cli::Cli;
use dvrole::settings::Setting;
use predicates::prelude::PredicateBooleanExt;

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
    // Every command, `catalogue show` and the other nested ones too.
    let mut commands: Vec<(String, clap::Command)> = Vec::new();
    let mut stack: Vec<(String, clap::Command)> = Cli::command()
        .get_subcommands()
        .map(|s| (s.get_name().to_string(), s.clone()))
        .collect();
    while let Some((name, cmd)) = stack.pop() {
        for sub in cmd.get_subcommands() {
            stack.push((format!("{name} {}", sub.get_name()), sub.clone()));
        }
        commands.push((name, cmd));
    }
    let mut shown = Vec::new();
    for (name, sub) in &commands {
        let help = common::dvrole()
            .args(name.split(' '))
            .arg("--help")
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let help = String::from_utf8(help).unwrap();
        for arg in sub.get_arguments() {
            let id = arg.get_id().as_str();
            let Some(setting) = Setting::from_arg_id(id) else {
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
            shown.push(format!("{name} {flag}"));
        }
    }
    assert!(
        shown.iter().any(|s| s == "catalogue show --allow"),
        "nested commands are checked: {shown:?}"
    );
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

#[test]
fn readme_flag_tables_are_what_the_setting_table_renders() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let mut rendered = String::new();
    let mut rest = readme.as_str();
    let mut seen = Vec::new();
    while let Some(at) = rest.find("<!-- flags of dvrole ") {
        let (before, from) = rest.split_at(at);
        rendered.push_str(before);
        let head_end = from.find("-->\n").expect("the marker closes") + 4;
        let head = &from[..head_end];
        let command = head["<!-- flags of dvrole ".len()..]
            .split(':')
            .next()
            .unwrap()
            .to_string();
        let end = from.find("<!-- end of flags -->").expect("an end marker");
        let table = dvrole::cli::readme::flag_table(&command)
            .unwrap_or_else(|| panic!("README.md names no command '{command}'"));
        rendered.push_str(head);
        rendered.push_str(&table);
        seen.push(command);
        rest = &from[end..];
    }
    rendered.push_str(rest);
    assert_eq!(
        seen,
        dvrole::cli::readme::TABLES,
        "README.md has a flag table for each command, in order"
    );
    if std::env::var_os("DVROLE_BLESS").is_some() {
        std::fs::write(&path, &rendered).unwrap();
        return;
    }
    if readme != rendered {
        let diff: Vec<String> = readme
            .lines()
            .zip(rendered.lines())
            .filter(|(a, b)| a != b)
            .take(3)
            .map(|(a, b)| format!("README: {a}\ntable:  {b}"))
            .collect();
        panic!(
            "README.md's flag tables differ from the setting table; run DVROLE_BLESS=1 cargo test \
             and review the diff\n{}",
            diff.join("\n")
        );
    }
}

#[test]
fn man_prints_each_commands_page_and_writes_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let page = |words: &[&str]| {
        let out = common::cmd(dir.path())
            .arg("man")
            .args(words)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let top = page(&[]);
    assert!(top.contains(".TH dvrole 1"), "{top}");
    assert!(
        top.contains("dvrole\\-generate(1)"),
        "names the generate page"
    );
    let generate = page(&["generate"]);
    assert!(generate.contains(".TH dvrole-generate 1"), "{generate}");
    // Each page's header names dvrole and its version, not the bare subcommand.
    let source = format!("\"dvrole {}\"", env!("CARGO_PKG_VERSION"));
    for words in [&[][..], &["generate"], &["catalogue", "show"]] {
        let text = page(words);
        let header = text
            .lines()
            .find(|l| l.starts_with(".TH "))
            .unwrap_or("")
            .trim_end();
        assert!(header.ends_with(&source), "{words:?}: {header}");
    }
    // Every flag of generate is on its page, with the default the table holds.
    for setting in Setting::ALL {
        let on_generate = Cli::command()
            .find_subcommand("generate")
            .unwrap()
            .get_arguments()
            .any(|a| a.get_id() == setting.arg_id().as_str());
        if on_generate {
            let flag = setting.flag().replace('-', "\\-");
            assert!(generate.contains(&format!("\\fB{flag}\\fR")), "{flag}");
        }
    }
    let prefix = dvrole::model::solution::DEFAULT_OPTION_VALUE_PREFIX;
    assert!(generate.contains(&format!("[default: {prefix}]")));
    assert!(page(&["catalogue", "show"]).contains(".TH dvrole-catalogue-show 1"));
    common::cmd(dir.path())
        .args(["man", "generat"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "no such command; pages: generate,",
        ));

    common::cmd(dir.path())
        .args(["man", "--dir", "share/man1"])
        .assert()
        .success()
        .stdout("");
    let mut files: Vec<String> = std::fs::read_dir(dir.path().join("share/man1"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "dvrole-audit.1",
            "dvrole-catalogue-list.1",
            "dvrole-catalogue-show.1",
            "dvrole-catalogue.1",
            "dvrole-completions.1",
            "dvrole-diff.1",
            "dvrole-explain.1",
            "dvrole-fix.1",
            "dvrole-generate.1",
            "dvrole-init.1",
            "dvrole-man.1",
            "dvrole-report.1",
            "dvrole-validate.1",
            "dvrole.1",
        ]
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("share/man1/dvrole-generate.1")).unwrap(),
        generate
    );
    // A folder that cannot be made is named, and nothing is left behind.
    let a = common::cmd(dir.path())
        .args(["man", "--dir", "/proc/dvrole-man/man1"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains("cannot create the folder /proc"), "{err}");
    std::fs::write(dir.path().join("file"), "x").unwrap();
    common::cmd(dir.path())
        .args(["man", "--dir", "file"])
        .assert()
        .code(2)
        .stderr("dvrole: error: file: is a file; name a folder for the man pages\n");
}

#[test]
fn completions_offer_the_values_settings_take() {
    // clap_complete's PowerShell script completes flags only, never values.
    for shell in ["bash", "zsh", "fish"] {
        let out = common::dvrole()
            .args(["completions", shell])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        for word in [
            "Organization",
            "BusinessUnit",
            "prvReadContact=Global",
            "prvReadContact=None",
            "prvReadIncident",
            "app-for-outlook-views",
            "folder",
            "unmanaged",
            "both",
        ] {
            assert!(text.contains(word), "{shell} offers {word}");
        }
    }
    // The long lists are for completions only: a missing value is still a one-line error.
    common::dvrole()
        .args(["generate", "--depth"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("possible values").not());
    // Offering is not refusing: a depth in another case or spelling still works.
    let dir = tempfile::tempdir().unwrap();
    common::cmd(dir.path())
        .args([
            "report",
            "--format",
            "csv",
            "--default-depth",
            "parent: child business units",
            "--depth",
            "prvReadContact=organisation",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "prvReadContact,contact,Core Records,Global,",
        ));
}

#[test]
fn every_keyed_setting_is_set_by_its_dvrole_variable() {
    use dvrole::settings::table::Kind;
    let dir = tempfile::tempdir().unwrap();
    for setting in Setting::keyed() {
        let spec = setting.spec();
        let var = setting.env_var().unwrap();
        let value = match spec.kind {
            Kind::Switch => "true",
            Kind::Number => "12345",
            Kind::List => "a;b",
            Kind::DepthTable => "prvReadQueue=Local",
            Kind::DepthsTable => "prvReadQueue=Local,Global",
            Kind::Text | Kind::Path => "some-value",
        };
        let out = common::cmd(dir.path())
            .args(["generate", "--print-config", "--json"])
            .env(&var, value)
            .assert()
            .success()
            .stderr("")
            .get_output()
            .stdout
            .clone();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        // `solution.managed` is printed as the package type it sets.
        let key = match setting {
            Setting::Managed => "output.package_type",
            _ => spec.key.unwrap(),
        };
        let entries: Vec<&serde_json::Value> = json["settings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["key"] == key)
            .collect();
        assert!(
            !entries.is_empty() && entries.iter().all(|s| s["origin"] == var.as_str()),
            "{var}={value} sets {key}: {entries:?}"
        );
    }
}

#[test]
fn quiet_is_listed_last_before_help_on_every_command() {
    for words in [
        &["generate"][..],
        &["validate"],
        &["report"],
        &["init"],
        &["audit"],
        &["explain"],
        &["catalogue", "show"],
        &["man"],
        &[],
    ] {
        let out = common::dvrole()
            .args(words)
            .arg("-h")
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let help = String::from_utf8(out).unwrap();
        let flags: Vec<&str> = help
            .lines()
            .filter(|l| l.starts_with("  -") || l.starts_with("      --"))
            .map(|l| l.split_whitespace().next().unwrap_or(""))
            .collect();
        // The flags every command takes, -q and --stream-timeout, come last, right before -h.
        let at = flags.iter().position(|f| *f == "-q,");
        let timeout_at = flags.iter().position(|f| *f == "--stream-timeout");
        let help_at = flags.iter().position(|f| *f == "-h,");
        assert!(
            at.is_some()
                && help_at.is_some()
                && at.map(|i| i + 1) == timeout_at
                && timeout_at.map(|i| i + 1) == help_at,
            "{words:?}: -q and --stream-timeout come right before -h, after the command's own flags: {flags:?}"
        );
    }
}
