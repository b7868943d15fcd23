//! Pure drawing from `&App`. Every string from the server is sanitized here.

mod dialogs;
mod portal;
mod run;

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;

use super::app::{App, Focus, Loading};
use super::layout::{self, inner_height};
use crate::buildkite::Portal;
use crate::graphql::highlight::Kind;
use crate::text::{sanitize, sanitize_line};

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn draw(frame: &mut Frame, app: &App) {
    let areas = layout::areas(
        frame.area(),
        matches!(app.focus, Focus::Variables | Focus::Response),
    );
    draw_list(frame, app, areas.list);
    portal::draw_fields(frame, app, areas.fields);
    portal::draw_document(frame, app, areas.document);
    run::draw_variables(frame, app, areas.variables);
    run::draw_response(frame, app, areas.response);
    draw_footer(frame, app, areas.footer);
    if let Some(dialog) = &app.dialog {
        dialogs::draw(frame, app, dialog);
    } else if app.show_help {
        draw_help(frame, app);
    }
}

pub(crate) fn pane(title: String, focused: bool) -> Block<'static> {
    let style = if focused {
        Style::new().fg(Color::Cyan)
    } else {
        Style::new().fg(Color::DarkGray)
    };
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(style)
        .title(Span::styled(title, Style::new().bold()))
}

pub(crate) fn spinner(app: &App) -> &'static str {
    SPINNER[app.spinner % SPINNER.len()]
}

pub(crate) fn style_of(kind: Kind) -> Style {
    match kind {
        Kind::Plain => Style::new(),
        Kind::Keyword => Style::new().fg(Color::Magenta).bold(),
        Kind::Name => Style::new().fg(Color::White),
        Kind::Variable => Style::new().fg(Color::Yellow),
        Kind::String => Style::new().fg(Color::Green),
        Kind::Number | Kind::Literal => Style::new().fg(Color::LightBlue),
        Kind::Punctuation => Style::new().fg(Color::DarkGray),
        Kind::Comment => Style::new().fg(Color::DarkGray).italic(),
        Kind::Key => Style::new().fg(Color::Cyan),
    }
}

pub(crate) fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub(crate) fn error_style() -> Style {
    Style::new().fg(Color::Red)
}

fn draw_list(frame: &mut Frame, app: &App, area: Rect) {
    let org = sanitize_line(&app.org);
    let title = match &app.loading {
        Loading::InFlight => format!(" {} Portals · {org} ({}) ", spinner(app), app.portals.len()),
        _ if app.filter.is_empty() => format!(" Portals · {org} ({}) ", app.visible.len()),
        _ => format!(
            " Portals · {org} ({}/{}) ",
            app.visible.len(),
            app.portals.len()
        ),
    };
    let mut block = pane(title, app.focus == Focus::List && app.dialog.is_none());
    if app.filtering || !app.filter.is_empty() {
        let cursor = if app.filtering { "▏" } else { "" };
        block = block.title_bottom(Line::from(format!(
            " /{}{cursor} ",
            sanitize_line(&app.filter)
        )));
    }
    if app.portals.is_empty() {
        let text = match &app.loading {
            Loading::InFlight => "Loading portals…".to_owned(),
            Loading::Failed(message) => {
                format!(
                    "Could not load portals:\n{}\n\nPress r to retry.",
                    sanitize(message)
                )
            }
            Loading::Idle => {
                "This organization has no portals yet.\n\nPress n to create the first one."
                    .to_owned()
            }
        };
        frame.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: false }).block(block),
            area,
        );
        return;
    }
    if app.visible.is_empty() {
        frame.render_widget(
            Paragraph::new("No portal matches the filter.\nEsc clears it.").block(block),
            area,
        );
        return;
    }
    // Only the rows on screen become list items.
    let height = inner_height(area);
    let items: Vec<ListItem> = app
        .visible
        .iter()
        .skip(app.list_scroll)
        .take(height)
        .map(|&i| list_item(app, &app.portals[i]))
        .collect();
    let list = List::new(items)
        .block(block)
        .highlight_style(
            Style::new()
                .bg(Color::DarkGray)
                .add_modifier(Modifier::BOLD),
        )
        .highlight_symbol("▶ ");
    let mut state = ListState::default().with_selected(app.selected.checked_sub(app.list_scroll));
    frame.render_stateful_widget(list, area, &mut state);
}

