//! Where a command's text goes: results to stdout, diagnostics ("wrote ...", notes,
//! warnings, what to do next) to stderr, and under `-q/--quiet` neither. Errors are not
//! printed here: `main.rs` prints them whatever `-q` says.

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

/// Standard output, or a sink under `-q`.
pub(crate) fn stdout() -> Box<dyn Write> {
    if quiet() {
        Box::new(io::sink())
    } else {
        Box::new(io::stdout().lock())
    }
}

/// Prints one diagnostic line on stderr, unless `-q`.
pub(crate) fn diagnostic(line: &str) {
    if !quiet() {
        let _ = writeln!(io::stderr().lock(), "{line}");
    }
}
