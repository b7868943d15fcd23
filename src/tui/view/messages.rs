//! The message log (F7): every status message of the session, each in
//! full, wrapped, the newest at the bottom.

use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::{dim, pane};
use crate::tui::app::App;
use crate::tui::layout;
use crate::tui::wrap;

pub fn draw_messages(frame: &mut Frame, app: &App) {
    let screen = frame.area();
    let width = screen.width.saturating_sub(4).min(100);
    let room = usize::from(screen.height.saturating_sub(4)).max(1);
    let text_width = usize::from(width.saturating_sub(4)).max(1);
    // From the newest back, as many as fit.
    let mut lines: Vec<Line> = Vec::new();
    for message in app.messages.iter().rev() {
        let mut parts = wrap::wrap_lines(message, text_width);
        let free = room.saturating_sub(1).saturating_sub(lines.len()).max(1);
        if parts.len() > free && !lines.is_empty() {
            break;
        }
        // The newest alone is taller than the screen: its end is cut, visibly.
        wrap::keep_rows(&mut parts, free, text_width);
        let mut wrapped: Vec<Line> = parts
            .into_iter()
            .enumerate()
            .map(|(i, part)| Line::from(format!("{} {part}", if i == 0 { "•" } else { " " })))
            .collect();
        wrapped.extend(lines);
        lines = wrapped;
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled("No messages yet.", dim())));
    }
    lines.push(Line::from(Span::styled("any key closes this", dim())));
    let height = (lines.len() as u16 + 2).min(screen.height);
    let area = layout::centered(screen, width, height);
    frame.render_widget(Clear, area);
    let title = format!(" Messages ({}) ", app.messages.len());
    frame.render_widget(Paragraph::new(lines).block(pane(title, true)), area);
}
