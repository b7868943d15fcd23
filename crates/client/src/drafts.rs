//! Unsaved edits on disk: one private JSON file per portal, written
//! atomically, so nothing typed is lost to a quit, a crash or a signal.
//! A damaged file is set aside (renamed `.corrupt`) and reported, never fatal.
//! Each file names the process that wrote it (`drafts/owner.rs`), so a draft
//! another bkportals is still editing is not offered as abandoned, and a
//! lock per portal (`drafts/claim.rs`) lets only one running bkportals write
//! a portal's draft.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::buildkite::Portal;
use crate::fsutil::write_private_file;

mod claim;
mod claims_watch;
mod owner;

pub use claims_watch::{ClaimedElsewhere, ClaimsWatch};

pub use claim::Claim;

/// The draft key of the portal being created: never a slug (slugs have no
/// spaces), so it cannot collide with a portal's draft.
pub const NEW_PORTAL: &str = "new portal";

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

/// A draft as written: with the process that owns it (absent in files
/// written before owners were recorded: those are offered).
#[derive(Serialize)]
struct Owned<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<u32>,
    #[serde(flatten)]
    draft: &'a Draft,
}

#[derive(Deserialize)]
struct Found {
    #[serde(default)]
    owner: Option<u32>,
    #[serde(flatten)]
    draft: Draft,
}

