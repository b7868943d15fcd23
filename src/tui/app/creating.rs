//! Creating a portal: the form (kept when closed, drafted on disk), its
//! checks before sending, the answer and the once-shown token; and deletes.

use super::{App, Focus};
use crate::buildkite::{ApiError, CreatedPortal};
use crate::graphql::diagnostics::summary;
use crate::tui::dialogs::{Confirm, ConfirmKind, Dialog, FormMode, PortalForm, TokenDialog};
use crate::tui::editor::Field;
use crate::tui::message::Command;

impl App {
    /// `n`: the paused creation, or a new one.
    pub(super) fn open_creation(&mut self) {
        if self
            .dialogs
            .any(|d| matches!(d, Dialog::Form(f) if f.mode == FormMode::Create))
        {
            return;
        }
        let form = self
            .create_draft
            .take()
            .unwrap_or_else(|| Box::new(PortalForm::create()));
        self.dialogs.open(Dialog::Form(form));
    }

    /// Esc in the form: a creation is paused, fields stay unsaved edits.
    pub(super) fn close_form(&mut self, form: Box<PortalForm>) {
        match &form.mode {
            FormMode::Create => {
                self.say(
                    "Creation paused: n continues where you left off (Ctrl-d in it discards it).",
                );
                self.create_draft = Some(form);
            }
            FormMode::EditFields { slug } => {
                let slug = slug.clone();
                if let Some(edit) = self.edits.get_mut(&slug) {
                    edit.fields = form.draft();
                }
                if self.is_dirty(&slug) {
                    self.say("Fields changed: Ctrl-s saves them (x discards them).");
                }
            }
        }
    }

    /// Ctrl-s in the form.
    pub(super) fn submit_form(&mut self, form: Box<PortalForm>, confirmed: bool) -> Vec<Command> {
        if form.submitting {
            self.dialogs.open(Dialog::Form(form));
            return Vec::new();
        }
        if let Some((_, problem)) = form.problem() {
            self.say(format!("Cannot submit yet: {problem}."));
            self.dialogs.open(Dialog::Form(form));
            return Vec::new();
        }
        match form.mode.clone() {
            FormMode::Create => self.create(form, confirmed),
            FormMode::EditFields { slug } => {
                if let Some(edit) = self.edits.get_mut(&slug) {
                    edit.fields = form.draft();
                }
                self.save_portal(slug, false)
            }
        }
    }

    fn create(&mut self, mut form: Box<PortalForm>, confirmed: bool) -> Vec<Command> {
        let up_to_date = form.schema_checked == Some(form.generation);
        if !confirmed && self.schema.is_some() && !up_to_date {
            // Checked now, as Ctrl-s in the editor and the command line do.
            if let Some(schema) = &self.schema {
                form.schema_diagnostics = schema.check(&form.document_text());
                form.schema_checked = Some(form.generation);
            }
        }
        if !confirmed && !form.schema_diagnostics.is_empty() {
            let summary = summary(&form.schema_diagnostics);
            self.dialogs
                .open(Confirm::dialog(ConfirmKind::Create { form, summary }));
            return Vec::new();
        }
        let new = form.new_portal();
        form.submitting = true;
        form.server_error = None;
        self.say(format!("Creating {}…", new.name));
        self.dialogs.open(Dialog::Form(form));
        vec![Command::Create(new)]
    }

    /// Drops the creation form, wherever it is (open, or paused); its
    /// draft on disk follows.
    fn take_creation(&mut self) {
        self.dialogs
            .close_where(|d| matches!(d, Dialog::Form(f) if f.mode == FormMode::Create));
        self.create_draft = None;
    }

    pub(super) fn on_created(
        &mut self,
        result: Result<CreatedPortal, ApiError>,
        stored: Result<(), String>,
    ) -> Vec<Command> {
        match result {
            Ok(created) => {
                self.take_creation();
                let slug = created.portal.slug.clone();
                self.list.portals.push(created.portal);
                let stored_ok = stored.is_ok();
                if stored_ok {
                    self.stored_tokens.push(slug.clone());
                }
                self.list.filter.clear();
                let height = self.list_height();
                self.list.refilter(Some(slug.clone()), height);
                self.focus = Focus::List;
                self.say(match stored {
                    Ok(()) => format!("Created {slug}. Save its token now: it is shown only once."),
                    Err(e) => format!(
                        "Created {slug}, but the token could not be stored ({e}): copy it now."
                    ),
                });
                self.dialogs.open(Dialog::Token(TokenDialog::new(
                    slug.clone(),
                    created.token,
                    stored_ok,
                )));
                vec![Command::NoteTokenDialog(Some(slug))]
            }
            Err(error) => {
                let message = error.to_string();
                self.say(format!("Not created: {message}"));
                let server_error = match &error {
                    ApiError::Validation { message } => {
                        (Field::of_message(message), message.clone())
                    }
                    _ => (None, message),
                };
                if let Some(form) = self.creation_form_mut() {
                    form.submitting = false;
                    form.server_error = Some(server_error);
                }
                Vec::new()
            }
        }
    }

    /// Enter in the token dialog.
    pub(super) fn token_confirmed(&mut self, slug: String, store: bool) -> Vec<Command> {
        let mut commands = vec![Command::NoteTokenDialog(None)];
        if store {
            self.say(format!("Portal {slug} created; its token is stored."));
        } else {
            self.stored_tokens.retain(|s| *s != slug);
            self.say(format!("Portal {slug} created; its token was not kept."));
            commands.push(Command::ForgetToken(slug));
        }
        commands
    }

    pub(super) fn discard_creation(&mut self) {
        self.take_creation();
        self.say("The new portal was discarded.");
    }

    pub(super) fn on_deleted(
        &mut self,
        slug: String,
        result: Result<(), ApiError>,
    ) -> Vec<Command> {
        match result {
            Ok(()) => {
                let keep_position = self.list.selected;
                self.list.portals.retain(|p| p.slug != slug);
                self.edits.remove(&slug);
                self.answers.remove(&slug);
                self.stored_tokens.retain(|s| *s != slug);
                let height = self.list_height();
                self.list.refilter(None, height);
                self.list.selected = keep_position.min(self.list.visible.len().saturating_sub(1));
                self.say(format!("Deleted {slug}."));
            }
            Err(error) => self.say(format!("Not deleted: {error}")),
        }
        Vec::new()
    }
}
