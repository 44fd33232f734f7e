//! Planned writes: every output of a command is declared first, checked, staged beside its
//! target, and only then swapped into place, so that a run that fails at any point leaves
//! every old output byte-identical.
//!
//! ```no_run
//! # fn main() -> dvrole::Result<()> {
//! let mut plan = dvrole::package::commit::WritePlan::new();
//! plan.file("out/Role_1_0_0_0.zip", b"zip bytes".to_vec());
//! plan.folder("src/Role", vec![("Other/Solution.xml".into(), b"<x/>".to_vec())], &["Other"]);
//! plan.commit()?; // checks every target, stages every one, then replaces them all
//! # Ok(()) }
//! ```
//!
//! The checks refuse a target that exists and is not what the plan replaces: a device node,
//! a FIFO, a socket or a symbolic link (a plain path is asked for instead), a folder where a
//! file goes, and a folder holding anything the writer does not own. Staging writes a
//! `.NAME.*.dvrole-tmp` file or folder in the target's own folder and flushes it to disk;
//! the swap is one `rename` (or, on Linux, one `renameat2(RENAME_EXCHANGE)` where a target
//! exists), undone for every earlier target when a later one fails.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The suffix of a file or folder being staged; one left by a killed run is removed by the
/// next run that writes the same target.
pub const TEMP_SUFFIX: &str = ".dvrole-tmp";

/// The suffix of an old folder moved aside while its replacement moves in (where the system
/// cannot swap two paths in one step).
pub const OLD_SUFFIX: &str = ".dvrole-old";

/// The path that stands for standard output in `-o`.
pub const STDOUT: &str = "-";

/// Whether `path` is `-`, which single-document commands write to standard output.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == STDOUT
}

/// One planned output.
#[derive(Debug, Clone)]
enum Item {
    File(Vec<u8>),
    Folder {
        files: Vec<(String, Vec<u8>)>,
        owned: &'static [&'static str],
    },
}

#[derive(Debug, Clone)]
struct Planned {
    path: PathBuf,
    item: Item,
}

/// Everything a command will write, committed all at once or not at all.
#[derive(Debug, Clone, Default)]
pub struct WritePlan {
    items: Vec<Planned>,
}

/// What a staged target replaces.
enum Swap {
    /// The target did not exist; undo removes it.
    Created,
    /// The target and the staged copy were exchanged; the staged path now holds the old one.
    Exchanged,
    /// The old target was renamed to this path first.
    MovedAside(PathBuf),
}

impl WritePlan {
    /// An empty plan.
    pub fn new() -> WritePlan {
        WritePlan::default()
    }

    /// Plans the file `path` to hold `bytes`, replacing a regular file there.
    pub fn file(&mut self, path: impl Into<PathBuf>, bytes: Vec<u8>) -> &mut WritePlan {
        self.items.push(Planned {
            path: path.into(),
            item: Item::File(bytes),
        });
        self
    }

