//! Reads the roles of an input whole, through the streaming reader: every attribute, field
//! and privilege, for the commands that write a role back (`fix`, `--into`) or compare
//! roles (`diff`, `init --from`).

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::depth::Depth;
use crate::model::existing::{ExistingRole, Held};
use crate::model::guid;
use crate::package::input::{Input, InputShape};
use crate::package::read::Limits;
use crate::part::roles::{RoleSink, RolesFile};
use crate::xml::walk::XmlProblem;

/// The roles of one input.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The input as named on the command line.
    pub label: String,
    /// Its shape: zip, package folder, source folder or XML file.
    pub shape: InputShape,
    /// Its roles, in file order.
    pub roles: Vec<ExistingRole>,
}

/// The role being read.
struct Open {
    id: Option<String>,
    name: Option<String>,
    offset: u64,
    attributes: Vec<(String, String)>,
    fields: Vec<(String, String)>,
    privileges: Vec<Held>,
}

struct WholeSink<'m> {
    parts: &'m HashMap<String, String>,
    location: String,
    part: String,
    open: Option<Open>,
    roles: Vec<ExistingRole>,
}

impl RoleSink for WholeSink<'_> {
    fn file(&mut self, location: &str) {
        self.location = location.to_string();
        self.part = self.parts.get(location).cloned().unwrap_or_default();
    }

    fn role(
        &mut self,
        id: Option<&str>,
        name: Option<&str>,
        _inherited: Option<&str>,
        offset: u64,
        _file: RolesFile,
    ) -> Result<(), XmlProblem> {
        self.open = Some(Open {
            id: id.map(str::to_string),
            name: name.map(str::to_string),
            offset,
            attributes: Vec::new(),
            fields: Vec::new(),
            privileges: Vec::new(),
        });
        Ok(())
    }

    fn role_attribute(&mut self, key: &str, value: &str) -> Result<(), XmlProblem> {
        if key == "xmlns" || key.starts_with("xmlns:") {
            return Ok(());
        }
        if let Some(open) = &mut self.open {
            open.attributes.push((key.to_string(), value.to_string()));
        }
        Ok(())
    }

    fn role_child(&mut self, element: &str) {
        if let Some(open) = &mut self.open {
            open.fields.push((element.to_string(), String::new()));
        }
    }

    fn role_child_text(&mut self, text: &str) {
        if let Some((_, value)) = self.open.as_mut().and_then(|o| o.fields.last_mut()) {
            value.push_str(text);
        }
    }

    fn privilege(
        &mut self,
        name: Option<&str>,
        level: Option<&str>,
        offset: u64,
    ) -> Result<(), XmlProblem> {
        let Some(open) = &mut self.open else {
            return Ok(());
        };
        let role = open.name.as_deref().unwrap_or("(unnamed)");
        let name = name.filter(|n| !n.trim().is_empty()).ok_or_else(|| {
            XmlProblem::at(
                offset,
                format!("role '{role}': a <RolePrivilege> has no name; run dvrole validate on it"),
            )
        })?;
        let level = level.unwrap_or("");
        let depth = Depth::from_xml(level).ok_or_else(|| {
            XmlProblem::at(
                offset,
                format!(
                    "role '{role}': {name} has level {level:?}, which is not Basic, Local, Deep or Global; run dvrole validate on it"
                ),
            )
        })?;
        open.privileges.push(Held {
            name: name.trim().to_string(),
            depth,
        });
        Ok(())
    }

    fn end_role(&mut self) -> Result<(), XmlProblem> {
        let Some(open) = self.open.take() else {
            return Ok(());
        };
        let name = open.name.filter(|n| !n.trim().is_empty()).ok_or_else(|| {
            XmlProblem::at(
                open.offset,
                "a <Role> has no name; run dvrole validate on it",
            )
        })?;
        let id = open
            .id
            .as_deref()
            .and_then(|i| guid::parse(i.trim()))
            .ok_or_else(|| {
                XmlProblem::at(
                    open.offset,
                    format!(
                        "role '{name}' has no GUID id ({:?}); run dvrole validate on it",
                        open.id.as_deref().unwrap_or("")
                    ),
                )
            })?;
        self.roles.push(ExistingRole {
            id,
            name,
            attributes: open.attributes,
            fields: open.fields,
            privileges: ExistingRole::normalise_privileges(open.privileges),
            location: self.location.clone(),
            part: self.part.clone(),
        });
        Ok(())
    }
}

