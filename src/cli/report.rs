//! `dvrole report`: the privilege matrix of the role generate would build.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::generate::load_settings;
use super::{emit, print_notes, Outcome, RoleArgs, SolutionArgs};
use crate::error::Result;
use crate::model::options::OutputOptions;
use crate::ops::{build as generate, desired, matrix as report};

/// Formats of the privilege matrix.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A Markdown table under a heading naming the role.
    #[default]
    Md,
    /// Comma-separated values with a header row.
    Csv,
    /// JSON.
    Json,
}

/// Arguments of `dvrole report`.
#[derive(Debug, Clone, Default, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub role: RoleArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub solution: SolutionArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,
    /// Write the matrix to this file instead of stdout
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Settings file [default: dvrole.toml in the current folder, when there]
    #[arg(long, value_name = "PATH", env = "DVROLE_CONFIG")]
    pub config: Option<PathBuf>,
}

/// Runs `dvrole report`.
pub fn run(args: &ReportArgs) -> Result<Outcome> {
    let resolved = load_settings(
        &args.role,
        &args.solution,
        args.config.as_deref(),
        OutputOptions::default(),
    )?;
    let options = &resolved.options;
    let table = desired::environment(&options.role)?;
    if let Some(t) = &table {
        super::warn_incomplete(t);
    }
    let catalogue = desired::select_catalogue(&options.role, table.as_ref())?;
    let built = generate::build_in(&catalogue, table.as_ref(), options)?;
    print_notes(&built.notes);
    let text = match args.format {
        ReportFormat::Md => report::markdown(&built.role, &built.manifest),
        ReportFormat::Csv => report::csv(&built.role),
        ReportFormat::Json => format!("{:#}\n", report::json(&built.role, &built.manifest)),
    };
    emit(args.output.as_deref(), &text)?;
    if let Some(path) = &args.output {
        eprintln!(
            "wrote {}: {} privileges",
            path.display(),
            built.role.privileges.len()
        );
    }
    Ok(Outcome::Clean)
}
