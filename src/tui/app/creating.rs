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
        let mut form = self
            .create_draft
            .take()
            .unwrap_or_else(|| Box::new(PortalForm::create()));
        form.schema = self.schema.clone();
        self.dialogs.open(Dialog::Form(form));
        if self.is_edited_elsewhere(super::persist::NEW_PORTAL_DRAFT) {
            // Said at once, not only once its first draft is refused.
            self.warn_not_kept_on_disk(super::persist::NEW_PORTAL_DRAFT, "");
        }
    }

    /// Esc in the form: a creation is paused, fields stay unsaved edits.
    pub(super) fn close_form(&mut self, form: Box<PortalForm>) {
        match &form.mode {
            FormMode::Create if form.submitting => {
                let name = crate::text::sanitize_line(form.name.value());
                self.say(format!(
                    "Form closed; {name} is still being created: its token shows when the answer comes (n reopens the form)."
                ));
                self.create_draft = Some(form);
            }
            FormMode::Create if self.creation_drafted() => {
                self.say(
                    "Creation paused: n continues where you left off (Ctrl-d in it discards it).",
                );
                self.create_draft = Some(form);
            }
            FormMode::Create => {
                // Said as a warning: quitting loses it.
                self.warn(
                    "Creation paused, in memory only (another bkportals is writing a new portal): n continues it; quitting here loses it.",
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
    pub(super) fn submit_form(
        &mut self,
        mut form: Box<PortalForm>,
        confirmed: bool,
    ) -> Vec<Command> {
        form.settle_diagnostics();
        if form.submitting {
            self.dialogs.open(Dialog::Form(form));
            return Vec::new();
        }
        if let Some((row, problem)) = form.problem() {
            // The field to fix takes the focus.
            if let Some(at) = form.rows().iter().position(|r| *r == row) {
                form.focus = at;
            }
            let more = match form.problems().count() - 1 {
                0 => String::new(),
                others => format!(" (and {others} more, each under its field)"),
            };
            self.say(format!("Cannot submit yet: {problem}{more}."));
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
        if !confirmed && form.schema_verdict != Some(form.generation) {
            // Not checked yet: checked now, as Ctrl-s in the editor and the
            // command line do (a new portal's document is small).
            if let Some(schema) = &self.schema {
                form.schema_diagnostics = schema.check(&form.document_text());
                form.schema_verdict = Some(form.generation);
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

    /// Takes the creation form out of the dialogs (or the paused one); its
    /// draft on disk follows.
    fn take_creation_form(&mut self) -> Option<Box<PortalForm>> {
        let mut open = None;
        let mut others = Vec::new();
        while let Some(dialog) = self.dialogs.take_front() {
            match dialog {
                Dialog::Form(f) if f.mode == FormMode::Create && open.is_none() => open = Some(f),
                other => others.push(other),
            }
        }
        for dialog in others.into_iter().rev() {
            self.dialogs.put_back(dialog);
        }
        let paused = self.create_draft.take();
        open.or(paused)
    }

    pub(super) fn on_created(
        &mut self,
        result: Result<CreatedPortal, ApiError>,
        stored: Result<(), String>,
    ) -> Vec<Command> {
        match result {
            Ok(created) => {
                self.take_creation_form();
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
            Err(ApiError::CreatedWithoutToken { slug, portal }) => {
                self.created_without_token(slug, portal.map(|p| *p))
            }
            Err(error) => {
                let message = error.to_string();
                if matches!(error, ApiError::OutcomeUnknown { .. }) {
                    // It may exist now: the list shows it, and sending the
                    // same slug again is refused rather than made twice.
                    let mut commands = self.reload();
                    self.say(format!("Not sure it was created: {message}"));
                    if let Some(form) = self.creation_form_mut() {
                        form.submitting = false;
                        form.server_error = Some((None, message));
                    }
                    commands.retain(|c| matches!(c, Command::LoadPortals));
                    return commands;
                }
                self.say(format!("Not created: {message}"));
                let server_error = match &error {
                    ApiError::Validation { message, .. } => {
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

    /// The portal exists, its token is lost: the creation form is kept for
    /// a second try while the person decides.
    fn created_without_token(
        &mut self,
        slug: String,
        portal: Option<crate::buildkite::Portal>,
    ) -> Vec<Command> {
        let mut form = self
            .take_creation_form()
            .unwrap_or_else(|| Box::new(PortalForm::create()));
        form.submitting = false;
        let mut commands = Vec::new();
        match portal {
            Some(portal) => {
                self.list.portals.push(portal);
                let height = self.list_height();
                self.list.refilter(Some(slug.clone()), height);
            }
            None => commands.extend(self.reload()),
        }
        self.say(format!("{slug} was created, but its token was lost."));
        self.dialogs
            .open(Confirm::dialog(ConfirmKind::CreatedWithoutToken {
                slug,
                form,
                server: self.server_name(),
            }));
        commands
    }

    /// `r` after a lost token: delete the portal, then create it again.
    pub(super) fn recreate(&mut self, slug: String, form: Box<PortalForm>) -> Vec<Command> {
        self.say(format!("Deleting {slug} to create it again…"));
        self.recreating = Some((slug.clone(), form));
        vec![Command::Delete(slug)]
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
        self.take_creation_form();
        self.say("The new portal was discarded.");
    }

    pub(super) fn on_deleted(
        &mut self,
        slug: String,
        result: Result<(), ApiError>,
    ) -> Vec<Command> {
        match result {
            Ok(()) => {
                if let Some((recreate, form)) = self.recreating.take() {
                    if recreate == slug {
                        self.forget_deleted(&slug);
                        return self.create(form, true);
                    }
                }
                self.forget_deleted(&slug);
                self.say(format!("Deleted {slug}."));
            }
            Err(error) => {
                if let Some((_, form)) = self.recreating.take() {
                    self.create_draft = Some(form);
                }
                self.say(format!("Not deleted: {error}"));
            }
        }
        Vec::new()
    }

    /// A deleted portal leaves the list, its edit, answer and token.
    fn forget_deleted(&mut self, slug: &str) {
        let keep_position = self.list.selected;
        self.list.portals.retain(|p| p.slug != slug);
        self.edits.remove(slug);
        self.answers.remove(slug);
        self.stored_tokens.retain(|s| s != slug);
        let height = self.list_height();
        self.list.refilter(None, height);
        self.list.selected = keep_position.min(self.list.visible.len().saturating_sub(1));
    }
}
