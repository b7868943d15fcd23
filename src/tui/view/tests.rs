//! Snapshots of every screen and dialog, rendered into a test backend.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::draw;
use crate::buildkite::{
    invoke::GraphqlEnvelope, ApiError, CreatedPortal, InvokeResponse, Portal, RateLimit,
};
use crate::secrets::Secret;
use crate::tui::app::App;
use crate::tui::message::Msg;

pub(super) fn portal(slug: &str, name: &str, user_invokable: bool) -> Portal {
    Portal {
        uuid: format!("00000000-0000-4000-8000-{:0>12}", slug.len()),
        slug: slug.into(),
        organization_uuid: "org".into(),
        name: name.into(),
        description: Some(format!("About {name}")),
        query: "query GetBuilds($pipelineSlug: ID!, $first: Int = 5) {\n  pipeline(slug: $pipelineSlug) {\n    name\n  }\n}\n".into(),
        allowed_ip_addresses: Some("192.0.2.0/24".into()),
        user_invokable,
        created_at: "2024-08-26T03:22:45.555Z".into(),
        created_by: None,
    }
}

pub(super) fn render(app: &App) -> String {
    let mut terminal =
        Terminal::new(TestBackend::new(app.screen.width, app.screen.height)).unwrap();
    terminal.draw(|frame| draw(frame, app)).unwrap();
    terminal.backend().to_string()
}

pub(super) fn press(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

pub(super) fn ctrl(app: &mut App, c: char) {
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )));
}

pub(super) fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(
            app,
            if c == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(c)
            },
        );
    }
}

pub(super) fn sized(width: u16, height: u16) -> App {
    let mut app = App::new("demo", vec!["recent-builds".into()]);
    app.update(Msg::Resize(width, height));
    app.init();
    app
}

pub(super) fn loaded(width: u16, height: u16) -> App {
    let mut app = sized(width, height);
    app.update(Msg::PortalsPage(vec![
        portal("recent-builds", "Recent builds", true),
        portal("deploy-web", "Deploy web", false),
    ]));
    app.update(Msg::PortalsLoaded);
    app
}

#[test]
fn browse_screen() {
    insta::assert_snapshot!(render(&loaded(120, 32)));
}

#[test]
fn fits_in_80_by_24() {
    insta::assert_snapshot!(render(&loaded(80, 24)));
}

#[test]
fn loading_screen() {
    insta::assert_snapshot!(render(&sized(100, 20)));
}

#[test]
fn empty_organization_says_how_to_create_a_portal() {
    let mut app = sized(100, 20);
    app.update(Msg::PortalsLoaded);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn load_error_is_shown_with_a_way_out() {
    let mut app = sized(100, 20);
    app.update(Msg::LoadFailed(
        "not authorized (Authentication required): set BUILDKITE_API_TOKEN".into(),
    ));
    insta::assert_snapshot!(render(&app));
}

#[test]
fn filter_and_help_overlay() {
    let mut app = loaded(100, 24);
    type_text(&mut app, "/de");
    insta::assert_snapshot!("filtering", render(&app));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!("help", render(&app));
}

#[test]
fn a_filter_longer_than_the_pane_shows_its_end_where_typing_goes_on() {
    let mut app = loaded(100, 24);
    type_text(&mut app, "/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ");
    let screen = render(&app);
    let edge = screen
        .lines()
        .find(|row| row.contains("▏"))
        .unwrap_or_else(|| panic!("the filter's edge:\n{screen}"));
    assert!(edge.contains("…"), "its start left out: {edge}");
    assert!(
        edge.contains("ABCDEFGHIJ▏"),
        "what was typed last, and the cursor: {edge}"
    );
}

#[test]
fn editor_with_parse_errors_and_the_save_confirmation() {
    let mut app = loaded(110, 30);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::End);
    type_text(&mut app, " ( {");
    insta::assert_snapshot!("editor_with_errors", render(&app));
    ctrl(&mut app, 's');
    insta::assert_snapshot!("confirm_save", render(&app));
}

/// What the runtime's worker does with a `Diagnose` command.
fn diagnose(app: &mut App, commands: Vec<crate::tui::message::Command>) {
    for command in commands {
        if let crate::tui::message::Command::Diagnose {
            slug,
            generation,
            text,
            schema: Some(schema),
        } = command
        {
            let diagnostics = schema.check(&text);
            app.update(Msg::Diagnosed {
                slug,
                generation,
                diagnostics,
            });
        }
    }
}

