//! The clap arguments of the settings, made from the setting table
//! ([`crate::settings::table`]), and the lists of which command takes which settings.
//!
//! A command takes a list of settings by flattening a type `setting_args!` makes; the
//! values it was given come back as [`Flags`].

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser, ValueHint};
use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Command};

use crate::model::catalogue::Catalogue;
use crate::model::options::Given;
use crate::settings::config::ConfigSource;
use crate::settings::table::{Kind, Values, DEPTH_WORDS};
use crate::settings::Setting;

/// Settings that decide the role's privileges and depths (`generate`, `report`, `audit`).
pub const PRIVILEGES: &[Setting] = &[
    Setting::Catalogue,
    Setting::Allow,
    Setting::Depth,
    Setting::DefaultDepth,
    Setting::Exclude,
    Setting::Add,
    Setting::Accept,
    Setting::Privileges,
    Setting::DropAbsent,
];

/// The role's name, id and inheritance (`generate`, `report`).
pub const ROLE: &[Setting] = &[Setting::RoleName, Setting::RoleId, Setting::Inheritance];

/// What commands that check against the target environment take (`validate`, `explain`,
/// `catalogue show`): its privilege table, and names the user says are real.
pub const ENVIRONMENT: &[Setting] = &[Setting::Privileges, Setting::Accept];

/// The target environment's table alone (`diff`, which builds no role).
pub const TABLE: &[Setting] = &[Setting::Privileges];

/// Settings that decide the solution and its publisher (`generate`, `report`).
pub const SOLUTION: &[Setting] = &[
    Setting::SolutionName,
    Setting::SolutionDisplayName,
    Setting::SolutionVersion,
    Setting::Description,
    Setting::PublisherName,
    Setting::PublisherDisplayName,
    Setting::PublisherPrefix,
    Setting::OptionValuePrefix,
    Setting::Managed,
    Setting::Language,
];

/// Where and how `generate` writes.
pub const OUTPUT: &[Setting] = &[Setting::Output, Setting::Format, Setting::PackageType];

/// Into an existing source tree instead (`generate`, `fix`).
pub const INTO: &[Setting] = &[Setting::Into];

/// The config file (`generate`, `report`, `audit`).
pub const CONFIG: &[Setting] = &[Setting::Config];

/// The catalogue `explain` refers to.
pub const EXPLAIN: &[Setting] = &[Setting::ExplainCatalogue];

/// Where `init` writes.
pub const INIT: &[Setting] = &[Setting::InitOutput];

/// The depth rules `catalogue show` applies, as `generate` does.
pub const CATALOGUE_SHOW: &[Setting] = &[Setting::Allow];

/// How much a reader reads (`validate`, `audit`, `report`).
pub const READ: &[Setting] = &[Setting::MaxEntrySize];

/// What every command takes, before or after the command's name.
pub const GLOBAL: &[Setting] = &[Setting::Quiet, Setting::StreamTimeout];

// The settings each command takes, in the order its `--help` lists them.
crate::setting_args!(
    /// The settings `generate` takes.
    GenerateSettings: PRIVILEGES, ROLE, SOLUTION, OUTPUT, INTO, CONFIG
);
crate::setting_args!(
    /// The settings `report` takes.
    ReportSettings: PRIVILEGES, ROLE, SOLUTION, READ, CONFIG
);
crate::setting_args!(
    /// The settings `audit` takes.
    AuditSettings: PRIVILEGES, READ, CONFIG
);
crate::setting_args!(
    /// The settings `explain` takes.
    ExplainSettings: EXPLAIN, ENVIRONMENT
);
crate::setting_args!(
    /// The settings `init` takes.
    InitSettings: INIT, READ
);
crate::setting_args!(
    /// The settings `fix` takes.
    FixSettings: PRIVILEGES, SOLUTION, OUTPUT, INTO, CONFIG, READ
);
crate::setting_args!(
    /// The settings `diff` takes.
    DiffSettings: READ, TABLE
);
crate::setting_args!(
    /// The settings `catalogue show` takes.
    CatalogueShowSettings: CATALOGUE_SHOW, ENVIRONMENT
);
crate::setting_args!(
    /// The settings `validate` takes.
    ValidateSettings: READ, ENVIRONMENT
);
crate::setting_args!(
    /// The settings every command takes.
    GlobalSettings: GLOBAL
);

