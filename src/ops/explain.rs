//! `dvrole explain`: find the privileges an error message is about, and say how to add them.
//!
//! The text is scanned, not parsed: privilege names (`prv...`), privilege ids the catalogues
//! or the environment's table know, a depth the message requires (`Required Depth: Basic`),
//! a depth an import refused (`can't have depth = Basic`), a table and access right an
//! access check names (`ObjectTypeCode: 4120 ... AccessRights: WriteAccess`) and the error
//! codes of the sync errors dvrole knows are picked out wherever they appear, so the
//! surrounding trace or exception text does not matter.
//!
//! A name that is no privilege dvrole knows but close to one is taken for a misspelling of
//! it: the explanation is about the privilege meant, and no fix names the misspelling.

use serde::Serialize;
use uuid::Uuid;

use crate::model::catalogue::{Catalogue, Entry};
use crate::model::depth::{Depth, DepthSet};
use crate::model::environment::PrivilegeTable;
use crate::model::{guid, names};

/// The error code of a denied privilege, in hex (`0x80040220` holds it too) and in decimal.
const PRIVILEGE_DENIED: [&str; 2] = ["80040220", "-2147220960"];

/// The markers of a failed access check on a record (KB 4052824).
const ACCESS_CHECK: [&str; 3] = ["80048306", "-2147187962", "seclib::accesscheckex"];

/// The error code Test & Enable Mailbox shows when the owner lacks sync's privileges.
const USER_PRIVILEGE_ERROR: &str = "userprivilegeerror";

/// What dvrole says of a privilege the default role already holds at the depth needed.
pub const ALREADY_IN_ROLE: &str =
    "already in the role `dvrole generate` builds: import it and assign it to the mailbox owner";

/// A privilege the text mentions, with what the text says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The name as dvrole knows it: as written, as the catalogue or table spells it when
    /// only the id was given, or the name a misspelling probably means.
    pub privilege: String,
    /// The name as the text wrote it, where that is a probable misspelling of `privilege`.
    pub written: Option<String>,
    /// The privilege id the text gives for it, if any.
    pub id: Option<Uuid>,
    /// The depth the message says is required.
    pub required: Option<Depth>,
    /// The depth the message says the privilege cannot have.
    pub refused: Option<Depth>,
    /// The table and access right of a failed access check that named it, e.g. `4120 Write`.
    pub access_check: Option<(u32, String)>,
}

/// Everything dvrole can say about one mentioned privilege.
///
/// Fields are in alphabetical order, the order of their keys in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExplainedPrivilege {
    /// The access right (Read, Write, ...).
    pub access_right: Option<String>,
    /// The depths it allows: the environment's where its table is given, else a catalogue's.
    pub allowed: Option<DepthSet>,
    /// Whether the role `dvrole generate` builds holds it at that depth already.
    pub already_in_role: bool,
    /// Every built-in catalogue that holds it.
    pub builtin_catalogues: Vec<String>,
    /// The catalogue the fix refers to.
    pub catalogue: String,
    /// The depth the fix uses.
    pub depth: Depth,
    /// The table's logical name.
    pub entity: Option<String>,
    /// The table's name in the role editor.
    pub entity_display: Option<String>,
    /// The `dvrole generate` command for this privilege alone.
    pub fix: String,
    /// The `dvrole generate` flags that add it at that depth (none when it is already in
    /// the role, or when the environment lacks it).
    pub flags: Vec<String>,
    /// Whether that catalogue holds the privilege.
    pub in_catalogue: bool,
    /// Whether the environment's table holds it; `None` without a table.
    pub in_environment: Option<bool>,
    /// What the user should know about the depth chosen.
    pub notes: Vec<String>,
    /// The table's object type code, where a catalogue knows it.
    pub object_type_code: Option<u32>,
    /// The privilege name.
    pub privilege: String,
    /// Its id, from a catalogue, the environment's table or the text; `privilege_id` in
    /// JSON, as in `catalogue show`.
    #[serde(rename = "privilege_id")]
    pub id: Option<String>,
    /// The depth the message says it cannot have.
    pub refused_depth: Option<Depth>,
    /// The depth the message requires.
    pub required_depth: Option<Depth>,
    /// The role-editor tab.
    pub tab: Option<String>,
    /// The name as the text wrote it, where that is a probable misspelling.
    pub written: Option<String>,
}

