//! The matrix in long form as JSON: `{"inputs", "privileges": [row...], "roles": [role...]}`.
//! A row has the columns of the workbook's `Privileges` sheet, and `allowed` as an array as
//! `catalogue show` writes it. Rows are written as each role closes; the roles' summaries,
//! small, follow at the end.

use serde::Serialize;

use super::{Destination, Render, RoleMatrix};
use crate::error::{Error, Result};
use crate::model::depth::{Depth, DepthSet};

/// One row of the long form.
#[derive(Serialize)]
struct Row<'a> {
    role: &'a str,
    privilege: &'a str,
    table: Option<&'a str>,
    #[serde(rename = "access right")]
    access_right: Option<&'static str>,
    depth: Option<Depth>,
    tab: &'a str,
    /// The depths a catalogue says the privilege allows; `null` where none knows it.
    allowed: Option<DepthSet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    desired: Option<Option<Depth>>,
}

/// One role's summary.
#[derive(Serialize)]
struct Summary {
    role: String,
    id: Option<String>,
    isinherited: Option<String>,
    inheritance: &'static str,
    input: String,
    file: String,
    privileges: usize,
    basic: usize,
    local: usize,
    deep: usize,
    global: usize,
    tables: usize,
    untabled: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    missing: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    too_shallow: Option<usize>,
}

/// Writes JSON, one role at a time.
pub struct Json<'o, 'w> {
    out: &'o mut Destination<'w>,
    desired: bool,
    rows: usize,
    roles: Vec<Summary>,
    buf: Vec<u8>,
}

fn encode(e: serde_json::Error) -> Error {
    Error::Internal(format!("cannot write the matrix as JSON: {e}"))
}

impl<'o, 'w> Json<'o, 'w> {
    /// Starts the document; `desired` adds each row's desired depth.
    pub fn new(
        out: &'o mut Destination<'w>,
        inputs: &[String],
        desired: bool,
    ) -> Result<Json<'o, 'w>> {
        let mut head = b"{\"inputs\":".to_vec();
        serde_json::to_writer(&mut head, inputs).map_err(encode)?;
        head.extend_from_slice(b",\n\"privileges\":[");
        out.write_all(&head)?;
        Ok(Json {
            out,
            desired,
            rows: 0,
            roles: Vec::new(),
            buf: Vec::new(),
        })
    }
}

impl Render for Json<'_, '_> {
    fn role(&mut self, role: &RoleMatrix) -> Result<()> {
        self.buf.clear();
        for h in &role.privileges {
            self.buf
                .extend_from_slice(if self.rows == 0 { b"\n" } else { b",\n" });
            self.rows += 1;
            let row = Row {
                role: &role.name,
                privilege: &h.privilege,
                table: h.place.table.as_deref(),
                access_right: h.place.access.map(|a| a.name()),
                depth: h.depth,
                tab: &h.place.tab,
                allowed: h.place.allowed,
                desired: self.desired.then_some(h.desired),
            };
            serde_json::to_writer(&mut self.buf, &row).map_err(encode)?;
        }
        self.out.write_all(&self.buf)?;
        let c = role.counts();
        self.roles.push(Summary {
            role: role.name.clone(),
            id: role.id.clone(),
            isinherited: role.isinherited.clone(),
            inheritance: role.inheritance().describe(),
            input: role.input.clone(),
            file: role.file.clone(),
            privileges: c.held,
            basic: c.by_depth[0],
            local: c.by_depth[1],
            deep: c.by_depth[2],
            global: c.by_depth[3],
            tables: c.tables,
            untabled: c.untabled,
            missing: self.desired.then_some(c.missing),
            too_shallow: self.desired.then_some(c.too_shallow),
        });
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        let mut tail = b"\n],\n\"roles\":".to_vec();
        serde_json::to_writer(&mut tail, &self.roles).map_err(encode)?;
        tail.extend_from_slice(b"}\n");
        self.out.write_all(&tail)?;
        self.out.flush()
    }
}
