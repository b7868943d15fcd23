//! The document editor as a person uses it: page and document moves, Tab,
//! undo by word, clicks, the selection with copy / cut / paste, and find.

use super::*;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

fn with_mods(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Command> {
    app.update(Msg::Key(KeyEvent::new(code, modifiers)))
}

/// The app at 80x24 with a 60-line document open in the editor.
fn editing_long_document() -> App {
    let mut app = loaded();
    app.update(Msg::Resize(80, 24));
    let query: String = (1..=60).map(|i| format!("# line {i}\n")).collect();
    app.update(Msg::PortalsPage(vec![portal("long", "Long", None, &query)]));
    app.list.filter = "long".into();
    app.list.refilter(None, 10);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Document);
    app
}

fn cursor(app: &App) -> (usize, usize) {
    app.selected_edit()
        .map(PortalEdit::cursor)
        .unwrap_or_default()
}

fn text(app: &App) -> String {
    app.selected_edit()
        .map(PortalEdit::text)
        .unwrap_or_default()
}

#[test]
fn page_keys_move_a_page_and_ctrl_home_end_go_to_the_ends_of_the_document() {
    let mut app = editing_long_document();
    let page = crate::tui::layout::inner_height(app.areas().document);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(cursor(&app).0, page, "a page down, not to line 1");
    press(&mut app, KeyCode::PageDown);
    assert_eq!(cursor(&app).0, 2 * page);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(cursor(&app).0, page);
    press(&mut app, KeyCode::End);
    assert_eq!(cursor(&app), (page, format!("# line {}", page + 1).len()));
    press(&mut app, KeyCode::Home);
    assert_eq!(cursor(&app), (page, 0), "Home is the line's start");
    with_mods(&mut app, KeyCode::End, KeyModifiers::CONTROL);
    assert_eq!(cursor(&app), (60, 0), "Ctrl-End: the document's end");
    with_mods(&mut app, KeyCode::Home, KeyModifiers::CONTROL);
    assert_eq!(cursor(&app), (0, 0), "Ctrl-Home: its start");
    ctrl(&mut app, 'v');
    assert_eq!(
        cursor(&app),
        (0, 0),
        "Ctrl-v pastes (nothing copied), it does not move"
    );
    assert!(app.status.contains("Nothing copied"), "{}", app.status);
}

#[test]
fn tab_indents_in_the_document_and_f6_or_shift_tab_leave_it() {
    let mut app = editing_long_document();
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Focus::Document, "Tab stays in the document");
    assert!(text(&app).starts_with("  # line 1"), "{}", text(&app));
    press(&mut app, KeyCode::F(6));
    assert_eq!(app.focus, Focus::Variables);
    press(&mut app, KeyCode::BackTab);
    assert_eq!(app.focus, Focus::Document);
    press(&mut app, KeyCode::BackTab);
    assert_eq!(app.focus, Focus::List);
}

#[test]
fn undo_takes_back_a_word_or_a_run_of_deletions_at_a_time() {
    let mut app = editing_long_document();
    type_text(&mut app, "query Me");
    ctrl(&mut app, 'z');
    assert!(text(&app).starts_with("query # line 1"), "{}", text(&app));
    ctrl(&mut app, 'z');
    assert!(
        text(&app).starts_with("# line 1"),
        "two presses for two words"
    );
    ctrl(&mut app, 'y');
    assert!(text(&app).starts_with("query # line 1"));
    press(&mut app, KeyCode::End);
    for _ in 0.."line 1".len() {
        press(&mut app, KeyCode::Backspace);
    }
    assert!(text(&app).starts_with("query # \n"));
    ctrl(&mut app, 'z');
    assert!(
        text(&app).starts_with("query # line 1\n"),
        "one undo for the run"
    );
}

fn click(app: &mut App, kind: MouseEventKind, column: u16, row: u16) {
    app.update(Msg::Mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }));
}