/// What a text says.
///
/// Fields are in alphabetical order, the order of their keys in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// What to do, beyond the fix, for the error the text carries.
    pub advice: Vec<String>,
    /// The error the text carries, where dvrole knows its code: PrivilegeDenied,
    /// Crm.80048306 (a failed access check) or UserPrivilegeError.
    pub error: Option<String>,
    /// One `dvrole generate` command that adds every privilege mentioned; `None` when none
    /// is mentioned.
    pub fix: Option<String>,
    /// Each privilege mentioned, in the order of first mention.
    pub privileges: Vec<ExplainedPrivilege>,
}

/// What an explanation draws on.
pub struct Catalogues<'a> {
    /// The catalogue the fix refers to.
    pub selected: &'a Catalogue,
    /// Whether the user named it (then the fix names it too).
    pub named: bool,
    /// Every built-in catalogue.
    pub builtin: &'a [Catalogue],
    /// The environment's privilege table, when given: names and ids in it are known, and
    /// its depths replace the catalogues'.
    pub table: Option<&'a PrivilegeTable>,
    /// Names the user says are real (`--accept`): never taken for misspellings.
    pub accept: &'a [String],
}

impl Catalogues<'_> {
    fn all(&self) -> impl Iterator<Item = &Catalogue> {
        std::iter::once(self.selected).chain(self.builtin.iter())
    }

    /// The flags every fix carries: the catalogue named, and the environment's table, so
    /// that `generate` builds for the same environment the explanation is about.
    fn context_flags(&self) -> Vec<String> {
        let mut flags = Vec::new();
        if self.named {
            for name in self.selected.name.split(" + ") {
                flags.push(format!("--catalogue {}", shell_word(name)));
            }
        }
        if let Some(t) = self.table {
            for file in t.files() {
                flags.push(format!("--privileges {}", shell_word(file)));
            }
        }
        flags
    }

    /// `--accept NAME` for each name the user accepted that `flags` add.
    fn accept_flags<'f>(&self, flags: impl IntoIterator<Item = &'f String>) -> Vec<String> {
        let added: Vec<&str> = flags
            .into_iter()
            .filter_map(|f| f.strip_prefix("--add "))
            .filter_map(|f| f.split('=').next())
            .collect();
        self.accept
            .iter()
            .filter(|a| added.contains(&a.as_str()))
            .map(|a| format!("--accept {a}"))
            .collect()
    }

    fn entry(&self, name: &str) -> Option<&Entry> {
        self.all().find_map(|c| c.get(name))
    }

    /// The name dvrole knows for `written`, and whether `written` is a probable
    /// misspelling of it. With a table, the table decides; without one, the catalogues and
    /// the names seen in real exports.
    fn known_name(&self, written: &str) -> (String, bool) {
        if self.accept.iter().any(|a| a == written) {
            return (written.to_string(), false);
        }
        if let Some(t) = self.table {
            return match t.get(written) {
                Some(row) => (row.name.clone(), false),
                None => match t.suggest(written) {
                    Some(meant) => (meant, true),
                    None => (written.to_string(), false),
                },
            };
        }
        if let Some(e) = self.entry(written) {
            let exact = e.privilege == written;
            return (e.privilege.clone(), !exact);
        }
        let candidates: Vec<&str> = self
            .all()
            .flat_map(|c| c.entries())
            .map(|e| e.privilege.as_str())
            .collect();
        match names::near_miss(written, candidates) {
            Some(meant) => (meant, true),
            None => (written.to_string(), false),
        }
    }
}

