//! The field popup (F2): what the schema says about the name under the
//! cursor, highlighted and scrollable.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::frame::wrapped_rows;
use super::{Dialog, Step};
use crate::text::sanitize_line;
use crate::tui::layout::centered;
use crate::tui::view::{dim, highlighted_line, pane};

#[derive(Debug)]
pub struct Explain {
    pub coordinate: String,
    pub text: String,
    pub scroll: usize,
}

impl Explain {
    pub fn key(mut self, key: KeyEvent) -> Step {
        let lines = self.text.lines().count();
        let scroll = match key.code {
            KeyCode::Down | KeyCode::Char('j') => self.scroll + 1,
            KeyCode::Up | KeyCode::Char('k') => self.scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => self.scroll + 10,
            KeyCode::PageUp => self.scroll.saturating_sub(10),
            _ => return Step::close(),
        };
        self.scroll = scroll.min(lines.saturating_sub(1));
        Step::keep(Dialog::Explain(self))
    }

    pub fn draw(&self, frame: &mut Frame) {
        let screen = frame.area();
        let all: Vec<&str> = self.text.lines().collect();
        let room = screen.height.saturating_sub(6).max(3) as usize;
        let mut lines: Vec<Line<'static>> = all
            .iter()
            .skip(self.scroll)
            .take(room)
            .map(|line| highlighted_line(line))
            .collect();
        lines.push(Line::default());
        let more = if all.len() > self.scroll + room {
            format!("↓ {} more lines · ", all.len() - self.scroll - room)
        } else {
            String::new()
        };
        lines.push(Line::from(Span::styled(
            format!("{more}↑/↓ scroll · any other key closes"),
            dim(),
        )));
        let widest = all.iter().map(|l| l.chars().count()).max().unwrap_or(20) + 2;
        let width = widest.clamp(40, (screen.width as usize).saturating_sub(4).max(40));
        let area = centered(screen, width as u16, wrapped_rows(&lines, width as u16) + 2);
        frame.render_widget(Clear, area);
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(pane(format!(" {} ", sanitize_line(&self.coordinate)), true)),
            area,
        );
    }
}
