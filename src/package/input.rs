//! What an input named on the command line is: a solution zip, a package folder, a
//! SolutionPackager source folder or a lone XML file, and the parts of it that hold roles.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::open::{self, Accept, ReadAt};
use crate::package::read::{open_error, read_up_to, Limits, PackageReader};
use crate::part::customizations::{PART_NAME as CUSTOMIZATIONS, SOURCE_CUSTOMIZATIONS};
use crate::part::role_file::SOURCE_ROLES;
use crate::part::roles::{stream_roles, stream_roles_beside, RoleSink, RolesFile};
use crate::part::solution::SOURCE_SOLUTION;
use crate::xml::ahead::SideWork;
use crate::xml::walk::XmlProblem;

/// The shapes of input dvrole reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputShape {
    /// A solution zip.
    Zip,
    /// A folder holding a packed solution's root files.
    PackageFolder,
    /// A SolutionPackager or `pac solution unpack` source folder: `Other/Solution.xml`,
    /// `Other/Customizations.xml` and `Roles/*.xml`.
    SourceFolder,
    /// A lone XML file: a customizations.xml or a role file.
    XmlFile,
}

/// An input named on the command line, with its shape recognised.
pub struct Input {
    shape: InputShape,
    reader: PackageReader,
    role_parts: Vec<String>,
}

impl Input {
    /// Opens `path` and recognises its shape: a folder with `Other/Solution.xml` is a
    /// source folder, any other folder a package folder; a file named `.zip` or that starts
    /// like a zip is a zip, any other file is read as XML.
    pub fn open(path: &Path, limits: Limits) -> Result<Input> {
        let label = path.display().to_string();
        // Opened once, without waiting: a device or a socket is refused here, a pipe is
        // copied once into an anonymous file that both the sniff and the parse read.
        let source = open::open(path, Accept::Streams).map_err(|e| match e {
            open::OpenError::NotFound => Error::Unreadable {
                input: label.clone(),
                message: "does not exist; give a solution zip, a folder or an XML file".to_string(),
            },
            other => open_error(&label, other),
        })?;
        if source.kind == open::SourceKind::Folder {
            let reader = PackageReader::open_folder(label, path.to_path_buf(), limits);
            if reader.has_file(SOURCE_SOLUTION) {
                let mut role_parts = Vec::new();
                if reader.has_file(SOURCE_CUSTOMIZATIONS) {
                    role_parts.push(SOURCE_CUSTOMIZATIONS.to_string());
                }
                role_parts.extend(role_files(&path.join(SOURCE_ROLES)));
                return Ok(Input {
                    shape: InputShape::SourceFolder,
                    reader,
                    role_parts,
                });
            }
            return Ok(Input {
                shape: InputShape::PackageFolder,
                reader,
                role_parts: vec![CUSTOMIZATIONS.to_string()],
            });
        }
        let file = Arc::new(
            source
                .into_seekable(limits.max_entry_bytes)
                .map_err(|e| open_error(&label, e))?,
        );
        let mut magic = [0u8; 4];
        let n = read_up_to(&mut ReadAt::new(file.clone()), &mut magic)
            .map_err(|e| Error::io(path, e))?;
        let named_zip = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
        if named_zip || magic.get(..n).is_some_and(|m| m.starts_with(b"PK")) {
            return Ok(Input {
                shape: InputShape::Zip,
                reader: PackageReader::zip_of_file(label, file, limits)?,
                role_parts: vec![CUSTOMIZATIONS.to_string()],
            });
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("input")
            .to_string();
        Ok(Input {
            shape: InputShape::XmlFile,
            reader: PackageReader::open_single(label, file, name.clone(), limits),
            role_parts: vec![name],
        })
    }

    /// The shape recognised.
    pub fn shape(&self) -> InputShape {
        self.shape
    }

    /// The reader over the input's files; their names are relative to the input.
    pub fn reader(&mut self) -> &mut PackageReader {
        &mut self.reader
    }

    /// The files that hold roles, in the order they are read: `customizations.xml` for a
    /// package; `Other/Customizations.xml` and then `Roles/*.xml` by name for a source folder;
    /// the file itself for a lone XML file.
    pub fn role_parts(&self) -> &[String] {
        &self.role_parts
    }

    /// Streams every role of the input into `sink`, telling it each file's location first.
    /// A file that cannot be read, or is not well-formed, is an error naming it (with the
    /// line and column for XML); so is a problem the sink returns.
    pub fn stream_roles(&mut self, sink: &mut impl RoleSink) -> Result<()> {
        self.each_part(sink, |source, sink| stream_roles(source, sink))
    }

    /// Like [`Input::stream_roles`], with `sink` fed on a second thread while this one reads
    /// and does `side`'s work ([`stream_roles_beside`]).
    pub fn stream_roles_beside(
        &mut self,
        sink: &mut (impl RoleSink + Send),
        side: &mut dyn SideWork,
    ) -> Result<()> {
        self.each_part(sink, |source, sink| stream_roles_beside(source, sink, side))
    }

    fn each_part<S: RoleSink>(
        &mut self,
        sink: &mut S,
        mut stream: impl FnMut(Box<dyn Read + Send + '_>, &mut S) -> Result<RolesFile, XmlProblem>,
    ) -> Result<()> {
        let parts = self.role_parts.clone();
        for part in &parts {
            sink.file(&self.reader.location(part));
            self.stream_part(part, sink, &mut stream)?;
        }
        Ok(())
    }

    fn stream_part<S: RoleSink>(
        &mut self,
        part: &str,
        sink: &mut S,
        stream: &mut impl FnMut(Box<dyn Read + Send + '_>, &mut S) -> Result<RolesFile, XmlProblem>,
    ) -> Result<()> {
        if matches!(self.shape, InputShape::Zip | InputShape::PackageFolder)
            && !self.reader.has_file(CUSTOMIZATIONS)
        {
            return Err(Error::Unreadable {
                input: self.reader.label().to_string(),
                message: "holds no customizations.xml at its root; give a solution zip, a folder holding its root files, a source folder with Other/Solution.xml, or an XML file".to_string(),
            });
        }
        let result = {
            let source = self.reader.open_entry(part)?;
            stream(source, sink)
        };
        match result {
            Ok(_) => Ok(()),
            Err(problem) => Err(self.reader.problem_error(part, problem)),
        }
    }
}

/// The `*.xml` files in a source folder's `Roles` folder, as `Roles/NAME`, sorted by name.
fn role_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| !e.path().is_dir())
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter(|n| n.to_ascii_lowercase().ends_with(".xml"))
                .map(|n| format!("{SOURCE_ROLES}/{n}"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
