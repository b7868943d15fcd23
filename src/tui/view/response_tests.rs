//! The response pane as a reader meets it: the search as it is typed, the
//! edge under a jq filter, the title on a narrow pane, lines that go on
//! past the edge.

use crossterm::event::KeyCode;

use super::response::{current_match_style, match_style};
use super::tests::BUILDS_BODY;
use super::tests::{answer, cell_style, find_on_screen, loaded, press, render, type_text};

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
