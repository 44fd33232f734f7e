//! Privilege names dvrole knows to be real, and the probable misspellings of them.
//!
//! Real names come from two places: the built-in catalogues, and a list of the privilege
//! names seen in real solution exports (`data/privilege-names.txt`, embedded). A name that
//! is in neither but is a short edit away from one of them, or differs from one only in
//! case, is taken for a typo: commands refuse it with "did you mean" unless the user says it
//! is real (`--accept NAME`, or an environment table that holds it). Real pairs such as
//! `prvReadContact` and `prvReadContract` stay possible that way.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The embedded list: one name per line, `#` comments.
const KNOWN_TEXT: &str = include_str!("../../data/privilege-names.txt");

/// Names longer than this are never compared: no real privilege name is that long, and the
/// comparison costs time in proportion to the length.
const MAX_COMPARED: usize = 120;

struct Known {
    names: Vec<&'static str>,
    exact: HashSet<&'static str>,
    /// Each name with its letter counts, worked out once (see [`histogram`]).
    counted: Vec<(&'static str, [u8; 64])>,
}

fn known() -> &'static Known {
    static KNOWN: OnceLock<Known> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let names: Vec<&'static str> = KNOWN_TEXT
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        let exact = names.iter().copied().collect();
        let counted = names.iter().map(|n| (*n, histogram(n))).collect();
        Known {
            names,
            exact,
            counted,
        }
    })
}

/// The privilege names seen in real exports, in the list's order.
pub fn known_names() -> &'static [&'static str] {
    &known().names
}

/// Whether `name` is, exactly as spelt, a privilege name seen in real exports.
pub fn is_known(name: &str) -> bool {
    known().exact.contains(name)
}

/// How far apart two lower-case names may be and still count as a typo of each other.
fn close_enough(len: usize) -> usize {
    if len >= 12 {
        2
    } else {
        1
    }
}

/// The real name `name` is probably a misspelling of, among `candidates` and the known
/// names; `None` when `name` is itself one of them (exactly as spelt) or near none.
///
/// A name that matches a candidate without regard to case, but not exactly, is a
/// misspelling of it.
pub fn near_miss<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    if is_known(name) || candidates.contains(&name) {
        return None;
    }
    let counted = candidates
        .iter()
        .map(|c| (*c, histogram(c)))
        .chain(known().counted.iter().copied());
    nearest_counted(name, counted)
}

/// The name among `candidates` nearest to `name` within typo distance (a difference in case
/// only is nearest of all); `None` when none is close. Exact matches are not excluded.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    // Only names of about the same length can be close; count the letters of those alone.
    let near_in_length = candidates
        .into_iter()
        .filter(|c| c.len().abs_diff(name.len()) <= 2)
        .map(|c| (c, histogram(c)));
    nearest_counted(name, near_in_length)
}

/// [`nearest`] over candidates whose letter counts are given beside them.
fn nearest_counted<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = (&'a str, [u8; 64])>,
) -> Option<String> {
    if name.len() > MAX_COMPARED {
        return None;
    }
    let wanted = name.to_ascii_lowercase();
    let limit = close_enough(wanted.len());
    let counts = histogram(&wanted);
    let mut best: Option<(usize, &str)> = None;
    for (c, other) in candidates {
        if c.len().abs_diff(wanted.len()) > limit {
            continue;
        }
        // Each edit changes the letter counts by at most two: a cheap test that rules
        // out most candidates before the edit distance is computed.
        let apart: usize = counts
            .iter()
            .zip(other.iter())
            .map(|(a, b)| usize::from(a.abs_diff(*b)))
            .sum();
        if apart > 2 * limit {
            continue;
        }
        let d = if c.eq_ignore_ascii_case(&wanted) {
            0
        } else {
            strsim::osa_distance(&wanted, &c.to_ascii_lowercase())
        };
        if d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// How often each byte occurs in `name`, without regard to ASCII case, in 64 buckets.
fn histogram(name: &str) -> [u8; 64] {
    let mut counts = [0u8; 64];
    for b in name.bytes() {
        let slot = usize::from(b.to_ascii_lowercase() & 63);
        if let Some(c) = counts.get_mut(slot) {
            *c = c.saturating_add(1);
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_the_824_names_seen_in_exports() {
        let names = known_names();
        assert_eq!(names.len(), 824);
        let distinct: HashSet<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        assert_eq!(distinct.len(), 824);
        assert!(names
            .iter()
            .all(|n| crate::model::catalogue::is_privilege_name(n)));
        assert!(is_known("prvReadAccount"));
        assert!(!is_known("prvreadaccount"));
    }

    #[test]
    fn typos_are_caught_and_real_names_are_not() {
        let catalogue = ["prvReadContact", "prvReadMailbox"];
        let miss = |n: &str| near_miss(n, catalogue);
        assert_eq!(miss("prvReadContcat").as_deref(), Some("prvReadContact"));
        assert_eq!(miss("prvReadAcount").as_deref(), Some("prvReadAccount"));
        assert_eq!(miss("prvreadmailbox").as_deref(), Some("prvReadMailbox"));
        // Real names are not misspellings, even one edit from another real name.
        assert_eq!(miss("prvReadContact"), None);
        assert_eq!(miss("prvReadAccount"), None);
        // prvReadContract is real but unknown here: it is one edit from prvReadContact.
        assert_eq!(miss("prvReadContract").as_deref(), Some("prvReadContact"));
        assert_eq!(miss("prvSomethingElseEntirely"), None);
        assert_eq!(miss(&format!("prv{}", "x".repeat(500))), None);
    }
}
