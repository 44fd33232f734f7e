//! Small helpers every layer uses: line numbers, short echoes of long values. (Reading a
//! file is [`crate::open`].) This module imports only [`crate::text`], itself a leaf.

/// Appends `item` to `list` unless the list holds it already.
pub fn push_distinct(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|i| i == item) {
        list.push(item.to_string());
    }
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()
        .get(..end)
        .map_or(0, |b| b.iter().filter(|c| **c == b'\n').count())
        + 1
}

/// A name cut to a length that fits in a message.
pub fn short(name: &str) -> String {
    crate::text::short(name)
}

/// The lowercase privilege part of a `PRIVILEGE=...` value (the whole value, trimmed and
/// lowercased, when it holds no `=`): the key privilege settings are matched by.
pub fn privilege_key(value: &str) -> String {
    value
        .split_once('=')
        .map_or(value, |(name, _)| name)
        .trim()
        .to_ascii_lowercase()
}
