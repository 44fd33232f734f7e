//! The command line: argument definitions and what each command prints.
//!
//! Results go to stdout, diagnostics (notes, warnings) to stderr. Every command returns an
//! [`Outcome`] or an [`Error`]; `main.rs` turns those into exit codes.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use serde_json::json;

use crate::catalogue::Catalogue;
use crate::error::{Error, Result};
use crate::generate;
use crate::options::{GenerateOptions, Given, RoleOptions, SolutionOptions};
use crate::package;
use crate::read::{Limits, DEFAULT_MAX_ENTRY_BYTES};
use crate::role::Note;
use crate::validate;

/// How a command that ran to the end turned out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report (exit 0).
    Clean,
    /// The command found problems, e.g. an invalid package (exit 1).
    Findings,
}

/// Builds, checks and audits the Dataverse security role Server-Side Synchronization needs.
#[derive(Debug, Parser)]
#[command(name = "dvrole", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// dvrole's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the "Server-Side Sync User" role as a solution zip that imports into any environment.
    Generate(Box<GenerateArgs>),
    /// Check solution packages (zips or folders) for what makes an import fail.
    Validate(ValidateArgs),
}

/// Settings that decide the role; shared by every command that needs the desired role.
#[derive(Debug, Clone, Default, Args)]
pub struct RoleArgs {
    /// Name of the role [default: Server-Side Sync User]
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    /// Id of the role [default: derived from publisher and role name, stable across builds]
    #[arg(long, value_name = "GUID")]
    pub role_id: Option<String>,
    /// Depth of one catalogue privilege, e.g. prvReadContact=Global or prvReadContact=Organization;
    /// None leaves it out (repeatable)
    #[arg(long, value_name = "PRIVILEGE=DEPTH")]
    pub depth: Vec<String>,
    /// Depth for every privilege that allows it; the others get the allowed depth nearest to it
    /// [default: each privilege's least allowed depth]
    #[arg(long, value_name = "DEPTH")]
    pub default_depth: Option<String>,
    /// Leave a catalogue privilege out, e.g. prvReadIncident where Customer Service is not
    /// installed (repeatable)
    #[arg(long, value_name = "PRIVILEGE")]
    pub exclude: Vec<String>,
    /// Add a privilege outside the catalogue; its depth cannot be checked (repeatable)
    #[arg(long, value_name = "PRIVILEGE=DEPTH")]
    pub add: Vec<String>,
}

impl RoleArgs {
    /// The settings, each labelled with its flag.
    pub fn to_options(&self) -> RoleOptions {
        let one = |flag: &str, v: &Option<String>| v.as_ref().map(|v| Given::flag(flag, v));
        let many = |flag: &str, v: &[String]| v.iter().map(|v| Given::flag(flag, v)).collect();
        RoleOptions {
            role_name: one("--role-name", &self.role_name),
            role_id: one("--role-id", &self.role_id),
            depth: many("--depth", &self.depth),
            default_depth: one("--default-depth", &self.default_depth),
            exclude: many("--exclude", &self.exclude),
            add: many("--add", &self.add),
        }
    }
}

/// Settings that decide the solution and its publisher.
#[derive(Debug, Clone, Default, Args)]
pub struct SolutionArgs {
    /// Unique name of the solution [default: ServerSideSyncRole]
    #[arg(long, value_name = "NAME")]
    pub solution_name: Option<String>,
    /// Display name of the solution [default: Server-Side Sync Role]
    #[arg(long, value_name = "TEXT")]
    pub solution_display_name: Option<String>,
    /// Version of the solution, 2 to 4 numeric parts [default: 1.0.0.0]
    #[arg(long, value_name = "A.B.C.D")]
    pub solution_version: Option<String>,
    /// Description of the solution [default: a sentence naming KB 4015092]
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// Unique name of the publisher [default: dvrole]
    #[arg(long, value_name = "NAME")]
    pub publisher_name: Option<String>,
    /// Display name of the publisher [default: dvrole]
    #[arg(long, value_name = "TEXT")]
    pub publisher_display_name: Option<String>,
    /// Customization prefix: 2 to 8 letters or digits, starting with a letter [default: dvrole]
    #[arg(long, value_name = "PREFIX")]
    pub publisher_prefix: Option<String>,
    /// Option value prefix, 10000 to 99999 [default: 27182]
    #[arg(long, value_name = "NUMBER")]
    pub option_value_prefix: Option<String>,
    /// Mark the solution managed (<Managed>1</Managed>, file name ends in _managed)
    #[arg(long)]
    pub managed: bool,
    /// Language code (LCID) of names and descriptions [default: 1033]
    #[arg(long, value_name = "LCID")]
    pub language: Option<String>,
}

impl SolutionArgs {
    /// The settings, each labelled with its flag.
    pub fn to_options(&self) -> SolutionOptions {
        let one = |flag: &str, v: &Option<String>| v.as_ref().map(|v| Given::flag(flag, v));
        SolutionOptions {
            solution_name: one("--solution-name", &self.solution_name),
            solution_display_name: one("--solution-display-name", &self.solution_display_name),
            solution_version: one("--solution-version", &self.solution_version),
            description: one("--description", &self.description),
            publisher_name: one("--publisher-name", &self.publisher_name),
            publisher_display_name: one("--publisher-display-name", &self.publisher_display_name),
            publisher_prefix: one("--publisher-prefix", &self.publisher_prefix),
            option_value_prefix: one("--option-value-prefix", &self.option_value_prefix),
            managed: self.managed,
            language: one("--language", &self.language),
        }
    }
}

