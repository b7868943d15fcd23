//! Yours and the server's version side by side: after a save found the
//! portal changed on the server, or to compare a restored draft.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::frame::key_lines;
use super::{Dialog, DialogAction, Step};
use crate::buildkite::Portal;
use crate::text::{sanitize_line, sentence_start};
use crate::tui::app::App;
use crate::tui::editor::{FieldDraft, PortalEdit};
use crate::tui::layout::centered;
use crate::tui::view::{dim, pane};
use crate::tui::wrap;

#[derive(Debug)]
pub struct Conflict {
    pub slug: String,
    pub server: Box<Portal>,
    /// Buildkite's version differs from the one the edit started from. When
    /// false, this only compares (a draft with an unchanged portal).
    pub changed: bool,
    /// A draft from the drafts dialog, compared before it is restored: a
    /// choice here restores it, Esc offers it there again. (Otherwise the
    /// edit compared is the app's.)
    pub draft: Option<Box<PortalEdit>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictChoice {
    /// Save my changed fields over their current version.
    KeepMine,
    /// Replace my edit with their version.
    TakeTheirs,
    /// Keep editing on top of their version.
    Rebase,
}

impl Conflict {
    pub fn key(self, key: KeyEvent) -> Step {
        if key.code == KeyCode::Esc && self.draft.is_some() {
            return Step::act(DialogAction::BackToDrafts(self.slug));
        }
        let choice = match key.code {
            KeyCode::Char('y') | KeyCode::Char('k') => ConflictChoice::KeepMine,
            KeyCode::Char('t') => ConflictChoice::TakeTheirs,
            KeyCode::Char('e') | KeyCode::Esc => ConflictChoice::Rebase,
            _ => return Step::keep(Dialog::Conflict(self)),
        };
        Step::act(DialogAction::Conflict {
            choice,
            conflict: self,
        })
    }

    pub fn draw(&self, frame: &mut Frame, app: &App) {
        let screen = frame.area();
        let area = centered(
            screen,
            screen.width.saturating_sub(4),
            screen.height.saturating_sub(2),
        );
        frame.render_widget(Clear, area);
        let slug = sanitize_line(&self.slug);
        let server = app.server_name();
        let title = if self.changed {
            format!(" {slug} changed on {server} since you loaded it ")
        } else {
            format!(" {slug}: your draft beside {server}'s version ")
        };
        let block = pane(title, true);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let Some(edit) = self.draft.as_deref().or_else(|| app.edits.get(&self.slug)) else {
            return;
        };
        // The columns share what the ` │ ` between them leaves, the right
        // one taking an odd column, so both reach their edge.
        let text_width = usize::from(inner.width).saturating_sub(3);
        let (left_width, right_width) = (text_width / 2, text_width - text_width / 2);
        let fit = |text: &str, width: usize| {
            let cut = wrap::cut(&sanitize_line(text), width);
            let pad = width.saturating_sub(wrap::width(&cut));
            format!("{cut}{}", " ".repeat(pad))
        };
        let cell = |text: &str| fit(text, left_width);
        let right = |text: &str| fit(text, right_width);
        let mut lines = vec![Line::from(vec![
            Span::styled(cell("Yours"), Style::new().bold().fg(Color::Yellow)),
            Span::raw(" │ "),
            Span::styled(
                right(&format!("{}'s now", sentence_start(&server))),
                Style::new().bold().fg(Color::Cyan),
            ),
        ])];
        let (mine, theirs) = (&edit.fields, FieldDraft::of(&self.server));
        let yes_no = |b: bool| if b { "yes" } else { "no" };
        let fields = [
            ("Name", mine.name.as_str(), theirs.name.as_str()),
            ("Slug", &mine.slug, &theirs.slug),
            ("Description", &mine.description, &theirs.description),
            ("Allowed IPs", &mine.allowed_ips, &theirs.allowed_ips),
            (
                "User-invokable",
                yes_no(mine.user_invokable),
                yes_no(theirs.user_invokable),
            ),
        ];
        for (label, a, b) in fields.into_iter().filter(|(_, a, b)| a != b) {
            lines.push(Line::from(vec![
                Span::raw(cell(&format!("{label}: {a}"))),
                Span::raw(" │ "),
                Span::raw(right(&format!("{label}: {b}"))),
            ]));
        }
        lines.push(Line::from(Span::styled("Document:", dim())));
        let ours = edit.document.lines();
        let theirs_doc: Vec<&str> = self.server.query.split('\n').collect();
        let keys = if self.draft.is_some() {
            format!("y restore and save yours (your changed fields over theirs) · t take {server}'s · e restore it, to edit on top of theirs · Esc back to the drafts (nothing restored)")
        } else {
            format!("y save yours (your changed fields over theirs) · t take {server}'s · e/Esc keep editing on top of theirs")
        };
        let keys = key_lines(&keys, usize::from(inner.width));
        let rows = (inner.height as usize).saturating_sub(lines.len() + 1 + keys.len());
        for i in 0..ours.len().max(theirs_doc.len()).min(rows) {
            let a = ours.get(i).map_or("", String::as_str);
            let b = theirs_doc.get(i).copied().unwrap_or("");
            let (left, theirs_style) = if a == b {
                (Style::new(), Style::new())
            } else {
                (Style::new().fg(Color::Yellow), Style::new().fg(Color::Cyan))
            };
            lines.push(Line::from(vec![
                Span::styled(cell(a), left),
                Span::raw(" │ "),
                Span::styled(right(b), theirs_style),
            ]));
        }
        let above_keys = usize::from(inner.height).saturating_sub(keys.len());
        lines.resize(above_keys, Line::default());
        lines.extend(keys);
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
