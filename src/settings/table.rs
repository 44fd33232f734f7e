//! The setting table: every setting dvrole takes, defined once.
//!
//! Each row of the `settings!` table below names one [`Setting`] and its [`Spec`]: the config key,
//! the flag, the environment variable (derived from the key), the kind of value, the
//! default, the help text and the values completions offer. Everything else follows from
//! the row: the clap argument (`cli::flags`), the `DVROLE_*` environment layer and the config
//! keys ([`crate::settings::config`]), `--print-config`, the `init` starter, and the flag
//! tables of README.md. Code names a setting by its [`Setting`] variant, never by a string,
//! so a misspelt setting does not compile.
//!
//! # Adding a setting
//!
//! 1. Add one row to the `settings!` table below:
//!    `Name => Spec { key: Some("section.key"), flag: "flag-name", kind: Kind::..., value_name:
//!    "...", default: DefaultValue::..., help: "...", ..Spec::NONE }`.
//!    - `key` is the config key; its `DVROLE_` variable is derived from it, and a new
//!      section (`environment.privileges` makes `[environment]`) needs nothing else. Leave
//!      `key` as `None` for a flag only the command line sets (`-q`); give such a flag `env`
//!      only if it has a variable all the same (`DVROLE_CONFIG`).
//!    - `kind` decides the clap action (a switch, one value, or repeatable for lists and
//!      tables), the config type and how layers merge.
//!    - `default` names the model's constant (`DefaultValue::Text(DEFAULT_X)`), never a copy
//!      of its value; `Computed("...")` says how a worked-out default is found.
//!    - `help` is one sentence with the value's rules; `--help`, man pages, the starter and
//!      README.md all show it, with the default appended. `more` adds detail for `--help`
//!      and README.md only; `values` is what completions offer (`Values::Words(&["direct",
//!      "team"])`), never a restriction; `example` is a TOML sample the starter shows where
//!      there is no literal default.
//!    - The order of rows is the order of the starter and of `--print-config`.
//! 2. Add the variant to the list of each command that takes it in `cli::flags`
//!    (`PRIVILEGES`, `SOLUTION`, ..., or a new list passed to `setting_args!` there).
//! 3. Read the value where it is used: for a keyed setting from the resolved layers,
//!    `Resolved::one(Setting::Name)` / `Resolved::many(Setting::Name)` (each value keeps its
//!    origin for messages); for a command-line-only one from the command's flags,
//!    `Flags::given`, `Flags::all`, `Flags::path` or `Flags::switch`.
//! 4. Run `DVROLE_BLESS=1 cargo test` once to rewrite README.md's flag tables and review the
//!    diff. `--help`, completions, man pages, the starter, `--print-config`, the config file
//!    reader and the environment layer (with its warning for unknown `DVROLE_` variables)
//!    pick the row up by themselves; tests check that `--help` shows the default and that
//!    README.md agrees.

use crate::model::catalogue::DEFAULT_CATALOGUE;
use crate::model::role::{DEFAULT_INHERITANCE, DEFAULT_ROLE_NAME};
use crate::model::solution::{
    DEFAULT_DESCRIPTION, DEFAULT_LANGUAGE, DEFAULT_OPTION_VALUE_PREFIX, DEFAULT_PUBLISHER_NAME,
    DEFAULT_PUBLISHER_PREFIX, DEFAULT_SOLUTION_DISPLAY_NAME, DEFAULT_SOLUTION_NAME,
    DEFAULT_VERSION,
};

/// The config file read from the working folder when `--config` is not given.
pub const DEFAULT_CONFIG_FILE: &str = "dvrole.toml";

/// Prefix of the environment variables dvrole reads.
pub const ENV_PREFIX: &str = "DVROLE_";

/// The largest `--max-entry-size` by default, as the flag writes it (`read::Limits`'s
/// default, which a test keeps equal).
pub const DEFAULT_MAX_ENTRY_SIZE: &str = "1G";

/// How many seconds a piped input may send nothing before dvrole stops waiting.
pub const DEFAULT_STREAM_TIMEOUT_SECONDS: u32 = 60;

