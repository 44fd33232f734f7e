//! Streaming reads of solution packages: zips, folders and lone XML files.
//!
//! Every XML part is read with quick-xml's streaming reader straight from the file or the
//! zip entry's decompressing reader, so memory stays flat however large the part. Reads are
//! capped ([`Limits`]), a DOCTYPE is refused (entities are never expanded), and positions
//! are kept as byte offsets and turned into line and column only when a message needs them.

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use zip::ZipArchive;

use crate::error::{Error, Result};
use crate::part::customizations::PART_NAME as CUSTOMIZATIONS;

/// The default cap on the bytes read from one package entry or XML file: 1 GiB.
pub const DEFAULT_MAX_ENTRY_BYTES: u64 = 1 << 30;

/// How many levels of the element path are remembered; deeper elements are only counted.
const TRACKED_DEPTH: usize = 8;

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

trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

enum Kind {
    Zip(Box<ZipArchive<Box<dyn ReadSeek>>>),
    Folder(PathBuf),
}

/// An open package: a zip or a folder holding the package's root files.
pub struct PackageReader {
    label: String,
    kind: Kind,
    limits: Limits,
}

impl PackageReader {
    /// Opens the zip file at `path` ([`Input::open`] decides that it is one).
    pub fn open_zip(path: &Path, limits: Limits) -> Result<PackageReader> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let reader: Box<dyn ReadSeek> = Box::new(BufReader::new(file));
        Self::from_zip(path.display().to_string(), reader, limits)
    }

    /// Reads a zip held in memory; `label` names it in messages.
    pub fn from_zip_bytes(label: &str, bytes: Vec<u8>, limits: Limits) -> Result<PackageReader> {
        Self::from_zip(label.to_string(), Box::new(Cursor::new(bytes)), limits)
    }

    fn from_zip(label: String, reader: Box<dyn ReadSeek>, limits: Limits) -> Result<PackageReader> {
        let archive = ZipArchive::new(reader).map_err(|e| Error::Unreadable {
            input: label.clone(),
            message: format!("not a readable zip ({e}); give a solution zip or a folder"),
        })?;
        Ok(PackageReader {
            label,
            kind: Kind::Zip(Box::new(archive)),
            limits,
        })
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
            Kind::Folder(dir) => std::fs::read_dir(dir)
                .map(|entries| {
                    entries
                        .flatten()
                        .filter(|e| e.path().is_file())
                        .filter_map(|e| e.file_name().to_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// Where `name` is, for messages: `pkg.zip!customizations.xml` or `folder/customizations.xml`.
    pub fn location(&self, name: &str) -> String {
        match &self.kind {
            Kind::Zip(_) => format!("{}!{name}", self.label),
            Kind::Folder(dir) => dir.join(name).display().to_string(),
        }
    }

    /// Opens the root file `name` for streaming, capped by the package's [`Limits`].
    pub fn open_entry(&mut self, name: &str) -> Result<Box<dyn Read + '_>> {
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
                let path = dir.join(name);
                let file = File::open(&path).map_err(|e| Error::io(&path, e))?;
                Ok(Box::new(Capped::new(file, max, CapKind::Limit)))
            }
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
            Kind::Folder(dir) => dir.join(name).is_file(),
        }
    }
}

/// The manifest of a SolutionPackager source folder.
pub const SOURCE_SOLUTION: &str = "Other/Solution.xml";
/// The customizations of a SolutionPackager source folder (its `<Roles />` is empty; the
/// roles are in [`SOURCE_ROLES`]).
pub const SOURCE_CUSTOMIZATIONS: &str = "Other/Customizations.xml";
/// The folder of a SolutionPackager source folder that holds one XML file per role.
pub const SOURCE_ROLES: &str = "Roles";

/// The shapes of input dvrole reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A solution zip.
    Zip,
    /// A folder holding a packed solution's root files.
    PackageFolder,
    /// A SolutionPackager or `pac solution unpack` source folder: `Other/Solution.xml`,
    /// `Other/Customizations.xml` and `Roles/*.xml`.
    SourceFolder,
    /// A lone XML file: a customizations.xml or a role file.
    XmlFile,
}

/// An input named on the command line, with its layout recognised.
pub struct Input {
    layout: Layout,
    reader: PackageReader,
    role_parts: Vec<String>,
}

