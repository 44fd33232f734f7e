//! `dvrole audit`: find what existing roles lack of the role `generate` would build.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::generate::load_settings;
use super::{console, print_notes, read_limits, AuditSettings, Outcome};
use crate::error::{Error, Result};
use crate::model::catalogue::Catalogue;
use crate::model::role::Inheritance;
use crate::ops::audit::{role_matches, Desired, Kind, RoleAudit};
use crate::ops::desired;
use crate::package::input::Input;
use crate::part::roles::{RoleSink, RolesFile};
use crate::xml::walk::XmlProblem;

/// Arguments of `dvrole audit`.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// What to audit: solution zips, package folders, SolutionPackager source folders,
    /// customizations.xml files or role files
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Audit only this role, by name (any case) or id, braces and case aside (repeatable); a
    /// --role that matches no role is an error [default: every role]
    #[arg(long, value_name = "NAME|GUID")]
    pub role: Vec<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub settings: AuditSettings,
    /// Also list, in text output, the privileges a role holds beyond the desired role (they
    /// are always counted)
    #[arg(long, conflicts_with = "summary")]
    pub show_extra: bool,
    /// One line per role instead of one per finding: its name, id and how many privileges
    /// are missing, too shallow, deeper and extra; then the totals
    ///
    /// `FILE: role 'NAME' {ID}: 3 missing, 0 too shallow, 1 deeper, 190 extra`; with --json,
    /// each role has `missing`, `too_shallow`, `deeper` and `extra` counts instead of
    /// `findings`.
    #[arg(long)]
    pub summary: bool,
    /// Print the result as JSON on stdout (its shape is in README.md, under dvrole audit)
    #[arg(long)]
    pub json: bool,
}

/// Totals over every role audited.
#[derive(Default)]
struct Totals {
    roles: usize,
    lacking: usize,
    counts: [usize; 4],
}

impl Totals {
    fn add(&mut self, audit: &RoleAudit) {
        self.roles += 1;
        if audit.lacks() {
            self.lacking += 1;
        }
        for kind in [Kind::Missing, Kind::TooShallow, Kind::Deeper, Kind::Extra] {
            if let Some(c) = self.counts.get_mut(kind as usize) {
                *c += audit.count(kind);
            }
        }
    }

    fn count(&self, kind: Kind) -> usize {
        self.counts.get(kind as usize).copied().unwrap_or(0)
    }
}

