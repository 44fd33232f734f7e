//! `dvrole catalogue list` and `dvrole catalogue show`: what the catalogues hold.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::{
    console, flags, print_notes, warn_on_extension, CatalogueShowSettings, Outcome, Output,
    TableFormat,
};
use crate::error::Result;
use crate::model::catalogue::{Catalogue, Entry, DEFAULT_CATALOGUE};
use crate::model::options::Given;
use crate::model::role;
use crate::ops::table;
use crate::part::role_file;
use crate::settings::catalogues;
use crate::settings::table::Values;
use crate::settings::Setting;

/// Arguments of `dvrole catalogue`.
#[derive(Debug, Clone, Args)]
pub struct CatalogueArgs {
    /// What to do with catalogues.
    #[command(subcommand)]
    pub command: CatalogueCommand,
}

/// The `dvrole catalogue` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum CatalogueCommand {
    /// List the built-in catalogues.
    List(ListArgs),
    /// Print the privileges of a catalogue, or of the union of several, with their depths.
    Show(ShowArgs),
}

/// Arguments of `dvrole catalogue list`.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Print the list as JSON on stdout
    ///
    /// `{"catalogues": [{"name", "default": bool, "privilege_count", "description", "source"}]}`
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `dvrole catalogue show`.
#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// Built-in catalogue names or paths of catalogue files; several show their union
    #[arg(
        value_name = "NAME|PATH",
        required = true,
        value_parser = flags::offer(Values::Catalogues),
        hide_possible_values = true
    )]
    pub catalogues: Vec<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub settings: CatalogueShowSettings,
    /// Output format
    ///
    /// md: a heading, the description and source, a table. csv: a header row
    /// `privilege,entity,entity_display,tab,access_right,object_type_code,allowed,default,privilege_id,confirmed,override,catalogues,note,source`,
    /// one row per privilege, quoted as RFC 4180 says, CRLF line ends; allowed is written
    /// Basic/Local, catalogues joined by " + ". json: `{"name", "description", "source",
    /// "entries": [{"privilege", "entity", "entity_display", "tab", "access_right",
    /// "object_type_code", "allowed": [depth...], "default", "privilege_id", "confirmed",
    /// "override", "catalogues": [name...], "note", "source"}]}`, absent values null.
    #[arg(long, value_enum, default_value_t = TableFormat::Md)]
    pub format: TableFormat,
    /// Write to this file instead of stdout, atomically, creating missing folders; a folder
    /// (or a path ending in /) gets <catalogue name>.<format>, a union's names joined by +;
    /// - is stdout [default: stdout]
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// Runs `dvrole catalogue`.
pub fn run(args: &CatalogueArgs) -> Result<Outcome> {
    match &args.command {
        CatalogueCommand::List(list) => run_list(list),
        CatalogueCommand::Show(show) => run_show(show),
    }
}

/// What `catalogue list --json` prints.
#[derive(Serialize)]
struct List<'a> {
    catalogues: Vec<Listed<'a>>,
}

/// One catalogue in [`List`]. Fields are in alphabetical order, the order of their keys in
/// JSON.
#[derive(Serialize)]
struct Listed<'a> {
    default: bool,
    description: &'a str,
    name: &'a str,
    privilege_count: usize,
    source: &'a str,
}

fn run_list(args: &ListArgs) -> Result<Outcome> {
    let catalogues = Catalogue::all_builtin()?;
    let mut out = Output::stdout();
    if args.json {
        let catalogues = catalogues
            .iter()
            .map(|c| Listed {
                default: c.name == DEFAULT_CATALOGUE,
                description: &c.description,
                name: &c.name,
                privilege_count: c.entries().len(),
                source: &c.source,
            })
            .collect();
        out.json(&List { catalogues })?;
    } else {
        let width = catalogues.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for c in &catalogues {
            let mark = if c.name == DEFAULT_CATALOGUE {
                " (default)"
            } else {
                ""
            };
            writeln!(
                out,
                "{:width$}  {:>3} privileges  {}{mark}",
                c.name,
                c.entries().len(),
                c.description
            )?;
        }
    }
    out.finish()?;
    Ok(Outcome::Clean)
}

