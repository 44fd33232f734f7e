//! The matrix as Markdown: a section per role, a table per tab with a column per access
//! right and the depth as a word in each cell, then a table of the privileges bound to no
//! table.

use super::{cell_lacks, deepest, AccessRight, Destination, Held, Render, RoleMatrix};
use crate::error::Result;
use crate::model::depth::Depth;
use crate::ops::table;

/// A cell or line of text from the input, made inert: a table cell as
/// [`table::markdown_cell`] makes it, with HTML and the inline marks (`*`, `` ` ``, `[`, `]`)
/// escaped, so a name renders as written and never as markup.
pub fn markdown_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in table::markdown_cell(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '*' | '`' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Writes Markdown, one role at a time.
pub struct Markdown<'o, 'w> {
    out: &'o mut Destination<'w>,
}

impl<'o, 'w> Markdown<'o, 'w> {
    /// Starts the document: a heading and what the inputs are.
    pub fn new(out: &'o mut Destination<'w>, inputs: &[String]) -> Result<Markdown<'o, 'w>> {
        let mut head = String::from("# Privilege matrix\n\n");
        if !inputs.is_empty() {
            let list: Vec<String> = inputs.iter().map(|i| markdown_cell(i)).collect();
            head.push_str(&format!("Roles in {}.\n\n", list.join(", ")));
        }
        out.write_all(head.as_bytes())?;
        Ok(Markdown { out })
    }
}

/// A cell's text: the depth, and what is desired where the role lacks it.
fn cell_text(cell: &[&Held]) -> String {
    let depth = deepest(cell).map_or("", Depth::xml_name);
    if !cell_lacks(cell) {
        return depth.to_string();
    }
    let want = cell.iter().filter_map(|h| h.desired).max();
    let have = if depth.is_empty() { "none" } else { depth };
    match want {
        Some(w) => format!("**{have}** (desired {w})"),
        None => depth.to_string(),
    }
}

/// Renders one role's section.
pub fn role_section(role: &RoleMatrix) -> String {
    let c = role.counts();
    let mut s = format!("## {}\n\n", markdown_cell(&role.name));
    s.push_str(&format!(
        "- id: {}\n",
        markdown_cell(role.id.as_deref().unwrap_or("(none)"))
    ));
    let inheritance = match &role.isinherited {
        Some(v) => format!(
            "{} (isinherited=\"{}\")",
            role.inheritance().describe(),
            markdown_cell(v)
        ),
        None => role.inheritance().describe().to_string(),
    };
    s.push_str(&format!("- inheritance: {inheritance}\n"));
    s.push_str(&format!("- file: {}\n", markdown_cell(&role.file)));
    s.push_str(&format!(
        "- privileges: {} (Basic {}, Local {}, Deep {}, Global {}) on {} tables, {} bound to no table\n",
        c.held, c.by_depth[0], c.by_depth[1], c.by_depth[2], c.by_depth[3], c.tables, c.untabled
    ));
    if role.privileges.iter().any(|h| h.desired.is_some()) {
        s.push_str(&format!(
            "- against the desired role: {} missing, {} too shallow\n",
            c.missing, c.too_shallow
        ));
    }
    s.push('\n');
    for tab in role.tabs() {
        s.push_str(&format!("### {}\n\n", markdown_cell(tab.name)));
        if !tab.tables.is_empty() {
            s.push_str("| Table |");
            for a in AccessRight::ALL {
                s.push(' ');
                s.push_str(a.label());
                s.push_str(" |");
            }
            s.push_str("\n|---|");
            s.push_str(&"---|".repeat(AccessRight::ALL.len()));
            s.push('\n');
            for row in &tab.tables {
                let name = if row.display.eq_ignore_ascii_case(row.table) {
                    markdown_cell(row.display)
                } else {
                    format!(
                        "{} ({})",
                        markdown_cell(row.display),
                        markdown_cell(row.table)
                    )
                };
                s.push_str(&format!("| {name} |"));
                for cell in &row.cells {
                    s.push(' ');
                    s.push_str(&cell_text(cell));
                    s.push_str(" |");
                }
                s.push('\n');
            }
            s.push('\n');
        }
        if !tab.untabled.is_empty() {
            s.push_str(
                "| Privilege bound to no table | Name | Section | Depth |\n|---|---|---|---|\n",
            );
            for h in &tab.untabled {
                s.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    markdown_cell(&h.privilege),
                    markdown_cell(&h.place.display),
                    markdown_cell(h.place.section().unwrap_or("")),
                    cell_text(&[h])
                ));
            }
            s.push('\n');
        }
    }
    s
}

impl Render for Markdown<'_, '_> {
    fn role(&mut self, role: &RoleMatrix) -> Result<()> {
        self.out.write_all(role_section(role).as_bytes())
    }

    fn finish(&mut self) -> Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_the_input_is_inert() {
        assert_eq!(
            markdown_cell("<b>x</b> & *y* `z` [a](b) | c"),
            "&lt;b&gt;x&lt;/b&gt; &amp; \\*y\\* \\`z\\` \\[a\\](b) \\| c"
        );
        assert_eq!(markdown_cell("new_project"), "new_project");
    }
}
