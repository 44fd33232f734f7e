//! `dvrole diff A B`: compare the roles of two inputs.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::{read_limits, DiffSettings, Outcome, Output};
use crate::error::Result;
use crate::model::guid;
use crate::ops::diff::{diff, Matched, RoleDiff, RoleDiffJson};
use crate::ops::selection;
use crate::package::whole::read_whole_roles;

/// Arguments of `dvrole diff`.
#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// The first input (A): a solution zip, package folder, source folder, customizations.xml
    /// or role file
    #[arg(value_name = "A")]
    pub a: PathBuf,
    /// The second input (B), of any of the same kinds
    #[arg(value_name = "B")]
    pub b: PathBuf,
    /// Compare only this role, by name (any case) or id, on either side (repeatable)
    /// [default: every role]
    #[arg(long, value_name = "NAME|GUID")]
    pub role: Vec<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub settings: DiffSettings,
    /// Print the result as JSON on stdout
    ///
    /// `{"a", "b", "same": bool, "roles": [{"name", "same", "matched_by": "id"|"name"|null,
    /// "a": {"id", "name", "file", "privileges"}|null, "b": ..., "fields": [{"field", "a",
    /// "b"}], "only_in_a": [{"privilege", "depth"}], "only_in_b": [...], "depth_changed":
    /// [{"privilege", "a", "b"}]}]}`
    #[arg(long)]
    pub json: bool,
}

/// What `dvrole diff --json` prints; fields in the alphabetical order it has always had.
#[derive(Serialize)]
struct DiffJson<'a> {
    a: &'a str,
    b: &'a str,
    roles: Vec<RoleDiffJson<'a>>,
    same: bool,
}

/// Runs `dvrole diff`.
pub fn run(args: &DiffArgs) -> Result<Outcome> {
    let limits = read_limits(&args.settings)?;
    let a = read_whole_roles(&args.a, limits)?;
    let b = read_whole_roles(&args.b, limits)?;
    for selector in &args.role {
        if !a
            .roles
            .iter()
            .chain(&b.roles)
            .any(|r| selection::names(selector, r))
        {
            let all: Vec<_> = a.roles.iter().chain(&b.roles).cloned().collect();
            return Err(selection::unknown(selector, &all));
        }
    }
    let diffs: Vec<RoleDiff> = diff(&a.roles, &b.roles)
        .into_iter()
        .filter(|d| {
            args.role.is_empty()
                || args
                    .role
                    .iter()
                    .any(|s| d.a.iter().chain(d.b.iter()).any(|r| selection::names(s, r)))
        })
        .collect();
    let same = diffs.iter().all(RoleDiff::same);
    let mut out = Output::stdout();
    if args.json {
        out.json(&DiffJson {
            a: &a.label,
            b: &b.label,
            roles: diffs.iter().map(RoleDiff::to_json).collect(),
            same,
        })?;
    } else {
        for d in &diffs {
            print_diff(&mut out, d)?;
        }
        let count = |f: &dyn Fn(&RoleDiff) -> bool| diffs.iter().filter(|d| f(d)).count();
        writeln!(
            out,
            "{} role{} compared: {} same, {} different, {} only in A, {} only in B",
            diffs.len(),
            if diffs.len() == 1 { "" } else { "s" },
            count(&|d| d.same()),
            count(&|d| d.matched.is_some() && !d.same()),
            count(&|d| d.b.is_none()),
            count(&|d| d.a.is_none()),
        )?;
    }
    out.finish()?;
    Ok(if same {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

fn print_diff(out: &mut Output, d: &RoleDiff) -> Result<()> {
    let id = |r: &Option<crate::model::existing::ExistingRole>| {
        r.as_ref().map(|r| guid::braced(r.id)).unwrap_or_default()
    };
    match (&d.a, &d.b) {
        (Some(_), None) => {
            writeln!(out, "only in A: role '{}' {}", d.name(), id(&d.a))?;
            return Ok(());
        }
        (None, Some(_)) => {
            writeln!(out, "only in B: role '{}' {}", d.name(), id(&d.b))?;
            return Ok(());
        }
        _ => {}
    }
    let how = match d.matched {
        Some(Matched::Name) => format!(
            " (matched by name; the ids differ: A {}, B {})",
            id(&d.a),
            id(&d.b)
        ),
        _ => String::new(),
    };
    if d.same() {
        writeln!(out, "same: role '{}' {}{how}", d.name(), id(&d.a))?;
        return Ok(());
    }
    writeln!(out, "differs: role '{}' {}{how}", d.name(), id(&d.a))?;
    let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".into());
    for f in &d.fields {
        if f.field == "id" {
            continue;
        }
        writeln!(
            out,
            "  {}: A '{}', B '{}'",
            f.field,
            shown(&f.a),
            shown(&f.b)
        )?;
    }
    for p in &d.only_a {
        writeln!(out, "  only in A: {} {}", p.name, p.depth)?;
    }
    for p in &d.only_b {
        writeln!(out, "  only in B: {} {}", p.name, p.depth)?;
    }
    for c in &d.depths {
        writeln!(out, "  depth: {} A {}, B {}", c.privilege, c.a, c.b)?;
    }
    Ok(())
}