impl Input {
    /// Opens `path` and recognises its layout: a folder with `Other/Solution.xml` is a
    /// source folder, any other folder a package folder; a file named `.zip` or that starts
    /// like a zip is a zip, any other file is read as XML.
    pub fn open(path: &Path, limits: Limits) -> Result<Input> {
        let label = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| Error::Unreadable {
            input: label.clone(),
            message: match e.kind() {
                io::ErrorKind::NotFound => {
                    "does not exist; give a solution zip, a folder or an XML file".to_string()
                }
                _ => e.to_string(),
            },
        })?;
        if meta.is_dir() {
            let reader = PackageReader {
                label,
                kind: Kind::Folder(path.to_path_buf()),
                limits,
            };
            if reader.has_file(SOURCE_SOLUTION) {
                let mut role_parts = Vec::new();
                if reader.has_file(SOURCE_CUSTOMIZATIONS) {
                    role_parts.push(SOURCE_CUSTOMIZATIONS.to_string());
                }
                role_parts.extend(role_files(&path.join(SOURCE_ROLES)));
                return Ok(Input {
                    layout: Layout::SourceFolder,
                    reader,
                    role_parts,
                });
            }
            return Ok(Input {
                layout: Layout::PackageFolder,
                reader,
                role_parts: vec![CUSTOMIZATIONS.to_string()],
            });
        }
        let mut magic = [0u8; 4];
        let n = File::open(path)
            .and_then(|mut f| read_up_to(&mut f, &mut magic))
            .map_err(|e| Error::io(path, e))?;
        let named_zip = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
        if named_zip || magic.get(..n).is_some_and(|m| m.starts_with(b"PK")) {
            return Ok(Input {
                layout: Layout::Zip,
                reader: PackageReader::open_zip(path, limits)?,
                role_parts: vec![CUSTOMIZATIONS.to_string()],
            });
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| Error::Unreadable {
                input: label.clone(),
                message: "has no file name dvrole can use; rename it or give its folder"
                    .to_string(),
            })?
            .to_string();
        let parent = path.parent().unwrap_or(Path::new("")).to_path_buf();
        Ok(Input {
            layout: Layout::XmlFile,
            reader: PackageReader {
                label,
                kind: Kind::Folder(parent),
                limits,
            },
            role_parts: vec![name],
        })
    }

    /// The layout recognised.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The reader over the input's files; their names are relative to the input.
    pub fn reader(&mut self) -> &mut PackageReader {
        &mut self.reader
    }

    /// The files that hold roles, in the order they are read: `customizations.xml` for a
    /// package; `Other/Customizations.xml` and then `Roles/*.xml` by name for a source folder;
    /// the file itself for a lone XML file.
    pub fn role_parts(&self) -> &[String] {
        &self.role_parts
    }

    /// Streams every role of the input into `sink`, telling it each file's location first.
    /// A file that cannot be read, or is not well-formed, is an error naming it (with the
    /// line and column for XML); so is a problem the sink returns.
    pub fn stream_roles(&mut self, sink: &mut impl RoleSink) -> Result<()> {
        let parts = self.role_parts.clone();
        for part in &parts {
            sink.file(&self.reader.location(part));
            self.stream_part(part, sink)?;
        }
        Ok(())
    }

    fn stream_part(&mut self, part: &str, sink: &mut impl RoleSink) -> Result<()> {
        if matches!(self.layout, Layout::Zip | Layout::PackageFolder)
            && !self.reader.has_file(CUSTOMIZATIONS)
        {
            return Err(Error::Unreadable {
                input: self.reader.label.clone(),
                message: "holds no customizations.xml at its root; give a solution zip, a folder holding its root files, a source folder with Other/Solution.xml, or an XML file".to_string(),
            });
        }
        let result = {
            let source = self.reader.open_entry(part)?;
            stream_roles(source, sink)
        };
        match result {
            Ok(_) => Ok(()),
            Err(problem) => Err(self.reader.problem_error(part, problem)),
        }
    }
}

/// The `*.xml` files in a source folder's `Roles` folder, as `Roles/NAME`, sorted by name.
fn role_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().is_file())
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter(|n| n.to_ascii_lowercase().ends_with(".xml"))
                .map(|n| format!("{SOURCE_ROLES}/{n}"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Reads until `buf` is full or the stream ends; returns how many bytes were read.
fn read_up_to(source: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
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

/// Turns byte offsets in a stream into (line, column) pairs, both counted from 1.
pub fn positions_in(mut reader: impl Read, offsets: &[u64]) -> Vec<(u64, u64)> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets[i]);
    let mut result = vec![(0, 0); offsets.len()];
    let (mut line, mut line_start, mut pos) = (1u64, 0u64, 0u64);
    let mut buf = [0u8; 64 * 1024];
    let mut next = order.into_iter().peekable();
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) | Err(_) => 0,
            Ok(n) => n,
        };
        for &b in &buf[..n] {
            while let Some(&i) = next.peek() {
                if offsets[i] > pos {
                    break;
                }
                result[i] = (line, pos - line_start + 1);
                next.next();
            }
            if b == b'\n' {
                line += 1;
                line_start = pos + 1;
            }
            pos += 1;
        }
        if n == 0 {
            break;
        }
    }
    for i in next {
        result[i] = (line, pos - line_start + 1);
    }
    result
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

/// A problem found while reading XML, at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlProblem {
    /// Byte offset in the file.
    pub offset: u64,
    /// What is wrong.
    pub message: String,
    /// True when the bytes could not be read at all (I/O, decompression, cap), as opposed
    /// to bytes that are not well-formed XML.
    pub unreadable: bool,
}

impl XmlProblem {
    /// A problem with the document at `offset`.
    pub fn at(offset: u64, message: impl Into<String>) -> XmlProblem {
        XmlProblem {
            offset,
            message: message.into(),
            unreadable: false,
        }
    }
}

/// What a streaming XML walk reports to whoever is interested in it.
pub trait Visitor {
    /// An element opens. `path` holds the names from the root down to this element (only the
    /// first levels are kept), `depth` is its real depth (0 for the root).
    fn open(
        &mut self,
        path: &[String],
        depth: usize,
        element: &BytesStart<'_>,
        offset: u64,
    ) -> Result<(), XmlProblem>;

    /// The element at `depth` closes (also called right after `open` for `<empty/>` ones).
    fn close(&mut self, _depth: usize) -> Result<(), XmlProblem> {
        Ok(())
    }

    /// Character data inside the element at `path`.
    fn text(&mut self, _path: &[String], _depth: usize, _text: &str) {}

    /// How many levels of the element path the visitor needs; deeper names are not kept,
    /// which saves copying them (at most 8).
    fn tracked_depth(&self) -> usize {
        TRACKED_DEPTH
    }

