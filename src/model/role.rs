//! The desired role: the catalogue's privileges with the depths the user chose.
//!
//! [`resolve`] applies the settings in a fixed order: catalogue defaults, then
//! `--default-depth`, then `--exclude`, then each `--depth`, then each `--add`.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::catalogue::{is_privilege_name, Catalogue, Entry};
use crate::model::depth::{Depth, DepthChoice, DepthSet};
use crate::model::environment::PrivilegeTable;
use crate::model::guid;
use crate::model::names;
use crate::model::options::{Given, RoleOptions};
use crate::model::solution;
use crate::util::privilege_key;

/// The role name used when none is given.
pub const DEFAULT_ROLE_NAME: &str = "Server-Side Sync User";

/// The inheritance used when none is given: `direct` (`isinherited="1"`).
pub const DEFAULT_INHERITANCE: &str = "direct";

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

/// Whose records a role's Basic-depth privileges reach when the role is given through a
/// team: the role's `isinherited` column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Inheritance {
    /// "Direct User (Basic) access level and Team privileges" (`isinherited="1"`): members
    /// get Basic depth on their own records too.
    #[default]
    Direct,
    /// "Team privileges only" (`isinherited="0"`): Basic depth reaches the team's records
    /// only.
    Team,
}

impl Inheritance {
    /// The `isinherited` attribute's value.
    pub fn attribute(self) -> &'static str {
        match self {
            Inheritance::Direct => "1",
            Inheritance::Team => "0",
        }
    }

    /// The value as a flag writes it.
    pub fn name(self) -> &'static str {
        match self {
            Inheritance::Direct => "direct",
            Inheritance::Team => "team",
        }
    }

    /// What the role editor calls it.
    pub fn editor_name(self) -> &'static str {
        match self {
            Inheritance::Direct => "Direct User (Basic) access level and Team privileges",
            Inheritance::Team => "Team privileges only",
        }
    }

    /// Reads an `isinherited` attribute: `1` or `0`.
    pub fn from_attribute(value: &str) -> Option<Inheritance> {
        match value {
            "1" => Some(Inheritance::Direct),
            "0" => Some(Inheritance::Team),
            _ => None,
        }
    }

    /// Reads `--inheritance direct|team`; none given is `direct`.
    pub fn parse(given: Option<&Given>) -> Result<Inheritance> {
        let Some(given) = given else {
            return Ok(Inheritance::Direct);
        };
        match given.value.trim().to_ascii_lowercase().as_str() {
            "direct" => Ok(Inheritance::Direct),
            "team" => Ok(Inheritance::Team),
            _ => Err(Error::invalid(
                &given.origin,
                &given.value,
                "expected direct (isinherited=\"1\": members' own records too) or team (isinherited=\"0\": team privileges only)",
            )),
        }
    }
}

