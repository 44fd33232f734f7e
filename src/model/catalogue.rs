//! Catalogues: named lists of privileges with the depths each allows.
//!
//! A catalogue is data, kept in a TOML file: `catalogues/*.toml` for the built-in ones
//! (embedded in the binary), or a file of the user's own in the same schema. Which depths a
//! privilege allows cannot be derived from the table that owns it, so every entry says so
//! itself.
//!
//! Several catalogues can be selected at once; [`crate::settings::catalogues::select`] returns their union, where a
//! privilege held by more than one keeps the depths all of them allow and the deepest default.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use toml::Spanned;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::depth::{Depth, DepthSet};
use crate::model::guid;
use crate::model::options::Given;
use crate::util::{line_of, push_distinct};

/// The built-in catalogues: name, and the document of `catalogues/NAME.toml` as JSON, which
/// `build.rs` converts when dvrole is built. `generate` reads a catalogue on every run, and
/// JSON reads in a small part of the time TOML takes; a unit test checks that each reads
/// the same as its TOML file.
const BUILTIN: &[(&str, &str)] = &[
    (
        "server-side-sync",
        include_str!(concat!(
            env!("OUT_DIR"),
            "/catalogues/server-side-sync.json"
        )),
    ),
    (
        "app-for-outlook",
        include_str!(concat!(env!("OUT_DIR"), "/catalogues/app-for-outlook.json")),
    ),
    (
        "app-for-outlook-views",
        include_str!(concat!(
            env!("OUT_DIR"),
            "/catalogues/app-for-outlook-views.json"
        )),
    ),
    (
        "exchange-sync",
        include_str!(concat!(env!("OUT_DIR"), "/catalogues/exchange-sync.json")),
    ),
];

/// The catalogue used when none is named.
pub const DEFAULT_CATALOGUE: &str = "server-side-sync";

/// The largest catalogue file read, in bytes; real ones are a few tens of kilobytes. Parsed,
/// TOML takes some twenty times its size, so this keeps a run's memory within bounds.
pub const MAX_CATALOGUE_BYTES: u64 = 1536 << 10;

/// The most privileges the catalogues of one run hold together: more than any environment
/// has (a full privilege table has some 8,000 to 10,000 rows).
pub const MAX_CATALOGUE_ENTRIES: usize = 12_000;

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
    /// The table's object type code, the number error messages print (`ObjectTypeCode: 4120`).
    pub object_type_code: Option<u32>,
    /// The depths the privilege allows.
    pub allowed: DepthSet,
    /// The depth used when the user asks for none.
    pub default: Depth,
    /// The privilege's id, where known; it is the same in every organization.
    pub privilege_id: Option<Uuid>,
    /// False where the allowed depths are inferred rather than read from privilege metadata.
    pub confirmed: bool,
    /// True where `allowed` replaces, rather than narrows, what other catalogues allow
    /// (`override = true` in the file): a depth rule for one environment.
    #[serde(rename = "override")]
    pub overrides: bool,
    /// The names of the catalogues that hold the privilege, in selection order.
    pub catalogues: Vec<String>,
    /// A remark worth showing beside the privilege.
    pub note: Option<String>,
    /// Where the facts in this entry come from.
    pub source: String,
}

/// A named list of privileges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalogue {
    /// The catalogue's name, e.g. `server-side-sync`; for a union, the names joined by ` + `.
    pub name: String,
    /// What the privileges are for.
    pub description: String,
    /// Where the list comes from.
    pub source: String,
    entries: Vec<Entry>,
    /// The built-in name or the file path it was read from; for messages.
    #[serde(skip)]
    origin: String,
    /// Each entry's index by lower-case privilege name, so a look-up costs the same
    /// however large the catalogue (and loading, union and role building stay linear).
    #[serde(skip)]
    index: HashMap<String, usize>,
}

/// The index of `entries` by lower-case privilege name.
fn index_of(entries: &[Entry]) -> HashMap<String, usize> {
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.privilege.to_ascii_lowercase(), i))
        .collect()
}

