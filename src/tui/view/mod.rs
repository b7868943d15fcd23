//! Pure drawing from `&App`. Every string from the server is sanitized here.

mod completion;
mod fit;
mod help;
mod list_row;
mod messages;
mod portal;
mod response;
mod run;

pub(crate) use completion::draw_completion;
pub(crate) use help::help_extent;
pub(crate) use portal::{draw_document_text, field_rows, highlighted_line, DocumentText};

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;

use super::app::{App, Focus, Loading};
use super::layout::inner_height;
use crate::graphql::highlight::Kind;
use crate::text::{sanitize, sanitize_line};

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn draw(frame: &mut Frame, app: &App) {
    let areas = app.areas();
    // A pane out of sight (a short screen's other tab, or zoomed away) has
    // no area and is not drawn.
    let shown = |area: Rect| !area.is_empty();
    if shown(areas.list) {
        draw_list(frame, app, areas.list);
    }
    if shown(areas.fields) {
        portal::draw_fields(frame, app, areas.fields);
    }
    if shown(areas.document) {
        portal::draw_document(frame, app, areas.document);
    }
    if shown(areas.variables) {
        run::draw_variables(frame, app, areas.variables);
    }
    if shown(areas.response) {
        response::draw_response(frame, app, areas.response);
    }
    if shown(areas.tabs) {
        draw_tabs(frame, app, areas.tabs);
    }
    draw_footer(frame, app, areas.footer);
    if let Some(dialog) = app.dialogs.front() {
        dialog.draw(frame, app);
        // F7 in the portal form shows the log over it.
        if app.show_messages && matches!(dialog, crate::tui::dialogs::Dialog::Form(_)) {
            messages::draw_messages(frame, app);
        }
    } else if app.show_help {
        help::draw_help(frame, app);
    } else if app.show_messages {
        messages::draw_messages(frame, app);
    }
}

/// On a short screen: the panes' names, the focused one marked, and how
/// to reach the others.
fn draw_tabs(frame: &mut Frame, app: &App, area: Rect) {
    let names = [
        (Focus::List, "Portals"),
        (Focus::Document, "Document"),
        (Focus::Variables, "Variables"),
        (Focus::Response, "Response"),
    ];
    let mut spans = Vec::new();
    for (focus, name) in names {
        let style = if app.focus == focus {
            Style::new().fg(Color::Black).bg(Color::Cyan).bold()
        } else {
            dim()
        };
        spans.push(Span::styled(format!(" {name} "), style));
        spans.push(Span::raw(" "));
    }
    // In the document Tab indents: say the key that leaves it.
    let switch = if app.focus == Focus::Document {
        "F6/Shift-Tab switch · F8 zoom"
    } else {
        "Tab/Shift-Tab switch · F8 zoom"
    };
    spans.push(Span::styled(switch, dim()));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
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
        Kind::Operation => Style::new().fg(Color::LightCyan).bold(),
        Kind::Field => Style::new().fg(Color::LightBlue),
        Kind::Argument => Style::new().fg(Color::Cyan),
        Kind::Type => Style::new().fg(Color::LightGreen),
        Kind::Directive => Style::new().fg(Color::LightMagenta),
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
    // While loading, a spinner before the count; filtered, what matches of all.
    let busy = match &app.loading {
        Loading::InFlight => format!("{} ", spinner(app)),
        _ => String::new(),
    };
    let count = if app.list.filter.is_empty() {
        app.list.portals.len().to_string()
    } else {
        format!("{}/{}", app.list.visible.len(), app.list.portals.len())
    };
    // A narrow pane keeps the count whole: the word goes first, then the org.
    let room = usize::from(area.width.saturating_sub(2));
    let title = [
        format!(" {busy}Portals · {org} ({count}) "),
        format!(" {busy}{org} ({count}) "),
        format!(" {busy}({count}) "),
    ]
    .into_iter()
    .find(|title| crate::tui::wrap::width(title) <= room)
    .unwrap_or_else(|| format!("{busy}{count}"));
    let mut block = pane(title, app.focus == Focus::List && app.dialogs.is_empty());
    if app.list.filtering || !app.list.filter.is_empty() {
        let cursor = if app.list.filtering { "▏" } else { "" };
        // The border's corners, ` /`, the cursor and a space.
        let room = usize::from(area.width).saturating_sub(6);
        let typed = crate::tui::wrap::cut_start(&sanitize_line(&app.list.filter), room);
        block = block.title_bottom(Line::from(format!(" /{typed}{cursor} ")));
    }
    if app.list.portals.is_empty() {
        let text = match &app.loading {
            Loading::InFlight => "Loading portals…".to_owned(),
            Loading::Failed(message) => {
                format!(
                    "Could not load portals:\n{}\n\nPress r to retry.",
                    sanitize(message)
                )
            }
            Loading::Idle
                if app
                    .dialogs
                    .any(|d| matches!(d, super::dialogs::Dialog::ApiSignIn(_))) =>
            {
                "Not signed in yet: the portals are listed once you are.".to_owned()
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
    if app.list.visible.is_empty() {
        frame.render_widget(
            Paragraph::new("No portal matches the filter.\nEsc clears it.")
                .wrap(Wrap { trim: false })
                .block(block),
            area,
        );
        return;
    }
    // Only the rows on screen become list items.
    let height = inner_height(area);
    // Inside the border, less the `▶ ` the list puts before each row.
    let row_width = usize::from(area.width.saturating_sub(4));
    let mut filter = crate::graphql::fuzzy::Fuzzy::new(&app.list.filter);
    let items: Vec<ListItem> = app
        .list
        .visible
        .iter()
        .skip(app.list.scroll)
        .take(height)
        .map(|&i| list_row::list_item(app, &app.list.portals[i], row_width, &mut filter))
        .collect();
    let list = List::new(items)
        .block(block)
        .highlight_style(
            Style::new()
                .bg(Color::DarkGray)
                .add_modifier(Modifier::BOLD),
        )
        .highlight_symbol("▶ ");
    let mut state =
        ListState::default().with_selected(app.list.selected.checked_sub(app.list.scroll));
    frame.render_stateful_widget(list, area, &mut state);
}

fn draw_footer(frame: &mut Frame, app: &App, area: Rect) {
    let keys = app.footer_keys();
    let busy = if app.busy() {
        format!("{} ", spinner(app))
    } else {
        String::new()
    };
    let below = app.status_lines(area.width);
    let mut first = Vec::new();
    if !keys.is_empty() {
        first.push(Span::styled(
            format!(" {keys} "),
            Style::new().fg(Color::Black).bg(Color::Cyan),
        ));
    }
    first.push(Span::raw(" "));
    first.push(Span::raw(busy));
    if below.is_empty() {
        first.push(Span::raw(sanitize_line(&app.status)));
    }
    let mut lines = vec![Line::from(first)];
    lines.extend(below.into_iter().map(|l| Line::from(format!(" {l}"))));
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod complexity_tests;
#[cfg(test)]
mod cut_tests;
#[cfg(test)]
mod declared_tests;
#[cfg(test)]
mod dialog_tests;
#[cfg(test)]
mod editor_tests;
#[cfg(test)]
mod help_tests;
#[cfg(test)]
mod marks_tests;
#[cfg(test)]
mod response_tests;
#[cfg(test)]
mod sign_in_tests;
#[cfg(test)]
mod status_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod variables_tests;
