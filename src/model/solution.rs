//! The solution manifest (`solution.xml`): the solution's identity, its publisher and the
//! root components it declares.

use std::fmt;

use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::options::{Given, SolutionOptions};

/// Default unique name of the solution.
pub const DEFAULT_SOLUTION_NAME: &str = "ServerSideSyncRole";
/// Default display name of the solution.
pub const DEFAULT_SOLUTION_DISPLAY_NAME: &str = "Server-Side Sync Role";
/// Default description of the solution.
pub const DEFAULT_DESCRIPTION: &str =
    "Security role with the privileges Server-Side Synchronization needs (KB 4015092), built by dvrole.";
/// Default solution version.
pub const DEFAULT_VERSION: &str = "1.0.0.0";
/// Default publisher unique name.
pub const DEFAULT_PUBLISHER_NAME: &str = "dvrole";
/// Default customization prefix.
pub const DEFAULT_PUBLISHER_PREFIX: &str = "dvrole";
/// Default option value prefix.
pub const DEFAULT_OPTION_VALUE_PREFIX: u32 = 27182;
/// Default language (LCID 1033, English).
pub const DEFAULT_LANGUAGE: u32 = 1033;

/// Component type of a security role in `<RootComponent type="...">`.
pub const ROLE_COMPONENT_TYPE: u32 = 20;

/// A solution version: two to four numeric parts, `major.minor[.build[.revision]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version(Vec<u32>);

impl Version {
    /// Parses `1.0`, `1.0.0` or `1.0.0.0`; each part a whole number up to 2147483647.
    pub fn parse(given: &Given) -> Result<Version> {
        let bad = || {
            Error::invalid(
                &given.origin,
                &given.value,
                "a version has 2 to 4 parts of digits separated by '.', e.g. 1.0.0.0",
            )
        };
        let parts: Vec<&str> = given.value.split('.').collect();
        if !(2..=4).contains(&parts.len()) {
            return Err(bad());
        }
        let mut numbers = Vec::with_capacity(parts.len());
        for part in parts {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            // Digits only by now, so a failed parse means a number too large.
            let n = part.parse::<u32>().unwrap_or(u32::MAX);
            if n > i32::MAX as u32 {
                return Err(Error::invalid(
                    &given.origin,
                    &given.value,
                    "a version part is too large: each part is a whole number up to 2147483647",
                ));
            }
            numbers.push(n);
        }
        Ok(Version(numbers))
    }

    /// The parts joined by `_`, as package file names write them (`1_0_0_0`).
    pub fn file_suffix(&self) -> String {
        let parts: Vec<String> = self.0.iter().map(u32::to_string).collect();
        parts.join("_")
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

/// The publisher a solution names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publisher {
    /// Unique name (`[A-Za-z_][A-Za-z0-9_]*`).
    pub unique_name: String,
    /// Display name.
    pub display_name: String,
    /// Customization prefix: 2 to 8 letters or digits, starting with a letter, not `mscrm...`.
    pub prefix: String,
    /// Option value prefix, 10000 to 99999.
    pub option_value_prefix: u32,
}

/// The solution manifest: what `solution.xml` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolutionManifest {
    /// The solution's unique name.
    pub unique_name: String,
    /// The solution's display name.
    pub display_name: String,
    /// The description; empty writes `<Descriptions />`.
    pub description: String,
    /// The version.
    pub version: Version,
    /// Managed (`1`) or unmanaged (`0`).
    pub managed: bool,
    /// The language code (LCID) of names and descriptions.
    pub language: u32,
    /// The publisher.
    pub publisher: Publisher,
    /// Ids of the roles the solution declares as root components (type 20).
    pub role_ids: Vec<Uuid>,
}

/// Checks a unique name: a letter or `_`, then letters, digits or `_`.
fn unique_name(given: Option<&Given>, default: &str, max: usize) -> Result<String> {
    let Some(given) = given else {
        return Ok(default.to_string());
    };
    let v = &given.value;
    let mut chars = v.chars();
    let shape_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !shape_ok {
        return Err(Error::invalid(
            &given.origin,
            v,
            "a unique name starts with a letter or '_' and holds only letters, digits and '_'",
        ));
    }
    if v.len() > max {
        return Err(Error::invalid(
            &given.origin,
            v,
            format!("a unique name is at most {max} characters"),
        ));
    }
    Ok(v.clone())
}

/// Checks free text (names, descriptions): no control characters and nothing else XML 1.0
/// does not allow (U+FFFE, U+FFFF), at most `max` UTF-16 code units (the unit of
/// Dataverse's `nvarchar` columns, so an emoji counts two).
pub fn text(given: Option<&Given>, default: &str, max: usize, allow_empty: bool) -> Result<String> {
    let Some(given) = given else {
        return Ok(default.to_string());
    };
    let v = &given.value;
    if !allow_empty && v.trim().is_empty() {
        return Err(Error::invalid(&given.origin, v, "must not be empty"));
    }
    let units = crate::text::utf16_len(v);
    if units > max {
        return Err(Error::invalid(
            &given.origin,
            v,
            format!(
                "must be at most {max} characters as Dataverse counts them (UTF-16 code units); this is {units}"
            ),
        ));
    }
    if let Some(c) = v
        .chars()
        .find(|c| c.is_control() || !crate::text::is_xml_char(*c))
    {
        return Err(Error::invalid(
            &given.origin,
            &v.escape_debug().to_string(),
            format!(
                "holds the control character U+{:04X}; use printable text only",
                c as u32
            ),
        ));
    }
    Ok(v.clone())
}

