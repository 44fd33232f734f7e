//! `dvrole diff`: the roles of two inputs compared, matched by id and, where ids differ, by
//! name: roles only on one side; per role, privileges only in A, only in B, and at
//! different depths; and changes of name, inheritance and `IsCustomizable`. With the
//! target environment's privilege table, every privilege of either side that the table
//! lacks or holds at a depth it refuses is listed too: what would fail the import there.

use serde::Serialize;

use crate::model::depth::{Depth, DepthSet};
use crate::model::environment::PrivilegeTable;
use crate::model::existing::{ExistingRole, Held};
use crate::model::guid;

/// How two roles were paired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matched {
    /// The same id.
    Id,
    /// The same name (any case), the ids differing.
    Name,
}

impl Matched {
    /// `id` or `name`.
    pub fn name(self) -> &'static str {
        match self {
            Matched::Id => "id",
            Matched::Name => "name",
        }
    }
}

/// One role field that differs: `id`, `name`, `isinherited` or `IsCustomizable`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// The field.
    pub field: &'static str,
    /// In A (`None`: absent).
    pub a: Option<String>,
    /// In B (`None`: absent).
    pub b: Option<String>,
}

/// A privilege at different depths on the two sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepthChange {
    /// The privilege, as A spells it.
    pub privilege: String,
    /// Its depth in A.
    pub a: Depth,
    /// Its depth in B.
    pub b: Depth,
}

/// The side of a comparison a role is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The first input.
    A,
    /// The second input.
    B,
}

impl Side {
    /// `A` or `B`, as text output names the inputs.
    pub fn label(self) -> &'static str {
        match self {
            Side::A => "A",
            Side::B => "B",
        }
    }
}

/// Why the environment's table refuses a privilege a role holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The table has no privilege of that name; `nearest` is the closest name it holds.
    Absent {
        /// The closest name the table holds, if one is near.
        nearest: Option<String>,
    },
    /// The table has it, and it does not allow the depth held; it allows these.
    Depth(DepthSet),
}

/// A privilege of one side that the environment's table refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// Which side's role holds it.
    pub side: Side,
    /// The privilege, as that side spells it.
    pub privilege: String,
    /// The depth that side holds it at.
    pub depth: Depth,
    /// Why the table refuses it.
    pub refusal: Refusal,
}

/// The comparison of one role (or a role on one side only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDiff {
    /// The role in A.
    pub a: Option<ExistingRole>,
    /// The role in B.
    pub b: Option<ExistingRole>,
    /// How the two were paired; `None` for a role on one side only.
    pub matched: Option<Matched>,
    /// Fields that differ.
    pub fields: Vec<FieldChange>,
    /// Privileges only A holds.
    pub only_a: Vec<Held>,
    /// Privileges only B holds.
    pub only_b: Vec<Held>,
    /// Privileges both hold at different depths.
    pub depths: Vec<DepthChange>,
    /// With a table: what it refuses of either side, A's privileges first, each side in
    /// its role's order; `None` without one.
    pub refused: Option<Vec<Refused>>,
}

impl RoleDiff {
    /// Whether the two sides are the same role with the same contents.
    pub fn same(&self) -> bool {
        self.a.is_some()
            && self.b.is_some()
            && self.fields.is_empty()
            && self.only_a.is_empty()
            && self.only_b.is_empty()
            && self.depths.is_empty()
    }

    /// Whether the environment's table refuses anything of either side.
    pub fn refuses(&self) -> bool {
        self.refused.as_ref().is_some_and(|r| !r.is_empty())
    }

    /// The role's name (A's where both have it).
    pub fn name(&self) -> &str {
        self.a
            .as_ref()
            .or(self.b.as_ref())
            .map_or("", |r| r.name.as_str())
    }

    /// The diff as a document for `--json`.
    pub fn to_json(&self) -> RoleDiffJson<'_> {
        RoleDiffJson {
            a: self.a.as_ref().map(SideJson::of),
            b: self.b.as_ref().map(SideJson::of),
            depth_changed: self
                .depths
                .iter()
                .map(|d| DepthJson {
                    a: d.a,
                    b: d.b,
                    privilege: &d.privilege,
                })
                .collect(),
            fields: self
                .fields
                .iter()
                .map(|f| FieldJson {
                    a: f.a.as_deref(),
                    b: f.b.as_deref(),
                    field: f.field,
                })
                .collect(),
            matched_by: self.matched.map(Matched::name),
            name: self.name(),
            only_in_a: held(&self.only_a),
            only_in_b: held(&self.only_b),
            refused: self.refused.as_ref().map(|list| {
                list.iter()
                    .map(|r| {
                        let (reason, allowed, nearest) = match &r.refusal {
                            Refusal::Absent { nearest } => ("absent", None, nearest.as_deref()),
                            Refusal::Depth(allowed) => ("depth", Some(allowed.to_string()), None),
                        };
                        RefusedJson {
                            allowed,
                            depth: r.depth,
                            nearest,
                            privilege: &r.privilege,
                            reason,
                            side: r.side,
                        }
                    })
                    .collect()
            }),
            same: self.same(),
        }
    }
}