    /// The deepest level the visitor wants to hear about at this point of the walk: elements
    /// deeper than this (and their text) are checked and counted but not reported, so a
    /// visitor that only needs a few levels pays nothing for the bulk of a large document.
    /// Asked before every event, so the horizon may move as the walk goes (deeper inside an
    /// element the visitor cares about).
    fn horizon(&self) -> usize {
        usize::MAX
    }
}

/// The names of the open elements, root first. Popped names keep their allocation, so a
/// walk allocates only while it meets deeper paths or longer names than before.
#[derive(Default)]
struct PathStack {
    slots: Vec<String>,
    len: usize,
}

impl PathStack {
    fn push(&mut self, name: &str) {
        match self.slots.get_mut(self.len) {
            Some(slot) => {
                slot.clear();
                slot.push_str(name);
            }
            None => self.slots.push(name.to_string()),
        }
        self.len += 1;
    }

    fn pop(&mut self) {
        self.len = self.len.saturating_sub(1);
    }

    fn names(&self) -> &[String] {
        self.slots.get(..self.len).unwrap_or(&self.slots)
    }
}

/// Walks a whole XML document, checking that it is well-formed, and reports to `visitor`.
pub fn walk(source: impl Read, visitor: &mut impl Visitor) -> Result<(), XmlProblem> {
    let mut reader = Reader::from_reader(BufReader::with_capacity(64 * 1024, source));
    let mut buf = Vec::with_capacity(4096);
    let mut path = PathStack::default();
    let mut depth = 0usize;
    let mut seen_root = false;
    let tracked = visitor.tracked_depth().min(TRACKED_DEPTH);
    loop {
        let offset = reader.buffer_position();
        let event = reader.read_event_into(&mut buf);
        match event {
            Ok(Event::Start(e)) => open_element(
                &mut path,
                (&mut depth, tracked),
                &mut seen_root,
                visitor,
                &e,
                false,
                offset,
            )?,
            Ok(Event::Empty(e)) => open_element(
                &mut path,
                (&mut depth, tracked),
                &mut seen_root,
                visitor,
                &e,
                true,
                offset,
            )?,
            Ok(Event::End(_)) => {
                depth = depth.saturating_sub(1);
                if depth <= visitor.horizon() {
                    visitor.close(depth)?;
                }
                if depth < tracked {
                    path.pop();
                }
            }
            Ok(Event::Text(t)) => {
                if depth == 0 {
                    if !t.trim().is_empty() {
                        return Err(XmlProblem::at(offset, "text outside the root element"));
                    }
                } else if depth - 1 <= visitor.horizon() {
                    visitor.text(path.names(), depth - 1, &t);
                }
            }
            Ok(Event::CData(_)) | Ok(Event::GeneralRef(_)) if depth == 0 => {
                return Err(XmlProblem::at(offset, "content outside the root element"));
            }
            Ok(Event::DocType(_)) => {
                return Err(XmlProblem::at(
                    offset,
                    "has a DOCTYPE declaration; solution files have none, and dvrole never expands the entities one may declare",
                ));
            }
            Ok(Event::Eof) => {
                if depth > 0 {
                    let open = path
                        .names()
                        .get(depth.min(path.len).saturating_sub(1))
                        .cloned()
                        .unwrap_or_default();
                    return Err(XmlProblem::at(
                        offset,
                        format!("ends before <{open}> is closed; the file is truncated"),
                    ));
                }
                if !seen_root {
                    return Err(XmlProblem::at(
                        offset,
                        "holds no XML element (the file is empty or not XML)",
                    ));
                }
                return Ok(());
            }
            Ok(_) => {}
            Err(e) => {
                let unreadable = matches!(e, quick_xml::Error::Io(_));
                return Err(XmlProblem {
                    offset: reader.error_position(),
                    message: describe(&e),
                    unreadable,
                });
            }
        }
        buf.clear();
    }
}

/// Reports an opening element to the visitor and keeps the path and depth.
fn open_element(
    path: &mut PathStack,
    (depth, tracked): (&mut usize, usize),
    seen_root: &mut bool,
    visitor: &mut impl Visitor,
    e: &BytesStart<'_>,
    empty: bool,
    offset: u64,
) -> Result<(), XmlProblem> {
    if *depth == 0 {
        if *seen_root {
            return Err(XmlProblem::at(
                offset,
                "a second root element; an XML file has exactly one",
            ));
        }
        *seen_root = true;
    }
    if *depth < tracked {
        path.push(e.name().as_ref());
    }
    if *depth <= visitor.horizon() {
        visitor.open(path.names(), *depth, e, offset)?;
        if empty {
            visitor.close(*depth)?;
        }
    }
    if empty {
        if *depth < tracked {
            path.pop();
        }
    } else {
        *depth += 1;
    }
    Ok(())
}

fn describe(e: &quick_xml::Error) -> String {
    match e {
        quick_xml::Error::Io(io) => io.to_string(),
        other => format!("not well-formed XML: {other}"),
    }
}