/// A catalogue document; `E` is [`EntryFile`] for TOML, [`BuiltinEntry`] for the built-ins.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile<E> {
    name: String,
    description: String,
    source: String,
    #[serde(default = "Vec::new")]
    entry: Vec<E>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile {
    privilege: Spanned<String>,
    entity: Option<String>,
    entity_display: Option<String>,
    tab: String,
    access_right: Option<String>,
    object_type_code: Option<u32>,
    allowed: Spanned<Vec<Depth>>,
    default: Option<Spanned<Depth>>,
    privilege_id: Option<Spanned<String>>,
    confirmed: Option<bool>,
    #[serde(rename = "override", default)]
    overrides: bool,
    note: Option<String>,
    source: String,
}

/// An entry of a built-in catalogue, read from its JSON form: [`EntryFile`] without the
/// positions, which only messages about a user's own file need.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BuiltinEntry {
    privilege: String,
    entity: Option<String>,
    entity_display: Option<String>,
    tab: String,
    access_right: Option<String>,
    object_type_code: Option<u32>,
    allowed: Vec<Depth>,
    default: Option<Depth>,
    privilege_id: Option<String>,
    confirmed: Option<bool>,
    #[serde(rename = "override", default)]
    overrides: bool,
    note: Option<String>,
    source: String,
}

/// An entry as a file gives it, before it is checked, with the byte offsets in the file
/// that messages point to (0 for the built-ins).
struct Draft {
    privilege: (String, usize),
    entity: Option<String>,
    entity_display: Option<String>,
    tab: String,
    access_right: Option<String>,
    object_type_code: Option<u32>,
    allowed: (Vec<Depth>, usize),
    default: Option<(Depth, usize)>,
    privilege_id: Option<(String, usize)>,
    confirmed: Option<bool>,
    overrides: bool,
    note: Option<String>,
    source: String,
}

impl From<EntryFile> for Draft {
    fn from(e: EntryFile) -> Draft {
        let at = |span: std::ops::Range<usize>| span.start;
        Draft {
            privilege: (e.privilege.get_ref().clone(), at(e.privilege.span())),
            entity: e.entity,
            entity_display: e.entity_display,
            tab: e.tab,
            access_right: e.access_right,
            object_type_code: e.object_type_code,
            allowed: (e.allowed.get_ref().clone(), at(e.allowed.span())),
            default: e.default.map(|d| (*d.get_ref(), at(d.span()))),
            privilege_id: e
                .privilege_id
                .map(|id| (id.get_ref().clone(), at(id.span()))),
            confirmed: e.confirmed,
            overrides: e.overrides,
            note: e.note,
            source: e.source,
        }
    }
}

impl From<BuiltinEntry> for Draft {
    fn from(e: BuiltinEntry) -> Draft {
        Draft {
            privilege: (e.privilege, 0),
            entity: e.entity,
            entity_display: e.entity_display,
            tab: e.tab,
            access_right: e.access_right,
            object_type_code: e.object_type_code,
            allowed: (e.allowed, 0),
            default: e.default.map(|d| (d, 0)),
            privilege_id: e.privilege_id.map(|id| (id, 0)),
            confirmed: e.confirmed,
            overrides: e.overrides,
            note: e.note,
            source: e.source,
        }
    }
}

