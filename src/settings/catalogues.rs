//! The `catalogue` setting: built-in names and catalogue files of the user's own, read
//! from disk and merged into the one catalogue a role is built from.

use std::collections::HashSet;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::catalogue::{
    entry_label_at, is_builtin_name, reads_as_path, Catalogue, MAX_CATALOGUE_BYTES,
    MAX_CATALOGUE_ENTRIES,
};
use crate::model::names;
use crate::model::options::Given;
use crate::open::{self, Accept, OpenError};
use crate::util::{line_of, privilege_key};

/// Whether a `--catalogue` value names a file rather than a built-in catalogue: it
/// reads as a path (holds a `/` or ends in `.toml`), or it is no built-in name but an existing file.
pub fn is_path(value: &str) -> bool {
    reads_as_path(value) || (!is_builtin_name(value) && Path::new(value).is_file())
}

/// Reads and checks a catalogue file of the user's own.
///
/// Every error names the file and, where it is about a place in the file, the line
/// (`file:line`) and the entry.
pub fn load(path: &Path) -> Result<Catalogue> {
    let origin = path.display().to_string();
    let fail = |message: String| Error::Catalogue {
        origin: origin.clone(),
        message,
    };
    let metadata = std::fs::metadata(path).map_err(|e| {
        fail(format!(
            "cannot read it ({e}); give the path of a TOML catalogue file or a built-in name ({})",
            Catalogue::builtin_names().collect::<Vec<_>>().join(", ")
        ))
    })?;
    if metadata.is_dir() {
        return Err(fail(
            "is a folder, not a file; give the path of a TOML catalogue file".to_string(),
        ));
    }
    let bytes =
        open::read_capped(path, MAX_CATALOGUE_BYTES, Accept::Streams).map_err(|e| match e {
            OpenError::TooLarge(_) => fail(format!(
                "is larger than {} KiB; a catalogue is a short TOML file (list the privileges the role needs, or split it into several --catalogue files)",
                MAX_CATALOGUE_BYTES >> 10
            )),
            other => fail(format!("cannot read it: it {other}")),
        })?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.valid_up_to();
            let valid = String::from_utf8_lossy(bytes.get(..at).unwrap_or_default());
            return Err(Error::Catalogue {
                origin: format!("{origin}:{}", line_of(&valid, at)),
                message: format!(
                    "{}the file is not UTF-8 text (byte {at}); save it as UTF-8",
                    entry_label_at(&valid, at)
                ),
            });
        }
    };
    Catalogue::parse(text, &origin)
}

/// The catalogue the settings select, with the depth overrides in `allow` applied.
///
/// `selection` empty means the default catalogue; otherwise each value is a built-in name or
/// the path of a catalogue file (see [`is_path`]) and the result is their union (see
/// [`Catalogue::union_except`]). Each `allow` value is `PRIVILEGE=DEPTH[,DEPTH...]` and
/// replaces the depths that privilege allows (for an environment that refuses, or accepts,
/// other depths); its default moves to the allowed depth nearest the catalogue's.
pub fn select(selection: &[Given], allow: &[Given]) -> Result<Catalogue> {
    select_with(selection, allow, &|_| false)
}

/// [`select`], refusing a catalogue file whose entry is a probable misspelling of a privilege
/// dvrole knows (see [`crate::model::names`]) unless `is_real` says the name is real (an
/// environment table holds it, or `--accept` names it).
pub fn select_with(
    selection: &[Given],
    allow: &[Given],
    is_real: &dyn Fn(&str) -> bool,
) -> Result<Catalogue> {
    let mut catalogue = if selection.is_empty() {
        Catalogue::default_catalogue()
    } else {
        let mut parts = Vec::with_capacity(selection.len());
        let mut entries = 0;
        for given in selection {
            let part = open_given(given)?;
            entries += part.entries().len();
            if entries > MAX_CATALOGUE_ENTRIES {
                return Err(Error::Catalogue {
                    origin: part.origin().to_string(),
                    message: format!(
                        "with it, the catalogues given hold more than {MAX_CATALOGUE_ENTRIES} privileges together; name fewer, or the ones the role needs"
                    ),
                });
            }
            parts.push(part);
        }
        check_file_names(selection, &parts, is_real)?;
        let replaced: HashSet<String> = allow
            .iter()
            .filter(|g| g.value.contains('='))
            .map(|g| privilege_key(&g.value))
            .collect();
        Catalogue::union_except(parts, &replaced)?
    };
    for given in allow {
        catalogue.apply_allow(given)?;
    }
    Ok(catalogue)
}

