//! Authorizing runs of a portal: the choices (sign in, paste a token, a
//! portal secret), what each asks for, and the token it ends with.

use super::App;
use crate::secrets::Secret;
use crate::tui::dialogs::{AuthChoice, Authorize, Dialog, SecretPrompt, SignIn, TokenPrompt};
use crate::tui::input::LineInput;
use crate::tui::message::Command;

impl App {
    /// Offers every way to authorize runs of `slug`; `then_run` when a run
    /// asked for it.
    pub(super) fn open_authorize(&mut self, slug: &str, then_run: bool) {
        let Some(portal) = self.list.find(slug) else {
            return;
        };
        let mut choices = Vec::new();
        if portal.user_invokable {
            choices.push(AuthChoice::SignIn);
        }
        choices.push(AuthChoice::PasteToken);
        choices.push(AuthChoice::PortalSecret);
        self.dialogs.open(Dialog::Authorize(Authorize {
            slug: slug.to_owned(),
            choices,
            selected: 0,
            then_run,
        }));
    }

    pub(super) fn authorize_with(
        &mut self,
        slug: String,
        choice: AuthChoice,
        then_run: bool,
    ) -> Vec<Command> {
        match choice {
            AuthChoice::SignIn => {
                self.dialogs
                    .open(Dialog::SignIn(SignIn::new(slug.clone(), then_run)));
                self.run_after = then_run.then(|| slug.clone());
                vec![Command::SignIn { slug }]
            }
            AuthChoice::PasteToken => {
                self.dialogs.open(Dialog::TokenPrompt(TokenPrompt {
                    slug,
                    input: LineInput::secret(),
                    store: true,
                    then_run,
                }));
                Vec::new()
            }
            AuthChoice::PortalSecret => {
                self.dialogs.open(Dialog::SecretPrompt(SecretPrompt {
                    slug,
                    input: LineInput::secret(),
                    then_run,
                }));
                Vec::new()
            }
        }
    }

    pub(super) fn use_token(
        &mut self,
        slug: String,
        token: Secret,
        store: bool,
        then_run: bool,
    ) -> Vec<Command> {
        if store && !self.has_token(&slug) {
            self.stored_tokens.push(slug.clone());
        }
        if then_run {
            return self.start_invoke(slug, Some(token), store);
        }
        self.say(format!("Storing the token of {slug}: Ctrl-r runs it."));
        vec![Command::StoreToken { slug, token }]
    }

    pub(super) fn use_secret(
        &mut self,
        slug: String,
        secret: Secret,
        then_run: bool,
    ) -> Vec<Command> {
        let Some(portal_uuid) = self.list.find(&slug).map(|p| p.uuid.clone()) else {
            return Vec::new();
        };
        self.authorizing = true;
        self.run_after = then_run.then(|| slug.clone());
        self.say(format!("Getting an ephemeral token for {slug}…"));
        vec![Command::Ephemeral {
            slug,
            portal_uuid,
            secret,
        }]
    }

    /// A short-lived token was stored (or not). The portal runs only when a
    /// run asked for the token.
    pub(super) fn on_authorized(
        &mut self,
        slug: String,
        result: Result<String, String>,
        what: &str,
    ) -> Vec<Command> {
        self.dialogs
            .close_where(|d| matches!(d, Dialog::SignIn(s) if s.slug == slug));
        let run = self.run_after.as_deref() == Some(slug.as_str());
        if run {
            self.run_after = None;
        }
        match result {
            Ok(expires_at) => {
                if !self.has_token(&slug) {
                    self.stored_tokens.push(slug.clone());
                }
                self.say(format!(
                    "{what}: a token for {slug} is stored until {expires_at}."
                ));
                if run && self.selected_slug().as_deref() == Some(slug.as_str()) {
                    return self.run();
                }
                Vec::new()
            }
            Err(why) => {
                self.say(format!("No token for {slug}: {why}"));
                Vec::new()
            }
        }
    }
}
