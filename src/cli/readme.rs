//! README.md's flag tables, made from the same arguments `--help` shows, so the two cannot
//! disagree: a test compares README.md with [`flag_table`] for every command.

use clap::{Arg, ArgAction, CommandFactory};

use super::{flags, Cli};
use crate::settings::table::{DefaultValue, Kind};
use crate::settings::Setting;

/// The commands README.md has a flag table for, each as the words after `dvrole`.
pub const TABLES: &[&str] = &[
    "generate",
    "catalogue",
    "validate",
    "report",
    "audit",
    "fix",
    "diff",
    "explain",
];

/// The settings `generate` takes that other commands take alike; their tables name them in
/// one row instead of repeating generate's.
const SHARED: &[(&[Setting], Option<&str>)] = &[
    (flags::PRIVILEGES, None),
    (flags::ROLE, None),
    (flags::SOLUTION, Some("the solution flags")),
    (flags::CONFIG, None),
];

/// The Markdown table of the flags of `dvrole COMMAND` (for `catalogue`, of its
/// subcommands, each flag prefixed by the subcommand), or `None` for no such command.
pub fn flag_table(command: &str) -> Option<String> {
    let root = Cli::command();
    let cmd = root.find_subcommand(command)?;
    let mut rows = Vec::new();
    if cmd.has_subcommands() {
        for sub in cmd.get_subcommands() {
            rows.extend(rows_of(sub, Some(sub.get_name()), false));
        }
    } else {
        rows.extend(rows_of(cmd, None, command != "generate"));
    }
    let mut out = String::from("| flag | default | what it does |\n|---|---|---|\n");
    for [flag, default, text] in rows {
        out.push_str(&format!("| {flag} | {default} | {text} |\n"));
    }
    Some(out)
}

/// The rows of one command: flag, default, description.
fn rows_of(cmd: &clap::Command, prefix: Option<&str>, share: bool) -> Vec<[String; 3]> {
    let setting_of = |arg: &Arg| Setting::from_arg_id(arg.get_id().as_str());
    let reads_config = cmd
        .get_arguments()
        .any(|a| a.get_id() == Setting::Config.arg_id().as_str());
    let mut rows = Vec::new();
    let mut shared_done = false;
    for arg in cmd.get_arguments() {
        if arg.get_id() == "help" || arg.is_hide_set() {
            continue;
        }
        let setting = setting_of(arg);
        if share && setting.is_some_and(|s| SHARED.iter().any(|(l, _)| l.contains(&s))) {
            if !shared_done {
                rows.push(shared_row(cmd));
                shared_done = true;
            }
            continue;
        }
        rows.push([
            code(&flag_cell(arg, prefix)),
            default_cell(arg, setting),
            cell(&description(arg, setting, reads_config)),
        ]);
    }
    rows
}

/// The row naming the settings a command shares with `generate`.
fn shared_row(cmd: &clap::Command) -> [String; 3] {
    let has = |s: &Setting| {
        cmd.get_arguments()
            .any(|a| a.get_id() == s.arg_id().as_str())
    };
    let mut names = Vec::new();
    for (list, label) in SHARED {
        if !list.iter().any(has) {
            continue;
        }
        match label {
            Some(label) if list.iter().all(has) => names.push(label.to_string()),
            _ => names.extend(list.iter().filter(|s| has(s)).map(|s| code(&s.flag()))),
        }
    }
    let reads_config = has(&Setting::Config);
    [
        names.join(", "),
        "as `generate`".into(),
        if reads_config {
            "the same settings as `generate` takes, from its flags, `DVROLE_*` variables and config file alike".into()
        } else {
            "the same flags as `generate` takes, from the command line only".into()
        },
    ]
}

/// `-o, --output PATH`, `show NAME|PATH...`, `--json`.
fn flag_cell(arg: &Arg, prefix: Option<&str>) -> String {
    let value = value_name(arg);
    let mut text = String::new();
    if let Some(p) = prefix {
        text.push_str(p);
        text.push(' ');
    }
    if arg.is_positional() {
        text.push_str(&value);
        if matches!(arg.get_action(), ArgAction::Append) {
            text.push_str("...");
        }
        return text;
    }
    if let Some(c) = arg.get_short() {
        text.push_str(&format!("-{c}, "));
    }
    if let Some(long) = arg.get_long() {
        text.push_str(&format!("--{long}"));
    }
    if !value.is_empty() {
        text.push(' ');
        text.push_str(&value);
    }
    text
}