/// Reads every role of an open input whole, in file order; an input without roles gives
/// none.
pub fn roles_of(input: &mut Input) -> Result<Vec<ExistingRole>> {
    let parts: HashMap<String, String> = input
        .role_parts()
        .to_vec()
        .into_iter()
        .map(|p| (input.reader().location(&p), p))
        .collect();
    let mut sink = WholeSink {
        parts: &parts,
        location: String::new(),
        part: String::new(),
        open: None,
        roles: Vec::new(),
    };
    input.stream_roles(&mut sink)?;
    Ok(sink.roles)
}

/// Reads every role of the input at `path` whole. A role without a name or a GUID id, or
/// with a level that is no depth, is an error naming the file and line; so is an input
/// that holds no role at all.
pub fn read_whole_roles(path: &Path, limits: Limits) -> Result<Loaded> {
    let mut input = Input::open(path, limits)?;
    let roles = roles_of(&mut input)?;
    let label = path.display().to_string();
    if roles.is_empty() {
        return Err(Error::Unreadable {
            input: label,
            message: "holds no role; give a solution zip, a source folder, a customizations.xml or a role file that holds one".into(),
        });
    }
    Ok(Loaded {
        label,
        shape: input.shape(),
        roles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_attributes_fields_and_privileges() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("r.xml");
        std::fs::write(
            &file,
            "\u{feff}<Role id=\"{00000000-0000-0000-0000-000000000007}\" name=\"R &amp; D\" isinherited=\"0\" xmlns:xsi=\"x\">\n  <IsCustomizable>1</IsCustomizable>\n  <IsAutoAssigned>0</IsAutoAssigned>\n  <RolePrivileges>\n    <RolePrivilege name=\"prvB\" level=\"Basic\" />\n    <RolePrivilege name=\"prvA\" level=\"Global\" />\n  </RolePrivileges>\n</Role>",
        )
        .unwrap();
        let loaded = read_whole_roles(&file, Limits::default()).unwrap();
        let r = &loaded.roles[0];
        assert_eq!(r.name, "R & D");
        assert_eq!(r.attributes, vec![("isinherited".into(), "0".into())]);
        assert_eq!(r.customizable(), Some("1"));
        assert_eq!(r.field("IsAutoAssigned"), Some("0"));
        let names: Vec<_> = r.privileges.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["prvA", "prvB"]);
        assert_eq!(r.part, "r.xml");
    }

    #[test]
    fn a_rendered_role_file_reads_back_the_same_role() {
        let role = ExistingRole {
            id: uuid::Uuid::from_u128(1),
            name: "R&D \"lab\"".into(),
            attributes: vec![("isinherited".into(), "0".into())],
            fields: vec![
                ("IsCustomizable".into(), "1".into()),
                ("IsAutoAssigned".into(), "0".into()),
            ],
            privileges: vec![Held {
                name: "prvReadAccount".into(),
                depth: Depth::Deep,
            }],
            location: String::new(),
            part: "R.xml".into(),
        };
        let bytes = crate::part::role_xml::render_role_file(&role).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("R.xml");
        std::fs::write(&file, &bytes).unwrap();
        let back = read_whole_roles(&file, Limits::default()).unwrap();
        let want = ExistingRole {
            location: back.roles[0].location.clone(),
            ..role
        };
        assert_eq!(back.roles[0], want);
    }

    #[test]
    fn bad_roles_are_errors_with_a_position() {
        let dir = tempfile::tempdir().unwrap();
        for (xml, expected) in [
            ("<Role id=\"nope\" name=\"R\"><RolePrivileges/></Role>", "no GUID id"),
            ("<Role id=\"{00000000-0000-0000-0000-000000000007}\"/>", "no name"),
            (
                "<Role id=\"{00000000-0000-0000-0000-000000000007}\" name=\"R\"><RolePrivileges><RolePrivilege name=\"prvA\" level=\"None\"/></RolePrivileges></Role>",
                "not Basic",
            ),
            ("<ImportExportXml><Roles/></ImportExportXml>", "holds no role"),
        ] {
            let file = dir.path().join("r.xml");
            std::fs::write(&file, xml).unwrap();
            let err = read_whole_roles(&file, Limits::default())
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{xml}: {err}");
        }
    }
}
