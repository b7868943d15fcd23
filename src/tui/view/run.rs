//! The variables form.

use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::fit::fit_spans;
use super::{dim, error_style, pane, spinner, style_of};
use crate::graphql::highlight::json_line;
use crate::text::sanitize_line;
use crate::tui::app::{App, Focus};
use crate::tui::run::VariablesForm;
use crate::tui::wrap;

pub fn draw_variables(frame: &mut Frame, app: &App, area: Rect) {
    let focused = app.focus == Focus::Variables && app.dialogs.is_empty();
    let block = pane(" Variables ".into(), focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(form) = &app.variables else {
        return;
    };
    let mut lines: Vec<Line> = Vec::new();
    let mut cursor: Option<(u16, u16)> = None;
    let width = usize::from(inner.width);
    if form.parse_error.is_some() {
        let text = "Fix the document's syntax errors to run it.";
        lines.extend(wrapped(text, width, error_style()));
    } else if let Some(raw) = &form.raw {
        lines.extend(raw_lines(raw, inner.height as usize, width));
    } else if form.operations.is_empty() {
        lines.extend(wrapped("No operation in the document.", width, dim()));
    } else {
        cursor = form_lines(app, form, focused, inner, &mut lines);
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((x, y)) = cursor {
        frame.set_cursor_position(Position::new(x, y));
    }
}

/// A message of the pane, wrapped to `width`: all of it shows.
fn wrapped(text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    wrap::wrap(text, width)
        .into_iter()
        .map(|part| Line::from(Span::styled(part, style)))
        .collect()
}

/// The variables as they would be sent (Ctrl-t), or what stops them, in
/// `width` columns: an error wraps (it says what to fix), a JSON line too
/// long is cut with `…`.
fn raw_lines(raw: &[String], height: usize, width: usize) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(
        wrap::cut("As sent (Ctrl-t: the form)", width),
        dim(),
    ))];
    for text in raw {
        if lines.len() > height {
            break;
        }
        let text = sanitize_line(text);
        if text.starts_with('✗') {
            let wrapped = wrap::wrap(&text, width.saturating_sub(2).max(1));
            for (n, part) in wrapped.into_iter().enumerate() {
                let lead = if n == 0 { "" } else { "  " };
                lines.push(Line::from(Span::styled(
                    format!("{lead}{part}"),
                    error_style(),
                )));
            }
        } else {
            let spans = json_line(&text)
                .into_iter()
                .map(|(k, t)| Span::styled(t.to_owned(), style_of(k)))
                .collect();
            lines.push(Line::from(fit_spans(spans, width)));
        }
    }
    lines
}

/// The picker, the rows that fit around the focus, and the Run button;
/// where the cursor goes.
fn form_lines(
    app: &App,
    form: &VariablesForm,
    focused: bool,
    inner: Rect,
    lines: &mut Vec<Line<'static>>,
) -> Option<(u16, u16)> {
    let mut cursor = None;
    let selected = |row: usize| focused && form.row == row;
    if form.has_picker() {
        let name = form.operation_name().unwrap_or("(anonymous)");
        let style = if selected(0) {
            Style::new().reversed()
        } else {
            Style::new()
        };
        // The count stays in sight: the label goes first, then the name is cut.
        let count = format!(" {}/{}", form.op_index + 1, form.operations.len());
        let name = sanitize_line(name);
        let room = usize::from(inner.width).saturating_sub(wrap::width(&count) + 4);
        let label = "Operation ";
        let label = if wrap::width(&name) + label.len() <= room {
            label
        } else {
            ""
        };
        let name = wrap::cut(&name, room.saturating_sub(label.len()));
        lines.push(Line::from(vec![
            Span::styled(label, dim()),
            Span::styled(format!("◀ {name} ▶"), style),
            Span::styled(count, dim()),
        ]));
    }
    let first_row = usize::from(form.has_picker());
    if form.rows.is_empty() {
        let width = usize::from(inner.width);
        lines.extend(wrapped("This operation takes no variables.", width, dim()));
    }
    // Only the rows that fit are built: the window follows the focus, so
    // a hundred thousand variables cost what a screenful does. Two rows
    // stay for the blank line and the Run button, unless the pane is tiny.
    let width = inner.width as usize;
    let left = (inner.height as usize).saturating_sub(lines.len());
    let room = if left < 5 { left } else { left - 2 }.max(1);
    let block = |i: usize| variable_block(form, i, selected(first_row + i), width);
    let anchor = form
        .focused_input()
        .or_else(|| {
            form.on_run_button()
                .then(|| form.rows.len().saturating_sub(1))
        })
        .unwrap_or(0);
    let first = if form.rows.is_empty() {
        0
    } else {
        first_shown(anchor, room, |i| block(i).0.len())
    };
    if first > 0 {
        lines.push(Line::from(Span::styled(format!("↑ {first} more"), dim())));
    }
    let mut used = usize::from(first > 0);
    for i in first..form.rows.len() {
        let (block_lines, at) = block(i);
        if used + block_lines.len() > room && i > first {
            let left = form.rows.len() - i;
            lines.push(Line::from(Span::styled(format!("↓ {left} more"), dim())));
            break;
        }
        if let Some((x, y)) = at {
            let y = lines.len() + y;
            if y < inner.height as usize {
                cursor = Some((inner.x + x as u16, inner.y + y as u16));
            }
        }
        used += block_lines.len();
        lines.extend(block_lines);
    }
    let run_style = if selected(form.run_row()) {
        Style::new().fg(Color::Black).bg(Color::Green).bold()
    } else {
        Style::new().fg(Color::Green)
    };
    let running_here = app.running.as_ref().is_some_and(|r| r.slug == form.slug);
    let label = if running_here {
        format!(" {} Running… (Esc) ", spinner(app))
    } else {
        " ▶ Run (Ctrl-r) ".to_owned()
    };
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(label, run_style)));
    cursor
}

