//! Packages: the parts of a solution, assembled into a deterministic zip, written atomically.
//!
//! The same parts always give the same bytes: entries in a fixed order, deflated at a fixed
//! level, with a fixed timestamp (1980-01-01 00:00:00, the earliest a zip can say) and fixed
//! permissions, and nothing taken from the clock or the machine.

use std::fs;
use std::io::{Cursor, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::error::{Error, Result};

/// Deflate level used for every entry. Changing it changes every package's bytes.
const DEFLATE_LEVEL: i64 = 6;

pub use crate::package::commit::{OLD_SUFFIX, TEMP_SUFFIX};

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

/// Writes `bytes` to `path` atomically: a one-file [`WritePlan`](crate::package::commit::WritePlan),
/// which checks the target (refusing a folder, a device, a FIFO, a socket or a symbolic
/// link), stages the bytes beside it and renames them into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::package::commit::write_file(path, bytes)
}

/// Like [`write_atomic`], for output too large to hold: `fill` writes the file's bytes into
/// the temporary file, which replaces `path` only when `fill` returns `Ok`. On an error the
/// temporary file is removed and whatever was at `path` stays as it was. The target is
/// checked as [`write_atomic`] checks it: a device, a FIFO, a socket or a symbolic link is
/// refused.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut fs::File) -> Result<()>,
) -> Result<()> {
    let mut check = crate::package::commit::WritePlan::new();
    check.file(path, Vec::new());
    check.check()?;
    let dir = crate::package::commit::target_folder(path)?;
    if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
        crate::package::commit::remove_stale(&dir, name);
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
    let mut temp = builder.tempfile_in(&dir).map_err(|e| Error::Output {
        path: path.display().to_string(),
        message: format!(
            "cannot create a file in {} ({}); check the folder is writable",
            dir.display(),
            std::io::Error::from(e.kind())
        ),
    })?;
    fill(temp.as_file_mut())?;
    temp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    temp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
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
