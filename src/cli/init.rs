//! `dvrole init`: write a commented starter `dvrole.toml`.

use std::path::PathBuf;

use clap::Args;

use super::{console, read_limits, write_file, InitSettings, Outcome, Output};
use crate::error::{Error, Result};
use crate::model::guid;
use crate::ops::{adopt, selection};
use crate::package::whole::read_whole_roles;
use crate::package::{commit, output_path};
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
    /// Write a config that rebuilds an existing role exactly, read from this input (a
    /// solution zip, package folder, source folder, customizations.xml or role file)
    #[arg(long, value_name = "INPUT", requires = "role")]
    pub from: Option<PathBuf>,
    /// With --from: the role to rebuild, by name (any case) or id
    #[arg(long, value_name = "NAME|GUID", requires = "from")]
    pub role: Option<String>,
}

/// Runs `dvrole init`.
pub fn run(args: &InitArgs) -> Result<Outcome> {
    let given = args.settings.path(Setting::InitOutput);
    // `-o -`: the config on standard output, for a pipe or a look first.
    let to_stdout = given.as_deref().is_some_and(commit::is_stdout);
    let path = match given {
        Some(p) if to_stdout => p,
        Some(p) => output_path::file_in(&p, config::DEFAULT_CONFIG_FILE)?,
        None => PathBuf::from(config::DEFAULT_CONFIG_FILE),
    };
    let write = |text: &str| -> Result<PathBuf> {
        if to_stdout {
            let mut out = Output::stdout_asked();
            out.text(text)?;
            out.finish()?;
            Ok(path.clone())
        } else {
            write_file(&path, config::DEFAULT_CONFIG_FILE, text.as_bytes())
        }
    };
    // A folder in the file's place is not replaced, --force or not (writing would put the
    // file inside it).
    if !to_stdout && path.is_dir() {
        return Err(Error::Output {
            path: path.display().to_string(),
            message: format!(
                "is a folder; name the file to write with -o, e.g. -o config/{}",
                config::DEFAULT_CONFIG_FILE
            ),
        });
    }
    if !to_stdout && !args.force && std::fs::symlink_metadata(&path).is_ok() {
        return Err(Error::Output {
            path: path.display().to_string(),
            message: "already exists; pass --force to replace it".into(),
        });
    }
    let Some(from) = &args.from else {
        let path = write(&config::starter())?;
        console::diagnostic(&format!("wrote {}", shown(&path)));
        return Ok(Outcome::Clean);
    };
    let limits = read_limits(&args.settings)?;
    let selector = args.role.clone().unwrap_or_default();
    let loaded = read_whole_roles(from, limits)?;
    let chosen = selection::distinct(selection::select(
        loaded.roles,
        std::slice::from_ref(&selector),
    )?)?;
    let role = match chosen.as_slice() {
        [one] => one,
        many => {
            let ids: Vec<String> = many
                .iter()
                .map(|r| format!("'{}' {}", r.name, guid::braced(r.id)))
                .collect();
            return Err(Error::invalid(
                "--role",
                &selector,
                format!(
                    "names {} roles ({}); give the id of the one to rebuild",
                    many.len(),
                    ids.join(", ")
                ),
            ));
        }
    };
    let adopted = adopt::adopt(role, &from.display().to_string())?;
    let path = write(&adopted.text)?;
    console::diagnostic(&format!(
        "wrote {}: role '{}' {} from {} ({}; {} privileges through [role.depth], {} through [role.add], {} excluded)",
        shown(&path),
        role.name,
        guid::braced(role.id),
        from.display(),
        adopted.catalogues.join(" + "),
        adopted.depths,
        adopted.added,
        adopted.excluded
    ));
    Ok(Outcome::Clean)
}

/// The path written, as messages name it: `standard output` for `-o -`.
fn shown(path: &std::path::Path) -> String {
    if commit::is_stdout(path) {
        "standard output".to_string()
    } else {
        path.display().to_string()
    }
}
