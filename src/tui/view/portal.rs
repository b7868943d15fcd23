//! The selected portal: its fields, and its document with highlighting, line
//! numbers, diagnostics and the completion list.

use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};
use ratatui::Frame;

use super::{dim, error_style, pane, style_of};
use crate::graphql::diagnostics::Diagnostic;
use crate::graphql::highlight::graphql_line;
use crate::text::sanitize_line;
use crate::tui::app::{App, Focus};
use crate::tui::editor::{Field, FieldDraft};

pub fn draw_fields(frame: &mut Frame, app: &App, area: Rect) {
    let Some(portal) = app.selected_portal() else {
        frame.render_widget(pane(" Portal ".into(), false), area);
        return;
    };
    let edit = app.selected_edit();
    let draft = edit
        .map(|e| e.fields.clone())
        .unwrap_or_else(|| FieldDraft::of(portal));
    let base = FieldDraft::of(portal);
    let server_error = edit.and_then(|e| e.server_error.clone());
    let label = |name: &str, changed: bool| {
        let mark = if changed { "*" } else { " " };
        Span::styled(format!("{name}{mark} "), dim())
    };
    let value = |text: &str, none: &str| {
        if text.is_empty() {
            Span::styled(none.to_owned(), dim().italic())
        } else {
            Span::raw(sanitize_line(text))
        }
    };
    let created_by = portal
        .created_by
        .as_ref()
        .map(|c| format!(" by {}", sanitize_line(c.display_name())))
        .unwrap_or_default();
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let mut lines = vec![
        Line::from(vec![
            label("Name", draft.name != base.name),
            value(&draft.name, "(none)").bold(),
            Span::raw("   "),
            label("Slug", draft.slug != base.slug),
            value(&draft.slug, "(none)"),
        ]),
        Line::from(vec![
            label("Description", draft.description != base.description),
            value(&draft.description, "none"),
        ]),
        Line::from(vec![
            label("Allowed IPs", draft.allowed_ips != base.allowed_ips),
            value(&draft.allowed_ips, "any address"),
            Span::raw("   "),
            label(
                "User-invokable",
                draft.user_invokable != base.user_invokable,
            ),
            Span::raw(yes_no(draft.user_invokable)),
            Span::raw("   "),
            label("Token", false),
            Span::raw(if app.has_token(&portal.slug) {
                "stored"
            } else {
                "not stored"
            }),
        ]),
        Line::from(vec![
            label("Created", false),
            Span::raw(format!("{}{created_by}", sanitize_line(&portal.created_at))),
        ]),
    ];
    lines.push(match &server_error {
        Some((field, message)) => {
            let place = match field {
                Some(Field::Name) => "Name: ",
                Some(Field::Slug) => "Slug: ",
                Some(Field::Description) => "Description: ",
                Some(Field::AllowedIps) => "Allowed IPs: ",
                Some(Field::UserInvokable) => "User-invokable: ",
                Some(Field::Query) => "Document: ",
                None => "",
            };
            Line::from(Span::styled(
                format!("✗ {place}{}", sanitize_line(message)),
                error_style(),
            ))
        }
        None => Line::from(Span::styled(
            "f edit fields · Ctrl-s save · Ctrl-r run",
            dim(),
        )),
    });
    let saving = if edit.is_some_and(|e| e.saving) {
        " · saving…"
    } else {
        ""
    };
    let title = format!(" {}{saving} ", sanitize_line(&portal.name));
    frame.render_widget(Paragraph::new(lines).block(pane(title, false)), area);
}

pub fn draw_document(frame: &mut Frame, app: &App, area: Rect) {
    let focused = app.focus == Focus::Document && app.dialogs.is_empty();
    let Some(portal) = app.selected_portal() else {
        frame.render_widget(pane(" Document ".into(), focused), area);
        return;
    };
    let edit = app.selected_edit();
    let dirty = edit.is_some_and(|e| e.document_dirty());
    let diagnostics: &[Diagnostic] = edit.map_or(&[], |e| &e.diagnostics);
    let title = match (dirty, diagnostics.len()) {
        (false, 0) => " Document ".to_owned(),
        (true, 0) => " Document ● modified ".to_owned(),
        (_, _) => format!(
            " Document{} ✗ {} ",
            if dirty { " ● modified" } else { "" },
            crate::graphql::diagnostics::summary(diagnostics)
        ),
    };
    let block = pane(title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let owned_lines: Vec<String>;
    let lines: &[String] = match edit {
        Some(edit) => edit.document.lines(),
        None => {
            owned_lines = portal.query.split('\n').map(str::to_owned).collect();
            &owned_lines
        }
    };
    let shown = DocumentText {
        lines,
        diagnostics,
        scroll: edit.map_or(0, |e| e.scroll),
        cursor: edit.map(|e| {
            let ratatui_textarea::DataCursor(row, column) = e.document.cursor();
            (row, column)
        }),
        focused,
    };
    if let Some((x, y)) = draw_document_text(frame, inner, &shown) {
        if let Some(popup) = app.completion.as_ref().filter(|p| p.slug == portal.slug) {
            draw_completion(frame, &popup.completion, popup.selected, x, y);
        }
    }
}

/// A GraphQL document to draw: numbered, highlighted lines, errors
/// underlined and listed under the text.
pub struct DocumentText<'a> {
    pub lines: &'a [String],
    pub diagnostics: &'a [Diagnostic],
    pub scroll: usize,
    pub cursor: Option<(usize, usize)>,
    pub focused: bool,
}

