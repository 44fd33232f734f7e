//! Settings from three layers: the `dvrole.toml` config file, `DVROLE_*` environment
//! variables and command-line flags, resolved per key with flags > environment > file >
//! built-in defaults.
//!
//! Every value keeps where it came from ([`Given::origin`]): `dvrole.toml:12: role.id`,
//! `DVROLE_SOLUTION_VERSION` or `--role-id`, so every later error names the line, the
//! variable or the flag. Lists (`catalogue`, `role.exclude`) are replaced whole by the
//! highest layer that sets them; per-privilege tables (`role.depth`, `role.add`,
//! `role.allow`) merge privilege by privilege, the higher layer winning.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde_json::json;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::error::{Error, Result};
use crate::model::options::{GenerateOptions, Given, OutputOptions, RoleOptions, SolutionOptions};
use crate::util::{line_of, privilege_key, push_distinct};

/// The config file read from the working folder when `--config` is not given.
pub const DEFAULT_CONFIG_FILE: &str = "dvrole.toml";

/// Prefix of the environment variables dvrole reads.
pub const ENV_PREFIX: &str = "DVROLE_";

/// What kind of value a key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A string.
    Text,
    /// A whole number (a TOML integer, or a string of digits).
    Number,
    /// `true` or `false`.
    Bool,
    /// A list of strings; a layer that sets it replaces the lower layers' list.
    List,
    /// A table `PRIVILEGE = "DEPTH"`; merged per privilege across layers.
    DepthTable,
    /// A table `PRIVILEGE = ["DEPTH", ...]`; merged per privilege across layers.
    DepthsTable,
}

/// One setting: its config key, flag, environment variable and default.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// The dotted config key, e.g. `solution.version`.
    pub name: &'static str,
    /// The flag that sets it, e.g. `--solution-version`.
    pub flag: &'static str,
    /// What it holds.
    pub kind: KeyKind,
    /// The default as TOML text, or `None` where the default is computed.
    pub default: Option<&'static str>,
    /// What it means, for the starter config and `--print-config`.
    pub help: &'static str,
}

impl Key {
    /// The environment variable that sets it: `DVROLE_` and the key in capitals, `.` as `_`.
    pub fn env_var(&self) -> String {
        format!(
            "{ENV_PREFIX}{}",
            self.name.replace('.', "_").to_ascii_uppercase()
        )
    }
}