/// The value of attribute `name` on `element`, with entities and character references resolved.
pub fn attribute(
    element: &BytesStart<'_>,
    name: &str,
    offset: u64,
) -> Result<Option<String>, XmlProblem> {
    for attr in element.attributes() {
        let attr = attr.map_err(|e| XmlProblem::at(offset, format!("malformed attribute: {e}")))?;
        if attr.key.as_ref() == name {
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| XmlProblem::at(offset, format!("attribute {}: {e}", name)))?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

/// Reads two attributes of `element` in one pass into `first.1` and `second.1`, reusing
/// the strings already there, with references resolved and whitespace normalised; an
/// attribute that is absent leaves `None`.
fn attribute_pair(
    element: &BytesStart<'_>,
    first: (&str, &mut Option<String>),
    second: (&str, &mut Option<String>),
    offset: u64,
) -> Result<(), XmlProblem> {
    let (mut got_first, mut got_second) = (false, false);
    for attr in element.attributes() {
        let attr = attr.map_err(|e| XmlProblem::at(offset, format!("malformed attribute: {e}")))?;
        let key = attr.key.as_ref();
        let (slot, got) = if key == first.0 && !got_first {
            (&mut *first.1, &mut got_first)
        } else if key == second.0 && !got_second {
            (&mut *second.1, &mut got_second)
        } else {
            continue;
        };
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| XmlProblem::at(offset, format!("attribute {key}: {e}")))?;
        match slot {
            Some(s) => {
                s.clear();
                s.push_str(&value);
            }
            None => *slot = Some(value.into_owned()),
        }
        *got = true;
    }
    if !got_first {
        *first.1 = None;
    }
    if !got_second {
        *second.1 = None;
    }
    Ok(())
}

/// The attributes of a `<RolePrivilege>` exactly as exports write them,
/// ` name="..." level="..."` (trailing spaces allowed), with a plain name and one of the four
/// depth words as the level; `None` otherwise.
fn canonical_privilege(raw: &str) -> Option<(&str, &str)> {
    let rest = raw.strip_prefix(" name=\"")?;
    let n = value_end(rest.as_bytes())?;
    let name = rest.get(..n)?;
    let rest = rest.get(n + 1..)?.strip_prefix(" level=\"")?;
    // The level is one of four words; anything else (a bad level included) is left to the
    // general path, which reads it as written.
    let (level, tail) = [
        ("Basic", "Basic\""),
        ("Local", "Local\""),
        ("Deep", "Deep\""),
        ("Global", "Global\""),
    ]
    .into_iter()
    .find_map(|(level, quoted)| Some((level, rest.strip_prefix(quoted)?)))?;
    tail.bytes().all(|c| c == b' ').then_some((name, level))
}

/// Where the attribute value that `bytes` starts with ends (its closing double quote), if
/// the value is plain: no reference (`&`), no `<` and no control character (which XML would
/// normalise) before the quote. Eight bytes at a time, as privilege names run to 20-40.
fn value_end(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    /// High bit set in each byte of `x` that is zero; exact for the lowest such byte.
    fn zero_bytes(x: u64) -> u64 {
        x.wrapping_sub(ONES) & !x & HIGH
    }
    let mut chunks = bytes.chunks_exact(8);
    let mut start = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // Bytes below 0x20, and bytes equal to '"', '&' or '<'. Each term flags its lowest
        // match exactly, so the lowest flag of the union is the first byte that ends the run.
        let special = (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
            | zero_bytes(x ^ (ONES * u64::from(b'"')))
            | zero_bytes(x ^ (ONES * u64::from(b'&')))
            | zero_bytes(x ^ (ONES * u64::from(b'<')));
        if special != 0 {
            let i = start + (special.trailing_zeros() / 8) as usize;
            return (bytes.get(i) == Some(&b'"')).then_some(i);
        }
        start += 8;
    }
    for (i, &c) in chunks.remainder().iter().enumerate() {
        if unusual(c, NOT_IN_VALUE | QUOTE) {
            return (c == b'"').then_some(start + i);
        }
    }
    None
}

/// Byte classes for the fast path: in a key, anything that is not part of a name ends it;
/// anywhere, a reference (`&`), a `<` or whitespace that XML would normalise ends it; and the
/// double quote delimits values (single quotes are refused in keys, so only double quotes
/// delimit).
const NOT_IN_KEY: u8 = 1;
const NOT_IN_VALUE: u8 = 2;
const QUOTE: u8 = 4;
static UNUSUAL: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b <= b' ' || matches!(b, b'"' | b'\'' | b'/' | b'<' | b'>' | b'=' | b'&') {
            table[c] |= NOT_IN_KEY;
        }
        if b < b' ' || b == b'&' || b == b'<' {
            table[c] |= NOT_IN_VALUE;
        }
        if b == b'"' {
            table[c] |= QUOTE;
        }
        c += 1;
    }
    table
};

/// Whether byte `c` is of the `kind` the fast path refuses.
fn unusual(c: u8, kind: u8) -> bool {
    UNUSUAL[usize::from(c)] & kind != 0
}

/// The fast path of [`attribute_pair`] for the common case: `key="value"` pairs separated by
/// whitespace, each value free of references and of whitespace that XML would normalise,
/// and neither wanted key given twice. Returns `None` for anything else, so the caller
/// takes quick-xml's full path, which resolves what needs resolving and reports what is
/// malformed.
fn plain_attribute_pair<'a>(
    raw: &'a str,
    first: &str,
    second: &str,
) -> Option<(Option<&'a str>, Option<&'a str>)> {
    let bytes = raw.as_bytes();
    let mut quotes = [0usize; 8];
    let mut count = 0;
    // One plain pass (these strings are too short to repay memchr's setup): find the
    // quotes, and give up at a reference or whitespace XML would normalise.
    for (i, &c) in bytes.iter().enumerate() {
        if unusual(c, NOT_IN_VALUE | QUOTE) {
            if c != b'"' {
                return None;
            }
            *quotes.get_mut(count)? = i;
            count += 1;
        }
    }
    if count % 2 != 0 {
        return None;
    }
    let (mut a, mut b) = (None, None);
    let mut start = 0;
    for pair in quotes.get(..count)?.chunks_exact(2) {
        let (open, close) = (*pair.first()?, *pair.get(1)?);
        // ` key=` before the opening quote: whitespace first (except at the very start of
        // the attributes, right after the name), then a bare key, then '='.
        let head = bytes.get(start..open)?;
        let spaces = head.iter().take_while(|c| **c == b' ').count();
        if (start > 0 && spaces == 0) || head.last() != Some(&b'=') {
            return None;
        }
        let key = raw.get(start + spaces..open - 1)?;
        if key.is_empty() || key.bytes().any(|c| unusual(c, NOT_IN_KEY)) {
            return None;
        }
        let value = raw.get(open + 1..close)?;
        start = close + 1;
        let slot = if key == first {
            &mut a
        } else if key == second {
            &mut b
        } else {
            continue;
        };
        if slot.replace(value).is_some() {
            return None;
        }
    }
    if bytes.get(start..)?.iter().any(|c| *c != b' ') {
        return None;
    }
    Some((a, b))
}

