//! `dvrole report`: the privilege matrix of the role generate would build.

use std::path::PathBuf;

use clap::Args;

use super::generate::load_settings;
use super::{output, print_notes, Outcome, Output, RoleArgs, SolutionArgs, TableFormat};
use crate::error::Result;
use crate::model::options::OutputOptions;
use crate::ops::{build as generate, matrix as report};
use crate::settings::catalogues;

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
    #[arg(long, value_enum, default_value_t = TableFormat::Md)]
    pub format: TableFormat,
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
    let catalogue = catalogues::select(&options.role.catalogue, &options.role.allow)?;
    let built = generate::build(&catalogue, options)?;
    print_notes(&built.notes);
    let mut out = Output::to(args.output.as_deref());
    match args.format {
        TableFormat::Md => out.text(&report::markdown(&built.role, &built.manifest))?,
        TableFormat::Csv => out.text(&report::csv(&built.role))?,
        TableFormat::Json => out.json(&report::Matrix::new(&built.role, &built.manifest))?,
    }
    out.finish()?;
    if let Some(path) = &args.output {
        output::diagnostic(format_args!(
            "wrote {}: {} privileges",
            path.display(),
            built.role.privileges.len()
        ));
    }
    Ok(Outcome::Clean)
}
