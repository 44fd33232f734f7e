//! A byte filter in front of the XML parser that holds XML to what .NET's reader (and so
//! the import) accepts, and bounds what the parser has to buffer.
//!
//! [`Strict`] passes the bytes of a document through unchanged while it checks, in one pass
//! and constant memory:
//!
//! - every character is an XML 1.0 `Char`: no C0 control but tab, line feed and carriage
//!   return, no U+FFFE or U+FFFF, written literally or as a character reference (`&#27;`);
//! - every attribute is `name="value"` (or `'value'`): no quote or `<` in a name, no name
//!   without a value, no value without quotes; attributes are separated by whitespace
//!   (`a="1"b="2"` is refused), no attribute is given twice on one element, and every
//!   namespace prefix on an element or attribute is bound by an `xmlns:prefix` in scope;
//! - a tag is at most [`MAX_TAG_BYTES`] long.
//!
//! And it bounds memory: a run of character data longer than [`MAX_TEXT_BYTES`] and an
//! attribute value longer than [`MAX_VALUE_BYTES`] are cut (the rest is checked, then
//! dropped), so the parser never holds more than that of either. Offsets after a cut are
//! translated back to the original bytes with [`Cuts::original`].
//!
//! What the filter finds is returned as an [`io::Error`] holding a [`StrictError`], after the
//! bytes before the problem, so the parser reports any earlier problem first.
//!
//! The checks are a state machine stepped byte by byte; fast paths take what it would take
//! without a change of state in bulk (from text, a run of character data and the whole plain
//! tag after it; in a tag, a plain attribute), and leave everything else to it, so the byte
//! states alone decide what is refused and where.

use std::fmt;
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::xml::scan::{word_run, zero_bytes, HI, LO};

/// The most bytes of one run of character data passed on; the rest is checked and dropped.
pub const MAX_TEXT_BYTES: u64 = 1 << 20;
/// The most bytes of one attribute value passed on; the rest is checked and dropped.
pub const MAX_VALUE_BYTES: u64 = 64 << 10;
/// The most bytes of a tag, with its values already cut: more is refused.
pub const MAX_TAG_BYTES: u64 = 4 << 20;
/// How many attributes of one element are checked for duplicates.
const MAX_CHECKED_ATTRIBUTES: usize = 256;
/// The longest name kept for the duplicate and prefix checks.
const MAX_KEPT_NAME: usize = 256;

/// A problem the filter found, at a byte offset in the original document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrictError {
    /// Byte offset in the original document.
    pub offset: u64,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for StrictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for StrictError {}

/// The [`StrictError`] inside `e`, if the filter made it.
pub fn strict_error(e: &io::Error) -> Option<&StrictError> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<StrictError>())
}

/// Where bytes were dropped: (offset in the filtered stream, bytes dropped up to there).
///
/// Shared between the filter and the parser, which may run on different threads (see
/// [`crate::xml::ahead`]): a cut is recorded before the bytes after it are passed on, so the
/// parser, which sees those bytes later, always finds it.
#[derive(Debug, Clone, Default)]
pub struct Cuts(Arc<CutList>);

#[derive(Debug, Default)]
struct CutList {
    /// Set once the first cut is recorded.
    any: AtomicBool,
    cuts: Mutex<Vec<(u64, u64)>>,
}

impl Cuts {
    /// The offset in the original document of `filtered`, an offset the parser saw.
    #[inline]
    pub fn original(&self, filtered: u64) -> u64 {
        if !self.any() {
            return filtered;
        }
        self.after_cuts(filtered)
    }

    /// [`Cuts::original`] once any bytes were dropped: the parser asks for every event's
    /// offset, and most documents have no cuts.
    #[cold]
    fn after_cuts(&self, filtered: u64) -> u64 {
        let cuts = self.0.cuts.lock().unwrap_or_else(PoisonError::into_inner);
        let i = cuts.partition_point(|(at, _)| *at <= filtered);
        match i.checked_sub(1).and_then(|i| cuts.get(i)) {
            Some((_, dropped)) => filtered + dropped,
            None => filtered,
        }
    }

    /// Whether any bytes were dropped (checked without taking the lock, so
    /// [`Cuts::original`] costs nothing on a document with no cuts).
    #[inline]
    pub fn any(&self) -> bool {
        self.0.any.load(Ordering::Acquire)
    }

