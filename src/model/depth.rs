//! Privilege depths (access levels) and the sets of depths a privilege allows.
//!
//! Dataverse speaks of a privilege's depth in two vocabularies: the XML and the API say
//! `Basic`, `Local`, `Deep` and `Global`; the role editor says User, Business Unit,
//! Parent: Child Business Units and Organization. [`Depth`] parses both and always
//! writes the XML names.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How far a privilege reaches, from the user's own records to the whole organization.
///
/// The order is Basic < Local < Deep < Global.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Depth {
    /// The user's own records (role editor: User).
    Basic,
    /// Records in the user's business unit (role editor: Business Unit).
    Local,
    /// The user's business unit and its children (role editor: Parent: Child Business Units).
    Deep,
    /// Every record in the organization (role editor: Organization).
    Global,
}

impl Depth {
    /// All four depths, least first.
    pub const ALL: [Depth; 4] = [Depth::Basic, Depth::Local, Depth::Deep, Depth::Global];

    /// The name the solution XML uses (`level="..."`).
    pub fn xml_name(self) -> &'static str {
        match self {
            Depth::Basic => "Basic",
            Depth::Local => "Local",
            Depth::Deep => "Deep",
            Depth::Global => "Global",
        }
    }

    /// The name the role editor shows.
    pub fn editor_name(self) -> &'static str {
        match self {
            Depth::Basic => "User",
            Depth::Local => "Business Unit",
            Depth::Deep => "Parent: Child Business Units",
            Depth::Global => "Organization",
        }
    }

    /// Parses a `level` attribute exactly as the XML writes it (case-sensitive).
    pub fn from_xml(level: &str) -> Option<Depth> {
        // A match rather than a search: audit parses one level per privilege it reads.
        match level {
            "Basic" => Some(Depth::Basic),
            "Local" => Some(Depth::Local),
            "Deep" => Some(Depth::Deep),
            "Global" => Some(Depth::Global),
            _ => None,
        }
    }

    fn index(self) -> u8 {
        self as u8
    }
}

impl fmt::Display for Depth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.xml_name())
    }
}

/// A depth as a user writes it: one of the four depths, or `None` to leave the privilege out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepthChoice {
    /// Grant the privilege at this depth.
    Depth(Depth),
    /// Leave the privilege out of the role.
    None,
}

/// The error for a depth word that is in neither vocabulary, or for `None` where a depth
/// must be granted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseDepthError {
    /// A word that is no depth; where `None` is accepted too, `none_allowed` says so.
    #[error("'{value}' is not a depth; use Basic/User, Local/BusinessUnit, Deep/ParentChild{}", if *.none_allowed { ", Global/Organization or None" } else { " or Global/Organization" })]
    Unknown {
        /// The word as written.
        value: String,
        /// Whether `None` (leave the privilege out) is accepted where it was written.
        none_allowed: bool,
    },
    /// `None` where a depth must be given (a default depth, the depths a privilege allows).
    #[error("'{0}' leaves a privilege out, which is not possible here; use Basic/User, Local/BusinessUnit, Deep/ParentChild or Global/Organization")]
    NoneNotAllowed(String),
}

impl FromStr for DepthChoice {
    type Err = ParseDepthError;

    /// Accepts both vocabularies in any case; spaces, `-`, `_` and `:` are ignored, so
    /// `Parent: Child Business Units` and `business-unit` are understood too.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_' | ':'))
            .flat_map(char::to_lowercase)
            .collect();
        let depth = match key.as_str() {
            "basic" | "user" => Depth::Basic,
            "local" | "businessunit" => Depth::Local,
            "deep" | "parentchild" | "parentchildbusinessunits" => Depth::Deep,
            "global" | "organization" | "organisation" => Depth::Global,
            "none" => return Ok(DepthChoice::None),
            _ => {
                return Err(ParseDepthError::Unknown {
                    value: s.to_string(),
                    none_allowed: true,
                })
            }
        };
        Ok(DepthChoice::Depth(depth))
    }
}

impl FromStr for Depth {
    type Err = ParseDepthError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.parse::<DepthChoice>() {
            Ok(DepthChoice::Depth(d)) => Ok(d),
            Ok(DepthChoice::None) => Err(ParseDepthError::NoneNotAllowed(s.to_string())),
            Err(ParseDepthError::Unknown { value, .. }) => Err(ParseDepthError::Unknown {
                value,
                none_allowed: false,
            }),
            Err(e) => Err(e),
        }
    }
}

impl Serialize for Depth {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.xml_name())
    }
}

impl<'de> Deserialize<'de> for Depth {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A set of depths, such as the depths one privilege allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DepthSet(u8);

impl DepthSet {
    /// The set holding no depth.
    pub const EMPTY: DepthSet = DepthSet(0);

