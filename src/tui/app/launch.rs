//! Launch: signing in first when there is no API token (the sign-in
//! dialog), then the list of the last session drawn at once (from the cache
//! dir), said to be refreshing, and replaced by the fresh list once its
//! listing has ended (however long its pages wait on a rate limit).

use super::{App, Cause, Loading};
use crate::api_token::{SignInError, SignedIn};
use crate::buildkite::Portal;
use crate::text::sanitize_line;
use crate::tui::dialogs::{ApiSignIn, ApiSignInAction, Dialog, FormMode};
use crate::tui::message::Command;

/// The exit status when the sign-in dialog was left without signing in.
pub const EXIT_NOT_SIGNED_IN: u8 = 1;

impl App {
    /// Started without an API token: the sign-in dialog, and nothing loads
    /// until it is signed in. `endpoint`: the REST endpoint the token is for
    /// (when not Buildkite's, the dialog does not send people there);
    /// `stored_elsewhere`: the server the organization's stored token belongs
    /// to, when it is another (the dialog says why it is not used).
    pub fn ask_for_api_token(
        &mut self,
        endpoint: &url::Url,
        stored_elsewhere: Option<String>,
    ) -> Vec<Command> {
        let dialog = ApiSignIn::new(&self.org, endpoint, stored_elsewhere);
        self.dialogs.open(Dialog::ApiSignIn(dialog));
        self.say(format!("Not signed in to {}.", self.org));
        Vec::new()
    }

    pub(super) fn on_api_sign_in(&mut self, action: ApiSignInAction) -> Vec<Command> {
        match action {
            ApiSignInAction::Check {
                token,
                accept_missing,
            } => {
                self.say(format!("Checking the token with {}…", self.server_name()));
                vec![Command::CheckApiToken {
                    token,
                    accept_missing,
                }]
            }
            ApiSignInAction::Cancel => {
                self.say("Check stopped: Enter checks the token again.");
                vec![Command::CancelApiTokenCheck]
            }
            ApiSignInAction::Leave => {
                self.quit = true;
                self.exit_code = EXIT_NOT_SIGNED_IN;
                Vec::new()
            }
        }
    }

    /// The check's answer: signed in (the dialog closes, the list and the
    /// schema load with the token), or why not, said in the dialog.
    pub(super) fn on_api_token_checked(
        &mut self,
        result: Result<SignedIn, SignInError>,
    ) -> Vec<Command> {
        let Some(Dialog::ApiSignIn(dialog)) = self.dialogs.front_mut() else {
            return Vec::new(); // left meanwhile
        };
        let signed_in = match result {
            Ok(signed_in) => signed_in,
            Err(error) => {
                dialog.failed(&error);
                self.say("Not signed in: the dialog says why.");
                return Vec::new();
            }
        };
        self.dialogs.take_front();
        let who = signed_in
            .checked
            .user
            .as_deref()
            .map(|u| format!(" as {}", sanitize_line(u)))
            .unwrap_or_default();
        // What it lacks first: on a narrow status line the end is cut.
        let lacking = match signed_in.checked.missing.as_slice() {
            [] => String::new(),
            missing => format!("; the token lacks {}", missing.join(", ")),
        };
        let kept = match &signed_in.stored {
            Ok(()) => format!(
                "stored for {} (`bkportals auth status` shows it)",
                self.server_name()
            ),
            Err(e) => format!("not stored ({e}), so it lasts this session only"),
        };
        let subject = if lacking.is_empty() {
            "the token is"
        } else {
            "it is"
        };
        let mut commands = vec![Command::UseApiToken(signed_in.token)];
        commands.extend(self.init());
        // Until the next key: routine news of the listing does not hide it.
        self.warn(format!(
            "Signed in to {}{who}{lacking}; {subject} {kept}.",
            self.org
        ));
        commands
    }

    /// Drafts another running bkportals owns (`DraftStore::load_all`): their
    /// portals are left to it.
    pub fn leave_drafts_elsewhere(&mut self, slugs: Vec<String>) {
        self.drafts_elsewhere = slugs;
    }