#[test]
fn a_click_places_the_cursor_and_a_drag_selects() {
    let mut app = editing_long_document();
    let inner = app
        .areas()
        .document
        .inner(ratatui::layout::Margin::new(1, 1));
    // `NN │ ` is the gutter: 5 columns for two-digit line numbers.
    let text_x = inner.x + 5;
    click(
        &mut app,
        MouseEventKind::Down(MouseButton::Left),
        text_x + 2,
        inner.y + 3,
    );
    assert_eq!(cursor(&app), (3, 2), "on the `l` of line 4");
    click(
        &mut app,
        MouseEventKind::Drag(MouseButton::Left),
        text_x + 6,
        inner.y + 3,
    );
    let edit = app.selected_edit().expect("an edit");
    assert_eq!(edit.selected_text().as_deref(), Some("line"));
    press(&mut app, KeyCode::Esc);
    click(
        &mut app,
        MouseEventKind::Down(MouseButton::Left),
        text_x + 40,
        inner.y,
    );
    assert_eq!(
        app.focus,
        Focus::Document,
        "a click from the list focuses the document"
    );
    assert_eq!(cursor(&app), (0, "# line 1".len()), "past the end: at it");
}

fn copied(commands: &[Command], text: &str) -> bool {
    commands
        .iter()
        .any(|c| matches!(c, Command::Copy(copied) if copied == text))
}

#[test]
fn shift_arrows_select_and_ctrl_c_copies_x_cuts_v_pastes() {
    let mut app = editing_long_document();
    for _ in 0..6 {
        with_mods(&mut app, KeyCode::Right, KeyModifiers::SHIFT);
    }
    let commands = ctrl(&mut app, 'c');
    assert!(copied(&commands, "# line"), "{commands:?}");
    assert!(
        app.dialogs.is_empty(),
        "with a selection Ctrl-c copies, it does not quit"
    );
    let commands = ctrl(&mut app, 'x');
    assert!(
        copied(&commands, "# line"),
        "the cut goes to the clipboard too"
    );
    assert!(text(&app).starts_with(" 1\n"), "{}", text(&app));
    with_mods(&mut app, KeyCode::End, KeyModifiers::CONTROL);
    ctrl(&mut app, 'v');
    assert!(text(&app).ends_with("# line 60\n# line"), "{}", text(&app));
    ctrl(&mut app, 'z');
    assert!(text(&app).ends_with("# line 60\n"), "the paste is one undo");
    // Without a selection Ctrl-c is quit again (here it asks: work is unsaved).
    ctrl(&mut app, 'c');
    assert!(is_confirm(&app, |k| matches!(k, ConfirmKind::Quit { .. })));
}

#[test]
fn find_jumps_to_matches_as_typed_and_again_with_f3_wrapping_around() {
    let mut app = editing_long_document();
    ctrl(&mut app, 'g');
    type_text(&mut app, "line 5");
    assert_eq!(cursor(&app), (4, 2), "the first match, while typing");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::F(3));
    assert_eq!(cursor(&app), (49, 2), "`line 50`");
    with_mods(&mut app, KeyCode::F(3), KeyModifiers::SHIFT);
    assert_eq!(cursor(&app), (4, 2));
    with_mods(&mut app, KeyCode::F(3), KeyModifiers::SHIFT);
    assert_eq!(cursor(&app).0, 59 - 1, "back past the top: `line 59`");
    assert!(app.status.contains("from the bottom"), "{}", app.status);
    let edit = app.selected_edit().expect("an edit");
    assert_eq!(edit.count_matches(), Some(11), "line 5 and 50-59");
    ctrl(&mut app, 'g');
    press(&mut app, KeyCode::Esc);
    assert!(app.selected_edit().is_some_and(|e| e.find.is_none()));
    assert_eq!(app.focus, Focus::Document, "Esc closes the find first");
}

#[test]
fn ctrl_p_and_ctrl_n_find_previous_and_next_where_tmux_drops_shift_f3() {
    let mut app = editing_long_document();
    ctrl(&mut app, 'g');
    type_text(&mut app, "line 5");
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'n');
    assert_eq!(cursor(&app), (49, 2), "`line 50`");
    ctrl(&mut app, 'p');
    assert_eq!(cursor(&app), (4, 2), "back to `line 5`");
    ctrl(&mut app, 'p');
    assert_eq!(cursor(&app).0, 59 - 1, "back past the top: `line 59`");
    assert!(app.status.contains("from the bottom"), "{}", app.status);
    assert!(
        text(&app).starts_with("# line 1\n"),
        "the keys moved, they did not edit"
    );
}

