//! The target environment's privilege table: which privileges exist there, and the depths
//! each allows (its `canbebasic`, `canbelocal`, `canbedeep` and `canbeglobal` flags).
//!
//! The table is built from one or more pages saved from the Web API (see
//! `settings::environment` for the reader); this module holds the table and the rules for
//! putting pages together, and reads no file.

use std::collections::HashMap;

use uuid::Uuid;

use crate::model::depth::DepthSet;
use crate::model::guid;
use crate::model::names;

/// One privilege of the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TablePrivilege {
    /// The name, as the environment spells it.
    pub name: String,
    /// The `privilegeid`, where the page has it.
    pub id: Option<Uuid>,
    /// The `accessright` flag (Read 1, Write 2, ...), where the page has it.
    pub access_right: Option<u32>,
    /// The depths the privilege allows there.
    pub allowed: DepthSet,
    /// Where the row was read: `FILE: row N`.
    pub origin: String,
}

/// Why two rows cannot be put in one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowConflict {
    /// Where the first row was read.
    pub first: String,
    /// Where the second row was read.
    pub second: String,
    /// The privilege.
    pub name: String,
    /// What differs.
    pub what: String,
}

impl std::fmt::Display for RowConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} and {} disagree on {}: {}; save the table again in one go",
            self.first, self.second, self.name, self.what
        )
    }
}

/// The privileges of one environment, looked up by name (without regard to case) or id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrivilegeTable {
    rows: Vec<TablePrivilege>,
    by_name: HashMap<String, usize>,
    by_id: HashMap<Uuid, usize>,
    /// The files the table was read from, in order.
    files: Vec<String>,
    /// Whether every page given says another follows (`@odata.nextLink`): the last is missing.
    incomplete: bool,
}

/// The access right words of the Web API's `AccessRights` flags, least first.
const ACCESS_RIGHTS: [(u32, &str); 8] = [
    (1, "Read"),
    (2, "Write"),
    (4, "Append"),
    (16, "AppendTo"),
    (32, "Create"),
    (65536, "Delete"),
    (262144, "Share"),
    (524288, "Assign"),
];

/// The word for an `accessright` value (`Read` for 1), where it is a single known flag.
pub fn access_right_name(flag: u32) -> Option<&'static str> {
    ACCESS_RIGHTS
        .iter()
        .find(|(f, _)| *f == flag)
        .map(|(_, n)| *n)
}

impl PrivilegeTable {
    /// An empty table.
    pub fn new() -> PrivilegeTable {
        PrivilegeTable::default()
    }

    /// Records that a page was read from `file`, and whether it names a next page.
    pub fn add_page(&mut self, file: &str, has_next: bool) {
        self.incomplete = if self.files.is_empty() {
            has_next
        } else {
            self.incomplete && has_next
        };
        self.files.push(file.to_string());
    }

    /// Adds one row. The same privilege twice is fine when both rows agree on its id and
    /// depths; otherwise it is a conflict naming both rows.
    pub fn insert(&mut self, row: TablePrivilege) -> Result<(), RowConflict> {
        let key = row.name.to_ascii_lowercase();
        if let Some(first) = self.by_name.get(&key).and_then(|i| self.rows.get(*i)) {
            let what = if first.allowed != row.allowed {
                Some(format!(
                    "one allows {}, the other {}",
                    first.allowed, row.allowed
                ))
            } else {
                match (first.id, row.id) {
                    (Some(a), Some(b)) if a != b => {
                        Some(format!("ids {} and {}", guid::braced(a), guid::braced(b)))
                    }
                    _ => None,
                }
            };
            return match what {
                Some(what) => Err(RowConflict {
                    first: first.origin.clone(),
                    second: row.origin,
                    name: first.name.clone(),
                    what,
                }),
                None => Ok(()),
            };
        }
        let index = self.rows.len();
        if let Some(id) = row.id {
            if let Some(other) = self.by_id.get(&id).and_then(|i| self.rows.get(*i)) {
                return Err(RowConflict {
                    first: other.origin.clone(),
                    second: row.origin.clone(),
                    name: row.name.clone(),
                    what: format!("id {} is also the id of {}", guid::braced(id), other.name),
                });
            }
            self.by_id.insert(id, index);
        }
        self.by_name.insert(key, index);
        self.rows.push(row);
        Ok(())
    }

