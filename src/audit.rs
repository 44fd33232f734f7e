//! `dvrole audit`: what existing roles lack of the role `dvrole generate` would build.
//!
//! Each role is compared with the desired role as it streams out of its file, and only the
//! comparison is kept, so the size of the input does not matter.

use std::collections::HashMap;

use serde::Serialize;

use crate::catalogue::{Catalogue, Entry};
use crate::depth::Depth;
use crate::read::{RoleRecord, RolesFile, XmlProblem};
use crate::role::Role;

/// How a privilege of a role compares with the desired role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Desired, and absent from the role.
    Missing,
    /// Present at a lesser depth than desired.
    TooShallow,
    /// Present at a greater depth than desired (information only).
    Deeper,
    /// Present, and not in the desired role (information only).
    Extra,
}

impl Kind {
    /// The word used in text output and JSON.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Missing => "missing",
            Kind::TooShallow => "too-shallow",
            Kind::Deeper => "deeper",
            Kind::Extra => "extra",
        }
    }

    /// Whether the finding means the role lacks something (`missing`, `too-shallow`).
    pub fn is_gap(self) -> bool {
        matches!(self, Kind::Missing | Kind::TooShallow)
    }
}

/// One privilege of one role that differs from the desired role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What kind of difference.
    pub kind: Kind,
    /// The privilege name (as the catalogue spells it where it knows it).
    pub privilege: String,
    /// The table's logical name, where a catalogue knows it.
    pub entity: Option<String>,
    /// The role-editor tab, where a catalogue knows it.
    pub tab: Option<String>,
    /// The depth the role has; `None` when it lacks the privilege.
    pub have: Option<Depth>,
    /// The depth the desired role has; `None` for an extra privilege.
    pub want: Option<Depth>,
}

/// The comparison of one role with the desired role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleAudit {
    /// The file that holds the role.
    pub file: String,
    /// The role's id as written.
    pub id: Option<String>,
    /// The role's name.
    pub name: String,
    /// How many privileges the role holds.
    pub privileges: usize,
    /// The differences: desired privileges first (by name), then extras in file order.
    pub findings: Vec<Finding>,
}

impl RoleAudit {
    /// How many findings are of `kind`.
    pub fn count(&self, kind: Kind) -> usize {
        self.findings.iter().filter(|f| f.kind == kind).count()
    }

    /// Whether the role lacks a desired privilege or holds one too shallow.
    pub fn lacks(&self) -> bool {
        self.findings.iter().any(|f| f.kind.is_gap())
    }
}

/// The desired role, ready to compare roles with.
pub struct Desired<'a> {
    role: &'a Role,
    /// Lowercased privilege name to its index in `role.privileges`.
    index: HashMap<String, usize>,
    /// Where to look up tables and tabs of privileges outside the desired role.
    catalogues: &'a [Catalogue],
}

impl<'a> Desired<'a> {
    /// Prepares `role` for comparison; `catalogues` supply the table and tab of extra
    /// privileges where one of them knows it.
    pub fn new(role: &'a Role, catalogues: &'a [Catalogue]) -> Desired<'a> {
        let index = role
            .privileges
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.to_ascii_lowercase(), i))
            .collect();
        Desired {
            role,
            index,
            catalogues,
        }
    }

    fn known(&self, privilege: &str) -> Option<&Entry> {
        self.catalogues.iter().find_map(|c| c.get(privilege))
    }

    /// Compares one role with the desired role. A level that is not a depth, or a role file
    /// holding no privileges, is a problem at its offset: the role cannot be judged.
    pub fn audit(&self, file: &str, record: RoleRecord) -> Result<RoleAudit, XmlProblem> {
        let name = record
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "(unnamed)".to_string());
        if record.privileges.is_empty() && record.file == RolesFile::RoleFile {
            return Err(XmlProblem::at(
                record.offset,
                format!("role '{name}' holds no <RolePrivilege>, so there is nothing to audit; give the role's exported XML"),
            ));
        }
        // The deepest depth the role gives each desired privilege; extras in file order.
        let mut have: Vec<Option<Depth>> = vec![None; self.role.privileges.len()];
        let mut extras: Vec<(String, Depth)> = Vec::new();
        let mut extra_seen: HashMap<String, usize> = HashMap::new();
        for p in &record.privileges {
            let Some(pname) = p.name.as_deref().filter(|n| !n.is_empty()) else {
                continue;
            };
            let level = p.level.as_deref().unwrap_or("");
            let depth = Depth::from_xml(level).ok_or_else(|| {
                XmlProblem::at(
                    p.offset,
                    format!("role '{name}': {pname} has level {level:?}, which is not Basic, Local, Deep or Global; run dvrole validate on it"),
                )
            })?;
            let key = pname.to_ascii_lowercase();
            match self.index.get(&key) {
                Some(&i) => {
                    if let Some(slot) = have.get_mut(i) {
                        *slot = (*slot).max(Some(depth));
                    }
                }
                None => match extra_seen.get(&key) {
                    Some(&i) => {
                        if let Some(e) = extras.get_mut(i) {
                            e.1 = e.1.max(depth);
                        }
                    }
                    None => {
                        extra_seen.insert(key, extras.len());
                        extras.push((pname.to_string(), depth));
                    }
                },
            }
        }
        let mut findings = Vec::new();
        for (p, have) in self.role.privileges.iter().zip(have) {
            let kind = match have {
                None => Kind::Missing,
                Some(d) if d < p.depth => Kind::TooShallow,
                Some(d) if d > p.depth => Kind::Deeper,
                Some(_) => continue,
            };
            let entry = p.entry.as_ref().or_else(|| self.known(&p.name));
            findings.push(Finding {
                kind,
                privilege: p.name.clone(),
                entity: entry.and_then(|e| e.entity.clone()),
                tab: entry.map(|e| e.tab.clone()),
                have,
                want: Some(p.depth),
            });
        }
        for (privilege, depth) in extras {
            let entry = self.known(&privilege);
            findings.push(Finding {
                kind: Kind::Extra,
                privilege: entry.map_or(privilege, |e| e.privilege.clone()),
                entity: entry.and_then(|e| e.entity.clone()),
                tab: entry.map(|e| e.tab.clone()),
                have: Some(depth),
                want: None,
            });
        }
        Ok(RoleAudit {
            file: file.to_string(),
            id: record.id,
            name,
            privileges: record.privileges.len(),
            findings,
        })
    }
}

