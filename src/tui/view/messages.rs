//! The message log (F7): every status message of the session, each in
//! full, wrapped, the newest at the bottom.

use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::{dim, pane};
use crate::tui::app::App;
use crate::tui::layout;
use crate::tui::message_log::{window, MessageLog};
use crate::tui::wrap;

pub fn draw_messages(frame: &mut Frame, app: &App) {
    let screen = frame.area();
    let log = MessageLog::on(screen.width, screen.height);
    let width = log.width;
    let (text_width, rows) = (log.text_width, log.rows);
    let messages = log.wrapped(&app.messages);
    let (first, end) = window(&messages, app.messages_back, rows);
    let mut lines: Vec<Line> = Vec::new();
    for mut parts in messages[first..end].iter().cloned() {
        // One message taller than the screen: its end is cut, visibly.
        wrap::keep_rows(
            &mut parts,
            rows.saturating_sub(lines.len()).max(1),
            text_width,
        );
        lines.extend(
            (parts.into_iter().enumerate())
                .map(|(i, part)| Line::from(format!("{} {part}", if i == 0 { "•" } else { " " }))),
        );
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled("No messages yet.", dim())));
    }
    let back = messages.len() - end;
    // Only the ways that lead somewhere: older ones above, newer below.
    let older = if first > 0 { "↑/PgUp older · " } else { "" };
    let keys = match back {
        0 if older.is_empty() => "any key closes this".to_owned(),
        0 => format!("{older}any other key closes this"),
        back => format!("{back} newer below (↓/End) · {older}any other key closes this"),
    };
    lines.push(Line::from(Span::styled(keys, dim())));
    let height = (lines.len() as u16 + 2).min(screen.height);
    let area = layout::centered(screen, width, height);
    frame.render_widget(Clear, area);
    let title = format!(" Messages ({}) ", app.messages.len());
    frame.render_widget(Paragraph::new(lines).block(pane(title, true)), area);
}
