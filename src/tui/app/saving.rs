//! Saving an edit: the check that Buildkite still has the version the edit
//! started from (decided here, from what the runtime fetched), the save,
//! conflicts, the fields form, and discarding changes.

use super::{App, Cause};
use crate::buildkite::{ApiError, Portal};
use crate::graphql::diagnostics::{summary, DiagnosticKind};
use crate::tui::dialogs::{Confirm, ConfirmKind, Conflict, ConflictChoice, Dialog, PortalForm};
use crate::tui::editor::Field;
use crate::tui::message::Command;

impl App {
    /// Ctrl-s: saves the selected portal's changes (asks first when its
    /// document has errors).
    pub(super) fn save(&mut self, confirmed: bool) -> Vec<Command> {
        let Some(slug) = self.selected_slug() else {
            return Vec::new();
        };
        self.save_portal(slug, confirmed)
    }

    pub(super) fn save_portal(&mut self, slug: String, confirmed: bool) -> Vec<Command> {
        let Some(edit) = self.edits.get_mut(&slug) else {
            self.say("Nothing to save.");
            return Vec::new();
        };
        if edit.saving {
            return Vec::new();
        }
        let changes = edit.changes();
        if changes.is_empty() {
            let named = self.server_name();
            self.say(format!("Nothing to save: the portal matches {named}'s."));
            return Vec::new();
        }
        if changes.query.is_some() && !edit.diagnostics.is_empty() && !confirmed {
            let kind = ConfirmKind::Save {
                summary: summary(&edit.diagnostics),
                syntax: edit
                    .diagnostics
                    .iter()
                    .any(|d| d.kind == DiagnosticKind::Syntax),
                slug,
            };
            self.dialogs.open(Confirm::dialog(kind));
            return Vec::new();
        }
        edit.begin_save();
        self.say(format!("Saving {slug}…"));
        // Buildkite has no version to send with a PUT: look first, so an
        // edit never silently overwrites someone else's.
        vec![Command::FetchForSave { slug }]
    }

    /// What Buildkite has now, fetched just before saving `slug`.
    pub(super) fn on_fetched_for_save(
        &mut self,
        slug: String,
        result: Result<Portal, ApiError>,
    ) -> Vec<Command> {
        let Some(edit) = self.edits.get_mut(&slug) else {
            return Vec::new();
        };
        match result {
            Ok(server) if server != edit.base => {
                edit.save_failed();
                let named = self.server_name();
                self.say(format!(
                    "Not saved: {slug} changed on {named} since you loaded it."
                ));
                self.dialogs.open(Dialog::Conflict(Conflict {
                    slug,
                    server: Box::new(server),
                    changed: true,
                    draft: None,
                }));
                Vec::new()
            }
            Ok(_) => {
                // What is sent is the edit as it was when Ctrl-s was pressed.
                let changes = edit.changes_at_save();
                vec![Command::Update { slug, changes }]
            }
            Err(error) => self.on_saved(slug, Err(error)),
        }
    }

    pub(super) fn on_saved(
        &mut self,
        slug: String,
        result: Result<Portal, ApiError>,
    ) -> Vec<Command> {
        match result {
            Ok(portal) => {
                let new_slug = portal.slug.clone();
                if let Some(existing) = self.list.find_mut(&slug) {
                    *existing = portal.clone();
                }
                if let Some(mut edit) = self.edits.remove(&slug) {
                    edit.saved(portal);
                    self.edits.insert(new_slug.clone(), edit);
                }
                if new_slug != slug {
                    self.renamed(&slug, &new_slug);
                }
                self.say_because(Cause::Save, format!("Saved {new_slug}."));
                let height = self.list_height();
                self.list.refilter(Some(new_slug.clone()), height);
                if self.run_after.as_deref() == Some(slug.as_str()) {
                    self.run_after = None;
                    return self.run();
                }
                Vec::new()
            }
            Err(error) => {
                if self.run_after.as_deref() == Some(slug.as_str()) {
                    self.run_after = None;
                }
                let message = error.to_string();
                if let Some(edit) = self.edits.get_mut(&slug) {
                    edit.save_failed();
                    edit.server_error = Some(match &error {
                        ApiError::Validation { message, .. } => {
                            (Field::of_message(message), message.clone())
                        }
                        _ => (None, message.clone()),
                    });
                }
                self.say_because(Cause::Save, format!("Not saved: {message}"));
                Vec::new()
            }
        }
    }