/// Whether `path` is exactly these element names.
fn path_is(path: &[String], names: &[&str]) -> bool {
    path.len() == names.len() && path.iter().zip(names).all(|(a, b)| a == b)
}

/// One `<RolePrivilege>` as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivilegeRecord {
    /// The `name` attribute.
    pub name: Option<String>,
    /// The `level` attribute, unparsed.
    pub level: Option<String>,
    /// Byte offset of the element.
    pub offset: u64,
}

/// One `<Role>` as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRecord {
    /// The `id` attribute, unparsed.
    pub id: Option<String>,
    /// The `name` attribute.
    pub name: Option<String>,
    /// Its privileges in file order.
    pub privileges: Vec<PrivilegeRecord>,
    /// Byte offset of the element.
    pub offset: u64,
    /// The kind of file it was read from.
    pub file: RolesFile,
}

/// What kind of file held the roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RolesFile {
    /// A `customizations.xml` (root `ImportExportXml`): roles are `/ImportExportXml/Roles/Role`.
    Customizations,
    /// A role file (root `Role`), as source-control layouts keep them.
    RoleFile,
}

/// Receives the roles of a file as they stream by, one privilege at a time, with the values
/// borrowed from the reader's buffer: nothing is copied unless the sink copies it.
pub trait RoleSink {
    /// Called before each file of an input is read, with its location for messages.
    fn file(&mut self, _location: &str) {}

    /// A role opens: its `id` and `name` attributes, its offset, the kind of file.
    fn role(
        &mut self,
        id: Option<&str>,
        name: Option<&str>,
        offset: u64,
        file: RolesFile,
    ) -> Result<(), XmlProblem>;

    /// One `<RolePrivilege>` of the open role: its `name` and `level` attributes.
    fn privilege(
        &mut self,
        name: Option<&str>,
        level: Option<&str>,
        offset: u64,
    ) -> Result<(), XmlProblem>;

    /// The open role closes.
    fn end_role(&mut self) -> Result<(), XmlProblem>;
}

/// Where a walk for roles is, so that each element is judged by its depth and name alone.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RolesAt {
    /// Before the root, or outside `<Roles>`.
    Outside,
    /// Inside `/ImportExportXml/Roles`, between roles.
    Roles,
    /// Inside a role, outside its `<RolePrivileges>`.
    Role,
    /// Inside the role's `<RolePrivileges>`.
    Privileges,
}

struct RolesVisitor<'s, S> {
    kind: Option<RolesFile>,
    at: RolesAt,
    /// The depth of the open role's element (0 in a role file, 2 in a customizations.xml).
    role_depth: usize,
    /// The deepest level that can matter from here (see [`Visitor::horizon`]), kept up to
    /// date on every move so that asking costs nothing.
    horizon: usize,
    sink: &'s mut S,
}

impl<S: RoleSink> RolesVisitor<'_, S> {
    fn move_to(&mut self, at: RolesAt) {
        self.at = at;
        self.horizon = match at {
            RolesAt::Outside if self.kind == Some(RolesFile::Customizations) => 1,
            RolesAt::Outside => 0,
            RolesAt::Roles => 2,
            RolesAt::Role => self.role_depth + 1,
            RolesAt::Privileges => self.role_depth + 2,
        };
    }

    fn open_role(
        &mut self,
        depth: usize,
        e: &BytesStart<'_>,
        offset: u64,
    ) -> Result<(), XmlProblem> {
        self.role_depth = depth;
        self.move_to(RolesAt::Role);
        let id = attribute(e, "id", offset)?;
        let name = attribute(e, "name", offset)?;
        self.sink.role(
            id.as_deref(),
            name.as_deref(),
            offset,
            self.kind.unwrap_or(RolesFile::Customizations),
        )
    }

    fn privilege(&mut self, e: &BytesStart<'_>, offset: u64) -> Result<(), XmlProblem> {
        let raw = e.attributes_raw();
        match canonical_privilege(raw)
            .map(|(n, l)| (Some(n), Some(l)))
            .or_else(|| plain_attribute_pair(raw, "name", "level"))
        {
            Some((name, level)) => self.sink.privilege(name, level, offset),
            None => {
                let (mut name, mut level) = (None, None);
                attribute_pair(e, ("name", &mut name), ("level", &mut level), offset)?;
                self.sink
                    .privilege(name.as_deref(), level.as_deref(), offset)
            }
        }
    }
}