// The JSON documents below declare their fields in alphabetical order: the order `--json`
// has always printed them in.

/// One role's comparison as `dvrole diff --json` prints it.
#[derive(Debug, Serialize)]
pub struct RoleDiffJson<'a> {
    a: Option<SideJson<'a>>,
    b: Option<SideJson<'a>>,
    depth_changed: Vec<DepthJson<'a>>,
    fields: Vec<FieldJson<'a>>,
    matched_by: Option<&'static str>,
    name: &'a str,
    only_in_a: Vec<HeldJson<'a>>,
    only_in_b: Vec<HeldJson<'a>>,
    /// Only with a table, so that the document without one keeps its shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    refused: Option<Vec<RefusedJson<'a>>>,
    same: bool,
}

/// A privilege the environment's table refuses.
#[derive(Debug, Serialize)]
struct RefusedJson<'a> {
    /// The depths the table allows (`depth` only).
    allowed: Option<String>,
    depth: Depth,
    /// The closest name the table holds (`absent` only).
    nearest: Option<&'a str>,
    privilege: &'a str,
    /// `absent` or `depth`.
    reason: &'static str,
    side: Side,
}

/// One side's role.
#[derive(Debug, Serialize)]
struct SideJson<'a> {
    file: &'a str,
    id: String,
    name: &'a str,
    privileges: usize,
}

impl<'a> SideJson<'a> {
    fn of(r: &'a ExistingRole) -> Self {
        SideJson {
            file: &r.location,
            id: guid::braced(r.id),
            name: &r.name,
            privileges: r.privileges.len(),
        }
    }
}

fn held(list: &[Held]) -> Vec<HeldJson<'_>> {
    list.iter()
        .map(|p| HeldJson {
            depth: p.depth,
            privilege: &p.name,
        })
        .collect()
}

/// A privilege held on one side only.
#[derive(Debug, Serialize)]
struct HeldJson<'a> {
    depth: Depth,
    privilege: &'a str,
}

/// A privilege at different depths.
#[derive(Debug, Serialize)]
struct DepthJson<'a> {
    a: Depth,
    b: Depth,
    privilege: &'a str,
}

/// A field that differs.
#[derive(Debug, Serialize)]
struct FieldJson<'a> {
    a: Option<&'a str>,
    b: Option<&'a str>,
    field: &'static str,
}

fn compare(a: &ExistingRole, b: &ExistingRole, matched: Matched) -> RoleDiff {
    let mut fields = Vec::new();
    let mut field = |field: &'static str, x: Option<&str>, y: Option<&str>| {
        if x.map(str::trim) != y.map(str::trim) {
            fields.push(FieldChange {
                field,
                a: x.map(str::to_string),
                b: y.map(str::to_string),
            });
        }
    };
    let (ia, ib) = (guid::braced(a.id), guid::braced(b.id));
    field("id", Some(&ia), Some(&ib));
    field("name", Some(&a.name), Some(&b.name));
    field(
        "isinherited",
        Some(a.effective_inheritance()),
        Some(b.effective_inheritance()),
    );
    field("IsCustomizable", a.customizable(), b.customizable());
    let mut only_a = Vec::new();
    let mut depths = Vec::new();
    for p in &a.privileges {
        match b.depth_of(&p.name) {
            None => only_a.push(p.clone()),
            Some(d) if d != p.depth => depths.push(DepthChange {
                privilege: p.name.clone(),
                a: p.depth,
                b: d,
            }),
            Some(_) => {}
        }
    }
    let only_b = b
        .privileges
        .iter()
        .filter(|p| a.depth_of(&p.name).is_none())
        .cloned()
        .collect();
    RoleDiff {
        a: Some(a.clone()),
        b: Some(b.clone()),
        matched: Some(matched),
        fields,
        only_a,
        only_b,
        depths,
        refused: None,
    }
}

fn same_name(x: &ExistingRole, y: &ExistingRole) -> bool {
    x.name.trim().eq_ignore_ascii_case(y.name.trim())
}

