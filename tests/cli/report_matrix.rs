//! `dvrole report INPUT...`: the privilege matrix of exported roles in every format, checked
//! against the roles as the exports hold them: the page parsed by an HTML5 parser, the
//! workbook read back by a spreadsheet reader, Markdown and CSV against golden files.

use std::collections::BTreeSet;
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use crate::common::{self, assert_golden_text, cmd, dvrole, reference_dir};
use calamine::{Data, Reader, Xlsx};
use predicates::prelude::*;
use scraper::{Html, Selector};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/report")
}

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/golden/report")
        .join(name)
}

/// One role as its export holds it: name, id, and each distinct privilege (without regard
/// to case, first spelling kept) with its deepest level, in file order.
#[derive(Debug)]
struct ExportedRole {
    name: String,
    privileges: Vec<(String, String)>,
}

const LEVELS: [&str; 4] = ["Basic", "Local", "Deep", "Global"];

fn rank(level: &str) -> usize {
    LEVELS
        .iter()
        .position(|l| *l == level)
        .expect("a known level")
}

/// The roles of the XML files given, read with the library's plain role reader.
fn exported(files: &[PathBuf]) -> Vec<ExportedRole> {
    let mut roles = Vec::new();
    for file in files {
        let bytes = fs::read(file).unwrap();
        dvrole::part::roles::read_roles(Cursor::new(bytes), |record| {
            let mut privileges: Vec<(String, String)> = Vec::new();
            for p in &record.privileges {
                let (Some(name), Some(level)) = (&p.name, &p.level) else {
                    continue;
                };
                match privileges
                    .iter_mut()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                {
                    Some((_, l)) => {
                        if rank(level) > rank(l) {
                            *l = level.clone();
                        }
                    }
                    None => privileges.push((name.clone(), level.clone())),
                }
            }
            roles.push(ExportedRole {
                name: record.name.clone().unwrap_or_default(),
                privileges,
            });
        })
        .unwrap();
    }
    roles
}

