//! Reading roles: the `<Role>` elements of `customizations.xml` and of a source folder's
//! `Roles/*.xml` files, streamed one at a time to a [`RoleSink`].

use std::io::Read;

use quick_xml::events::BytesStart;
use quick_xml::XmlVersion;

use crate::xml::ahead::SideWork;
use crate::xml::walk::{
    attribute, attribute_pair, plain_attribute_pair, value_end, walk_ahead, walk_beside, Visitor,
    XmlProblem,
};

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
    /// The `isinherited` attribute, unparsed (newer exports carry it; older ones do not).
    pub inherited: Option<String>,
    /// Its privileges in file order, each name once (compared ignoring ASCII case): a name
    /// listed again is counted in [`RoleRecord::repeats`], not kept again (its last level and
    /// offset replace the first), so a role costs memory per distinct privilege however
    /// often one is repeated.
    pub privileges: Vec<PrivilegeRecord>,
    /// The privileges listed more than once: (index in `privileges`, how many times in
    /// all, byte offset of the first repeat).
    pub repeats: Vec<(usize, u64, u64)>,
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

    /// A role opens: its `id`, `name` and `isinherited` attributes, its offset, the kind of
    /// file.
    fn role(
        &mut self,
        id: Option<&str>,
        name: Option<&str>,
        inherited: Option<&str>,
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

    /// An attribute of the open role other than `id` and `name` (`isinherited`,
    /// `unmodified`, namespace declarations), in file order. Only sinks that keep a role
    /// whole need these.
    fn role_attribute(&mut self, _key: &str, _value: &str) -> Result<(), XmlProblem> {
        Ok(())
    }

    /// A child element of the open role other than `<RolePrivileges>` opens
    /// (`IsCustomizable`, `IsAutoAssigned`, `IntroducedVersion`, ...).
    fn role_child(&mut self, _element: &str) {}

    /// Character data directly inside the child element last opened by
    /// [`RoleSink::role_child`]; may come in several pieces.
    fn role_child_text(&mut self, _text: &str) {}
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

impl<'s, S: RoleSink> RolesVisitor<'s, S> {
    fn new(sink: &'s mut S) -> Self {
        RolesVisitor {
            kind: None,
            at: RolesAt::Outside,
            role_depth: 0,
            horizon: 0,
            sink,
        }
    }

    /// The kind of file walked; the walk fails on a document without a root, so it is known
    /// once the walk succeeds.
    fn kind(&self) -> RolesFile {
        self.kind.unwrap_or(RolesFile::Customizations)
    }

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
        let inherited = attribute(e, "isinherited", offset)?;
        self.sink.role(
            id.as_deref(),
            name.as_deref(),
            inherited.as_deref(),
            offset,
            self.kind.unwrap_or(RolesFile::Customizations),
        )?;
        for attr in e.attributes() {
            let attr =
                attr.map_err(|e| XmlProblem::at(offset, format!("malformed attribute: {e}")))?;
            let key = attr.key.as_ref();
            if key == "id" || key == "name" {
                continue;
            }
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| XmlProblem::at(offset, format!("attribute {key}: {e}")))?;
            self.sink.role_attribute(key, &value)?;
        }
        Ok(())
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
            RolesAt::Role if depth == self.role_depth + 1 => {
                self.sink.role_child(name);
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

    /// Text directly inside a child element of a role (its `IsCustomizable` and the like).
    fn text(&mut self, _path: &[String], depth: usize, text: &str) {
        if self.at == RolesAt::Role && depth == self.role_depth + 1 {
            self.sink.role_child_text(text);
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
/// and are skipped. A large file is read ahead on a second thread ([`walk_ahead`]): the
/// roles part is the bulk of an export.
pub fn stream_roles(
    source: impl Read + Send,
    sink: &mut impl RoleSink,
) -> Result<RolesFile, XmlProblem> {
    let mut visitor = RolesVisitor::new(sink);
    walk_ahead(source, &mut visitor)?;
    Ok(visitor.kind())
}

/// Like [`stream_roles`], with `sink` fed on a second thread while this one reads and does
/// `side`'s work ([`walk_beside`]).
pub fn stream_roles_beside(
    source: impl Read + Send,
    sink: &mut (impl RoleSink + Send),
    side: &mut dyn SideWork,
) -> Result<RolesFile, XmlProblem> {
    let mut visitor = RolesVisitor::new(sink);
    walk_beside(source, &mut visitor, side)?;
    Ok(visitor.kind())
}

/// A sink that gathers each role into a [`RoleRecord`] and hands it to a callback.
struct RecordSink<F> {
    current: Option<RoleRecord>,
    /// The current role's privilege names, lowercased, with their index.
    seen: std::collections::HashMap<String, usize>,
    /// A buffer for the lowercased name being looked up.
    key: String,
    /// Per privilege of the current role: (times listed, offset of the first repeat).
    counts: Vec<(u64, u64)>,
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
        inherited: Option<&str>,
        offset: u64,
        file: RolesFile,
    ) -> Result<(), XmlProblem> {
        self.current = Some(RoleRecord {
            id: id.map(str::to_string),
            name: name.map(str::to_string),
            inherited: inherited.map(str::to_string),
            privileges: Vec::new(),
            repeats: Vec::new(),
            offset,
            file,
        });
        self.seen.clear();
        self.counts.clear();
        Ok(())
    }

    fn privilege(
        &mut self,
        name: Option<&str>,
        level: Option<&str>,
        offset: u64,
    ) -> Result<(), XmlProblem> {
        if let Some(role) = &mut self.current {
            if let Some(name) = name {
                self.key.clear();
                self.key
                    .extend(name.chars().map(|c| c.to_ascii_lowercase()));
                if let Some(&i) = self.seen.get(self.key.as_str()) {
                    if let Some((count, first)) = self.counts.get_mut(i) {
                        if *count == 1 {
                            *first = offset;
                        }
                        *count += 1;
                    }
                    // The last listing wins, as a reader keyed by name would have it.
                    if let Some(record) = role.privileges.get_mut(i) {
                        set(&mut record.level, level);
                        record.offset = offset;
                    }
                    return Ok(());
                }
                self.seen.insert(self.key.clone(), role.privileges.len());
            }
            self.counts.push((1, 0));
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
            role.repeats = self
                .counts
                .iter()
                .enumerate()
                .filter(|(_, (n, _))| *n > 1)
                .map(|(i, (n, at))| (i, *n, *at))
                .collect();
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
    source: impl Read + Send,
    on_role: impl FnMut(&RoleRecord),
) -> Result<RolesFile, XmlProblem> {
    let mut sink = RecordSink {
        current: None,
        seen: std::collections::HashMap::new(),
        key: String::new(),
        counts: Vec::new(),
        spare: Vec::new(),
        on_role,
    };
    stream_roles(source, &mut sink)
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

    #[test]
    fn privileges_off_the_fast_path_are_still_read() {
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
}
