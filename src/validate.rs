//! `dvrole validate`: is this package sound?
//!
//! Checks what makes an import fail: the three root files, well-formed XML, every role with
//! a GUID id and a name, declared as a type-20 root component, every level one of the four,
//! and the depths of privileges dvrole knows. Newer exports carry elements and attributes
//! the public schema lacks (`isinherited`, `IsAutoAssigned`, ...); they are accepted.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::Serialize;
use uuid::Uuid;

use crate::catalogue::Catalogue;
use crate::content_types;
use crate::customizations;
use crate::depth::Depth;
use crate::error::{Error, Result};
use crate::guid;
use crate::read::{self, Limits, PackageReader, XmlProblem};
use crate::solution::ROLE_COMPONENT_TYPE;

/// The manifest's part name.
pub const SOLUTION_PART: &str = "solution.xml";

/// The root files a packed solution must hold, as Dataverse names them.
pub const REQUIRED_FILES: [&str; 3] = [
    customizations::PART_NAME,
    SOLUTION_PART,
    content_types::PART_NAME,
];

/// One problem in a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Where: the file, and `:line:column` where known.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

/// A role the package holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleSummary {
    /// The role's id as written.
    pub id: String,
    /// The role's name.
    pub name: String,
    /// How many privileges it holds.
    pub privileges: usize,
}

/// The outcome of validating one package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The package as named on the command line.
    pub input: String,
    /// Whether no problem was found.
    pub valid: bool,
    /// The roles found.
    pub roles: Vec<RoleSummary>,
    /// The problems found.
    pub findings: Vec<Finding>,
}

/// A finding before its byte offset is turned into a line and column.
struct Pending {
    file: &'static str,
    offset: Option<u64>,
    message: String,
}

struct Checker<'c> {
    catalogues: &'c [Catalogue],
    pending: Vec<Pending>,
}

impl Checker<'_> {
    fn add(&mut self, file: &'static str, offset: Option<u64>, message: impl Into<String>) {
        self.pending.push(Pending {
            file,
            offset,
            message: message.into(),
        });
    }

    /// A read problem becomes a finding, except bytes that cannot be read at all.
    fn xml(&mut self, reader: &PackageReader, file: &'static str, p: XmlProblem) -> Result<()> {
        if p.unreadable {
            return Err(Error::Unreadable {
                input: reader.location(file),
                message: p.message,
            });
        }
        self.add(file, Some(p.offset), p.message);
        Ok(())
    }

    fn allowed_depths(&self, privilege: &str) -> Option<(crate::depth::DepthSet, &str)> {
        self.catalogues
            .iter()
            .find_map(|c| c.get(privilege).map(|e| (e.allowed, c.name.as_str())))
    }
}

/// Validates the package at `path` (a zip, or a folder holding the three root files)
/// against the privileges the `catalogues` know.
pub fn validate_path(path: &Path, catalogues: &[Catalogue], limits: Limits) -> Result<Report> {
    let mut reader = PackageReader::open(path, limits)?;
    validate(&mut reader, catalogues)
}

