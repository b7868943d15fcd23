//! Keys that must act where they are pressed: Ctrl-c closes what is open,
//! F1 opens over a prompt, a Ctrl- or Alt-letter is never the plain letter.

use super::*;

fn jq_prompt(app: &App) -> Option<String> {
    let view = &app.selected_answer()?.view;
    view.filtering
        .as_ref()
        .map(|input| input.value().to_owned())
}

#[test]
fn ctrl_c_in_a_prompt_closes_it_as_esc_does_and_quits_only_with_nothing_open() {
    let mut app = loaded();
    answered(&mut app, r#"{"data":{"a":1}}"#);
    // The jq filter: closed, the answer as it was, the app still there.
    press(&mut app, KeyCode::Char('|'));
    type_text(&mut app, ".data");
    ctrl(&mut app, 'c');
    assert!(!app.quit);
    assert_eq!(jq_prompt(&app), None, "the prompt closed");
    assert!(app.selected_answer().unwrap().view.filter.is_none());
    // The search.
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "a");
    ctrl(&mut app, 'c');
    assert!(!app.quit);
    assert!(app.selected_answer().unwrap().view.searching.is_none());
    // The list's filter.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "who");
    ctrl(&mut app, 'c');
    assert!(!app.quit);
    assert!(!app.list.filtering);
    // The document's find.
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Document);
    ctrl(&mut app, 'g');
    type_text(&mut app, "viewer");
    ctrl(&mut app, 'c');
    assert!(!app.quit);
    assert!(app.selected_edit().unwrap().find.is_none());
    // Nothing open: Ctrl-c quits, as before.
    ctrl(&mut app, 'c');
    assert!(app.quit);
}

#[test]
fn ctrl_c_in_a_dialog_closes_it_as_esc_does() {
    let mut app = loaded();
    answered(&mut app, r#"{"a":1}"#);
    press(&mut app, KeyCode::Char('s'));
    assert!(matches!(app.dialogs.front(), Some(Dialog::SaveResponse(_))));
    ctrl(&mut app, 'c');
    assert!(!app.quit);
    assert!(app.dialogs.is_empty());
    assert_eq!(app.status, "Not saved.");
    // The creation form keeps what was typed, as Esc keeps it.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Nightly");
    ctrl(&mut app, 'c');
    assert!(!app.quit);
    assert!(app.dialogs.is_empty());
    press(&mut app, KeyCode::Char('n'));
    match app.dialogs.front() {
        Some(Dialog::Form(form)) => assert_eq!(form.name.value(), "Nightly"),
        other => panic!("expected the paused creation, got {other:?}"),
    }
    // The question before quitting: Ctrl-c there is "no".
    press(&mut app, KeyCode::Esc);
    ctrl(&mut app, 'c');
    assert!(is_confirm(&app, |k| matches!(k, ConfirmKind::Quit { .. })));
    ctrl(&mut app, 'c');
    assert!(!app.quit && app.dialogs.is_empty());
}