/// Every setting, in the order the starter config and `--print-config` list them.
pub const KEYS: &[Key] = &[
    Key {
        name: "catalogue",
        flag: "--catalogue",
        kind: KeyKind::List,
        default: Some("[\"server-side-sync\"]"),
        help: "catalogues the role is built from: built-in names or .toml paths (relative to this file); several make their union",
    },
    Key {
        name: "solution.name",
        flag: "--solution-name",
        kind: KeyKind::Text,
        default: Some("\"ServerSideSyncRole\""),
        help: "unique name of the solution",
    },
    Key {
        name: "solution.display_name",
        flag: "--solution-display-name",
        kind: KeyKind::Text,
        default: Some("\"Server-Side Sync Role\""),
        help: "display name of the solution",
    },
    Key {
        name: "solution.version",
        flag: "--solution-version",
        kind: KeyKind::Text,
        default: Some("\"1.0.0.0\""),
        help: "version, 2 to 4 numeric parts; in a pipeline set DVROLE_SOLUTION_VERSION instead",
    },
    Key {
        name: "solution.description",
        flag: "--description",
        kind: KeyKind::Text,
        default: None,
        help: "description of the solution [default: a sentence naming KB 4015092]",
    },
    Key {
        name: "solution.managed",
        flag: "--managed",
        kind: KeyKind::Bool,
        default: Some("false"),
        help: "short form of output.package_type = \"managed\"",
    },
    Key {
        name: "solution.language",
        flag: "--language",
        kind: KeyKind::Number,
        default: Some("1033"),
        help: "language code (LCID) of names and descriptions",
    },
    Key {
        name: "publisher.name",
        flag: "--publisher-name",
        kind: KeyKind::Text,
        default: Some("\"dvrole\""),
        help: "unique name of the publisher",
    },
    Key {
        name: "publisher.display_name",
        flag: "--publisher-display-name",
        kind: KeyKind::Text,
        default: Some("\"dvrole\""),
        help: "display name of the publisher",
    },
    Key {
        name: "publisher.prefix",
        flag: "--publisher-prefix",
        kind: KeyKind::Text,
        default: Some("\"dvrole\""),
        help: "customization prefix: 2 to 8 letters or digits, starting with a letter",
    },
    Key {
        name: "publisher.option_value_prefix",
        flag: "--option-value-prefix",
        kind: KeyKind::Number,
        default: Some("27182"),
        help: "option value prefix, 10000 to 99999",
    },
    Key {
        name: "role.name",
        flag: "--role-name",
        kind: KeyKind::Text,
        default: Some("\"Server-Side Sync User\""),
        help: "name of the role",
    },
    Key {
        name: "role.id",
        flag: "--role-id",
        kind: KeyKind::Text,
        default: None,
        help: "id of the role [default: derived from publisher and role name, stable across builds]",
    },
    Key {
        name: "role.default_depth",
        flag: "--default-depth",
        kind: KeyKind::Text,
        default: None,
        help: "depth for every privilege that allows it [default: each privilege's least allowed depth]",
    },
    Key {
        name: "role.exclude",
        flag: "--exclude",
        kind: KeyKind::List,
        default: Some("[]"),
        help: "catalogue privileges to leave out",
    },
    Key {
        name: "role.inheritance",
        flag: "--inheritance",
        kind: KeyKind::Text,
        default: Some("\"direct\""),
        help: "member's privilege inheritance: direct (isinherited=\"1\") or team (isinherited=\"0\", team privileges only)",
    },
    Key {
        name: "role.accept",
        flag: "--accept",
        kind: KeyKind::List,
        default: Some("[]"),
        help: "privilege names to take as real though they are close to a known name, e.g. [\"prvReadContract\"]",
    },
    Key {
        name: "role.depth",
        flag: "--depth",
        kind: KeyKind::DepthTable,
        default: None,
        help: "depth of one catalogue privilege: prvReadContact = \"Global\" (\"None\" leaves it out)",
    },
    Key {
        name: "role.add",
        flag: "--add",
        kind: KeyKind::DepthTable,
        default: None,
        help: "privileges outside the catalogue, with their depth: prvReadAccount = \"Local\"",
    },
    Key {
        name: "role.allow",
        flag: "--allow",
        kind: KeyKind::DepthsTable,
        default: None,
        help: "replace the depths a catalogue privilege allows: prvReadContact = [\"Local\", \"Global\"]",
    },
    Key {
        name: "environment.privileges",
        flag: "--privileges",
        kind: KeyKind::List,
        default: Some("[]"),
        help: "pages of the target environment's privilege table (JSON saved from the Web API), relative to this file",
    },
    Key {
        name: "environment.drop_absent",
        flag: "--drop-absent",
        kind: KeyKind::Bool,
        default: Some("false"),
        help: "leave out privileges the environment's table lacks, instead of stopping",
    },
    Key {
        name: "output.path",
        flag: "--output",
        kind: KeyKind::Text,
        default: None,
        help: "where generate writes [default: <SolutionName>_<version>.zip, or <SolutionName> for a folder]",
    },
    Key {
        name: "output.format",
        flag: "--format",
        kind: KeyKind::Text,
        default: Some("\"zip\""),
        help: "zip, or folder for the source-control layout (Other/, Roles/)",
    },
    Key {
        name: "output.package_type",
        flag: "--package-type",
        kind: KeyKind::Text,
        default: Some("\"unmanaged\""),
        help: "unmanaged, managed or both",
    },
];

/// The key called `name`.
pub fn key(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name == name)
}

/// A value set by one layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A single value (text, number or bool, as text).
    One(Given),
    /// A list, replaced whole by a higher layer.
    List(Vec<Given>),
    /// A per-privilege table: lowercase privilege name to the values setting it, each a
    /// `PRIVILEGE=DEPTH[,DEPTH...]` [`Given`]. A higher layer replaces a privilege's entry.
    Table(BTreeMap<String, Vec<Given>>),
}

/// The settings one layer (file, environment, flags) gives, by key name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layer {
    /// The values, by key name.
    pub values: BTreeMap<&'static str, Value>,
}

impl Layer {
    fn set_one(&mut self, key: &'static str, given: Option<Given>) {
        if let Some(given) = given {
            self.values.insert(key, Value::One(given));
        }
    }

    fn set_list(&mut self, key: &'static str, list: Vec<Given>) {
        if !list.is_empty() {
            self.values.insert(key, Value::List(list));
        }
    }

    fn set_table(&mut self, key: &'static str, list: Vec<Given>) {
        if list.is_empty() {
            return;
        }
        let mut table: BTreeMap<String, Vec<Given>> = BTreeMap::new();
        for given in list {
            table
                .entry(privilege_key(&given.value))
                .or_default()
                .push(given);
        }
        self.values.insert(key, Value::Table(table));
    }

