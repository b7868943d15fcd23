//! Signing in to Buildkite when the app starts without an API token: what
//! token is needed and where to make one, the pasted token masked, and what
//! the check found, said here so the user can fix it and try again. The
//! check and the store are `crate::api_token::sign_in`, as `auth login`'s.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::{masked, prompt};
use super::{Dialog, DialogAction, Step};
use crate::api_token::{SignInError, NEEDED, TOKEN_SETTINGS};
use crate::secrets::Secret;
use crate::text::sanitize_line;
use crate::tui::app::App;
use crate::tui::input::LineInput;
use crate::tui::view::{dim, error_style, spinner};
use crate::tui::wrap::wrap;

const WIDTH: u16 = 80;

/// What the sign-in dialog asks the app to do.
#[derive(Debug)]
pub enum ApiSignInAction {
    /// Check the token and, when it will do, store it and go on with it.
    Check { token: Secret, accept_missing: bool },
    /// Esc while a check runs: stop it, stay in the dialog.
    Cancel,
    /// Esc with nothing typed, or `y` to the question Esc asks over a
    /// typed token: leave the app, saying how to sign in from the shell.
    Leave,
}

/// What the last check found, to say in the dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// What to fix, in a sentence (refused, not one token, no answer).
    Said(String),
    /// Accepted, but lacking these scopes; `can_list`: the list would still load.
    Lacking {
        missing: Vec<&'static str>,
        can_list: bool,
    },
}

#[derive(Debug)]
pub struct ApiSignIn {
    pub org: String,
    /// The pasted token: drawn as dots, redacted in `Debug`, kept after a
    /// failed check so it can be checked again once its scopes are fixed.
    pub input: LineInput,
    pub checking: bool,
    pub problem: Option<Problem>,
    /// The REST endpoint's host (and port) when it is not Buildkite's (a
    /// sandbox): its tokens are not made on buildkite.com.
    pub elsewhere: Option<String>,
    /// The server whose API token for `org` is stored, when it is not this
    /// one (`TokenStore::api_token_elsewhere`): not sent here, and said so.
    pub stored_elsewhere: Option<String>,
    /// Esc or Ctrl-c over a typed token asked whether to quit: `y` quits
    /// (the token dropped, never kept), any other key keeps it.
    pub asking_to_leave: bool,
}

impl ApiSignIn {
    /// Signing in to `org` at the REST endpoint `endpoint`; `stored_elsewhere`:
    /// the server the org's stored token belongs to, when not this one.
    pub fn new(org: &str, endpoint: &url::Url, stored_elsewhere: Option<String>) -> ApiSignIn {
        ApiSignIn {
            org: org.to_owned(),
            input: LineInput::secret(),
            checking: false,
            problem: None,
            elsewhere: crate::api_token::other_server(endpoint),
            stored_elsewhere,
            asking_to_leave: false,
        }
    }

    /// The server signed in to, as the dialog names it.
    fn server(&self) -> String {
        crate::buildkite::http::server_said(self.elsewhere.as_deref())
    }

    /// The token asked for: Buildkite's, or one of the other server.
    fn token_wanted(&self) -> String {
        match &self.elsewhere {
            None => "a Buildkite API access token".to_owned(),
            Some(_) => format!("an API access token of {}", self.server()),
        }
    }

    /// Where a token for this endpoint comes from, in a sentence.
    fn where_to_make_one(&self, org: &str) -> String {
        match &self.elsewhere {
            None => format!(
                "Make one at {TOKEN_SETTINGS} (New API Access Token, organization `{org}`)."
            ),
            Some(server) => format!(
                "This app talks to {}, not to Buildkite, so a token made on buildkite.com will not do: a `bkportals sandbox` prints its token as it starts (BUILDKITE_API_TOKEN); another server, ask whoever runs it.",
                sanitize_line(server)
            ),
        }
    }

    /// The check's answer (failures only; success closes the dialog).
    pub fn failed(&mut self, error: &SignInError) {
        self.checking = false;
        self.problem = Some(match error {
            SignInError::Lacking(checked) => Problem::Lacking {
                missing: checked.missing.clone(),
                can_list: checked.can_list(),
            },
            other => Problem::Said(other.to_string()),
        });
    }