pub(super) fn with_schema(app: &mut App) {
    let schema = crate::graphql::schema::GraphqlSchema::from_sdl(
        "type Query { pipeline(slug: ID!): Pipeline }\n\"A pipeline\"\ntype Pipeline {\n  \"Its name\"\n  name: String!\n  \"Newest first\"\n  builds(first: Int, branch: String): BuildConnection\n  slug: String!\n}\ntype BuildConnection { count: Int! }\n",
    )
    .unwrap();
    app.update(Msg::SchemaReady {
        schema,
        fetched_at: chrono::DateTime::from_timestamp(1_764_000_000, 0).unwrap(),
        fetched_now: false,
    });
}

#[test]
fn editor_with_schema_errors_and_the_save_confirmation() {
    let mut app = loaded(110, 30);
    with_schema(&mut app);
    let commands = app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    diagnose(&mut app, commands);
    for _ in 0..2 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::End);
    let commands = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('x'),
        KeyModifiers::NONE,
    )));
    diagnose(&mut app, commands);
    insta::assert_snapshot!(render(&app));
    ctrl(&mut app, 's');
    insta::assert_snapshot!("confirm_save_schema_errors", render(&app));
}

/// Buildkite refuses the save of `slug` under way with a 422 saying `message`.
pub(super) fn refuse_the_save(app: &mut App, slug: &str, message: &str) {
    app.update(Msg::Saved {
        slug: slug.into(),
        result: Err(ApiError::Validation {
            message: message.into(),
            server: None,
        }),
    });
}

#[test]
fn server_validation_message_is_shown_at_its_field() {
    let mut app = loaded(110, 30);
    press(&mut app, KeyCode::Char('f'));
    ctrl(&mut app, 'u');
    type_text(&mut app, "Renamed");
    ctrl(&mut app, 's');
    refuse_the_save(
        &mut app,
        "recent-builds",
        "Validation failed: Name has already been taken",
    );
    insta::assert_snapshot!(render(&app));
}

#[test]
fn create_form_checks_cidrs_as_typed() {
    let mut app = loaded(100, 30);
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Nightly report");
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    type_text(&mut app, "10.0.0.0/8 192.0.2.300/24");
    insta::assert_snapshot!(render(&app));
}

#[test]
fn token_dialog_after_create() {
    let mut app = loaded(100, 30);
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Nightly report");
    ctrl(&mut app, 's');
    let created: CreatedPortal = serde_json::from_value(serde_json::json!({
        "uuid": "u", "slug": "nightly-report", "organization_uuid": "o", "name": "Nightly report",
        "description": null, "query": "query Q { viewer { user { name } } }",
        "created_at": "2024-08-26T03:22:45.555Z", "allowed_ip_addresses": null,
        "user_invokable": false, "token": "bkpt_0123456789abcdef"
    }))
    .unwrap();
    app.update(Msg::Created {
        result: Ok(created),
        stored: Ok(()),
    });
    press(&mut app, KeyCode::Esc);
    app.update(Msg::Copied("Copied through the terminal (OSC 52).".into()));
    insta::assert_snapshot!(render(&app));
}

#[test]
fn delete_confirmation() {
    let mut app = loaded(100, 24);
    press(&mut app, KeyCode::Char('d'));
    type_text(&mut app, "recent");
    insta::assert_snapshot!(render(&app));
}

#[test]
fn variables_form_and_response_with_errors() {
    let mut app = loaded(120, 36);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::F(6)); // Tab would indent the document
    ctrl(&mut app, 'r');
    insta::assert_snapshot!("variables_required", render(&app));
    type_text(&mut app, "demo/web-app");
    ctrl(&mut app, 'r');
    let body = r#"{"data":{"pipeline":null},"errors":[{"message":"Pipeline not found"}]}"#;
    app.update(crate::tui::app::answer_for_test(
        "recent-builds",
        Some(crate::secrets::TokenKind::Admin),
        InvokeResponse {
            status: 200,
            elapsed: Duration::from_millis(42),
            rate_limit: RateLimit {
                limit: Some(200),
                remaining: Some(199),
                reset_secs: Some(30),
                scope: Some("portal".into()),
            },
            body: body.into(),
            graphql: GraphqlEnvelope::parse(body),
        },
    ));
    insta::assert_snapshot!("response", render(&app));
}

