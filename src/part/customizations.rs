//! The `customizations.xml` part: the role, inside the skeleton the schema requires.
//!
//! The root element is an `xs:sequence` in Microsoft's schema, so the empty sections stand
//! in the schema's order, `<Roles>` second.

use askama::Template;

use crate::error::Result;
use crate::model::guid;
use crate::model::role::Role;
use crate::xml;

/// The part's name inside the package.
pub const PART_NAME: &str = "customizations.xml";

#[derive(Template)]
#[template(path = "customizations.xml")]
struct CustomizationsXml<'a> {
    role: &'a Role,
    id: String,
    language: u32,
    split: bool,
}

/// Renders `customizations.xml` holding `role`; `language` is the package's LCID.
pub fn render(role: &Role, language: u32) -> Result<Vec<u8>> {
    render_with(role, language, false)
}

/// Renders `Other/Customizations.xml` for the source-control layout: the same skeleton,
/// with `<Roles />` because the role lives in its own file under `Roles/`.
pub fn render_split(role: &Role, language: u32) -> Result<Vec<u8>> {
    render_with(role, language, true)
}

/// Renders the skeleton; `split` leaves `<Roles />` empty.
fn render_with(role: &Role, language: u32, split: bool) -> Result<Vec<u8>> {
    xml::finish(
        CustomizationsXml {
            role,
            id: guid::braced(role.id),
            language,
            split,
        }
        .render(),
    )
}

/// The customizations of a SolutionPackager source folder (its `<Roles />` is empty; the
/// roles are in [`SOURCE_ROLES`](crate::part::role_file::SOURCE_ROLES)).
pub const SOURCE_CUSTOMIZATIONS: &str = "Other/Customizations.xml";
