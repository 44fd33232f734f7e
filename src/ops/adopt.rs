//! `dvrole init --from`: a `dvrole.toml` that rebuilds an existing role exactly, so that a
//! hand-made role moves under dvrole. Catalogue privileges are set through `[role.depth]`
//! (and `[role.allow]` where the role holds one at a depth the catalogue does not list),
//! the catalogue privileges the role lacks through `role.exclude`, and the rest through
//! `[role.add]`, over the union of built-in catalogues that covers most of the role.

use std::collections::HashSet;

use crate::error::{Error, Result};
use crate::model::catalogue::Catalogue;
use crate::model::depth::Depth;
use crate::model::existing::ExistingRole;
use crate::model::guid;
use crate::model::role;
use crate::settings::config;

/// The config for one role, and what it holds.
#[derive(Debug, Clone)]
pub struct Adopted {
    /// The TOML text.
    pub text: String,
    /// The built-in catalogues chosen.
    pub catalogues: Vec<String>,
    /// Privileges set through `[role.depth]`.
    pub depths: usize,
    /// Privileges added through `[role.add]`.
    pub added: usize,
    /// Catalogue privileges left out through `role.exclude`.
    pub excluded: usize,
}

/// A TOML string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// A TOML key: bare where it may be, quoted otherwise.
fn key(text: &str) -> String {
    let bare = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        text.to_string()
    } else {
        quoted(text)
    }
}

/// Chooses built-in catalogues, in their order, each one that covers more of the role's
/// privileges not yet covered than it would bring in privileges to exclude; when none
/// does, the default catalogue alone.
fn choose(role: &ExistingRole, builtins: Vec<Catalogue>) -> Vec<Catalogue> {
    let held: HashSet<String> = role
        .privileges
        .iter()
        .map(|p| p.name.to_ascii_lowercase())
        .collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut chosen = Vec::new();
    let mut fallback = None;
    for c in builtins {
        let new: Vec<String> = c
            .entries()
            .iter()
            .map(|e| e.privilege.to_ascii_lowercase())
            .filter(|p| !seen.contains(p))
            .collect();
        let gain = new.iter().filter(|p| held.contains(*p)).count();
        let cost = new.len() - gain;
        if gain > cost {
            seen.extend(new);
            chosen.push(c);
        } else if fallback.is_none() {
            fallback = Some(c);
        }
    }
    if chosen.is_empty() {
        chosen.extend(fallback);
    }
    chosen
}

/// The config that rebuilds `role`, read from `source`. The config is checked before it is
/// returned: resolving it as `generate` would gives exactly the role's privileges and depths.
pub fn adopt(role: &ExistingRole, source: &str) -> Result<Adopted> {
    if role.privileges.is_empty() {
        return Err(Error::Conflict(format!(
            "role '{}' holds no privileges, so there is nothing to rebuild",
            role.name
        )));
    }
    let chosen = choose(role, Catalogue::all_builtin()?);
    let names: Vec<String> = chosen.iter().map(|c| c.name.clone()).collect();
    let union = Catalogue::union(chosen)?;
    let mut depth_lines = Vec::new();
    let mut allow_lines = Vec::new();
    let mut add_lines = Vec::new();
    for p in &role.privileges {
        match union.get(&p.name) {
            Some(entry) => {
                depth_lines.push(format!(
                    "{} = {}",
                    key(&entry.privilege),
                    quoted(p.depth.xml_name())
                ));
                if !entry.allowed.contains(p.depth) {
                    let allowed: Vec<String> = entry
                        .allowed
                        .with(p.depth)
                        .iter()
                        .map(|d: Depth| quoted(d.xml_name()))
                        .collect();
                    allow_lines.push(format!(
                        "{} = [{}]",
                        key(&entry.privilege),
                        allowed.join(", ")
                    ));
                }
            }
            None => add_lines.push(format!("{} = {}", key(&p.name), quoted(p.depth.xml_name()))),
        }
    }
    let excluded: Vec<String> = union
        .entries()
        .iter()
        .filter(|e| role.depth_of(&e.privilege).is_none())
        .map(|e| quoted(&e.privilege))
        .collect();

    let mut text = String::new();
    text.push_str(&format!(
        "# dvrole.toml: rebuilds the role '{}' {} as read from {}.\n",
        role.name.replace(['\n', '\r'], " "),
        guid::braced(role.id),
        source.replace(['\n', '\r'], " ")
    ));
    text.push_str(
        "# `dvrole generate` with this file writes the role with the same id, name and privileges;\n\
         # `dvrole diff` of the original and the result finds nothing. Solution and publisher\n\
         # settings are left at their defaults; add them as `dvrole init` lists them.\n\n",
    );
    let catalogue_list: Vec<String> = names.iter().map(|n| quoted(n)).collect();
    text.push_str(&format!("catalogue = [{}]\n\n", catalogue_list.join(", ")));
    text.push_str("[role]\n");
    text.push_str(&format!("id = {}\n", quoted(&guid::braced(role.id))));
    text.push_str(&format!("name = {}\n", quoted(&role.name)));
    let inheritance = if role.effective_inheritance() == "0" {
        "team"
    } else {
        "direct"
    };
    if crate::settings::Setting::from_key("role.inheritance").is_some() {
        text.push_str(&format!("inheritance = {}\n", quoted(inheritance)));
    } else {
        text.push_str(&format!(
            "# isinherited = {} ({inheritance}) in the original\n",
            role.effective_inheritance()
        ));
    }
    if !excluded.is_empty() {
        text.push_str("exclude = [\n");
        for name in &excluded {
            text.push_str(&format!("    {name},\n"));
        }
        text.push_str("]\n");
    }
    for (header, lines) in [
        ("role.depth", &depth_lines),
        ("role.allow", &allow_lines),
        ("role.add", &add_lines),
    ] {
        if lines.is_empty() {
            continue;
        }
        text.push_str(&format!("\n[{header}]\n"));
        for line in lines {
            text.push_str(line);
            text.push('\n');
        }
    }
    check(role, &text)?;
    Ok(Adopted {
        text,
        catalogues: names,
        depths: depth_lines.len(),
        added: add_lines.len(),
        excluded: excluded.len(),
    })
}