/// The first line to show: as scrolled, but never past what fills the rows
/// (a document that fits shows from line 1), and always with the cursor's
/// line in view (after a paste, an undo, or rows taken by the error list).
fn visible_from(scroll: usize, cursor: Option<(usize, usize)>, lines: usize, rows: usize) -> usize {
    let mut first = scroll.min(lines.saturating_sub(rows));
    if let Some((row, _)) = cursor {
        if row < first {
            first = row;
        } else if row >= first + rows {
            first = row + 1 - rows;
        }
    }
    first
}

/// Draws `doc` into `inner`; returns where the cursor went, when focused
/// and on screen.
pub fn draw_document_text(
    frame: &mut Frame,
    inner: Rect,
    doc: &DocumentText,
) -> Option<(u16, u16)> {
    if inner.height == 0 || inner.width == 0 {
        return None;
    }
    let (lines, diagnostics) = (doc.lines, doc.diagnostics);
    let diagnostic_rows = diagnostics.len().min(3).min(inner.height as usize / 2);
    let text_rows = (inner.height as usize - diagnostic_rows).max(1);
    let scroll = visible_from(
        doc.scroll,
        doc.cursor.filter(|_| doc.focused),
        lines.len(),
        text_rows,
    );
    let number_width = lines.len().to_string().len();
    let gutter = number_width + 3;
    let text_width = (inner.width as usize).saturating_sub(gutter).max(1);
    let hscroll = match doc.cursor {
        Some((_, col)) if doc.focused && col >= text_width => col + 1 - text_width,
        _ => 0,
    };

    let mut rendered: Vec<Line> = Vec::with_capacity(text_rows + diagnostic_rows);
    for (row, line) in lines.iter().enumerate().skip(scroll).take(text_rows) {
        let has_error = diagnostics.iter().any(|d| d.line == row + 1);
        let number_style = if has_error { error_style() } else { dim() };
        let mut spans = vec![Span::styled(
            format!("{:>number_width$} │ ", row + 1),
            number_style,
        )];
        let underlines: Vec<(usize, usize)> = diagnostics
            .iter()
            .filter(|d| d.line == row + 1)
            .map(|d| (d.column - 1, d.column - 1 + d.width))
            .collect();
        spans.extend(highlighted(line, &underlines, hscroll, text_width));
        rendered.push(Line::from(spans));
    }
    while rendered.len() < text_rows {
        rendered.push(Line::default());
    }
    for d in diagnostics.iter().take(diagnostic_rows) {
        rendered.push(Line::from(Span::styled(
            format!("✗ {}:{} {}", d.line, d.column, sanitize_line(&d.message)),
            error_style(),
        )));
    }
    if diagnostics.len() > diagnostic_rows && diagnostic_rows > 0 {
        if let Some(last) = rendered.last_mut() {
            last.spans.push(Span::styled(
                format!("  (+{} more)", diagnostics.len() - diagnostic_rows),
                error_style(),
            ));
        }
    }
    frame.render_widget(Paragraph::new(rendered), inner);

    let (row, col) = doc.cursor.filter(|_| doc.focused)?;
    if row < scroll || row >= scroll + text_rows {
        return None;
    }
    let line = lines.get(row)?;
    let before: String = line
        .chars()
        .skip(hscroll)
        .take(col.saturating_sub(hscroll))
        .collect();
    let x = inner.x as usize + gutter + Span::raw(sanitize_line(&before)).width();
    let y = inner.y as usize + row - scroll;
    if x >= (inner.x + inner.width) as usize {
        return None;
    }
    frame.set_cursor_position(Position::new(x as u16, y as u16));
    Some((x as u16, y as u16))
}

