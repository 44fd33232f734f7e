//! `dvrole audit`: find what existing roles lack of the role `generate` would build.

use std::cell::RefCell;
use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;
use serde::ser::{Error as _, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};
use serde_json::ser::{CompactFormatter, Formatter};

use super::generate::load_settings;
use super::{console, print_notes, read_limits, AuditSettings, Outcome, Output};
use crate::error::{Error, Result};
use crate::model::catalogue::Catalogue;
use crate::model::depth::Depth;
use crate::model::role::{Inheritance, Role};
use crate::ops::audit::{Desired, Extras, Finding, Kind, Known, RawExtras, RoleAudit};
use crate::ops::desired;
use crate::ops::selection::Streamed;
use crate::package::input::Input;
use crate::package::read::Limits;
use crate::part::roles::{RoleSink, RolesFile};
use crate::text::{terminal_safe, Safe};
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
    fn add(&mut self, audit: &RoleAudit<'_>) {
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
    let mut run = Run {
        args,
        limits,
        desired: Desired::new(&desired_role, &catalogues),
        totals: Totals::default(),
        selection: Streamed::new(&args.role),
    };
    let mut out = Output::stdout();
    if args.json {
        if let Err(stop) = write_json(&mut out, &desired_role, &catalogues, &mut run) {
            return Err(match stop {
                Stopped::Emit(e) => out.json_error(e),
                Stopped::Audit(e) => *e,
            });
        }
        out.text("\n")?;
    } else {
        let summary = args.summary;
        run.stream(&mut |audit, _| {
            if summary {
                print_summary_line(&mut out, audit)
            } else {
                print_role(&mut out, audit)
            }
        })
        .map_err(Stopped::into_error)?;
        run.ensure_every_role_selector_matched()?;
        let t = &run.totals;
        let s = |n: usize| if n == 1 { "" } else { "s" };
        writeln!(
            out,
            "audited {} role{}: {} lack{} privileges ({} missing, {} too shallow); {} deeper, {} extra",
            t.roles,
            s(t.roles),
            t.lacking,
            if t.lacking == 1 { "s" } else { "" },
            t.count(Kind::Missing),
            t.count(Kind::TooShallow),
            t.count(Kind::Deeper),
            t.count(Kind::Extra),
        )?;
    }
    out.finish()?;
    Ok(if run.totals.lacking == 0 {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// Why streaming stopped early: the output could not take a role (`E`), or the audit
/// itself failed (an unreadable input, an unmatched `--role`).
enum Stopped<E> {
    Emit(E),
    Audit(Box<Error>),
}

impl Stopped<Error> {
    fn into_error(self) -> Error {
        match self {
            Stopped::Emit(e) => e,
            Stopped::Audit(e) => *e,
        }
    }
}

impl From<serde_json::Error> for Stopped<serde_json::Error> {
    fn from(e: serde_json::Error) -> Self {
        Stopped::Emit(e)
    }
}

/// One audit run over every input.
struct Run<'r, 'd> {
    args: &'r AuditArgs,
    limits: Limits,
    desired: Desired<'d>,
    totals: Totals,
    /// Which roles `--role` lets through.
    selection: Streamed<'r>,
}

impl Run<'_, '_> {
    /// Streams the roles of every input past the desired role, handing each comparison to
    /// `emit` with the input's name as soon as its role closes.
    fn stream<E>(
        &mut self,
        emit: &mut dyn FnMut(&RoleAudit<'_>, &str) -> Result<(), E>,
    ) -> Result<(), Stopped<E>> {
        for path in &self.args.inputs {
            let mut input =
                Input::open(path, self.limits).map_err(|e| Stopped::Audit(Box::new(e)))?;
            let mut sink = Sink {
                run: self,
                emit: &mut *emit,
                emit_error: None,
                label: path.display().to_string(),
                file: String::new(),
                skipping: false,
                seen: 0,
            };
            let streamed = input.stream_roles(&mut sink);
            if let Some(e) = sink.emit_error.take() {
                return Err(Stopped::Emit(e));
            }
            streamed.map_err(|e| Stopped::Audit(Box::new(e)))?;
            if sink.seen == 0 {
                console::diagnostic(&format!("note: {} holds no role", sink.label));
            }
        }
        Ok(())
    }

    /// An error for the first `--role` that matched no role.
    fn ensure_every_role_selector_matched(&self) -> Result<()> {
        self.selection.ensure_matched()
    }
}

/// Receives the roles of one input as they stream by.
struct Sink<'s, 'r, 'd, E> {
    run: &'s mut Run<'r, 'd>,
    emit: &'s mut dyn FnMut(&RoleAudit, &str) -> Result<(), E>,
    /// What `emit` failed with; the walk is stopped when it fails.
    emit_error: Option<E>,
    /// The input as named on the command line.
    label: String,
    /// The file being read.
    file: String,
    /// Whether the open role is left out by `--role`.
    skipping: bool,
    /// Roles met in this input.
    seen: usize,
}

impl<E> RoleSink for Sink<'_, '_, '_, E> {
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
        self.seen += 1;
        let display = name.unwrap_or_default();
        self.skipping = false;
        let run = &mut *self.run;
        if !run.selection.admits(id, display) {
            self.skipping = true;
            return Ok(());
        }
        // JSON lists every extra; text lists them only with --show-extra; a summary only
        // counts them.
        let list_extras = !run.args.summary && (run.args.json || run.args.show_extra);
        run.desired.begin(id, name, offset, file, list_extras);
        run.desired.inheritance(inherited);
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
        self.run.desired.add(name, level, offset)
    }

    fn end_role(&mut self) -> Result<(), XmlProblem> {
        if self.skipping {
            return Ok(());
        }
        let audit = self.run.desired.finish(&self.file)?;
        if let Err(e) = (self.emit)(&audit, &self.label) {
            self.emit_error = Some(e);
            // Stops the walk; `Run::stream` reports `emit_error`, not this.
            return Err(XmlProblem::at(0, "the output stopped"));
        }
        self.run.totals.add(&audit);
        Ok(())
    }
}

/// Prints the role's inheritance where it has one, then one line per finding (extras are
/// among them only when asked for).
fn print_role(out: &mut Output, audit: &RoleAudit<'_>) -> Result<()> {
    // What came from the input is made terminal-safe, so one finding is one line.
    let file = terminal_safe(&audit.file);
    let name = terminal_safe(&audit.name);
    if let Some(value) = &audit.inherited {
        let meaning = match Inheritance::from_attribute(value) {
            Some(i) => format!("{} ({})", i.name(), i.editor_name()),
            None => "not 0 or 1: run dvrole validate on it".to_string(),
        };
        writeln!(
            out,
            "{}: role '{}': inheritance isinherited=\"{}\", {meaning}",
            file,
            name,
            terminal_safe(value)
        )?;
        if audit.team_only_basic() {
            writeln!(
                out,
                "{}: role '{}': note: with team privileges only, {} reach{} a member's own records only when the role is also assigned to the member directly",
                file,
                name,
                if audit.basic == 1 {
                    "its Basic privilege".to_string()
                } else {
                    format!("its {} Basic privileges", audit.basic)
                },
                if audit.basic == 1 { "es" } else { "" }
            )?;
        }
    }
    for f in &audit.findings {
        let depth = |d: Option<Depth>| d.map_or("none", |d| d.xml_name());
        // Written piece by piece: a large export yields many of these lines.
        for piece in [
            &file,
            ": role '",
            &name,
            "': ",
            f.kind.label(),
            " ",
            &terminal_safe(f.privilege),
            " (entity ",
            &terminal_safe(f.entity.unwrap_or("-")),
            ", tab ",
            &terminal_safe(f.tab.unwrap_or("-")),
            "): have ",
            depth(f.have),
            ", want ",
            depth(f.want),
            "\n",
        ] {
            out.write_all(piece.as_bytes()).map_err(|e| out.error(e))?;
        }
    }
    Ok(())
}

/// Prints a role's summary line: file, name, id and the count of each kind of finding.
fn print_summary_line(out: &mut Output, audit: &RoleAudit<'_>) -> Result<()> {
    writeln!(
        out,
        "{}: role '{}' {}: {} missing, {} too shallow, {} deeper, {} extra",
        Safe(&audit.file),
        Safe(&audit.name),
        audit.id.as_deref().unwrap_or("(no id)"),
        audit.count(Kind::Missing),
        audit.count(Kind::TooShallow),
        audit.count(Kind::Deeper),
        audit.count(Kind::Extra),
    )
}

/// Writes the `--json` document: `{"desired", "roles", "summary", "complete"}`, each role
/// serialized as soon as it is audited.
///
/// The audit runs on a second thread and hands each role over as it closes, while this one
/// serializes the roles before it: the two halves of the work overlap. A role's findings
/// are the same either way; the document ends where it would have (cut after the last role
/// written when the audit fails).
fn write_json(
    out: &mut Output,
    desired: &Role,
    catalogues: &[Catalogue],
    run: &mut Run<'_, '_>,
) -> Result<(), Stopped<serde_json::Error>> {
    let mut json = serde_json::Serializer::with_formatter(out, RoleLines::default());
    let mut doc = json.serialize_struct("Audit", 4)?;
    let wanted: Vec<_> = desired
        .privileges
        .iter()
        .map(|p| Wanted {
            depth: p.depth,
            privilege: &p.name,
        })
        .collect();
    doc.serialize_field("desired", &wanted)?;
    let summary = run.args.summary;
    // The audit thread is the busier one: it leaves a role's extras as the role names them,
    // and this thread makes them distinct and looks them up as it writes them.
    if !summary {
        run.desired.hand_over_extras();
    }
    let known = Known::new(catalogues);
    let written = std::thread::scope(|scope| {
        let (to_writer, from_audit) = std::sync::mpsc::sync_channel(ROLES_IN_FLIGHT);
        let auditing = &mut *run;
        let audit = std::thread::Builder::new()
            .name("dvrole-audit".into())
            .spawn_scoped(scope, move || {
                let streamed = auditing.stream(&mut |audit, input| {
                    to_writer
                        .send(Handed::Role(Box::new(HandedRole::new(
                            audit, input, summary,
                        ))))
                        .map_err(|_| WriterGone)
                });
                if let Err(Stopped::Audit(e)) = streamed {
                    // The writer may have stopped too; then its error is the one reported.
                    let _gone = to_writer.send(Handed::Failed(e));
                }
            })
            .map_err(|e| {
                Stopped::Audit(Box::new(Error::Internal(format!(
                    "cannot start the audit thread: {e}"
                ))))
            })?;
        let roles = RoleStream {
            from_audit,
            summary,
            known: &known,
            extras: RefCell::new(Extras::default()),
            extra_total: std::cell::Cell::new(0),
            failed: RefCell::new(None),
        };
        let serialized = doc.serialize_field("roles", &roles);
        // The receiver goes first, so an audit still running finds the writer gone and
        // stops, and the join below returns.
        let RoleStream {
            failed,
            from_audit,
            extra_total,
            ..
        } = roles;
        drop(from_audit);
        let joined = audit.join();
        match (serialized, failed.into_inner(), joined) {
            (_, _, Err(_)) => Err(Stopped::Audit(Box::new(Error::Internal(
                "the audit thread stopped unexpectedly".into(),
            )))),
            (Err(_), Some(failed), _) => Err(Stopped::Audit(failed)),
            (Err(e), None, _) => Err(Stopped::Emit(e)),
            (Ok(()), _, _) => Ok(extra_total.get()),
        }
    });
    let listed_extras = written?;
    run.ensure_every_role_selector_matched()
        .map_err(|e| Stopped::Audit(Box::new(e)))?;
    let t = &run.totals;
    doc.serialize_field(
        "summary",
        &Summary {
            deeper: t.count(Kind::Deeper),
            // Distinct extras, counted as they were written; the audit thread counted each
            // `<RolePrivilege>`. Under --summary each is counted, as documented.
            extra: if summary {
                t.count(Kind::Extra)
            } else {
                listed_extras
            },
            inputs: run.args.inputs.len(),
            missing: t.count(Kind::Missing),
            roles: t.roles,
            roles_lacking: t.lacking,
            too_shallow: t.count(Kind::TooShallow),
        },
    )?;
    doc.serialize_field("complete", &(t.lacking == 0))?;
    SerializeStruct::end(doc)?;
    Ok(())
}

/// How many audited roles may wait for the JSON writer.
const ROLES_IN_FLIGHT: usize = 16;

/// The JSON writer has stopped (its error is reported, not this).
struct WriterGone;

/// What the audit thread hands the JSON writer.
enum Handed {
    Role(Box<HandedRole>),
    /// The audit failed: the document is cut after the roles before.
    Failed(Box<Error>),
}

/// One audited role, owned, for the JSON writer. A [`RoleAudit`] borrows from the audit
/// thread's [`Desired`] until the next role begins, so the strings of its findings (the
/// desired privileges', a few per role; extras come raw) are copied into `text`.
struct HandedRole {
    file: String,
    id: Option<String>,
    inherited: Option<String>,
    input: String,
    name: String,
    privilege_count: usize,
    /// Missing, too shallow, deeper, extra.
    counts: [usize; 4],
    findings: Vec<HandedFinding>,
    text: String,
    /// The role's extras as it names them, for this thread to make distinct.
    raw_extras: RawExtras,
}

/// A finding whose strings lie in [`HandedRole::text`].
struct HandedFinding {
    kind: Kind,
    have: Option<Depth>,
    want: Option<Depth>,
    privilege: std::ops::Range<usize>,
    entity: Option<std::ops::Range<usize>>,
    tab: Option<std::ops::Range<usize>>,
}

impl HandedRole {
    /// `audit` from `input`, owned; under `--summary` only its counts are kept.
    fn new(audit: &RoleAudit<'_>, input: &str, summary: bool) -> HandedRole {
        let mut text = String::new();
        let mut keep = |s: &str| {
            let start = text.len();
            text.push_str(s);
            start..text.len()
        };
        let findings = if summary {
            Vec::new()
        } else {
            audit
                .findings
                .iter()
                .map(|f| HandedFinding {
                    kind: f.kind,
                    have: f.have,
                    want: f.want,
                    privilege: keep(f.privilege),
                    entity: f.entity.map(&mut keep),
                    tab: f.tab.map(&mut keep),
                })
                .collect()
        };
        HandedRole {
            file: audit.file.clone(),
            id: audit.id.clone(),
            inherited: audit.inherited.clone(),
            input: input.to_string(),
            name: audit.name.clone(),
            privilege_count: audit.privileges,
            counts: [Kind::Missing, Kind::TooShallow, Kind::Deeper, Kind::Extra]
                .map(|kind| audit.count(kind)),
            findings,
            text,
            raw_extras: audit.raw_extras.clone(),
        }
    }

    fn count(&self, kind: Kind) -> usize {
        self.counts.get(kind as usize).copied().unwrap_or(0)
    }

    /// The findings again, borrowing from `text`.
    fn findings<'s>(&'s self, into: &mut Vec<Finding<'s>>) {
        let text = |range: &std::ops::Range<usize>| self.text.get(range.clone()).unwrap_or("");
        into.clear();
        into.extend(self.findings.iter().map(|f| Finding {
            entity: f.entity.as_ref().map(text),
            have: f.have,
            kind: f.kind,
            privilege: text(&f.privilege),
            tab: f.tab.as_ref().map(text),
            want: f.want,
        }));
    }
}

