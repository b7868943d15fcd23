//! The dialogs. Each module owns one dialog: its state, what its keys do
//! (as a `DialogAction` for the app to carry out), its drawing and its key
//! hints. They wait in `modal::ModalQueue`; only the front one takes keys.
//!
//! A new dialog: a module here with a struct, `key` and `draw`; a variant
//! of `Dialog`; the actions it needs in `DialogAction`, carried out in
//! `app/dialog_actions.rs`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;

use super::app::App;
use crate::drafts::Draft;
use crate::secrets::Secret;

pub mod api_sign_in;
pub mod authorize;
pub mod confirm;
pub mod conflict;
pub mod drafts;
pub mod explain;
pub mod form;
mod form_view;
mod frame;
pub mod history;
pub mod prompts;
pub mod token;

pub use api_sign_in::{ApiSignIn, ApiSignInAction};
pub use authorize::{AuthChoice, Authorize, SecretPrompt, SignIn, TokenPrompt};
pub use confirm::{Confirm, ConfirmKind, PendingRun};
pub use conflict::{Conflict, ConflictChoice};
pub use drafts::{DraftUse, DraftsDialog};
pub use explain::Explain;
pub use form::{is_fields_row, FormMode, FormRow, PortalForm, NEW_PORTAL_TEMPLATE};
pub use history::{Comparison, HistoryDialog};
pub use prompts::{DeletePrompt, SaveResponse};
pub use token::TokenDialog;

#[derive(Debug)]
pub enum Dialog {
    Form(Box<PortalForm>),
    Token(TokenDialog),
    Delete(DeletePrompt),
    Confirm(Confirm),
    Authorize(Authorize),
    TokenPrompt(TokenPrompt),
    SecretPrompt(SecretPrompt),
    SignIn(SignIn),
    SaveResponse(SaveResponse),
    Drafts(DraftsDialog),
    Explain(Explain),
    Conflict(Conflict),
    History(HistoryDialog),
    ApiSignIn(ApiSignIn),
}

/// What a key in a dialog asks the app to do.
#[derive(Debug)]
pub enum DialogAction {
    /// Ctrl-s in the portal form. The form is handed over: the app puts it
    /// back while the request runs.
    SubmitForm(Box<PortalForm>),
    /// Esc in the portal form: its values are kept (as a paused creation,
    /// or as unsaved fields of the portal).
    CloseForm(Box<PortalForm>),
    Copy(String),
    /// Enter in the new token's dialog.
    TokenConfirmed {
        slug: String,
        store: bool,
    },
    Quit,
    Delete(String),
    /// The confirmation of a save whose document has errors.
    SaveAnyway(String),
    /// The confirmation of a creation whose document does not validate.
    CreateAnyway(Box<PortalForm>),
    /// Ctrl-r with unsaved changes: save them, then run.
    SaveThenRun(String),
    /// Ctrl-r with unsaved changes: run the version saved on Buildkite.
    RunSaved(String),
    /// Yes to sending a run over the complexity limit (`why` says by how much).
    RunAnyway {
        run: Box<PendingRun>,
        why: String,
    },
    /// No to sending it.
    RunDeclined(Box<PendingRun>),
    Discard {
        slug: String,
        document: bool,
        fields: bool,
    },
    /// Ctrl-d in the creation form: ask whether to throw it away.
    AskDiscardCreation(String),
    /// Throws away the paused creation.
    DiscardCreation,
    /// Deletes a portal whose token was lost, then creates it again.
    Recreate {
        slug: String,
        form: Box<PortalForm>,
    },
    Status(String),
    Authorize {
        slug: String,
        choice: AuthChoice,
        then_run: bool,
    },
    UseToken {
        slug: String,
        token: Secret,
        store: bool,
        then_run: bool,
    },
    UseSecret {
        slug: String,
        secret: Secret,
        then_run: bool,
    },
    CancelSignIn,
    /// Esc in the drafts dialog: they stay on disk and in the app, to review.
    DraftsLater(Vec<Draft>),
    /// `r`, `d`, `x`, or `y` after it in the drafts dialog: done once the
    /// draft is found on disk as the dialog shows it (`Command::TakeDraft`).
    TakeDraft {
        draft: Box<Draft>,
        purpose: DraftUse,
    },
    /// Not `y` after `x` in the drafts dialog: the draft stays, and its
    /// portal, claimed to ask, is let go.
    KeepDraft(String),
    /// Esc in the comparison of a draft not restored: back to the drafts
    /// dialog, the draft still offered.
    BackToDrafts(String),
    Conflict {
        choice: ConflictChoice,
        conflict: Conflict,
    },
    WriteResponse {
        /// What is saved, for the status after (`ResponseView::shown_as`).
        what: String,
        path: String,
        overwrite: bool,
    },
    /// The save dialog closed unsaved, with this path typed in it.
    SaveCancelled(String),
    /// `d` in the history with fewer than two runs marked: the selected
    /// run's answer against the one on screen (the app has it).
    CompareWithAnswer(Box<HistoryDialog>),
    /// Enter in the history: the entry's operation and variables, run as
    /// Ctrl-r runs.
    Rerun {
        slug: String,
        operation: Option<String>,
        variables: serde_json::Value,
    },
    /// The sign-in dialog's Enter, Ctrl-o and Esc.
    ApiSignIn(ApiSignInAction),
}

