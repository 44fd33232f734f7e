//! The streaming XML walk every reader shares: quick-xml events turned into calls on a
//! [`Visitor`], with element paths, byte offsets for messages, a refused DOCTYPE (entities
//! are never expanded) and fast paths for the attributes roles hold by the thousand.

use std::io::{BufRead, BufReader, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::xml::scan::{word_run, zero_bytes, HI, LO};
use crate::xml::strict;

/// How many levels of the element path are remembered; deeper elements are only counted.
const TRACKED_DEPTH: usize = 8;

/// Turns byte offsets in a stream into (line, column) pairs, both counted from 1.
pub fn positions_in(mut reader: impl Read, offsets: &[u64]) -> Vec<(u64, u64)> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets[i]);
    let mut result = vec![(0, 0); offsets.len()];
    let (mut line, mut line_start, mut pos) = (1u64, 0u64, 0u64);
    let mut buf = [0u8; 64 * 1024];
    let mut next = order.into_iter().peekable();
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) | Err(_) => 0,
            Ok(n) => n,
        };
        for &b in &buf[..n] {
            while let Some(&i) = next.peek() {
                if offsets[i] > pos {
                    break;
                }
                result[i] = (line, pos - line_start + 1);
                next.next();
            }
            if b == b'\n' {
                line += 1;
                line_start = pos + 1;
            }
            pos += 1;
        }
        if n == 0 {
            break;
        }
    }
    for i in next {
        result[i] = (line, pos - line_start + 1);
    }
    result
}

/// A problem found while reading XML, at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlProblem {
    /// Byte offset in the file.
    pub offset: u64,
    /// What is wrong.
    pub message: String,
    /// True when the bytes could not be read at all (I/O, decompression, cap), as opposed
    /// to bytes that are not well-formed XML.
    pub unreadable: bool,
}

impl XmlProblem {
    /// A problem with the document at `offset`.
    pub fn at(offset: u64, message: impl Into<String>) -> XmlProblem {
        XmlProblem {
            offset,
            message: message.into(),
            unreadable: false,
        }
    }
}

/// What a streaming XML walk reports to whoever is interested in it.
pub trait Visitor {
    /// An element opens. `path` holds the names from the root down to this element (only the
    /// first levels are kept), `depth` is its real depth (0 for the root).
    fn open(
        &mut self,
        path: &[String],
        depth: usize,
        element: &BytesStart<'_>,
        offset: u64,
    ) -> Result<(), XmlProblem>;

    /// The element at `depth` closes (also called right after `open` for `<empty/>` ones).
    fn close(&mut self, _depth: usize) -> Result<(), XmlProblem> {
        Ok(())
    }

    /// Character data inside the element at `path`.
    fn text(&mut self, _path: &[String], _depth: usize, _text: &str) {}

    /// How many levels of the element path the visitor needs; deeper names are not kept,
    /// which saves copying them (at most 8).
    fn tracked_depth(&self) -> usize {
        TRACKED_DEPTH
    }

    /// The deepest level the visitor wants to hear about at this point of the walk: elements
    /// deeper than this (and their text) are checked and counted but not reported, so a
    /// visitor that only needs a few levels pays nothing for the bulk of a large document.
    /// Asked before every event, so the horizon may move as the walk goes (deeper inside an
    /// element the visitor cares about).
    fn horizon(&self) -> usize {
        usize::MAX
    }
}

/// The names of the open elements, root first. Popped names keep their allocation, so a
/// walk allocates only while it meets deeper paths or longer names than before.
#[derive(Default)]
struct PathStack {
    slots: Vec<String>,
    len: usize,
}

impl PathStack {
    fn push(&mut self, name: &str) {
        match self.slots.get_mut(self.len) {
            Some(slot) => {
                slot.clear();
                slot.push_str(name);
            }
            None => self.slots.push(name.to_string()),
        }
        self.len += 1;
    }

    fn pop(&mut self) {
        self.len = self.len.saturating_sub(1);
    }

    fn names(&self) -> &[String] {
        self.slots.get(..self.len).unwrap_or(&self.slots)
    }
}

/// Walks a whole XML document, checking that it is well-formed, and reports to `visitor`.
pub fn walk(source: impl Read, visitor: &mut impl Visitor) -> Result<(), XmlProblem> {
    // The strict filter refuses what .NET's reader refuses and cuts overlong text and
    // values, so the parser never buffers more than a bounded amount of either.
    let (source, cuts) = strict::strict(source);
    walk_events(BufReader::with_capacity(64 * 1024, source), &cuts, visitor)
}