// The parts of the `--json` document. Fields are in alphabetical order, the order of their
// keys in JSON.

/// A privilege of the desired role.
#[derive(Serialize)]
struct Wanted<'a> {
    depth: Depth,
    privilege: &'a str,
}

/// One audited role, with the input it came from.
#[derive(Serialize)]
struct AuditedRole<'a> {
    file: &'a str,
    findings: &'a [Finding<'a>],
    id: Option<&'a str>,
    inherited: Option<&'a str>,
    input: &'a str,
    name: &'a str,
    privilege_count: usize,
}

/// One audited role under `--summary`: counts instead of findings.
#[derive(Serialize)]
struct SummarizedRole<'a> {
    deeper: usize,
    extra: usize,
    file: &'a str,
    id: Option<&'a str>,
    input: &'a str,
    missing: usize,
    name: &'a str,
    privilege_count: usize,
    too_shallow: usize,
}

#[derive(Serialize)]
struct Summary {
    deeper: usize,
    extra: usize,
    inputs: usize,
    missing: usize,
    roles: usize,
    roles_lacking: usize,
    too_shallow: usize,
}

/// The `roles` array: the roles the audit thread hands over, each written as it arrives.
struct RoleStream<'k, 'c> {
    from_audit: std::sync::mpsc::Receiver<Handed>,
    /// Whether each role is written as counts (`--summary`).
    summary: bool,
    /// The catalogues' entries, for the extras.
    known: &'k Known<'c>,
    /// The role being written's distinct extras.
    extras: RefCell<Extras>,
    /// How many distinct extras the roles written had.
    extra_total: std::cell::Cell<usize>,
    /// Why the audit stopped, when it was not the output.
    failed: RefCell<Option<Box<Error>>>,
}

