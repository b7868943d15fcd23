//! Dialogs drawn over the panes.

use ratatui::layout::Position;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::{dim, error_style, pane, spinner, style_of};
use crate::buildkite::Portal;
use crate::graphql::highlight::graphql_line;
use crate::text::sanitize_line;
use crate::tui::app::App;
use crate::tui::dialogs::{Dialog, FormMode, FormRow, PortalForm, SignIn, TokenDialog};
use crate::tui::editor::{Field, FieldDraft};
use crate::tui::input::LineInput;
use crate::tui::layout::centered;

pub fn draw(frame: &mut Frame, app: &App, dialog: &Dialog) {
    match dialog {
        Dialog::Form(form) => draw_form(frame, app, form),
        Dialog::Token(token) => draw_token(frame, token),
        Dialog::Delete { slug, typed } => {
            let slug = sanitize_line(slug);
            let lines = vec![
                Line::from(format!("Delete portal `{slug}`?")),
                Line::from(Span::styled(
                    "Its URL and token stop working; this cannot be undone.",
                    dim(),
                )),
                Line::default(),
                Line::from("Type the portal's slug to confirm:"),
            ];
            prompt(
                frame,
                " Delete portal ",
                lines,
                typed,
                "Enter delete · Esc keep",
                64,
            );
        }
        Dialog::Explain {
            coordinate,
            text,
            scroll,
        } => explain(frame, coordinate, text, *scroll),
        Dialog::ConfirmSave {
            summary, syntax, ..
        } => {
            let text = vec![
                Line::from(Span::styled(
                    format!("The document has {summary}."),
                    error_style(),
                )),
                Line::from(if *syntax {
                    "Buildkite will refuse a document that does not parse."
                } else {
                    "It does not validate against the schema: every call fails."
                }),
                Line::default(),
                Line::from("Save anyway?  y save · n keep editing"),
            ];
            message(frame, " Save with errors? ", text, 60);
        }
        Dialog::ConfirmQuit { unsaved } => {
            let text = vec![
                Line::from(format!("{unsaved} portal(s) have unsaved changes.")),
                Line::default(),
                Line::from("Quit and lose them?  y quit · n stay"),
            ];
            message(frame, " Quit? ", text, 50);
        }
        Dialog::TokenPrompt { slug, input, store } => {
            let masked = LineInput::new(&"•".repeat(input.value().chars().count()));
            let lines = vec![
                Line::from(format!("No token is stored for `{}`.", sanitize_line(slug))),
                Line::from("Paste the portal's token to run it:"),
            ];
            let check = if *store { "[x]" } else { "[ ]" };
            let footer = format!("{check} store it (Tab) · Enter run · Esc cancel");
            prompt(frame, " Portal token ", lines, &masked, &footer, 64);
        }
        Dialog::Authorize {
            slug,
            choices,
            selected,
        } => {
            let mut lines = vec![
                Line::from(format!(
                    "How should runs of `{}` be authorized?",
                    sanitize_line(slug)
                )),
                Line::default(),
            ];
            for (i, choice) in choices.iter().enumerate() {
                let marker = if i == *selected { "› " } else { "  " };
                let style = if i == *selected {
                    Style::new().bold()
                } else {
                    Style::new()
                };
                lines.push(Line::from(Span::styled(
                    format!("{marker}{}", choice.label()),
                    style,
                )));
            }
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                "Short-lived tokens are stored until they expire and never shown.",
                dim(),
            )));
            lines.push(Line::from(Span::styled(
                "↑/↓ choose · Enter continue · Esc cancel",
                dim(),
            )));
            message(frame, " Authorize ", lines, 72);
        }
        Dialog::SecretPrompt { slug, input } => {
            let masked = LineInput::new(&"•".repeat(input.value().chars().count()));
            let lines = vec![
                Line::from(format!(
                    "A portal secret of `{}` (bkps_…):",
                    sanitize_line(slug)
                )),
                Line::from(Span::styled(
                    "It buys an admin-level token that lasts at most an hour.",
                    dim(),
                )),
            ];
            prompt(
                frame,
                " Portal secret ",
                lines,
                &masked,
                "Enter get a token · Esc cancel",
                64,
            );
        }
        Dialog::SignIn(sign_in) => draw_sign_in(frame, app, sign_in),
        Dialog::Conflict { slug, server } => draw_conflict(frame, app, slug, server),
        Dialog::Drafts { drafts, selected } => {
            let mut lines = vec![
                Line::from(format!(
                    "{} unsaved edit(s) from an earlier session:",
                    drafts.len()
                )),
                Line::default(),
            ];
            for (i, draft) in drafts.iter().enumerate() {
                let exists = app.portals.iter().any(|p| p.slug == draft.slug);
                let marker = if i == *selected { "› " } else { "  " };
                let note = if exists {
                    ""
                } else {
                    "  (deleted on Buildkite)"
                };
                let style = if i == *selected {
                    Style::new().bold()
                } else {
                    Style::new()
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("{marker}{}", sanitize_line(&draft.slug)), style),
                    Span::styled(
                        format!("  saved {}{note}", sanitize_line(&draft.saved_at)),
                        dim(),
                    ),
                ]));
            }
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                "r restore · d compare with Buildkite's version · x discard · Esc later",
                dim(),
            )));
            message(frame, " Drafts ", lines, 80);
        }
        Dialog::SaveResponse { path } => {
            let lines = vec![Line::from("Save the response body to:")];
            prompt(
                frame,
                " Save response ",
                lines,
                path,
                "Enter save · Esc cancel",
                64,
            );
        }
    }
}

