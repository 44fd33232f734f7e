//! The drift check behind `dvrole generate --check`: what is at the output path, compared
//! with what dvrole would write, as a semantic diff (privileges, role id and name, manifest
//! fields, stray and missing files), falling back to a byte-level line when the XML says
//! the same but the bytes differ.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;

use quick_xml::events::BytesStart;
use quick_xml::XmlVersion;
use serde::Serialize;

use crate::open::{self, Accept, OpenError};
use crate::ops::plan::{Content, Target};
use crate::package::output_path::Parent;
use crate::package::write::Part;
use crate::part::roles::{read_roles, RoleRecord};
use crate::xml::walk::{walk, Visitor, XmlProblem};

/// The most bytes read from one file or zip entry at the output path.
const MAX_READ: u64 = 256 << 20;

/// One difference between what is on disk and what dvrole would write.
///
/// In JSON, `{"kind": "depth_changed", ...fields}`: the kind first, then the fields in
/// alphabetical order (a depth added is `to`, a depth removed `from`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Drift {
    /// Nothing is at the output path.
    TargetMissing {
        /// What writing it takes beyond the file itself, e.g. folders to create, or what
        /// stops it; `None` where its folder is there.
        message: Option<String>,
    },
    /// The output path holds something that cannot be read as the expected kind.
    TargetUnreadable {
        /// What is wrong.
        message: String,
    },
    /// A file dvrole writes is not there.
    MissingFile {
        /// The file.
        file: String,
    },
    /// A file dvrole does not write is there.
    StrayFile {
        /// The file.
        file: String,
    },
    /// A file is not readable XML.
    UnreadableFile {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The build adds a privilege the file lacks.
    PrivilegeAdded {
        /// The file.
        file: String,
        /// The privilege.
        privilege: String,
        /// Its depth in the build.
        #[serde(rename = "to")]
        depth: String,
    },
    /// The file holds a privilege the build does not.
    PrivilegeRemoved {
        /// The file.
        file: String,
        /// Its depth in the file.
        #[serde(rename = "from")]
        depth: String,
        /// The privilege.
        privilege: String,
    },
    /// A privilege's depth differs.
    DepthChanged {
        /// The file.
        file: String,
        /// The depth in the file.
        from: String,
        /// The privilege.
        privilege: String,
        /// The depth in the build.
        to: String,
    },
    /// The role's id, name, or count of roles differs.
    RoleChanged {
        /// `id`, `name` or `count`.
        field: String,
        /// The file.
        file: String,
        /// In the file.
        from: String,
        /// In the build.
        to: String,
    },
    /// Any other element or attribute differs (manifest fields and the like).
    FieldChanged {
        /// The element path, `@attribute` for attributes, below the root.
        field: String,
        /// The file.
        file: String,
        /// In the file (`None`: absent).
        from: Option<String>,
        /// In the build (`None`: absent).
        to: Option<String>,
    },
    /// The XML says the same, but the bytes differ.
    BytesDiffer {
        /// The file, or `None` for the zip as a whole.
        file: Option<String>,
    },
}

impl Drift {
    /// The line `--check` prints for it, without the target's name.
    pub fn describe(&self) -> String {
        match self {
            Drift::TargetMissing { message: None } => {
                "missing; `dvrole generate` creates it".into()
            }
            Drift::TargetMissing {
                message: Some(message),
            } => format!("missing; {message}"),
            Drift::TargetUnreadable { message } => message.clone(),
            Drift::MissingFile { file } => format!("{file}: missing file"),
            Drift::StrayFile { file } => format!("{file}: stray file, which dvrole does not write"),
            Drift::UnreadableFile { file, message } => format!("{file}: {message}"),
            Drift::PrivilegeAdded { file, privilege, depth } => {
                format!("{file}: privilege {privilege} added ({depth})")
            }
            Drift::PrivilegeRemoved { file, privilege, depth } => {
                format!("{file}: privilege {privilege} removed (was {depth})")
            }
            Drift::DepthChanged { file, privilege, from, to } => {
                format!("{file}: privilege {privilege} depth changed {from} -> {to}")
            }
            Drift::RoleChanged { file, field, from, to } => {
                format!("{file}: role {field} changed '{from}' -> '{to}'")
            }
            Drift::FieldChanged { file, field, from, to } => match (from, to) {
                (Some(f), Some(t)) => format!("{file}: {field} changed '{f}' -> '{t}'"),
                (None, Some(t)) => format!("{file}: {field} added '{t}'"),
                (Some(f), None) => format!("{file}: {field} removed (was '{f}')"),
                (None, None) => format!("{file}: {field} differs"),
            },
            Drift::BytesDiffer { file: Some(file) } => format!(
                "{file}: bytes differ, but the XML says the same (line endings, byte order mark, spacing or attribute order)"
            ),
            Drift::BytesDiffer { file: None } => {
                "zip bytes differ (entry order, compression or timestamps), but every file is the same".into()
            }
        }
    }
}

