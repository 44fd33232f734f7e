//! dvrole builds, checks and audits the Dataverse security role that Server-Side
//! Synchronization needs (Microsoft KB 4015092), as a solution package that imports into
//! any environment and is byte-identical on every rebuild.
//!
//! The modules are layered; each imports only from the layers below it:
//!
//! - [`text`], [`util`], [`error`]: leaf helpers (terminal-safe and shortened text, line
//!   numbers) and the error type;
//! - [`open`]: opening inputs once and without blocking;
//! - [`model`]: depths, ids, catalogues, the role and the solution manifest (no I/O);
//! - [`settings`]: the setting table, and the config file, `DVROLE_*` variables and flags,
//!   resolved with provenance;
//! - [`xml`]: the XML conventions every written part shares, and the streaming walk the
//!   readers use;
//! - [`part`]: one module per file of a package, each with its name, rendering and reader;
//! - [`package`]: reading packages, folders and files within limits; output paths; atomic
//!   writers;
//! - [`ops`]: what the commands do: build, plan, validate, drift, audit, explain, matrix;
//! - [`cli`]: arguments and what each command prints; `main.rs` maps results to exit codes.

pub mod error;
pub mod open;
pub mod text;
pub mod util;

pub mod model;
pub mod settings;

pub mod part;
pub mod xml;

pub mod package;

pub mod ops;

// The argument structs' doc comments are clap's help text, written for a terminal
// (`<SolutionName>_<version>.zip`), not rustdoc.
#[allow(rustdoc::invalid_html_tags)]
pub mod cli;

pub use error::{Error, Result};
