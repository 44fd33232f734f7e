//! The privilege matrix `dvrole report` prints for change-approval records: one row per
//! privilege of the role that would be built.

use serde::Serialize;

use crate::model::guid;
use crate::model::role::Role;
use crate::model::solution::SolutionManifest;
use crate::ops::table;

/// One row of the matrix.
///
/// Fields are in alphabetical order, the order of their keys in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The depths the privilege allows, e.g. `Local/Deep/Global`; `unchecked` outside the catalogue.
    pub allowed: String,
    /// The depth granted.
    pub depth: String,
    /// The table's logical name; empty for privileges bound to no table or outside the catalogue.
    pub entity: String,
    /// The privilege name.
    pub privilege: String,
    /// Where the facts come from; for privileges outside the catalogue, says so.
    pub source: String,
    /// The role-editor tab; empty outside the catalogue.
    pub tab: String,
}

/// The rows for `role`, in the role's order.
pub fn rows(role: &Role) -> Vec<Row> {
    role.privileges
        .iter()
        .map(|p| match &p.entry {
            Some(e) => Row {
                privilege: p.name.clone(),
                entity: e.entity.clone().unwrap_or_default(),
                tab: e.tab.clone(),
                depth: p.depth.to_string(),
                allowed: e.allowed.to_string(),
                source: e.source.clone(),
            },
            None => Row {
                privilege: p.name.clone(),
                entity: String::new(),
                tab: String::new(),
                depth: p.depth.to_string(),
                allowed: "unchecked".into(),
                source: "added outside the catalogue (--add)".into(),
            },
        })
        .collect()
}

const HEADERS: [&str; 6] = [
    "privilege",
    "entity",
    "tab",
    "depth",
    "allowed depths",
    "source",
];

fn cells(row: &Row) -> [&str; 6] {
    [
        &row.privilege,
        &row.entity,
        &row.tab,
        &row.depth,
        &row.allowed,
        &row.source,
    ]
}

/// A Markdown document: a heading naming the role and solution, then a table.
pub fn markdown(role: &Role, manifest: &SolutionManifest) -> String {
    let mut out = format!(
        "# Role {} {}\n\nSolution {} {}, {} privileges.\n\n",
        table::markdown_cell(&role.name),
        guid::braced(role.id),
        manifest.unique_name,
        manifest.version,
        role.privileges.len()
    );
    out.push_str(&table::markdown(
        &HEADERS,
        rows(role).iter().map(|r| cells(r).to_vec()),
    ));
    out
}

/// CSV (RFC 4180): a header row, then one row per privilege; fields holding a comma, quote or
/// line break are quoted.
pub fn csv(role: &Role) -> String {
    table::csv(&HEADERS, rows(role).iter().map(|r| cells(r).to_vec()))
}

/// The matrix as JSON: `{"privileges": [{"allowed", "depth", "entity", "privilege",
/// "source", "tab"}], "role": {"id", "name"}, "solution": {"unique_name", "version"}}`.
///
/// Fields are in alphabetical order, the order of their keys in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Matrix<'a> {
    /// One row per privilege, in the role's order.
    pub privileges: Vec<Row>,
    /// The role.
    pub role: MatrixRole<'a>,
    /// The solution that holds it.
    pub solution: MatrixSolution<'a>,
}

/// The role a [`Matrix`] is of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatrixRole<'a> {
    /// The role's id, braced.
    pub id: String,
    /// The role's name.
    pub name: &'a str,
}

/// The solution of a [`Matrix`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatrixSolution<'a> {
    /// Its unique name.
    pub unique_name: &'a str,
    /// Its version.
    pub version: String,
}

impl<'a> Matrix<'a> {
    /// The matrix of `role` in the solution `manifest` describes.
    pub fn new(role: &'a Role, manifest: &'a SolutionManifest) -> Matrix<'a> {
        Matrix {
            privileges: rows(role),
            role: MatrixRole {
                id: guid::braced(role.id),
                name: &role.name,
            },
            solution: MatrixSolution {
                unique_name: &manifest.unique_name,
                version: manifest.version.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalogue::Catalogue;
    use crate::model::options::{Given, RoleOptions, SolutionOptions};
    use crate::model::role;

    fn sample() -> (Role, SolutionManifest) {
        let c = Catalogue::default_catalogue();
        let mut o = RoleOptions::default();
        o.add.push(Given::flag("--add", "prvReadAccount=Local"));
        o.role_name = Some(Given::flag("--role-name", "A|B, \"C\""));
        let (role, _) = role::resolve(&c, &o, "dvrole").unwrap();
        let m = SolutionManifest::from_options(&SolutionOptions::default(), vec![role.id]).unwrap();
        (role, m)
    }

    #[test]
    fn every_privilege_is_a_row_in_every_format() {
        let (role, m) = sample();
        let md = markdown(&role, &m);
        assert_eq!(md.lines().filter(|l| l.starts_with("| prv")).count(), 25);
        assert!(md.contains("A\\|B"));
        assert!(md.contains("| prvReadAccount |  |  | Local | unchecked |"));
        let c = csv(&role);
        assert_eq!(c.lines().count(), 26);
        assert!(c.starts_with("privilege,entity,tab,depth,allowed depths,source\r\n"));
        let j = Matrix::new(&role, &m);
        assert_eq!(j.privileges.len(), 25);
        assert_eq!(j.role.name, "A|B, \"C\"");
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let (role, _) = sample();
        let c = csv(&role);
        assert!(
            c.contains("\"added outside the catalogue (--add)\"")
                || c.contains("added outside the catalogue (--add)")
        );
        for line in c.lines().skip(1) {
            // Every line has six fields once quoted commas are accounted for.
            let mut fields = 1;
            let mut quoted = false;
            for ch in line.chars() {
                match ch {
                    '"' => quoted = !quoted,
                    ',' if !quoted => fields += 1,
                    _ => {}
                }
            }
            assert_eq!(fields, 6, "{line}");
        }
    }
}
