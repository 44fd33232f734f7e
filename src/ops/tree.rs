//! `--into TREE`: adds or updates roles in an existing SolutionPackager / `pac solution
//! unpack` source tree, touching only `Roles/<file>.xml` and one new line per role in
//! `Other/Solution.xml`, every file written beside its target and renamed at the end.

use std::fs;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use quick_xml::Reader;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::existing::ExistingRole;
use crate::model::guid;
use crate::open::{read_capped, Accept, OpenError};
use crate::ops::drift::{compare_files, Drift};
use crate::package::commit::WritePlan;
use crate::package::input::{Input, InputShape};
use crate::package::output_path;
use crate::package::read::Limits;
use crate::package::whole;
use crate::package::write::Part;
use crate::part::role_file;
use crate::part::role_file::SOURCE_ROLES;
use crate::part::role_xml::Style;
use crate::part::solution::{read_manifest, SOURCE_SOLUTION};
use crate::xml::walk::positions_in;

/// The component type of a role in a solution manifest.
const ROLE_TYPE: &str = "20";

/// An open source tree: its manifest and the roles its `Roles/` holds.
#[derive(Debug, Clone)]
pub struct Tree {
    /// The tree's folder.
    pub path: PathBuf,
    /// `Other/Solution.xml` as it is.
    pub manifest: Vec<u8>,
    /// The publisher's unique name in the manifest.
    pub publisher: Option<String>,
    /// The role ids declared as root components.
    pub declared: Vec<Uuid>,
    /// The roles of `Roles/*.xml`.
    pub roles: Vec<ExistingRole>,
}

fn bad_tree(path: &Path, message: impl Into<String>) -> Error {
    Error::Unreadable {
        input: path.display().to_string(),
        message: message.into(),
    }
}

/// Opens the source tree at `path`: it must be a folder whose `Other/Solution.xml` is a
/// well-formed solution manifest; every role file in `Roles/` must be readable.
pub fn open(path: &Path, limits: Limits) -> Result<Tree> {
    if !path.is_dir() {
        return Err(bad_tree(
            path,
            "is not a folder; --into takes a SolutionPackager or pac solution unpack source folder (Other/Solution.xml, Roles/)",
        ));
    }
    let manifest_path = path.join(SOURCE_SOLUTION);
    if !manifest_path.is_file() {
        return Err(bad_tree(
            path,
            "holds no Other/Solution.xml, so it is not a source folder; give the folder pac solution unpack wrote",
        ));
    }
    let manifest = match read_capped(&manifest_path, limits.max_entry_bytes, Accept::Files) {
        Ok(bytes) => bytes,
        Err(OpenError::TooLarge(_)) => {
            return Err(bad_tree(
                &manifest_path,
                format!(
                    "is larger than the {}-byte limit; raise it with --max-entry-size if the file is genuine",
                    limits.max_entry_bytes
                ),
            ))
        }
        Err(e) => return Err(bad_tree(&manifest_path, e.to_string())),
    };
    let record = read_manifest(manifest.as_slice()).map_err(|p| {
        let (line, column) = positions_in(manifest.as_slice(), &[p.offset])
            .first()
            .copied()
            .unwrap_or((0, 0));
        Error::Unreadable {
            input: format!("{}:{line}:{column}", manifest_path.display()),
            message: p.message,
        }
    })?;
    if record.root != "ImportExportXml" || !record.has_manifest {
        return Err(bad_tree(
            &manifest_path,
            "is not a solution manifest (<ImportExportXml> with <SolutionManifest>)",
        ));
    }
    let declared = record
        .root_components
        .iter()
        .filter(|c| c.component_type.as_deref().map(str::trim) == Some(ROLE_TYPE))
        .filter_map(|c| c.id.as_deref().and_then(|i| guid::parse(i.trim())))
        .collect();
    let mut input = Input::open(path, limits)?;
    if input.shape() != InputShape::SourceFolder {
        return Err(Error::Internal(format!(
            "{} has Other/Solution.xml but was not read as a source folder",
            path.display()
        )));
    }
    let roles = whole::roles_of(&mut input)?
        .into_iter()
        .filter(|r| r.part.starts_with(&format!("{SOURCE_ROLES}/")))
        .collect();
    Ok(Tree {
        path: path.to_path_buf(),
        manifest,
        publisher: record.publisher.filter(|p| !p.trim().is_empty()),
        declared,
        roles,
    })
}

