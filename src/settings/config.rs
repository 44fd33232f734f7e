//! Settings from three layers: the `dvrole.toml` config file, `DVROLE_*` environment
//! variables and command-line flags, resolved per key with flags > environment > file >
//! built-in defaults.
//!
//! Every value keeps where it came from ([`Given::origin`]): `dvrole.toml:12: role.id`,
//! `DVROLE_SOLUTION_VERSION` or `--role-id`, so every later error names the line, the
//! variable or the flag. Lists (`catalogue`, `role.exclude`) are replaced whole by the
//! highest layer that sets them; per-privilege tables (`role.depth`, `role.add`,
//! `role.allow`) merge privilege by privilege, the higher layer winning.
//!
//! Which keys there are, their kinds and defaults, is the setting table's
//! ([`crate::settings::table`]); this module only reads, merges and renders them.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::Serialize;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::error::{Error, Result};
use crate::model::options::{GenerateOptions, Given, OutputOptions, RoleOptions, SolutionOptions};
use crate::open::{self, Accept, OpenError};
use crate::settings::table::{toml_string, Kind, Setting};
use crate::util::{line_of, privilege_key, push_distinct};

pub use crate::settings::table::{DEFAULT_CONFIG_FILE, ENV_PREFIX};

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

/// The settings one layer (file, environment, flags) gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layer {
    /// The values, by setting.
    pub values: BTreeMap<Setting, Value>,
}

impl Layer {
    fn set_one(&mut self, key: Setting, given: Option<Given>) {
        if let Some(given) = given {
            self.values.insert(key, Value::One(given));
        }
    }

    fn set_list(&mut self, key: Setting, list: Vec<Given>) {
        if !list.is_empty() {
            self.values.insert(key, Value::List(list));
        }
    }

