//! The response's search as it is typed, the jq filter's edge and save:
//! what a user reading an answer meets.

use super::*;

fn view(app: &App) -> &crate::tui::run::ResponseView {
    &app.selected_answer().expect("an answer").view
}

/// Lines: 0 `{`, 1 web, 2 x, 3 WEB, 4 webhook, 5 `}`.
const FOUR: &str = r#"{"a":"web","b":"x","c":"WEB","d":"webhook"}"#;

#[test]
fn each_typed_character_goes_to_the_first_match_from_where_the_search_started() {
    let mut app = loaded();
    answered(&mut app, FOUR);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down); // line 2: "b": "x"
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Char('w'));
    assert_eq!(view(&app).cursor, 3, "`w` at once, before Enter: WEB");
    assert_eq!(view(&app).search.as_deref(), Some("w"), "marked as typed");
    type_text(&mut app, "ebh");
    assert_eq!(view(&app).cursor, 4, "`webh`: webhook");
    press(&mut app, KeyCode::Backspace);
    assert_eq!(
        view(&app).cursor,
        3,
        "`web` again from where it started, not from webhook"
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(view(&app).cursor, 2, "Esc goes back to where it was");
    assert_eq!(view(&app).search, None, "and to no search, as before");
    assert!(view(&app).searching.is_none());

    press(&mut app, KeyCode::Char('/'));
    let typed = view(&app).searching.as_ref().map(|i| i.value().to_owned());
    assert_eq!(typed.as_deref(), Some("web"), "Esc kept the typed text");
    assert_eq!(view(&app).cursor, 3, "and it is searched at once");
    press(&mut app, KeyCode::Enter);
    assert_eq!(view(&app).cursor, 3, "Enter keeps it");
    assert_eq!(view(&app).match_position(), Some((2, 3)));
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(view(&app).cursor, 4);

    // A search typed over one in force: Esc puts that one back.
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(view(&app).cursor, 2);
    press(&mut app, KeyCode::Esc);
    assert_eq!(view(&app).cursor, 4);
    assert_eq!(view(&app).search.as_deref(), Some("web"));
    assert_eq!(view(&app).match_position(), Some((3, 3)));
}

#[test]
fn a_search_typed_into_a_fold_unfolds_it_and_esc_folds_it_again() {
    let mut app = loaded();
    answered(&mut app, r#"{"data":{"branch":"main"},"other":1}"#);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter); // folds `"data": {`
    assert!(view(&app).body.is_folded(1));
    type_text(&mut app, "/main");
    assert_eq!(view(&app).cursor, 2);
    assert!(!view(&app).body.is_folded(1), "the match is shown");
    press(&mut app, KeyCode::Esc);
    assert_eq!(view(&app).cursor, 1);
    assert!(view(&app).body.is_folded(1), "folded again, as it was");
}

/// On a large answer a key counts one slice from the top, never the whole
/// answer: a match far down is gone to as the idle app counts, the prompt
/// still open; one nowhere says "no match" on the edge, then on Enter.
#[test]
fn typing_a_search_in_a_large_answer_counts_a_slice_a_key_and_the_rest_when_idle() {
    let mut app = super::panes::answered_with_flaky_far_down();
    type_text(&mut app, "/flaky");
    assert!(!view(&app).matches.is_complete(), "one slice counted a key");
    assert_eq!(view(&app).cursor, 0, "not met yet: where it started");
    while app.has_idle_work() {
        app.update(Msg::Idle);
    }
    assert_eq!(view(&app).cursor, 59_001, "gone to while still typing");
    assert!(view(&app).searching.is_some());
    press(&mut app, KeyCode::Enter);
    assert_eq!(view(&app).cursor, 59_001);

    type_text(&mut app, "/zebra");
    while app.has_idle_work() {
        app.update(Msg::Idle);
    }
    assert_eq!(view(&app).cursor, 59_001, "none: it stays where it started");
    assert!(
        !app.status.contains("not in the response"),
        "not said while typing: {}",
        app.status
    );
    assert!(view(&app).search_missing());
    press(&mut app, KeyCode::Enter);
    assert!(
        app.status.contains("`zebra` is not in the response"),
        "{}",
        app.status
    );
}

/// `s` under a jq filter saves its result, and the dialog and the status
/// after say so (and where), not "the response".
#[test]
fn s_on_a_jq_result_says_it_saved_the_filtered_result_and_where() {
    let mut app = loaded();
    app.update(Msg::Resize(120, 40));
    answered(&mut app, r#"{"data":{"builds":[{"n":1},{"n":2}]}}"#);
    type_text(&mut app, "|.data.builds[1]");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('s'));
    let shown = super::history::screen(&app);
    assert!(
        shown.contains("Save the jq filter `.data.builds[1]`'s result (not the whole"),
        "{shown}"
    );
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("second.json").display().to_string();
    ctrl(&mut app, 'u');
    type_text(&mut app, &file);
    let commands = press(&mut app, KeyCode::Enter);
    // What the runtime does with the command, on the blocking pool.
    let said = match commands.as_slice() {
        [Command::WriteFile {
            path,
            contents,
            overwrite,
            what,
        }] => crate::tui::answer_file::save(path, contents, *overwrite, what),
        other => panic!("expected a write, got {other:?}"),
    };
    app.update(Msg::Status(said.expect("saved")));
    assert_eq!(
        app.status,
        format!(
            "Saved the jq filter `.data.builds[1]`'s result (not the whole response), pretty-printed, to {file}."
        )
    );
    let written = std::fs::read_to_string(&file).expect("written");
    assert_eq!(written, "{\n  \"n\": 2\n}\n", "the result, not the answer");
}
