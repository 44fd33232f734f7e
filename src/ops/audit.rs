//! `dvrole audit`: what existing roles lack of the role `dvrole generate` would build.
//!
//! Each role is compared with the desired role as it streams out of its file, and only the
//! comparison is kept, so the size of the input does not matter.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::Serialize;

use crate::model::catalogue::{Catalogue, Entry};
use crate::model::depth::Depth;
use crate::model::role::Role;
use crate::part::roles::RolesFile;
use crate::xml::walk::XmlProblem;

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
    /// Every kind, in declaration order: `kind as usize` indexes a count per kind.
    pub const ALL: [Kind; 4] = [Kind::Missing, Kind::TooShallow, Kind::Deeper, Kind::Extra];

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
///
/// Fields are in alphabetical order, the order of their keys in JSON. The strings are
/// borrowed from the desired role, the catalogues, or the names [`Desired`] kept of the
/// role's extras, so a role with thousands of findings costs no allocation per finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding<'a> {
    /// The table's logical name, where a catalogue knows it.
    pub entity: Option<&'a str>,
    /// The depth the role has; `None` when it lacks the privilege.
    pub have: Option<Depth>,
    /// What kind of difference.
    pub kind: Kind,
    /// The privilege name (as the catalogue spells it where it knows it).
    pub privilege: &'a str,
    /// The role-editor tab, where a catalogue knows it.
    pub tab: Option<&'a str>,
    /// The depth the desired role has; `None` for an extra privilege.
    pub want: Option<Depth>,
}

/// The comparison of one role with the desired role; it borrows from the [`Desired`] that
/// made it, until the next role begins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleAudit<'a> {
    /// The file that holds the role.
    pub file: String,
    /// The role's id as written.
    pub id: Option<String>,
    /// The role's name.
    pub name: String,
    /// How many privileges the role holds; `privilege_count` in JSON, where `privileges` is
    /// always a list.
    #[serde(rename = "privilege_count")]
    pub privileges: usize,
    /// The role's `isinherited` attribute as written: `1` (direct user access and team
    /// privileges), `0` (team privileges only), or `None` where the export leaves it out.
    pub inherited: Option<String>,
    /// How many of the role's privileges are at Basic depth.
    #[serde(skip)]
    pub basic: usize,
    /// The differences: desired privileges first (by name), then extras in file order
    /// (extras only when asked for; see [`Desired::begin`]).
    pub findings: Vec<Finding<'a>>,
    /// How many privileges the role holds beyond the desired role (distinct ones when they
    /// are listed; otherwise each `<RolePrivilege>`, so one listed twice counts twice).
    #[serde(skip)]
    pub extra: usize,
    /// The extras as the role names them, when they are handed over
    /// ([`Desired::hand_over_extras`]); otherwise empty.
    #[serde(skip)]
    pub raw_extras: RawExtras,
}

impl RoleAudit<'_> {
    /// How many findings are of `kind` (for extras, how many there are, listed or not).
    pub fn count(&self, kind: Kind) -> usize {
        match kind {
            Kind::Extra => self.extra,
            _ => self.findings.iter().filter(|f| f.kind == kind).count(),
        }
    }

    /// Whether the role lacks a desired privilege or holds one too shallow.
    pub fn lacks(&self) -> bool {
        self.findings.iter().any(|f| f.kind.is_gap())
    }

    /// Whether the role grants "team privileges only" (`isinherited="0"`) and holds Basic
    /// privileges, which then reach a member's own records only when the role is also
    /// assigned to the member directly.
    pub fn team_only_basic(&self) -> bool {
        self.inherited.as_deref() == Some("0") && self.basic > 0
    }
}

