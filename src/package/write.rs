//! Packages: the parts of a solution, assembled into a deterministic zip, written atomically.
//!
//! The same parts always give the same bytes: entries in a fixed order, deflated at a fixed
//! level, with a fixed timestamp (1980-01-01 00:00:00, the earliest a zip can say) and fixed
//! permissions, and nothing taken from the clock or the machine.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Deflate level used for every entry. Changing it changes every package's bytes.
const DEFLATE_LEVEL: u32 = 6;

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
    ///
    /// The container is written here, not by the zip crate's writer: one deflate state
    /// serves every entry (the writer builds and zeroes a fresh one, a quarter of a
    /// megabyte, for each), which is most of what a small package costs to build. The bytes
    /// are the ones that writer made for the same options (the golden packages and a test
    /// against it show it): entries without extra fields or data descriptors, made on Unix
    /// by version 2.0, permissions 0644.
    pub fn to_zip(&self) -> Result<Vec<u8>> {
        let mut zip = Vec::with_capacity(
            self.parts
                .iter()
                .map(|p| p.bytes.len() / 3 + p.name.len() * 2 + 128)
                .sum::<usize>()
                + 64,
        );
        let mut central = Vec::new();
        // Fed as the zip crate's writer feeds it (one write of the whole part into a
        // deflate writer), since the input's chunking decides the bytes of a large part.
        let mut deflate =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(DEFLATE_LEVEL));
        let mut data = Vec::new();
        for part in &self.parts {
            let too_large = || {
                Error::Internal(format!(
                    "zip writer: {} is too large for a zip without zip64",
                    part.name
                ))
            };
            let offset = u32::try_from(zip.len()).map_err(|_| too_large())?;
            let deflate_err =
                |e: std::io::Error| Error::Internal(format!("zip writer: deflate: {e}"));
            deflate.write_all(&part.bytes).map_err(deflate_err)?;
            // Finishes the stream and starts the next on the same state.
            data.clear();
            data = deflate.reset(data).map_err(deflate_err)?;
            let mut crc = flate2::Crc::new();
            crc.update(&part.bytes);
            let entry = Entry {
                name: part.name.as_bytes(),
                crc: crc.sum(),
                compressed: u32::try_from(data.len()).map_err(|_| too_large())?,
                size: u32::try_from(part.bytes.len()).map_err(|_| too_large())?,
            };
            entry.local_header(&mut zip).map_err(|_| too_large())?;
            zip.extend_from_slice(&data);
            entry
                .central_header(&mut central, offset)
                .map_err(|_| too_large())?;
        }
        let entries = u16::try_from(self.parts.len())
            .map_err(|_| Error::Internal("zip writer: more entries than a zip holds".into()))?;
        let too_large = || Error::Internal("zip writer: the package is too large for a zip".into());
        let central_offset = u32::try_from(zip.len()).map_err(|_| too_large())?;
        let central_size = u32::try_from(central.len()).map_err(|_| too_large())?;
        zip.extend_from_slice(&central);
        // End of central directory: one disk, no comment.
        put32(&mut zip, 0x0605_4b50);
        put16(&mut zip, 0);
        put16(&mut zip, 0);
        put16(&mut zip, entries);
        put16(&mut zip, entries);
        put32(&mut zip, central_size);
        put32(&mut zip, central_offset);
        put16(&mut zip, 0);
        Ok(zip)
    }
}

/// One entry's fields, as both its headers write them.
struct Entry<'a> {
    name: &'a [u8],
    crc: u32,
    compressed: u32,
    size: u32,
}

/// Version 2.0, the least that reads deflate; made on Unix (3) by version 2.0.
const VERSION_NEEDED: u16 = 20;
const VERSION_MADE_BY: u16 = (3 << 8) | 20;
/// 1980-01-01 00:00:00 in MS-DOS form: day 1, month 1, year 0 (1980).
const DOS_DATE: u16 = (1 << 5) | 1;
const DOS_TIME: u16 = 0;
/// A regular file, rw-r--r--, in the high half of the external attributes.
const EXTERNAL_ATTRIBUTES: u32 = 0o100_644 << 16;

