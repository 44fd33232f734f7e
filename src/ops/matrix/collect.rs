//! Gathers each role of an input as it streams out of its file, and hands it whole to a
//! [`Render`] as soon as it closes; the next role reuses the buffers.

use std::collections::HashMap;

use super::{Held, Names, Render, RoleMatrix};
use crate::error::{Error, Result};
use crate::model::depth::Depth;
use crate::model::role::Role;
use crate::ops::selection::Streamed;
use crate::package::input::Input;
use crate::part::roles::{RoleSink, RolesFile};
use crate::xml::walk::XmlProblem;

/// The desired role, by lowercased privilege name, in its own order.
struct Desired {
    order: Vec<(String, Depth)>,
    index: HashMap<String, usize>,
}

/// Streams roles into a [`Render`]: one input after another, each role once it closes.
pub struct Collector<'a> {
    names: &'a Names,
    /// Which roles `--role` lets through.
    selection: Streamed<'a>,
    desired: Option<Desired>,
    render: &'a mut dyn Render,
    input: String,
    file: String,
    /// The open role, unless the selectors leave it out.
    current: Option<RoleMatrix>,
    /// Lowercased privilege name to its index in `current.privileges`.
    seen: HashMap<String, usize>,
    /// Roles met in the current input.
    roles_here: usize,
    /// Roles rendered.
    rendered: usize,
    /// What stopped rendering, where it was the output rather than the input.
    failure: Option<Error>,
}

impl<'a> Collector<'a> {
    /// Roles chosen by `selectors` (name or id; every role where there are none) go to
    /// `render`; with `desired`, each is compared with it.
    pub fn new(
        names: &'a Names,
        selectors: &'a [String],
        desired: Option<&Role>,
        render: &'a mut dyn Render,
    ) -> Collector<'a> {
        let desired = desired.map(|role| {
            let order: Vec<(String, Depth)> = role
                .privileges
                .iter()
                .map(|p| (p.name.clone(), p.depth))
                .collect();
            let index = order
                .iter()
                .enumerate()
                .map(|(i, (n, _))| (n.to_ascii_lowercase(), i))
                .collect();
            Desired { order, index }
        });
        Collector {
            names,
            selection: Streamed::new(selectors),
            desired,
            render,
            input: String::new(),
            file: String::new(),
            current: None,
            seen: HashMap::new(),
            roles_here: 0,
            rendered: 0,
            failure: None,
        }
    }

    /// Streams every role of `input`, named `label` on the command line. Returns how many
    /// roles it holds (chosen or not).
    pub fn read(&mut self, label: &str, input: &mut Input) -> Result<usize> {
        self.input = label.to_string();
        self.roles_here = 0;
        let result = input.stream_roles(self);
        if let Some(e) = self.failure.take() {
            return Err(e);
        }
        result?;
        Ok(self.roles_here)
    }

    /// Renders one role that was not read from a file (the role `generate` would build).
    pub fn render_role(&mut self, role: RoleMatrix) -> Result<()> {
        self.rendered += 1;
        self.render.role(&role)
    }

    /// How many roles were rendered.
    pub fn rendered(&self) -> usize {
        self.rendered
    }

    /// Checks that every selector matched a role.
    pub fn check_selectors(&self) -> Result<()> {
        self.selection.ensure_matched()
    }
}

impl RoleSink for Collector<'_> {
    fn file(&mut self, location: &str) {
        self.file.clear();
        self.file.push_str(location);
    }

    fn role(
        &mut self,
        id: Option<&str>,
        name: Option<&str>,
        inherited: Option<&str>,
        _offset: u64,
        _file: RolesFile,
    ) -> Result<(), XmlProblem> {
        self.roles_here += 1;
        let name = name.filter(|n| !n.trim().is_empty()).unwrap_or("(unnamed)");
        if !self.selection.admits(id, name) {
            self.current = None;
            return Ok(());
        }
        let mut privileges = self
            .current
            .take()
            .map(|r| r.privileges)
            .unwrap_or_default();
        privileges.clear();
        self.seen.clear();
        self.current = Some(RoleMatrix {
            input: self.input.clone(),
            file: self.file.clone(),
            name: name.to_string(),
            id: id.map(str::to_string),
            isinherited: inherited.map(str::to_string),
            privileges,
        });
        Ok(())
    }

    fn privilege(
        &mut self,
        name: Option<&str>,
        level: Option<&str>,
        offset: u64,
    ) -> Result<(), XmlProblem> {
        let Some(role) = &mut self.current else {
            return Ok(());
        };
        let Some(pname) = name.filter(|n| !n.is_empty()) else {
            return Ok(());
        };
        let level = level.unwrap_or("");
        let depth = Depth::from_xml(level).ok_or_else(|| {
            XmlProblem::at(
                offset,
                format!(
                    "role '{}': {pname} has level {level:?}, which is not Basic, Local, Deep or Global; run dvrole validate on it",
                    role.name
                ),
            )
        })?;
        let key = pname.to_ascii_lowercase();
        if let Some(held) = self
            .seen
            .get(&key)
            .and_then(|&i| role.privileges.get_mut(i))
        {
            held.depth = held.depth.max(Some(depth));
            return Ok(());
        }
        let desired = self
            .desired
            .as_ref()
            .and_then(|d| d.index.get(&key).and_then(|&i| d.order.get(i)))
            .map(|(_, depth)| *depth);
        self.seen.insert(key, role.privileges.len());
        role.privileges.push(Held {
            privilege: pname.to_string(),
            depth: Some(depth),
            desired,
            place: self.names.place(pname),
        });
        Ok(())
    }

    fn end_role(&mut self) -> Result<(), XmlProblem> {
        let Some(role) = &mut self.current else {
            return Ok(());
        };
        if let Some(desired) = &self.desired {
            for (name, depth) in &desired.order {
                if !self.seen.contains_key(&name.to_ascii_lowercase()) {
                    role.privileges.push(Held {
                        privilege: name.clone(),
                        depth: None,
                        desired: Some(*depth),
                        place: self.names.place(name),
                    });
                }
            }
        }
        self.rendered += 1;
        if let Err(e) = self.render.role(role) {
            // The output failed, not the input: keep the error to return it as it is, and
            // stop the walk.
            self.failure = Some(e);
            return Err(XmlProblem::at(0, "output failed"));
        }
        Ok(())
    }
}