#[test]
fn an_argument_chosen_after_a_value_gets_its_comma_and_given_ones_are_not_offered() {
    let mut app = loaded();
    app.update(Msg::SchemaReady {
        schema: GraphqlSchema::from_sdl(
            "type Query { builds(branch: String, first: Int, state: String): Int }",
        )
        .expect("valid"),
        fetched_at: Utc::now(),
        fetched_now: false,
    });
    press(&mut app, KeyCode::Enter);
    with_mods(&mut app, KeyCode::Char('a'), KeyModifiers::CONTROL);
    press(&mut app, KeyCode::Delete);
    type_text(&mut app, "{ builds(first: 1 ");
    ctrl(&mut app, ' ');
    let popup = app.completion.as_ref().expect("the list is open");
    let labels: Vec<&str> = popup
        .completion
        .candidates
        .iter()
        .map(|c| c.label.as_str())
        .collect();
    assert_eq!(labels, ["branch", "state"], "`first` is given already");
    press(&mut app, KeyCode::Enter);
    assert_eq!(text(&app), "{ builds(first: 1, branch: ");
}

#[test]
fn tab_with_a_selection_indents_its_lines_instead_of_replacing_them() {
    let mut app = editing_long_document();
    with_mods(&mut app, KeyCode::Down, KeyModifiers::SHIFT);
    with_mods(&mut app, KeyCode::Right, KeyModifiers::SHIFT);
    press(&mut app, KeyCode::Tab);
    assert!(
        text(&app).starts_with("  # line 1\n  # line 2\n# line 3"),
        "{}",
        text(&app)
    );
    ctrl(&mut app, 'z');
    assert!(text(&app).starts_with("# line 1\n# line 2\n"), "one undo");
}

#[test]
fn an_empty_paste_over_a_selection_changes_nothing() {
    // Found by the state-machine test: the selection went, but the change
    // was neither drafted nor undoable.
    let mut app = editing_long_document();
    ctrl(&mut app, 'a');
    let before = text(&app);
    assert!(before.contains("# line 60"));
    app.update(Msg::Paste(String::new()));
    app.update(Msg::Paste("\u{1b}".into())); // nothing left once made safe
    assert_eq!(text(&app), before);
    assert!(!app.selected_edit().is_some_and(PortalEdit::is_dirty));
}

#[test]
fn ctrl_c_says_how_much_it_copied_and_where_in_one_message() {
    let mut app = editing_long_document();
    for _ in 0..6 {
        with_mods(&mut app, KeyCode::Right, KeyModifiers::SHIFT);
    }
    ctrl(&mut app, 'c');
    app.update(Msg::Copied(
        "Copied to the system clipboard and through the terminal (OSC 52).".into(),
    ));
    assert_eq!(
        app.status,
        "Copied 6 characters to the system clipboard and through the terminal (OSC 52)."
    );
    ctrl(&mut app, 'x');
    app.update(Msg::Copied("Copied to the system clipboard.".into()));
    assert_eq!(
        app.status,
        "Copied the 6 characters cut to the system clipboard."
    );
}

#[test]
fn a_paste_after_enter_keeps_its_own_indent_instead_of_adding_it_to_enters() {
    let mut app = loaded();
    app.update(Msg::Resize(80, 24));
    let query = "query Me {\n  viewer {\n    user { id }\n  }\n}\n";
    app.update(Msg::PortalsPage(vec![portal(
        "indent", "Indent", None, query,
    )]));
    app.list.filter = "indent".into();
    app.list.refilter(None, 10);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Enter); // "    " after `viewer {`
    app.update(Msg::Paste("    name\n    email".into()));
    assert!(
        text(&app).contains("  viewer {\n    name\n    email\n    user { id }"),
        "{}",
        text(&app)
    );
    ctrl(&mut app, 'z');
    assert!(
        text(&app).contains("  viewer {\n    \n    user"),
        "one undo takes the paste back, Enter's indent with it: {}",
        text(&app)
    );
    // A paste without an indent of its own goes after Enter's.
    app.update(Msg::Paste("name".into()));
    assert!(
        text(&app).contains("  viewer {\n    name\n"),
        "{}",
        text(&app)
    );
}

