//! `dvrole generate`: write the role as solution zips or as the source-control folder, or
//! check (`--check`) that what is there is what would be written.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use super::flags::Flags;
use super::{console, print_notes, GenerateSettings, Outcome, Output};
use crate::error::{Error, Result};
use crate::model::depth::Depth;
use crate::model::environment::PrivilegeTable;
use crate::model::guid;
use crate::ops::desired;
use crate::ops::drift;
use crate::ops::plan::{self, Content, PackageFormat, PackageType};
use crate::package::commit::{self, WritePlan};
use crate::package::output_path;
use crate::package::read::Limits;
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
    /// "privileges": [{"privilege", "depth", "in_catalogue", "in_environment"}]}, "notes"}`
    /// (`in_environment` is null without --privileges); with --check or --print-config, their
    /// JSON.
    #[arg(long)]
    pub json: bool,
}

/// Resolves the settings from the config file, the environment and the flags, and prints
/// the warnings about the environment.
pub(crate) fn load_settings(flags: &Flags) -> Result<Resolved> {
    let resolved = config::load(&flags.config_source(), flags.givens())?;
    for warning in &resolved.warnings {
        console::diagnostic(&format!("warning: {warning}"));
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
    if let Some(tree) = args.settings.path(Setting::Into) {
        super::fix::refuse_output_flags(&args.settings)?;
        return super::into::generate_into(
            &resolved,
            &tree,
            Limits::default(),
            args.check,
            args.json,
        );
    }
    let options = &resolved.options;
    let table = super::environment_table(&options.role.privileges)?;
    let catalogue = desired::select_catalogue(&options.role, table.as_ref())?;
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
    // `-o -`: the one zip on standard output.
    let origin = match (args.settings.path(Setting::Output), &resolved.output.path) {
        (None, Some(given)) => given.origin.clone(),
        _ => "-o".to_string(),
    };
    let to_stdout = output.as_deref().is_some_and(commit::is_stdout);
    if to_stdout {
        refuse_for_stdout(args, &origin, format, package_type)?;
    }
    // A path from the config file or the environment is refused with where it was set
    // (`dvrole.toml:4: output.path '...'`); -o is named by the line itself.
    if let (false, None, Some(given)) = (
        to_stdout,
        args.settings.path(Setting::Output),
        resolved.output.path.as_ref(),
    ) {
        output_path::check_output_path(Path::new(&given.value)).map_err(|e| match e {
            Error::Output { path, message } => Error::invalid(&given.origin, &path, message),
            e => e,
        })?;
    }
    let plan = plan::plan_in(
        &catalogue,
        table.as_ref(),
        options,
        format,
        package_type,
        output.as_deref().filter(|_| !to_stdout),
    )?;
    print_notes(&plan.notes);
    if to_stdout {
        return write_to_stdout(&plan);
    }

    if args.check {
        return report_check(&plan.targets, format, args.json, "generate");
    }

    write_targets(&plan.targets)?;
    if args.json {
        let mut out = Output::stdout();
        out.json(&Generated::new(&plan, format, package_type, table.as_ref()))?;
        out.finish()?;
    } else {
        for target in &plan.targets {
            console::diagnostic(&format!(
                "wrote {}: role '{}' {} with {} privileges",
                target.path.display(),
                plan.role.name,
                guid::braced(plan.role.id),
                plan.role.privileges.len()
            ));
        }
    }
    if let Some(next) = next_steps(&plan, format, package_type) {
        console::diagnostic(&next);
    }
    Ok(Outcome::Clean)
}

/// Writes every target: each planned, and what stands at it checked, before anything is
/// said or made; the folders the outputs need are made next and removed again if a write
/// fails; then every output is staged before any is replaced, so a failure (the managed
/// zip's target unwritable, say) leaves every old output as it was.
pub(crate) fn write_targets(targets: &[plan::Target]) -> Result<()> {
    let mut writes = WritePlan::new();
    for target in targets {
        match &target.content {
            Content::Zip { bytes, .. } => {
                writes.file(&target.path, bytes.clone());
            }
            Content::Folder(files) => plan::plan_folder(&mut writes, &target.path, files),
        }
    }
    writes.check_existing()?;
    for target in targets {
        warn_on_name(&target.path, &target.content);
    }
    let created = output_path::create_parents(targets.iter().map(|t| t.path.as_path()))?;
    writes.commit()?;
    created.keep();
    Ok(())
}

/// Refuses `generate -o -` where more, or other, than one zip would go to standard output,
/// or where it is a terminal: before anything is built.
fn refuse_for_stdout(
    args: &GenerateArgs,
    origin: &str,
    format: PackageFormat,
    package_type: PackageType,
) -> Result<()> {
    let why = if format == PackageFormat::Folder {
        "is standard output, which takes one file; --format folder writes a folder: name it with -o"
    } else if package_type == PackageType::Both {
        "is standard output, which takes one zip; --package-type both writes two: name a file, or choose managed or unmanaged"
    } else if args.check {
        "names no file for --check to compare with; name the file the zip was written to"
    } else if args.json {
        "would put the zip and --json's document on standard output together; leave one out"
    } else if std::io::stdout().is_terminal() {
        "is a terminal, and a zip is binary: redirect standard output to a file (> role.zip), or name the file with -o"
    } else {
        return Ok(());
    };
    Err(Error::invalid(origin, commit::STDOUT, why))
}

/// `generate -o -`: the one zip of `plan`, built and validated as for a file, on standard
/// output whatever `-q` says (it was asked for).
fn write_to_stdout(plan: &plan::Plan) -> Result<Outcome> {
    let [target] = plan.targets.as_slice() else {
        return Err(Error::Internal(
            "one zip planned for standard output".into(),
        ));
    };
    let Content::Zip { bytes, .. } = &target.content else {
        return Err(Error::Internal("a zip planned for standard output".into()));
    };
    let mut out = Output::stdout_asked();
    std::io::Write::write_all(&mut out, bytes).map_err(|e| out.error(e))?;
    out.finish()?;
    console::diagnostic(&format!(
        "wrote standard output: role '{}' {} with {} privileges",
        crate::text::Safe(&plan.role.name),
        guid::braced(plan.role.id),
        plan.role.privileges.len()
    ));
    Ok(Outcome::Clean)
}

/// Warns where the name says another kind than what is written: a zip not named `.zip`
/// (the import page and pac take it either way, but the name tells nobody what it holds), or
/// a folder named `.zip`.
pub(crate) fn warn_on_name(path: &Path, content: &Content) {
    let is_zip = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    let warning = match content {
        Content::Zip { .. } if !is_zip => {
            "a solution zip is written whatever the name; name it .zip so the import page and pac see what it is"
        }
        Content::Folder(_) if is_zip => {
            "--format folder writes a folder, not a zip, whatever the name; leave out --format folder for a zip"
        }
        _ => return,
    };
    console::diagnostic(&format!("warning: {}: {warning}", path.display()));
}

/// The line saying what to do with what was written: import it (packed first, for a
/// folder), then assign the role to the mailbox owners.
fn next_steps(
    plan: &plan::Plan,
    format: PackageFormat,
    package_type: PackageType,
) -> Option<String> {
    let first = plan.targets.first()?;
    let path = shell_word(&first.path.display().to_string());
    let assign = format!(
        "pac admin assign-user --user USER --role {}",
        shell_word_quoted(&plan.role.name)
    );
    Some(match format {
        PackageFormat::Zip => format!(
            "next: import it with `pac solution import --path {path}`, then give the role to each mailbox owner with `{assign}`"
        ),
        PackageFormat::Folder => {
            // `-o pkg/` names the folder pkg, whose zip is pkg.zip, not pkg/.zip.
            let folder: PathBuf = first.path.components().collect();
            let zip = shell_word(&format!("{}.zip", folder.display()));
            let packagetype = match package_type {
                PackageType::Unmanaged => "",
                PackageType::Managed => " --packagetype Managed",
                PackageType::Both => " --packagetype Both",
            };
            format!(
                "next: pack it with `pac solution pack --folder {path} --zipfile {zip}{packagetype}`, import it with `pac solution import --path {zip}`, then give the role to each mailbox owner with `{assign}`"
            )
        }
    })
}

/// `text` as one shell word: as it is where that is safe, else in double quotes.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:+=@%,".contains(c));
    if plain {
        text.to_string()
    } else {
        shell_word_quoted(text)
    }
}