/// A role to put into a tree: its id and name, and its role file as dvrole writes it
/// (BOM, CRLF), restyled to the tree's conventions when written.
#[derive(Debug, Clone)]
pub struct IntoRole {
    /// The role's id.
    pub id: Uuid,
    /// The role's name.
    pub name: String,
    /// How many privileges it holds.
    pub privileges: usize,
    /// The role file.
    pub file: Vec<u8>,
}

/// What happens to one file of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A new file.
    Added,
    /// An existing file gets new bytes.
    Updated,
    /// The file already holds exactly these bytes.
    Unchanged,
}

impl Change {
    /// `added`, `updated` or `unchanged`.
    pub fn name(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Updated => "updated",
            Change::Unchanged => "unchanged",
        }
    }
}

/// One file of the tree that `--into` writes.
#[derive(Debug, Clone)]
pub struct TreeFile {
    /// Its path inside the tree, with `/` separators.
    pub name: String,
    /// Its bytes now, if it exists.
    pub before: Option<Vec<u8>>,
    /// Its bytes after.
    pub after: Vec<u8>,
    /// The role it holds (for role files).
    pub role: Option<(Uuid, String, usize)>,
    /// For the manifest: the role ids it newly declares.
    pub declares: Vec<Uuid>,
}

impl TreeFile {
    /// What writing it changes.
    pub fn change(&self) -> Change {
        match &self.before {
            None => Change::Added,
            Some(b) if *b == self.after => Change::Unchanged,
            Some(_) => Change::Updated,
        }
    }
}

/// Everything `--into` would write to a tree.
#[derive(Debug, Clone)]
pub struct TreePlan {
    /// The tree's folder.
    pub path: PathBuf,
    /// The role files, then the manifest.
    pub files: Vec<TreeFile>,
}

impl TreePlan {
    /// Whether anything would change.
    pub fn changes_anything(&self) -> bool {
        self.files.iter().any(|f| f.change() != Change::Unchanged)
    }
}

/// Plans putting `roles` into `tree`: a role file that already holds the same id is
/// rewritten in place, whatever its name, in its own bytes conventions; any other role gets
/// `Roles/<name>.xml`, named as `--format folder` names them, in the conventions of the
/// tree's other role files. Each id the manifest does not declare gets one new
/// `<RootComponent>` line.
pub fn plan(tree: &Tree, roles: &[IntoRole]) -> Result<TreePlan> {
    let new_style = tree
        .roles
        .first()
        .and_then(|r| fs::read(tree.path.join(&r.part)).ok())
        .map(|b| Style::of(&b))
        .unwrap_or(Style {
            bom: true,
            ..Style::of(&tree.manifest)
        });
    let mut files: Vec<TreeFile> = Vec::new();
    for role in roles {
        let (name, before) = match tree.roles.iter().find(|r| r.id == role.id) {
            Some(existing) => {
                let path = tree.path.join(&existing.part);
                let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
                (existing.part.clone(), Some(bytes))
            }
            None => {
                let name = format!("{SOURCE_ROLES}/{}", role_file::file_name(&role.name));
                if let Some(other) = tree
                    .roles
                    .iter()
                    .find(|r| r.part.eq_ignore_ascii_case(&name))
                {
                    return Err(Error::Conflict(format!(
                        "{}: holds role '{}' {}, not {}; Dataverse refuses two roles of one name, so give this role another name or --role-id {}",
                        tree.path.join(&other.part).display(),
                        other.name,
                        guid::braced(other.id),
                        guid::braced(role.id),
                        guid::braced(other.id)
                    )));
                }
                let path = tree.path.join(&name);
                if path.exists() {
                    return Err(Error::Conflict(format!(
                        "{}: exists but holds no readable role; move it away or fix it first",
                        path.display()
                    )));
                }
                (name, None)
            }
        };
        if files.iter().any(|f| f.name.eq_ignore_ascii_case(&name)) {
            return Err(Error::Conflict(format!(
                "two roles would both be written to {name}; put them in one at a time with --role"
            )));
        }
        let style = before.as_deref().map_or(new_style, Style::of);
        files.push(TreeFile {
            name,
            after: style.apply(&role.file)?,
            before,
            role: Some((role.id, role.name.clone(), role.privileges)),
            declares: Vec::new(),
        });
    }
    let mut missing: Vec<Uuid> = Vec::new();
    for role in roles {
        if !tree.declared.contains(&role.id) && !missing.contains(&role.id) {
            missing.push(role.id);
        }
    }
    let manifest_path = tree.path.join(SOURCE_SOLUTION);
    let after = add_root_components(&tree.manifest, &missing)
        .map_err(|message| bad_tree(&manifest_path, message))?;
    files.push(TreeFile {
        name: SOURCE_SOLUTION.to_string(),
        before: Some(tree.manifest.clone()),
        after,
        role: None,
        declares: missing,
    });
    Ok(TreePlan {
        path: tree.path.clone(),
        files,
    })
}

