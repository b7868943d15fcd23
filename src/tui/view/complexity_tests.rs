//! The document pane's border says what the operation being edited
//! requests, its colour saying how near Buildkite's limit it is.

use crossterm::event::KeyCode;
use ratatui::style::Color;

use super::tests::{cell_style, find_on_screen, portal, press, render, sized};
use crate::tui::app::App;
use crate::tui::message::Msg;

/// `first` pipelines, each with 500 builds: 3 + first × 503 points.
fn nested(name: &str, first: u32) -> String {
    format!(
        "query {name} {{ organization(slug: \"o\") {{ pipelines(first: {first}) {{ edges {{ node {{\n  builds(first: 500) {{ edges {{ node {{ number }} }} }} }} }} }} }} }}\n"
    )
}

/// An app whose one portal has `document`, open in the editor (a key
/// starts the edit, whose cursor the border follows).
fn editing(document: &str) -> App {
    let mut app = sized(140, 40);
    let mut listed = portal("deep", "Deep", false);
    listed.query = document.to_owned();
    app.update(Msg::PortalsPage(vec![listed]));
    app.update(Msg::PortalsLoaded);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Home);
    app
}

fn foreground_of(app: &App, text: &str) -> Option<Color> {
    let (x, y) = find_on_screen(app, text)
        .unwrap_or_else(|| panic!("{text:?} is not on screen:\n{}", render(app)));
    cell_style(app, x + 1, y).fg
}

#[test]
fn the_border_gives_the_requested_complexity_coloured_by_how_near_the_limit_it_is() {
    let docs_example = "query RecentPipelineSlugs {\n  organization(slug: \"organization-slug\") {\n    pipelines(first: 500) {\n      edges {\n        node {\n          slug\n        }\n      }\n    }\n  }\n}\n";
    let app = editing(docs_example);
    assert_eq!(
        foreground_of(&app, " RecentPipelineSlugs ~503 points "),
        Some(Color::DarkGray),
        "well under the limit: quiet"
    );

    let app = editing(&nested("Near", 90));
    assert_eq!(
        foreground_of(&app, " Near ~45,273 points · near the 50,000 limit "),
        Some(Color::Yellow),
        "from where `check` warns"
    );

    let app = editing(&nested("Deep", 500));
    assert_eq!(
        foreground_of(&app, " Deep ~251,503 points · over 50,000: refused "),
        Some(Color::Red)
    );
}

#[test]
fn several_operations_show_the_one_the_cursor_is_in_and_none_when_it_does_not_parse() {
    let two = format!("{}{}", nested("Light", 1), nested("Heavy", 500));
    let mut app = editing(&two);
    assert!(find_on_screen(&app, " Light ~506 points ").is_some());
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down); // into Heavy
    assert!(
        find_on_screen(&app, " Heavy ~251,503 points · over 50,000: refused ").is_some(),
        "{}",
        render(&app)
    );
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    assert!(find_on_screen(&app, " Light ~506 points ").is_some());
    // The variables pane's choice, while it has the focus.
    press(&mut app, KeyCode::F(6));
    press(&mut app, KeyCode::Right);
    assert_eq!(
        app.variables.as_ref().unwrap().operation_name(),
        Some("Heavy")
    );
    assert!(find_on_screen(&app, " Heavy ~251,503 points").is_some());

    let mut app = editing(&two);
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Char('{'));
    assert!(
        !render(&app).contains("points"),
        "a document that does not parse has no figure:\n{}",
        render(&app)
    );
}

#[test]
fn the_verdict_stays_on_the_border_at_80_columns_and_while_find_is_open() {
    let mut app = super::tests::sized(80, 24);
    let mut listed = portal("deep", "Deep", false);
    listed.query = nested("DeepPipelineBuildsOverview", 100);
    app.update(Msg::PortalsPage(vec![listed]));
    app.update(Msg::PortalsLoaded);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Home);
    let shown = render(&app);
    let border = shown
        .lines()
        .find(|row| row.contains("~50,303 points"))
        .unwrap_or_else(|| panic!("the figure on the border:\n{shown}"));
    assert!(
        !border.contains("DeepPipelineBuildsOverview") && border.contains("refused"),
        "the name goes first, the verdict stays: {border}"
    );
    assert_eq!(foreground_of(&app, "~50,303 points"), Some(Color::Red));
    super::tests::ctrl(&mut app, 'g');
    super::tests::type_text(&mut app, "builds");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::F(3));
    let shown = render(&app);
    let border = shown
        .lines()
        .find(|row| row.contains("find: builds"))
        .unwrap_or_else(|| panic!("the find on the border:\n{shown}"));
    assert!(
        border.contains("~50,303 points · refused") || border.contains("over 50,000: refused"),
        "{border}"
    );
}

#[test]
fn a_document_viewed_from_the_list_shows_its_complexity_before_any_edit() {
    let mut app = sized(140, 40);
    let mut listed = portal("deep", "Deep", false);
    listed.query = nested("Deep", 500);
    let mut light = portal("light", "Light", false);
    light.query = nested("Light", 1);
    app.update(Msg::PortalsPage(vec![listed, light]));
    app.update(Msg::PortalsLoaded);
    assert!(app.selected_edit().is_none(), "only viewed");
    assert_eq!(
        foreground_of(&app, " Deep ~251,503 points · over 50,000: refused "),
        Some(Color::Red)
    );
    press(&mut app, KeyCode::Down);
    let screen = render(&app);
    assert!(screen.contains(" Light ~506 points "), "{screen}");
    assert!(
        !screen.contains("Deep ~"),
        "the selected portal's: {screen}"
    );
    assert!(
        !screen.contains("Ln 1, Col 1"),
        "no cursor place without an edit: {screen}"
    );
}

#[test]
fn the_launchs_first_frame_has_no_complexity_and_the_next_one_has_it() {
    let mut app = sized(140, 40);
    let mut listed = portal("deep", "Deep", false);
    listed.query = nested("Deep", 500);
    app.update(Msg::PortalsPage(vec![listed]));
    app.update(Msg::PortalsLoaded);
    app.names_first.set(true);
    let first = render(&app);
    assert!(first.contains("Deep"), "{first}");
    assert!(!first.contains(" points"), "names first:\n{first}");
    app.names_first.set(false);
    let next = render(&app);
    assert!(next.contains(" Deep ~251,503 points"), "{next}");
}
