//! Catalogues: named lists of privileges with the depths each allows.
//!
//! A catalogue is data, kept in a TOML file (`catalogues/*.toml` for the built-in ones,
//! embedded in the binary). Which depths a privilege allows cannot be derived from the
//! table that owns it, so every entry says so itself.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::depth::{Depth, DepthSet};
use crate::error::{Error, Result};
use crate::guid;
use crate::options::Given;

/// The built-in catalogues: name and TOML text.
const BUILTIN: &[(&str, &str)] = &[(
    "server-side-sync",
    include_str!("../catalogues/server-side-sync.toml"),
)];

/// The catalogue used when none is named.
pub const DEFAULT_CATALOGUE: &str = "server-side-sync";

/// One privilege in a catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The privilege name, e.g. `prvReadMailbox`.
    pub privilege: String,
    /// The table's logical name; `None` for privileges bound to no table (miscellaneous).
    pub entity: Option<String>,
    /// What the role editor calls the table or privilege.
    pub entity_display: Option<String>,
    /// The role-editor tab that shows the privilege.
    pub tab: String,
    /// The access right (Read, Write, Append, ...), where the privilege is a table privilege.
    pub access_right: Option<String>,
    /// The depths the privilege allows.
    pub allowed: DepthSet,
    /// The depth used when the user asks for none.
    pub default: Depth,
    /// The privilege's id, where known; it is the same in every organization.
    pub privilege_id: Option<Uuid>,
    /// False where the allowed depths are inferred rather than read from privilege metadata.
    pub confirmed: bool,
    /// A remark worth showing beside the privilege.
    pub note: Option<String>,
    /// Where the facts in this entry come from.
    pub source: String,
}

/// A named list of privileges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalogue {
    /// The catalogue's name, e.g. `server-side-sync`.
    pub name: String,
    /// What the privileges are for.
    pub description: String,
    /// Where the list comes from.
    pub source: String,
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    name: String,
    description: String,
    source: String,
    #[serde(default)]
    entry: Vec<EntryFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile {
    privilege: String,
    entity: Option<String>,
    entity_display: Option<String>,
    tab: String,
    access_right: Option<String>,
    allowed: Vec<Depth>,
    default: Option<Depth>,
    privilege_id: Option<String>,
    confirmed: Option<bool>,
    note: Option<String>,
    source: String,
}

