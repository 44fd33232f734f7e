//! One module per file of a solution package: each holds the file's name and renders it.

pub mod content_types;
pub mod customizations;
pub mod role_file;
pub mod roles;
pub mod solution;
