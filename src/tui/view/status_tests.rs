//! What the status line says, as drawn: a key that does nothing says why,
//! and news of an earlier step does not stay beside a new question.

use crossterm::event::KeyCode;

use super::tests::{answer, ctrl, loaded, press, render};

#[test]
fn scrolling_sideways_while_lines_wrap_says_wrap_is_on() {
    let mut app = loaded(120, 36);
    answer(
        &mut app,
        r#"{"data":{"viewer":{"name":"a long enough name"}}}"#,
    );
    press(&mut app, KeyCode::Char('w'));
    press(&mut app, KeyCode::Char('l'));
    let screen = render(&app);
    assert!(screen.contains("Wrap is on (w)"), "{screen}");
    press(&mut app, KeyCode::Char('w'));
    let screen = render(&app);
    assert!(
        screen.contains("Lines do not wrap: ←/→ scroll sideways"),
        "{screen}"
    );
}

#[test]
fn a_dialog_opened_after_earlier_news_does_not_stand_beside_it() {
    let mut app = loaded(110, 30);
    app.update(crate::tui::message::Msg::EditorClosed {
        slug: "recent-builds".into(),
        result: Ok("query Broken ( {\n".into()),
    });
    assert!(render(&app).contains("Document read back from the editor."));
    ctrl(&mut app, 's');
    let screen = render(&app);
    assert!(screen.contains("Save anyway"), "the save prompt:\n{screen}");
    assert!(
        !screen.contains("Document read back from the editor."),
        "{screen}"
    );
    assert!(
        app.messages
            .iter()
            .any(|m| m == "Document read back from the editor."),
        "F7 still has it"
    );
}

#[test]
fn a_message_taller_than_the_screen_ends_in_an_ellipsis_in_the_log() {
    let mut app = loaded(80, 24);
    app.update(crate::tui::message::Msg::Status("word ".repeat(400)));
    press(&mut app, KeyCode::F(7));
    let screen = render(&app);
    let rows: Vec<&str> = screen.lines().collect();
    let last_text = rows
        .iter()
        // In the log's box (the status line below it says the message too).
        .rposition(|row| row.contains("│  word") || row.contains("│• word"))
        .unwrap_or_else(|| panic!("the message is shown:\n{screen}"));
    assert!(
        rows[last_text].contains("word …"),
        "its last row shown says it goes on: {}\n{screen}",
        rows[last_text]
    );
    assert!(
        rows[last_text + 1].contains("closes this"),
        "the log's own last line stays:\n{screen}"
    );
    assert!(
        rows[last_text + 2].contains("╰"),
        "then the log's bottom border:\n{screen}"
    );
}

#[test]
fn a_refusal_of_several_lines_keeps_them_below_the_keys_and_in_the_log() {
    let mut app = loaded(120, 36);
    app.update(crate::tui::message::Msg::Status(
        "Not saved: rejected by Buildkite: Validation failed:\n- Name can't be blank\n- Query is invalid"
            .into(),
    ));
    let screen = render(&app);
    let rows: Vec<&str> = screen.lines().collect();
    let first = rows
        .iter()
        .position(|row| row.contains("Validation failed:"))
        .unwrap_or_else(|| panic!("the message is shown:\n{screen}"));
    assert!(
        rows[first + 1].contains("- Name can't be blank"),
        "{screen}"
    );
    assert!(rows[first + 2].contains("- Query is invalid"), "{screen}");
    press(&mut app, KeyCode::F(7));
    let log = render(&app);
    let rows: Vec<&str> = log.lines().collect();
    let first = rows
        .iter()
        .position(|row| row.contains("• Not saved"))
        .unwrap_or_else(|| panic!("the log has it:\n{log}"));
    assert!(rows[first + 1].contains("  - Name can't be blank"), "{log}");
}

/// Two portals from the cache on screen, the listing still on its way,
/// and `deploy` typed into the filter.
fn filtering_the_cached_list_while_it_loads(width: u16, height: u16) -> crate::tui::app::App {
    let mut app = super::tests::sized(width, height);
    app.show_cached_list(vec![
        super::tests::portal("recent-builds", "Recent builds", true),
        super::tests::portal("deploy-web", "Deploy web", false),
    ]);
    press(&mut app, KeyCode::Char('/'));
    super::tests::type_text(&mut app, "deploy");
    app
}

#[test]
fn a_filter_typed_while_the_list_loads_counts_what_it_matches() {
    let mut app = filtering_the_cached_list_while_it_loads(100, 30);
    let screen = render(&app);
    assert!(
        screen.contains("Portals · demo (1/2)"),
        "one of the two so far matches:\n{screen}"
    );
    app.update(crate::tui::message::Msg::PortalsPage(vec![
        super::tests::portal("recent-builds", "Recent builds", true),
        super::tests::portal("deploy-web", "Deploy web", false),
        super::tests::portal("deploy-api", "Deploy API", false),
    ]));
    app.update(crate::tui::message::Msg::PortalsLoaded);
    let screen = render(&app);
    assert!(
        screen.contains("Portals · demo (2/3)"),
        "and so does the fresh list:\n{screen}"
    );
}

#[test]
fn the_list_title_keeps_its_count_whole_in_a_narrow_pane_while_loading() {
    let app = filtering_the_cached_list_while_it_loads(80, 24);
    let screen = render(&app);
    let top = screen.lines().nth(1).unwrap_or_default();
    assert!(
        top.contains("(1/2) ─"),
        "the count and its parenthesis: {top}"
    );
}

#[test]
fn a_refused_save_shows_beside_the_reasons_for_a_portals_mark() {
    let mut app = super::tests::sized(120, 36);
    let mut risky = super::tests::portal("trigger", "Trigger", false);
    risky.query = "mutation Go { buildCreate(input: {}) { build { url } } }\n".into();
    risky.allowed_ip_addresses = None;
    app.update(crate::tui::message::Msg::PortalsPage(vec![risky]));
    app.update(crate::tui::message::Msg::PortalsLoaded);
    let before = render(&app);
    assert!(
        before.contains("! runs a mutation from any address"),
        "{before}"
    );
    press(&mut app, KeyCode::Char('f'));
    press(&mut app, KeyCode::Tab);
    super::tests::type_text(&mut app, "-2");
    ctrl(&mut app, 's');
    super::tests::refuse_the_save(
        &mut app,
        "trigger",
        "Validation failed: Slug has already been taken",
    );
    let screen = render(&app);
    assert!(
        screen.contains("✗ Slug: Validation failed: Slug has already been taken"),
        "{screen}"
    );
    assert!(
        screen.contains("! runs a mutation from any address"),
        "the mark's reason stays:\n{screen}"
    );
}
