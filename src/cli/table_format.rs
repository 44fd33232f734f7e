//! The formats of the tables `report` and `catalogue show` print.

use clap::ValueEnum;

/// How a table of privileges is written (`--format`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Markdown: a heading, then a table.
    #[default]
    Md,
    /// Comma-separated values with a header row (RFC 4180 quoting, CRLF line ends).
    Csv,
    /// JSON.
    Json,
}

impl TableFormat {
    /// The file extension of the format: `md`, `csv` or `json`.
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Md => "md",
            TableFormat::Csv => "csv",
            TableFormat::Json => "json",
        }
    }
}
