//! The last known portal slugs of each organization, for shell completion.
//! Only slugs: never a token, a document or anything else a portal holds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// More slugs than this are not kept: completion lists are for people.
const MAX_SLUGS: usize = 10_000;

/// `portal-slugs.json` in the cache dir: organization -> slugs.
pub struct SlugCache {
    path: PathBuf,
}

impl SlugCache {
    pub fn new(cache_dir: &Path) -> SlugCache {
        SlugCache {
            path: cache_dir.join("portal-slugs.json"),
        }
    }

    /// The slugs last seen for `org`; none when the file is missing or damaged
    /// (it is only a convenience: the next `list` writes it again).
    pub fn slugs(&self, org: &str) -> Vec<String> {
        self.read().remove(org).unwrap_or_default()
    }

    /// Replaces what is known of `org` (other organizations are kept).
    pub fn remember(
        &self,
        org: &str,
        slugs: impl IntoIterator<Item = String>,
    ) -> std::io::Result<()> {
        let mut all = self.read();
        let mut slugs: Vec<String> = slugs.into_iter().take(MAX_SLUGS).collect();
        slugs.sort();
        slugs.dedup();
        if all.get(org) == Some(&slugs) {
            return Ok(());
        }
        all.insert(org.to_owned(), slugs);
        let text = serde_json::to_vec(&all).map_err(std::io::Error::other)?;
        crate::fsutil::write_private_file(&self.path, &text)
    }

    fn read(&self) -> BTreeMap<String, Vec<String>> {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_kept_per_organization_and_a_damaged_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let cache = SlugCache::new(dir.path());
        cache
            .remember("acme", ["b".to_owned(), "a".to_owned()])
            .unwrap();
        cache.remember("other", ["x".to_owned()]).unwrap();
        assert_eq!(cache.slugs("acme"), ["a", "b"]);
        assert_eq!(cache.slugs("other"), ["x"]);
        assert!(cache.slugs("nobody").is_empty());
        std::fs::write(dir.path().join("portal-slugs.json"), "{not json").unwrap();
        assert!(cache.slugs("acme").is_empty());
        cache.remember("acme", ["c".to_owned()]).unwrap();
        assert_eq!(cache.slugs("acme"), ["c"]);
    }
}