    /// The layer that command-line flags give.
    pub fn from_flags(options: &GenerateOptions, output: &OutputOptions) -> Layer {
        let mut layer = Layer::default();
        let r = &options.role;
        let s = &options.solution;
        layer.set_list("catalogue", r.catalogue.clone());
        layer.set_table("role.allow", r.allow.clone());
        layer.set_one("role.name", r.role_name.clone());
        layer.set_one("role.id", r.role_id.clone());
        layer.set_table("role.depth", r.depth.clone());
        layer.set_one("role.default_depth", r.default_depth.clone());
        layer.set_list("role.exclude", r.exclude.clone());
        layer.set_table("role.add", r.add.clone());
        layer.set_one("role.inheritance", r.inheritance.clone());
        layer.set_list("role.accept", r.accept.clone());
        layer.set_list("environment.privileges", r.privileges.clone());
        layer.set_one("environment.drop_absent", r.drop_absent.clone());
        layer.set_one("solution.name", s.solution_name.clone());
        layer.set_one("solution.display_name", s.solution_display_name.clone());
        layer.set_one("solution.version", s.solution_version.clone());
        layer.set_one("solution.description", s.description.clone());
        layer.set_one("publisher.name", s.publisher_name.clone());
        layer.set_one("publisher.display_name", s.publisher_display_name.clone());
        layer.set_one("publisher.prefix", s.publisher_prefix.clone());
        layer.set_one(
            "publisher.option_value_prefix",
            s.option_value_prefix.clone(),
        );
        layer.set_one("solution.language", s.language.clone());
        if s.managed {
            layer.set_one("solution.managed", Some(Given::flag("--managed", "true")));
        }
        layer.set_one("output.path", output.path.clone());
        layer.set_one("output.format", output.format.clone());
        layer.set_one("output.package_type", output.package_type.clone());
        layer
    }

    /// The layer that `DVROLE_*` environment variables give. An empty variable counts as
    /// unset; list and table variables hold items separated by spaces or `;`, e.g.
    /// `DVROLE_ROLE_DEPTH="prvReadContact=Global prvReadQueue=None"`.
    pub fn from_env(vars: impl IntoIterator<Item = (OsString, OsString)>) -> Result<Layer> {
        let mut layer = Layer::default();
        let mut found: BTreeMap<String, OsString> = BTreeMap::new();
        for (name, value) in vars {
            if let Some(name) = name.to_str() {
                if name.starts_with(ENV_PREFIX) {
                    found.insert(name.to_string(), value);
                }
            }
        }
        for key in KEYS {
            let var = key.env_var();
            let Some(raw) = found.get(&var) else {
                continue;
            };
            let text = raw.to_str().ok_or_else(|| {
                Error::invalid(
                    &var,
                    &raw.to_string_lossy(),
                    "is not valid UTF-8; set it to plain text",
                )
            })?;
            if text.trim().is_empty() {
                continue;
            }
            let items = || -> Vec<Given> {
                text.split(|c: char| c == ';' || c.is_whitespace())
                    .filter(|s| !s.is_empty())
                    .map(|s| Given::flag(&var, s))
                    .collect()
            };
            match key.kind {
                KeyKind::Text | KeyKind::Number => {
                    layer.set_one(key.name, Some(Given::flag(&var, text)));
                }
                KeyKind::Bool => {
                    let value = parse_bool(text.trim())
                        .ok_or_else(|| Error::invalid(&var, text, "expected true or false"))?;
                    layer.set_one(key.name, Some(Given::flag(&var, value.to_string())));
                }
                KeyKind::List => layer.set_list(key.name, items()),
                KeyKind::DepthTable | KeyKind::DepthsTable => layer.set_table(key.name, items()),
            }
        }
        Ok(layer)
    }

