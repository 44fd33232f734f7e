//! Packages: the parts of a solution, assembled into a deterministic zip, written atomically.
//!
//! The same parts always give the same bytes: entries in a fixed order, deflated at a fixed
//! level, with a fixed timestamp (1980-01-01 00:00:00, the earliest a zip can say) and fixed
//! permissions, and nothing taken from the clock or the machine.

use std::fs;
use std::io::{self, Cursor, Write};
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::error::{Error, Result};

/// Deflate level used for every entry. Changing it changes every package's bytes.
const DEFLATE_LEVEL: i64 = 6;

/// Suffix of the temporary files dvrole writes beside a target before renaming them.
pub const TEMP_SUFFIX: &str = ".dvrole-tmp";

/// One file of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Its name inside the package, e.g. `customizations.xml`.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The files of a solution package, in the order they are written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Package {
    /// The parts, in zip order.
    pub parts: Vec<Part>,
}

impl Package {
    /// The part called `name`.
    pub fn part(&self, name: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.name == name)
    }

    /// The package as zip bytes, the same for the same parts on every run and machine.
    pub fn to_zip(&self) -> Result<Vec<u8>> {
        let zip_err = |e: zip::result::ZipError| Error::Internal(format!("zip writer: {e}"));
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(DEFLATE_LEVEL))
            .last_modified_time(DateTime::DEFAULT)
            .unix_permissions(0o644);
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        for part in &self.parts {
            writer
                .start_file(part.name.as_str(), options)
                .map_err(zip_err)?;
            writer
                .write_all(&part.bytes)
                .map_err(|e| Error::Internal(format!("zip writer: {e}")))?;
        }
        Ok(writer.finish().map_err(zip_err)?.into_inner())
    }
}

/// Refuses a file target where a folder stands. A writer of several files calls it for
/// each before writing the first, so that a refusal leaves every old output as it was.
pub fn check_file_target(path: &Path) -> Result<()> {
    if path.is_dir() {
        return Err(Error::Output {
            path: path.display().to_string(),
            message: "is a folder; name a file to write, e.g. -o out/Role_1_0_0_0.zip".into(),
        });
    }
    Ok(())
}

/// Refuses a target that is a folder, or whose folder does not exist.
fn target_folder_for_file(path: &Path) -> Result<PathBuf> {
    check_file_target(path)?;
    target_folder(path)
}

/// The folder `path` is to be written in (`.` when `path` names none); refuses one that
/// does not exist or is a file. Shared by the zip and the folder writers.
pub(crate) fn target_folder(path: &Path) -> Result<PathBuf> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        let what = if dir.exists() {
            "is a file, not a folder"
        } else {
            "does not exist; create it first"
        };
        return Err(Error::Output {
            path: path.display().to_string(),
            message: format!("{} {what}", dir.display()),
        });
    }
    Ok(dir)
}

/// The error for a temporary file or folder (`what`) that could not be made in `dir` while
/// writing `path`. tempfile's own message names its random scratch name, which means nothing
/// to the user; only the kind of failure is kept.
pub(crate) fn scratch_error(path: &Path, dir: &Path, what: &str, e: &io::Error) -> Error {
    Error::Output {
        path: path.display().to_string(),
        message: format!(
            "cannot create a {what} in {} ({}); check the folder is writable",
            dir.display(),
            io::Error::from(e.kind())
        ),
    }
}

/// Suffix of the folders moved aside while a folder output is swapped into place.
pub const OLD_SUFFIX: &str = ".dvrole-old";

/// Removes what an interrupted earlier run left beside the target `name` in `dir`: its
/// temporary files and folders (`.NAME.*.dvrole-tmp`, `.NAME.*.dvrole-old`).
pub(crate) fn remove_stale(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(n) = file_name.to_str() else {
            continue;
        };
        if n.starts_with(&prefix) && (n.ends_with(TEMP_SUFFIX) || n.ends_with(OLD_SUFFIX)) {
            // Best effort: what cannot be removed stays for the user to see.
            let path = entry.path();
            let _ = if path.is_dir() {
                fs::remove_dir_all(path)
            } else {
                fs::remove_file(path)
            };
        }
    }
}

/// Writes `bytes` to `path` atomically: a temporary file beside it is written, flushed to
/// disk and renamed over the target, so the target is never half-written. Temporary files
/// left by an interrupted earlier run are removed.
///
/// A target that exists and is neither a file nor a folder (a device such as `/dev/stdout`,
/// a named pipe) is written in place: renaming a file over it would replace the device.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return write_in_place(path, bytes);
    }
    write_atomic_with(path, |file| {
        file.write_all(bytes).map_err(|e| Error::io(path, e))
    })
}

/// Like [`write_atomic`], for output too large to hold: `fill` writes the file's bytes into
/// the temporary file, which replaces `path` only when `fill` returns `Ok`. On an error the
/// temporary file is removed and whatever was at `path` stays as it was. A device is
/// written in place, as [`write_atomic`] writes it.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut fs::File) -> Result<()>,
) -> Result<()> {
    if fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|source| Error::Write {
                target: path.display().to_string(),
                source,
            })?;
        return fill(&mut file);
    }
    let dir = target_folder_for_file(path)?;
    if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
        remove_stale(&dir, name);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    // Like any new file, subject to the umask (tempfile's own default is owner-only).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder
        .tempfile_in(&dir)
        .map_err(|e| scratch_error(path, &dir, "file", &e))?;
    fill(temp.as_file_mut())?;
    temp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    temp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Writes `bytes` into the device or pipe at `path`.
fn write_in_place(path: &Path, bytes: &[u8]) -> Result<()> {
    let write = |bytes: &[u8]| -> io::Result<()> {
        let mut file = fs::OpenOptions::new().write(true).open(path)?;
        file.write_all(bytes)?;
        file.flush()
    };
    write(bytes).map_err(|source| Error::Write {
        target: path.display().to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Package {
        Package {
            parts: vec![
                Part {
                    name: "a.xml".into(),
                    bytes: b"<a/>".to_vec(),
                },
                Part {
                    name: "b.xml".into(),
                    bytes: b"<b/>".to_vec(),
                },
            ],
        }
    }

    #[test]
    fn zip_bytes_are_deterministic_and_ordered() {
        let one = sample().to_zip().unwrap();
        let two = sample().to_zip().unwrap();
        assert_eq!(one, two);
        let archive = zip::ZipArchive::new(Cursor::new(one)).unwrap();
        let names: Vec<String> = archive
            .file_names()
            .map(|n| n.unwrap().into_owned())
            .collect();
        assert_eq!(names, ["a.xml", "b.xml"]);
    }

    #[test]
    fn atomic_write_replaces_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.zip");
        fs::write(dir.path().join(".out.zip.stale.dvrole-tmp"), b"junk").unwrap();
        write_atomic(&target, b"one").unwrap();
        write_atomic(&target, b"two").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "only the target remains");
    }

    #[test]
    fn atomic_write_refuses_folders() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_atomic(dir.path(), b"x").is_err());
        assert!(write_atomic(&dir.path().join("missing/out.zip"), b"x").is_err());
    }
}
