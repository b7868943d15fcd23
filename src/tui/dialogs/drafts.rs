//! Unsaved edits found on disk at start: restore, compare or discard each,
//! or leave them for later (they stay on disk, and `D` brings this back).

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::{key_lines, message};
use super::{Dialog, DialogAction, Step};
use crate::drafts::Draft;
use crate::text::sanitize_line;
use crate::tui::app::App;
use crate::tui::view::{dim, error_style};

/// The dialog's width, when the screen has it.
const WIDTH: u16 = 80;

#[derive(Debug)]
pub struct DraftsDialog {
    pub drafts: Vec<Draft>,
    pub selected: usize,
    /// Slugs that exist on Buildkite (as listed when the dialog opened).
    pub existing: Vec<String>,
    /// `x` was pressed: the selected draft goes only once `y` confirms it
    /// (a draft is all that is left of that edit).
    pub discarding: bool,
}

impl DraftsDialog {
    pub fn key(mut self, key: KeyEvent) -> Step {
        let Some(slug) = self.drafts.get(self.selected).map(|d| d.slug.clone()) else {
            return Step::close();
        };
        let exists = self.existing.contains(&slug);
        if self.discarding {
            return self.confirm_discard(key, slug);
        }
        match key.code {
            KeyCode::Esc => Step::act(DialogAction::DraftsLater(self.drafts)),
            KeyCode::Up => {
                self.selected = self.selected.saturating_sub(1);
                Step::keep(Dialog::Drafts(self))
            }
            KeyCode::Down => {
                self.selected = (self.selected + 1).min(self.drafts.len().saturating_sub(1));
                Step::keep(Dialog::Drafts(self))
            }
            KeyCode::Char('x') => {
                self.discarding = true;
                Step::keep(Dialog::Drafts(self))
            }
            KeyCode::Char('r') | KeyCode::Char('d') if !exists => Step::keep_and(
                Dialog::Drafts(self),
                DialogAction::Status(format!(
                    "{slug} no longer exists on Buildkite: x discards its draft, Esc keeps it."
                )),
            ),
            KeyCode::Char('r') | KeyCode::Char('d') => {
                let draft = self.drafts.remove(self.selected);
                Step::act(DialogAction::RestoreDraft {
                    draft: Box::new(draft),
                    compare: key.code == KeyCode::Char('d'),
                    rest: self.drafts,
                })
            }
            _ => Step::keep(Dialog::Drafts(self)),
        }
    }

    /// After `x`: `y` discards the selected draft, any other key keeps it.
    fn confirm_discard(mut self, key: KeyEvent, slug: String) -> Step {
        self.discarding = false;
        if key.code != KeyCode::Char('y') {
            return Step::keep_and(
                Dialog::Drafts(self),
                DialogAction::Status(format!("Kept the draft of {slug}.")),
            );
        }
        self.drafts.remove(self.selected);
        self.selected = self.selected.min(self.drafts.len().saturating_sub(1));
        let keep = (!self.drafts.is_empty()).then_some(Dialog::Drafts(self));
        Step {
            keep,
            action: Some(DialogAction::DiscardDraft(slug)),
        }
    }

    pub fn draw(&self, frame: &mut Frame, _app: &App) {
        let mut lines = vec![
            Line::from(format!(
                "{} unsaved edit(s) from an earlier session:",
                self.drafts.len()
            )),
            Line::default(),
        ];
        for (i, draft) in self.drafts.iter().enumerate() {
            let marker = if i == self.selected { "› " } else { "  " };
            let note = if self.existing.contains(&draft.slug) {
                ""
            } else {
                "  (deleted on Buildkite)"
            };
            let style = if i == self.selected {
                Style::new().bold()
            } else {
                Style::new()
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{marker}{}", sanitize_line(&draft.slug)), style),
                Span::styled(
                    format!("  saved {}{note}", sanitize_line(&draft.saved_at)),
                    dim(),
                ),
            ]));
        }
        lines.push(Line::default());
        let width = frame.area().width.min(WIDTH);
        if let Some(draft) = self
            .discarding
            .then(|| self.drafts.get(self.selected))
            .flatten()
        {
            lines.push(Line::from(Span::styled(
                format!(
                    "Discard the draft of {}? Its edit is lost: this cannot be undone.",
                    sanitize_line(&draft.slug)
                ),
                error_style(),
            )));
            lines.extend(key_lines(
                "y discard · any other key keeps it",
                usize::from(width.saturating_sub(2)),
            ));
            message(frame, " Drafts ", lines, width);
            return;
        }
        lines.extend(key_lines(
            "r restore · d compare with Buildkite's version · x discard · Esc later (D reviews)",
            usize::from(width.saturating_sub(2)),
        ));
        message(frame, " Drafts ", lines, width);
    }
}
