//! The `dvrole` binary: parses arguments, runs the library, maps the result to an exit code.

use std::process::ExitCode;

use clap::Parser;
use dvrole::cli::{self, output, Cli, Outcome};

fn main() -> ExitCode {
    let result = match Cli::try_parse() {
        Ok(cli) => cli::run(cli),
        Err(e) if e.use_stderr() => {
            // A usage error: clap's message, its exit code (2).
            output::diagnostic(format_args!("{}", e.render().to_string().trim_end()));
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
        // --help and --version: results like any other, on standard output.
        Err(e) => cli::print_text(&e.render().to_string()).map(|()| Outcome::Clean),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        // The reader of a pipe has gone: it has what it wanted.
        Err(e) if e.is_closed_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            // One line, whatever the error quotes from the input: control and bidi
            // characters are escaped.
            output::diagnostic(format_args!("dvrole: error: {}", dvrole::text::Safe(&e)));
            ExitCode::from(2)
        }
    }
}
