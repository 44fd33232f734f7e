//! Tables as Markdown and CSV, for `dvrole report` and `dvrole catalogue show`.

/// A Markdown table cell: whitespace runs (line breaks included) become one space, and `\`
/// and `|` are escaped so the cell cannot break the table.
pub fn markdown_cell(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\\', "\\\\")
        .replace('|', "\\|")
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
/// line break.
pub fn csv_field(s: &str) -> String {
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
}
