//! `dvrole fix`: write a solution that updates existing roles in place with what they lack
//! of the role `generate` would build, or put the fixed roles into a source tree (`--into`).

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::flags::Flags;
use super::generate::{load_settings, report_check, write_targets};
use super::{console, print_notes, read_limits, FixSettings, Outcome, Output};
use crate::error::{Error, Result};
use crate::model::depth::Depth;
use crate::model::existing::Fixed;
use crate::model::guid;
use crate::model::role;
use crate::model::solution::SolutionManifest;
use crate::ops::plan::{PackageFormat, PackageType};
use crate::ops::tree::{self, IntoRole};
use crate::ops::{desired, fix, selection};
use crate::package::whole::read_whole_roles;
use crate::part::role_xml;
use crate::settings::Setting;

/// Arguments of `dvrole fix`.
#[derive(Debug, Clone, Args)]
pub struct FixArgs {
    /// The roles to fix: solution zips, package folders, SolutionPackager source folders,
    /// customizations.xml files or role files; with --into and none given, the tree's own
    /// roles
    #[arg(value_name = "INPUT", required_unless_present = "setting:Into")]
    pub inputs: Vec<PathBuf>,
    /// Fix only this role, by name (any case) or id, braces and case aside (repeatable); a
    /// --role that matches no role is an error [default: every role that lacks something]
    #[arg(long, value_name = "NAME|GUID")]
    pub role: Vec<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub settings: FixSettings,
    /// Compare what is at the output path (or in the tree, with --into) with what would be
    /// written, as generate --check does; write nothing. Exit 0 when identical, 1 with a
    /// diff when not
    #[arg(long)]
    pub check: bool,
    /// Print the result as JSON on stdout
    ///
    /// `{"fixed": bool, "roles_checked", "outputs": [{"path", "format", "managed"}],
    /// "solution": {"unique_name", "version", "package_type", "publisher"}, "roles": [{"id",
    /// "name", "file", "privileges_before", "privileges", "added": [{"privilege", "depth"}],
    /// "raised": [{"privilege", "from", "to"}]}], "notes"}`; with --check, generate --check's
    /// JSON; with --into, `{"tree", "changed", "files": [{"path", "file", "change", "role",
    /// "declares"}]}`.
    #[arg(long)]
    pub json: bool,
}

// The JSON `dvrole fix --json` prints (see `FixArgs::json`), its fields declared in the
// alphabetical order they have always been printed in.

/// The whole document.
#[derive(Serialize)]
struct FixJson<'a> {
    fixed: bool,
    notes: Vec<String>,
    outputs: Vec<OutputJson>,
    roles: Vec<RoleJson<'a>>,
    roles_checked: usize,
    /// Absent when nothing needed fixing.
    #[serde(skip_serializing_if = "Option::is_none")]
    solution: Option<SolutionJson<'a>>,
}

/// One file or folder written.
#[derive(Serialize)]
struct OutputJson {
    format: &'static str,
    managed: bool,
    path: String,
}

/// The solution the fixed roles were written in.
#[derive(Serialize)]
struct SolutionJson<'a> {
    package_type: &'static str,
    publisher: &'a str,
    unique_name: &'a str,
    version: String,
}

/// One fixed role: what was added and raised.
#[derive(Serialize)]
struct RoleJson<'a> {
    added: Vec<AddedJson<'a>>,
    file: &'a str,
    id: String,
    name: &'a str,
    privileges: usize,
    privileges_before: usize,
    raised: Vec<RaisedJson<'a>>,
}

/// A privilege the role lacked.
#[derive(Serialize)]
struct AddedJson<'a> {
    depth: Depth,
    privilege: &'a str,
}

/// A privilege the role held at a shallower depth.
#[derive(Serialize)]
struct RaisedJson<'a> {
    from: Depth,
    privilege: &'a str,
    to: Depth,
}

impl<'a> RoleJson<'a> {
    fn of(f: &'a Fixed, before: usize) -> Self {
        RoleJson {
            added: f
                .changes
                .iter()
                .filter(|c| c.from.is_none())
                .map(|c| AddedJson {
                    depth: c.to,
                    privilege: &c.privilege,
                })
                .collect(),
            file: &f.role.location,
            id: guid::braced(f.role.id),
            name: &f.role.name,
            privileges: f.role.privileges.len(),
            privileges_before: before,
            raised: f
                .changes
                .iter()
                .filter_map(|c| {
                    c.from.map(|from| RaisedJson {
                        from,
                        privilege: &c.privilege,
                        to: c.to,
                    })
                })
                .collect(),
        }
    }
}