    /// A portal's slug changed on Buildkite: what the app keeps under the
    /// old one moves with it.
    fn renamed(&mut self, old: &str, new: &str) {
        for stored in &mut self.stored_tokens {
            if stored == old {
                *stored = new.to_owned();
            }
        }
        if let Some(answer) = self.answers.remove(old) {
            self.answers.insert(new.to_owned(), answer);
        }
    }

    /// `f`: the fields of the selected portal, as they stand in its edit.
    pub(super) fn open_fields_form(&mut self) {
        let Some(slug) = self.selected_slug() else {
            return;
        };
        if self.blocked_by_draft(&slug) {
            return;
        }
        if let Some(edit) = self.edit_for(&slug) {
            let form = PortalForm::edit_refused(&slug, &edit.fields, edit.server_error.as_ref());
            self.dialogs.open(Dialog::Form(Box::new(form)));
        }
    }

    /// `x`: asks which unsaved changes of the selected portal to throw away.
    pub(super) fn ask_to_discard(&mut self) {
        let Some(slug) = self.selected_slug() else {
            return;
        };
        let Some(edit) = self.edits.get(&slug).filter(|e| e.is_dirty() && !e.saving) else {
            if !self.edits.contains_key(&slug) && self.is_edited_elsewhere(&slug) {
                self.held_elsewhere(&slug);
            } else {
                self.say("Nothing to discard: the portal has no unsaved changes.");
            }
            return;
        };
        let kind = ConfirmKind::Discard {
            document: edit.document_dirty(),
            fields: edit.fields_dirty(),
            slug,
        };
        self.dialogs.open(Confirm::dialog(kind));
    }

    pub(super) fn discard(&mut self, slug: &str, document: bool, fields: bool) {
        if let Some(edit) = self.edits.get_mut(slug) {
            edit.discard(document, fields);
            edit.server_error = None;
            let what = match (document, fields) {
                (true, true) => "changes",
                (true, false) => "document changes",
                _ => "field changes",
            };
            self.say(format!("Discarded the unsaved {what} of {slug}."));
        }
    }

    /// The answer to a conflict (or to the comparison of a draft).
    pub(super) fn on_conflict_choice(
        &mut self,
        choice: ConflictChoice,
        conflict: Conflict,
    ) -> Vec<Command> {
        let Conflict {
            slug,
            server,
            draft,
            ..
        } = conflict;
        if let Some(existing) = self.list.find_mut(&slug) {
            *existing = (*server).clone();
        }
        if let Some(draft) = draft {
            // A choice restores the draft compared: from now on it is an edit.
            self.restored(&slug, *draft);
        }
        let Some(edit) = self.edits.get_mut(&slug) else {
            return Vec::new();
        };
        match choice {
            ConflictChoice::KeepMine => {
                // Their version, with what I changed on top: a field I did
                // not touch keeps their value.
                edit.rebase(*server);
                let named = self.server_name();
                self.say(format!(
                    "Saving your changes to {slug} over {named}'s version…"
                ));
                self.save_portal(slug, true)
            }
            ConflictChoice::TakeTheirs => {
                // With no save on its way, everything is replaced by theirs.
                edit.save_failed();
                edit.saved(*server);
                let named = self.server_name();
                self.say(format!("Took {named}'s version of {slug}."));
                Vec::new()
            }
            ConflictChoice::Rebase => {
                edit.rebase(*server);
                let named = self.server_name();
                self.say(format!(
                    "Editing on top of {named}'s version of {slug}: your changes are kept."
                ));
                Vec::new()
            }
        }
    }
}
