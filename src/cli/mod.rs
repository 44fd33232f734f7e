//! The command line: argument definitions and what each command prints.
//!
//! Results go to stdout, diagnostics (notes, warnings) to stderr. Every command returns an
//! [`Outcome`] or an [`Error`]; `main.rs` turns those into exit codes.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::error::{Error, Result};
use crate::model::environment::PrivilegeTable;
use crate::model::options::Given;
use crate::model::role::Note;
use crate::package::output_path;
use crate::package::read::Limits;
use crate::package::write::write_atomic;
use crate::settings;
use crate::settings::table::DEFAULT_MAX_ENTRY_SIZE;
use crate::settings::Setting;

mod audit;
mod catalogue;
mod completions;
mod console;
mod diff;
mod explain;
mod fix;
pub mod flags;
mod generate;
mod init;
mod into;
pub mod output;
pub mod readme;
mod report;
mod table_format;
mod validate;

pub use audit::AuditArgs;
pub use catalogue::CatalogueArgs;
pub use completions::{CompletionsArgs, ManArgs, Shell};
pub use diff::DiffArgs;
pub use explain::ExplainArgs;
pub use fix::FixArgs;
pub use flags::{
    AuditSettings, CatalogueShowSettings, DiffSettings, ExplainSettings, FixSettings,
    GenerateSettings, GlobalSettings, InitSettings, ReportSettings, ValidateSettings,
};
pub use generate::GenerateArgs;
pub use init::InitArgs;
pub use output::Output;
pub use report::ReportArgs;
pub use table_format::TableFormat;
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
    #[command(flatten)]
    #[allow(missing_docs)]
    pub settings: GlobalSettings,
}

/// dvrole's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the "Server-Side Sync User" role as a solution zip that imports into any environment.
    Generate(Box<GenerateArgs>),
    /// Check solution packages (zips or folders) for what makes an import fail.
    Validate(ValidateArgs),
    /// Show the privilege matrix of the roles in exports, or of the role generate would build
    /// (Markdown, CSV, JSON, HTML or xlsx).
    Report(Box<ReportArgs>),
    /// Write a commented starter dvrole.toml, or one that rebuilds an existing role (--from).
    Init(InitArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the man page of dvrole or of one command (roff), or write every page into a folder.
    Man(ManArgs),
    /// List the built-in catalogues of privileges, or show what one (or a union) holds.
    Catalogue(CatalogueArgs),
    /// Find what existing roles lack of the role `generate` would build.
    Audit(Box<AuditArgs>),
    /// Name the privileges an error message is about, and the command that adds them.
    Explain(ExplainArgs),
    /// Update existing roles in place with what they lack: a solution holding each role whole.
    Fix(Box<FixArgs>),
    /// Compare the roles of two inputs: privileges, depths, name, inheritance.
    Diff(DiffArgs),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    console::set_quiet(cli.settings.switch(Setting::Quiet));
    crate::open::set_stream_timeout(stream_timeout(&cli.settings)?);
    match cli.command {
        Command::Generate(args) => generate::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => completions::run_man(&args),
        Command::Catalogue(args) => catalogue::run(&args),
        Command::Audit(args) => audit::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Fix(args) => fix::run(&args),
        Command::Diff(args) => diff::run(&args),
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

/// The stream timeout `--stream-timeout` (else `DVROLE_STREAM_TIMEOUT`, else the default)
/// sets; `None` for 0, which waits for ever.
fn stream_timeout(flags: &flags::Flags) -> Result<Option<std::time::Duration>> {
    let setting = Setting::StreamTimeout;
    let (origin, text) = match (flags.given(setting), setting.env_value()) {
        (Some(g), _) => (g.origin, g.value),
        (None, Some((var, value))) => (var, value.to_string_lossy().into_owned()),
        (None, None) => {
            return Ok(Some(std::time::Duration::from_secs(u64::from(
                crate::settings::table::DEFAULT_STREAM_TIMEOUT_SECONDS,
            ))))
        }
    };
    match text.trim().parse::<u32>() {
        Ok(0) => Ok(None),
        Ok(secs) => Ok(Some(std::time::Duration::from_secs(u64::from(secs)))),
        Err(_) => Err(Error::invalid(
            &origin,
            &text,
            "is not a whole number of seconds; give e.g. 60, or 0 to wait for ever",
        )),
    }
}

/// The read limits the `--max-entry-size` of `flags` sets; without one, the default.
pub(crate) fn read_limits(flags: &flags::Flags) -> Result<Limits> {
    let given = flags.given(Setting::MaxEntrySize);
    let (origin, text) = match &given {
        Some(g) => (g.origin.as_str(), g.value.as_str()),
        None => ("default --max-entry-size", DEFAULT_MAX_ENTRY_SIZE),
    };
    Ok(Limits {
        max_entry_bytes: parse_size(origin, text)?,
    })
}

/// Writes `text` to standard output, as `--help` and `--version` do.
pub fn print_text(text: &str) -> Result<()> {
    let mut out = Output::stdout();
    out.text(text)?;
    out.finish().map(|_| ())
}

/// Writes `bytes` to the file `-o PATH` names (`default_name` inside it when it names a
/// folder), atomically, creating the folders it needs; a failed write leaves none of them.
/// Returns the file written.
pub(crate) fn write_file(path: &Path, default_name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let file = output_path::file_in(path, default_name)?;
    let created = output_path::create_parents([file.as_path()])?;
    write_atomic(&file, bytes)?;
    created.keep();
    Ok(file)
}

/// Warns where `-o` names a file whose extension says another format than the one written.
pub(crate) fn warn_on_extension(path: &Path, format: &str) {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if let (Some(ext), false) = (ext, output_path::names_folder(path)) {
        if ["md", "csv", "json", "html", "xlsx"].contains(&ext.as_str()) && ext != format {
            console::diagnostic(&format!(
                "warning: {}: the file holds {format}, as --format says, not {ext}",
                path.display()
            ));
        }
    }
}

/// The environment's table the `--privileges` values in `files` name, if any, with a warning
/// when every page says another follows.
pub(crate) fn environment_table(files: &[Given]) -> Result<Option<PrivilegeTable>> {
    let table = settings::environment::load(files)?;
    if let Some(t) = &table {
        warn_incomplete(t);
    }
    Ok(table)
}

/// Warns when every page of `table` says another follows.
pub(crate) fn warn_incomplete(table: &PrivilegeTable) {
    if table.is_incomplete() {
        console::diagnostic(&format!(
            "warning: every page of {} has @odata.nextLink, so its last page is missing; save that page too and pass it with another --privileges",
            table.label()
        ));
    }
}

pub(crate) fn print_notes(notes: &[Note]) {
    for note in notes {
        let kind = match note {
            Note::Adjusted { .. } | Note::TableDepths { .. } | Note::Dropped { .. } => "note",
            Note::Unchecked { .. } => "warning",
        };
        console::diagnostic(&format!("{kind}: {note}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_entry_size_is_the_readers_default() {
        assert_eq!(
            parse_size("test", DEFAULT_MAX_ENTRY_SIZE).unwrap(),
            Limits::default().max_entry_bytes
        );
    }
}
