//! A run that asks for too much says so before Buildkite refuses it.

use super::*;

const DEEP: &str = "query Deep { organization(slug: \"demo\") { pipelines(first: 500) { edges { node {\n  builds(first: 500) { edges { node { number } } } } } } } }\n";

/// `first` pipelines with 500 builds each: 3 + first × 503 points.
fn nested(first: u32) -> String {
    DEEP.replace(
        "pipelines(first: 500)",
        &format!("pipelines(first: {first})"),
    )
}

fn app_with(query: &str) -> App {
    let mut app = App::new("demo", vec!["deep".into(), "light".into()]);
    app.update(Msg::Resize(120, 30));
    app.init();
    app.update(Msg::PortalsPage(vec![
        portal("deep", "Deep", None, query),
        portal("light", "Light", None, WHO),
    ]));
    app.update(Msg::PortalsLoaded);
    app
}

fn answer_of_deep(app: &mut App) {
    app.update(crate::tui::app::answer_for_test(
        "deep",
        None,
        InvokeResponse {
            status: 200,
            elapsed: std::time::Duration::from_millis(5),
            rate_limit: RateLimit::default(),
            body: r#"{"data":{}}"#.into(),
            graphql: None,
        },
    ));
}

#[test]
fn a_run_over_the_complexity_limit_asks_first_with_the_figure_and_the_limit() {
    let mut app = app_with(DEEP);
    assert!(ctrl(&mut app, 'r').is_empty(), "not sent silently");
    let shown = super::history::screen(&app);
    assert!(
        shown.contains(
            "query `Deep` requests 251,503 complexity points (Buildkite refuses over 50,000)."
        ) && shown.contains("Enter/y send anyway · Esc cancel"),
        "{shown}"
    );
    press(&mut app, KeyCode::Esc);
    assert!(app.dialogs.front().is_none());
    assert!(app.status.starts_with("Not run:"), "{}", app.status);
    assert!(app.running.is_none());

    assert!(ctrl(&mut app, 'r').is_empty());
    assert_eq!(
        names(&press(&mut app, KeyCode::Enter)),
        ["invoke"],
        "sent anyway"
    );
    assert!(app.status.contains("251,503"), "{}", app.status);
    answer_of_deep(&mut app);
    assert!(
        app.status.starts_with("deep: HTTP 200") && app.status.contains("Sent anyway."),
        "the answer keeps the warning: {}",
        app.status
    );

    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Down);
    assert_eq!(
        names(&ctrl(&mut app, 'r')),
        ["invoke"],
        "well under: no question"
    );
    assert!(!app.status.contains("complexity"), "{}", app.status);
}

#[test]
fn a_near_limit_warning_is_not_lost_when_the_answer_comes() {
    let mut app = app_with(&nested(90));
    assert_eq!(names(&ctrl(&mut app, 'r')), ["invoke"], "near is sent");
    let warning =
        "query `Deep` requests 45,273 complexity points (near Buildkite's limit of 50,000).";
    assert!(app.status.contains(warning), "{}", app.status);
    answer_of_deep(&mut app);
    assert!(
        app.status.starts_with("deep: HTTP 200") && app.status.contains(warning),
        "{}",
        app.status
    );
    assert!(
        app.messages.iter().any(|m| m.contains(warning)),
        "and in the log (F7)"
    );
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
