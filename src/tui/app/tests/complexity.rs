//! A run that asks for too much says so before Buildkite refuses it.

use super::*;

const DEEP: &str = "query Deep { organization(slug: \"demo\") { pipelines(first: 500) { edges { node {\n  builds(first: 500) { edges { node { number } } } } } } } }\n";

#[test]
fn a_run_over_the_complexity_limit_warns_with_the_count() {
    let mut app = App::new("demo", vec!["deep".into(), "light".into()]);
    app.init();
    app.update(Msg::PortalsPage(vec![
        portal("deep", "Deep", None, DEEP),
        portal("light", "Light", None, WHO),
    ]));
    app.update(Msg::PortalsLoaded);
    assert_eq!(names(&ctrl(&mut app, 'r')), ["invoke"]);
    assert!(
        app.status.contains(
            "query `Deep` requests 251,503 complexity points (Buildkite refuses over 50,000)"
        ),
        "{}",
        app.status
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Down);
    assert_eq!(names(&ctrl(&mut app, 'r')), ["invoke"]);
    assert!(!app.status.contains("complexity"), "{}", app.status);
}

#[test]
fn a_large_document_is_counted_by_the_worker_not_on_the_input_path() {
    let padding = "# a long comment line to make the document large\n".repeat(400);
    let large = format!("{padding}{DEEP}");
    assert!(large.len() > crate::tui::editor::SYNC_PARSE_LIMIT);
    let mut app = App::new("demo", vec![]);
    app.init();
    app.update(Msg::PortalsPage(vec![portal("deep", "Deep", None, &large)]));
    app.update(Msg::PortalsLoaded);
    press(&mut app, KeyCode::Enter);
    let commands = press(&mut app, KeyCode::Home);
    let edit = app.selected_edit().unwrap();
    assert_eq!(app.editing_complexity(edit), None, "not counted here");
    let Some(Command::Diagnose {
        slug,
        generation,
        text,
        schema,
    }) = commands
        .into_iter()
        .find(|c| matches!(c, Command::Diagnose { .. }))
    else {
        panic!("the worker is asked to parse it");
    };
    // What the runtime's worker sends after the diagnostics.
    let operations = count_for_editor(&text, schema.as_ref());
    app.update(Msg::Counted {
        slug,
        generation,
        operations,
    });
    let edit = app.selected_edit().unwrap();
    let counted = app.editing_complexity(edit).expect("counted by the worker");
    assert_eq!((counted.requested, counted.line), (251_503, 401));
}
