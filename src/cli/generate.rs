//! `dvrole generate`: write the role as solution zips or as the source-control folder, or
//! check (`--check`) that what is there is what would be written.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::flags::Flags;
use super::{print_notes, GenerateSettings, Outcome};
use crate::error::Result;
use crate::model::guid;
use crate::ops::desired;
use crate::ops::drift;
use crate::ops::plan::{self, Content, Format, PackageType};
use crate::package::write::write_atomic;
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
    /// "version", "managed", "package_type", "publisher"}, "role": {"id", "name", "inheritance",
    /// "privileges": [{"name", "depth", "in_catalogue", "in_environment"}]}, "notes"}`
    /// (`in_environment` is null without --privileges); with --check or --print-config, their
    /// JSON.
    #[arg(long)]
    pub json: bool,
}

/// Resolves the settings from the config file, the environment and the flags, and prints
/// the warnings about the environment.
pub(crate) fn load_settings(flags: &Flags) -> Result<Resolved> {
    let resolved = config::load(&flags.config_source(), flags.givens())?;
    let mut err = std::io::stderr().lock();
    for warning in &resolved.warnings {
        let _ = writeln!(err, "warning: {warning}");
    }
    Ok(resolved)
}

/// Runs `dvrole generate`.
pub fn run(args: &GenerateArgs) -> Result<Outcome> {
    let resolved = load_settings(&args.settings)?;
    let mut out = std::io::stdout().lock();
    if args.print_config {
        if args.json {
            let _ = writeln!(out, "{:#}", config::render_json(&resolved));
        } else {
            let _ = write!(out, "{}", config::render_text(&resolved));
        }
        return Ok(Outcome::Clean);
    }
    let options = &resolved.options;
    let table = super::environment_table(&options.role.privileges)?;
    let catalogue = desired::select_catalogue(&options.role, table.as_ref())?;
    let format = Format::parse(resolved.output.format.as_ref())?;
    let package_type = PackageType::parse(resolved.output.package_type.as_ref())?;
    // -o keeps the path exactly as given; the config's output.path is text.
    let output = args.settings.path(Setting::Output).or_else(|| {
        resolved
            .output
            .path
            .as_ref()
            .map(|g| PathBuf::from(&g.value))
    });
    let plan = plan::plan_in(
        &catalogue,
        table.as_ref(),
        options,
        format,
        package_type,
        output.as_deref(),
    )?;
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
    if args.json {
        let privileges: Vec<_> = plan
            .role
            .privileges
            .iter()
            .map(|p| json!({"name": p.name, "depth": p.depth, "in_catalogue": p.entry.is_some(), "in_environment": table.as_ref().map(|t| t.get(&p.name).is_some())}))
            .collect();
        let outputs: Vec<_> = plan
            .targets
            .iter()
            .map(|t| json!({"path": t.path.display().to_string(), "format": format.name(), "managed": t.managed}))
            .collect();
        let value = json!({
            "output": plan.targets.first().map(|t| t.path.display().to_string()),
            "outputs": outputs,
            "solution": {
                "unique_name": plan.manifest.unique_name,
                "version": plan.manifest.version.to_string(),
                "managed": package_type == PackageType::Managed,
                "package_type": package_type.name(),
                "publisher": plan.manifest.publisher.unique_name,
            },
            "role": {
                "id": guid::braced(plan.role.id),
                "name": plan.role.name,
                "inheritance": plan.role.inheritance.name(),
                "privileges": privileges,
            },
            "notes": plan.notes.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
        let _ = writeln!(out, "{value:#}");
    } else {
        for target in &plan.targets {
            let _ = writeln!(
                out,
                "wrote {}: role '{}' {} with {} privileges",
                target.path.display(),
                plan.role.name,
                guid::braced(plan.role.id),
                plan.role.privileges.len()
            );
        }
    }
    Ok(Outcome::Clean)
}

/// Prints the drift of every target; findings when any drifts.
fn report_check(plan: &plan::Plan, format: Format, as_json: bool) -> Result<Outcome> {
    let results: Vec<_> = plan.targets.iter().map(|t| (t, drift::check(t))).collect();
    let drifted = results.iter().any(|(_, d)| !d.is_empty());
    let mut out = std::io::stdout().lock();
    if as_json {
        let targets: Vec<_> = results
            .iter()
            .map(|(t, d)| {
                json!({
                    "path": t.path.display().to_string(),
                    "format": format.name(),
                    "managed": t.managed,
                    "up_to_date": d.is_empty(),
                    "drift": d.iter().map(drift::Drift::to_json).collect::<Vec<_>>(),
                })
            })
            .collect();
        let _ = writeln!(out, "{:#}", json!({"drift": drifted, "targets": targets}));
    } else {
        for (t, d) in &results {
            if d.is_empty() {
                let _ = writeln!(out, "up to date: {}", t.path.display());
            } else {
                let _ = writeln!(out, "drift: {}", t.path.display());
                for line in d {
                    let _ = writeln!(out, "  {}", line.describe());
                }
            }
        }
        if drifted {
            let _ = writeln!(
                out,
                "run dvrole generate with the same settings to bring the output up to date"
            );
        }
    }
    Ok(if drifted {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