/// Compares the roles of A with those of B: pairs by id first, then, among the roles left,
/// by name where the name is unique on both sides; the rest are on one side only. In A's
/// order, then B's roles left over.
pub fn diff(a: &[ExistingRole], b: &[ExistingRole]) -> Vec<RoleDiff> {
    let mut pair: Vec<Option<(usize, Matched)>> = vec![None; a.len()];
    let mut taken = vec![false; b.len()];
    for (i, ra) in a.iter().enumerate() {
        if let Some(j) = b.iter().position(|rb| rb.id == ra.id) {
            if !taken[j] {
                taken[j] = true;
                pair[i] = Some((j, Matched::Id));
            }
        }
    }
    for (i, ra) in a.iter().enumerate() {
        if pair[i].is_some() {
            continue;
        }
        let in_a = a.iter().filter(|x| same_name(x, ra)).count();
        let candidates: Vec<usize> = (0..b.len())
            .filter(|&j| !taken[j] && same_name(&b[j], ra))
            .collect();
        if let ([j], 1) = (candidates.as_slice(), in_a) {
            taken[*j] = true;
            pair[i] = Some((*j, Matched::Name));
        }
    }
    let mut out = Vec::new();
    for (i, ra) in a.iter().enumerate() {
        match pair[i] {
            Some((j, m)) => out.push(compare(ra, &b[j], m)),
            None => out.push(one_side(Some(ra), None)),
        }
    }
    for (j, rb) in b.iter().enumerate() {
        if !taken[j] {
            out.push(one_side(None, Some(rb)));
        }
    }
    out
}

fn one_side(a: Option<&ExistingRole>, b: Option<&ExistingRole>) -> RoleDiff {
    RoleDiff {
        a: a.cloned(),
        b: b.cloned(),
        matched: None,
        fields: Vec::new(),
        only_a: Vec::new(),
        only_b: Vec::new(),
        depths: Vec::new(),
        refused: None,
    }
}

/// [`diff`], each comparison also holding what `table` refuses of either side.
pub fn diff_in(
    a: &[ExistingRole],
    b: &[ExistingRole],
    table: Option<&PrivilegeTable>,
) -> Vec<RoleDiff> {
    let mut diffs = diff(a, b);
    if let Some(table) = table {
        for d in &mut diffs {
            let mut refused = Vec::new();
            for (side, role) in [(Side::A, &d.a), (Side::B, &d.b)] {
                for p in role.iter().flat_map(|r| &r.privileges) {
                    if let Some(refusal) = refusal(table, p) {
                        refused.push(Refused {
                            side,
                            privilege: p.name.clone(),
                            depth: p.depth,
                            refusal,
                        });
                    }
                }
            }
            d.refused = Some(refused);
        }
    }
    diffs
}

/// Why `table` refuses `held`, if it does.
fn refusal(table: &PrivilegeTable, held: &Held) -> Option<Refusal> {
    match table.get(&held.name) {
        None => Some(Refusal::Absent {
            nearest: table.suggest(&held.name),
        }),
        Some(row) if !row.allowed.contains(held.depth) => Some(Refusal::Depth(row.allowed)),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn role(id: u128, name: &str, privileges: &[(&str, Depth)]) -> ExistingRole {
        ExistingRole {
            id: Uuid::from_u128(id),
            name: name.into(),
            attributes: Vec::new(),
            fields: vec![("IsCustomizable".into(), "1".into())],
            privileges: privileges
                .iter()
                .map(|(n, d)| Held {
                    name: n.to_string(),
                    depth: *d,
                })
                .collect(),
            location: String::new(),
            part: String::new(),
        }
    }

    #[test]
    fn pairs_by_id_then_by_name_and_lists_the_differences() {
        let a = vec![
            role(
                1,
                "Sales",
                &[("prvA", Depth::Basic), ("prvB", Depth::Global)],
            ),
            role(2, "Support", &[("prvA", Depth::Basic)]),
            role(3, "Gone", &[("prvA", Depth::Basic)]),
        ];
        let mut inherited = role(
            1,
            "Sales Renamed",
            &[("prva", Depth::Local), ("prvC", Depth::Basic)],
        );
        inherited
            .attributes
            .push(("isinherited".into(), "0".into()));
        let b = vec![
            inherited,
            role(9, "support", &[("prvA", Depth::Basic)]),
            role(4, "New", &[("prvA", Depth::Basic)]),
        ];
        let d = diff(&a, &b);
        assert_eq!(d.len(), 4);
        assert_eq!(d[0].matched, Some(Matched::Id));
        let fields: Vec<_> = d[0].fields.iter().map(|f| f.field).collect();
        assert_eq!(fields, ["name", "isinherited"]);
        assert_eq!(d[0].only_a[0].name, "prvB");
        assert_eq!(d[0].only_b[0].name, "prvC");
        assert_eq!(d[0].depths[0].b, Depth::Local);
        assert_eq!(d[1].matched, Some(Matched::Name));
        assert_eq!(d[1].fields[0].field, "id");
        assert!(d[2].b.is_none() && d[3].a.is_none());
        assert!(!d.iter().any(RoleDiff::same));
    }

    #[test]
    fn absent_inheritance_is_the_default() {
        let a = role(1, "R", &[("prvA", Depth::Basic)]);
        let mut b = a.clone();
        b.attributes.push(("isinherited".into(), "1".into()));
        assert!(diff(&[a], &[b])[0].same());
    }
}