/// Whether `name` is shaped like a privilege name: `prv` and then letters, digits or `_`.
pub fn is_privilege_name(name: &str) -> bool {
    name.strip_prefix("prv").is_some_and(|rest| {
        !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// Whether a catalogue value is a file path by its text alone: it holds `/` or the
/// platform's path separator, or ends in `.toml` (in any case).
pub(crate) fn reads_as_path(value: &str) -> bool {
    value.contains('/')
        || value.contains(std::path::MAIN_SEPARATOR)
        || value.to_ascii_lowercase().ends_with(".toml")
}

/// Whether `value` is the name of a built-in catalogue.
pub(crate) fn is_builtin_name(value: &str) -> bool {
    Catalogue::builtin_names().any(|n| n == value)
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
        let file: CatalogueFile<BuiltinEntry> = serde_json::from_str(text).map_err(|e| {
            Error::Internal(format!("the built-in catalogue {name} does not read: {e}"))
        })?;
        Catalogue::check(file, "", name)
    }

    /// Every built-in catalogue, in [`builtin_names`](Catalogue::builtin_names) order.
    pub fn all_builtin() -> Result<Vec<Catalogue>> {
        Catalogue::builtin_names().map(Catalogue::builtin).collect()
    }

    /// The default catalogue, `server-side-sync`.
    pub fn default_catalogue() -> Catalogue {
        match Catalogue::builtin(DEFAULT_CATALOGUE) {
            Ok(c) => c,
            // The embedded file is checked by a unit test; reaching this is a build defect.
            Err(e) => panic!("the embedded default catalogue is broken: {e}"),
        }
    }

    /// Parses and checks a catalogue in TOML; `origin` names it in error messages, which
    /// read `catalogue ORIGIN:LINE: entry N (prvName): what is wrong`.
    pub fn parse(text: &str, origin: &str) -> Result<Catalogue> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let file: CatalogueFile<EntryFile> = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
            Error::Catalogue {
                origin: match e.span() {
                    Some(_) => format!("{origin}:{}", line_of(text, offset)),
                    None => origin.to_string(),
                },
                message: format!("{}{message}", entry_label_at(text, offset)),
            }
        })?;
        Catalogue::check(file, text, origin)
    }

    /// Checks the entries of a catalogue document; `text` (the TOML, or empty for a
    /// built-in) places messages.
    fn check<E: Into<Draft>>(
        file: CatalogueFile<E>,
        text: &str,
        origin: &str,
    ) -> Result<Catalogue> {
        let fail = |offset: usize, index: usize, name: &str, message: String| Error::Catalogue {
            origin: format!("{origin}:{}", line_of(text, offset)),
            message: format!("entry {} ({name}): {message}", index + 1),
        };
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut entries = Vec::with_capacity(file.entry.len());
        for (index, e) in file.entry.into_iter().enumerate() {
            let e: Draft = e.into();
            let (name, at) = e.privilege;
            if !is_privilege_name(&name) {
                return Err(fail(
                    at,
                    index,
                    &name,
                    "a privilege name is 'prv' followed by letters, digits or '_'".to_string(),
                ));
            }
            if let Some(first) = seen.insert(name.to_ascii_lowercase(), index) {
                return Err(fail(
                    at,
                    index,
                    &name,
                    format!(
                        "the privilege is listed twice (first as entry {}); keep one entry",
                        first + 1
                    ),
                ));
            }
            let allowed: DepthSet = e.allowed.0.iter().copied().collect();
            let least = allowed.least().ok_or_else(|| {
                fail(
                    e.allowed.1,
                    index,
                    &name,
                    "'allowed' lists no depth; list at least one of Basic, Local, Deep, Global"
                        .to_string(),
                )
            })?;
            let default = match e.default {
                None => least,
                Some((depth, at)) => {
                    if !allowed.contains(depth) {
                        return Err(fail(
                            at,
                            index,
                            &name,
                            format!(
                                "default depth {depth} is not among the allowed depths {allowed}"
                            ),
                        ));
                    }
                    depth
                }
            };
            let privilege_id = match &e.privilege_id {
                None => None,
                Some((text_id, at)) => Some(guid::parse(text_id).ok_or_else(|| {
                    fail(
                        *at,
                        index,
                        &name,
                        format!("privilege_id '{text_id}' is not a GUID"),
                    )
                })?),
            };
            entries.push(Entry {
                privilege: name,
                entity: e.entity,
                entity_display: e.entity_display,
                tab: e.tab,
                access_right: e.access_right,
                object_type_code: e.object_type_code,
                allowed,
                default,
                privilege_id,
                confirmed: e.confirmed.unwrap_or(true),
                overrides: e.overrides,
                catalogues: vec![file.name.clone()],
                note: e.note,
                source: e.source,
            });
        }
        Ok(Catalogue {
            name: file.name,
            description: file.description,
            source: file.source,
            index: index_of(&entries),
            entries,
            origin: origin.to_string(),
        })
    }

    /// The built-in name or the file path the catalogue was read from.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The entries in the catalogue's own order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry for `privilege`, matched without regard to case.
    pub fn get(&self, privilege: &str) -> Option<&Entry> {
        let found = match self.index.get(privilege) {
            Some(i) => Some(*i),
            None => self.index.get(&privilege.to_ascii_lowercase()).copied(),
        };
        found.and_then(|i| self.entries.get(i))
    }

    /// Replaces the depths `privilege` allows, moving its default to the nearest of them;
    /// an empty set changes nothing. Returns whether the catalogue holds the privilege.
    pub fn replace_allowed(&mut self, privilege: &str, allowed: DepthSet) -> bool {
        let Some(entry) = self
            .entries
            .iter_mut()
            .find(|e| e.privilege.eq_ignore_ascii_case(privilege))
        else {
            return false;
        };
        if let Some(default) = allowed.nearest(entry.default) {
            entry.default = default;
            entry.allowed = allowed;
        }
        true
    }

    /// The entry for the privilege of table `object_type_code` with `access_right`
    /// (`Write`, matched without regard to case).
    pub fn by_object_type(&self, object_type_code: u32, access_right: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| {
            e.object_type_code == Some(object_type_code)
                && e.access_right
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(access_right))
        })
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

    /// The union of `parts`, in order; see [`union_except`](Catalogue::union_except).
    pub fn union(parts: Vec<Catalogue>) -> Result<Catalogue> {
        Catalogue::union_except(parts, &HashSet::new())
    }

    /// The union of `parts`: every privilege any of them holds, in first-seen order.
    ///
    /// Where several hold one privilege, its allowed depths are the intersection of theirs and
    /// its default the deepest of their defaults (moved to the nearest allowed depth where the
    /// intersection lacks it). Entries marked `override` replace the depths the others allow
    /// instead of narrowing them; several overrides of one privilege are intersected. An empty
    /// intersection is an error naming both catalogues, except for the privileges in
    /// `replaced` (lower-case names), whose depths the caller replaces afterwards.
    pub fn union_except(parts: Vec<Catalogue>, replaced: &HashSet<String>) -> Result<Catalogue> {
        let parts = match <[Catalogue; 1]>::try_from(parts) {
            Ok([only]) => return Ok(only),
            Err(parts) => parts,
        };
        let mut names: Vec<String> = Vec::new();
        let mut origins: Vec<String> = Vec::new();
        let mut descriptions: Vec<String> = Vec::new();
        let mut sources: Vec<String> = Vec::new();
        let mut merged: Vec<Merge> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for part in parts {
            let label = part.label();
            if names.contains(&part.name) && origins.contains(&part.origin) {
                continue; // the same catalogue twice adds nothing
            }
            push_distinct(&mut names, &part.name);
            push_distinct(&mut origins, &part.origin);
            push_distinct(&mut descriptions, &part.description);
            push_distinct(&mut sources, &part.source);
            for entry in part.entries {
                let key = entry.privilege.to_ascii_lowercase();
                let lenient = replaced.contains(&key);
                match index.get(&key).and_then(|i| merged.get_mut(*i)) {
                    Some(m) => m.add(entry, &label, &part.name)?,
                    None => {
                        index.insert(key, merged.len());
                        merged.push(Merge::new(entry, &label, lenient));
                    }
                }
            }
        }
        let entries: Vec<Entry> = merged
            .into_iter()
            .map(Merge::finish)
            .collect::<Result<_>>()?;
        Ok(Catalogue {
            name: names.join(" + "),
            description: descriptions.join("; "),
            source: sources.join("; "),
            index: index_of(&entries),
            entries,
            origin: origins.join(" + "),
        })
    }

    /// How messages name the catalogue: its name, and its path where it came from a file.
    fn label(&self) -> String {
        if self.origin == self.name {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.origin)
        }
    }
}