/// The clap argument of one setting: its flag, value name, help with the default, and the
/// values completions offer.
pub fn arg(setting: Setting) -> Arg {
    let spec = setting.spec();
    let mut arg = Arg::new(setting.arg_id())
        .long(spec.flag)
        .help(setting.help_text());
    if !spec.more.is_empty() {
        arg = arg.long_help(format!("{}\n\n{}", setting.help_text(), spec.more));
    }
    if let Some(c) = spec.short {
        arg = arg.short(c);
    }
    if GLOBAL.contains(&setting) {
        // Listed after every command's own flags, just before --help, not among them.
        arg = arg.global(true).display_order(900);
    }
    match spec.kind {
        Kind::Switch => return arg.action(ArgAction::SetTrue),
        kind if kind.repeatable() => arg = arg.action(ArgAction::Append),
        _ => arg = arg.action(ArgAction::Set),
    }
    arg = arg.value_name(spec.value_name);
    match spec.values {
        Values::File => arg
            .value_hint(ValueHint::FilePath)
            .value_parser(clap::value_parser!(PathBuf)),
        Values::AnyPath => arg
            .value_hint(ValueHint::AnyPath)
            .value_parser(clap::value_parser!(PathBuf)),
        values if spec.kind == Kind::Path => {
            debug_assert!(values == Values::Any, "{setting:?}");
            arg.value_parser(clap::value_parser!(PathBuf))
        }
        values => arg
            .value_parser(Offer { values, all: false })
            .hide_possible_values(true),
    }
}

/// `cmd` with every setting offering all its values to completions, the long lists too
/// (`PRIVILEGE=DEPTH` for every built-in privilege), which the command otherwise leaves out
/// so that clap's "a value is required" error stays one line.
pub fn offering_all(cmd: Command) -> Command {
    cmd.mut_args(
        |arg| match Setting::from_arg_id(arg.get_id().as_str()).map(|s| s.spec()) {
            Some(spec) if spec.kind != Kind::Switch && spec.kind != Kind::Path => {
                arg.value_parser(Offer {
                    values: spec.values,
                    all: true,
                })
            }
            _ => arg,
        },
    )
    .mut_subcommands(offering_all)
}

/// A parser for a derived argument that offers completions `values` and takes any text.
pub fn offer(values: Values) -> impl TypedValueParser<Value = String> {
    Offer { values, all: true }
}

/// A parser that takes any UTF-8 text and offers completions the values a setting lists,
/// leaving the checks to the code that reads the value (depth words are case-insensitive
/// and have synonyms a list of possible values would refuse).
#[derive(Debug, Clone, Copy)]
struct Offer {
    values: Values,
    /// Whether long lists are offered too (see [`offering_all`]).
    all: bool,
}

impl TypedValueParser for Offer {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &Command,
        arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let long = matches!(
            self.values,
            Values::Privileges | Values::PrivilegeDepths { .. }
        );
        if long && !self.all {
            return None;
        }
        let words = offered(self.values);
        if words.is_empty() {
            None
        } else {
            Some(Box::new(words.into_iter().map(PossibleValue::new)))
        }
    }
}

/// The built-in catalogues, parsed (they always parse; a test keeps it so).
fn builtins() -> Vec<Catalogue> {
    Catalogue::builtin_names()
        .filter_map(|n| Catalogue::builtin(n).ok())
        .collect()
}

