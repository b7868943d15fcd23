//! Waits for another running bkportals to start editing a portal of an
//! organization: inotify on the org's claims dir, where a claim writes its
//! process number into the portal's lock file once the lock is taken. The
//! wait is a blocking read, so it costs nothing while nobody claims.
//!
//! Only the file a write names is looked at, and only after that write: its
//! lock is held then, so looking (a `flock` try) cannot take it from the
//! process claiming it.

use std::io;
use std::path::PathBuf;

use super::claim::{self, Claim};
use super::{file_safe, DraftStore, NEW_PORTAL};

/// A portal another running bkportals began editing: its slug (or the new
/// portal's key) and that process's number, when it could be read.
pub type ClaimedElsewhere = (String, Option<u32>);

/// The org's claims dir, watched (Linux; elsewhere `DraftStore::watch_claims`
/// says it is not supported).
pub struct ClaimsWatch {
    dir: PathBuf,
    #[cfg(target_os = "linux")]
    inotify: std::os::fd::OwnedFd,
}

impl DraftStore {
    /// Starts watching for portals of `org` that another bkportals claims
    /// from now on (those claimed already are in `load_all`'s `elsewhere`).
    pub fn watch_claims(&self, org: &str) -> io::Result<ClaimsWatch> {
        let dir = claim::claims_dir(&self.dir, &file_safe(org));
        crate::fsutil::create_private_dir(&dir)?;
        ClaimsWatch::on(dir)
    }
}

impl ClaimsWatch {
    #[cfg(target_os = "linux")]
    fn on(dir: PathBuf) -> io::Result<ClaimsWatch> {
        use std::os::fd::{FromRawFd, OwnedFd};
        use std::os::unix::ffi::OsStrExt;
        let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).map_err(io::Error::other)?;
        // SAFETY: no pointers; the descriptor returned is owned below.
        let fd = unsafe { libc::inotify_init1(libc::IN_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` is a new descriptor no one else owns.
        let inotify = unsafe { OwnedFd::from_raw_fd(fd) };
        // SAFETY: `path` is a NUL-terminated string that outlives the call.
        let watch = unsafe { libc::inotify_add_watch(fd, path.as_ptr(), libc::IN_MODIFY) };
        if watch < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(ClaimsWatch { dir, inotify })
    }

    #[cfg(not(target_os = "linux"))]
    fn on(_dir: PathBuf) -> io::Result<ClaimsWatch> {
        Err(io::ErrorKind::Unsupported.into())
    }

    /// Blocks until another process claims a portal, and returns what it
    /// claimed (each once per wake-up, never this process's own claims).
    #[cfg(target_os = "linux")]
    pub fn wait_for_claims(&mut self) -> io::Result<Vec<ClaimedElsewhere>> {
        use std::os::fd::AsRawFd;
        let mut events = [0u8; 4096];
        loop {
            // SAFETY: reads at most `events.len()` bytes into `events`.
            let read = unsafe {
                libc::read(
                    self.inotify.as_raw_fd(),
                    events.as_mut_ptr().cast(),
                    events.len(),
                )
            };
            if read < 0 {
                let error = io::Error::last_os_error();
                if error.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(error);
            }
            let names = written_files(&events[..read as usize]);
            let claimed: Vec<ClaimedElsewhere> =
                names.into_iter().filter_map(|n| self.claimed(&n)).collect();
            if !claimed.is_empty() {
                return Ok(claimed);
            }
        }
    }

    #[cfg(not(target_os = "linux"))]
    pub fn wait_for_claims(&mut self) -> io::Result<Vec<ClaimedElsewhere>> {
        Err(io::ErrorKind::Unsupported.into())
    }

    /// The portal whose lock file `name` was written, when another process
    /// holds it now.
    fn claimed(&self, name: &str) -> Option<ClaimedElsewhere> {
        let file = name.strip_suffix(".lock")?;
        let slug = if file == file_safe(NEW_PORTAL) {
            NEW_PORTAL
        } else {
            file
        };
        match claim::held_elsewhere(&self.dir.join(name))? {
            // This process's own claim, looked at before it noted it as held.
            Claim::Elsewhere(Some(pid)) if pid == std::process::id() => None,
            Claim::Elsewhere(Some(pid)) => Some((slug.to_owned(), Some(pid))),
            // Emptied, its process number not written yet: the write that
            // follows is heard of too, and names it.
            Claim::Elsewhere(None) | Claim::Ours => None,
        }
    }
}

/// The names of the files written in a buffer of inotify events, each once.
#[cfg(target_os = "linux")]
fn written_files(mut events: &[u8]) -> Vec<String> {
    const HEADER: usize = std::mem::size_of::<libc::inotify_event>();
    let mut names: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    while events.len() >= HEADER {
        // The name's length is the header's last field (after wd, mask, cookie).
        let length = u32::from_ne_bytes([events[12], events[13], events[14], events[15]]) as usize;
        let Some(name) = events.get(HEADER..HEADER + length) else {
            break;
        };
        let name = name.split(|&b| b == 0).next().unwrap_or_default();
        if let Ok(name) = std::str::from_utf8(name) {
            if !name.is_empty() && seen.insert(name.to_owned()) {
                names.push(name.to_owned());
            }
        }
        events = &events[HEADER + length..];
    }
    names
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_portal_another_process_claims_is_heard_of_and_a_claim_here_is_not() {
        let home = tempfile::tempdir().unwrap();
        let store = DraftStore::new(home.path());
        let mut watch = store.watch_claims("acme").unwrap();
        let other = std::thread::spawn({
            let dir = claim::claims_dir(&home.path().join("drafts"), "acme");
            let store = store.clone();
            move || {
                // Ours first: it writes its process number too, and is not news.
                store.claim("acme", "mine").unwrap();
                std::thread::sleep(std::time::Duration::from_millis(50));
                let held = claim::lock_as(&dir.join("deploy-web.lock"), 4242);
                std::thread::sleep(std::time::Duration::from_millis(200));
                drop(held);
            }
        });
        assert_eq!(
            watch.wait_for_claims().unwrap(),
            vec![("deploy-web".to_owned(), Some(4242))]
        );
        other.join().unwrap();
    }
}