    fn set_table(&mut self, key: Setting, list: Vec<Given>) {
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

    /// The layer that command-line flags give: for each setting given, its values, each
    /// labelled with the flag. Settings without a config key are left out; a switch counts
    /// when its value is `true`.
    pub fn from_flags(flags: impl IntoIterator<Item = (Setting, Vec<Given>)>) -> Layer {
        let mut layer = Layer::default();
        for (setting, values) in flags {
            if setting.key().is_none() {
                continue;
            }
            match setting.spec().kind {
                Kind::List => layer.set_list(setting, values),
                Kind::DepthTable | Kind::DepthsTable => layer.set_table(setting, values),
                Kind::Switch => {
                    if values.iter().any(|g| g.value == "true") {
                        layer.set_one(setting, values.into_iter().next());
                    }
                }
                Kind::Text | Kind::Number | Kind::Path => {
                    layer.set_one(setting, values.into_iter().next_back())
                }
            }
        }
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
        for key in Setting::keyed() {
            let Some(var) = key.env_var() else {
                continue;
            };
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
            match key.spec().kind {
                Kind::Text | Kind::Number | Kind::Path => {
                    layer.set_one(key, Some(Given::flag(&var, text)));
                }
                Kind::Switch => {
                    let value = parse_bool(text.trim())
                        .ok_or_else(|| Error::invalid(&var, text, BOOL_WORDS))?;
                    layer.set_one(key, Some(Given::flag(&var, value.to_string())));
                }
                Kind::List => layer.set_list(key, items()),
                Kind::DepthTable | Kind::DepthsTable => layer.set_table(key, items()),
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

/// What a switch set by a variable or a flag value may say, for messages.
const BOOL_WORDS: &str = "expected true or false (or 1, 0, yes, no)";

/// A switch's value as a variable writes it: `true`, `1`, `yes` or their opposites, any case.
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

/// Whether `name` is a section of the config file: the part before the `.` of some key.
fn is_section(name: &str) -> bool {
    Setting::keyed().filter_map(Setting::key).any(|k| {
        k.split_once('.')
            .is_some_and(|(section, _)| section == name)
    })
}

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
            if prefix.is_empty() && is_section(&name) {
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
            let Some(key) = Setting::from_key(&name) else {
                let known: Vec<&str> = Setting::keyed().filter_map(Setting::key).collect();
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
        key: Setting,
        at: usize,
        v: &Spanned<DeValue<'_>>,
    ) -> Result<()> {
        let spec = key.spec();
        let name = spec.key.unwrap_or(spec.flag);
        let origin = self.origin(at, name);
        let wrong = |expected: &str| {
            self.error(
                at,
                name,
                format!("expected {expected}, found {}", v.get_ref().type_str()),
            )
        };
        match spec.kind {
            Kind::Text | Kind::Path => {
                let s = v.get_ref().as_str().ok_or_else(|| wrong("a string"))?;
                layer.set_one(
                    key,
                    Some(Given {
                        value: s.to_string(),
                        origin,
                    }),
                );
            }
            Kind::Number => {
                let s = match v.get_ref() {
                    DeValue::Integer(i) => i.as_str().replace('_', ""),
                    DeValue::String(s) => s.to_string(),
                    _ => return Err(wrong("a whole number")),
                };
                layer.set_one(key, Some(Given { value: s, origin }));
            }
            Kind::Switch => {
                let b = v
                    .get_ref()
                    .as_bool()
                    .ok_or_else(|| wrong("true or false"))?;
                layer.set_one(
                    key,
                    Some(Given {
                        value: b.to_string(),
                        origin,
                    }),
                );
            }
            Kind::List => {
                let items = v
                    .get_ref()
                    .as_array()
                    .ok_or_else(|| wrong("a list of strings, e.g. [\"a\", \"b\"]"))?;
                let mut list = Vec::new();
                for item in items.iter() {
                    let s = item.get_ref().as_str().ok_or_else(|| {
                        self.error(
                            item.span().start,
                            name,
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
                layer.values.insert(key, Value::List(list));
            }
            Kind::DepthTable | Kind::DepthsTable => {
                let DeValue::Table(table) = v.get_ref() else {
                    return Err(wrong("a table of privilege = depth"));
                };
                let mut map: BTreeMap<String, Vec<Given>> = BTreeMap::new();
                for (pk, pv) in table.iter() {
                    let privilege = pk.get_ref().to_string();
                    let entry_name = format!("{name}.{privilege}");
                    let at = pk.span().start;
                    let depths = match (spec.kind, pv.get_ref()) {
                        (_, DeValue::String(s)) => s.to_string(),
                        (Kind::DepthsTable, DeValue::Array(items)) => {
                            let mut words = Vec::new();
                            for item in items.iter() {
                                let s = item.get_ref().as_str().ok_or_else(|| {
                                    self.error(
                                        at,
                                        &entry_name,
                                        "expected a list of depths, e.g. [\"Local\", \"Global\"]",
                                    )
                                })?;
                                words.push(s.to_string());
                            }
                            if words.is_empty() {
                                return Err(self.error(
                                    at,
                                    &entry_name,
                                    "the list of allowed depths is empty; name at least one depth",
                                ));
                            }
                            words.join(",")
                        }
                        (Kind::DepthsTable, other) => {
                            return Err(self.error(
                                at,
                                &entry_name,
                                format!(
                                "expected a list of depths, e.g. [\"Local\", \"Global\"], found {}",
                                other.type_str()
                            ),
                            ))
                        }
                        (_, other) => {
                            return Err(self.error(
                                at,
                                &entry_name,
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
                            origin: self.origin(at, &entry_name),
                        });
                }
                layer.values.insert(key, Value::Table(map));
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
    Path {
        /// The file.
        path: PathBuf,
        /// What named it: `--config` or `DVROLE_CONFIG`.
        origin: String,
    },
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
        ConfigSource::Path { path, .. } => path,
    };
    let label = path.display().to_string();
    // What named the file, for the message: the flag or the variable.
    let named_by = match source {
        ConfigSource::Path { origin, .. } => origin.as_str(),
        ConfigSource::Discover => "--config",
    };
    if path.is_dir() {
        return Err(Error::Config {
            origin: label,
            message: format!(
                "is a folder, not a config file; remove it or name a file with {named_by}"
            ),
        });
    }
    // Read no more than a config file can sensibly be, whatever the path names: a pipe or
    // a device has no length to check beforehand.
    const MAX_CONFIG_BYTES: u64 = 1 << 20;
    let bytes = open::read_capped(path, MAX_CONFIG_BYTES, Accept::Streams).map_err(|e| {
        let message = match e {
            OpenError::NotFound => format!(
                "config file not found; check {named_by}, or run `dvrole init` to write one"
            ),
            OpenError::TooLarge(_) => {
                "is larger than 1 MiB; a dvrole config is a short TOML file".into()
            }
            other => other.to_string(),
        };
        Error::Config {
            origin: label.clone(),
            message,
        }
    })?;
    let mut layer = Layer::from_toml(&label, &bytes)?;
    rebase_catalogue_paths(&mut layer, path.parent());
    rebase_table_paths(&mut layer, path.parent());
    Ok(Some(layer))
}

/// Makes relative `environment.privileges` paths in a config file relative to the file's
/// folder.
fn rebase_table_paths(layer: &mut Layer, dir: Option<&Path>) {
    let Some(dir) = dir.filter(|d| !d.as_os_str().is_empty()) else {
        return;
    };
    let Some(Value::List(items)) = layer.values.get_mut(&Setting::Privileges) else {
        return;
    };
    for given in items {
        let v = given.value.trim();
        if Path::new(v).is_relative() {
            given.value = dir.join(v).display().to_string();
        }
    }
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
    let Some(Value::List(items)) = layer.values.get_mut(&Setting::Catalogue) else {
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

/// The settings resolved from every layer, ready to build from.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// The role and solution settings.
    pub options: GenerateOptions,
    /// Where and how generate writes.
    pub output: OutputOptions,
    /// The winning value of every setting that some layer set.
    pub values: BTreeMap<Setting, Value>,
    /// Warnings about the environment, e.g. a `DVROLE_` variable no setting reads.
    pub warnings: Vec<String>,
}

impl Resolved {
    /// The value of a single-valued setting, when some layer set it.
    pub fn one(&self, setting: Setting) -> Option<&Given> {
        match self.values.get(&setting) {
            Some(Value::One(g)) => Some(g),
            _ => None,
        }
    }

    /// The values of a list or table setting (empty when no layer set it).
    pub fn many(&self, setting: Setting) -> Vec<Given> {
        match self.values.get(&setting) {
            Some(Value::List(l)) => l.clone(),
            Some(Value::Table(t)) => t.values().flatten().cloned().collect(),
            Some(Value::One(g)) => vec![g.clone()],
            None => Vec::new(),
        }
    }
}

/// Folds `solution.managed` into `output.package_type` within one layer: they are one
/// setting, and both set must agree.
fn normalise_package_type(layer: &Layer) -> Result<Layer> {
    let mut layer = layer.clone();
    let Some(Value::One(m)) = layer.values.remove(&Setting::Managed) else {
        return Ok(layer);
    };
    let managed =
        parse_bool(&m.value).ok_or_else(|| Error::invalid(&m.origin, &m.value, BOOL_WORDS))?;
    let as_type = if managed { "managed" } else { "unmanaged" };
    if let Some(Value::One(p)) = layer.values.get(&Setting::PackageType) {
        if !p.value.trim().eq_ignore_ascii_case(as_type) {
            return Err(Error::Conflict(format!(
                "{} '{}' contradicts {} '{}'; keep one",
                m.origin, m.value, p.origin, p.value
            )));
        }
        return Ok(layer);
    }
    layer.values.insert(
        Setting::PackageType,
        Value::One(Given {
            value: as_type.to_string(),
            origin: m.origin,
        }),
    );
    Ok(layer)
}

/// The settings that each say what becomes of a privilege.
const PRIVILEGE_KEYS: [Setting; 3] = [Setting::Depth, Setting::Add, Setting::Exclude];

/// The lowercase privileges a layer names under [`PRIVILEGE_KEYS`].
fn privileges_named(layer: &Layer) -> std::collections::BTreeSet<String> {
    let mut named = std::collections::BTreeSet::new();
    for key in PRIVILEGE_KEYS {
        match layer.values.get(&key) {
            Some(Value::Table(t)) => named.extend(t.keys().cloned()),
            Some(Value::List(l)) => named.extend(l.iter().map(|g| privilege_key(&g.value))),
            _ => {}
        }
    }
    named
}

/// Resolves the layers, given lowest first (file, environment, flags), per key.
pub fn resolve(layers: &[Layer]) -> Result<Resolved> {
    let mut values: BTreeMap<Setting, Value> = BTreeMap::new();
    for layer in layers {
        let layer = normalise_package_type(layer)?;
        // The highest layer that names a privilege in depth, add or exclude decides what
        // becomes of it: drop what lower layers said of it under any of those keys.
        let named = privileges_named(&layer);
        if !named.is_empty() {
            for key in PRIVILEGE_KEYS {
                match values.get_mut(&key) {
                    Some(Value::Table(lower)) => lower.retain(|p, _| !named.contains(p)),
                    Some(Value::List(lower)) => {
                        lower.retain(|g| !named.contains(&privilege_key(&g.value)))
                    }
                    _ => {}
                }
            }
        }
        for (name, value) in layer.values {
            match (values.get_mut(&name), value) {
                (Some(Value::Table(lower)), Value::Table(higher)) => {
                    lower.extend(higher);
                }
                (_, value) => {
                    values.insert(name, value);
                }
            }
        }
    }
    let mut resolved = Resolved {
        values,
        ..Resolved::default()
    };
    let one = |s: Setting| resolved.one(s).cloned();
    let many = |s: Setting| resolved.many(s);
    let options = GenerateOptions {
        role: RoleOptions {
            catalogue: many(Setting::Catalogue),
            allow: many(Setting::Allow),
            role_name: one(Setting::RoleName),
            role_id: one(Setting::RoleId),
            depth: many(Setting::Depth),
            default_depth: one(Setting::DefaultDepth),
            exclude: many(Setting::Exclude),
            add: many(Setting::Add),
            accept: many(Setting::Accept),
            inheritance: one(Setting::Inheritance),
            privileges: many(Setting::Privileges),
            drop_absent: one(Setting::DropAbsent),
        },
        solution: SolutionOptions {
            solution_name: one(Setting::SolutionName),
            solution_display_name: one(Setting::SolutionDisplayName),
            solution_version: one(Setting::SolutionVersion),
            description: one(Setting::Description),
            publisher_name: one(Setting::PublisherName),
            publisher_display_name: one(Setting::PublisherDisplayName),
            publisher_prefix: one(Setting::PublisherPrefix),
            option_value_prefix: one(Setting::OptionValuePrefix),
            managed: false,
            language: one(Setting::Language),
        },
    };
    let output = OutputOptions {
        path: one(Setting::Output),
        format: one(Setting::Format),
        package_type: one(Setting::PackageType),
    };
    resolved.options = options;
    resolved.output = output;
    Ok(resolved)
}

/// Warnings for the `DVROLE_` variables among `names` that no setting reads: one per
/// variable that looks like a misspelt one, naming it, and one listing the rest.
pub fn env_warnings<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let known: Vec<String> = Setting::ALL.iter().filter_map(|s| s.env_var()).collect();
    let known_refs: Vec<&str> = known.iter().map(String::as_str).collect();
    let mut unknown: Vec<&str> = names
        .into_iter()
        .filter(|n| n.starts_with(ENV_PREFIX) && !known_refs.contains(n))
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    let mut warnings = Vec::new();
    let mut others = Vec::new();
    // Compared without the shared prefix, which would make every name look close.
    let known_rest: Vec<&str> = known_refs
        .iter()
        .map(|k| k.strip_prefix(ENV_PREFIX).unwrap_or(k))
        .collect();
    for name in unknown {
        let rest = name.strip_prefix(ENV_PREFIX).unwrap_or(name);
        match strsim_nearest(rest, &known_rest) {
            Some(meant) => warnings.push(format!(
                "ignoring environment variable {name}: dvrole reads no such variable; did you mean {ENV_PREFIX}{meant}?"
            )),
            None => others.push(name),
        }
    }
    if !others.is_empty() {
        let noun = if others.len() == 1 {
            "variable"
        } else {
            "variables"
        };
        warnings.push(format!(
            "ignoring environment {noun} {}: dvrole reads no such {noun}; `dvrole init` lists the DVROLE_ variables it reads",
            others.join(", ")
        ));
    }
    warnings
}

/// Reads the config file and the environment, and resolves them with the flags.
pub fn load(
    source: &ConfigSource,
    flags: impl IntoIterator<Item = (Setting, Vec<Given>)>,
) -> Result<Resolved> {
    let mut layers = Vec::with_capacity(3);
    if let Some(layer) = read_file(source)? {
        layers.push(layer);
    }
    let vars: Vec<(OsString, OsString)> = std::env::vars_os().collect();
    layers.push(Layer::from_env(vars.iter().cloned())?);
    layers.push(Layer::from_flags(flags));
    let mut resolved = resolve(&layers)?;
    resolved.warnings = env_warnings(vars.iter().filter_map(|(name, _)| name.to_str()));
    Ok(resolved)
}

fn toml_value(key: Setting, given: &Given) -> String {
    match key.spec().kind {
        Kind::Switch => given.value.clone(),
        Kind::Number
            if !given.value.is_empty() && given.value.bytes().all(|b| b.is_ascii_digit()) =>
        {
            given.value.clone()
        }
        _ => toml_string(&given.value),
    }
}

/// The value part of a table item `PRIVILEGE=...`.
fn table_item(key: Setting, given: &Given) -> (String, String) {
    let (name, rest) = given
        .value
        .split_once('=')
        .map_or((given.value.as_str(), ""), |(a, b)| (a.trim(), b.trim()));
    let value = match key.spec().kind {
        Kind::DepthsTable => {
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

/// The keyed settings `--print-config` lists: all but `solution.managed`, which resolves
/// into `output.package_type`.
fn printed() -> impl Iterator<Item = (Setting, &'static str)> {
    Setting::keyed()
        .filter(|s| *s != Setting::Managed)
        .filter_map(|s| s.key().map(|k| (s, k)))
}

/// What a key without a value says: its help and, where there is one, its default.
fn unset_note(setting: Setting) -> String {
    let spec = setting.spec();
    match spec.default.describe() {
        Some(d) => format!("{} [default: {d}]", spec.help),
        None => spec.help.to_string(),
    }
}

/// The resolved settings as TOML lines, each with a comment saying where it came from,
/// as `dvrole generate --print-config` shows them.
pub fn render_text(resolved: &Resolved) -> String {
    let mut out = String::new();
    for (setting, name) in printed() {
        match resolved.values.get(&setting) {
            Some(Value::One(g)) => {
                out.push_str(&format!(
                    "{name} = {}  # {}\n",
                    toml_value(setting, g),
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
                out.push_str(&format!("{name} = [{}]  # {origin}\n", items.join(", ")));
            }
            Some(Value::Table(table)) => {
                for given in table.values().flatten() {
                    let (item, value) = table_item(setting, given);
                    out.push_str(&format!("{name}.{item} = {value}  # {}\n", given.origin));
                }
            }
            None => match setting.spec().default.toml(setting.spec().kind) {
                Some(d) => out.push_str(&format!("{name} = {d}  # default\n")),
                None => out.push_str(&format!("# {name} not set: {}\n", unset_note(setting))),
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

/// The resolved settings as JSON: `{"settings": [{"key", "origin", "value"}]}`, one entry
/// per key and per table item; `value` is null and `origin` is `"default"` for keys no
/// layer set.
pub fn render_json(resolved: &Resolved) -> PrintedConfig<'_> {
    let mut settings = Vec::new();
    for (setting, key) in printed() {
        match resolved.values.get(&setting) {
            Some(Value::One(g)) => settings.push(PrintedSetting {
                key,
                origin: g.origin.clone(),
                value: PrintedValue::One(&g.value),
            }),
            Some(Value::List(list)) => settings.push(PrintedSetting {
                key,
                origin: origins(list).join(", "),
                value: PrintedValue::List(list.iter().map(|g| g.value.as_str()).collect()),
            }),
            Some(Value::Table(table)) => {
                for given in table.values().flatten() {
                    settings.push(PrintedSetting {
                        key,
                        origin: given.origin.clone(),
                        value: PrintedValue::One(&given.value),
                    });
                }
            }
            None => settings.push(PrintedSetting {
                key,
                origin: "default".to_string(),
                value: PrintedValue::Unset,
            }),
        }
    }
    PrintedConfig { settings }
}

/// What `generate --print-config --json` prints.
#[derive(Debug, Serialize)]
pub struct PrintedConfig<'a> {
    /// Every key, in the table's order; a table key once per item.
    pub settings: Vec<PrintedSetting<'a>>,
}

/// One key of [`PrintedConfig`]. Fields are in alphabetical order, the order of their keys
/// in JSON.
#[derive(Debug, Serialize)]
pub struct PrintedSetting<'a> {
    /// The key, e.g. `role.depth`.
    pub key: &'static str,
    /// Where the value came from (`dvrole.toml:12: role.id`), or `default`.
    pub origin: String,
    /// The value.
    pub value: PrintedValue<'a>,
}

/// A printed value: null when no layer set the key, a string, or a list of strings.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum PrintedValue<'a> {
    /// No layer set the key: `null`.
    Unset,
    /// One value.
    One(&'a str),
    /// A list key's values.
    List(Vec<&'a str>),
}

/// The commented starter config `dvrole init` writes: every key, commented out. A key with
/// a default shows it as the commented value, so uncommenting it changes nothing; a key
/// whose default is worked out says how, and a table shows an example.
pub fn starter() -> String {
    let mut out = String::from(
        "# dvrole.toml: settings for `dvrole generate`, `dvrole report` and `dvrole audit`.\n\
         # Precedence, per key: command-line flags > DVROLE_* environment variables > this file > defaults.\n\
         # Each key's environment variable is DVROLE_ and the key in capitals, '.' as '_',\n\
         # e.g. DVROLE_SOLUTION_VERSION. Relative catalogue paths are read relative to this file.\n\
         # Each commented value is the default (a line that says \"for example\" shows a sample);\n\
         # uncomment a line and change it to set it.\n\n",
    );
    let mut section = "";
    for setting in Setting::keyed() {
        let spec = setting.spec();
        let Some(name) = spec.key else { continue };
        let (sect, leaf) = name.split_once('.').unwrap_or(("", name));
        let header = if spec.kind.is_table() { name } else { sect };
        if header != section {
            if !header.is_empty() {
                out.push_str(&format!("\n[{header}]\n"));
            }
            section = header;
        }
        let env = setting.env_var().unwrap_or_default();
        let flag = setting.flag();
        match spec.default.toml(spec.kind) {
            Some(value) if !spec.kind.is_table() => {
                out.push_str(&comment(&format!("{} ({flag}, {env})", spec.help)));
                out.push_str(&format!("# {leaf} = {value}\n"));
            }
            _ => {
                out.push_str(&comment(&format!(
                    "{} ({flag}, {env})",
                    unset_note(setting)
                )));
                if let Some(example) = spec.example {
                    let line = if spec.kind.is_table() {
                        example.to_string()
                    } else {
                        format!("{leaf} = {example}")
                    };
                    out.push_str(&format!("# for example: {line}\n"));
                }
            }
        }
    }
    out
}

/// `text` as `# ` comment lines of at most 100 columns, broken between words.
fn comment(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::from("#");
    for word in text.split(' ') {
        if line.len() > 1 && line.len() + 1 + word.len() > 100 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
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
        assert!(
            err.contains("... (100005 characters): unknown key;"),
            "{err}"
        );
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
        let Some(Value::List(items)) = layer.values.get(&Setting::Catalogue) else {
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
    fn unknown_variables_are_named_once_and_typos_get_a_suggestion() {
        let warnings = env_warnings([
            "DVROLE_SOLUTION_VERSON",
            "DVROLE_CONFIG",
            "DVROLE_SOLUTION_VERSION",
            "DVROLE_FROBNICATE",
            "DVROLE_XYZZY",
            "PATH",
        ]);
        assert_eq!(
            warnings,
            [
                "ignoring environment variable DVROLE_SOLUTION_VERSON: dvrole reads no such variable; did you mean DVROLE_SOLUTION_VERSION?",
                "ignoring environment variables DVROLE_FROBNICATE, DVROLE_XYZZY: dvrole reads no such variables; `dvrole init` lists the DVROLE_ variables it reads",
            ]
        );
        assert!(env_warnings(["DVROLE_ROLE_NAME", "HOME"]).is_empty());
    }
}