/// A security role ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// The role's id; import matches roles by it.
    pub id: Uuid,
    /// The role's name.
    pub name: String,
    /// The role's inheritance, written as `isinherited`.
    pub inheritance: Inheritance,
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
    /// The environment's table allows other depths than the catalogue; its depths are used.
    TableDepths {
        /// The privilege.
        privilege: String,
        /// What the catalogue allows.
        catalogue: DepthSet,
        /// What the environment's table allows.
        table: DepthSet,
    },
    /// The environment's table lacks the privilege, and `--drop-absent` left it out.
    Dropped {
        /// The privilege.
        privilege: String,
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
            Note::TableDepths {
                privilege,
                catalogue,
                table,
            } => write!(
                f,
                "{privilege}: the environment allows {table}, the catalogue {catalogue}; using the environment's depths"
            ),
            Note::Dropped { privilege } => write!(
                f,
                "{privilege}: not in the environment's privilege table; left out (--drop-absent)"
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
    catalogue
        .get(name)
        .ok_or_else(|| unknown_in_catalogue(catalogue, name, given, excluding))
}

/// The error for a name a catalogue does not hold. A probable misspelling gets the name it
/// probably means, and never a fix that names the misspelling.
pub(crate) fn unknown_in_catalogue(
    catalogue: &Catalogue,
    name: &str,
    given: &Given,
    excluding: bool,
) -> Error {
    let in_catalogue = catalogue.suggest(name).map(str::to_string);
    let suggestion = in_catalogue
        .clone()
        .or_else(|| names::near_miss(name, std::iter::empty()));
    let hint = match (&in_catalogue, &suggestion) {
        _ if excluding => format!(
            "the {} catalogue does not hold it, so there is nothing to leave out; `dvrole catalogue show` lists what a catalogue holds",
            catalogue.name
        ),
        (Some(_), _) => format!("the {} catalogue does not hold it", catalogue.name),
        (None, Some(meant)) => format!(
            "the {} catalogue does not hold it; use --add {meant}=DEPTH for a privilege outside the catalogue",
            catalogue.name
        ),
        (None, None) => format!(
            "the {} catalogue does not hold it; use --add {name}=DEPTH for a privilege outside the catalogue",
            catalogue.name
        ),
    };
    Error::UnknownPrivilege {
        origin: given.origin.clone(),
        value: given.value.clone(),
        name: name.to_string(),
        suggestion,
        hint,
    }
}

/// Whether the user said `name` is real (`--accept NAME`).
pub(crate) fn accepted(options: &RoleOptions, name: &str) -> bool {
    options.accept.iter().any(|g| g.value.trim() == name)
}

/// Checks that a privilege named outside any catalogue is real: with an environment
/// table, that the table holds it; without one, that it is no probable misspelling of a
/// name dvrole knows. Returns the name as the table spells it.
fn check_real(
    name: &str,
    given: &Given,
    catalogue: &Catalogue,
    table: Option<&PrivilegeTable>,
    options: &RoleOptions,
) -> Result<String> {
    if let Some(t) = table {
        return match t.get(name) {
            Some(row) => Ok(row.name.clone()),
            None => Err(Error::UnknownPrivilege {
                origin: given.origin.clone(),
                value: given.value.clone(),
                name: name.to_string(),
                suggestion: t.suggest(name),
                hint: format!(
                    "{} does not hold it, so the environment has no such privilege",
                    t.label()
                ),
            }),
        };
    }
    if accepted(options, name) {
        return Ok(name.to_string());
    }
    let builtin = Catalogue::all_builtin()?;
    let candidates = catalogue
        .entries()
        .iter()
        .chain(builtin.iter().flat_map(|c| c.entries()))
        .map(|e| e.privilege.as_str());
    match names::near_miss(name, candidates) {
        None => Ok(name.to_string()),
        Some(meant) => Err(Error::UnknownPrivilege {
            origin: given.origin.clone(),
            value: given.value.clone(),
            name: name.to_string(),
            suggestion: Some(meant),
            hint: format!(
                "it is no privilege dvrole knows and probably a misspelling; if {name} is real, pass --accept {name}, or the environment's privilege table with --privileges FILE"
            ),
        }),
    }
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
    resolve_in(catalogue, None, options, publisher)
}

/// The catalogue with the depths the environment's `table` allows in place of its own, for
/// every privilege the table holds and no `--allow` names; with a note for each change.
pub fn with_table_depths(
    catalogue: &Catalogue,
    table: &PrivilegeTable,
    allow: &[Given],
) -> (Catalogue, Vec<Note>) {
    let named: std::collections::HashSet<String> =
        allow.iter().map(|g| privilege_key(&g.value)).collect();
    let mut adjusted = catalogue.clone();
    let mut notes = Vec::new();
    for entry in catalogue.entries() {
        let Some(row) = table.get(&entry.privilege) else {
            continue;
        };
        if row.allowed != entry.allowed && !named.contains(&entry.privilege.to_ascii_lowercase()) {
            adjusted.replace_allowed(&entry.privilege, row.allowed);
            notes.push(Note::TableDepths {
                privilege: entry.privilege.clone(),
                catalogue: entry.allowed,
                table: row.allowed,
            });
        }
    }
    (adjusted, notes)
}

/// [`resolve`] for a target environment: with its privilege `table`, the table's depths
/// replace the catalogue's (see [`with_table_depths`]), a privilege the table lacks is an
/// error ([`Error::AbsentPrivileges`]) or, with `--drop-absent`, left out with a note, and
/// every `--add` is checked against the table. Without a table, an `--add` that is a
/// probable misspelling of a known name is refused unless `--accept` names it.
pub fn resolve_in(
    catalogue: &Catalogue,
    table: Option<&PrivilegeTable>,
    options: &RoleOptions,
    publisher: &str,
) -> Result<(Role, Vec<Note>)> {
    let mut notes = Vec::new();
    let adjusted;
    let catalogue = match table {
        Some(t) => {
            let (c, n) = with_table_depths(catalogue, t, &options.allow);
            notes.extend(n);
            adjusted = c;
            &adjusted
        }
        None => catalogue,
    };
    let inheritance = Inheritance::parse(options.inheritance.as_ref())?;
    let drop_absent = match &options.drop_absent {
        None => false,
        Some(g) => match g.value.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" => false,
            _ => {
                return Err(Error::invalid(
                    &g.origin,
                    &g.value,
                    "expected true or false",
                ))
            }
        },
    };
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
                    let whose = match table.and_then(|t| t.get(&entry.privilege)) {
                        Some(_) => " in the environment's privilege table",
                        None => "",
                    };
                    return Err(Error::DepthNotAllowed {
                        origin: given.origin.clone(),
                        value: given.value.clone(),
                        privilege: entry.privilege.clone(),
                        depth: depth.to_string(),
                        allowed: format!("{}{whose}", entry.allowed),
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
        let name = check_real(name, given, catalogue, table, options)?;
        let name = name.as_str();
        claim_once(&mut named, name, given)?;
        match table.and_then(|t| t.get(name)) {
            Some(row) if !row.allowed.contains(depth) => {
                return Err(Error::DepthNotAllowed {
                    origin: given.origin.clone(),
                    value: given.value.clone(),
                    privilege: name.to_string(),
                    depth: depth.to_string(),
                    allowed: format!("{} in the environment's privilege table", row.allowed),
                })
            }
            Some(_) => {}
            None => notes.push(Note::Unchecked {
                privilege: name.to_string(),
                depth,
            }),
        }
        chosen.insert(
            name.to_ascii_lowercase(),
            RolePrivilege {
                name: name.to_string(),
                depth,
                entry: None,
            },
        );
    }

    if let Some(t) = table {
        let absent: Vec<String> = chosen
            .values()
            .filter(|p| t.get(&p.name).is_none())
            .map(|p| p.name.clone())
            .collect();
        if !absent.is_empty() {
            if !drop_absent {
                let mut names = absent;
                names.sort_by_key(|n| n.to_ascii_lowercase());
                return Err(Error::AbsentPrivileges {
                    table: t.label(),
                    names,
                    incomplete: t.is_incomplete(),
                });
            }
            for privilege in absent {
                chosen.remove(&privilege.to_ascii_lowercase());
                notes.push(Note::Dropped { privilege });
            }
        }
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
            inheritance,
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

    /// A table holding every privilege of `c` with its catalogue depths, minus `lacks`,
    /// with `flags` replacing the depths of some.
    fn table_of(c: &Catalogue, lacks: &[&str], flags: &[(&str, DepthSet)]) -> PrivilegeTable {
        use crate::model::environment::TablePrivilege;
        let mut t = PrivilegeTable::new();
        t.add_page("t.json", false);
        let extra = ["prvReadAccount", "prvReadContract"];
        let names = c
            .entries()
            .iter()
            .map(|e| (e.privilege.clone(), e.allowed))
            .chain(
                extra
                    .iter()
                    .map(|n| (n.to_string(), DepthSet::from_iter(Depth::ALL))),
            );
        for (i, (name, allowed)) in names.enumerate() {
            if lacks.contains(&name.as_str()) {
                continue;
            }
            let allowed = flags
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(allowed, |(_, f)| *f);
            t.insert(TablePrivilege {
                name,
                id: None,
                access_right: None,
                allowed,
                origin: format!("t.json: row {}", i + 1),
            })
            .unwrap();
        }
        t
    }

    #[test]
    fn a_table_lacking_a_privilege_stops_unless_it_is_dropped() {
        let c = Catalogue::default_catalogue();
        let t = table_of(&c, &["prvReadIncident", "prvReadQueue"], &[]);
        let err = resolve_in(&c, Some(&t), &RoleOptions::default(), "dvrole")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "the privilege table t.json lacks prvReadIncident, prvReadQueue: an import would refuse or drop them; leave them out with --exclude prvReadIncident --exclude prvReadQueue, or pass --drop-absent"
        );
        let o = opts(|o| o.drop_absent = Some(Given::flag("--drop-absent", "true")));
        let (role, notes) = resolve_in(&c, Some(&t), &o, "dvrole").unwrap();
        assert_eq!(role.privileges.len(), 22);
        assert!(notes.contains(&Note::Dropped {
            privilege: "prvReadIncident".into()
        }));
        // Excluding them is as good.
        let o = opts(|o| {
            o.exclude.push(Given::flag("--exclude", "prvReadIncident"));
            o.depth.push(Given::flag("--depth", "prvReadQueue=None"));
        });
        assert_eq!(
            resolve_in(&c, Some(&t), &o, "dvrole")
                .unwrap()
                .0
                .privileges
                .len(),
            22
        );
    }

    #[test]
    fn the_tables_depths_replace_the_catalogues_unless_allow_names_the_privilege() {
        let c = Catalogue::default_catalogue();
        let local_up: DepthSet = [Depth::Local, Depth::Deep, Depth::Global]
            .into_iter()
            .collect();
        let t = table_of(&c, &[], &[("prvReadContact", local_up)]);
        let (role, notes) = resolve_in(&c, Some(&t), &RoleOptions::default(), "dvrole").unwrap();
        assert_eq!(depth_of(&role, "prvReadContact"), Some(Depth::Local));
        assert_eq!(
            notes,
            [Note::TableDepths {
                privilege: "prvReadContact".into(),
                catalogue: DepthSet::from_iter(Depth::ALL),
                table: local_up,
            }]
        );
        let o = opts(|o| o.depth.push(Given::flag("--depth", "prvReadContact=Basic")));
        let err = resolve_in(&c, Some(&t), &o, "dvrole")
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with("prvReadContact cannot have depth Basic; it allows only Local/Deep/Global in the environment's privilege table"),
            "{err}"
        );
        // --allow is the user's word for that privilege, and wins.
        let allow = [Given::flag("--allow", "prvReadContact=Basic,Global")];
        let (adjusted, notes) = with_table_depths(&c, &t, &allow);
        assert!(notes.is_empty());
        assert_eq!(
            adjusted.get("prvReadContact").unwrap().allowed,
            c.get("prvReadContact").unwrap().allowed
        );
    }

    #[test]
    fn add_is_checked_against_the_table_or_for_misspellings() {
        let c = Catalogue::default_catalogue();
        let t = table_of(&c, &[], &[]);
        let add = |v: &str| opts(|o| o.add.push(Given::flag("--add", v)));
        let (role, notes) =
            resolve_in(&c, Some(&t), &add("prvreadcontract=Local"), "dvrole").unwrap();
        // The table's spelling, and no "unchecked" warning.
        assert_eq!(depth_of(&role, "prvReadContract"), Some(Depth::Local));
        assert!(notes.is_empty(), "{notes:?}");
        let err = resolve_in(&c, Some(&t), &add("prvReadAcount=Local"), "dvrole")
            .unwrap_err()
            .to_string();
        assert!(err.contains("(did you mean 'prvReadAccount'?)"), "{err}");
        // Without a table: real names pass, near-misses need --accept.
        assert!(resolve(&c, &add("prvReadAccount=Local"), "dvrole").is_ok());
        let err = resolve(&c, &add("prvReadContract=Local"), "dvrole")
            .unwrap_err()
            .to_string();
        assert!(err.contains("did you mean 'prvReadContact'"), "{err}");
        assert!(err.contains("--accept prvReadContract"), "{err}");
        let mut o = add("prvReadContract=Local");
        o.accept.push(Given::flag("--accept", "prvReadContract"));
        assert!(resolve(&c, &o, "dvrole").is_ok());
    }

    #[test]
    fn inheritance_defaults_to_direct_and_is_parsed() {
        let c = Catalogue::default_catalogue();
        let (role, _) = resolve(&c, &RoleOptions::default(), "dvrole").unwrap();
        assert_eq!(role.inheritance, Inheritance::Direct);
        assert_eq!(role.inheritance.attribute(), "1");
        let o = opts(|o| o.inheritance = Some(Given::flag("--inheritance", " Team ")));
        assert_eq!(
            resolve(&c, &o, "dvrole").unwrap().0.inheritance,
            Inheritance::Team
        );
        let o = opts(|o| o.inheritance = Some(Given::flag("--inheritance", "1")));
        assert!(resolve(&c, &o, "dvrole").is_err());
        assert_eq!(Inheritance::from_attribute("0"), Some(Inheritance::Team));
        assert_eq!(Inheritance::from_attribute("true"), None);
    }

    #[test]
    fn an_unknown_name_that_is_a_misspelling_gets_no_add_hint_of_itself() {
        let c = Catalogue::default_catalogue();
        for (v, meant) in [
            ("prvReadContcat=Global", "prvReadContact"),
            ("prvReadAcount=Global", "prvReadAccount"),
        ] {
            let o = opts(|o| o.depth.push(Given::flag("--depth", v)));
            let err = resolve(&c, &o, "dvrole").unwrap_err().to_string();
            let typo = v.split('=').next().unwrap();
            assert!(err.contains(&format!("did you mean '{meant}'")), "{err}");
            assert!(!err.contains(&format!("--add {typo}")), "{err}");
        }
    }
}
