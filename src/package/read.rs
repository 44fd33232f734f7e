//! The containers packages come in: zips and folders, read entry by entry within limits.
//!
//! Every XML part is read with quick-xml's streaming reader straight from the file or the
//! zip entry's decompressing reader, so memory stays flat however large the part. Reads are
//! capped ([`Limits`]), a DOCTYPE is refused (entities are never expanded), and positions
//! are kept as byte offsets and turned into line and column only when a message needs them.

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use zip::ZipArchive;

use crate::error::{Error, Result};
use crate::open::{self, Accept, ReadAt};
use crate::package::names;
use crate::xml::walk::{positions_in, XmlProblem};

/// The default cap on the bytes read from one package entry or XML file: 1 GiB.
pub const DEFAULT_MAX_ENTRY_BYTES: u64 = 1 << 30;

/// Bounds on what a read may consume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes read from one entry or file, after decompression.
    pub max_entry_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entry_bytes: DEFAULT_MAX_ENTRY_BYTES,
        }
    }
}

trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

enum Kind {
    Zip(Box<ZipArchive<Box<dyn ReadSeek>>>),
    Folder(PathBuf),
    /// One file, opened once (a stream copied once); `name` is how parts call it.
    Single {
        file: Arc<File>,
        name: String,
    },
}

/// An open package: a zip or a folder holding the package's root files.
pub struct PackageReader {
    label: String,
    kind: Kind,
    limits: Limits,
    /// A zip's entry names as its central directory lists them, duplicates included.
    names: Vec<Vec<u8>>,
}

impl PackageReader {
    /// A reader of the files in the folder `dir`; `label` names it in messages.
    pub(crate) fn open_folder(label: String, dir: PathBuf, limits: Limits) -> PackageReader {
        PackageReader {
            label,
            kind: Kind::Folder(dir),
            limits,
            names: Vec::new(),
        }
    }

    /// A reader of the one file `file`, which parts call `name`; `label` names it in
    /// messages. Every read of it reads the same open file, from the start.
    pub(crate) fn open_single(
        label: String,
        file: Arc<File>,
        name: String,
        limits: Limits,
    ) -> PackageReader {
        PackageReader {
            label,
            kind: Kind::Single { file, name },
            limits,
            names: Vec::new(),
        }
    }

    /// Opens the zip file at `path` ([`Input::open`](crate::package::input::Input::open) decides
    /// that it is one): once, without waiting on it (see [`crate::open`]).
    pub fn open_zip(path: &Path, limits: Limits) -> Result<PackageReader> {
        let label = path.display().to_string();
        let file = open::open(path, Accept::Streams)
            .and_then(|s| s.into_seekable(limits.max_entry_bytes))
            .map_err(|e| open_error(&label, e))?;
        Self::zip_of_file(label, Arc::new(file), limits)
    }

    /// Reads the zip in the open file `file`; `label` names it in messages.
    pub(crate) fn zip_of_file(
        label: String,
        file: Arc<File>,
        limits: Limits,
    ) -> Result<PackageReader> {
        let reader: Box<dyn ReadSeek> = Box::new(BufReader::new(ReadAt::new(file)));
        Self::from_zip(label, reader, limits)
    }

    /// Reads a zip held in memory; `label` names it in messages.
    pub fn from_zip_bytes(label: &str, bytes: Vec<u8>, limits: Limits) -> Result<PackageReader> {
        Self::from_zip(label.to_string(), Box::new(Cursor::new(bytes)), limits)
    }

    fn from_zip(
        label: String,
        mut reader: Box<dyn ReadSeek>,
        limits: Limits,
    ) -> Result<PackageReader> {
        let names = names::central_names(&mut reader).unwrap_or_default();
        let archive = ZipArchive::new(reader).map_err(|e| Error::Unreadable {
            input: label.clone(),
            message: format!("not a readable zip ({e}); give a solution zip or a folder"),
        })?;
        Ok(PackageReader {
            label,
            kind: Kind::Zip(Box::new(archive)),
            limits,
            names,
        })
    }

    /// What is wrong with the zip's entry names (see [`names::name_problems`]); nothing
    /// for a folder.
    pub fn entry_name_problems(&self) -> Vec<String> {
        names::name_problems(&self.names)
    }