/// The creation form's document edits as the portal's editor does: the
/// same moves, and undo by word.
#[test]
fn the_creation_forms_document_has_the_editors_moves_and_undo() {
    use crate::tui::dialogs::{FormRow, NEW_PORTAL_TEMPLATE};
    let form = |app: &App| match app.dialogs.front() {
        Some(Dialog::Form(form)) => (form.focused(), form.document_text()),
        other => panic!("the form, got {other:?}"),
    };
    let mut app = loaded();
    press(&mut app, KeyCode::Char('n'));
    for _ in 0..10 {
        if form(&app).0 == FormRow::Document {
            break;
        }
        press(&mut app, KeyCode::Tab);
    }
    assert_eq!(form(&app).0, FormRow::Document);
    with_mods(&mut app, KeyCode::End, KeyModifiers::CONTROL);
    type_text(&mut app, "# two words");
    assert_eq!(
        form(&app).1,
        format!("{NEW_PORTAL_TEMPLATE}# two words"),
        "typed at the document's end"
    );
    ctrl(&mut app, 'z');
    assert_eq!(
        form(&app).1,
        format!("{NEW_PORTAL_TEMPLATE}# two "),
        "a word undone"
    );
    for _ in 0..3 {
        ctrl(&mut app, 'z');
    }
    assert_eq!(
        form(&app).1,
        NEW_PORTAL_TEMPLATE,
        "all of it, a group at a time"
    );
    ctrl(&mut app, 'y');
    let redone = form(&app).1;
    assert!(
        redone.len() > NEW_PORTAL_TEMPLATE.len()
            && format!("{NEW_PORTAL_TEMPLATE}# two words").starts_with(&redone),
        "and redone: {redone:?}"
    );
    with_mods(&mut app, KeyCode::Home, KeyModifiers::CONTROL);
    type_text(&mut app, "#");
    assert!(
        form(&app).1.starts_with("#query GetBuilds"),
        "{}",
        form(&app).1
    );
}

/// Ctrl-c closes the document's find (typed or kept after a next), as Esc
/// does, and never quits; Ctrl-g opens it again with what it held.
#[test]
fn ctrl_c_closes_the_find_and_ctrl_g_brings_its_text_back() {
    let mut app = editing_long_document();
    ctrl(&mut app, 'g');
    type_text(&mut app, "line");
    ctrl(&mut app, 'n');
    assert!(app.selected_edit().unwrap().find.is_some());
    ctrl(&mut app, 'c');
    assert!(!app.quit, "the find closes, the app stays");
    assert!(app.dialogs.is_empty(), "{:?}", app.dialogs.front());
    assert!(app.selected_edit().unwrap().find.is_none());
    ctrl(&mut app, 'g');
    let find = app.selected_edit().unwrap().find.as_ref().expect("open");
    assert_eq!(find.needle, "line", "what it held");
    // Closed while typed, too.
    type_text(&mut app, "s 4");
    press(&mut app, KeyCode::Esc);
    ctrl(&mut app, 'g');
    let find = app.selected_edit().unwrap().find.as_ref().expect("open");
    assert_eq!(find.needle, "s 4");
}

#[test]
fn the_external_editor_closed_without_a_change_says_so_and_leaves_nothing_unsaved() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    let slug = app.selected_slug().expect("a portal");
    let text = app.selected_document().expect("its document").to_owned();
    app.update(Msg::EditorClosed {
        slug: slug.clone(),
        result: Ok(text),
    });
    assert_eq!(app.status, "The editor closed with the document unchanged.");
    assert!(!app.is_dirty(&slug));
}