    /// Whether another running bkportals owns the draft of `slug` (the
    /// list marks it `E`).
    pub fn is_edited_elsewhere(&self, slug: &str) -> bool {
        self.drafts_elsewhere.iter().any(|s| s == slug)
    }

    /// Whether the new portal's form is drafted on disk: not while another
    /// running bkportals writes a new portal (its draft would be overwritten).
    pub fn creation_drafted(&self) -> bool {
        !self.is_edited_elsewhere(super::persist::NEW_PORTAL_DRAFT)
    }

    /// Whether `slug` is left to another running bkportals (and says so).
    pub(super) fn edited_elsewhere(&mut self, slug: &str) -> bool {
        if !self.is_edited_elsewhere(slug) {
            return false;
        }
        self.warn(format!(
            "{slug} is being edited in another bkportals still running: edit it there (here it would overwrite that draft), or start this one again once that one has ended."
        ));
        true
    }

    /// Another running bkportals began editing `slug`: edited here too, the
    /// edit stays in memory, as when a draft is refused; otherwise the list
    /// marks it `E` and it is left to that one.
    pub(super) fn draft_claimed_elsewhere(&mut self, slug: String, pid: Option<u32>) {
        if self.is_edited_elsewhere(&slug) {
            return;
        }
        if self.edits_here(&slug) {
            self.draft_refused(slug, pid);
            return;
        }
        let process = process_note(pid);
        self.say(if slug == super::persist::NEW_PORTAL_DRAFT {
            format!("Another bkportals{process} began writing a new portal: a new one here is kept in memory only, so that one's draft is not overwritten.")
        } else {
            format!("Another bkportals{process} began editing {slug}: it is left to that one (marked E) until it saves, discards or quits.")
        });
        self.drafts_elsewhere.push(slug);
    }

    /// `x` or `D` on a portal marked `E`: its edit is there, not lost.
    pub(super) fn held_elsewhere(&mut self, slug: &str) {
        self.warn(format!(
            "Another bkportals still running holds the edit of {slug} (marked E): save or discard it there, or quit that one (a draft it leaves is then offered here)."
        ));
    }

    /// The draft writer could not write the draft of `slug`: another
    /// running bkportals edits it too (both started before either edited).
    /// The edit here stays, in memory only; no draft of it is written or
    /// removed from now on, so the other one's draft is kept as it is.
    pub(super) fn draft_refused(&mut self, slug: String, pid: Option<u32>) {
        if self.is_edited_elsewhere(&slug) {
            return;
        }
        let process = process_note(pid);
        let editing_here =
            self.edits.contains_key(&slug) || slug == super::persist::NEW_PORTAL_DRAFT;
        if !editing_here {
            // A discard of a draft another instance has restored meanwhile.
            self.warn(format!(
                "The draft of {slug} was not discarded: another bkportals{process} is editing {slug} and has that draft (marked E here)."
            ));
            self.drafts_elsewhere.push(slug);
            return;
        }
        self.warn_not_kept_on_disk(&slug, &process);
        self.drafts_elsewhere.push(slug);
    }

    /// The edit of `slug` here is in memory only: another bkportals
    /// (`process`, when known) edits it too.
    pub(super) fn warn_not_kept_on_disk(&mut self, slug: &str, process: &str) {
        let what = if slug == super::persist::NEW_PORTAL_DRAFT {
            "A new portal is being written".to_owned()
        } else {
            format!("{slug} is being edited")
        };
        self.warn(format!(
            "{what} in another bkportals too{process}: this edit is not kept on disk, so that one's draft is not overwritten. Save it to {}, or quit that one first, before quitting here.",
            self.server_name()
        ));
    }