/// Like [`walk`], with `source` read and put through the strict filter on a second thread
/// while this one parses (see [`ahead`](crate::xml::ahead)): for large documents, whose
/// reading and parsing then overlap. The result is the same as [`walk`]'s.
pub fn walk_ahead(source: impl Read + Send, visitor: &mut impl Visitor) -> Result<(), XmlProblem> {
    let (source, cuts) = strict::strict(source);
    crate::xml::ahead::read_ahead(source, |filtered| walk_events(filtered, &cuts, visitor))
}

/// Like [`walk_ahead`], the other way round: the parse runs on a second thread while this
/// one reads and does `side`'s work (see [`read_beside`](crate::xml::ahead::read_beside)).
/// The result is the same as [`walk`]'s.
pub fn walk_beside(
    source: impl Read + Send,
    visitor: &mut (impl Visitor + Send),
    side: &mut dyn crate::xml::ahead::SideWork,
) -> Result<(), XmlProblem> {
    let (source, cuts) = strict::strict(source);
    crate::xml::ahead::read_beside(source, side, |filtered| {
        walk_events(filtered, &cuts, visitor)
    })
}

/// The walk itself, over the filtered bytes.
fn walk_events(
    source: impl BufRead,
    cuts: &strict::Cuts,
    visitor: &mut impl Visitor,
) -> Result<(), XmlProblem> {
    let mut reader = Reader::from_reader(source);
    let mut first_event = true;
    let mut buf = Vec::with_capacity(4096);
    let mut path = PathStack::default();
    let mut depth = 0usize;
    let mut seen_root = false;
    let tracked = visitor.tracked_depth().min(TRACKED_DEPTH);
    loop {
        let offset = cuts.original(reader.buffer_position());
        let event = reader.read_event_into(&mut buf);
        if matches!(event, Ok(Event::Decl(_))) && !first_event {
            return Err(XmlProblem::at(
                offset,
                "not well-formed XML: the XML declaration is not at the very start; nothing may come before it, not even whitespace",
            ));
        }
        first_event = false;
        match event {
            Ok(Event::Start(e)) => open_element(
                &mut path,
                (&mut depth, tracked),
                &mut seen_root,
                visitor,
                &e,
                false,
                offset,
            )?,
            Ok(Event::Empty(e)) => open_element(
                &mut path,
                (&mut depth, tracked),
                &mut seen_root,
                visitor,
                &e,
                true,
                offset,
            )?,
            Ok(Event::End(_)) => {
                depth = depth.saturating_sub(1);
                if depth <= visitor.horizon() {
                    visitor.close(depth)?;
                }
                if depth < tracked {
                    path.pop();
                }
            }
            Ok(Event::Text(t)) => {
                if depth == 0 {
                    if !t.trim().is_empty() {
                        return Err(XmlProblem::at(offset, "text outside the root element"));
                    }
                } else if depth - 1 <= visitor.horizon() {
                    visitor.text(path.names(), depth - 1, &t);
                }
            }
            Ok(Event::CData(_)) | Ok(Event::GeneralRef(_)) if depth == 0 => {
                return Err(XmlProblem::at(offset, "content outside the root element"));
            }
            Ok(Event::DocType(_)) => {
                return Err(XmlProblem::at(
                    offset,
                    "has a DOCTYPE declaration; solution files have none, and dvrole never expands the entities one may declare",
                ));
            }
            Ok(Event::Eof) => {
                if depth > 0 {
                    let open = path
                        .names()
                        .get(depth.min(path.len).saturating_sub(1))
                        .cloned()
                        .unwrap_or_default();
                    return Err(XmlProblem::at(
                        offset,
                        format!("ends before <{open}> is closed; the file is truncated"),
                    ));
                }
                if !seen_root {
                    return Err(XmlProblem::at(
                        offset,
                        "holds no XML element (the file is empty or not XML)",
                    ));
                }
                return Ok(());
            }
            Ok(_) => {}
            Err(quick_xml::Error::Io(io)) if strict::strict_error(&io).is_some() => {
                let found = strict::strict_error(&io);
                return Err(XmlProblem::at(
                    found.map_or(0, |f| f.offset),
                    format!(
                        "not well-formed XML: {}",
                        found.map_or("", |f| f.message.as_str())
                    ),
                ));
            }
            Err(e) => {
                let unreadable = matches!(e, quick_xml::Error::Io(_));
                return Err(XmlProblem {
                    offset: cuts.original(reader.error_position()),
                    message: describe(&e),
                    unreadable,
                });
            }
        }
        buf.clear();
    }
}

