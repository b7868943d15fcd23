//! Authorizing runs of a portal: the choice of how, the token and secret
//! prompts, and the sign-in (device code) in progress. `then_run` says
//! whether a run asked for it (Ctrl-r) or only authorizing (`a`): only the
//! former runs the portal once a token is had.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::{choice_lines, masked, message, prompt};
use super::{Dialog, DialogAction, Step};
use crate::secrets::Secret;
use crate::text::sanitize_line;
use crate::tui::app::App;
use crate::tui::input::LineInput;
use crate::tui::view::{dim, spinner};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthChoice {
    /// User-invoked portals: approve in a browser, run with your permissions.
    SignIn,
    PasteToken,
    PortalSecret,
}

impl AuthChoice {
    pub fn label(self) -> &'static str {
        match self {
            AuthChoice::SignIn => "Sign in as me: approve in the browser, run with my permissions",
            AuthChoice::PasteToken => "Paste the portal's long-lived token (admin-level)",
            AuthChoice::PortalSecret => "Use a portal secret (bkps_…) for an ephemeral token",
        }
    }
}

/// How to authorize runs of a portal: every way the user may have.
#[derive(Debug)]
pub struct Authorize {
    pub slug: String,
    pub choices: Vec<AuthChoice>,
    pub selected: usize,
    pub then_run: bool,
}

impl Authorize {
    pub fn key(mut self, key: KeyEvent) -> Step {
        match key.code {
            KeyCode::Esc => Step::close(),
            KeyCode::Up => {
                self.selected = self.selected.saturating_sub(1);
                Step::keep(Dialog::Authorize(self))
            }
            KeyCode::Down => {
                self.selected = (self.selected + 1).min(self.choices.len().saturating_sub(1));
                Step::keep(Dialog::Authorize(self))
            }
            KeyCode::Enter => match self.choices.get(self.selected) {
                Some(&choice) => Step::act(DialogAction::Authorize {
                    slug: self.slug,
                    choice,
                    then_run: self.then_run,
                }),
                None => Step::close(),
            },
            _ => Step::keep(Dialog::Authorize(self)),
        }
    }

    pub fn draw(&self, frame: &mut Frame) {
        let mut lines = vec![
            Line::from(format!(
                "How should runs of `{}` be authorized?",
                sanitize_line(&self.slug)
            )),
            Line::default(),
        ];
        lines.extend(choice_lines(
            self.choices.iter().map(|c| c.label().to_owned()),
            self.selected,
        ));
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            "Short-lived tokens are stored until they expire and never shown.",
            dim(),
        )));
        let then = if self.then_run {
            "then run"
        } else {
            "(the portal is not run)"
        };
        lines.push(Line::from(Span::styled(
            format!("↑/↓ choose · Enter continue {then} · Esc cancel"),
            dim(),
        )));
        message(frame, " Authorize ", lines, 72);
    }
}

/// Paste the portal's long-lived token.
#[derive(Debug)]
pub struct TokenPrompt {
    pub slug: String,
    pub input: LineInput,
    pub store: bool,
    pub then_run: bool,
}

impl TokenPrompt {
    pub fn key(mut self, key: KeyEvent) -> Step {
        match key.code {
            KeyCode::Esc => Step::close(),
            // Without a run, storing it is the point: no box to untick.
            KeyCode::Tab if self.then_run => {
                self.store = !self.store;
                Step::keep(Dialog::TokenPrompt(self))
            }
            KeyCode::Enter if !self.input.value().trim().is_empty() => {
                Step::act(DialogAction::UseToken {
                    token: Secret::new(self.input.value().trim()),
                    slug: self.slug,
                    store: self.store || !self.then_run,
                    then_run: self.then_run,
                })
            }
            _ => {
                self.input.key(key);
                Step::keep(Dialog::TokenPrompt(self))
            }
        }
    }

    pub fn draw(&self, frame: &mut Frame) {
        let lines = vec![
            Line::from(format!(
                "A token for `{}` is needed to run it.",
                sanitize_line(&self.slug)
            )),
            Line::from("Paste the portal's token:"),
        ];
        let footer = if self.then_run {
            let check = if self.store { "[x]" } else { "[ ]" };
            format!("{check} store it (Tab) · Enter run · Esc cancel")
        } else {
            "Enter store it · Esc cancel".to_owned()
        };
        prompt(
            frame,
            " Portal token ",
            lines,
            &masked(&self.input),
            &footer,
            64,
        );
    }
}

