//! Benchmark: `dvrole report` in every format over the synthetic customizations.xml of the
//! audit benchmark (roles of hundreds of privileges each), with each run's wall time and
//! peak resident memory; and over a real export when one is given.
//!
//! `cargo bench --bench report` (200 MiB, 1 round); `-- --size 50` for another size in MiB;
//! `-- --runs 3` for more rounds (the best is reported); `-- --formats md,csv` for some of
//! them; `-- --real DIR` adds a real export (for example
//! `../shared/reference/exports/packages/apollo-roles-excerpt_managed`), run 20 times per
//! format.
//!
//! Report runs as the real binary in a child process, so its time includes everything the
//! user waits for, and its peak resident memory is the child's own (`wait4`).

mod support;
mod synth;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{arg, run_child};

const MIB: f64 = 1024.0 * 1024.0;
const FORMATS: [&str; 5] = ["md", "csv", "json", "html", "xlsx"];

/// Runs `dvrole report INPUT --format F -o OUT`; returns wall time, peak RSS in KiB, exit
/// code.
fn run_report(input: &Path, format: &str, out: &Path) -> (Duration, u64, i32) {
    run_child(
        Command::new(env!("CARGO_BIN_EXE_dvrole"))
            .arg("report")
            .arg(input)
            .args(["--format", format, "-o"])
            .arg(out)
            .stderr(Stdio::null()),
    )
}

/// Runs each format `runs` times over `input`; prints a table row per format.
fn measure(label: &str, input: &Path, formats: &[String], runs: usize, dir: &Path) {
    println!("{label}; best of {runs}");
    println!("| format | time | peak RSS | output |");
    println!("|---|---|---|---|");
    for format in formats {
        let out = dir.join(format!("matrix.{format}"));
        let mut best = Duration::MAX;
        let mut rss = 0;
        for _ in 0..runs {
            let (d, r, code) = run_report(input, format, &out);
            assert_eq!(code, 0, "dvrole report --format {format} failed");
            best = best.min(d);
            rss = rss.max(r);
        }
        let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        println!(
            "| {format} | {:.3} s | {:.1} MiB | {:.1} MiB |",
            best.as_secs_f64(),
            rss as f64 / 1024.0,
            size as f64 / MIB
        );
    }
}

fn main() {
    let size_mib: u64 = arg("--size").and_then(|s| s.parse().ok()).unwrap_or(200);
    let runs: usize = arg("--runs")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .max(1);
    let formats: Vec<String> = arg("--formats").map_or_else(
        || FORMATS.iter().map(|f| f.to_string()).collect(),
        |f| f.split(',').map(str::to_string).collect(),
    );
    let temp = tempfile::tempdir().expect("a temporary folder");
    let dir: PathBuf = temp.path().to_path_buf();

    if let Some(real) = arg("--real") {
        measure(
            &format!("input: {real}"),
            Path::new(&real),
            &formats,
            20,
            &dir,
        );
        println!();
    }

    let xml = dir.join("customizations.xml");
    let t = Instant::now();
    let g = synth::generate(
        File::create(&xml).expect("create the XML"),
        size_mib << 20,
        42,
    )
    .expect("write the XML");
    eprintln!(
        "generated {:.1} MiB ({} roles, {} role privileges) in {:.1?}",
        g.bytes as f64 / MIB,
        g.roles,
        g.privileges,
        t.elapsed()
    );
    measure(
        &format!(
            "input: {:.1} MiB of customizations.xml, {} roles, {} role privileges",
            g.bytes as f64 / MIB,
            g.roles,
            g.privileges
        ),
        &xml,
        &formats,
        runs,
        &dir,
    );
}