    /// The layer a config file gives. `label` names the file in messages.
    pub fn from_toml(label: &str, bytes: &[u8]) -> Result<Layer> {
        let text = std::str::from_utf8(bytes).map_err(|e| Error::Config {
            origin: label.to_string(),
            message: format!(
                "is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
                e.valid_up_to()
            ),
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let file = File { label, text };
        let doc = DeTable::parse(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            Error::Config {
                origin: format!("{label}:{line}"),
                message: format!("not valid TOML: {}", e.message().trim().replace('\n', " ")),
            }
        })?;
        let mut layer = Layer::default();
        file.table(&mut layer, "", doc.get_ref())?;
        Ok(layer)
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// A config file being read.
struct File<'a> {
    label: &'a str,
    text: &'a str,
}

/// The sections a config file may hold.
const SECTIONS: &[&str] = &["solution", "publisher", "role", "environment", "output"];

impl File<'_> {
    fn origin(&self, at: usize, key: &str) -> String {
        format!("{}:{}: {key}", self.label, line_of(self.text, at))
    }

    fn error(&self, at: usize, key: &str, message: impl Into<String>) -> Error {
        Error::Config {
            origin: self.origin(at, key),
            message: message.into(),
        }
    }

    /// Reads the entries of the table at `prefix` (`""` for the document).
    fn table(&self, layer: &mut Layer, prefix: &str, table: &DeTable<'_>) -> Result<()> {
        // In file order, so the first problem reported is the first in the file.
        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        for (k, v) in entries {
            let name = if prefix.is_empty() {
                k.get_ref().to_string()
            } else {
                format!("{prefix}.{}", k.get_ref())
            };
            let at = k.span().start;
            if prefix.is_empty() && SECTIONS.contains(&name.as_str()) {
                let DeValue::Table(inner) = v.get_ref() else {
                    return Err(self.error(
                        at,
                        &name,
                        format!(
                            "expected a table [{name}], found {}",
                            v.get_ref().type_str()
                        ),
                    ));
                };
                self.table(layer, &name, inner)?;
                continue;
            }
            let Some(key) = key(&name) else {
                let known: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
                let hint = strsim_nearest(&name, &known)
                    .map(|s| format!(" (did you mean '{s}'?)"))
                    .unwrap_or_default();
                return Err(self.error(
                    at,
                    &crate::util::short(&name),
                    format!("unknown key{hint}; `dvrole init` writes a config listing every key"),
                ));
            };
            self.value(layer, key, at, v)?;
        }
        Ok(())
    }

    fn value(
        &self,
        layer: &mut Layer,
        key: &'static Key,
        at: usize,
        v: &Spanned<DeValue<'_>>,
    ) -> Result<()> {
        let origin = self.origin(at, key.name);
        let wrong = |expected: &str| {
            self.error(
                at,
                key.name,
                format!("expected {expected}, found {}", v.get_ref().type_str()),
            )
        };
        match key.kind {
            KeyKind::Text => {
                let s = v.get_ref().as_str().ok_or_else(|| wrong("a string"))?;
                layer.set_one(
                    key.name,
                    Some(Given {
                        value: s.to_string(),
                        origin,
                    }),
                );
            }
            KeyKind::Number => {
                let s = match v.get_ref() {
                    DeValue::Integer(i) => i.as_str().replace('_', ""),
                    DeValue::String(s) => s.to_string(),
                    _ => return Err(wrong("a whole number")),
                };
                layer.set_one(key.name, Some(Given { value: s, origin }));
            }
            KeyKind::Bool => {
                let b = v
                    .get_ref()
                    .as_bool()
                    .ok_or_else(|| wrong("true or false"))?;
                layer.set_one(
                    key.name,
                    Some(Given {
                        value: b.to_string(),
                        origin,
                    }),
                );
            }
            KeyKind::List => {
                let items = v
                    .get_ref()
                    .as_array()
                    .ok_or_else(|| wrong("a list of strings, e.g. [\"a\", \"b\"]"))?;
                let mut list = Vec::new();
                for item in items.iter() {
                    let s = item.get_ref().as_str().ok_or_else(|| {
                        self.error(
                            item.span().start,
                            key.name,
                            format!(
                                "expected a list of strings, but an item is {}",
                                item.get_ref().type_str()
                            ),
                        )
                    })?;
                    list.push(Given {
                        value: s.to_string(),
                        origin: origin.clone(),
                    });
                }
                // An explicit empty list still replaces the lower layers' list.
                layer.values.insert(key.name, Value::List(list));
            }
            KeyKind::DepthTable | KeyKind::DepthsTable => {
                let DeValue::Table(table) = v.get_ref() else {
                    return Err(wrong("a table of privilege = depth"));
                };
                let mut map: BTreeMap<String, Vec<Given>> = BTreeMap::new();
                for (pk, pv) in table.iter() {
                    let privilege = pk.get_ref().to_string();
                    let name = format!("{}.{privilege}", key.name);
                    let at = pk.span().start;
                    let depths = match (key.kind, pv.get_ref()) {
                        (_, DeValue::String(s)) => s.to_string(),
                        (KeyKind::DepthsTable, DeValue::Array(items)) => {
                            let mut words = Vec::new();
                            for item in items.iter() {
                                let s = item.get_ref().as_str().ok_or_else(|| {
                                    self.error(
                                        at,
                                        &name,
                                        "expected a list of depths, e.g. [\"Local\", \"Global\"]",
                                    )
                                })?;
                                words.push(s.to_string());
                            }
                            if words.is_empty() {
                                return Err(self.error(
                                    at,
                                    &name,
                                    "the list of allowed depths is empty; name at least one depth",
                                ));
                            }
                            words.join(",")
                        }
                        (KeyKind::DepthsTable, other) => {
                            return Err(self.error(
                                at,
                                &name,
                                format!(
                                "expected a list of depths, e.g. [\"Local\", \"Global\"], found {}",
                                other.type_str()
                            ),
                            ))
                        }
                        (_, other) => {
                            return Err(self.error(
                                at,
                                &name,
                                format!(
                                    "expected a depth such as \"Global\", found {}",
                                    other.type_str()
                                ),
                            ))
                        }
                    };
                    map.entry(privilege.to_ascii_lowercase())
                        .or_default()
                        .push(Given {
                            value: format!("{privilege}={depths}"),
                            origin: self.origin(at, &name),
                        });
                }
                layer.values.insert(key.name, Value::Table(map));
            }
        }
        Ok(())
    }
}

/// The nearest of `candidates` to `name`, when close enough to be a typo. A name over 64
/// bytes gets none: it is no typo of a key, and comparing it would take long.
fn strsim_nearest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if name.len() > 64 {
        return None;
    }
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(name, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Which config file to read.
#[derive(Debug, Clone)]
pub enum ConfigSource {
    /// `dvrole.toml` in the working folder, if it is there.
    Discover,
    /// A file the user named: it must exist.
    Path(PathBuf),
}

/// Reads the config file `source` names, if any.
pub fn read_file(source: &ConfigSource) -> Result<Option<Layer>> {
    let path: &Path = match source {
        ConfigSource::Discover => {
            let p = Path::new(DEFAULT_CONFIG_FILE);
            if !p.exists() {
                return Ok(None);
            }
            p
        }
        ConfigSource::Path(p) => p,
    };
    let label = path.display().to_string();
    if path.is_dir() {
        return Err(Error::Config {
            origin: label,
            message: "is a folder, not a config file; remove it or name a file with --config"
                .into(),
        });
    }
    // Read no more than a config file can sensibly be, whatever the path names: a pipe or
    // a device has no length to check beforehand.
    const MAX_CONFIG_BYTES: u64 = 1 << 20;
    let bytes = crate::util::read_capped(path, MAX_CONFIG_BYTES)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::Config {
                origin: label.clone(),
                message: "config file not found; check --config, or run `dvrole init` to write one"
                    .into(),
            },
            _ => Error::io(path, e),
        })?
        .ok_or_else(|| Error::Config {
            origin: label.clone(),
            message: "is larger than 1 MiB; a dvrole config is a short TOML file".into(),
        })?;
    let mut layer = Layer::from_toml(&label, &bytes)?;
    rebase_catalogue_paths(&mut layer, path.parent());
    rebase_table_paths(&mut layer, path.parent());
    Ok(Some(layer))
}

