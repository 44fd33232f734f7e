//! The `dvrole` binary: parses arguments, runs the library, maps the result to an exit code.

use std::process::ExitCode;

use clap::Parser;
use dvrole::cli::{self, Cli, Outcome};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli::run(cli) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(e) => {
            // One line, whatever the error quotes from the input: control and bidi
            // characters are escaped.
            eprintln!(
                "dvrole: error: {}",
                dvrole::text::terminal_safe(&e.to_string())
            );
            ExitCode::from(2)
        }
    }
}