/// What `DraftStore::load_all` found.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Left by earlier sessions, by slug.
    pub drafts: Vec<Draft>,
    /// What to tell about the others: unreadable files, drafts in use elsewhere.
    pub problems: Vec<String>,
    /// The slugs of the drafts another running bkportals owns.
    pub elsewhere: Vec<String>,
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

    fn claim_path(&self, org: &str, slug: &str) -> PathBuf {
        claim::lock_path(&self.dir, &file_safe(org), &file_safe(slug))
    }

    /// Makes this process the one that edits `slug` (until `remove` or
    /// `release`), unless another running bkportals does.
    pub fn claim(&self, org: &str, slug: &str) -> std::io::Result<Claim> {
        claim::claim(&self.claim_path(org, slug))
    }

    /// Whether another running bkportals edits `slug` now.
    pub fn edited_elsewhere(&self, org: &str, slug: &str) -> bool {
        claim::held_elsewhere(&self.claim_path(org, slug)).is_some()
    }

    /// Blocks until no other running bkportals edits `slug`: for a thread
    /// of its own, which sleeps meanwhile.
    pub fn wait_until_not_edited_elsewhere(&self, org: &str, slug: &str) -> std::io::Result<()> {
        claim::wait_free(&self.claim_path(org, slug))
    }

    /// Writes `draft`, owned by this process until `release`. (Without the
    /// owner's lock it is written unowned: another bkportals would offer it
    /// as abandoned, as all drafts were before owners were recorded.) When
    /// another running bkportals edits the portal, nothing is written: the
    /// error says so (`DraftStore::is_edited_elsewhere`).
    pub fn save(&self, draft: &Draft) -> std::io::Result<()> {
        if let Claim::Elsewhere(pid) = self.claim(&draft.org, &draft.slug)? {
            return Err(std::io::Error::other(EditedElsewhere(pid)));
        }
        let owned = Owned {
            owner: owner::hold(&self.dir).ok(),
            draft,
        };
        let json = serde_json::to_vec_pretty(&owned).map_err(std::io::Error::other)?;
        write_private_file(&self.path(&draft.org, &draft.slug), &json)
    }

    /// This process writes no more drafts: from now on they are an earlier
    /// session's, offered to the next bkportals.
    pub fn release(&self) {
        claim::release_all(&self.dir);
        owner::release(&self.dir);
    }

    /// Removes the draft of `slug`, unless another running bkportals edits
    /// that portal: then its draft is left as it is, and the error says so
    /// (`EditedElsewhere::in_error`).
    pub fn remove(&self, org: &str, slug: &str) -> std::io::Result<()> {
        let claim = self.claim_path(org, slug);
        if let Some(Claim::Elsewhere(pid)) = claim::held_elsewhere(&claim) {
            return Err(std::io::Error::other(EditedElsewhere(pid)));
        }
        let removed = match std::fs::remove_file(self.path(org, slug)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
        claim::release(&claim);
        removed
    }

    /// The data dir the drafts live in (others keep their files beside them).
    pub fn data_dir(&self) -> &Path {
        self.dir.parent().unwrap_or(&self.dir)
    }

    /// The drafts of `org` left by earlier sessions, and a message for each
    /// file that could not be read (those are renamed `.corrupt` so they stop
    /// coming back) and each draft another running bkportals is editing
    /// (left alone: it is offered once that one ends).
    pub fn load(&self, org: &str) -> (Vec<Draft>, Vec<String>) {
        let loaded = self.load_all(org);
        (loaded.drafts, loaded.problems)
    }

    /// As `load`, with the slugs of the drafts another bkportals owns.
    pub fn load_all(&self, org: &str) -> Loaded {
        let dir = self.dir.join(file_safe(org));
        let mut drafts = Vec::new();
        let mut problems = Vec::new();
        let mut elsewhere = Vec::new();
        // None yet is no reason to skip the claims: another instance may
        // have claimed a portal whose first draft it has not written yet.
        let entries = std::fs::read_dir(&dir).into_iter().flatten();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            match read_draft(&path) {
                Ok(Found {
                    owner: Some(pid),
                    draft,
                }) if owner::live_elsewhere(&self.dir, pid) => {
                    problems.push(edited_elsewhere_note(&draft.slug, Some(pid)));
                    elsewhere.push(draft.slug);
                }
                Ok(found) => drafts.push(found.draft),
                Err(why) => problems.push(set_aside(&path, &why)),
            }
        }
        // Portals another instance edits whose draft it has not written yet.
        for (slug, pid) in self.claimed_elsewhere(org) {
            if !elsewhere.contains(&slug) {
                problems.push(edited_elsewhere_note(&slug, pid));
                drafts.retain(|d| d.slug != slug);
                elsewhere.push(slug);
            }
        }
        drafts.sort_by(|a, b| a.slug.cmp(&b.slug));
        Loaded {
            drafts,
            problems,
            elsewhere,
        }
    }

    /// The draft of `slug` on disk, `None` when there is none; an
    /// unreadable one is set aside, and the error says so. For a portal
    /// whose claim was just let go: its owner is not asked (a process that
    /// has just ended can still look alive for a moment).
    pub fn load_one(&self, org: &str, slug: &str) -> Option<Result<Draft, String>> {
        let path = self.path(org, slug);
        if !path.exists() {
            return None;
        }
        Some(
            read_draft(&path)
                .map(|found| found.draft)
                .map_err(|why| set_aside(&path, &why)),
        )
    }

    /// The draft `shown` (offered earlier) as it is on disk now, to restore,
    /// compare or discard: when it is still as shown, this process claims
    /// its portal (as a first write would), so no other bkportals takes it
    /// meanwhile; otherwise it is left as it is, unclaimed.
    pub fn take(&self, shown: &Draft) -> OnDisk {
        let (org, slug) = (shown.org.as_str(), shown.slug.as_str());
        // A claim that cannot be taken (no lock here) is no reason to stop.
        if let Ok(Claim::Elsewhere(pid)) = self.claim(org, slug) {
            return OnDisk::Elsewhere(pid);
        }
        let path = self.path(org, slug);
        let now = match read_draft(&path) {
            Err(_) if !path.exists() => OnDisk::Gone,
            Err(why) => OnDisk::Unreadable(set_aside(&path, &why)),
            Ok(Found {
                owner: Some(pid), ..
            }) if owner::live_elsewhere(&self.dir, pid) => OnDisk::Elsewhere(Some(pid)),
            Ok(found) if found.draft == *shown => return OnDisk::Unchanged,
            Ok(found) => OnDisk::Changed(Box::new(found.draft)),
        };
        self.release_claim(org, slug);
        now
    }

    /// This process no longer edits `slug`, whose draft it took only to
    /// look at (`take`): the draft stays as it is.
    pub fn release_claim(&self, org: &str, slug: &str) {
        claim::release(&self.claim_path(org, slug));
    }

    /// The portals of `org` another running bkportals has claimed, with its
    /// process number when known.
    fn claimed_elsewhere(&self, org: &str) -> Vec<(String, Option<u32>)> {
        let dir = claim::claims_dir(&self.dir, &file_safe(org));
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|entry| {
                let path = entry.path();
                let file = path.file_name()?.to_str()?.strip_suffix(".lock")?;
                // Slugs are file-safe as they are; the new portal's key is not.
                let slug = if file == file_safe(NEW_PORTAL) {
                    NEW_PORTAL
                } else {
                    file
                };
                match claim::held_elsewhere(&path)? {
                    Claim::Elsewhere(pid) => Some((slug.to_owned(), pid)),
                    Claim::Ours => None,
                }
            })
            .collect()
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

    /// Where the values typed into the app's variables forms are kept for
    /// `org` (no `.json` ending: `load` does not take it for a draft).
    fn form_values_path(&self, org: &str) -> PathBuf {
        self.dir.join(file_safe(org)).join("form-values")
    }

    /// Keeps the variables forms' values (written whole, atomically, 0600).
    pub fn save_form_values(&self, org: &str, contents: &[u8]) -> std::io::Result<()> {
        write_private_file(&self.form_values_path(org), contents)
    }

    /// The variables forms' values of an earlier session, if any.
    pub fn load_form_values(&self, org: &str) -> Option<Vec<u8>> {
        std::fs::read(self.form_values_path(org)).ok()
    }

    /// The portal whose token dialog was open when the app last stopped.
    pub fn open_token_dialog(&self, org: &str) -> Option<String> {
        let path = self.dir.join(file_safe(org)).join("open-token-dialog");
        std::fs::read_to_string(path).ok().filter(|s| !s.is_empty())
    }
}