/// The depth words completions offer, in both vocabularies; the depth parser takes more
/// spellings (any case, `Parent: Child Business Units`), which a test keeps in step.
pub const DEPTH_WORDS: &[&str] = &[
    "Basic",
    "Local",
    "Deep",
    "Global",
    "User",
    "BusinessUnit",
    "ParentChild",
    "Organization",
];

/// What kind of value a setting holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Text,
    /// A whole number (a TOML integer, or a string of digits).
    Number,
    /// A file or folder path; on the command line kept exactly as given.
    Path,
    /// A switch: a flag without a value, `true` or `false` in a config file.
    Switch,
    /// A list of strings; a layer that sets it replaces the lower layers' list. The flag is
    /// repeatable.
    List,
    /// A table `PRIVILEGE = "DEPTH"`; merged per privilege across layers. The flag is
    /// repeatable and takes `PRIVILEGE=DEPTH`.
    DepthTable,
    /// A table `PRIVILEGE = ["DEPTH", ...]`; merged per privilege across layers. The flag is
    /// repeatable and takes `PRIVILEGE=DEPTH,DEPTH`.
    DepthsTable,
}

impl Kind {
    /// Whether the flag may be given several times.
    pub fn repeatable(self) -> bool {
        matches!(self, Kind::List | Kind::DepthTable | Kind::DepthsTable)
    }

    /// Whether the value is a per-privilege table.
    pub fn is_table(self) -> bool {
        matches!(self, Kind::DepthTable | Kind::DepthsTable)
    }
}

/// What a setting is when nothing sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultValue {
    /// Nothing: a switch off, an empty list, an empty table.
    Nothing,
    /// This text.
    Text(&'static str),
    /// This number.
    Number(u32),
    /// This list.
    List(&'static [&'static str]),
    /// Worked out from other settings or the data; the text says how.
    Computed(&'static str),
    /// This file, read when it exists.
    FileIfPresent(&'static str),
}

impl DefaultValue {
    /// How `--help`, the starter config and README.md show it; `None` for a switch or an
    /// empty table, which show no default.
    pub fn describe(self) -> Option<String> {
        match self {
            DefaultValue::Nothing => None,
            DefaultValue::Text(t) => Some(t.to_string()),
            DefaultValue::Number(n) => Some(n.to_string()),
            DefaultValue::List(items) => Some(items.join(", ")),
            DefaultValue::Computed(how) => Some(how.to_string()),
            DefaultValue::FileIfPresent(f) => {
                Some(format!("{f} in the current folder, when there"))
            }
        }
    }

    /// The default as TOML text, for `--print-config` and the starter: `None` where it is
    /// worked out rather than a value.
    pub fn toml(self, kind: Kind) -> Option<String> {
        match (self, kind) {
            (DefaultValue::Text(t), _) => Some(toml_string(t)),
            (DefaultValue::Number(n), _) => Some(n.to_string()),
            (DefaultValue::List(items), _) => {
                let items: Vec<String> = items.iter().map(|s| toml_string(s)).collect();
                Some(format!("[{}]", items.join(", ")))
            }
            (DefaultValue::Nothing, Kind::Switch) => Some("false".into()),
            (DefaultValue::Nothing, Kind::List) => Some("[]".into()),
            _ => None,
        }
    }
}

/// A TOML string literal.
pub(crate) fn toml_string(s: &str) -> String {
    // JSON string escapes are valid TOML basic-string escapes.
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.escape_default()))
}

/// What completions offer for a setting's value. Offering is all it does: a value outside
/// the list is checked (or accepted) by the code that reads it, as typed in a config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Values {
    /// Nothing in particular.
    Any,
    /// These words.
    Words(&'static [&'static str]),
    /// Depth words in both vocabularies (`Basic`, ..., `Organization`).
    Depths,
    /// `PRIVILEGE=DEPTH` for the privileges of the built-in catalogues; `None` too when
    /// `with_none`.
    PrivilegeDepths {
        /// Whether `PRIVILEGE=None` is offered as well.
        with_none: bool,
    },
    /// The privileges of the built-in catalogues.
    Privileges,
    /// The built-in catalogue names.
    Catalogues,
    /// A file.
    File,
    /// A file or folder.
    AnyPath,
}