/// Whether `selector` (a `--role` value) names the role: its name without regard to case,
/// or its id without regard to braces and case.
pub fn role_matches(selector: &str, id: Option<&str>, name: &str) -> bool {
    let selector = selector.trim();
    if selector.eq_ignore_ascii_case(name.trim()) {
        return true;
    }
    match (
        crate::guid::parse(selector),
        id.and_then(crate::guid::parse),
    ) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::RoleOptions;
    use crate::read::PrivilegeRecord;

    fn record(privileges: &[(&str, &str)]) -> RoleRecord {
        RoleRecord {
            id: Some("{d5dc4257-ecf0-ef11-be21-6045bd005939}".into()),
            name: Some("R".into()),
            privileges: privileges
                .iter()
                .map(|(n, l)| PrivilegeRecord {
                    name: Some(n.to_string()),
                    level: Some(l.to_string()),
                    offset: 0,
                })
                .collect(),
            offset: 0,
            file: RolesFile::Customizations,
        }
    }

    #[test]
    fn classifies_each_privilege() {
        let c = Catalogue::default_catalogue();
        let (role, _) = crate::role::resolve(&c, &RoleOptions::default(), "dvrole").unwrap();
        let all = [c.clone()];
        let desired = Desired::new(&role, &all);
        let mut held: Vec<(String, String)> = role
            .privileges
            .iter()
            .map(|p| (p.name.to_ascii_uppercase(), p.depth.to_string()))
            .collect();
        // prvReadMailbox (Basic wanted) missing, prvReadContact deeper, prvReadQueue twice.
        held.retain(|(n, _)| n != "PRVREADMAILBOX");
        for (n, d) in held.iter_mut() {
            if n == "PRVREADCONTACT" {
                *d = "Global".into();
            }
        }
        held.push(("prvReadQueue".into(), "Local".into()));
        held.push(("prvReadAccount".into(), "Basic".into()));
        let pairs: Vec<(&str, &str)> = held.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let audit = desired.audit("f", record(&pairs)).unwrap();
        let kinds: Vec<(Kind, &str)> = audit
            .findings
            .iter()
            .map(|f| (f.kind, f.privilege.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (Kind::Deeper, "prvReadContact"),
                (Kind::Missing, "prvReadMailbox"),
                (Kind::Deeper, "prvReadQueue"),
                (Kind::Extra, "prvReadAccount"),
            ]
        );
        assert!(audit.lacks());
        let mailbox = &audit.findings[1];
        assert_eq!(mailbox.entity.as_deref(), Some("mailbox"));
        assert_eq!(mailbox.want, Some(Depth::Basic));
    }

    #[test]
    fn too_shallow_and_bad_levels() {
        let c = Catalogue::default_catalogue();
        let o = RoleOptions {
            depth: vec![crate::options::Given::flag(
                "--depth",
                "prvReadContact=Deep",
            )],
            ..RoleOptions::default()
        };
        let (role, _) = crate::role::resolve(&c, &o, "dvrole").unwrap();
        let desired = Desired::new(&role, &[]);
        let audit = desired
            .audit("f", record(&[("prvReadContact", "Local")]))
            .unwrap();
        let contact = audit
            .findings
            .iter()
            .find(|f| f.privilege == "prvReadContact")
            .unwrap();
        assert_eq!(contact.kind, Kind::TooShallow);
        assert_eq!(
            (contact.have, contact.want),
            (Some(Depth::Local), Some(Depth::Deep))
        );
        let err = desired
            .audit("f", record(&[("prvReadContact", "None")]))
            .unwrap_err();
        assert!(err.message.contains("not Basic"), "{}", err.message);
        let mut empty = record(&[]);
        empty.file = RolesFile::RoleFile;
        assert!(desired.audit("f", empty).is_err());
    }

    #[test]
    fn roles_match_by_name_or_id() {
        let id = Some("{D5DC4257-ECF0-EF11-BE21-6045BD005939}");
        assert!(role_matches("my role", id, "My Role"));
        assert!(role_matches(
            "d5dc4257-ecf0-ef11-be21-6045bd005939",
            id,
            "x"
        ));
        assert!(!role_matches("other", id, "My Role"));
        assert!(!role_matches(
            "d5dc4257-ecf0-ef11-be21-6045bd005930",
            id,
            "x"
        ));
    }
}
