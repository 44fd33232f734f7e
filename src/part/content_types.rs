//! The `[Content_Types].xml` part: one default content type for the package's XML files.

use askama::Template;

use crate::error::Result;
use crate::xml;
use std::io::Read;

use quick_xml::events::BytesStart;

use crate::xml::walk::{attribute, path_is, walk, Visitor, XmlProblem};

/// The part's name inside the package.
pub const PART_NAME: &str = "[Content_Types].xml";

#[derive(Template)]
#[template(path = "content_types.xml")]
struct ContentTypesXml;

/// Renders `[Content_Types].xml`.
pub fn render() -> Result<Vec<u8>> {
    xml::finish(ContentTypesXml.render())
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
