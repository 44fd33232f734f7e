//! A role as it exists in a user's solution, kept whole: id, name, every attribute and
//! field, every privilege at its depth. `fix` raises and adds privileges on it and never
//! lowers or drops one; `diff` compares two of them.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::model::depth::Depth;
use crate::model::role::Role;

/// One privilege a role holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// The privilege name as the role spells it.
    pub name: String,
    /// Its depth.
    pub depth: Depth,
}

/// A role read whole from an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingRole {
    /// The role's id.
    pub id: Uuid,
    /// The role's name.
    pub name: String,
    /// The `<Role>` attributes other than `id`, `name` and namespace declarations, in file
    /// order (`isinherited`, `unmodified`, ...).
    pub attributes: Vec<(String, String)>,
    /// The child elements other than `<RolePrivileges>`, in file order, with their text
    /// (`IsCustomizable`, `IsAutoAssigned`, `IntroducedVersion`, ...).
    pub fields: Vec<(String, String)>,
    /// The privileges, each once (at the deepest depth the file gives it), sorted by name
    /// without regard to case, as exports sort them.
    pub privileges: Vec<Held>,
    /// Where the role was read: the file, for messages.
    pub location: String,
    /// The file inside its input that holds it, e.g. `customizations.xml` or
    /// `Roles/Sales.xml`.
    pub part: String,
}

/// The `isinherited` value Dataverse assumes when a role does not say: 1, "Direct User
/// (Basic) access level and Team privileges".
pub const DEFAULT_INHERITANCE: &str = "1";

impl ExistingRole {
    /// The value of the `<Role>` attribute `key`, as written.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The text of the child element `element`, trimmed.
    pub fn field(&self, element: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == element)
            .map(|(_, v)| v.trim())
    }

    /// The `isinherited` attribute as written (`None` when the role does not say).
    pub fn inheritance(&self) -> Option<&str> {
        self.attribute("isinherited")
    }

    /// `isinherited` as it takes effect: what the role says, else [`DEFAULT_INHERITANCE`].
    pub fn effective_inheritance(&self) -> &str {
        self.inheritance().map_or(DEFAULT_INHERITANCE, str::trim)
    }

    /// `<IsCustomizable>` as written.
    pub fn customizable(&self) -> Option<&str> {
        self.field("IsCustomizable")
    }

    /// The depth the role gives `privilege` (any case).
    pub fn depth_of(&self, privilege: &str) -> Option<Depth> {
        self.privileges
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(privilege))
            .map(|p| p.depth)
    }

    /// Sorts the privileges by name without regard to case and keeps each once, at the
    /// deepest depth given.
    pub fn normalise_privileges(privileges: Vec<Held>) -> Vec<Held> {
        let mut by_key: BTreeMap<String, Held> = BTreeMap::new();
        for p in privileges {
            let key = p.name.to_ascii_lowercase();
            match by_key.get_mut(&key) {
                Some(kept) => kept.depth = kept.depth.max(p.depth),
                None => {
                    by_key.insert(key, p);
                }
            }
        }
        by_key.into_values().collect()
    }
}

/// What `fix` changed on one privilege.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The privilege, spelled as the role spells it (as the desired role does when added).
    pub privilege: String,
    /// The depth the role had; `None` when the privilege was added.
    pub from: Option<Depth>,
    /// The depth it has now.
    pub to: Depth,
}

/// A role after `fix`: the role, and what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    /// The role with every privilege it held, raised and added where `desired` wants.
    pub role: ExistingRole,
    /// The privileges added (`from` is `None`) and raised, by name.
    pub changes: Vec<Change>,
}

/// Brings `existing` up to `desired`: every privilege `existing` holds stays, at its depth
/// or raised to the desired depth where that is deeper; every desired privilege it lacks is
/// added at the desired depth. Nothing is ever lowered or removed, and the id, name,
/// attributes and fields stay as they are. `changes` is empty when nothing lacks.
pub fn fix(existing: &ExistingRole, desired: &Role) -> Fixed {
    let mut privileges = existing.privileges.clone();
    let mut changes = Vec::new();
    for want in &desired.privileges {
        match privileges
            .iter_mut()
            .find(|p| p.name.eq_ignore_ascii_case(&want.name))
        {
            Some(have) if have.depth < want.depth => {
                changes.push(Change {
                    privilege: have.name.clone(),
                    from: Some(have.depth),
                    to: want.depth,
                });
                have.depth = want.depth;
            }
            Some(_) => {}
            None => {
                changes.push(Change {
                    privilege: want.name.clone(),
                    from: None,
                    to: want.depth,
                });
                privileges.push(Held {
                    name: want.name.clone(),
                    depth: want.depth,
                });
            }
        }
    }
    changes.sort_by(|a, b| {
        a.privilege
            .to_ascii_lowercase()
            .cmp(&b.privilege.to_ascii_lowercase())
    });
    Fixed {
        role: ExistingRole {
            privileges: ExistingRole::normalise_privileges(privileges),
            ..existing.clone()
        },
        changes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalogue::Catalogue;
    use crate::model::options::RoleOptions;

    fn role(privileges: &[(&str, Depth)]) -> ExistingRole {
        ExistingRole {
            id: Uuid::from_u128(7),
            name: "Sales".into(),
            attributes: vec![("isinherited".into(), "0".into())],
            fields: vec![("IsCustomizable".into(), "0".into())],
            privileges: ExistingRole::normalise_privileges(
                privileges
                    .iter()
                    .map(|(n, d)| Held {
                        name: n.to_string(),
                        depth: *d,
                    })
                    .collect(),
            ),
            location: "x".into(),
            part: "customizations.xml".into(),
        }
    }

    #[test]
    fn fix_raises_adds_and_keeps_everything_else() {
        let (desired, _) = crate::model::role::resolve(
            &Catalogue::default_catalogue(),
            &RoleOptions::default(),
            "p",
        )
        .unwrap();
        let have = role(&[
            ("prvreadmailbox", Depth::Global),
            ("prvReadContact", Depth::Basic),
            ("prvReadAccount", Depth::Deep),
            ("prvReadEmailServerProfile", Depth::Local),
        ]);
        let fixed = fix(&have, &desired);
        let r = &fixed.role;
        assert_eq!((r.id, r.name.as_str()), (have.id, "Sales"));
        assert_eq!(r.inheritance(), Some("0"));
        assert_eq!(r.customizable(), Some("0"));
        assert_eq!(r.depth_of("prvReadMailbox"), Some(Depth::Global));
        assert_eq!(r.depth_of("prvReadAccount"), Some(Depth::Deep));
        assert_eq!(r.depth_of("prvReadEmailServerProfile"), Some(Depth::Global));
        assert_eq!(r.privileges.len(), desired.privileges.len() + 1);
        let raised: Vec<_> = fixed.changes.iter().filter(|c| c.from.is_some()).collect();
        assert_eq!(raised.len(), 1);
        assert_eq!(raised[0].privilege, "prvReadEmailServerProfile");
        assert_eq!(fixed.changes.len(), desired.privileges.len() - 2);
        // The spelling the role uses is kept.
        assert!(r.privileges.iter().any(|p| p.name == "prvreadmailbox"));
        assert!(fix(r, &desired).changes.is_empty());
    }

    #[test]
    fn duplicates_keep_the_deepest_depth() {
        let r = role(&[("prvA", Depth::Basic), ("PRVA", Depth::Deep)]);
        assert_eq!(r.privileges.len(), 1);
        assert_eq!(r.depth_of("prva"), Some(Depth::Deep));
    }
}
