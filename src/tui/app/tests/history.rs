//! `H`: the recorded runs of the selected portal, and running one again.

use super::*;
use crate::history::HistoryEntry;
use crate::tui::dialogs::{Comparison, HistoryDialog};

pub(super) fn entry(
    at: &str,
    operation: Option<&str>,
    variables: serde_json::Value,
) -> HistoryEntry {
    HistoryEntry {
        at: at.into(),
        operation: operation.map(str::to_owned),
        variables,
        token: "admin".into(),
        status: Some(200),
        error: None,
        duration_ms: 42,
        answer: r#"{"data":{}}"#.into(),
        answer_bytes: 11,
        cancelled: false,
    }
}

/// recent-builds selected, its history read with two runs (oldest first).
fn history_open() -> App {
    let mut app = loaded();
    press(&mut app, KeyCode::Down);
    let commands = press(&mut app, KeyCode::Char('H'));
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::ReadHistory(slug) if slug == "recent-builds")),
        "{:?}",
        names(&commands)
    );
    app.update(Msg::HistoryRead {
        slug: "recent-builds".into(),
        entries: vec![
            entry(
                "2026-12-01T10:00:00Z",
                Some("GetBuilds"),
                serde_json::json!({"pipelineSlug": "demo/old", "first": 2}),
            ),
            entry(
                "2026-12-01T11:00:00Z",
                Some("GetBuilds"),
                serde_json::json!({"pipelineSlug": "demo/new"}),
            ),
        ],
    });
    app
}

/// The runs among `commands` (the form's values are kept alongside).
fn invokes(commands: &[Command]) -> Vec<&Command> {
    commands
        .iter()
        .filter(|c| matches!(c, Command::Invoke { .. }))
        .collect()
}

pub(super) fn screen(app: &App) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(
        app.screen.width,
        app.screen.height,
    ))
    .unwrap();
    terminal
        .draw(|frame| crate::tui::view::draw(frame, app))
        .unwrap();
    terminal.backend().to_string()
}

#[test]
fn at_80_columns_the_history_keys_wrap_between_groups() {
    let mut app = history_open();
    app.update(Msg::Resize(80, 24));
    let shown = screen(&app);
    assert!(
        shown.contains("│Enter run again · Space mark ")
            && shown.contains(
                "│d compare two marked (or this one with the answer on screen) · Esc close"
            ),
        "{shown}"
    );
}

#[test]
fn h_lists_the_runs_newest_first() {
    let app = history_open();
    let Some(Dialog::History(dialog)) = app.dialogs.front() else {
        panic!("expected the history dialog");
    };
    assert_eq!(dialog.entries[0].at, "2026-12-01T11:00:00Z");
    let shown = screen(&app);
    let newest = shown
        .find("11:00:00 UTC")
        .expect("the newest run is listed");
    let oldest = shown
        .find("10:00:00 UTC")
        .expect("the oldest run is listed");
    assert!(newest < oldest, "{shown}");
    assert!(shown.contains("GetBuilds  admin  200  42 ms"), "{shown}");
}

#[test]
fn enter_runs_the_selected_entry_again_with_its_variables() {
    let mut app = history_open();
    press(&mut app, KeyCode::Down); // the older run
    let commands = press(&mut app, KeyCode::Enter);
    match invokes(&commands).as_slice() {
        [Command::Invoke {
            slug,
            operation,
            variables,
            ..
        }] => {
            assert_eq!(slug, "recent-builds");
            assert_eq!(operation.as_deref(), Some("GetBuilds"));
            assert_eq!(
                variables,
                &serde_json::json!({"pipelineSlug": "demo/old", "first": 2})
            );
        }
        _ => panic!("expected one run, got {:?}", names(&commands)),
    }
    assert!(app.dialogs.front().is_none());
    // The newest run had no `first`: running it again leaves it out.
    app.update(Msg::RunFailed {
        slug: "recent-builds".into(),
        error: ApiError::Network {
            host: "h".into(),
            message: "down".into(),
        },
    });
    press(&mut app, KeyCode::Esc);
    let app = &mut app;
    let commands = press(app, KeyCode::Char('H'));
    assert_eq!(names(&commands), ["read-history"]);
    app.update(Msg::HistoryRead {
        slug: "recent-builds".into(),
        entries: vec![entry(
            "2026-12-01T11:00:00Z",
            None,
            serde_json::json!({"pipelineSlug": "demo/new"}),
        )],
    });
    let commands = press(app, KeyCode::Enter);
    match invokes(&commands).as_slice() {
        [Command::Invoke { variables, .. }] => {
            assert_eq!(variables, &serde_json::json!({"pipelineSlug": "demo/new"}))
        }
        _ => panic!("expected one run, got {:?}", names(&commands)),
    }
}

#[test]
fn rerunning_with_an_unsaved_document_asks_first() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter); // deploy-web's document
    ctrl(&mut app, 'a');
    press(&mut app, KeyCode::End);
    type_text(&mut app, " # mine");
    press(&mut app, KeyCode::Esc); // back to the list
    press(&mut app, KeyCode::Char('H'));
    app.update(Msg::HistoryRead {
        slug: "deploy-web".into(),
        entries: vec![entry("2026-12-01T11:00:00Z", None, serde_json::json!({}))],
    });
    let commands = press(&mut app, KeyCode::Enter);
    assert!(invokes(&commands).is_empty(), "nothing runs yet");
    assert!(is_confirm(&app, |k| matches!(k, ConfirmKind::Run { .. })));
}