/// One privilege of a union while it is being built.
struct Merge {
    entry: Entry,
    /// Depths allowed by the plain entries, and the catalogues that gave them.
    plain: Option<(DepthSet, Vec<String>)>,
    /// Depths allowed by the `override` entries, and the catalogues that gave them.
    over: Option<(DepthSet, Vec<String>)>,
    sources: Vec<String>,
    /// Why the plain entries cannot be reconciled; fatal unless an override or `--allow`
    /// replaces their depths.
    conflict: Option<String>,
    /// Whether `--allow` replaces the depths afterwards.
    lenient: bool,
}

impl Merge {
    fn new(entry: Entry, label: &str, lenient: bool) -> Merge {
        let side = Some((entry.allowed, vec![label.to_string()]));
        let (plain, over) = if entry.overrides {
            (None, side)
        } else {
            (side, None)
        };
        Merge {
            sources: vec![entry.source.clone()],
            entry,
            plain,
            over,
            conflict: None,
            lenient,
        }
    }

    fn add(&mut self, other: Entry, label: &str, name: &str) -> Result<()> {
        let e = &mut self.entry;
        if let (Some(a), Some(b)) = (e.privilege_id, other.privilege_id) {
            if a != b {
                return Err(Error::Conflict(format!(
                    "catalogues {} and {label} give {} different ids ({} and {}); privilege ids are the same in every organization, so fix the wrong one",
                    e.catalogues.join(", "),
                    e.privilege,
                    guid::braced(a),
                    guid::braced(b),
                )));
            }
        }
        let slot = if other.overrides {
            &mut self.over
        } else {
            &mut self.plain
        };
        match slot {
            None => *slot = Some((other.allowed, vec![label.to_string()])),
            Some((allowed, from)) => {
                let both = allowed.intersect(other.allowed);
                if both.is_empty() && self.conflict.is_none() {
                    let message = format!(
                        "catalogues {} and {label} disagree on {}: {} allows {allowed}, {label} allows {}, and no depth satisfies both; fix one of them, mark one entry `override = true`, or pass --allow {}=DEPTHS",
                        from.join(" + "),
                        e.privilege,
                        from.join(" + "),
                        other.allowed,
                        e.privilege,
                    );
                    if other.overrides && !self.lenient {
                        return Err(Error::Conflict(
                            message.replace("no depth satisfies both", "both mark it override"),
                        ));
                    }
                    self.conflict = Some(message);
                }
                *allowed = both;
                from.push(label.to_string());
            }
        }
        e.default = e.default.max(other.default);
        e.entity = e.entity.take().or(other.entity);
        e.entity_display = e.entity_display.take().or(other.entity_display);
        e.access_right = e.access_right.take().or(other.access_right);
        e.object_type_code = e.object_type_code.or(other.object_type_code);
        e.privilege_id = e.privilege_id.or(other.privilege_id);
        e.note = e.note.take().or(other.note);
        e.confirmed &= other.confirmed;
        e.overrides |= other.overrides;
        push_distinct(&mut e.catalogues, name);
        push_distinct(&mut self.sources, &other.source);
        Ok(())
    }

