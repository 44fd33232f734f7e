//! The role file of the source-control layout: `Roles/<role name>.xml`, root `<Role>`, as
//! SolutionPackager and `pac solution unpack` write it.
//!
//! Role names may hold characters that file names cannot; [`file_name`] maps them to a
//! safe, deterministic name.

use askama::Template;

use crate::error::Result;
use crate::model::guid;
use crate::model::role::Role;
use crate::xml;

#[derive(Template)]
#[template(path = "role.xml")]
struct RoleXml<'a> {
    role: &'a Role,
    id: String,
}

/// Renders the role file for `role`: BOM, CRLF, like every part dvrole writes.
pub fn render(role: &Role) -> Result<Vec<u8>> {
    xml::finish(
        RoleXml {
            role,
            id: guid::braced(role.id),
        }
        .render(),
    )
}

/// Names Windows reserves for devices, whatever the extension.
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// The longest file name common file systems take, in bytes.
pub const MAX_FILE_NAME_BYTES: usize = 255;

/// The file name of the role called `name` with the id `id`: [`file_name`], unless that
/// needs more than [`MAX_FILE_NAME_BYTES`] bytes (a 100-character name in CJK needs 300);
/// then the name is cut at a character boundary and `~` and the first eight hex digits of
/// the id are added, so the same role always maps to the same file and two long names that
/// share a prefix do not collide. Readers take every `Roles/*.xml`, so they read it back.
pub fn file_name_for(name: &str, id: uuid::Uuid) -> String {
    let full = file_name(name);
    if full.len() <= MAX_FILE_NAME_BYTES {
        return full;
    }
    let suffix = format!("~{}.xml", &id.simple().to_string()[..8]);
    let stem = full.strip_suffix(".xml").unwrap_or(&full);
    let mut end = MAX_FILE_NAME_BYTES - suffix.len();
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    // A cut can leave a trailing dot or space, which Windows drops.
    let cut = stem[..end].trim_end_matches(['.', ' ']);
    format!("{cut}{suffix}")
}

/// The file name (with `.xml`) of the role called `name`, safe on Windows, macOS and Linux:
/// each of `/ \ : * ? " < > |` and every control character becomes `_`; trailing dots and
/// spaces become `_` (Windows drops them); a Windows device name (`CON`, `NUL`, `COM1`, ...)
/// gets a `_` appended; an empty name becomes `_`. Every other character, spaces and
/// non-ASCII letters included, is kept as it is, so `Server-Side Sync User` is
/// `Server-Side Sync User.xml`.
pub fn file_name(name: &str) -> String {
    let mut safe: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let kept = safe.trim_end_matches(['.', ' ']).len();
    let trailing = safe.len() - kept;
    safe.truncate(kept);
    safe.extend(std::iter::repeat_n('_', trailing));
    if safe.is_empty() {
        safe.push('_');
    }
    let stem = safe.split('.').next().unwrap_or("");
    if RESERVED
        .iter()
        .any(|r| r.eq_ignore_ascii_case(stem.trim_end()))
    {
        safe.push('_');
    }
    format!("{safe}.xml")
}

/// The folder of a SolutionPackager source folder that holds one XML file per role.
pub const SOURCE_ROLES: &str = "Roles";

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ordinary_names_are_kept() {
        assert_eq!(
            file_name("Server-Side Sync User"),
            "Server-Side Sync User.xml"
        );
        assert_eq!(file_name("Rôle über"), "Rôle über.xml");
    }

    #[test]
    fn unsafe_characters_are_replaced() {
        assert_eq!(
            file_name("a/b\\c:d*e?f\"g<h>i|j"),
            "a_b_c_d_e_f_g_h_i_j.xml"
        );
        assert_eq!(file_name("tab\there"), "tab_here.xml");
        assert_eq!(file_name("ends. ."), "ends___.xml");
        assert_eq!(file_name("CON"), "CON_.xml");
        assert_eq!(file_name("com1.backup"), "com1.backup_.xml");
        assert_eq!(file_name(""), "_.xml");
        assert_eq!(file_name("..."), "___.xml");
    }

    #[test]
    fn long_names_are_cut_with_a_stable_suffix() {
        let id = uuid::Uuid::parse_str("0f3a6c1e-5b2d-4e8f-9a7c-1d2e3f4a5b6c").unwrap();
        let long = "漢".repeat(100);
        let f = file_name_for(&long, id);
        assert!(f.len() <= MAX_FILE_NAME_BYTES, "{}", f.len());
        assert!(f.ends_with("~0f3a6c1e.xml"), "{f}");
        assert_eq!(f, file_name_for(&long, id));
        assert_eq!(file_name_for("Short", id), "Short.xml");
    }

    proptest! {
        #[test]
        fn every_name_maps_to_a_safe_stable_file_name(name in "\\PC{0,40}") {
            let f = file_name(&name);
            prop_assert_eq!(&f, &file_name(&name));
            let stem = f.strip_suffix(".xml").unwrap();
            prop_assert!(!stem.is_empty());
            prop_assert!(!stem.ends_with('.') && !stem.ends_with(' '));
            prop_assert!(!f.chars().any(|c| c.is_control() || "/\\:*?\"<>|".contains(c)));
        }
    }
}