/// The role files of an input, in the order dvrole reads them.
fn role_files(input: &Path) -> Vec<PathBuf> {
    if input.join("customizations.xml").is_file() {
        return vec![input.join("customizations.xml")];
    }
    let mut files: Vec<PathBuf> = fs::read_dir(input.join("Roles"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
}

/// The real exports that hold roles, relative to the exports folder.
const REAL: [&str; 6] = [
    "packages/apollo-roles-excerpt_managed",
    "packages/pnp-PromptManager_1_0_0_6_managed",
    "packages/pnp-termbuddy",
    "unpacked/john00-crm",
    "trees/automation-coe-main",
    "trees/automation-kit-control-center",
];

fn run_ok(dir: &Path, args: &[&str]) -> Vec<u8> {
    let mut report = vec!["report"];
    report.extend_from_slice(args);
    common::stdout_ok(dir, &report)
}

/// Checks a page: every role has a section, a heading and an entry in the table of
/// contents; every privilege of every role has an element titled `name: Level`.
fn check_page(html: &str, roles: &[ExportedRole]) {
    let doc = Html::parse_document(html);
    let sel = |s: &str| Selector::parse(s).unwrap();
    let sections: Vec<_> = doc.select(&sel("section.role")).collect();
    assert_eq!(sections.len(), roles.len());
    let toc: Vec<String> = doc
        .select(&sel("nav li a"))
        .map(|a| a.text().collect())
        .collect();
    for (i, (section, role)) in sections.iter().zip(roles).enumerate() {
        let heading: String = section
            .select(&sel("h2"))
            .next()
            .expect("a heading")
            .text()
            .collect();
        assert_eq!(heading, role.name);
        assert_eq!(toc.get(i), Some(&role.name));
        assert_eq!(
            section.value().attr("id"),
            Some(format!("role-{}", i + 1).as_str())
        );
        let titles: BTreeSet<String> = section
            .select(&sel("[title]"))
            .flat_map(|e| {
                e.value()
                    .attr("title")
                    .unwrap_or_default()
                    .lines()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        let expected: BTreeSet<String> = role
            .privileges
            .iter()
            .map(|(n, l)| format!("{n}: {l}"))
            .collect();
        assert_eq!(titles, expected, "titles of role {}", role.name);
        // The icon of each titled cell is the one of its depth.
        for cell in section.select(&sel("td[title], li[title]")) {
            let title = cell.value().attr("title").unwrap_or_default();
            let level = title.lines().next().and_then(|l| l.rsplit(": ").next());
            let icon = cell
                .select(&sel("use"))
                .next()
                .and_then(|u| u.value().attr("href"))
                .unwrap_or_default();
            let want = format!("#d{}", level.map_or(0, |l| rank(l) + 1));
            if !title.contains('\n') {
                assert_eq!(icon, want, "{title}");
            }
        }
    }
    // Self-contained: no script, nothing loaded from anywhere.
    assert_eq!(doc.select(&sel("script")).count(), 0);
    assert_eq!(doc.select(&sel("link, img, iframe, object")).count(), 0);
    for e in doc.select(&sel("[src], [href]")) {
        for attr in ["src", "href"] {
            if let Some(v) = e.value().attr(attr) {
                assert!(v.starts_with('#'), "{attr}={v} points outside the page");
            }
        }
    }
}

#[test]
fn the_page_of_every_real_export_holds_every_role_and_privilege() {
    let Some(reference) =
        reference_dir("the_page_of_every_real_export_holds_every_role_and_privilege")
    else {
        return;
    };
    let exports = reference.join("exports");
    for input in REAL {
        let html = String::from_utf8(run_ok(&exports, &[input, "--format", "html"])).unwrap();
        let roles = exported(&role_files(&exports.join(input)));
        assert!(!roles.is_empty(), "{input}");
        check_page(&html, &roles);
    }
}

#[test]
fn the_page_of_a_fixture_holds_every_role_and_privilege() {
    let dir = fixtures();
    let html = String::from_utf8(run_ok(&dir, &["package", "--format", "html"])).unwrap();
    check_page(&html, &exported(&[dir.join("package/customizations.xml")]));
    assert!(html.contains("Direct User (Basic) access level and Team privileges"));
}

#[test]
fn nothing_from_the_input_reaches_the_page_unescaped() {
    let dir = fixtures();
    let html =
        String::from_utf8(run_ok(&dir, &["hostile", "--format", "html", "--desired"])).unwrap();
    let roles = exported(&[dir.join("hostile/customizations.xml")]);
    let doc = Html::parse_document(&html);
    let sel = |s: &str| Selector::parse(s).unwrap();
    // The names are text, exactly as written; no markup came through.
    assert_eq!(doc.select(&sel("script, img")).count(), 0);
    for e in doc.select(&sel("*")) {
        for (name, _) in e.value().attrs() {
            assert!(
                !name.starts_with("on"),
                "an event attribute {name} came through"
            );
        }
    }
    let heading: String = doc
        .select(&sel("section.role h2"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(heading, roles[0].name);
    assert!(heading.contains("<script>"));
    let titles: BTreeSet<&str> = doc
        .select(&sel("section.role [title]"))
        .filter_map(|e| e.value().attr("title"))
        .collect();
    for (name, level) in &roles[0].privileges {
        assert!(
            titles.contains(format!("{name}: {level}").as_str()),
            "{name}: {titles:?}"
        );
    }
    let facts: String = doc
        .select(&sel("dl.facts"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(facts.contains("isinherited=\"<b>x</b>\""), "{facts}");
    assert!(
        facts.contains("{\"><img src=x onerror=alert(1)>}"),
        "{facts}"
    );
}

/// The rows of a sheet as text, header first.
fn sheet_rows(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a workbook");
    let range = book.worksheet_range(sheet).expect("the sheet");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// Checks the `Privileges` sheet against the export cell by cell, and against the CSV the
/// same command writes.
fn check_workbook(bytes: &[u8], roles: &[ExportedRole], csv: &str) {
    let rows = sheet_rows(bytes, "Privileges");
    assert_eq!(
        rows[0],
        ["role", "privilege", "table", "access right", "depth", "tab"]
    );
    let expected: Vec<(String, String, String)> = roles
        .iter()
        .flat_map(|r| {
            r.privileges
                .iter()
                .map(|(n, l)| (r.name.clone(), n.clone(), l.clone()))
        })
        .collect();
    assert_eq!(rows.len() - 1, expected.len());
    for (row, (role, privilege, level)) in rows.iter().skip(1).zip(&expected) {
        assert_eq!(&row[0], role);
        assert_eq!(&row[1], privilege);
        assert_eq!(&row[4], level);
    }
    // Every cell, table and tab included, is what the CSV says.
    let csv_rows: Vec<Vec<String>> = csv
        .lines()
        .map(|l| parse_csv_line(l.trim_end_matches('\r')))
        .collect();
    assert_eq!(rows.len(), csv_rows.len());
    for (a, b) in rows.iter().zip(&csv_rows) {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let b: Vec<&str> = b.iter().map(String::as_str).collect();
        assert_eq!(a, b);
    }
    // A sheet per role, after Roles and Privileges, and a Roles row per role.
    let book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.len(), roles.len() + 2);
    assert_eq!(&names[..2], ["Roles", "Privileges"]);
    let summary = sheet_rows(bytes, "Roles");
    assert_eq!(summary.len(), roles.len() + 1);
    for (row, role) in summary.iter().skip(1).zip(roles) {
        assert_eq!(row[0], role.name);
        assert_eq!(row[5], role.privileges.len().to_string());
    }
}

/// One CSV line (RFC 4180, no line breaks inside fields).
fn parse_csv_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

#[test]
fn the_workbook_of_every_real_export_holds_every_privilege() {
    let Some(reference) = reference_dir("the_workbook_of_every_real_export_holds_every_privilege")
    else {
        return;
    };
    let exports = reference.join("exports");
    for input in REAL {
        let bytes = run_ok(&exports, &[input, "--format", "xlsx"]);
        let csv = String::from_utf8(run_ok(&exports, &[input, "--format", "csv"])).unwrap();
        check_workbook(&bytes, &exported(&role_files(&exports.join(input))), &csv);
    }
}

#[test]
fn the_workbook_of_a_fixture_has_a_matrix_sheet_per_role() {
    let dir = fixtures();
    let bytes = run_ok(&dir, &["package", "--format", "xlsx"]);
    let csv = String::from_utf8(run_ok(&dir, &["package", "--format", "csv"])).unwrap();
    let roles = exported(&[dir.join("package/customizations.xml")]);
    check_workbook(&bytes, &roles, &csv);
    let sheet = sheet_rows(&bytes, "Service Desk Agent");
    assert_eq!(
        sheet[0],
        [
            "Table",
            "Create",
            "Read",
            "Write",
            "Delete",
            "Append",
            "Append To",
            "Assign",
            "Share",
            "Miscellaneous",
            "Tab",
            "Logical name"
        ]
    );
    let contact = sheet
        .iter()
        .find(|r| r[0] == "Contact")
        .expect("a Contact row");
    assert_eq!(&contact[1..5], ["", "Deep", "Basic", ""]);
    assert_eq!(contact[10], "Core Records");
    let sync = sheet
        .iter()
        .find(|r| r[11] == "prvSyncToOutlook")
        .expect("a row for prvSyncToOutlook");
    assert_eq!(sync[9], "Global");
    // The second role's name holds a comma; its sheet is named as the role.
    assert!(!sheet_rows(&bytes, "Ticket Reader, Team").is_empty());
}

#[test]
fn the_workbook_is_the_same_bytes_on_every_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixtures().join("package");
    let write = |name: &str| {
        let out = dir.path().join(name);
        dvrole()
            .arg("report")
            .arg(&input)
            .args(["--desired", "-o"])
            .arg(&out)
            .assert()
            .success()
            .stderr(predicate::str::contains("wrote"));
        fs::read(out).unwrap()
    };
    let first = write("a.xlsx");
    // A second later, so that a clock in the file would show.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = write("b.xlsx");
    assert!(first.starts_with(b"PK"));
    assert_eq!(first, second);
}

#[test]
fn markdown_and_csv_of_a_fixture_match_their_golden_files() {
    let dir = fixtures();
    for (args, name) in [
        (&["package"][..], "package.md"),
        (&["package", "--format", "csv"][..], "package.csv"),
        (&["package", "--desired"][..], "package-desired.md"),
        (
            &["package", "--format", "csv", "--desired"][..],
            "package-desired.csv",
        ),
    ] {
        let out = String::from_utf8(run_ok(&dir, args)).unwrap();
        assert_golden_text(&golden(name), &out);
    }
}

#[test]
fn markdown_and_csv_of_a_real_export_match_their_golden_files() {
    let Some(reference) =
        reference_dir("markdown_and_csv_of_a_real_export_match_their_golden_files")
    else {
        return;
    };
    let exports = reference.join("exports");
    for (format, name) in [("md", "termbuddy.md"), ("csv", "termbuddy.csv")] {
        let out = String::from_utf8(run_ok(
            &exports,
            &["packages/pnp-termbuddy", "--format", format],
        ))
        .unwrap();
        assert_golden_text(&golden(name), &out);
    }
}

#[test]
fn json_rows_have_the_sheet_columns_and_allowed_as_an_array() {
    let dir = fixtures();
    let out = run_ok(&dir, &["package", "--format", "json", "--desired"]);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let rows = v["privileges"].as_array().unwrap();
    let roles = exported(&[dir.join("package/customizations.xml")]);
    let held: usize = roles.iter().map(|r| r.privileges.len()).sum();
    let missing = rows.iter().filter(|r| r["depth"].is_null()).count();
    assert_eq!(rows.len(), held + missing);
    for key in [
        "role",
        "privilege",
        "table",
        "access right",
        "depth",
        "tab",
        "allowed",
        "desired",
    ] {
        assert!(rows[0].get(key).is_some(), "{key}");
    }
    let mailbox = rows
        .iter()
        .find(|r| r["privilege"] == "prvReadMailbox")
        .unwrap();
    assert_eq!(
        mailbox["allowed"],
        serde_json::json!(["Basic", "Local", "Deep", "Global"])
    );
    assert_eq!(mailbox["table"], "mailbox");
    assert_eq!(mailbox["access right"], "Read");
    let custom = rows
        .iter()
        .find(|r| r["privilege"] == "prvAppendTocts_ticket")
        .unwrap();
    assert_eq!(custom["table"], "cts_ticket");
    assert_eq!(custom["access right"], "AppendTo");
    assert_eq!(custom["tab"], "Custom Entities");
    assert!(custom["allowed"].is_null());
    let summary = &v["roles"][0];
    assert_eq!(summary["role"], "Service Desk Agent");
    assert_eq!(summary["isinherited"], "1");
    assert_eq!(summary["privileges"], roles[0].privileges.len());
    // The catalogue's own JSON writes allowed the same way.
    let cat = cmd(&dir)
        .args(["catalogue", "show", "server-side-sync", "--format", "json"])
        .output()
        .unwrap();
    let cat: serde_json::Value = serde_json::from_slice(&cat.stdout).unwrap();
    assert!(cat["entries"][0]["allowed"].is_array());
}

#[test]
fn roles_are_chosen_by_name_or_id_and_a_choice_that_matches_none_fails() {
    let dir = fixtures();
    let csv = String::from_utf8(run_ok(
        &dir,
        &[
            "package",
            "--format",
            "csv",
            "--role",
            "ticket reader, team",
        ],
    ))
    .unwrap();
    assert_eq!(csv.lines().count(), 5, "{csv}");
    let by_id = String::from_utf8(run_ok(
        &dir,
        &[
            "package",
            "--format",
            "csv",
            "--role",
            "3F2A1B0C-9D8E-4F7A-B6C5-D4E3F2A1B0C9",
        ],
    ))
    .unwrap();
    assert!(by_id
        .lines()
        .skip(1)
        .all(|l| l.starts_with("Service Desk Agent,")));
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("m.html");
    fs::write(&target, "old").unwrap();
    cmd(&dir)
        .args(["report", "package", "--role", "Nobody", "-o"])
        .arg(&target)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--role 'Nobody'"))
        .stderr(predicate::str::contains("Service Desk Agent"));
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        "old",
        "a failed run writes nothing"
    );
}

#[test]
fn a_bad_input_leaves_the_old_output_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("customizations.xml");
    fs::write(
        &bad,
        "<ImportExportXml><Roles><Role id=\"{11111111-2222-4333-8444-555555555555}\" name=\"R\"><RolePrivileges><RolePrivilege name=\"prvReadAccount\" level=\"Sideways\" /></RolePrivileges></Role></Roles></ImportExportXml>",
    )
    .unwrap();
    for (i, name) in ["m.html", "m.xlsx", "m.csv"].into_iter().enumerate() {
        let target = dir.path().join(name);
        fs::write(&target, "old").unwrap();
        dvrole()
            .arg("report")
            .arg(&bad)
            .arg("-o")
            .arg(&target)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("Sideways"));
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
        let leftovers = fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, i + 2, "no temporary file is left behind");
    }
}

#[test]
fn the_format_follows_the_output_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixtures().join("package");
    for (name, starts) in [
        ("m.html", &b"<!DOCTYPE html>"[..]),
        ("m.xlsx", b"PK"),
        ("m.json", b"{\"inputs\""),
        ("m.csv", b"role,privilege"),
        ("m.md", b"# Privilege matrix"),
    ] {
        let target = dir.path().join(name);
        dvrole()
            .arg("report")
            .arg(&input)
            .arg("-o")
            .arg(&target)
            .assert()
            .success()
            .stderr(predicate::str::contains("2 roles"));
        assert!(fs::read(&target).unwrap().starts_with(starts), "{name}");
    }
}

#[test]
fn without_inputs_the_page_and_workbook_show_the_role_generate_builds() {
    let dir = tempfile::tempdir().unwrap();
    let html = String::from_utf8(run_ok(dir.path(), &["--format", "html"])).unwrap();
    let doc = Html::parse_document(&html);
    let titles = Selector::parse("section.role [title]").unwrap();
    assert_eq!(
        doc.select(&titles).count(),
        24,
        "the default role's 24 privileges"
    );
    assert!(html.contains("Server-Side Sync User"));
    let bytes = run_ok(dir.path(), &["--format", "xlsx"]);
    assert_eq!(sheet_rows(&bytes, "Privileges").len(), 25);
    // --role and --desired need inputs.
    cmd(dir.path())
        .args(["report", "--desired"])
        .assert()
        .code(2);
}

#[test]
fn an_output_that_cannot_be_written_is_an_error() {
    let input = fixtures().join("package");
    for format in ["md", "csv", "json", "html", "xlsx"] {
        let full = fs::OpenOptions::new().write(true).open("/dev/full");
        let Ok(full) = full else {
            common::skip_or_fail(
                "an_output_that_cannot_be_written_is_an_error",
                "no /dev/full",
            );
            return;
        };
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dvrole"));
        // As common::dvrole: no DVROLE_ variable of the test's own environment.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("DVROLE_") {
                command.env_remove(name);
            }
        }
        let out = command
            .arg("report")
            .arg(&input)
            .args(["--format", format])
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{format}: {stderr}");
        assert!(stderr.contains("standard output"), "{format}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{format}: {stderr}");
    }
}