/// Everything about one setting.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The dotted config key, e.g. `solution.version`; `None` for a flag only the command
    /// line sets.
    pub key: Option<&'static str>,
    /// The environment variable of a setting without a key (`DVROLE_CONFIG`); a keyed
    /// setting's variable is derived from its key ([`Setting::env_var`]).
    pub env: Option<&'static str>,
    /// The long flag without its dashes, e.g. `solution-version`.
    pub flag: &'static str,
    /// The short flag, e.g. `o`.
    pub short: Option<char>,
    /// What it holds.
    pub kind: Kind,
    /// The value's placeholder in `--help`, e.g. `A.B.C.D`.
    pub value_name: &'static str,
    /// What it is when nothing sets it.
    pub default: DefaultValue,
    /// What it means and the rules its value follows: one sentence for `--help`, the
    /// starter config and README.md.
    pub help: &'static str,
    /// More for README.md and `--help` (not `-h`), e.g. the JSON shape; may be empty.
    pub more: &'static str,
    /// What completions offer.
    pub values: Values,
    /// A sample value as TOML for the starter config, shown as an example where the setting
    /// has no literal default (tables, the role id).
    pub example: Option<&'static str>,
}

impl Spec {
    /// A base to fill in with `..Spec::NONE`.
    pub const NONE: Spec = Spec {
        key: None,
        env: None,
        flag: "",
        short: None,
        kind: Kind::Text,
        value_name: "",
        default: DefaultValue::Nothing,
        help: "",
        more: "",
        values: Values::Any,
        example: None,
    };
}

