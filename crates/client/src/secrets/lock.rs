//! The token store's lock: one writer at a time, across processes.

use std::fs::File;
#[cfg(not(unix))]
use std::fs::OpenOptions;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::StoreError;

/// How long a write waits for another process's write to finish. A write
/// holds the lock for milliseconds (longer only while a keyring asks).
pub(super) const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(10);

/// Held while it lives; dropping it (or the process ending) releases it.
pub(super) struct StoreLock {
    _file: File,
    #[cfg(not(unix))]
    path: PathBuf,
}

/// `tokens.toml` -> `tokens.toml.lock`, beside it.
pub(super) fn lock_path(store: &Path) -> PathBuf {
    let mut name = store.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl StoreLock {
    pub(super) fn acquire(store: &Path) -> Result<StoreLock, StoreError> {
        let path = lock_path(store);
        let io_error = |source| StoreError::Write {
            path: path.clone(),
            source,
        };
        if let Some(dir) = path.parent() {
            crate::fsutil::create_private_dir(dir).map_err(io_error)?;
        }
        let deadline = Instant::now() + WAIT;
        loop {
            match try_lock(&path).map_err(io_error)? {
                Some(lock) => return Ok(lock),
                None if Instant::now() < deadline => std::thread::sleep(POLL),
                None => return Err(StoreError::Locked { path }),
            }
        }
    }
}

/// An advisory `flock` on the lock file: the kernel releases it when the
/// process dies, so a crash never leaves the store locked.
#[cfg(unix)]
fn try_lock(path: &Path) -> io::Result<Option<StoreLock>> {
    Ok(crate::fsutil::try_lock_exclusive(path)?.map(|file| StoreLock { _file: file }))
}

/// Elsewhere: the lock is the file's existence, removed when dropped.
#[cfg(not(unix))]
fn try_lock(path: &Path) -> io::Result<Option<StoreLock>> {
    match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(file) => Ok(Some(StoreLock {
            _file: file,
            path: path.to_owned(),
        })),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
impl Drop for StoreLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("tokens.toml");
        let first = StoreLock::acquire(&store).unwrap();
        assert!(try_lock(&lock_path(&store)).unwrap().is_none());
        drop(first);
        assert!(try_lock(&lock_path(&store)).unwrap().is_some());
    }
}
