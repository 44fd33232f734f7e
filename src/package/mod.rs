//! Packages as files: reading zips, source folders and single XML files within limits, and
//! writing outputs atomically.

pub mod input;
pub mod output_path;
pub mod read;
pub mod whole;
pub mod write;
