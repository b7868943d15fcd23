//! Drawing the portal form: its fields (each error under its field), the
//! creation form's document with its diagnostics and completion.

use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::form::{field_row, FormMode, FormRow, PortalForm};
use crate::text::sanitize_line;
use crate::tui::app::App;
use crate::tui::input::LineInput;
use crate::tui::layout::centered;
use crate::tui::view::{
    dim, draw_completion, draw_document_text, error_style, pane, spinner, DocumentText,
};
use crate::tui::wrap;

pub fn draw(frame: &mut Frame, app: &App, form: &PortalForm) {
    let creating = form.mode == FormMode::Create;
    let screen = frame.area();
    let area = if creating {
        creation_area(screen, app)
    } else {
        centered(screen, 90, 14)
    };
    frame.render_widget(Clear, area);
    let title = match (&form.mode, form.submitting) {
        (FormMode::Create, false) => " New portal ".to_owned(),
        (FormMode::Create, true) => format!(" New portal · {} creating… ", spinner(app)),
        (FormMode::EditFields { slug }, _) => format!(" Fields of {} ", sanitize_line(slug)),
    };
    let block = pane(title, true);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let (mut lines, mut cursor) = field_lines(form, inner);
    let footer_row = inner.y + inner.height.saturating_sub(1);
    if let Some(document) = &form.document {
        let focused = form.focused() == FormRow::Document;
        let diagnostics = form.diagnostics();
        let summary = if diagnostics.is_empty() {
            String::new()
        } else {
            format!("  ✗ {}", crate::graphql::diagnostics::summary(&diagnostics))
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{} Document", if focused { "›" } else { " " }),
                if focused { Style::new().bold() } else { dim() },
            ),
            Span::styled(summary, error_style()),
        ]));
        if let Some(error) = error_for(form, FormRow::Document) {
            lines.extend(error_lines(2, &error, inner.width));
        }
        let top = inner.y + lines.len() as u16;
        let text_area = Rect::new(inner.x, top, inner.width, footer_row.saturating_sub(top));
        let rows = usize::from(text_area.height).saturating_sub(diagnostics.len().min(3));
        let ratatui_textarea::DataCursor(row, column) = document.cursor();
        let shown = DocumentText {
            lines: document.lines(),
            diagnostics: &diagnostics,
            scroll: row.saturating_sub(rows.saturating_sub(1)),
            cursor: Some((row, column)),
            focused,
            ..DocumentText::default()
        };
        if let Some(at) = draw_document_text(frame, text_area, &shown) {
            cursor = Some(at);
            if let Some((found, selected)) = &form.completion {
                draw_completion(frame, found, *selected, at, text_area);
            }
        }
    }
    let keys = form.keys(app.creation_drafted());
    let footer = match &form.server_error {
        Some((None, message)) => Line::from(Span::styled(
            wrap::cut(
                &format!("✗ {}", sanitize_line(message)),
                usize::from(inner.width),
            ),
            error_style(),
        )),
        _ => Line::from(Span::styled(keys, dim())),
    };
    let fields_height = (lines.len() as u16).min(inner.height.saturating_sub(1));
    frame.render_widget(
        Paragraph::new(lines),
        Rect::new(inner.x, inner.y, inner.width, fields_height),
    );
    frame.render_widget(
        Paragraph::new(footer),
        Rect::new(inner.x, footer_row, inner.width, 1),
    );
    if let Some((x, y)) = cursor {
        if x < inner.x + inner.width && y < inner.y + inner.height {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}

/// The creation form's box: the screen but a row above and the footer
/// below, so a status that wrapped onto rows of its own (a warning said
/// while the form is open) stays readable; on a screen too low for that,
/// over the footer's extra rows (F7 still has what they said).
fn creation_area(screen: Rect, app: &App) -> Rect {
    let footer = 1 + app.status_lines(screen.width).len() as u16;
    let room = screen.height.saturating_sub(1 + footer);
    if room >= 12 {
        let above = Rect::new(screen.x, screen.y + 1, screen.width, room);
        centered(above, 90, room)
    } else {
        centered(screen, 90, screen.height.saturating_sub(2).max(12))
    }
}

/// Columns before a field's value (and its error): marker and label.
const FIELD_INDENT: usize = 18;

/// Rows an error under a field may take; the last says when it goes on.
const ERROR_ROWS: usize = 3;

/// `error` under a field, `indent` columns in, wrapped to the form's
/// `width`: never cut without a `…`.
fn error_lines(indent: usize, error: &str, width: u16) -> Vec<Line<'static>> {
    let room = usize::from(width).saturating_sub(indent + 2).max(1);
    wrap::wrap_at_most(error, room, ERROR_ROWS)
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let mark = if i == 0 { '✗' } else { ' ' };
            Line::from(Span::styled(
                format!("{:indent$}{mark} {row}", ""),
                error_style(),
            ))
        })
        .collect()
}

