//! `dvrole report`: the privilege matrix of the roles in exports, or of the role generate
//! would build.

use std::io::{BufWriter, IsTerminal};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::generate::load_settings;
use super::{
    console, print_notes, read_limits, warn_on_extension, Outcome, Output, ReportSettings,
};
use crate::error::{Error, Result};
use crate::model::catalogue::Catalogue;
use crate::model::guid;
use crate::model::role::{self, Role};
use crate::ops::build as generate;
use crate::ops::desired;
use crate::ops::matrix::built as report;
use crate::ops::matrix::collect::Collector;
use crate::ops::matrix::csv::Csv;
use crate::ops::matrix::html::Html;
use crate::ops::matrix::json::Json;
use crate::ops::matrix::markdown::Markdown;
use crate::ops::matrix::xlsx::Xlsx;
use crate::ops::matrix::{Destination, Held, Names, Render, RoleMatrix};
use crate::package::commit::is_stdout;
use crate::package::input::Input;
use crate::package::output_path;
use crate::package::write::write_atomic_with;

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
    /// One self-contained HTML page, with the role editor's depth icons.
    Html,
    /// An Excel workbook: a sheet per role, and every privilege in long form.
    Xlsx,
}

impl ReportFormat {
    /// The format's name, as `--format` and file extensions write it.
    fn name(self) -> &'static str {
        match self {
            ReportFormat::Md => "md",
            ReportFormat::Csv => "csv",
            ReportFormat::Json => "json",
            ReportFormat::Html => "html",
            ReportFormat::Xlsx => "xlsx",
        }
    }

    /// The format a file name's extension names, if any.
    fn from_path(path: &Path) -> Option<ReportFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(ReportFormat::Md),
            "csv" => Some(ReportFormat::Csv),
            "json" => Some(ReportFormat::Json),
            "html" | "htm" => Some(ReportFormat::Html),
            "xlsx" => Some(ReportFormat::Xlsx),
            _ => None,
        }
    }
}