/// What a dialog did with a key: the dialog to keep showing (if any) and
/// what the app should do.
#[derive(Debug)]
pub struct Step {
    pub keep: Option<Dialog>,
    pub action: Option<DialogAction>,
}

impl Step {
    pub fn keep(dialog: Dialog) -> Step {
        Step {
            keep: Some(dialog),
            action: None,
        }
    }

    pub fn close() -> Step {
        Step {
            keep: None,
            action: None,
        }
    }

    pub fn act(action: DialogAction) -> Step {
        Step {
            keep: None,
            action: Some(action),
        }
    }

    pub fn keep_and(dialog: Dialog, action: DialogAction) -> Step {
        Step {
            keep: Some(dialog),
            action: Some(action),
        }
    }
}

impl Dialog {
    /// A dialog nothing may displace or close but its own confirmation.
    /// (The app behind the sign-in dialog has nothing to show without it.)
    pub fn pinned(&self) -> bool {
        matches!(self, Dialog::Token(_) | Dialog::ApiSignIn(_))
    }

    /// The portal this dialog is about, when it is about one.
    pub fn slug(&self) -> Option<&str> {
        match self {
            Dialog::Form(form) => match &form.mode {
                FormMode::EditFields { slug } => Some(slug),
                FormMode::Create => None,
            },
            Dialog::Token(d) => Some(&d.slug),
            Dialog::Delete(d) => Some(&d.slug),
            Dialog::Authorize(d) => Some(&d.slug),
            Dialog::TokenPrompt(d) => Some(&d.slug),
            Dialog::SecretPrompt(d) => Some(&d.slug),
            Dialog::SignIn(d) => Some(&d.slug),
            Dialog::Conflict(d) => Some(&d.slug),
            Dialog::History(d) => Some(&d.slug),
            Dialog::Confirm(d) => d.kind.slug(),
            Dialog::SaveResponse(_)
            | Dialog::Drafts(_)
            | Dialog::Explain(_)
            | Dialog::ApiSignIn(_) => None,
        }
    }

    pub fn key(self, key: KeyEvent) -> Step {
        // A letter with Ctrl or Alt is not that letter (Ctrl-r in "Run with
        // unsaved changes?" is not `r`): the dialogs that answer to letters
        // get a key they have no use for. Ctrl-c reaches only the pinned
        // dialogs (the app closes the others with it): the token's asks.
        let key = if self.answers_to_letters() && is_modified_letter(key) && !is_ctrl_c(key) {
            KeyEvent::from(KeyCode::Null)
        } else {
            key
        };
        match self {
            Dialog::Form(form) => form::key(form, key),
            Dialog::Token(d) => d.key(key),
            Dialog::Delete(d) => d.key(key),
            Dialog::Confirm(d) => d.key(key),
            Dialog::Authorize(d) => d.key(key),
            Dialog::TokenPrompt(d) => d.key(key),
            Dialog::SecretPrompt(d) => d.key(key),
            Dialog::SignIn(d) => d.key(key),
            Dialog::SaveResponse(d) => d.key(key),
            Dialog::Drafts(d) => d.key(key),
            Dialog::Explain(d) => d.key(key),
            Dialog::Conflict(d) => d.key(key),
            Dialog::History(d) => d.key(key),
            Dialog::ApiSignIn(d) => d.key(key),
        }
    }

    /// A dialog whose letters are answers or moves, with no text typed in it.
    fn answers_to_letters(&self) -> bool {
        matches!(
            self,
            Dialog::Token(_)
                | Dialog::Confirm(_)
                | Dialog::Authorize(_)
                | Dialog::SignIn(_)
                | Dialog::Drafts(_)
                | Dialog::Explain(_)
                | Dialog::Conflict(_)
                | Dialog::History(_)
        )
    }

    /// Pasted text, into the focused input of the dialog (if it has one).
    pub fn paste(&mut self, text: &str) {
        match self {
            Dialog::Form(form) => form.paste(text),
            Dialog::Delete(d) => d.typed.paste(text),
            Dialog::TokenPrompt(d) => d.input.paste(text.trim()),
            Dialog::SecretPrompt(d) => d.input.paste(text.trim()),
            Dialog::SaveResponse(d) => d.path.paste(text),
            Dialog::ApiSignIn(d) => d.paste(text),
            _ => {}
        }
    }

    pub fn draw(&self, frame: &mut Frame, app: &App) {
        match self {
            Dialog::Form(form) => form::draw(frame, app, form),
            Dialog::Token(d) => d.draw(frame, &app.server_name()),
            Dialog::Delete(d) => d.draw(frame),
            Dialog::Confirm(d) => d.draw(frame, &app.server_name()),
            Dialog::Authorize(d) => d.draw(frame),
            Dialog::TokenPrompt(d) => d.draw(frame),
            Dialog::SecretPrompt(d) => d.draw(frame),
            Dialog::SignIn(d) => d.draw(frame, app),
            Dialog::SaveResponse(d) => d.draw(frame),
            Dialog::Drafts(d) => d.draw(frame, app),
            Dialog::Explain(d) => d.draw(frame),
            Dialog::Conflict(d) => d.draw(frame, app),
            Dialog::History(d) => d.draw(frame),
            Dialog::ApiSignIn(d) => d.draw(frame, app),
        }
    }
}

/// A character typed with Ctrl or Alt held.
pub fn is_modified_letter(key: KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char(_))
        && key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// Ctrl-c: the app closes what is open with it, or quits.
pub fn is_ctrl_c(key: KeyEvent) -> bool {
    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL)
}