/// The drift of an output that is not there, saying what writing it would take.
fn missing(path: &Path) -> Drift {
    let message = match Parent::of(path) {
        Parent::Exists => None,
        Parent::Missing(dirs) => {
            let names: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
            Some(if names.len() == 1 {
                format!(
                    "the folder {} does not exist either; `dvrole generate` creates both",
                    names.join(", ")
                )
            } else {
                format!(
                    "the folders {} do not exist either; `dvrole generate` creates them",
                    names.join(", ")
                )
            })
        }
        Parent::Blocked(file) => Some(format!(
            "{} is a file, not a folder, so `dvrole generate` cannot write it; remove the file or name another path",
            file.display()
        )),
    };
    Drift::TargetMissing { message }
}

/// Compares what is at `target.path` with `target`'s content. Reads only; an empty result
/// means identical.
pub fn check(target: &Target) -> Vec<Drift> {
    let path = &target.path;
    match &target.content {
        Content::Zip { bytes, parts } => match fs::symlink_metadata(path) {
            Err(_) => vec![missing(path)],
            Ok(m) if !m.is_file() => vec![Drift::TargetUnreadable {
                message: "is not a file; expected a solution zip".into(),
            }],
            Ok(_) if same_file_bytes(path, bytes) => Vec::new(),
            Ok(_) => match unzip(path, parts) {
                Err(message) => vec![Drift::TargetUnreadable { message }],
                Ok((files, oversized)) => {
                    let mut drift = compare_files(parts, &files, &oversized);
                    let order: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
                    let want: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
                    if drift.is_empty()
                        || (order != want
                            && drift.iter().all(|d| matches!(d, Drift::BytesDiffer { .. })))
                    {
                        drift.push(Drift::BytesDiffer { file: None });
                    }
                    drift
                }
            },
        },
        Content::Folder(parts) => match fs::symlink_metadata(path) {
            Err(_) => vec![missing(path)],
            Ok(m) if !m.is_dir() => vec![Drift::TargetUnreadable {
                message: "is not a folder; expected the source-control layout (Other/, Roles/)"
                    .into(),
            }],
            Ok(_) => {
                let mut files = Vec::new();
                let mut problems = Vec::new();
                list_folder(path, "", &mut files, &mut problems);
                let mut drift = compare_files(parts, &files, &[]);
                drift.extend(problems);
                drift
            }
        },
    }
}

