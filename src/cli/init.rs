//! `dvrole init`: write a commented starter `dvrole.toml`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{InitSettings, Outcome};
use crate::error::{Error, Result};
use crate::package::write::write_atomic;
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
    let path = args
        .settings
        .path(Setting::InitOutput)
        .unwrap_or_else(|| PathBuf::from(config::DEFAULT_CONFIG_FILE));
    if !args.force && std::fs::symlink_metadata(&path).is_ok() {
        return Err(Error::Unreadable {
            input: path.display().to_string(),
            message: "already exists; pass --force to replace it".into(),
        });
    }
    write_atomic(&path, config::starter().as_bytes())?;
    let _ = writeln!(std::io::stdout().lock(), "wrote {}", path.display());
    Ok(Outcome::Clean)
}
