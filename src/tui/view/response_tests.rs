//! The response pane as a reader meets it: the search as it is typed, the
//! edge under a jq filter, the title on a narrow pane, lines that go on
//! past the edge.

use crossterm::event::KeyCode;

use super::response::{current_match_style, match_style};
use super::tests::BUILDS_BODY;
use super::tests::{answer, cell_style, ctrl, find_on_screen, loaded, press, render, type_text};

#[test]
fn a_search_being_typed_marks_its_matches_and_says_where_it_is_before_enter() {
    let mut app = loaded(120, 36);
    answer(&mut app, BUILDS_BODY);
    type_text(&mut app, "/web");
    let screen = render(&app);
    assert!(screen.contains(" /web▏ · 1 of 3 "), "{screen}");
    let (x, y) = find_on_screen(&app, "Web\"").expect("gone to the first match");
    assert_eq!(cell_style(&app, x, y).bg, current_match_style().bg);
    let (x, y) = find_on_screen(&app, "web-fix").expect("another match");
    assert_eq!(cell_style(&app, x, y).bg, match_style().bg);
    insta::assert_snapshot!(screen);
    press(&mut app, KeyCode::Esc);
    let (x, y) = find_on_screen(&app, "Web\"").expect("the line is still there");
    assert_ne!(
        cell_style(&app, x, y).bg,
        current_match_style().bg,
        "Esc: nothing marked"
    );
}

/// The bottom edge of the response pane (the rightmost pane's, lowest).
fn response_edge(screen: &str) -> String {
    let row = screen
        .lines()
        .rfind(|row| row.contains("╯╰"))
        .unwrap_or_else(|| panic!("no bottom edge:\n{screen}"));
    let at = row.rfind("╯╰").map_or(0, |at| at + "╯╰".len());
    row[at..].to_owned()
}

#[test]
fn the_edge_offers_n_and_n_only_when_the_search_has_a_match_to_go_to() {
    let mut app = loaded(120, 36);
    answer(&mut app, BUILDS_BODY);
    type_text(&mut app, "/web\n");
    assert!(response_edge(&render(&app)).contains("/web · 1 of 3 (n/N)"));
    type_text(&mut app, "/zebra\n");
    let edge = response_edge(&render(&app));
    assert!(edge.contains("/zebra · no match"), "{edge}");
    assert!(!edge.contains("n/N"), "nothing to go to: {edge}");
}

#[test]
fn under_a_jq_filter_the_edge_says_how_to_clear_it_not_the_search_before() {
    let mut app = loaded(120, 36);
    answer(&mut app, BUILDS_BODY);
    type_text(&mut app, "/web\n");
    assert!(response_edge(&render(&app)).contains("/web · 1 of 3"));
    type_text(&mut app, "|.data.pipeline.builds\n");
    assert!(
        app.status
            .contains("The search `web` ended: / searches again."),
        "{}",
        app.status
    );
    let edge = response_edge(&render(&app));
    assert!(edge.contains("| Ctrl-u Enter: the whole answer"), "{edge}");
    assert!(!edge.contains("web"), "the search before is gone: {edge}");
    // A search in the filtered result: both, the way out kept.
    press(&mut app, KeyCode::Char('/'));
    ctrl(&mut app, 'u'); // `/` offered `web` again
    type_text(&mut app, "branch\n");
    let screen = render(&app);
    let edge = response_edge(&screen);
    assert!(
        edge.contains("/branch · 1 of 2 (n/N) · | Ctrl-u Enter: all"),
        "{edge}"
    );
    insta::assert_snapshot!(screen);
    // The whole answer again: no filter, nothing about one.
    type_text(&mut app, "|");
    ctrl(&mut app, 'u');
    press(&mut app, KeyCode::Enter);
    let edge = response_edge(&render(&app));
    assert!(!edge.contains("Ctrl-u"), "{edge}");
}

/// recent-builds as the demo has it: two operations, so the answer is of
/// one of them and the title names it.
fn two_operations_at_80_by_24() -> crate::tui::app::App {
    use crate::tui::message::Msg;
    let mut app = super::tests::sized(80, 24);
    let mut builds = super::tests::portal("recent-builds", "Recent builds", true);
    builds.query = "query GetBuilds($pipelineSlug: ID!) { pipeline(slug: $pipelineSlug) { name } }\nmutation triggerBuild($id: ID!) { buildCreate(input: {pipelineID: $id}) { build { url } } }".into();
    app.update(Msg::PortalsPage(vec![builds]));
    app.update(Msg::PortalsLoaded);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::F(6));
    press(&mut app, KeyCode::Down); // past the operation picker
    type_text(&mut app, "demo/web");
    super::tests::ctrl(&mut app, 'r');
    let body = r#"{"data":{"pipeline":{"name":"Web","builds":[1,2]}}}"#;
    app.update(crate::tui::app::answer_for_test(
        "recent-builds",
        None,
        crate::buildkite::InvokeResponse {
            status: 200,
            elapsed: std::time::Duration::from_millis(1234),
            rate_limit: crate::buildkite::RateLimit {
                limit: Some(200),
                remaining: Some(199),
                ..Default::default()
            },
            body: body.into(),
            graphql: crate::buildkite::invoke::GraphqlEnvelope::parse(body),
        },
    ));
    app
}

