//! The completion list drawn over a document (the portal's, the creation
//! form's): under the cursor or above it, its summaries cut with `…` to fit.

use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};
use ratatui::Frame;

use super::dim;
use crate::text::sanitize_line;
use crate::tui::wrap;

/// The completion list under the cursor (above it when there is more room
/// there), inside `bounds` (the document's pane), as wide as its longest
/// row needs when there is room.
pub(crate) fn draw_completion(
    frame: &mut Frame,
    popup: &crate::graphql::completion::Completion,
    selected: usize,
    (cursor_x, cursor_y): (u16, u16),
    bounds: Rect,
) {
    const MOST_ROWS: usize = 8;
    let below = (bounds.y + bounds.height).saturating_sub(cursor_y + 1);
    let above = cursor_y.saturating_sub(bounds.y);
    let room = below.max(above).saturating_sub(2) as usize;
    let rows = MOST_ROWS.min(room).min(popup.candidates.len());
    if rows == 0 || bounds.width < 12 {
        return;
    }
    let first = selected.saturating_sub(rows - 1);
    let shown: Vec<_> = popup
        .candidates
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .collect();
    let widest = |text: fn(&crate::graphql::completion::Candidate) -> &str| {
        shown
            .iter()
            .map(|(_, c)| Span::raw(sanitize_line(text(c))).width())
            .max()
            .unwrap_or(0)
    };
    let label_width = widest(|c| &c.label);
    let detail_width = widest(|c| &c.detail);
    let summary_width = widest(|c| &c.summary);
    let title = format!(
        " {}/{} · Tab insert · Esc close ",
        selected + 1,
        popup.candidates.len()
    );
    let summary_room = if summary_width > 0 {
        summary_width + 2
    } else {
        0
    };
    let wanted = (label_width + 2 + detail_width + summary_room + 2).max(title.chars().count() + 2);
    let width = (wanted as u16).min(bounds.width);
    // What the summaries keep when the popup is narrower than they want:
    // cut with `…`, not clipped at the border.
    let summary_width = summary_width
        .min(usize::from(width).saturating_sub(2 + label_width + 2 + detail_width + 2));
    let height = rows as u16 + 2;
    let x = cursor_x
        .saturating_sub(popup.prefix_len as u16 + 1)
        .max(bounds.x)
        .min(bounds.x + bounds.width - width);
    let y = if below >= height || below >= above {
        cursor_y + 1
    } else {
        cursor_y - height
    };
    let area = Rect::new(x, y, width, height);
    let lines: Vec<Line> = shown
        .iter()
        .map(|(index, c)| {
            let selected = *index == selected;
            let base = if selected {
                Style::new().bg(Color::Blue).fg(Color::White)
            } else {
                Style::new()
            };
            let mut spans = vec![
                Span::styled(
                    format!("{:<label_width$}", sanitize_line(&c.label)),
                    base.bold(),
                ),
                Span::styled(
                    format!("  {:<detail_width$}", sanitize_line(&c.detail)),
                    base.fg(if selected { Color::White } else { Color::Cyan }),
                ),
            ];
            if summary_width > 0 {
                let summary = wrap::cut(&sanitize_line(&c.summary), summary_width);
                spans.push(Span::styled(
                    format!("  {summary:<summary_width$}"),
                    if selected { base } else { dim() },
                ));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .border_type(BorderType::Rounded)
                .border_style(Style::new().fg(Color::Cyan))
                .title(title),
        ),
        area,
    );
}