fn list_item(app: &App, portal: &Portal) -> ListItem<'static> {
    let dirty = if app.is_dirty(&portal.slug) {
        "●"
    } else {
        " "
    };
    let invokable = if portal.user_invokable { "U" } else { " " };
    let token = if app.has_token(&portal.slug) {
        "T"
    } else {
        " "
    };
    ListItem::new(Line::from(vec![
        Span::styled(dirty.to_owned(), Style::new().fg(Color::Yellow)),
        Span::styled(
            format!("{invokable}{token} "),
            Style::new().fg(Color::Yellow),
        ),
        Span::raw(sanitize_line(&portal.name)),
        Span::styled(format!("  {}", sanitize_line(&portal.slug)), dim()),
    ]))
}

/// The keys shown in the footer and the help overlay, for the focused pane.
pub(crate) fn keys_for(app: &App) -> &'static [(&'static str, &'static str)] {
    match app.focus {
        Focus::List => &[
            ("↑/↓ j/k", "select a portal"),
            ("/", "filter by name, slug, description"),
            ("Enter", "edit the document"),
            ("f", "edit the fields"),
            ("e", "open the document in $EDITOR"),
            ("n", "create a portal"),
            ("d", "delete the portal"),
            ("r", "reload from Buildkite"),
            ("a", "authorize runs: sign in, token or secret"),
            ("Ctrl-s", "save the portal"),
            ("Ctrl-r", "run the portal"),
            ("F5", "fetch the GraphQL schema again"),
            ("Tab", "next pane (Shift-Tab back)"),
            ("q", "quit"),
        ],
        Focus::Document => &[
            ("type", "edit the document"),
            ("Ctrl-s", "save (asks first if it has errors)"),
            ("Ctrl-z / Ctrl-y", "undo / redo"),
            ("Ctrl-f", "format the document"),
            ("Ctrl-Space", "complete (also while typing a name)"),
            ("F2", "explain the field under the cursor"),
            ("Ctrl-o", "open in $EDITOR"),
            ("Ctrl-r", "run the portal"),
            ("F5", "fetch the GraphQL schema again"),
            ("Esc", "back to the list"),
            ("Tab", "next pane"),
        ],
        Focus::Variables => &[
            ("↑/↓", "move between variables"),
            ("←/→", "choose the operation"),
            ("type", "edit the value (JSON for lists, objects)"),
            ("Enter on Run", "run the portal (or Ctrl-r)"),
            ("Esc", "back to the list"),
        ],
        Focus::Response => &[
            ("↑/↓ j/k", "move"),
            ("PgUp/PgDn", "by a page"),
            ("g / G", "top / bottom"),
            ("Enter / Space", "fold or unfold"),
            ("/  n  N", "search, next, previous"),
            ("c", "copy the body"),
            ("s", "save the body to a file"),
            ("Esc", "back to the list"),
        ],
    }
}

fn draw_footer(frame: &mut Frame, app: &App, area: Rect) {
    let keys = if app.filtering {
        "type to filter · Enter keep · Esc clear".to_owned()
    } else {
        let pane_keys = keys_for(app)
            .iter()
            .filter(|(k, _)| !matches!(*k, "Tab" | "type" | "Esc"))
            .take(3)
            .map(|(k, what)| format!("{k} {}", what.split(' ').next().unwrap_or(what)))
            .collect::<Vec<_>>()
            .join(" · ");
        format!("{pane_keys} · F1 help")
    };
    let busy = if app.busy() {
        format!("{} ", spinner(app))
    } else {
        String::new()
    };
    let line = Line::from(vec![
        Span::styled(
            format!(" {keys} "),
            Style::new().fg(Color::Black).bg(Color::Cyan),
        ),
        Span::raw(" "),
        Span::raw(busy),
        Span::raw(sanitize_line(&app.status)),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_help(frame: &mut Frame, app: &App) {
    let mut lines: Vec<Line> = keys_for(app)
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{k:<16}"), Style::new().bold()),
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        sanitize_line(&app.schema_note),
        dim(),
    )));
    lines.push(Line::from(Span::styled(
        "F1 or ? help · any key closes this",
        dim(),
    )));
    let popup = layout::centered(frame.area(), 60, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    let title = match app.focus {
        Focus::List => " Keys · portal list ",
        Focus::Document => " Keys · document ",
        Focus::Variables => " Keys · variables ",
        Focus::Response => " Keys · response ",
    };
    frame.render_widget(Paragraph::new(lines).block(pane(title.into(), true)), popup);
}

#[cfg(test)]
mod tests;
