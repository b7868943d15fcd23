//! Unsaved edits found on disk at start: restore, compare or discard each,
//! or leave them for later (they stay on disk, and `D` brings this back).
//! The list is what was on disk when it opened: each choice looks at the
//! draft on disk again first (`Command::TakeDraft`), and while it looks the
//! dialog takes no keys.

use crate::text::plural;
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
    /// `x` was pressed and the draft found on disk as shown (and claimed
    /// here): it goes only once `y` confirms it (a draft is all that is
    /// left of that edit).
    pub discarding: bool,
    /// The selected draft is being looked at on disk (`Msg::DraftTaken`
    /// answers): keys wait.
    pub checking: bool,
    /// The server the portals are on, as said (`App::server_name`).
    pub server: String,
}

/// What a choice in the dialog does with a draft, once it is found on disk
/// as the dialog shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftUse {
    Restore,
    /// Beside Buildkite's version, not restored until a choice there.
    Compare,
    /// `x`: looked at before the question is asked, so a draft another
    /// bkportals has taken is said to be at once, not after a `y`.
    AskToDiscard,
    Discard,
}

impl DraftUse {
    /// What was not done, in a message: "restored", "compared", "discarded".
    pub fn done(self) -> &'static str {
        match self {
            DraftUse::Restore => "restored",
            DraftUse::Compare => "compared",
            DraftUse::AskToDiscard | DraftUse::Discard => "discarded",
        }
    }
}

impl DraftsDialog {
    pub fn key(mut self, key: KeyEvent) -> Step {
        let Some(slug) = self.drafts.get(self.selected).map(|d| d.slug.clone()) else {
            return Step::close();
        };
        let exists = self.existing.contains(&slug);
        if self.checking {
            return Step::keep(Dialog::Drafts(self));
        }
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
            KeyCode::Char('x') => self.take(DraftUse::AskToDiscard),
            KeyCode::Char('r') | KeyCode::Char('d') if !exists => {
                let said = format!(
                    "{slug} no longer exists on {}: x discards its draft, Esc keeps it.",
                    self.server
                );
                Step::keep_and(Dialog::Drafts(self), DialogAction::Status(said))
            }
            KeyCode::Char('r') => self.take(DraftUse::Restore),
            KeyCode::Char('d') => self.take(DraftUse::Compare),
            _ => Step::keep(Dialog::Drafts(self)),
        }
    }

    /// After `x`: `y` discards the selected draft, any other key keeps it
    /// (and lets go of its portal, claimed to ask).
    fn confirm_discard(mut self, key: KeyEvent, slug: String) -> Step {
        self.discarding = false;
        if key.code != KeyCode::Char('y') {
            return Step::keep_and(Dialog::Drafts(self), DialogAction::KeepDraft(slug));
        }
        self.take(DraftUse::Discard)
    }

    /// The selected draft, to `purpose` once it is found on disk as shown.
    fn take(mut self, purpose: DraftUse) -> Step {
        let Some(draft) = self.drafts.get(self.selected).cloned() else {
            return Step::keep(Dialog::Drafts(self));
        };
        self.checking = true;
        Step::keep_and(
            Dialog::Drafts(self),
            DialogAction::TakeDraft {
                draft: Box::new(draft),
                purpose,
            },
        )
    }

    pub fn draw(&self, frame: &mut Frame, app: &App) {
        let mut lines = vec![
            Line::from(format!(
                "{} from an earlier session:",
                plural(self.drafts.len(), "unsaved edit")
            )),
            Line::default(),
        ];
        for (i, draft) in self.drafts.iter().enumerate() {
            let marker = if i == self.selected { "› " } else { "  " };
            let note = if app.drafts_taken_elsewhere.contains(&draft.slug) {
                "  (taken by another bkportals)".to_owned()
            } else if self.existing.contains(&draft.slug) {
                String::new()
            } else {
                format!("  (deleted on {})", self.server)
            };
            let style = if i == self.selected {
                Style::new().bold()
            } else {
                Style::new()
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{marker}{}", sanitize_line(&draft.slug)), style),
                Span::styled(
                    format!(
                        "  saved {}{note}",
                        crate::text::readable_time(&draft.saved_at, false)
                    ),
                    dim(),
                ),
            ]));
        }
        lines.push(Line::default());
        let width = frame.area().width.min(WIDTH);
        let keys_width = usize::from(width.saturating_sub(2));
        let slug =
            (self.drafts.get(self.selected)).map_or(String::new(), |d| sanitize_line(&d.slug));
        if self.checking {
            lines.push(Line::from(Span::styled(
                format!("Looking at the draft of {slug} on disk as it is now…"),
                dim(),
            )));
        } else if self.discarding {
            lines.push(Line::from(Span::styled(
                format!("Discard the draft of {slug}? Its edit is lost: this cannot be undone."),
                error_style(),
            )));
            lines.extend(key_lines("y discard · any other key keeps it", keys_width));
        } else {
            let keys = format!(
                "r restore · d compare with {}'s version · x discard · Esc later (D reviews)",
                self.server
            );
            lines.extend(key_lines(&keys, keys_width));
        }
        message(frame, " Drafts ", lines, width);
    }
}
