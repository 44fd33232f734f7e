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

use crate::error::{Error, Result};
use crate::model::catalogue::Catalogue;
use crate::model::depth::Depth;
use crate::model::environment::PrivilegeTable;
use crate::model::guid;
use crate::model::names;
use crate::model::role::Inheritance;
use crate::model::solution::ROLE_COMPONENT_TYPE;
use crate::package::input::{Input, InputShape};
use crate::package::read::{Limits, PackageReader};
use crate::part::content_types;
use crate::part::content_types::read_content_types;
use crate::part::customizations;
use crate::part::customizations::SOURCE_CUSTOMIZATIONS;
use crate::part::roles::{read_roles, RoleRecord, RolesFile};
use crate::part::solution::PART_NAME as SOLUTION_PART;
use crate::part::solution::{read_manifest, SOURCE_SOLUTION};
use crate::util::short;
use crate::xml::walk::XmlProblem;

/// The root files a packed solution must hold, as Dataverse names them.
pub const REQUIRED_FILES: [&str; 3] = [
    customizations::PART_NAME,
    SOLUTION_PART,
    content_types::PART_NAME,
];

/// One problem in a package.
///
/// Fields are in alphabetical order, the order of their keys in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Where: the file, and `:line:column` where known.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

/// A role the package holds.
///
/// Fields are in alphabetical order, the order of their keys in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleSummary {
    /// The role's id as written.
    pub id: String,
    /// The role's name.
    pub name: String,
    /// How many privileges it holds; `privilege_count` in JSON, where `privileges` is always
    /// a list.
    #[serde(rename = "privilege_count")]
    pub privileges: usize,
}

/// The outcome of validating one package.
///
/// Fields are in alphabetical order, the order of their keys in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationReport {
    /// The problems found.
    pub findings: Vec<Finding>,
    /// The package as named on the command line.
    pub input: String,
    /// The roles found.
    pub roles: Vec<RoleSummary>,
    /// Whether no problem was found.
    pub valid: bool,
}

/// A finding before its byte offset is turned into a line and column.
struct Pending {
    file: String,
    offset: Option<u64>,
    message: String,
}

/// What a package is checked against: the privileges the catalogues know and, when given,
/// the target environment's privilege table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Against<'a> {
    /// The catalogues whose depths are checked.
    pub catalogues: &'a [Catalogue],
    /// The environment's table: with it, every privilege of every role is checked for
    /// existence and depth there, and the catalogues' depths are not used.
    pub table: Option<&'a PrivilegeTable>,
    /// Names the user says are real (`--accept`): not reported as misspellings.
    pub accept: &'a [String],
}

struct Checker<'c> {
    catalogues: &'c [Catalogue],
    table: Option<&'c PrivilegeTable>,
    accept: &'c [String],
    /// Probable misspellings found so far, by name: what each probably means.
    near: HashMap<String, Option<String>>,
    pending: Vec<Pending>,
}

impl<'c> Checker<'c> {
    fn add(&mut self, file: &str, offset: Option<u64>, message: impl Into<String>) {
        self.pending.push(Pending {
            file: file.to_string(),
            offset,
            message: message.into(),
        });
    }

    /// A read problem becomes a finding, except bytes that cannot be read at all.
    fn xml(&mut self, reader: &PackageReader, file: &str, p: XmlProblem) -> Result<()> {
        if p.unreadable {
            return Err(Error::Unreadable {
                input: reader.location(file),
                message: p.message,
            });
        }
        self.add(file, Some(p.offset), p.message);
        Ok(())
    }

