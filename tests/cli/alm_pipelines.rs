//! The example pipelines under examples/ parse as YAML, and every dvrole command in them
//! parses with dvrole's own argument parser and runs to success against examples/dvrole.toml.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Parser;
use dvrole::cli::Cli;
use yaml_rust2::{Yaml, YamlLoader};

fn example(name: &str) -> Yaml {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("the example exists");
    let mut docs = YamlLoader::load_from_str(&text).expect("the example is valid YAML");
    assert_eq!(docs.len(), 1, "{name} holds one document");
    docs.remove(0)
}

/// Splits a shell line into words, honouring double and single quotes.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, c) if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            (None, c) => cur.push(c),
        }
    }
    assert!(quote.is_none(), "unbalanced quotes in {line:?}");
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// One shell step: its lines and its environment.
struct Step {
    lines: Vec<String>,
    env: BTreeMap<String, String>,
}

fn env_of(y: &Yaml) -> BTreeMap<String, String> {
    y.as_hash()
        .map(|h| {
            h.iter()
                .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs the dvrole lines of `steps` in a fresh folder holding examples/dvrole.toml and the
/// folder it describes, with `subst` applied; returns the folder.
fn run_steps(steps: &[Step], subst: &dyn Fn(&str, &Path) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/dvrole.toml"),
        dir.path().join("dvrole.toml"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("solution")).unwrap();
    common::cmd(dir.path()).arg("generate").assert().success();
    let mut ran = 0;
    for step in steps {
        for raw in &step.lines {
            let line = subst(raw.trim(), dir.path());
            let args = words(&line);
            match args.first().map(String::as_str) {
                Some("dvrole") => {
                    if let Err(e) = Cli::try_parse_from(&args) {
                        panic!("{line:?} does not parse: {e}");
                    }
                    let mut cmd = common::dvrole();
                    cmd.current_dir(dir.path()).args(&args[1..]);
                    for (k, v) in &step.env {
                        cmd.env(k, subst(v, dir.path()));
                    }
                    let out = cmd.output().unwrap();
                    assert!(
                        out.status.success(),
                        "{line:?} failed: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    // The pipeline's own variables are none that dvrole would warn about.
                    let stderr = String::from_utf8_lossy(&out.stderr);
                    assert!(
                        !stderr.contains("environment variable"),
                        "{line:?}: {stderr}"
                    );
                    ran += 1;
                }
                Some("mkdir") => {
                    for p in args.iter().skip(1).filter(|a| !a.starts_with('-')) {
                        std::fs::create_dir_all(dir.path().join(p)).unwrap();
                    }
                }
                Some("cargo") => assert!(
                    line.contains("--locked"),
                    "install pins dependencies: {line}"
                ),
                _ => {}
            }
        }
    }
    assert!(ran >= 4, "only {ran} dvrole commands ran");
    dir
}

#[test]
fn github_actions_workflow_runs_as_written() {
    let y = example("github-actions.yml");
    let mut steps = Vec::new();
    let mut import_file = None;
    let global_env = env_of(&y["env"]);
    for (_, job) in y["jobs"].as_hash().expect("jobs") {
        for step in job["steps"].as_vec().expect("steps") {
            if let Some(run) = step["run"].as_str() {
                let mut env = global_env.clone();
                env.extend(env_of(&step["env"]));
                steps.push(Step {
                    lines: run.lines().map(str::to_string).collect(),
                    env,
                });
            }
            if step["uses"].as_str() == Some("microsoft/powerplatform-actions/import-solution@v1") {
                import_file = step["with"]["solution-file"].as_str().map(str::to_string);
            }
        }
    }
    let subst = |s: &str, _: &Path| s.replace("${{ github.run_number }}", "42");
    let dir = run_steps(&steps, &subst);
    let import = import_file.expect("the workflow imports with import-solution");
    assert!(dir.path().join(&import).is_file(), "{import} was built");
    let zip = std::fs::read(dir.path().join(&import)).unwrap();
    let manifest = common::unzip(&zip)
        .into_iter()
        .find(|(n, _)| n == "solution.xml")
        .unwrap()
        .1;
    let text = String::from_utf8_lossy(&manifest);
    assert!(
        text.contains("<Version>1.0.42.0</Version>"),
        "version from the run number"
    );
    assert!(text.contains("<Managed>1</Managed>"));
}

#[test]
fn azure_devops_pipeline_runs_as_written() {
    let y = example("azure-pipelines.yml");
    let vars = env_of(&y["variables"]);
    let mut steps = Vec::new();
    let mut import_file = None;
    for step in y["steps"].as_vec().expect("steps") {
        if let Some(script) = step["script"].as_str() {
            steps.push(Step {
                lines: script.lines().map(str::to_string).collect(),
                env: BTreeMap::new(),
            });
        }
        if step["task"].as_str() == Some("PowerPlatformImportSolution@2") {
            assert_eq!(
                step["inputs"]["authenticationType"].as_str(),
                Some("PowerPlatformSPN")
            );
            import_file = step["inputs"]["SolutionInputFile"]
                .as_str()
                .map(str::to_string);
        }
    }
    assert!(
        y["steps"]
            .as_vec()
            .unwrap()
            .iter()
            .any(|s| s["task"].as_str() == Some("PowerPlatformToolInstaller@2")),
        "the Build Tools are installed before the import"
    );
    let out_var = vars.get("OUT").cloned().expect("OUT variable");
    let subst = move |s: &str, dir: &Path| {
        let staging = dir.join("staging");
        s.replace("$(OUT)", &out_var)
            .replace(
                "$(Build.ArtifactStagingDirectory)",
                &staging.display().to_string(),
            )
            .replace("$(Build.BuildId)", "7")
    };
    let dir = run_steps(&steps, &subst);
    let import = subst(&import_file.expect("the pipeline imports"), dir.path());
    assert!(Path::new(&import).is_file(), "{import} was built");
}