    /// The set holding all four depths.
    pub const ALL: DepthSet = DepthSet(0b1111);

    /// The set holding exactly `depth`.
    pub fn only(depth: Depth) -> DepthSet {
        DepthSet(1 << depth.index())
    }

    /// Whether `depth` is in the set.
    pub fn contains(self, depth: Depth) -> bool {
        self.0 & (1 << depth.index()) != 0
    }

    /// The set with `depth` added.
    pub fn with(self, depth: Depth) -> DepthSet {
        DepthSet(self.0 | (1 << depth.index()))
    }

    /// The depths both sets hold.
    pub fn intersect(self, other: DepthSet) -> DepthSet {
        DepthSet(self.0 & other.0)
    }

    /// Whether the set holds no depth.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The depths in the set, least first.
    pub fn iter(self) -> impl Iterator<Item = Depth> {
        Depth::ALL.into_iter().filter(move |d| self.contains(*d))
    }

    /// The least depth in the set.
    pub fn least(self) -> Option<Depth> {
        self.iter().next()
    }

    /// The depth in the set nearest to `wanted`: `wanted` itself when the set holds it,
    /// otherwise the closest one, the lesser on a tie (least privilege).
    pub fn nearest(self, wanted: Depth) -> Option<Depth> {
        self.iter()
            .min_by_key(|d| ((d.index() as i8 - wanted.index() as i8).abs(), d.index()))
    }
}

impl FromIterator<Depth> for DepthSet {
    fn from_iter<I: IntoIterator<Item = Depth>>(iter: I) -> Self {
        iter.into_iter().fold(DepthSet::EMPTY, DepthSet::with)
    }
}

impl fmt::Display for DepthSet {
    /// Writes the depths least first, joined by `/`, e.g. `Local/Deep/Global`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Depth::xml_name).collect();
        if names.is_empty() {
            f.write_str("(none)")
        } else {
            f.write_str(&names.join("/"))
        }
    }
}

impl Serialize for DepthSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_vocabularies_parse_in_any_case() {
        let cases = [
            ("Basic", Depth::Basic),
            ("user", Depth::Basic),
            ("LOCAL", Depth::Local),
            ("BusinessUnit", Depth::Local),
            ("business unit", Depth::Local),
            ("deep", Depth::Deep),
            ("ParentChild", Depth::Deep),
            ("Parent: Child Business Units", Depth::Deep),
            ("Global", Depth::Global),
            ("organization", Depth::Global),
        ];
        for (text, depth) in cases {
            assert_eq!(
                text.parse::<DepthChoice>(),
                Ok(DepthChoice::Depth(depth)),
                "{text}"
            );
        }
        assert_eq!("None".parse::<DepthChoice>(), Ok(DepthChoice::None));
        assert!("Everything".parse::<DepthChoice>().is_err());
        assert!("none".parse::<Depth>().is_err());
    }

    #[test]
    fn the_error_offers_none_only_where_none_is_taken() {
        let choice = "Most".parse::<DepthChoice>().unwrap_err().to_string();
        assert!(choice.ends_with("Global/Organization or None"), "{choice}");
        let depth = "Most".parse::<Depth>().unwrap_err().to_string();
        assert!(
            depth.ends_with("Deep/ParentChild or Global/Organization"),
            "{depth}"
        );
        let none = "None".parse::<Depth>().unwrap_err().to_string();
        assert!(!none.contains("or None"), "{none}");
        assert!(none.starts_with("'None' leaves a privilege out"), "{none}");
    }

    #[test]
    fn xml_names_round_trip_and_are_case_sensitive() {
        for d in Depth::ALL {
            assert_eq!(Depth::from_xml(d.xml_name()), Some(d));
        }
        assert_eq!(Depth::from_xml("global"), None);
        assert_eq!(Depth::from_xml("None"), None);
    }

    #[test]
    fn nearest_prefers_exact_then_closest_then_lesser() {
        let global = DepthSet::only(Depth::Global);
        assert_eq!(global.nearest(Depth::Basic), Some(Depth::Global));
        let ldg: DepthSet = [Depth::Local, Depth::Deep, Depth::Global]
            .into_iter()
            .collect();
        assert_eq!(ldg.nearest(Depth::Basic), Some(Depth::Local));
        assert_eq!(ldg.nearest(Depth::Deep), Some(Depth::Deep));
        let gap: DepthSet = [Depth::Local, Depth::Global].into_iter().collect();
        assert_eq!(gap.nearest(Depth::Deep), Some(Depth::Local));
        assert_eq!(DepthSet::EMPTY.nearest(Depth::Deep), None);
        assert_eq!(ldg.to_string(), "Local/Deep/Global");
    }
}