/// The completion list under the cursor (above it near the bottom).
pub(crate) fn draw_completion(
    frame: &mut Frame,
    popup: &crate::graphql::completion::Completion,
    selected: usize,
    cursor_x: u16,
    cursor_y: u16,
) {
    const ROWS: usize = 8;
    let screen = frame.area();
    let candidates = &popup.candidates;
    let first = selected.saturating_sub(ROWS - 1);
    let shown: Vec<_> = candidates
        .iter()
        .enumerate()
        .skip(first)
        .take(ROWS)
        .collect();
    let label_width = shown
        .iter()
        .map(|(_, c)| c.label.chars().count())
        .max()
        .unwrap_or(0);
    let detail_width = shown
        .iter()
        .map(|(_, c)| c.detail.chars().count())
        .max()
        .unwrap_or(0);
    let width = (label_width + detail_width + 40)
        .min(screen.width as usize)
        .max(20) as u16;
    let height = shown.len() as u16 + 2;
    let x = cursor_x
        .saturating_sub(popup.prefix_len as u16 + 1)
        .min(screen.width.saturating_sub(width));
    let y = if cursor_y + 1 + height <= screen.height {
        cursor_y + 1
    } else {
        cursor_y.saturating_sub(height)
    };
    let area = Rect::new(x, y, width, height.min(screen.height));
    let lines: Vec<Line> = shown
        .iter()
        .map(|(index, c)| {
            let selected = *index == selected;
            let base = if selected {
                Style::new().bg(Color::Blue).fg(Color::White)
            } else {
                Style::new()
            };
            Line::from(vec![
                Span::styled(
                    format!("{:<label_width$}", sanitize_line(&c.label)),
                    base.bold(),
                ),
                Span::styled(
                    format!("  {:<detail_width$}", sanitize_line(&c.detail)),
                    base.fg(if selected { Color::White } else { Color::Cyan }),
                ),
                Span::styled(
                    format!("  {}", sanitize_line(&c.summary)),
                    if selected { base } else { dim() },
                ),
            ])
        })
        .collect();
    let title = format!(
        " {}/{} · Tab insert · Esc close ",
        selected + 1,
        candidates.len()
    );
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

/// One line of GraphQL, highlighted, as a whole line.
pub(crate) fn highlighted_line(line: &str) -> Line<'static> {
    Line::from(highlighted(line, &[], 0, usize::MAX / 2))
}

/// One line of GraphQL as styled spans, with `underlines` (char ranges)
/// marked, starting at char `skip` and at most `width` chars.
fn highlighted(
    line: &str,
    underlines: &[(usize, usize)],
    skip: usize,
    width: usize,
) -> Vec<Span<'static>> {
    let clean = sanitize_line(line);
    let mut spans = Vec::new();
    let mut at = 0usize; // char index in the line
    let end = skip + width;
    // An error past the end of the line (at EOF) still shows a mark.
    let eol_mark = underlines
        .iter()
        .any(|&(start, _)| start >= clean.chars().count());
    for (kind, text) in graphql_line(&clean) {
        let base = style_of(kind);
        let mut run = String::new();
        let mut run_underlined = false;
        for c in text.chars() {
            let index = at;
            at += 1;
            if index < skip || index >= end {
                continue;
            }
            let underlined = underlines.iter().any(|&(s, e)| index >= s && index < e);
            if underlined != run_underlined && !run.is_empty() {
                spans.push(styled_run(std::mem::take(&mut run), base, run_underlined));
            }
            run_underlined = underlined;
            run.push(c);
        }
        if !run.is_empty() {
            spans.push(styled_run(run, base, run_underlined));
        }
    }
    if eol_mark {
        spans.push(Span::styled("◂", error_style()));
    }
    spans
}

fn styled_run(text: String, base: Style, underlined: bool) -> Span<'static> {
    if underlined {
        Span::styled(
            text,
            base.add_modifier(Modifier::UNDERLINED)
                .underline_color(Color::Red)
                .fg(Color::Red),
        )
    } else {
        Span::styled(text, base)
    }
}

#[cfg(test)]
mod tests {
    use super::visible_from;

    #[test]
    fn a_document_that_fits_shows_from_its_first_line_and_the_cursor_stays_in_view() {
        assert_eq!(visible_from(8, None, 9, 20), 0, "it fits: from line 1");
        assert_eq!(visible_from(8, Some((2, 0)), 40, 20), 2, "up to the cursor");
        assert_eq!(
            visible_from(0, Some((39, 0)), 40, 20),
            20,
            "down to the cursor"
        );
        assert_eq!(visible_from(10, Some((15, 0)), 40, 20), 10, "as scrolled");
    }
}