/// Reports an opening element to the visitor and keeps the path and depth.
fn open_element(
    path: &mut PathStack,
    (depth, tracked): (&mut usize, usize),
    seen_root: &mut bool,
    visitor: &mut impl Visitor,
    e: &BytesStart<'_>,
    empty: bool,
    offset: u64,
) -> Result<(), XmlProblem> {
    if *depth == 0 {
        if *seen_root {
            return Err(XmlProblem::at(
                offset,
                "a second root element; an XML file has exactly one",
            ));
        }
        *seen_root = true;
    }
    if *depth < tracked {
        path.push(e.name().as_ref());
    }
    if *depth <= visitor.horizon() {
        visitor.open(path.names(), *depth, e, offset)?;
        if empty {
            visitor.close(*depth)?;
        }
    }
    if empty {
        if *depth < tracked {
            path.pop();
        }
    } else {
        *depth += 1;
    }
    Ok(())
}

fn describe(e: &quick_xml::Error) -> String {
    match e {
        quick_xml::Error::Io(io) => io.to_string(),
        other => format!("not well-formed XML: {other}"),
    }
}

/// The value of attribute `name` on `element`, with entities and character references resolved.
pub fn attribute(
    element: &BytesStart<'_>,
    name: &str,
    offset: u64,
) -> Result<Option<String>, XmlProblem> {
    for attr in element.attributes() {
        let attr = attr.map_err(|e| XmlProblem::at(offset, format!("malformed attribute: {e}")))?;
        if attr.key.as_ref() == name {
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| XmlProblem::at(offset, format!("attribute {}: {e}", name)))?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

/// Reads two attributes of `element` in one pass into `first.1` and `second.1`, reusing
/// the strings already there, with references resolved and whitespace normalised; an
/// attribute that is absent leaves `None`.
pub(crate) fn attribute_pair(
    element: &BytesStart<'_>,
    first: (&str, &mut Option<String>),
    second: (&str, &mut Option<String>),
    offset: u64,
) -> Result<(), XmlProblem> {
    let (mut got_first, mut got_second) = (false, false);
    for attr in element.attributes() {
        let attr = attr.map_err(|e| XmlProblem::at(offset, format!("malformed attribute: {e}")))?;
        let key = attr.key.as_ref();
        let (slot, got) = if key == first.0 && !got_first {
            (&mut *first.1, &mut got_first)
        } else if key == second.0 && !got_second {
            (&mut *second.1, &mut got_second)
        } else {
            continue;
        };
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| XmlProblem::at(offset, format!("attribute {key}: {e}")))?;
        match slot {
            Some(s) => {
                s.clear();
                s.push_str(&value);
            }
            None => *slot = Some(value.into_owned()),
        }
        *got = true;
    }
    if !got_first {
        *first.1 = None;
    }
    if !got_second {
        *second.1 = None;
    }
    Ok(())
}

/// Where the attribute value that `bytes` starts with ends (its closing double quote), if
/// the value is plain: no reference (`&`), no `<` and no control character (which XML would
/// normalise) before the quote. Eight bytes at a time, as privilege names run to 20-40.
pub(crate) fn value_end(bytes: &[u8]) -> Option<usize> {
    // Bytes below 0x20, and bytes equal to '"', '&' or '<': each term flags its lowest match
    // exactly, so the lowest flag of the union is the first byte that ends the run.
    let flags = |x: u64| {
        (x.wrapping_sub(LO * 0x20) & !x & HI)
            | zero_bytes(x ^ (LO * u64::from(b'"')))
            | zero_bytes(x ^ (LO * u64::from(b'&')))
            | zero_bytes(x ^ (LO * u64::from(b'<')))
    };
    let end = word_run(bytes, flags, |c| !unusual(c, NOT_IN_VALUE | QUOTE));
    (bytes.get(end) == Some(&b'"')).then_some(end)
}

/// Byte classes for the fast path: in a key, anything that is not part of a name ends it;
/// anywhere, a reference (`&`), a `<` or whitespace that XML would normalise ends it; and the
/// double quote delimits values (single quotes are refused in keys, so only double quotes
/// delimit).
const NOT_IN_KEY: u8 = 1;
pub(crate) const NOT_IN_VALUE: u8 = 2;
pub(crate) const QUOTE: u8 = 4;
static UNUSUAL: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b <= b' ' || matches!(b, b'"' | b'\'' | b'/' | b'<' | b'>' | b'=' | b'&') {
            table[c] |= NOT_IN_KEY;
        }
        if b < b' ' || b == b'&' || b == b'<' {
            table[c] |= NOT_IN_VALUE;
        }
        if b == b'"' {
            table[c] |= QUOTE;
        }
        c += 1;
    }
    table
};