/// Yours and the server's, side by side: the fields that differ, then the
/// two documents with differing lines marked.
fn draw_conflict(frame: &mut Frame, app: &App, slug: &str, server: &Portal) {
    let area = centered(
        frame.area(),
        frame.area().width.saturating_sub(4),
        frame.area().height.saturating_sub(2),
    );
    frame.render_widget(Clear, area);
    let block = pane(
        format!(
            " {} changed on Buildkite since you loaded it ",
            sanitize_line(slug)
        ),
        true,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(edit) = app.edits.get(slug) else {
        return;
    };
    let mine = &edit.fields;
    let theirs = FieldDraft::of(server);
    let half = (inner.width as usize).saturating_sub(3) / 2;
    let cell = |text: &str| {
        let clean = sanitize_line(text);
        let cut: String = clean.chars().take(half).collect();
        format!("{cut:<half$}")
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(cell("Yours"), Style::new().bold().fg(Color::Yellow)),
        Span::raw(" │ "),
        Span::styled(cell("Buildkite's now"), Style::new().bold().fg(Color::Cyan)),
    ])];
    let mut field = |label: &str, a: &str, b: &str| {
        if a != b {
            lines.push(Line::from(vec![
                Span::raw(cell(&format!("{label}: {a}"))),
                Span::raw(" │ "),
                Span::raw(cell(&format!("{label}: {b}"))),
            ]));
        }
    };
    field("Name", &mine.name, &theirs.name);
    field("Slug", &mine.slug, &theirs.slug);
    field("Description", &mine.description, &theirs.description);
    field("Allowed IPs", &mine.allowed_ips, &theirs.allowed_ips);
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    field(
        "User-invokable",
        yes_no(mine.user_invokable),
        yes_no(theirs.user_invokable),
    );
    lines.push(Line::from(Span::styled("Document:", dim())));
    let ours: Vec<&str> = edit.document.lines().iter().map(String::as_str).collect();
    let theirs_doc: Vec<&str> = server.query.split('\n').collect();
    let rows = (inner.height as usize).saturating_sub(lines.len() + 2);
    for i in 0..ours.len().max(theirs_doc.len()).min(rows) {
        let (a, b) = (
            ours.get(i).copied().unwrap_or(""),
            theirs_doc.get(i).copied().unwrap_or(""),
        );
        let style = if a == b {
            Style::new()
        } else {
            Style::new().fg(Color::Yellow)
        };
        lines.push(Line::from(vec![
            Span::styled(cell(a), style),
            Span::raw(" │ "),
            Span::styled(
                cell(b),
                if a == b {
                    Style::new()
                } else {
                    Style::new().fg(Color::Cyan)
                },
            ),
        ]));
    }
    while (lines.len() as u16) < inner.height.saturating_sub(1) {
        lines.push(Line::default());
    }
    lines.truncate(inner.height.saturating_sub(1) as usize);
    lines.push(Line::from(Span::styled(
        "y keep yours (save over theirs) · t take Buildkite's · e/Esc keep editing on top of theirs",
        dim(),
    )));
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_sign_in(frame: &mut Frame, app: &App, sign_in: &SignIn) {
    let mut lines = vec![Line::from(format!(
        "Sign in to run `{}` with your own permissions.",
        sanitize_line(&sign_in.slug)
    ))];
    lines.push(Line::default());
    match (&sign_in.url, &sign_in.code) {
        (Some(url), Some(code)) => {
            lines.push(Line::from(format!(
                "Approve code {} at:",
                sanitize_line(code)
            )));
            lines.push(Line::from(Span::styled(
                format!("  {}", sanitize_line(url)),
                Style::new().fg(Color::Cyan).bold(),
            )));
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                if sign_in.opened_browser {
                    "Opened in your browser."
                } else {
                    "No browser here: open the URL on any machine."
                },
                dim(),
            )));
            let left = sign_in.seconds_left.unwrap_or(0).max(0);
            lines.push(Line::from(format!(
                "{} Waiting for approval… {}:{:02} left",
                spinner(app),
                left / 60,
                left % 60
            )));
        }
        _ => lines.push(Line::from(format!(
            "{} Asking Buildkite for a code…",
            spinner(app)
        ))),
    }
    if let Some(copied) = &sign_in.copied {
        lines.push(Line::from(Span::styled(
            format!("✓ {}", sanitize_line(copied)),
            Style::new().fg(Color::Green),
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "c copy the URL · Esc cancel",
        dim(),
    )));
    message(frame, " Sign in as me ", lines, 76);
}