/// `text` in double quotes, with what the shell expands there escaped.
fn shell_word_quoted(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    s.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('"');
    s
}

/// Prints the drift of every target; findings when any drifts.
pub(crate) fn report_check(
    targets: &[plan::Target],
    format: PackageFormat,
    as_json: bool,
    command: &str,
) -> Result<Outcome> {
    let results: Vec<_> = targets.iter().map(|t| (t, drift::check(t))).collect();
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
                    writeln!(out, "  {}", crate::text::terminal_safe(&line.describe()))?;
                }
            }
        }
        if drifted {
            writeln!(
                out,
                "run dvrole {command} with the same settings to bring the output up to date"
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
    inheritance: &'static str,
    name: &'a str,
    privileges: Vec<GeneratedPrivilege<'a>>,
}

#[derive(Serialize)]
struct GeneratedPrivilege<'a> {
    depth: Depth,
    in_catalogue: bool,
    /// Whether the environment's table holds it; null without one.
    in_environment: Option<bool>,
    privilege: &'a str,
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
        table: Option<&PrivilegeTable>,
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
                inheritance: plan.role.inheritance.name(),
                name: &plan.role.name,
                privileges: plan
                    .role
                    .privileges
                    .iter()
                    .map(|p| GeneratedPrivilege {
                        depth: p.depth,
                        in_catalogue: p.entry.is_some(),
                        in_environment: table.map(|t| t.get(&p.name).is_some()),
                        privilege: &p.name,
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
