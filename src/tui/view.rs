//! Pure drawing from `&App`. Every string from the server is sanitized here.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;

use super::app::{App, Focus, Loading};
use crate::buildkite::Portal;
use crate::text::{sanitize, sanitize_line};

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn draw(frame: &mut Frame, app: &App) {
    let [main, footer] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(frame.area());
    let [list_area, detail_area] =
        Layout::horizontal([Constraint::Percentage(35), Constraint::Percentage(65)]).areas(main);
    draw_list(frame, app, list_area);
    draw_detail(frame, app, detail_area);
    draw_footer(frame, app, footer);
    if app.show_help {
        draw_help(frame, app);
    }
}

fn pane(title: String, focused: bool) -> Block<'static> {
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

fn draw_list(frame: &mut Frame, app: &App, area: Rect) {
    let mut title = format!(" Portals · {} ", sanitize_line(&app.org));
    if app.loading == Loading::InFlight {
        title = format!(
            " {} Portals · {} ",
            SPINNER[app.spinner % SPINNER.len()],
            sanitize_line(&app.org)
        );
    } else if !app.portals.is_empty() {
        title = format!(
            " Portals · {} ({}) ",
            sanitize_line(&app.org),
            app.visible.len()
        );
    }
    let mut block = pane(title, app.focus == Focus::List);
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
            Loading::Failed(message) => format!("Could not load portals:\n{}\n\nPress r to retry.", sanitize(message)),
            Loading::Idle => "This organization has no portals yet.\n\nCreate the first one from a shell:\n  bkportals create --name \"My portal\" --query-file portal.graphql".to_owned(),
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
    let items: Vec<ListItem> = app
        .visible
        .iter()
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
    let mut state = ListState::default().with_selected(Some(app.selected));
    frame.render_stateful_widget(list, area, &mut state);
}

fn list_item(app: &App, portal: &Portal) -> ListItem<'static> {
    let invokable = if portal.user_invokable { "U" } else { " " };
    let token = if app.has_token(&portal.slug) {
        "T"
    } else {
        " "
    };
    ListItem::new(Line::from(vec![
        Span::styled(
            format!("{invokable}{token} "),
            Style::new().fg(Color::Yellow),
        ),
        Span::raw(sanitize_line(&portal.name)),
        Span::styled(
            format!("  {}", sanitize_line(&portal.slug)),
            Style::new().fg(Color::DarkGray),
        ),
    ]))
}

fn draw_detail(frame: &mut Frame, app: &App, area: Rect) {
    let Some(portal) = app.selected_portal() else {
        frame.render_widget(pane(" Portal ".into(), app.focus == Focus::Detail), area);
        return;
    };
    let label = |name: &str| Span::styled(format!("{name:<16}"), Style::new().fg(Color::DarkGray));
    let text = |value: &Option<String>, none: &str| match value {
        Some(v) if !v.is_empty() => Span::raw(sanitize_line(v)),
        _ => Span::styled(none.to_owned(), Style::new().italic().fg(Color::DarkGray)),
    };
    let created_by = portal
        .created_by
        .as_ref()
        .map(|c| format!(" by {}", sanitize_line(&c.name)))
        .unwrap_or_default();
    let mut lines = vec![
        Line::from(vec![
            label("Name"),
            Span::raw(sanitize_line(&portal.name)).bold(),
        ]),
        Line::from(vec![label("Slug"), Span::raw(sanitize_line(&portal.slug))]),
        Line::from(vec![
            label("Description"),
            text(&portal.description, "none"),
        ]),
        Line::from(vec![
            label("Allowed IPs"),
            text(&portal.allowed_ip_addresses, "any address"),
        ]),
        Line::from(vec![
            label("User-invokable"),
            Span::raw(if portal.user_invokable { "yes" } else { "no" }),
        ]),
        Line::from(vec![
            label("Token stored"),
            Span::raw(if app.has_token(&portal.slug) {
                "yes"
            } else {
                "no"
            }),
        ]),
        Line::from(vec![
            label("Created"),
            Span::raw(format!("{}{created_by}", sanitize_line(&portal.created_at))),
        ]),
        Line::from(vec![label("UUID"), Span::raw(sanitize_line(&portal.uuid))]),
        Line::default(),
        Line::from(Span::styled("Document", Style::new().bold())),
    ];
    let query = sanitize(&portal.query);
    let numbers_width = query.lines().count().max(1).to_string().len();
    for (n, line) in query.lines().enumerate() {
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:>numbers_width$} │ ", n + 1),
                Style::new().fg(Color::DarkGray),
            ),
            Span::raw(line.replace('\t', "    ")),
        ]));
    }
    let title = format!(" {} ", sanitize_line(&portal.name));
    frame.render_widget(
        Paragraph::new(lines)
            .block(pane(title, app.focus == Focus::Detail))
            .scroll((app.detail_scroll, 0)),
        area,
    );
}