#[test]
fn token_prompt_masks_what_is_typed() {
    let mut app = loaded(100, 30);
    press(&mut app, KeyCode::Down); // deploy-web has no stored token
    ctrl(&mut app, 'r'); // focuses the required variable
    type_text(&mut app, "demo/web-app");
    ctrl(&mut app, 'r');
    press(&mut app, KeyCode::Enter); // paste the portal's token
    type_text(&mut app, "bkpt_secret");
    let screen = render(&app);
    assert!(!screen.contains("bkpt_secret"));
    insta::assert_snapshot!(screen);
}

#[test]
fn hostile_server_strings_stay_inert_and_in_their_cells() {
    let mut app = sized(100, 24);
    let mut evil = portal(
        "evil",
        "Evil \u{1b}]52;c;aGk=\u{7}\u{1b}[2J\u{202e}name",
        false,
    );
    evil.query = "query {\u{1b}[31m red }".into();
    app.update(Msg::PortalsPage(vec![evil]));
    app.update(Msg::PortalsLoaded);
    let screen = render(&app);
    assert!(!screen.contains('\u{1b}') && !screen.contains('\u{202e}'));
    insta::assert_snapshot!(screen);
}

#[test]
fn secrets_never_show_outside_the_token_dialog() {
    let mut app = loaded(100, 30);
    app.update(Msg::Created {
        result: Err(ApiError::Validation {
            message: "Validation failed: Query can't be blank".into(),
            server: None,
        }),
        stored: Ok(()),
    });
    let token = Secret::new("bkpt_topsecret");
    assert!(!format!("{token:?}").contains("topsecret"));
    assert!(!render(&app).contains("topsecret"));
}

#[test]
fn authorize_choices_and_the_sign_in_countdown() {
    let mut app = loaded(100, 30);
    press(&mut app, KeyCode::Down); // deploy-web: no stored token
    app.list.portals[1].user_invokable = true;
    press(&mut app, KeyCode::Char('a'));
    insta::assert_snapshot!("authorize", render(&app));
    press(&mut app, KeyCode::Enter);
    app.update(Msg::SignInStarted {
        code: "AB12CD34".into(),
        url: "http://127.0.0.1:4000/authorize/AB12CD34".into(),
        seconds_left: 287,
        opened_browser: false,
    });
    insta::assert_snapshot!("sign_in", render(&app));
}

#[test]
fn conflict_shows_both_versions_side_by_side() {
    let mut app = loaded(110, 30);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::End);
    type_text(&mut app, " slug");
    ctrl(&mut app, 's');
    let mut server = app.list.find("recent-builds").unwrap().clone();
    server.description = Some("Edited elsewhere".into());
    server.query = server.query.replace("name", "name\n    url");
    app.update(Msg::FetchedForSave {
        slug: "recent-builds".into(),
        result: Ok(server),
    });
    insta::assert_snapshot!(render(&app));
}

#[test]
fn line_separators_in_server_strings_keep_each_portal_on_its_row() {
    let mut app = sized(100, 24);
    let mut first = portal("first", "First\u{2028}spills\u{2029}over", false);
    first.description = Some("Line\u{2028}separated".into());
    app.update(Msg::PortalsPage(vec![
        first,
        portal("second", "Second", false),
    ]));
    app.update(Msg::PortalsLoaded);
    let screen = render(&app);
    assert!(
        !screen.contains('\u{2028}') && !screen.contains('\u{2029}'),
        "{screen}"
    );
    let rows: Vec<&str> = screen.lines().collect();
    let at = rows
        .iter()
        .position(|row| row.contains("▶     First spills"))
        .unwrap_or_else(|| panic!("the selected name is on one row:\n{screen}"));
    assert!(rows[at + 1].contains("Second"), "{screen}");
}

#[test]
fn huge_wide_and_invisible_server_strings_keep_the_layout() {
    let mut app = sized(100, 20);
    let mut huge = portal("huge", &"x".repeat(1 << 20), false);
    huge.description = Some("wide 漢字漢字 zero\u{200b}width \u{2067}isolate\u{2069} 🚀🚀".into());
    app.update(Msg::PortalsPage(vec![huge]));
    app.update(Msg::PortalsLoaded);
    let screen = render(&app);
    assert!(!screen.contains('\u{2067}'), "bidi isolates are made inert");
    insta::assert_snapshot!(screen);
}