    pub fn paste(&mut self, text: &str) {
        if !self.checking && !self.asking_to_leave {
            self.input.paste(text.trim());
            self.problem = None;
        }
    }

    pub fn key(mut self, key: KeyEvent) -> Step {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let leave = key.code == KeyCode::Esc || (ctrl && key.code == KeyCode::Char('c'));
        if self.checking {
            if leave {
                self.checking = false;
                return self.act(ApiSignInAction::Cancel);
            }
            return Step::keep(Dialog::ApiSignIn(self));
        }
        if self.asking_to_leave {
            self.asking_to_leave = false;
            if key.code == KeyCode::Char('y') && !ctrl {
                return Step::act(DialogAction::ApiSignIn(ApiSignInAction::Leave));
            }
            return Step::keep(Dialog::ApiSignIn(self)); // the token stays
        }
        match key.code {
            // A typed token is not dropped by one stray key.
            _ if leave && !self.input.value().trim().is_empty() => {
                self.asking_to_leave = true;
                Step::keep(Dialog::ApiSignIn(self))
            }
            _ if leave => Step::act(DialogAction::ApiSignIn(ApiSignInAction::Leave)),
            KeyCode::Enter => self.check(false),
            KeyCode::Char('o') if ctrl && self.may_use_as_is() => self.check(true),
            _ => {
                let before = self.input.value().len();
                self.input.key(key);
                if self.input.value().len() != before {
                    self.problem = None; // said of a token that is not the one there now
                }
                Step::keep(Dialog::ApiSignIn(self))
            }
        }
    }

    fn may_use_as_is(&self) -> bool {
        matches!(self.problem, Some(Problem::Lacking { can_list: true, .. }))
    }

    fn check(mut self, accept_missing: bool) -> Step {
        let token = self.input.value().trim().to_owned();
        if token.is_empty() {
            self.problem = Some(Problem::Said(
                "Paste the token first (Ctrl-Shift-V or your terminal's paste).".into(),
            ));
            return Step::keep(Dialog::ApiSignIn(self));
        }
        if token.chars().any(char::is_whitespace) {
            self.problem = Some(Problem::Said(
                "That is not one token (it holds spaces): paste the token alone.".into(),
            ));
            return Step::keep(Dialog::ApiSignIn(self));
        }
        self.checking = true;
        self.problem = None;
        self.act(ApiSignInAction::Check {
            token: Secret::new(token),
            accept_missing,
        })
    }

    fn act(self, action: ApiSignInAction) -> Step {
        Step::keep_and(Dialog::ApiSignIn(self), DialogAction::ApiSignIn(action))
    }