/// The first row to show so that row `anchor` (and the rows before it, as
/// many as fit) takes at most `room` lines, given each row's height; a line
/// goes to "↑ n more" when rows are left out above.
fn first_shown(anchor: usize, room: usize, height: impl Fn(usize) -> usize) -> usize {
    let mut used = 0;
    let mut first = anchor;
    loop {
        used += height(first);
        if first == 0 {
            return 0;
        }
        if used + height(first - 1) + 1 > room {
            return first;
        }
        first -= 1;
    }
}

/// Lines a focused value may take before it scrolls instead.
const VALUE_LINES: usize = 4;

/// One variable's lines: label, type and value (on lines of their own when
/// the focused value does not fit beside them), its choices when focused,
/// and its error, wrapped; with the cursor's column and line when focused.
fn variable_block(
    form: &VariablesForm,
    i: usize,
    selected: bool,
    width: usize,
) -> (Vec<Line<'static>>, Option<(usize, usize)>) {
    let input = &form.rows[i];
    let required = if input.required { "*" } else { " " };
    let label = format!("{required}{} ", sanitize_line(&input.label()));
    let ty = format!("{} ", input.type_name);
    let value = sanitize_line(form.inputs[i].value());
    let value_style = if form.shows_default(i) {
        default_style()
    } else if selected {
        Style::new().underlined()
    } else {
        Style::new()
    };
    let prefix = vec![
        Span::styled(label, Style::new().fg(Color::Yellow)),
        Span::styled(ty, dim()),
    ];
    let prefix_width: usize = prefix.iter().map(|s| wrap::width(&s.content)).sum();
    let mut lines = Vec::new();
    let mut cursor = None;
    let before_cursor: String = value.chars().take(form.inputs[i].cursor()).collect();
    // Left empty, the variable is not sent: the document's default applies.
    let default_applies = input
        .default
        .as_ref()
        .filter(|_| value.is_empty())
        .map(|d| {
            format!(
                "default {} applies",
                sanitize_line(&crate::tui::run::default_text(d))
            )
        });
    if let Some(note) = default_applies {
        let shown = wrap::cut(&note, width.saturating_sub(prefix_width));
        if selected {
            cursor = Some((prefix_width, 0));
        }
        let mut spans = prefix;
        spans.push(Span::styled(shown, default_style()));
        lines.push(Line::from(spans));
    } else if !selected {
        let shown = wrap::cut(&value, width.saturating_sub(prefix_width));
        let mut spans = prefix;
        spans.push(Span::styled(shown, value_style));
        lines.push(Line::from(spans));
    } else if prefix_width + wrap::width(&value) < width {
        cursor = Some((prefix_width + wrap::width(&before_cursor), 0));
        let mut spans = prefix;
        spans.push(Span::styled(value, value_style));
        lines.push(Line::from(spans));
    } else {
        // The whole value below its label, a few lines of it, scrolled to
        // the cursor; the indent leaves the cursor room at a line's end.
        lines.push(Line::from(prefix));
        let pieces = wrap::pieces(&value, width.saturating_sub(3));
        let at = form.inputs[i].cursor();
        let cursor_piece = pieces
            .iter()
            .rposition(|(start, _)| *start <= at)
            .unwrap_or(0);
        let first = cursor_piece.saturating_sub(VALUE_LINES - 1);
        for (n, (start, piece)) in pieces.iter().enumerate().skip(first).take(VALUE_LINES) {
            if n == cursor_piece {
                let column: String = piece.chars().take(at - start).collect();
                cursor = Some((2 + wrap::width(&column), lines.len()));
            }
            lines.push(Line::from(vec![
                Span::raw("  "),
                Span::styled(piece.clone(), value_style),
            ]));
        }
    }
    if selected && !input.choices.is_empty() {
        let shown: Vec<&str> = input
            .choices
            .iter()
            .map(|c| if c.is_empty() { "∅" } else { c.as_str() })
            .collect();
        let text = format!("  ←/→ {}", shown.join(" · "));
        lines.push(Line::from(Span::styled(wrap::cut(&text, width), dim())));
    }
    if let Some(error) = &form.errors[i] {
        let wrapped = wrap::wrap(&sanitize_line(error), width.saturating_sub(4));
        for (n, part) in wrapped.into_iter().enumerate() {
            let lead = if n == 0 { "  ✗ " } else { "    " };
            lines.push(Line::from(Span::styled(
                format!("{lead}{part}"),
                error_style(),
            )));
        }
    }
    (lines, cursor)
}

/// A value the document gives as default, not one typed.
pub(crate) fn default_style() -> Style {
    dim().italic()
}