/// A draft offered earlier, as `DraftStore::take` found it on disk now.
#[derive(Debug, Clone, PartialEq)]
pub enum OnDisk {
    /// As offered; its portal is now claimed by this process.
    Unchanged,
    /// Written again since (by a bkportals that has ended): as it is now.
    Changed(Box<Draft>),
    /// No longer on disk: saved or discarded elsewhere meanwhile.
    Gone,
    /// Another running bkportals edits it (its process number when known).
    Elsewhere(Option<u32>),
    /// It could not be read, and was set aside: what to tell.
    Unreadable(String),
}

fn read_draft(path: &Path) -> Result<Found, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    serde_json::from_slice::<Found>(&bytes).map_err(|e| e.to_string())
}

/// Renames an unreadable draft `.corrupt`, so it stops coming back; what to
/// tell of it.
fn set_aside(path: &Path, why: &str) -> String {
    let aside = path.with_extension("json.corrupt");
    let _ = std::fs::rename(path, &aside);
    format!(
        "the draft {} could not be read ({why}); it was set aside as {}",
        path.display(),
        aside.display()
    )
}

/// Why `DraftStore::save` wrote nothing: another running bkportals (this
/// process number, when known) edits that portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditedElsewhere(pub Option<u32>);

impl std::fmt::Display for EditedElsewhere {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(pid) => write!(f, "another bkportals (process {pid}) is editing it"),
            None => write!(f, "another bkportals is editing it"),
        }
    }
}

impl std::error::Error for EditedElsewhere {}

impl EditedElsewhere {
    /// The refusal inside an error from `DraftStore::save`, if it is one.
    pub fn in_error(error: &std::io::Error) -> Option<EditedElsewhere> {
        error.get_ref()?.downcast_ref::<EditedElsewhere>().copied()
    }
}