/// Makes relative catalogue paths in a config file relative to the file's folder, so a
/// config works from any working folder. A value is a path by the rules `--catalogue` follows
/// ([`catalogues::is_path`](crate::settings::catalogues::is_path)), except that a value that is no
/// built-in name is looked for as a file in the config's folder, not the working folder;
/// built-in names are left alone.
fn rebase_catalogue_paths(layer: &mut Layer, dir: Option<&Path>) {
    let Some(dir) = dir.filter(|d| !d.as_os_str().is_empty()) else {
        return;
    };
    let Some(Value::List(items)) = layer.values.get_mut("catalogue") else {
        return;
    };
    for given in items {
        let v = given.value.trim();
        let is_path = crate::model::catalogue::reads_as_path(v)
            || (!crate::model::catalogue::is_builtin_name(v) && dir.join(v).is_file());
        if is_path && Path::new(v).is_relative() {
            given.value = dir.join(v).display().to_string();
        }
    }
}

/// Makes relative `environment.privileges` paths relative to the config file's folder.
fn rebase_table_paths(layer: &mut Layer, dir: Option<&Path>) {
    let Some(dir) = dir.filter(|d| !d.as_os_str().is_empty()) else {
        return;
    };
    let Some(Value::List(items)) = layer.values.get_mut("environment.privileges") else {
        return;
    };
    for given in items {
        if Path::new(given.value.trim()).is_relative() {
            given.value = dir.join(given.value.trim()).display().to_string();
        }
    }
}

/// The settings resolved from every layer, ready to build from.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// The role and solution settings.
    pub options: GenerateOptions,
    /// Where and how generate writes.
    pub output: OutputOptions,
    /// The winning value of every key that some layer set.
    pub values: BTreeMap<&'static str, Value>,
}

/// Folds `solution.managed` into `output.package_type` within one layer: they are one
/// setting, and both set must agree.
fn normalise_package_type(layer: &Layer) -> Result<Layer> {
    let mut layer = layer.clone();
    let Some(Value::One(m)) = layer.values.remove("solution.managed") else {
        return Ok(layer);
    };
    let managed = parse_bool(&m.value)
        .ok_or_else(|| Error::invalid(&m.origin, &m.value, "expected true or false"))?;
    let as_type = if managed { "managed" } else { "unmanaged" };
    if let Some(Value::One(p)) = layer.values.get("output.package_type") {
        if !p.value.trim().eq_ignore_ascii_case(as_type) {
            return Err(Error::Conflict(format!(
                "{} '{}' contradicts {} '{}'; keep one",
                m.origin, m.value, p.origin, p.value
            )));
        }
        return Ok(layer);
    }
    layer.values.insert(
        "output.package_type",
        Value::One(Given {
            value: as_type.to_string(),
            origin: m.origin,
        }),
    );
    Ok(layer)
}

/// The keys that each say what becomes of a privilege.
const PRIVILEGE_KEYS: [&str; 3] = ["role.depth", "role.add", "role.exclude"];

/// The lowercase privileges a layer names under [`PRIVILEGE_KEYS`].
fn privileges_named(layer: &Layer) -> std::collections::BTreeSet<String> {
    let mut named = std::collections::BTreeSet::new();
    for key in PRIVILEGE_KEYS {
        match layer.values.get(key) {
            Some(Value::Table(t)) => named.extend(t.keys().cloned()),
            Some(Value::List(l)) => named.extend(l.iter().map(|g| privilege_key(&g.value))),
            _ => {}
        }
    }
    named
}