/// Runs `dvrole fix`.
pub fn run(args: &FixArgs) -> Result<Outcome> {
    let limits = read_limits(&args.settings)?;
    let into = args.settings.path(Setting::Into);
    if into.is_some() {
        refuse_output_flags(&args.settings)?;
    }
    let resolved = load_settings(&args.settings)?;
    let options = &resolved.options;
    // The desired role is exactly the one generate would build from the same settings.
    // With an environment table (--privileges) its names and depths decide, as for generate.
    let publisher = SolutionManifest::publisher_unique_name(&options.solution)?;
    let wanted = desired::desired_role(&options.role, &publisher)?;
    let catalogue = match &wanted.table {
        Some(table) => role::with_table_depths(&wanted.catalogue, table, &options.role.allow).0,
        None => wanted.catalogue,
    };
    let (desired, notes) = (wanted.role, wanted.notes);
    print_notes(&notes);

    // The tree is checked before anything else is read, so a bad tree is named as such.
    let tree = match &into {
        Some(path) => Some(tree::open(path, limits)?),
        None => None,
    };
    let inputs: Vec<PathBuf> = match (&into, args.inputs.is_empty()) {
        (Some(tree), true) => vec![tree.clone()],
        _ => args.inputs.clone(),
    };
    let mut roles = Vec::new();
    for path in &inputs {
        roles.extend(read_whole_roles(path, limits)?.roles);
    }
    let roles = selection::distinct(selection::select(roles, &args.role)?)?;
    let fixed = fix::fix_roles(&roles, &desired);
    let before = |f: &Fixed| {
        roles
            .iter()
            .find(|r| r.id == f.role.id)
            .map_or(0, |r| r.privileges.len())
    };
    let mut out = Output::stdout();

    if fixed.is_empty() {
        if args.json {
            out.json(&FixJson {
                fixed: false,
                notes: notes.iter().map(ToString::to_string).collect(),
                outputs: Vec::new(),
                roles: Vec::new(),
                roles_checked: roles.len(),
                solution: None,
            })?;
        } else {
            let s = if roles.len() == 1 { "" } else { "s" };
            writeln!(
                out,
                "nothing to fix: {} role{s} already hold{} every privilege of the desired role at its depth; nothing written",
                roles.len(),
                if roles.len() == 1 { "s" } else { "" }
            )?;
        }
        out.finish()?;
        return Ok(Outcome::Clean);
    }

    let format = PackageFormat::parse(resolved.output.format.as_ref())?;
    let package_type = PackageType::parse(resolved.output.package_type.as_ref())?;
    let output = args.settings.path(Setting::Output).or_else(|| {
        resolved
            .output
            .path
            .as_ref()
            .map(|g| PathBuf::from(&g.value))
    });
    // Built and validated in memory whatever is written, --into included.
    let plan = fix::plan(
        &fixed,
        &options.solution,
        &catalogue,
        if into.is_some() {
            PackageFormat::Zip
        } else {
            format
        },
        package_type,
        output.as_deref(),
    )?;

    if let Some(tree) = &tree {
        let into: Vec<IntoRole> = fixed
            .iter()
            .map(|f| {
                Ok(IntoRole {
                    id: f.role.id,
                    name: f.role.name.clone(),
                    privileges: f.role.privileges.len(),
                    file: role_xml::render_role_file(&f.role)?,
                })
            })
            .collect::<Result<_>>()?;
        if !args.check && !args.json {
            print_changes(&mut out, &fixed, &before)?;
        }
        // What was printed goes out before the tree's own output.
        out.finish()?;
        return super::into::put(tree, &into, args.check, args.json, "fix");
    }

    if args.check {
        out.finish()?;
        return report_check(&plan.targets, format, args.json, "fix");
    }
    // Planned, checked and staged whole before anything is replaced, as generate writes.
    write_targets(&plan.targets)?;
    if args.json {
        out.json(&FixJson {
            fixed: true,
            notes: notes.iter().map(ToString::to_string).collect(),
            outputs: plan
                .targets
                .iter()
                .map(|t| OutputJson {
                    format: format.name(),
                    managed: t.managed,
                    path: t.path.display().to_string(),
                })
                .collect(),
            roles: fixed.iter().map(|f| RoleJson::of(f, before(f))).collect(),
            roles_checked: roles.len(),
            solution: Some(SolutionJson {
                package_type: package_type.name(),
                publisher: &plan.manifest.publisher.unique_name,
                unique_name: &plan.manifest.unique_name,
                version: plan.manifest.version.to_string(),
            }),
        })?;
    } else {
        print_changes(&mut out, &fixed, &before)?;
        let next = match format {
            PackageFormat::Zip => "import it to update them",
            PackageFormat::Folder => {
                "pack it with pac solution pack and import the zip to update them"
            }
        };
        for target in &plan.targets {
            let s = if fixed.len() == 1 { "" } else { "s" };
            console::diagnostic(&format!(
                "wrote {}: {} role{s} updated in place; {next}",
                target.path.display(),
                fixed.len()
            ));
        }
    }
    out.finish()?;
    Ok(Outcome::Clean)
}

/// Refuses -o, --format and --package-type beside --into, which writes into the tree.
pub(crate) fn refuse_output_flags(flags: &Flags) -> Result<()> {
    for setting in [Setting::Output, Setting::Format, Setting::PackageType] {
        if let Some(given) = flags.given(setting) {
            return Err(Error::invalid(
                &given.origin,
                &given.value,
                "--into writes into the tree; leave this flag out, or leave out --into to write a solution",
            ));
        }
    }
    Ok(())
}

/// One line per fixed role, then one per privilege added or raised.
fn print_changes(
    out: &mut Output,
    fixed: &[Fixed],
    before: &dyn Fn(&Fixed) -> usize,
) -> Result<()> {
    for f in fixed {
        let added = f.changes.iter().filter(|c| c.from.is_none()).count();
        let raised = f.changes.len() - added;
        writeln!(
            out,
            "role '{}' {}: {added} added, {raised} raised ({} -> {} privileges)",
            crate::text::Safe(&f.role.name),
            guid::braced(f.role.id),
            before(f),
            f.role.privileges.len()
        )?;
        for c in &f.changes {
            match c.from {
                None => writeln!(out, "  + {} {}", c.privilege, c.to)?,
                Some(from) => writeln!(out, "  ^ {} {from} -> {}", c.privilege, c.to)?,
            }
        }
    }
    Ok(())
}
