//! The matrix as one self-contained HTML page: inline CSS and SVG, no script, nothing loaded
//! from anywhere. A table of contents of the roles, a legend of the role editor's depth
//! icons, then per role its facts and a table per tab; every cell or item that holds a
//! privilege says in its `title` which privilege and depth (`prvReadAccount: Global`).
//! Light and dark follow `prefers-color-scheme`; print styles start each role on a page.
//!
//! Everything from the input goes through the templates' HTML escaping.
//!
//! The table of contents comes first but is known only at the end: role sections are
//! spooled (in memory up to a few MiB, then in a temporary file) and copied out after it.

use std::io::{Read, Seek, SeekFrom, Write};

use askama::Template;
use tempfile::SpooledTempFile;

use super::{cell_lacks, deepest, AccessRight, Counts, Destination, Held, Render, RoleMatrix};
use crate::error::{Error, Result};
use crate::model::depth::Depth;

/// Role sections are held in memory up to this many bytes, then in a temporary file.
const SPOOL_BYTES: usize = 8 << 20;

/// One entry of the table of contents.
struct TocEntry {
    anchor: String,
    name: String,
    held: usize,
    lacking: Option<usize>,
}

#[derive(Template)]
#[template(path = "matrix/head.html")]
struct Head<'a> {
    version: &'a str,
    title: &'a str,
    inputs: &'a [String],
    roles: &'a [TocEntry],
    desired: bool,
    legend: Vec<(&'static str, &'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "matrix/foot.html")]
struct Foot;

struct CellView {
    /// Holds no privilege, and none is desired: drawn by CSS alone.
    empty: bool,
    class: &'static str,
    icon: &'static str,
    label: &'static str,
    title: Option<String>,
    want: Option<String>,
}

struct RowView<'a> {
    display: &'a str,
    logical: Option<&'a str>,
    cells: Vec<CellView>,
}

struct ItemView<'a> {
    class: &'static str,
    icon: &'static str,
    label: &'static str,
    title: String,
    display: &'a str,
    privilege: Option<&'a str>,
    section: Option<&'a str>,
    want: Option<String>,
}

struct TabView<'a> {
    name: &'a str,
    rows: Vec<RowView<'a>>,
    items: Vec<ItemView<'a>>,
}

#[derive(Template)]
#[template(path = "matrix/role.html")]
struct Section<'a> {
    anchor: &'a str,
    name: &'a str,
    id: &'a str,
    inheritance: String,
    file: &'a str,
    c: Counts,
    desired: bool,
    headers: [&'static str; 8],
    tabs: Vec<TabView<'a>>,
}

/// The icon of a depth: `d0` (none, an empty circle) to `d4` (Global, a full one).
fn icon(depth: Option<Depth>) -> &'static str {
    match depth {
        None => "d0",
        Some(Depth::Basic) => "d1",
        Some(Depth::Local) => "d2",
        Some(Depth::Deep) => "d3",
        Some(Depth::Global) => "d4",
    }
}

fn label(depth: Option<Depth>) -> &'static str {
    depth.map_or("none", Depth::xml_name)
}

/// The class of a cell: its depth's colour, and `lack` where the role lacks what is desired.
fn class(depth: Option<Depth>, lacks: bool) -> &'static str {
    match (depth, lacks) {
        (None, false) => "d0",
        (None, true) => "d0 lack",
        (Some(Depth::Basic), false) => "d1",
        (Some(Depth::Basic), true) => "d1 lack",
        (Some(Depth::Local), false) => "d2",
        (Some(Depth::Local), true) => "d2 lack",
        (Some(Depth::Deep), false) => "d3",
        (Some(Depth::Deep), true) => "d3 lack",
        (Some(Depth::Global), _) => "d4",
    }
}

fn want(cell: &[&Held]) -> Option<String> {
    if !cell_lacks(cell) {
        return None;
    }
    cell.iter()
        .filter_map(|h| h.desired)
        .max()
        .map(|d| format!("→ {d}"))
}

fn cell_view(cell: &[&Held]) -> CellView {
    let depth = deepest(cell);
    let lacks = cell_lacks(cell);
    CellView {
        empty: cell.is_empty(),
        class: class(depth, lacks),
        icon: icon(depth),
        label: label(depth),
        title: (!cell.is_empty()).then(|| {
            cell.iter()
                .map(|h| h.title())
                .collect::<Vec<_>>()
                .join("\n")
        }),
        want: want(cell),
    }
}

/// The id of the `n`th role's section (from 1).
fn anchor(n: usize) -> String {
    format!("role-{n}")
}

/// Renders one role's section.
fn section(role: &RoleMatrix, anchor: &str, desired: bool) -> Result<String> {
    let c = role.counts();
    let inheritance = match &role.isinherited {
        Some(v) => format!("{} (isinherited=\"{v}\")", role.inheritance().describe()),
        None => role.inheritance().describe().to_string(),
    };
    let tabs = role
        .tabs()
        .into_iter()
        .map(|tab| TabView {
            name: tab.name,
            rows: tab
                .tables
                .iter()
                .map(|row| RowView {
                    display: row.display,
                    logical: (!row.display.eq_ignore_ascii_case(row.table)).then_some(row.table),
                    cells: row.cells.iter().map(|cell| cell_view(cell)).collect(),
                })
                .collect(),
            items: tab
                .untabled
                .iter()
                .map(|h| ItemView {
                    class: class(h.depth, h.lacks()),
                    icon: icon(h.depth),
                    label: label(h.depth),
                    title: h.title(),
                    display: &h.place.display,
                    privilege: (h.place.display != h.privilege).then_some(h.privilege.as_str()),
                    section: h.place.section(),
                    want: want(&[h]),
                })
                .collect(),
        })
        .collect();
    let mut headers = [""; 8];
    for (h, a) in headers.iter_mut().zip(AccessRight::ALL) {
        *h = a.label();
    }
    Section {
        anchor,
        name: &role.name,
        id: role.id.as_deref().unwrap_or("(none)"),
        inheritance,
        file: &role.file,
        c,
        desired,
        headers,
        tabs,
    }
    .render()
    .map_err(|e| Error::Internal(format!("cannot render a role as HTML: {e}")))
}