/// A key for a privilege name without regard to ASCII case, computed in constant time
/// without allocating: the length and the last eight bytes, lowercased, mixed. Equal names
/// always get equal keys; different names may too (`prvCreateContact`, `prvDeleteContact`),
/// so every lookup confirms a match by comparing the names.
fn name_key(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let tail = bytes.get(bytes.len().saturating_sub(8)..).unwrap_or(bytes);
    let mut word = [0u8; 8];
    for (w, b) in word.iter_mut().zip(tail) {
        *w = b.to_ascii_lowercase();
    }
    (u64::from_le_bytes(word) ^ (bytes.len() as u64).rotate_left(56))
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// A hasher for keys that are hashes already.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// The role being compared, while its privileges stream by.
#[derive(Default)]
struct Current {
    id: Option<String>,
    name: String,
    offset: u64,
    file: Option<RolesFile>,
    privileges: usize,
    inherited: Option<String>,
    basic: usize,
    list_extras: bool,
    /// How many extras (distinct ones when listed, otherwise each `<RolePrivilege>`).
    extra: usize,
}

/// One distinct extra privilege of a role, when extras are listed.
struct Extra {
    /// Where its name, as the role first spells it, lies in the names the role's extras share.
    name: std::ops::Range<usize>,
    /// The deepest depth the role gives it.
    depth: Depth,
    /// The next extra whose name has the same key, if any.
    next: Option<usize>,
}

/// The catalogue entries by privilege name, without regard to ASCII case: the table and tab
/// of a privilege where a catalogue knows it (the first catalogue that does wins).
pub struct Known<'a> {
    /// Name key to the catalogue entries with that key.
    map: KeyMap<Vec<&'a Entry>>,
}

impl<'a> Known<'a> {
    /// The entries of `catalogues`.
    pub fn new(catalogues: &'a [Catalogue]) -> Known<'a> {
        let mut map: KeyMap<Vec<&Entry>> = KeyMap::default();
        for entry in catalogues.iter().flat_map(|c| c.entries()) {
            map.entry(name_key(&entry.privilege))
                .or_default()
                .push(entry);
        }
        Known { map }
    }

    /// The entry for `privilege`, if a catalogue knows it.
    pub fn get(&self, privilege: &str) -> Option<&'a Entry> {
        self.map
            .get(&name_key(privilege))?
            .iter()
            .copied()
            .find(|e| e.privilege.eq_ignore_ascii_case(privilege))
    }
}

/// A role's extra privileges, distinct without regard to ASCII case, each at the deepest
/// depth the role gives it, in the order the role first names them.
#[derive(Default)]
pub struct Extras {
    extras: Vec<Extra>,
    /// The names of `extras`, one after the other.
    names: String,
    /// Name key to the first of `extras` with that key; the rest follow `next`.
    seen: KeyMap<usize>,
}

impl Extras {
    /// Forgets the extras of the role before.
    pub fn clear(&mut self) {
        self.extras.clear();
        self.names.clear();
        self.seen.clear();
    }

    /// How many distinct extras there are.
    pub fn len(&self) -> usize {
        self.extras.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.extras.is_empty()
    }

    /// One extra privilege the role holds; `true` when the name is new.
    fn add(&mut self, name: &str, depth: Depth) -> bool {
        self.add_keyed(name_key(name), name, depth)
    }

    /// Like [`Extras::add`], with the name's key already made.
    fn add_keyed(&mut self, key: u64, name: &str, depth: Depth) -> bool {
        // One probe of the map: a new key takes the extra about to be pushed.
        let new = self.extras.len();
        let first = *self.seen.entry(key).or_insert(new);
        let mut last = None;
        let mut at = (first != new).then_some(first);
        while let Some(i) = at {
            let Some(extra) = self.extras.get_mut(i) else {
                break;
            };
            let same = self
                .names
                .get(extra.name.clone())
                .is_some_and(|n| n.eq_ignore_ascii_case(name));
            if same {
                extra.depth = extra.depth.max(depth);
                return false;
            }
            last = Some(i);
            at = extra.next;
        }
        let start = self.names.len();
        self.names.push_str(name);
        self.extras.push(Extra {
            name: start..self.names.len(),
            depth,
            next: None,
        });
        if let Some(previous) = last.and_then(|l| self.extras.get_mut(l)) {
            previous.next = Some(new);
        }
        true
    }