/// Refuses an entry of a catalogue file that is a probable misspelling of a built-in or
/// known privilege name.
fn check_file_names(
    selection: &[Given],
    parts: &[Catalogue],
    is_real: &dyn Fn(&str) -> bool,
) -> Result<()> {
    let files: Vec<&Catalogue> = selection
        .iter()
        .zip(parts)
        .filter(|(g, _)| is_path(g.value.trim()))
        .map(|(_, c)| c)
        .collect();
    if files.is_empty() {
        return Ok(());
    }
    let builtin = Catalogue::all_builtin()?;
    let candidates: Vec<&str> = builtin
        .iter()
        .flat_map(|c| c.entries())
        .map(|e| e.privilege.as_str())
        .collect();
    for file in files {
        for (index, entry) in file.entries().iter().enumerate() {
            let name = entry.privilege.as_str();
            if is_real(name) {
                continue;
            }
            if let Some(meant) = names::near_miss(name, candidates.iter().copied()) {
                return Err(Error::Catalogue {
                    origin: file.origin().to_string(),
                    message: format!(
                        "entry {} ({name}): not a privilege dvrole knows, and probably a misspelling (did you mean '{meant}'?); if {name} is real, pass --accept {name}, or the environment's privilege table with --privileges FILE",
                        index + 1
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Opens the catalogue one `--catalogue` value names.
fn open_given(given: &Given) -> Result<Catalogue> {
    let value = given.value.trim();
    if is_path(value) {
        return load(Path::new(value));
    }
    Catalogue::builtin(value).map_err(|_| {
        let known: Vec<&str> = Catalogue::builtin_names().collect();
        let hint = suggest_builtin(value, &known)
            .map(|s| format!(" (did you mean '{s}'?)"))
            .unwrap_or_default();
        Error::invalid(
            &given.origin,
            &given.value,
            format!(
                "no such built-in catalogue and no such file{hint}; built-ins: {}; write a file path with a '/' or a .toml ending",
                known.join(", ")
            ),
        )
    })
}

/// The built-in name a mistyped or shortened catalogue name most likely means: one a few
/// edits away, or one holding every word of it (`server-sync` in `server-side-sync`).
fn suggest_builtin<'a>(value: &str, known: &[&'a str]) -> Option<&'a str> {
    let wanted = value.to_ascii_lowercase();
    if wanted.is_empty() || wanted.len() > 64 {
        return None;
    }
    let words: Vec<&str> = wanted
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    known
        .iter()
        .filter_map(|name| {
            let distance = strsim::damerau_levenshtein(&wanted, name);
            let holds_words = !words.is_empty()
                && words
                    .iter()
                    .all(|w| name.split('-').any(|part| part.starts_with(w)));
            (distance <= 2.max(name.len() / 4) || holds_words).then_some((distance, *name))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistyped_or_shortened_builtin_name_gets_a_suggestion() {
        let known: Vec<&str> = Catalogue::builtin_names().collect();
        let cases = [
            ("server-sync", Some("server-side-sync")),
            ("server-side-snyc", Some("server-side-sync")),
            ("Server-Side-Sync", Some("server-side-sync")),
            ("app-outlook", Some("app-for-outlook")),
            ("app-for-outlook-view", Some("app-for-outlook-views")),
            ("contoso", None),
            ("", None),
        ];
        for (value, want) in cases {
            assert_eq!(suggest_builtin(value, &known), want, "{value}");
        }
    }

    use crate::model::depth::Depth;

    #[test]
    fn paths_and_names_are_told_apart() {
        assert!(!is_path("server-side-sync"));
        assert!(!is_path("app-for-outlook"));
        assert!(is_path("./server-side-sync"));
        assert!(is_path("mine.toml"));
        assert!(is_path("MINE.TOML"));
        assert!(is_path("dir/mine"));
        assert!(!is_path("no-such-catalogue-or-file"));
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
    fn the_same_catalogue_twice_is_itself() {
        let sel = [
            Given::flag("--catalogue", "server-side-sync"),
            Given::flag("--catalogue", "server-side-sync"),
        ];
        let c = select(&sel, &[]).unwrap();
        assert_eq!(c.name, "server-side-sync");
        assert_eq!(c.entries(), Catalogue::default_catalogue().entries());
    }
}