/// What completions offer for `values`.
pub fn offered(values: Values) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    match values {
        Values::Any | Values::File | Values::AnyPath => {}
        Values::Words(words) => words.iter().for_each(|w| push(w.to_string())),
        Values::Depths => DEPTH_WORDS.iter().for_each(|w| push(w.to_string())),
        Values::Catalogues => Catalogue::builtin_names().for_each(|n| push(n.to_string())),
        Values::Privileges => {
            for c in builtins() {
                c.entries().iter().for_each(|e| push(e.privilege.clone()));
            }
        }
        Values::PrivilegeDepths { with_none } => {
            for c in builtins() {
                for e in c.entries().iter() {
                    for d in e.allowed.iter() {
                        push(format!("{}={d}", e.privilege));
                    }
                    if with_none {
                        push(format!("{}=None", e.privilege));
                    }
                }
            }
        }
    }
    out
}

/// The settings a command was given on its command line, as given.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    given: Vec<Flag>,
}

#[derive(Debug, Clone)]
struct Flag {
    setting: Setting,
    values: Vec<OsString>,
    /// The flag.
    origin: String,
}

impl Flags {
    /// Adds the arguments of `lists` to `cmd`, in order.
    pub fn augment(mut cmd: Command, lists: &[&[Setting]]) -> Command {
        for setting in lists.iter().flat_map(|l| l.iter()) {
            cmd = cmd.arg(arg(*setting));
        }
        cmd
    }

    /// The values `matches` holds for the settings of `lists`.
    pub fn from_matches(matches: &ArgMatches, lists: &[&[Setting]]) -> Flags {
        let mut given = Vec::new();
        for setting in lists.iter().flat_map(|l| l.iter()).copied() {
            let id = setting.arg_id();
            let id = id.as_str();
            if matches.value_source(id) != Some(ValueSource::CommandLine) {
                continue;
            }
            let origin = setting.flag();
            let values: Vec<OsString> = if setting.spec().kind == Kind::Switch {
                if !matches.get_flag(id) {
                    continue;
                }
                vec![OsString::from("true")]
            } else {
                match matches.get_raw(id) {
                    Some(raw) => raw.map(OsStr::to_os_string).collect(),
                    None => continue,
                }
            };
            given.push(Flag {
                setting,
                values,
                origin,
            });
        }
        Flags { given }
    }

    /// Replaces the settings `other` holds.
    pub fn update(&mut self, other: Flags) {
        for flag in other.given {
            self.given.retain(|f| f.setting != flag.setting);
            self.given.push(flag);
        }
    }

    fn get(&self, setting: Setting) -> Option<&Flag> {
        self.given.iter().find(|f| f.setting == setting)
    }

    /// Every setting given, with its values labelled by the flag, for the flag layer.
    pub fn givens(&self) -> Vec<(Setting, Vec<Given>)> {
        self.given
            .iter()
            .map(|f| {
                let values = f
                    .values
                    .iter()
                    .map(|v| Given::flag(&f.origin, v.to_string_lossy()))
                    .collect();
                (f.setting, values)
            })
            .collect()
    }

    /// Every value of a setting, each labelled by its flag.
    pub fn all(&self, setting: Setting) -> Vec<Given> {
        self.get(setting).map_or_else(Vec::new, |f| {
            f.values
                .iter()
                .map(|v| Given::flag(&f.origin, v.to_string_lossy()))
                .collect()
        })
    }

    /// The last value of a setting, labelled by its flag.
    pub fn given(&self, setting: Setting) -> Option<Given> {
        let f = self.get(setting)?;
        f.values
            .last()
            .map(|v| Given::flag(&f.origin, v.to_string_lossy()))
    }

    /// A path setting exactly as given.
    pub fn path(&self, setting: Setting) -> Option<PathBuf> {
        self.get(setting)?.values.last().map(PathBuf::from)
    }

    /// Whether a switch was given.
    pub fn switch(&self, setting: Setting) -> bool {
        self.get(setting).is_some()
    }

