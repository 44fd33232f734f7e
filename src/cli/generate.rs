//! `dvrole generate`: write the role as a solution zip.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::{print_notes, Outcome, RoleArgs, SolutionArgs};
use crate::catalogue;
use crate::error::Result;
use crate::options::GenerateOptions;
use crate::{generate, guid, package};

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

/// Runs `dvrole generate`.
pub fn run(args: &GenerateArgs) -> Result<Outcome> {
    let options = GenerateOptions {
        role: args.role.to_options(),
        solution: args.solution.to_options(),
    };
    let catalogue = catalogue::select(&options.role.catalogue, &options.role.allow)?;
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
                "id": guid::braced(built.role.id),
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
            guid::braced(built.role.id),
            built.role.privileges.len()
        );
    }
    Ok(Outcome::Clean)
}
