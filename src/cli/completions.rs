//! `dvrole completions` and `dvrole man`: shell completion scripts and the roff man page,
//! printed on stdout.

use std::path::PathBuf;

use clap::{Args, CommandFactory, ValueEnum};

use super::{console, Cli, Outcome, Output};
use crate::error::{Error, Result};
use crate::package::commit::WritePlan;
use crate::package::output_path;

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
    let mut command = super::flags::offering_all(Cli::command());
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut command, "dvrole", &mut buf);
    print_bytes(&buf)
}

/// Arguments of `dvrole man`.
#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// The command whose page to print, e.g. `generate` or `catalogue show` [default: the
    /// page of dvrole itself]
    #[arg(
        value_name = "COMMAND",
        conflicts_with = "dir",
        value_parser = CommandNames,
        hide_possible_values = true
    )]
    pub command: Vec<String>,
    /// Write dvrole.1 and a page for every command (dvrole-generate.1, ...) into this folder,
    /// creating it if needed, instead of printing one page
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub dir: Option<PathBuf>,
}

/// Takes any word for `dvrole man COMMAND` and offers completions the command names.
#[derive(Debug, Clone, Copy)]
struct CommandNames;

impl clap::builder::TypedValueParser for CommandNames {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> std::result::Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        fn walk(cmd: &clap::Command, names: &mut Vec<String>) {
            for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
                if !names.iter().any(|n| n == sub.get_name()) {
                    names.push(sub.get_name().to_string());
                }
                walk(sub, names);
            }
        }
        // Asked only when completions or help are made; the tree is not built, so this
        // parser is not asked again from within.
        let mut names = Vec::new();
        walk(&Cli::command(), &mut names);
        Some(Box::new(
            names.into_iter().map(clap::builder::PossibleValue::new),
        ))
    }
}

/// One man page: its file name (`dvrole-generate.1`) and its roff text.
struct Page {
    file: String,
    roff: Vec<u8>,
    /// The command words after `dvrole`, e.g. `["catalogue", "show"]`.
    words: Vec<String>,
}

/// The man pages of dvrole and every command below it, each naming its subcommands' pages.
fn pages() -> Result<Vec<Page>> {
    fn walk(cmd: clap::Command, words: Vec<String>, out: &mut Vec<Page>) -> Result<()> {
        // Every page's footer names dvrole and its version; clap would name a subcommand
        // alone (`"generate "`), as subcommands carry no version.
        let man = clap_mangen::Man::new(cmd.clone())
            .source(format!("dvrole {}", env!("CARGO_PKG_VERSION")));
        let mut roff = Vec::new();
        man.render(&mut roff)
            .map_err(|e| Error::Internal(format!("man page: {e}")))?;
        out.push(Page {
            file: man.get_filename(),
            roff,
            words: words.clone(),
        });
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            let mut below = words.clone();
            below.push(sub.get_name().to_string());
            walk(sub, below, out)?;
        }
        Ok(())
    }
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    walk(cmd, Vec::new(), &mut out)?;
    Ok(out)
}

/// Runs `dvrole man`: one page in roff on stdout (for `man -l -`), or every page into a
/// folder (a `man1` folder, say).
pub fn run_man(args: &ManArgs) -> Result<Outcome> {
    let pages = pages()?;
    if let Some(dir) = &args.dir {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Output {
                path: dir.display().to_string(),
                message: "is a file; name a folder for the man pages".into(),
            });
        }
        // Every page is checked and staged before any is replaced, so a page that cannot be
        // written leaves the old pages as they were; the folders made for them are removed.
        let mut writes = WritePlan::new();
        for page in &pages {
            writes.file(dir.join(&page.file), page.roff.clone());
        }
        writes.check_existing()?;
        let first = dir.join("dvrole.1");
        let created = output_path::create_parents([first.as_path()])?;
        writes.commit()?;
        created.keep();
        console::diagnostic(&format!(
            "wrote {} man pages to {}",
            pages.len(),
            dir.display()
        ));
        return Ok(Outcome::Clean);
    }
    let page = pages
        .iter()
        .find(|p| p.words == args.command)
        .ok_or_else(|| {
            let known: Vec<String> = pages
                .iter()
                .filter(|p| !p.words.is_empty())
                .map(|p| p.words.join(" "))
                .collect();
            Error::invalid(
                "dvrole man",
                &args.command.join(" "),
                format!("no such command; pages: {}", known.join(", ")),
            )
        })?;
    print_bytes(&page.roff)
}

/// Writes `bytes` to standard output.
fn print_bytes(bytes: &[u8]) -> Result<Outcome> {
    let mut out = Output::stdout();
    std::io::Write::write_all(&mut out, bytes).map_err(|e| out.error(e))?;
    out.finish()?;
    Ok(Outcome::Clean)
}
