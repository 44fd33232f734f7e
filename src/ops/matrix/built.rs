//! The privilege matrix `dvrole report` prints for change-approval records: one row per
//! privilege of the role that would be built.

use serde::Serialize;

use crate::model::depth::{Depth, DepthSet};
use crate::model::guid;
use crate::model::role::Role;
use crate::model::solution::SolutionManifest;
use crate::ops::table;

/// One row of the matrix. Its JSON names and types are those of `catalogue show`, `explain`
/// and `generate --json` for the same things.
///
/// Fields are in alphabetical order, the order of their keys in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The depths the privilege allows; none (unchecked) outside the catalogue.
    pub allowed: Option<DepthSet>,
    /// The depth granted.
    pub depth: Depth,
    /// The table's logical name; none for privileges bound to no table or outside the catalogue.
    pub entity: Option<String>,
    /// Whether the catalogue holds it (false for `--add`).
    pub in_catalogue: bool,
    /// The privilege name.
    pub privilege: String,
    /// Where the facts come from; for privileges outside the catalogue, says so.
    pub source: String,
    /// The role-editor tab; none outside the catalogue.
    pub tab: Option<String>,
}

/// The rows for `role`, in the role's order.
pub fn rows(role: &Role) -> Vec<Row> {
    role.privileges
        .iter()
        .map(|p| match &p.entry {
            Some(e) => Row {
                privilege: p.name.clone(),
                entity: e.entity.clone(),
                tab: Some(e.tab.clone()),
                depth: p.depth,
                allowed: Some(e.allowed),
                in_catalogue: true,
                source: e.source.clone(),
            },
            None => Row {
                privilege: p.name.clone(),
                entity: None,
                tab: None,
                depth: p.depth,
                allowed: None,
                in_catalogue: false,
                source: "added outside the catalogue (--add)".into(),
            },
        })
        .collect()
}

/// The columns, named as the JSON fields and `catalogue show`'s columns are.
const HEADERS: [&str; 7] = [
    "privilege",
    "entity",
    "tab",
    "depth",
    "allowed",
    "in_catalogue",
    "source",
];

/// One row's cells: absent values empty, depths joined by `/` as `catalogue show` writes
/// them; in Markdown, unchecked depths say so.
fn cells(row: &Row, markdown: bool) -> Vec<String> {
    let allowed = match row.allowed {
        Some(set) => set.to_string(),
        None if markdown => "unchecked".to_string(),
        None => String::new(),
    };
    vec![
        row.privilege.clone(),
        row.entity.clone().unwrap_or_default(),
        row.tab.clone().unwrap_or_default(),
        row.depth.to_string(),
        allowed,
        row.in_catalogue.to_string(),
        row.source.clone(),
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
        rows(role).iter().map(|r| cells(r, true)),
    ));
    out
}

/// CSV (RFC 4180): a header row, then one row per privilege; fields holding a comma, quote or
/// line break are quoted.
pub fn csv(role: &Role) -> String {
    table::csv(&HEADERS, rows(role).iter().map(|r| cells(r, false)))
}

/// The matrix as JSON: `{"privileges": [{"allowed": [depth...] | null, "depth", "entity",
/// "in_catalogue", "privilege", "source", "tab"}], "role": {"id", "name"}, "solution":
/// {"unique_name", "version"}}`.
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
        assert!(md.contains("| prvReadAccount |  |  | Local | unchecked | false |"));
        let c = csv(&role);
        assert_eq!(c.lines().count(), 26);
        assert!(c.starts_with("privilege,entity,tab,depth,allowed,in_catalogue,source\r\n"));
        assert!(c.contains("prvReadAccount,,,Local,,false,"), "{c}");
        let j = serde_json::to_value(Matrix::new(&role, &m)).unwrap();
        assert_eq!(j["privileges"].as_array().unwrap().len(), 25);
        let added = &j["privileges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["privilege"] == "prvReadAccount")
            .unwrap();
        assert_eq!(added["allowed"], serde_json::Value::Null);
        assert_eq!(added["entity"], serde_json::Value::Null);
        assert!(j["privileges"][0]["allowed"].is_array());
        assert_eq!(j["role"]["name"], "A|B, \"C\"");
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
            assert_eq!(fields, 7, "{line}");
        }
    }
}
