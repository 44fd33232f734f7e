//! The library's modules import one way: no module reaches itself through a chain of
//! `crate::` imports, both between the top-level layers (`model`, `settings`, `xml`, `part`,
//! `package`, `ops`, `cli`, ...) and between single modules. A module and its own
//! submodules do not count as importing each other.
//!
//! The imports are read from the source text: every `crate::a::b` path outside comments,
//! with `use crate::{a, b::c}` groups expanded, and `super::` paths made absolute.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The module path of a source file: `src/ops/audit.rs` -> `ops::audit`,
/// `src/model/mod.rs` -> `model`, `src/lib.rs` -> `` (the crate root).
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("a file below src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" && stem != "main" {
        parts.push(stem.to_string());
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("a readable src folder")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The source with `//` comments removed (doc comments and doc links included) and string
/// literals blanked, so only code paths remain.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_str = false;
        let mut prev = '\0';
        let mut kept = String::new();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if !in_str && c == '/' && chars.get(i + 1) == Some(&'/') {
                break;
            }
            if c == '"' && prev != '\\' {
                in_str = !in_str;
                kept.push(' ');
            } else if in_str {
                kept.push(' ');
            } else {
                kept.push(c);
            }
            prev = if prev == '\\' && c == '\\' { '\0' } else { c };
            i += 1;
        }
        out.push_str(&kept);
        out.push('\n');
    }
    out
}

/// Every path a `use` group expands to: `{a, b::{c, d}}` -> `a`, `b::c`, `b::d`.
fn expand_group(prefix: &str, body: &str, out: &mut Vec<String>) {
    let mut depth = 0;
    let mut start = 0;
    let bytes: Vec<char> = body.chars().collect();
    let mut items = Vec::new();
    for (i, c) in bytes.iter().enumerate() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(bytes[start..i].iter().collect::<String>());
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(bytes[start..].iter().collect::<String>());
    for item in items {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        if let Some(open) = item.find('{') {
            let head = item[..open].trim().trim_end_matches("::");
            let inner = item[open + 1..].trim_end().trim_end_matches('}');
            expand_group(&join(prefix, head), inner, out);
        } else {
            let item = item.split(" as ").next().unwrap_or(item).trim();
            out.push(join(prefix, item));
        }
    }
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else if b.is_empty() {
        a.to_string()
    } else {
        format!("{a}::{b}")
    }
}

/// The crate-relative paths `code` names: `crate::x::y` and `super::z`, resolved against
/// `module`.
fn imported_paths(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut raw = Vec::new();
    // `use` statements (possibly spanning lines) first, for their groups.
    let flat = code.replace('\n', " ");
    for stmt in flat.split(';') {
        let stmt = stmt.trim();
        let Some(at) = stmt.find("use ") else {
            continue;
        };
        let body = stmt[at + 4..].trim();
        if body.starts_with("crate::") || body.starts_with("super::") {
            expand_group("", body, &mut raw);
        }
    }
    // Then every path in expressions and types.
    for (marker, _) in flat.match_indices("crate::") {
        let rest = &flat[marker..];
        let path: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        raw.push(path);
    }
    let mut out = Vec::new();
    for path in raw {
        let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        let mut resolved: Vec<String>;
        let mut rest = &segments[..];
        if rest.first() == Some(&"crate") {
            resolved = Vec::new();
            rest = &rest[1..];
        } else if rest.first() == Some(&"super") {
            // In `a/b.rs` (module a::b) `super` is `a`; in `a/mod.rs` (module a) it is the root.
            resolved = module.to_vec();
            while rest.first() == Some(&"super") {
                resolved.pop();
                rest = &rest[1..];
            }
        } else {
            continue;
        }
        for s in rest {
            resolved.push(s.to_string());
        }
        out.push(resolved);
    }
    out
}

/// The graph of `from -> to` between module names known in `modules`, each import cut to
/// the longest known module prefix, and (with `top`) further to its top-level module.
fn graph(
    imports: &BTreeMap<Vec<String>, Vec<Vec<String>>>,
    top: bool,
) -> BTreeMap<String, BTreeSet<String>> {
    let known: BTreeSet<&Vec<String>> = imports.keys().collect();
    let name = |m: &[String]| -> String {
        if top {
            m.first().cloned().unwrap_or_default()
        } else {
            m.join("::")
        }
    };
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, paths) in imports {
        if from.is_empty() {
            continue; // the crate root declares every module
        }
        g.entry(name(from)).or_default();
        for path in paths {
            let mut target = path.clone();
            while !target.is_empty() && !known.contains(&target) {
                target.pop();
            }
            if target.is_empty() {
                continue;
            }
            // A module and its own submodules do not count.
            if target.starts_with(from) || from.starts_with(&target) {
                continue;
            }
            let (a, b) = (name(from), name(&target));
            if a != b {
                g.entry(a).or_default().insert(b);
            }
        }
    }
    g
}