    /// The instance that held `slug` has ended. When nothing of it is
    /// edited here, what it `left` is offered (or the portal is simply free
    /// to edit). Otherwise, without a draft of it on disk, this edit is kept
    /// on disk from now on; with one (its edit, now an earlier session's),
    /// this edit stays in memory so that draft is not overwritten, and the
    /// next start offers it.
    pub(super) fn draft_freed(
        &mut self,
        slug: String,
        left: Option<Result<Box<crate::drafts::Draft>, String>>,
    ) {
        let what = super::persist::draft_name(&slug).to_owned();
        if !self.edits_here(&slug) {
            self.drafts_elsewhere.retain(|s| *s != slug);
            self.drafts_taken_elsewhere.retain(|s| *s != slug);
            self.offer_left_draft(slug, left);
            return;
        }
        if left.is_some() {
            self.warn(format!(
                "The other bkportals no longer edits {what} and left its draft on disk. Your edit here is still in memory only (writing it would overwrite that draft): save it to {} (Ctrl-s); the next start offers that draft to compare with.",
                self.server_name()
            ));
            return;
        }
        self.drafts_elsewhere.retain(|s| *s != slug);
        // Written at the next sync, as if never written.
        self.persisted.forget(&slug);
        // It saved, discarded or ended: its draft is gone either way.
        self.say(format!(
            "The other bkportals no longer has a draft of {what}: your edit here is kept on disk again."
        ));
    }

    /// Whether `slug` (or the new portal's key) is being edited here.
    fn edits_here(&self, slug: &str) -> bool {
        if slug != super::persist::NEW_PORTAL_DRAFT {
            return self.edits.contains_key(slug);
        }
        self.create_draft.is_some()
            || (self.dialogs).any(|d| matches!(d, Dialog::Form(f) if f.mode == FormMode::Create))
    }

    /// The bkportals that held `slug` ended, and nothing of it is edited
    /// here: the draft it `left` is offered as one from an earlier session
    /// (the new portal's is resumed by `n`); without one, `slug` is free.
    fn offer_left_draft(
        &mut self,
        slug: String,
        left: Option<Result<Box<crate::drafts::Draft>, String>>,
    ) {
        let what = super::persist::draft_name(&slug).to_owned();
        // Let go of: it saved, discarded, only looked, or quit (which, it does
        // not say).
        let ended = format!("The other bkportals no longer edits {what}");
        match left {
            None => {
                // Offered here, then taken there: it saved or discarded it.
                self.no_longer_offered(&slug);
                self.warn(format!(
                    "{ended} and left no draft of it: {what} can be edited here now."
                ));
            }
            Some(Err(why)) => {
                self.no_longer_offered(&slug);
                self.warn(format!("{ended}; {why}. {what} can be edited here now."));
            }
            Some(Ok(draft)) if slug == super::persist::NEW_PORTAL_DRAFT => {
                let form = super::persist::creation_from_draft(&draft);
                self.create_draft = Some(Box::new(form));
                self.warn(format!(
                    "{ended} and left its draft: n resumes that new portal here."
                ));
            }
            Some(Ok(draft)) => {
                self.pending_drafts.retain(|d| d.slug != slug);
                self.pending_drafts.push(*draft);
                self.pending_drafts.sort_by(|a, b| a.slug.cmp(&b.slug));
                // Before the first listing, that listing offers it.
                if self.drafts_offered || self.loading != super::Loading::InFlight {
                    self.drafts_offered = true;
                    self.rebuild_drafts_dialog(Some(&slug));
                }
                self.warn(format!(
                    "{ended} and left its draft: it is offered here, as a draft kept on disk (r restores it, d compares it, x discards it; D shows the drafts again)."
                ));
            }
        }
    }

    /// The draft of `slug` is gone from disk: the drafts dialog, when open,
    /// lists the others (or closes when none is left).
    fn no_longer_offered(&mut self, slug: &str) {
        if !self.has_pending_draft(slug) {
            return;
        }
        self.pending_drafts.retain(|d| d.slug != slug);
        if self.dialogs.any(|d| matches!(d, Dialog::Drafts(_))) {
            self.rebuild_drafts_dialog(None);
        }
    }