/// Resolves `text` as `generate` would and confirms it gives `role`.
fn check(role: &ExistingRole, text: &str) -> Result<()> {
    let bad =
        |what: String| Error::Internal(format!("the config written for the role is wrong: {what}"));
    let layer = config::Layer::from_toml("dvrole.toml", text.as_bytes())?;
    let resolved = config::resolve(&[layer])?;
    let options = &resolved.options.role;
    let catalogue = crate::settings::catalogues::select(&options.catalogue, &options.allow)?;
    let (built, _) = role::resolve(&catalogue, options, "dvrole")?;
    if built.id != role.id || built.name != role.name {
        return Err(bad("another id or name".into()));
    }
    let same = built.privileges.len() == role.privileges.len()
        && built
            .privileges
            .iter()
            .all(|p| role.depth_of(&p.name) == Some(p.depth));
    if !same {
        return Err(bad("other privileges".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::existing::Held;
    use uuid::Uuid;

    fn role(privileges: &[(&str, Depth)]) -> ExistingRole {
        ExistingRole {
            id: Uuid::from_u128(0x1234),
            name: "Hand \"made\"".into(),
            attributes: vec![("isinherited".into(), "0".into())],
            fields: Vec::new(),
            privileges: ExistingRole::normalise_privileges(
                privileges
                    .iter()
                    .map(|(n, d)| Held {
                        name: n.to_string(),
                        depth: *d,
                    })
                    .collect(),
            ),
            location: String::new(),
            part: String::new(),
        }
    }

    #[test]
    fn a_role_is_rebuilt_through_depth_exclude_allow_and_add() {
        let r = role(&[
            ("prvReadMailbox", Depth::Local),
            ("prvReadUserQuery", Depth::Global),
            ("prvReadAccount", Depth::Deep),
        ]);
        let a = adopt(&r, "in.zip").unwrap();
        assert_eq!(a.catalogues, ["server-side-sync"]);
        assert!(a.text.contains("prvReadMailbox = \"Local\""), "{}", a.text);
        assert!(
            a.text
                .contains("[role.allow]\nprvReadUserQuery = [\"Basic\", \"Global\"]"),
            "{}",
            a.text
        );
        assert!(
            a.text.contains("[role.add]\nprvReadAccount = \"Deep\""),
            "{}",
            a.text
        );
        assert!(a.text.contains("name = 'Hand \"made\"'"), "{}", a.text);
        assert!(a
            .text
            .contains("exclude = [\n    \"prvReadEmailServerProfile\",\n"));
        assert_eq!((a.depths, a.added, a.excluded), (2, 1, 22));
    }

    #[test]
    fn catalogues_that_cover_most_of_the_role_are_chosen() {
        let c = Catalogue::builtin("app-for-outlook").unwrap();
        let privileges: Vec<(&str, Depth)> = c
            .entries()
            .iter()
            .map(|e| (e.privilege.as_str(), e.default))
            .collect();
        let a = adopt(&role(&privileges), "x").unwrap();
        assert!(
            a.catalogues.contains(&"app-for-outlook".to_string()),
            "{:?}",
            a.catalogues
        );
        assert_eq!(a.added, 0);
    }

    #[test]
    fn an_empty_role_is_refused() {
        assert!(adopt(&role(&[]), "x").is_err());
    }
}
