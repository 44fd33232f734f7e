//! Writes an existing role back, whole: as a role file (`Roles/<name>.xml`) or as roles of a
//! `customizations.xml`. Attributes and fields are written in the order they were read,
//! privileges sorted by name as exports sort them.

use askama::filters::Escaper;
use askama::Template;

use crate::error::{Error, Result};
use crate::model::existing::ExistingRole;
use crate::model::guid;
use crate::xml;

/// The namespace declaration every role file carries.
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing into a String cannot fail.
    let _ = xml::XmlEscaper.write_escaped_str(&mut out, text);
    out
}

/// The `<Role>` element, its lines indented by `indent`, LF line endings, no final newline.
fn element(role: &ExistingRole, indent: &str, role_file: bool) -> String {
    let mut out = String::new();
    out.push_str(indent);
    out.push_str("<Role id=\"");
    out.push_str(&guid::braced(role.id));
    out.push_str("\" name=\"");
    out.push_str(&escaped(&role.name));
    out.push('"');
    for (key, value) in &role.attributes {
        out.push(' ');
        out.push_str(key);
        out.push_str("=\"");
        out.push_str(&escaped(value));
        out.push('"');
    }
    if role_file {
        out.push_str(" xmlns:xsi=\"");
        out.push_str(XSI);
        out.push('"');
    }
    out.push_str(">\n");
    for (element, text) in &role.fields {
        out.push_str(indent);
        out.push_str("  <");
        out.push_str(element);
        if text.is_empty() {
            out.push_str(" />\n");
        } else {
            out.push('>');
            out.push_str(&escaped(text));
            out.push_str("</");
            out.push_str(element);
            out.push_str(">\n");
        }
    }
    out.push_str(indent);
    out.push_str("  <RolePrivileges>\n");
    for p in &role.privileges {
        out.push_str(indent);
        out.push_str("    <RolePrivilege name=\"");
        out.push_str(&escaped(&p.name));
        out.push_str("\" level=\"");
        out.push_str(p.depth.xml_name());
        out.push_str("\" />\n");
    }
    out.push_str(indent);
    out.push_str("  </RolePrivileges>\n");
    out.push_str(indent);
    out.push_str("</Role>");
    out
}

/// The role file for `role`, with the bytes conventions of every part dvrole writes (BOM,
/// CRLF, no final newline).
pub fn render_role_file(role: &ExistingRole) -> Result<Vec<u8>> {
    let text = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{}",
        element(role, "", true)
    );
    xml::finish(Ok(text))
}

#[derive(Template)]
#[template(path = "roles_customizations.xml")]
struct RolesCustomizations {
    roles: Vec<String>,
    language: u32,
}

/// `customizations.xml` holding `roles`, inside the skeleton the schema requires; with no
/// roles, `<Roles />` (a source folder's `Other/Customizations.xml`).
pub fn render_customizations(roles: &[ExistingRole], language: u32) -> Result<Vec<u8>> {
    let blocks = roles.iter().map(|r| element(r, "    ", false)).collect();
    xml::finish(
        RolesCustomizations {
            roles: blocks,
            language,
        }
        .render(),
    )
}

/// The bytes conventions of a file: byte order mark, line endings, final newline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Starts with a UTF-8 byte order mark.
    pub bom: bool,
    /// Lines end in CRLF (otherwise LF).
    pub crlf: bool,
    /// The last line ends with a line ending.
    pub final_newline: bool,
}

impl Style {
    /// What dvrole writes by default: BOM, CRLF, no final newline.
    pub const NATIVE: Style = Style {
        bom: true,
        crlf: true,
        final_newline: false,
    };

    /// The conventions `bytes` follow (CRLF when any line ends in CRLF).
    pub fn of(bytes: &[u8]) -> Style {
        let body = bytes.strip_prefix(xml::BOM).unwrap_or(bytes);
        Style {
            bom: bytes.starts_with(xml::BOM),
            crlf: body.windows(2).any(|w| w == b"\r\n"),
            final_newline: body.ends_with(b"\n"),
        }
    }

    /// The line ending.
    pub fn eol(self) -> &'static str {
        if self.crlf {
            "\r\n"
        } else {
            "\n"
        }
    }

    /// Rewrites `bytes` (as [`xml::finish`] makes them) to these conventions.
    pub fn apply(self, bytes: &[u8]) -> Result<Vec<u8>> {
        let body = bytes.strip_prefix(xml::BOM).unwrap_or(bytes);
        let text = std::str::from_utf8(body)
            .map_err(|e| Error::Internal(format!("a rendered part is not UTF-8: {e}")))?;
        let text = text.replace("\r\n", "\n");
        let text = text.trim_end_matches('\n');
        let mut out = Vec::with_capacity(bytes.len() + 8);
        if self.bom {
            out.extend_from_slice(xml::BOM);
        }
        out.extend_from_slice(text.replace('\n', self.eol()).as_bytes());
        if self.final_newline {
            out.extend_from_slice(self.eol().as_bytes());
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::depth::Depth;
    use crate::model::existing::Held;
    use uuid::Uuid;

    fn sample() -> ExistingRole {
        ExistingRole {
            id: Uuid::from_u128(1),
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
            part: String::new(),
        }
    }

    #[test]
    fn role_file_is_the_whole_role() {
        let text = String::from_utf8(render_role_file(&sample()).unwrap()).unwrap();
        assert!(text.starts_with("\u{feff}<?xml"));
        assert!(text.contains(
            "<Role id=\"{00000000-0000-0000-0000-000000000001}\" name=\"R&amp;D &quot;lab&quot;\" isinherited=\"0\" xmlns:xsi="
        ));
        assert!(text.contains("\r\n  <IsAutoAssigned>0</IsAutoAssigned>\r\n"));
        assert!(text.contains("<RolePrivilege name=\"prvReadAccount\" level=\"Deep\" />"));
    }

    #[test]
    fn customizations_hold_every_role_or_none() {
        let text = String::from_utf8(render_customizations(&[sample()], 1033).unwrap()).unwrap();
        assert!(text.contains("  <Roles>\r\n    <Role id="));
        assert!(!text
            .contains("xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\r\n      <IsC"));
        let empty = String::from_utf8(render_customizations(&[], 1033).unwrap()).unwrap();
        assert!(empty.contains("<Roles />"));
    }

    #[test]
    fn styles_are_detected_and_applied() {
        let lf = b"\xEF\xBB\xBF<a>\n</a>";
        let style = Style::of(lf);
        assert_eq!(
            style,
            Style {
                bom: true,
                crlf: false,
                final_newline: false
            }
        );
        let native = xml::finish(Ok("<a>\n  <b />\n</a>".into())).unwrap();
        assert_eq!(
            style.apply(&native).unwrap(),
            b"\xEF\xBB\xBF<a>\n  <b />\n</a>"
        );
        let plain = Style {
            bom: false,
            crlf: true,
            final_newline: true,
        };
        assert_eq!(plain.apply(&native).unwrap(), b"<a>\r\n  <b />\r\n</a>\r\n");
    }
}
