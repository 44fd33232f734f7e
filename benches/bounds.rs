//! Benchmark: time and peak memory of the hostile-input shapes at 1x and 10x size, to show
//! that time grows linearly and memory stays flat.
//!
//! `cargo bench --bench bounds` runs every shape at both sizes; `-- --scale 0.1` shrinks
//! both (for a quick look); `-- --only NAME` runs the shapes whose name holds NAME.
//!
//! Each run is the release binary in a child process, timed by the CPU it used; its peak
//! resident memory is the
//! child's own `VmHWM`, sampled from `/proc` every millisecond until it exits (wait4's
//! `ru_maxrss` would also count this process, which the child was forked from).

mod support;

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use support::arg;

const ROLE_ID: &str = "{0f3a6c1e-5b2d-4e8f-9a7c-1d2e3f4a5b6c}";

/// Runs dvrole with `args` in `dir`, stdin from `stdin` (or nothing); returns its CPU time
/// (user and system, from wait4: unlike wall time, not stretched by other load on the
/// machine), peak RSS in KiB and exit code.
fn run(dir: &Path, args: &[&str], stdin: Option<File>) -> (Duration, i64, i32) {
    let child = Command::new(env!("CARGO_BIN_EXE_dvrole"))
        .current_dir(dir)
        .args(args)
        .stdin(stdin.map_or_else(Stdio::null, Stdio::from))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("dvrole starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut peak = 0i64;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        if let Some(hwm) = fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                let line = s.lines().find(|l| l.starts_with("VmHWM:"))?.to_string();
                line.split_whitespace().nth(1)?.parse::<i64>().ok()
            })
        {
            peak = peak.max(hwm);
        }
        // SAFETY: `pid` is our child; `status` and `usage` are valid out-pointers.
        let rc = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if rc == pid {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    // Reaped by wait4 above; the handle has nothing left to wait for.
    std::mem::forget(child);
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    (
        tv(usage.ru_utime) + tv(usage.ru_stime),
        peak,
        libc::WEXITSTATUS(status),
    )
}

/// Writes `chunk` to `w` until `total` bytes are written, never holding more than a chunk.
fn repeat(w: &mut (impl Write + ?Sized), chunk: &[u8], total: u64) {
    let mut written = 0u64;
    while written < total {
        let n = chunk.len().min((total - written) as usize);
        w.write_all(&chunk[..n]).expect("written");
        written += n as u64;
    }
}

fn package_folder(dir: &Path, write_customizations: impl FnOnce(&mut dyn Write)) -> PathBuf {
    let pkg = dir.join("pkg");
    fs::create_dir_all(&pkg).expect("folder");
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/validate/valid");
    for f in ["solution.xml", "[Content_Types].xml"] {
        fs::copy(fixture.join(f), pkg.join(f)).expect("copied");
    }
    let mut w = BufWriter::new(File::create(pkg.join("customizations.xml")).expect("created"));
    write_customizations(&mut w);
    w.flush().expect("flushed");
    pkg
}

/// A role listing one privilege `n` times.
fn repeated_privileges(dir: &Path, n: u64) -> Vec<String> {
    package_folder(dir, |w| {
        let _ = write!(
            w,
            "<ImportExportXml><Roles><Role id=\"{ROLE_ID}\" name=\"R\"><RolePrivileges>"
        );
        for _ in 0..n {
            let _ = w.write_all(b"<RolePrivilege name=\"prvReadMailbox\" level=\"Basic\" />");
        }
        let _ = w.write_all(b"</RolePrivileges></Role></Roles></ImportExportXml>");
    });
    vec!["validate".into(), "pkg".into()]
}

/// A role of `n` distinct privilege names dvrole does not know, each checked for being a
/// probable misspelling of one it knows.
fn unknown_names(dir: &Path, n: u64) -> Vec<String> {
    package_folder(dir, |w| {
        let _ = write!(
            w,
            "<ImportExportXml><Roles><Role id=\"{ROLE_ID}\" name=\"R\"><RolePrivileges>"
        );
        for i in 0..n {
            let _ = write!(
                w,
                "<RolePrivilege name=\"prvReadnew_unknown_{}\" level=\"Basic\" />",
                letters(i)
            );
        }
        let _ = w.write_all(b"</RolePrivileges></Role></Roles></ImportExportXml>");
    });
    vec!["validate".into(), "pkg".into()]
}

