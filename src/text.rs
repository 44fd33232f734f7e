//! Text that comes from inputs, made safe to show and measured as Dataverse measures it.
//!
//! - [`terminal_safe`] escapes control and bidirectional-override characters so a value
//!   read from a package can never add a line, move the cursor or reorder what a terminal
//!   shows: one finding stays one line.
//! - [`short`] cuts a value echoed in a message to a prefix, saying how long it was.
//! - [`utf16_len`] counts UTF-16 code units, the unit of Dataverse's `nvarchar` limits.
//! - [`is_xml_char`] is XML 1.0's `Char` production, which .NET's reader enforces.

use std::borrow::Cow;
use std::fmt::Write as _;

/// How many characters of a user's value a message shows.
pub const SHORT_CHARS: usize = 60;

/// Whether `c` may be shown as it is: not a control character (C0, DEL, C1), not a
/// bidirectional embedding, override or isolate, and not a line or paragraph separator.
fn shows_as_is(c: char) -> bool {
    !(c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
                | '\u{2028}' | '\u{2029}'
        ))
}

/// `text` with every character that could change what a terminal shows written as `\u{..}`.
/// Borrowed when nothing needs escaping; applying it twice changes nothing more, so a
/// value escaped where it is quoted can be escaped again with the line it ends up in.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if text.chars().all(shows_as_is) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if shows_as_is(c) {
            out.push(c);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
    Cow::Owned(out)
}

/// [`terminal_safe`], except that line feeds and carriage returns stay as they are: for a
/// format that quotes its line breaks, such as a CSV field.
pub fn terminal_safe_but_lines(text: &str) -> Cow<'_, str> {
    if text
        .chars()
        .all(|c| c == '\n' || c == '\r' || shows_as_is(c))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c == '\n' || c == '\r' {
            out.push(c);
        } else {
            out.push_str(&terminal_safe(c.encode_utf8(&mut [0; 4])));
        }
    }
    Cow::Owned(out)
}

/// A value shown [`terminal_safe`] wherever it is formatted: `writeln!(out, "table: {}",
/// Safe(&entity))`. The literal parts of the format string stay as written (their line ends
/// included); only what the value displays is escaped.
pub struct Safe<'a, T: ?Sized>(pub &'a T);

impl<T: std::fmt::Display + ?Sized> std::fmt::Display for Safe<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&terminal_safe(&self.0.to_string()))
    }
}

/// `value` cut to [`SHORT_CHARS`] characters for a message, with its full length in
/// characters when cut (`aaaa... (900000 characters)`), and made [`terminal_safe`].
pub fn short(value: &str) -> String {
    match value.char_indices().nth(SHORT_CHARS) {
        Some((at, _)) => format!(
            "{}... ({} characters)",
            terminal_safe(&value[..at]),
            value.chars().count()
        ),
        None => terminal_safe(value).into_owned(),
    }
}

/// The length of `text` in UTF-16 code units: what Dataverse's length limits count.
pub fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// XML 1.0's `Char`: tab, line feed, carriage return, and everything from U+0020 up but the
/// surrogates (which a `char` cannot be) and U+FFFE, U+FFFF.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The first character of `text` that XML 1.0 does not allow, with its byte offset.
pub fn first_non_xml_char(text: &str) -> Option<(usize, char)> {
    text.char_indices().find(|(_, c)| !is_xml_char(*c))
}

/// `c` as Unicode writes it: `U+001B`.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn controls_and_bidi_are_escaped() {
        assert_eq!(terminal_safe("plain é"), "plain é");
        assert_eq!(terminal_safe("a\nb"), "a\\u{a}b");
        assert_eq!(terminal_safe("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(terminal_safe("abc\u{202e}def"), "abc\\u{202e}def");
        let once = terminal_safe("a\nb").into_owned();
        assert_eq!(terminal_safe(&once), once);
    }

    #[test]
    fn safe_escapes_only_the_value() {
        assert_eq!(format!("a: {}\n", Safe("x\ny")), "a: x\\u{a}y\n");
        assert_eq!(
            terminal_safe_but_lines("a\r\nb\u{1b}[2J\u{202e}c"),
            "a\r\nb\\u{1b}[2J\\u{202e}c"
        );
        assert!(matches!(
            terminal_safe_but_lines("plain\n"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn short_cuts_and_counts() {
        let long = "x".repeat(900_000);
        let s = short(&long);
        assert!(s.starts_with(&"x".repeat(SHORT_CHARS)));
        assert!(s.ends_with("... (900000 characters)"), "{s}");
        assert_eq!(short("tiny"), "tiny");
    }

    #[test]
    fn utf16_counts_code_units() {
        assert_eq!(utf16_len("abc"), 3);
        assert_eq!(utf16_len("😀"), 2);
        assert_eq!(utf16_len("漢字"), 2);
    }

    #[test]
    fn xml_chars_follow_the_production() {
        for bad in ['\u{0}', '\u{7}', '\u{1b}', '\u{FFFE}', '\u{FFFF}'] {
            assert!(!is_xml_char(bad), "{bad:?}");
        }
        for good in [
            '\t',
            '\n',
            '\r',
            ' ',
            'é',
            '\u{FFFD}',
            '\u{10000}',
            '\u{7f}',
        ] {
            assert!(is_xml_char(good), "{good:?}");
        }
    }

    proptest! {
        #[test]
        fn safe_text_is_one_line_without_controls(s in "\\PC*|[\\x00-\\x1f\\u{202a}-\\u{202e}a-z]*") {
            let safe = terminal_safe(&s);
            prop_assert!(safe.chars().all(shows_as_is));
            prop_assert_eq!(safe.lines().count() <= 1, true);
        }
    }
}
