//! `dvrole report`: the privilege matrix of the role generate would build.

use std::path::PathBuf;

use clap::Args;

use super::generate::load_settings;
use super::{
    console, print_notes, warn_on_extension, Outcome, Output, ReportSettings, TableFormat,
};
use crate::error::Result;
use crate::ops::{build as generate, desired, matrix as report};

/// Arguments of `dvrole report`.
#[derive(Debug, Clone, Default, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub settings: ReportSettings,
    /// Output format
    ///
    /// md: a heading naming the role, then a table. csv: the header row
    /// `privilege,entity,tab,depth,allowed,in_catalogue,source` and CRLF rows; allowed is
    /// written Basic/Local, as catalogue show writes it. json: `{"role": {"id", "name"},
    /// "solution": {"unique_name", "version"}, "privileges": [{"privilege", "entity", "tab",
    /// "depth", "allowed": [depth...], "in_catalogue", "source"}]}`, absent values null.
    #[arg(long, value_enum, default_value_t = TableFormat::Md)]
    pub format: TableFormat,
    /// Write the matrix to this file instead of stdout, atomically, creating missing folders;
    /// a folder (or a path ending in /) gets privileges.md, .csv or .json [default: stdout]
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// Runs `dvrole report`.
pub fn run(args: &ReportArgs) -> Result<Outcome> {
    let resolved = load_settings(&args.settings)?;
    let options = &resolved.options;
    let table = super::environment_table(&options.role.privileges)?;
    let catalogue = desired::select_catalogue(&options.role, table.as_ref())?;
    let built = generate::build_in(&catalogue, table.as_ref(), options)?;
    print_notes(&built.notes);
    let ext = args.format.extension();
    if let Some(path) = &args.output {
        warn_on_extension(path, ext);
    }
    let mut out = Output::to(args.output.as_deref(), &format!("privileges.{ext}"));
    match args.format {
        TableFormat::Md => out.text(&report::markdown(&built.role, &built.manifest))?,
        TableFormat::Csv => out.text(&report::csv(&built.role))?,
        TableFormat::Json => out.json(&report::Matrix::new(&built.role, &built.manifest))?,
    }
    if let Some(path) = out.finish()? {
        console::diagnostic(&format!(
            "wrote {}: {} privileges",
            path.display(),
            built.role.privileges.len()
        ));
    }
    Ok(Outcome::Clean)
}