/// Resolves the layers, given lowest first (file, environment, flags), per key.
pub fn resolve(layers: &[Layer]) -> Result<Resolved> {
    let mut values: BTreeMap<&'static str, Value> = BTreeMap::new();
    for layer in layers {
        let layer = normalise_package_type(layer)?;
        // The highest layer that names a privilege in depth, add or exclude decides what
        // becomes of it: drop what lower layers said of it under any of those keys.
        let named = privileges_named(&layer);
        if !named.is_empty() {
            for key in PRIVILEGE_KEYS {
                match values.get_mut(key) {
                    Some(Value::Table(lower)) => lower.retain(|p, _| !named.contains(p)),
                    Some(Value::List(lower)) => {
                        lower.retain(|g| !named.contains(&privilege_key(&g.value)))
                    }
                    _ => {}
                }
            }
        }
        for (name, value) in layer.values {
            match (values.get_mut(name), value) {
                (Some(Value::Table(lower)), Value::Table(higher)) => {
                    lower.extend(higher);
                }
                (_, value) => {
                    values.insert(name, value);
                }
            }
        }
    }
    let one = |name: &str| match values.get(name) {
        Some(Value::One(g)) => Some(g.clone()),
        _ => None,
    };
    let many = |name: &str| match values.get(name) {
        Some(Value::List(l)) => l.clone(),
        Some(Value::Table(t)) => t.values().flatten().cloned().collect(),
        _ => Vec::new(),
    };
    let options = GenerateOptions {
        role: RoleOptions {
            catalogue: many("catalogue"),
            allow: many("role.allow"),
            role_name: one("role.name"),
            role_id: one("role.id"),
            depth: many("role.depth"),
            default_depth: one("role.default_depth"),
            exclude: many("role.exclude"),
            add: many("role.add"),
            accept: many("role.accept"),
            inheritance: one("role.inheritance"),
            privileges: many("environment.privileges"),
            drop_absent: one("environment.drop_absent"),
        },
        solution: SolutionOptions {
            solution_name: one("solution.name"),
            solution_display_name: one("solution.display_name"),
            solution_version: one("solution.version"),
            description: one("solution.description"),
            publisher_name: one("publisher.name"),
            publisher_display_name: one("publisher.display_name"),
            publisher_prefix: one("publisher.prefix"),
            option_value_prefix: one("publisher.option_value_prefix"),
            managed: false,
            language: one("solution.language"),
        },
    };
    let output = OutputOptions {
        path: one("output.path"),
        format: one("output.format"),
        package_type: one("output.package_type"),
    };
    Ok(Resolved {
        options,
        output,
        values,
    })
}

/// Reads the config file and the environment, and resolves them with the flags.
pub fn load(
    source: &ConfigSource,
    flags: &GenerateOptions,
    output: &OutputOptions,
) -> Result<Resolved> {
    let mut layers = Vec::with_capacity(3);
    if let Some(layer) = read_file(source)? {
        layers.push(layer);
    }
    layers.push(Layer::from_env(std::env::vars_os())?);
    layers.push(Layer::from_flags(flags, output));
    resolve(&layers)
}

/// A TOML string literal.
fn toml_string(s: &str) -> String {
    // JSON string escapes are valid TOML basic-string escapes.
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.escape_default()))
}

fn toml_value(key: &Key, given: &Given) -> String {
    match key.kind {
        KeyKind::Bool => given.value.clone(),
        KeyKind::Number
            if !given.value.is_empty() && given.value.bytes().all(|b| b.is_ascii_digit()) =>
        {
            given.value.clone()
        }
        _ => toml_string(&given.value),
    }
}

/// The value part of a table item `PRIVILEGE=...`.
fn table_item(key: &Key, given: &Given) -> (String, String) {
    let (name, rest) = given
        .value
        .split_once('=')
        .map_or((given.value.as_str(), ""), |(a, b)| (a.trim(), b.trim()));
    let value = match key.kind {
        KeyKind::DepthsTable => {
            let words: Vec<String> = rest.split(',').map(|w| toml_string(w.trim())).collect();
            format!("[{}]", words.join(", "))
        }
        _ => toml_string(rest),
    };
    let name = if name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !name.is_empty()
    {
        name.to_string()
    } else {
        toml_string(name)
    };
    (name, value)
}

