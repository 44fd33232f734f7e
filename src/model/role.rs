//! The desired role: the catalogue's privileges with the depths the user chose.
//!
//! [`resolve`] applies the settings in a fixed order: catalogue defaults, then
//! `--default-depth`, then `--exclude`, then each `--depth`, then each `--add`.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::catalogue::{is_privilege_name, Catalogue, Entry};
use crate::model::depth::{Depth, DepthChoice};
use crate::model::guid;
use crate::model::options::{Given, RoleOptions};
use crate::model::solution;

/// The role name used when none is given.
pub const DEFAULT_ROLE_NAME: &str = "Server-Side Sync User";

/// The longest role name Dataverse accepts.
pub const MAX_ROLE_NAME: usize = 100;

/// One privilege of the role, at its depth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolePrivilege {
    /// The privilege name, as the catalogue spells it.
    pub name: String,
    /// The depth it is granted at.
    pub depth: Depth,
    /// The catalogue entry; `None` for privileges added with `--add`.
    pub entry: Option<Entry>,
}

/// A security role ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// The role's id; import matches roles by it.
    pub id: Uuid,
    /// The role's name.
    pub name: String,
    /// The privileges, in a stable order (by name, ignoring case).
    pub privileges: Vec<RolePrivilege>,
}

/// Something the user should know about how their settings were applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// `--default-depth` asked for a depth the privilege does not allow; the nearest was used.
    Adjusted {
        /// The privilege.
        privilege: String,
        /// The depth asked for.
        wanted: Depth,
        /// The depth used.
        used: Depth,
    },
    /// A privilege outside the catalogue: its depth could not be checked.
    Unchecked {
        /// The privilege.
        privilege: String,
        /// The depth written.
        depth: Depth,
    },
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Note::Adjusted {
                privilege,
                wanted,
                used,
            } => write!(
                f,
                "{privilege}: does not allow {wanted}; using {used}, the nearest depth it allows"
            ),
            Note::Unchecked { privilege, depth } => write!(
                f,
                "{privilege}: not in the catalogue, so depth {depth} is unchecked; an import fails if the privilege does not allow it"
            ),
        }
    }
}

/// Splits `PRIVILEGE=DEPTH`.
fn split_pair(given: &Given) -> Result<(&str, DepthChoice)> {
    let (name, depth) = given.value.split_once('=').ok_or_else(|| {
        Error::invalid(
            &given.origin,
            &given.value,
            "expected PRIVILEGE=DEPTH, e.g. prvReadMailbox=Global",
        )
    })?;
    let depth = depth
        .trim()
        .parse::<DepthChoice>()
        .map_err(|e| Error::invalid(&given.origin, &given.value, e.to_string()))?;
    Ok((name.trim(), depth))
}

/// Finds a catalogue privilege, or says which name was meant. `excluding` is true for
/// `--exclude`, where adding the privilege is no way out: there is nothing to leave out.
fn lookup<'c>(
    catalogue: &'c Catalogue,
    name: &str,
    given: &Given,
    excluding: bool,
) -> Result<&'c Entry> {
    catalogue.get(name).ok_or_else(|| Error::UnknownPrivilege {
        origin: given.origin.clone(),
        value: given.value.clone(),
        name: name.to_string(),
        suggestion: catalogue.suggest(name).map(str::to_string),
        hint: if excluding {
            format!(
                "the {} catalogue does not hold it, so there is nothing to leave out; `dvrole catalogue show` lists what a catalogue holds",
                catalogue.name
            )
        } else {
            format!(
                "the {} catalogue does not hold it; use --add {name}=DEPTH for a privilege outside the catalogue",
                catalogue.name
            )
        },
    })
}

/// Checks a role name: not blank, at most 100 characters, no control characters.
pub fn role_name(given: Option<&Given>) -> Result<String> {
    solution::text(given, DEFAULT_ROLE_NAME, MAX_ROLE_NAME, false)
}

