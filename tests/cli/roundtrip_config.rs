//! Property: any valid configuration -> `dvrole generate` -> `dvrole validate` passes ->
//! `dvrole audit` of what was written, with the same configuration, finds nothing ->
//! `dvrole generate --check` against it exits 0. The configuration is a dvrole.toml, as a
//! pipeline keeps it, so every command reads the same settings the way a user's would.

use crate::common;

use std::path::Path;

use dvrole::model::catalogue::Catalogue;
use dvrole::model::depth::Depth;
use dvrole::model::options::Given;
use dvrole::settings::catalogues;
use proptest::prelude::*;

const CATALOGUES: [&str; 3] = [
    "server-side-sync",
    "app-for-outlook",
    "app-for-outlook-views",
];

#[derive(Debug, Clone)]
struct Config {
    /// Which built-in catalogues (bit i selects CATALOGUES[i]); never none.
    catalogues: u8,
    default_depth: Option<Depth>,
    /// Per catalogue entry, in order: None keeps the default; Some(k) picks an allowed depth
    /// (k modulo their number), or excludes the privilege when k is 7.
    picks: Vec<Option<u8>>,
    role_name: String,
    version: (u16, u16, u16, u16),
    folder: bool,
    package_type: &'static str,
}

fn config() -> impl Strategy<Value = Config> {
    (
        1u8..8,
        prop::option::of(prop::sample::select(Depth::ALL.to_vec())),
        prop::collection::vec(prop::option::weighted(0.4, 0u8..8), 64),
        "[A-Za-z0-9 <>&\"'ßü_.()-]{1,60}".prop_filter("not blank", |s| !s.trim().is_empty()),
        (0u16..10, 0u16..10, 0u16..1000, 0u16..1000),
        any::<bool>(),
        prop::sample::select(vec!["unmanaged", "managed", "both"]),
    )
        .prop_map(
            |(catalogues, default_depth, picks, role_name, version, folder, package_type)| Config {
                catalogues,
                default_depth,
                picks,
                role_name,
                version,
                folder,
                package_type,
            },
        )
}

/// The dvrole.toml for `c`, and whether the role it describes holds any privilege.
fn render(c: &Config) -> (String, bool) {
    let names: Vec<&str> = CATALOGUES
        .iter()
        .enumerate()
        .filter(|(i, _)| c.catalogues & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect();
    let given: Vec<Given> = names
        .iter()
        .map(|n| Given::flag("--catalogue", *n))
        .collect();
    let merged: Catalogue = catalogues::select(&given, &[]).expect("built-ins merge");

    let mut root = toml::Table::new();
    root.insert(
        "catalogue".into(),
        toml::Value::Array(
            names
                .iter()
                .map(|n| toml::Value::String(n.to_string()))
                .collect(),
        ),
    );
    let mut role = toml::Table::new();
    role.insert("name".into(), toml::Value::String(c.role_name.clone()));
    if let Some(d) = c.default_depth {
        role.insert("default_depth".into(), toml::Value::String(d.to_string()));
    }
    let mut depth = toml::Table::new();
    let mut exclude = Vec::new();
    for (entry, pick) in merged.entries().iter().zip(&c.picks) {
        match pick {
            None => {}
            Some(7) => exclude.push(toml::Value::String(entry.privilege.clone())),
            Some(k) => {
                let allowed: Vec<Depth> = entry.allowed.iter().collect();
                let d = allowed[*k as usize % allowed.len()];
                depth.insert(
                    entry.privilege.clone(),
                    toml::Value::String(d.editor_name().to_string()),
                );
            }
        }
    }
    let held = merged.entries().len() > exclude.len();
    if !exclude.is_empty() {
        role.insert("exclude".into(), toml::Value::Array(exclude));
    }
    if !depth.is_empty() {
        role.insert("depth".into(), toml::Value::Table(depth));
    }
    root.insert("role".into(), toml::Value::Table(role));
    let mut solution = toml::Table::new();
    let (a, b, cc, d) = c.version;
    solution.insert(
        "version".into(),
        toml::Value::String(format!("{a}.{b}.{cc}.{d}")),
    );
    root.insert("solution".into(), toml::Value::Table(solution));
    let mut output = toml::Table::new();
    output.insert(
        "path".into(),
        toml::Value::String(if c.folder { "out" } else { "out.zip" }.into()),
    );
    output.insert(
        "format".into(),
        toml::Value::String(if c.folder { "folder" } else { "zip" }.into()),
    );
    output.insert(
        "package_type".into(),
        toml::Value::String(c.package_type.into()),
    );
    root.insert("output".into(), toml::Value::Table(output));
    (toml::to_string(&root).expect("TOML"), held)
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    common::cmd(dir).args(args).output().expect("dvrole runs")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn generate_validate_audit_check_agree(c in config()) {
        let dir = tempfile::tempdir().unwrap();
        let (toml, held) = render(&c);
        std::fs::write(dir.path().join("dvrole.toml"), &toml).unwrap();
        let generated = run(dir.path(), &["generate"]);
        if !held {
            prop_assert_eq!(generated.status.code(), Some(2), "an empty role is refused");
            return Ok(());
        }
        prop_assert!(generated.status.success(), "generate: {}\n{toml}", String::from_utf8_lossy(&generated.stderr));

        let outputs: Vec<&str> = match (c.folder, c.package_type) {
            (true, _) => vec!["out"],
            (false, "both") => vec!["out.zip", "out_managed.zip"],
            (false, _) => vec!["out.zip"],
        };
        for out in &outputs {
            let v = run(dir.path(), &["validate", out]);
            prop_assert!(v.status.success(), "validate {out}: {}\n{toml}", String::from_utf8_lossy(&v.stdout));
            let a = run(dir.path(), &["audit", out]);
            prop_assert_eq!(a.status.code(), Some(0), "audit {}: {}{}\n{}", out, String::from_utf8_lossy(&a.stdout), String::from_utf8_lossy(&a.stderr), toml);
            let said = String::from_utf8_lossy(&a.stdout);
            prop_assert!(said.contains("audited 1 role"), "audit {out} found the role: {said}");
        }
        let check = run(dir.path(), &["generate", "--check"]);
        prop_assert_eq!(check.status.code(), Some(0), "check: {}\n{}", String::from_utf8_lossy(&check.stdout), toml);
    }
}
