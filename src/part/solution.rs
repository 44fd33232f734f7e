//! `solution.xml`, the manifest: its name in a package and its rendering.
//!
//! In a source folder the same document is `Other/Solution.xml`.

use askama::Template;

use crate::error::Result;
use crate::model::guid;
use crate::model::solution::{SolutionManifest, ROLE_COMPONENT_TYPE};
use crate::xml;
use std::io::Read;

use quick_xml::events::BytesStart;

use crate::xml::walk::{attribute, path_is, walk, Visitor, XmlProblem};

/// The manifest's name in a solution zip.
pub const PART_NAME: &str = "solution.xml";

impl SolutionManifest {
    /// Renders `solution.xml`: `<Managed>` is `1` when managed, `0` when not.
    pub fn render(&self) -> Result<Vec<u8>> {
        self.render_managed(u8::from(self.managed))
    }

    /// Renders `Other/Solution.xml` for a source folder that holds both package types:
    /// `<Managed>2</Managed>`, as SolutionPackager writes it, whatever [`Self::managed`]
    /// says.
    pub fn render_both(&self) -> Result<Vec<u8>> {
        self.render_managed(2)
    }

    /// Renders the manifest with `managed` as the `<Managed>` value.
    fn render_managed(&self, managed: u8) -> Result<Vec<u8>> {
        let role_ids: Vec<String> = self.role_ids.iter().copied().map(guid::braced).collect();
        let template = SolutionXml {
            m: self,
            version: self.version.to_string(),
            managed,
            role_ids,
            component_type: ROLE_COMPONENT_TYPE,
        };
        xml::finish(template.render())
    }
}

#[derive(Template)]
#[template(path = "solution.xml")]
struct SolutionXml<'a> {
    m: &'a SolutionManifest,
    version: String,
    /// `<Managed>`: 0 unmanaged, 1 managed, 2 both (source folders only).
    managed: u8,
    role_ids: Vec<String>,
    component_type: u32,
}

/// The manifest of a SolutionPackager source folder.
pub const SOURCE_SOLUTION: &str = "Other/Solution.xml";

/// One `<RootComponent>` of a solution manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootComponentRecord {
    /// The `type` attribute, unparsed.
    pub component_type: Option<String>,
    /// The `id` attribute, unparsed.
    pub id: Option<String>,
    /// Byte offset of the element.
    pub offset: u64,
}

/// What a `solution.xml` says, as read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestRecord {
    /// The root element's name.
    pub root: String,
    /// Whether `<SolutionManifest>` is there.
    pub has_manifest: bool,
    /// `<UniqueName>` of the solution.
    pub unique_name: Option<String>,
    /// `<Version>`.
    pub version: Option<String>,
    /// `<Managed>`.
    pub managed: Option<String>,
    /// The publisher's `<UniqueName>`.
    pub publisher: Option<String>,
    /// The root components.
    pub root_components: Vec<RootComponentRecord>,
}

#[derive(Default)]
struct ManifestVisitor {
    record: ManifestRecord,
}

const MANIFEST: [&str; 2] = ["ImportExportXml", "SolutionManifest"];

impl Visitor for ManifestVisitor {
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
        if path_is(path, &MANIFEST) {
            self.record.has_manifest = true;
        }
        if path_is(
            path,
            &[
                "ImportExportXml",
                "SolutionManifest",
                "RootComponents",
                "RootComponent",
            ],
        ) {
            self.record.root_components.push(RootComponentRecord {
                component_type: attribute(e, "type", offset)?,
                id: attribute(e, "id", offset)?,
                offset,
            });
        }
        Ok(())
    }

    fn text(&mut self, path: &[String], _depth: usize, text: &str) {
        let slot = if path_is(path, &["ImportExportXml", "SolutionManifest", "UniqueName"]) {
            &mut self.record.unique_name
        } else if path_is(path, &["ImportExportXml", "SolutionManifest", "Version"]) {
            &mut self.record.version
        } else if path_is(path, &["ImportExportXml", "SolutionManifest", "Managed"]) {
            &mut self.record.managed
        } else if path_is(
            path,
            &[
                "ImportExportXml",
                "SolutionManifest",
                "Publisher",
                "UniqueName",
            ],
        ) {
            &mut self.record.publisher
        } else {
            return;
        };
        slot.get_or_insert_with(String::new).push_str(text.trim());
    }
}

/// Reads a `solution.xml`.
pub fn read_manifest(source: impl Read) -> Result<ManifestRecord, XmlProblem> {
    let mut visitor = ManifestVisitor::default();
    walk(source, &mut visitor)?;
    Ok(visitor.record)
}
