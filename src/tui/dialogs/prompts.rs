//! Dialogs that ask for one line: the slug to confirm a delete, the file to
//! save an answer to.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::prompt;
use super::{Dialog, DialogAction, Step};
use crate::text::sanitize_line;
use crate::tui::input::LineInput;
use crate::tui::view::dim;

/// Delete a portal: type its slug to confirm.
#[derive(Debug)]
pub struct DeletePrompt {
    pub slug: String,
    pub typed: LineInput,
}

impl DeletePrompt {
    pub fn dialog(slug: String) -> Dialog {
        Dialog::Delete(DeletePrompt {
            slug,
            typed: LineInput::default(),
        })
    }

    pub fn key(mut self, key: KeyEvent) -> Step {
        match key.code {
            KeyCode::Esc => Step::act(DialogAction::Status("Not deleted.".into())),
            KeyCode::Enter if self.typed.value() == self.slug => {
                Step::act(DialogAction::Delete(self.slug))
            }
            KeyCode::Enter => {
                let hint = format!("Type `{}` exactly to delete it (Esc keeps it).", self.slug);
                Step::keep_and(Dialog::Delete(self), DialogAction::Status(hint))
            }
            _ => {
                self.typed.key(key);
                Step::keep(Dialog::Delete(self))
            }
        }
    }

    pub fn draw(&self, frame: &mut Frame) {
        let slug = sanitize_line(&self.slug);
        let lines = vec![
            Line::from(format!("Delete portal `{slug}`?")),
            Line::from(Span::styled(
                "Its URL and token stop working; this cannot be undone.",
                dim(),
            )),
            Line::default(),
            Line::from("Type the portal's slug to confirm:"),
        ];
        prompt(
            frame,
            " Delete portal ",
            lines,
            &self.typed,
            "Enter delete · Esc keep",
            64,
        );
    }
}

/// Save the answer's body to a file.
#[derive(Debug)]
pub struct SaveResponse {
    pub path: LineInput,
}

impl SaveResponse {
    pub fn dialog() -> Dialog {
        Dialog::SaveResponse(SaveResponse {
            path: LineInput::new("response.json"),
        })
    }

    pub fn key(mut self, key: KeyEvent) -> Step {
        match key.code {
            KeyCode::Esc => Step::close(),
            KeyCode::Enter if !self.path.value().trim().is_empty() => Step::act(
                DialogAction::WriteResponse(self.path.value().trim().to_owned()),
            ),
            _ => {
                self.path.key(key);
                Step::keep(Dialog::SaveResponse(self))
            }
        }
    }

    pub fn draw(&self, frame: &mut Frame) {
        let lines = vec![Line::from("Save the response body to:")];
        prompt(
            frame,
            " Save response ",
            lines,
            &self.path,
            "Enter save · Esc cancel",
            64,
        );
    }
}
