//! What every XML part dvrole writes has in common: the bytes native exports use.
//!
//! Native 9.2 exports write a UTF-8 byte order mark, CRLF line endings and no newline after
//! the root's end tag. Templates are kept with LF endings; [`finish`] turns a rendered
//! template into those bytes, whatever line endings the checkout gave the template, so the
//! output is the same on every machine.

use crate::error::{Error, Result};

pub mod ahead;
mod scan;
pub mod strict;
pub mod walk;

/// The UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Escapes text for XML content and double-quoted attributes as .NET's XmlWriter does in
/// native exports: `&amp;`, `&lt;`, `&gt;`, `&quot;`; `'` stays as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct XmlEscaper;

impl askama::filters::Escaper for XmlEscaper {
    fn write_escaped_str<W: std::fmt::Write>(&self, mut dest: W, string: &str) -> std::fmt::Result {
        let mut last = 0;
        for (i, c) in string.char_indices() {
            let escaped = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                _ => continue,
            };
            dest.write_str(&string[last..i])?;
            dest.write_str(escaped)?;
            last = i + 1;
        }
        dest.write_str(&string[last..])
    }
}

/// Turns a rendered template into the part's bytes: BOM, CRLF, no trailing newline.
pub fn finish(rendered: askama::Result<String>) -> Result<Vec<u8>> {
    let text = rendered.map_err(|e| Error::Internal(format!("template failed: {e}")))?;
    // The last guard for every text dvrole writes (names, descriptions, publisher fields,
    // config values, catalogue text): .NET's reader, and so the import, refuses a document
    // holding a character outside XML 1.0.
    if let Some((at, c)) = crate::text::first_non_xml_char(&text) {
        let mut start = at.saturating_sub(30);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        return Err(Error::Conflict(format!(
            "the XML to write would hold {} (after '{}'), which XML 1.0 does not allow and the import refuses; remove it from the setting or catalogue it comes from",
            crate::text::code_point(c),
            crate::text::short(&text[start..at])
        )));
    }
    let mut out = Vec::with_capacity(text.len() + text.len() / 16 + BOM.len());
    out.extend_from_slice(BOM);
    let body = text.replace('\r', "");
    let mut lines = body.trim_end_matches('\n').split('\n');
    if let Some(first) = lines.next() {
        out.extend_from_slice(first.as_bytes());
    }
    for line in lines {
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(line.as_bytes());
    }
    Ok(out)
}

/// Undoes [`finish`] for comparisons: drops the BOM, turns CRLF into LF and trims the end.
pub fn normalise(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    String::from_utf8_lossy(bytes)
        .replace("\r\n", "\n")
        .trim_end()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaper_writes_entities_native_exports_use() {
        use askama::filters::Escaper;
        let mut out = String::new();
        XmlEscaper.write_escaped_str(&mut out, "a<&\"'>é").unwrap();
        assert_eq!(out, "a&lt;&amp;&quot;'&gt;é");
    }

    #[test]
    fn finish_refuses_characters_outside_xml() {
        let err = finish(Ok("<a b=\"x\u{FFFE}\"/>".to_string())).unwrap_err();
        assert!(err.to_string().contains("U+FFFE"), "{err}");
    }

    #[test]
    fn finish_writes_bom_and_crlf_without_trailing_newline() {
        let out = finish(Ok("<a>\r\n  <b />\n</a>\n".to_string())).unwrap();
        assert_eq!(out, b"\xEF\xBB\xBF<a>\r\n  <b />\r\n</a>");
        assert_eq!(normalise(&out), "<a>\n  <b />\n</a>");
    }
}