/// Defines [`Setting`], [`Setting::ALL`] and [`Setting::spec`] from one row per setting.
macro_rules! settings {
    ($($(#[$doc:meta])* $name:ident => $spec:expr,)+) => {
        /// A setting; [`Setting::spec`] says everything about it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Setting {
            $($(#[$doc])* $name,)+
        }

        impl Setting {
            /// Every setting, in the order the starter config and `--print-config` list them.
            pub const ALL: &'static [Setting] = &[$(Setting::$name,)+];

            /// The setting's row.
            pub fn spec(self) -> &'static Spec {
                match self {
                    $(Setting::$name => {
                        const SPEC: Spec = $spec;
                        &SPEC
                    })+
                }
            }
        }
    };
}

settings! {
    /// `catalogue`, `--catalogue`.
    Catalogue => Spec {
        key: Some("catalogue"),
        flag: "catalogue",
        kind: Kind::List,
        value_name: "NAME|PATH",
        default: DefaultValue::List(&[DEFAULT_CATALOGUE]),
        help: "Catalogue of privileges the role is built from: a built-in name or a TOML file; several make their union",
        values: Values::Catalogues,
        ..Spec::NONE
    },
    /// `solution.name`, `--solution-name`.
    SolutionName => Spec {
        key: Some("solution.name"),
        flag: "solution-name",
        value_name: "NAME",
        default: DefaultValue::Text(DEFAULT_SOLUTION_NAME),
        help: "Unique name of the solution: a letter or _, then letters, digits or _, at most 65 characters",
        ..Spec::NONE
    },
    /// `solution.display_name`, `--solution-display-name`.
    SolutionDisplayName => Spec {
        key: Some("solution.display_name"),
        flag: "solution-display-name",
        value_name: "TEXT",
        default: DefaultValue::Text(DEFAULT_SOLUTION_DISPLAY_NAME),
        help: "Display name of the solution",
        ..Spec::NONE
    },
    /// `solution.version`, `--solution-version`.
    SolutionVersion => Spec {
        key: Some("solution.version"),
        flag: "solution-version",
        value_name: "A.B.C.D",
        default: DefaultValue::Text(DEFAULT_VERSION),
        help: "Version of the solution: 2 to 4 numeric parts; in a pipeline set DVROLE_SOLUTION_VERSION",
        ..Spec::NONE
    },
    /// `solution.description`, `--description`.
    Description => Spec {
        key: Some("solution.description"),
        flag: "description",
        value_name: "TEXT",
        default: DefaultValue::Text(DEFAULT_DESCRIPTION),
        help: "Description of the solution; empty writes none",
        ..Spec::NONE
    },
    /// `solution.managed`, `--managed`.
    Managed => Spec {
        key: Some("solution.managed"),
        flag: "managed",
        kind: Kind::Switch,
        help: "Short for --package-type managed (<Managed>1</Managed>, file name ends in _managed)",
        ..Spec::NONE
    },
    /// `solution.language`, `--language`.
    Language => Spec {
        key: Some("solution.language"),
        flag: "language",
        kind: Kind::Number,
        value_name: "LCID",
        default: DefaultValue::Number(DEFAULT_LANGUAGE),
        help: "Language code (LCID) of names and descriptions",
        ..Spec::NONE
    },
    /// `publisher.name`, `--publisher-name`.
    PublisherName => Spec {
        key: Some("publisher.name"),
        flag: "publisher-name",
        value_name: "NAME",
        default: DefaultValue::Text(DEFAULT_PUBLISHER_NAME),
        help: "Unique name of the publisher: a letter or _, then letters, digits or _",
        ..Spec::NONE
    },
    /// `publisher.display_name`, `--publisher-display-name`.
    PublisherDisplayName => Spec {
        key: Some("publisher.display_name"),
        flag: "publisher-display-name",
        value_name: "TEXT",
        default: DefaultValue::Computed("the publisher's unique name"),
        help: "Display name of the publisher, shown in the Solutions list",
        ..Spec::NONE
    },
    /// `publisher.prefix`, `--publisher-prefix`.
    PublisherPrefix => Spec {
        key: Some("publisher.prefix"),
        flag: "publisher-prefix",
        value_name: "PREFIX",
        default: DefaultValue::Text(DEFAULT_PUBLISHER_PREFIX),
        help: "Customization prefix: 2 to 8 letters or digits, starting with a letter, not with mscrm",
        ..Spec::NONE
    },
    /// `publisher.option_value_prefix`, `--option-value-prefix`.
    OptionValuePrefix => Spec {
        key: Some("publisher.option_value_prefix"),
        flag: "option-value-prefix",
        kind: Kind::Number,
        value_name: "NUMBER",
        default: DefaultValue::Number(DEFAULT_OPTION_VALUE_PREFIX),
        help: "Option value prefix, 10000 to 99999",
        ..Spec::NONE
    },
    /// `role.name`, `--role-name`.
    RoleName => Spec {
        key: Some("role.name"),
        flag: "role-name",
        value_name: "NAME",
        default: DefaultValue::Text(DEFAULT_ROLE_NAME),
        help: "Name of the role: 1 to 100 characters, no control characters",
        ..Spec::NONE
    },
    /// `role.id`, `--role-id`.
    RoleId => Spec {
        key: Some("role.id"),
        flag: "role-id",
        value_name: "GUID",
        default: DefaultValue::Computed("derived from publisher and role name, stable across builds"),
        help: "Id of the role; import matches roles by id, so an existing role's id updates that role",
        ..Spec::NONE
    },
    /// `role.default_depth`, `--default-depth`.
    DefaultDepth => Spec {
        key: Some("role.default_depth"),
        flag: "default-depth",
        value_name: "DEPTH",
        default: DefaultValue::Computed("each privilege's depth in the catalogue"),
        help: "Depth for every privilege that allows it; the others get the allowed depth nearest to it (the lesser on a tie)",
        more: "Each privilege so adjusted is noted on stderr.",
        values: Values::Depths,
        example: Some("\"Global\""),
        ..Spec::NONE
    },
    /// `role.exclude`, `--exclude`.
    Exclude => Spec {
        key: Some("role.exclude"),
        flag: "exclude",
        kind: Kind::List,
        value_name: "PRIVILEGE",
        help: "Leave a catalogue privilege out, e.g. prvReadIncident where Customer Service is not installed",
        values: Values::Privileges,
        ..Spec::NONE
    },
    /// `role.accept`, `--accept`.
    Accept => Spec {
        key: Some("role.accept"),
        flag: "accept",
        kind: Kind::List,
        value_name: "PRIVILEGE",
        help: "Take a privilege name as real though it is close to a known one, e.g. prvReadContract beside prvReadContact",
        more: "Without it, a name that is in no built-in catalogue and not among the privilege names seen in real exports, but a short edit away from one of them (or the same in other case), is refused as a probable misspelling.",
        ..Spec::NONE
    },
    /// `role.inheritance`, `--inheritance`.
    Inheritance => Spec {
        key: Some("role.inheritance"),
        flag: "inheritance",
        value_name: "direct|team",
        default: DefaultValue::Text(DEFAULT_INHERITANCE),
        help: "Member's privilege inheritance, written as isinherited: direct (\"1\": Basic privileges reach members' own records too) or team (\"0\": team privileges only)",
        values: Values::Words(&["direct", "team"]),
        ..Spec::NONE
    },
    /// `role.depth`, `--depth`.
    Depth => Spec {
        key: Some("role.depth"),
        flag: "depth",
        kind: Kind::DepthTable,
        value_name: "PRIVILEGE=DEPTH",
        default: DefaultValue::Computed("each privilege's depth in the catalogue"),
        help: "Depth of one catalogue privilege, e.g. prvReadContact=Global; None leaves it out",
        more: "A depth the privilege does not allow is an error that lists the allowed ones.",
        values: Values::PrivilegeDepths { with_none: true },
        example: Some("prvReadContact = \"Global\""),
        ..Spec::NONE
    },
    /// `role.add`, `--add`.
    Add => Spec {
        key: Some("role.add"),
        flag: "add",
        kind: Kind::DepthTable,
        value_name: "PRIVILEGE=DEPTH",
        help: "Add a privilege outside the catalogue, e.g. prvReadAccount=Local; without the environment's table its depth cannot be checked, so a warning says so",
        more: "A name that is probably a misspelling of a known privilege is refused; --accept NAME takes it as real.",
        example: Some("prvReadAccount = \"Local\""),
        ..Spec::NONE
    },
    /// `role.allow`, `--allow`.
    Allow => Spec {
        key: Some("role.allow"),
        flag: "allow",
        kind: Kind::DepthsTable,
        value_name: "PRIVILEGE=DEPTHS",
        default: DefaultValue::Computed("the depths the catalogue allows"),
        help: "Replace the depths a catalogue privilege allows, for an environment whose rules differ, e.g. prvReadContact=Local,Global",
        example: Some("prvReadContact = [\"Local\", \"Global\"]"),
        ..Spec::NONE
    },
    /// `environment.privileges`, `--privileges`.
    Privileges => Spec {
        key: Some("environment.privileges"),
        flag: "privileges",
        kind: Kind::List,
        value_name: "FILE",
        help: "A page of the target environment's privilege table, saved from GET <org>/api/data/v9.2/privileges?$select=name,privilegeid,accessright,canbebasic,canbelocal,canbedeep,canbeglobal; one per page",
        more: "With it, a privilege the role would hold that the environment lacks stops the run, and the environment's depths replace the catalogue's. In a config file, relative paths are read relative to the file.",
        values: Values::File,
        ..Spec::NONE
    },
    /// `environment.drop_absent`, `--drop-absent`.
    DropAbsent => Spec {
        key: Some("environment.drop_absent"),
        flag: "drop-absent",
        kind: Kind::Switch,
        help: "Leave out, with a note each, the privileges the environment's table (--privileges) lacks, instead of stopping",
        ..Spec::NONE
    },
    /// `output.path`, `-o/--output`.
    Output => Spec {
        key: Some("output.path"),
        flag: "output",
        short: Some('o'),
        kind: Kind::Path,
        value_name: "PATH",
        default: DefaultValue::Computed("<SolutionName>_<version>.zip, the version's dots as _ (ServerSideSyncRole_1_0_0_0.zip), or the folder <SolutionName>"),
        help: "Where to write the zip or the folder",
        more: "Missing folders on the way are created, and removed again if the write fails. A path ending in / or naming an existing folder gets the default zip name inside it; for the folder format the path is the folder itself. A zip name not ending in .zip, or a folder name ending in it, gets a warning; a path holding \\ is refused on Linux and macOS, where it is no folder separator. With generate, - writes the one zip to standard output (not with --format folder, --package-type both, --check or --json); ./- is a file named -.",
        values: Values::AnyPath,
        ..Spec::NONE
    },
    /// `output.format`, `--format`.
    Format => Spec {
        key: Some("output.format"),
        flag: "format",
        value_name: "zip|folder",
        default: DefaultValue::Text("zip"),
        help: "Layout: zip (ready to import) or folder (Other/, Roles/, for source control)",
        values: Values::Words(&["zip", "folder"]),
        ..Spec::NONE
    },
    /// `output.package_type`, `--package-type`.
    PackageType => Spec {
        key: Some("output.package_type"),
        flag: "package-type",
        value_name: "TYPE",
        default: DefaultValue::Text("unmanaged"),
        help: "Package type: unmanaged, managed, or both (two zips, or one folder)",
        values: Values::Words(&["unmanaged", "managed", "both"]),
        ..Spec::NONE
    },
    /// `--into` (`generate`, `fix`).
    Into => Spec {
        flag: "into",
        kind: Kind::Path,
        value_name: "TREE",
        help: "Add or update the role in this existing SolutionPackager / pac source tree instead of writing a new solution: Roles/<file>.xml, and one line in Other/Solution.xml",
        more: "The output flags do not apply then.",
        values: Values::AnyPath,
        ..Spec::NONE
    },
    /// `--config` (also `DVROLE_CONFIG`).
    Config => Spec {
        env: Some("DVROLE_CONFIG"),
        flag: "config",
        kind: Kind::Path,
        value_name: "PATH",
        default: DefaultValue::FileIfPresent(DEFAULT_CONFIG_FILE),
        help: "Settings file",
        values: Values::File,
        ..Spec::NONE
    },
    /// `explain --catalogue`.
    ExplainCatalogue => Spec {
        flag: "catalogue",
        kind: Kind::List,
        value_name: "NAME",
        default: DefaultValue::List(&[DEFAULT_CATALOGUE]),
        help: "Catalogue that \"in catalogue\" and the fix refer to; the fix then names it too",
        values: Values::Catalogues,
        ..Spec::NONE
    },
    /// `init -o/--output`.
    InitOutput => Spec {
        flag: "output",
        short: Some('o'),
        kind: Kind::Path,
        value_name: "PATH",
        default: DefaultValue::Text(DEFAULT_CONFIG_FILE),
        help: "Where to write the config; a folder (or a path ending in /) gets dvrole.toml inside it, and missing folders are created; - prints it on stdout",
        values: Values::AnyPath,
        ..Spec::NONE
    },
    /// `-q/--quiet`, on every command.
    Quiet => Spec {
        flag: "quiet",
        short: Some('q'),
        kind: Kind::Switch,
        help: "Print nothing but errors; the exit code tells the rest",
        ..Spec::NONE
    },
    /// `--stream-timeout` (also `DVROLE_STREAM_TIMEOUT`), on every command.
    StreamTimeout => Spec {
        flag: "stream-timeout",
        env: Some("DVROLE_STREAM_TIMEOUT"),
        kind: Kind::Number,
        value_name: "SECONDS",
        default: DefaultValue::Number(DEFAULT_STREAM_TIMEOUT_SECONDS),
        help: "How long a piped input (-, /dev/stdin, <(...), a FIFO) may send nothing before dvrole stops waiting for it; 0 waits for ever",
        more: "A pipe whose writer has closed ends at once, whatever this says; the wait counts only while a writer holds it open and sends nothing.",
        ..Spec::NONE
    },
    /// `--max-entry-size`.
    MaxEntrySize => Spec {
        flag: "max-entry-size",
        value_name: "SIZE",
        default: DefaultValue::Text(DEFAULT_MAX_ENTRY_SIZE),
        help: "The most bytes to read from one file or zip entry, e.g. 64K, 512M or 2G",
        more: "A zip entry is also never read past its declared size.",
        ..Spec::NONE
    },
}

impl Setting {
    /// The config key, e.g. `solution.version`; `None` for a command-line-only flag.
    pub fn key(self) -> Option<&'static str> {
        self.spec().key
    }

    /// The flag as typed: `--solution-version`.
    pub fn flag(self) -> String {
        format!("--{}", self.spec().flag)
    }

    /// The environment variable that sets it: `DVROLE_` and the key in capitals, `.` as `_`
    /// (`DVROLE_SOLUTION_VERSION`), or the one a key-less setting names (`DVROLE_CONFIG`).
    pub fn env_var(self) -> Option<String> {
        let spec = self.spec();
        match (spec.key, spec.env) {
            (Some(key), _) => Some(format!(
                "{ENV_PREFIX}{}",
                key.replace('.', "_").to_ascii_uppercase()
            )),
            (None, env) => env.map(str::to_string),
        }
    }

    /// The value of its environment variable, with the variable's name, where one is set
    /// and not empty (empty counts as unset, as for every `DVROLE_` variable).
    pub fn env_value(self) -> Option<(String, std::ffi::OsString)> {
        let var = self.env_var()?;
        std::env::var_os(&var)
            .filter(|v| !v.is_empty())
            .map(|v| (var, v))
    }

    /// The id of its clap argument: unique among settings (two settings may share a flag in
    /// different commands) and unlike any derived argument's id.
    pub fn arg_id(self) -> String {
        format!("setting:{self:?}")
    }

    /// The setting whose clap argument has id `id`.
    pub fn from_arg_id(id: &str) -> Option<Setting> {
        Setting::ALL.iter().copied().find(|s| s.arg_id() == id)
    }

    /// The setting with config key `key`.
    pub fn from_key(key: &str) -> Option<Setting> {
        Setting::ALL.iter().copied().find(|s| s.key() == Some(key))
    }

    /// The settings a config file and the environment set, in table order.
    pub fn keyed() -> impl Iterator<Item = Setting> {
        Setting::ALL.iter().copied().filter(|s| s.key().is_some())
    }

    /// `--help`'s text: the help, `(repeatable)` for a repeatable flag, the default, and
    /// the variable of a key-less setting that has one.
    pub fn help_text(self) -> String {
        let spec = self.spec();
        let mut text = spec.help.to_string();
        if spec.kind.repeatable() {
            text.push_str(" (repeatable)");
        }
        if let Some(default) = spec.default.describe() {
            text.push_str(&format!(" [default: {default}]"));
        }
        if let (None, Some(env)) = (spec.key, spec.env) {
            text.push_str(&format!(" [env: {env}]"));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_flags_and_variables_are_distinct() {
        let mut keys: Vec<&str> = Setting::ALL.iter().filter_map(|s| s.key()).collect();
        let mut vars: Vec<String> = Setting::ALL.iter().filter_map(|s| s.env_var()).collect();
        let (k, v) = (keys.len(), vars.len());
        keys.sort();
        keys.dedup();
        vars.sort();
        vars.dedup();
        assert_eq!((keys.len(), vars.len()), (k, v));
        assert_eq!(
            Setting::SolutionVersion.env_var().as_deref(),
            Some("DVROLE_SOLUTION_VERSION")
        );
        assert_eq!(Setting::Config.env_var().as_deref(), Some("DVROLE_CONFIG"));
        for s in Setting::ALL {
            let spec = s.spec();
            assert!(!spec.flag.is_empty() && !spec.help.is_empty(), "{s:?}");
            assert!(
                spec.key.is_none() || spec.env.is_none(),
                "{s:?}: env is derived"
            );
            assert_eq!(
                Setting::from_key(spec.key.unwrap_or("-")),
                spec.key.map(|_| *s)
            );
            let takes_value = spec.kind != Kind::Switch;
            assert_eq!(takes_value, !spec.value_name.is_empty(), "{s:?}");
        }
    }

    #[test]
    fn help_shows_the_default() {
        assert_eq!(
            Setting::OptionValuePrefix.help_text(),
            format!("Option value prefix, 10000 to 99999 [default: {DEFAULT_OPTION_VALUE_PREFIX}]")
        );
        assert!(Setting::Exclude.help_text().ends_with("(repeatable)"));
        assert_eq!(
            Setting::Catalogue
                .spec()
                .default
                .toml(Kind::List)
                .as_deref(),
            Some("[\"server-side-sync\"]")
        );
    }
}