    pub fn draw(&self, frame: &mut Frame, app: &App) {
        let width = WIDTH.min(frame.area().width);
        let columns = usize::from(width.saturating_sub(2));
        // `body` wrapped to the box after `lead` (a scope's name, `✗ `): the
        // lines it wraps onto keep its indent, under its first word.
        let text = |lead: &str, body: &str, style: Style| -> Vec<Line<'static>> {
            let hang = " ".repeat(crate::tui::wrap::width(lead));
            wrap(body, columns.saturating_sub(hang.len()))
                .into_iter()
                .enumerate()
                .map(|(i, l)| {
                    let lead = if i == 0 { lead } else { &hang };
                    Line::from(Span::styled(format!("{lead}{l}"), style))
                })
                .collect()
        };
        let org = sanitize_line(&self.org);
        let mut lines = text(
            "",
            &format!("bkportals needs {} for `{org}`, with:", self.token_wanted()),
            Style::new(),
        );
        for (scope, purpose) in NEEDED {
            lines.extend(text(&format!("  {scope:<14} "), purpose, dim()));
        }
        lines.extend(text("", &self.where_to_make_one(&org), Style::new()));
        lines.push(Line::default());
        lines.extend(self.problem_lines(&text));
        let label = if self.asking_to_leave {
            "Quit without signing in? What you typed is dropped.".to_owned()
        } else if self.checking {
            format!(
                "{} Checking the token with {}…",
                spinner(app),
                self.server()
            )
        } else {
            format!(
                "Paste the token (never shown; stored for {}):",
                self.server()
            )
        };
        lines.push(Line::from(label));
        let use_as_is = if self.may_use_as_is() {
            " · Ctrl-o use it as it is"
        } else {
            ""
        };
        let footer = if self.asking_to_leave {
            "y quit · n keep the token".to_owned()
        } else if self.checking {
            "Esc stop the check".to_owned()
        } else {
            format!("Enter check and sign in{use_as_is} · Ctrl-u clear · Esc leave")
        };
        prompt(
            frame,
            &format!(" Sign in to {} ", self.server()),
            lines,
            &masked(&self.input),
            &footer,
            width,
        );
    }

    fn problem_lines(
        &self,
        text: &dyn Fn(&str, &str, Style) -> Vec<Line<'static>>,
    ) -> Vec<Line<'static>> {
        let warning = Style::new().fg(Color::Yellow);
        let mut lines = Vec::new();
        match &self.problem {
            // Until a check says more: why the stored token is not used.
            None => match &self.stored_elsewhere {
                None => return lines,
                Some(other) => lines.extend(text(
                    "",
                    &format!(
                        "The token stored for `{}` belongs to {}, so it is not sent to {}.",
                        sanitize_line(&self.org),
                        sanitize_line(other),
                        self.server()
                    ),
                    warning,
                )),
            },
            Some(Problem::Said(said)) => lines.extend(text("✗ ", said, error_style())),
            Some(Problem::Lacking { missing, can_list }) => {
                lines.extend(text(
                    "✗ ",
                    &crate::api_token::accepted_but_lacking(self.elsewhere.as_deref()),
                    error_style(),
                ));
                for scope in missing {
                    let purpose = NEEDED
                        .iter()
                        .find(|(name, _)| name == scope)
                        .map_or("", |(_, purpose)| purpose);
                    lines.extend(text(&format!("  {scope:<14} "), purpose, warning));
                }
                let then = if *can_list {
                    "and press Enter to check again, paste another, or Ctrl-o to use it as it is."
                } else {
                    "and press Enter to check again, or paste another."
                };
                let place = crate::buildkite::http::token_settings(self.elsewhere.as_deref());
                lines.extend(text("", &format!("Add them {place} {then}"), Style::new()));
            }
        }
        lines.push(Line::default());
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEvent;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn buildkite() -> url::Url {
        url::Url::parse(crate::config::DEFAULT_REST_ENDPOINT).unwrap()
    }

    #[test]
    fn the_pasted_token_never_shows_in_debug_nor_in_the_action() {
        let mut dialog = ApiSignIn::new("acme", &buildkite(), None);
        dialog.paste("  bkua_secret_value\n");
        let step = dialog.key(key(KeyCode::Enter));
        let shown = format!("{step:?}");
        assert!(!shown.contains("bkua_secret_value"), "{shown}");
        let Some(DialogAction::ApiSignIn(ApiSignInAction::Check { token, .. })) = step.action
        else {
            panic!("Enter checks the token: {shown}");
        };
        assert_eq!(token.expose(), "bkua_secret_value", "pasted, trimmed");
    }

    #[test]
    fn the_dialog_names_buildkite_at_its_endpoints_and_a_sandbox_by_its_address() {
        let at_buildkite = ApiSignIn::new("acme", &buildkite(), None);
        assert_eq!(at_buildkite.server(), "Buildkite");
        assert_eq!(at_buildkite.token_wanted(), "a Buildkite API access token");
        let sandbox = url::Url::parse("http://127.0.0.1:8088/").unwrap();
        let at_sandbox = ApiSignIn::new("acme", &sandbox, None);
        assert_eq!(at_sandbox.server(), "127.0.0.1:8088");
        assert_eq!(
            at_sandbox.token_wanted(),
            "an API access token of 127.0.0.1:8088"
        );
    }

    #[test]
    fn two_words_are_not_a_token_and_stay_to_be_corrected() {
        let mut dialog = ApiSignIn::new("acme", &buildkite(), None);
        dialog.paste("bkua_one bkua_two");
        let step = dialog.key(key(KeyCode::Enter));
        assert!(step.action.is_none(), "nothing is sent");
        let Some(Dialog::ApiSignIn(dialog)) = step.keep else {
            panic!("the dialog stays");
        };
        assert!(matches!(&dialog.problem, Some(Problem::Said(s)) if s.contains("not one token")));
        assert_eq!(dialog.input.value(), "bkua_one bkua_two");
    }
}
