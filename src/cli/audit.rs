//! `dvrole audit`: find what existing roles lack of the role `generate` would build.

use std::cell::RefCell;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use clap::Args;
use serde::ser::{Error as _, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};
use serde_json::ser::{CompactFormatter, Formatter};
use serde_json::value::RawValue;

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
use crate::xml::ahead::{SideWork, Spent};
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
    /// Per kind, indexed as [`Kind::ALL`].
    counts: [usize; 4],
}

impl Totals {
    fn add(&mut self, audit: &RoleAudit<'_>) {
        self.roles += 1;
        if audit.lacks() {
            self.lacking += 1;
        }
        for kind in Kind::ALL {
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

/// How a comparison leaves the audit: with the input's name, as soon as its role closes
/// (mutable, so what is handed over can be moved out rather than copied).
type Emit<'e, E> = dyn FnMut(&mut RoleAudit<'_>, &str) -> Result<(), E> + 'e;
/// An [`Emit`] that can go to the thread that parses the roles.
type SendEmit<'e, E> = dyn FnMut(&mut RoleAudit<'_>, &str) -> Result<(), E> + Send + 'e;

impl Run<'_, '_> {
    /// Streams the roles of every input past the desired role, handing each comparison to
    /// `emit` with the input's name as soon as its role closes.
    fn stream<E>(&mut self, emit: &mut Emit<'_, E>) -> Result<(), Stopped<E>> {
        self.each_input(emit, |input, sink| input.stream_roles(sink))
    }

    /// Like [`Run::stream`], with the roles parsed on a second thread while this one reads
    /// the inputs and does `side`'s work (see [`Input::stream_roles_beside`]).
    fn stream_beside<E: Send>(
        &mut self,
        emit: &mut SendEmit<'_, E>,
        side: &mut dyn SideWork,
    ) -> Result<(), Stopped<E>> {
        self.each_input(emit, |input, sink| input.stream_roles_beside(sink, side))
    }

