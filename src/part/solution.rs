//! `solution.xml`, the manifest: its name in a package and its rendering.
//!
//! In a source folder the same document is `Other/Solution.xml`.

use askama::Template;

use crate::error::Result;
use crate::model::guid;
use crate::model::solution::{SolutionManifest, ROLE_COMPONENT_TYPE};
use crate::xml;

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