#[test]
fn the_remaining_dialogs() {
    let mut app = loaded(100, 26);
    press(&mut app, KeyCode::Char('f'));
    insta::assert_snapshot!("edit_fields", render(&app));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "-v2");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('q'));
    insta::assert_snapshot!("confirm_quit", render(&app));
    press(&mut app, KeyCode::Char('n'));

    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "bkps_not_shown");
    let screen = render(&app);
    assert!(!screen.contains("bkps_not_shown"));
    insta::assert_snapshot!("secret_prompt", screen);
    press(&mut app, KeyCode::Esc);

    let mut next = App::new("demo", Vec::new());
    next.update(Msg::Resize(100, 26));
    let edit = crate::tui::editor::PortalEdit::new(&app.list.portals[1]);
    let mut draft = edit.to_draft("demo");
    draft.saved_at = "2026-11-23T10:00:00Z".into();
    let mut gone = draft.clone();
    gone.slug = "deleted-meanwhile".into();
    next.offer_drafts(vec![draft, gone], Vec::new(), None);
    next.init();
    next.update(Msg::PortalsPage(app.list.portals.clone()));
    next.update(Msg::PortalsLoaded);
    insta::assert_snapshot!("drafts", render(&next));
}

#[test]
fn completion_list_and_field_popup() {
    let mut app = loaded(110, 30);
    with_schema(&mut app);
    press(&mut app, KeyCode::Enter);
    for _ in 0..2 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::End);
    type_text(&mut app, "\nb");
    insta::assert_snapshot!("completion_list", render(&app));
    press(&mut app, KeyCode::Tab);
    for _ in 0.." {".len() + 1 {
        press(&mut app, KeyCode::Left);
    }
    press(&mut app, KeyCode::F(2));
    insta::assert_snapshot!("field_popup", render(&app));
}

/// The cell at `(x, y)` of what `app` draws.
pub(super) fn cell_style(app: &App, x: u16, y: u16) -> ratatui::style::Style {
    let mut terminal =
        Terminal::new(TestBackend::new(app.screen.width, app.screen.height)).unwrap();
    terminal.draw(|frame| draw(frame, app)).unwrap();
    terminal.backend().buffer()[(x, y)].style()
}

/// Where `needle` starts on screen.
pub(super) fn find_on_screen(app: &App, needle: &str) -> Option<(u16, u16)> {
    render(app).lines().enumerate().find_map(|(y, line)| {
        let line = line.trim_matches('"');
        let at = line.find(needle)?;
        Some((line[..at].chars().count() as u16, y as u16))
    })
}

#[test]
fn a_long_value_shows_whole_on_focus_and_errors_wrap() {
    let mut app = loaded(110, 40);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::F(6)); // Tab would indent the document
    type_text(
        &mut app,
        "demo/a-pipeline-with-a-name-far-longer-than-the-pane-is-wide",
    );
    press(&mut app, KeyCode::Down);
    for _ in 0..3 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "five");
    ctrl(&mut app, 'r');
    insta::assert_snapshot!(render(&app));
    press(&mut app, KeyCode::Up);
    insta::assert_snapshot!("long_value_focused", render(&app));
}

#[test]
fn a_default_value_looks_unlike_a_typed_one() {
    let mut app = loaded(110, 30);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::F(6)); // Tab would indent the document
    let (x, y) = find_on_screen(&app, "$first Int 5").expect("the default is shown");
    let default = cell_style(&app, x + 11, y);
    let expected = super::run::default_style();
    assert_eq!(
        (default.fg, default.add_modifier),
        (expected.fg, expected.add_modifier),
        "the default is dim and italic"
    );
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "7");
    let typed = cell_style(&app, x + 11, y);
    assert_ne!(typed.fg, default.fg, "a typed value is drawn as text");
    assert!(!typed
        .add_modifier
        .contains(ratatui::style::Modifier::ITALIC));
}

/// Runs the selected portal (its variable filled in) and answers with `body`.
pub(super) fn answer(app: &mut App, body: &str) {
    press(app, KeyCode::Tab);
    press(app, KeyCode::F(6)); // Tab would indent the document
    type_text(app, "demo/web");
    ctrl(app, 'r');
    app.update(crate::tui::app::answer_for_test(
        "recent-builds",
        None,
        InvokeResponse {
            status: 200,
            elapsed: Duration::from_millis(42),
            rate_limit: RateLimit::default(),
            body: body.into(),
            graphql: GraphqlEnvelope::parse(body),
        },
    ));
}

