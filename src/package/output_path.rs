//! Output paths as users write them: `-o out/role.zip` in a fresh folder, `-o out/` or
//! `-o EXISTING_FOLDER` for the default file name inside it, a Windows path typed on Linux.
//! Each is checked and resolved before anything is written; the folders a path needs are
//! created just before the write and removed again, with what was written in them, when the
//! write fails, so a failed run leaves nothing behind.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Refuses an output path that would not be what it looks like: `-` where the command
/// writes more than one document (standard output takes one: the commands that write one
/// take `-` before they get here), and a path holding `\`
/// where `\` is no folder separator: on Linux and macOS `C:\Temp\role.zip` would be one
/// file of that name in the working folder.
pub fn check_output_path(path: &Path) -> Result<()> {
    let text = path.to_string_lossy();
    if text == "-" {
        return Err(Error::Output {
            path: text.into_owned(),
            message: STDOUT_TAKES_ONE.into(),
        });
    }
    if cfg!(windows) || !text.contains('\\') {
        return Ok(());
    }
    Err(Error::Output {
        path: text.into_owned(),
        message: "holds '\\', which is no folder separator on this system, so this would be one file with backslashes in its name; write the path with '/'".into(),
    })
}

/// Why `-` is refused where more than one document would go to it.
pub const STDOUT_TAKES_ONE: &str = "is standard output, which takes one document: report, catalogue show, init and generate of one zip write there; name a file or folder here (./- for a file named -)";

/// Whether `path` names a folder to write into: it ends in a separator, or it is a folder.
pub fn names_folder(path: &Path) -> bool {
    let text = path.as_os_str().to_string_lossy();
    text.ends_with('/') || (cfg!(windows) && text.ends_with('\\')) || path.is_dir()
}

/// The file an output path names: `path` itself, or `default_name` inside it where it names
/// a folder (see [`names_folder`]). Checked with [`check_output_path`] first.
pub fn file_in(path: &Path, default_name: &str) -> Result<PathBuf> {
    check_output_path(path)?;
    Ok(if names_folder(path) {
        path.join(default_name)
    } else {
        path.to_path_buf()
    })
}

/// The folder `path` goes in, as written (`.` when it names none).
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// What stands where the folder of an output path should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parent {
    /// The folder is there.
    Exists,
    /// These folders are missing, outermost first; writing creates them.
    Missing(Vec<PathBuf>),
    /// This path, the folder or one above it, is not a folder, so nothing can be written.
    Blocked(PathBuf),
}

impl Parent {
    /// Looks at the folders above `path`, writing nothing.
    pub fn of(path: &Path) -> Parent {
        let mut missing = Vec::new();
        let mut dir = parent_of(path);
        loop {
            match fs::metadata(&dir) {
                Ok(m) if m.is_dir() => break,
                Ok(_) => return Parent::Blocked(dir),
                Err(_) => {
                    missing.push(dir.clone());
                    match dir.parent() {
                        Some(p) if !p.as_os_str().is_empty() => dir = p.to_path_buf(),
                        _ => break,
                    }
                }
            }
        }
        if missing.is_empty() {
            Parent::Exists
        } else {
            missing.reverse();
            Parent::Missing(missing)
        }
    }
}

/// The folders created for a write. Dropped before [`Created::keep`], it removes them and
/// everything in them: they are new, so all they hold is what this run wrote.
#[derive(Debug, Default)]
#[must_use = "dropping it removes the folders it created"]
pub struct Created {
    /// The outermost folders created, each holding the rest.
    roots: Vec<PathBuf>,
}

impl Created {
    /// Keeps the folders: the write succeeded.
    pub fn keep(mut self) {
        self.roots.clear();
    }
}

impl Drop for Created {
    fn drop(&mut self) {
        for root in self.roots.iter().rev() {
            // Best effort: what cannot be removed stays for the user to see.
            let _ = fs::remove_dir_all(root);
        }
    }
}

/// Creates the missing folders above each of `paths`, after checking that none is blocked by
/// a file; nothing is created when one is.
pub fn create_parents<'p>(paths: impl IntoIterator<Item = &'p Path>) -> Result<Created> {
    let mut wanted: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
    for path in paths {
        match Parent::of(path) {
            Parent::Exists => {}
            Parent::Missing(dirs) => wanted.push((path.to_path_buf(), dirs)),
            Parent::Blocked(file) => {
                return Err(Error::Output {
                    path: path.display().to_string(),
                    message: format!(
                        "{} is a file, not a folder; remove it or name another path",
                        file.display()
                    ),
                })
            }
        }
    }
    let mut created = Created::default();
    for (path, dirs) in wanted {
        for dir in &dirs {
            match fs::create_dir(dir) {
                Ok(()) => {
                    if !created.roots.iter().any(|r| dir.starts_with(r)) {
                        created.roots.push(dir.clone());
                    }
                }
                // Made for an earlier path of the same write.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => {}
                Err(e) => {
                    return Err(Error::Output {
                        path: path.display().to_string(),
                        message: format!("cannot create the folder {}: {e}", dir.display()),
                    })
                }
            }
        }
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_path_gets_the_default_name() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert_eq!(file_in(d, "x.zip").unwrap(), d.join("x.zip"));
        assert_eq!(
            file_in(Path::new("out/"), "x.zip").unwrap(),
            Path::new("out/x.zip")
        );
        assert_eq!(
            file_in(&d.join("new.zip"), "x.zip").unwrap(),
            d.join("new.zip")
        );
    }

    #[test]
    fn a_dash_is_refused_and_dot_slash_dash_is_a_file() {
        let err = file_in(Path::new("-"), "x.zip").unwrap_err();
        assert!(
            err.to_string()
                .contains("is standard output, which takes one document"),
            "{err}"
        );
        assert_eq!(
            file_in(Path::new("./-"), "x.zip").unwrap(),
            Path::new("./-")
        );
    }

    #[cfg(not(windows))]
    #[test]
    fn backslashes_are_refused_where_they_separate_nothing() {
        let err = file_in(Path::new("C:\\Temp\\role.zip"), "x.zip").unwrap_err();
        assert!(err.to_string().contains("no folder separator"), "{err}");
    }

    #[test]
    fn missing_parents_are_created_and_removed_unless_kept() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let target = d.join("a/b/c.zip");
        assert_eq!(
            Parent::of(&target),
            Parent::Missing(vec![d.join("a"), d.join("a/b")])
        );
        let created = create_parents([target.as_path(), d.join("a/d.zip").as_path()]).unwrap();
        fs::write(&target, b"x").unwrap();
        drop(created);
        assert!(!d.join("a").exists(), "removed with what was written in it");

        let created = create_parents([target.as_path()]).unwrap();
        created.keep();
        assert!(d.join("a/b").is_dir());
        assert_eq!(Parent::of(&target), Parent::Exists);
    }

    #[test]
    fn a_file_in_the_way_blocks_and_nothing_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("f"), b"x").unwrap();
        let target = d.join("f/sub/x.zip");
        assert_eq!(Parent::of(&target), Parent::Blocked(d.join("f")));
        let ok = d.join("new/x.zip");
        let err = create_parents([ok.as_path(), target.as_path()]).unwrap_err();
        assert!(err.to_string().contains("is a file"), "{err}");
        assert!(!d.join("new").exists());
    }
}