fn run_show(args: &ShowArgs) -> Result<Outcome> {
    let selection: Vec<Given> = args
        .catalogues
        .iter()
        .map(|v| Given::flag("catalogue", v))
        .collect();
    let allow: Vec<Given> = args.settings.all(Setting::Allow);
    let table = super::environment_table(&args.settings.all(Setting::Privileges))?;
    let accept: Vec<String> = args
        .settings
        .all(Setting::Accept)
        .into_iter()
        .map(|g| g.value)
        .collect();
    let is_real = |name: &str| {
        accept.iter().any(|a| a == name) || table.as_ref().is_some_and(|t| t.get(name).is_some())
    };
    let mut catalogue = catalogues::select_with(&selection, &allow, &is_real)?;
    if let Some(t) = &table {
        // The environment's depths, as generate would use them.
        let (adjusted, notes) = role::with_table_depths(&catalogue, t, &allow);
        catalogue = adjusted;
        print_notes(&notes);
        for e in catalogue.entries() {
            if t.get(&e.privilege).is_none() {
                console::diagnostic(&format!(
                    "note: {}: not in {}; generate stops on it unless it is excluded or --drop-absent is given",
                    e.privilege,
                    t.label()
                ));
            }
        }
    }
    let ext = args.format.extension();
    if let Some(path) = &args.output {
        warn_on_extension(path, ext);
    }
    // Inside a folder, the file is named after the catalogue (`a+b` for a union).
    let default_name = format!(
        "{}.{ext}",
        role_file::file_name(&catalogue.name.replace(" + ", "+")).trim_end_matches(".xml")
    );
    let mut out = Output::to(args.output.as_deref(), &default_name);
    match args.format {
        TableFormat::Md => out.text(&markdown(&catalogue))?,
        TableFormat::Csv => out.text(&csv(&catalogue))?,
        TableFormat::Json => out.json(&catalogue)?,
    }
    if let Some(path) = out.finish()? {
        console::diagnostic(&format!(
            "wrote {}: {} privileges",
            path.display(),
            catalogue.entries().len()
        ));
    }
    Ok(Outcome::Clean)
}

/// The columns of the Markdown and CSV forms, in order.
const COLUMNS: [&str; 14] = [
    "privilege",
    "entity",
    "entity_display",
    "tab",
    "access_right",
    "object_type_code",
    "allowed",
    "default",
    "privilege_id",
    "confirmed",
    "override",
    "catalogues",
    "note",
    "source",
];

/// One entry's cells, in [`COLUMNS`] order.
fn cells(e: &Entry) -> [String; 14] {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        e.privilege.clone(),
        text(&e.entity),
        text(&e.entity_display),
        e.tab.clone(),
        text(&e.access_right),
        e.object_type_code
            .map(|c| c.to_string())
            .unwrap_or_default(),
        e.allowed.to_string(),
        e.default.to_string(),
        e.privilege_id
            .map(|id| id.hyphenated().to_string())
            .unwrap_or_default(),
        e.confirmed.to_string(),
        e.overrides.to_string(),
        e.catalogues.join(" + "),
        text(&e.note),
        e.source.clone(),
    ]
}

/// The catalogue as a Markdown document: a heading, its description and source, a table.
pub fn markdown(c: &Catalogue) -> String {
    let cell = table::markdown_cell;
    let mut s = format!(
        "# {}\n\n{}\n\nSource: {}\n\n{} privileges.\n\n",
        cell(&c.name),
        cell(&c.description),
        cell(&c.source),
        c.entries().len()
    );
    s.push_str(&table::markdown(
        &COLUMNS,
        c.entries().iter().map(|e| cells(e).to_vec()),
    ));
    s
}

/// The catalogue as CSV: a header row, then one row per entry; CRLF line ends (RFC 4180).
pub fn csv(c: &Catalogue) -> String {
    table::csv(&COLUMNS, c.entries().iter().map(|e| cells(e).to_vec()))
}
