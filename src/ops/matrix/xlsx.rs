//! The matrix as an Excel workbook, written with `rust_xlsxwriter`: a `Roles` sheet (one row
//! per role, linked to its sheet), a `Privileges` sheet in long form (one row per role and
//! privilege, for filtering and pivoting), then a sheet per role with the matrix: a row per
//! table, a column per access right, the depth as text filled with its colour; the header
//! row and the table column frozen, an autofilter over all.
//!
//! Sheets are written in constant-memory mode (each one streams to a temporary file), so a
//! large export needs no more memory than one role. The document properties carry a fixed
//! date, so the same input gives the same bytes.

use std::borrow::Cow;
use std::collections::HashSet;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatBorder, Url, Workbook, Worksheet, XlsxError,
};

use super::{
    cell_lacks, deepest, AccessRight, Destination, Held, Render, RoleMatrix, DESIRED_COLUMN,
    LONG_COLUMNS,
};
use crate::error::{Error, Result};
use crate::model::depth::Depth;

/// The sheet of one row per role.
pub const ROLES_SHEET: &str = "Roles";
/// The sheet in long form.
pub const PRIVILEGES_SHEET: &str = "Privileges";
/// Rows a worksheet holds (Excel's limit).
const MAX_ROWS: u32 = 1_048_576;
/// Characters a cell holds (Excel's limit).
const MAX_CELL_CHARS: usize = 32_767;
/// Characters a sheet name holds.
const MAX_SHEET_NAME: usize = 31;

/// Fill colours per depth, Basic first, on a light-to-dark scale; the two darkest take
/// white text.
const FILLS: [u32; 4] = [0xFFF3C4, 0xD9EDB0, 0x8FCB9B, 0x2F855A];

/// A cell's text, cut to what a cell holds.
fn text(s: &str) -> Cow<'_, str> {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((i, _)) => Cow::Owned(s.get(..i).unwrap_or(s).to_string()),
        None => Cow::Borrowed(s),
    }
}

/// A sheet name Excel accepts for a role called `name`, distinct (without regard to case)
/// from those in `used`: the characters `[ ] : * ? / \` become `_`, leading and trailing
/// apostrophes go, the name is cut to 31 characters, and ` (2)`, ` (3)`... tells apart
/// names that come out the same.
pub fn sheet_name(name: &str, used: &HashSet<String>) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').trim();
    let base = if cleaned.is_empty() { "Role" } else { cleaned };
    let cut = |s: &str, n: usize| -> String { s.chars().take(n).collect::<String>() };
    let taken = |s: &str| {
        let lower = s.to_lowercase();
        used.contains(&lower) || lower == "history"
    };
    let first = cut(base, MAX_SHEET_NAME).trim_end_matches('\'').to_string();
    if !taken(&first) && !first.is_empty() {
        return first;
    }
    // Of used.len() + 1 distinct candidates, at least one is free.
    for n in 2..=used.len() + 2 {
        let suffix = format!(" ({n})");
        let room = MAX_SHEET_NAME.saturating_sub(suffix.chars().count());
        let candidate = format!("{}{suffix}", cut(base, room).trim_end_matches('\''));
        if !taken(&candidate) {
            return candidate;
        }
    }
    format!("Sheet {}", used.len() + 1)
}

/// The formats cells use.
struct Formats {
    header: Format,
    plain: Format,
    depth: [Format; 4],
    depth_lacking: [Format; 4],
    none_lacking: Format,
    link: Format,
}

impl Formats {
    fn new() -> Formats {
        let lacking = |f: Format| {
            f.set_border(FormatBorder::Medium)
                .set_border_color(Color::RGB(0xC53030))
                .set_bold()
        };
        let depth = |i: usize| {
            let fill = FILLS.get(i).copied().unwrap_or(0xFFFFFF);
            let f = Format::new()
                .set_background_color(Color::RGB(fill))
                .set_align(rust_xlsxwriter::FormatAlign::Center);
            if i >= 2 {
                f.set_font_color(Color::White)
            } else {
                f
            }
        };
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xE7EBEF))
                .set_border_bottom(FormatBorder::Thin),
            plain: Format::new(),
            depth: [depth(0), depth(1), depth(2), depth(3)],
            depth_lacking: [
                lacking(depth(0)),
                lacking(depth(1)),
                lacking(depth(2)),
                lacking(depth(3)),
            ],
            none_lacking: lacking(Format::new().set_align(rust_xlsxwriter::FormatAlign::Center))
                .set_font_color(Color::RGB(0xC53030)),
            link: Format::new()
                .set_font_color(Color::RGB(0x0B57D0))
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
        }
    }

    fn for_depth(&self, depth: Option<Depth>, lacks: bool) -> &Format {
        match (depth, lacks) {
            (None, true) => &self.none_lacking,
            (None, false) => &self.plain,
            (Some(d), false) => self.depth.get(d as usize).unwrap_or(&self.plain),
            (Some(d), true) => self.depth_lacking.get(d as usize).unwrap_or(&self.plain),
        }
    }
}