/// The rows `lines` take once wrapped inside a bordered box `width` wide.
fn wrapped_rows(lines: &[Line], width: u16) -> u16 {
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    rows.min(usize::from(u16::MAX)) as u16
}

/// The field popup: SDL from the schema, highlighted, scrollable.
fn explain(frame: &mut Frame, coordinate: &str, text: &str, scroll: usize) {
    let screen = frame.area();
    let all: Vec<&str> = text.lines().collect();
    let room = screen.height.saturating_sub(6).max(3) as usize;
    let mut lines: Vec<Line<'static>> = all
        .iter()
        .skip(scroll)
        .take(room)
        .map(|line| super::portal::highlighted_line(line))
        .collect();
    lines.push(Line::default());
    let more = if all.len() > scroll + room {
        format!("↓ {} more lines · ", all.len() - scroll - room)
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
            .block(pane(format!(" {} ", sanitize_line(coordinate)), true)),
        area,
    );
}

fn message(frame: &mut Frame, title: &str, lines: Vec<Line<'static>>, width: u16) {
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
fn prompt(
    frame: &mut Frame,
    title: &str,
    mut lines: Vec<Line<'static>>,
    input: &LineInput,
    footer: &str,
    width: u16,
) {
    let input_row = lines.len() as u16;
    lines.push(Line::from(Span::styled(
        format!("› {}", sanitize_line(input.value())),
        Style::new().bold(),
    )));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(footer.to_owned(), dim())));
    let area = centered(frame.area(), width, lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(pane(title.into(), true)), area);
    let x = area.x + 3 + input.cursor() as u16;
    let y = area.y + 1 + input_row;
    if x < area.x + area.width - 1 {
        frame.set_cursor_position(Position::new(x, y));
    }
}

