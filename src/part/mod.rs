//! One module per file of a solution package: each holds the file's name, renders it and
//! reads it. [`ZIP`] and [`FOLDER`] list, in order, the files each package shape holds; the
//! zip builder and the folder planner both render from them.

use crate::error::Result;
use crate::model::role::Role;
use crate::model::solution::SolutionManifest;

pub mod content_types;
pub mod customizations;
pub mod role_file;
pub mod role_xml;
pub mod roles;
pub mod solution;

/// A file dvrole writes into a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// `customizations.xml`, holding the role; in a source folder `Other/Customizations.xml`
    /// with an empty `<Roles />`.
    Customizations,
    /// `solution.xml`, the manifest; in a source folder `Other/Solution.xml`.
    Solution,
    /// `[Content_Types].xml` (zips only).
    ContentTypes,
    /// `Roles/<name>.xml` (source folders only).
    RoleFile,
}

/// The files of a solution zip, in the order the zip holds them.
pub const ZIP: [PartKind; 3] = [
    PartKind::Customizations,
    PartKind::Solution,
    PartKind::ContentTypes,
];

/// The files of a SolutionPackager source folder, in the order they are written.
pub const FOLDER: [PartKind; 3] = [
    PartKind::Customizations,
    PartKind::Solution,
    PartKind::RoleFile,
];

/// Whether the part is rendered for a zip or for a source folder, and for a folder whether
/// it holds both package types (`<Managed>2</Managed>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A solution zip.
    Zip,
    /// A source folder of one package type.
    Folder,
    /// A source folder that both package types are packed from.
    FolderOfBoth,
}

impl PartKind {
    /// The part's path inside a package of `shape`.
    pub fn path(self, shape: Shape, role: &Role) -> String {
        let zip = shape == Shape::Zip;
        match self {
            PartKind::Customizations if zip => customizations::PART_NAME.to_string(),
            PartKind::Customizations => customizations::SOURCE_CUSTOMIZATIONS.to_string(),
            PartKind::Solution if zip => solution::PART_NAME.to_string(),
            PartKind::Solution => solution::SOURCE_SOLUTION.to_string(),
            PartKind::ContentTypes => content_types::PART_NAME.to_string(),
            PartKind::RoleFile => format!(
                "{}/{}",
                role_file::SOURCE_ROLES,
                role_file::file_name_for(&role.name, role.id)
            ),
        }
    }

    /// The part's bytes in a package of `shape`.
    pub fn render(self, shape: Shape, role: &Role, manifest: &SolutionManifest) -> Result<Vec<u8>> {
        match (self, shape) {
            (PartKind::Customizations, Shape::Zip) => {
                customizations::render(role, manifest.language)
            }
            (PartKind::Customizations, _) => customizations::render_split(role, manifest.language),
            (PartKind::Solution, Shape::FolderOfBoth) => manifest.render_both(),
            (PartKind::Solution, _) => manifest.render(),
            (PartKind::ContentTypes, _) => content_types::render(),
            (PartKind::RoleFile, _) => role_file::render(role),
        }
    }
}