/// Runs `dvrole audit`.
pub fn run(args: &AuditArgs) -> Result<Outcome> {
    let limits = read_limits(&args.settings)?;
    // The desired role is the one generate would build: flags, environment and config alike.
    let resolved = load_settings(&args.settings)?;
    let options = resolved.options.role;
    let table = super::environment_table(&options.privileges)?;
    let desired::DesiredRole {
        catalogue: selected,
        role: desired_role,
        notes,
        ..
    } = desired::desired_role_in(&options, table, "dvrole")?;
    print_notes(&notes);
    let mut catalogues = vec![selected];
    for name in Catalogue::builtin_names() {
        if catalogues.iter().all(|c| c.name != name) {
            catalogues.push(Catalogue::builtin(name)?);
        }
    }
    let mut desired = Desired::new(&desired_role, &catalogues);

    // Buffered, as a large export can yield many lines; dropping it flushes what is left.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, console::stdout());
    if args.json {
        let wanted: Vec<_> = desired_role
            .privileges
            .iter()
            .map(|p| json!({"privilege": p.name, "depth": p.depth}))
            .collect();
        let _ = write!(out, "{{\"desired\":{},\"roles\":[", json!(wanted));
    }
    let mut run = Run {
        args,
        desired: &mut desired,
        out: &mut out,
        totals: Totals::default(),
        matched: vec![false; args.role.len()],
        found: Vec::new(),
        label: String::new(),
        file: String::new(),
        skipping: false,
        seen_here: 0,
    };
    for path in &args.inputs {
        let mut input = Input::open(path, limits)?;
        run.label = path.display().to_string();
        run.seen_here = 0;
        input.stream_roles(&mut run)?;
        if run.seen_here == 0 {
            console::diagnostic(&format!("note: {} holds no role", run.label));
        }
    }
    let Run {
        totals,
        matched,
        found,
        ..
    } = run;
    for (selector, hit) in args.role.iter().zip(&matched) {
        if !hit {
            let known = if found.is_empty() {
                "no other role was found".to_string()
            } else {
                format!("roles found: {}", found.join(", "))
            };
            return Err(Error::invalid(
                "--role",
                selector,
                format!("no role of that name or id in the inputs ({known}); check the name or give the role's id"),
            ));
        }
    }
    let complete = totals.lacking == 0;
    if args.json {
        let summary = json!({
            "inputs": args.inputs.len(),
            "roles": totals.roles,
            "roles_lacking": totals.lacking,
            "missing": totals.count(Kind::Missing),
            "too_shallow": totals.count(Kind::TooShallow),
            "deeper": totals.count(Kind::Deeper),
            "extra": totals.count(Kind::Extra),
        });
        let _ = writeln!(out, "\n],\"summary\":{summary},\"complete\":{complete}}}");
    } else {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        let _ = writeln!(
            out,
            "audited {} role{}: {} lack{} privileges ({} missing, {} too shallow); {} deeper, {} extra",
            totals.roles,
            s(totals.roles),
            totals.lacking,
            if totals.lacking == 1 { "s" } else { "" },
            totals.count(Kind::Missing),
            totals.count(Kind::TooShallow),
            totals.count(Kind::Deeper),
            totals.count(Kind::Extra),
        );
    }
    let _ = out.flush();
    Ok(if complete {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// One audit run: receives the roles of each input as they stream by and prints each as
/// soon as it closes.
struct Run<'r, 'd, W> {
    args: &'r AuditArgs,
    desired: &'r mut Desired<'d>,
    out: &'r mut W,
    totals: Totals,
    /// Which `--role` selectors matched a role.
    matched: Vec<bool>,
    /// Names of (some of) the roles `--role` left out, for the message when one matches none.
    found: Vec<String>,
    /// The input as named on the command line.
    label: String,
    /// The file being read.
    file: String,
    /// Whether the open role is left out by `--role`.
    skipping: bool,
    /// Roles met in the current input.
    seen_here: usize,
}

impl<W: Write> RoleSink for Run<'_, '_, W> {
    fn file(&mut self, location: &str) {
        self.file.clear();
        self.file.push_str(location);
    }

    fn role(
        &mut self,
        id: Option<&str>,
        name: Option<&str>,
        inherited: Option<&str>,
        offset: u64,
        file: RolesFile,
    ) -> Result<(), XmlProblem> {
        self.seen_here += 1;
        let display = name.unwrap_or_default();
        self.skipping = false;
        if !self.args.role.is_empty() {
            let mut any = false;
            for (selector, hit) in self.args.role.iter().zip(self.matched.iter_mut()) {
                if role_matches(selector, id, display) {
                    *hit = true;
                    any = true;
                }
            }
            if !any {
                if self.found.len() < 20 {
                    self.found.push(display.to_string());
                }
                self.skipping = true;
                return Ok(());
            }
        }
        // JSON lists every extra; text lists them only with --show-extra; a summary only
        // counts them.
        let list_extras = !self.args.summary && (self.args.json || self.args.show_extra);
        self.desired.begin(id, name, offset, file, list_extras);
        self.desired.inheritance(inherited);
        Ok(())
    }

    fn privilege(
        &mut self,
        name: Option<&str>,
        level: Option<&str>,
        offset: u64,
    ) -> Result<(), XmlProblem> {
        if self.skipping {
            return Ok(());
        }
        self.desired.add(name, level, offset)
    }

    fn end_role(&mut self) -> Result<(), XmlProblem> {
        if self.skipping {
            return Ok(());
        }
        let audit = self.desired.finish(&self.file)?;
        if self.args.json {
            let sep = if self.totals.roles == 0 { "\n" } else { ",\n" };
            let mut value = json!(audit);
            if let Some(obj) = value.as_object_mut() {
                obj.insert("input".to_string(), json!(self.label));
                if self.args.summary {
                    obj.remove("findings");
                    for (key, kind) in COUNTED {
                        obj.insert(key.to_string(), json!(audit.count(kind)));
                    }
                }
            }
            let _ = write!(self.out, "{sep}{value}");
        } else if self.args.summary {
            print_summary_line(self.out, &audit);
        } else {
            print_role(self.out, &audit);
        }
        self.totals.add(&audit);
        Ok(())
    }
}

/// The counts of a summary, by their JSON names (those of the totals).
const COUNTED: [(&str, Kind); 4] = [
    ("missing", Kind::Missing),
    ("too_shallow", Kind::TooShallow),
    ("deeper", Kind::Deeper),
    ("extra", Kind::Extra),
];

/// Prints a role's summary line: file, name, id and the count of each kind of finding.
fn print_summary_line(out: &mut impl Write, audit: &RoleAudit) {
    let _ = writeln!(
        out,
        "{}: role '{}' {}: {} missing, {} too shallow, {} deeper, {} extra",
        audit.file,
        audit.name,
        audit.id.as_deref().unwrap_or("(no id)"),
        audit.count(Kind::Missing),
        audit.count(Kind::TooShallow),
        audit.count(Kind::Deeper),
        audit.count(Kind::Extra),
    );
}

/// Prints the role's inheritance where it has one, then one line per finding (extras are
/// among them only when asked for).
fn print_role(out: &mut impl Write, audit: &RoleAudit) {
    if let Some(value) = &audit.inherited {
        let meaning = match Inheritance::from_attribute(value) {
            Some(i) => format!("{} ({})", i.name(), i.editor_name()),
            None => "not 0 or 1: run dvrole validate on it".to_string(),
        };
        let _ = writeln!(
            out,
            "{}: role '{}': inheritance isinherited=\"{}\", {meaning}",
            audit.file, audit.name, value
        );
        if audit.team_only_basic() {
            let _ = writeln!(
                out,
                "{}: role '{}': note: with team privileges only, {} reach{} a member's own records only when the role is also assigned to the member directly",
                audit.file,
                audit.name,
                if audit.basic == 1 {
                    "its Basic privilege".to_string()
                } else {
                    format!("its {} Basic privileges", audit.basic)
                },
                if audit.basic == 1 { "es" } else { "" }
            );
        }
    }
    for f in &audit.findings {
        let depth = |d: Option<crate::model::depth::Depth>| d.map_or("none", |d| d.xml_name());
        // Written piece by piece: a large export yields many of these lines.
        for piece in [
            audit.file.as_str(),
            ": role '",
            &audit.name,
            "': ",
            f.kind.label(),
            " ",
            &f.privilege,
            " (entity ",
            f.entity.as_deref().unwrap_or("-"),
            ", tab ",
            f.tab.as_deref().unwrap_or("-"),
            "): have ",
            depth(f.have),
            ", want ",
            depth(f.want),
            "\n",
        ] {
            let _ = out.write_all(piece.as_bytes());
        }
    }
}
