//! The role the settings describe, for every command that needs it (`generate`, `report`,
//! `audit`, and any that compares a role with it): the catalogue selected, the target
//! environment's privilege table when one is given, and the role resolved against both.

use crate::error::Result;
use crate::model::catalogue::Catalogue;
use crate::model::environment::PrivilegeTable;
use crate::model::options::RoleOptions;
use crate::model::role::{self, Note, Role};
use crate::settings::catalogues;
use crate::settings::environment as environment_file;

/// The desired role and what it was built from.
#[derive(Debug, Clone)]
pub struct DesiredRole {
    /// The catalogue selected (the union of several, with `--allow` applied), before the
    /// environment's depths replace its own.
    pub catalogue: Catalogue,
    /// The environment's privilege table, when `--privileges` names one.
    pub table: Option<PrivilegeTable>,
    /// The role.
    pub role: Role,
    /// What the user should know about how the settings were applied.
    pub notes: Vec<Note>,
}

/// Reads the environment's privilege table the settings name (`--privileges`,
/// `environment.privileges`); `None` when they name none.
pub fn environment(options: &RoleOptions) -> Result<Option<PrivilegeTable>> {
    environment_file::load(&options.privileges)
}

/// Selects the catalogue the settings name. A catalogue file's entry that is a probable
/// misspelling of a known privilege is refused unless `table` holds it or `--accept` names
/// it.
pub fn select_catalogue(
    options: &RoleOptions,
    table: Option<&PrivilegeTable>,
) -> Result<Catalogue> {
    let is_real =
        |name: &str| role::accepted(options, name) || table.is_some_and(|t| t.get(name).is_some());
    catalogues::select_with(&options.catalogue, &options.allow, &is_real)
}

/// The role `generate` would build from `options`, given the table already read (see
/// [`environment`]). `publisher` is the publisher's unique name, from which the default
/// role id is derived.
pub fn desired_role_in(
    options: &RoleOptions,
    table: Option<PrivilegeTable>,
    publisher: &str,
) -> Result<DesiredRole> {
    let catalogue = select_catalogue(options, table.as_ref())?;
    let (role, notes) = role::resolve_in(&catalogue, table.as_ref(), options, publisher)?;
    Ok(DesiredRole {
        catalogue,
        table,
        role,
        notes,
    })
}

/// The role `generate` would build from `options`: reads the environment's table the
/// options name, selects the catalogue and resolves the role.
pub fn desired_role(options: &RoleOptions, publisher: &str) -> Result<DesiredRole> {
    desired_role_in(options, environment(options)?, publisher)
}