impl Serialize for RoleStream<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        // Ends when the audit thread does: it drops its sender.
        while let Ok(handed) = self.from_audit.recv() {
            let role = match handed {
                Handed::Role(role) => role,
                Handed::Failed(e) => {
                    let message = e.to_string();
                    *self.failed.borrow_mut() = Some(e);
                    return Err(S::Error::custom(message));
                }
            };
            if self.summary {
                seq.serialize_element(&SummarizedRole {
                    deeper: role.count(Kind::Deeper),
                    extra: role.count(Kind::Extra),
                    file: &role.file,
                    id: role.id.as_deref(),
                    input: &role.input,
                    missing: role.count(Kind::Missing),
                    name: &role.name,
                    privilege_count: role.privilege_count,
                    too_shallow: role.count(Kind::TooShallow),
                })?;
            } else {
                let mut extras = self.extras.borrow_mut();
                role.raw_extras.distinct_into(&mut extras);
                self.extra_total.set(self.extra_total.get() + extras.len());
                let mut findings = Vec::with_capacity(role.findings.len() + extras.len());
                role.findings(&mut findings);
                findings.extend(extras.findings(self.known));
                seq.serialize_element(&AuditedRole {
                    file: &role.file,
                    findings: &findings,
                    id: role.id.as_deref(),
                    inherited: role.inherited.as_deref(),
                    input: &role.input,
                    name: &role.name,
                    privilege_count: role.privilege_count,
                })?;
            }
        }
        seq.end()
    }
}

