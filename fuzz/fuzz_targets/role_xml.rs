//! Any bytes as customizations.xml, a role file, solution.xml or [Content_Types].xml:
//! the streaming readers must never panic, and positions must resolve for any offset. The
//! roles reader must report the same reading ahead (reading on a second thread, parsing on
//! this one) as reading beside (the other way round, as `audit --json` does); inputs past
//! 128 KiB take the second thread, shorter ones are read and parsed here both ways.
#![no_main]

use dvrole::part::roles::{self, RoleSink, RolesFile};
use dvrole::part::{content_types, solution};
use dvrole::xml::ahead::HandBack;
use dvrole::xml::walk::{self, XmlProblem};
use libfuzzer_sys::fuzz_target;

/// Writes down every call, to compare two reads.
#[derive(Default, PartialEq, Debug)]
struct Record(Vec<String>);

impl RoleSink for Record {
    fn role(
        &mut self,
        id: Option<&str>,
        name: Option<&str>,
        inherited: Option<&str>,
        offset: u64,
        file: RolesFile,
    ) -> Result<(), XmlProblem> {
        let file = format!("{file:?}");
        self.0.push(format!("role {id:?} {name:?} {inherited:?} {offset} {file}"));
        Ok(())
    }

    fn privilege(
        &mut self,
        name: Option<&str>,
        level: Option<&str>,
        offset: u64,
    ) -> Result<(), XmlProblem> {
        self.0.push(format!("privilege {name:?} {level:?} {offset}"));
        Ok(())
    }

    fn end_role(&mut self) -> Result<(), XmlProblem> {
        self.0.push("end".into());
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let mut offsets = Vec::new();
    match roles::read_roles(data, |role| offsets.push(role.offset)) {
        Ok(_) => {}
        Err(problem) => offsets.push(problem.offset),
    }
    let _ = walk::positions_in(data, &offsets);
    let _ = solution::read_manifest(data);
    let _ = content_types::read_content_types(data);

    let mut ahead = Record::default();
    let read_ahead = roles::stream_roles(data, &mut ahead);
    let mut beside = Record::default();
    let read_beside = roles::stream_roles_beside(data, &mut beside, &mut HandBack::default());
    assert_eq!(ahead, beside);
    assert_eq!(read_ahead, read_beside);
});