/// The columns of a role's sheet after the access rights.
const ROLE_TAIL: [&str; 3] = ["Miscellaneous", "Tab", "Logical name"];

/// The columns of the `Roles` sheet.
const ROLES_COLUMNS: [&str; 14] = [
    "role",
    "sheet",
    "id",
    "inheritance",
    "isinherited",
    "privileges",
    "Basic",
    "Local",
    "Deep",
    "Global",
    "tables",
    "bound to no table",
    "input",
    "file",
];

/// Writes the workbook, one role at a time; saves it at the end.
pub struct Xlsx<'o, 'w> {
    out: &'o mut Destination<'w>,
    workbook: Workbook,
    formats: Formats,
    desired: bool,
    used: HashSet<String>,
    /// Sheet index of the `Roles` sheet and its next row.
    roles_row: u32,
    /// Sheet index of the current long-form sheet and its next row.
    long_sheet: usize,
    long_row: u32,
    long_sheets: usize,
    /// Rows a sheet holds: Excel's limit (less in tests).
    max_rows: u32,
}

fn xlsx_error(out: &Destination<'_>, e: XlsxError) -> Error {
    match e {
        XlsxError::IoError(io) => out.error(io),
        XlsxError::TempFileError(dir, io) => Error::Output {
            path: dir.display().to_string(),
            message: format!("cannot make the temporary file a worksheet needs: {io}; with many roles this is the open-file limit (ulimit -n): raise it, choose roles with --role, or use --format csv"),
        },
        other => Error::Output {
            path: "workbook".to_string(),
            message: format!("{other}; choose fewer roles with --role, or use --format csv"),
        },
    }
}

fn header(sheet: &mut Worksheet, columns: &[&str], format: &Format) -> Result<(), XlsxError> {
    for (col, name) in (0u16..).zip(columns) {
        sheet.write_string_with_format(0, col, *name, format)?;
    }
    sheet.set_freeze_panes(1, 1)?;
    Ok(())
}

impl<'o, 'w> Xlsx<'o, 'w> {
    /// Starts a workbook; `desired` adds the desired depth to the long form and marks what
    /// each role lacks.
    pub fn new(out: &'o mut Destination<'w>, desired: bool) -> Result<Xlsx<'o, 'w>> {
        let mut workbook = Workbook::new();
        let fixed = ExcelDateTime::from_ymd(2000, 1, 1).map_err(|e| xlsx_error(out, e))?;
        workbook.set_properties(
            &DocProperties::new()
                .set_title("Privilege matrix")
                .set_author("dvrole")
                .set_creation_datetime(&fixed),
        );
        let formats = Formats::new();
        let mut xlsx = Xlsx {
            out,
            workbook,
            formats,
            desired,
            used: HashSet::new(),
            roles_row: 1,
            long_sheet: 1,
            long_row: 1,
            long_sheets: 0,
            max_rows: MAX_ROWS,
        };
        xlsx.start().map_err(|e| xlsx_error(xlsx.out, e))?;
        Ok(xlsx)
    }

    fn start(&mut self) -> Result<(), XlsxError> {
        let columns: Vec<&str> = ROLES_COLUMNS
            .iter()
            .copied()
            .chain(
                self.desired
                    .then_some(["missing", "too shallow"])
                    .into_iter()
                    .flatten(),
            )
            .collect();
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(ROLES_SHEET)?;
        sheet.set_column_width(0, 36)?;
        sheet.set_column_width(1, 24)?;
        sheet.set_column_width(2, 40)?;
        sheet.set_column_width(3, 30)?;
        header(sheet, &columns, &self.formats.header)?;
        self.used.insert(ROLES_SHEET.to_lowercase());
        self.new_long_sheet()
    }

    /// Opens a long-form sheet: `Privileges`, then `Privileges 2`... when one is full.
    fn new_long_sheet(&mut self) -> Result<(), XlsxError> {
        if self.long_sheets > 0 {
            self.close_long_sheet()?;
        }
        self.long_sheets += 1;
        let name = match self.long_sheets {
            1 => PRIVILEGES_SHEET.to_string(),
            n => format!("{PRIVILEGES_SHEET} {n}"),
        };
        let mut columns: Vec<&str> = LONG_COLUMNS.to_vec();
        if self.desired {
            columns.push(DESIRED_COLUMN);
        }
        self.long_sheet = self.workbook.worksheets().len();
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(&name)?;
        for (col, width) in [(0, 32), (1, 40), (2, 28), (3, 14), (4, 10), (5, 34)] {
            sheet.set_column_width(col, width)?;
        }
        header(sheet, &columns, &self.formats.header)?;
        self.used.insert(name.to_lowercase());
        self.long_row = 1;
        Ok(())
    }

