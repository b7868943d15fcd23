//! `H`: the selected portal's recorded runs, newest first. Enter runs the
//! selected one again (its operation and variables); Space marks entries,
//! and `d` compares two answers by JSON path.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::message;
use super::{Dialog, DialogAction, Step};
use crate::history::HistoryEntry;
use crate::text::sanitize_line;
use crate::tui::view::dim;

#[derive(Debug)]
pub struct HistoryDialog {
    pub slug: String,
    /// Newest first.
    pub entries: Vec<HistoryEntry>,
    pub selected: usize,
    /// Marked entries (indexes into `entries`), at most two, to compare.
    pub marked: Vec<usize>,
}

impl HistoryDialog {
    /// `entries` as the history keeps them, oldest first.
    pub fn new(slug: String, mut entries: Vec<HistoryEntry>) -> HistoryDialog {
        entries.reverse();
        HistoryDialog {
            slug,
            entries,
            selected: 0,
            marked: Vec::new(),
        }
    }

    pub fn key(mut self, key: KeyEvent) -> Step {
        let last = self.entries.len().saturating_sub(1);
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return Step::close(),
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.selected = (self.selected + 1).min(last),
            KeyCode::Home | KeyCode::Char('g') => self.selected = 0,
            KeyCode::End | KeyCode::Char('G') => self.selected = last,
            KeyCode::Char(' ') => self.toggle_mark(),
            KeyCode::Enter => {
                let Some(entry) = self.entries.get(self.selected) else {
                    return Step::close();
                };
                return Step::act(DialogAction::Rerun {
                    slug: self.slug.clone(),
                    operation: entry.operation.clone(),
                    variables: entry.variables.clone(),
                });
            }
            _ => {}
        }
        Step::keep(Dialog::History(self))
    }

    fn toggle_mark(&mut self) {
        if let Some(at) = self.marked.iter().position(|&i| i == self.selected) {
            self.marked.remove(at);
        } else {
            if self.marked.len() == 2 {
                self.marked.remove(0);
            }
            self.marked.push(self.selected);
        }
    }

    pub fn draw(&self, frame: &mut Frame) {
        let room = usize::from(frame.area().height.saturating_sub(8)).max(3);
        // The window of entries that holds the selected one.
        let start = self.selected.saturating_sub(room - 1);
        let mut lines = vec![
            Line::from(format!(
                "{} run(s) of {}, newest first:",
                self.entries.len(),
                sanitize_line(&self.slug)
            )),
            Line::default(),
        ];
        for (i, entry) in self.entries.iter().enumerate().skip(start).take(room) {
            let marker = match (i == self.selected, self.marked.contains(&i)) {
                (true, true) => "›*",
                (true, false) => "› ",
                (false, true) => " *",
                (false, false) => "  ",
            };
            let style = if i == self.selected {
                Style::new().bold()
            } else {
                Style::new()
            };
            lines.push(Line::from(Span::styled(
                format!("{marker}{}", sanitize_line(&entry_line(entry))),
                style,
            )));
        }
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            "Enter run again · Space mark · ↑/↓ move · Esc close",
            dim(),
        )));
        message(frame, " History ", lines, 96);
    }
}

/// One entry as the list shows it: time, operation, token kind, status, duration.
pub fn entry_line(entry: &HistoryEntry) -> String {
    let status = match (entry.status, &entry.error) {
        (Some(status), _) => status.to_string(),
        (None, Some(_)) => "failed".to_owned(),
        (None, None) => "-".to_owned(),
    };
    format!(
        "{}  {}  {}  {}  {} ms",
        entry.at,
        entry.operation.as_deref().unwrap_or("(only operation)"),
        entry.token,
        status,
        entry.duration_ms
    )
}