/// Whether byte `c` is of the `kind` the fast path refuses.
pub(crate) fn unusual(c: u8, kind: u8) -> bool {
    UNUSUAL[usize::from(c)] & kind != 0
}

/// The fast path of [`attribute_pair`] for the common case: `key="value"` pairs separated by
/// whitespace, each value free of references and of whitespace that XML would normalise,
/// and neither wanted key given twice. Returns `None` for anything else, so the caller
/// takes quick-xml's full path, which resolves what needs resolving and reports what is
/// malformed.
pub(crate) fn plain_attribute_pair<'a>(
    raw: &'a str,
    first: &str,
    second: &str,
) -> Option<(Option<&'a str>, Option<&'a str>)> {
    let bytes = raw.as_bytes();
    let mut quotes = [0usize; 8];
    let mut count = 0;
    // One plain pass (these strings are too short to repay memchr's setup): find the
    // quotes, and give up at a reference or whitespace XML would normalise.
    for (i, &c) in bytes.iter().enumerate() {
        if unusual(c, NOT_IN_VALUE | QUOTE) {
            if c != b'"' {
                return None;
            }
            *quotes.get_mut(count)? = i;
            count += 1;
        }
    }
    if count % 2 != 0 {
        return None;
    }
    let (mut a, mut b) = (None, None);
    let mut start = 0;
    for pair in quotes.get(..count)?.chunks_exact(2) {
        let (open, close) = (*pair.first()?, *pair.get(1)?);
        // ` key=` before the opening quote: whitespace first (except at the very start of
        // the attributes, right after the name), then a bare key, then '='.
        let head = bytes.get(start..open)?;
        let spaces = head.iter().take_while(|c| **c == b' ').count();
        if (start > 0 && spaces == 0) || head.last() != Some(&b'=') {
            return None;
        }
        let key = raw.get(start + spaces..open - 1)?;
        if key.is_empty() || key.bytes().any(|c| unusual(c, NOT_IN_KEY)) {
            return None;
        }
        let value = raw.get(open + 1..close)?;
        start = close + 1;
        let slot = if key == first {
            &mut a
        } else if key == second {
            &mut b
        } else {
            continue;
        };
        if slot.replace(value).is_some() {
            return None;
        }
    }
    if bytes.get(start..)?.iter().any(|c| *c != b' ') {
        return None;
    }
    Some((a, b))
}