pub(super) const BUILDS_BODY: &str = r#"{"data":{"pipeline":{"name":"Web","builds":[{"message":"Deploy web to production after the long-awaited review of the web team","branch":"main"},{"message":"Bump","branch":"web-fix"}]}},"errors":[{"message":"Field 'builds' is deprecated and will stop working for tokens that cannot create builds in the pipeline"}]}"#;

#[test]
fn search_marks_every_match_and_counts_them() {
    let mut app = loaded(120, 36);
    answer(&mut app, BUILDS_BODY);
    type_text(&mut app, "/web\n");
    insta::assert_snapshot!(render(&app));
    let (x, y) = find_on_screen(&app, "Web\"").expect("the first match is on screen");
    let current = cell_style(&app, x, y);
    assert_eq!(current.bg, super::response::current_match_style().bg);
    let (x, y) = find_on_screen(&app, "web-fix").expect("another match is on screen");
    assert_eq!(cell_style(&app, x, y).bg, super::response::match_style().bg);
    assert_ne!(
        cell_style(&app, x + 3, y).bg,
        super::response::match_style().bg,
        "only the match is marked, not the rest of the word"
    );
}

#[test]
fn long_lines_wrap_or_scroll_sideways_and_folds_count_what_they_hide() {
    let mut app = loaded(120, 36);
    answer(&mut app, BUILDS_BODY);
    press(&mut app, KeyCode::Char('w'));
    insta::assert_snapshot!("response_wrapped", render(&app));
    press(&mut app, KeyCode::Char('w'));
    for _ in 0..4 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter); // folds the first build
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    insta::assert_snapshot!("response_folded_and_scrolled_sideways", render(&app));
}

#[test]
fn sideways_scrolling_stops_where_the_longest_line_on_screen_ends() {
    let mut app = loaded(120, 36);
    let long = format!("{}THE-END", "x".repeat(300));
    answer(
        &mut app,
        &format!(r#"{{"data":{{"short":1,"long":"{long}"}}}}"#),
    );
    for _ in 0..100 {
        press(&mut app, KeyCode::Right);
    }
    let at_the_end = render(&app);
    let end_line = at_the_end
        .lines()
        .find(|line| line.contains("THE-END"))
        .unwrap_or_else(|| panic!("the longest line's end is on screen: {at_the_end}"));
    assert!(
        end_line.contains("THE-END\"│"),
        "its last characters reach the pane's right edge, no further: {end_line}"
    );
    press(&mut app, KeyCode::Right);
    assert_eq!(render(&app), at_the_end, "one more step goes nowhere");
    press(&mut app, KeyCode::Left);
    assert_ne!(
        render(&app),
        at_the_end,
        "back to the left, a step at a time"
    );
}

#[test]
fn the_operation_picker_keeps_its_count_in_sight_at_100_columns() {
    let mut app = sized(100, 30);
    let mut two = portal("two-operations", "Two operations", true);
    two.query = "query RecentBuildsOfTheWholeOrganization { viewer { id } }\n\
                 query TriggerABuildOnTheMainBranch { viewer { id } }\n"
        .into();
    app.update(Msg::PortalsPage(vec![two]));
    app.update(Msg::PortalsLoaded);
    let screen = render(&app);
    let picker = screen
        .lines()
        .find(|line| line.contains('◀'))
        .unwrap_or_else(|| panic!("the picker is on screen: {screen}"));
    assert!(picker.contains("▶ 1/2"), "the count shows: {picker}");
    assert!(
        picker.contains("◀ RecentBuilds"),
        "and the name's start: {picker}"
    );
    assert!(picker.contains('…'), "cut, and saying so: {picker}");
}

#[test]
fn an_html_answer_says_it_is_not_json() {
    let mut app = loaded(120, 36);
    answer(
        &mut app,
        "<html>\n<head><title>502 Bad Gateway</title></head>\n</html>",
    );
    let screen = render(&app);
    assert!(
        screen.contains("Not JSON (it looks like HTML): shown as text."),
        "{screen}"
    );
    assert!(screen.contains("<head><title>502 Bad Gateway</title></head>"));
}

#[test]
fn at_80_by_24_the_run_panes_take_turns_with_the_document_and_zoom() {
    let mut app = loaded(80, 24);
    press(&mut app, KeyCode::Tab);
    assert!(
        render(&app).contains("F6/Shift-Tab switch"),
        "in the document, where Tab indents, the strip names F6"
    );
    press(&mut app, KeyCode::F(6)); // Tab would indent the document
    assert!(render(&app).contains("Tab/Shift-Tab switch"));
    type_text(&mut app, "demo/web-app");
    let screen = render(&app);
    assert!(
        screen.contains("demo/web-app"),
        "the whole value shows: {screen}"
    );
    insta::assert_snapshot!("variables_at_80_by_24", screen);
    answer_again(&mut app, BUILDS_BODY);
    press(&mut app, KeyCode::Char('+'));
    insta::assert_snapshot!("response_zoomed_at_80_by_24", render(&app));
}

/// Runs again, with the values already typed.
fn answer_again(app: &mut App, body: &str) {
    ctrl(app, 'r');
    app.update(crate::tui::app::answer_for_test(
        "recent-builds",
        None,
        InvokeResponse {
            status: 200,
            elapsed: Duration::from_millis(42),
            rate_limit: RateLimit::default(),
            body: body.into(),
            graphql: GraphqlEnvelope::parse(body),
        },
    ));
}

#[test]
fn the_message_log_shows_every_message_in_full() {
    let mut app = loaded(80, 24);
    app.update(Msg::Status(
        "The portal secret is not valid: Buildkite refused it (HTTP 401). Copy the secret again from the portal's Security page and paste it whole, or sign in instead.".into(),
    ));
    let screen = render(&app);
    assert!(
        screen.contains("paste it whole, or sign in") && screen.contains(" instead. "),
        "a long message wraps below the keys: {screen}"
    );
    press(&mut app, KeyCode::F(7));
    insta::assert_snapshot!("message_log", render(&app));
}

#[test]
fn the_variables_as_raw_json() {
    let mut app = loaded(120, 36);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::F(6)); // Tab would indent the document
    type_text(&mut app, "demo/web");
    ctrl(&mut app, 't');
    insta::assert_snapshot!(render(&app));
    app.update(Msg::Paste(
        r#"{"pipelineSlug":"demo/api","first":9}"#.into(),
    ));
    ctrl(&mut app, 't');
    let screen = render(&app);
    assert!(screen.contains("$pipelineSlug ID! demo/api"), "{screen}");
    assert!(screen.contains("$first Int 9"), "{screen}");
}

