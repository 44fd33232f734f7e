//! The privilege matrix of roles, laid out as the role editor lays it out: per tab, a row
//! per table with a column per access right, then the privileges bound to no table.
//! ([`built`] keeps the flat one-row-per-privilege listing of the role `generate` builds.)
//!
//! Roles stream out of their files one at a time ([`collect`]); each is placed on its tabs
//! ([`Names`]) and handed whole to a [`Render`] for one output format, which keeps no more
//! of it than the format needs. Only one role's privileges are held at any time.

pub mod built;
pub mod collect;
pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod xlsx;

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::model::catalogue::Catalogue;
use crate::model::depth::{Depth, DepthSet};

/// The access rights a table privilege grants, in the role editor's column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessRight {
    /// Create records.
    Create,
    /// Read records.
    Read,
    /// Change records.
    Write,
    /// Delete records.
    Delete,
    /// Associate records of this table with another record.
    Append,
    /// Associate other records with records of this table.
    AppendTo,
    /// Give records to another owner.
    Assign,
    /// Share records with others.
    Share,
}

impl AccessRight {
    /// All eight, in column order.
    pub const ALL: [AccessRight; 8] = [
        AccessRight::Create,
        AccessRight::Read,
        AccessRight::Write,
        AccessRight::Delete,
        AccessRight::Append,
        AccessRight::AppendTo,
        AccessRight::Assign,
        AccessRight::Share,
    ];

    /// The name as privilege names and catalogues spell it (`AppendTo`).
    pub fn name(self) -> &'static str {
        match self {
            AccessRight::Create => "Create",
            AccessRight::Read => "Read",
            AccessRight::Write => "Write",
            AccessRight::Delete => "Delete",
            AccessRight::Append => "Append",
            AccessRight::AppendTo => "AppendTo",
            AccessRight::Assign => "Assign",
            AccessRight::Share => "Share",
        }
    }

    /// The column heading the role editor shows (`Append To`).
    pub fn label(self) -> &'static str {
        match self {
            AccessRight::AppendTo => "Append To",
            other => other.name(),
        }
    }

    /// The column index, 0 to 7.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Parses a catalogue's `access_right`, in any case.
    pub fn parse(text: &str) -> Option<AccessRight> {
        AccessRight::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(text.trim()))
    }

    /// Splits a privilege name such as `prvAppendToAccount` into its access right and the
    /// rest (`Account`); `None` for names that do not read that way (`prvSyncToOutlook`).
    pub fn split(privilege: &str) -> Option<(AccessRight, &str)> {
        let rest = privilege.strip_prefix("prv")?;
        // AppendTo before Append, so that prvAppendToX is not read as Append on ToX.
        const ORDER: [AccessRight; 8] = [
            AccessRight::AppendTo,
            AccessRight::Append,
            AccessRight::Create,
            AccessRight::Read,
            AccessRight::Write,
            AccessRight::Delete,
            AccessRight::Assign,
            AccessRight::Share,
        ];
        ORDER.into_iter().find_map(|a| {
            rest.strip_prefix(a.name())
                .filter(|table| !table.is_empty())
                .map(|table| (a, table))
        })
    }
}

/// The tab of tables whose name carries a publisher prefix (`new_project`) and that no
/// catalogue places, as the role editor names it.
pub const CUSTOM_TAB: &str = "Custom Entities";
/// The tab of everything else no catalogue places.
pub const OTHER_TAB: &str = "Other";

/// The role editor's tabs, in its order; tabs of other names follow, by name, then
/// [`OTHER_TAB`].
const TAB_ORDER: [&str; 10] = [
    "Core Records",
    "Marketing",
    "Sales",
    "Service",
    "Business Management",
    "Service Management",
    "Customization",
    "Missing Entities",
    "Business Process Flows",
    CUSTOM_TAB,
];

/// Where a privilege goes in the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The table's logical name; `None` for a privilege bound to no table.
    pub table: Option<String>,
    /// What to call the row: the table's display name, or for a privilege bound to no
    /// table, the privilege's.
    pub display: String,
    /// The access right (its column), for a table privilege.
    pub access: Option<AccessRight>,
    /// The tab as catalogues write it, section included (`Business Management >
    /// Miscellaneous Privileges`).
    pub tab: String,
    /// The depths the privilege allows, where a catalogue says.
    pub allowed: Option<DepthSet>,
}

impl Place {
    /// The tab without its section: `Business Management`.
    pub fn tab_name(&self) -> &str {
        self.tab.split(" > ").next().unwrap_or(&self.tab).trim()
    }

