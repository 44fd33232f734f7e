//! dvrole builds, checks and audits the Dataverse security role that Server-Side
//! Synchronization needs (Microsoft KB 4015092), as a solution package that imports into
//! any environment and is byte-identical on every rebuild.
//!
//! The library holds the model; `main.rs` is a thin command line over [`cli`].

pub mod audit;
pub mod catalogue;
pub mod check;
pub mod cli;
pub mod config;
pub mod content_types;
pub mod customizations;
pub mod depth;
pub mod error;
pub mod explain;
pub mod generate;
pub mod guid;
pub mod layout;
pub mod options;
pub mod package;
pub mod read;
pub mod report;
pub mod role;
pub mod role_file;
pub mod solution;
pub mod table;
pub mod validate;
pub mod xml;

pub use error::{Error, Result};