/// Explains `text`.
pub fn explain(text: &str, catalogues: &Catalogues<'_>) -> Explanation {
    let lower = text.to_ascii_lowercase();
    let denied = PRIVILEGE_DENIED.iter().any(|code| text.contains(code));
    let access = ACCESS_CHECK.iter().any(|m| lower.contains(m));
    let user_error = lower.contains(USER_PRIVILEGE_ERROR);
    let error = if user_error {
        Some("UserPrivilegeError (KB 4346733): the mailbox owner lacks the privileges Server-Side Synchronization needs".to_string())
    } else if access {
        Some("Crm.80048306 (SecLib::AccessCheckEx failed, KB 4052824): the user lacks an access right on a table, named by its object type code".to_string())
    } else if denied {
        Some("PrivilegeDenied (0x80040220, -2147220960): the user's roles lack a privilege at the depth needed".to_string())
    } else {
        None
    };
    let mut advice = Vec::new();
    let mut found = mentions(text, catalogues);
    for (code, right) in access_checks(text) {
        let entry = catalogues
            .all()
            .find_map(|c| c.by_object_type(code, &right));
        match entry {
            Some(e) => merge(
                &mut found,
                Mention {
                    privilege: e.privilege.clone(),
                    written: None,
                    id: None,
                    required: None,
                    refused: None,
                    access_check: Some((code, right.clone())),
                },
            ),
            None => advice.push(format!(
                "the access check names table {code} and the {right} access right, a table no catalogue knows; look its name up with GET <org>/api/data/v9.2/EntityDefinitions?$select=LogicalName,ObjectTypeCode&$filter=ObjectTypeCode eq {code}, then add prv{right}<Table> with --add"
            )),
        }
    }
    if user_error {
        advice.push("the mailbox's owner must be the user whose mailbox it is: check the Owner of the mailbox record".to_string());
        advice.push("see what the user's roles lack: dvrole audit <a solution export holding the user's roles> --role <role name>".to_string());
        advice.push("or build the role sync needs and assign it to the user: dvrole generate (add --catalogue server-side-sync --catalogue exchange-sync when the user holds no out-of-box role such as Basic User)".to_string());
    }
    let privileges: Vec<ExplainedPrivilege> =
        found.into_iter().map(|m| describe(m, catalogues)).collect();
    let fix = privileges
        .iter()
        .any(|e| e.in_environment != Some(false))
        .then(|| combined_fix(&privileges, catalogues));
    Explanation {
        error,
        privileges,
        fix,
        advice,
    }
}

/// One `dvrole generate` command with every privilege's flags, each once.
fn combined_fix(privileges: &[ExplainedPrivilege], catalogues: &Catalogues<'_>) -> String {
    let mut parts: Vec<String> = vec!["dvrole generate".to_string()];
    parts.extend(catalogues.context_flags());
    for e in privileges {
        for flag in &e.flags {
            if !parts.contains(flag) {
                parts.push(flag.clone());
            }
        }
    }
    parts.extend(catalogues.accept_flags(privileges.iter().flat_map(|e| &e.flags)));
    parts.join(" ")
}

/// `value` as one shell word: as it is where it is safe, else in single quotes.
fn shell_word(value: &str) -> String {
    if !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=+,@".contains(&b))
    {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', "'\\''"))
    }
}

/// Adds `m` to `found`, or merges it into the mention of the same privilege.
fn merge(found: &mut Vec<Mention>, m: Mention) {
    match found
        .iter_mut()
        .find(|f| f.privilege.eq_ignore_ascii_case(&m.privilege))
    {
        Some(f) => merge_into(f, m),
        None => found.push(m),
    }
}

/// Fills what `f`, a mention of the same privilege, does not say yet from `m`.
fn merge_into(f: &mut Mention, m: Mention) {
    f.id = f.id.or(m.id);
    f.required = f.required.or(m.required);
    f.refused = f.refused.or(m.refused);
    f.written = f.written.take().or(m.written);
    f.access_check = f.access_check.take().or(m.access_check);
}

