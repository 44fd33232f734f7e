//! Small helpers every layer uses: capped file reading, line numbers, short echoes of long
//! values. This module imports nothing from the crate.

use std::fs;
use std::io::Read;
use std::path::Path;

/// Reads the file at `path`, or `Ok(None)` when it holds more than `max` bytes. At most
/// `max + 1` bytes are read whatever `path` names, so a pipe or a device such as `/dev/zero`
/// cannot exhaust memory. Symbolic links are followed.
pub fn read_capped(path: &Path, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    fs::File::open(path)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max).then_some(bytes))
}

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
    const MAX: usize = 60;
    match name.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &name[..at]),
        None => name.to_string(),
    }
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