/// A text node of `mib` MiB in customizations.xml.
fn text_node(dir: &Path, mib: u64) -> Vec<String> {
    package_folder(dir, |w| {
        let _ = w.write_all(b"<ImportExportXml><Roles /><Blob>");
        repeat(w, &[b'a'; 64 * 1024], mib << 20);
        let _ = w.write_all(b"</Blob></ImportExportXml>");
    });
    vec!["validate".into(), "pkg".into()]
}

/// A zip whose one entry inflates to `mib` MiB, checked against what generate would write.
fn inflating_zip(dir: &Path, mib: u64) -> Vec<String> {
    let file = File::create(dir.join("big.zip")).expect("created");
    let mut zip = zip::ZipWriter::new(file);
    zip.start_file(
        "customizations.xml",
        zip::write::SimpleFileOptions::default().large_file(true),
    )
    .expect("entry");
    repeat(&mut zip, &[b' '; 64 * 1024], mib << 20);
    zip.finish().expect("finished");
    vec![
        "generate".into(),
        "--check".into(),
        "-o".into(),
        "big.zip".into(),
    ]
}

/// A catalogue of `n` entries, used by report.
fn catalogue(dir: &Path, n: u64) -> Vec<String> {
    let mut w = BufWriter::new(File::create(dir.join("big.toml")).expect("created"));
    let _ = writeln!(w, "name = \"big\"\ndescription = \"d\"\nsource = \"s\"\n");
    for i in 0..n {
        let _ = writeln!(
            w,
            "[[entry]]\nprivilege = \"prvReadnew_synthetic_{}\"\nentity = \"e\"\ntab = \"Custom Entities\"\naccess_right = \"Read\"\nallowed = [\"Basic\", \"Global\"]\nsource = \"s\"\n",
            letters(i)
        );
    }
    w.flush().expect("flushed");
    vec![
        "report".into(),
        "--catalogue".into(),
        "big.toml".into(),
        "--format".into(),
        "csv".into(),
    ]
}

/// Error text naming `n` distinct privileges.
fn explain_tokens(dir: &Path, n: u64) -> Vec<String> {
    let mut w = BufWriter::new(File::create(dir.join("error.txt")).expect("created"));
    for i in 0..n {
        let _ = writeln!(
            w,
            "Principal user is missing prvRead{} privilege",
            letters(i)
        );
    }
    w.flush().expect("flushed");
    vec!["explain".into(), "-".into()]
}

/// `i` in letters: a, b, ..., z, ba, bb, ...
fn letters(mut i: u64) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'a' + (i % 26) as u8);
        i /= 26;
        if i == 0 {
            break;
        }
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

type Shape = (&'static str, u64, fn(&Path, u64) -> Vec<String>);

fn main() {
    let scale: f64 = arg("--scale").and_then(|s| s.parse().ok()).unwrap_or(1.0);
    let only = arg("--only");
    let shapes: [Shape; 6] = [
        (
            "validate, one privilege listed N times",
            100_000,
            repeated_privileges,
        ),
        ("validate, a text node of N MiB", 20, text_node),
        (
            "validate, N distinct unknown privilege names",
            1_000,
            unknown_names,
        ),
        (
            "generate --check, a zip inflating to N MiB",
            25,
            inflating_zip,
        ),
        ("report, a catalogue of N entries", 1_000, catalogue),
        (
            "explain, N distinct privileges on stdin",
            4_000,
            explain_tokens,
        ),
    ];
    println!(
        "{:<46} {:>10} {:>9} {:>9} {:>10}",
        "shape", "N", "CPU s", "peak MiB", "CPU/1x"
    );
    for (name, base, make) in shapes {
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        let mut first = None;
        for factor in [1u64, 10] {
            let n = ((base as f64 * scale).max(1.0) as u64) * factor;
            let dir = tempfile::tempdir().expect("a scratch folder");
            let args = make(dir.path(), n);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let stdin = File::open(dir.path().join("error.txt")).ok();
            let (elapsed, peak, code) = run(dir.path(), &args, stdin);
            let secs = elapsed.as_secs_f64();
            let ratio = first.map_or("".to_string(), |f: f64| format!("{:.1}x", secs / f));
            first.get_or_insert(secs);
            println!(
                "{name:<46} {n:>10} {secs:>9.2} {:>9.1} {ratio:>10}  (exit {code})",
                peak as f64 / 1024.0
            );
        }
    }
}