impl Entry<'_> {
    /// Bit 11 marks a name that is UTF-8 beyond ASCII.
    fn flags(&self) -> u16 {
        if self.name.is_ascii() {
            0
        } else {
            1 << 11
        }
    }

    fn name_len(&self) -> std::result::Result<u16, std::num::TryFromIntError> {
        u16::try_from(self.name.len())
    }

    fn local_header(
        &self,
        out: &mut Vec<u8>,
    ) -> std::result::Result<(), std::num::TryFromIntError> {
        let name_len = self.name_len()?;
        put32(out, 0x0403_4b50);
        put16(out, VERSION_NEEDED);
        self.common(out, name_len);
        out.extend_from_slice(self.name);
        Ok(())
    }

    fn central_header(
        &self,
        out: &mut Vec<u8>,
        offset: u32,
    ) -> std::result::Result<(), std::num::TryFromIntError> {
        let name_len = self.name_len()?;
        put32(out, 0x0201_4b50);
        put16(out, VERSION_MADE_BY);
        put16(out, VERSION_NEEDED);
        self.common(out, name_len);
        put16(out, 0); // comment length
        put16(out, 0); // disk number
        put16(out, 0); // internal attributes
        put32(out, EXTERNAL_ATTRIBUTES);
        put32(out, offset);
        out.extend_from_slice(self.name);
        Ok(())
    }

    /// From the flags to the extra field's length, the same in both headers.
    fn common(&self, out: &mut Vec<u8>, name_len: u16) {
        put16(out, self.flags());
        put16(out, 8); // deflate
        put16(out, DOS_TIME);
        put16(out, DOS_DATE);
        put32(out, self.crc);
        put32(out, self.compressed);
        put32(out, self.size);
        put16(out, name_len);
        put16(out, 0); // extra field length
    }
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
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
    use std::io::{Cursor, Write};

    /// What the zip crate's writer makes of `package` with the options dvrole wrote with
    /// before it wrote the container itself: the bytes `to_zip` must keep.
    fn zip_crate_bytes(package: &Package) -> Vec<u8> {
        use zip::write::SimpleFileOptions;
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(i64::from(DEFLATE_LEVEL)))
            .last_modified_time(zip::DateTime::DEFAULT)
            .unix_permissions(0o644);
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for part in &package.parts {
            writer.start_file(part.name.as_str(), options).unwrap();
            writer.write_all(&part.bytes).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn zip_bytes_are_the_zip_crate_writers() {
        let big: Vec<u8> = (0..300_000u32)
            .flat_map(|i| {
                format!(
                    "<RolePrivilege name=\"prv{}\" level=\"Basic\" />\r\n",
                    i % 977
                )
                .into_bytes()
            })
            .collect();
        let cases = [
            sample(),
            Package::default(),
            Package {
                parts: vec![Part {
                    name: "empty.xml".into(),
                    bytes: Vec::new(),
                }],
            },
            Package {
                parts: vec![Part {
                    name: "Roles/Rôle été.xml".into(),
                    bytes: "<Role name=\"Rôle\"/>".as_bytes().to_vec(),
                }],
            },
            Package {
                parts: vec![Part {
                    name: "customizations.xml".into(),
                    bytes: big,
                }],
            },
        ];
        for (i, package) in cases.iter().enumerate() {
            let (ours, theirs) = (package.to_zip().unwrap(), zip_crate_bytes(package));
            let first = ours.iter().zip(&theirs).position(|(a, b)| a != b);
            assert!(
                ours == theirs,
                "case {i}: {} against {} bytes, first difference at {first:?}",
                ours.len(),
                theirs.len()
            );
        }
    }

    proptest::proptest! {
        // Each case deflates up to half a megabyte twice, in a debug build.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn any_parts_zip_as_the_zip_crate_writer_zips_them(
            parts in proptest::collection::vec(
                (
                    "[a-zA-Z_\\[\\]/.]{1,30}",
                    proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2000),
                    // Repeats of the bytes: large, compressible parts, as real ones are.
                    0usize..64,
                ),
                0..5,
            )
        ) {
            let parts = parts.into_iter().map(|(name, bytes, repeats)| {
                let bytes = if repeats > 1 { bytes.repeat(repeats) } else { bytes };
                (name, bytes)
            });
            let mut names = std::collections::BTreeSet::new();
            let package = Package {
                parts: parts
                    .into_iter()
                    .filter(|(name, _)| names.insert(name.clone()))
                    .map(|(name, bytes)| Part { name, bytes })
                    .collect(),
            };
            proptest::prop_assert_eq!(package.to_zip().unwrap(), zip_crate_bytes(&package));
        }
    }

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