/// Arguments of `dvrole generate`.
#[derive(Debug, Clone, Default, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub role: RoleArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub solution: SolutionArgs,
    /// Where to write the zip [default: <SolutionName>_<version>.zip in the current folder]
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Print what was written as JSON on stdout
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `dvrole validate`.
#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// Packages to check: solution zips, or folders holding the three root files
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The most bytes to read from one file or zip entry, e.g. 512M or 2G [default: 1G]
    #[arg(long, value_name = "SIZE")]
    pub max_entry_size: Option<String>,
    /// Print the reports as JSON on stdout
    #[arg(long)]
    pub json: bool,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Generate(args) => generate(&args),
        Command::Validate(args) => validate(&args),
    }
}

/// Parses a size such as `1048576`, `64K`, `512M` or `2G` (powers of 1024).
pub fn parse_size(origin: &str, text: &str) -> Result<u64> {
    let t = text.trim();
    let (digits, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, ""),
    };
    let shift = match unit
        .to_ascii_uppercase()
        .trim_end_matches("IB")
        .trim_end_matches('B')
    {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => {
            return Err(Error::invalid(
                origin,
                text,
                "expected a size such as 1048576, 64K, 512M or 2G",
            ))
        }
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1u64 << shift))
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            Error::invalid(
                origin,
                text,
                "expected a size such as 1048576, 64K, 512M or 2G",
            )
        })
}

fn print_notes(notes: &[Note]) {
    let mut err = std::io::stderr().lock();
    for note in notes {
        let kind = match note {
            Note::Adjusted { .. } => "note",
            Note::Unchecked { .. } => "warning",
        };
        let _ = writeln!(err, "{kind}: {note}");
    }
}

fn generate(args: &GenerateArgs) -> Result<Outcome> {
    let options = GenerateOptions {
        role: args.role.to_options(),
        solution: args.solution.to_options(),
    };
    let catalogue = Catalogue::default_catalogue();
    let built = generate::build(&catalogue, &options)?;
    print_notes(&built.notes);
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(built.manifest.file_name()));
    package::write_atomic(&output, &built.zip)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let privileges: Vec<_> = built
            .role
            .privileges
            .iter()
            .map(|p| json!({"name": p.name, "depth": p.depth, "in_catalogue": p.entry.is_some()}))
            .collect();
        let value = json!({
            "output": output.display().to_string(),
            "solution": {
                "unique_name": built.manifest.unique_name,
                "version": built.manifest.version.to_string(),
                "managed": built.manifest.managed,
                "publisher": built.manifest.publisher.unique_name,
            },
            "role": {
                "id": crate::guid::braced(built.role.id),
                "name": built.role.name,
                "privileges": privileges,
            },
            "notes": built.notes.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
        let _ = writeln!(out, "{value:#}");
    } else {
        let _ = writeln!(
            out,
            "wrote {}: role '{}' {} with {} privileges",
            output.display(),
            built.role.name,
            crate::guid::braced(built.role.id),
            built.role.privileges.len()
        );
    }
    Ok(Outcome::Clean)
}

fn validate(args: &ValidateArgs) -> Result<Outcome> {
    let limits = Limits {
        max_entry_bytes: match &args.max_entry_size {
            Some(s) => parse_size("--max-entry-size", s)?,
            None => DEFAULT_MAX_ENTRY_BYTES,
        },
    };
    let catalogues: Vec<Catalogue> = Catalogue::builtin_names()
        .map(Catalogue::builtin)
        .collect::<Result<_>>()?;
    let reports = args
        .paths
        .iter()
        .map(|p| validate::validate_path(Path::new(p), &catalogues, limits))
        .collect::<Result<Vec<_>>>()?;
    let valid = reports.iter().all(|r| r.valid);
    let mut out = std::io::stdout().lock();
    if args.json {
        let _ = writeln!(out, "{:#}", json!({"valid": valid, "reports": reports}));
    } else {
        for r in &reports {
            for f in &r.findings {
                let _ = writeln!(out, "{}: {}", f.location, f.message);
            }
            let roles: Vec<String> = r
                .roles
                .iter()
                .map(|role| format!("'{}' ({} privileges)", role.name, role.privileges))
                .collect();
            let held = match roles.len() {
                0 => "no role".to_string(),
                1 => format!("1 role: {}", roles[0]),
                n => format!("{n} roles: {}", roles.join(", ")),
            };
            if r.valid {
                let _ = writeln!(out, "{}: valid, {held}", r.input);
            } else {
                let n = r.findings.len();
                let s = if n == 1 { "" } else { "s" };
                let _ = writeln!(out, "{}: {n} problem{s}, {held}", r.input);
            }
        }
    }
    Ok(if valid {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
