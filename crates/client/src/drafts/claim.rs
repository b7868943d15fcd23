//! Which running bkportals edits a portal. Before it writes a portal's first
//! draft, a process takes an advisory lock (`flock`) on
//! `drafts/.owners/ORG/SLUG.lock` and keeps it until the draft is removed or
//! its draft writer ends; the kernel drops it when the process dies. Two
//! instances opened before either edited can then not both write one
//! portal's draft: the second is refused, whenever it starts.
//!
//! The lock files stay when released: removing one while another process
//! opens it would let two processes lock two different files of one name.

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The portals this process edits: lock path and the open, locked file.
static HELD: Mutex<Vec<(PathBuf, File)>> = Mutex::new(Vec::new());

/// Whether this process may write a portal's draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// This process edits it (now, or it already did).
    Ours,
    /// Another running bkportals edits it: its process number when it could
    /// be read.
    Elsewhere(Option<u32>),
}

pub(super) fn lock_path(drafts_dir: &Path, org_dir: &str, slug_file: &str) -> PathBuf {
    claims_dir(drafts_dir, org_dir).join(format!("{slug_file}.lock"))
}

/// Where the lock files of an organization's portals are.
pub(super) fn claims_dir(drafts_dir: &Path, org_dir: &str) -> PathBuf {
    drafts_dir.join(".owners").join(org_dir)
}

/// Claims the portal whose lock is `path` for this process.
pub(super) fn claim(path: &Path) -> io::Result<Claim> {
    let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
    if held.iter().any(|(p, _)| p == path) {
        return Ok(Claim::Ours);
    }
    if let Some(dir) = path.parent() {
        crate::fsutil::create_private_dir(dir)?;
    }
    match super::owner::try_lock(path)? {
        Some(mut file) => {
            // Says who holds it, for the other instance's message.
            file.set_len(0)?;
            file.rewind()?;
            file.write_all(std::process::id().to_string().as_bytes())?;
            held.push((path.to_owned(), file));
            Ok(Claim::Ours)
        }
        None => Ok(Claim::Elsewhere(holder(path))),
    }
}

/// Whether another process holds the lock at `path`, and which.
pub(super) fn held_elsewhere(path: &Path) -> Option<Claim> {
    let held = HELD.lock().unwrap_or_else(|e| e.into_inner());
    if held.iter().any(|(p, _)| p == path) || !path.exists() {
        return None;
    }
    drop(held);
    match super::owner::try_lock(path) {
        // Taken at once: nobody holds it. (Dropped again here.)
        Ok(Some(_)) | Err(_) => None,
        Ok(None) => Some(Claim::Elsewhere(holder(path))),
    }
}

/// Returns once no other process holds the claim at `path` (at once when
/// none does); meanwhile the calling thread sleeps.
pub(super) fn wait_free(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    return crate::fsutil::wait_until_unlocked(path);
    #[cfg(not(unix))]
    Ok(()) // no claims are taken there
}

/// This process no longer edits the portal of `path`.
pub(super) fn release(path: &Path) {
    let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
    held.retain(|(p, _)| p != path);
}

/// This process edits nothing more under `drafts_dir`.
pub(super) fn release_all(drafts_dir: &Path) {
    let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
    held.retain(|(p, _)| !p.starts_with(drafts_dir));
}

fn holder(path: &Path) -> Option<u32> {
    let mut text = String::new();
    File::open(path).ok()?.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// Holds the claim at `path` as another process `pid` would.
#[cfg(all(test, unix))]
pub(super) fn lock_as(path: &Path, pid: u32) -> File {
    crate::fsutil::create_private_dir(path.parent().unwrap()).unwrap();
    let mut file = super::owner::try_lock(path).unwrap().expect("free");
    file.write_all(pid.to_string().as_bytes()).unwrap();
    file
}