/// What `--check --into` reports: each role file that would be added or would change, and
/// each root component the manifest lacks. Empty when the tree is up to date.
pub fn drift(plan: &TreePlan) -> Vec<Drift> {
    let mut drift = Vec::new();
    for file in &plan.files {
        if file.change() == Change::Unchanged {
            continue;
        }
        if file.name == SOURCE_SOLUTION {
            for id in &file.declares {
                drift.push(Drift::FieldChanged {
                    file: file.name.clone(),
                    field: "SolutionManifest/RootComponents/RootComponent[@type=20]/@id".into(),
                    from: None,
                    to: Some(guid::braced(*id)),
                });
            }
            continue;
        }
        let expected = [Part {
            name: file.name.clone(),
            bytes: file.after.clone(),
        }];
        let actual: Vec<(String, Vec<u8>)> = file
            .before
            .iter()
            .map(|b| (file.name.clone(), b.clone()))
            .collect();
        drift.extend(compare_files(&expected, &actual, &[]));
    }
    drift
}

/// Writes every file of `plan` that changes: each is written and flushed beside its target
/// first; only when all are ready are they renamed into place. A failure before the renames
/// leaves the tree as it was; a failed rename puts back the files already renamed.
/// Returns how many files changed.
pub fn commit(plan: &TreePlan) -> Result<usize> {
    let mut writes = WritePlan::new();
    for file in &plan.files {
        if file.change() != Change::Unchanged {
            writes.file(plan.path.join(&file.name), file.after.clone());
        }
    }
    let count = writes.targets().count();
    writes.check_existing()?;
    // A tree without Roles/ gets one; it is removed again if the commit fails.
    let created = output_path::create_parents(writes.targets())?;
    writes.commit()?;
    created.keep();
    Ok(count)
}

/// Where one element is in the manifest's bytes.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

/// The manifest with one `<RootComponent type="20" id="{id}" behavior="0" />` line per id
/// added at the end of `<RootComponents>`, in the file's own style: the indentation of the
/// components already there, their quotes and their ` />`, the file's line endings. No
/// other byte changes. With no ids, the bytes as they are.
pub fn add_root_components(bytes: &[u8], ids: &[Uuid]) -> Result<Vec<u8>, String> {
    if ids.is_empty() {
        return Ok(bytes.to_vec());
    }
    let after = splice_root_components(bytes, ids)?;
    // What is written is read back first: a manifest that reads, with exactly the new root
    // components more. An input the reader let through but whose style cannot be copied
    // faithfully (a malformed attribute the manifest reader never looks at) is refused
    // rather than written broken.
    let before = read_manifest(bytes).map(|m| m.root_components.len()).ok();
    match read_manifest(after.as_slice()) {
        Ok(m) if before.is_none_or(|n| m.root_components.len() == n + ids.len()) => Ok(after),
        Ok(_) => Err("the new root component could not be added in the file's own style; add it by hand or rewrite the file with pac solution unpack".to_string()),
        Err(p) => Err(format!(
            "adding the root component in the file's own style would not give well-formed XML ({}); check the <RootComponent> lines, or rewrite the file with pac solution unpack",
            p.message
        )),
    }
}

