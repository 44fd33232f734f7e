//! The `[Content_Types].xml` part: one default content type for the package's XML files.

use askama::Template;

use crate::error::Result;
use crate::xml;

/// The part's name inside the package.
pub const PART_NAME: &str = "[Content_Types].xml";

#[derive(Template)]
#[template(path = "content_types.xml")]
struct ContentTypesXml;

/// Renders `[Content_Types].xml`.
pub fn render() -> Result<Vec<u8>> {
    xml::finish(ContentTypesXml.render())
}
