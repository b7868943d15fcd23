//! Large documents, many variables, answers indexed on a worker.

use super::*;

fn big_document(bytes: usize) -> String {
    let line = "    field: name # padding padding padding padding padding padding\n";
    let mut big = String::from("query Big {\n  viewer {\n");
    while big.len() < bytes {
        big.push_str(line);
    }
    big.push_str("  }\n}\n");
    big
}

fn showing(document: &str) -> App {
    let mut app = App::new("demo", Vec::new());
    app.init();
    app.update(Msg::PortalsPage(vec![portal("big", "Big", None, document)]));
    app.update(Msg::PortalsLoaded);
    app
}

#[test]
fn a_20_mb_document_opens_at_once_and_is_read_only_here() {
    let mut app = showing(&big_document(20 * 1024 * 1024));
    press(&mut app, KeyCode::Enter);
    let mut commands = press(&mut app, KeyCode::Down);
    commands.extend(press(&mut app, KeyCode::Char('x')));
    assert!(
        app.status.contains("Ctrl-o edits it in $EDITOR"),
        "{}",
        app.status
    );
    assert!(!app.is_dirty("big"), "nothing changed");
    let edit = app.selected_edit().expect("an edit");
    assert!(
        edit.diagnostics_pending,
        "opening did not wait for the parse"
    );
    assert_eq!(edit.cursor(), (1, 0), "moving around works");
    assert_eq!(
        names(&commands)
            .iter()
            .filter(|n| **n == "diagnose")
            .count(),
        1
    );
}

#[test]
fn a_large_document_changed_in_editor_is_diagnosed_one_job_at_a_time() {
    let big = big_document(2 * 1024 * 1024);
    let mut app = showing(&big);
    press(&mut app, KeyCode::Enter);
    let first = press(&mut app, KeyCode::Down);
    assert_eq!(
        names(&first).iter().filter(|n| **n == "diagnose").count(),
        1
    );
    let mut changed = big.clone();
    changed.push_str("# edited elsewhere\n");
    let commands = app.update(Msg::EditorClosed {
        slug: "big".into(),
        result: Ok(changed),
    });
    assert!(app.is_dirty("big"), "the editor's text was taken");
    assert!(
        !names(&commands).contains(&"diagnose"),
        "no second copy of the text while the first job runs"
    );
}

#[test]
fn a_hundred_thousand_variables_fill_the_form_and_it_follows_the_focus() {
    let mut document = String::from("query Many(");
    for i in 0..100_000 {
        document.push_str(&format!("$v{i}: Int "));
    }
    document.push_str(") { a }");
    let mut app = App::new("demo", vec!["many".into()]);
    app.update(Msg::Resize(120, 40));
    app.init();
    app.update(Msg::PortalsPage(vec![portal(
        "many", "Many", None, &document,
    )]));
    app.update(Msg::PortalsLoaded);
    app.focus = Focus::Variables;
    app.update(Msg::Tick);
    assert_eq!(app.variables.as_ref().map(|f| f.rows.len()), Some(100_000));
    for _ in 0..40 {
        press(&mut app, KeyCode::Down);
    }
    type_text(&mut app, "x");
    assert!(ctrl(&mut app, 'r').is_empty(), "x is not an Int");
    let form = app.variables.as_ref().unwrap();
    assert_eq!(form.errors.iter().filter(|e| e.is_some()).count(), 1);
    assert!(form.errors[40].as_deref().unwrap().contains("Int"));
}