/// Validates an open package.
pub fn validate(reader: &mut PackageReader, catalogues: &[Catalogue]) -> Result<Report> {
    let mut c = Checker {
        catalogues,
        pending: Vec::new(),
    };
    let present: HashSet<String> = reader.root_files().into_iter().collect();
    for name in REQUIRED_FILES {
        if present.contains(name) {
            continue;
        }
        let near = present.iter().find(|p| p.eq_ignore_ascii_case(name));
        let message = match near {
            Some(n) => format!("is named '{n}'; Dataverse expects exactly '{name}' at the package root"),
            None => "is missing; a solution package holds solution.xml, customizations.xml and [Content_Types].xml at its root".to_string(),
        };
        c.add(name, None, message);
    }

    if present.contains(content_types::PART_NAME) {
        let file = content_types::PART_NAME;
        let result = read::read_content_types(reader.open_entry(file)?);
        match result {
            Err(p) => c.xml(reader, file, p)?,
            Ok(ct) if ct.root != "Types" => {
                c.add(file, Some(0), format!("the root element is <{}>; expected <Types>", ct.root))
            }
            Ok(ct) if !ct.default_extensions.iter().any(|e| e.eq_ignore_ascii_case("xml")) => c.add(
                file,
                None,
                "declares no content type for the xml extension (<Default Extension=\"xml\" .../>)",
            ),
            Ok(_) => {}
        }
    }

    // Root components of type 20, by id; None when solution.xml could not be read.
    let mut declared: Option<BTreeMap<Uuid, u64>> = None;
    if present.contains(SOLUTION_PART) {
        let result = read::read_manifest(reader.open_entry(SOLUTION_PART)?);
        match result {
            Err(p) => c.xml(reader, SOLUTION_PART, p)?,
            Ok(m) if m.root != "ImportExportXml" || !m.has_manifest => c.add(
                SOLUTION_PART,
                Some(0),
                format!(
                    "holds no <ImportExportXml><SolutionManifest> (the root is <{}>)",
                    m.root
                ),
            ),
            Ok(m) => {
                if m.unique_name.as_deref().is_none_or(str::is_empty) {
                    c.add(SOLUTION_PART, None, "the manifest has no <UniqueName>");
                }
                let mut ids = BTreeMap::new();
                for rc in &m.root_components {
                    if rc.component_type.as_deref() != Some("20") {
                        continue;
                    }
                    match rc.id.as_deref().and_then(guid::parse) {
                        Some(id) => {
                            ids.insert(id, rc.offset);
                        }
                        None => c.add(
                            SOLUTION_PART,
                            Some(rc.offset),
                            format!(
                                "RootComponent type=\"{ROLE_COMPONENT_TYPE}\" has id {:?}, which is not a GUID",
                                rc.id.as_deref().unwrap_or("")
                            ),
                        ),
                    }
                }
                declared = Some(ids);
            }
        }
    }

    let mut roles = Vec::new();
    if present.contains(customizations::PART_NAME) {
        let file = customizations::PART_NAME;
        let mut records = Vec::new();
        // Roles are checked as they stream by; only their summaries are kept.
        let result = read::read_roles(reader.open_entry(file)?, |role| {
            records.push(check_role(&mut c, file, role))
        });
        // Which roles exist is only known when the whole file could be read.
        let complete = result.is_ok();
        match result {
            Err(p) => c.xml(reader, file, p)?,
            Ok(read::RolesFile::RoleFile) => c.add(
                file,
                Some(0),
                "holds a lone <Role>; customizations.xml has the root <ImportExportXml>",
            ),
            Ok(read::RolesFile::Customizations) => {}
        }
        let mut seen: HashMap<Uuid, String> = HashMap::new();
        for (summary, id, offset) in records {
            if let Some(id) = id {
                if let Some(other) = seen.insert(id, short(&summary.name)) {
                    c.add(
                        file,
                        Some(offset),
                        format!(
                            "role '{}' has the same id as role '{other}'",
                            short(&summary.name)
                        ),
                    );
                }
                if let Some(declared) = &declared {
                    if !declared.contains_key(&id) {
                        c.add(
                            file,
                            Some(offset),
                            format!(
                                "role '{}' ({}) is not declared in solution.xml as <RootComponent type=\"20\" id=\"{}\" />; the import would fail",
                                short(&summary.name),
                                summary.id,
                                guid::braced(id)
                            ),
                        );
                    }
                }
            }
            roles.push(summary);
        }
        if let (Some(declared), true) = (&declared, complete) {
            for (id, offset) in declared {
                if !seen.contains_key(id) {
                    c.add(
                        SOLUTION_PART,
                        Some(*offset),
                        format!("declares role {} as a root component, but customizations.xml holds no such role", guid::braced(*id)),
                    );
                }
            }
        }
    }

    let findings = resolve(reader, c.pending);
    Ok(Report {
        input: reader.label().to_string(),
        valid: findings.is_empty(),
        roles,
        findings,
    })
}

