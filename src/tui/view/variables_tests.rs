//! The variables form as the user sees it: a default shown dim and
//! italic is replaced by what is typed over it, unless the cursor moved
//! into it first.

use crossterm::event::KeyCode;

use super::tests::{cell_style, find_on_screen, loaded, press, render, type_text};
use crate::tui::app::App;

/// The variables pane focused on `$first` (`Int = 5`), still its default.
fn on_the_default() -> App {
    let mut app = loaded(110, 30);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::F(6)); // Tab would indent the document
    press(&mut app, KeyCode::Down);
    assert!(render(&app).contains("$first Int 5"), "{}", render(&app));
    app
}

fn is_italic(app: &App, text: &str, at: u16) -> bool {
    let (x, y) = find_on_screen(app, text).unwrap_or_else(|| panic!("`{text}` shown"));
    cell_style(app, x + at, y)
        .add_modifier
        .contains(ratatui::style::Modifier::ITALIC)
}

#[test]
fn typing_over_a_default_replaces_it() {
    let mut app = on_the_default();
    assert!(is_italic(&app, "$first Int 5", 11), "drawn as a default");
    type_text(&mut app, "7");
    let shown = render(&app);
    assert!(shown.contains("$first Int 7 "), "not 57:\n{shown}");
    assert!(!is_italic(&app, "$first Int 7", 11), "now a typed value");
    type_text(&mut app, "2");
    assert!(
        render(&app).contains("$first Int 72 "),
        "then typed as usual"
    );
}

#[test]
fn backspace_on_a_default_clears_it() {
    let mut app = on_the_default();
    press(&mut app, KeyCode::Backspace);
    let shown = render(&app);
    assert!(!shown.contains("$first Int 5"), "{shown}");
    type_text(&mut app, "30");
    assert!(render(&app).contains("$first Int 30 "), "{}", render(&app));
}

#[test]
fn a_cleared_default_says_it_still_applies_until_something_is_typed() {
    let mut app = on_the_default();
    press(&mut app, KeyCode::Backspace);
    let shown = render(&app);
    assert!(shown.contains("$first Int default 5 applies"), "{shown}");
    assert!(
        is_italic(&app, "$first Int default", 11),
        "drawn as a default"
    );
    type_text(&mut app, "3");
    let shown = render(&app);
    assert!(shown.contains("$first Int 3 "), "{shown}");
    assert!(!shown.contains("default 5 applies"), "{shown}");
}

#[test]
fn moving_into_a_default_makes_it_a_value_to_edit() {
    let mut app = on_the_default();
    press(&mut app, KeyCode::Home);
    type_text(&mut app, "1");
    assert!(render(&app).contains("$first Int 15 "), "{}", render(&app));
    let mut app = on_the_default();
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Right);
    type_text(&mut app, "0");
    assert!(render(&app).contains("$first Int 50 "), "{}", render(&app));
}

#[test]
fn at_80_columns_the_variables_pane_wraps_what_it_says_and_cuts_values_visibly() {
    let mut app = loaded(110, 30); // the variables pane beside the document
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::End);
    type_text(&mut app, "{"); // the document no longer parses
    let shown = render(&app);
    assert!(
        shown.contains("Fix the document") && shown.contains("errors to run it."),
        "the whole sentence, wrapped:\n{shown}"
    );
    super::tests::ctrl(&mut app, 'z');
    app.update(crate::tui::message::Msg::Resize(80, 24));

    press(&mut app, KeyCode::F(6)); // on `$pipelineSlug`
    type_text(
        &mut app,
        "demo/a-pipeline-with-a-name-far-longer-than-the-pane-is-wide",
    );
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "many");
    super::tests::ctrl(&mut app, 't'); // the raw JSON view
    let shown = render(&app);
    assert!(
        shown.contains("expects an Int") && shown.contains("got `many`"),
        "the error wraps, all of it:\n{shown}"
    );
    super::tests::ctrl(&mut app, 't');
    for _ in 0.."many".len() {
        press(&mut app, KeyCode::Backspace);
    }
    super::tests::ctrl(&mut app, 't');
    let shown = render(&app);
    let value = super::cut_tests::cell_after(&shown, "\"pipelineSlug\"");
    assert!(
        value.trim_end().ends_with('…'),
        "cut visibly: `{value}`\n{shown}"
    );
}
