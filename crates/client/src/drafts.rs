//! Unsaved edits on disk: one private JSON file per portal, written
//! atomically, so nothing typed is lost to a quit, a crash or a signal.
//! A damaged file is set aside (renamed `.corrupt`) and reported, never fatal.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::buildkite::Portal;
use crate::fsutil::write_private_file;

/// An unsaved edit of one portal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub org: String,
    pub slug: String,
    /// The server's version the edit started from.
    pub base: Portal,
    pub document: String,
    pub name: String,
    pub new_slug: String,
    pub description: String,
    pub allowed_ips: String,
    pub user_invokable: bool,
    pub saved_at: String,
}

/// The drafts folder of one data dir.
#[derive(Debug, Clone)]
pub struct DraftStore {
    dir: PathBuf,
}

impl DraftStore {
    pub fn new(data_dir: &Path) -> DraftStore {
        DraftStore {
            dir: data_dir.join("drafts"),
        }
    }

    fn path(&self, org: &str, slug: &str) -> PathBuf {
        self.dir
            .join(file_safe(org))
            .join(format!("{}.json", file_safe(slug)))
    }

    pub fn save(&self, draft: &Draft) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(draft).map_err(std::io::Error::other)?;
        write_private_file(&self.path(&draft.org, &draft.slug), &json)
    }

    pub fn remove(&self, org: &str, slug: &str) -> std::io::Result<()> {
        match std::fs::remove_file(self.path(org, slug)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The drafts of `org`, and a message for each file that could not be read
    /// (those are renamed `.corrupt` so they stop coming back).
    /// The data dir the drafts live in (others keep their files beside them).
    pub fn data_dir(&self) -> &Path {
        self.dir.parent().unwrap_or(&self.dir)
    }

    pub fn load(&self, org: &str) -> (Vec<Draft>, Vec<String>) {
        let dir = self.dir.join(file_safe(org));
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return (Vec::new(), Vec::new());
        };
        let mut drafts = Vec::new();
        let mut problems = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let parsed = std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|bytes| {
                    serde_json::from_slice::<Draft>(&bytes).map_err(|e| e.to_string())
                });
            match parsed {
                Ok(draft) => drafts.push(draft),
                Err(why) => {
                    let aside = path.with_extension("json.corrupt");
                    let _ = std::fs::rename(&path, &aside);
                    problems.push(format!(
                        "the draft {} could not be read ({why}); it was set aside as {}",
                        path.display(),
                        aside.display()
                    ));
                }
            }
        }
        drafts.sort_by(|a, b| a.slug.cmp(&b.slug));
        (drafts, problems)
    }

    /// Notes that a new portal's token dialog is open (the token itself is in
    /// the token store); `None` clears the note.
    pub fn mark_token_dialog(&self, org: &str, slug: Option<&str>) -> std::io::Result<()> {
        let path = self.dir.join(file_safe(org)).join("open-token-dialog");
        match slug {
            Some(slug) => write_private_file(&path, slug.as_bytes()),
            None => match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            },
        }
    }

    /// The portal whose token dialog was open when the app last stopped.
    pub fn open_token_dialog(&self, org: &str) -> Option<String> {
        let path = self.dir.join(file_safe(org)).join("open-token-dialog");
        std::fs::read_to_string(path).ok().filter(|s| !s.is_empty())
    }
}

/// Slugs are safe already; this keeps any other name inside its folder,
/// and never makes a hidden `.json` that `load` would skip.
fn file_safe(name: &str) -> String {
    if name.is_empty() {
        return "_".to_owned();
    }
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(slug: &str) -> Draft {
        Draft {
            org: "acme".into(),
            slug: slug.into(),
            base: serde_json::from_value(serde_json::json!({
                "uuid": "u", "slug": slug, "organization_uuid": "o", "name": "N",
                "query": "query Q { viewer { user { name } } }",
                "created_at": "2024-01-01T00:00:00.000Z"
            }))
            .unwrap(),
            document: "query Q { viewer { user { email } } }".into(),
            name: "N".into(),
            new_slug: slug.into(),
            description: String::new(),
            allowed_ips: String::new(),
            user_invokable: false,
            saved_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn drafts_round_trip_privately_and_damaged_ones_are_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path());
        store.save(&draft("deploy")).unwrap();
        store.save(&draft("../escape")).unwrap();
        let (drafts, problems) = store.load("acme");
        assert_eq!(drafts.len(), 2);
        assert!(problems.is_empty());
        assert!(
            dir.path().join("drafts/acme/___escape.json").exists(),
            "names stay inside"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("drafts/acme/deploy.json"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(dir.path().join("drafts/acme/broken.json"), "{ not json").unwrap();
        let (drafts, problems) = store.load("acme");
        assert_eq!(drafts.len(), 2);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(dir.path().join("drafts/acme/broken.json.corrupt").exists());
        store.remove("acme", "deploy").unwrap();
        assert_eq!(store.load("acme").0.len(), 1);
    }

    #[test]
    fn a_draft_with_an_empty_slug_is_found_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path());
        let mut nameless = draft("");
        nameless.org = String::new();
        store.save(&nameless).unwrap();
        let (drafts, problems) = store.load("");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(drafts, [nameless]);
    }

    #[test]
    fn the_open_token_dialog_note_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path());
        store.mark_token_dialog("acme", Some("deploy")).unwrap();
        assert_eq!(
            DraftStore::new(dir.path())
                .open_token_dialog("acme")
                .as_deref(),
            Some("deploy")
        );
        store.mark_token_dialog("acme", None).unwrap();
        assert_eq!(store.open_token_dialog("acme"), None);
    }
}
