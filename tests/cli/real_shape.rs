//! Our parts against real exports, normalised to their structure: element paths in document
//! order with their attribute names, consecutive repeats folded, values dropped. Where a real
//! export carries more (newer elements and attributes, other components), ours must be the
//! same sequence without those.

use crate::common;

use std::fs;

use dvrole::model::catalogue::Catalogue;
use dvrole::model::options::GenerateOptions;
use dvrole::ops::build;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

fn line(stack: &[String], e: &BytesStart<'_>) -> String {
    let mut attrs: Vec<String> = e
        .attributes()
        .flatten()
        .map(|a| a.key.as_ref().to_string())
        .collect();
    attrs.sort();
    format!("{} [{}]", stack.join("/"), attrs.join(","))
}

/// Element paths in document order with attribute names; consecutive repeats folded.
fn shape(xml: &[u8]) -> Vec<String> {
    let mut reader = Reader::from_reader(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    let push = |l: String, out: &mut Vec<String>| {
        if out.last() != Some(&l) {
            out.push(l);
        }
    };
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).expect("well-formed") {
            Event::Start(e) => {
                stack.push(e.name().as_ref().to_string());
                push(line(&stack, &e), &mut out);
            }
            Event::Empty(e) => {
                stack.push(e.name().as_ref().to_string());
                push(line(&stack, &e), &mut out);
                stack.pop();
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

/// `real` without the lines `drop` matches, folded again.
fn without(real: Vec<String>, drop: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in real.into_iter().filter(|l| !drop(l)) {
        if out.last() != Some(&l) {
            out.push(l);
        }
    }
    out
}

fn ours(part: &str) -> Vec<u8> {
    let built = build::build(&Catalogue::default_catalogue(), &GenerateOptions::default()).unwrap();
    built.package.part(part).unwrap().bytes.clone()
}

/// Attribute lists with the newer, optional attributes removed.
fn strip_newer(l: String) -> String {
    l.replace(
        ",CRMServerServiceabilityVersion,OrganizationSchemaType,OrganizationVersion",
        "",
    )
    .replace(
        "CRMServerServiceabilityVersion,OrganizationSchemaType,OrganizationVersion,",
        "",
    )
    .replace(",isinherited", "")
}

#[test]
fn solution_xml_has_the_structure_of_a_real_export() {
    let Some(reference) = common::reference_dir("solution_xml_has_the_structure_of_a_real_export")
    else {
        return;
    };
    let real = fs::read(reference.join("exports/packages/pnp-termbuddy/solution.xml")).unwrap();
    // The real solution also declares other components (by schemaName) and lists missing
    // dependencies; ours declares only the role, and has none.
    let real = without(shape(&real).into_iter().map(strip_newer).collect(), |l| {
        (l.contains("/RootComponent ") && l.contains("schemaName"))
            || l.starts_with("ImportExportXml/SolutionManifest/MissingDependencies/")
    });
    let mut options = GenerateOptions::default();
    options.solution.description = Some(dvrole::model::options::Given::flag("--description", ""));
    let built = build::build(&Catalogue::default_catalogue(), &options).unwrap();
    assert_eq!(
        shape(&built.package.part("solution.xml").unwrap().bytes),
        real
    );
}

#[test]
fn customizations_xml_has_the_structure_of_a_real_export() {
    let Some(reference) =
        common::reference_dir("customizations_xml_has_the_structure_of_a_real_export")
    else {
        return;
    };
    // The 2024 minimal export: its skeleton, with the role from a current export's role file.
    let skeleton =
        fs::read(reference.join("exports/packages/PowerOps-Open/customizations.xml")).unwrap();
    let skeleton: Vec<String> = shape(&skeleton).into_iter().map(strip_newer).collect();
    let ours = shape(&ours("customizations.xml"));
    let ours_without_role = without(ours.clone(), |l| l.starts_with("ImportExportXml/Roles/"));
    assert_eq!(ours_without_role, skeleton);

    // The role's shape is a current export's: a 2023 role file, with isinherited.
    let role = fs::read(
        reference.join("exports/trees/automation-coe-main/Roles/Automation Project Viewer.xml"),
    )
    .unwrap();
    let role: Vec<String> = without(shape(&role), |l| l.starts_with("Role/IsAutoAssigned"))
        .into_iter()
        .map(|l| format!("ImportExportXml/Roles/{}", l.replace(",xmlns:xsi", "")))
        .collect();
    let our_role: Vec<String> = ours
        .into_iter()
        .filter(|l| l.starts_with("ImportExportXml/Roles/"))
        .collect();
    assert_eq!(our_role, role);
}

#[test]
fn content_types_match_a_real_export() {
    let Some(reference) = common::reference_dir("content_types_match_a_real_export") else {
        return;
    };
    let real =
        fs::read(reference.join("exports/packages/PowerOps-Open/[Content_Types].xml")).unwrap();
    assert_eq!(shape(&ours("[Content_Types].xml")), shape(&real));
}