fn number(
    given: Option<&Given>,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
    what: &str,
) -> Result<u32> {
    let Some(given) = given else {
        return Ok(default);
    };
    match given.value.trim().parse::<u32>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(Error::invalid(
            &given.origin,
            &given.value,
            format!(
                "{what} must be a whole number from {} to {}",
                range.start(),
                range.end()
            ),
        )),
    }
}

fn prefix(given: Option<&Given>) -> Result<String> {
    let Some(given) = given else {
        return Ok(DEFAULT_PUBLISHER_PREFIX.to_string());
    };
    let v = &given.value;
    let shape_ok = (2..=8).contains(&v.len())
        && v.bytes().all(|b| b.is_ascii_alphanumeric())
        && v.as_bytes()[0].is_ascii_alphabetic();
    if !shape_ok {
        return Err(Error::invalid(
            &given.origin,
            v,
            "a publisher prefix is 2 to 8 letters or digits and starts with a letter",
        ));
    }
    if v.to_ascii_lowercase().starts_with("mscrm") {
        return Err(Error::invalid(
            &given.origin,
            v,
            "a publisher prefix may not start with 'mscrm' (reserved by Microsoft)",
        ));
    }
    Ok(v.clone())
}

impl SolutionManifest {
    /// Checks the solution settings and fills in defaults. `role_ids` are the roles to declare.
    pub fn from_options(o: &SolutionOptions, role_ids: Vec<Uuid>) -> Result<SolutionManifest> {
        let version = match &o.solution_version {
            Some(given) => Version::parse(given)?,
            None => Version::parse(&Given::flag("the default version", DEFAULT_VERSION))?,
        };
        let publisher_name = Self::publisher_unique_name(o)?;
        Ok(SolutionManifest {
            unique_name: unique_name(o.solution_name.as_ref(), DEFAULT_SOLUTION_NAME, 65)?,
            display_name: text(
                o.solution_display_name.as_ref(),
                DEFAULT_SOLUTION_DISPLAY_NAME,
                256,
                false,
            )?,
            description: text(o.description.as_ref(), DEFAULT_DESCRIPTION, 2000, true)?,
            version,
            managed: o.managed,
            language: number(
                o.language.as_ref(),
                DEFAULT_LANGUAGE,
                1..=65535,
                "a language code (LCID)",
            )?,
            publisher: Publisher {
                // Without a display name of its own, the publisher shows its unique name in
                // the Solutions list (`dvrole` by default).
                display_name: text(
                    o.publisher_display_name.as_ref(),
                    &publisher_name,
                    256,
                    false,
                )?,
                unique_name: publisher_name,
                prefix: prefix(o.publisher_prefix.as_ref())?,
                option_value_prefix: number(
                    o.option_value_prefix.as_ref(),
                    DEFAULT_OPTION_VALUE_PREFIX,
                    10000..=99999,
                    "an option value prefix",
                )?,
            },
            role_ids,
        })
    }

    /// The publisher's unique name from the settings (checked), or the default.
    pub fn publisher_unique_name(o: &SolutionOptions) -> Result<String> {
        unique_name(o.publisher_name.as_ref(), DEFAULT_PUBLISHER_NAME, 256)
    }

    /// The package file name pac would give it: `Name_1_0_0_0.zip`, `Name_1_0_0_0_managed.zip`.
    pub fn file_name(&self) -> String {
        let managed = if self.managed { "_managed" } else { "" };
        format!(
            "{}_{}{managed}.zip",
            self.unique_name,
            self.version.file_suffix()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given(v: &str) -> Given {
        Given::flag("--x", v)
    }

    #[test]
    fn versions_have_two_to_four_numeric_parts() {
        for ok in ["1.0", "1.0.0", "1.0.0.0", "2026.11.25.1", "01.2"] {
            assert!(Version::parse(&given(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "1",
            "1.0.0.0.0",
            "1..0",
            "a.b",
            "1.0-beta",
            "",
            "1.-1",
            "1.4294967296",
            "1.2147483648",
        ] {
            assert!(Version::parse(&given(bad)).is_err(), "{bad}");
        }
        assert_eq!(Version::parse(&given("01.2")).unwrap().to_string(), "1.2");
    }

    #[test]
    fn prefixes_follow_dataverse_rules() {
        for ok in ["ab", "dvrole", "a1234567", "Contoso"] {
            assert!(prefix(Some(&given(ok))).is_ok(), "{ok}");
        }
        for bad in ["a", "abcdefghi", "1abc", "ab_c", "mscrmx", "MSCRM", "é1"] {
            assert!(prefix(Some(&given(bad))).is_err(), "{bad}");
        }
    }

    #[test]
    fn both_differs_from_unmanaged_only_in_managed_2() {
        let m = SolutionManifest::from_options(&SolutionOptions::default(), vec![]).unwrap();
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        let unmanaged = text(m.render().unwrap());
        let both = text(m.render_both().unwrap());
        assert_eq!(both.matches("<Managed>2</Managed>").count(), 1, "{both}");
        assert_eq!(
            both,
            unmanaged.replace("<Managed>0</Managed>", "<Managed>2</Managed>")
        );
        let managed = SolutionManifest {
            managed: true,
            ..m.clone()
        };
        assert_eq!(text(managed.render_both().unwrap()), both);
    }

    #[test]
    fn file_name_follows_pac() {
        let mut m = SolutionManifest::from_options(&SolutionOptions::default(), vec![]).unwrap();
        assert_eq!(m.file_name(), "ServerSideSyncRole_1_0_0_0.zip");
        m.managed = true;
        assert_eq!(m.file_name(), "ServerSideSyncRole_1_0_0_0_managed.zip");
    }
}
