//! What `dvrole generate` writes: zips named as pac names them, or the source-control folder
//! layout (`Other/Solution.xml`, `Other/Customizations.xml`, `Roles/<role name>.xml`), for
//! one or both package types; and the atomic write of a folder.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::catalogue::Catalogue;
use crate::model::guid;
use crate::model::options::{GenerateOptions, Given};
use crate::model::role::{Note, Role};
use crate::model::solution::SolutionManifest;
use crate::ops::build::{self, Built};
use crate::package::commit::WritePlan;
use crate::package::output_path;
use crate::package::write::Part;
use crate::part::customizations::SOURCE_CUSTOMIZATIONS;
use crate::part::roles::{read_roles, RolesFile};
use crate::part::solution::{read_manifest, SOURCE_SOLUTION};
use crate::part::{self, Shape};

/// How a package is laid out on disk (`--format`): a zip or a source folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageFormat {
    /// A solution zip, ready to import.
    Zip,
    /// The SolutionPackager / `pac solution unpack` source folder.
    Folder,
}

/// Which package types to build, named as pac names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageType {
    /// `<Managed>0</Managed>`.
    Unmanaged,
    /// `<Managed>1</Managed>`.
    Managed,
    /// Both: two zips, or one folder with `<Managed>2</Managed>`.
    Both,
}

fn parse_word<T: Copy>(given: &Given, words: &[(&str, T)]) -> Result<T> {
    let v = given.value.trim();
    words
        .iter()
        .find(|(w, _)| w.eq_ignore_ascii_case(v))
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            let names: Vec<&str> = words.iter().map(|(w, _)| *w).collect();
            Error::invalid(
                &given.origin,
                &given.value,
                format!("expected one of {}", names.join(", ")),
            )
        })
}

impl PackageFormat {
    /// Parses `zip` or `folder`; the default is `zip`.
    pub fn parse(given: Option<&Given>) -> Result<PackageFormat> {
        given.map_or(Ok(PackageFormat::Zip), |g| {
            parse_word(
                g,
                &[
                    ("zip", PackageFormat::Zip),
                    ("folder", PackageFormat::Folder),
                ],
            )
        })
    }

    /// `zip` or `folder`.
    pub fn name(self) -> &'static str {
        match self {
            PackageFormat::Zip => "zip",
            PackageFormat::Folder => "folder",
        }
    }
}

impl PackageType {
    /// Parses `unmanaged`, `managed` or `both`; the default is `unmanaged`.
    pub fn parse(given: Option<&Given>) -> Result<PackageType> {
        given.map_or(Ok(PackageType::Unmanaged), |g| {
            let words = [
                PackageType::Unmanaged,
                PackageType::Managed,
                PackageType::Both,
            ]
            .map(|t| (t.name(), t));
            parse_word(g, &words)
        })
    }

    /// `unmanaged`, `managed` or `both`: the word `--package-type` takes.
    pub fn name(self) -> &'static str {
        match self {
            PackageType::Unmanaged => "unmanaged",
            PackageType::Managed => "managed",
            PackageType::Both => "both",
        }
    }

    /// The `managed` flags of the packages to build for this type in `format`: a zip for
    /// each type; one folder, built from the unmanaged package when it holds both.
    fn build_modes(self, format: PackageFormat) -> &'static [bool] {
        match (self, format) {
            (PackageType::Managed, _) => &[true],
            (PackageType::Both, PackageFormat::Zip) => &[false, true],
            (PackageType::Unmanaged, _) | (PackageType::Both, PackageFormat::Folder) => &[false],
        }
    }
}

/// What one output holds.
#[derive(Debug, Clone)]
pub enum Content {
    /// A zip: its bytes, and the parts it holds.
    Zip {
        /// The zip's bytes.
        bytes: Vec<u8>,
        /// Its parts.
        parts: Vec<Part>,
    },
    /// A folder: its files, by path relative to the folder with `/` separators.
    Folder(Vec<Part>),
}

/// One zip or folder to write.
#[derive(Debug, Clone)]
pub struct Target {
    /// Where it goes.
    pub path: PathBuf,
    /// What it holds.
    pub content: Content,
    /// Whether its manifest says managed (for `both` folders: false).
    pub managed: bool,
}

/// Everything `dvrole generate` would write, built in memory and checked.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The role.
    pub role: Role,
    /// The (unmanaged, or only) manifest.
    pub manifest: SolutionManifest,
    /// What the user should know about how the settings were applied.
    pub notes: Vec<Note>,
    /// The outputs, in the order they are written.
    pub targets: Vec<Target>,
}

