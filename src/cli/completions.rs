//! `dvrole completions` and `dvrole man`: shell completion scripts and the roff man page,
//! printed on stdout.

use clap::{Args, CommandFactory, ValueEnum};

use super::{Cli, Outcome, Output};
use crate::error::{Error, Result};

/// Shells dvrole writes completions for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
}

/// Arguments of `dvrole completions`.
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Runs `dvrole completions`.
pub fn run(args: &CompletionsArgs) -> Result<Outcome> {
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Powershell => clap_complete::Shell::PowerShell,
    };
    let mut command = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut command, "dvrole", &mut buf);
    print_bytes(&buf)
}

/// Runs `dvrole man`: the man page in roff, for `man -l -` or a `man1` folder.
pub fn run_man() -> Result<Outcome> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| Error::Internal(format!("man page: {e}")))?;
    print_bytes(&buf)
}

/// Writes `bytes` to standard output.
fn print_bytes(bytes: &[u8]) -> Result<Outcome> {
    let mut out = Output::stdout();
    std::io::Write::write_all(&mut out, bytes).map_err(|e| out.error(e))?;
    out.finish()?;
    Ok(Outcome::Clean)
}
