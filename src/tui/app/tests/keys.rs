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

#[test]
fn f1_opens_the_help_over_a_prompt_and_closing_it_returns_to_the_prompt_as_typed() {
    let mut app = loaded();
    answered(&mut app, r#"{"data":{"a":1}}"#);
    press(&mut app, KeyCode::Char('|'));
    type_text(&mut app, ".data");
    press(&mut app, KeyCode::F(1));
    assert!(app.show_help, "F1 opened the help");
    assert_eq!(jq_prompt(&app).as_deref(), Some(".data"));
    press(&mut app, KeyCode::Esc);
    assert!(!app.show_help, "Esc closed the help");
    assert_eq!(jq_prompt(&app).as_deref(), Some(".data"), "not the prompt");
    type_text(&mut app, ".a");
    assert_eq!(jq_prompt(&app).as_deref(), Some(".data.a"));
    press(&mut app, KeyCode::Esc);
    // The list's filter: F1 is the help, `?` is typed.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "who?");
    assert!(!app.show_help);
    press(&mut app, KeyCode::F(1));
    assert!(app.show_help);
    press(&mut app, KeyCode::Char('x')); // closes the help, typed nowhere
    assert!(!app.show_help && app.list.filtering);
    assert_eq!(app.list.filter, "who?");
}

fn with(app: &mut App, c: char, modifiers: KeyModifiers) -> Vec<Command> {
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), modifiers)))
}

const MODIFIED: [KeyModifiers; 3] = [
    KeyModifiers::CONTROL,
    KeyModifiers::ALT,
    KeyModifiers::CONTROL.union(KeyModifiers::ALT),
];

#[test]
fn ctrl_r_in_run_with_unsaved_changes_is_not_r() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "# note\n");
    assert!(ctrl(&mut app, 'r').is_empty());
    let asking = |app: &App| is_confirm(app, |k| matches!(k, ConfirmKind::Run { .. }));
    assert!(asking(&app));
    for modifiers in MODIFIED {
        for c in ['r', 's'] {
            assert!(with(&mut app, c, modifiers).is_empty(), "{modifiers:?} {c}");
            assert!(asking(&app), "still asking after {modifiers:?} {c}");
        }
    }
    assert_eq!(names(&press(&mut app, KeyCode::Char('r'))), ["invoke"]);
}

#[test]
fn modified_letters_answer_no_question_in_a_dialog() {
    // Discard: Ctrl-a is not "all", Ctrl-y not "yes".
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "# note\n");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('x'));
    let discarding = |app: &App| is_confirm(app, |k| matches!(k, ConfirmKind::Discard { .. }));
    assert!(discarding(&app));
    for modifiers in MODIFIED {
        for c in ['a', 'd', 'y', 'n'] {
            with(&mut app, c, modifiers);
            assert!(discarding(&app), "still asking after {modifiers:?} {c}");
        }
    }
    assert!(app.selected_edit().unwrap().is_dirty(), "nothing discarded");
    // The history: Alt-q (tmux's Esc then q) is not q, Ctrl-d not d.
    let mut app = loaded();
    press(&mut app, KeyCode::Char('H'));
    app.update(Msg::HistoryRead {
        slug: "deploy-web".into(),
        entries: vec![super::history::entry(
            "2026-12-01T10:00:00Z",
            None,
            serde_json::json!({}),
        )],
    });
    let history = |app: &App| matches!(app.dialogs.front(), Some(Dialog::History(_)));
    assert!(history(&app));
    with(&mut app, 'q', KeyModifiers::ALT);
    with(&mut app, 'd', KeyModifiers::CONTROL);
    assert!(history(&app), "the history stays");
    press(&mut app, KeyCode::Char('q'));
    assert!(!history(&app));
}

#[test]
fn modified_letters_in_the_token_and_creation_dialogs_are_not_their_letters() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Nightly");
    // Ctrl-Space on User-invokable does not tick it; Space does.
    for _ in 0..4 {
        press(&mut app, KeyCode::Tab);
    }
    ctrl(&mut app, ' ');
    let ticked = |app: &App| match app.dialogs.front() {
        Some(Dialog::Form(form)) => form.user_invokable,
        other => panic!("expected the form, got {other:?}"),
    };
    assert!(!ticked(&app));
    press(&mut app, KeyCode::Char(' '));
    assert!(ticked(&app));
    ctrl(&mut app, 's');
    app.update(Msg::Created {
        result: Ok(created("nightly")),
        stored: Ok(()),
    });
    // Alt-q does not ask to quit, Ctrl-s does not untick the store.
    with(&mut app, 'q', KeyModifiers::ALT);
    with(&mut app, 's', KeyModifiers::CONTROL);
    match app.dialogs.front() {
        Some(Dialog::Token(token)) => assert!(!token.quitting && token.store),
        other => panic!("the token dialog stays: {other:?}"),
    }
}