    /// Puts the autofilter over the rows of the current long-form sheet.
    fn close_long_sheet(&mut self) -> Result<(), XlsxError> {
        let last = if self.desired { 6 } else { 5 };
        let rows = self.long_row.saturating_sub(1).max(1);
        self.workbook
            .worksheet_from_index(self.long_sheet)?
            .autofilter(0, 0, rows, last)?;
        Ok(())
    }

    fn long_rows(&mut self, role: &RoleMatrix) -> Result<(), XlsxError> {
        for h in &role.privileges {
            if self.long_row >= self.max_rows {
                self.new_long_sheet()?;
            }
            let row = self.long_row;
            let sheet = self.workbook.worksheet_from_index(self.long_sheet)?;
            let cells = super::csv::long_cells(role, h);
            for (col, value) in (0u16..).zip(cells) {
                if col == 4 {
                    if let Some(d) = h.depth {
                        sheet.write_string_with_format(
                            row,
                            col,
                            d.xml_name(),
                            self.formats.for_depth(Some(d), h.lacks()),
                        )?;
                    }
                } else if !value.is_empty() {
                    sheet.write_string(row, col, text(value))?;
                }
            }
            if self.desired {
                if let Some(d) = h.desired {
                    sheet.write_string(row, 6, d.xml_name())?;
                }
            }
            self.long_row += 1;
        }
        Ok(())
    }

    fn role_sheet(&mut self, role: &RoleMatrix, name: &str) -> Result<(), XlsxError> {
        let formats = &self.formats;
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        sheet.set_column_width(0, 38)?;
        for col in 1..=8 {
            sheet.set_column_width(col, 10)?;
        }
        sheet.set_column_width(9, 14)?;
        sheet.set_column_width(10, 30)?;
        sheet.set_column_width(11, 34)?;
        let mut columns = vec!["Table"];
        columns.extend(AccessRight::ALL.iter().map(|a| a.label()));
        columns.extend(ROLE_TAIL);
        header(sheet, &columns, &formats.header)?;
        let mut row = 1u32;
        let write_depth =
            |sheet: &mut Worksheet, row: u32, col: u16, cell: &[&Held]| -> Result<(), XlsxError> {
                let depth = deepest(cell);
                let lacks = cell_lacks(cell);
                match depth {
                    Some(d) => {
                        sheet.write_string_with_format(
                            row,
                            col,
                            d.xml_name(),
                            formats.for_depth(Some(d), lacks),
                        )?;
                    }
                    None if lacks => {
                        sheet.write_string_with_format(row, col, "none", &formats.none_lacking)?;
                    }
                    None => {}
                }
                Ok(())
            };
        for tab in role.tabs() {
            for table in &tab.tables {
                sheet.write_string(row, 0, text(table.display))?;
                for (col, cell) in (1u16..).zip(&table.cells) {
                    write_depth(sheet, row, col, cell)?;
                }
                sheet.write_string(row, 10, text(tab.name))?;
                sheet.write_string(row, 11, text(table.table))?;
                row += 1;
            }
            for h in &tab.untabled {
                sheet.write_string(row, 0, text(&h.place.display))?;
                write_depth(sheet, row, 9, &[h])?;
                sheet.write_string(row, 10, text(&h.place.tab))?;
                sheet.write_string(row, 11, text(&h.privilege))?;
                row += 1;
            }
        }
        sheet.autofilter(0, 0, row.saturating_sub(1).max(1), 11)?;
        Ok(())
    }

    fn summary_row(&mut self, role: &RoleMatrix, name: &str) -> Result<(), XlsxError> {
        let c = role.counts();
        let row = self.roles_row;
        let link =
            Url::new(format!("internal:'{}'!A1", name.replace('\'', "''"))).set_text(text(name));
        let sheet = self.workbook.worksheet_from_index(0)?;
        sheet.write_string(row, 0, text(&role.name))?;
        sheet.write_url_with_format(row, 1, link, &self.formats.link)?;
        if let Some(id) = &role.id {
            sheet.write_string(row, 2, text(id))?;
        }
        sheet.write_string(row, 3, role.inheritance().describe())?;
        if let Some(v) = &role.isinherited {
            sheet.write_string(row, 4, text(v))?;
        }
        let numbers = [
            c.held,
            c.by_depth[0],
            c.by_depth[1],
            c.by_depth[2],
            c.by_depth[3],
            c.tables,
            c.untabled,
        ];
        for (col, n) in (5u16..).zip(numbers) {
            sheet.write_number(row, col, n as f64)?;
        }
        sheet.write_string(row, 12, text(&role.input))?;
        sheet.write_string(row, 13, text(&role.file))?;
        if self.desired {
            sheet.write_number(row, 14, c.missing as f64)?;
            sheet.write_number(row, 15, c.too_shallow as f64)?;
        }
        self.roles_row += 1;
        Ok(())
    }

