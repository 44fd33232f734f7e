//! `dvrole diff A B`: compare the roles of two inputs.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::{read_limits, DiffSettings, Outcome, Output};
use crate::error::Result;
use crate::model::guid;
use crate::ops::diff::{diff_in, Matched, Refusal, RoleDiff, RoleDiffJson};
use crate::ops::selection;
use crate::package::whole::read_whole_roles;
use crate::settings::Setting;
use crate::text::Safe;

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
    /// [{"privilege", "a", "b"}]}]}`; with --privileges each role also has "refused":
    /// [{"side": "a"|"b", "privilege", "depth", "reason": "absent"|"depth", "allowed",
    /// "nearest"}]
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
    let table = super::environment_table(&args.settings.all(Setting::Privileges))?;
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
    let diffs: Vec<RoleDiff> = diff_in(&a.roles, &b.roles, table.as_ref())
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
    let refused: usize = diffs
        .iter()
        .map(|d| d.refused.as_ref().map_or(0, Vec::len))
        .sum();
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
        let environment = match &table {
            Some(t) => format!(
                "; {refused} privilege{} {} refuses",
                if refused == 1 { "" } else { "s" },
                t.label()
            ),
            None => String::new(),
        };
        writeln!(
            out,
            "{} role{} compared: {} same, {} different, {} only in A, {} only in B{environment}",
            diffs.len(),
            if diffs.len() == 1 { "" } else { "s" },
            count(&|d| d.same()),
            count(&|d| d.matched.is_some() && !d.same()),
            count(&|d| d.b.is_none()),
            count(&|d| d.a.is_none()),
        )?;
    }
    out.finish()?;
    Ok(if same && refused == 0 {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

fn print_diff(out: &mut Output, d: &RoleDiff) -> Result<()> {
    // Names and values come from the inputs: shown terminal-safe, so one line stays one.
    let id = |r: &Option<crate::model::existing::ExistingRole>| {
        r.as_ref().map(|r| guid::braced(r.id)).unwrap_or_default()
    };
    let name = Safe(d.name());
    match (&d.a, &d.b) {
        (Some(_), None) => writeln!(out, "only in A: role '{name}' {}", id(&d.a))?,
        (None, Some(_)) => writeln!(out, "only in B: role '{name}' {}", id(&d.b))?,
        _ => {
            let how = match d.matched {
                Some(Matched::Name) => format!(
                    " (matched by name; the ids differ: A {}, B {})",
                    id(&d.a),
                    id(&d.b)
                ),
                _ => String::new(),
            };
            let verdict = if d.same() { "same" } else { "differs" };
            writeln!(out, "{verdict}: role '{name}' {}{how}", id(&d.a))?;
            let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".into());
            for f in d.fields.iter().filter(|f| f.field != "id") {
                writeln!(
                    out,
                    "  {}: A '{}', B '{}'",
                    f.field,
                    Safe(&shown(&f.a)),
                    Safe(&shown(&f.b))
                )?;
            }
            for p in &d.only_a {
                writeln!(out, "  only in A: {} {}", Safe(&p.name), p.depth)?;
            }
            for p in &d.only_b {
                writeln!(out, "  only in B: {} {}", Safe(&p.name), p.depth)?;
            }
            for c in &d.depths {
                writeln!(out, "  depth: {} A {}, B {}", Safe(&c.privilege), c.a, c.b)?;
            }
        }
    }
    for r in d.refused.iter().flatten() {
        let why = match &r.refusal {
            Refusal::Absent { nearest } => format!(
                "the environment has no such privilege{}",
                nearest
                    .as_ref()
                    .map(|n| format!(" (did you mean '{}'?)", Safe(n)))
                    .unwrap_or_default()
            ),
            Refusal::Depth(allowed) => format!("the environment allows only {allowed}"),
        };
        writeln!(
            out,
            "  refused in {}: {} {}: {why}",
            r.side.label(),
            Safe(&r.privilege),
            r.depth
        )?;
    }
    Ok(())
}