const CTRL_ALT: KeyModifiers = KeyModifiers::CONTROL.union(KeyModifiers::ALT);

#[test]
fn alt_letters_type_nothing_and_ctrl_alt_ones_type_as_altgr_does() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Document);
    with(&mut app, 'q', KeyModifiers::ALT);
    assert!(
        !app.selected_edit().unwrap().is_dirty(),
        "Alt-q typed nothing"
    );
    with(&mut app, '@', CTRL_ALT);
    with(&mut app, '€', CTRL_ALT);
    with(&mut app, 'Q', KeyModifiers::SHIFT);
    assert_eq!(app.selected_edit().unwrap().text(), format!("@€Q{WHO}"));
    // The document's find.
    ctrl(&mut app, 'g');
    type_text(&mut app, "vi");
    with(&mut app, 'q', KeyModifiers::ALT);
    let needle = |app: &App| {
        app.selected_edit()
            .unwrap()
            .find
            .as_ref()
            .unwrap()
            .needle
            .clone()
    };
    assert_eq!(needle(&app), "vi");
    // A one-line prompt: the jq filter.
    let mut app = loaded();
    answered(&mut app, r#"{"data":{"a":1}}"#);
    press(&mut app, KeyCode::Char('|'));
    type_text(&mut app, ".data ");
    with(&mut app, 'q', KeyModifiers::ALT);
    with(&mut app, '|', CTRL_ALT);
    assert_eq!(jq_prompt(&app).as_deref(), Some(".data |"));
    // The creation form: its name and its document.
    let mut app = loaded();
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Nightly");
    with(&mut app, 'q', KeyModifiers::ALT);
    for _ in 0..5 {
        press(&mut app, KeyCode::Tab);
    }
    with(&mut app, 'q', KeyModifiers::ALT);
    with(&mut app, '@', CTRL_ALT);
    match app.dialogs.front() {
        Some(Dialog::Form(form)) => {
            assert_eq!(form.name.value(), "Nightly");
            assert!(
                form.document_text().starts_with('@'),
                "{}",
                form.document_text()
            );
        }
        other => panic!("expected the form, got {other:?}"),
    }
}

#[test]
fn alt_letters_type_nothing_in_the_variables_form() {
    let mut app = loaded();
    press(&mut app, KeyCode::Down); // recent-builds: $pipelineSlug first
    ctrl(&mut app, 'r'); // a required variable is empty: the focus goes to it
    assert_eq!(app.focus, Focus::Variables);
    type_text(&mut app, "demo");
    with(&mut app, 'q', KeyModifiers::ALT);
    let form = app.variables.as_ref().expect("the variables form");
    assert_eq!(form.inputs[0].value(), "demo");
}

#[test]
fn modified_letters_in_the_list_are_not_its_letters() {
    let mut app = loaded();
    for modifiers in MODIFIED {
        // (Ctrl-r runs, Ctrl-c quits, Ctrl-s saves: they are not here.)
        for c in ['a', 'd', 'n', 'f', 'x', 'e', 'H', 'D', 'q', 'j', 'G'] {
            let commands = with(&mut app, c, modifiers);
            assert!(commands.is_empty(), "{modifiers:?} {c}: {commands:?}");
            assert!(app.dialogs.is_empty(), "{modifiers:?} {c} opened a dialog");
            assert!(!app.quit, "{modifiers:?} {c} quit");
            assert_eq!((app.focus, app.list.selected), (Focus::List, 0));
        }
    }
    // The filter: Alt-letters type nothing, AltGr's do.
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "who");
    with(&mut app, 'a', KeyModifiers::ALT);
    assert_eq!(app.list.filter, "who");
    with(&mut app, 'é', CTRL_ALT);
    assert_eq!(app.list.filter, "whoé");
}

#[test]
fn ctrl_g_in_a_long_help_is_not_g() {
    let mut app = loaded();
    app.update(Msg::Resize(60, 12)); // the list's help does not fit
    press(&mut app, KeyCode::F(1));
    press(&mut app, KeyCode::End);
    assert!(app.show_help && app.help_scroll > 0, "End scrolled it");
    ctrl(&mut app, 'g');
    assert!(!app.show_help, "Ctrl-g closed it, as other keys do");
}

#[test]
fn a_letter_that_is_no_key_of_the_list_or_the_response_says_so() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('z'));
    assert_eq!(
        app.status,
        "`z` does nothing here: / filters the list, ? lists every key."
    );
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.status, "", "j moves, and what z said goes");
}