    /// The package as named on the command line.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The names of the files at the package's root (zip entries without a folder part).
    pub fn root_files(&self) -> Vec<String> {
        match &self.kind {
            Kind::Zip(archive) => archive
                .file_names()
                .filter_map(|n| n.ok())
                .filter(|n| !n.contains('/') && !n.contains('\\'))
                .map(|n| n.into_owned())
                .collect(),
            Kind::Single { name, .. } => vec![name.clone()],
            Kind::Folder(dir) => std::fs::read_dir(dir)
                .map(|entries| {
                    entries
                        .flatten()
                        .filter(|e| !e.path().is_dir())
                        .filter_map(|e| e.file_name().to_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// Where `name` is, for messages: `pkg.zip!customizations.xml` or `folder/customizations.xml`.
    pub fn location(&self, name: &str) -> String {
        match &self.kind {
            Kind::Zip(_) if name.is_empty() => self.label.clone(),
            Kind::Zip(_) => format!("{}!{name}", self.label),
            Kind::Folder(dir) => dir.join(name).display().to_string(),
            Kind::Single { .. } => self.label.clone(),
        }
    }

    /// Opens the root file `name` for streaming, capped by the package's [`Limits`].
    pub fn open_entry(&mut self, name: &str) -> Result<Box<dyn Read + Send + '_>> {
        let location = self.location(name);
        let max = self.limits.max_entry_bytes;
        match &mut self.kind {
            Kind::Zip(archive) => {
                let entry = archive.by_name(name).map_err(|e| Error::Unreadable {
                    input: location.clone(),
                    message: e.to_string(),
                })?;
                let declared = entry.size();
                if declared > max {
                    return Err(Error::Unreadable {
                        input: location,
                        message: format!(
                            "declares {declared} bytes, over the {max}-byte limit; raise it with --max-entry-size if the package is genuine"
                        ),
                    });
                }
                Ok(Box::new(Capped::new(entry, declared, CapKind::Declared)))
            }
            Kind::Folder(dir) => {
                // Inside a folder only regular files are opened: a FIFO, a device or a
                // socket there is reported, never read (it could wait forever).
                let path = dir.join(name);
                let source =
                    open::open(&path, Accept::Files).map_err(|e| open_error(&location, e))?;
                if source.kind == open::SourceKind::Folder {
                    return Err(Error::Unreadable {
                        input: location,
                        message: "is a folder, not a file".into(),
                    });
                }
                Ok(Box::new(Capped::new(source.file, max, CapKind::Limit)))
            }
            Kind::Single { file, .. } => Ok(Box::new(Capped::new(
                ReadAt::new(file.clone()),
                max,
                CapKind::Limit,
            ))),
        }
    }

    /// Turns byte offsets in the root file `name` into (line, column) pairs, both from 1.
    /// Re-reads the file, so call it once per file with every offset that needs a position.
    pub fn positions(&mut self, name: &str, offsets: &[u64]) -> Vec<(u64, u64)> {
        match self.open_entry(name) {
            Ok(r) => positions_in(r, offsets),
            Err(_) => offsets.iter().map(|_| (0, 0)).collect(),
        }
    }
}

impl PackageReader {
    /// Turns a read problem in the file `name` into an error naming the file and, for XML
    /// that is not well-formed, the line and column.
    pub fn problem_error(&mut self, name: &str, problem: XmlProblem) -> Error {
        let location = self.location(name);
        if problem.unreadable {
            return Error::Unreadable {
                input: location,
                message: problem.message,
            };
        }
        let input = match self.positions(name, &[problem.offset]).first() {
            Some((line, column)) if *line > 0 => format!("{location}:{line}:{column}"),
            _ => location,
        };
        Error::Unreadable {
            input,
            message: problem.message,
        }
    }

    /// Whether the root file `name` is there.
    pub fn has_file(&self, name: &str) -> bool {
        match &self.kind {
            Kind::Zip(archive) => archive.index_for_name(name).is_some(),
            // Anything but a folder counts as there, so that a FIFO or a device in its place
            // is reported as what it is when opened, not as missing.
            Kind::Folder(dir) => dir.join(name).metadata().is_ok_and(|m| !m.is_dir()),
            Kind::Single { name: own, .. } => own == name,
        }
    }
}

/// The error for an input that [`open::open`] refused.
pub(crate) fn open_error(label: &str, e: open::OpenError) -> Error {
    let message = match e {
        open::OpenError::TooLarge(max) => format!(
            "is larger than the {max}-byte limit; raise it with --max-entry-size if the input is genuine"
        ),
        other => other.to_string(),
    };
    Error::Unreadable {
        input: label.to_string(),
        message,
    }
}

/// Reads until `buf` is full or the stream ends; returns how many bytes were read.
pub(crate) fn read_up_to(source: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match source.read(buf.get_mut(filled..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[derive(Clone, Copy)]
enum CapKind {
    /// A zip entry's declared size: more bytes than declared means a lying (bomb-like) entry.
    Declared,
    /// The configured limit.
    Limit,
}

/// A reader that fails once more than `cap` bytes come through.
struct Capped<R> {
    inner: R,
    remaining: u64,
    cap: u64,
    kind: CapKind,
}

impl<R: Read> Capped<R> {
    fn new(inner: R, cap: u64, kind: CapKind) -> Self {
        Capped {
            inner,
            remaining: cap,
            cap,
            kind,
        }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.remaining == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(match self.kind {
                    CapKind::Declared => format!(
                        "inflates past its declared size of {} bytes; the zip is corrupt or hostile",
                        self.cap
                    ),
                    CapKind::Limit => format!(
                        "is larger than the {}-byte limit; raise it with --max-entry-size if the file is genuine",
                        self.cap
                    ),
                })),
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.remaining -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_reads_stop_at_the_cap() {
        let mut out = Vec::new();
        let err = Capped::new(&[0u8; 100][..], 10, CapKind::Limit)
            .read_to_end(&mut out)
            .unwrap_err();
        assert!(err.to_string().contains("10-byte limit"));
        let mut out = Vec::new();
        Capped::new(&[0u8; 10][..], 10, CapKind::Declared)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out.len(), 10);
    }
}