    /// The drafts dialog built again from `pending_drafts`, at `slug`. A
    /// discard being asked about is still asked (its portal is claimed for
    /// the answer, which lets go of it).
    fn rebuild_drafts_dialog(&mut self, slug: Option<&str>) {
        let asking = self.dialogs.iter().find_map(|d| match d {
            Dialog::Drafts(open) if open.discarding => {
                open.drafts.get(open.selected).map(|d| d.slug.clone())
            }
            _ => None,
        });
        self.dialogs.close_where(|d| matches!(d, Dialog::Drafts(_)));
        let Some(Dialog::Drafts(mut dialog)) = self.drafts_dialog(asking.as_deref().or(slug))
        else {
            return;
        };
        let selected = dialog.drafts.get(dialog.selected).map(|d| d.slug.clone());
        dialog.discarding = asking.is_some() && selected == asking;
        self.dialogs.enqueue(Dialog::Drafts(dialog));
    }

    /// Of the `unsaved` edits (as the quit dialog names them), those kept in
    /// memory only because another bkportals edits them.
    pub(super) fn not_on_disk(&self, unsaved: &[String]) -> Vec<String> {
        let elsewhere: Vec<&str> = (self.drafts_elsewhere.iter())
            .map(|key| super::persist::draft_name(key))
            .collect();
        unsaved
            .iter()
            .filter(|name| elsewhere.contains(&name.as_str()))
            .cloned()
            .collect()
    }

    /// Shows `portals`, the list as the last session left it, until the
    /// listing under way (`init` started it) replaces it.
    pub fn show_cached_list(&mut self, portals: Vec<Portal>) {
        if portals.is_empty() || !self.list.portals.is_empty() {
            return;
        }
        let height = self.list_height();
        // The fresh listing, once it ends, still replaces the whole list.
        self.list.extend_shown(portals, height);
        self.list.from_cache = true;
        self.note(format!(
            "The list as last seen; refreshing from {}…",
            self.server_name()
        ));
    }

    /// The rest of the cached list, after its first screen's worth: added
    /// unless the fresh listing has replaced the cached list meanwhile.
    pub fn show_rest_of_cached_list(&mut self, rest: Vec<Portal>) {
        if !self.list.from_cache {
            return;
        }
        let height = self.list_height();
        self.list.extend_shown(rest, height);
    }

    /// The fresh list, for the next launch.
    pub(super) fn cache_list(&self) -> Vec<Command> {
        vec![Command::CacheList(self.list.portals.clone())]
    }

    /// The listing ended: the drafts of earlier sessions are offered once,
    /// and the list is kept for the next launch.
    pub(super) fn on_listed(&mut self) -> Vec<Command> {
        let height = self.list_height();
        self.list.loaded(height);
        self.loading = Loading::Idle;
        self.resolved(Cause::Load);
        if !self.drafts_offered && !self.pending_drafts.is_empty() {
            self.drafts_offered = true;
            self.review_drafts(None);
        }
        let count = self.list.portals.len();
        let noun = if count == 1 { "portal" } else { "portals" };
        self.note(format!("{count} {noun} in {}", self.org));
        self.cache_list()
    }

    pub(super) fn reload(&mut self) -> Vec<Command> {
        self.list.reselect = self.selected_slug().or(self.list.reselect.take());
        // Edits without changes would hide the server's fresh version.
        self.edits.retain(|_, edit| edit.is_dirty() || edit.saving);
        // The list stays until the fresh listing has ended: a reload that
        // fails (offline, server down) leaves what was there.
        self.list.stale = true;
        self.loading = Loading::InFlight;
        self.note("Loading portals…");
        vec![Command::LoadPortals]
    }
}

/// ` (process 4242)`, where another bkportals's number is known; else nothing.
pub(super) fn process_note(pid: Option<u32>) -> String {
    pid.map(|p| format!(" (process {p})")).unwrap_or_default()
}
