//! The two shapes dialogs are drawn in: a message box, and a box with one
//! input line.

use ratatui::layout::Position;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::text::sanitize_line;
use crate::tui::input::LineInput;
use crate::tui::layout::centered;
use crate::tui::view::{dim, pane};
use crate::tui::wrap;

/// The rows `lines` take once wrapped inside a bordered box `width` wide.
pub fn wrapped_rows(lines: &[Line], width: u16) -> u16 {
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    rows.min(usize::from(u16::MAX)) as u16
}

/// A box as tall as its wrapped lines.
pub fn message(frame: &mut Frame, title: &str, lines: Vec<Line<'static>>, width: u16) {
    let area = centered(frame.area(), width, wrapped_rows(&lines, width) + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(pane(title.into(), true)),
        area,
    );
}

/// A dialog with text, one input line, and a footer of keys.
pub fn prompt(
    frame: &mut Frame,
    title: &str,
    mut lines: Vec<Line<'static>>,
    input: &LineInput,
    footer: &str,
    width: u16,
) {
    let input_row = lines.len() as u16;
    // The part of the value around the cursor: a long one scrolls sideways.
    let (shown, cursor) = input.window(usize::from(width.saturating_sub(5)));
    lines.push(Line::from(Span::styled(
        format!("› {}", sanitize_line(shown)),
        Style::new().bold(),
    )));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(footer.to_owned(), dim())));
    let area = centered(frame.area(), width, lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(pane(title.into(), true)), area);
    let x = area.x + 3 + cursor as u16;
    let y = area.y + 1 + input_row;
    if x < area.x + area.width - 1 {
        frame.set_cursor_position(Position::new(x, y));
    }
}

/// A dialog's line of keys (`r restore · d compare · …`) as dim lines of
/// at most `width` columns, broken between key groups, never inside one
/// (a group wider than a line alone is broken between words).
pub fn key_lines(keys: &str, width: usize) -> Vec<Line<'static>> {
    const BETWEEN: &str = " · ";
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for group in keys.split(BETWEEN) {
        let joined = wrap::width(&line) + wrap::width(BETWEEN) + wrap::width(group);
        if line.is_empty() || joined > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let mut parts = wrap::wrap(group, width);
            line = parts.pop().unwrap_or_default();
            lines.extend(parts);
        } else {
            line.push_str(BETWEEN);
            line.push_str(group);
        }
    }
    lines.push(line);
    lines
        .into_iter()
        .map(|l| Line::from(Span::styled(l, dim())))
        .collect()
}

/// A masked copy of a secret input, to draw.
pub fn masked(input: &LineInput) -> LineInput {
    LineInput::new(&"•".repeat(input.value().chars().count()))
}

/// A list of choices, the selected one marked.
pub fn choice_lines<'a>(
    labels: impl Iterator<Item = String> + 'a,
    selected: usize,
) -> impl Iterator<Item = Line<'static>> + 'a {
    labels.enumerate().map(move |(i, label)| {
        let (marker, style) = if i == selected {
            ("› ", Style::new().bold())
        } else {
            ("  ", Style::new())
        };
        Line::from(Span::styled(format!("{marker}{label}"), style))
    })
}

#[cfg(test)]
mod tests {
    use super::key_lines;

    fn texts(keys: &str, width: usize) -> Vec<String> {
        key_lines(keys, width)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn keys_wrap_between_groups() {
        let keys =
            "r restore · d compare with Buildkite's version · x discard · Esc later (D reviews)";
        assert_eq!(
            texts(keys, 78),
            [
                "r restore · d compare with Buildkite's version · x discard",
                "Esc later (D reviews)"
            ]
        );
        assert_eq!(texts(keys, 200), [keys]);
        assert_eq!(
            texts("a · bbbb cccc", 6),
            ["a", "bbbb", "cccc"],
            "a group wider than the line breaks between words"
        );
    }
}
