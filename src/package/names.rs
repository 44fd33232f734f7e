//! Zip entry names as an attacker writes them.
//!
//! The names are read straight from the zip's central directory ([`central_names`]), so two
//! entries of one name are both seen (a zip library keyed by name keeps only one), and
//! judged as text ([`name_problems`]): nothing here, nor anywhere in dvrole, turns an entry
//! name into a path on disk.

use std::io::{self, Read, Seek, SeekFrom};

use crate::text::{code_point, short};

/// The most central-directory entries read for the name checks.
const MAX_ENTRIES: usize = 1 << 20;
/// The most name bytes kept for the name checks.
const MAX_NAME_BYTES: usize = 16 << 20;

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn u32_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u32::from_le_bytes(
        b.get(at..at + 4)?.try_into().ok()?,
    )))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The raw names of every entry in the zip `r`, in central-directory order, duplicates
/// included; `None` where the central directory cannot be found (the zip reader then says
/// what is wrong). Leaves `r` at its start.
pub fn central_names(r: &mut (impl Read + Seek)) -> Option<Vec<Vec<u8>>> {
    let names = read_names(r).ok().flatten();
    r.seek(SeekFrom::Start(0)).ok()?;
    names
}

fn read_names(r: &mut (impl Read + Seek)) -> io::Result<Option<Vec<Vec<u8>>>> {
    let len = r.seek(SeekFrom::End(0))?;
    let tail_len = len.min(22 + 0xFFFF + 20);
    r.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; tail_len as usize];
    r.read_exact(&mut tail)?;
    let Some(eocd) = tail.windows(4).rposition(|w| w == b"PK\x05\x06") else {
        return Ok(None);
    };
    let (mut count, mut start) = (u16_at(&tail, eocd + 10), u32_at(&tail, eocd + 16));
    if count == Some(0xFFFF) || start == Some(0xFFFF_FFFF) {
        // ZIP64: the locator sits just before the end record and points at the real one.
        let locator = eocd.checked_sub(20);
        let record = match locator.filter(|l| tail.get(*l..*l + 4) == Some(b"PK\x06\x07")) {
            Some(l) => u64_at(&tail, l + 8),
            None => return Ok(None),
        };
        let Some(record) = record else {
            return Ok(None);
        };
        let mut z = [0u8; 56];
        r.seek(SeekFrom::Start(record))?;
        r.read_exact(&mut z)?;
        if &z[..4] != b"PK\x06\x06" {
            return Ok(None);
        }
        count = u64_at(&z, 32);
        start = u64_at(&z, 48);
    }
    let (Some(count), Some(start)) = (count, start) else {
        return Ok(None);
    };
    r.seek(SeekFrom::Start(start))?;
    let mut reader = io::BufReader::new(r);
    let mut names = Vec::new();
    let mut kept = 0usize;
    let mut header = [0u8; 46];
    for _ in 0..count.min(MAX_ENTRIES as u64) {
        if reader.read_exact(&mut header).is_err() || &header[..4] != b"PK\x01\x02" {
            break;
        }
        let (Some(n), Some(extra), Some(comment)) = (
            u16_at(&header, 28),
            u16_at(&header, 30),
            u16_at(&header, 32),
        ) else {
            break;
        };
        let mut name = vec![0u8; n as usize];
        reader.read_exact(&mut name)?;
        io::copy(&mut reader.by_ref().take(extra + comment), &mut io::sink())?;
        kept += name.len();
        if kept > MAX_NAME_BYTES {
            break;
        }
        names.push(name);
    }
    Ok(Some(names))
}

/// What is wrong with each name, as findings: `..` segments, absolute and drive-letter
/// paths, backslashes, control characters (NUL among them), names that are not UTF-8, and
/// names given twice, exactly or ignoring case.
pub fn name_problems(names: &[Vec<u8>]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen: std::collections::HashMap<String, &[u8]> = std::collections::HashMap::new();
    for raw in names {
        let name = String::from_utf8_lossy(raw);
        let shown = short(&name);
        let entry = format!("entry '{shown}'");
        if name.split(['/', '\\']).any(|s| s == "..") {
            problems.push(format!(
                "{entry} climbs out of the package with '..'; an extracting tool could write outside its folder"
            ));
        }
        if name.starts_with('/') || name.starts_with('\\') {
            problems.push(format!(
                "{entry} is an absolute path; entry names are relative"
            ));
        }
        let b = name.as_bytes();
        if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
            problems.push(format!(
                "{entry} names a drive ('{}:'); entry names are relative",
                char::from(b[0])
            ));
        }
        if name.contains('\\') {
            problems.push(format!(
                "{entry} holds a backslash; zip entry names separate folders with '/'"
            ));
        }
        if let Some(c) = name.chars().find(|c| c.is_control()) {
            problems.push(format!(
                "{entry} holds the control character {}",
                code_point(c)
            ));
        }
        if std::str::from_utf8(raw).is_err() {
            problems.push(format!("{entry} is not UTF-8"));
        }
        let key = name.to_lowercase();
        match seen.get(&key) {
            Some(first) if *first == raw.as_slice() => problems.push(format!(
                "{entry} is in the zip twice; which one Dataverse reads cannot be known"
            )),
            Some(first) => problems.push(format!(
                "entries '{}' and '{shown}' differ only in case; Dataverse and Windows see one file",
                short(&String::from_utf8_lossy(first))
            )),
            None => {
                seen.insert(key, raw.as_slice());
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(names: &[&str]) -> Vec<String> {
        let raw: Vec<Vec<u8>> = names.iter().map(|n| n.as_bytes().to_vec()).collect();
        name_problems(&raw)
    }

    #[test]
    fn plain_names_pass() {
        assert!(problems(&[
            "customizations.xml",
            "WebResources/a.js",
            "[Content_Types].xml"
        ])
        .is_empty());
    }

    #[test]
    fn hostile_names_are_findings() {
        for (name, want) in [
            ("../x", "climbs out"),
            ("a/../../x", "climbs out"),
            ("/etc/passwd", "absolute"),
            ("C:/x", "names a drive"),
            ("a\\b", "backslash"),
            ("a\0b", "U+0000"),
            ("a\u{1b}b", "U+001B"),
        ] {
            let p = problems(&[name]);
            assert!(p.iter().any(|m| m.contains(want)), "{name:?}: {p:?}");
            assert!(p.iter().all(|m| !m.contains('\u{1b}') && !m.contains('\0')));
        }
        assert!(problems(&["a", "a"]).iter().any(|m| m.contains("twice")));
        assert!(problems(&["A.xml", "a.xml"])
            .iter()
            .any(|m| m.contains("differ only in case")));
    }

    #[test]
    fn central_names_keep_duplicates() {
        let mut w = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        for n in ["one.xml", "two.xml"] {
            w.start_file(n, zip::write::SimpleFileOptions::default())
                .unwrap();
        }
        let mut bytes = w.finish().unwrap().into_inner();
        // Rename "two" to "one" in both headers.
        for i in 0..bytes.len() - 3 {
            if &bytes[i..i + 3] == b"two" {
                bytes[i..i + 3].copy_from_slice(b"one");
            }
        }
        let names = central_names(&mut io::Cursor::new(bytes)).unwrap();
        assert_eq!(names, [b"one.xml".to_vec(), b"one.xml".to_vec()]);
    }
}
