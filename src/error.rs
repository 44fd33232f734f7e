//! The errors the library returns. `main.rs` maps every one of them to exit code 2.

use std::io;
use std::path::PathBuf;

use crate::util::short;

/// Everything that can stop a dvrole command.
///
/// Each message names the input (a flag, a file, an entry) and says what to do next.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A setting's value is malformed or out of range.
    #[error("{origin} '{}': {message}", short(.value))]
    InvalidSetting {
        /// Where the value came from, such as `--role-id`.
        origin: String,
        /// The value as given.
        value: String,
        /// What is wrong and what is accepted.
        message: String,
    },

    /// A privilege name that the catalogue does not hold.
    #[error("{origin} '{}': unknown privilege '{}'{}; {hint}", short(.value), short(.name), suggestion_text(.suggestion))]
    UnknownPrivilege {
        /// Where the name came from, such as `--depth`.
        origin: String,
        /// The value as given.
        value: String,
        /// The privilege name as given.
        name: String,
        /// The nearest catalogue name, where one is close.
        suggestion: Option<String>,
        /// What to do instead.
        hint: String,
    },

    /// A depth that the privilege does not allow.
    #[error("{origin} '{}': {privilege} cannot have depth {}; it allows only {allowed}", short(.value), short(.depth))]
    DepthNotAllowed {
        /// Where the depth came from.
        origin: String,
        /// The value as given.
        value: String,
        /// The privilege.
        privilege: String,
        /// The depth asked for.
        depth: String,
        /// The depths the privilege allows, e.g. `Local/Deep/Global`.
        allowed: String,
    },

    /// Two settings contradict each other.
    #[error("{0}")]
    Conflict(String),

    /// A catalogue file that cannot be used.
    #[error("catalogue {origin}: {message}")]
    Catalogue {
        /// The catalogue's name or path.
        origin: String,
        /// What is wrong with it.
        message: String,
    },

    /// A page of the environment's privilege table that cannot be used.
    #[error("{origin}: {message}")]
    PrivilegeTable {
        /// The file, and the row where the problem is in one: `env.json: row 12 (prvX)`.
        origin: String,
        /// What is wrong and what to do.
        message: String,
    },

    /// Privileges the role would hold that the environment's privilege table lacks.
    #[error("{table} lacks {}: an import would refuse or drop {}; leave {} out with {}, or pass --drop-absent{}", .names.join(", "), if .names.len() == 1 { "it" } else { "them" }, if .names.len() == 1 { "it" } else { "them" }, .names.iter().map(|n| format!("--exclude {n}")).collect::<Vec<_>>().join(" "), if *.incomplete { " (every page given has @odata.nextLink, so the table may lack its last page: save that page too)" } else { "" })]
    AbsentPrivileges {
        /// How the table is named: its files.
        table: String,
        /// The privileges, in the role's order.
        names: Vec<String>,
        /// Whether the table looks incomplete.
        incomplete: bool,
    },

    /// A config file that cannot be used: a syntax error, an unknown key, a wrong type.
    #[error("{origin}: {message}")]
    Config {
        /// The file, line and key, e.g. `dvrole.toml:12: role.id`.
        origin: String,
        /// What is wrong and what to do.
        message: String,
    },

    /// A file or folder could not be read or written.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },

    /// An input that is not a readable package, folder or XML file.
    #[error("{input}: {message}")]
    Unreadable {
        /// The input, with the entry and position where known (`pkg.zip!customizations.xml:3:7`).
        input: String,
        /// What is wrong with it.
        message: String,
    },

    /// An output path that cannot be written: a folder where a file goes, a missing or
    /// read-only folder, a file where a folder goes.
    #[error("{path}: {message}")]
    Output {
        /// The output path as given.
        path: String,
        /// What is wrong with it and what to do.
        message: String,
    },

    /// What a command prints could not be written, e.g. standard output on a full disk or
    /// a closed pipe (see [`Error::is_closed_pipe`]).
    #[error("writing {target}: {source}")]
    Write {
        /// Where the output goes: `standard output`, or a file.
        target: String,
        /// The operating system's error.
        source: io::Error,
    },

    /// dvrole built something it would not accept itself: a bug, never the user's fault.
    #[error("internal error: {0}; please report it with the command you ran")]
    Internal(String),
}

fn suggestion_text(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!(" (did you mean '{s}'?)"),
        None => String::new(),
    }
}

impl Error {
    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Whether this is a write to a pipe whose reader has gone (`dvrole audit x.zip | head`):
    /// the reader has what it wanted, so the command ends quietly with exit 0.
    pub fn is_closed_pipe(&self) -> bool {
        matches!(self, Error::Write { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }

    /// An [`Error::InvalidSetting`].
    pub fn invalid(origin: &str, value: &str, message: impl Into<String>) -> Error {
        Error::InvalidSetting {
            origin: origin.to_string(),
            value: value.to_string(),
            message: message.into(),
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
