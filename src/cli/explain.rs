//! `dvrole explain`: turn an error message into the privilege it is about and the fix.

use std::io::{IsTerminal, Read};
use std::path::Path;

use clap::Args;

use super::{console, ExplainSettings, Outcome, Output};
use crate::error::{Error, Result};
use crate::model::catalogue::Catalogue;
use crate::model::options::Given;
use crate::open::{self, Accept, OpenError};
use crate::ops::explain::{self, Catalogues, ExplainedPrivilege};
use crate::settings::catalogues;
use crate::settings::Setting;
use crate::text::Safe;

/// The most bytes of error text read from stdin; more is refused.
const MAX_INPUT: u64 = 16 << 20;

/// Arguments of `dvrole explain`.
#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// The error text; several words are joined with spaces; `-` or nothing reads stdin
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub settings: ExplainSettings,
    /// Print the result as JSON on stdout
    ///
    /// `{"advice": [strings], "error": string|null, "fix": string|null, "privileges":
    /// [{"access_right", "allowed": [depths]|null, "already_in_role", "builtin_catalogues":
    /// [names], "catalogue", "depth", "entity", "entity_display", "fix", "flags": [strings],
    /// "in_catalogue", "in_environment", "notes": [strings], "object_type_code", "privilege",
    /// "privilege_id", "refused_depth", "required_depth", "tab", "written"}]}`; `written` is
    /// the text's spelling where it is a misspelling, `fix` per privilege the command for it
    /// alone, the top-level `fix` the one command for all; unknown values are null
    #[arg(long)]
    pub json: bool,
}

/// Runs `dvrole explain`.
pub fn run(args: &ExplainArgs) -> Result<Outcome> {
    let text = if args.text.is_empty() || args.text == ["-"] {
        let stdin = std::io::stdin();
        // Typed at a prompt without text, explain would otherwise wait without a word.
        if stdin.is_terminal() {
            console::diagnostic(
                "reading the error text from standard input: paste it, then press Ctrl-D (Ctrl-Z and Enter on Windows), or give it as arguments: dvrole explain \"TEXT\"",
            );
        }
        if is_pipe(&stdin) {
            // A pipe is read as every piped input is: given up on after --stream-timeout of
            // silence, where a writer holds it open and sends nothing.
            read_piped()?
        } else {
            read_text(stdin.lock())?
        }
    } else {
        if let [one] = args.text.as_slice() {
            if Path::new(one).is_file() {
                console::diagnostic(&format!(
                    "note: '{one}' is a file; dvrole explain reads the text itself, so to explain what the file holds run: dvrole explain < {one}"
                ));
            }
        }
        args.text.join(" ")
    };
    let given: Vec<Given> = args.settings.all(Setting::ExplainCatalogue);
    let selected = catalogues::select(&given, &[])?;
    let builtin = Catalogue::all_builtin()?;
    let table = super::environment_table(&args.settings.all(Setting::Privileges))?;
    let accept: Vec<String> = args
        .settings
        .all(Setting::Accept)
        .into_iter()
        .map(|g| g.value)
        .collect();
    let report = explain::explain(
        &text,
        &Catalogues {
            selected: &selected,
            named: !given.is_empty(),
            builtin: &builtin,
            table: table.as_ref(),
            accept: &accept,
        },
    );
    let mut out = Output::stdout();
    if args.json {
        out.json(&report)?;
    } else {
        if let Some(error) = &report.error {
            writeln!(out, "error: {}", Safe(error))?;
        }
        for e in &report.privileges {
            print_explanation(&mut out, e)?;
        }
        if let Some(fix) = &report.fix {
            let label = if report.privileges.len() == 1 {
                "fix:"
            } else {
                "fix (all of them):"
            };
            writeln!(out, "{label:<15} {fix}")?;
        }
        for line in &report.advice {
            writeln!(out, "advice: {line}")?;
        }
        if report.privileges.is_empty() && report.advice.is_empty() {
            writeln!(
                out,
                "no privilege found in the text; paste the whole message, including the prv... name or the privilege id"
            )?;
        }
    }
    out.finish()?;
    Ok(
        if report.privileges.is_empty() && report.advice.is_empty() {
            Outcome::Findings
        } else {
            Outcome::Clean
        },
    )
}

