//! What a dialog's answer does: one case per `DialogAction`.

use super::App;
use crate::text::plural;
use crate::tui::dialogs::{Confirm, ConfirmKind, DialogAction};
use crate::tui::message::Command;

impl App {
    pub(super) fn on_dialog_action(&mut self, action: DialogAction) -> Vec<Command> {
        match action {
            DialogAction::SubmitForm(form) => return self.submit_form(form, false),
            DialogAction::CreateAnyway(form) => return self.submit_form(form, true),
            DialogAction::CloseForm(form) => self.close_form(form),
            DialogAction::Copy(text) => return vec![Command::Copy(text)],
            DialogAction::TokenConfirmed { slug, store } => {
                return self.token_confirmed(slug, store)
            }
            DialogAction::Quit => self.quit = true,
            DialogAction::Delete(slug) => {
                self.say(format!("Deleting {slug}…"));
                return vec![Command::Delete(slug)];
            }
            DialogAction::SaveAnyway(slug) => return self.save_portal(slug, true),
            DialogAction::SaveThenRun(slug) => {
                self.run_after = Some(slug.clone());
                let commands = self.save_portal(slug.clone(), false);
                if !self.edits.get(&slug).is_some_and(|e| e.saving) {
                    self.run_after = None; // not saving (asked first, or nothing to save)
                }
                return commands;
            }
            DialogAction::RunSaved(slug) => return self.run_saved(slug),
            DialogAction::RunAnyway { run, why } => {
                return self.send_run(*run, Some(format!("{why} Sent anyway.")))
            }
            DialogAction::RunDeclined(run) => return self.run_declined(*run),
            DialogAction::Discard {
                slug,
                document,
                fields,
            } => self.discard(&slug, document, fields),
            DialogAction::AskDiscardCreation(name) => self
                .dialogs
                .open(Confirm::dialog(ConfirmKind::DiscardCreation { name })),
            DialogAction::DiscardCreation => self.discard_creation(),
            DialogAction::Recreate { slug, form } => return self.recreate(slug, form),
            DialogAction::Status(text) => self.say(text),
            DialogAction::Authorize {
                slug,
                choice,
                then_run,
            } => return self.authorize_with(slug, choice, then_run),
            DialogAction::UseToken {
                slug,
                token,
                store,
                then_run,
            } => return self.use_token(slug, token, store, then_run),
            DialogAction::UseSecret {
                slug,
                secret,
                then_run,
            } => return self.use_secret(slug, secret, then_run),
            DialogAction::CancelSignIn => {
                self.run_after = None;
                self.say("Sign-in cancelled.");
                return vec![Command::CancelSignIn];
            }
            DialogAction::DraftsLater(drafts) => {
                let count = drafts.len();
                self.pending_drafts = drafts;
                self.say(format!(
                    "{} kept on disk: D in the list reviews them (their portals wait until then).",
                    plural(count, "draft")
                ));
            }
            DialogAction::TakeDraft { draft, purpose } => {
                return vec![Command::TakeDraft { draft, purpose }]
            }
            DialogAction::KeepDraft(slug) => {
                self.say(format!("Kept the draft of {slug}."));
                return vec![Command::ReleaseDraft(slug)];
            }
            DialogAction::BackToDrafts(slug) => return self.back_to_drafts(slug),
            DialogAction::Conflict { choice, conflict } => {
                return self.on_conflict_choice(choice, conflict)
            }
            DialogAction::SaveCancelled(path) => {
                self.say("Not saved.");
                if !path.trim().is_empty() {
                    self.last_save_path = Some(path);
                }
            }
            DialogAction::WriteResponse {
                path,
                overwrite,
                what,
            } => {
                self.last_save_path = Some(
                    std::path::absolute(&path)
                        .map_or_else(|_| path.clone(), |p| p.display().to_string()),
                );
                let contents = self
                    .selected_answer()
                    .map(|a| a.view.body.source().clone())
                    .unwrap_or_else(|| String::new().into());
                return vec![Command::WriteFile {
                    path,
                    contents,
                    overwrite,
                    what,
                }];
            }
            DialogAction::CompareWithAnswer(dialog) => self.compare_with_answer(*dialog),
            DialogAction::Rerun {
                slug,
                operation,
                variables,
            } => return self.rerun(slug, operation, variables),
            DialogAction::ApiSignIn(action) => return self.on_api_sign_in(action),
        }
        Vec::new()
    }

    /// What `s` saves of the shown answer (`ResponseView::shown_as`).
    pub(super) fn shown_answer(&self) -> String {
        self.selected_answer()
            .map_or_else(|| "the response".to_owned(), |a| a.view.shown_as())
    }
}
