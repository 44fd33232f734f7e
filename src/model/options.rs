//! What the user asked for, as given: raw values with the place each came from.
//!
//! Flags, environment variables and config files fill these in; [`crate::model::role`]
//! and [`crate::model::solution`] check and resolve them. Keeping the origin beside each value lets
//! every error name the flag, environment variable or file line it is about.

/// One value as the user gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    /// The value, unparsed.
    pub value: String,
    /// Where it came from, e.g. `--role-id`; used in error messages.
    pub origin: String,
}

impl Given {
    /// A value given by a command-line flag.
    pub fn flag(flag: &str, value: impl Into<String>) -> Given {
        Given {
            value: value.into(),
            origin: flag.to_string(),
        }
    }
}

/// Settings that decide the role: its name, id and privileges.
#[derive(Debug, Clone, Default)]
pub struct RoleOptions {
    /// `--catalogue NAME|PATH`, repeatable; empty means the default catalogue.
    pub catalogue: Vec<Given>,
    /// `--allow PRIVILEGE=DEPTH[,DEPTH...]`, repeatable: replaces the depths a catalogue
    /// privilege allows, for an environment whose rules differ from the catalogue's.
    pub allow: Vec<Given>,
    /// `--role-name`; default [`crate::model::role::DEFAULT_ROLE_NAME`].
    pub role_name: Option<Given>,
    /// `--role-id`; default derived from publisher and role name.
    pub role_id: Option<Given>,
    /// `--depth PRIVILEGE=DEPTH`, repeatable.
    pub depth: Vec<Given>,
    /// `--default-depth DEPTH`.
    pub default_depth: Option<Given>,
    /// `--exclude PRIVILEGE`, repeatable.
    pub exclude: Vec<Given>,
    /// `--add PRIVILEGE=DEPTH`, repeatable: privileges outside the catalogue.
    pub add: Vec<Given>,
    /// `--accept PRIVILEGE`, repeatable: names to take as real though they are close to a
    /// known privilege name.
    pub accept: Vec<Given>,
    /// `--inheritance direct|team`: the role's `isinherited`; default `direct`.
    pub inheritance: Option<Given>,
    /// `--privileges FILE`, repeatable: pages of the environment's privilege table.
    pub privileges: Vec<Given>,
    /// `--drop-absent`: leave out privileges the environment's table lacks.
    pub drop_absent: Option<Given>,
}

/// Settings that decide the solution manifest and publisher.
#[derive(Debug, Clone, Default)]
pub struct SolutionOptions {
    /// `--solution-name`: the solution's unique name.
    pub solution_name: Option<Given>,
    /// `--solution-display-name`.
    pub solution_display_name: Option<Given>,
    /// `--solution-version a.b.c.d`.
    pub solution_version: Option<Given>,
    /// `--description`.
    pub description: Option<Given>,
    /// `--publisher-name`: the publisher's unique name.
    pub publisher_name: Option<Given>,
    /// `--publisher-display-name`.
    pub publisher_display_name: Option<Given>,
    /// `--publisher-prefix`: the customization prefix.
    pub publisher_prefix: Option<Given>,
    /// `--option-value-prefix`.
    pub option_value_prefix: Option<Given>,
    /// `--managed`.
    pub managed: bool,
    /// `--language LCID`.
    pub language: Option<Given>,
}

/// Everything `dvrole generate` takes.
#[derive(Debug, Clone, Default)]
pub struct GenerateOptions {
    /// The role settings.
    pub role: RoleOptions,
    /// The solution settings.
    pub solution: SolutionOptions,
}

/// Where and how `dvrole generate` writes: `[output]` in the config file.
#[derive(Debug, Clone, Default)]
pub struct OutputOptions {
    /// `-o/--output PATH`.
    pub path: Option<Given>,
    /// `--format zip|folder`.
    pub format: Option<Given>,
    /// `--package-type unmanaged|managed|both` (`--managed` is its short form).
    pub package_type: Option<Given>,
}
