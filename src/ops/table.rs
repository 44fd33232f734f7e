//! Tables as Markdown and CSV, for `dvrole report` and `dvrole catalogue show`.

use crate::text::{terminal_safe, terminal_safe_but_lines};

/// A Markdown table cell: whitespace runs (line breaks included) become one space, and `\`
/// and `|` are escaped so the cell cannot break the table; control and bidirectional
/// characters are then written as `\u{..}` ([`terminal_safe`]), so the table shows on a
/// terminal as it reads.
pub fn markdown_cell(s: &str) -> String {
    let one_line = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\\', "\\\\")
        .replace('|', "\\|");
    terminal_safe(&one_line).into_owned()
}

/// A Markdown table: the header row, the separator, then one row per entry of `rows`.
pub fn markdown<R: AsRef<str>>(headers: &[&str], rows: impl IntoIterator<Item = Vec<R>>) -> String {
    let mut out = format!("| {} |\n", headers.join(" | "));
    out.push_str(&format!("|{}\n", "---|".repeat(headers.len())));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| markdown_cell(c.as_ref())).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// A CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote or a
/// line break; control and bidirectional characters other than line breaks are written as
/// `\u{..}` ([`terminal_safe_but_lines`]).
pub fn csv_field(s: &str) -> String {
    let s = terminal_safe_but_lines(s);
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// CSV (RFC 4180): the header row, then one row per entry of `rows`, each ending in CRLF.
pub fn csv<R: AsRef<str>>(headers: &[&str], rows: impl IntoIterator<Item = Vec<R>>) -> String {
    let line = |cells: Vec<String>| format!("{}\r\n", cells.join(","));
    let mut out = line(headers.iter().map(|h| csv_field(h)).collect());
    for row in rows {
        out.push_str(&line(row.iter().map(|c| csv_field(c.as_ref())).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_fields_cannot_break_their_table() {
        assert_eq!(markdown_cell("a|b\\c\n  d"), "a\\|b\\\\c d");
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(
            markdown(&["x", "y"], [vec!["1", "a|b"]]),
            "| x | y |\n|---|---|\n| 1 | a\\|b |\n"
        );
        assert_eq!(csv(&["x", "y"], [vec!["1", "a,b"]]), "x,y\r\n1,\"a,b\"\r\n");
    }

    #[test]
    fn cells_and_fields_cannot_drive_a_terminal() {
        // An escape sequence and a right-to-left override from a catalogue's text.
        let hostile = "Sales\u{1b}[2J\u{202e}moc.exe";
        assert_eq!(markdown_cell(hostile), "Sales\\u{1b}[2J\\u{202e}moc.exe");
        assert_eq!(csv_field(hostile), "Sales\\u{1b}[2J\\u{202e}moc.exe");
        // CSV keeps a quoted line break, which is data; other controls are escaped.
        assert_eq!(csv_field("a\r\nb\u{7}"), "\"a\r\nb\\u{7}\"");
    }
}