impl<S: RoleSink> Visitor for RolesVisitor<'_, S> {
    fn open(
        &mut self,
        _path: &[String],
        depth: usize,
        e: &BytesStart<'_>,
        offset: u64,
    ) -> Result<(), XmlProblem> {
        let name = e.name();
        let name = name.as_ref();
        match self.at {
            RolesAt::Privileges if depth == self.role_depth + 2 && name == "RolePrivilege" => {
                self.privilege(e, offset)
            }
            RolesAt::Role if depth == self.role_depth + 1 && name == "RolePrivileges" => {
                self.move_to(RolesAt::Privileges);
                Ok(())
            }
            RolesAt::Roles if depth == 2 && name == "Role" => self.open_role(depth, e, offset),
            RolesAt::Outside if depth == 1 && name == "Roles" => {
                if self.kind == Some(RolesFile::Customizations) {
                    self.move_to(RolesAt::Roles);
                }
                Ok(())
            }
            RolesAt::Outside if depth == 0 => match name {
                "ImportExportXml" => {
                    self.kind = Some(RolesFile::Customizations);
                    self.move_to(RolesAt::Outside);
                    Ok(())
                }
                "Role" => {
                    self.kind = Some(RolesFile::RoleFile);
                    self.open_role(depth, e, offset)
                }
                other => Err(XmlProblem::at(
                    offset,
                    format!(
                        "the root element is <{other}>; expected <ImportExportXml> (customizations.xml) or <Role> (a role file)"
                    ),
                )),
            },
            _ => Ok(()),
        }
    }

    /// The roles walk judges elements by its state and their depth, not by the path; the
    /// first levels are kept only to name the element left open in a truncated file.
    fn tracked_depth(&self) -> usize {
        4
    }

    /// Outside `<Roles>` only the root's children matter (nothing, in a role file once its
    /// role has closed); between roles, `<Role>`; inside a role, its `<RolePrivileges>`, and
    /// inside that, its `<RolePrivilege>` elements.
    fn horizon(&self) -> usize {
        self.horizon
    }

    fn close(&mut self, depth: usize) -> Result<(), XmlProblem> {
        match self.at {
            RolesAt::Privileges if depth == self.role_depth + 1 => {
                self.move_to(RolesAt::Role);
                Ok(())
            }
            RolesAt::Role | RolesAt::Privileges if depth == self.role_depth => {
                self.move_to(match self.kind {
                    Some(RolesFile::Customizations) => RolesAt::Roles,
                    _ => RolesAt::Outside,
                });
                self.sink.end_role()
            }
            RolesAt::Roles if depth == 1 => {
                self.move_to(RolesAt::Outside);
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// Streams the roles out of a customizations.xml or a role file into `sink`, and says which
/// kind of file it was. `<Role>` elements elsewhere (inside app modules, say) are not roles
/// and are skipped.
pub fn stream_roles(source: impl Read, sink: &mut impl RoleSink) -> Result<RolesFile, XmlProblem> {
    let mut visitor = RolesVisitor {
        kind: None,
        at: RolesAt::Outside,
        role_depth: 0,
        horizon: 0,
        sink,
    };
    walk(source, &mut visitor)?;
    // walk() fails on a document without a root, so the kind is always known here.
    Ok(visitor.kind.unwrap_or(RolesFile::Customizations))
}

/// A sink that gathers each role into a [`RoleRecord`] and hands it to a callback.
struct RecordSink<F> {
    current: Option<RoleRecord>,
    /// Privilege records of roles already handed out, kept for their string buffers, so a
    /// long run of roles reads without allocating per privilege.
    spare: Vec<PrivilegeRecord>,
    on_role: F,
}

/// Copies `value` into `slot`, reusing the string already there.
fn set(slot: &mut Option<String>, value: Option<&str>) {
    match (slot.as_mut(), value) {
        (Some(s), Some(v)) => {
            s.clear();
            s.push_str(v);
        }
        (None, Some(v)) => *slot = Some(v.to_string()),
        (_, None) => *slot = None,
    }
}

impl<F: FnMut(&RoleRecord)> RoleSink for RecordSink<F> {
    fn role(
        &mut self,
        id: Option<&str>,
        name: Option<&str>,
        offset: u64,
        file: RolesFile,
    ) -> Result<(), XmlProblem> {
        self.current = Some(RoleRecord {
            id: id.map(str::to_string),
            name: name.map(str::to_string),
            privileges: Vec::new(),
            offset,
            file,
        });
        Ok(())
    }

    fn privilege(
        &mut self,
        name: Option<&str>,
        level: Option<&str>,
        offset: u64,
    ) -> Result<(), XmlProblem> {
        if let Some(role) = &mut self.current {
            let mut record = self.spare.pop().unwrap_or(PrivilegeRecord {
                name: None,
                level: None,
                offset,
            });
            record.offset = offset;
            set(&mut record.name, name);
            set(&mut record.level, level);
            role.privileges.push(record);
        }
        Ok(())
    }

    fn end_role(&mut self) -> Result<(), XmlProblem> {
        if let Some(mut role) = self.current.take() {
            (self.on_role)(&role);
            self.spare.append(&mut role.privileges);
        }
        Ok(())
    }
}

/// Streams the roles out of a customizations.xml or a role file, one call of `on_role` per
/// role, and says which kind of file it was. `<Role>` elements elsewhere (inside app
/// modules, say) are not roles and are skipped.
pub fn read_roles(
    source: impl Read,
    on_role: impl FnMut(&RoleRecord),
) -> Result<RolesFile, XmlProblem> {
    let mut sink = RecordSink {
        current: None,
        spare: Vec::new(),
        on_role,
    };
    stream_roles(source, &mut sink)
}

/// One `<RootComponent>` of a solution manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootComponentRecord {
    /// The `type` attribute, unparsed.
    pub component_type: Option<String>,
    /// The `id` attribute, unparsed.
    pub id: Option<String>,
    /// Byte offset of the element.
    pub offset: u64,
}

/// What a `solution.xml` says, as read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestRecord {
    /// The root element's name.
    pub root: String,
    /// Whether `<SolutionManifest>` is there.
    pub has_manifest: bool,
    /// `<UniqueName>` of the solution.
    pub unique_name: Option<String>,
    /// `<Version>`.
    pub version: Option<String>,
    /// `<Managed>`.
    pub managed: Option<String>,
    /// The root components.
    pub root_components: Vec<RootComponentRecord>,
}

#[derive(Default)]
struct ManifestVisitor {
    record: ManifestRecord,
}

const MANIFEST: [&str; 2] = ["ImportExportXml", "SolutionManifest"];

impl Visitor for ManifestVisitor {
    fn open(
        &mut self,
        path: &[String],
        depth: usize,
        e: &BytesStart<'_>,
        offset: u64,
    ) -> Result<(), XmlProblem> {
        if depth == 0 {
            self.record.root = e.name().as_ref().to_string();
        }
        if path_is(path, &MANIFEST) {
            self.record.has_manifest = true;
        }
        if path_is(
            path,
            &[
                "ImportExportXml",
                "SolutionManifest",
                "RootComponents",
                "RootComponent",
            ],
        ) {
            self.record.root_components.push(RootComponentRecord {
                component_type: attribute(e, "type", offset)?,
                id: attribute(e, "id", offset)?,
                offset,
            });
        }
        Ok(())
    }

    fn text(&mut self, path: &[String], _depth: usize, text: &str) {
        let slot = if path_is(path, &["ImportExportXml", "SolutionManifest", "UniqueName"]) {
            &mut self.record.unique_name
        } else if path_is(path, &["ImportExportXml", "SolutionManifest", "Version"]) {
            &mut self.record.version
        } else if path_is(path, &["ImportExportXml", "SolutionManifest", "Managed"]) {
            &mut self.record.managed
        } else {
            return;
        };
        slot.get_or_insert_with(String::new).push_str(text.trim());
    }
}

/// Reads a `solution.xml`.
pub fn read_manifest(source: impl Read) -> Result<ManifestRecord, XmlProblem> {
    let mut visitor = ManifestVisitor::default();
    walk(source, &mut visitor)?;
    Ok(visitor.record)
}

/// What a `[Content_Types].xml` says, as read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentTypesRecord {
    /// The root element's name.
    pub root: String,
    /// The `Extension` of every `<Default>`.
    pub default_extensions: Vec<String>,
}

