//! Reads the environment's privilege table from the pages the user saved from the Web API
//! (`GET .../api/data/v9.2/privileges?$select=name,privilegeid,accessright,canbebasic,
//! canbelocal,canbedeep,canbeglobal`): one JSON object with a `value` array per file.
//!
//! Every page is read whole but capped in size, and every problem is one line naming the
//! file and, where it is about a row, the row (`env.json: row 12 (prvReadContact): ...`).

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::catalogue::is_privilege_name;
use crate::model::depth::{Depth, DepthSet};
use crate::model::environment::{PrivilegeTable, TablePrivilege};
use crate::model::guid;
use crate::model::options::Given;
use crate::open::{read_capped, Accept, OpenError};

/// The largest page read, in bytes. A page holds at most 5,000 rows of a few hundred bytes.
pub const MAX_PAGE_BYTES: u64 = 64 << 20;

/// The query that saves the table, for messages.
pub const QUERY: &str = "api/data/v9.2/privileges?$select=name,privilegeid,accessright,canbebasic,canbelocal,canbedeep,canbeglobal";

/// The depth flags, with the depth each stands for.
const FLAGS: [(&str, Depth); 4] = [
    ("canbebasic", Depth::Basic),
    ("canbelocal", Depth::Local),
    ("canbedeep", Depth::Deep),
    ("canbeglobal", Depth::Global),
];

#[derive(Deserialize)]
struct Row {
    name: Option<Value>,
    privilegeid: Option<Value>,
    accessright: Option<Value>,
    canbebasic: Option<Value>,
    canbelocal: Option<Value>,
    canbedeep: Option<Value>,
    canbeglobal: Option<Value>,
}

impl Row {
    fn flag(&self, key: &str) -> Option<&Value> {
        match key {
            "canbebasic" => self.canbebasic.as_ref(),
            "canbelocal" => self.canbelocal.as_ref(),
            "canbedeep" => self.canbedeep.as_ref(),
            _ => self.canbeglobal.as_ref(),
        }
    }
}

fn fail(origin: impl Into<String>, message: impl Into<String>) -> Error {
    Error::PrivilegeTable {
        origin: origin.into(),
        message: message.into(),
    }
}

/// A JSON value shortened for a message.
fn shown(v: &Value) -> String {
    crate::util::short(&v.to_string())
}

/// The privileges of one page, and whether it names a next page. `origin` names the page
/// in messages.
pub fn parse_page(bytes: &[u8], origin: &str) -> Result<(Vec<TablePrivilege>, bool)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // A map, not a struct: serde would read a struct from an array too.
    let mut page: serde_json::Map<String, Value> = serde_json::from_slice(bytes).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Data => fail(
                origin,
                format!("is not a JSON object with a `value` array of privileges; save the response of GET {QUERY}"),
            ),
            _ => fail(
                format!("{origin}:{}:{}", e.line(), e.column()),
                format!("is not JSON ({}); save the response of GET {QUERY} as it comes", first_clause(&e.to_string())),
            ),
        }
    })?;
    let rows = match page.remove("value") {
        Some(Value::Array(rows)) => rows,
        Some(other) => {
            return Err(fail(
                origin,
                format!("`value` is {}, not an array of privileges", kind(&other)),
            ))
        }
        None => {
            return Err(fail(
                origin,
                format!("has no `value` array; save the response of GET {QUERY}"),
            ))
        }
    };
    let has_next = matches!(page.get("@odata.nextLink"), Some(Value::String(s)) if !s.is_empty());
    let mut out = Vec::with_capacity(rows.len());
    for (i, raw) in rows.into_iter().enumerate() {
        out.push(parse_row(raw, &format!("{origin}: row {}", i + 1))?);
    }
    Ok((out, has_next))
}

/// The first clause of a serde_json message, without its position (given separately).
fn first_clause(message: &str) -> String {
    message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .to_string()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn parse_row(raw: Value, at: &str) -> Result<TablePrivilege> {
    if !raw.is_object() {
        return Err(fail(
            at,
            format!("is {}, not an object with a name", kind(&raw)),
        ));
    }
    let row: Row =
        serde_json::from_value(raw).map_err(|e| fail(at, format!("cannot be read ({e})")))?;
    let name = match &row.name {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        None | Some(Value::Null) => {
            return Err(fail(
                at,
                format!("has no `name`; save the table with GET {QUERY}"),
            ))
        }
        Some(other) => {
            return Err(fail(
                at,
                format!("`name` is {}, not a privilege name", shown(other)),
            ))
        }
    };
    let at = format!("{at} ({})", crate::util::short(&name));
    if !is_privilege_name(&name) {
        return Err(fail(
            &at,
            "`name` is not a privilege name ('prv' followed by letters, digits or '_')",
        ));
    }
    let id = match &row.privilegeid {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(guid::parse(s).ok_or_else(|| {
            fail(
                &at,
                format!(
                    "`privilegeid` {} is not a GUID",
                    shown(&Value::String(s.clone()))
                ),
            )
        })?),
        Some(other) => {
            return Err(fail(
                &at,
                format!("`privilegeid` is {}, not a GUID", shown(other)),
            ))
        }
    };
    let access_right = match &row.accessright {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_u64().and_then(|v| u32::try_from(v).ok()).ok_or_else(
            || {
                fail(
                    &at,
                    format!("`accessright` {n} is not an AccessRights flag"),
                )
            },
        )?),
        Some(other) => {
            return Err(fail(
                &at,
                format!("`accessright` is {}, not a number", shown(other)),
            ))
        }
    };
    let mut allowed = DepthSet::EMPTY;
    for (key, depth) in FLAGS {
        match row.flag(key) {
            Some(Value::Bool(true)) => allowed = allowed.with(depth),
            Some(Value::Bool(false)) => {}
            None => {
                return Err(fail(
                    &at,
                    format!("has no `{key}`; save the table with GET {QUERY}"),
                ))
            }
            Some(other) => {
                return Err(fail(
                    &at,
                    format!("`{key}` is {}, not true or false", shown(other)),
                ))
            }
        }
    }
    if allowed.is_empty() {
        return Err(fail(
            &at,
            "allows no depth (every canbe* flag is false); a privilege allows at least one",
        ));
    }
    Ok(TablePrivilege {
        name,
        id,
        access_right,
        allowed,
        origin: at,
    })
}