/// Whether `name` is shaped like a privilege name: `prv` and then letters, digits or `_`.
pub fn is_privilege_name(name: &str) -> bool {
    name.strip_prefix("prv").is_some_and(|rest| {
        !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

impl Catalogue {
    /// The names of the built-in catalogues.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(name, _)| *name)
    }

    /// A built-in catalogue by name.
    pub fn builtin(name: &str) -> Result<Catalogue> {
        let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name).ok_or_else(|| {
            let known: Vec<&str> = Catalogue::builtin_names().collect();
            Error::Catalogue {
                origin: name.to_string(),
                message: format!("no such built-in catalogue; known: {}", known.join(", ")),
            }
        })?;
        Catalogue::parse(text, name)
    }

    /// The default catalogue, `server-side-sync`.
    pub fn default_catalogue() -> Catalogue {
        match Catalogue::builtin(DEFAULT_CATALOGUE) {
            Ok(c) => c,
            // The embedded file is checked by a unit test; reaching this is a build defect.
            Err(e) => panic!("the embedded default catalogue is broken: {e}"),
        }
    }

    /// Parses and checks a catalogue in TOML; `origin` names it in error messages.
    pub fn parse(text: &str, origin: &str) -> Result<Catalogue> {
        let fail = |message: String| Error::Catalogue {
            origin: origin.to_string(),
            message,
        };
        let file: CatalogueFile = toml::from_str(text).map_err(|e| fail(one_line(&e)))?;
        let mut seen = HashSet::new();
        let mut entries = Vec::with_capacity(file.entry.len());
        for (index, e) in file.entry.into_iter().enumerate() {
            let at = format!("entry {} ({})", index + 1, e.privilege);
            if !is_privilege_name(&e.privilege) {
                return Err(fail(format!(
                    "{at}: a privilege name is 'prv' followed by letters, digits or '_'"
                )));
            }
            if !seen.insert(e.privilege.to_ascii_lowercase()) {
                return Err(fail(format!("{at}: the privilege is listed twice")));
            }
            let allowed: DepthSet = e.allowed.iter().copied().collect();
            let least = allowed
                .least()
                .ok_or_else(|| fail(format!("{at}: 'allowed' lists no depth")))?;
            let default = e.default.unwrap_or(least);
            if !allowed.contains(default) {
                return Err(fail(format!(
                    "{at}: default depth {default} is not among the allowed depths {allowed}"
                )));
            }
            let privilege_id =
                match &e.privilege_id {
                    None => None,
                    Some(text) => Some(guid::parse(text).ok_or_else(|| {
                        fail(format!("{at}: privilege_id '{text}' is not a GUID"))
                    })?),
                };
            entries.push(Entry {
                privilege: e.privilege,
                entity: e.entity,
                entity_display: e.entity_display,
                tab: e.tab,
                access_right: e.access_right,
                allowed,
                default,
                privilege_id,
                confirmed: e.confirmed.unwrap_or(true),
                note: e.note,
                source: e.source,
            });
        }
        Ok(Catalogue {
            name: file.name,
            description: file.description,
            source: file.source,
            entries,
        })
    }

    /// The entries in the catalogue's own order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry for `privilege`, matched without regard to case.
    pub fn get(&self, privilege: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.privilege.eq_ignore_ascii_case(privilege))
    }

    /// The entry whose privilege id is `id`.
    pub fn by_id(&self, id: Uuid) -> Option<&Entry> {
        self.entries.iter().find(|e| e.privilege_id == Some(id))
    }

    /// The catalogue name nearest to a misspelt `privilege`, where one is close enough.
    pub fn suggest(&self, privilege: &str) -> Option<&str> {
        let wanted = privilege.to_ascii_lowercase();
        self.entries
            .iter()
            .map(|e| {
                let distance = strsim::osa_distance(&wanted, &e.privilege.to_ascii_lowercase());
                (distance, e.privilege.as_str())
            })
            .filter(|(distance, _)| *distance <= 3.max(wanted.len() / 5))
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, name)| name)
    }
}

/// The catalogue the settings select, with the depth overrides in `allow` applied.
///
/// `selection` empty means the default catalogue; otherwise each entry names a built-in
/// catalogue. Each `allow` value is `PRIVILEGE=DEPTH[,DEPTH...]` and replaces the depths that
/// privilege allows (for an environment that refuses, or accepts, other depths); its default
/// moves to the allowed depth nearest the catalogue's.
pub fn select(selection: &[Given], allow: &[Given]) -> Result<Catalogue> {
    let mut catalogue = match selection {
        [] => Catalogue::default_catalogue(),
        [one] => Catalogue::builtin(one.value.trim()).map_err(|e| match e {
            Error::Catalogue { message, .. } => Error::invalid(&one.origin, &one.value, message),
            other => other,
        })?,
        [first, second, ..] => {
            return Err(Error::invalid(
                &second.origin,
                &second.value,
                format!(
                    "only one catalogue can be used at a time; '{}' is already selected",
                    first.value
                ),
            ))
        }
    };
    for given in allow {
        catalogue.apply_allow(given)?;
    }
    Ok(catalogue)
}

impl Catalogue {
    /// Applies one `PRIVILEGE=DEPTH[,DEPTH...]` override.
    fn apply_allow(&mut self, given: &Given) -> Result<()> {
        let (name, depths) = given.value.split_once('=').ok_or_else(|| {
            Error::invalid(
                &given.origin,
                &given.value,
                "expected PRIVILEGE=DEPTH[,DEPTH...], e.g. prvReadContact=Local,Global",
            )
        })?;
        let name = name.trim();
        let mut allowed = DepthSet::EMPTY;
        for word in depths.split(',') {
            let depth: Depth =
                word.trim()
                    .parse()
                    .map_err(|e: crate::depth::ParseDepthError| {
                        Error::invalid(&given.origin, &given.value, e.to_string())
                    })?;
            allowed = allowed.with(depth);
        }
        let suggestion = self.suggest(name).map(str::to_string);
        let catalogue_name = self.name.clone();
        let entry = self
            .entries
            .iter_mut()
            .find(|e| e.privilege.eq_ignore_ascii_case(name))
            .ok_or_else(|| Error::UnknownPrivilege {
                origin: given.origin.clone(),
                value: given.value.clone(),
                name: name.to_string(),
                suggestion,
                hint: format!("the {catalogue_name} catalogue does not hold it, so there is nothing to override"),
            })?;
        // `allowed` is never empty: split(',') yields at least one word, each a depth.
        entry.default = allowed.nearest(entry.default).unwrap_or(entry.default);
        entry.allowed = allowed;
        Ok(())
    }
}