/// Compact JSON, except that each element of the top-level `roles` array starts a line of
/// its own and the array closes on its own line, so a document that an error cut short
/// still shows the roles written before it, one a line.
///
/// serde_json hands a formatter every piece it writes, a dozen for each finding; this one
/// gathers them in `buf` and passes them on to the writer a role at a time (and where the
/// `roles` array opens and the document ends), so the output sees one write a role rather
/// than a few hundred. Every method writes to `buf`, none to the writer directly.
#[derive(Default)]
struct RoleLines {
    /// How deep in arrays and objects the writer is (1 inside the top-level object).
    depth: usize,
    /// The depth of the `roles` array while it is open.
    roles: Option<usize>,
    /// The key of the top-level object being written, and whether it is still being read.
    key: String,
    in_key: bool,
    /// What is written and not yet passed on.
    buf: Vec<u8>,
}

impl RoleLines {
    /// Passes on what is gathered.
    fn flush<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        let written = writer.write_all(&self.buf);
        self.buf.clear();
        written
    }
}

/// The formatter's methods that only write, each writing what [`CompactFormatter`] writes
/// into the gathered bytes.
macro_rules! gathered {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            #[inline]
            fn $name<W: ?Sized + Write>(&mut self, _writer: &mut W, $($arg: $ty),*) -> io::Result<()> {
                CompactFormatter.$name(&mut self.buf, $($arg),*)
            }
        )*
    };
}