#[test]
fn a_filter_matching_nothing_says_so_whole_in_a_narrow_list() {
    let mut app = loaded(80, 24);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "nomatchxyz");
    let screen = render(&app);
    let list: String = screen
        .lines()
        .map(|row| row.chars().take(24).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n");
    let words: Vec<&str> = list
        .split(|c: char| !c.is_alphanumeric() && c != '.')
        .filter(|w| !w.is_empty())
        .collect();
    let said = words.join(" ");
    assert!(
        said.contains("No portal matches the filter. Esc clears it."),
        "{screen}"
    );
}

#[test]
fn the_message_log_scrolls_back_to_older_messages_and_says_how_many_are_below() {
    let mut app = loaded(80, 24);
    for i in 1..=30 {
        app.update(Msg::Status(format!("message number {i}")));
    }
    // The log's own rows (the status line below says the newest too).
    let log = |app: &App| -> String {
        let screen = render(app);
        let rows: Vec<&str> = screen.lines().filter(|r| r.contains("│• ")).collect();
        let keys = screen
            .lines()
            .find(|r| r.contains("closes this"))
            .unwrap_or_default();
        format!("{}\n{keys}", rows.join("\n"))
    };
    press(&mut app, KeyCode::F(7));
    let shown = log(&app);
    assert!(shown.contains("message number 30 "), "{shown}");
    assert!(!shown.contains("message number 1 "), "{shown}");
    press(&mut app, KeyCode::Home);
    let shown = log(&app);
    assert!(shown.contains("message number 1 "), "the oldest: {shown}");
    assert!(!shown.contains("message number 30 "), "{shown}");
    assert!(shown.contains("newer below (↓/End)"), "{shown}");
    // Each key moves the page from the oldest one on.
    press(&mut app, KeyCode::Down);
    assert!(!log(&app).contains("Loading portals"), "{}", log(&app));
    press(&mut app, KeyCode::End);
    assert!(log(&app).contains("message number 30 "));
    press(&mut app, KeyCode::Char('x'));
    assert!(!app.show_messages, "another key closes it");
}