/// `x.zip` to `x_managed.zip`, as pac's `--packagetype Both` names the second zip.
pub(crate) fn managed_sibling(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let managed = match name.strip_suffix(".zip") {
        Some(stem) => format!("{stem}_managed.zip"),
        None => format!("{name}_managed"),
    };
    path.with_file_name(managed)
}

/// Where the zip of `manifest` goes: `output` itself, its managed sibling for the second
/// zip of `both`, or the default name (inside `output` where that names a folder).
pub(crate) fn zip_path(
    output: Option<&Path>,
    manifest: &SolutionManifest,
    package_type: PackageType,
) -> PathBuf {
    match (output, manifest.managed, package_type) {
        // A folder given as the output gets the default names inside it.
        (Some(p), _, _) if output_path::names_folder(p) => p.join(manifest.file_name()),
        (Some(p), true, PackageType::Both) => managed_sibling(p),
        (Some(p), _, _) => p.to_path_buf(),
        (None, _, _) => PathBuf::from(manifest.file_name()),
    }
}

/// Builds what `options` describe, in `format`, for `package_type`; `output` is `-o` or
/// the config's `output.path`. Every package is validated before it is returned.
pub fn plan(
    catalogue: &Catalogue,
    options: &GenerateOptions,
    format: PackageFormat,
    package_type: PackageType,
    output: Option<&Path>,
) -> Result<Plan> {
    let table = crate::settings::environment::load(&options.role.privileges)?;
    plan_in(
        catalogue,
        table.as_ref(),
        options,
        format,
        package_type,
        output,
    )
}

/// [`plan`] for the environment whose privilege table is `table` (see
/// [`build::build_in`]).
pub fn plan_in(
    catalogue: &Catalogue,
    table: Option<&crate::model::environment::PrivilegeTable>,
    options: &GenerateOptions,
    format: PackageFormat,
    package_type: PackageType,
    output: Option<&Path>,
) -> Result<Plan> {
    if let Some(p) = output {
        output_path::check_output_path(p)?;
    }
    let mut builds: Vec<Built> = Vec::new();
    for &managed in package_type.build_modes(format) {
        let mut o = options.clone();
        o.solution.managed = managed;
        builds.push(build::build_in(catalogue, table, &o)?);
    }
    let mut targets = Vec::with_capacity(builds.len());
    let mut first = None;
    for built in builds {
        let Built {
            role,
            manifest,
            package,
            zip,
            notes,
        } = built;
        let target = match format {
            PackageFormat::Zip => Target {
                path: zip_path(output, &manifest, package_type),
                content: Content::Zip {
                    bytes: zip,
                    parts: package.parts,
                },
                managed: manifest.managed,
            },
            // With --format folder, the output names the folder itself.
            PackageFormat::Folder => Target {
                path: output
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| PathBuf::from(&manifest.unique_name)),
                content: Content::Folder(folder_files(&role, &manifest, package_type)?),
                managed: package_type == PackageType::Managed,
            },
        };
        targets.push(target);
        first.get_or_insert((role, manifest, notes));
    }
    let (role, manifest, notes) =
        first.ok_or_else(|| Error::Internal("no package type to build".into()))?;
    Ok(Plan {
        role,
        manifest,
        notes,
        targets,
    })
}

