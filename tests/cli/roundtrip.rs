//! Property: any valid depth choices and names -> generate -> validate passes, and the
//! privileges read back are exactly the ones asked for.

use std::collections::BTreeMap;

use dvrole::model::catalogue::Catalogue;
use dvrole::model::depth::Depth;
use dvrole::model::options::{GenerateOptions, Given};
use dvrole::ops::build;
use dvrole::ops::validate;
use dvrole::package::read::{Limits, PackageReader};
use dvrole::part::roles::read_roles;
use proptest::prelude::*;

/// For each catalogue privilege: None (leave out), or an index into its allowed depths.
fn choices() -> impl Strategy<Value = Vec<Option<usize>>> {
    let n = Catalogue::default_catalogue().entries().len();
    prop::collection::vec(prop::option::weighted(0.9, 0usize..4), n)
}

/// Role names: 1 to 100 printable characters, XML-special ones and non-ASCII included.
fn role_name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 <>&\"'ßéü中文\\-_.()]{1,100}".prop_filter("not blank", |s| !s.trim().is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_packages_validate_and_read_back(choices in choices(), name in role_name(), version in (0u32..100, 0u32..100, 0u32..10_000)) {
        let catalogue = Catalogue::default_catalogue();
        let mut options = GenerateOptions::default();
        options.role.role_name = Some(Given::flag("--role-name", name.clone()));
        options.solution.solution_version = Some(Given::flag("--solution-version", format!("{}.{}.{}", version.0, version.1, version.2)));
        let mut expected = BTreeMap::new();
        for (entry, choice) in catalogue.entries().iter().zip(&choices) {
            match choice {
                None => options.role.depth.push(Given::flag("--depth", format!("{}=None", entry.privilege))),
                Some(i) => {
                    let allowed: Vec<Depth> = entry.allowed.iter().collect();
                    let depth = allowed[i % allowed.len()];
                    // Alternate vocabularies: the role editor's words for odd indexes.
                    let word = if i % 2 == 1 { depth.editor_name().replace(' ', "") } else { depth.to_string() };
                    options.role.depth.push(Given::flag("--depth", format!("{}={word}", entry.privilege)));
                    expected.insert(entry.privilege.clone(), depth.to_string());
                }
            }
        }
        let built = build::build(&catalogue, &options);
        if expected.is_empty() {
            prop_assert!(built.is_err(), "a role with no privileges is refused");
            return Ok(());
        }
        let built = built.expect("valid settings build");
        let mut reader = PackageReader::from_zip_bytes("p.zip", built.zip.clone(), Limits::default()).unwrap();
        let report = validate::validate(&mut reader, std::slice::from_ref(&catalogue)).unwrap();
        prop_assert!(report.valid, "findings: {:?}", report.findings);
        let xml = &built.package.part("customizations.xml").unwrap().bytes;
        let mut roles = Vec::new();
        read_roles(&xml[..], |r| roles.push(r.clone())).unwrap();
        prop_assert_eq!(roles.len(), 1);
        prop_assert_eq!(roles[0].name.as_deref(), Some(name.as_str()));
        let got: BTreeMap<String, String> = roles[0]
            .privileges
            .iter()
            .map(|p| (p.name.clone().unwrap(), p.level.clone().unwrap()))
            .collect();
        prop_assert_eq!(got, expected);
    }
}