fn draw_footer(frame: &mut Frame, app: &App, area: Rect) {
    let keys = if app.filtering {
        "type to filter · Enter keep · Esc clear"
    } else {
        "q quit · / filter · r reload · Tab pane · ? help"
    };
    let status = sanitize_line(&app.status);
    let line = Line::from(vec![
        Span::styled(
            format!(" {keys} "),
            Style::new().fg(Color::Black).bg(Color::Cyan),
        ),
        Span::raw(" "),
        Span::raw(status),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_help(frame: &mut Frame, app: &App) {
    let keys: &[(&str, &str)] = match app.focus {
        Focus::List => &[
            ("↑/↓ j/k", "select a portal"),
            ("PgUp/PgDn", "move by a page"),
            ("g / G", "first / last"),
            ("/", "filter by name, slug, description"),
            ("Enter →", "read the portal"),
            ("r", "reload from Buildkite"),
        ],
        Focus::Detail => &[
            ("↑/↓ j/k", "scroll"),
            ("PgUp/PgDn", "scroll by a page"),
            ("g / G", "top / bottom"),
            ("←", "back to the list"),
        ],
    };
    let mut lines: Vec<Line> = keys
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{k:<12}"), Style::new().bold()),
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::from(
        "Tab  switch pane · q quit · any key closes this",
    ));
    let area = frame.area();
    let width = 56.min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(pane(" Keys ".into(), true)),
        popup,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::message::Msg;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    fn portal(slug: &str, name: &str, user_invokable: bool) -> Portal {
        Portal {
            uuid: format!("00000000-0000-4000-8000-{:0>12}", slug.len()),
            slug: slug.into(),
            organization_uuid: "org".into(),
            name: name.into(),
            description: Some(format!("About {name}")),
            query: "query GetBuilds($pipelineSlug: ID!) {\n  pipeline(slug: $pipelineSlug) {\n    name\n  }\n}\n".into(),
            allowed_ip_addresses: Some("192.0.2.0/24".into()),
            user_invokable,
            created_at: "2024-08-26T03:22:45.555Z".into(),
            created_by: None,
        }
    }

    fn render(app: &App, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|frame| draw(frame, app)).unwrap();
        terminal.backend().to_string()
    }

    fn key(app: &mut App, code: KeyCode) {
        app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    fn loaded() -> App {
        let mut app = App::new("demo", vec!["recent-builds".into()]);
        app.init();
        app.update(Msg::PortalsPage(vec![
            portal("recent-builds", "Recent builds", true),
            portal("deploy-web", "Deploy web", false),
        ]));
        app.update(Msg::PortalsLoaded);
        app
    }

    #[test]
    fn browse_screen() {
        insta::assert_snapshot!(render(&loaded(), 100, 20));
    }

    #[test]
    fn loading_screen() {
        let mut app = App::new("demo", Vec::new());
        app.init();
        insta::assert_snapshot!(render(&app, 80, 12));
    }

    #[test]
    fn empty_organization_says_how_to_create_a_portal() {
        let mut app = App::new("demo", Vec::new());
        app.init();
        app.update(Msg::PortalsLoaded);
        insta::assert_snapshot!(render(&app, 100, 12));
    }

    #[test]
    fn load_error_is_shown_with_a_way_out() {
        let mut app = App::new("demo", Vec::new());
        app.init();
        app.update(Msg::LoadFailed(
            "not authorized (Authentication required): set BUILDKITE_API_TOKEN".into(),
        ));
        insta::assert_snapshot!(render(&app, 100, 12));
    }

    #[test]
    fn filter_and_help_overlay() {
        let mut app = loaded();
        key(&mut app, KeyCode::Char('/'));
        key(&mut app, KeyCode::Char('d'));
        key(&mut app, KeyCode::Char('e'));
        insta::assert_snapshot!("filtering", render(&app, 100, 16));
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char('?'));
        insta::assert_snapshot!("help", render(&app, 100, 16));
    }

    #[test]
    fn hostile_server_strings_stay_inert_and_in_their_cells() {
        let mut app = App::new("demo", Vec::new());
        app.init();
        let mut evil = portal(
            "evil",
            "Evil \u{1b}]52;c;aGk=\u{7}\u{1b}[2J\u{202e}name",
            false,
        );
        evil.query = "query {\u{1b}[31m red }".into();
        app.update(Msg::PortalsPage(vec![evil]));
        app.update(Msg::PortalsLoaded);
        let screen = render(&app, 90, 14);
        assert!(!screen.contains('\u{1b}') && !screen.contains('\u{202e}'));
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn fits_in_80_by_24() {
        insta::assert_snapshot!(render(&loaded(), 80, 24));
    }
}
