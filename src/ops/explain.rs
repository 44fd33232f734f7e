//! `dvrole explain`: find the privileges an error message is about, and say how to add them.
//!
//! The text is scanned, not parsed: privilege names (`prv...`), privilege ids the catalogues
//! know, a depth the message requires (`Required Depth: Basic`), a depth an import refused
//! (`can't have depth = Basic`) and the PrivilegeDenied error code are picked out wherever
//! they appear, so the surrounding trace or exception text does not matter.

use serde::Serialize;
use uuid::Uuid;

use crate::model::catalogue::{Catalogue, Entry};
use crate::model::depth::{Depth, DepthSet};
use crate::model::guid;

/// The error code of a denied privilege, in hex (`0x80040220` holds it too) and in decimal.
const PRIVILEGE_DENIED: [&str; 2] = ["80040220", "-2147220960"];

/// A privilege the text mentions, with what the text says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The name as written, or as the catalogue spells it when only the id was given.
    pub privilege: String,
    /// The privilege id the text gives for it, if any.
    pub id: Option<Uuid>,
    /// The depth the message says is required.
    pub required: Option<Depth>,
    /// The depth the message says the privilege cannot have.
    pub refused: Option<Depth>,
}

/// Everything dvrole can say about one mentioned privilege.
///
/// Fields are in alphabetical order, the order of their keys in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExplainedPrivilege {
    /// The access right (Read, Write, ...).
    pub access_right: Option<String>,
    /// The depths it allows, where a catalogue knows them.
    pub allowed: Option<DepthSet>,
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
    /// The dvrole command that adds the privilege at that depth.
    pub fix: String,
    /// Whether that catalogue holds the privilege.
    pub in_catalogue: bool,
    /// What the user should know about the depth chosen.
    pub notes: Vec<String>,
    /// The privilege name.
    pub privilege: String,
    /// Its id, from a catalogue or the text; `privilege_id` in JSON, as in `catalogue show`.
    #[serde(rename = "privilege_id")]
    pub id: Option<String>,
    /// The depth the message says it cannot have.
    pub refused_depth: Option<Depth>,
    /// The depth the message requires.
    pub required_depth: Option<Depth>,
    /// The role-editor tab.
    pub tab: Option<String>,
}

/// What a text says.
///
/// Fields are in alphabetical order, the order of their keys in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// `PrivilegeDenied` when the text carries its error code.
    pub error: Option<String>,
    /// Each privilege mentioned, in the order of first mention.
    pub privileges: Vec<ExplainedPrivilege>,
}

/// The catalogues an explanation draws on.
pub struct Catalogues<'a> {
    /// The catalogue the fix refers to.
    pub selected: &'a Catalogue,
    /// Whether the user named it (then the fix names it too).
    pub named: bool,
    /// Every built-in catalogue.
    pub builtin: &'a [Catalogue],
}

/// Explains `text`.
pub fn explain(text: &str, catalogues: &Catalogues<'_>) -> Explanation {
    let error = PRIVILEGE_DENIED
        .iter()
        .any(|code| text.contains(code))
        .then(|| "PrivilegeDenied (0x80040220, -2147220960): the user's roles lack a privilege at the depth needed".to_string());
    let privileges = mentions(text, catalogues)
        .into_iter()
        .map(|m| describe(m, catalogues))
        .collect();
    Explanation { error, privileges }
}

