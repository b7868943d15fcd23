//! The new portal's token, shown once. Only Enter closes it; quitting from
//! here asks first and says whether the token would be lost.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::message;
use super::{Dialog, DialogAction, Step};
use crate::secrets::Secret;
use crate::text::{sanitize_line, sentence_start};
use crate::tui::view::{dim, error_style};
use crate::tui::wrap;

/// Columns of the new portal's slug the dialog shows at most.
const SLUG_SHOWN: usize = 40;

#[derive(Debug)]
pub struct TokenDialog {
    pub slug: String,
    pub token: Secret,
    /// Keep it in the token store (it already is; unticking forgets it).
    pub store: bool,
    /// How the last copy went.
    pub copied: Option<String>,
    /// A key that does not close it was pressed: say how to close it.
    pub reminded: bool,
    /// Ctrl-c or q was pressed: asking whether to quit anyway.
    pub quitting: bool,
}

impl TokenDialog {
    pub fn new(slug: String, token: Secret, stored: bool) -> TokenDialog {
        TokenDialog {
            slug,
            token,
            store: stored,
            copied: None,
            reminded: false,
            quitting: false,
        }
    }

    pub fn key(mut self, key: KeyEvent) -> Step {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if self.quitting {
            return match key.code {
                // A plain y only: a stray Ctrl-y must not lose a token.
                KeyCode::Char('y') | KeyCode::Char('Y') if !ctrl => Step::act(DialogAction::Quit),
                _ => {
                    self.quitting = false;
                    Step::keep(Dialog::Token(self))
                }
            };
        }
        match key.code {
            KeyCode::Char('c') if ctrl => {
                self.quitting = true;
                Step::keep(Dialog::Token(self))
            }
            KeyCode::Char('q') => {
                self.quitting = true;
                Step::keep(Dialog::Token(self))
            }
            KeyCode::Char('c') => {
                let token = self.token.expose().to_owned();
                Step::keep_and(Dialog::Token(self), DialogAction::Copy(token))
            }
            KeyCode::Char(' ') | KeyCode::Char('s') => {
                self.store = !self.store;
                Step::keep(Dialog::Token(self))
            }
            KeyCode::Enter => Step::act(DialogAction::TokenConfirmed {
                slug: self.slug,
                store: self.store,
            }),
            _ => {
                self.reminded = true;
                Step::keep(Dialog::Token(self))
            }
        }
    }

    /// `server`: the server that made it, as said (`App::server_name`).
    pub fn draw(&self, frame: &mut Frame, server: &str) {
        let check = if self.store { "[x]" } else { "[ ]" };
        let mut lines = vec![
            // A slug of hundreds of characters would push the token off the screen.
            Line::from(format!(
                "Portal `{}` was created. Its token:",
                wrap::cut(&sanitize_line(&self.slug), SLUG_SHOWN)
            )),
            Line::default(),
            Line::from(Span::styled(
                format!("  {}  ", sanitize_line(self.token.expose())),
                Style::new().fg(Color::Black).bg(Color::Yellow).bold(),
            )),
            Line::default(),
            Line::from(Span::styled(
                format!(
                    "{} shows this token only once: it cannot be retrieved again.",
                    sentence_start(server)
                ),
                Style::new().fg(Color::Yellow),
            )),
            Line::default(),
            Line::from(format!(
                "{check} keep it in the token store for test runs (Space)"
            )),
        ];
        if let Some(copied) = &self.copied {
            lines.push(Line::from(Span::styled(
                format!("✓ {}", sanitize_line(copied)),
                Style::new().fg(Color::Green),
            )));
        }
        if self.quitting {
            let fate = if self.store {
                "The token is in the token store: quitting keeps it there."
            } else {
                "The token is NOT stored: quitting now loses it for good."
            };
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(fate, error_style())));
            lines.push(Line::from("Quit anyway?  y quit · any other key stays"));
        } else if self.reminded {
            lines.push(Line::from(Span::styled(
                "Press Enter once the token is saved somewhere; nothing else closes this.",
                error_style(),
            )));
        }
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            "c copy · Space store or not · Enter I have saved it",
            dim(),
        )));
        message(frame, " New portal token ", lines, 76);
    }
}
