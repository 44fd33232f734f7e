//! Packages as files: reading zips, source folders and single XML files within limits, and
//! writing outputs atomically.

pub mod commit;
pub mod input;
pub mod names;
pub mod output_path;
pub mod read;
pub mod whole;
pub mod write;