/// Whether standard input is a pipe or FIFO (not a terminal, a file or a device).
fn is_pipe(stdin: &std::io::Stdin) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        use std::os::unix::io::AsFd;
        stdin
            .as_fd()
            .try_clone_to_owned()
            .map(std::fs::File::from)
            .and_then(|f| f.metadata())
            .is_ok_and(|m| m.file_type().is_fifo())
    }
    #[cfg(not(unix))]
    {
        let _ = stdin;
        false
    }
}

/// Reads piped standard input through [`crate::open`], capped and with the stream timeout.
fn read_piped() -> Result<String> {
    let bytes =
        open::read_capped(Path::new("-"), MAX_INPUT, Accept::Streams).map_err(|e| match e {
            OpenError::TooLarge(_) => too_large(),
            other => Error::Unreadable {
                input: "stdin".to_string(),
                message: other.to_string(),
            },
        })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The error for standard input over [`MAX_INPUT`].
fn too_large() -> Error {
    Error::Unreadable {
        input: "stdin".to_string(),
        message: format!(
            "is over {} MiB; an error message is far shorter, so give only the message",
            MAX_INPUT >> 20
        ),
    }
}

/// Reads the error text from `input` (stdin), refusing more than [`MAX_INPUT`] bytes rather
/// than explaining part of it. Bytes that are not UTF-8 are replaced.
fn read_text(input: impl Read) -> Result<String> {
    let mut bytes = Vec::new();
    input
        .take(MAX_INPUT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("stdin", e))?;
    if bytes.len() as u64 > MAX_INPUT {
        return Err(too_large());
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn print_explanation(out: &mut Output, e: &ExplainedPrivilege) -> Result<()> {
    let unknown = "(unknown to dvrole)";
    writeln!(
        out,
        "{}{}",
        Safe(&e.privilege),
        e.id.as_ref()
            .map(|id| format!(" (id {id})"))
            .unwrap_or_default()
    )?;
    let table = match (&e.entity, &e.entity_display) {
        (Some(n), Some(d)) => format!("{n} ({d})"),
        (Some(n), None) => n.clone(),
        (None, Some(d)) => d.clone(),
        (None, None) => "(none: a miscellaneous privilege, or unknown)".to_string(),
    };
    writeln!(out, "  table:          {}", Safe(&table))?;
    let access = e
        .access_right
        .as_ref()
        .map(|a| format!(", {a} column"))
        .unwrap_or_default();
    let editor = match &e.tab {
        Some(tab) => format!("{tab} tab{access}"),
        None => unknown.to_string(),
    };
    writeln!(out, "  role editor:    {}", Safe(&editor))?;
    writeln!(
        out,
        "  allowed depths: {}",
        e.allowed.map_or(unknown.to_string(), |a| a.to_string())
    )?;
    if let Some(d) = e.required_depth {
        writeln!(out, "  required depth: {d} ({})", d.editor_name())?;
    }
    if let Some(d) = e.refused_depth {
        writeln!(out, "  refused depth:  {d} ({})", d.editor_name())?;
    }
    let held = if e.builtin_catalogues.is_empty() {
        "no built-in catalogue".to_string()
    } else {
        e.builtin_catalogues.join(", ")
    };
    writeln!(
        out,
        "  catalogue:      {} {} (held by: {})",
        if e.in_catalogue { "in" } else { "not in" },
        Safe(&e.catalogue),
        Safe(&held)
    )?;
    if let Some(found) = e.in_environment {
        let held = if found {
            "in its privilege table"
        } else {
            "NOT in its privilege table"
        };
        writeln!(out, "  environment:    {held}")?;
    }
    for note in &e.notes {
        writeln!(out, "  note: {}", Safe(note))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_over_the_limit_is_refused_not_cut() {
        let at_limit = vec![b'a'; MAX_INPUT as usize];
        assert_eq!(
            read_text(at_limit.as_slice()).unwrap().len(),
            at_limit.len()
        );
        let over = vec![b'a'; MAX_INPUT as usize + 1];
        let err = read_text(over.as_slice()).unwrap_err().to_string();
        assert_eq!(
            err,
            "stdin: is over 16 MiB; an error message is far shorter, so give only the message"
        );
    }
}