/// A cycle in `g`, as the list of modules on it, if there is one.
fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(n.to_string(), Mark::Open);
        stack.push(n.to_string());
        for next in g.get(n).into_iter().flatten() {
            match marks.get(next.as_str()).copied().unwrap_or(Mark::New) {
                Mark::Open => {
                    let at = stack.iter().position(|s| s == next).unwrap_or(0);
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(c) = visit(next, g, marks, stack) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        stack.pop();
        marks.insert(n.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for n in g.keys() {
        if marks.get(n.as_str()).copied().unwrap_or(Mark::New) == Mark::New {
            let mut stack = Vec::new();
            if let Some(c) = visit(n, g, &mut marks, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

fn library_imports() -> BTreeMap<Vec<String>, Vec<Vec<String>>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut imports = BTreeMap::new();
    for file in files {
        if file.file_name().is_some_and(|n| n == "main.rs") && file.parent() == Some(&src) {
            continue; // the binary, not the library
        }
        let text = std::fs::read_to_string(&file).expect("readable source");
        let module = module_of(&src, &file);
        let paths = imported_paths(&code_only(&text), &module);
        imports.insert(module, paths);
    }
    imports
}

#[test]
fn top_level_layers_import_one_way() {
    let g = graph(&library_imports(), true);
    assert!(g.len() >= 7, "expected the layered modules, found {g:?}");
    if let Some(cycle) = find_cycle(&g) {
        panic!("the layers import each other: {}", cycle.join(" -> "));
    }
}

#[test]
fn modules_import_one_way() {
    let g = graph(&library_imports(), false);
    if let Some(cycle) = find_cycle(&g) {
        panic!("modules import each other: {}", cycle.join(" -> "));
    }
}

#[test]
fn the_checker_sees_a_cycle_when_there_is_one() {
    // A made-up crate: a -> b::c, b::c -> a (through a group and a super path).
    let mut imports = BTreeMap::new();
    let a = vec!["a".to_string()];
    let b = vec!["b".to_string()];
    let bc = vec!["b".to_string(), "c".to_string()];
    let code_a = code_only("use crate::{b::c::Thing, x};\n// use crate::z;\n");
    let code_c = code_only("fn f() { let _ = crate::a::g(); }\nuse super::d; // \"crate::q\"\n");
    imports.insert(a.clone(), imported_paths(&code_a, &a));
    imports.insert(b.clone(), Vec::new());
    imports.insert(bc.clone(), imported_paths(&code_c, &bc));
    let cycle = find_cycle(&graph(&imports, false)).expect("a cycle");
    assert_eq!(cycle.first(), cycle.last());
    assert!(cycle.contains(&"a".to_string()) && cycle.contains(&"b::c".to_string()));
    // A module importing its own submodule is no cycle.
    let mut own = BTreeMap::new();
    own.insert(b.clone(), imported_paths("use crate::b::c;", &b));
    own.insert(bc.clone(), imported_paths("use super::Thing;", &bc));
    assert_eq!(find_cycle(&graph(&own, false)), None);
}

/// The layers, bottom first. A module may import only from layers before its own.
const LAYERS: &[&str] = &[
    "text", "util", "error", "open", "model", "settings", "xml", "part", "package", "ops", "cli",
];

#[test]
fn every_import_points_down_the_layers() {
    let g = graph(&library_imports(), true);
    let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
    let mut wrong = Vec::new();
    for (from, tos) in &g {
        let Some(rf) = rank(from) else {
            wrong.push(format!("{from} is in no layer; add it to LAYERS"));
            continue;
        };
        for to in tos {
            match rank(to) {
                Some(rt) if rt < rf => {}
                _ => wrong.push(format!("{from} imports {to}")),
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layers: {wrong:?}");
    // The graph is real: the top imports the layers below it.
    assert!(g
        .get("cli")
        .is_some_and(|t| t.contains("ops") && t.contains("model")));
}