/// The privileges `text` mentions, by name or by an id a catalogue knows, merged per name.
pub fn mentions(text: &str, catalogues: &Catalogues<'_>) -> Vec<Mention> {
    let mut found: Vec<Mention> = Vec::new();
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
            .map(|n| Mention {
                privilege: n.to_string(),
                id: None,
                required,
                refused,
            })
            .collect();
        for (id, privilege_context) in guids(line) {
            let known = all_catalogues(catalogues).find_map(|c| c.by_id(id));
            match known {
                Some(entry) => {
                    let named = line_mentions
                        .iter_mut()
                        .find(|m| m.privilege.eq_ignore_ascii_case(&entry.privilege));
                    match named {
                        Some(m) => m.id = Some(id),
                        None => line_mentions.push(Mention {
                            privilege: entry.privilege.clone(),
                            id: Some(id),
                            required,
                            refused,
                        }),
                    }
                }
                // An id the catalogues do not know, written as a privilege id beside the one
                // privilege named on the line, is that privilege's id.
                None if privilege_context && names.len() == 1 => {
                    if let Some(m) = line_mentions.first_mut() {
                        m.id.get_or_insert(id);
                    }
                }
                None => {}
            }
        }
        for m in line_mentions {
            match found
                .iter_mut()
                .find(|f| f.privilege.eq_ignore_ascii_case(&m.privilege))
            {
                Some(f) => {
                    f.id = f.id.or(m.id);
                    f.required = f.required.or(m.required);
                    f.refused = f.refused.or(m.refused);
                }
                None => found.push(m),
            }
        }
    }
    found
}

fn all_catalogues<'a>(catalogues: &'a Catalogues<'a>) -> impl Iterator<Item = &'a Catalogue> {
    std::iter::once(catalogues.selected).chain(catalogues.builtin.iter())
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
    let name = entry.map_or(m.privilege.clone(), |e| e.privilege.clone());
    let allowed = entry.map(|e| e.allowed);
    let mut notes = Vec::new();
    let mut allow_flag: Option<String> = None;
    let depth = match (m.required, m.refused, entry) {
        (Some(req), _, Some(e)) if !e.allowed.contains(req) => {
            let allowed = e.allowed;
            let used = allowed.nearest(req).unwrap_or(req);
            notes.push(format!(
                "the message requires {req}, which {name} does not allow (it allows {allowed}); {used} is the nearest depth it allows"
            ));
            used
        }
        (Some(req), _, _) => req,
        (None, Some(refused), Some(e)) => {
            let allowed = e.allowed;
            let rest: DepthSet = allowed.iter().filter(|d| *d != refused).collect();
            if allowed.contains(refused) && !rest.is_empty() {
                allow_flag = Some(format!(
                    "--allow {name}={}",
                    rest.iter()
                        .map(Depth::xml_name)
                        .collect::<Vec<_>>()
                        .join(",")
                ));
                notes.push(format!(
                    "the catalogue allows {refused} for {name}, but the environment refused it; --allow records the depths it accepts"
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
                "the import refused {refused}, and dvrole does not know which depths {name} allows; {guess} is a guess, check the privilege's depths in the target environment"
            ));
            guess
        }
        (None, None, Some(e)) => e.default,
        (None, None, None) => {
            notes.push(format!(
                "dvrole does not know which depths {name} allows; Global is a guess, check the privilege's depths in the target environment"
            ));
            Depth::Global
        }
    };
    let mut fix = String::from("dvrole generate");
    if catalogues.named {
        fix.push_str(&format!(" --catalogue {}", selected.name));
    }
    if let Some(flag) = &allow_flag {
        fix.push(' ');
        fix.push_str(flag);
    }
    if in_selected.is_some() {
        fix.push_str(&format!(" --depth {name}={depth}"));
    } else {
        fix.push_str(&format!(" --add {name}={depth}"));
    }
    ExplainedPrivilege {
        id: entry
            .and_then(|e| e.privilege_id)
            .or(m.id)
            .map(|id| id.hyphenated().to_string()),
        entity: entry.and_then(|e| e.entity.clone()),
        entity_display: entry.and_then(|e| e.entity_display.clone()),
        tab: entry.map(|e| e.tab.clone()),
        access_right: entry.and_then(|e| e.access_right.clone()),
        allowed,
        required_depth: m.required,
        refused_depth: m.refused,
        catalogue: selected.name.clone(),
        in_catalogue: in_selected.is_some(),
        builtin_catalogues,
        depth,
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
        assert_eq!(
            e.fix,
            "dvrole generate --depth prvReadEmailServerProfile=Global"
        );
        assert!(e.notes[0].contains("does not allow"), "{:?}", e.notes);
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