    fn finish(self) -> Result<Entry> {
        let mut e = self.entry;
        if let (Some(message), None, false) = (self.conflict, &self.over, self.lenient) {
            return Err(Error::Conflict(message));
        }
        if let Some((allowed, _)) = self.over.or(self.plain) {
            e.allowed = allowed;
        }
        e.default = e.allowed.nearest(e.default).unwrap_or(e.default);
        e.source = self.sources.join(" | ");
        Ok(e)
    }
}

impl Catalogue {
    /// Applies one `PRIVILEGE=DEPTH[,DEPTH...]` override.
    pub(crate) fn apply_allow(&mut self, given: &Given) -> Result<()> {
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
                    .map_err(|e: crate::model::depth::ParseDepthError| {
                        Error::invalid(&given.origin, &given.value, e.to_string())
                    })?;
            allowed = allowed.with(depth);
        }
        let found = self.index.get(&name.to_ascii_lowercase()).copied();
        let Some(entry) = found.and_then(|i| self.entries.get_mut(i)) else {
            return Err(Error::UnknownPrivilege {
                origin: given.origin.clone(),
                value: given.value.clone(),
                name: name.to_string(),
                suggestion: self.suggest(name).map(str::to_string),
                hint: format!(
                    "the {} catalogue does not hold it, so there is nothing to override",
                    self.name
                ),
            });
        };
        // `allowed` is never empty: split(',') yields at least one word, each a depth.
        entry.default = allowed.nearest(entry.default).unwrap_or(entry.default);
        entry.allowed = allowed;
        Ok(())
    }
}