/// The files of the folder layout for `role` and `manifest`, checked by reading them back.
fn folder_files(
    role: &Role,
    manifest: &SolutionManifest,
    package_type: PackageType,
) -> Result<Vec<Part>> {
    let shape = if package_type == PackageType::Both {
        Shape::FolderOfBoth
    } else {
        Shape::Folder
    };
    let parts = part::FOLDER
        .iter()
        .map(|kind| {
            Ok(Part {
                name: kind.path(shape, role),
                bytes: kind.render(shape, role, manifest)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    verify_folder(role, manifest, &parts)?;
    Ok(parts)
}

/// Reads the folder files back and checks they say what was built: the manifest names the
/// solution; the customizations and the role file are read for roles.
fn verify_folder(role: &Role, manifest: &SolutionManifest, parts: &[Part]) -> Result<()> {
    let bad = |what: String| Error::Internal(format!("the folder layout built is wrong: {what}"));
    for part in parts {
        if part.name == SOURCE_SOLUTION {
            let m = read_manifest(part.bytes.as_slice())
                .map_err(|p| bad(format!("{}: {}", part.name, p.message)))?;
            if m.unique_name.as_deref() != Some(manifest.unique_name.as_str()) {
                return Err(bad(format!("{} names another solution", part.name)));
            }
            continue;
        }
        let mut roles = Vec::new();
        let kind = read_roles(part.bytes.as_slice(), |r| roles.push(r.clone()))
            .map_err(|p| bad(format!("{}: {}", part.name, p.message)))?;
        if part.name == SOURCE_CUSTOMIZATIONS {
            if !roles.is_empty() {
                return Err(bad(format!("{} holds a role", part.name)));
            }
        } else {
            let id = guid::braced(role.id);
            let ok = kind == RolesFile::RoleFile
                && roles.len() == 1
                && roles.iter().all(|r| {
                    r.id.as_deref() == Some(id.as_str())
                        && r.name.as_deref() == Some(role.name.as_str())
                        && r.privileges.len() == role.privileges.len()
                });
            if !ok {
                return Err(bad(format!("{} does not hold the role", part.name)));
            }
        }
    }
    Ok(())
}

/// Writes `files` as the folder `path`, atomically: a one-folder
/// [`WritePlan`]. The folder is built complete beside the
/// target, every file flushed to disk, then swapped with the existing folder in one step. A
/// failed run leaves the old folder as it was. Only a folder that holds nothing but `Other/`
/// and `Roles/` is ever replaced.
pub fn write_folder_atomic(path: &Path, files: &[Part]) -> Result<()> {
    let mut plan = WritePlan::new();
    plan_folder(&mut plan, path, files);
    plan.commit()
}

/// The names at the top of a folder dvrole writes.
pub const FOLDER_TOP: &[&str] = &["Other", "Roles"];

/// Adds the folder `path` holding `files` to `plan`.
pub fn plan_folder(plan: &mut WritePlan, path: &Path, files: &[Part]) {
    let files = files
        .iter()
        .map(|p| (p.name.clone(), p.bytes.clone()))
        .collect();
    plan.folder(path, files, FOLDER_TOP);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::commit::TEMP_SUFFIX;
    use crate::part::role_file::SOURCE_ROLES;
    use std::fs;

    fn parts(text: &[u8]) -> Vec<Part> {
        vec![
            Part {
                name: "Other/Solution.xml".into(),
                bytes: text.to_vec(),
            },
            Part {
                name: "Roles/R.xml".into(),
                bytes: b"<Role/>".to_vec(),
            },
        ]
    }

    #[test]
    fn folder_write_replaces_and_leaves_no_scratch() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("sol");
        write_folder_atomic(&target, &parts(b"one")).unwrap();
        fs::write(target.join("Roles/Stray.xml"), b"x").unwrap();
        write_folder_atomic(&target, &parts(b"two")).unwrap();
        assert_eq!(fs::read(target.join("Other/Solution.xml")).unwrap(), b"two");
        assert!(!target.join("Roles/Stray.xml").exists());
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "only the target remains");
    }

    #[test]
    fn folder_write_refuses_foreign_folders_and_keeps_them() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), b"mine").unwrap();
        let err = write_folder_atomic(dir.path(), &parts(b"x")).unwrap_err();
        assert!(err.to_string().contains("notes.txt"), "{err}");
        assert_eq!(fs::read(dir.path().join("notes.txt")).unwrap(), b"mine");
        let file = dir.path().join("afile");
        fs::write(&file, b"keep").unwrap();
        assert!(write_folder_atomic(&file, &parts(b"x")).is_err());
        assert_eq!(fs::read(&file).unwrap(), b"keep");
        assert!(write_folder_atomic(Path::new("."), &parts(b"x")).is_err());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn an_unwritable_folder_is_named_without_the_scratch_name() {
        // Nothing can be created in /proc, whoever runs the test.
        let err = write_folder_atomic(Path::new("/proc/dvrole-unit-test"), &parts(b"x"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("cannot create a folder in /proc"), "{err}");
        assert!(!err.contains(TEMP_SUFFIX), "{err}");
    }

    #[test]
    fn the_owned_top_names_are_where_the_folder_files_go() {
        for path in [SOURCE_SOLUTION, SOURCE_CUSTOMIZATIONS, SOURCE_ROLES] {
            let top = path.split('/').next().unwrap();
            assert!(FOLDER_TOP.contains(&top), "{path}");
        }
    }

    #[test]
    fn managed_sibling_follows_pac() {
        assert_eq!(
            managed_sibling(Path::new("out/S_1_0.zip")),
            PathBuf::from("out/S_1_0_managed.zip")
        );
    }
}