/// Whether `path` is exactly these element names.
pub(crate) fn path_is(path: &[String], names: &[&str]) -> bool {
    path.len() == names.len() && path.iter().zip(names).all(|(a, b)| a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes down everything a walk reports, to compare two walks.
    #[derive(Default, Debug, PartialEq)]
    struct Record(Vec<String>);

    impl Visitor for Record {
        fn open(
            &mut self,
            path: &[String],
            depth: usize,
            element: &BytesStart<'_>,
            offset: u64,
        ) -> Result<(), XmlProblem> {
            let attributes: Vec<String> = element
                .attributes()
                .flatten()
                .map(|a| format!("{:?}={:?}", a.key.as_ref(), a.value.as_ref()))
                .collect();
            self.0
                .push(format!("open {path:?} {depth} {offset} {attributes:?}"));
            Ok(())
        }

        fn close(&mut self, depth: usize) -> Result<(), XmlProblem> {
            self.0.push(format!("close {depth}"));
            Ok(())
        }

        fn text(&mut self, path: &[String], depth: usize, text: &str) {
            self.0.push(format!("text {path:?} {depth} {}", text.len()));
        }
    }

    /// What `walk`, `walk_ahead` and `walk_beside` make of `doc`: the same, whatever it
    /// holds.
    fn every_walk(doc: &[u8]) -> (Record, Result<(), XmlProblem>) {
        let mut one = Record::default();
        let walked = walk(doc, &mut one);
        let mut two = Record::default();
        let ahead = walk_ahead(doc, &mut two);
        assert_eq!(one, two, "the two walks reported different events");
        assert_eq!(walked, ahead, "the two walks ended differently");
        let mut three = Record::default();
        let beside = walk_beside(doc, &mut three, &mut crate::xml::ahead::Counting::new(None));
        assert_eq!(one, three, "walking beside reported different events");
        assert_eq!(walked, beside, "walking beside ended differently");
        (one, walked)
    }

    /// A document of `count` elements under a root, each `element`, with `tail` at the end
    /// (before the root closes, or instead of it).
    fn big_doc(element: &str, count: usize, tail: &str) -> Vec<u8> {
        let mut doc = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Root a=\"1\">");
        for i in 0..count {
            doc.push_str(&element.replace('#', &i.to_string()));
        }
        doc.push_str(tail);
        doc.into_bytes()
    }

    #[test]
    fn reading_ahead_walks_as_reading_in_turn_does() {
        let element = "<RolePrivilege name=\"prvRead#\" level=\"Basic\" /><T>text #</T>\r\n";
        let chunks = crate::xml::ahead::CHUNK;
        let count = 3 * chunks / element.len();
        // Well-formed, across several chunks.
        let (record, walked) = every_walk(&big_doc(element, count, "</Root>"));
        assert!(walked.is_ok() && record.0.len() > 3 * count);
        // Each problem past the first chunk, found by the filter or by the parser, or the
        // document cut short; and text cut past the filter's limit, so offsets after it are
        // translated back.
        let long_text = format!(
            "<Long>{}</Long>",
            "x".repeat(strict::MAX_TEXT_BYTES as usize + 10)
        );
        for tail in [
            "<Bad>\u{1}</Bad></Root>",
            "<A></B></Root>",
            "<A b=\"1\" b=\"2\"/></Root>",
            "<Open>",
            &format!("{long_text}<Late>\u{2}</Late></Root>"),
            &format!("{long_text}<X></Y></Root>"),
        ] {
            let (_, walked) = every_walk(&big_doc(element, count, tail));
            let problem = walked.expect_err(tail.get(..20).unwrap_or(tail));
            assert!(problem.offset > chunks as u64, "{problem:?}");
        }
    }

    proptest::proptest! {
        /// The word-at-a-time scan finds what a byte-at-a-time scan finds, wherever the
        /// quote or the unusual byte falls against the 8-byte chunks.
        #[test]
        fn value_end_agrees_with_a_plain_scan(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(b"prvRead\"&<\t\n\x00\x1f\x20\x7f\x80\xff=' ".to_vec()),
                    proptest::num::u8::ANY,
                ],
                0..40,
            )
        ) {
            let plain = bytes
                .iter()
                .position(|&c| unusual(c, NOT_IN_VALUE | QUOTE))
                .filter(|&i| bytes[i] == b'"');
            proptest::prop_assert_eq!(value_end(&bytes), plain);
        }
    }

    #[test]
    fn plain_attributes_take_the_fast_path_and_the_rest_falls_back() {
        let pair = |raw| plain_attribute_pair(raw, "name", "level");
        assert_eq!(
            pair(" name=\"prvA\" level=\"Basic\""),
            Some((Some("prvA"), Some("Basic")))
        );
        assert_eq!(
            pair(" other=\"x\"  name=\"prvA\" "),
            Some((Some("prvA"), None))
        );
        for unusual in [
            " name=\"a&amp;b\"",
            " name=\"a\tb\"",
            " name = \"a\"",
            " name=a",
            " name=\"a\"level=\"b\"",
            " name=\"a\" name=\"b\"",
            " name=\"a",
            " /",
            " name='a'",
            " name=\"a\" x",
        ] {
            assert_eq!(pair(unusual), None, "{unusual:?}");
        }
    }

    #[test]
    fn positions_count_lines_and_columns() {
        let text = b"ab\ncd\n\nefg";
        assert_eq!(
            positions_in(&text[..], &[0, 4, 7, 9, 100]),
            vec![(1, 1), (2, 2), (4, 1), (4, 3), (4, 4)]
        );
    }
}