/// Checks one role as it streams by; returns its summary, parsed id and offset.
fn check_role(
    c: &mut Checker<'_>,
    file: &'static str,
    role: read::RoleRecord,
) -> (RoleSummary, Option<Uuid>, u64) {
    let name = role.name.clone().unwrap_or_default();
    let label = if name.is_empty() {
        "(unnamed)".to_string()
    } else {
        short(&name)
    };
    let length = name.chars().count();
    if length > crate::role::MAX_ROLE_NAME {
        c.add(
            file,
            Some(role.offset),
            format!(
                "role '{label}' has a {length}-character name; Dataverse allows at most {}",
                crate::role::MAX_ROLE_NAME
            ),
        );
    }
    if name.trim().is_empty() {
        c.add(file, Some(role.offset), "a <Role> has no name attribute");
    }
    let raw_id = role.id.clone().unwrap_or_default();
    let id = guid::parse(&raw_id);
    if id.is_none() {
        c.add(
            file,
            Some(role.offset),
            format!("role '{label}' has id {raw_id:?}, which is not a GUID"),
        );
    }
    let mut names = HashSet::new();
    for p in &role.privileges {
        let Some(pname) = p.name.as_deref().filter(|n| !n.is_empty()) else {
            c.add(
                file,
                Some(p.offset),
                format!("role '{label}': a <RolePrivilege> has no name"),
            );
            continue;
        };
        if !names.insert(pname.to_ascii_lowercase()) {
            c.add(
                file,
                Some(p.offset),
                format!("role '{label}': {pname} is listed twice"),
            );
        }
        let level = p.level.as_deref().unwrap_or("");
        let Some(depth) = Depth::from_xml(level) else {
            c.add(
                file,
                Some(p.offset),
                format!("role '{label}': {pname} has level {level:?}; a level is Basic, Local, Deep or Global (leave a privilege out instead of None)"),
            );
            continue;
        };
        if let Some((allowed, catalogue)) = c.allowed_depths(pname) {
            if !allowed.contains(depth) {
                c.add(
                    file,
                    Some(p.offset),
                    format!("role '{label}': {pname} cannot have depth {depth}; it allows only {allowed} (catalogue {catalogue})"),
                );
            }
        }
    }
    let summary = RoleSummary {
        id: raw_id,
        name,
        privileges: role.privileges.len(),
    };
    (summary, id, role.offset)
}

/// A name cut to a length that fits in a message.
pub fn short(name: &str) -> String {
    const MAX: usize = 60;
    match name.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &name[..at]),
        None => name.to_string(),
    }
}

/// Turns pending findings into located ones, reading each file once for its positions.
fn resolve(reader: &mut PackageReader, pending: Vec<Pending>) -> Vec<Finding> {
    let mut by_file: BTreeMap<&'static str, Vec<u64>> = BTreeMap::new();
    for p in &pending {
        if let Some(o) = p.offset {
            by_file.entry(p.file).or_default().push(o);
        }
    }
    let mut positions: HashMap<(&'static str, u64), (u64, u64)> = HashMap::new();
    for (file, offsets) in by_file {
        for (o, pos) in offsets.iter().zip(reader.positions(file, &offsets)) {
            positions.insert((file, *o), pos);
        }
    }
    pending
        .into_iter()
        .map(|p| {
            let base = reader.location(p.file);
            let location = match p.offset.and_then(|o| positions.get(&(p.file, o))) {
                Some((line, col)) if *line > 0 => format!("{base}:{line}:{col}"),
                _ => base,
            };
            Finding {
                location,
                message: p.message,
            }
        })
        .collect()
}