    /// The section within the tab, where the catalogue names one.
    pub fn section(&self) -> Option<&str> {
        self.tab.split_once(" > ").map(|(_, s)| s.trim())
    }
}

/// What the catalogues know of a privilege.
struct Known {
    table: Option<String>,
    display: Option<String>,
    access: Option<AccessRight>,
    tab: String,
    allowed: DepthSet,
}

/// Names privileges from what catalogues know of them, and from the privilege name where
/// they know nothing (`prvReadnew_project`: table `new_project`, Read).
pub struct Names {
    /// Lowercased privilege name to what a catalogue says of it (the first that does).
    privileges: HashMap<String, Known>,
    /// Table logical name to its display name and tab.
    tables: HashMap<String, (Option<String>, String)>,
    /// The table part of a privilege name, lowercased, to the logical name a catalogue
    /// gives it, where they differ (`activity` is `activitypointer`).
    aliases: HashMap<String, String>,
}

impl Names {
    /// Knows what `catalogues` say; for a privilege in several, the first wins.
    pub fn new(catalogues: &[Catalogue]) -> Names {
        let mut names = Names {
            privileges: HashMap::new(),
            tables: HashMap::new(),
            aliases: HashMap::new(),
        };
        for entry in catalogues.iter().flat_map(|c| c.entries()) {
            let key = entry.privilege.to_ascii_lowercase();
            if names.privileges.contains_key(&key) {
                continue;
            }
            let table = entry.entity.as_ref().map(|e| e.to_ascii_lowercase());
            if let Some(table) = &table {
                names
                    .tables
                    .entry(table.clone())
                    .or_insert_with(|| (entry.entity_display.clone(), entry.tab.clone()));
                if let Some((_, part)) = AccessRight::split(&entry.privilege) {
                    let part = part.to_ascii_lowercase();
                    if &part != table {
                        names.aliases.entry(part).or_insert_with(|| table.clone());
                    }
                }
            }
            names.privileges.insert(
                key,
                Known {
                    access: entry
                        .access_right
                        .as_deref()
                        .and_then(AccessRight::parse)
                        .or_else(|| AccessRight::split(&entry.privilege).map(|(a, _)| a))
                        .filter(|_| table.is_some()),
                    table,
                    display: entry.entity_display.clone(),
                    tab: entry.tab.clone(),
                    allowed: entry.allowed,
                },
            );
        }
        names
    }

    /// Where `privilege` goes.
    pub fn place(&self, privilege: &str) -> Place {
        if let Some(known) = self.privileges.get(&privilege.to_ascii_lowercase()) {
            let display = match &known.table {
                Some(t) => self
                    .tables
                    .get(t)
                    .and_then(|(d, _)| d.clone())
                    .or_else(|| known.display.clone())
                    .unwrap_or_else(|| t.clone()),
                None => known
                    .display
                    .clone()
                    .unwrap_or_else(|| privilege.to_string()),
            };
            return Place {
                table: known.table.clone(),
                display,
                access: known.access,
                tab: known.tab.clone(),
                allowed: Some(known.allowed),
            };
        }
        let Some((access, part)) = AccessRight::split(privilege) else {
            return Place {
                table: None,
                display: privilege.to_string(),
                access: None,
                tab: OTHER_TAB.to_string(),
                allowed: None,
            };
        };
        let lower = part.to_ascii_lowercase();
        let table = self.aliases.get(&lower).cloned().unwrap_or(lower);
        let (display, tab) = match self.tables.get(&table) {
            Some((display, tab)) => (
                display.clone().unwrap_or_else(|| part.to_string()),
                tab.clone(),
            ),
            None if table.contains('_') => (part.to_string(), CUSTOM_TAB.to_string()),
            None => (part.to_string(), OTHER_TAB.to_string()),
        };
        Place {
            table: Some(table),
            display,
            access: Some(access),
            tab,
            allowed: None,
        }
    }
}

/// One privilege of a role as the matrix shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// The privilege name as the role writes it (as the desired role does, for one it lacks).
    pub privilege: String,
    /// The depth the role gives it (the deepest, where it is listed twice); `None` for a
    /// desired privilege the role lacks.
    pub depth: Option<Depth>,
    /// The depth the desired role gives it, when a desired role is compared.
    pub desired: Option<Depth>,
    /// Where it goes.
    pub place: Place,
}