/// Writes the page; sections are spooled until the table of contents is known.
pub struct Html<'o, 'w> {
    out: &'o mut Destination<'w>,
    inputs: Vec<String>,
    title: String,
    desired: bool,
    toc: Vec<TocEntry>,
    spool: SpooledTempFile,
}

impl<'o, 'w> Html<'o, 'w> {
    /// A page titled `title`, of roles from `inputs`; `desired` when roles are compared with
    /// the desired role.
    pub fn new(
        out: &'o mut Destination<'w>,
        title: &str,
        inputs: &[String],
        desired: bool,
    ) -> Html<'o, 'w> {
        Html {
            out,
            inputs: inputs.to_vec(),
            title: title.to_string(),
            desired,
            toc: Vec::new(),
            spool: SpooledTempFile::new(SPOOL_BYTES),
        }
    }

    fn spool_error(e: std::io::Error) -> Error {
        Error::io(std::env::temp_dir(), e)
    }
}

impl Render for Html<'_, '_> {
    fn role(&mut self, role: &RoleMatrix) -> Result<()> {
        let anchor = anchor(self.toc.len() + 1);
        let text = section(role, &anchor, self.desired)?;
        self.spool
            .write_all(text.as_bytes())
            .map_err(Self::spool_error)?;
        let c = role.counts();
        self.toc.push(TocEntry {
            anchor,
            name: role.name.clone(),
            held: c.held,
            lacking: self.desired.then_some(c.missing + c.too_shallow),
        });
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        let legend = vec![
            ("d0", "none", "not granted"),
            ("d1", "Basic", "User"),
            ("d2", "Local", "Business Unit"),
            ("d3", "Deep", "Parent: Child Business Units"),
            ("d4", "Global", "Organization"),
        ];
        let head = Head {
            version: env!("CARGO_PKG_VERSION"),
            title: &self.title,
            inputs: &self.inputs,
            roles: &self.toc,
            desired: self.desired,
            legend,
        }
        .render()
        .map_err(|e| Error::Internal(format!("cannot render the page head: {e}")))?;
        self.out.write_all(head.as_bytes())?;
        self.spool
            .seek(SeekFrom::Start(0))
            .map_err(Self::spool_error)?;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match self.spool.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Self::spool_error(e)),
            };
            self.out.write_all(buf.get(..n).unwrap_or_default())?;
        }
        let foot = Foot
            .render()
            .map_err(|e| Error::Internal(format!("cannot render the page foot: {e}")))?;
        self.out.write_all(foot.as_bytes())?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;
    use scraper::{Html as Page, Selector};

    use super::*;
    use crate::ops::matrix::Names;

    fn page(roles: &[RoleMatrix], desired: bool) -> String {
        let mut bytes = Vec::new();
        {
            let mut out = Destination::new(Box::new(&mut bytes), "test");
            let mut html = Html::new(&mut out, "Privilege matrix", &["in".to_string()], desired);
            for role in roles {
                html.role(role).unwrap();
            }
            html.finish().unwrap();
        }
        String::from_utf8(bytes).unwrap()
    }

    proptest! {
        /// Whatever the names, the page shows them as text, each privilege's title is there,
        /// and no markup from them comes through.
        #[test]
        fn names_are_text_and_every_privilege_has_its_title(
            name in "[^\\p{Cc}]{1,30}",
            privileges in proptest::collection::vec(("prv[A-Za-z<>&\"' _/]{0,12}", 0usize..4), 0..12),
        ) {
            let names = Names::new(&[]);
            let mut seen = BTreeSet::new();
            let held: Vec<Held> = privileges
                .iter()
                .filter(|(p, _)| seen.insert(p.to_ascii_lowercase()))
                .map(|(p, d)| Held {
                    privilege: p.clone(),
                    depth: Depth::ALL.get(*d).copied(),
                    desired: None,
                    place: names.place(p),
                })
                .collect();
            let role = RoleMatrix {
                input: "in".into(),
                file: name.clone(),
                name: name.clone(),
                id: Some(name.clone()),
                isinherited: Some(name.clone()),
                privileges: held.clone(),
            };
            let html = page(&[role], false);
            let doc = Page::parse_document(&html);
            let sel = |s: &str| Selector::parse(s).unwrap();
            let heading: String = doc.select(&sel("section.role h2")).next().unwrap().text().collect();
            prop_assert_eq!(&heading, &name);
            let toc: String = doc.select(&sel("nav li a")).next().unwrap().text().collect();
            prop_assert_eq!(&toc, &name);
            prop_assert_eq!(doc.select(&sel("script, img, iframe, link")).count(), 0);
            for e in doc.select(&sel("*")) {
                for (attr, _) in e.value().attrs() {
                    prop_assert!(!attr.starts_with("on"), "{}", attr);
                }
            }
            let titles: BTreeSet<String> = doc
                .select(&sel("section.role [title]"))
                .flat_map(|e| e.value().attr("title").unwrap_or_default().lines().map(str::to_string).collect::<Vec<_>>())
                .collect();
            let expected: BTreeSet<String> = held.iter().map(Held::title).collect();
            prop_assert_eq!(titles, expected);
        }
    }
}