/// Arguments of `dvrole report`.
#[derive(Debug, Clone, Default, Args)]
pub struct ReportArgs {
    /// Exports whose roles to show: solution zips, package folders, SolutionPackager source
    /// folders, customizations.xml files or role files [default: the role generate would
    /// build]
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Show only this role of the inputs, by name (any case) or id, braces and case aside
    /// (repeatable); a --role that matches no role is an error [default: every role]
    #[arg(long, value_name = "NAME|GUID", requires = "inputs")]
    pub role: Vec<String>,
    /// Mark what each role lacks, or holds at a lesser depth, of the role generate would
    /// build from the same settings
    #[arg(long, requires = "inputs")]
    pub desired: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub settings: ReportSettings,
    /// Output format [default: from the -o file's extension, else md]
    ///
    /// With inputs: md, a section per role and a table per tab; csv and json, the long form,
    /// one row per role and privilege (shapes in README.md, under dvrole report); html, one
    /// self-contained page; xlsx, a workbook with a sheet per role and a Privileges sheet.
    /// Without: md, a heading naming the role, then a table; csv, the header row
    /// `privilege,entity,tab,depth,allowed,in_catalogue,source` and CRLF rows; allowed is
    /// written Basic/Local, as catalogue show writes it; json, `{"role": {"id", "name"},
    /// "solution": {"unique_name", "version"}, "privileges": [{"privilege", "entity", "tab",
    /// "depth", "allowed": [depth...], "in_catalogue", "source"}]}`, absent values null.
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Write the matrix to this file instead of stdout, atomically, creating missing folders;
    /// a folder (or a path ending in /) gets roles.FORMAT with inputs, privileges.FORMAT
    /// without; - is stdout [default: stdout]
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// What the matrix shows: the roles of the inputs, or the role generate would build.
enum Subject<'a> {
    Inputs { desired: Option<&'a Role> },
    Built(&'a Role),
}

/// Runs `dvrole report`.
pub fn run(args: &ReportArgs) -> Result<Outcome> {
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(ReportFormat::from_path))
        .unwrap_or_default();
    let limits = read_limits(&args.settings)?;
    let resolved = load_settings(&args.settings)?;
    let options = &resolved.options;
    let table = super::environment_table(&options.role.privileges)?;
    let selected = desired::select_catalogue(&options.role, table.as_ref())?;

    if args.inputs.is_empty()
        && matches!(
            format,
            ReportFormat::Md | ReportFormat::Csv | ReportFormat::Json
        )
    {
        // The role generate would build, one row per privilege, as before inputs existed.
        let built = generate::build_in(&selected, table.as_ref(), options)?;
        print_notes(&built.notes);
        let ext = format.name();
        if let Some(path) = &args.output {
            warn_on_extension(path, ext);
        }
        let mut out = Output::to(args.output.as_deref(), &format!("privileges.{ext}"));
        match format {
            ReportFormat::Csv => out.text(&report::csv(&built.role))?,
            ReportFormat::Json => out.json(&report::Matrix::new(&built.role, &built.manifest))?,
            _ => out.text(&report::markdown(&built.role, &built.manifest))?,
        }
        if let Some(path) = out.finish()? {
            console::diagnostic(&format!(
                "wrote {}: {} privileges",
                path.display(),
                built.role.privileges.len()
            ));
        }
        return Ok(Outcome::Clean);
    }

    let mut catalogues = vec![selected.clone()];
    for name in Catalogue::builtin_names() {
        if catalogues.iter().all(|c| c.name != name) {
            catalogues.push(Catalogue::builtin(name)?);
        }
    }
    let names = Names::new(&catalogues);
    let built_role;
    let desired_role;
    let subject = if args.inputs.is_empty() {
        let built = generate::build_in(&selected, table.as_ref(), options)?;
        print_notes(&built.notes);
        built_role = built.role;
        Subject::Built(&built_role)
    } else if args.desired {
        let (role, notes) = role::resolve_in(&selected, table.as_ref(), &options.role, "dvrole")?;
        print_notes(&notes);
        desired_role = role;
        Subject::Inputs {
            desired: Some(&desired_role),
        }
    } else {
        Subject::Inputs { desired: None }
    };

    let labels: Vec<String> = args
        .inputs
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let render_all = |out: &mut Destination<'_>| -> Result<usize> {
        let desired = matches!(subject, Subject::Inputs { desired: Some(_) });
        let mut render: Box<dyn Render + '_> = match format {
            ReportFormat::Md => Box::new(Markdown::new(out, &labels)?),
            ReportFormat::Csv => Box::new(Csv::new(out, desired)?),
            ReportFormat::Json => Box::new(Json::new(out, &labels, desired)?),
            ReportFormat::Html => Box::new(Html::new(out, "Privilege matrix", &labels, desired)),
            ReportFormat::Xlsx => Box::new(Xlsx::new(out, desired)?),
        };
        let rendered = match &subject {
            Subject::Built(role) => {
                let mut collector = Collector::new(&names, &[], None, render.as_mut());
                collector.render_role(built_matrix(role, &names))?;
                collector.rendered()
            }
            Subject::Inputs { desired } => {
                let mut collector = Collector::new(&names, &args.role, *desired, render.as_mut());
                for (path, label) in args.inputs.iter().zip(&labels) {
                    let mut input = Input::open(path, limits)?;
                    if collector.read(label, &mut input)? == 0 {
                        console::diagnostic(&format!("note: {label} holds no role"));
                    }
                }
                collector.check_selectors()?;
                collector.rendered()
            }
        };
        render.finish()?;
        Ok(rendered)
    };

    match &args.output {
        Some(path) if !is_stdout(path) => {
            warn_on_extension(path, format.name());
            let file = output_path::file_in(path, &format!("roles.{}", format.name()))?;
            let created = output_path::create_parents([file.as_path()])?;
            let mut rendered = 0;
            write_atomic_with(&file, |f| {
                let mut out =
                    Destination::new(Box::new(BufWriter::with_capacity(64 * 1024, f)), &file);
                rendered = render_all(&mut out)?;
                Ok(())
            })?;
            created.keep();
            console::diagnostic(&format!(
                "wrote {}: {rendered} role{}",
                file.display(),
                if rendered == 1 { "" } else { "s" }
            ));
        }
        _ => {
            let stdout = std::io::stdout();
            if format == ReportFormat::Xlsx && stdout.is_terminal() {
                return Err(Error::invalid(
                    "--format",
                    "xlsx",
                    "a workbook is binary and stdout is a terminal; write it to a file with -o FILE.xlsx, or redirect stdout",
                ));
            }
            // Under -q results go nowhere, as for every command, unless -o - asked for them.
            let asked = args.output.as_deref().is_some_and(is_stdout);
            let writer: Box<dyn std::io::Write + Send> = if console::quiet() && !asked {
                Box::new(std::io::sink())
            } else {
                Box::new(BufWriter::with_capacity(64 * 1024, stdout))
            };
            let mut out = Destination::new(writer, "standard output");
            // A closed pipe is an Error::Write that main ends quietly.
            render_all(&mut out)?;
        }
    }
    Ok(Outcome::Clean)
}

/// The role generate would build, as the matrix shows a role.
fn built_matrix(role: &Role, names: &Names) -> RoleMatrix {
    RoleMatrix {
        input: String::new(),
        file: "(the role dvrole generate builds)".to_string(),
        name: role.name.clone(),
        id: Some(guid::braced(role.id)),
        isinherited: None,
        privileges: role
            .privileges
            .iter()
            .map(|p| Held {
                privilege: p.name.clone(),
                depth: Some(p.depth),
                desired: None,
                place: names.place(&p.name),
            })
            .collect(),
    }
}
