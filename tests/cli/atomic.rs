//! Writes never leave a broken file: dvrole killed (SIGKILL) at any moment leaves the previous
//! output intact, and the next run removes any temporary file the killed one left behind.

#![cfg(unix)]

use crate::common;

use std::fs;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::tree;

fn dvrole_path() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("dvrole")
}

/// Many privileges outside the catalogue make a package large enough to take a while.
fn big_args() -> Vec<String> {
    (0..20_000)
        .flat_map(|i| ["--add".to_string(), format!("prvReadBulk{i:05}=Global")])
        .collect()
}

#[test]
fn sigkill_at_any_moment_leaves_the_previous_output_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("role.zip");
    let status = Command::new(dvrole_path())
        .arg("generate")
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let previous = fs::read(&out).unwrap();

    let complete = dir.path().join("complete.zip");
    let status = Command::new(dvrole_path())
        .arg("generate")
        .args(big_args())
        .arg("-o")
        .arg(&complete)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let new = fs::read(&complete).unwrap();
    fs::remove_file(&complete).unwrap();

    let mut killed = 0;
    for step in 0..16u64 {
        let mut child = Command::new(dvrole_path())
            .arg("generate")
            .args(big_args())
            .arg("-o")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(step * 70));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL on unix
                                   // Step 0 kills before dvrole has started; only later kills count as mid-write.
            if step > 0 {
                killed += 1;
            }
        }
        child.wait().unwrap();
        let now = fs::read(&out).unwrap();
        assert!(
            now == previous || now == new,
            "step {step}: the output is neither the old nor the new package"
        );
        if now == new {
            // Restore the old one so later kills are checked against a known previous file.
            fs::write(&out, &previous).unwrap();
        }
    }
    assert!(
        killed > 0,
        "no run was killed; the package is too small for this test"
    );

    // The next complete run cleans up whatever temporary files the killed runs left.
    let status = Command::new(dvrole_path())
        .arg("generate")
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let left: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["role.zip"], "temporary files left behind");
}

#[test]
fn sigkill_never_leaves_a_half_written_or_missing_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("src");
    let folder = |extra: &[String]| {
        let mut c = Command::new(dvrole_path());
        c.args(["generate", "--format", "folder", "-o"])
            .arg(&out)
            .args(extra);
        c.stdout(Stdio::null()).stderr(Stdio::null());
        c
    };
    assert!(folder(&[]).status().unwrap().success());
    let previous = tree(&out);
    assert!(folder(&big_args()).status().unwrap().success());
    let new = tree(&out);
    assert!(folder(&[]).status().unwrap().success());
    assert_eq!(tree(&out), previous);

    let mut killed = 0;
    for step in 0..16u64 {
        let mut child = folder(&big_args()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(step * 70));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            // Step 0 kills before dvrole has started; only later kills count as mid-write.
            if step > 0 {
                killed += 1;
            }
        }
        child.wait().unwrap();
        assert!(out.is_dir(), "step {step}: the folder is missing");
        let now = tree(&out);
        assert!(
            now == previous || now == new,
            "step {step}: the folder is neither the old nor the new one"
        );
        if now == new {
            assert!(folder(&[]).status().unwrap().success());
        }
    }
    assert!(killed > 0, "no run was killed");
    assert!(folder(&[]).status().unwrap().success());
    let left: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["src"], "temporary folders left behind");
}