#[test]
fn every_access_right_gets_its_column() {
    // One privilege per access right on one table: eight cells in order.
    let dir = tempfile::tempdir().unwrap();
    let rights = [
        "Create", "Read", "Write", "Delete", "Append", "AppendTo", "Assign", "Share",
    ];
    let privileges: String = rights
        .iter()
        .zip(LEVELS.iter().cycle())
        .map(|(r, l)| format!("<RolePrivilege name=\"prv{r}new_thing\" level=\"{l}\" />"))
        .collect();
    fs::write(
        dir.path().join("r.xml"),
        format!("<Role id=\"{{11111111-2222-4333-8444-555555555555}}\" name=\"R\"><RolePrivileges>{privileges}</RolePrivileges></Role>"),
    )
    .unwrap();
    let md = String::from_utf8(run_ok(dir.path(), &["r.xml"])).unwrap();
    assert!(
        md.contains(
            "| new_thing | Basic | Local | Deep | Global | Basic | Local | Deep | Global |"
        ),
        "{md}"
    );
    assert_eq!(md.matches("### ").count(), 1, "one tab: {md}");
    assert!(md.contains("### Custom Entities"));
}

#[test]
fn role_sheets_freeze_their_header_and_table_column_and_fill_depths() {
    let dir = fixtures();
    let bytes = run_ok(&dir, &["package", "--format", "xlsx"]);
    let parts = common::unzip(&bytes);
    let part = |name: &str| {
        let (_, data) = parts
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name} in the workbook"));
        String::from_utf8(data.clone()).unwrap()
    };
    // Sheets 1 and 2 are Roles and Privileges; 3 and 4 the two roles.
    let agent = part("xl/worksheets/sheet3.xml");
    assert!(
        agent.contains(r#"<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" state="frozen"/>"#),
        "{agent}"
    );
    let rows = sheet_rows(&bytes, "Service Desk Agent").len();
    assert!(agent.contains(&format!(r#"<autoFilter ref="A1:L{rows}"/>"#)));
    let privileges = part("xl/worksheets/sheet2.xml");
    let long = sheet_rows(&bytes, "Privileges").len();
    assert!(privileges.contains(&format!(r#"<autoFilter ref="A1:F{long}"/>"#)));
    assert!(privileges.contains(r#"state="frozen""#));
    // A fill per depth.
    let styles = part("xl/styles.xml");
    for fill in ["FFFFF3C4", "FFD9EDB0", "FF8FCB9B", "FF2F855A"] {
        assert!(styles.contains(fill), "fill {fill}");
    }
    let core = part("docProps/core.xml");
    assert!(core.contains("2000-01-01T00:00:00Z"), "{core}");
}

#[test]
fn a_zip_shows_what_its_folder_shows() {
    let dir = tempfile::tempdir().unwrap();
    let package = fixtures().join("package");
    let read = |name: &str| fs::read(package.join(name)).unwrap();
    let zip = common::zip_of(&[
        ("customizations.xml", &read("customizations.xml")),
        ("solution.xml", &read("solution.xml")),
        ("[Content_Types].xml", b"<Types />"),
    ]);
    fs::write(dir.path().join("pkg.zip"), zip).unwrap();
    let from_zip = String::from_utf8(run_ok(dir.path(), &["pkg.zip", "--format", "csv"])).unwrap();
    let from_folder =
        String::from_utf8(run_ok(&fixtures(), &["package", "--format", "csv"])).unwrap();
    assert_eq!(from_zip, from_folder);
}
