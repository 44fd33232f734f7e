//! Where a command's text goes: results to stdout, diagnostics ("wrote ...", notes,
//! warnings, what to do next) to stderr, and under `-q/--quiet` neither. Errors are not
//! printed here: `main.rs` prints them whatever `-q` says. Standard output itself is
//! [`output::Output`].

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static QUIET: AtomicBool = AtomicBool::new(false);

/// Sets `-q/--quiet` for the rest of the run.
pub(crate) fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `-q/--quiet` was given.
pub(crate) fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Prints one diagnostic line on stderr, unless `-q`.
pub(crate) fn diagnostic(line: &str) {
    if !quiet() {
        // One line whatever it quotes from the input: control and bidi characters are
        // escaped.
        stderr_line(format_args!("{}", crate::text::terminal_safe(line)));
    }
}

/// Writes one line to standard error, whatever `-q` says. Unlike `eprintln!`, it does not
/// panic when standard error cannot be written (closed, or a full disk): such a line has
/// nowhere else to go, and the exit code still tells the outcome.
pub fn stderr_line(line: fmt::Arguments<'_>) {
    let mut err = io::stderr().lock();
    // Standard error is where failures are told; when it cannot be written, nothing can.
    let _ = err.write_fmt(line).and_then(|()| err.write_all(b"\n"));
}
