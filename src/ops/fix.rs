//! `dvrole fix`: a solution that updates existing roles in place, each kept whole with what
//! it lacks of the desired role added or raised; built in memory and validated before
//! anything is written.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::catalogue::Catalogue;
use crate::model::existing::{self, ExistingRole, Fixed};
use crate::model::options::SolutionOptions;
use crate::model::role::Role;
use crate::model::solution::SolutionManifest;
use crate::ops::plan::{zip_path, Content, PackageFormat, PackageType, Target};
use crate::ops::validate;
use crate::package::output_path;
use crate::package::read::{Limits, PackageReader};
use crate::package::write::{Package, Part};
use crate::part::customizations::SOURCE_CUSTOMIZATIONS;
use crate::part::role_file::SOURCE_ROLES;
use crate::part::solution::PART_NAME as SOLUTION_PART;
use crate::part::solution::SOURCE_SOLUTION;
use crate::part::{content_types, customizations, role_file, role_xml};

/// The roles that lack something of `desired`, each fixed; roles that lack nothing are
/// left out.
pub fn fix_roles(roles: &[ExistingRole], desired: &Role) -> Vec<Fixed> {
    roles
        .iter()
        .map(|r| existing::fix(r, desired))
        .filter(|f| !f.changes.is_empty())
        .collect()
}

/// Everything `dvrole fix` would write.
#[derive(Debug, Clone)]
pub struct FixPlan {
    /// The (unmanaged, or only) manifest.
    pub manifest: SolutionManifest,
    /// The outputs, in the order they are written.
    pub targets: Vec<Target>,
}

/// The zip of one package type holding `roles`, validated as `dvrole validate` would.
fn build_zip(
    roles: &[ExistingRole],
    solution: &SolutionOptions,
    catalogue: &Catalogue,
) -> Result<(SolutionManifest, Package, Vec<u8>)> {
    let manifest = SolutionManifest::from_options(solution, roles.iter().map(|r| r.id).collect())?;
    let package = Package {
        parts: vec![
            Part {
                name: customizations::PART_NAME.to_string(),
                bytes: role_xml::render_customizations(roles, manifest.language)?,
            },
            Part {
                name: SOLUTION_PART.to_string(),
                bytes: manifest.render()?,
            },
            Part {
                name: content_types::PART_NAME.to_string(),
                bytes: content_types::render()?,
            },
        ],
    };
    let zip = package.to_zip()?;
    let mut reader =
        PackageReader::from_zip_bytes(&manifest.file_name(), zip.clone(), Limits::default())?;
    let report = validate::validate(&mut reader, std::slice::from_ref(catalogue))?;
    if let Some(first) = report.findings.first() {
        return Err(Error::Conflict(format!(
            "the fixed package fails validation, so nothing is written: {}: {}; run dvrole validate on the input",
            first.location, first.message
        )));
    }
    Ok((manifest, package, zip))
}

/// The source-folder files for `roles`: the manifest, the empty customizations, and one
/// role file each (named as `generate --format folder` names them).
fn folder_files(
    roles: &[ExistingRole],
    manifest: &SolutionManifest,
    package_type: PackageType,
) -> Result<Vec<Part>> {
    let solution = if package_type == PackageType::Both {
        manifest.render_both()?
    } else {
        manifest.render()?
    };
    let mut parts = vec![
        Part {
            name: SOURCE_CUSTOMIZATIONS.to_string(),
            bytes: role_xml::render_customizations(&[], manifest.language)?,
        },
        Part {
            name: SOURCE_SOLUTION.to_string(),
            bytes: solution,
        },
    ];
    for role in roles {
        let name = format!("{SOURCE_ROLES}/{}", role_file::file_name(&role.name));
        if parts.iter().any(|p| p.name.eq_ignore_ascii_case(&name)) {
            return Err(Error::Conflict(format!(
                "two roles would both be written to {name}; fix them one at a time with --role"
            )));
        }
        parts.push(Part {
            name,
            bytes: role_xml::render_role_file(role)?,
        });
    }
    Ok(parts)
}

/// Builds the outputs for the `fixed` roles, as `generate` builds its own: zips named as pac
/// names them (or `output`), or one source folder; each package validated.
pub fn plan(
    fixed: &[Fixed],
    solution: &SolutionOptions,
    catalogue: &Catalogue,
    format: PackageFormat,
    package_type: PackageType,
    output: Option<&Path>,
) -> Result<FixPlan> {
    if let Some(p) = output {
        output_path::check_output_path(p)?;
    }
    let roles: Vec<ExistingRole> = fixed.iter().map(|f| f.role.clone()).collect();
    let modes: &[bool] = match (package_type, format) {
        (PackageType::Managed, _) => &[true],
        (PackageType::Both, PackageFormat::Zip) => &[false, true],
        _ => &[false],
    };
    let mut targets = Vec::new();
    let mut first = None;
    for &managed in modes {
        let mut o = solution.clone();
        o.managed = managed;
        let (manifest, package, zip) = build_zip(&roles, &o, catalogue)?;
        let target = match format {
            PackageFormat::Zip => Target {
                path: zip_path(output, &manifest, package_type),
                content: Content::Zip {
                    bytes: zip,
                    parts: package.parts,
                },
                managed,
            },
            PackageFormat::Folder => Target {
                path: output
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| PathBuf::from(&manifest.unique_name)),
                content: Content::Folder(folder_files(&roles, &manifest, package_type)?),
                managed: package_type == PackageType::Managed,
            },
        };
        targets.push(target);
        first.get_or_insert(manifest);
    }
    let manifest = first.ok_or_else(|| Error::Internal("no package type to build".into()))?;
    Ok(FixPlan { manifest, targets })
}