impl Held {
    /// Whether the role lacks the desired depth: the privilege is missing or too shallow.
    pub fn lacks(&self) -> bool {
        match (self.depth, self.desired) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(have), Some(want)) => have < want,
        }
    }

    /// `prvReadAccount: Global`, and what is desired where the role lacks it.
    pub fn title(&self) -> String {
        let depth = self.depth.map_or("none", Depth::xml_name);
        match self.desired {
            Some(want) if self.lacks() => {
                format!("{}: {depth}; desired: {}", self.privilege, want.xml_name())
            }
            _ => format!("{}: {depth}", self.privilege),
        }
    }
}

/// How the role's `isinherited` attribute reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inheritance {
    /// `isinherited="1"`: Direct User (Basic) access level and Team privileges.
    Direct,
    /// `isinherited="0"`: Team privileges only.
    Team,
    /// Some other value, shown as written.
    Other,
    /// The role does not say.
    Unstated,
}

impl Inheritance {
    /// Reads the attribute's value.
    pub fn from_attribute(value: Option<&str>) -> Inheritance {
        match value.map(str::trim) {
            None => Inheritance::Unstated,
            Some("1") => Inheritance::Direct,
            Some("0") => Inheritance::Team,
            Some(_) => Inheritance::Other,
        }
    }

    /// What the role editor calls it.
    pub fn describe(self) -> &'static str {
        match self {
            Inheritance::Direct => "Direct User (Basic) access level and Team privileges",
            Inheritance::Team => "Team privileges only",
            Inheritance::Other => "not a value Dataverse knows",
            Inheritance::Unstated => "not stated in the export",
        }
    }
}

/// One role, read whole, with its privileges placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleMatrix {
    /// The input as named on the command line.
    pub input: String,
    /// The file that holds the role (`pkg.zip!customizations.xml`).
    pub file: String,
    /// The role's name (`(unnamed)` where it has none).
    pub name: String,
    /// The role's id as written.
    pub id: Option<String>,
    /// The `isinherited` attribute as written.
    pub isinherited: Option<String>,
    /// Its distinct privileges (without regard to case) in file order; then, when a desired
    /// role is compared, the desired privileges the role lacks, in the desired role's order.
    pub privileges: Vec<Held>,
}

/// Counts shown beside a role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Distinct privileges the role holds.
    pub held: usize,
    /// Of those, how many at each depth, Basic first.
    pub by_depth: [usize; 4],
    /// Tables with at least one privilege.
    pub tables: usize,
    /// Privileges bound to no table.
    pub untabled: usize,
    /// Desired privileges the role lacks.
    pub missing: usize,
    /// Desired privileges the role holds at a lesser depth.
    pub too_shallow: usize,
}

impl RoleMatrix {
    /// How the role's inheritance reads.
    pub fn inheritance(&self) -> Inheritance {
        Inheritance::from_attribute(self.isinherited.as_deref())
    }

    /// The role's counts.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        let mut tables: Vec<&str> = Vec::new();
        for h in &self.privileges {
            match h.depth {
                Some(d) => {
                    c.held += 1;
                    if let Some(n) = c.by_depth.get_mut(d as usize) {
                        *n += 1;
                    }
                    match &h.place.table {
                        Some(t) => tables.push(t),
                        None => c.untabled += 1,
                    }
                    if h.lacks() {
                        c.too_shallow += 1;
                    }
                }
                None => c.missing += 1,
            }
        }
        tables.sort_unstable();
        tables.dedup();
        c.tables = tables.len();
        c
    }

    /// The role's tabs in the role editor's order.
    pub fn tabs(&self) -> Vec<Tab<'_>> {
        let mut tabs: Vec<Tab<'_>> = Vec::new();
        let mut rows: HashMap<(&str, &str), (usize, usize)> = HashMap::new();
        for h in &self.privileges {
            let name = h.place.tab_name();
            let t = match tabs.iter().position(|t| t.name == name) {
                Some(i) => i,
                None => {
                    tabs.push(Tab {
                        name,
                        tables: Vec::new(),
                        untabled: Vec::new(),
                    });
                    tabs.len() - 1
                }
            };
            let Some(tab) = tabs.get_mut(t) else { continue };
            match (&h.place.table, h.place.access) {
                (Some(table), Some(access)) => {
                    let r = *rows.entry((name, table.as_str())).or_insert_with(|| {
                        tab.tables.push(TableRow {
                            table,
                            display: &h.place.display,
                            cells: Default::default(),
                        });
                        (t, tab.tables.len() - 1)
                    });
                    if let Some(cell) = tab
                        .tables
                        .get_mut(r.1)
                        .and_then(|row| row.cells.get_mut(access.index()))
                    {
                        cell.push(h);
                    }
                }
                _ => tab.untabled.push(h),
            }
        }
        for tab in &mut tabs {
            tab.tables.sort_by(|a, b| {
                a.display
                    .to_lowercase()
                    .cmp(&b.display.to_lowercase())
                    .then_with(|| a.table.cmp(b.table))
            });
            tab.untabled.sort_by(|a, b| {
                (a.place.section(), a.place.display.to_lowercase())
                    .cmp(&(b.place.section(), b.place.display.to_lowercase()))
                    .then_with(|| a.privilege.cmp(&b.privilege))
            });
        }
        tabs.sort_by_key(|t| tab_rank(t.name));
        tabs
    }
}

