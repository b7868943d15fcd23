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

/// Save the answer, as shown, to a file; asks again before replacing one.
#[derive(Debug)]
pub struct SaveResponse {
    pub path: LineInput,
    /// The file exists (its absolute path): Enter on it replaces it.
    pub exists: Option<String>,
    /// Why the last try to save to the path failed.
    pub error: Option<String>,
    /// What is saved: the response, or a jq filter's result (`shown_as`).
    pub what: String,
}

/// The save dialog's width (less on a narrower screen).
const SAVE_WIDTH: u16 = 72;

/// The file offered when `s` opens the dialog, in the working directory.
const DEFAULT_NAME: &str = "response.json";

impl SaveResponse {
    /// Offers the path of the last save in this session (`last`), else
    /// `response.json` in the working directory, by its absolute path, so
    /// what is offered is what the status line reports after.
    pub fn dialog(last: Option<&str>, what: String) -> Dialog {
        let offered = last.map_or_else(
            || {
                std::path::absolute(DEFAULT_NAME)
                    .map_or_else(|_| DEFAULT_NAME.to_owned(), |p| p.display().to_string())
            },
            str::to_owned,
        );
        Dialog::SaveResponse(SaveResponse {
            path: LineInput::new(&offered),
            exists: None,
            error: None,
            what,
        })
    }

    /// Asked again: `path` exists.
    pub fn overwrite(path: String, what: String) -> Dialog {
        Dialog::SaveResponse(SaveResponse {
            path: LineInput::new(&path),
            exists: Some(path),
            error: None,
            what,
        })
    }

    /// Offered again after saving to `path` (as typed) failed with `error`.
    pub fn failed(path: &str, error: String, what: String) -> Dialog {
        Dialog::SaveResponse(SaveResponse {
            path: LineInput::new(path),
            exists: None,
            error: Some(error),
            what,
        })
    }

    pub fn key(mut self, key: KeyEvent) -> Step {
        let typed = self.path.value().trim().to_owned();
        match key.code {
            // What was typed is offered when `s` opens the dialog again.
            KeyCode::Esc => Step::act(DialogAction::SaveCancelled(self.path.value().to_owned())),
            KeyCode::Enter if !typed.is_empty() => {
                let overwrite = self.exists.as_deref() == Some(typed.as_str());
                Step::act(DialogAction::WriteResponse {
                    path: typed,
                    overwrite,
                    what: self.what,
                })
            }
            _ => {
                self.path.key(key);
                Step::keep(Dialog::SaveResponse(self))
            }
        }
    }

    pub fn draw(&self, frame: &mut Frame) {
        // A long filter wraps rather than running past the box.
        let what = format!("Save {} as shown (JSON pretty-printed) to:", self.what);
        let mut lines: Vec<Line> = crate::tui::wrap::wrap(&what, usize::from(SAVE_WIDTH - 2))
            .into_iter()
            .map(Line::from)
            .collect();
        let footer = match &self.exists {
            Some(path) => {
                // A long path wraps rather than running past the box.
                let text = format!("{} exists.", sanitize_line(path));
                lines.extend(
                    crate::tui::wrap::wrap(&text, usize::from(SAVE_WIDTH - 2))
                        .into_iter()
                        .map(|part| {
                            Line::from(Span::styled(part, crate::tui::view::error_style()))
                        }),
                );
                lines.push(Line::from(Span::styled(
                    "Enter replaces it; or change the name.",
                    dim(),
                )));
                "Enter replace · Esc cancel"
            }
            None => "Enter save · Esc cancel",
        };
        if let Some(error) = &self.error {
            lines.extend(
                crate::tui::wrap::wrap(&sanitize_line(error), usize::from(SAVE_WIDTH - 2))
                    .into_iter()
                    .map(|part| Line::from(Span::styled(part, crate::tui::view::error_style()))),
            );
            lines.push(Line::from(Span::styled("Change the path, or Esc.", dim())));
        }
        prompt(
            frame,
            " Save response ",
            lines,
            &self.path,
            footer,
            SAVE_WIDTH,
        );
    }
}
