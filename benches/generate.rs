//! Benchmark: `dvrole generate` of the default package, as a whole process, beside a floor: a
//! minimal process that writes the same zip durably (a temporary file beside the target,
//! written, flushed to disk, renamed over it), as dvrole does.
//!
//! `cargo bench --bench generate` (200 rounds); `-- --runs 500` for more; `-- --dir DIR` to
//! write in DIR instead of the system's temporary folder. The floor is this
//! executable itself, run as `EXE --floor PATH`: it writes the golden zip
//! (`fixtures/golden/ServerSideSyncRole_1_0_0_0.zip`, the bytes `dvrole generate` writes) to
//! PATH and exits, so both children pay the same process start-up and the same disk.
//! `EXE --floor PATH` alone can be run under `valgrind --tool=callgrind` to count the
//! floor's instructions beside `dvrole generate`'s.

mod support;

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::arg;

/// What `dvrole generate` writes with no settings.
const ZIP: &[u8] = include_bytes!("../fixtures/golden/ServerSideSyncRole_1_0_0_0.zip");
const ZIP_NAME: &str = "ServerSideSyncRole_1_0_0_0.zip";

/// The floor: write `ZIP` to `path` durably, nothing else.
fn floor(path: &Path) -> std::io::Result<()> {
    let temp = path.with_extension("zip.tmp");
    let mut file = File::create(&temp)?;
    file.write_all(ZIP)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temp, path)
}

/// Runs `command` to the end; returns its wall time.
fn time(command: &mut Command) -> Duration {
    let start = Instant::now();
    let status = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the child starts");
    let elapsed = start.elapsed();
    assert!(status.success(), "{command:?}: {status}");
    elapsed
}

fn main() {
    if let Some(path) = arg("--floor") {
        if let Err(e) = floor(Path::new(&path)) {
            eprintln!("floor: {e}");
            std::process::exit(2);
        }
        return;
    }
    let runs: usize = arg("--runs")
        .and_then(|s| s.parse().ok())
        .unwrap_or(200)
        .max(1);
    // `-- --dir DIR` measures on another file system (say a tmpfs, where fsync is cheap).
    let dir = match arg("--dir") {
        Some(d) => tempfile::tempdir_in(d),
        None => tempfile::tempdir(),
    }
    .expect("a temporary folder");
    let dvrole_dir: PathBuf = dir.path().join("dvrole");
    let floor_dir: PathBuf = dir.path().join("floor");
    fs::create_dir_all(&dvrole_dir).expect("a folder");
    fs::create_dir_all(&floor_dir).expect("a folder");
    let exe = std::env::current_exe().expect("this executable");

    // The bytes must be the same, or the floor would measure something else.
    time(
        Command::new(env!("CARGO_BIN_EXE_dvrole"))
            .arg("generate")
            .current_dir(&dvrole_dir)
            .env_remove("DVROLE_CONFIG"),
    );
    assert_eq!(
        fs::read(dvrole_dir.join(ZIP_NAME)).expect("dvrole wrote the zip"),
        ZIP,
        "dvrole generate no longer writes the golden zip"
    );

    // Turn about, so load from other processes hits both alike.
    let mut times: [Vec<Duration>; 2] = Default::default();
    for _ in 0..runs {
        times[0].push(time(
            Command::new(env!("CARGO_BIN_EXE_dvrole"))
                .arg("generate")
                .current_dir(&dvrole_dir)
                .env_remove("DVROLE_CONFIG"),
        ));
        times[1].push(time(
            Command::new(&exe)
                .arg("--floor")
                .arg(floor_dir.join(ZIP_NAME)),
        ));
    }
    for t in times.iter_mut() {
        t.sort();
    }
    let best = |i: usize| times[i].first().copied().unwrap_or_default();
    let median = |i: usize| {
        times[i]
            .get(times[i].len() / 2)
            .copied()
            .unwrap_or_default()
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{runs} rounds, {} bytes written durably; best (median)",
        ZIP.len()
    );
    println!("| process | time | / floor |");
    println!("|---|---|---|");
    println!(
        "| floor (write, fsync, rename) | {:.2} ({:.2}) ms | 1.00 |",
        ms(best(1)),
        ms(median(1))
    );
    println!(
        "| dvrole generate | {:.2} ({:.2}) ms | {:.2} ({:.2}) |",
        ms(best(0)),
        ms(median(0)),
        best(0).as_secs_f64() / best(1).as_secs_f64(),
        median(0).as_secs_f64() / median(1).as_secs_f64()
    );
}