/// Resolves the role the settings describe. `publisher` is the publisher's unique name,
/// from which the default role id is derived. Returns the role and the notes to show.
pub fn resolve(
    catalogue: &Catalogue,
    options: &RoleOptions,
    publisher: &str,
) -> Result<(Role, Vec<Note>)> {
    let name = role_name(options.role_name.as_ref())?;
    let id = match &options.role_id {
        Some(given) => {
            let id = guid::parse(given.value.trim()).ok_or_else(|| {
                Error::invalid(
                    &given.origin,
                    &given.value,
                    "not a GUID; expected 8-4-4-4-12 hex digits, e.g. 2f3c1f8e-0d6b-4a8e-9a51-7c1d2e3f4a5b",
                )
            })?;
            if id.is_nil() {
                return Err(Error::invalid(
                    &given.origin,
                    &given.value,
                    "the all-zero GUID is not a valid role id",
                ));
            }
            id
        }
        None => guid::derived_role_id(publisher, &name),
    };

    let mut notes = Vec::new();
    // Keyed by the lowercased name, so each privilege appears once whatever its case.
    let mut chosen: BTreeMap<String, RolePrivilege> = BTreeMap::new();
    let default_depth = match &options.default_depth {
        Some(given) => Some(
            given
                .value
                .trim()
                .parse::<Depth>()
                .map_err(|e| Error::invalid(&given.origin, &given.value, e.to_string()))?,
        ),
        None => None,
    };
    for entry in catalogue.entries() {
        let depth = match default_depth {
            None => entry.default,
            Some(wanted) => {
                // Never empty: catalogue entries are checked to allow at least one depth.
                let used = entry.allowed.nearest(wanted).unwrap_or(entry.default);
                if used != wanted {
                    notes.push(Note::Adjusted {
                        privilege: entry.privilege.clone(),
                        wanted,
                        used,
                    });
                }
                used
            }
        };
        chosen.insert(
            entry.privilege.to_ascii_lowercase(),
            RolePrivilege {
                name: entry.privilege.clone(),
                depth,
                entry: Some(entry.clone()),
            },
        );
    }

    // Each privilege may be named by one explicit setting only, so no setting silently wins.
    let mut named: BTreeMap<String, &Given> = BTreeMap::new();

    for given in &options.exclude {
        let name = given.value.trim();
        let entry = lookup(catalogue, name, given, true)?;
        claim_once(&mut named, &entry.privilege, given)?;
        chosen.remove(&entry.privilege.to_ascii_lowercase());
    }
    for given in &options.depth {
        let (name, choice) = split_pair(given)?;
        let entry = lookup(catalogue, name, given, false)?;
        claim_once(&mut named, &entry.privilege, given)?;
        let key = entry.privilege.to_ascii_lowercase();
        match choice {
            DepthChoice::None => {
                chosen.remove(&key);
            }
            DepthChoice::Depth(depth) => {
                if !entry.allowed.contains(depth) {
                    return Err(Error::DepthNotAllowed {
                        origin: given.origin.clone(),
                        value: given.value.clone(),
                        privilege: entry.privilege.clone(),
                        depth: depth.to_string(),
                        allowed: entry.allowed.to_string(),
                    });
                }
                chosen.insert(
                    key,
                    RolePrivilege {
                        name: entry.privilege.clone(),
                        depth,
                        entry: Some(entry.clone()),
                    },
                );
            }
        }
    }
    for given in &options.add {
        let (name, choice) = split_pair(given)?;
        if !is_privilege_name(name) {
            return Err(Error::invalid(
                &given.origin,
                &given.value,
                "a privilege name is 'prv' followed by letters, digits or '_', e.g. prvReadAccount",
            ));
        }
        let depth = match choice {
            DepthChoice::Depth(d) => d,
            DepthChoice::None => {
                return Err(Error::invalid(
                    &given.origin,
                    &given.value,
                    "--add needs a depth (Basic, Local, Deep or Global); to leave a catalogue privilege out use --exclude",
                ))
            }
        };
        if let Some(entry) = catalogue.get(name) {
            return Err(Error::invalid(
                &given.origin,
                &given.value,
                format!(
                    "{} is in the {} catalogue, so its depth can be checked; use --depth {}={depth} instead",
                    entry.privilege, catalogue.name, entry.privilege
                ),
            ));
        }
        claim_once(&mut named, name, given)?;
        notes.push(Note::Unchecked {
            privilege: name.to_string(),
            depth,
        });
        chosen.insert(
            name.to_ascii_lowercase(),
            RolePrivilege {
                name: name.to_string(),
                depth,
                entry: None,
            },
        );
    }

    if chosen.is_empty() {
        return Err(Error::Conflict(
            "the role would hold no privileges: every catalogue privilege is excluded and none is added".to_string(),
        ));
    }
    let mut privileges: Vec<RolePrivilege> = chosen.into_values().collect();
    privileges.sort_by(|a, b| {
        a.name
            .to_ascii_lowercase()
            .cmp(&b.name.to_ascii_lowercase())
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok((
        Role {
            id,
            name,
            privileges,
        },
        notes,
    ))
}

/// Records that `given` sets `name`; a second, different setting of the same privilege is a
/// conflict.
fn claim_once<'g>(
    named: &mut BTreeMap<String, &'g Given>,
    name: &str,
    given: &'g Given,
) -> Result<()> {
    let key = name.to_ascii_lowercase();
    if let Some(earlier) = named.get(&key) {
        if earlier.value != given.value || earlier.origin != given.origin {
            return Err(Error::Conflict(format!(
                "{name} is set twice, by {} '{}' and by {} '{}'; keep one",
                earlier.origin, earlier.value, given.origin, given.value
            )));
        }
    }
    named.insert(key, given);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(f: impl FnOnce(&mut RoleOptions)) -> RoleOptions {
        let mut o = RoleOptions::default();
        f(&mut o);
        o
    }

    fn depth_of(role: &Role, name: &str) -> Option<Depth> {
        role.privileges
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.depth)
    }

    #[test]
    fn defaults_are_least_privilege_and_sorted() {
        let c = Catalogue::default_catalogue();
        let (role, notes) = resolve(&c, &RoleOptions::default(), "dvrole").unwrap();
        assert!(notes.is_empty());
        assert_eq!(role.name, DEFAULT_ROLE_NAME);
        assert_eq!(role.privileges.len(), 24);
        assert_eq!(depth_of(&role, "prvReadMailbox"), Some(Depth::Basic));
        assert_eq!(
            depth_of(&role, "prvReadEmailServerProfile"),
            Some(Depth::Global)
        );
        let names: Vec<String> = role
            .privileges
            .iter()
            .map(|p| p.name.to_ascii_lowercase())
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }

    #[test]
    fn default_depth_moves_to_nearest_allowed_and_notes_it() {
        let c = Catalogue::default_catalogue();
        let o = opts(|o| o.default_depth = Some(Given::flag("--default-depth", "Deep")));
        let (role, notes) = resolve(&c, &o, "dvrole").unwrap();
        assert_eq!(depth_of(&role, "prvReadContact"), Some(Depth::Deep));
        assert_eq!(depth_of(&role, "prvReadUserQuery"), Some(Depth::Basic));
        assert_eq!(depth_of(&role, "prvReadOrganization"), Some(Depth::Global));
        assert!(notes.contains(&Note::Adjusted {
            privilege: "prvReadUserQuery".into(),
            wanted: Depth::Deep,
            used: Depth::Basic
        }));
    }

    #[test]
    fn explicit_depth_exclude_and_add() {
        let c = Catalogue::default_catalogue();
        let o = opts(|o| {
            o.depth
                .push(Given::flag("--depth", "prvreadcontact=organization"));
            o.depth.push(Given::flag("--depth", "prvReadQueue=None"));
            o.exclude.push(Given::flag("--exclude", "prvReadIncident"));
            o.add.push(Given::flag("--add", "prvReadAccount=Local"));
        });
        let (role, notes) = resolve(&c, &o, "dvrole").unwrap();
        assert_eq!(depth_of(&role, "prvReadContact"), Some(Depth::Global));
        assert_eq!(depth_of(&role, "prvReadQueue"), None);
        assert_eq!(depth_of(&role, "prvReadIncident"), None);
        assert_eq!(depth_of(&role, "prvReadAccount"), Some(Depth::Local));
        assert_eq!(role.privileges.len(), 23);
        assert!(matches!(&notes[..], [Note::Unchecked { .. }]));
    }

    #[test]
    fn bad_settings_are_errors_that_name_the_flag() {
        let c = Catalogue::default_catalogue();
        let cases: Vec<(RoleOptions, &str)> = vec![
            (
                opts(|o| {
                    o.depth
                        .push(Given::flag("--depth", "prvReadContcat=Global"))
                }),
                "did you mean 'prvReadContact'",
            ),
            (
                opts(|o| {
                    o.depth
                        .push(Given::flag("--depth", "prvReadUserQuery=Global"))
                }),
                "allows only Basic",
            ),
            (
                opts(|o| o.depth.push(Given::flag("--depth", "prvReadContact"))),
                "PRIVILEGE=DEPTH",
            ),
            (
                opts(|o| o.depth.push(Given::flag("--depth", "prvReadContact=Most"))),
                "not a depth",
            ),
            (
                opts(|o| o.exclude.push(Given::flag("--exclude", "prvNope"))),
                "unknown privilege",
            ),
            (
                opts(|o| o.add.push(Given::flag("--add", "readAccount=Global"))),
                "'prv' followed by",
            ),
            (
                opts(|o| o.add.push(Given::flag("--add", "prvReadContact=Global"))),
                "use --depth",
            ),
            (
                opts(|o| o.role_id = Some(Given::flag("--role-id", "not-a-guid"))),
                "not a GUID",
            ),
            (
                opts(|o| o.role_name = Some(Given::flag("--role-name", " "))),
                "must not be empty",
            ),
            (
                opts(|o| o.role_name = Some(Given::flag("--role-name", "a\u{7}b"))),
                "control character",
            ),
            (
                opts(|o| o.role_name = Some(Given::flag("--role-name", "x".repeat(101)))),
                "at most 100",
            ),
            (
                opts(|o| {
                    o.depth
                        .push(Given::flag("--depth", "prvReadContact=Global"));
                    o.exclude.push(Given::flag("--exclude", "prvReadContact"));
                }),
                "set twice",
            ),
        ];
        for (o, expected) in cases {
            let err = resolve(&c, &o, "dvrole").unwrap_err().to_string();
            assert!(err.contains(expected), "expected {expected:?} in {err:?}");
        }
    }

    #[test]
    fn excluding_everything_is_an_error() {
        let c = Catalogue::default_catalogue();
        let o = opts(|o| {
            for e in c.entries() {
                o.exclude
                    .push(Given::flag("--exclude", e.privilege.clone()));
            }
        });
        assert!(resolve(&c, &o, "dvrole").is_err());
    }
}