    fn new(against: Against<'c>) -> Checker<'c> {
        Checker {
            catalogues: against.catalogues,
            table: against.table,
            accept: against.accept,
            near: HashMap::new(),
            pending: Vec::new(),
        }
    }

    /// The known name `privilege` is probably a misspelling of, if it is one.
    fn misspelling_of(&mut self, privilege: &str) -> Option<String> {
        if let Some(known) = self.near.get(privilege) {
            return known.clone();
        }
        let meant = if self.accept.iter().any(|a| a == privilege)
            || self
                .catalogues
                .iter()
                .any(|c| c.get(privilege).is_some_and(|e| e.privilege == privilege))
        {
            None
        } else {
            names::near_miss(
                privilege,
                self.catalogues
                    .iter()
                    .flat_map(|c| c.entries())
                    .map(|e| e.privilege.as_str()),
            )
        };
        if self.near.len() < 100_000 {
            self.near.insert(privilege.to_string(), meant.clone());
        }
        meant
    }

    /// The depths a catalogue allows `privilege`, the catalogue, and its spelling there.
    fn allowed_depths(
        &self,
        privilege: &str,
    ) -> Option<(crate::model::depth::DepthSet, &'c str, &'c str)> {
        let catalogues: &'c [Catalogue] = self.catalogues;
        catalogues.iter().find_map(|c| {
            c.get(privilege)
                .map(|e| (e.allowed, c.name.as_str(), e.privilege.as_str()))
        })
    }
}

/// Validates the input at `path` against the privileges the `catalogues` know: a zip, a
/// folder holding the three root files, a SolutionPackager source folder, or a lone
/// customizations.xml or role file.
pub fn validate_path(
    path: &Path,
    catalogues: &[Catalogue],
    limits: Limits,
) -> Result<ValidationReport> {
    validate_path_against(
        path,
        Against {
            catalogues,
            ..Against::default()
        },
        limits,
    )
}

/// [`validate_path`] against the catalogues and, where given, the environment's table.
pub fn validate_path_against(
    path: &Path,
    against: Against<'_>,
    limits: Limits,
) -> Result<ValidationReport> {
    let mut input = Input::open(path, limits)?;
    match input.shape() {
        InputShape::Zip | InputShape::PackageFolder => validate_against(input.reader(), against),
        InputShape::SourceFolder => validate_source(&mut input, against),
        InputShape::XmlFile => validate_xml(&mut input, against),
    }
}

/// Validates an open package.
pub fn validate(reader: &mut PackageReader, catalogues: &[Catalogue]) -> Result<ValidationReport> {
    validate_against(
        reader,
        Against {
            catalogues,
            ..Against::default()
        },
    )
}

/// Validates an open package against the catalogues and, where given, the environment's
/// table.
pub fn validate_against(
    reader: &mut PackageReader,
    against: Against<'_>,
) -> Result<ValidationReport> {
    let mut c = Checker::new(against);
    for problem in reader.entry_name_problems() {
        c.add("", None, problem);
    }
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
        let result = read_content_types(reader.open_entry(file)?);
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

    let declared = if present.contains(SOLUTION_PART) {
        validate_manifest(&mut c, reader, SOLUTION_PART)?
    } else {
        None
    };
    let mut roles = RolesSeen::default();
    if present.contains(customizations::PART_NAME) {
        validate_roles_part(
            &mut c,
            reader,
            customizations::PART_NAME,
            Expect::Customizations,
            &mut roles,
        )?;
    }
    roles.cross_check(
        &mut c,
        declared.as_ref(),
        SOLUTION_PART,
        customizations::PART_NAME,
    );
    finish(reader, c, roles)
}

/// Validates a SolutionPackager source folder: `Other/Solution.xml` declares every role as
/// a type-20 root component, `Other/Customizations.xml` is well-formed, and each
/// `Roles/*.xml` is a well-formed `<Role>`. `<Managed>2</Managed>` (both package types) is
/// legal here.
fn validate_source(input: &mut Input, against: Against<'_>) -> Result<ValidationReport> {
    let mut c = Checker::new(against);
    let parts = input.role_parts().to_vec();
    let reader = input.reader();
    let declared = validate_manifest(&mut c, reader, SOURCE_SOLUTION)?;
    if !reader.has_file(SOURCE_CUSTOMIZATIONS) {
        c.add(
            SOURCE_CUSTOMIZATIONS,
            None,
            "is missing; a source folder holds Other/Solution.xml, Other/Customizations.xml and Roles/*.xml",
        );
    }
    let mut roles = RolesSeen::default();
    for part in &parts {
        let expect = if part == SOURCE_CUSTOMIZATIONS {
            Expect::Customizations
        } else {
            Expect::RoleFile
        };
        validate_roles_part(&mut c, reader, part, expect, &mut roles)?;
    }
    roles.cross_check(&mut c, declared.as_ref(), SOURCE_SOLUTION, "");
    finish(reader, c, roles)
}

/// Validates a lone customizations.xml or role file: well-formed, and every role sound.
fn validate_xml(input: &mut Input, against: Against<'_>) -> Result<ValidationReport> {
    let mut c = Checker::new(against);
    let parts = input.role_parts().to_vec();
    let reader = input.reader();
    let mut roles = RolesSeen::default();
    for part in &parts {
        validate_roles_part(&mut c, reader, part, Expect::Either, &mut roles)?;
    }
    roles.cross_check(&mut c, None, "", "");
    finish(reader, c, roles)
}

/// Resolves the findings' positions and builds the report.
fn finish(
    reader: &mut PackageReader,
    c: Checker<'_>,
    roles: RolesSeen,
) -> Result<ValidationReport> {
    let findings = resolve(reader, &c.pending);
    Ok(ValidationReport {
        input: reader.label().to_string(),
        valid: findings.is_empty(),
        roles: roles.summaries,
        findings,
    })
}

/// Reads a manifest and checks it; returns the ids of its type-20 root components, or
/// `None` when it could not be read.
fn validate_manifest(
    c: &mut Checker<'_>,
    reader: &mut PackageReader,
    file: &str,
) -> Result<Option<BTreeMap<Uuid, u64>>> {
    let result = read_manifest(reader.open_entry(file)?);
    let m = match result {
        Err(p) => {
            c.xml(reader, file, p)?;
            return Ok(None);
        }
        Ok(m) => m,
    };
    if m.root != "ImportExportXml" || !m.has_manifest {
        c.add(
            file,
            Some(0),
            format!(
                "holds no <ImportExportXml><SolutionManifest> (the root is <{}>)",
                m.root
            ),
        );
        return Ok(None);
    }
    if m.unique_name.as_deref().is_none_or(str::is_empty) {
        c.add(file, None, "the manifest has no <UniqueName>");
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
                file,
                Some(rc.offset),
                format!(
                    "RootComponent type=\"{ROLE_COMPONENT_TYPE}\" has id {:?}, which is not a GUID",
                    rc.id.as_deref().unwrap_or("")
                ),
            ),
        }
    }
    Ok(Some(ids))
}

