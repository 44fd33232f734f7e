//! `dvrole validate`: check packages for what makes an import fail.

use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use super::{read_limits, Outcome, Output, ValidateSettings};
use crate::error::Result;
use crate::model::catalogue::Catalogue;
use crate::ops::validate;
use crate::settings::Setting;
use crate::text::terminal_safe;

/// Arguments of `dvrole validate`.
#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// What to check: solution zips, package folders, SolutionPackager source folders,
    /// customizations.xml files or role files
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub settings: ValidateSettings,
    /// Print the reports as JSON on stdout
    ///
    /// `{"valid": bool, "reports": [{"input", "valid", "roles": [{"id", "name", "privilege_count"}],
    /// "findings": [{"location", "message"}]}]}`
    #[arg(long)]
    pub json: bool,
}

/// What `validate --json` prints.
///
/// Fields are in alphabetical order, the order of their keys in JSON.
#[derive(Serialize)]
struct Validation<'a> {
    reports: &'a [validate::ValidationReport],
    valid: bool,
}

/// Runs `dvrole validate`.
pub fn run(args: &ValidateArgs) -> Result<Outcome> {
    let limits = read_limits(&args.settings)?;
    let catalogues = Catalogue::all_builtin()?;
    let table = super::environment_table(&args.settings.all(Setting::Privileges))?;
    let accept: Vec<String> = args
        .settings
        .all(Setting::Accept)
        .into_iter()
        .map(|g| g.value)
        .collect();
    let against = validate::Against {
        catalogues: &catalogues,
        table: table.as_ref(),
        accept: &accept,
    };
    let reports = args
        .paths
        .iter()
        .map(|p| validate::validate_path_against(Path::new(p), against, limits))
        .collect::<Result<Vec<_>>>()?;
    let valid = reports.iter().all(|r| r.valid);
    let mut out = Output::stdout();
    if args.json {
        out.json(&Validation {
            reports: &reports,
            valid,
        })?;
    } else {
        for r in &reports {
            for f in &r.findings {
                // One finding, one line: what the input put in it is escaped.
                let line = format!("{}: {}", f.location, f.message);
                writeln!(out, "{}", terminal_safe(&line))?;
            }
            let roles: Vec<String> = r
                .roles
                .iter()
                .map(|role| {
                    let s = if role.privileges == 1 { "" } else { "s" };
                    format!(
                        "'{}' ({} privilege{s})",
                        crate::util::short(&role.name),
                        role.privileges
                    )
                })
                .collect();
            let held = match roles.len() {
                0 => "no role".to_string(),
                1 => format!("1 role: {}", roles[0]),
                n => format!("{n} roles: {}", roles.join(", ")),
            };
            let line = if r.valid {
                format!("{}: valid, {held}", r.input)
            } else {
                let n = r.findings.len();
                let s = if n == 1 { "" } else { "s" };
                format!("{}: {n} problem{s}, {held}", r.input)
            };
            writeln!(out, "{}", terminal_safe(&line))?;
        }
    }
    out.finish()?;
    Ok(if valid {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
