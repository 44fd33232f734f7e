//! `dvrole generate`: from settings to a checked, deterministic package.

use crate::error::{Error, Result};
use crate::model::catalogue::Catalogue;
use crate::model::environment::PrivilegeTable;
use crate::model::options::GenerateOptions;
use crate::model::role::{self, Note, Role};
use crate::model::solution::SolutionManifest;
use crate::ops::validate;
use crate::package::read::{Limits, PackageReader};
use crate::package::write::{Package, Part};
use crate::part::{self, Shape};
use crate::settings::environment as environment_file;

/// A package built in memory, checked, and ready to be written.
#[derive(Debug, Clone)]
pub struct Built {
    /// The role it holds.
    pub role: Role,
    /// The manifest.
    pub manifest: SolutionManifest,
    /// The parts, in zip order.
    pub package: Package,
    /// The zip bytes.
    pub zip: Vec<u8>,
    /// What the user should know about how the settings were applied.
    pub notes: Vec<Note>,
}

/// Builds the role the options describe from `catalogue`, renders the package, and
/// validates it as `dvrole validate` would before anything is written. The environment's
/// privilege table the options name (`--privileges`), if any, is read and applied; see
/// [`build_in`] to pass one already read.
pub fn build(catalogue: &Catalogue, options: &GenerateOptions) -> Result<Built> {
    let table = environment_file::load(&options.role.privileges)?;
    build_in(catalogue, table.as_ref(), options)
}

/// [`build`] for the environment whose privilege table is `table`: the role is resolved
/// against it (see [`role::resolve_in`]) and the package validated against it too.
pub fn build_in(
    catalogue: &Catalogue,
    table: Option<&PrivilegeTable>,
    options: &GenerateOptions,
) -> Result<Built> {
    let publisher = SolutionManifest::publisher_unique_name(&options.solution)?;
    let (role, notes) = role::resolve_in(catalogue, table, &options.role, &publisher)?;
    let manifest = SolutionManifest::from_options(&options.solution, vec![role.id])?;
    let parts = part::ZIP
        .iter()
        .map(|kind| {
            Ok(Part {
                name: kind.path(Shape::Zip, &role),
                bytes: kind.render(Shape::Zip, &role, &manifest)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let package = Package { parts };
    let zip = package.to_zip()?;
    let mut reader =
        PackageReader::from_zip_bytes(&manifest.file_name(), zip.clone(), Limits::default())?;
    let accept: Vec<String> = options
        .role
        .accept
        .iter()
        .map(|g| g.value.trim().to_string())
        .chain(
            role.privileges
                .iter()
                .filter(|p| p.entry.is_none())
                .map(|p| p.name.clone()),
        )
        .collect();
    let against = validate::Against {
        catalogues: std::slice::from_ref(catalogue),
        table,
        accept: &accept,
    };
    let report = validate::validate_against(&mut reader, against)?;
    if let Some(first) = report.findings.first() {
        return Err(Error::Internal(format!(
            "the package built fails validation: {}: {}",
            first.location, first.message
        )));
    }
    Ok(Built {
        role,
        manifest,
        package,
        zip,
        notes,
    })
}