    fn add(&mut self, role: &RoleMatrix) -> Result<(), XlsxError> {
        if self.roles_row >= self.max_rows {
            return Err(XlsxError::RowColumnLimitError);
        }
        let name = sheet_name(&role.name, &self.used);
        self.used.insert(name.to_lowercase());
        self.summary_row(role, &name)?;
        self.long_rows(role)?;
        self.role_sheet(role, &name)
    }
}

impl Render for Xlsx<'_, '_> {
    fn role(&mut self, role: &RoleMatrix) -> Result<()> {
        self.add(role).map_err(|e| xlsx_error(self.out, e))
    }

    fn finish(&mut self) -> Result<()> {
        let last = if self.desired { 15 } else { 13 };
        let rows = self.roles_row.saturating_sub(1).max(1);
        let result = self
            .workbook
            .worksheet_from_index(0)
            .and_then(|sheet| sheet.autofilter(0, 0, rows, last).map(|_| ()))
            .and_then(|()| self.close_long_sheet());
        result.map_err(|e| xlsx_error(self.out, e))?;
        let saved = self.workbook.save_to_writer(self.out.writer());
        saved.map_err(|e| xlsx_error(self.out, e))?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_distinct() {
        let mut used: HashSet<String> = [ROLES_SHEET, PRIVILEGES_SHEET]
            .iter()
            .map(|s| s.to_lowercase())
            .collect();
        let mut take = |name: &str| {
            let n = sheet_name(name, &used);
            used.insert(n.to_lowercase());
            n
        };
        assert_eq!(take("Apollo Admin"), "Apollo Admin");
        assert_eq!(take("apollo admin"), "apollo admin (2)");
        assert_eq!(take("a/b:c*d?[e]\\"), "a_b_c_d__e__");
        assert_eq!(take("'quoted'"), "quoted");
        assert_eq!(take(""), "Role");
        assert_eq!(take("privileges"), "privileges (2)");
        assert_eq!(take("History"), "History (2)");
        let long = "x".repeat(40);
        assert_eq!(take(&long).chars().count(), 31);
        let again = take(&long);
        assert_eq!(again.chars().count(), 31);
        assert!(again.ends_with(" (2)"));
    }

    #[test]
    fn a_full_long_form_goes_on_in_the_next_sheet() {
        use crate::model::catalogue::Catalogue;
        use crate::ops::matrix::{Held, Names};
        use calamine::Reader;

        let names = Names::new(&[Catalogue::default_catalogue()]);
        let role = |name: &str, privileges: &[&str]| RoleMatrix {
            input: "in".into(),
            file: "f".into(),
            name: name.into(),
            id: None,
            isinherited: None,
            privileges: privileges
                .iter()
                .map(|p| Held {
                    privilege: p.to_string(),
                    depth: Some(Depth::Basic),
                    desired: None,
                    place: names.place(p),
                })
                .collect(),
        };
        let mut bytes = Vec::new();
        {
            let mut out = Destination::new(Box::new(&mut bytes), "test");
            let mut xlsx = Xlsx::new(&mut out, false).unwrap();
            // A header and three rows per sheet.
            xlsx.max_rows = 4;
            xlsx.role(&role("A", &["prvReadAccount", "prvReadContact"]))
                .unwrap();
            xlsx.role(&role(
                "B",
                &["prvReadMailbox", "prvWriteMailbox", "prvReadQueue"],
            ))
            .unwrap();
            xlsx.finish().unwrap();
        }
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(
            book.sheet_names(),
            ["Roles", "Privileges", "A", "Privileges 2", "B"]
        );
        let column = |book: &mut calamine::Xlsx<_>, sheet: &str| -> Vec<String> {
            let range = book.worksheet_range(sheet).unwrap();
            range.rows().map(|r| r[1].to_string()).collect()
        };
        assert_eq!(
            column(&mut book, "Privileges"),
            [
                "privilege",
                "prvReadAccount",
                "prvReadContact",
                "prvReadMailbox"
            ]
        );
        assert_eq!(
            column(&mut book, "Privileges 2"),
            ["privilege", "prvWriteMailbox", "prvReadQueue"]
        );
    }

    #[test]
    fn cells_are_cut_to_what_excel_holds() {
        let long = "é".repeat(MAX_CELL_CHARS + 5);
        assert_eq!(text(&long).chars().count(), MAX_CELL_CHARS);
        assert_eq!(text("short"), "short");
    }
}