/// Each `ObjectTypeCode: N` with the `AccessRights: XAccess` after it, in the text's order;
/// the access right without its `Access` ending (`Write`).
fn access_checks(text: &str) -> Vec<(u32, String)> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lower.get(from..).and_then(|r| r.find("objecttypecode")) {
        let start = from + at + "objecttypecode".len();
        from = start;
        let rest = text.get(start..).unwrap_or("");
        let rest = rest.trim_start_matches([':', '=', ' ']);
        let digits: String = rest
            .chars()
            .take_while(char::is_ascii_digit)
            .take(9)
            .collect();
        let Ok(code) = digits.parse::<u32>() else {
            continue;
        };
        let Some(right_at) = lower.get(start..).and_then(|r| r.find("accessrights")) else {
            continue;
        };
        let after = text
            .get(start + right_at + "accessrights".len()..)
            .unwrap_or("")
            .trim_start_matches([':', '=', ' ']);
        let word: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .take(40)
            .collect();
        let right = word.strip_suffix("Access").unwrap_or(&word);
        if !right.is_empty() {
            out.push((code, right.to_string()));
        }
    }
    out
}

/// The privileges `text` mentions, by name or by an id a catalogue or the environment's
/// table knows, merged per name; misspelt names become the names they probably mean.
pub fn mentions(text: &str, catalogues: &Catalogues<'_>) -> Vec<Mention> {
    let mut found: Vec<Mention> = Vec::new();
    // Each mention's place in `found` by lower-case name: a look-up per token, so a text
    // naming tens of thousands of privileges is explained in linear time.
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for line in text.lines() {
        let required = depth_after(line, &["required depth:", "required depth ="]);
        let refused = depth_after(
            line,
            &[
                "can't have depth =",
                "cannot have depth =",
                "can not have depth =",
                "can't have depth",
                "cannot have depth",
            ],
        );
        let names = privilege_names(line);
        let mut line_mentions: Vec<Mention> = names
            .iter()
            .map(|n| {
                let (privilege, misspelt) = catalogues.known_name(n);
                Mention {
                    privilege,
                    written: misspelt.then(|| n.to_string()),
                    id: None,
                    required,
                    refused,
                    access_check: None,
                }
            })
            .collect();
        for (id, privilege_context) in guids(line) {
            let known = catalogues
                .table
                .and_then(|t| t.by_id(id))
                .map(|row| row.name.clone())
                .or_else(|| {
                    catalogues
                        .all()
                        .find_map(|c| c.by_id(id))
                        .map(|e| e.privilege.clone())
                });
            match known {
                Some(privilege) => {
                    let named = line_mentions
                        .iter_mut()
                        .find(|m| m.privilege.eq_ignore_ascii_case(&privilege));
                    match named {
                        Some(m) => m.id = Some(id),
                        None => line_mentions.push(Mention {
                            privilege,
                            written: None,
                            id: Some(id),
                            required,
                            refused,
                            access_check: None,
                        }),
                    }
                }
                // An id nothing knows, written as a privilege id beside the one privilege
                // named on the line, is that privilege's id.
                None if privilege_context && names.len() == 1 => {
                    if let Some(m) = line_mentions.first_mut() {
                        m.id.get_or_insert(id);
                    }
                }
                None => {}
            }
        }
        for m in line_mentions {
            let key = m.privilege.to_ascii_lowercase();
            match index.get(&key).and_then(|&i| found.get_mut(i)) {
                Some(f) => merge_into(f, m),
                None => {
                    index.insert(key, found.len());
                    found.push(m);
                }
            }
        }
    }
    found
}

/// Every `prv...` word in `line`.
fn privilege_names(line: &str) -> Vec<&str> {
    let bytes = line.as_bytes();
    let mut names = Vec::new();
    let mut i = 0;
    while let Some(at) = line.get(i..).and_then(|rest| rest.find("prv")) {
        let start = i + at;
        let word_start = start == 0
            || !bytes
                .get(start - 1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
        let mut end = start + 3;
        while bytes
            .get(end)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            end += 1;
        }
        if let Some(word) = line.get(start..end) {
            if word_start && crate::model::catalogue::is_privilege_name(word) {
                names.push(word);
            }
        }
        i = end;
    }
    names
}