    /// The extras as findings, spelled as the catalogue spells them where `known` knows
    /// them, otherwise as the role first did.
    pub fn findings<'s, 'a: 's>(
        &'s self,
        known: &'s Known<'a>,
    ) -> impl Iterator<Item = Finding<'s>> + 's {
        self.extras.iter().map(move |extra| {
            let name = self.names.get(extra.name.clone()).unwrap_or_default();
            let entry = known.get(name);
            Finding {
                kind: Kind::Extra,
                privilege: entry.map_or(name, |e| e.privilege.as_str()),
                entity: entry.and_then(|e| e.entity.as_deref()),
                tab: entry.map(|e| e.tab.as_str()),
                have: Some(extra.depth),
                want: None,
            }
        })
    }
}

/// A role's extra privileges as the role names them, repeats and all, for [`Extras`] to
/// make distinct elsewhere (see [`Desired::hand_over_extras`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawExtras {
    names: String,
    items: Vec<(std::ops::Range<usize>, Depth)>,
}

impl RawExtras {
    /// Makes `extras` this role's distinct extras.
    pub fn distinct_into(&self, extras: &mut Extras) {
        extras.clear();
        for (range, depth) in &self.items {
            extras.add(self.names.get(range.clone()).unwrap_or_default(), *depth);
        }
    }
}

/// The desired role, ready to compare roles with, one at a time.
pub struct Desired<'a> {
    role: &'a Role,
    /// Name key to the indexes in `role.privileges` of the names with that key.
    index: KeyMap<Vec<usize>>,
    /// The catalogues' entries, for the table and tab of extras.
    known: Known<'a>,
    /// Per role: the depth the role gives each desired privilege.
    have: Vec<Option<Depth>>,
    /// Per role: the distinct extras (when listed).
    extras: Extras,
    /// Per role, when extras are handed over: the extras as the role names them.
    raw: Option<RawExtras>,
    current: Current,
}