/// Which root element a file that holds roles should have.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// `<ImportExportXml>`: a customizations.xml.
    Customizations,
    /// `<Role>`: a source folder's role file.
    RoleFile,
    /// Either: a lone XML file.
    Either,
}

/// The roles found so far, across the files of one input.
#[derive(Default)]
struct RolesSeen {
    /// True when a roles file could not be read to its end: which roles exist is unknown.
    incomplete: bool,
    summaries: Vec<RoleSummary>,
    /// Each role's id, name, file and offset.
    ids: Vec<(Uuid, String, String, u64)>,
}

impl RolesSeen {
    /// Checks that ids are unique and that every role is a type-20 root component; where
    /// `roles_file` names the one file holding the roles, also that every type-20 root
    /// component has its role there. A source folder ("" here) is not held to the second
    /// rule: folders kept in source control often hold only some of the declared roles.
    fn cross_check(
        &self,
        c: &mut Checker<'_>,
        declared: Option<&BTreeMap<Uuid, u64>>,
        manifest: &str,
        roles_file: &str,
    ) {
        let mut seen: HashMap<Uuid, &str> = HashMap::new();
        for (id, name, file, offset) in &self.ids {
            if let Some(other) = seen.insert(*id, name) {
                c.add(
                    file,
                    Some(*offset),
                    format!("role '{name}' has the same id as role '{other}'"),
                );
            }
            if let Some(declared) = declared {
                if !declared.contains_key(id) {
                    c.add(
                        file,
                        Some(*offset),
                        format!(
                            "role '{name}' is not declared in {manifest} as <RootComponent type=\"20\" id=\"{}\" />; the import would fail",
                            guid::braced(*id)
                        ),
                    );
                }
            }
        }
        if let Some(declared) = declared.filter(|_| !roles_file.is_empty() && !self.incomplete) {
            for (id, offset) in declared {
                if !seen.contains_key(id) {
                    c.add(
                        manifest,
                        Some(*offset),
                        format!(
                            "declares role {} as a root component, but {roles_file} holds no such role",
                            guid::braced(*id)
                        ),
                    );
                }
            }
        }
    }
}