#[test]
fn the_response_title_keeps_the_operation_name_on_a_narrow_pane() {
    let mut app = two_operations_at_80_by_24();
    let screen = render(&app);
    let title = super::cut_tests::cell_after(&screen, "GetBuilds");
    for whole in ["GetBuilds", "HTTP 200", "1234 ms", "199/200 left"] {
        assert!(
            title.contains(whole),
            "`{whole}` whole: `{title}`\n{screen}"
        );
    }
    assert!(
        screen
            .lines()
            .nth(1)
            .is_some_and(|row| row.contains("╭ GetBuilds")),
        "the slug and the pane's name gave way first:\n{screen}"
    );
    insta::assert_snapshot!("title_at_80_by_24", screen);
    // Under a jq filter: the filter's words shorten, the operation stays.
    type_text(&mut app, "|.data.pipeline.builds\n");
    let screen = render(&app);
    let title = super::cut_tests::cell_after(&screen, "jq");
    for whole in ["GetBuilds", "HTTP 200", "1234 ms", "199/200 left"] {
        assert!(
            title.contains(whole),
            "`{whole}` whole: `{title}`\n{screen}"
        );
    }
}

#[test]
fn a_wider_pane_cuts_the_slug_with_an_ellipsis_before_the_operation() {
    let mut app = two_operations_at_80_by_24();
    app.update(crate::tui::message::Msg::Resize(100, 24));
    let screen = render(&app);
    let title = super::cut_tests::cell_after(&screen, "GetBuilds ·");
    assert!(
        title.starts_with("GetBuilds · HTTP 200 · 1234 ms · 199/200 left"),
        "`{title}`\n{screen}"
    );
    assert!(screen.contains("╭ recent-bu… GetBuilds · HTTP"), "{screen}");
}

/// Where `mark` is drawn on the row that holds `near`, and its style.
fn mark_after(app: &crate::tui::app::App, near: &str, mark: char) -> ratatui::style::Style {
    let screen = render(app);
    let (y, row) = screen
        .lines()
        .enumerate()
        .find(|(_, row)| row.contains(near))
        .unwrap_or_else(|| panic!("`{near}` on screen:\n{screen}"));
    let row = row.trim_matches('"');
    let at = row
        .find(near)
        .and_then(|from| row[from..].find(mark).map(|i| from + i))
        .or_else(|| row.find(mark))
        .unwrap_or_else(|| panic!("`{mark}` on `{row}`"));
    let x = row[..at].chars().count() as u16;
    cell_style(app, x, y as u16)
}

#[test]
fn a_response_line_past_the_edge_ends_in_a_dim_mark_and_one_scrolled_starts_with_one() {
    let mut app = loaded(120, 36);
    answer(&mut app, BUILDS_BODY);
    let screen = render(&app);
    assert!(screen.contains("\"Deploy web to production›│"), "{screen}");
    assert!(
        screen.contains("\"branch\": \"main\"  "),
        "a line that fits has none"
    );
    let style = mark_after(&app, "to production›", '›');
    assert_eq!(style.fg, super::dim().fg, "dim, not text");
    for _ in 0..2 {
        press(&mut app, KeyCode::Right);
    }
    let screen = render(&app);
    assert!(
        screen.contains("│ ‹e\": \"Deploy web to production after the long-›│"),
        "both ends marked: {screen}"
    );
    let style = mark_after(&app, "‹e\": \"Deploy", '‹');
    assert_eq!(style.fg, super::dim().fg);
    // Wrapped, a long line goes on below: no marks.
    press(&mut app, KeyCode::Char('w'));
    let screen = render(&app);
    assert!(!screen.contains('›') && !screen.contains('‹'), "{screen}");
}

#[test]
fn a_document_line_past_the_edge_ends_in_a_dim_mark_and_one_scrolled_starts_with_one() {
    let mut app = loaded(120, 36);
    press(&mut app, KeyCode::Enter); // the document
    app.update(crate::tui::message::Msg::Key(
        crossterm::event::KeyEvent::new(KeyCode::End, crossterm::event::KeyModifiers::CONTROL),
    ));
    type_text(&mut app, "\n# ");
    type_text(&mut app, &"long ".repeat(30));
    let screen = render(&app);
    let row = screen
        .lines()
        .find(|row| row.contains("long long"))
        .unwrap_or_else(|| panic!("the comment:\n{screen}"));
    assert!(row.contains("│ ‹"), "scrolled to the cursor: `{row}`");
    assert_eq!(mark_after(&app, "long long", '‹').fg, super::dim().fg);
    press(&mut app, KeyCode::Home);
    let screen = render(&app);
    let row = screen
        .lines()
        .find(|row| row.contains("# long"))
        .unwrap_or_else(|| panic!("the comment:\n{screen}"));
    assert!(row.contains(" ›│"), "goes on past the edge: `{row}`");
    assert!(!row.contains('‹'), "not scrolled: `{row}`");
    assert_eq!(mark_after(&app, "# long", '›').fg, super::dim().fg);
    insta::assert_snapshot!("document_line_past_the_edge", screen);
}
