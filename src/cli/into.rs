//! `--into TREE` on `generate` and `fix`: put roles into an existing source tree, or with
//! `--check`, say what that would change.

use std::path::Path;

use serde::Serialize;

use super::{console, print_notes, Outcome, Output};
use crate::error::Result;
use crate::model::guid;
use crate::model::options::Given;
use crate::model::solution::SolutionManifest;
use crate::ops::drift::Drift;
use crate::ops::plan::{self, PackageFormat, PackageType};
use crate::ops::tree::{self, Change, IntoRole, Tree};
use crate::package::read::Limits;
use crate::part::role_file;
use crate::part::solution::SOURCE_SOLUTION;
use crate::settings::catalogues;
use crate::settings::config::Resolved;

/// `generate --into TREE`: the role generate builds, put into the tree. Its id derives from
/// the tree's own publisher unless `--publisher-name` (or the config) or `--role-id` say
/// otherwise.
pub(crate) fn generate_into(
    resolved: &Resolved,
    path: &Path,
    limits: Limits,
    check: bool,
    as_json: bool,
) -> Result<Outcome> {
    let tree = tree::open(path, limits)?;
    let mut options = resolved.options.clone();
    if options.solution.publisher_name.is_none() && options.role.role_id.is_none() {
        if let Some(publisher) = &tree.publisher {
            options.solution.publisher_name = Some(Given {
                value: publisher.clone(),
                origin: format!(
                    "{}: SolutionManifest/Publisher/UniqueName",
                    path.join(SOURCE_SOLUTION).display()
                ),
            });
        }
    }
    let catalogue = catalogues::select(&options.role.catalogue, &options.role.allow)?;
    // Built and validated as a package first, exactly as `generate` builds it.
    let built = plan::plan(
        &catalogue,
        &options,
        PackageFormat::Zip,
        PackageType::Unmanaged,
        None,
    )?;
    print_notes(&built.notes);
    let role = IntoRole {
        id: built.role.id,
        name: built.role.name.clone(),
        privileges: built.role.privileges.len(),
        file: role_file::render(&built.role)?,
    };
    // Checked here too, so a publisher name the tree gives that dvrole refuses is named.
    SolutionManifest::publisher_unique_name(&options.solution)?;
    put(&tree, &[role], check, as_json, "generate")
}

// The JSON documents `--into` prints, their fields in the alphabetical order they have
// always had. `--check` prints the shape `generate --check --json` prints.

#[derive(Serialize)]
struct CheckJson<'a> {
    drift: bool,
    targets: [CheckTarget<'a>; 1],
}

#[derive(Serialize)]
struct CheckTarget<'a> {
    drift: &'a [Drift],
    format: &'static str,
    /// A tree is neither: always `null`.
    managed: Option<bool>,
    path: &'a str,
    up_to_date: bool,
}

#[derive(Serialize)]
struct PutJson<'a> {
    changed: bool,
    files: Vec<FileJson<'a>>,
    tree: &'a str,
}

#[derive(Serialize)]
struct FileJson<'a> {
    change: &'static str,
    declares: Vec<String>,
    file: &'a str,
    path: String,
    role: Option<RoleJson<'a>>,
}

#[derive(Serialize)]
struct RoleJson<'a> {
    id: String,
    name: &'a str,
    privileges: usize,
}

/// Plans putting `roles` into `tree`, then reports the drift (`check`) or writes.
pub(crate) fn put(
    tree: &Tree,
    roles: &[IntoRole],
    check: bool,
    as_json: bool,
    command: &str,
) -> Result<Outcome> {
    let plan = tree::plan(tree, roles)?;
    let mut out = Output::stdout();
    let path = plan.path.display().to_string();
    if check {
        let drift = tree::drift(&plan);
        let drifted = !drift.is_empty();
        if as_json {
            out.json(&CheckJson {
                drift: drifted,
                targets: [CheckTarget {
                    drift: &drift,
                    format: "tree",
                    managed: None,
                    path: &path,
                    up_to_date: !drifted,
                }],
            })?;
        } else if drifted {
            writeln!(out, "drift: {}", crate::text::Safe(&path))?;
            for d in &drift {
                writeln!(out, "  {}", crate::text::Safe(&d.describe()))?;
            }
            writeln!(
                out,
                "run dvrole {command} --into with the same settings to bring the tree up to date"
            )?;
        } else {
            writeln!(out, "up to date: {path}")?;
        }
        out.finish()?;
        return Ok(if drifted {
            Outcome::Findings
        } else {
            Outcome::Clean
        });
    }
    let changed = tree::commit(&plan)?;
    if as_json {
        let files = plan
            .files
            .iter()
            .map(|f| FileJson {
                change: f.change().name(),
                declares: f.declares.iter().map(|id| guid::braced(*id)).collect(),
                file: &f.name,
                path: plan.path.join(&f.name).display().to_string(),
                role: f.role.as_ref().map(|(id, name, n)| RoleJson {
                    id: guid::braced(*id),
                    name,
                    privileges: *n,
                }),
            })
            .collect();
        out.json(&PutJson {
            changed: changed > 0,
            files,
            tree: &path,
        })?;
        out.finish()?;
        return Ok(Outcome::Clean);
    }
    if changed == 0 {
        writeln!(out, "up to date: {path}")?;
        out.finish()?;
        return Ok(Outcome::Clean);
    }
    for f in &plan.files {
        let change = f.change();
        if change == Change::Unchanged {
            continue;
        }
        let shown = plan.path.join(&f.name);
        match &f.role {
            Some((id, name, n)) => console::diagnostic(&format!(
                "{} {}: role '{name}' {} with {n} privileges",
                change.name(),
                shown.display(),
                guid::braced(*id)
            )),
            None => {
                let ids: Vec<String> = f.declares.iter().map(|i| guid::braced(*i)).collect();
                console::diagnostic(&format!(
                    "{} {}: declares role {}",
                    change.name(),
                    shown.display(),
                    ids.join(", ")
                ));
            }
        }
    }
    out.finish()?;
    Ok(Outcome::Clean)
}