/// Reads the roles of one file, checking each as it streams by.
fn validate_roles_part(
    c: &mut Checker<'_>,
    reader: &mut PackageReader,
    file: &str,
    expect: Expect,
    roles: &mut RolesSeen,
) -> Result<()> {
    let mut records = Vec::new();
    // Roles are checked as they stream by; only their summaries are kept.
    let result = read_roles(reader.open_entry(file)?, |role| {
        if expect == Expect::RoleFile && role.privileges.is_empty() {
            c.add(
                file,
                Some(role.offset),
                "the role holds no <RolePrivilege>; a role file lists the role's privileges",
            );
        }
        records.push(validate_role(c, file, role))
    });
    roles.incomplete |= result.is_err();
    match result {
        Err(p) => c.xml(reader, file, p)?,
        Ok(RolesFile::RoleFile) if expect == Expect::Customizations => c.add(
            file,
            Some(0),
            "holds a lone <Role>; customizations.xml has the root <ImportExportXml>",
        ),
        Ok(RolesFile::Customizations) if expect == Expect::RoleFile => c.add(
            file,
            Some(0),
            "has the root <ImportExportXml>; a file in Roles/ holds one <Role>",
        ),
        Ok(_) => {}
    }
    for (summary, id, offset) in records {
        if let Some(id) = id {
            roles
                .ids
                .push((id, short(&summary.name), file.to_string(), offset));
        }
        roles.summaries.push(summary);
    }
    Ok(())
}

