//! Privilege tables in the shape the Web API returns
//! (`GET .../api/data/v9.2/privileges?$select=name,privilegeid,accessright,canbebasic,...`),
//! written at run time: every privilege of the built-in catalogues with the depths they
//! allow, a few real names outside them, and thousands of synthetic rows, split into pages
//! of at most 5,000 rows with `@odata.nextLink` on every page but the last.

use std::path::{Path, PathBuf};

use dvrole::model::catalogue::Catalogue;
use dvrole::model::depth::{Depth, DepthSet};
use serde_json::{json, Value};

/// How many synthetic rows a table holds besides the catalogue privileges.
pub const SYNTHETIC: usize = 6_000;

/// The most rows a page holds, as the Web API pages.
pub const PAGE_ROWS: usize = 5_000;

/// Real privileges outside the built-in catalogues that every test environment holds.
pub const EXTRA: [(&str, u32, [bool; 4]); 3] = [
    ("prvReadAccount", 1, [true, true, true, true]),
    ("prvReadContract", 1, [true, true, true, true]),
    ("prvReadPublisher", 1, [false, false, false, true]),
];

/// What a test environment changes from the catalogues' view.
#[derive(Default, Clone)]
pub struct Env {
    /// Privileges the environment lacks.
    pub lacks: Vec<&'static str>,
    /// Privileges whose depth flags differ: name and `[basic, local, deep, global]`.
    pub flags: Vec<(&'static str, [bool; 4])>,
}

fn access_flag(word: Option<&str>) -> u32 {
    match word {
        Some("Read") => 1,
        Some("Write") => 2,
        Some("Append") => 4,
        Some("AppendTo") => 16,
        Some("Create") => 32,
        Some("Delete") => 65536,
        Some("Share") => 262_144,
        Some("Assign") => 524_288,
        _ => 0,
    }
}

fn flags_of(allowed: DepthSet) -> [bool; 4] {
    [
        allowed.contains(Depth::Basic),
        allowed.contains(Depth::Local),
        allowed.contains(Depth::Deep),
        allowed.contains(Depth::Global),
    ]
}

/// A deterministic GUID for row `n`.
fn synthetic_id(n: usize) -> String {
    format!("5e7a0000-0000-4000-8000-{n:012x}")
}

/// The id of synthetic row `n` (for tests that name a privilege by id).
pub fn synthetic(n: usize) -> (String, String) {
    (format!("prvReadnew_synthetic{n:05}"), synthetic_id(n))
}

fn row(name: &str, id: Option<String>, access: u32, flags: [bool; 4], n: usize) -> Value {
    json!({
        "@odata.etag": format!("W/\"{}\"", 1000 + n),
        "name": name,
        "privilegeid": id,
        "accessright": access,
        "canbebasic": flags[0],
        "canbelocal": flags[1],
        "canbedeep": flags[2],
        "canbeglobal": flags[3],
    })
}

/// Every row of the environment `env`, in a stable order.
pub fn rows(env: &Env) -> Vec<Value> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let union = Catalogue::union(Catalogue::all_builtin().unwrap()).unwrap();
    for e in union.entries() {
        if env.lacks.contains(&e.privilege.as_str()) || !seen.insert(e.privilege.clone()) {
            continue;
        }
        let flags = env
            .flags
            .iter()
            .find(|(n, _)| *n == e.privilege)
            .map_or(flags_of(e.allowed), |(_, f)| *f);
        let id = e.privilege_id.map(|id| id.hyphenated().to_string());
        out.push(row(
            &e.privilege,
            id,
            access_flag(e.access_right.as_deref()),
            flags,
            out.len(),
        ));
    }
    for (name, access, flags) in EXTRA {
        if !env.lacks.contains(&name) {
            out.push(row(name, None, access, flags, out.len()));
        }
    }
    for n in 0..SYNTHETIC {
        let (name, id) = synthetic(n);
        let flags = match n % 4 {
            0 => [true, true, true, true],
            1 => [false, true, true, true],
            2 => [true, false, false, false],
            _ => [false, false, false, true],
        };
        out.push(row(&name, Some(id), 1 << (n % 3), flags, out.len()));
    }
    out
}

/// Writes the table of `env` as pages `NAME-1.json`, `NAME-2.json`, ... in `dir`.
pub fn write_pages(dir: &Path, name: &str, env: &Env) -> Vec<PathBuf> {
    let rows = rows(env);
    let chunks: Vec<&[Value]> = rows.chunks(PAGE_ROWS).collect();
    let mut paths = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        let mut page = json!({
            "@odata.context": "https://org.crm.dynamics.com/api/data/v9.2/$metadata#privileges(name,privilegeid,accessright,canbebasic,canbelocal,canbedeep,canbeglobal)",
            "value": chunk,
        });
        if i + 1 < chunks.len() {
            page["@odata.nextLink"] = json!(format!(
                "https://org.crm.dynamics.com/api/data/v9.2/privileges?$select=name&$skiptoken=page{}",
                i + 2
            ));
        }
        let path = dir.join(format!("{name}-{}.json", i + 1));
        std::fs::write(&path, serde_json::to_vec_pretty(&page).unwrap()).unwrap();
        paths.push(path);
    }
    paths
}

/// `--privileges PAGE` for each page.
pub fn flags(pages: &[PathBuf]) -> Vec<String> {
    pages
        .iter()
        .flat_map(|p| ["--privileges".to_string(), p.display().to_string()])
        .collect()
}

/// A page holding exactly `rows`.
pub fn page_of(dir: &Path, name: &str, rows: Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(
        &path,
        serde_json::to_vec(&json!({ "value": rows })).unwrap(),
    )
    .unwrap();
    path
}

#[test]
fn the_fixture_table_has_two_pages_and_thousands_of_rows() {
    let dir = tempfile::tempdir().unwrap();
    let pages = write_pages(dir.path(), "env", &Env::default());
    assert_eq!(pages.len(), 2);
    let first: Value = serde_json::from_slice(&std::fs::read(&pages[0]).unwrap()).unwrap();
    let second: Value = serde_json::from_slice(&std::fs::read(&pages[1]).unwrap()).unwrap();
    assert_eq!(first["value"].as_array().unwrap().len(), PAGE_ROWS);
    assert!(first["@odata.nextLink"].is_string());
    assert!(second.get("@odata.nextLink").is_none());
    let total =
        first["value"].as_array().unwrap().len() + second["value"].as_array().unwrap().len();
    assert_eq!(total, 45 + EXTRA.len() + SYNTHETIC);
}