/// Paste a portal secret, for an ephemeral token.
#[derive(Debug)]
pub struct SecretPrompt {
    pub slug: String,
    pub input: LineInput,
    pub then_run: bool,
}

impl SecretPrompt {
    pub fn key(mut self, key: KeyEvent) -> Step {
        match key.code {
            KeyCode::Esc => Step::close(),
            KeyCode::Enter if !self.input.value().trim().is_empty() => {
                Step::act(DialogAction::UseSecret {
                    secret: Secret::new(self.input.value().trim()),
                    slug: self.slug,
                    then_run: self.then_run,
                })
            }
            _ => {
                self.input.key(key);
                Step::keep(Dialog::SecretPrompt(self))
            }
        }
    }

    pub fn draw(&self, frame: &mut Frame) {
        let lines = vec![
            Line::from(format!(
                "A portal secret of `{}` (bkps_…):",
                sanitize_line(&self.slug)
            )),
            Line::from(Span::styled(
                "It buys an admin-level token that lasts at most an hour.",
                dim(),
            )),
        ];
        prompt(
            frame,
            " Portal secret ",
            lines,
            &masked(&self.input),
            "Enter get a token · Esc cancel",
            64,
        );
    }
}

/// The sign-in (device code) flow in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignIn {
    pub slug: String,
    /// Known once the code arrived.
    pub code: Option<String>,
    pub url: Option<String>,
    pub seconds_left: Option<i64>,
    pub opened_browser: bool,
    /// The last poll's answer was unreadable (why): the flow keeps asking.
    pub unreadable: Option<String>,
    pub copied: Option<String>,
    pub then_run: bool,
}

impl SignIn {
    pub fn new(slug: String, then_run: bool) -> SignIn {
        SignIn {
            slug,
            code: None,
            url: None,
            seconds_left: None,
            opened_browser: false,
            unreadable: None,
            copied: None,
            then_run,
        }
    }

    pub fn key(self, key: KeyEvent) -> Step {
        match key.code {
            KeyCode::Esc => Step::act(DialogAction::CancelSignIn),
            KeyCode::Char('c') => match self.url.clone() {
                Some(url) => Step::keep_and(Dialog::SignIn(self), DialogAction::Copy(url)),
                None => Step::keep(Dialog::SignIn(self)),
            },
            _ => Step::keep(Dialog::SignIn(self)),
        }
    }

    pub fn draw(&self, frame: &mut Frame, app: &App) {
        let mut lines = vec![Line::from(format!(
            "Sign in to run `{}` with your own permissions.",
            sanitize_line(&self.slug)
        ))];
        lines.push(Line::default());
        match (&self.url, &self.code) {
            (Some(url), Some(code)) => {
                lines.push(Line::from(format!(
                    "Approve code {} at:",
                    sanitize_line(code)
                )));
                lines.push(Line::from(Span::styled(
                    format!("  {}", sanitize_line(url)),
                    Style::new().fg(Color::Cyan).bold(),
                )));
                lines.push(Line::default());
                lines.push(Line::from(Span::styled(
                    if self.opened_browser {
                        "Opened in your browser."
                    } else {
                        "No browser here: open the URL on any machine."
                    },
                    dim(),
                )));
                let left = self.seconds_left.unwrap_or(0).max(0);
                lines.push(Line::from(format!(
                    "{} Waiting for approval… {}:{:02} left",
                    spinner(app),
                    left / 60,
                    left % 60
                )));
                if let Some(why) = &self.unreadable {
                    lines.push(Line::from(Span::styled(
                        format!(
                            "An answer from {} was unreadable ({}); still trying.",
                            app.server_name(),
                            sanitize_line(why)
                        ),
                        Style::new().fg(Color::Yellow),
                    )));
                }
            }
            _ => lines.push(Line::from(format!(
                "{} Asking {} for a code…",
                spinner(app),
                app.server_name()
            ))),
        }
        if let Some(copied) = &self.copied {
            lines.push(Line::from(Span::styled(
                format!("✓ {}", sanitize_line(copied)),
                Style::new().fg(Color::Green),
            )));
        }
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            "c copy the URL · Esc cancel",
            dim(),
        )));
        message(frame, " Sign in as me ", lines, 76);
    }
}
