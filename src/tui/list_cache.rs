//! The last portal list of each organization, kept in the cache dir so
//! the app draws names at once on launch and refreshes them meanwhile.
//! Portals carry no token (`Portal` has none: a new portal's token lives
//! only in `CreatedPortal` and the token store), and the file is 0600.

use std::path::{Path, PathBuf};

use crate::buildkite::Portal;
use crate::fsutil::write_private_file;

fn path(cache_dir: &Path, org: &str) -> PathBuf {
    let safe: String = org
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    cache_dir.join("portal-lists").join(format!("{safe}.json"))
}

/// The list last seen for `org`; none when there is none or it is unreadable
/// (a fresh listing follows anyway).
pub fn load(cache_dir: &Path, org: &str) -> Vec<Portal> {
    std::fs::read(path(cache_dir, org))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

pub fn save(cache_dir: &Path, org: &str, portals: &[Portal]) -> std::io::Result<()> {
    let json = serde_json::to_vec(portals).map_err(std::io::Error::other)?;
    write_private_file(&path(cache_dir, org), &json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_comes_back_and_a_broken_file_is_no_list() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let portal: Portal = serde_json::from_value(serde_json::json!({
            "uuid": "u", "slug": "web", "organization_uuid": "o", "name": "Web",
            "query": "{ viewer { user { name } } }", "created_at": "2024-08-26T03:22:45.555Z"
        }))
        .expect("a portal");
        save(dir.path(), "demo", std::slice::from_ref(&portal)).expect("saved");
        assert_eq!(load(dir.path(), "demo"), [portal]);
        assert!(load(dir.path(), "other").is_empty());
        std::fs::write(path(dir.path(), "demo"), "{").expect("broken");
        assert!(load(dir.path(), "demo").is_empty());
    }
}