fn edited_elsewhere_note(slug: &str, pid: Option<u32>) -> String {
    let process = pid.map(|p| format!(" (process {p})")).unwrap_or_default();
    if slug == NEW_PORTAL {
        // It has no row in the list to mark.
        return format!(
            "a new portal is being written in another bkportals still running{process}: one begun here is kept in memory only, and once that one ends, n resumes the draft it leaves."
        );
    }
    format!(
        "the draft of {slug} is being edited in another bkportals still running{process}, so it is not edited here (marked E in the list); it is offered here once that one ends."
    )
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

    #[cfg(unix)]
    #[test]
    fn a_draft_another_running_bkportals_owns_is_offered_only_once_it_ends() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path());
        let other = std::process::id().wrapping_add(1);
        // That process holds its lock, as a running bkportals does.
        let running = owner::lock_as(&store.dir, other);
        let owned = Owned {
            owner: Some(other),
            draft: &draft("deploy"),
        };
        let json = serde_json::to_vec(&owned).unwrap();
        write_private_file(&store.path("acme", "deploy"), &json).unwrap();
        let (drafts, problems) = store.load("acme");
        assert!(drafts.is_empty(), "not offered as abandoned: {drafts:?}");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains(&format!(
                "deploy is being edited in another bkportals still running (process {other})"
            )),
            "{problems:?}"
        );
        assert!(problems[0].ends_with("once that one ends."), "{problems:?}");
        assert_eq!(store.load_all("acme").elsewhere, ["deploy"]);
        drop(running); // it ended (the kernel drops the lock of a dead process too)
        let (drafts, problems) = store.load("acme");
        assert_eq!(drafts, [draft("deploy")]);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_portal_another_running_bkportals_edits_is_neither_written_nor_removed_here() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path());
        // Both started before either edited; the other one edited first.
        let other = std::process::id().wrapping_add(1);
        let theirs = claim::lock_as(&store.claim_path("acme", "deploy"), other);
        let mut their_draft = draft("deploy");
        their_draft.document = "query Theirs { viewer { user { name } } }".into();
        let json = serde_json::to_vec(&their_draft).unwrap();
        write_private_file(&store.path("acme", "deploy"), &json).unwrap();

        let refused = store.save(&draft("deploy")).unwrap_err();
        assert_eq!(
            EditedElsewhere::in_error(&refused),
            Some(EditedElsewhere(Some(other)))
        );
        assert_eq!(
            refused.to_string(),
            format!("another bkportals (process {other}) is editing it")
        );
        let kept = store.remove("acme", "deploy").unwrap_err();
        assert_eq!(
            EditedElsewhere::in_error(&kept),
            Some(EditedElsewhere(Some(other)))
        );
        let loaded = store.load_all("acme");
        assert_eq!(loaded.elsewhere, ["deploy"]);
        assert!(loaded.drafts.is_empty(), "{:?}", loaded.drafts);
        assert!(
            loaded.problems[0].contains(&format!("(process {other})")),
            "{:?}",
            loaded.problems
        );
        let kept: Draft =
            serde_json::from_slice(&std::fs::read(store.path("acme", "deploy")).unwrap()).unwrap();
        assert_eq!(kept, their_draft, "their draft is untouched");

        // A portal they claimed but whose draft they have not written yet.
        let _also = claim::lock_as(&store.claim_path("acme", "web"), other);
        assert_eq!(store.load_all("acme").elsewhere.len(), 2);

        drop(theirs); // it ended
        assert_eq!(store.claim("acme", "deploy").unwrap(), Claim::Ours);
        store.save(&draft("deploy")).unwrap();
        assert_eq!(store.load_all("acme").drafts, [draft("deploy")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_portal_written_elsewhere_is_said_as_one_not_as_a_row_marked_e() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path());
        let other = std::process::id().wrapping_add(1);
        let _theirs = claim::lock_as(&store.claim_path("acme", NEW_PORTAL), other);
        let loaded = store.load_all("acme");
        assert_eq!(loaded.elsewhere, [NEW_PORTAL]);
        assert_eq!(
            loaded.problems,
            [format!(
                "a new portal is being written in another bkportals still running (process {other}): one begun here is kept in memory only, and once that one ends, n resumes the draft it leaves."
            )]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_wait_for_a_portal_edited_elsewhere_ends_when_the_other_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path());
        let other = std::process::id().wrapping_add(1);
        let theirs = claim::lock_as(&store.claim_path("acme", "deploy"), other);
        let (done_tx, done) = std::sync::mpsc::channel();
        let waiting = store.clone();
        std::thread::spawn(move || {
            let _ = done_tx.send(waiting.wait_until_not_edited_elsewhere("acme", "deploy"));
        });
        let early = done.recv_timeout(std::time::Duration::from_millis(200));
        assert!(early.is_err(), "it waits while they edit: {early:?}");
        drop(theirs); // it ended
        let ended = done.recv_timeout(std::time::Duration::from_secs(10));
        assert!(matches!(ended, Ok(Ok(()))), "{ended:?}");
        assert!(
            !store.edited_elsewhere("acme", "deploy"),
            "nothing held by the wait"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_draft_offered_earlier_is_taken_only_as_it_is_on_disk_now() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path());
        // Left by an earlier session (unowned), offered as loaded.
        let older = serde_json::to_vec(&draft("deploy")).unwrap();
        write_private_file(&store.path("acme", "deploy"), &older).unwrap();
        let shown = store.load("acme").0.remove(0);
        assert_eq!(store.take(&shown), OnDisk::Unchanged);
        assert_eq!(
            store.claim("acme", "deploy").unwrap(),
            Claim::Ours,
            "taken, its portal is claimed here"
        );
        store.release_claim("acme", "deploy");

        // Another bkportals restored it meanwhile and is editing it.
        let other = std::process::id().wrapping_add(1);
        let theirs = claim::lock_as(&store.claim_path("acme", "deploy"), other);
        assert_eq!(store.take(&shown), OnDisk::Elsewhere(Some(other)));
        drop(theirs);
        // It ended, having written a newer edit: that one, not the shown one.
        let mut newer = draft("deploy");
        newer.document = "query Newer { viewer { user { name } } }".into();
        let json = serde_json::to_vec(&newer).unwrap();
        write_private_file(&store.path("acme", "deploy"), &json).unwrap();
        assert_eq!(store.take(&shown), OnDisk::Changed(Box::new(newer.clone())));
        assert!(!store.edited_elsewhere("acme", "deploy"), "nothing claimed");
        let kept: Draft =
            serde_json::from_slice(&std::fs::read(store.path("acme", "deploy")).unwrap()).unwrap();
        assert_eq!(kept, newer, "left as it is");
        // Saved or discarded elsewhere: gone.
        std::fs::remove_file(store.path("acme", "deploy")).unwrap();
        assert_eq!(store.take(&shown), OnDisk::Gone);
        // Damaged meanwhile: set aside, and said.
        std::fs::write(store.path("acme", "deploy"), "{ not json").unwrap();
        match store.take(&shown) {
            OnDisk::Unreadable(why) => assert!(why.contains("set aside"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn drafts_name_their_writer_and_unowned_older_files_still_load() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path());
        store.save(&draft("deploy")).unwrap();
        let text = std::fs::read_to_string(dir.path().join("drafts/acme/deploy.json")).unwrap();
        let written: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(written["owner"], std::process::id());
        // A file from before owners were recorded.
        let older = serde_json::to_vec(&draft("older")).unwrap();
        std::fs::write(dir.path().join("drafts/acme/older.json"), older).unwrap();
        let (drafts, problems) = store.load("acme");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(drafts, [draft("deploy"), draft("older")]);
        store.release();
        assert!(
            !dir.path()
                .join(format!("drafts/.owners/{}.lock", std::process::id()))
                .exists(),
            "released, the lock file goes"
        );
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