    /// Records that `dropped` bytes in all were dropped before filtered offset `at`.
    fn push(&self, at: u64, dropped: u64) {
        self.0
            .cuts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((at, dropped));
        self.0.any.store(true, Ordering::Release);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    /// Just after `<`.
    Lt,
    /// `<!`, then how many bytes of `--` or `[CDATA[` matched.
    Bang(u8),
    Comment,
    CData,
    Pi,
    /// Another `<!...>` declaration: up to `>`.
    Decl,
    EndTag,
    TagName,
    InTag,
    AttrName,
    AfterName,
    AfterEq,
    Value(u8),
    AfterValue,
    /// `/` in a tag: `>` must follow.
    Slash,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reference {
    None,
    Amp,
    Hash,
    Decimal(u32, u8),
    Hex(u32, u8),
}

/// The filter; see the module documentation.
pub struct Strict<R> {
    inner: R,
    state: State,
    /// Matched bytes of the end of a comment (`-->`), CDATA (`]]>`) or PI (`?>`).
    closing: u8,
    reference: Reference,
    /// The last two bytes, for U+FFFE and U+FFFF (`EF BF BE`, `EF BF BF`).
    last: [u8; 2],
    /// Offset in the original of the next byte read from `inner`.
    pos: u64,
    /// Offset in the filtered stream of the next byte passed on.
    out: u64,
    dropped: u64,
    run: u64,
    /// Whether the rest of the current run is being dropped.
    cutting: bool,
    tag_start: u64,
    tag_dropped: u64,
    name: Vec<u8>,
    /// The element's name and its attributes' names, NUL-separated.
    attributes: Vec<u8>,
    attribute_count: usize,
    /// The element name of the open tag.
    element: Vec<u8>,
    /// Namespace prefixes declared, with the depth of the element that declared each.
    prefixes: Vec<(usize, Vec<u8>)>,
    depth: usize,
    cuts: Cuts,
    pending: Option<io::Error>,
}

/// `inner` behind the strict filter, and the record of its cuts.
pub fn strict<R: Read>(inner: R) -> (Strict<R>, Cuts) {
    let cuts = Cuts::default();
    (
        Strict {
            inner,
            state: State::Text,
            closing: 0,
            reference: Reference::None,
            last: [0; 2],
            pos: 0,
            out: 0,
            dropped: 0,
            run: 0,
            cutting: false,
            tag_start: 0,
            tag_dropped: 0,
            name: Vec::new(),
            attributes: Vec::new(),
            attribute_count: 0,
            element: Vec::new(),
            prefixes: Vec::new(),
            depth: 0,
            cuts: cuts.clone(),
            pending: None,
        },
        cuts,
    )
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn is_name_byte(b: u8) -> bool {
    !(is_space(b) || matches!(b, b'=' | b'>' | b'/' | b'"' | b'\'' | b'<' | b'?' | b'!'))
}

/// What a tag holding an attribute name without `=` and a value is told.
const NO_VALUE: &str = "an attribute without a value; XML writes name=\"value\"";

/// Byte `b` as a message shows it: `"` or `'`, in the other quotes.
fn quoted(b: u8) -> String {
    match b {
        b'\'' => "\"'\"".to_string(),
        _ => format!("'{}'", char::from(b)),
    }
}

/// The message for a byte that cannot start an attribute name where one should start.
fn stray(b: u8) -> String {
    format!(
        "{} in a tag where an attribute name should start; XML writes name=\"value\"",
        quoted(b)
    )
}

fn char_name(c: u32) -> String {
    format!("U+{c:04X}")
}

fn allowed(c: u32) -> bool {
    char::from_u32(c).is_some_and(crate::text::is_xml_char)
}

/// Bytes that, in text or a value, change nothing but the count: not a control character
/// (but tab, line feed and carriage return), not `<` or `&`, and not a byte of U+FFFE /
/// U+FFFF (`EF BF BE`, `EF BF BF`).
static PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    table[b'\t' as usize] = true;
    table[b'\n' as usize] = true;
    table[b'\r' as usize] = true;
    let mut c = 0x20;
    while c < 256 {
        table[c] = !matches!(c as u8, b'<' | b'&' | 0xEF | 0xBE | 0xBF);
        c += 1;
    }
    table
};

/// Bytes that continue a name without changing the state: [`is_name_byte`], minus the
/// bytes the character check must see one by one.
static NAME: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0x21;
    while c < 256 {
        table[c] = !matches!(
            c as u8,
            b'=' | b'>' | b'/' | b'"' | b'\'' | b'<' | b'?' | b'!' | b'&' | 0xEF | 0xBE | 0xBF
        );
        c += 1;
    }
    table
};

/// Whether byte `b` continues a run of plain character data ended by quote `q` (0 for
/// text, `>` for the bytes of an end tag before its `>`).
fn plain(b: u8, q: u8) -> bool {
    PLAIN[usize::from(b)] && b != q
}

/// The length of the run of plain bytes at the start of `bytes` (see [`PLAIN`]) that does
/// not hold `q`: the same as counting with [`plain`] byte by byte, but eight bytes at a
/// time while they are printable ASCII, which most of a solution file is.
fn plain_run(bytes: &[u8], q: u8) -> usize {
    // A byte of 0x80 or more (mostly plain, so the scan goes on after it), a byte under 0x20
    // (exact while no high bit is set), or `<`, `&` or `q`. Each term flags its lowest match
    // exactly: a borrow only runs upwards from a match.
    let flags = |x: u64| {
        (x & HI)
            | (x.wrapping_sub(LO * 0x20) & !x & HI)
            | zero_bytes(x ^ (LO * u64::from(b'<')))
            | zero_bytes(x ^ (LO * u64::from(b'&')))
            | zero_bytes(x ^ (LO * u64::from(q)))
    };
    word_run(bytes, flags, |b| plain(b, q))
}

/// The shape of a plain attribute at the start of `bytes`: `name="value"` with no space
/// around `=`, a value of plain bytes under [`MAX_VALUE_BYTES`], closed in `bytes`. Gives the
/// name's length, the quote, the value's length and whether whitespace follows the quote.
fn plain_attribute(bytes: &[u8]) -> Option<(usize, u8, usize, bool)> {
    let name = bytes.iter().take_while(|&&b| NAME[usize::from(b)]).count();
    if name == 0 || bytes.get(name) != Some(&b'=') {
        return None;
    }
    let q = *bytes.get(name + 1).filter(|&&q| q == b'"' || q == b'\'')?;
    let start = name + 2;
    let cap = usize::try_from(MAX_VALUE_BYTES).unwrap_or(usize::MAX);
    let rest = bytes.get(start..)?;
    let value = plain_run(rest.get(..cap).unwrap_or(rest), q);
    if rest.get(value) != Some(&q) {
        return None;
    }
    let space = rest.get(value + 1).is_some_and(|&b| is_space(b));
    Some((name, q, value, space))
}

/// What a tag at the start of `bytes` (at a `<` in text) starts as, when it is plain: `<name`
/// and whitespace (the name's length and `false`), or a whole end tag `</name>` with only
/// plain bytes (the tag's length and `true`).
fn plain_tag(bytes: &[u8]) -> Option<(usize, bool)> {
    let rest = bytes.strip_prefix(b"<")?;
    if let Some(end) = rest.strip_prefix(b"/") {
        let name = plain_run(end, b'>');
        return (end.get(name) == Some(&b'>')).then_some((name + 3, true));
    }
    let name = rest.iter().take_while(|&&b| NAME[usize::from(b)]).count();
    (name > 0 && rest.get(name).is_some_and(|&b| is_space(b))).then_some((name, false))
}

/// Whitespace between attributes.
static SPACE: [bool; 256] = {
    let mut table = [false; 256];
    table[b' ' as usize] = true;
    table[b'\t' as usize] = true;
    table[b'\n' as usize] = true;
    table[b'\r' as usize] = true;
    table
};

/// [`NAME`] without `:`: a name with a prefix needs the namespace checks of the byte states.
static LOCAL_NAME: [bool; 256] = {
    let mut table = NAME;
    table[b':' as usize] = false;
    table
};

/// The length of the name without a prefix at the start of `bytes` (see [`LOCAL_NAME`]):
/// the same as counting with the table byte by byte, but eight bytes at a time while none of
/// them could end the name, which is every byte of most names.
fn local_name(bytes: &[u8]) -> usize {
    // Each byte that may end a name: 0x80 or more, under `0` (whitespace, controls, `!"&'/`
    // and a few that do not end one), and `:` to `?`; each term exact at its lowest flag.
    let flags = |x: u64| {
        (x & HI)
            | (x.wrapping_sub(LO * 0x30) & !x & HI)
            | (x.wrapping_add(LO * 0x46) & !x.wrapping_add(LO * 0x40) & HI)
    };
    word_run(bytes, flags, |b| LOCAL_NAME[usize::from(b)])
}

/// The length of the character data at the start of `bytes` that the byte states would
/// pass without a change of state: plain bytes (see [`plain_run`]) and entity references
/// (`&amp;`: a `&` and a letter, which ends the reference check), up to `q`.
#[inline]
fn data_run(bytes: &[u8], q: u8) -> usize {
    let mut i = 0;
    loop {
        i += plain_run(bytes.get(i..).unwrap_or_default(), q);
        match bytes.get(i..i + 2) {
            Some([b'&', letter]) if letter.is_ascii_alphabetic() => i += 2,
            _ => return i,
        }
    }
}

/// The most attributes of a tag the fast path takes; a tag with more goes byte by byte.
const FAST_ATTRIBUTES: usize = 16;

/// A whole plain start tag at the start of `bytes` (at its `<`): a name and attributes
/// without prefixes, each `name="value"` after whitespace with a value [`data_run`] takes,
/// no attribute given twice, closed by `>` or `/>` within `bytes`. Gives the tag's length
/// and whether it is empty (`/>`); `None` for anything else, which the byte states take.
fn plain_start_tag(bytes: &[u8]) -> Option<(usize, bool)> {
    let name = local_name(bytes.get(1..)?);
    if name == 0 || name > MAX_KEPT_NAME {
        return None;
    }
    let mut i = 1 + name;
    // Where each attribute's name starts, and its length (both under the buffer's size).
    let mut names = [(0u32, 0u32); FAST_ATTRIBUTES];
    let mut count = 0;
    loop {
        let spaced = bytes
            .get(i..)?
            .iter()
            .take_while(|&&b| SPACE[usize::from(b)])
            .count();
        i += spaced;
        match *bytes.get(i)? {
            b'>' => return Some((i + 1, false)),
            b'/' => return (*bytes.get(i + 1)? == b'>').then_some((i + 2, true)),
            _ if spaced == 0 => return None,
            _ => {}
        }
        let name = local_name(bytes.get(i..)?);
        if name == 0 || name > MAX_KEPT_NAME || *bytes.get(i + name)? != b'=' {
            return None;
        }
        let q = *bytes.get(i + name + 1)?;
        if q != b'"' && q != b'\'' {
            return None;
        }
        let start = i + name + 2;
        let value = data_run(bytes.get(start..)?, q);
        if *bytes.get(start + value)? != q || value as u64 > MAX_VALUE_BYTES {
            return None;
        }
        let this = bytes.get(i..i + name)?;
        let given = names.get(..count)?.iter().any(|&(at, len)| {
            len as usize == name && bytes.get(at as usize..at as usize + name) == Some(this)
        });
        if given {
            return None;
        }
        *names.get_mut(count)? = (u32::try_from(i).ok()?, u32::try_from(name).ok()?);
        count += 1;
        i = start + value + 1;
    }
}

/// What happens to one byte.
enum Step {
    Keep,
    Drop,
    Fail(String),
}

impl<R: Read> Strict<R> {
    /// Passes the `k` bytes read at `out[*i..]` on at `out[*kept..]` unchanged, and moves past
    /// them (see [`Strict::skip`]): what every fast path does with what it has checked.
    #[inline]
    fn pass_on(&mut self, out: &mut [u8], kept: &mut usize, i: &mut usize, k: usize) {
        let from = *i;
        // The last two bytes are kept before a move can overwrite them.
        self.skip(out, i, k);
        // The bytes are checked where they were read; they move only once some before them
        // have been dropped.
        if *kept != from {
            out.copy_within(from..from + k, *kept);
        }
        *kept += k;
        self.out += k as u64;
    }