/// Where a tab goes: the role editor's tabs in its order, then others by name, then
/// [`OTHER_TAB`].
fn tab_rank(name: &str) -> (usize, String) {
    match TAB_ORDER.iter().position(|t| t.eq_ignore_ascii_case(name)) {
        Some(i) => (i, String::new()),
        None if name == OTHER_TAB => (TAB_ORDER.len() + 1, String::new()),
        None => (TAB_ORDER.len(), name.to_lowercase()),
    }
}

/// One tab of a role's matrix.
#[derive(Debug)]
pub struct Tab<'a> {
    /// The tab's name, without section.
    pub name: &'a str,
    /// A row per table, by display name.
    pub tables: Vec<TableRow<'a>>,
    /// The privileges bound to no table, by section and name.
    pub untabled: Vec<&'a Held>,
}

/// One table's row.
#[derive(Debug)]
pub struct TableRow<'a> {
    /// The logical name.
    pub table: &'a str,
    /// The display name.
    pub display: &'a str,
    /// Per access right (in [`AccessRight::ALL`] order), the privileges that grant it:
    /// usually none or one.
    pub cells: [Vec<&'a Held>; 8],
}

/// The deepest depth among `cell`'s privileges; `None` where the role holds none of them.
pub fn deepest(cell: &[&Held]) -> Option<Depth> {
    cell.iter().filter_map(|h| h.depth).max()
}

/// Whether any privilege of `cell` is one the role lacks.
pub fn cell_lacks(cell: &[&Held]) -> bool {
    cell.iter().any(|h| h.lacks())
}

/// The columns of the long form (the `Privileges` sheet, CSV, JSON), in order; `desired`
/// follows them when a desired role is compared.
pub const LONG_COLUMNS: [&str; 6] = ["role", "privilege", "table", "access right", "depth", "tab"];

/// The column of the desired depth in the long form, when a desired role is compared.
pub const DESIRED_COLUMN: &str = "desired";

/// Where a format writes: standard output or a file, named for messages.
pub struct Destination<'w> {
    writer: Box<dyn Write + Send + 'w>,
    label: PathBuf,
}

impl<'w> Destination<'w> {
    /// Writes into `writer`, called `label` in messages (a path, or `standard output`).
    pub fn new(writer: Box<dyn Write + Send + 'w>, label: impl Into<PathBuf>) -> Destination<'w> {
        Destination {
            writer,
            label: label.into(),
        }
    }

    /// Writes all of `bytes`.
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        match self.writer.write_all(bytes) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.error(e)),
        }
    }

    /// Flushes what is buffered.
    pub fn flush(&mut self) -> Result<()> {
        match self.writer.flush() {
            Ok(()) => Ok(()),
            Err(e) => Err(self.error(e)),
        }
    }

    /// The error for a failed write (a closed pipe among them, which ends quietly).
    pub fn error(&self, source: std::io::Error) -> Error {
        Error::Write {
            target: self.label.display().to_string(),
            source,
        }
    }

    /// The writer itself, for a library that writes on its own.
    pub fn writer(&mut self) -> &mut (dyn Write + Send + 'w) {
        &mut *self.writer
    }
}

/// One output format: receives each role as it closes, then finishes the document.
pub trait Render {
    /// Renders one role.
    fn role(&mut self, role: &RoleMatrix) -> Result<()>;