/// Reads one page from `path`.
pub fn read_page(path: &Path) -> Result<(Vec<TablePrivilege>, bool)> {
    let origin = path.display().to_string();
    if path.is_dir() {
        return Err(fail(
            &origin,
            "is a folder; give the JSON file of one page of the privilege table",
        ));
    }
    let bytes = match read_capped(path, MAX_PAGE_BYTES, Accept::Streams) {
        Ok(bytes) => bytes,
        Err(OpenError::TooLarge(_)) => {
            return Err(fail(
                &origin,
                format!(
                    "is larger than {} MiB; a page of the privilege table holds at most 5,000 rows",
                    MAX_PAGE_BYTES >> 20
                ),
            ))
        }
        Err(OpenError::NotFound) => {
            return Err(fail(
                &origin,
                "does not exist; give the path of a saved page of the privilege table",
            ))
        }
        Err(e) => return Err(fail(&origin, format!("cannot be read: it {e}"))),
    };
    parse_page(&bytes, &origin)
}

/// Reads the pages `files` name into one table; `None` when there are none.
pub fn load(files: &[Given]) -> Result<Option<PrivilegeTable>> {
    if files.is_empty() {
        return Ok(None);
    }
    let mut table = PrivilegeTable::new();
    for given in files {
        let path = Path::new(given.value.trim());
        let (rows, has_next) = read_page(path)?;
        table.add_page(&path.display().to_string(), has_next);
        for row in rows {
            table
                .insert(row)
                .map_err(|c| fail(c.second.clone(), c.to_string()))?;
        }
    }
    Ok(Some(table))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse_page(text.as_bytes(), "env.json")
            .unwrap_err()
            .to_string()
    }

    const ROW: &str = r#""name":"prvReadContact","privilegeid":"00000000-0000-0000-0000-000000000001","accessright":1,"canbebasic":true,"canbelocal":true,"canbedeep":false,"canbeglobal":true"#;

    #[test]
    fn a_page_is_read_with_its_depths_and_next_link() {
        let text = format!(
            r#"{{"@odata.context":"x","value":[{{"@odata.etag":"W/\"1\"",{ROW}}}],"@odata.nextLink":"https://org/next"}}"#
        );
        let (rows, next) = parse_page(text.as_bytes(), "env.json").unwrap();
        assert!(next);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].allowed.to_string(), "Basic/Local/Global");
        assert_eq!(rows[0].access_right, Some(1));
        assert_eq!(rows[0].origin, "env.json: row 1 (prvReadContact)");
    }

    #[test]
    fn every_bad_page_is_one_line_naming_the_file_and_row() {
        let cases = [
            ("not json", "env.json:1:2: is not JSON"),
            ("[1,2]", "env.json: is not a JSON object"),
            ("{}", "env.json: has no `value` array"),
            (r#"{"value":{}}"#, "env.json: `value` is an object"),
            (
                r#"{"value":[{"canbebasic":true}]}"#,
                "env.json: row 1: has no `name`",
            ),
            (r#"{"value":[3]}"#, "env.json: row 1: is a number"),
            (
                &format!(
                    r#"{{"value":[{{{ROW}}},{{"name":"prvX","canbebasic":"yes","canbelocal":true,"canbedeep":true,"canbeglobal":true}}]}}"#
                ),
                "env.json: row 2 (prvX): `canbebasic` is \"yes\", not true or false",
            ),
            (
                r#"{"value":[{"name":"prvX","privilegeid":"nope","canbebasic":true,"canbelocal":true,"canbedeep":true,"canbeglobal":true}]}"#,
                "env.json: row 1 (prvX): `privilegeid` \"nope\" is not a GUID",
            ),
            (
                r#"{"value":[{"name":"prvX","canbebasic":false,"canbelocal":false,"canbedeep":false,"canbeglobal":false}]}"#,
                "env.json: row 1 (prvX): allows no depth",
            ),
            (
                r#"{"value":[{"name":"prvX","canbebasic":true}]}"#,
                "env.json: row 1 (prvX): has no `canbelocal`",
            ),
            (
                r#"{"value":[{"name":"Read Contact","canbebasic":true}]}"#,
                "is not a privilege name",
            ),
            (
                r#"{"value":[{"name":"prvX","accessright":"1","canbebasic":true,"canbelocal":true,"canbedeep":true,"canbeglobal":true}]}"#,
                "`accessright` is \"1\", not a number",
            ),
        ];
        for (text, expected) in cases {
            let e = err(text);
            assert!(e.contains(expected), "{text}: {e}");
            assert!(!e.contains('\n'), "{e}");
        }
    }
}