    /// The privilege called `name`, matched without regard to case.
    pub fn get(&self, name: &str) -> Option<&TablePrivilege> {
        self.by_name
            .get(&name.to_ascii_lowercase())
            .and_then(|i| self.rows.get(*i))
    }

    /// The privilege whose id is `id`.
    pub fn by_id(&self, id: Uuid) -> Option<&TablePrivilege> {
        self.by_id.get(&id).and_then(|i| self.rows.get(*i))
    }

    /// The name the table holds that is nearest to `name`, where one is close.
    pub fn suggest(&self, name: &str) -> Option<String> {
        names::nearest(name, self.rows.iter().map(|r| r.name.as_str()))
    }

    /// Every privilege, in the order read.
    pub fn rows(&self) -> &[TablePrivilege] {
        &self.rows
    }

    /// How many privileges the table holds.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table holds no privilege.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The files read, joined for messages: `a.json + b.json`.
    pub fn label(&self) -> String {
        if self.files.is_empty() {
            "the environment's privilege table".to_string()
        } else {
            format!("the privilege table {}", self.files.join(" + "))
        }
    }

    /// The files the table was read from, in order.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Whether every page read says another follows, so the last page is missing.
    pub fn is_incomplete(&self) -> bool {
        self.incomplete
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::depth::Depth;

    fn row(name: &str, allowed: &[Depth], id: Option<u128>, origin: &str) -> TablePrivilege {
        TablePrivilege {
            name: name.to_string(),
            id: id.map(Uuid::from_u128),
            access_right: Some(1),
            allowed: allowed.iter().copied().collect(),
            origin: origin.to_string(),
        }
    }

    #[test]
    fn rows_are_found_by_name_in_any_case_and_by_id() {
        let mut t = PrivilegeTable::new();
        t.insert(row("prvReadContact", &Depth::ALL, Some(7), "a: row 1"))
            .unwrap();
        assert_eq!(t.get("PRVREADCONTACT").unwrap().name, "prvReadContact");
        assert_eq!(t.by_id(Uuid::from_u128(7)).unwrap().name, "prvReadContact");
        assert_eq!(
            t.suggest("prvReadContcat").as_deref(),
            Some("prvReadContact")
        );
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn the_same_row_twice_is_fine_and_a_different_one_is_a_conflict() {
        let mut t = PrivilegeTable::new();
        t.insert(row("prvX", &[Depth::Basic], Some(1), "a.json: row 3"))
            .unwrap();
        t.insert(row("prvX", &[Depth::Basic], Some(1), "b.json: row 9"))
            .unwrap();
        assert_eq!(t.len(), 1);
        let err = t
            .insert(row("prvx", &[Depth::Global], Some(1), "b.json: row 10"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("a.json: row 3 and b.json: row 10 disagree on prvX"),
            "{err}"
        );
        assert!(err.contains("one allows Basic, the other Global"), "{err}");
        let err = t
            .insert(row("prvY", &[Depth::Basic], Some(1), "b.json: row 11"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("also the id of prvX"), "{err}");
    }

    #[test]
    fn a_table_whose_every_page_has_a_next_link_is_incomplete() {
        let mut t = PrivilegeTable::new();
        t.add_page("a", true);
        assert!(t.is_incomplete());
        t.add_page("b", false);
        assert!(!t.is_incomplete());
        assert_eq!(t.label(), "the privilege table a + b");
        assert_eq!(access_right_name(65536), Some("Delete"));
        assert_eq!(access_right_name(3), None);
    }
}