/// [`add_root_components`] before the read-back: the new lines spliced in after the last
/// root component, in its style.
fn splice_root_components(bytes: &[u8], ids: &[Uuid]) -> Result<Vec<u8>, String> {
    const PARENT: [&[u8]; 3] = [b"ImportExportXml", b"SolutionManifest", b"RootComponents"];
    // The reader is given the bytes after any byte order mark, which it would otherwise
    // skip without counting; positions are shifted back by its length.
    let bom = if bytes.starts_with(crate::xml::BOM) {
        crate::xml::BOM.len()
    } else {
        0
    };
    let mut reader = Reader::from_reader(bytes.get(bom..).unwrap_or_default());
    let mut buf = Vec::new();
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut list: Option<Span> = None;
    let mut empty_list: Option<Span> = None;
    let mut close: Option<usize> = None;
    let mut last_child: Option<Span> = None;
    let mut child_start = 0usize;
    let at = |path: &[Vec<u8>], names: &[&[u8]]| {
        path.len() == names.len() && path.iter().zip(names).all(|(a, b)| a.as_slice() == *b)
    };
    loop {
        let start = usize::try_from(reader.buffer_position()).map_or(usize::MAX, |p| p + bom);
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("not well-formed XML: {e}"))?;
        let end = usize::try_from(reader.buffer_position()).map_or(usize::MAX, |p| p + bom);
        match event {
            Event::Start(e) => {
                let name = e.name().as_ref().as_bytes().to_vec();
                if at(&path, &PARENT) && name == b"RootComponent" {
                    child_start = start;
                }
                path.push(name);
                if at(&path, &PARENT) && list.is_none() {
                    list = Some(Span { start, end });
                }
            }
            Event::Empty(e) => {
                let qname = e.name();
                let name = qname.as_ref().as_bytes();
                if at(&path, &PARENT) && name == b"RootComponent" {
                    last_child = Some(Span { start, end });
                }
                if at(&path, &PARENT[..2]) && name == b"RootComponents" && list.is_none() {
                    empty_list = Some(Span { start, end });
                }
            }
            Event::End(_) => {
                if at(&path, &PARENT) && close.is_none() && list.is_some() {
                    close = Some(start);
                }
                let closed = path.pop();
                if at(&path, &PARENT) && closed.as_deref() == Some(b"RootComponent".as_slice()) {
                    last_child = Some(Span {
                        start: child_start,
                        end,
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
        if close.is_some() {
            break;
        }
    }
    let file_eol = Style::of(bytes).eol();
    let indent_before = |pos: usize| -> Option<&[u8]> {
        let line_start = bytes
            .get(..pos)?
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let indent = bytes.get(line_start..pos)?;
        let indent = indent.strip_prefix(crate::xml::BOM).unwrap_or(indent);
        indent
            .iter()
            .all(|b| *b == b' ' || *b == b'\t')
            .then_some(indent)
    };
    let unit = |indent: &[u8]| -> Vec<u8> {
        if indent.first() == Some(&b'\t') {
            b"\t".to_vec()
        } else {
            b"  ".to_vec()
        }
    };
    let line_end_after = |pos: usize| -> Option<(usize, &'static str)> {
        let rest = bytes.get(pos..)?;
        let nl = rest.iter().position(|&b| b == b'\n')?;
        let between = rest.get(..nl)?;
        if !between.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
            return None;
        }
        let eol = if between.last() == Some(&b'\r') {
            "\r\n"
        } else {
            "\n"
        };
        Some((pos + nl + 1, eol))
    };
    // `sep` goes between the attributes: a space, or a line break and an indent where the
    // file puts each attribute on a line of its own.
    let lines = |indent: &[u8],
                 sep: &str,
                 quote: u8,
                 close_tag: &str,
                 eol: &str,
                 trailing: bool| {
        let mut out = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            out.extend_from_slice(indent);
            let q = char::from(quote);
            out.extend_from_slice(
                format!(
                    "<RootComponent{sep}type={q}20{q}{sep}id={q}{}{q}{sep}behavior={q}0{q}{close_tag}",
                    guid::braced(*id)
                )
                .as_bytes(),
            );
            if trailing || i + 1 < ids.len() {
                out.extend_from_slice(eol.as_bytes());
            }
        }
        out
    };
    let splice = |at: usize, until: usize, insert: &[u8]| -> Vec<u8> {
        let mut out = Vec::with_capacity(bytes.len() + insert.len());
        out.extend_from_slice(bytes.get(..at).unwrap_or(bytes));
        out.extend_from_slice(insert);
        out.extend_from_slice(bytes.get(until..).unwrap_or_default());
        out
    };
    if let Some(child) = last_child {
        let raw = bytes.get(child.start..child.end).unwrap_or_default();
        let quote = raw
            .iter()
            .find(|b| **b == b'"' || **b == b'\'')
            .copied()
            .unwrap_or(b'"');
        let close_tag = if raw.ends_with(b" />") || !raw.ends_with(b"/>") {
            " />"
        } else {
            "/>"
        };
        let sep = match raw.iter().position(|&b| b == b'\n') {
            Some(nl) => {
                let rest = raw.get(nl + 1..).unwrap_or_default();
                let width = rest
                    .iter()
                    .take_while(|b| **b == b' ' || **b == b'\t')
                    .count();
                let eol = if nl > 0 && raw.get(nl - 1) == Some(&b'\r') {
                    "\r\n"
                } else {
                    "\n"
                };
                format!(
                    "{eol}{}",
                    String::from_utf8_lossy(rest.get(..width).unwrap_or_default())
                )
            }
            None => " ".to_string(),
        };
        return Ok(
            match (indent_before(child.start), line_end_after(child.end)) {
                (Some(indent), Some((next_line, eol))) => splice(
                    next_line,
                    next_line,
                    &lines(indent, &sep, quote, close_tag, eol, true),
                ),
                _ => splice(
                    child.end,
                    child.end,
                    &lines(b"", &sep, quote, close_tag, file_eol, false),
                ),
            },
        );
    }
    if let (Some(list), Some(close)) = (list, close) {
        let outer = indent_before(list.start).unwrap_or_default();
        let mut inner = outer.to_vec();
        inner.extend(unit(outer));
        return Ok(match indent_before(close) {
            Some(close_indent) if line_end_after(list.end).is_some() => {
                let line_start = close - close_indent.len();
                let mut indent = close_indent.to_vec();
                indent.extend(unit(close_indent));
                splice(
                    line_start,
                    line_start,
                    &lines(&indent, " ", b'"', " />", file_eol, true),
                )
            }
            _ => {
                let mut insert = file_eol.as_bytes().to_vec();
                insert.extend(lines(&inner, " ", b'"', " />", file_eol, true));
                insert.extend_from_slice(outer);
                splice(close, close, &insert)
            }
        });
    }
    if let Some(empty) = empty_list {
        let outer = indent_before(empty.start).unwrap_or_default();
        let mut inner = outer.to_vec();
        inner.extend(unit(outer));
        let mut insert = b"<RootComponents>".to_vec();
        insert.extend_from_slice(file_eol.as_bytes());
        insert.extend(lines(&inner, " ", b'"', " />", file_eol, true));
        insert.extend_from_slice(outer);
        insert.extend_from_slice(b"</RootComponents>");
        return Ok(splice(empty.start, empty.end, &insert));
    }
    Err("has no <RootComponents> in <SolutionManifest>, so the role cannot be declared; add <RootComponents /> there first".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::part::solution::read_manifest;

    const ID: Uuid = Uuid::from_u128(0xabc);

    fn add(text: &str) -> String {
        String::from_utf8(add_root_components(text.as_bytes(), &[ID]).unwrap()).unwrap()
    }

    #[test]
    fn a_new_line_follows_the_last_component_in_its_style() {
        let crlf = "<ImportExportXml>\r\n  <SolutionManifest>\r\n    <RootComponents>\r\n      <RootComponent type='1' schemaName='a'/>\r\n    </RootComponents>\r\n  </SolutionManifest>\r\n</ImportExportXml>";
        assert_eq!(
            add(crlf),
            crlf.replace(
                "a'/>\r\n",
                "a'/>\r\n      <RootComponent type='20' id='{00000000-0000-0000-0000-000000000abc}' behavior='0'/>\r\n"
            )
        );
        let lf = "<ImportExportXml>\n\t<SolutionManifest>\n\t\t<RootComponents>\n\t\t\t<RootComponent type=\"1\" id=\"{x}\" />\n\t\t</RootComponents>\n\t</SolutionManifest>\n</ImportExportXml>\n";
        assert_eq!(
            add(lf),
            lf.replace(
                "{x}\" />\n",
                "{x}\" />\n\t\t\t<RootComponent type=\"20\" id=\"{00000000-0000-0000-0000-000000000abc}\" behavior=\"0\" />\n"
            )
        );
    }

    #[test]
    fn one_attribute_a_line_stays_so() {
        let text = "<ImportExportXml>\n  <SolutionManifest>\n    <RootComponents>\n      <RootComponent\n        type=\"1\"\n        behavior=\"0\" />\n    </RootComponents>\n  </SolutionManifest>\n</ImportExportXml>";
        assert_eq!(
            add(text),
            text.replace(
                "behavior=\"0\" />\n",
                "behavior=\"0\" />\n      <RootComponent\n        type=\"20\"\n        id=\"{00000000-0000-0000-0000-000000000abc}\"\n        behavior=\"0\" />\n"
            )
        );
    }

    #[test]
    fn a_byte_order_mark_does_not_shift_the_line() {
        let text = "\u{feff}<ImportExportXml>\r\n  <SolutionManifest>\r\n    <RootComponents>\r\n      <RootComponent type=\"20\" id=\"{x}\" />\r\n    </RootComponents>\r\n  </SolutionManifest>\r\n</ImportExportXml>";
        assert_eq!(
            add(text),
            text.replace(
                "{x}\" />\r\n",
                "{x}\" />\r\n      <RootComponent type=\"20\" id=\"{00000000-0000-0000-0000-000000000abc}\" behavior=\"0\" />\r\n"
            )
        );
    }

    #[test]
    fn empty_lists_are_opened() {
        let empty = "<ImportExportXml>\n  <SolutionManifest>\n    <RootComponents />\n  </SolutionManifest>\n</ImportExportXml>";
        assert_eq!(
            add(empty),
            empty.replace(
                "<RootComponents />",
                "<RootComponents>\n      <RootComponent type=\"20\" id=\"{00000000-0000-0000-0000-000000000abc}\" behavior=\"0\" />\n    </RootComponents>"
            )
        );
        let open = "<ImportExportXml>\n  <SolutionManifest>\n    <RootComponents>\n    </RootComponents>\n  </SolutionManifest>\n</ImportExportXml>";
        assert_eq!(
            add(open),
            open.replace(
                "<RootComponents>\n",
                "<RootComponents>\n      <RootComponent type=\"20\" id=\"{00000000-0000-0000-0000-000000000abc}\" behavior=\"0\" />\n"
            )
        );
        let one_line = "<ImportExportXml><SolutionManifest><RootComponents></RootComponents></SolutionManifest></ImportExportXml>";
        assert!(add(one_line).contains("<RootComponents>\n  <RootComponent type=\"20\""));
    }

    #[test]
    fn a_manifest_without_the_list_is_refused_and_no_ids_change_nothing() {
        let none = b"<ImportExportXml><SolutionManifest/></ImportExportXml>";
        assert!(add_root_components(none, &[ID]).is_err());
        assert_eq!(add_root_components(none, &[]).unwrap(), none);
    }

    #[test]
    fn components_elsewhere_are_not_the_list() {
        let text = "<ImportExportXml>\n  <SolutionManifest>\n    <RootComponents>\n      <RootComponent type=\"1\" />\n    </RootComponents>\n    <MissingDependencies>\n      <RootComponents><RootComponent type=\"9\" /></RootComponents>\n    </MissingDependencies>\n  </SolutionManifest>\n</ImportExportXml>";
        let out = add(text);
        assert_eq!(out.matches("type=\"20\"").count(), 1);
        assert!(out.contains("type=\"1\" />\n      <RootComponent type=\"20\""));
    }

    proptest::proptest! {
        /// Whatever the manifest's style (BOM, line endings, indentation, quotes, how many
        /// components, an empty list), the result is the manifest with the new component
        /// added in one place, still well-formed, declaring the role once.
        #[test]
        fn the_manifest_changes_only_by_the_new_component(
            bom in proptest::bool::ANY,
            crlf in proptest::bool::ANY,
            tabs in proptest::bool::ANY,
            single in proptest::bool::ANY,
            tight in proptest::bool::ANY,
            count in 0usize..4,
            empty_form in proptest::bool::ANY,
        ) {
            let eol = if crlf { "\r\n" } else { "\n" };
            let unit = if tabs { "\t" } else { "  " };
            let q = if single { '\'' } else { '"' };
            let close = if tight { "/>" } else { " />" };
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            text.push_str(&format!("<?xml version={q}1.0{q}?>{eol}<ImportExportXml>{eol}{unit}<SolutionManifest>{eol}"));
            text.push_str(&format!("{unit}{unit}<UniqueName>S</UniqueName>{eol}"));
            if count == 0 && empty_form {
                text.push_str(&format!("{unit}{unit}<RootComponents{close}{eol}"));
            } else {
                text.push_str(&format!("{unit}{unit}<RootComponents>{eol}"));
                for i in 0..count {
                    text.push_str(&format!("{unit}{unit}{unit}<RootComponent type={q}1{q} schemaName={q}t{i}{q}{close}{eol}"));
                }
                text.push_str(&format!("{unit}{unit}</RootComponents>{eol}"));
            }
            text.push_str(&format!("{unit}</SolutionManifest>{eol}</ImportExportXml>{eol}"));
            let out = add_root_components(text.as_bytes(), &[ID]).unwrap();
            let record = read_manifest(out.as_slice()).unwrap();
            let roles: Vec<_> = record
                .root_components
                .iter()
                .filter(|c| c.component_type.as_deref() == Some("20"))
                .collect();
            proptest::prop_assert_eq!(roles.len(), 1);
            proptest::prop_assert_eq!(roles[0].id.as_deref(), Some("{00000000-0000-0000-0000-000000000abc}"));
            proptest::prop_assert_eq!(record.root_components.len(), count + 1);
            let out = String::from_utf8(out).unwrap();
            if !(count == 0 && empty_form) {
                // One insertion: a prefix and a suffix of the input, whole.
                let at = text.bytes().zip(out.bytes()).position(|(a, b)| a != b).unwrap_or(text.len());
                let inserted = out.len() - text.len();
                proptest::prop_assert_eq!(&out[..at], &text[..at]);
                proptest::prop_assert_eq!(&out[at + inserted..], &text[at..]);
                // The insertion is one line (where it starts is ambiguous by the indent).
                let line = &out[at..at + inserted];
                proptest::prop_assert_eq!(line.matches('\n').count(), 1, "{:?}", line);
            }
            proptest::prop_assert_eq!(out.contains("\r\n"), crlf);
            proptest::prop_assert_eq!(out.starts_with('\u{feff}'), bom);
        }
    }

    #[test]
    fn an_edit_that_would_not_read_back_is_refused() {
        // Found by fuzzing: a malformed attribute on the last root component, which the
        // manifest reader never parses, copied into the new line would break the file.
        let text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ImportExportXml>\n  <SolutionManifest>\n    <UniqueName>S</UniqueName>\n    <RootComponents>\n      <RootComponent type=\"20\" id=\"{8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968}\" behavior\"=0\" />\n    </RootComponents>\n  </SolutionManifest>\n</ImportExportXml>\n";
        let before = read_manifest(text.as_bytes()).map(|m| m.root_components.len());
        match add_root_components(text.as_bytes(), &[ID]) {
            Ok(after) => {
                let m = read_manifest(after.as_slice()).expect("what is returned reads back");
                assert_eq!(Ok(m.root_components.len()), before.map(|n| n + 1));
            }
            Err(message) => assert!(message.contains("pac solution unpack"), "{message}"),
        }
    }
}