/// Every GUID in `line`, and whether the text just before it says it is a privilege's id
/// (`privilege (Id=`, `PrivilegeId:`, `with id =`).
fn guids(line: &str) -> Vec<(Uuid, bool)> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 36 <= bytes.len() {
        let candidate = line.get(i..i + 36);
        let before_ok = i == 0 || !bytes.get(i - 1).is_some_and(u8::is_ascii_hexdigit);
        let after_ok = !bytes.get(i + 36).is_some_and(u8::is_ascii_hexdigit);
        if let Some(id) = candidate
            .filter(|_| before_ok && after_ok)
            .and_then(guid::parse)
        {
            let context: String = line
                .get(..i)
                .unwrap_or("")
                .chars()
                .rev()
                .take(24)
                .filter(|c| !c.is_whitespace() && *c != '{')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<String>()
                .to_ascii_lowercase();
            let privilege_context = ["privilege(id=", "privilegeid:", "privilegeid=", "withid="]
                .iter()
                .any(|p| context.ends_with(p));
            out.push((id, privilege_context));
            i += 36;
        } else {
            i += 1;
        }
    }
    out
}

/// The depth word right after any of `markers` (matched without regard to case).
fn depth_after(line: &str, markers: &[&str]) -> Option<Depth> {
    let lower = line.to_ascii_lowercase();
    markers.iter().find_map(|marker| {
        let at = lower.find(marker)? + marker.len();
        let rest = line.get(at..)?.trim_start();
        let word: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        word.parse::<Depth>().ok()
    })
}

