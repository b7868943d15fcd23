//! At 80x24, text too long for its place ends in `…` (cut by display
//! width), never clipped at a border without a sign.

use std::time::Duration;

use crossterm::event::KeyCode;

use super::tests::{ctrl, portal, press, render, type_text};
use crate::buildkite::{invoke::GraphqlEnvelope, InvokeResponse, RateLimit};
use crate::tui::app::App;
use crate::tui::message::Msg;

/// The row of the screen where `text` is, up to the first border after it.
pub(super) fn cell_after<'a>(screen: &'a str, text: &str) -> &'a str {
    let row = screen
        .lines()
        .find(|row| row.contains(text))
        .unwrap_or_else(|| panic!("`{text}` on screen:\n{screen}"));
    let from = row.find(text).unwrap_or(0);
    let rest = &row[from..];
    &rest[..rest.find(['│', '╮']).unwrap_or(rest.len())]
}

fn long_portal_app() -> App {
    let slug = "weekly-release-train-status";
    let mut app = App::new("demo", vec![slug.into()]);
    app.update(Msg::Resize(80, 24));
    app.init();
    let mut long = portal(slug, "Weekly release train status", true);
    long.description = Some(
        "Everything the release captain looks at on Monday morning before the train leaves".into(),
    );
    app.update(Msg::PortalsPage(vec![long]));
    app.update(Msg::PortalsLoaded);
    app
}

#[test]
fn the_fields_and_the_list_cut_with_an_ellipsis_at_80_columns() {
    let app = long_portal_app();
    let screen = render(&app);
    let description = cell_after(&screen, "Description");
    assert!(
        description.ends_with('…') && description.contains("Everything the release"),
        "the description ends in `…` inside the pane: `{description}`\n{screen}"
    );
    let ips = cell_after(&screen, "Allowed IPs");
    assert!(
        !ips.contains("Tok"),
        "no room for the token's state: `{ips}`"
    );
    let token = cell_after(&screen, "Token");
    assert!(
        token.starts_with("Token  stored   Created"),
        "it leads the next line, whole: `{token}`\n{screen}"
    );
    let row = cell_after(&screen, "▶");
    assert!(
        row.contains("Weekly") && row.contains("  wee") && row.ends_with('…'),
        "the slug shows, cut, after the name: `{row}`"
    );
}

#[test]
fn the_response_title_keeps_its_numbers_and_cuts_the_slug_at_80_columns() {
    let mut app = long_portal_app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::F(6));
    type_text(&mut app, "demo/web");
    ctrl(&mut app, 'r');
    let body = r#"{"data":{"pipeline":null}}"#;
    app.update(crate::tui::app::answer_for_test(
        "weekly-release-train-status",
        None,
        InvokeResponse {
            status: 200,
            elapsed: Duration::from_millis(1234),
            rate_limit: RateLimit {
                limit: Some(200),
                remaining: Some(199),
                ..RateLimit::default()
            },
            body: body.into(),
            graphql: GraphqlEnvelope::parse(body),
        },
    ));
    let screen = render(&app);
    let title = cell_after(&screen, "weekly-");
    assert!(
        title.contains("HTTP 200 · 1234 ms · 199/200 left"),
        "the time and the rate limit are whole: `{title}`\n{screen}"
    );
    assert!(
        title.starts_with("weekly-… · HTTP"),
        "the slug gives way, cut visibly: `{title}`\n{screen}"
    );
    press(&mut app, KeyCode::Char('+'));
    let screen = render(&app);
    let title = cell_after(&screen, "Response ·");
    assert!(
        title.contains("weekly-release-train-status · HTTP 200 · 1234 ms · 199/200 left"),
        "zoomed, all of it fits: `{title}`\n{screen}"
    );
}

