//! `dvrole generate`: write the role as solution zips or as the source-control folder, or
//! check (`--check`) that what is there is what would be written.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::flags::Flags;
use super::{output, print_notes, GenerateSettings, Outcome, Output};
use crate::error::Result;
use crate::model::guid;
use crate::ops::drift;
use crate::ops::plan::{self, Content, PackageFormat, PackageType};
use crate::package::write::write_atomic;
use crate::settings::catalogues;
use crate::settings::config::{self, Resolved};
use crate::settings::Setting;

/// Arguments of `dvrole generate`.
#[derive(Debug, Clone, Default, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub settings: GenerateSettings,
    /// Print the resolved settings and where each came from, and write nothing
    #[arg(long, conflicts_with = "check")]
    pub print_config: bool,
    /// Compare what is at the output path with what would be written; write nothing.
    /// Exit 0 when identical, 1 with a diff when not
    #[arg(long)]
    pub check: bool,
    /// Print the result as JSON on stdout
    ///
    /// `{"output", "outputs": [{"path", "format", "managed"}], "solution": {"unique_name",
    /// "version", "managed", "package_type", "publisher"}, "role": {"id", "name", "privileges":
    /// [{"name", "depth", "in_catalogue"}]}, "notes"}`; with --check or --print-config, their JSON.
    #[arg(long)]
    pub json: bool,
}

/// Resolves the settings from the config file, the environment and the flags, and prints
/// the warnings about the environment.
pub(crate) fn load_settings(flags: &Flags) -> Result<Resolved> {
    let resolved = config::load(&flags.config_source(), flags.givens())?;
    for warning in &resolved.warnings {
        output::diagnostic(format_args!("warning: {warning}"));
    }
    Ok(resolved)
}

/// Runs `dvrole generate`.
pub fn run(args: &GenerateArgs) -> Result<Outcome> {
    let resolved = load_settings(&args.settings)?;
    if args.print_config {
        let mut out = Output::stdout();
        if args.json {
            out.json(&config::render_json(&resolved))?;
        } else {
            out.text(&config::render_text(&resolved))?;
        }
        out.finish()?;
        return Ok(Outcome::Clean);
    }
    let options = &resolved.options;
    let catalogue = catalogues::select(&options.role.catalogue, &options.role.allow)?;
    let format = PackageFormat::parse(resolved.output.format.as_ref())?;
    let package_type = PackageType::parse(resolved.output.package_type.as_ref())?;
    // -o keeps the path exactly as given; the config's output.path is text.
    let output = args.settings.path(Setting::Output).or_else(|| {
        resolved
            .output
            .path
            .as_ref()
            .map(|g| PathBuf::from(&g.value))
    });
    let plan = plan::plan(&catalogue, options, format, package_type, output.as_deref())?;
    print_notes(&plan.notes);

    if args.check {
        return report_check(&plan, format, args.json);
    }

    for target in &plan.targets {
        match &target.content {
            Content::Zip { bytes, .. } => write_atomic(&target.path, bytes)?,
            Content::Folder(files) => plan::write_folder_atomic(&target.path, files)?,
        }
    }
    let mut out = Output::stdout();
    if args.json {
        out.json(&Generated::new(&plan, format, package_type))?;
    } else {
        for target in &plan.targets {
            writeln!(
                out,
                "wrote {}: role '{}' {} with {} privileges",
                target.path.display(),
                plan.role.name,
                guid::braced(plan.role.id),
                plan.role.privileges.len()
            )?;
        }
    }
    out.finish()?;
    Ok(Outcome::Clean)
}

/// Prints the drift of every target; findings when any drifts.
fn report_check(plan: &plan::Plan, format: PackageFormat, as_json: bool) -> Result<Outcome> {
    let results: Vec<_> = plan.targets.iter().map(|t| (t, drift::check(t))).collect();
    let drifted = results.iter().any(|(_, d)| !d.is_empty());
    let mut out = Output::stdout();
    if as_json {
        let targets = results
            .iter()
            .map(|(t, d)| CheckedTarget {
                drift: d,
                format: format.name(),
                managed: t.managed,
                path: t.path.display().to_string(),
                up_to_date: d.is_empty(),
            })
            .collect();
        out.json(&Checked {
            drift: drifted,
            targets,
        })?;
    } else {
        for (t, d) in &results {
            if d.is_empty() {
                writeln!(out, "up to date: {}", t.path.display())?;
            } else {
                writeln!(out, "drift: {}", t.path.display())?;
                for line in d {
                    writeln!(out, "  {}", line.describe())?;
                }
            }
        }
        if drifted {
            writeln!(
                out,
                "run dvrole generate with the same settings to bring the output up to date"
            )?;
        }
    }
    out.finish()?;
    Ok(if drifted {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

// The JSON documents of `generate --json` and `generate --check --json`. Fields are in
// alphabetical order, the order of their keys in JSON.

/// What `generate --json` prints: what was written.
#[derive(Serialize)]
struct Generated<'a> {
    notes: Vec<String>,
    output: Option<String>,
    outputs: Vec<Written>,
    role: GeneratedRole<'a>,
    solution: GeneratedSolution<'a>,
}

/// One zip or folder written.
#[derive(Serialize)]
struct Written {
    format: &'static str,
    managed: bool,
    path: String,
}

#[derive(Serialize)]
struct GeneratedRole<'a> {
    id: String,
    name: &'a str,
    privileges: Vec<GeneratedPrivilege<'a>>,
}

#[derive(Serialize)]
struct GeneratedPrivilege<'a> {
    depth: crate::model::depth::Depth,
    in_catalogue: bool,
    name: &'a str,
}

#[derive(Serialize)]
struct GeneratedSolution<'a> {
    managed: bool,
    package_type: &'static str,
    publisher: &'a str,
    unique_name: &'a str,
    version: String,
}

impl<'a> Generated<'a> {
    fn new(
        plan: &'a plan::Plan,
        format: PackageFormat,
        package_type: PackageType,
    ) -> Generated<'a> {
        Generated {
            notes: plan.notes.iter().map(ToString::to_string).collect(),
            output: plan.targets.first().map(|t| t.path.display().to_string()),
            outputs: plan
                .targets
                .iter()
                .map(|t| Written {
                    format: format.name(),
                    managed: t.managed,
                    path: t.path.display().to_string(),
                })
                .collect(),
            role: GeneratedRole {
                id: guid::braced(plan.role.id),
                name: &plan.role.name,
                privileges: plan
                    .role
                    .privileges
                    .iter()
                    .map(|p| GeneratedPrivilege {
                        depth: p.depth,
                        in_catalogue: p.entry.is_some(),
                        name: &p.name,
                    })
                    .collect(),
            },
            solution: GeneratedSolution {
                managed: package_type == PackageType::Managed,
                package_type: package_type.name(),
                publisher: &plan.manifest.publisher.unique_name,
                unique_name: &plan.manifest.unique_name,
                version: plan.manifest.version.to_string(),
            },
        }
    }
}

/// What `generate --check --json` prints.
#[derive(Serialize)]
struct Checked<'a> {
    drift: bool,
    targets: Vec<CheckedTarget<'a>>,
}

#[derive(Serialize)]
struct CheckedTarget<'a> {
    drift: &'a [drift::Drift],
    format: &'static str,
    managed: bool,
    path: String,
    up_to_date: bool,
}