    /// Moves past the `k` (at least one) bytes at `read[*i..]`: counts them in the original
    /// document and keeps the last two for the checks that look back.
    #[inline]
    fn skip(&mut self, read: &[u8], i: &mut usize, k: usize) {
        *i += k;
        self.pos += k as u64;
        self.last = [
            if k >= 2 { read[*i - 2] } else { self.last[1] },
            read[*i - 1],
        ];
    }

    fn fail(&self, offset: u64, message: String) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, StrictError { offset, message })
    }

    /// Checks the character data byte `b` (in text or a value) for references.
    fn reference(&mut self, b: u8) -> Result<(), String> {
        self.reference = match (self.reference, b) {
            (_, b'&') => Reference::Amp,
            (Reference::Amp, b'#') => Reference::Hash,
            (Reference::Hash, b'x') => Reference::Hex(0, 0),
            (Reference::Hash, b'0'..=b'9') => Reference::Decimal(u32::from(b - b'0'), 1),
            (Reference::Decimal(v, n), b'0'..=b'9') if n < 8 => {
                Reference::Decimal(v * 10 + u32::from(b - b'0'), n + 1)
            }
            (Reference::Hex(v, n), b'0'..=b'9' | b'a'..=b'f' | b'A'..=b'F') if n < 8 => {
                let d = (b as char).to_digit(16).unwrap_or(0);
                Reference::Hex(v * 16 + d, n + 1)
            }
            (Reference::Decimal(v, _) | Reference::Hex(v, 1..), b';') => {
                if !allowed(v) {
                    return Err(format!(
                        "a character reference to {}, which XML 1.0 does not allow",
                        char_name(v)
                    ));
                }
                Reference::None
            }
            (Reference::Decimal(..) | Reference::Hex(..) | Reference::Hash, _) => {
                return Err("a malformed character reference".into());
            }
            _ => Reference::None,
        };
        Ok(())
    }

    /// Counts one byte of character data against `cap`: kept up to the cap, then, from the
    /// first character boundary outside a reference, dropped to the end of the run.
    fn count(&mut self, cap: u64, continuation: bool) -> Step {
        if self.cutting {
            return Step::Drop;
        }
        self.run += 1;
        if self.run > cap && !continuation && self.reference == Reference::None {
            self.cutting = true;
            return Step::Drop;
        }
        Step::Keep
    }

    fn keep_name_byte(&mut self, b: u8) {
        if self.name.len() < MAX_KEPT_NAME {
            self.name.push(b);
        }
    }

    /// An attribute name ends: checks it is not given twice on the element.
    fn attribute_named(&mut self) -> Result<(), String> {
        let name = std::mem::take(&mut self.name);
        self.attribute_count += 1;
        if self.attribute_count <= MAX_CHECKED_ATTRIBUTES {
            if self
                .attributes
                .split(|b| *b == 0)
                .any(|n| n == name.as_slice())
            {
                return Err(format!(
                    "the attribute '{}' is given twice on one element",
                    crate::text::short(&String::from_utf8_lossy(&name))
                ));
            }
            self.attributes.extend_from_slice(&name);
            self.attributes.push(0);
        }
        self.name = name;
        self.name.clear();
        Ok(())
    }

    /// The start tag ends (`empty` for `/>`): declares its prefixes and checks its names'.
    fn tag_ends(&mut self, empty: bool) -> Result<(), String> {
        // Most tags have no prefix anywhere: nothing to declare or check.
        if !self.element.contains(&b':') && !self.attributes.contains(&b':') {
            self.attributes.clear();
            self.attribute_count = 0;
            if empty {
                self.close_scope();
            } else {
                self.depth += 1;
            }
            return Ok(());
        }
        let attributes = std::mem::take(&mut self.attributes);
        let mut result = Ok(());
        for name in attributes.split(|b| *b == 0) {
            if let Some(prefix) = name.strip_prefix(b"xmlns:") {
                self.prefixes.push((self.depth, prefix.to_vec()));
            }
        }
        let names = std::iter::once(self.element.as_slice()).chain(
            attributes
                .split(|b| *b == 0)
                .filter(|n| !n.starts_with(b"xmlns")),
        );
        for name in names {
            if let Some(colon) = name.iter().position(|b| *b == b':') {
                let prefix = &name[..colon];
                let bound =
                    prefix == b"xml" || self.prefixes.iter().any(|(_, p)| p.as_slice() == prefix);
                if !bound {
                    result = Err(format!(
                        "the namespace prefix '{}' is not declared (no xmlns:{} in scope)",
                        crate::text::short(&String::from_utf8_lossy(prefix)),
                        crate::text::short(&String::from_utf8_lossy(prefix))
                    ));
                    break;
                }
            }
        }
        self.attributes = attributes;
        self.attributes.clear();
        self.attribute_count = 0;
        if empty {
            self.close_scope();
        } else {
            self.depth += 1;
        }
        result
    }

    /// The fast path from text, which takes most of a document: runs of character data and
    /// whole plain tags ([`plain_start_tag`], and end tags of plain bytes) at the start of
    /// `bytes`, as the byte states would take them, stopping before anything they would
    /// treat otherwise (markup but tags, a character reference, a byte to check, a tag that
    /// the end of `bytes` cuts, a run at its cap). Gives how many bytes it took; the state is
    /// text again after them.
    fn stretch(&mut self, bytes: &[u8]) -> usize {
        let Strict {
            run,
            depth,
            prefixes,
            ..
        } = self;
        let mut i = 0;
        loop {
            let room = usize::try_from(MAX_TEXT_BYTES.saturating_sub(*run)).unwrap_or(usize::MAX);
            let rest = bytes.get(i..).unwrap_or_default();
            let text = data_run(rest.get(..room).unwrap_or(rest), 0);
            *run += text as u64;
            i += text;
            let tag = bytes.get(i..).unwrap_or_default();
            if tag.first() != Some(&b'<') {
                return i;
            }
            let close = |prefixes: &mut Vec<(usize, Vec<u8>)>, depth: usize| {
                while prefixes.last().is_some_and(|(d, _)| *d >= depth) {
                    prefixes.pop();
                }
            };
            let len = if let Some(end) = tag.strip_prefix(b"</") {
                let name = plain_run(end, b'>');
                if end.get(name) != Some(&b'>') {
                    return i;
                }
                *depth = depth.saturating_sub(1);
                close(prefixes, *depth);
                name + 3
            } else {
                let Some((len, empty)) = plain_start_tag(tag) else {
                    return i;
                };
                if empty {
                    close(prefixes, *depth);
                } else {
                    *depth += 1;
                }
                len
            };
            *run = 0;
            i += len;
        }
    }

    /// Forgets the prefixes the element at `self.depth` declared.
    fn close_scope(&mut self) {
        while self.prefixes.last().is_some_and(|(d, _)| *d >= self.depth) {
            self.prefixes.pop();
        }
    }

    fn step(&mut self, b: u8) -> Step {
        // Characters: literal controls and U+FFFE / U+FFFF, anywhere in the document.
        if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') {
            return Step::Fail(format!(
                "holds the control character {}, which XML 1.0 does not allow",
                char_name(u32::from(b))
            ));
        }
        if matches!(b, 0xBE | 0xBF) && self.last == [0xEF, 0xBF] {
            return Step::Fail(format!(
                "holds {}, which XML 1.0 does not allow",
                char_name(0xFFFE + u32::from(b - 0xBE))
            ));
        }
        let continuation = b & 0xC0 == 0x80;
        let mut step = Step::Keep;
        let before = self.state;
        self.state = match self.state {
            State::Text => {
                if b == b'<' {
                    self.run = 0;
                    self.cutting = false;
                    self.reference = Reference::None;
                    self.tag_start = self.pos;
                    self.tag_dropped = 0;
                    State::Lt
                } else {
                    if let Err(m) = self.reference(b) {
                        return Step::Fail(m);
                    }
                    step = self.count(MAX_TEXT_BYTES, continuation);
                    State::Text
                }
            }
            State::Lt => match b {
                b'!' => State::Bang(0),
                b'?' => State::Pi,
                b'/' => State::EndTag,
                _ if is_name_byte(b) => {
                    self.name.clear();
                    self.keep_name_byte(b);
                    State::TagName
                }
                // Not markup; the parser says what is wrong.
                _ => State::Text,
            },
            State::Bang(n) => {
                const COMMENT: &[u8] = b"--";
                const CDATA: &[u8] = b"[CDATA[";
                let n = usize::from(n);
                if n < 2 && COMMENT.get(n) == Some(&b) && (n == 0 || b == b'-') {
                    if n == 1 {
                        State::Comment
                    } else {
                        State::Bang(1)
                    }
                } else if CDATA.get(n) == Some(&b) {
                    if n + 1 == CDATA.len() {
                        State::CData
                    } else {
                        State::Bang((n + 1) as u8)
                    }
                } else if b == b'>' {
                    State::Text
                } else {
                    State::Decl
                }
            }
            State::Comment => self.closing_run(b, b"-->", State::Comment),
            State::CData => self.closing_run(b, b"]]>", State::CData),
            State::Pi => self.closing_run(b, b"?>", State::Pi),
            State::Decl => {
                if b == b'>' {
                    State::Text
                } else {
                    State::Decl
                }
            }
            State::EndTag => {
                if b == b'>' {
                    self.depth = self.depth.saturating_sub(1);
                    self.close_scope();
                    State::Text
                } else {
                    State::EndTag
                }
            }
            State::TagName => {
                if is_name_byte(b) {
                    self.keep_name_byte(b);
                    State::TagName
                } else if matches!(b, b'"' | b'\'' | b'=' | b'<') {
                    return Step::Fail(stray(b));
                } else {
                    self.element.clear();
                    self.element.extend_from_slice(&self.name);
                    self.name.clear();
                    self.attributes.clear();
                    self.attribute_count = 0;
                    match b {
                        b'>' => {
                            if let Err(m) = self.tag_ends(false) {
                                return Step::Fail(m);
                            }
                            State::Text
                        }
                        b'/' => State::Slash,
                        _ => State::InTag,
                    }
                }
            }
            State::InTag => match b {
                b'>' => {
                    if let Err(m) = self.tag_ends(false) {
                        return Step::Fail(m);
                    }
                    State::Text
                }
                b'/' => State::Slash,
                _ if is_space(b) => State::InTag,
                _ if is_name_byte(b) => {
                    self.name.clear();
                    self.keep_name_byte(b);
                    State::AttrName
                }
                b'"' | b'\'' | b'=' | b'<' => return Step::Fail(stray(b)),
                _ => State::InTag,
            },
            State::AttrName => match b {
                b'=' => {
                    if let Err(m) = self.attribute_named() {
                        return Step::Fail(m);
                    }
                    State::AfterEq
                }
                _ if is_space(b) => {
                    if let Err(m) = self.attribute_named() {
                        return Step::Fail(m);
                    }
                    State::AfterName
                }
                b'"' | b'\'' | b'<' => {
                    return Step::Fail(format!(
                        "an attribute name holds {}, which no XML name may hold",
                        quoted(b)
                    ))
                }
                b'>' | b'/' => return Step::Fail(NO_VALUE.into()),
                _ => {
                    self.keep_name_byte(b);
                    State::AttrName
                }
            },
            State::AfterName => match b {
                b'=' => State::AfterEq,
                _ if is_space(b) => State::AfterName,
                _ => return Step::Fail(NO_VALUE.into()),
            },
            State::AfterEq => match b {
                b'"' | b'\'' => {
                    self.run = 0;
                    self.cutting = false;
                    self.reference = Reference::None;
                    State::Value(b)
                }
                _ if is_space(b) => State::AfterEq,
                _ => {
                    return Step::Fail(
                        "an attribute value not in quotes; XML writes name=\"value\"".into(),
                    )
                }
            },
            State::Value(q) => {
                if b == q {
                    State::AfterValue
                } else {
                    if let Err(m) = self.reference(b) {
                        return Step::Fail(m);
                    }
                    step = self.count(MAX_VALUE_BYTES, continuation);
                    State::Value(q)
                }
            }
            State::AfterValue => match b {
                _ if is_space(b) => State::InTag,
                b'>' => {
                    if let Err(m) = self.tag_ends(false) {
                        return Step::Fail(m);
                    }
                    State::Text
                }
                b'/' => State::Slash,
                b'?' => State::InTag,
                _ => {
                    return Step::Fail(
                        "attributes not separated by whitespace (a=\"1\"b=\"2\"); XML requires a space between them".into(),
                    )
                }
            },
            State::Slash => {
                if b == b'>' {
                    if let Err(m) = self.tag_ends(true) {
                        return Step::Fail(m);
                    }
                    State::Text
                } else {
                    State::InTag
                }
            }
        };
        if self.state == State::Text && before != State::Text {
            self.run = 0;
            self.cutting = false;
            self.reference = Reference::None;
        }
        step
    }

    /// Advances through markup that ends with `end`, staying in `inside` until it does.
    fn closing_run(&mut self, b: u8, end: &[u8], inside: State) -> State {
        let n = usize::from(self.closing);
        if end.get(n) == Some(&b) {
            if n + 1 == end.len() {
                self.closing = 0;
                return State::Text;
            }
            self.closing += 1;
        } else if n >= 1 && end.get(n - 1) == Some(&b) && end.first() == Some(&b) {
            // `--->`, `??>`: a repeated first byte keeps the match where it is.
        } else if end.first() == Some(&b) {
            self.closing = 1;
        } else {
            self.closing = 0;
        }
        inside
    }
}