fn draw_token(frame: &mut Frame, dialog: &TokenDialog) {
    let check = if dialog.store { "[x]" } else { "[ ]" };
    let mut lines = vec![
        Line::from(format!(
            "Portal `{}` was created. Its token:",
            sanitize_line(&dialog.slug)
        )),
        Line::default(),
        Line::from(Span::styled(
            format!("  {}  ", sanitize_line(dialog.token.expose())),
            Style::new().fg(Color::Black).bg(Color::Yellow).bold(),
        )),
        Line::default(),
        Line::from(Span::styled(
            "Buildkite shows this token only once: it cannot be retrieved again.",
            Style::new().fg(Color::Yellow),
        )),
        Line::default(),
        Line::from(format!(
            "{check} keep it in the token store for test runs (Space)"
        )),
    ];
    if let Some(copied) = &dialog.copied {
        lines.push(Line::from(Span::styled(
            format!("✓ {}", sanitize_line(copied)),
            Style::new().fg(Color::Green),
        )));
    }
    if dialog.reminded {
        lines.push(Line::from(Span::styled(
            "Press Enter once the token is saved somewhere; Esc does not close this.",
            error_style(),
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "c copy · Space store or not · Enter I have saved it",
        dim(),
    )));
    let area = centered(frame.area(), 76, lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(pane(" New portal token ".into(), true)),
        area,
    );
}

fn draw_form(frame: &mut Frame, app: &App, form: &PortalForm) {
    let creating = form.mode == FormMode::Create;
    let screen = frame.area();
    let height = if creating {
        screen.height.saturating_sub(2).max(12)
    } else {
        14
    };
    let area = centered(screen, 90, height);
    frame.render_widget(Clear, area);
    let title = match (&form.mode, form.submitting) {
        (FormMode::Create, false) => " New portal ".to_owned(),
        (FormMode::Create, true) => format!(" New portal · {} creating… ", spinner(app)),
        (FormMode::EditFields { slug }, _) => format!(" Fields of {} ", sanitize_line(slug)),
    };
    let block = pane(title, true);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let problem = form.problem();
    let server = form.server_error.clone();
    let error_for = |row: FormRow| -> Option<String> {
        if let Some((field, message)) = &server {
            let matches = matches!(
                (field, row),
                (Some(Field::Name), FormRow::Name)
                    | (Some(Field::Slug), FormRow::Slug)
                    | (Some(Field::Description), FormRow::Description)
                    | (Some(Field::AllowedIps), FormRow::AllowedIps)
                    | (Some(Field::UserInvokable), FormRow::UserInvokable)
                    | (Some(Field::Query), FormRow::Document)
            );
            if matches {
                return Some(sanitize_line(message));
            }
        }
        match (&problem, row) {
            (Some((FormRow::AllowedIps, text)), FormRow::AllowedIps) => Some(text.clone()),
            _ => None,
        }
    };
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
    for (row, label, input, placeholder) in text_rows {
        let is_focused = focused == row;
        let marker = if is_focused { "›" } else { " " };
        let label_text = format!("{marker} {label:<15}");
        let value = if input.value().is_empty() && !is_focused {
            Span::styled(placeholder.to_owned(), dim().italic())
        } else {
            Span::raw(sanitize_line(input.value()))
        };
        if is_focused {
            cursor = Some((
                inner.x + label_text.chars().count() as u16 + input.cursor() as u16,
                inner.y + lines.len() as u16,
            ));
        }
        lines.push(Line::from(vec![
            Span::styled(
                label_text,
                if is_focused {
                    Style::new().bold()
                } else {
                    dim()
                },
            ),
            value,
        ]));
        if let Some(error) = error_for(row) {
            lines.push(Line::from(Span::styled(
                format!("                  ✗ {error}"),
                error_style(),
            )));
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
            if focused == FormRow::UserInvokable {
                Style::new().bold()
            } else {
                dim()
            },
        ),
        Span::raw(format!(
            "{check} users may run it with their own permissions (Space)"
        )),
    ]));
    if let Some(error) = error_for(FormRow::UserInvokable) {
        lines.push(Line::from(Span::styled(
            format!("                  ✗ {error}"),
            error_style(),
        )));
    }

    if let Some(document) = &form.document {
        let marker = if focused == FormRow::Document {
            "›"
        } else {
            " "
        };
        let summary = if form.document_diagnostics.is_empty() {
            String::new()
        } else {
            format!(
                "  ✗ {}",
                crate::graphql::diagnostics::summary(&form.document_diagnostics)
            )
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{marker} Document"),
                if focused == FormRow::Document {
                    Style::new().bold()
                } else {
                    dim()
                },
            ),
            Span::styled(summary, error_style()),
        ]));
        if let Some(error) = error_for(FormRow::Document) {
            lines.push(Line::from(Span::styled(
                format!("  ✗ {error}"),
                error_style(),
            )));
        }
        let top = lines.len() as u16;
        let available = inner.height.saturating_sub(top + 2) as usize;
        let at = document.cursor();
        let (cursor_row, cursor_col) = (at.0, at.1);
        let scroll = cursor_row.saturating_sub(available.saturating_sub(1));
        for (i, line) in document
            .lines()
            .iter()
            .enumerate()
            .skip(scroll)
            .take(available)
        {
            let mut spans = vec![Span::styled(format!("{:>3} │ ", i + 1), dim())];
            let clean = sanitize_line(line);
            spans.extend(
                graphql_line(&clean)
                    .into_iter()
                    .map(|(k, t)| Span::styled(t.to_owned(), style_of(k))),
            );
            lines.push(Line::from(spans));
        }
        if focused == FormRow::Document && cursor_row >= scroll {
            let line = &document.lines()[cursor_row];
            let before: String = line.chars().take(cursor_col).collect();
            let x = inner.x + 6 + Span::raw(before).width() as u16;
            cursor = Some((x, inner.y + top + (cursor_row - scroll) as u16));
        }
    }
    while (lines.len() as u16) < inner.height.saturating_sub(1) {
        lines.push(Line::default());
    }
    let keys = match form.mode {
        FormMode::Create => "Tab next field · Ctrl-s create · Esc close (kept for later)",
        FormMode::EditFields { .. } => "Tab next field · Ctrl-s save · Esc close (kept unsaved)",
    };
    let footer = match &server {
        Some((None, message)) => Line::from(Span::styled(
            format!("✗ {}", sanitize_line(message)),
            error_style(),
        )),
        _ => Line::from(Span::styled(keys, dim())),
    };
    lines.truncate(inner.height.saturating_sub(1) as usize);
    lines.push(footer);
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((x, y)) = cursor {
        if x < inner.x + inner.width && y < inner.y + inner.height {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}