/// Says what is known about one mention and builds the fix.
fn describe(m: Mention, catalogues: &Catalogues<'_>) -> ExplainedPrivilege {
    let selected = catalogues.selected;
    let in_selected = selected.get(&m.privilege);
    let builtin_catalogues: Vec<String> = catalogues
        .builtin
        .iter()
        .filter(|c| c.get(&m.privilege).is_some())
        .map(|c| c.name.clone())
        .collect();
    let entry: Option<&Entry> =
        in_selected.or_else(|| catalogues.builtin.iter().find_map(|c| c.get(&m.privilege)));
    let row = catalogues.table.and_then(|t| t.get(&m.privilege));
    let in_environment = catalogues.table.map(|_| row.is_some());
    let name = row
        .map(|r| r.name.clone())
        .or_else(|| entry.map(|e| e.privilege.clone()))
        .unwrap_or_else(|| m.privilege.clone());
    let allowed: Option<DepthSet> = row.map(|r| r.allowed).or(entry.map(|e| e.allowed));
    let default: Option<Depth> = match (entry, allowed) {
        (Some(e), Some(a)) => a.nearest(e.default),
        (None, Some(a)) => a.least(),
        _ => None,
    };
    let mut notes = Vec::new();
    if let Some(written) = &m.written {
        let why = match catalogues.table {
            Some(t) => format!("{} lacks it", t.label()),
            None => "it is no privilege dvrole knows".to_string(),
        };
        notes.push(format!(
            "the text says {written}: {why}, so it is probably a misspelling of {name}"
        ));
    }
    if let Some((code, right)) = &m.access_check {
        let table = entry
            .and_then(|e| e.entity.clone())
            .unwrap_or_else(|| code.to_string());
        notes.push(format!(
            "the access check names table {code} ({table}) and the {right} access right: that is {name}"
        ));
    }
    let command = |flags: &[String]| {
        let mut parts = vec!["dvrole generate".to_string()];
        parts.extend(catalogues.context_flags());
        parts.extend(flags.iter().cloned());
        parts.extend(catalogues.accept_flags(flags));
        parts.join(" ")
    };
    let mut allow_flag: Option<String> = None;
    let depth = match (m.required, m.refused, allowed) {
        (Some(req), _, Some(allowed)) if !allowed.contains(req) => {
            let used = allowed.nearest(req).unwrap_or(req);
            notes.push(format!(
                "the message requires {req}, which {name} does not allow (it allows {allowed}); {used} is the nearest depth it allows"
            ));
            used
        }
        (Some(req), _, _) => req,
        (None, Some(refused), Some(allowed)) => {
            let rest: DepthSet = allowed.iter().filter(|d| *d != refused).collect();
            if allowed.contains(refused)
                && !rest.is_empty()
                && in_selected.is_some()
                && catalogues.table.is_none()
            {
                allow_flag = Some(format!(
                    "--allow {name}={}",
                    rest.iter()
                        .map(Depth::xml_name)
                        .collect::<Vec<_>>()
                        .join(",")
                ));
                notes.push(format!(
                    "the catalogue allows {refused} for {name}, but the environment refused it; --allow records the depths it accepts (or pass the environment's privilege table with --privileges)"
                ));
            }
            let used = rest.nearest(refused).unwrap_or(refused);
            notes.push(format!(
                "the import refused {refused}; {used} is the nearest depth {name} allows instead"
            ));
            used
        }
        (None, Some(refused), None) => {
            let guess = if refused == Depth::Global {
                Depth::Basic
            } else {
                Depth::Global
            };
            notes.push(format!(
                "the import refused {refused}, and dvrole does not know which depths {name} allows; {guess} is a guess, check the privilege's depths in the target environment (or pass its privilege table with --privileges)"
            ));
            guess
        }
        (None, None, Some(_)) => default.unwrap_or(Depth::Global),
        (None, None, None) => {
            notes.push(format!(
                "dvrole does not know which depths {name} allows; Global is a guess, check the privilege's depths in the target environment (or pass its privilege table with --privileges)"
            ));
            Depth::Global
        }
    };
    let absent = in_environment == Some(false);
    let already_in_role =
        !absent && in_selected.is_some() && allow_flag.is_none() && Some(depth) == default;
    let mut flags = Vec::new();
    if absent {
        if let Some(t) = catalogues.table {
            notes.push(format!(
                "{} lacks {name}: the environment has no such privilege, so no role can hold it there",
                t.label()
            ));
        }
    } else if already_in_role {
        notes.push(ALREADY_IN_ROLE.to_string());
    } else {
        flags.extend(allow_flag);
        if in_selected.is_some() {
            flags.push(format!("--depth {name}={depth}"));
        } else {
            flags.push(format!("--add {name}={depth}"));
        }
    }
    if entry.is_some_and(|e| e.catalogues.iter().any(|c| c == "exchange-sync"))
        && in_selected.is_none()
    {
        notes.push(format!(
            "the role editor does not show it; a user holding an out-of-box role (such as Basic User) has it, a user whose only role is a custom one does not: --catalogue {} --catalogue exchange-sync adds all four Exchange Sync Id Mapping privileges",
            selected.name.split(" + ").next().unwrap_or(&selected.name)
        ));
    }
    let fix = command(&flags);
    ExplainedPrivilege {
        written: m.written,
        id: row
            .and_then(|r| r.id)
            .or(entry.and_then(|e| e.privilege_id))
            .or(m.id)
            .map(|id| id.hyphenated().to_string()),
        entity: entry.and_then(|e| e.entity.clone()),
        entity_display: entry.and_then(|e| e.entity_display.clone()),
        tab: entry.map(|e| e.tab.clone()),
        access_right: entry.and_then(|e| e.access_right.clone()).or_else(|| {
            row.and_then(|r| r.access_right)
                .and_then(crate::model::environment::access_right_name)
                .map(str::to_string)
        }),
        object_type_code: entry.and_then(|e| e.object_type_code),
        allowed,
        required_depth: m.required,
        refused_depth: m.refused,
        catalogue: selected.name.clone(),
        in_catalogue: in_selected.is_some(),
        in_environment,
        builtin_catalogues,
        depth,
        already_in_role,
        flags,
        fix,
        notes,
        privilege: name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Explanation {
        let c = Catalogue::default_catalogue();
        let builtin = [c.clone()];
        explain(
            text,
            &Catalogues {
                selected: &c,
                named: false,
                builtin: &builtin,
                table: None,
                accept: &[],
            },
        )
    }

    #[test]
    fn names_are_words_starting_with_prv() {
        assert_eq!(
            privilege_names("x prvReadQueue, (prvA_b1) notprvX prv"),
            vec!["prvReadQueue", "prvA_b1"]
        );
    }

    #[test]
    fn depth_words_follow_their_markers() {
        assert_eq!(
            depth_after("..., Required Depth: Basic, ...", &["required depth:"]),
            Some(Depth::Basic)
        );
        assert_eq!(
            depth_after("can't have depth = Global", &["can't have depth ="]),
            Some(Depth::Global)
        );
        assert_eq!(
            depth_after("Required Depth: ???", &["required depth:"]),
            None
        );
    }

    #[test]
    fn a_required_depth_the_privilege_refuses_moves_to_the_nearest() {
        let r = run("PrivilegeName: prvReadEmailServerProfile, Required Depth: Basic");
        let e = &r.privileges[0];
        assert_eq!(e.depth, Depth::Global);
        // Global is what the role holds already: no --depth that changes nothing.
        assert!(e.already_in_role);
        assert_eq!(e.fix, "dvrole generate");
        assert!(e.notes[0].contains("does not allow"), "{:?}", e.notes);
        assert_eq!(e.notes[1], ALREADY_IN_ROLE);
    }

    #[test]
    fn access_checks_pair_each_object_type_with_the_right_after_it() {
        let text = "SecLib::AccessCheckEx failed. ObjectTypeCode: 4120, objectBusinessUnitId: x, AccessRights: WriteAccess
ObjectTypeCode=2 AccessRights=ReadAccess; ObjectTypeCode: none";
        assert_eq!(
            access_checks(text),
            [(4120, "Write".to_string()), (2, "Read".to_string())]
        );
        let r = run("Crm.80048306 ObjectTypeCode: 2, AccessRights: ReadAccess");
        assert!(r.error.unwrap().starts_with("Crm.80048306"));
        assert_eq!(r.privileges[0].privilege, "prvReadContact");
        let r = run("ObjectTypeCode: 77777, AccessRights: ReadAccess");
        assert!(r.privileges.is_empty());
        assert!(r.advice[0].contains("table 77777"), "{:?}", r.advice);
    }

    #[test]
    fn a_misspelt_name_is_explained_as_the_name_it_means() {
        let r = run("missing prvReadContcat and prvReadMailbx, Required Depth: Local");
        let names: Vec<&str> = r.privileges.iter().map(|e| e.privilege.as_str()).collect();
        assert_eq!(names, ["prvReadContact", "prvReadMailbox"]);
        assert_eq!(r.privileges[0].written.as_deref(), Some("prvReadContcat"));
        let fix = r.fix.unwrap();
        assert_eq!(
            fix,
            "dvrole generate --depth prvReadContact=Local --depth prvReadMailbox=Local"
        );
        assert!(!fix.contains("Contcat") && !fix.contains("Mailbx"));
    }

    #[test]
    fn a_privilege_named_once_and_by_id_is_one_mention() {
        let r = run("missing prvReadEmailServerProfile privilege (Id=edebe6f6-cf2e-4520-b635-ae0615d41e34)\nagain prvreademailserverprofile");
        assert_eq!(r.privileges.len(), 1);
        assert!(r.error.is_none());
    }

    #[test]
    fn user_ids_are_not_privileges() {
        let r = run(
            "Principal user (Id=0c3a2d9e-5f7b-4c61-9d0e-2b8f6a1c7e44, type=8) is missing something",
        );
        assert!(r.privileges.is_empty());
    }
}