#[test]
fn an_answer_indexed_on_the_worker_is_shown_unless_the_run_was_cancelled() {
    let answer = || InvokeResponse {
        status: 200,
        elapsed: std::time::Duration::from_millis(5),
        rate_limit: RateLimit::default(),
        body: r#"{"data":{"viewer":{"user":{"name":"Riley"}}}}"#.into(),
        graphql: None,
    };
    let mut app = loaded();
    assert_eq!(names(&ctrl(&mut app, 'r')), ["invoke"]);
    press(&mut app, KeyCode::Esc); // cancels
    assert!(app.running.is_none());
    app.update(Msg::Answered {
        slug: "deploy-web".into(),
        view: Box::new(ResponseView::new(answer())),
        ran_as: Some(TokenKind::Admin),
    });
    assert!(
        app.selected_answer().is_none(),
        "a cancelled run's answer is dropped"
    );

    assert_eq!(names(&ctrl(&mut app, 'r')), ["invoke"]);
    app.update(Msg::Answered {
        slug: "deploy-web".into(),
        view: Box::new(ResponseView::new(answer())),
        ran_as: Some(TokenKind::Admin),
    });
    assert_eq!(app.focus, Focus::Response);
    assert!(
        app.status.starts_with("deploy-web: HTTP 200 in 5 ms"),
        "{}",
        app.status
    );
}

/// The creation form open, its document focused.
fn creating_in_the_document(app: &mut App) {
    press(app, KeyCode::Char('n'));
    type_text(app, "Big");
    for _ in 0..10 {
        match app.dialogs.front() {
            Some(Dialog::Form(form))
                if form.focused() == crate::tui::dialogs::FormRow::Document =>
            {
                return
            }
            Some(Dialog::Form(_)) => drop(press(app, KeyCode::Tab)),
            other => panic!("expected the creation form, got {other:?}"),
        }
    }
    panic!("Tab never reached the document");
}

fn creation_form(app: &App) -> &crate::tui::dialogs::PortalForm {
    match app.dialogs.front() {
        Some(Dialog::Form(form)) => form,
        other => panic!("expected the creation form, got {other:?}"),
    }
}

/// The worker's part of each `Diagnose`; what the app asks next.
fn diagnose_on_the_worker(app: &mut App, commands: Vec<Command>) -> Vec<Command> {
    super::schema::run_diagnose_and_follow(app, commands).1
}

#[test]
fn a_large_paste_in_the_creation_form_is_parsed_on_the_worker_and_keeps_its_diagnostics() {
    let mut app = showing("query { viewer { id } }");
    creating_in_the_document(&mut app);
    // Past the size parsed on the input path (a 1 MiB paste in the bench).
    let mut broken = big_document(4 * crate::tui::editor::SYNC_PARSE_LIMIT);
    broken.push_str("query Unclosed {\n  viewer {\n");
    let commands = app.update(Msg::Paste(broken));
    let form = creation_form(&app);
    assert!(
        form.parse_pending && form.document_diagnostics.is_empty(),
        "not parsed on the input path"
    );
    assert_eq!(
        names(&commands)
            .iter()
            .filter(|n| **n == "diagnose")
            .count(),
        1,
        "{commands:?}"
    );
    // Typing while the worker parses sends nothing more until it answers.
    let typed = press(&mut app, KeyCode::Char('x'));
    assert!(!names(&typed).contains(&"diagnose"), "{typed:?}");
    // Late (the text before `x`): not the verdict, and the new text goes out.
    let next = diagnose_on_the_worker(&mut app, commands);
    assert!(creation_form(&app).parse_pending);
    assert_eq!(names(&next), ["diagnose"]);
    diagnose_on_the_worker(&mut app, next);
    let form = creation_form(&app);
    assert!(!form.parse_pending);
    assert!(
        form.document_diagnostics
            .iter()
            .any(|d| d.message.contains("never closed")),
        "{:?}",
        form.document_diagnostics
    );
}

#[test]
fn submitting_while_the_worker_parses_checks_the_document_first() {
    let mut app = showing("query { viewer { id } }");
    creating_in_the_document(&mut app);
    let mut broken = big_document(4 * crate::tui::editor::SYNC_PARSE_LIMIT);
    broken.push_str("query Unclosed {\n");
    app.update(Msg::Paste(broken));
    press(&mut app, KeyCode::Up); // to a field, so Ctrl-s is not typed
    let commands = ctrl(&mut app, 's');
    assert!(!names(&commands).contains(&"create"), "{commands:?}");
    assert!(
        app.status.contains("syntax error"),
        "the parse the worker had not finished was done: {}",
        app.status
    );
}
