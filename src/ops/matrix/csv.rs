//! The matrix in long form as CSV (RFC 4180): a header row, then one row per role and
//! privilege, with the columns of the workbook's `Privileges` sheet.

use super::{Destination, Held, Render, RoleMatrix, DESIRED_COLUMN, LONG_COLUMNS};
use crate::error::Result;
use crate::model::depth::Depth;
use crate::ops::table::csv_field;

/// The long form's cells for one privilege of `role`, in [`LONG_COLUMNS`] order.
pub fn long_cells<'a>(role: &'a RoleMatrix, h: &'a Held) -> [&'a str; 6] {
    [
        &role.name,
        &h.privilege,
        h.place.table.as_deref().unwrap_or(""),
        h.place.access.map_or("", |a| a.name()),
        h.depth.map_or("", Depth::xml_name),
        &h.place.tab,
    ]
}

/// Writes CSV, one role at a time.
pub struct Csv<'o, 'w> {
    out: &'o mut Destination<'w>,
    desired: bool,
    line: String,
}

impl<'o, 'w> Csv<'o, 'w> {
    /// Starts the document with its header row; `desired` adds the desired depth's column.
    pub fn new(out: &'o mut Destination<'w>, desired: bool) -> Result<Csv<'o, 'w>> {
        let mut header = LONG_COLUMNS.join(",");
        if desired {
            header.push(',');
            header.push_str(DESIRED_COLUMN);
        }
        header.push_str("\r\n");
        out.write_all(header.as_bytes())?;
        Ok(Csv {
            out,
            desired,
            line: String::new(),
        })
    }
}

impl Render for Csv<'_, '_> {
    fn role(&mut self, role: &RoleMatrix) -> Result<()> {
        let mut block = String::new();
        for h in &role.privileges {
            self.line.clear();
            for (i, cell) in long_cells(role, h).iter().enumerate() {
                if i > 0 {
                    self.line.push(',');
                }
                self.line.push_str(&csv_field(cell));
            }
            if self.desired {
                self.line.push(',');
                self.line.push_str(h.desired.map_or("", Depth::xml_name));
            }
            self.line.push_str("\r\n");
            block.push_str(&self.line);
        }
        self.out.write_all(block.as_bytes())
    }

    fn finish(&mut self) -> Result<()> {
        self.out.flush()
    }
}