/// The resolved settings as TOML lines, each with a comment saying where it came from,
/// as `dvrole generate --print-config` shows them.
pub fn render_text(resolved: &Resolved) -> String {
    let mut out = String::new();
    for key in KEYS.iter().filter(|k| k.name != "solution.managed") {
        match resolved.values.get(key.name) {
            Some(Value::One(g)) => {
                out.push_str(&format!(
                    "{} = {}  # {}\n",
                    key.name,
                    toml_value(key, g),
                    g.origin
                ));
            }
            Some(Value::List(list)) => {
                let items: Vec<String> = list.iter().map(|g| toml_string(&g.value)).collect();
                let origins = origins(list);
                let origin = if origins.is_empty() {
                    "set empty".to_string()
                } else {
                    origins.join(", ")
                };
                out.push_str(&format!(
                    "{} = [{}]  # {origin}\n",
                    key.name,
                    items.join(", ")
                ));
            }
            Some(Value::Table(table)) => {
                for given in table.values().flatten() {
                    let (name, value) = table_item(key, given);
                    out.push_str(&format!(
                        "{}.{name} = {value}  # {}\n",
                        key.name, given.origin
                    ));
                }
            }
            None => match key.default {
                Some(d) => out.push_str(&format!("{} = {d}  # default\n", key.name)),
                None => out.push_str(&format!("# {} not set: {}\n", key.name, key.help)),
            },
        }
    }
    out
}

/// Where a list's values came from, each place once, in order.
fn origins(list: &[Given]) -> Vec<String> {
    let mut out = Vec::new();
    for given in list {
        push_distinct(&mut out, &given.origin);
    }
    out
}

/// The resolved settings as JSON: `{"settings": [{"key", "value", "origin"}]}`, one entry
/// per key and per table item; `value` is null and `origin` is `"default"` for keys no
/// layer set.
pub fn render_json(resolved: &Resolved) -> serde_json::Value {
    let mut settings = Vec::new();
    for key in KEYS.iter().filter(|k| k.name != "solution.managed") {
        match resolved.values.get(key.name) {
            Some(Value::One(g)) => {
                settings.push(json!({"key": key.name, "value": g.value, "origin": g.origin}))
            }
            Some(Value::List(list)) => settings.push(json!({
                "key": key.name,
                "value": list.iter().map(|g| g.value.clone()).collect::<Vec<_>>(),
                "origin": origins(list).join(", "),
            })),
            Some(Value::Table(table)) => {
                for given in table.values().flatten() {
                    settings.push(
                        json!({"key": key.name, "value": given.value, "origin": given.origin}),
                    );
                }
            }
            None => settings.push(json!({"key": key.name, "value": null, "origin": "default"})),
        }
    }
    json!({ "settings": settings })
}