impl Formatter for RoleLines {
    gathered! {
        write_null();
        write_bool(value: bool);
        write_i8(value: i8);
        write_i16(value: i16);
        write_i32(value: i32);
        write_i64(value: i64);
        write_i128(value: i128);
        write_u8(value: u8);
        write_u16(value: u16);
        write_u32(value: u32);
        write_u64(value: u64);
        write_u128(value: u128);
        write_f32(value: f32);
        write_f64(value: f64);
        write_number_str(value: &str);
        begin_string();
        end_string();
        write_char_escape(char_escape: serde_json::ser::CharEscape);
        write_byte_array(value: &[u8]);
        begin_object_value();
        end_object_value();
        write_raw_fragment(fragment: &str);
    }

    #[inline]
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.buf.push(b'[');
        if self.depth == 2 && self.key == "roles" {
            self.roles = Some(self.depth);
            // What comes before the roles is passed on before the first is audited.
            return self.flush(writer);
        }
        Ok(())
    }

    #[inline]
    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        let closing_roles = self.roles == Some(self.depth);
        self.depth -= 1;
        if closing_roles {
            self.roles = None;
            self.buf.extend_from_slice(b"\n]");
            return self.flush(writer);
        }
        self.buf.push(b']');
        Ok(())
    }

    #[inline]
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        _writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if self.roles == Some(self.depth) {
            self.buf
                .extend_from_slice(if first { b"\n" } else { b",\n" });
            return Ok(());
        }
        CompactFormatter.begin_array_value(&mut self.buf, first)
    }

    #[inline]
    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        if self.roles == Some(self.depth) {
            // A role is whole: it is passed on before the next is audited.
            return self.flush(writer);
        }
        Ok(())
    }

    #[inline]
    fn begin_object<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.buf.push(b'{');
        Ok(())
    }

    #[inline]
    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        self.buf.push(b'}');
        if self.depth == 0 {
            return self.flush(writer);
        }
        Ok(())
    }

    #[inline]
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        _writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if self.depth == 1 {
            self.key.clear();
            self.in_key = true;
        }
        CompactFormatter.begin_object_key(&mut self.buf, first)
    }

    #[inline]
    fn end_object_key<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.in_key = false;
        Ok(())
    }

    #[inline]
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        _writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if self.in_key {
            self.key.push_str(fragment);
        }
        self.buf.extend_from_slice(fragment.as_bytes());
        Ok(())
    }
}