    /// Plans the folder `path` to hold exactly `files` (paths relative to it, `/`
    /// separators), replacing a folder there only when every entry at its top is one of
    /// `owned` (the names the writer puts there, such as `Other` and `Roles`).
    pub fn folder(
        &mut self,
        path: impl Into<PathBuf>,
        files: Vec<(String, Vec<u8>)>,
        owned: &'static [&'static str],
    ) -> &mut WritePlan {
        self.items.push(Planned {
            path: path.into(),
            item: Item::Folder { files, owned },
        });
        self
    }

    /// The targets, in the order they are committed.
    pub fn targets(&self) -> impl Iterator<Item = &Path> {
        self.items.iter().map(|p| p.path.as_path())
    }

    /// Checks every target without writing anything; [`WritePlan::commit`] runs it first.
    pub fn check(&self) -> Result<()> {
        self.check_targets(true)
    }

    /// Checks what already stands at every target (a device, a FIFO, a socket, a symbolic
    /// link, a folder where a file goes, a folder dvrole does not own), but not the folders
    /// above them, which a caller may still create: lets a command refuse a target before it
    /// says anything else about it.
    pub fn check_existing(&self) -> Result<()> {
        self.check_targets(false)
    }

    fn check_targets(&self, parents: bool) -> Result<()> {
        for (i, planned) in self.items.iter().enumerate() {
            let path = &planned.path;
            if self.items[..i].iter().any(|p| p.path == *path) {
                return Err(Error::Internal(format!(
                    "{} is planned twice",
                    path.display()
                )));
            }
            match &planned.item {
                Item::File(_) => check_file_target(path, parents)?,
                Item::Folder { files, owned } => {
                    check_folder_target(path, owned, parents)?;
                    for (name, _) in files {
                        if !relative_name_is_plain(name) {
                            return Err(Error::Internal(format!(
                                "{}: planned file name '{name}' is not a plain relative path",
                                path.display()
                            )));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Checks, stages and swaps in every target. On any failure every target is as it was
    /// before the call and no staged file or folder is left.
    pub fn commit(self) -> Result<()> {
        self.check()?;
        let mut staged: Vec<PathBuf> = Vec::with_capacity(self.items.len());
        for planned in &self.items {
            match stage(planned) {
                Ok(p) => staged.push(p),
                Err(e) => {
                    staged.iter().for_each(|p| remove_any(p));
                    return Err(e);
                }
            }
        }
        let mut done: Vec<(usize, Swap)> = Vec::with_capacity(staged.len());
        for (i, planned) in self.items.iter().enumerate() {
            match swap_in(&staged[i], &planned.path) {
                Ok(swap) => done.push((i, swap)),
                Err(e) => {
                    for (j, swap) in done.into_iter().rev() {
                        undo(&staged[j], &self.items[j].path, swap);
                    }
                    staged.iter().for_each(|p| remove_any(p));
                    return Err(Error::io(&planned.path, e));
                }
            }
        }
        for (i, swap) in done {
            match swap {
                Swap::Created => {}
                Swap::Exchanged => remove_any(&staged[i]),
                Swap::MovedAside(old) => remove_any(&old),
            }
            if let Some(dir) = self.items[i].path.parent() {
                sync_dir(dir);
            }
        }
        Ok(())
    }
}

/// Writes `bytes` to the file `path` atomically: a one-file [`WritePlan`].
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut plan = WritePlan::new();
    plan.file(path, bytes.to_vec());
    plan.commit()
}

/// What kind of thing that is not a regular file or folder `meta` describes, as a noun.
pub fn special_kind(meta: &fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_symlink() {
        return Some("a symbolic link");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
    }
    if t.is_file() || t.is_dir() {
        None
    } else {
        Some("not a regular file")
    }
}

fn output_error(path: &Path, message: impl Into<String>) -> Error {
    Error::Output {
        path: path.display().to_string(),
        message: message.into(),
    }
}

/// The target's metadata, without following a symbolic link; `None` where nothing is there.
fn existing(path: &Path) -> Result<Option<fs::Metadata>> {
    match fs::symlink_metadata(path) {
        Ok(m) => Ok(Some(m)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn refuse_special(path: &Path, meta: &fs::Metadata, plain: &str) -> Result<()> {
    match special_kind(meta) {
        Some(kind) => Err(output_error(
            path,
            format!(
                "is {kind}; dvrole replaces only a plain {plain}, so give a plain path (or remove it first)"
            ),
        )),
        None => Ok(()),
    }
}

fn check_file_target(path: &Path, parents: bool) -> Result<()> {
    if parents {
        target_folder(path)?;
    }
    if let Some(meta) = existing(path).or_else(|e| if parents { Err(e) } else { Ok(None) })? {
        refuse_special(path, &meta, "file")?;
        if meta.is_dir() {
            return Err(output_error(
                path,
                "is a folder; name a file to write, e.g. -o out/Role_1_0_0_0.zip",
            ));
        }
    }
    Ok(())
}

fn check_folder_target(path: &Path, owned: &[&str], parents: bool) -> Result<()> {
    if parents {
        split_target(path)?;
    }
    let Some(meta) = existing(path).or_else(|e| if parents { Err(e) } else { Ok(None) })? else {
        return Ok(());
    };
    refuse_special(path, &meta, "folder")?;
    if !meta.is_dir() {
        return Err(output_error(
            path,
            "exists and is not a folder; remove it or name another folder with -o",
        ));
    }
    let entries = fs::read_dir(path).map_err(|e| Error::io(path, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(path, e))?;
        let name = entry.file_name();
        let known = name.to_str().is_some_and(|n| owned.contains(&n));
        let shown = crate::text::short(&name.to_string_lossy());
        if !known {
            return Err(output_error(
                path,
                format!(
                    "holds {shown}, which dvrole does not write, so it will not replace the folder; name an empty folder or one dvrole wrote"
                ),
            ));
        }
        let meta = fs::symlink_metadata(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        if let Some(kind) = special_kind(&meta) {
            return Err(output_error(
                path,
                format!("holds {shown}, which is {kind}, so it will not replace the folder; remove it first"),
            ));
        }
    }
    Ok(())
}

/// Whether `name` is a relative path of plain components (no `..`, no root, no empty part).
fn relative_name_is_plain(name: &str) -> bool {
    !name.is_empty()
        && !name.contains('\\')
        && !name.contains('\0')
        && name
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

/// The folder `path` goes in: its parent, or `.` for a bare name. It must exist.
pub fn target_folder(path: &Path) -> Result<PathBuf> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        let what = if dir.exists() {
            "is a file, not a folder"
        } else {
            "does not exist; create it first"
        };
        return Err(output_error(path, format!("{} {what}", dir.display())));
    }
    Ok(dir)
}

/// The folder beside `path` that staging goes in, and `path`'s file name.
fn split_target(path: &Path) -> Result<(PathBuf, String)> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| *n != "." && *n != "..")
        .ok_or_else(|| {
            output_error(
                path,
                "name a folder to write, e.g. -o solution/ServerSideSyncRole",
            )
        })?
        .to_string();
    Ok((target_folder(path)?, name))
}

fn scratch_error(path: &Path, dir: &Path, what: &str, e: &io::Error) -> Error {
    output_error(
        path,
        format!(
            "cannot create a {what} in {} ({}); check the folder is writable",
            dir.display(),
            io::Error::from(e.kind())
        ),
    )
}

/// Removes staging files and folders a killed run left beside the target `name` in `dir`.
pub fn remove_stale(dir: &Path, name: &str) {
    let prefix = staging_prefix(name);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(n) = file_name.to_str() else {
            continue;
        };
        if n.starts_with(&prefix) && (n.ends_with(TEMP_SUFFIX) || n.ends_with(OLD_SUFFIX)) {
            // Best effort: what cannot be removed stays for the user to see.
            remove_any(&entry.path());
        }
    }
}

/// The start of a staging name for the target `name`: `.NAME.`, or for a name too long to
/// take the extra bytes within a file system's 255, a cut of it and a hash of the whole.
fn staging_prefix(name: &str) -> String {
    const KEEP: usize = 120;
    if name.len() <= 200 {
        return format!(".{name}.");
    }
    let mut end = KEEP;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!(".{}~{hash:016x}.", &name[..end])
}

fn remove_any(path: &Path) {
    let _ = match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(_) => Ok(()),
    };
}

fn sync_dir(dir: &Path) {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

fn file_name_lossy(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes the staged copy of `planned` beside its target; returns its path.
fn stage(planned: &Planned) -> Result<PathBuf> {
    let path = &planned.path;
    let dir = target_folder(path)?;
    let name = file_name_lossy(path);
    remove_stale(&dir, &name);
    let prefix = staging_prefix(&name);
    match &planned.item {
        Item::File(bytes) => {
            let mut builder = tempfile::Builder::new();
            builder.prefix(&prefix).suffix(TEMP_SUFFIX);
            // Like any new file, subject to the umask (tempfile's own default is owner-only).
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                builder.permissions(fs::Permissions::from_mode(0o666));
            }
            let mut temp = builder
                .tempfile_in(&dir)
                .map_err(|e| scratch_error(path, &dir, "file", &e))?;
            temp.write_all(bytes).map_err(|e| Error::io(path, e))?;
            temp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
            let (_, kept) = temp.keep().map_err(|e| Error::io(path, e.error))?;
            Ok(kept)
        }
        Item::Folder { files, .. } => {
            let temp = tempfile::Builder::new()
                .prefix(&prefix)
                .suffix(TEMP_SUFFIX)
                .tempdir_in(&dir)
                .map_err(|e| scratch_error(path, &dir, "folder", &e))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                fs::set_permissions(temp.path(), fs::Permissions::from_mode(0o755))
                    .map_err(|e| Error::io(temp.path(), e))?;
            }
            for (rel, bytes) in files {
                let file_path = temp.path().join(rel);
                let shown = path.join(rel);
                if let Some(parent) = file_path.parent() {
                    fs::create_dir_all(parent).map_err(|e| Error::io(&shown, e))?;
                }
                let mut file = fs::File::create(&file_path).map_err(|e| Error::io(&shown, e))?;
                file.write_all(bytes).map_err(|e| Error::io(&shown, e))?;
                file.sync_all().map_err(|e| Error::io(&shown, e))?;
            }
            Ok(temp.keep())
        }
    }
}

/// Moves the staged copy to `target`.
fn swap_in(staged: &Path, target: &Path) -> io::Result<Swap> {
    if fs::symlink_metadata(target).is_err() {
        fs::rename(staged, target)?;
        return Ok(Swap::Created);
    }
    if exchange(staged, target).is_ok() {
        return Ok(Swap::Exchanged);
    }
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty());
    let aside = tempfile::Builder::new()
        .prefix(&staging_prefix(&file_name_lossy(target)))
        .suffix(OLD_SUFFIX)
        .make_in(dir.unwrap_or(Path::new(".")), |_| Ok(()))?
        .into_temp_path()
        .keep()
        .map_err(|e| e.error)?;
    fs::rename(target, &aside)?;
    if let Err(e) = fs::rename(staged, target) {
        let _ = fs::rename(&aside, target);
        return Err(e);
    }
    Ok(Swap::MovedAside(aside))
}

/// Puts `target` back as it was before [`swap_in`].
fn undo(staged: &Path, target: &Path, swap: Swap) {
    match swap {
        Swap::Created => remove_any(target),
        Swap::Exchanged => {
            let _ = exchange(staged, target);
        }
        Swap::MovedAside(old) => {
            remove_any(target);
            let _ = fs::rename(old, target);
        }
    }
}

/// Swaps two paths in one step (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call, and
    // renameat2 reads nothing else; the raw syscall avoids needing a recent C library.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Elsewhere there is no portable one-step swap; the caller falls back to two renames.
#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".dvrole-"))
            .collect()
    }

    #[test]
    fn a_plan_replaces_all_targets_or_none() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.zip");
        let b = dir.path().join("b.zip");
        fs::write(&a, b"old a").unwrap();
        fs::create_dir(&b).unwrap();
        let mut plan = WritePlan::new();
        plan.file(&a, b"new a".to_vec()).file(&b, b"new b".to_vec());
        let err = plan.commit().unwrap_err();
        assert!(err.to_string().contains("is a folder"), "{err}");
        assert_eq!(fs::read(&a).unwrap(), b"old a");
        assert!(leftovers(dir.path()).is_empty());

        fs::remove_dir(&b).unwrap();
        let mut plan = WritePlan::new();
        plan.file(&a, b"new a".to_vec()).file(&b, b"new b".to_vec());
        plan.commit().unwrap();
        assert_eq!(fs::read(&a).unwrap(), b"new a");
        assert_eq!(fs::read(&b).unwrap(), b"new b");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_failed_swap_undoes_the_earlier_ones() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.zip");
        fs::write(&a, b"old a").unwrap();
        let staged = dir.path().join(".a.zip.x.dvrole-tmp");
        fs::write(&staged, b"new a").unwrap();
        let swap = swap_in(&staged, &a).unwrap();
        assert_eq!(fs::read(&a).unwrap(), b"new a");
        undo(&staged, &a, swap);
        assert_eq!(fs::read(&a).unwrap(), b"old a");
    }

    #[test]
    fn special_targets_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link.zip");
        fs::write(dir.path().join("real"), b"real").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("real"), &link).unwrap();
        let err = write_file(&link, b"x").unwrap_err().to_string();
        assert!(err.contains("is a symbolic link"), "{err}");
        assert_eq!(fs::read(dir.path().join("real")).unwrap(), b"real");
        let err = write_file(Path::new("/dev/null"), b"x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("is a character device"), "{err}");
    }

    #[test]
    fn folders_are_replaced_only_when_owned() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let files = vec![("Other/Solution.xml".to_string(), b"one".to_vec())];
        let mut plan = WritePlan::new();
        plan.folder(&target, files.clone(), &["Other"]);
        plan.commit().unwrap();
        fs::write(target.join("mine.txt"), b"mine").unwrap();
        let mut plan = WritePlan::new();
        plan.folder(&target, files, &["Other"]);
        assert!(plan.commit().is_err());
        assert_eq!(fs::read(target.join("mine.txt")).unwrap(), b"mine");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_target_with_a_long_name_stages_within_the_file_name_limit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("漢".repeat(84));
        assert!(target.file_name().unwrap().len() == 252);
        write_file(&target, b"x").unwrap();
        write_file(&target, b"y").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"y");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn planned_names_must_be_plain() {
        for bad in ["../x", "/x", "a//b", "a\\b", "", "./x"] {
            assert!(!relative_name_is_plain(bad), "{bad}");
        }
        assert!(relative_name_is_plain("Roles/R.xml"));
    }
}