/// The server's complaint about `row`, or the form's own.
fn error_for(form: &PortalForm, row: FormRow) -> Option<String> {
    if let Some((field, message)) = &form.server_error {
        if field.is_some() && field_row(*field) == Some(row) {
            return Some(sanitize_line(message));
        }
    }
    match row {
        FormRow::AllowedIps | FormRow::Slug => form.problem_at(row),
        _ => None,
    }
}

/// The one-line rows and the checkbox, and where the cursor goes.
fn field_lines(form: &PortalForm, inner: Rect) -> (Vec<Line<'static>>, Option<(u16, u16)>) {
    let mut lines: Vec<Line> = Vec::new();
    let mut cursor = None;
    let focused = form.focused();
    let text_rows: [(FormRow, &str, &LineInput, &str); 4] = [
        (FormRow::Name, "Name", &form.name, "required"),
        (
            FormRow::Slug,
            "Slug",
            &form.slug,
            "made from the name when empty",
        ),
        (
            FormRow::Description,
            "Description",
            &form.description,
            "optional",
        ),
        (
            FormRow::AllowedIps,
            "Allowed IPs",
            &form.allowed_ips,
            "any address; or CIDR blocks, space-separated",
        ),
    ];
    let label_style = |row: FormRow| {
        if focused == row {
            Style::new().bold()
        } else {
            dim()
        }
    };
    for (row, label, input, placeholder) in text_rows {
        let is_focused = focused == row;
        let label_text = format!("{} {label:<15}", if is_focused { "›" } else { " " });
        // The part around the cursor, so a long value scrolls sideways.
        let room = usize::from(inner.width).saturating_sub(label_text.chars().count() + 1);
        let (shown, at) = input.window(room);
        let value = if input.value().is_empty() && !is_focused {
            Span::styled(placeholder.to_owned(), dim().italic())
        } else if is_focused {
            Span::raw(sanitize_line(shown))
        } else {
            // Not being typed in: its start, cut visibly, not where the cursor was.
            Span::raw(wrap::cut(&sanitize_line(input.value()), room))
        };
        if is_focused {
            cursor = Some((
                inner.x + label_text.chars().count() as u16 + at as u16,
                inner.y + lines.len() as u16,
            ));
        }
        lines.push(Line::from(vec![
            Span::styled(label_text, label_style(row)),
            value,
        ]));
        if let Some(error) = error_for(form, row) {
            lines.extend(error_lines(FIELD_INDENT, &error, inner.width));
        }
    }
    let marker = if focused == FormRow::UserInvokable {
        "›"
    } else {
        " "
    };
    let check = if form.user_invokable { "[x]" } else { "[ ]" };
    lines.push(Line::from(vec![
        Span::styled(
            format!("{marker} {:<15}", "User-invokable"),
            label_style(FormRow::UserInvokable),
        ),
        Span::raw(format!(
            "{check} users may run it with their own permissions (Space)"
        )),
    ]));
    if let Some(error) = error_for(form, FormRow::UserInvokable) {
        lines.extend(error_lines(FIELD_INDENT, &error, inner.width));
    }
    (lines, cursor)
}
