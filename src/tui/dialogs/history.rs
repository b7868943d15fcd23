//! `H`: the selected portal's recorded runs, newest first. Enter runs the
//! selected one again (its operation and variables); Space marks entries,
//! and `d` compares two marked answers (or the selected one with the answer
//! on screen) by JSON path.

use crate::text::plural;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::{key_lines, message};
use super::{Dialog, DialogAction, Step};
use crate::history::{diff_answers, ChangeKind, HistoryEntry};
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
    /// The comparison shown instead of the list (`d`), and its scroll.
    pub diff: Option<Comparison>,
    pub diff_scroll: usize,
}

/// Two answers compared: what the dialog shows instead of the runs.
#[derive(Debug)]
pub struct Comparison {
    pub title: String,
    /// A line per difference, or one line saying there is none (or why
    /// the answers cannot be compared).
    pub lines: Vec<String>,
    /// How many differences `lines` holds: the footer's count, which the
    /// line saying there are none must not add to.
    pub differences: usize,
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
            diff: None,
            diff_scroll: 0,
        }
    }

    pub fn key(mut self, key: KeyEvent) -> Step {
        if let Some(Comparison { lines, .. }) = &self.diff {
            let last = lines.len().saturating_sub(1);
            match key.code {
                KeyCode::Up | KeyCode::Char('k') => {
                    self.diff_scroll = self.diff_scroll.saturating_sub(1)
                }
                KeyCode::Down | KeyCode::Char('j') => {
                    self.diff_scroll = (self.diff_scroll + 1).min(last)
                }
                KeyCode::PageDown => self.diff_scroll = (self.diff_scroll + 10).min(last),
                KeyCode::PageUp => self.diff_scroll = self.diff_scroll.saturating_sub(10),
                _ => self.diff = None, // back to the list
            }
            return Step::keep(Dialog::History(self));
        }
        let last = self.entries.len().saturating_sub(1);
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return Step::close(),
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.selected = (self.selected + 1).min(last),
            KeyCode::Home | KeyCode::Char('g') => self.selected = 0,
            KeyCode::End | KeyCode::Char('G') => self.selected = last,
            KeyCode::Char(' ') => self.toggle_mark(),
            KeyCode::Char('d') if self.marked.len() == 2 => {
                // The older run (further down the list) is the "before".
                let (newer, older) = (
                    self.marked[0].min(self.marked[1]),
                    self.marked[0].max(self.marked[1]),
                );
                let title = format!("run of {} → run of {}", self.at(older), self.at(newer));
                let lines = diff_lines(&self.entries[older].answer, &self.entries[newer].answer);
                self.show_diff(title, lines);
            }
            KeyCode::Char('d') => {
                return Step::act(DialogAction::CompareWithAnswer(Box::new(self)))
            }
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

    fn at(&self, i: usize) -> String {
        self.entries
            .get(i)
            .map_or_else(String::new, |e| crate::text::readable_time(&e.at, true))
    }

    /// Shows the comparison of the selected run's answer with `answer` (the
    /// one on screen).
    pub fn compare_with(&mut self, answer: &str) {
        let Some(entry) = self.entries.get(self.selected) else {
            return;
        };
        let title = format!(
            "run of {} → the answer on screen",
            crate::text::readable_time(&entry.at, true)
        );
        let lines = diff_lines(&entry.answer, answer);
        self.show_diff(title, lines);
    }

    fn show_diff(&mut self, title: String, lines: Result<Vec<String>, String>) {
        let (lines, differences) = match lines {
            Ok(lines) if lines.is_empty() => (vec!["No difference.".to_owned()], 0),
            Ok(lines) => {
                let count = lines.len();
                (lines, count)
            }
            Err(why) => (vec![why], 0),
        };
        self.diff = Some(Comparison {
            title,
            lines,
            differences,
        });
        self.diff_scroll = 0;
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
        if let Some(comparison) = &self.diff {
            let mut lines = vec![
                Line::from(sanitize_line(&comparison.title)),
                Line::default(),
            ];
            lines.extend(
                comparison
                    .lines
                    .iter()
                    .skip(self.diff_scroll)
                    .take(room)
                    .map(|l| Line::from(sanitize_line(l))),
            );
            lines.push(Line::default());
            let footer = match comparison.differences {
                0 => "Esc: back to the runs".to_owned(),
                count => {
                    format!(
                        "{} · ↑/↓ scroll · any other key: back to the runs",
                        plural(count, "difference")
                    )
                }
            };
            lines.push(Line::from(Span::styled(footer, dim())));
            message(frame, " History: answers compared ", lines, 96);
            return;
        }
        // The window of entries that holds the selected one.
        let start = self.selected.saturating_sub(room - 1);
        let mut lines = vec![
            Line::from(format!(
                "{} of {}, newest first:",
                plural(self.entries.len(), "run"),
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
        let width = frame.area().width.min(96);
        lines.extend(key_lines(
            "Enter run again · Space mark · d compare two marked (or this one with the answer on screen) · Esc close",
            usize::from(width.saturating_sub(2)),
        ));
        message(frame, " History ", lines, width);
    }
}

/// One entry as the list shows it: time, operation, token kind, status, duration.
pub fn entry_line(entry: &HistoryEntry) -> String {
    let status = match (entry.status, &entry.error, entry.cancelled) {
        (Some(status), _, true) => format!("{status} cancelled"),
        (None, _, true) => "cancelled".to_owned(),
        (Some(status), _, false) => status.to_string(),
        (None, Some(_), false) => "failed".to_owned(),
        (None, None, false) => "-".to_owned(),
    };
    format!(
        "{}  {}  {}  {}  {} ms",
        crate::text::readable_time(&entry.at, true),
        // `-` as `bkportals history` prints it: the document's only operation.
        entry.operation.as_deref().unwrap_or("-"),
        entry.token,
        status,
        entry.duration_ms
    )
}

/// The most of a value a comparison line shows.
const VALUE_WIDTH: usize = 60;

/// Two answers compared by JSON path, a line per difference (`+` added,
/// `-` removed, `~` changed), or why they cannot be.
pub fn diff_lines(before: &str, after: &str) -> Result<Vec<String>, String> {
    let parse = |text: &str, which: &str| {
        serde_json::from_str::<serde_json::Value>(text).map_err(|_| {
            format!("The {which} answer is not whole JSON (an error, or cut at 64 KB in the history): nothing to compare by path.")
        })
    };
    let before = parse(before, "older")?;
    let after = parse(after, "newer")?;
    let short = |value: &Option<serde_json::Value>| {
        let text = value.as_ref().map(|v| v.to_string()).unwrap_or_default();
        crate::tui::wrap::cut(&text, VALUE_WIDTH)
    };
    Ok(diff_answers(&before, &after)
        .into_iter()
        .map(|c| match c.kind {
            ChangeKind::Added => format!("+ {}: {}", c.path, short(&c.after)),
            ChangeKind::Removed => format!("- {}: {}", c.path, short(&c.before)),
            ChangeKind::Changed => {
                format!("~ {}: {} → {}", c.path, short(&c.before), short(&c.after))
            }
        })
        .collect())
}