/// The commented starter config `dvrole init` writes: every key, commented out, with its
/// default.
pub fn starter() -> String {
    let mut out = String::from(
        "# dvrole.toml: settings for `dvrole generate` and `dvrole report`.\n\
         # Precedence, per key: command-line flags > DVROLE_* environment variables > this file > defaults.\n\
         # Each key's environment variable is DVROLE_ and the key in capitals, '.' as '_',\n\
         # e.g. DVROLE_SOLUTION_VERSION. Uncomment a line to set it.\n\n",
    );
    let mut section = "";
    for key in KEYS {
        let (sect, leaf) = key.name.split_once('.').unwrap_or(("", key.name));
        let table_key = matches!(key.kind, KeyKind::DepthTable | KeyKind::DepthsTable);
        let header = if table_key { key.name } else { sect };
        if header != section {
            if !header.is_empty() {
                out.push_str(&format!("\n[{header}]\n"));
            }
            section = header;
        }
        out.push_str(&format!(
            "# {} ({}, {})\n",
            key.help,
            key.flag,
            key.env_var()
        ));
        if table_key {
            let example = match key.name {
                "role.depth" => "prvReadContact = \"Global\"",
                "role.add" => "prvReadAccount = \"Local\"",
                _ => "prvReadContact = [\"Local\", \"Global\"]",
            };
            out.push_str(&format!("# {example}\n"));
        } else {
            let value = key.default.unwrap_or(match key.name {
                "role.id" => "\"2f3c1f8e-0d6b-4a8e-9a51-7c1d2e3f4a5b\"",
                "role.default_depth" => "\"Local\"",
                "output.path" => "\"ServerSideSyncRole_1_0_0_0.zip\"",
                _ => "\"\"",
            });
            out.push_str(&format!("# {leaf} = {value}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Result<Layer> {
        Layer::from_env(
            pairs
                .iter()
                .map(|(k, v)| (OsString::from(k), OsString::from(v))),
        )
    }

    #[test]
    fn env_lists_split_on_spaces_and_semicolons() {
        let layer = env(&[
            ("DVROLE_ROLE_EXCLUDE", "prvA; prvB  prvC"),
            ("DVROLE_ROLE_ALLOW", "prvA=Local,Global;prvB=Global"),
            ("DVROLE_ROLE_NAME", ""),
            ("DVROLE_UNRELATED", "x"),
            ("PATH", "/bin"),
        ])
        .unwrap();
        let resolved = resolve(&[layer]).unwrap();
        let values = |v: &[Given]| v.iter().map(|g| g.value.clone()).collect::<Vec<_>>();
        assert_eq!(
            values(&resolved.options.role.exclude),
            ["prvA", "prvB", "prvC"]
        );
        assert_eq!(
            values(&resolved.options.role.allow),
            ["prvA=Local,Global", "prvB=Global"]
        );
        assert!(resolved.options.role.role_name.is_none(), "empty is unset");
    }

    #[cfg(unix)]
    #[test]
    fn env_values_must_be_utf8() {
        use std::os::unix::ffi::OsStringExt;
        let err = Layer::from_env([(
            OsString::from("DVROLE_ROLE_NAME"),
            OsString::from_vec(vec![0xff]),
        )])
        .unwrap_err();
        assert!(err.to_string().starts_with("DVROLE_ROLE_NAME"), "{err}");
    }

    #[test]
    fn a_long_unknown_key_is_cut_in_the_message() {
        let toml = format!("[role]\n{} = 1\n", "x".repeat(100_000));
        let err = Layer::from_toml("f.toml", toml.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.len() < 200, "{} bytes", err.len());
        assert!(err.starts_with("f.toml:2: role.xxx"), "{err}");
        assert!(err.contains("...: unknown key;"), "{err}");
    }

    #[test]
    fn catalogue_paths_are_rebased_by_the_rules_catalogue_follows() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("plain"), "").unwrap();
        let mut layer = Layer::from_toml(
            "f.toml",
            b"catalogue = [\"Mine.TOML\", \"plain\", \"server-side-sync\", \"absent\"]\n",
        )
        .unwrap();
        rebase_catalogue_paths(&mut layer, Some(dir.path()));
        let Some(Value::List(items)) = layer.values.get("catalogue") else {
            panic!("catalogue is a list");
        };
        let values: Vec<&str> = items.iter().map(|g| g.value.as_str()).collect();
        let inside = |name: &str| dir.path().join(name).display().to_string();
        assert_eq!(
            values,
            [
                inside("Mine.TOML").as_str(),
                inside("plain").as_str(),
                "server-side-sync",
                "absent"
            ]
        );
    }

    #[test]
    fn tables_merge_per_privilege_case_insensitively() {
        let file = Layer::from_toml(
            "f.toml",
            b"[role.depth]\nprvReadContact = \"Global\"\nprvReadQueue = \"Local\"\n",
        )
        .unwrap();
        let flags = env(&[("DVROLE_ROLE_DEPTH", "prvreadcontact=Basic")]).unwrap();
        let resolved = resolve(&[file, flags]).unwrap();
        let depth: Vec<(String, String)> = resolved
            .options
            .role
            .depth
            .iter()
            .map(|g| (g.value.clone(), g.origin.clone()))
            .collect();
        assert_eq!(
            depth,
            [
                ("prvreadcontact=Basic".into(), "DVROLE_ROLE_DEPTH".into()),
                (
                    "prvReadQueue=Local".into(),
                    "f.toml:3: role.depth.prvReadQueue".into()
                ),
            ]
        );
    }

    #[test]
    fn a_higher_layer_decides_a_privilege_it_names() {
        let file = Layer::from_toml(
            "dvrole.toml",
            b"[role]\nexclude = [\"prvReadContact\", \"prvReadIncident\"]\n[role.depth]\nprvReadQueue = \"Global\"\n",
        )
        .unwrap();
        let flags = env(&[
            ("DVROLE_ROLE_DEPTH", "prvReadContact=Local"),
            ("DVROLE_ROLE_EXCLUDE", ""),
        ])
        .unwrap();
        let mut more = env(&[("DVROLE_ROLE_EXCLUDE", "prvReadQueue")]).unwrap();
        more.values.extend(flags.values);
        let resolved = resolve(&[file, more]).unwrap();
        let role = &resolved.options.role;
        let values = |v: &[Given]| v.iter().map(|g| g.value.clone()).collect::<Vec<_>>();
        assert_eq!(values(&role.depth), ["prvReadContact=Local"]);
        assert_eq!(values(&role.exclude), ["prvReadQueue"]);
    }

    #[test]
    fn a_higher_managed_overrides_a_lower_package_type() {
        let file = Layer::from_toml("f.toml", b"[output]\npackage_type = \"both\"\n").unwrap();
        let env_layer = env(&[("DVROLE_SOLUTION_MANAGED", "true")]).unwrap();
        let resolved = resolve(&[file, env_layer]).unwrap();
        let p = resolved.output.package_type.unwrap();
        assert_eq!(
            (p.value.as_str(), p.origin.as_str()),
            ("managed", "DVROLE_SOLUTION_MANAGED")
        );
    }

    #[test]
    fn the_starter_parses_and_sets_nothing() {
        let layer = Layer::from_toml("dvrole.toml", starter().as_bytes()).unwrap();
        assert!(
            layer
                .values
                .values()
                .all(|v| matches!(v, Value::Table(t) if t.is_empty())),
            "{layer:?}"
        );
    }

    #[test]
    fn every_key_has_a_distinct_env_var() {
        let mut vars: Vec<String> = KEYS.iter().map(Key::env_var).collect();
        vars.sort();
        vars.dedup();
        assert_eq!(vars.len(), KEYS.len());
        assert_eq!(
            key("solution.version").unwrap().env_var(),
            "DVROLE_SOLUTION_VERSION"
        );
    }
}