/// The value's placeholder, or the words of a closed list (`md|csv|json`).
fn value_name(arg: &Arg) -> String {
    if !arg.get_action().takes_values() {
        return String::new();
    }
    let possible = arg.get_possible_values();
    if !arg.is_hide_possible_values_set() && !possible.is_empty() {
        let words: Vec<&str> = possible.iter().map(|p| p.get_name()).collect();
        return words.join("|");
    }
    arg.get_value_names()
        .map(|names| {
            names
                .iter()
                .map(|n| n.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| arg.get_id().as_str().to_ascii_uppercase())
}

fn default_cell(arg: &Arg, setting: Option<Setting>) -> String {
    if let Some(s) = setting {
        let spec = s.spec();
        return match spec.default {
            DefaultValue::Text(_) | DefaultValue::Number(_) | DefaultValue::List(_) => {
                code(&spec.default.describe().unwrap_or_default())
            }
            DefaultValue::Computed(_) | DefaultValue::FileIfPresent(_) => {
                cell(&spec.default.describe().unwrap_or_default())
            }
            DefaultValue::Nothing if spec.kind == Kind::Switch => "off".into(),
            DefaultValue::Nothing => "(none)".into(),
        };
    }
    let defaults = arg.get_default_values();
    if !defaults.is_empty() {
        let words: Vec<String> = defaults
            .iter()
            .map(|d| d.to_string_lossy().into_owned())
            .collect();
        return code(&words.join(", "));
    }
    let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((_, described)) = split_default(&help) {
        return cell(&described);
    }
    if !arg.get_action().takes_values() {
        return "off".into();
    }
    if arg.is_required_set() {
        return "(required)".into();
    }
    "(none)".into()
}

/// The help of `arg` as `--help` shows it (the long help where there is one), on one line,
/// without its `[default: ...]`.
fn help_of(arg: &Arg) -> String {
    let help = arg
        .get_long_help()
        .or_else(|| arg.get_help())
        .map(|h| h.to_string())
        .unwrap_or_default();
    let mut text = String::new();
    for paragraph in help.split("\n\n") {
        let paragraph = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
        let paragraph = split_default(&paragraph).map_or(paragraph, |(p, _)| p);
        if paragraph.is_empty() {
            continue;
        }
        if !text.is_empty() {
            let ended = text.ends_with(['.', ';', ':', '!', '?']);
            let sentence = paragraph.starts_with(|c: char| c.is_ascii_uppercase());
            text.push_str(match (ended, sentence) {
                (true, _) => " ",
                (false, true) => ". ",
                (false, false) => ": ",
            });
        }
        text.push_str(&paragraph);
    }
    text
}

/// Splits a help text's `[default: ...]` off it.
fn split_default(help: &str) -> Option<(String, String)> {
    let start = help.find(" [default: ")?;
    let rest = &help[start + " [default: ".len()..];
    let end = rest.find(']')?;
    // A default may hold brackets of its own only as `<...>`, so the first `]` ends it.
    let described = rest[..end].to_string();
    let after = &rest[end + 1..];
    Some((format!("{}{after}", &help[..start]), described))
}

fn description(arg: &Arg, setting: Option<Setting>, reads_config: bool) -> String {
    let mut text = help_of(arg);
    if let Some(s) = setting {
        let spec = s.spec();
        if let (None, Some(env)) = (spec.key, spec.env) {
            text = text.replace(&format!(" [env: {env}]"), "");
            text.push_str(&format!("; also set by {}", code(env)));
        }
        if let (Some(key), true) = (spec.key, reads_config) {
            text.push_str(&format!(
                " (config: {}, {})",
                code(key),
                code(&s.env_var().unwrap_or_default())
            ));
        }
    }
    text
}

/// `text` as inline code in a table cell.
fn code(text: &str) -> String {
    format!("`{}`", text.replace('|', "\\|"))
}

/// `text` made safe in a table cell: `|` escaped, and `<...>` shown rather than taken for
/// HTML.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_renders_and_shares_rows_with_generate() {
        for command in TABLES {
            let table = flag_table(command).unwrap();
            assert!(table.lines().count() > 3, "{command}");
        }
        let report = flag_table("report").unwrap();
        assert!(report.contains("| `--catalogue`, `--allow`"), "{report}");
        assert!(report.contains("the solution flags"), "{report}");
        let generate = flag_table("generate").unwrap();
        let row = format!(
            "| `--option-value-prefix NUMBER` | `{}` | Option value prefix, 10000 to 99999 (config: `publisher.option_value_prefix`, `DVROLE_PUBLISHER_OPTION_VALUE_PREFIX`) |",
            crate::model::solution::DEFAULT_OPTION_VALUE_PREFIX
        );
        assert!(generate.contains(&row), "{generate}");
        assert!(flag_table("nope").is_none());
    }
}