impl<R: Read> Read for Strict<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if let Some(e) = self.pending.take() {
            return Err(e);
        }
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            // Read where the bytes are to go, and checked there.
            let n = match self.inner.read(out) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                return Ok(0);
            }
            let mut kept = 0;
            let mut dropped_here = false;
            let mut i = 0;
            while i < n {
                if let (State::Text, Reference::None, false, false) =
                    (self.state, self.reference, self.cutting, dropped_here)
                {
                    let taken = self.stretch(&out[i..n]);
                    if taken > 0 {
                        self.pass_on(out, &mut kept, &mut i, taken);
                        continue;
                    }
                }
                // The fast path: a run of plain character data (text or a value, no
                // reference in progress, under its cap) needs no state change, only counting.
                // Names in a tag, and the whitespace between attributes, in bulk too: a tag's
                // bytes are most of a solution file's.
                // The start of a plain tag (`<name` and a space), or a whole plain end tag.
                if let (State::Text, Reference::None, false, Some(b'<')) =
                    (self.state, self.reference, dropped_here, out.get(i))
                {
                    if let Some((len, end)) = plain_tag(&out[i..n]) {
                        let total = if end { len } else { len + 2 };
                        self.run = 0;
                        self.cutting = false;
                        self.tag_start = self.pos;
                        self.tag_dropped = 0;
                        if end {
                            self.depth = self.depth.saturating_sub(1);
                            self.close_scope();
                        } else {
                            let name = &out[i + 1..i + 1 + len.min(MAX_KEPT_NAME)];
                            self.element.clear();
                            self.element.extend_from_slice(name);
                            self.name.clear();
                            self.attributes.clear();
                            self.attribute_count = 0;
                            self.state = State::InTag;
                        }
                        self.pass_on(out, &mut kept, &mut i, total);
                        continue;
                    }
                }
                // A whole plain attribute (`name="value"` and the space after it) at once:
                // what the byte-by-byte states would do, or nothing when it would fail.
                if self.state == State::InTag && !dropped_here {
                    if let Some((name, _, value, space)) = plain_attribute(&out[i..n]) {
                        let total = name + value + 3 + usize::from(space);
                        let within = self.pos + total as u64 - self.tag_start
                            <= MAX_TAG_BYTES + self.tag_dropped;
                        self.name.clear();
                        self.name
                            .extend_from_slice(&out[i..i + name.min(MAX_KEPT_NAME)]);
                        if within && self.attribute_named().is_ok() {
                            self.pass_on(out, &mut kept, &mut i, total);
                            self.run = value as u64;
                            self.cutting = false;
                            self.reference = Reference::None;
                            self.state = if space {
                                State::InTag
                            } else {
                                State::AfterValue
                            };
                            continue;
                        }
                        // The bytes one by one find the problem and say where it is.
                        if within {
                            self.attribute_count -= 1;
                        }
                        self.name.clear();
                    }
                }
                if matches!(
                    self.state,
                    State::TagName | State::AttrName | State::InTag | State::EndTag
                ) {
                    let table = match self.state {
                        State::InTag => &SPACE,
                        _ => &NAME,
                    };
                    let run = if self.state == State::EndTag {
                        plain_run(&out[i..n], b'>')
                    } else {
                        out[i..n]
                            .iter()
                            .take_while(|&&b| table[usize::from(b)])
                            .count()
                    };
                    if run > 0 && !dropped_here {
                        if matches!(self.state, State::TagName | State::AttrName) {
                            let room = MAX_KEPT_NAME.saturating_sub(self.name.len());
                            self.name.extend_from_slice(&out[i..i + run.min(room)]);
                        }
                        self.pass_on(out, &mut kept, &mut i, run);
                        if self.pos - self.tag_start > MAX_TAG_BYTES + self.tag_dropped {
                            let e = self.fail(
                                self.tag_start,
                                format!(
                                    "a tag longer than {MAX_TAG_BYTES} bytes; no solution file has one"
                                ),
                            );
                            self.pending = Some(e);
                            return Ok(kept);
                        }
                        continue;
                    }
                }
                // Past the cap the same run is checked and dropped in bulk.
                if let (State::Text | State::Value(_), Reference::None) =
                    (self.state, self.reference)
                {
                    let q = match self.state {
                        State::Value(q) => q,
                        _ => 0,
                    };
                    if self.cutting {
                        let run = plain_run(&out[i..n], q);
                        if run > 0 {
                            self.dropped += run as u64;
                            self.tag_dropped += run as u64;
                            self.skip(out, &mut i, run);
                            dropped_here = true;
                            continue;
                        }
                    }
                }
                let quote = match self.state {
                    State::Text if self.run < MAX_TEXT_BYTES => Some(0),
                    State::Value(q) if self.run < MAX_VALUE_BYTES => Some(q),
                    _ => None,
                };
                if let (Some(q), false, false, Reference::None) =
                    (quote, dropped_here, self.cutting, self.reference)
                {
                    let cap = if q == 0 {
                        MAX_TEXT_BYTES
                    } else {
                        MAX_VALUE_BYTES
                    };
                    let room = usize::try_from(cap - self.run).unwrap_or(usize::MAX);
                    let run = plain_run(&out[i..n.min(i.saturating_add(room))], q);
                    if run > 0 {
                        self.run += run as u64;
                        self.pass_on(out, &mut kept, &mut i, run);
                        continue;
                    }
                }
                let b = out[i];
                i += 1;
                let step = self.step(b);
                self.last = [self.last[1], b];
                let offset = self.pos;
                self.pos += 1;
                match step {
                    Step::Keep => {
                        if dropped_here {
                            self.cuts.push(self.out, self.dropped);
                            dropped_here = false;
                        }
                        out[kept] = b;
                        kept += 1;
                        self.out += 1;
                    }
                    Step::Drop => {
                        self.dropped += 1;
                        self.tag_dropped += 1;
                        dropped_here = true;
                    }
                    Step::Fail(message) => {
                        let e = self.fail(offset, message);
                        if kept == 0 {
                            return Err(e);
                        }
                        self.pending = Some(e);
                        return Ok(kept);
                    }
                }
                if self.pos - self.tag_start > MAX_TAG_BYTES + self.tag_dropped
                    && matches!(
                        self.state,
                        State::TagName
                            | State::InTag
                            | State::AttrName
                            | State::AfterName
                            | State::AfterEq
                            | State::Value(_)
                            | State::AfterValue
                            | State::Slash
                    )
                {
                    let e = self.fail(
                        self.tag_start,
                        format!(
                            "a tag longer than {MAX_TAG_BYTES} bytes; no solution file has one"
                        ),
                    );
                    if kept == 0 {
                        return Err(e);
                    }
                    self.pending = Some(e);
                    return Ok(kept);
                }
            }
            if dropped_here {
                self.cuts.push(self.out, self.dropped);
            }
            if kept > 0 {
                return Ok(kept);
            }
            // Everything read was dropped: read on.
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(xml: &[u8]) -> Result<Vec<u8>, StrictError> {
        filtered(xml)
    }

    /// Bytes for a word-at-a-time scan: those it treats specially, any byte, printable ASCII.
    fn scanned(specials: &'static [u8]) -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(specials),
                proptest::num::u8::ANY,
                0x20u8..0x7f,
            ],
            0..80,
        )
    }

    proptest::proptest! {
        /// The word-at-a-time scanner stops exactly where the byte-by-byte one does.
        #[test]
        fn plain_run_matches_the_byte_scan(
            bytes in scanned(b"a \t\n\r\x00\x1f\x20\x7f\x80\xbe\xbf\xef\xff<>&\"'="),
            q in proptest::sample::select(vec![0u8, b'"', b'\'', b'>']),
        ) {
            let expected = bytes.iter().take_while(|&&b| plain(b, q)).count();
            proptest::prop_assert_eq!(plain_run(&bytes, q), expected);
        }

        /// The word-at-a-time name scanner stops exactly where the table does.
        #[test]
        fn local_name_matches_the_byte_scan(
            bytes in scanned(b"aZ09_-.:;<=>?@/!\"&' \t\n\r\x00\x7f\x80\xbe\xbf\xc3\xef\xff"),
        ) {
            let expected = bytes.iter().take_while(|&&b| LOCAL_NAME[usize::from(b)]).count();
            proptest::prop_assert_eq!(local_name(&bytes), expected);
        }
    }

    #[test]
    fn local_name_stops_at_each_byte_the_table_refuses() {
        // Every byte value, at every place in a word, after name bytes and before them.
        for b in 0..=u8::MAX {
            for at in 0..17 {
                let mut bytes = vec![b'n'; 24];
                bytes[at] = b;
                let expected = bytes
                    .iter()
                    .take_while(|&&c| LOCAL_NAME[usize::from(c)])
                    .count();
                assert_eq!(local_name(&bytes), expected, "byte {b:#04x} at {at}");
            }
        }
    }

    /// Hands out one byte per read, so none of the bulk paths sees more than a byte.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), out.first_mut()) {
                (Some((b, rest)), Some(o)) => {
                    *o = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn filtered(reader: impl Read) -> Result<Vec<u8>, StrictError> {
        let (mut s, _) = strict(reader);
        let mut out = Vec::new();
        match s.read_to_end(&mut out) {
            Ok(_) => Ok(out),
            Err(e) => Err(strict_error(&e).cloned().expect("a strict error")),
        }
    }

    proptest::proptest! {
        /// The bulk paths (whole attributes, runs eight bytes at a time) decide exactly as
        /// the byte-by-byte states do: same bytes out, same problem at the same offset.
        #[test]
        fn bulk_and_byte_by_byte_agree(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    3 => proptest::sample::select(vec![
                        "<r", "<x:r", " ", "\r\n  ", "a=\"1\"", "a='2'", "x:a=\"v\"",
                        "xmlns:x=\"u\"", "b=\"t&amp;\u{e9}\"", "/>", ">", "</r>", "text",
                    ]),
                    1 => proptest::sample::select(vec![
                        "<", "/", "</", "=", "\"", "'", "a", "x:", "c=\"&#27;\"", "&#x10000;",
                        "\u{1b}", "\u{fffe}", "\u{ffff}", "\u{6f22}", "<!--", "-->",
                        "<![CDATA[", "]]>", "<?", "?>", "!", "\t",
                    ]),
                ],
                0..40,
            ),
        ) {
            let xml: String = parts.concat();
            proptest::prop_assert_eq!(
                filtered(xml.as_bytes()),
                filtered(Trickle(xml.as_bytes()))
            );
        }
    }

    #[test]
    fn sound_documents_pass_unchanged() {
        let xml = "<?xml version=\"1.0\"?>\r\n<!-- a > b \"c --><r xmlns:x=\"u\" a='1' x:b=\"2\">t&amp;&#233;<![CDATA[<q a=\"]]><x:e/></r>";
        assert_eq!(check(xml.as_bytes()).unwrap(), xml.as_bytes());
    }

    #[test]
    fn characters_outside_xml_are_refused() {
        for (xml, at) in [
            (&b"<r>\x1b</r>"[..], 3),
            (b"<r a=\"\x07\"/>", 6),
            (b"<r>\xef\xbf\xbe</r>", 5),
            (b"<r>&#27;</r>", 7),
            (b"<r a=\"&#xFFFF;\"/>", 13),
            (b"<r>&#x;</r>", 6),
        ] {
            let e = check(xml).unwrap_err();
            assert_eq!(
                e.offset,
                at,
                "{:?}: {}",
                String::from_utf8_lossy(xml),
                e.message
            );
        }
        assert!(check(b"<r>&#9;&#x10000;&#65533;</r>").is_ok());
    }

    #[test]
    fn attribute_syntax_is_checked() {
        let e = check(b"<r a=\"1\"b=\"2\"/>").unwrap_err();
        assert!(e.message.contains("whitespace"), "{}", e.message);
        let e = check(b"<r a=\"1\" a=\"2\"/>").unwrap_err();
        assert!(e.message.contains("twice"), "{}", e.message);
        let e = check(b"<x:r/>").unwrap_err();
        assert!(e.message.contains("prefix 'x'"), "{}", e.message);
        let e = check(b"<r><e y:a=\"1\"/></r>").unwrap_err();
        assert!(e.message.contains("prefix 'y'"), "{}", e.message);
        let e = check(b"<r xmlns:y=\"u\"></r><e y:a=\"1\"/>").unwrap_err();
        assert!(e.message.contains("prefix 'y'"), "{}", e.message);
        assert!(check(b"<r xml:lang=\"en\" xmlns=\"u\"/>").is_ok());
    }

    #[test]
    fn attribute_names_hold_no_quote_and_every_value_is_quoted() {
        for (xml, at, says) in [
            (&b"<r a\"b=\"1\"/>"[..], 4, "attribute name holds '\"'"),
            (
                b"<RootComponent behavior\"=0\" type=\"20\"/>",
                23,
                "attribute name holds '\"'",
            ),
            (b"<r a'b='1'/>", 4, "attribute name holds \"'\""),
            (b"<r a<b=\"1\"/>", 4, "attribute name holds '<'"),
            (
                b"<r \"a\"=\"1\"/>",
                3,
                "where an attribute name should start",
            ),
            (
                b"<r a=\"1\" =\"2\"/>",
                9,
                "where an attribute name should start",
            ),
            (b"<r\"a=\"1\"/>", 2, "where an attribute name should start"),
            (b"<r a/>", 4, "without a value"),
            (b"<r a>t</r>", 4, "without a value"),
            (b"<r a b=\"1\"/>", 5, "without a value"),
            (b"<r a=1/>", 5, "not in quotes"),
        ] {
            for e in [check(xml), filtered(Trickle(xml))] {
                let e = e.unwrap_err();
                let shown = String::from_utf8_lossy(xml);
                assert_eq!(e.offset, at, "{shown}: {}", e.message);
                assert!(e.message.contains(says), "{shown}: {}", e.message);
            }
        }
        assert!(check(b"<r a = \"1\"\tb\n=\n'2' />").is_ok());
    }

    #[test]
    fn long_text_and_values_are_cut_and_offsets_map_back() {
        let mut xml = b"<r a=\"".to_vec();
        xml.resize(xml.len() + MAX_VALUE_BYTES as usize + 10, b'v');
        xml.extend_from_slice(b"\">");
        xml.resize(xml.len() + MAX_TEXT_BYTES as usize + 20, b't');
        xml.extend_from_slice(b"<e/></r>");
        let (mut s, cuts) = strict(xml.as_slice());
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), xml.len() - 30);
        let e = out.windows(4).position(|w| w == b"<e/>").unwrap() as u64;
        let original = xml.windows(4).position(|w| w == b"<e/>").unwrap() as u64;
        assert_eq!(cuts.original(e), original);
        assert!(out.ends_with(b"<e/></r>"));
    }

    #[test]
    fn a_cut_through_multibyte_text_leaves_valid_utf8() {
        let mut xml = b"<r>".to_vec();
        for _ in 0..(MAX_TEXT_BYTES / 3 + 100) {
            xml.extend_from_slice("漢".as_bytes());
        }
        xml.extend_from_slice(b"&#233;<e a=\"");
        for _ in 0..(MAX_VALUE_BYTES / 2 + 10) {
            xml.extend_from_slice("é".as_bytes());
        }
        xml.extend_from_slice(b"\"/></r>");
        let out = check(&xml).unwrap();
        let text = std::str::from_utf8(&out).expect("valid UTF-8 after the cuts");
        assert!(text.ends_with("\"/></r>"), "{}", &text[text.len() - 20..]);
        assert!(out.len() < xml.len());
    }

    #[test]
    fn a_huge_tag_is_refused() {
        let mut xml = b"<r ".to_vec();
        for i in 0..(MAX_TAG_BYTES / 8) {
            xml.extend_from_slice(format!("a{i:06}=\"\" ").as_bytes());
        }
        let e = check(&xml).unwrap_err();
        assert!(e.message.contains("tag longer"), "{}", e.message);
    }
}
