//! The drafts the drafts dialog offers, acted on as they are on disk now.
//! The dialog lists a copy made when it opened; meanwhile another bkportals
//! may have restored, saved or discarded a draft, or ended leaving a newer
//! one. `Msg::DraftTaken` says what the disk has, and only a draft found as
//! shown is restored, compared or discarded: otherwise the dialog comes
//! back with the list as it is now, and the message says what happened.

use super::{App, Focus};
use crate::drafts::{Draft, OnDisk};
use crate::tui::dialogs::{Conflict, Dialog, DraftUse};
use crate::tui::editor::PortalEdit;
use crate::tui::message::Command;

impl App {
    pub(super) fn on_draft_taken(
        &mut self,
        shown: Draft,
        purpose: DraftUse,
        now: OnDisk,
    ) -> Vec<Command> {
        let slug = shown.slug.clone();
        // Built again below from what is still offered.
        self.dialogs.close_where(|d| matches!(d, Dialog::Drafts(_)));
        let done = purpose.done();
        self.drafts_taken_elsewhere.retain(|s| *s != slug);
        match now {
            OnDisk::Unchanged => return self.use_draft(shown, purpose),
            OnDisk::Changed(now) => {
                let saved = now.saved_at.clone();
                for draft in self.pending_drafts.iter_mut().filter(|d| d.slug == slug) {
                    *draft = (*now).clone();
                }
                self.warn(format!(
                    "The draft of {slug} was not {done}: it was written again on disk since this list was shown (now saved {saved}). The list shows it as it is now: r restores that one, d compares it, x discards it."
                ));
                self.offer_drafts_again(Some(&slug));
            }
            OnDisk::Gone => {
                self.pending_drafts.retain(|d| d.slug != slug);
                self.warn(format!(
                    "The draft of {slug} was not {done}: it is no longer on disk (since this list was shown, another bkportals restored and saved it, or discarded it). {slug} is as {} has it.",
                    self.server_name()
                ));
                self.offer_drafts_again(None);
            }
            OnDisk::Elsewhere(pid) => {
                let process = super::launch::process_note(pid);
                self.drafts_taken_elsewhere.push(slug.clone());
                if purpose == DraftUse::AskToDiscard {
                    // Asking first would only lead to a refused `y`.
                    self.warn(format!(
                        "The draft of {slug} is taken by another bkportals still running{process}: discard it there. r or d looks at it on disk again."
                    ));
                    self.offer_drafts_again(Some(&slug));
                    return Vec::new();
                }
                self.warn(format!(
                    "The draft of {slug} was not {done}: since this list was shown, another bkportals still running{process} has taken it (to edit or compare it). Edit it there; here it stays listed as it was, and r or d looks at it again."
                ));
                self.offer_drafts_again(Some(&slug));
            }
            OnDisk::Unreadable(why) => {
                self.pending_drafts.retain(|d| d.slug != slug);
                self.warn(format!("The draft of {slug} was not {done}: {why}."));
                self.offer_drafts_again(None);
            }
        }
        Vec::new()
    }

    /// `shown` is on disk as the dialog showed it, and its portal is
    /// claimed here now.
    fn use_draft(&mut self, draft: Draft, purpose: DraftUse) -> Vec<Command> {
        let slug = draft.slug.clone();
        match purpose {
            DraftUse::AskToDiscard => {
                self.ask_to_discard_draft(&slug);
                return Vec::new();
            }
            DraftUse::Discard => return self.discard_draft(slug),
            DraftUse::Restore | DraftUse::Compare => {}
        }
        let Some(server) = self.list.find(&slug).cloned() else {
            let server = self.server_name();
            self.say(format!(
                "{slug} no longer exists on {server}: x discards its draft, Esc keeps it."
            ));
            self.offer_drafts_again(Some(&slug));
            return vec![Command::ReleaseDraft(slug)];
        };
        let changed = server != draft.base;
        if purpose == DraftUse::Compare || changed {
            // Side by side with Buildkite's version, to choose; restored
            // only by a choice there.
            self.compare_draft(&draft, server, changed);
        } else {
            self.restored(&slug, PortalEdit::from_draft(&draft));
            self.focus = Focus::Document;
            self.say(format!("Restored the draft of {slug}: Ctrl-s saves it."));
        }
        Vec::new()
    }

    /// The drafts dialog again at `slug`, asking whether to discard it
    /// (it is on disk as shown, and claimed here meanwhile).
    fn ask_to_discard_draft(&mut self, slug: &str) {
        if let Some(Dialog::Drafts(mut dialog)) = self.drafts_dialog(Some(slug)) {
            dialog.discarding = true;
            self.dialogs.open(Dialog::Drafts(dialog));
        }
    }

    fn discard_draft(&mut self, slug: String) -> Vec<Command> {
        let at = self.pending_drafts.iter().position(|d| d.slug == slug);
        self.pending_drafts.retain(|d| d.slug != slug);
        let next = at
            .map(|at| at.min(self.pending_drafts.len().saturating_sub(1)))
            .and_then(|at| self.pending_drafts.get(at))
            .map(|d| d.slug.clone());
        self.say(format!("Discarded the draft of {slug}."));
        self.offer_drafts_again(next.as_deref());
        vec![Command::RemoveDraft(slug)]
    }

    fn compare_draft(&mut self, draft: &Draft, server: crate::buildkite::Portal, changed: bool) {
        self.dialogs.open(Dialog::Conflict(Conflict {
            slug: draft.slug.clone(),
            server: Box::new(server),
            changed,
            draft: Some(Box::new(PortalEdit::from_draft(draft))),
        }));
    }

    /// The draft of `slug` is an edit from now on, no longer offered.
    pub(super) fn restored(&mut self, slug: &str, edit: PortalEdit) {
        self.pending_drafts.retain(|d| d.slug != slug);
        self.edits.insert(slug.to_owned(), edit);
        let height = self.list_height();
        self.list.refilter(Some(slug.to_owned()), height);
        if !self.pending_drafts.is_empty() {
            self.review_drafts_after();
        }
    }

    /// Esc in the comparison of a draft not restored: it is still offered,
    /// untouched on disk, and its portal no longer claimed here.
    pub(super) fn back_to_drafts(&mut self, slug: String) -> Vec<Command> {
        self.say(format!(
            "Nothing restored: the draft of {slug} is still offered (r restores it, x discards it, Esc leaves it for later)."
        ));
        self.offer_drafts_again(Some(&slug));
        vec![Command::ReleaseDraft(slug)]
    }

    /// The drafts dialog in front again, at `slug`, while any are offered.
    fn offer_drafts_again(&mut self, slug: Option<&str>) {
        if let Some(dialog) = self.drafts_dialog(slug) {
            self.dialogs.open(dialog);
        }
    }
}