impl<'a> Desired<'a> {
    /// Prepares `role` for comparison; `catalogues` supply the table and tab of extra
    /// privileges where one of them knows it (the first that does wins).
    pub fn new(role: &'a Role, catalogues: &'a [Catalogue]) -> Desired<'a> {
        let mut index: KeyMap<Vec<usize>> = KeyMap::default();
        for (i, p) in role.privileges.iter().enumerate() {
            index.entry(name_key(&p.name)).or_default().push(i);
        }
        Desired {
            role,
            index,
            known: Known::new(catalogues),
            have: Vec::new(),
            extras: Extras::default(),
            raw: None,
            current: Current::default(),
        }
    }

    /// From now on, a role whose extras are listed leaves them out of its findings and
    /// keeps them as named, in [`RoleAudit::raw_extras`]: whoever writes the findings
    /// makes them distinct ([`RawExtras::distinct_into`]), on another thread if it likes.
    /// The role's `extra` count is then of `<RolePrivilege>` elements, repeats included.
    pub fn hand_over_extras(&mut self) {
        self.raw = Some(RawExtras::default());
    }

    /// Compares one role, read whole, with the desired role: [`Desired::begin`], then
    /// [`Desired::add`] for each privilege, then [`Desired::finish`]. The commands stream
    /// instead; this is for the unit tests.
    #[cfg(test)]
    pub(crate) fn audit(
        &mut self,
        file: &str,
        record: &crate::part::roles::RoleRecord,
        list_extras: bool,
    ) -> Result<RoleAudit<'_>, XmlProblem> {
        self.begin(
            record.id.as_deref(),
            record.name.as_deref(),
            record.offset,
            record.file,
            list_extras,
        );
        self.inheritance(record.inherited.as_deref());
        for p in &record.privileges {
            self.add(p.name.as_deref(), p.level.as_deref(), p.offset)?;
        }
        self.finish(file)
    }

    /// Starts comparing a role. Extra privileges are listed as findings only when
    /// `list_extras` is set; they are always counted.
    pub fn begin(
        &mut self,
        id: Option<&str>,
        name: Option<&str>,
        offset: u64,
        file: RolesFile,
        list_extras: bool,
    ) {
        self.have.clear();
        self.have.resize(self.role.privileges.len(), None);
        self.extras.clear();
        if let Some(raw) = &mut self.raw {
            raw.names.clear();
            raw.items.clear();
        }
        let name = name
            .filter(|n| !n.trim().is_empty())
            .unwrap_or("(unnamed)")
            .to_string();
        self.current = Current {
            id: id.map(str::to_string),
            name,
            offset,
            file: Some(file),
            list_extras,
            ..Current::default()
        };
    }

    /// The `isinherited` attribute of the role being compared, where it has one.
    pub fn inheritance(&mut self, inherited: Option<&str>) {
        self.current.inherited = inherited.map(str::to_string);
    }

    /// One privilege of the role being compared. A level that is not a depth is a problem
    /// at its offset: the role cannot be judged.
    pub fn add(
        &mut self,
        name: Option<&str>,
        level: Option<&str>,
        offset: u64,
    ) -> Result<(), XmlProblem> {
        self.current.privileges += 1;
        let Some(pname) = name.filter(|n| !n.is_empty()) else {
            return Ok(());
        };
        let level = level.unwrap_or("");
        let depth = Depth::from_xml(level).ok_or_else(|| {
            XmlProblem::at(
                offset,
                format!(
                    "role '{}': {pname} has level {level:?}, which is not Basic, Local, Deep or Global; run dvrole validate on it",
                    self.current.name
                ),
            )
        })?;
        if depth == Depth::Basic {
            self.current.basic += 1;
        }
        let key = name_key(pname);
        let desired = self.index.get(&key).and_then(|candidates| {
            candidates.iter().copied().find(|&i| {
                self.role
                    .privileges
                    .get(i)
                    .is_some_and(|d| d.name == pname || d.name.eq_ignore_ascii_case(pname))
            })
        });
        if let Some(slot) = desired.and_then(|i| self.have.get_mut(i)) {
            *slot = (*slot).max(Some(depth));
            return Ok(());
        }
        let current = &mut self.current;
        if !current.list_extras {
            // Counted, not listed: a privilege listed twice in the role counts twice.
            current.extra += 1;
            return Ok(());
        }
        if let Some(raw) = &mut self.raw {
            let start = raw.names.len();
            raw.names.push_str(pname);
            raw.items.push((start..raw.names.len(), depth));
            current.extra += 1;
            return Ok(());
        }
        if self.extras.add_keyed(key, pname, depth) {
            current.extra += 1;
        }
        Ok(())
    }

    /// Ends the role being compared, held in `file`, and returns the comparison. A role file
    /// holding no privileges is a problem at the role's offset: it cannot be judged.
    pub fn finish(&mut self, file: &str) -> Result<RoleAudit<'_>, XmlProblem> {
        let current = std::mem::take(&mut self.current);
        if current.privileges == 0 && current.file == Some(RolesFile::RoleFile) {
            return Err(XmlProblem::at(
                current.offset,
                format!(
                    "role '{}' holds no <RolePrivilege>, so there is nothing to audit; give the role's exported XML",
                    current.name
                ),
            ));
        }
        let mut findings = Vec::new();
        for (p, have) in self.role.privileges.iter().zip(&self.have) {
            let kind = match *have {
                None => Kind::Missing,
                Some(d) if d < p.depth => Kind::TooShallow,
                Some(d) if d > p.depth => Kind::Deeper,
                Some(_) => continue,
            };
            let entry = p.entry.as_ref().or_else(|| self.known.get(&p.name));
            findings.push(Finding {
                kind,
                privilege: &p.name,
                entity: entry.and_then(|e| e.entity.as_deref()),
                tab: entry.map(|e| e.tab.as_str()),
                have: *have,
                want: Some(p.depth),
            });
        }
        findings.extend(self.extras.findings(&self.known));
        Ok(RoleAudit {
            file: file.to_string(),
            id: current.id,
            name: current.name,
            privileges: current.privileges,
            inherited: current.inherited,
            basic: current.basic,
            findings,
            extra: current.extra,
            raw_extras: self.raw.as_mut().map(std::mem::take).unwrap_or_default(),
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
        crate::model::guid::parse(selector),
        id.and_then(crate::model::guid::parse),
    ) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// A role `R` of a customizations.xml holding `privileges` (name and level), as the roles
/// reader gives it: for the unit tests here and in the command.
#[cfg(test)]
pub(crate) fn test_record(privileges: &[(&str, &str)]) -> crate::part::roles::RoleRecord {
    use crate::part::roles::{PrivilegeRecord, RoleRecord};
    RoleRecord {
        id: Some("{d5dc4257-ecf0-ef11-be21-6045bd005939}".into()),
        name: Some("R".into()),
        inherited: None,
        privileges: privileges
            .iter()
            .map(|(n, l)| PrivilegeRecord {
                name: Some(n.to_string()),
                level: Some(l.to_string()),
                offset: 0,
            })
            .collect(),
        repeats: Vec::new(),
        offset: 0,
        file: RolesFile::Customizations,
    }
}

#[cfg(test)]
mod tests {
    use super::test_record as record;
    use super::*;
    use crate::model::options::RoleOptions;

    #[test]
    fn every_kind_indexes_its_own_count() {
        for (i, kind) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(kind as usize, i, "{kind:?}");
        }
    }

    #[test]
    fn classifies_each_privilege() {
        let c = Catalogue::default_catalogue();
        let (role, _) = crate::model::role::resolve(&c, &RoleOptions::default(), "dvrole").unwrap();
        let all = [c.clone()];
        let mut desired = Desired::new(&role, &all);
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
        let unlisted = desired.audit("f", &record(&pairs), false).unwrap();
        assert_eq!(unlisted.count(Kind::Extra), 1);
        assert_eq!(unlisted.findings.len(), 3);
        let audit = desired.audit("f", &record(&pairs), true).unwrap();
        assert_eq!(audit.count(Kind::Extra), 1);
        let kinds: Vec<(Kind, &str)> = audit
            .findings
            .iter()
            .map(|f| (f.kind, f.privilege))
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
        assert_eq!(mailbox.entity, Some("mailbox"));
        assert_eq!(mailbox.want, Some(Depth::Basic));
    }

    #[test]
    fn extras_are_listed_once_each_at_their_deepest() {
        let c = Catalogue::default_catalogue();
        let (mut desired_role, _) =
            crate::model::role::resolve(&c, &RoleOptions::default(), "dvrole").unwrap();
        desired_role.privileges.clear();
        let mut desired = Desired::new(&desired_role, &[]);
        // The two names share a key (same length, same last eight bytes); the third is the
        // first again in other case, the fourth the first again at a lesser depth.
        let held = [
            ("prvCreatenew_thing", "Basic"),
            ("prvDeletenew_thing", "Local"),
            ("PRVCREATENEW_THING", "Global"),
            ("prvCreatenew_thing", "Local"),
        ];
        assert_eq!(
            name_key("prvCreatenew_thing"),
            name_key("prvDeletenew_thing")
        );
        for _ in 0..2 {
            let audit = desired.audit("f", &record(&held), true).unwrap();
            let extras: Vec<(&str, Option<Depth>)> = audit
                .findings
                .iter()
                .map(|f| (f.privilege, f.have))
                .collect();
            assert_eq!(
                extras,
                vec![
                    ("prvCreatenew_thing", Some(Depth::Global)),
                    ("prvDeletenew_thing", Some(Depth::Local)),
                ]
            );
            assert_eq!(audit.count(Kind::Extra), 2);
        }
        let counted = desired.audit("f", &record(&held), false).unwrap();
        assert_eq!(counted.count(Kind::Extra), 4);
    }

    #[test]
    fn extras_handed_over_come_out_as_extras_listed_here() {
        let c = Catalogue::default_catalogue();
        let (desired_role, _) =
            crate::model::role::resolve(&c, &RoleOptions::default(), "dvrole").unwrap();
        let catalogues: Vec<Catalogue> = Catalogue::builtin_names()
            .map(|name| Catalogue::builtin(name).unwrap())
            .collect();
        // A privilege a catalogue knows that the desired role lacks.
        let known_extra = catalogues
            .iter()
            .flat_map(|c| c.entries())
            .map(|e| e.privilege.clone())
            .find(|p| desired_role.privileges.iter().all(|d| &d.name != p))
            .unwrap();
        let upper = known_extra.to_ascii_uppercase();
        // Desired ones, a known extra in other case and repeated, unknown ones sharing a key.
        let held = [
            ("prvReadContact", "Basic"),
            ("prvcreatenew_thing", "Basic"),
            (upper.as_str(), "Local"),
            ("prvDeletenew_thing", "Local"),
            (known_extra.as_str(), "Global"),
            ("prvCreatenew_thing", "Deep"),
            ("prvWriteContact", "Global"),
        ];
        let mut listed = Desired::new(&desired_role, &catalogues);
        let here = listed.audit("f", &record(&held), true).unwrap();
        let mut handing = Desired::new(&desired_role, &catalogues);
        handing.hand_over_extras();
        for _ in 0..2 {
            let handed = handing.audit("f", &record(&held), true).unwrap();
            assert!(handed.findings.iter().all(|f| f.kind != Kind::Extra));
            let mut extras = Extras::default();
            handed.raw_extras.distinct_into(&mut extras);
            let known = Known::new(&catalogues);
            let mut findings = handed.findings.clone();
            findings.extend(extras.findings(&known));
            assert_eq!(findings, here.findings);
            assert_eq!(extras.len(), here.count(Kind::Extra));
            assert_eq!(extras.len(), 3, "{:?}", here.findings);
        }
    }

    #[test]
    fn too_shallow_and_bad_levels() {
        let c = Catalogue::default_catalogue();
        let o = RoleOptions {
            depth: vec![crate::model::options::Given::flag(
                "--depth",
                "prvReadContact=Deep",
            )],
            ..RoleOptions::default()
        };
        let (role, _) = crate::model::role::resolve(&c, &o, "dvrole").unwrap();
        let mut desired = Desired::new(&role, &[]);
        let audit = desired
            .audit("f", &record(&[("prvReadContact", "Local")]), true)
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
            .audit("f", &record(&[("prvReadContact", "None")]), true)
            .unwrap_err();
        assert!(err.message.contains("not Basic"), "{}", err.message);
        let mut empty = record(&[]);
        empty.file = RolesFile::RoleFile;
        assert!(desired.audit("f", &empty, true).is_err());
    }

    #[test]
    fn every_desired_privilege_in_any_case_matches() {
        let c = Catalogue::default_catalogue();
        let (role, _) = crate::model::role::resolve(&c, &RoleOptions::default(), "dvrole").unwrap();
        let mut desired = Desired::new(&role, &[]);
        let held: Vec<(String, String)> = role
            .privileges
            .iter()
            .map(|p| (p.name.to_ascii_uppercase(), p.depth.to_string()))
            .collect();
        let pairs: Vec<(&str, &str)> = held.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        for list in [true, false] {
            let audit = desired.audit("f", &record(&pairs), list).unwrap();
            assert!(audit.findings.is_empty(), "{:?}", audit.findings);
            assert_eq!(audit.count(Kind::Extra), 0);
        }
        assert_eq!(name_key("prvReadMailbox"), name_key("PRVREADMAILBOX"));
        // Names that share a key are still told apart.
        assert_eq!(name_key("prvCreateContact"), name_key("prvDeleteContact"));
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