    /// Ends the document.
    fn finish(&mut self) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn privilege_names_split_into_access_right_and_table() {
        assert_eq!(
            AccessRight::split("prvAppendToAccount"),
            Some((AccessRight::AppendTo, "Account"))
        );
        assert_eq!(
            AccessRight::split("prvAppendAccount"),
            Some((AccessRight::Append, "Account"))
        );
        assert_eq!(
            AccessRight::split("prvReadnew_project"),
            Some((AccessRight::Read, "new_project"))
        );
        assert_eq!(AccessRight::split("prvSyncToOutlook"), None);
        assert_eq!(AccessRight::split("prvRead"), None);
        assert_eq!(AccessRight::split("ReadAccount"), None);
    }

    #[test]
    fn catalogues_name_tables_and_tabs_and_the_rest_is_guessed() {
        let names = Names::new(&Catalogue::all_builtin().unwrap());
        let mailbox = names.place("prvReadMailbox");
        assert_eq!(mailbox.table.as_deref(), Some("mailbox"));
        assert_eq!(mailbox.display, "Mailbox");
        assert_eq!(mailbox.access, Some(AccessRight::Read));
        assert_eq!(mailbox.tab, "Business Management");
        assert!(mailbox.allowed.is_some());
        // Not in a catalogue, but its table is: it joins the table's row and tab.
        let create = names.place("prvCreateMailbox");
        assert_eq!(
            (create.table.as_deref(), create.tab.as_str()),
            (Some("mailbox"), "Business Management")
        );
        assert_eq!(create.allowed, None);
        // The catalogue's table is activitypointer; prvCreateActivity goes there too.
        assert_eq!(
            names.place("prvCreateActivity").table.as_deref(),
            Some("activitypointer")
        );
        let custom = names.place("prvReadnew_project");
        assert_eq!(
            (
                custom.table.as_deref(),
                custom.display.as_str(),
                custom.tab.as_str()
            ),
            (Some("new_project"), "new_project", CUSTOM_TAB)
        );
        let other = names.place("prvAddressBook");
        assert_eq!((other.table, other.tab.as_str()), (None, OTHER_TAB));
        let sync = names.place("prvSyncToOutlook");
        assert_eq!(sync.table, None);
        assert_eq!(sync.tab_name(), "Business Management");
        assert_eq!(sync.section(), Some("Privacy-related privileges"));
    }

    fn held(names: &Names, privilege: &str, depth: Option<Depth>, desired: Option<Depth>) -> Held {
        Held {
            privilege: privilege.to_string(),
            depth,
            desired,
            place: names.place(privilege),
        }
    }

    #[test]
    fn tabs_follow_the_role_editor_and_rows_sort_by_name() {
        let names = Names::new(&Catalogue::all_builtin().unwrap());
        let role = RoleMatrix {
            input: "i".into(),
            file: "f".into(),
            name: "R".into(),
            id: None,
            isinherited: Some("1".into()),
            privileges: vec![
                held(&names, "prvReadnew_b", Some(Depth::Basic), None),
                held(&names, "prvReadnew_a", Some(Depth::Global), None),
                held(&names, "prvAddressBook", Some(Depth::Global), None),
                held(
                    &names,
                    "prvWriteMailbox",
                    Some(Depth::Basic),
                    Some(Depth::Local),
                ),
                held(&names, "prvReadContact", Some(Depth::Deep), None),
                held(&names, "prvReadMailbox", None, Some(Depth::Basic)),
            ],
        };
        let tabs = role.tabs();
        let order: Vec<&str> = tabs.iter().map(|t| t.name).collect();
        assert_eq!(
            order,
            ["Core Records", "Business Management", CUSTOM_TAB, OTHER_TAB]
        );
        let custom: Vec<&str> = tabs[2].tables.iter().map(|r| r.table).collect();
        assert_eq!(custom, ["new_a", "new_b"]);
        let mailbox = &tabs[1].tables[0];
        assert_eq!(deepest(&mailbox.cells[AccessRight::Read.index()]), None);
        assert!(cell_lacks(&mailbox.cells[AccessRight::Read.index()]));
        assert_eq!(
            deepest(&mailbox.cells[AccessRight::Write.index()]),
            Some(Depth::Basic)
        );
        let c = role.counts();
        assert_eq!(
            (c.held, c.missing, c.too_shallow, c.tables, c.untabled),
            (5, 1, 1, 4, 1)
        );
        assert_eq!(c.by_depth, [2, 0, 1, 2]);
        assert_eq!(role.inheritance(), Inheritance::Direct);
        assert_eq!(
            role.privileges[3].title(),
            "prvWriteMailbox: Basic; desired: Local"
        );
        assert_eq!(role.privileges[4].title(), "prvReadContact: Deep");
    }
}
