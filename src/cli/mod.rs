//! The command line: argument definitions and what each command prints.
//!
//! Results go to stdout, diagnostics (notes, warnings) to stderr. Every command returns an
//! [`Outcome`] or an [`Error`]; `main.rs` turns those into exit codes.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::error::{Error, Result};
use crate::model::environment::PrivilegeTable;
use crate::model::options::{Given, RoleOptions, SolutionOptions};
use crate::model::role::Note;
use crate::package::read::{Limits, DEFAULT_MAX_ENTRY_BYTES};
use crate::package::write::write_atomic;
use crate::settings::environment as environment_file;

mod audit;
mod catalogue;
mod completions;
mod explain;
mod generate;
mod init;
mod report;
mod validate;

pub use audit::AuditArgs;
pub use catalogue::CatalogueArgs;
pub use completions::{CompletionsArgs, Shell};
pub use explain::ExplainArgs;
pub use generate::GenerateArgs;
pub use init::InitArgs;
pub use report::{ReportArgs, ReportFormat};
pub use validate::ValidateArgs;

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
#[command(name = "dvrole", version, about, long_about = None, max_term_width = 100, color = clap::ColorChoice::Never)]
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
    /// Print the privilege matrix of the role generate would build (Markdown, CSV or JSON).
    Report(Box<ReportArgs>),
    /// Write a commented starter dvrole.toml.
    Init(InitArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    Man,
    /// List the built-in catalogues of privileges, or show what one (or a union) holds.
    Catalogue(CatalogueArgs),
    /// Find what existing roles lack of the role `generate` would build.
    Audit(Box<AuditArgs>),
    /// Name the privileges an error message is about, and the command that adds them.
    Explain(ExplainArgs),
}

/// Settings that decide the role's privileges and depths; shared by every command that needs
/// the desired role (`generate`, `report`, `audit`).
#[derive(Debug, Clone, Default, Args)]
pub struct PrivilegeArgs {
    /// Catalogue of privileges the role is built from: a built-in name or a TOML file;
    /// repeat it for the union of several [default: server-side-sync]
    #[arg(long, value_name = "NAME|PATH")]
    pub catalogue: Vec<String>,
    /// Replace the depths a catalogue privilege allows, for an environment whose rules differ,
    /// e.g. prvReadContact=Local,Global (repeatable)
    #[arg(long, value_name = "PRIVILEGE=DEPTHS")]
    pub allow: Vec<String>,
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
    #[command(flatten)]
    #[allow(missing_docs)]
    pub environment: EnvironmentArgs,
    /// Leave out, with a note each, the privileges the environment's table (--privileges)
    /// lacks, instead of stopping
    #[arg(long)]
    pub drop_absent: bool,
}

/// What dvrole knows of the target environment: its privilege table, and names the user
/// says are real.
#[derive(Debug, Clone, Default, Args)]
pub struct EnvironmentArgs {
    /// The environment's privilege table: a page saved from
    /// GET <org>/api/data/v9.2/privileges?$select=name,privilegeid,accessright,canbebasic,canbelocal,canbedeep,canbeglobal;
    /// repeat it for each page
    #[arg(long = "privileges", value_name = "FILE")]
    pub privileges: Vec<PathBuf>,
    /// Take a privilege name as real though it is close to a known one, e.g. prvReadContract
    /// beside prvReadContact (repeatable)
    #[arg(long, value_name = "PRIVILEGE")]
    pub accept: Vec<String>,
}

impl EnvironmentArgs {
    /// The `--privileges` files, each labelled with the flag.
    pub fn files(&self) -> Vec<Given> {
        self.privileges
            .iter()
            .map(|p| Given::flag("--privileges", p.display().to_string()))
            .collect()
    }

    /// The `--accept` names, each labelled with the flag.
    pub fn accepted(&self) -> Vec<Given> {
        self.accept
            .iter()
            .map(|v| Given::flag("--accept", v))
            .collect()
    }