#[test]
fn a_filtered_answer_says_so_by_what_and_how_to_clear_at_80_columns() {
    let mut app = super::tests::loaded(80, 24);
    super::tests::answer(
        &mut app,
        r#"{"data":{"pipeline":{"builds":[{"n":1},{"n":2}]}}}"#,
    );
    type_text(&mut app, "|.data.pipeline.builds[]\n");
    let screen = render(&app);
    let title = cell_after(&screen, "filtered");
    assert!(
        title.starts_with("filtered by jq `.data.p") && title.contains("HTTP 200 · 42 ms"),
        "beside the pane, the filter gives way only so far: `{title}`\n{screen}"
    );
    assert!(
        screen.contains("| Ctrl-u Enter: the whole answer"),
        "its bottom edge says how to clear it:\n{screen}"
    );
    press(&mut app, KeyCode::Char('+'));
    let screen = render(&app);
    let title = cell_after(&screen, "filtered by");
    assert!(
        title.contains(
            "filtered by jq `.data.pipeline.builds[]` · recent-builds · HTTP 200 · 42 ms"
        ),
        "zoomed, the whole filter and the slug: `{title}`\n{screen}"
    );
    press(&mut app, KeyCode::Char('+'));
    press(&mut app, KeyCode::Char('|'));
    ctrl(&mut app, 'u');
    press(&mut app, KeyCode::Enter);
    let screen = render(&app);
    assert!(!screen.contains("filtered by"), "cleared:\n{screen}");
    assert!(
        screen.contains("Response · recent-builds · HTTP 200"),
        "{screen}"
    );
}

#[test]
fn the_empty_response_pane_and_the_jq_prompt_keep_their_ends() {
    let mut app = super::tests::loaded(80, 24);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::F(6)); // the run panes, the response beside the variables
    let screen = render(&app);
    assert!(
        screen.contains("to see its answer") && screen.contains("here."),
        "wrapped, full stop and all:\n{screen}"
    );

    let mut app = super::tests::loaded(140, 40);
    super::tests::answer(&mut app, r#"{"data":{"n":1}}"#);
    type_text(&mut app, "|.data");
    let screen = render(&app);
    let row = screen
        .lines()
        .find(|row| row.contains(" jq: .data▏"))
        .unwrap_or_else(|| panic!("the jq prompt:\n{screen}"));
    assert!(
        row.contains("▏ (Enter; Ctrl-u Enter: the whole answer) ─") || row.contains("▏ (Enter) ─"),
        "the hint whole or shortened, never clipped: `{row}`"
    );
}

#[test]
fn a_filtered_answer_keeps_its_time_and_rate_limit_whole_at_80_and_140_columns() {
    let filter = ".data.pipeline.builds[] | select(.n > 1) | {number: .n}";
    for (width, height) in [(80, 24), (140, 40)] {
        let mut app = super::tests::loaded(width, height);
        press(&mut app, KeyCode::Tab);
        press(&mut app, KeyCode::F(6));
        type_text(&mut app, "demo/web");
        ctrl(&mut app, 'r');
        let body = r#"{"data":{"pipeline":{"builds":[{"n":1},{"n":2}]}}}"#;
        app.update(crate::tui::app::answer_for_test(
            "recent-builds",
            None,
            InvokeResponse {
                status: 200,
                elapsed: Duration::from_millis(1234),
                rate_limit: RateLimit {
                    limit: Some(5000),
                    remaining: Some(4999),
                    ..RateLimit::default()
                },
                body: body.into(),
                graphql: GraphqlEnvelope::parse(body),
            },
        ));
        type_text(&mut app, &format!("|{filter}\n"));
        let screen = render(&app);
        let title = cell_after(&screen, "HTTP 200");
        assert!(
            title.starts_with("HTTP 200 · 1234 ms · 4999/5000 left "),
            "{width} columns: the time and the rate limit are whole: `{title}`\n{screen}"
        );
        let row = screen
            .lines()
            .find(|row| row.contains("HTTP 200"))
            .unwrap_or_default();
        assert!(
            row.contains(" jq `.data.") || row.contains(" jq · HTTP 200"),
            "{width} columns: the title still says a filter is on: `{row}`\n{screen}"
        );
    }
}

#[test]
fn a_document_error_too_long_for_the_pane_ends_in_an_ellipsis_at_80x24() {
    let mut app = super::tests::loaded(80, 24);
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'a');
    type_text(
        &mut app,
        "query Q($pipelineSlug: ID!) { pipeline(slug: $pipelineSlug) { name } }\n(",
    );
    let screen = render(&app);
    let row = screen
        .lines()
        .find(|row| row.contains("✗ 2:1"))
        .unwrap_or_else(|| panic!("an error line:\n{screen}"));
    let inside = row
        .split('│')
        .find(|cell| cell.contains("✗ 2:1"))
        .unwrap_or_default();
    assert!(
        inside.trim_end().ends_with('…'),
        "the message ends in `…` inside the pane: `{row}`\n{screen}"
    );
}