/// A TOML error on one line: the parser's message is multi-line with a source excerpt.
fn one_line(e: &toml::de::Error) -> String {
    let message = e.message().trim().to_string();
    match e.span() {
        Some(span) => format!("at byte {}: {message}", span.start),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_side_sync_holds_the_24_kb_privileges_with_least_defaults() {
        let c = Catalogue::builtin("server-side-sync").unwrap();
        assert_eq!(c.entries().len(), 24);
        for e in c.entries() {
            assert_eq!(Some(e.default), e.allowed.least(), "{}", e.privilege);
            assert!(!e.source.is_empty(), "{}", e.privilege);
        }
    }

    #[test]
    fn the_known_traps_are_encoded() {
        let c = Catalogue::default_catalogue();
        let allowed = |p: &str| c.get(p).unwrap().allowed.to_string();
        assert_eq!(allowed("prvReadEmailServerProfile"), "Global");
        assert_eq!(allowed("prvReadUserQuery"), "Basic");
        assert_eq!(allowed("prvReadOrganization"), "Global");
        assert_eq!(allowed("prvReadQuery"), "Global");
        assert_eq!(allowed("prvSearchAvailability"), "Global");
        assert_eq!(allowed("prvOverrideCreatedOnCreatedBy"), "Global");
        assert_eq!(allowed("prvReadContact"), "Basic/Local/Deep/Global");
        let override_tab = &c.get("prvOverrideCreatedOnCreatedBy").unwrap().tab;
        assert!(
            override_tab.starts_with("Business Management"),
            "{override_tab}"
        );
        assert!(!c.get("prvSearchAvailability").unwrap().confirmed);
    }

    #[test]
    fn lookups_ignore_case_and_suggest_near_names() {
        let c = Catalogue::default_catalogue();
        assert_eq!(c.get("PRVREADMAILBOX").unwrap().privilege, "prvReadMailbox");
        assert_eq!(c.suggest("prvReadContcat"), Some("prvReadContact"));
        assert_eq!(c.suggest("prvReadMailbx"), Some("prvReadMailbox"));
        assert_eq!(c.suggest("prvCompletelyDifferentThing"), None);
        let id = guid::parse("edebe6f6-cf2e-4520-b635-ae0615d41e34").unwrap();
        assert_eq!(c.by_id(id).unwrap().privilege, "prvReadEmailServerProfile");
    }

    #[test]
    fn privilege_names_are_checked() {
        assert!(is_privilege_name("prvReadContact"));
        assert!(is_privilege_name("prvRead_new_thing2"));
        assert!(!is_privilege_name("prv"));
        assert!(!is_privilege_name("ReadContact"));
        assert!(!is_privilege_name("prvRead Contact"));
    }

    #[test]
    fn allow_overrides_replace_allowed_depths() {
        let over = |v: &str| select(&[], &[Given::flag("--allow", v)]);
        let c = over("prvReadContact=Local,Global").unwrap();
        let e = c.get("prvReadContact").unwrap();
        assert_eq!(e.allowed.to_string(), "Local/Global");
        assert_eq!(e.default, Depth::Local);
        for (bad, expected) in [
            ("prvReadContact", "PRIVILEGE=DEPTH"),
            ("prvReadContact=Most", "not a depth"),
            ("prvReadContcat=Global", "did you mean 'prvReadContact'"),
        ] {
            let err = over(bad).unwrap_err().to_string();
            assert!(err.contains(expected), "{bad}: {err}");
        }
    }

    #[test]
    fn a_broken_catalogue_is_an_error_naming_the_entry() {
        let text = r#"
name = "x"
description = "d"
source = "s"
[[entry]]
privilege = "prvA"
tab = "t"
allowed = ["Global"]
default = "Basic"
source = "s"
"#;
        let err = Catalogue::parse(text, "my.toml").unwrap_err().to_string();
        assert!(
            err.contains("my.toml") && err.contains("entry 1 (prvA)"),
            "{err}"
        );
        assert!(err.contains("not among the allowed"), "{err}");
    }
}