    /// The environment's table the flags name, if any.
    pub fn table(&self) -> Result<Option<PrivilegeTable>> {
        let table = environment_file::load(&self.files())?;
        if let Some(t) = &table {
            warn_incomplete(t);
        }
        Ok(table)
    }
}

/// Warns when every page of `table` says another follows.
pub(crate) fn warn_incomplete(table: &PrivilegeTable) {
    if table.is_incomplete() {
        eprintln!(
            "warning: every page of {} has @odata.nextLink, so its last page is missing; save that page too and pass it with another --privileges",
            table.label()
        );
    }
}

impl PrivilegeArgs {
    /// The settings, each labelled with its flag; the role's name and id are left unset.
    pub fn to_options(&self) -> RoleOptions {
        let one = |flag: &str, v: &Option<String>| v.as_ref().map(|v| Given::flag(flag, v));
        let many = |flag: &str, v: &[String]| v.iter().map(|v| Given::flag(flag, v)).collect();
        RoleOptions {
            catalogue: many("--catalogue", &self.catalogue),
            allow: many("--allow", &self.allow),
            role_name: None,
            role_id: None,
            depth: many("--depth", &self.depth),
            default_depth: one("--default-depth", &self.default_depth),
            exclude: many("--exclude", &self.exclude),
            add: many("--add", &self.add),
            accept: self.environment.accepted(),
            inheritance: None,
            privileges: self.environment.files(),
            drop_absent: self
                .drop_absent
                .then(|| Given::flag("--drop-absent", "true")),
        }
    }
}

/// Settings that decide the role: its privileges, name and id (`generate`).
#[derive(Debug, Clone, Default, Args)]
pub struct RoleArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub privileges: PrivilegeArgs,
    /// Name of the role [default: Server-Side Sync User]
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    /// Id of the role [default: derived from publisher and role name, stable across builds]
    #[arg(long, value_name = "GUID")]
    pub role_id: Option<String>,
    /// Member's privilege inheritance: direct (isinherited="1": Basic privileges reach
    /// members' own records too) or team (isinherited="0": team privileges only)
    /// [default: direct]
    #[arg(long, value_name = "direct|team")]
    pub inheritance: Option<String>,
}

impl RoleArgs {
    /// The settings, each labelled with its flag.
    pub fn to_options(&self) -> RoleOptions {
        RoleOptions {
            role_name: self
                .role_name
                .as_ref()
                .map(|v| Given::flag("--role-name", v)),
            role_id: self.role_id.as_ref().map(|v| Given::flag("--role-id", v)),
            inheritance: self
                .inheritance
                .as_ref()
                .map(|v| Given::flag("--inheritance", v)),
            ..self.privileges.to_options()
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
    /// Short for --package-type managed (<Managed>1</Managed>, file name ends in _managed)
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

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Generate(args) => generate::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Man => completions::run_man(),
        Command::Catalogue(args) => catalogue::run(&args),
        Command::Audit(args) => audit::run(&args),
        Command::Explain(args) => explain::run(&args),
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

/// The read limits a `--max-entry-size` value sets; without one, the default.
pub(crate) fn read_limits(max_entry_size: Option<&str>) -> Result<Limits> {
    Ok(Limits {
        max_entry_bytes: match max_entry_size {
            Some(s) => parse_size("--max-entry-size", s)?,
            None => DEFAULT_MAX_ENTRY_BYTES,
        },
    })
}

/// Writes `text` to `output` atomically (see [`package::write_atomic`]) or, when there is
/// no `output`, to stdout.
pub(crate) fn emit(output: Option<&Path>, text: &str) -> Result<()> {
    match output {
        Some(path) => write_atomic(path, text.as_bytes()),
        None => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            Ok(())
        }
    }
}

pub(crate) fn print_notes(notes: &[Note]) {
    let mut err = std::io::stderr().lock();
    for note in notes {
        let kind = match note {
            Note::Adjusted { .. } | Note::TableDepths { .. } | Note::Dropped { .. } => "note",
            Note::Unchecked { .. } => "warning",
        };
        let _ = writeln!(err, "{kind}: {note}");
    }
}
