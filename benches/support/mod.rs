//! What the benchmarks share: their `-- --name VALUE` arguments, and timing a child process
//! with its peak memory.

#![allow(dead_code)] // each benchmark uses what it needs

use std::io;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The value after `name` on the benchmark's command line (`cargo bench --bench X -- NAME V`).
pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// Runs `command`, stdout discarded; returns wall time, peak RSS in KiB (from `wait4`), exit
/// code.
pub fn run_child(command: &mut Command) -> (Duration, u64, i32) {
    let start = Instant::now();
    let child = command
        .stdout(Stdio::null())
        .spawn()
        .expect("the child starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, not yet waited for; status and usage are valid pointers.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    assert_eq!(waited, pid, "wait4: {}", io::Error::last_os_error());
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    std::mem::forget(child);
    // ru_maxrss is in KiB on Linux.
    (elapsed, usage.ru_maxrss as u64, code)
}
