//! `dvrole init`: write a commented starter `dvrole.toml`.

use std::path::PathBuf;

use clap::Args;

use super::{console, write_file, InitSettings, Outcome};
use crate::error::{Error, Result};
use crate::package::output_path;
use crate::settings::config;
use crate::settings::Setting;

/// Arguments of `dvrole init`.
#[derive(Debug, Clone, Default, Args)]
pub struct InitArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub settings: InitSettings,
    /// Replace the file if it exists
    #[arg(long)]
    pub force: bool,
}

/// Runs `dvrole init`.
pub fn run(args: &InitArgs) -> Result<Outcome> {
    let path = match args.settings.path(Setting::InitOutput) {
        Some(p) => output_path::file_in(&p, config::DEFAULT_CONFIG_FILE)?,
        None => PathBuf::from(config::DEFAULT_CONFIG_FILE),
    };
    // A folder in the file's place is not replaced, --force or not (writing would put the
    // file inside it).
    if path.is_dir() {
        return Err(Error::Output {
            path: path.display().to_string(),
            message: format!(
                "is a folder; name the file to write with -o, e.g. -o config/{}",
                config::DEFAULT_CONFIG_FILE
            ),
        });
    }
    if !args.force && std::fs::symlink_metadata(&path).is_ok() {
        return Err(Error::Output {
            path: path.display().to_string(),
            message: "already exists; pass --force to replace it".into(),
        });
    }
    let path = write_file(
        &path,
        config::DEFAULT_CONFIG_FILE,
        config::starter().as_bytes(),
    )?;
    console::diagnostic(&format!("wrote {}", path.display()));
    Ok(Outcome::Clean)
}