#[derive(Default)]
struct ContentTypesVisitor {
    record: ContentTypesRecord,
}

impl Visitor for ContentTypesVisitor {
    fn open(
        &mut self,
        path: &[String],
        depth: usize,
        e: &BytesStart<'_>,
        offset: u64,
    ) -> Result<(), XmlProblem> {
        if depth == 0 {
            self.record.root = e.name().as_ref().to_string();
        }
        if path_is(path, &["Types", "Default"]) {
            if let Some(ext) = attribute(e, "Extension", offset)? {
                self.record.default_extensions.push(ext);
            }
        }
        Ok(())
    }
}

/// Reads a `[Content_Types].xml`.
pub fn read_content_types(source: impl Read) -> Result<ContentTypesRecord, XmlProblem> {
    let mut visitor = ContentTypesVisitor::default();
    walk(source, &mut visitor)?;
    Ok(visitor.record)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles_of(xml: &str) -> Result<(RolesFile, Vec<RoleRecord>), XmlProblem> {
        let mut roles = Vec::new();
        let kind = read_roles(xml.as_bytes(), |r| roles.push(r.clone()))?;
        Ok((kind, roles))
    }

    #[test]
    fn reads_roles_only_where_roles_live() {
        let xml = r#"<?xml version="1.0"?>
<ImportExportXml>
  <Roles>
    <Role id="{a}" name="A &amp; B"><RolePrivileges><RolePrivilege name="prvX" level="Basic"/></RolePrivileges></Role>
    <Role id="{b}" name="Empty"/>
  </Roles>
  <AppModules><AppModule><AppModuleRoleMaps><Role id="{c}"/></AppModuleRoleMaps></AppModule></AppModules>
</ImportExportXml>"#;
        let (kind, roles) = roles_of(xml).unwrap();
        assert_eq!(kind, RolesFile::Customizations);
        assert_eq!(roles.len(), 2);
        assert_eq!(roles[0].name.as_deref(), Some("A & B"));
        assert_eq!(roles[0].privileges[0].level.as_deref(), Some("Basic"));
        assert!(roles[1].privileges.is_empty());
    }

    #[test]
    fn only_privileges_where_privileges_live_count() {
        let xml = r#"<ImportExportXml>
  <Entities><Entity><Roles><Role id="{x}" name="Not a role"/></Roles></Entity></Entities>
  <Roles/>
  <Roles>
    <Role id="{a}" name="A">
      <RolePrivilege name="prvLoose" level="Basic"/>
      <RolePrivileges>
        <RolePrivilege name="prvA" level="Basic"/>
        <Other><RolePrivilege name="prvNested" level="Basic"/></Other>
        <RolePrivilege name="prvB" level="Deep"></RolePrivilege>
      </RolePrivileges>
      <RolePrivileges/>
    </Role>
    <Role id="{b}" name="B"><RolePrivileges/></Role>
    <Other><Role id="{y}" name="Not a role either"/></Other>
  </Roles>
  <Roles><Role id="{c}" name="C"><RolePrivileges><RolePrivilege name="prvC" level="Global"/></RolePrivileges></Role></Roles>
</ImportExportXml>"#;
        let (_, roles) = roles_of(xml).unwrap();
        let summary: Vec<(String, Vec<String>)> = roles
            .iter()
            .map(|r| {
                (
                    r.name.clone().unwrap_or_default(),
                    r.privileges
                        .iter()
                        .map(|p| p.name.clone().unwrap_or_default())
                        .collect(),
                )
            })
            .collect();
        let expected: Vec<(String, Vec<String>)> = vec![
            ("A".into(), vec!["prvA".into(), "prvB".into()]),
            ("B".into(), vec![]),
            ("C".into(), vec!["prvC".into()]),
        ];
        assert_eq!(summary, expected);
    }

    #[test]
    fn reads_a_role_file() {
        let xml = "\u{feff}<Role id=\"{a}\" name=\"R\"><RolePrivileges><RolePrivilege name=\"prvX\" level=\"Global\"/></RolePrivileges></Role>";
        let (kind, roles) = roles_of(xml).unwrap();
        assert_eq!(kind, RolesFile::RoleFile);
        assert_eq!(roles[0].privileges.len(), 1);
    }

    #[test]
    fn malformed_documents_are_problems() {
        for (xml, expected) in [
            ("", "holds no XML element"),
            ("<ImportExportXml><Roles>", "truncated"),
            ("<ImportExportXml></b>", "not well-formed"),
            ("<ImportExportXml/><b/>", "second root"),
            ("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "DOCTYPE"),
            ("<Other/>", "root element is <Other>"),
            (
                "<ImportExportXml>\n<Roles><Role name=\"&bogus;\"/></Roles></ImportExportXml>",
                "attribute name",
            ),
        ] {
            let err = roles_of(xml).unwrap_err();
            assert!(err.message.contains(expected), "{xml:?}: {}", err.message);
        }
        let bad_utf8: &[u8] =
            b"<ImportExportXml><Roles><Role name=\"\xff\"/></Roles></ImportExportXml>";
        assert!(read_roles(bad_utf8, |_| {}).is_err());
    }

    #[test]
    fn canonical_privileges_are_read_directly() {
        assert_eq!(
            canonical_privilege(" name=\"prvA\" level=\"Basic\" "),
            Some(("prvA", "Basic"))
        );
        for other in [
            " level=\"Basic\" name=\"prvA\"",
            " name=\"prvA\"  level=\"Basic\"",
            " name=\"a&amp;b\" level=\"Basic\"",
            " name=\"prvA\" level=\"Basic\" x=\"y\"",
            " name=\"prvA\" level=\"Basic",
        ] {
            assert_eq!(canonical_privilege(other), None, "{other:?}");
        }
    }

    proptest::proptest! {
        /// The word-at-a-time scan finds what a byte-at-a-time scan finds, wherever the
        /// quote or the unusual byte falls against the 8-byte chunks.
        #[test]
        fn value_end_agrees_with_a_plain_scan(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(b"prvRead\"&<\t\n\x00\x1f\x20\x7f\x80\xff=' ".to_vec()),
                    proptest::num::u8::ANY,
                ],
                0..40,
            )
        ) {
            let plain = bytes
                .iter()
                .position(|&c| unusual(c, NOT_IN_VALUE | QUOTE))
                .filter(|&i| bytes[i] == b'"');
            proptest::prop_assert_eq!(value_end(&bytes), plain);
        }
    }

    #[test]
    fn plain_attributes_take_the_fast_path_and_the_rest_falls_back() {
        let pair = |raw| plain_attribute_pair(raw, "name", "level");
        assert_eq!(
            pair(" name=\"prvA\" level=\"Basic\""),
            Some((Some("prvA"), Some("Basic")))
        );
        assert_eq!(
            pair(" other=\"x\"  name=\"prvA\" "),
            Some((Some("prvA"), None))
        );
        for unusual in [
            " name=\"a&amp;b\"",
            " name=\"a\tb\"",
            " name = \"a\"",
            " name=a",
            " name=\"a\"level=\"b\"",
            " name=\"a\" name=\"b\"",
            " name=\"a",
            " /",
            " name='a'",
            " name=\"a\" x",
        ] {
            assert_eq!(pair(unusual), None, "{unusual:?}");
        }
        let xml = "<Role id=\"{a}\" name=\"R\"><RolePrivileges><RolePrivilege name=\"prv&#88;\" level=\"Basic\"/><RolePrivilege level=\"Deep\" name=\"prvY\"/></RolePrivileges></Role>";
        let (_, roles) = roles_of(xml).unwrap();
        let names: Vec<_> = roles[0]
            .privileges
            .iter()
            .map(|p| p.name.clone().unwrap())
            .collect();
        assert_eq!(names, ["prvX", "prvY"]);
        assert_eq!(roles[0].privileges[1].level.as_deref(), Some("Deep"));
    }

    #[test]
    fn positions_count_lines_and_columns() {
        let text = b"ab\ncd\n\nefg";
        assert_eq!(
            positions_in(&text[..], &[0, 4, 7, 9, 100]),
            vec![(1, 1), (2, 2), (4, 1), (4, 3), (4, 4)]
        );
    }

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

    #[test]
    fn deep_nesting_uses_bounded_path_memory() {
        let depth = 20_000;
        let xml = format!(
            "<ImportExportXml>{}{}</ImportExportXml>",
            "<a>".repeat(depth),
            "</a>".repeat(depth)
        );
        let (_, roles) = roles_of(&xml).unwrap();
        assert!(roles.is_empty());
    }
}
