//! Which running bkportals a draft belongs to. A process that writes drafts
//! holds an advisory lock (`flock`) on `drafts/.owners/PID.lock` until its draft
//! writer ends; the kernel drops it when the process dies, however it dies.
//! A draft whose owner still holds its lock is that process's live edit, not
//! one left by an earlier session. (A reused pid cannot fool this: the lock
//! goes with the process, not the number.)

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The locks this process holds, one per drafts folder it writes to.
static HELD: Mutex<Vec<(PathBuf, File)>> = Mutex::new(Vec::new());

fn lock_path(drafts_dir: &Path, pid: u32) -> PathBuf {
    drafts_dir.join(".owners").join(format!("{pid}.lock"))
}

/// Makes this process the owner of what it writes under `drafts_dir`;
/// its pid, to record in each draft.
pub(super) fn hold(drafts_dir: &Path) -> io::Result<u32> {
    let pid = std::process::id();
    let path = lock_path(drafts_dir, pid);
    let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
    if held.iter().any(|(p, _)| *p == path) {
        return Ok(pid);
    }
    if let Some(dir) = path.parent() {
        crate::fsutil::create_private_dir(dir)?;
    }
    let file = try_lock(&path)?.ok_or_else(|| {
        io::Error::other(format!("{} is held by another process", path.display()))
    })?;
    held.push((path, file));
    Ok(pid)
}

/// This process writes no more drafts under `drafts_dir`: what it left is
/// an earlier session's from now on.
pub(super) fn release(drafts_dir: &Path) {
    let path = lock_path(drafts_dir, std::process::id());
    let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(at) = held.iter().position(|(p, _)| *p == path) {
        let (path, file) = held.remove(at);
        // The file first: whoever locks it next must not find it gone.
        let _ = std::fs::remove_file(&path);
        drop(file);
    }
}

/// Whether `pid`, another process than this one, is running and owns
/// drafts under `drafts_dir`.
pub(super) fn live_elsewhere(drafts_dir: &Path, pid: u32) -> bool {
    if pid == std::process::id() {
        return false; // an earlier process of the same number: it is gone
    }
    let path = lock_path(drafts_dir, pid);
    if !path.exists() {
        return false;
    }
    // Taken at once: nobody holds it. (Dropped again here.)
    matches!(try_lock(&path), Ok(None))
}

/// The lock on `path`, or `None` when another holder has it.
#[cfg(unix)]
pub(super) fn try_lock(path: &Path) -> io::Result<Option<File>> {
    crate::fsutil::try_lock_exclusive(path)
}

/// Elsewhere no lock is taken: every draft is offered, as before.
#[cfg(not(unix))]
pub(super) fn try_lock(path: &Path) -> io::Result<Option<File>> {
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map(Some)
}

#[cfg(all(test, unix))]
pub(super) fn lock_as(drafts_dir: &Path, pid: u32) -> File {
    let path = lock_path(drafts_dir, pid);
    crate::fsutil::create_private_dir(path.parent().unwrap()).unwrap();
    try_lock(&path).unwrap().expect("free")
}