    /// Which config file to read: the one `--config` names, else the one `DVROLE_CONFIG`
    /// names (empty counts as unset, as for every `DVROLE_` variable), else `dvrole.toml`
    /// in the working folder when it is there.
    pub fn config_source(&self) -> ConfigSource {
        if let Some(path) = self.path(Setting::Config) {
            return ConfigSource::Path {
                path,
                origin: Setting::Config.flag(),
            };
        }
        match Setting::Config.env_value() {
            Some((var, path)) => ConfigSource::Path {
                path: PathBuf::from(path),
                origin: var,
            },
            None => ConfigSource::Discover,
        }
    }
}

/// Defines a type a command flattens to take the settings of the lists given, in order:
/// `setting_args!(/** docs */ GenerateSettings: PRIVILEGES, ROLE);`.
#[macro_export]
#[doc(hidden)]
macro_rules! setting_args {
    ($(#[$doc:meta])* $name:ident: $($list:expr),+ $(,)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default)]
        pub struct $name(pub $crate::cli::flags::Flags);

        impl $name {
            const LISTS: &'static [&'static [$crate::settings::Setting]] = &[$($list),+];
        }

        impl ::std::ops::Deref for $name {
            type Target = $crate::cli::flags::Flags;
            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl ::clap::FromArgMatches for $name {
            fn from_arg_matches(m: &::clap::ArgMatches) -> Result<Self, ::clap::Error> {
                Ok($name($crate::cli::flags::Flags::from_matches(m, Self::LISTS)))
            }
            fn update_from_arg_matches(
                &mut self,
                m: &::clap::ArgMatches,
            ) -> Result<(), ::clap::Error> {
                self.0
                    .update($crate::cli::flags::Flags::from_matches(m, Self::LISTS));
                Ok(())
            }
        }

        impl ::clap::Args for $name {
            fn augment_args(cmd: ::clap::Command) -> ::clap::Command {
                $crate::cli::flags::Flags::augment(cmd, Self::LISTS)
            }
            fn augment_args_for_update(cmd: ::clap::Command) -> ::clap::Command {
                $crate::cli::flags::Flags::augment(cmd, Self::LISTS)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_offers_and_defaults_what_generate_reads() {
        use crate::ops::plan::{PackageFormat, PackageType};
        use crate::settings::table::DefaultValue;
        let words = |s: Setting| match s.spec().values {
            Values::Words(w) => w.to_vec(),
            _ => Vec::new(),
        };
        assert_eq!(
            Setting::Format.spec().default,
            DefaultValue::Text(PackageFormat::parse(None).unwrap().name())
        );
        assert_eq!(
            Setting::PackageType.spec().default,
            DefaultValue::Text(PackageType::parse(None).unwrap().name())
        );
        for word in words(Setting::Format) {
            assert!(
                PackageFormat::parse(Some(&Given::flag("t", word))).is_ok(),
                "{word}"
            );
        }
        for word in words(Setting::PackageType) {
            assert!(
                PackageType::parse(Some(&Given::flag("t", word))).is_ok(),
                "{word}"
            );
        }
    }

    #[test]
    fn builtin_catalogues_parse_so_completions_see_them_all() {
        assert_eq!(builtins().len(), Catalogue::builtin_names().count());
    }

    #[test]
    fn completions_offer_values_the_readers_accept() {
        for word in offered(Values::Depths) {
            assert!(
                word.parse::<crate::model::depth::Depth>().is_ok(),
                "{word} is a depth"
            );
        }
        let pairs = offered(Values::PrivilegeDepths { with_none: true });
        assert!(pairs.contains(&"prvReadContact=Global".to_string()));
        assert!(pairs.contains(&"prvReadContact=None".to_string()));
        assert!(
            !pairs.contains(&"prvReadUserQuery=Global".to_string()),
            "Basic only"
        );
        assert!(offered(Values::Privileges).contains(&"prvReadEmailServerProfile".to_string()));
        assert_eq!(
            offered(Values::Catalogues),
            Catalogue::builtin_names().collect::<Vec<_>>()
        );
    }
}