    fn each_input<E, M: ?Sized + FnMut(&mut RoleAudit<'_>, &str) -> Result<(), E>>(
        &mut self,
        emit: &mut M,
        mut stream: impl FnMut(&mut Input, &mut Sink<'_, '_, '_, E, M>) -> Result<()>,
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
            let streamed = stream(&mut input, &mut sink);
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
struct Sink<'s, 'r, 'd, E, M: ?Sized> {
    run: &'s mut Run<'r, 'd>,
    emit: &'s mut M,
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

impl<E, M> RoleSink for Sink<'_, '_, '_, E, M>
where
    M: ?Sized + FnMut(&mut RoleAudit<'_>, &str) -> Result<(), E>,
{
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
        let mut audit = self.run.desired.finish(&self.file)?;
        if let Err(e) = (self.emit)(&mut audit, &self.label) {
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
/// Each large roles part is parsed and compared on a second thread, which hands each role
/// over as it closes, while this one reads the part and serializes the roles before (see
/// [`RoleStream`]); while [`WRITER_BEHIND`] roles wait for this thread to serialize them,
/// the parsing thread serializes roles itself, by the same structs, and this one writes them
/// as they are. A role's findings and bytes are the same either way; the document ends where
/// it would have (cut after the last role written when the audit fails).
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
    // The roles are parsed and compared on a second thread, which leaves a role's extras as
    // the role names them; whichever thread serializes a role makes them distinct and looks
    // them up as it does.
    if !summary {
        run.desired.hand_over_extras();
    }
    let known = Known::new(catalogues);
    let roles = RoleStream {
        run: RefCell::new(&mut *run),
        summary,
        known: &known,
        extra_total: std::cell::Cell::new(0),
        failed: RefCell::new(None),
    };
    let serialized = doc.serialize_field("roles", &roles);
    let RoleStream {
        failed,
        extra_total,
        ..
    } = roles;
    match (serialized, failed.into_inner()) {
        (Err(_), Some(failed)) => return Err(Stopped::Audit(failed)),
        (Err(e), None) => return Err(Stopped::Emit(e)),
        (Ok(()), _) => {}
    }
    let listed_extras = extra_total.get();
    run.ensure_every_role_selector_matched()
        .map_err(|e| Stopped::Audit(Box::new(e)))?;
    let t = &run.totals;
    doc.serialize_field(
        "summary",
        &Summary {
            deeper: t.count(Kind::Deeper),
            // Distinct extras, counted as they were written; the parsing thread counted each
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

/// The JSON writer has stopped (its error is reported, not this).
struct WriterGone;

/// How many roles may wait for the writer to serialize them before the parsing thread
/// serializes the next itself (`--json` without `--summary`).
const WRITER_BEHIND: usize = 8;

/// What the thread that parses the roles hands the JSON writer.
enum Handed {
    /// A role, audited.
    Role(Box<HandedRole>),
    /// A role the parsing thread serialized itself, because the writer was behind (see
    /// [`WRITER_BEHIND`]), with how many distinct extras it lists.
    Serialized(Box<RawValue>, usize),
    /// A chunk of the document the parser has used up (see [`SideWork::spent`]).
    Spent(Vec<u8>),
    /// The parser has finished.
    Finished,
}

/// One audited role, owned, for whichever thread serializes it. A [`RoleAudit`] borrows from
/// the parsing thread's [`Desired`] until the next role begins, so the strings of its findings
/// (the desired privileges', a few per role; extras come raw) are copied into `text`.
struct HandedRole {
    file: String,
    id: Option<String>,
    inherited: Option<String>,
    input: String,
    name: String,
    privilege_count: usize,
    /// Per kind, indexed as [`Kind::ALL`].
    counts: [usize; 4],
    findings: Vec<HandedFinding>,
    text: String,
    /// The role's extras as it names them, for whichever thread serializes it to make
    /// distinct.
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
    /// `audit` from `input`, owned (its raw extras moved out); under `--summary` only its
    /// counts are kept.
    fn new(audit: &mut RoleAudit<'_>, input: &str, summary: bool) -> HandedRole {
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
            counts: Kind::ALL.map(|kind| audit.count(kind)),
            findings,
            text,
            raw_extras: std::mem::take(&mut audit.raw_extras),
        }
    }

    fn count(&self, kind: Kind) -> usize {
        self.counts.get(kind as usize).copied().unwrap_or(0)
    }

    /// This role as the `roles` array holds it, its extras made distinct in `extras`, handed
    /// to `serialize`; gives what `serialize` gives and how many distinct extras it lists.
    /// Whichever thread serializes a role, it is serialized by these structs.
    fn serialize_with<T>(
        &self,
        extras: &mut Extras,
        known: &Known<'_>,
        serialize: impl FnOnce(&AuditedRole<'_>) -> T,
    ) -> (T, usize) {
        self.raw_extras.distinct_into(extras);
        let mut findings = Vec::with_capacity(self.findings.len() + extras.len());
        self.findings(&mut findings);
        findings.extend(extras.findings(known));
        let serialized = serialize(&AuditedRole {
            file: &self.file,
            findings: &findings,
            id: self.id.as_deref(),
            inherited: self.inherited.as_deref(),
            input: &self.input,
            name: &self.name,
            privilege_count: self.privilege_count,
        });
        (serialized, extras.len())
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

/// The `roles` array: the roles of every input, each written as it closes. Serializing it
/// runs the audit: the inputs are opened and read on this thread, which writes the roles
/// between chunks, and parsed and compared on a second ([`Run::stream_beside`]).
struct RoleStream<'k, 'c, 'a, 'r, 'd> {
    run: RefCell<&'a mut Run<'r, 'd>>,
    /// Whether each role is written as counts (`--summary`).
    summary: bool,
    /// The catalogues' entries, for the extras.
    known: &'k Known<'c>,
    /// How many distinct extras the roles written had.
    extra_total: std::cell::Cell<usize>,
    /// Why the audit stopped, when it was not the output.
    failed: RefCell<Option<Box<Error>>>,
}

impl Serialize for RoleStream<'_, '_, '_, '_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        let (to_writer, from_reader) = std::sync::mpsc::channel();
        let stopped = AtomicBool::new(false);
        let in_flight = AtomicUsize::new(0);
        let summary = self.summary;
        let known = self.known;
        let mut writing = Writing {
            seq: &mut seq,
            from_reader,
            to_writer: to_writer.clone(),
            summary,
            known: self.known,
            extras: Extras::default(),
            extra_total: 0,
            failed: None,
            stopped: &stopped,
            in_flight: &in_flight,
        };
        // The parsing thread's own extras, for the roles it serializes itself.
        let mut extras = Extras::default();
        let mut emit = |audit: &mut RoleAudit<'_>, input: &str| {
            if stopped.load(Ordering::Relaxed) {
                return Err(WriterGone);
            }
            let role = HandedRole::new(audit, input, summary);
            // Most of the writer's work is serializing roles' extras. Where roles come thick
            // and fast, it falls behind and the parser would wait for chunks; so while
            // WRITER_BEHIND roles wait for the writer to serialize them, the parser serializes
            // the next itself, byte for byte the same, and the writer only copies it. Under
            // --summary a role is a few counts, and the writer serializes every one.
            let behind = !summary && in_flight.load(Ordering::Relaxed) >= WRITER_BEHIND;
            let handed = match behind.then(|| {
                role.serialize_with(&mut extras, known, |r| serde_json::value::to_raw_value(r))
            }) {
                Some((Ok(serialized), listed)) => Handed::Serialized(serialized, listed),
                _ => {
                    in_flight.fetch_add(1, Ordering::Relaxed);
                    Handed::Role(Box::new(role))
                }
            };
            to_writer.send(handed).map_err(|_| WriterGone)
        };
        let streamed = match self.run.try_borrow_mut() {
            Ok(mut run) => run.stream_beside(&mut emit, &mut writing),
            Err(_) => Err(Stopped::Audit(Box::new(Error::Internal(
                "the audit is already running".into(),
            )))),
        };
        writing.catch_up();
        self.extra_total.set(writing.extra_total);
        // A write that failed is what is reported; the audit stopped because of it.
        if let Some(e) = writing.failed.take() {
            return Err(e);
        }
        match streamed {
            Ok(()) => {}
            Err(Stopped::Audit(e)) => {
                let message = e.to_string();
                *self.failed.borrow_mut() = Some(e);
                return Err(S::Error::custom(message));
            }
            Err(Stopped::Emit(WriterGone)) => {
                return Err(S::Error::custom("the JSON writer stopped"));
            }
        }
        seq.end()
    }
}

/// The JSON writer's side of the audit: it writes each role the parsing thread hands over,
/// while this thread waits for that thread to use up a chunk.
struct Writing<'w, Q: SerializeSeq> {
    seq: &'w mut Q,
    from_reader: std::sync::mpsc::Receiver<Handed>,
    to_writer: std::sync::mpsc::Sender<Handed>,
    summary: bool,
    known: &'w Known<'w>,
    /// The role being written's distinct extras.
    extras: Extras,
    /// How many distinct extras the roles written had.
    extra_total: usize,
    /// The first write that failed; nothing is written after it.
    failed: Option<Q::Error>,
    /// Set when a write fails, so the audit stops at the next role.
    stopped: &'w AtomicBool,
    /// Roles handed over to serialize and not yet written.
    in_flight: &'w AtomicUsize,
}

impl<Q: SerializeSeq> Writing<'_, Q> {
    fn write(&mut self, role: &HandedRole) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        if self.failed.is_some() {
            return;
        }
        let written = if self.summary {
            self.seq.serialize_element(&SummarizedRole {
                deeper: role.count(Kind::Deeper),
                extra: role.count(Kind::Extra),
                file: &role.file,
                id: role.id.as_deref(),
                input: &role.input,
                missing: role.count(Kind::Missing),
                name: &role.name,
                privilege_count: role.privilege_count,
                too_shallow: role.count(Kind::TooShallow),
            })
        } else {
            let seq = &mut *self.seq;
            let (written, extras) =
                role.serialize_with(&mut self.extras, self.known, |r| seq.serialize_element(r));
            self.extra_total += extras;
            written
        };
        self.written(written);
    }

    /// Writes a role the parsing thread serialized, listing `extras` distinct extras.
    fn write_serialized(&mut self, role: &RawValue, extras: usize) {
        if self.failed.is_some() {
            return;
        }
        self.extra_total += extras;
        let written = self.seq.serialize_element(role);
        self.written(written);
    }

    /// Notes a write that failed: nothing is written after it and the audit stops.
    fn written(&mut self, written: Result<(), Q::Error>) {
        if let Err(e) = written {
            self.failed = Some(e);
            self.stopped.store(true, Ordering::Relaxed);
        }
    }
}

impl<Q: SerializeSeq> SideWork for Writing<'_, Q> {
    fn spent(&self) -> Spent {
        let to_writer = self.to_writer.clone();
        std::sync::Arc::new(move |chunk| {
            // The writer may have gone; then nothing waits for this.
            let _gone = to_writer.send(chunk.map_or(Handed::Finished, Handed::Spent));
        })
    }

    fn next_spent(&mut self) -> Option<Vec<u8>> {
        // In the order handed over: a chunk waits for the roles before it to be written,
        // which keeps the parser within a few chunks of the writer. (Taking chunks first was
        // slower.)
        loop {
            match self.from_reader.recv() {
                Ok(Handed::Role(role)) => self.write(&role),
                Ok(Handed::Serialized(role, extras)) => self.write_serialized(&role, extras),
                // After a failed write, reading stops: the parser sees the document end.
                Ok(Handed::Spent(chunk)) => return self.failed.is_none().then_some(chunk),
                Ok(Handed::Finished) | Err(_) => return None,
            }
        }
    }

    fn catch_up(&mut self) {
        while let Ok(handed) = self.from_reader.try_recv() {
            match handed {
                Handed::Role(role) => self.write(&role),
                Handed::Serialized(role, extras) => self.write_serialized(&role, extras),
                Handed::Spent(_) | Handed::Finished => {}
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::options::RoleOptions;

    /// A document whose `roles` array holds `role` alone, as [`RoleLines`] writes it.
    fn roles_of<R: Serialize + ?Sized>(role: &R) -> Vec<u8> {
        #[derive(Serialize)]
        struct Doc<'r, R: ?Sized> {
            roles: [&'r R; 1],
        }
        let mut out = Vec::new();
        let mut json = serde_json::Serializer::with_formatter(&mut out, RoleLines::default());
        Doc { roles: [role] }.serialize(&mut json).unwrap();
        out
    }

    #[test]
    fn a_role_the_parsing_thread_serializes_is_written_byte_for_byte_as_the_writer_would() {
        let c = Catalogue::default_catalogue();
        let (desired_role, _) =
            crate::model::role::resolve(&c, &RoleOptions::default(), "dvrole").unwrap();
        let catalogues = [c];
        let held = [
            ("prvReadContact", "Basic"),
            ("prvReadAccount", "Global"),
            ("prvcreatenew_thing", "Basic"),
            ("prvCreatenew_thing", "Deep"),
            ("prvWriteContact", "Local"),
            ("prv\"quoted\"", "Basic"),
        ];
        let mut record = crate::ops::audit::test_record(&held);
        record.name = Some("R \u{e9}\t\"".into());
        record.inherited = Some("1".into());
        let mut desired = Desired::new(&desired_role, &catalogues);
        desired.hand_over_extras();
        let mut audit = desired.audit("f.xml", &record, true).unwrap();
        let role = HandedRole::new(&mut audit, "in.zip", false);
        let known = Known::new(&catalogues);

        let (by_writer, listed) =
            role.serialize_with(&mut Extras::default(), &known, |r| roles_of(r));
        let (raw, listed_raw) = role.serialize_with(&mut Extras::default(), &known, |r| {
            serde_json::value::to_raw_value(r)
        });
        let by_parser = roles_of(&*raw.unwrap());
        assert_eq!(
            String::from_utf8_lossy(&by_parser),
            String::from_utf8_lossy(&by_writer)
        );
        assert_eq!((listed, listed_raw), (3, 3));
        let text = String::from_utf8(by_writer).unwrap();
        assert!(
            text.starts_with("{\"roles\":[\n{\"file\":\"f.xml\""),
            "{text}"
        );
        assert!(
            text.contains("\"privilege\":\"prv\\\"quoted\\\"\""),
            "{text}"
        );
    }
}