/// Reads a target file for comparison, refusing one larger than dvrole could have written.
fn read_target(path: &Path) -> Result<Vec<u8>, String> {
    // Only regular files are read: a FIFO, a device or a socket met in a target folder is
    // reported as what it is, never opened for reading (it could wait forever).
    match open::read_capped(path, MAX_READ, Accept::Files) {
        Ok(bytes) => Ok(bytes),
        Err(OpenError::TooLarge(_)) => Err(format!(
            "is over {MAX_READ} bytes, far more than dvrole writes"
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// Whether the regular file at `path` holds exactly `bytes`, compared as a stream.
fn same_file_bytes(path: &Path, bytes: &[u8]) -> bool {
    let Ok(source) = open::open(path, Accept::Files) else {
        return false;
    };
    if source.file.metadata().map(|m| m.len()).ok() != Some(bytes.len() as u64) {
        return false;
    }
    same_stream(source.file, bytes)
}

/// Whether `reader` yields exactly `expected`; reads at most one byte past its length.
fn same_stream(reader: impl Read, expected: &[u8]) -> bool {
    let mut reader = reader.take(expected.len() as u64 + 1);
    let mut buf = [0u8; 64 * 1024];
    let mut at = 0usize;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return at == expected.len(),
            Ok(n) => {
                if expected.get(at..at + n) != buf.get(..n) {
                    return false;
                }
                at += n;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// The most bytes of one differing entry read for a comparison: far more than any part
/// dvrole writes.
const MAX_COMPARED_ENTRY: u64 = 16 << 20;

/// The entries of the zip at `path`, streamed from the file: an entry equal to the part of
/// the same name is compared as a stream and not kept (the part's bytes stand for it); a
/// differing one is read for the comparison up to [`MAX_COMPARED_ENTRY`] bytes, and one
/// larger is named in the second list instead. At most [`MAX_READ`] bytes are inflated.
#[allow(clippy::type_complexity)]
fn unzip(path: &Path, parts: &[Part]) -> Result<(Vec<(String, Vec<u8>)>, Vec<String>), String> {
    let source = open::open(path, Accept::Files).map_err(|e| e.to_string())?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(source.file))
        .map_err(|e| format!("is not a readable zip ({e})"))?;
    let mut files = Vec::new();
    let mut oversized = Vec::new();
    let mut total = 0u64;
    for i in 0..archive.len() {
        let (name, size, is_dir) = {
            let entry = archive
                .by_index(i)
                .map_err(|e| format!("entry {i} cannot be read ({e})"))?;
            let name = entry
                .name()
                .map(|n| n.into_owned())
                .map_err(|e| format!("entry {i} has an unreadable name ({e})"))?;
            (name, entry.size(), entry.is_dir())
        };
        if is_dir {
            files.push((name, Vec::new()));
            continue;
        }
        total = total.saturating_add(size.min(MAX_COMPARED_ENTRY + 1));
        if total > MAX_READ {
            return Err(format!(
                "holds over {MAX_READ} bytes, far more than dvrole writes"
            ));
        }
        let unreadable = |e: zip::result::ZipError| format!("entry {i} cannot be read ({e})");
        if let Some(part) = parts.iter().find(|p| p.name == name) {
            if size == part.bytes.len() as u64
                && same_stream(archive.by_index(i).map_err(unreadable)?, &part.bytes)
            {
                files.push((name, part.bytes.clone()));
                continue;
            }
        }
        let mut entry = archive
            .by_index(i)
            .map_err(unreadable)?
            .take(MAX_COMPARED_ENTRY + 1);
        let mut data = Vec::new();
        entry
            .read_to_end(&mut data)
            .map_err(|e| format!("{name} cannot be read ({e})"))?;
        if data.len() as u64 > MAX_COMPARED_ENTRY {
            oversized.push(name.clone());
            data = Vec::new();
        }
        files.push((name, data));
    }
    Ok((files, oversized))
}

/// Lists every file under `dir`, with paths relative to the target and `/` separators.
/// Symbolic links are never descended into as folders: each is listed as a file holding
/// what it points to, and one that points to a folder or nowhere is reported unreadable.
fn list_folder(
    dir: &Path,
    prefix: &str,
    files: &mut Vec<(String, Vec<u8>)>,
    problems: &mut Vec<Drift>,
) {
    let Ok(entries) = fs::read_dir(dir) else {
        problems.push(Drift::TargetUnreadable {
            message: format!("{} cannot be read", dir.display()),
        });
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        match entry.file_type() {
            Ok(t) if t.is_dir() => list_folder(&entry.path(), &format!("{name}/"), files, problems),
            _ => match read_target(&entry.path()) {
                Ok(bytes) => files.push((name, bytes)),
                Err(message) => problems.push(Drift::UnreadableFile {
                    file: name,
                    message,
                }),
            },
        }
    }
}

/// Compares the files by name: missing, stray, then each file's content.
pub(crate) fn compare_files(
    expected: &[Part],
    actual: &[(String, Vec<u8>)],
    oversized: &[String],
) -> Vec<Drift> {
    let mut drift = Vec::new();
    let have: BTreeMap<&str, &[u8]> = actual
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    for part in expected {
        match have.get(part.name.as_str()) {
            None => drift.push(Drift::MissingFile {
                file: part.name.clone(),
            }),
            Some(_) if oversized.contains(&part.name) => drift.push(Drift::UnreadableFile {
                file: part.name.clone(),
                message: format!("is over {MAX_COMPARED_ENTRY} bytes, far more than dvrole writes"),
            }),
            Some(bytes) if *bytes == part.bytes.as_slice() => {}
            Some(bytes) => drift.extend(compare_xml(&part.name, bytes, &part.bytes)),
        }
    }
    for (name, _) in actual {
        if !expected.iter().any(|p| p.name == *name) {
            drift.push(Drift::StrayFile { file: name.clone() });
        }
    }
    drift
}

/// Compares two versions of one XML file: roles first, then every other element and
/// attribute, then the bytes.
fn compare_xml(file: &str, actual: &[u8], expected: &[u8]) -> Vec<Drift> {
    let unreadable = |p: XmlProblem| Drift::UnreadableFile {
        file: file.to_string(),
        message: format!("not readable XML at byte {}: {}", p.offset, p.message),
    };
    let (want_roles, want_flat) = match (roles_of(expected), flatten(expected)) {
        (Ok(r), Ok(f)) => (r, f),
        _ => {
            return vec![Drift::BytesDiffer {
                file: Some(file.to_string()),
            }]
        }
    };
    let have_roles = match roles_of(actual) {
        Ok(r) => r,
        Err(p) => return vec![unreadable(p)],
    };
    let have_flat = match flatten(actual) {
        Ok(f) => f,
        Err(p) => return vec![unreadable(p)],
    };
    let mut drift = compare_roles(file, &have_roles, &want_roles);
    let skip = |k: &str| is_role_key(k);
    let keys: std::collections::BTreeSet<&String> =
        have_flat.keys().chain(want_flat.keys()).collect();
    for key in keys {
        if skip(key) {
            continue;
        }
        let from = have_flat.get(key);
        let to = want_flat.get(key);
        if from != to {
            drift.push(Drift::FieldChanged {
                file: file.to_string(),
                field: key.clone(),
                from: from.cloned(),
                to: to.cloned(),
            });
        }
    }
    if drift.is_empty() {
        drift.push(Drift::BytesDiffer {
            file: Some(file.to_string()),
        });
    }
    drift
}

/// Keys the role comparison covers: the role element in customizations.xml, or a role
/// file's id, name and privileges.
fn is_role_key(key: &str) -> bool {
    key.starts_with("Roles/Role")
        || key == "@id"
        || key == "@name"
        || key.starts_with("RolePrivileges")
}

fn roles_of(bytes: &[u8]) -> Result<Vec<RoleRecord>, XmlProblem> {
    let mut roles = Vec::new();
    read_roles(bytes, |r| roles.push(r.clone()))?;
    Ok(roles)
}

fn compare_roles(file: &str, have: &[RoleRecord], want: &[RoleRecord]) -> Vec<Drift> {
    let mut drift = Vec::new();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    if have.len() != want.len() {
        drift.push(Drift::RoleChanged {
            file: file.to_string(),
            field: "count".into(),
            from: have.len().to_string(),
            to: want.len().to_string(),
        });
    }
    for (i, w) in want.iter().enumerate() {
        let h = have
            .iter()
            .find(|h| {
                h.id.as_deref().map(str::to_ascii_lowercase)
                    == w.id.as_deref().map(str::to_ascii_lowercase)
            })
            .or_else(|| have.get(i));
        let Some(h) = h else {
            continue;
        };
        let same_id = h.id.as_deref().map(str::to_ascii_lowercase)
            == w.id.as_deref().map(str::to_ascii_lowercase);
        if !same_id {
            drift.push(Drift::RoleChanged {
                file: file.to_string(),
                field: "id".into(),
                from: text(&h.id),
                to: text(&w.id),
            });
        }
        if h.name != w.name {
            drift.push(Drift::RoleChanged {
                file: file.to_string(),
                field: "name".into(),
                from: text(&h.name),
                to: text(&w.name),
            });
        }
        let levels = |r: &RoleRecord| -> BTreeMap<String, (String, String)> {
            r.privileges
                .iter()
                .map(|p| {
                    let name = text(&p.name);
                    (name.to_ascii_lowercase(), (name, text(&p.level)))
                })
                .collect()
        };
        let (hl, wl) = (levels(h), levels(w));
        for (key, (name, level)) in &wl {
            match hl.get(key) {
                None => drift.push(Drift::PrivilegeAdded {
                    file: file.to_string(),
                    privilege: name.clone(),
                    depth: level.clone(),
                }),
                Some((_, old)) if old != level => drift.push(Drift::DepthChanged {
                    file: file.to_string(),
                    privilege: name.clone(),
                    from: old.clone(),
                    to: level.clone(),
                }),
                Some(_) => {}
            }
        }
        for (key, (name, level)) in &hl {
            if !wl.contains_key(key) {
                drift.push(Drift::PrivilegeRemoved {
                    file: file.to_string(),
                    privilege: name.clone(),
                    depth: level.clone(),
                });
            }
        }
    }
    drift
}

/// Every element's text and every attribute, keyed by path below the root
/// (`SolutionManifest/Version`, `SolutionManifest/Publisher/Addresses/Address[2]/City`,
/// `@languagecode`). Repeated siblings are numbered from the second on.
fn flatten(bytes: &[u8]) -> Result<BTreeMap<String, String>, XmlProblem> {
    let mut v = Flatten::default();
    walk(bytes, &mut v)?;
    Ok(v.values)
}

#[derive(Default)]
struct Flatten {
    /// Path segments of the open elements (the root is not part of keys).
    stack: Vec<String>,
    /// Per open element, how many children of each name it has had.
    counts: Vec<BTreeMap<String, usize>>,
    values: BTreeMap<String, String>,
}

impl Flatten {
    fn key(&self, tail: &str) -> String {
        let mut parts: Vec<&str> = self.stack.iter().skip(1).map(String::as_str).collect();
        if !tail.is_empty() {
            parts.push(tail);
        }
        parts.join("/")
    }
}

impl Visitor for Flatten {
    fn open(
        &mut self,
        _path: &[String],
        _depth: usize,
        e: &BytesStart<'_>,
        offset: u64,
    ) -> Result<(), XmlProblem> {
        let name = e.name().as_ref().to_string();
        let n = match self.counts.last_mut() {
            Some(c) => {
                let n = c.entry(name.clone()).or_insert(0);
                *n += 1;
                *n
            }
            None => 1,
        };
        let segment = if n > 1 { format!("{name}[{n}]") } else { name };
        self.stack.push(segment);
        self.counts.push(BTreeMap::new());
        for attr in e.attributes() {
            let attr = attr.map_err(|err| XmlProblem {
                offset,
                message: format!("malformed attribute: {err}"),
                unreadable: false,
            })?;
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_default();
            let key = self.key(&format!("@{}", attr.key.as_ref()));
            self.values.insert(key, value);
        }
        Ok(())
    }

    fn close(&mut self, _depth: usize) -> Result<(), XmlProblem> {
        self.stack.pop();
        self.counts.pop();
        Ok(())
    }

    fn text(&mut self, _path: &[String], _depth: usize, text: &str) {
        let t = text.trim();
        if t.is_empty() {
            return;
        }
        let key = self.key("");
        self.values.entry(key).or_default().push_str(t);
    }
}
