//! Choosing roles from the inputs by `--role NAME|GUID`: of roles read whole (`fix`,
//! `diff`, `init --from`) and of roles streaming by (`audit`, `report`).

use crate::error::{Error, Result};
use crate::model::existing::ExistingRole;
use crate::model::guid;
use crate::ops::audit::role_matches;

/// Whether `selector` names `role` (its name in any case, or its id with or without braces).
pub fn names(selector: &str, role: &ExistingRole) -> bool {
    role_matches(selector, Some(&guid::braced(role.id)), &role.name)
}

/// The roles `selectors` name (every role when there are none), in input order. A
/// selector that names no role is an error listing the roles there are.
pub fn select(roles: Vec<ExistingRole>, selectors: &[String]) -> Result<Vec<ExistingRole>> {
    if selectors.is_empty() {
        return Ok(roles);
    }
    for selector in selectors {
        if !roles.iter().any(|r| names(selector, r)) {
            return Err(unknown(selector, &roles));
        }
    }
    Ok(roles
        .into_iter()
        .filter(|r| selectors.iter().any(|s| names(s, r)))
        .collect())
}

/// `--role` for commands that see roles one at a time as they stream by (`audit`,
/// `report`): which roles pass, which selectors matched one, and the names of some of the
/// roles left out, for the message when a selector matched nothing.
#[derive(Debug, Clone)]
pub struct Streamed<'a> {
    selectors: &'a [String],
    matched: Vec<bool>,
    skipped: Vec<String>,
}

/// How many names of roles left out the message for an unmatched selector lists.
const SKIPPED_NAMED: usize = 20;

impl<'a> Streamed<'a> {
    /// The selection `selectors` make (every role when there are none).
    pub fn new(selectors: &'a [String]) -> Streamed<'a> {
        Streamed {
            selectors,
            matched: vec![false; selectors.len()],
            skipped: Vec::new(),
        }
    }

    /// Whether the role of `id` and `name` passes; notes which selectors it matched, or its
    /// name when none did.
    pub fn admits(&mut self, id: Option<&str>, name: &str) -> bool {
        if self.selectors.is_empty() {
            return true;
        }
        let mut any = false;
        for (selector, hit) in self.selectors.iter().zip(self.matched.iter_mut()) {
            if role_matches(selector, id, name) {
                *hit = true;
                any = true;
            }
        }
        if !any && self.skipped.len() < SKIPPED_NAMED {
            self.skipped.push(name.to_string());
        }
        any
    }

    /// The error for the first selector that matched no role, naming the roles left out.
    pub fn ensure_matched(&self) -> Result<()> {
        let Some(selector) = self
            .selectors
            .iter()
            .zip(&self.matched)
            .find_map(|(s, hit)| (!hit).then_some(s))
        else {
            return Ok(());
        };
        let known = if self.skipped.is_empty() {
            "no other role was found".to_string()
        } else {
            format!("roles found: {}", self.skipped.join(", "))
        };
        Err(Error::invalid(
            "--role",
            selector,
            format!("no role of that name or id in the inputs ({known}); check the name or give the role's id"),
        ))
    }
}

/// The error for a `--role` that names no role among `roles`.
pub fn unknown(selector: &str, roles: &[ExistingRole]) -> Error {
    let mut found: Vec<String> = Vec::new();
    for role in roles {
        let name = format!("'{}'", role.name);
        if !found.contains(&name) {
            found.push(name);
        }
    }
    if found.len() > 20 {
        found.truncate(20);
        found.push("...".into());
    }
    let known = if found.is_empty() {
        "no role was found".to_string()
    } else {
        format!("roles found: {}", found.join(", "))
    };
    Error::invalid(
        "--role",
        selector,
        format!("no role of that name or id in the inputs ({known}); check the name or give the role's id"),
    )
}

/// Keeps each role id once. The same role read twice (a managed and an unmanaged copy, a
/// package and its unpacked tree) is kept once when both copies agree; copies that differ
/// are an error, since there is no telling which one to use.
pub fn distinct(roles: Vec<ExistingRole>) -> Result<Vec<ExistingRole>> {
    let mut kept: Vec<ExistingRole> = Vec::with_capacity(roles.len());
    for role in roles {
        match kept.iter().find(|k| k.id == role.id) {
            None => kept.push(role),
            Some(k)
                if k.name == role.name
                    && k.privileges == role.privileges
                    && k.attributes == role.attributes
                    && k.fields == role.fields => {}
            Some(k) => {
                return Err(Error::Conflict(format!(
                    "role {} is in {} ('{}') and in {} ('{}') with different contents; give one of them",
                    guid::braced(role.id),
                    k.location,
                    k.name,
                    role.location,
                    role.name
                )))
            }
        }
    }
    Ok(kept)
}