/// `entry N (prvName): ` for the `[[entry]]` table that holds byte `offset`, or nothing where
/// the offset lies before the first one. Used for TOML errors, which name no entry themselves.
pub(crate) fn entry_label_at(text: &str, offset: usize) -> String {
    let mut count = 0usize;
    let mut privilege: Option<String> = None;
    let mut start = 0usize;
    for line in text.split_inclusive('\n') {
        if start > offset {
            break;
        }
        let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.starts_with("[[entry]]") {
            count += 1;
            privilege = None;
        } else if count > 0 && privilege.is_none() {
            privilege = privilege_on(line);
        }
        start += line.len();
    }
    // The entry's privilege line may come after the offset: look on to the next table.
    if count > 0 && privilege.is_none() {
        for line in text.get(start..).unwrap_or_default().split_inclusive('\n') {
            if line.trim_start().starts_with('[') {
                break;
            }
            if let Some(p) = privilege_on(line) {
                privilege = Some(p);
                break;
            }
        }
    }
    match (count, privilege) {
        (0, _) => String::new(),
        (n, Some(p)) => format!("entry {n} ({p}): "),
        (n, None) => format!("entry {n}: "),
    }
}

/// The quoted value of a `privilege = "..."` line.
fn privilege_on(line: &str) -> Option<String> {
    let rest = line.trim_start().strip_prefix("privilege")?;
    let rest = rest.trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = rest.get(1..)?;
    let end = inner.find(quote)?;
    inner.get(..end).map(str::to_string)
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
    fn every_builtin_parses_with_sources_and_least_defaults() {
        let sizes: Vec<(String, usize)> = Catalogue::builtin_names()
            .map(|n| {
                let c = Catalogue::builtin(n).unwrap();
                assert_eq!(c.name, n);
                for e in c.entries() {
                    assert_eq!(Some(e.default), e.allowed.least(), "{n}: {}", e.privilege);
                    assert!(!e.source.trim().is_empty(), "{n}: {}", e.privilege);
                    assert_eq!(e.catalogues, vec![n.to_string()]);
                    assert!(!e.overrides, "{n}: {}", e.privilege);
                }
                (n.to_string(), c.entries().len())
            })
            .collect();
        let expected = [
            ("server-side-sync", 24),
            ("app-for-outlook", 31),
            ("app-for-outlook-views", 4),
            ("exchange-sync", 4),
        ];
        let expected: Vec<(String, usize)> =
            expected.iter().map(|(n, k)| (n.to_string(), *k)).collect();
        assert_eq!(sizes, expected);
    }

    #[test]
    fn every_builtin_reads_as_its_toml_file_does() {
        let toml = [
            include_str!("../../catalogues/server-side-sync.toml"),
            include_str!("../../catalogues/app-for-outlook.toml"),
            include_str!("../../catalogues/app-for-outlook-views.toml"),
            include_str!("../../catalogues/exchange-sync.toml"),
        ];
        let names: Vec<_> = Catalogue::builtin_names().collect();
        assert_eq!(names.len(), toml.len());
        for (name, text) in names.into_iter().zip(toml) {
            assert_eq!(
                Catalogue::builtin(name).unwrap(),
                Catalogue::parse(text, name).unwrap(),
                "{name}"
            );
        }
    }

    #[test]
    fn builtins_agree_on_every_privilege_they_share() {
        let all: Vec<Catalogue> = Catalogue::builtin_names()
            .map(|n| Catalogue::builtin(n).unwrap())
            .collect();
        let mut shared = 0;
        for (i, a) in all.iter().enumerate() {
            for b in all.iter().skip(i + 1) {
                for ea in a.entries() {
                    let Some(eb) = b.get(&ea.privilege) else {
                        continue;
                    };
                    shared += 1;
                    let what = format!("{} in {} and {}", ea.privilege, a.name, b.name);
                    assert_eq!(ea.privilege, eb.privilege, "{what}: spelling");
                    assert_eq!(ea.allowed, eb.allowed, "{what}: allowed");
                    assert_eq!(ea.default, eb.default, "{what}: default");
                    assert_eq!(ea.privilege_id, eb.privilege_id, "{what}: id");
                    assert_eq!(ea.confirmed, eb.confirmed, "{what}: confirmed");
                    assert_eq!(ea.entity, eb.entity, "{what}: entity");
                    assert_eq!(ea.access_right, eb.access_right, "{what}: access right");
                }
            }
        }
        // 16 of server-side-sync's privileges are in the App for Outlook table, and two
        // (prvReadIncident, prvReadConnection) in its view list.
        assert_eq!(shared, 18);
        // The union of all four therefore holds 24 + 31 + 4 + 4 - 18 privileges (the
        // exchange-sync privileges are in no other catalogue).
        assert_eq!(Catalogue::union(all).unwrap().entries().len(), 45);
    }

    #[test]
    fn app_for_outlook_encodes_its_depth_traps() {
        let c = Catalogue::builtin("app-for-outlook").unwrap();
        let allowed = |p: &str| c.get(p).unwrap().allowed.to_string();
        assert_eq!(allowed("prvReadRole"), "Local/Deep/Global");
        assert_eq!(allowed("prvReadUser"), "Local/Deep/Global");
        assert_eq!(c.get("prvReadUser").unwrap().default, Depth::Local);
        assert_eq!(allowed("prvReadUserApplicationMetadata"), "Basic");
        assert_eq!(allowed("prvReadSystemForm"), "Global");
        assert_eq!(allowed("prvUseOfficeApps"), "Global");
        assert!(!c.get("prvSearchAvailability").unwrap().confirmed);
        let v = Catalogue::builtin("app-for-outlook-views").unwrap();
        assert_eq!(
            v.get("prvReadCompetitor").unwrap().allowed.to_string(),
            "Global"
        );
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

    /// A catalogue of one-line entries `privilege allowed... [default=D] [override]`.
    fn small(name: &str, lines: &[&str]) -> Catalogue {
        let mut text =
            format!("name = \"{name}\"\ndescription = \"d {name}\"\nsource = \"s {name}\"\n");
        for line in lines {
            let mut words = line.split_whitespace();
            let privilege = words.next().unwrap();
            let mut allowed = Vec::new();
            let mut extra = String::new();
            for w in words {
                if let Some(d) = w.strip_prefix("default=") {
                    extra.push_str(&format!("default = \"{d}\"\n"));
                } else if w == "override" {
                    extra.push_str("override = true\n");
                } else {
                    allowed.push(format!("\"{w}\""));
                }
            }
            text.push_str(&format!(
                "[[entry]]\nprivilege = \"{privilege}\"\ntab = \"t\"\nallowed = [{}]\n{extra}source = \"{name} says\"\n",
                allowed.join(", ")
            ));
        }
        Catalogue::parse(&text, name).unwrap()
    }

    #[test]
    fn a_union_intersects_depths_and_keeps_the_deeper_default() {
        let a = small(
            "a",
            &["prvX Basic Local Deep default=Basic", "prvOnlyA Global"],
        );
        let b = small(
            "b",
            &["prvX Local Deep Global default=Deep", "prvOnlyB Basic"],
        );
        let u = Catalogue::union(vec![a, b]).unwrap();
        assert_eq!(u.name, "a + b");
        let names: Vec<&str> = u.entries().iter().map(|e| e.privilege.as_str()).collect();
        assert_eq!(names, ["prvX", "prvOnlyA", "prvOnlyB"]);
        let x = u.get("prvX").unwrap();
        assert_eq!(x.allowed.to_string(), "Local/Deep");
        assert_eq!(x.default, Depth::Deep);
        assert_eq!(x.catalogues, ["a", "b"]);
        assert_eq!(x.source, "a says | b says");
        assert_eq!(u.get("prvOnlyB").unwrap().catalogues, ["b"]);
    }

    #[test]
    fn a_deeper_default_outside_the_intersection_moves_to_the_nearest() {
        let a = small("a", &["prvX Basic Local Deep Global default=Global"]);
        let b = small("b", &["prvX Basic Local"]);
        let u = Catalogue::union(vec![a, b]).unwrap();
        assert_eq!(u.get("prvX").unwrap().default, Depth::Local);
    }

    #[test]
    fn an_empty_intersection_names_both_catalogues() {
        let a = small("a", &["prvX Basic"]);
        let b = small("b", &["prvX Global"]);
        let err = Catalogue::union(vec![a.clone(), b.clone()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("catalogues a and b disagree on prvX"), "{err}");
        assert!(err.contains("a allows Basic, b allows Global"), "{err}");
        assert!(!err.contains('\n'), "{err}");
        // --allow on the privilege resolves it.
        let replaced = HashSet::from(["prvx".to_string()]);
        assert!(Catalogue::union_except(vec![a, b], &replaced).is_ok());
    }

    #[test]
    fn an_override_entry_replaces_instead_of_intersecting() {
        let base = small("base", &["prvX Basic Local Deep Global", "prvY Basic"]);
        let narrow = small("env", &["prvX Local Global override"]);
        let u = Catalogue::union(vec![base.clone(), narrow.clone()]).unwrap();
        let x = u.get("prvX").unwrap();
        assert_eq!(x.allowed.to_string(), "Local/Global");
        assert_eq!(x.default, Depth::Local);
        assert!(x.overrides);
        // Order does not matter, and an override widens too.
        let widen = small("env", &["prvY Basic Global override"]);
        let u = Catalogue::union(vec![widen, base.clone()]).unwrap();
        assert_eq!(u.get("prvY").unwrap().allowed.to_string(), "Basic/Global");
        // An override settles a conflict between plain entries.
        let other = small("other", &["prvY Global"]);
        let fix = small("fix", &["prvY Global override"]);
        assert!(Catalogue::union(vec![base.clone(), other.clone()]).is_err());
        let u = Catalogue::union(vec![base.clone(), other, fix]).unwrap();
        assert_eq!(u.get("prvY").unwrap().allowed.to_string(), "Global");
        // Two overrides that share no depth are an error.
        let o1 = small("o1", &["prvX Basic override"]);
        let o2 = small("o2", &["prvX Global override"]);
        let err = Catalogue::union(vec![base, o1, o2])
            .unwrap_err()
            .to_string();
        assert!(err.contains("both mark it override"), "{err}");
    }

    #[test]
    fn differing_privilege_ids_are_a_conflict() {
        let a = "name = \"a\"\ndescription = \"d\"\nsource = \"s\"\n[[entry]]\nprivilege = \"prvX\"\ntab = \"t\"\nallowed = [\"Basic\"]\nprivilege_id = \"00000000-0000-0000-0000-000000000001\"\nsource = \"s\"\n";
        let b = a.replace("\"a\"", "\"b\"").replace("0001\"", "0002\"");
        let err = Catalogue::union(vec![
            Catalogue::parse(a, "a").unwrap(),
            Catalogue::parse(&b, "b").unwrap(),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("different ids"), "{err}");
    }

    #[test]
    fn a_broken_catalogue_is_an_error_naming_the_entry_and_line() {
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
        assert_eq!(
            err,
            "catalogue my.toml:9: entry 1 (prvA): default depth Basic is not among the allowed depths Global"
        );
    }

    #[test]
    fn toml_errors_name_the_entry_found_by_position() {
        let text = "name = \"x\"\ndescription = \"d\"\nsource = \"s\"\n[[entry]]\nprivilege = \"prvA\"\ntab = \"t\"\nallowed = [\"Global\"]\nsource = \"s\"\n\n[[ entry ]]\ncolour = \"red\"\nprivilege = 'prvB'\n";
        let err = Catalogue::parse(text, "f.toml").unwrap_err().to_string();
        assert!(
            err.starts_with("catalogue f.toml:11: entry 2 (prvB): unknown field `colour`"),
            "{err}"
        );
        assert_eq!(entry_label_at(text, 0), "");
        assert_eq!(line_of(text, usize::MAX), text.lines().count() + 1);
    }
}