#[test]
fn no_runs_says_so_and_what_is_shown_is_sanitized() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('H'));
    app.update(Msg::HistoryRead {
        slug: "deploy-web".into(),
        entries: Vec::new(),
    });
    assert!(app.dialogs.front().is_none());
    assert!(
        app.status.contains("No runs of deploy-web"),
        "{}",
        app.status
    );
    app.update(Msg::HistoryRead {
        slug: "deploy-web".into(),
        entries: vec![entry(
            "2026-12-01T11:00:00Z\u{1b}[2J",
            Some("Me\u{1b}]52;c;x\u{7}"),
            serde_json::json!({}),
        )],
    });
    let shown = screen(&app);
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "{shown}"
    );
    assert!(shown.contains("History"), "{shown}");
}

#[test]
fn a_late_history_of_another_portal_is_not_shown() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('H'));
    press(&mut app, KeyCode::Down);
    app.update(Msg::HistoryRead {
        slug: "deploy-web".into(),
        entries: vec![entry("2026-12-01T11:00:00Z", None, serde_json::json!({}))],
    });
    assert!(app.dialogs.front().is_none());
}

fn with_answer(at: &str, answer: &str) -> HistoryEntry {
    let mut entry = entry(at, None, serde_json::json!({}));
    entry.answer = answer.into();
    entry
}

fn diff_shown(app: &App) -> Vec<String> {
    match app.dialogs.front() {
        Some(Dialog::History(HistoryDialog {
            diff: Some(Comparison { lines, .. }),
            ..
        })) => lines.clone(),
        other => panic!("expected the comparison, got {other:?}"),
    }
}

#[test]
fn d_compares_two_marked_answers_by_path() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('H'));
    app.update(Msg::HistoryRead {
        slug: "deploy-web".into(),
        entries: vec![
            with_answer("2026-12-01T10:00:00Z", r#"{"data":{"n":1,"gone":true}}"#),
            with_answer("2026-12-01T10:30:00Z", "not json"),
            with_answer(
                "2026-12-01T11:00:00Z",
                r#"{"data":{"n":2,"new":"\u001b[2Jx"}}"#,
            ),
        ],
    });
    press(&mut app, KeyCode::Char(' ')); // the newest
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Char(' ')); // the oldest
    press(&mut app, KeyCode::Char('d'));
    let lines = diff_shown(&app);
    assert_eq!(lines[0], "~ .data.n: 1 → 2");
    assert_eq!(lines[1], "- .data.gone: true");
    assert!(lines[2].starts_with("+ .data.new: "), "{lines:?}");
    let shown = screen(&app);
    assert!(shown.contains("~ .data.n: 1 → 2"), "{shown}");
    assert!(!shown.contains('\u{1b}'), "{shown}");
    // Any other key goes back to the runs; one that is not JSON says so.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char(' ')); // the middle one, replacing the first mark
    press(&mut app, KeyCode::Char('d'));
    assert!(diff_shown(&app)[0].contains("not whole JSON"));
}

#[test]
fn d_without_marks_compares_the_run_with_the_answer_on_screen() {
    let mut app = loaded();
    answered(&mut app, r#"{"data":{"n":3}}"#);
    press(&mut app, KeyCode::Char('H')); // from the response pane
    app.update(Msg::HistoryRead {
        slug: "deploy-web".into(),
        entries: vec![with_answer("2026-12-01T10:00:00Z", r#"{"data":{"n":1}}"#)],
    });
    press(&mut app, KeyCode::Char('d'));
    assert_eq!(diff_shown(&app), ["~ .data.n: 1 → 3"]);
}

#[test]
fn an_answer_equal_to_the_one_on_screen_counts_no_difference() {
    let mut app = loaded();
    answered(&mut app, r#"{"data":{"n":3}}"#);
    press(&mut app, KeyCode::Char('H'));
    app.update(Msg::HistoryRead {
        slug: "deploy-web".into(),
        entries: vec![with_answer("2026-12-01T10:00:00Z", r#"{"data": {"n": 3}}"#)],
    });
    press(&mut app, KeyCode::Char('d'));
    let shown = screen(&app);
    assert!(shown.contains("No difference."), "{shown}");
    assert!(
        !shown.contains("1 difference ·"),
        "no count of one above a body saying there is none: {shown}"
    );
    assert!(shown.contains("Esc: back to the runs"), "{shown}");
}

#[test]
fn a_run_without_an_operation_name_shows_a_dash_as_the_cli_prints_it() {
    let mut app = history_open();
    app.update(Msg::HistoryRead {
        slug: "recent-builds".into(),
        entries: vec![entry("2026-12-01T12:00:00Z", None, serde_json::json!({}))],
    });
    let shown = screen(&app);
    assert!(
        shown.contains("2026-12-01 12:00:00 UTC  -  admin  200  42 ms"),
        "{shown}"
    );
    assert!(!shown.contains("(only operation)"), "{shown}");
}

#[test]
fn d_compares_the_answer_itself_while_a_jq_filter_is_shown() {
    let mut app = loaded();
    answered(&mut app, r#"{"data":{"n":3,"name":"web"}}"#);
    press(&mut app, KeyCode::Char('|'));
    type_text(&mut app, ".data.n");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('H'));
    app.update(Msg::HistoryRead {
        slug: "deploy-web".into(),
        entries: vec![with_answer(
            "2026-12-01T10:00:00Z",
            r#"{"data":{"n":1,"name":"web"}}"#,
        )],
    });
    press(&mut app, KeyCode::Char('d'));
    assert_eq!(
        diff_shown(&app),
        ["~ .data.n: 1 → 3"],
        "the recorded answer against the answer, not the filter's `3`"
    );
    let shown = screen(&app);
    assert!(shown.contains("~ .data.n: 1 → 3"), "{shown}");
}