/// Checks one role as it streams by; returns its summary, parsed id and offset.
fn validate_role(
    c: &mut Checker<'_>,
    file: &str,
    role: &RoleRecord,
) -> (RoleSummary, Option<Uuid>, u64) {
    let name = role.name.clone().unwrap_or_default();
    let label = if name.is_empty() {
        "(unnamed)".to_string()
    } else {
        short(&name)
    };
    // Dataverse counts UTF-16 code units; a value this long was cut while read.
    let length = crate::text::utf16_len(&name);
    let more = if name.len() as u64 >= crate::xml::strict::MAX_VALUE_BYTES {
        " or more"
    } else {
        ""
    };
    if length > crate::model::role::MAX_ROLE_NAME {
        c.add(
            file,
            Some(role.offset),
            format!(
                "role '{label}' has a name of {length}{more} UTF-16 code units; Dataverse allows at most {}",
                crate::model::role::MAX_ROLE_NAME
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
    if let Some(value) = role.inherited.as_deref() {
        if Inheritance::from_attribute(value).is_none() {
            c.add(
                file,
                Some(role.offset),
                format!(
                    "role '{label}' has isinherited={:?}; it is 1 (direct user access and team privileges) or 0 (team privileges only)",
                    short(value)
                ),
            );
        }
    }
    for &(i, times, at) in &role.repeats {
        let pname = role
            .privileges
            .get(i)
            .and_then(|p| p.name.as_deref())
            .unwrap_or_default();
        let what = if times == 2 {
            "twice".to_string()
        } else {
            format!("{times} times")
        };
        c.add(
            file,
            Some(at),
            format!("role '{label}': {} is listed {what}", short(pname)),
        );
    }
    for p in &role.privileges {
        let Some(pname) = p.name.as_deref().filter(|n| !n.is_empty()) else {
            c.add(
                file,
                Some(p.offset),
                format!("role '{label}': a <RolePrivilege> has no name"),
            );
            continue;
        };
        let level = p.level.as_deref().unwrap_or("");
        let Some(depth) = Depth::from_xml(level) else {
            c.add(
                file,
                Some(p.offset),
                format!("role '{label}': {pname} has level {level:?}; a level is Basic, Local, Deep or Global (leave a privilege out instead of None)"),
            );
            continue;
        };
        if let Some(table) = c.table {
            match table.get(pname) {
                None => {
                    let hint = table
                        .suggest(pname)
                        .map(|s| format!(" (did you mean '{s}'?)"))
                        .unwrap_or_default();
                    c.add(
                        file,
                        Some(p.offset),
                        format!("role '{label}': {} is not in {}{hint}; the environment has no such privilege", short(pname), table.label()),
                    );
                }
                Some(row) if !row.allowed.contains(depth) => c.add(
                    file,
                    Some(p.offset),
                    format!("role '{label}': {pname} cannot have depth {depth}; the environment allows only {}", row.allowed),
                ),
                Some(_) => {}
            }
            continue;
        }
        if let Some((allowed, catalogue, spelt)) = c.allowed_depths(pname) {
            if spelt != pname && !c.accept.iter().any(|a| a == pname) {
                c.add(
                    file,
                    Some(p.offset),
                    format!("role '{label}': {pname} differs from {spelt} only in case, and probably means it; write {spelt}"),
                );
            }
            if !allowed.contains(depth) {
                c.add(
                    file,
                    Some(p.offset),
                    format!("role '{label}': {pname} cannot have depth {depth}; it allows only {allowed} (catalogue {catalogue})"),
                );
            }
        } else if let Some(meant) = c.misspelling_of(pname) {
            c.add(
                file,
                Some(p.offset),
                format!("role '{label}': {} is no privilege dvrole knows, and probably a misspelling of '{meant}'; if it is real, validate with the environment's table (--privileges FILE) or --accept {}", short(pname), short(pname)),
            );
        }
    }
    let summary = RoleSummary {
        id: raw_id,
        name,
        // As written: a privilege listed again counts again.
        privileges: role.privileges.len()
            + role
                .repeats
                .iter()
                .map(|&(_, times, _)| usize::try_from(times - 1).unwrap_or(usize::MAX))
                .fold(0usize, usize::saturating_add),
    };
    (summary, id, role.offset)
}

/// Turns pending findings into located ones, reading each file once for its positions.
fn resolve(reader: &mut PackageReader, pending: &[Pending]) -> Vec<Finding> {
    let mut by_file: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for p in pending {
        if let Some(o) = p.offset {
            by_file.entry(&p.file).or_default().push(o);
        }
    }
    let mut positions: HashMap<(&str, u64), (u64, u64)> = HashMap::new();
    for (file, offsets) in by_file {
        for (o, pos) in offsets.iter().zip(reader.positions(file, &offsets)) {
            positions.insert((file, *o), pos);
        }
    }
    pending
        .iter()
        .map(|p| {
            let base = reader.location(&p.file);
            let location = match p.offset.and_then(|o| positions.get(&(p.file.as_str(), o))) {
                Some((line, col)) if *line > 0 => format!("{base}:{line}:{col}"),
                _ => base,
            };
            Finding {
                location,
                message: p.message.clone(),
            }
        })
        .collect()
}
