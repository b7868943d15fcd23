//! Ctrl-r and `C` as the user meets them: what a run of the saved version
//! will send, and why nothing was copied.

use super::history::screen;
use super::*;

/// recent-builds with `$pipelineSlug` of GetBuilds typed as `demo/old`,
/// then its operation renamed in the editor (unsaved) and given `demo/new`.
fn renamed_with_values() -> App {
    let mut app = loaded();
    app.update(Msg::Resize(120, 30));
    press(&mut app, KeyCode::Down); // recent-builds
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::F(6));
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "demo/old");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Enter); // the document again
    press(&mut app, KeyCode::Home);
    for _ in 0.."query ".len() {
        press(&mut app, KeyCode::Right);
    }
    type_text(&mut app, "My"); // query MyGetBuilds
    press(&mut app, KeyCode::F(6));
    assert_eq!(
        app.variables.as_ref().and_then(|f| f.operation_name()),
        Some("MyGetBuilds")
    );
    for _ in 0..3 {
        press(&mut app, KeyCode::Up); // to the picker, wherever the focus was kept
    }
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "demo/new");
    app
}

#[test]
fn the_run_dialog_names_the_values_the_saved_version_sends() {
    let mut app = renamed_with_values();
    assert!(ctrl(&mut app, 'r').is_empty(), "asks first");
    let expected = r#"r runs the saved query `GetBuilds` with $pipelineSlug = "demo/old"."#;
    assert!(
        is_confirm(
            &app,
            |k| matches!(k, ConfirmKind::Run { saved, .. } if saved == expected)
        ),
        "{:?}",
        app.dialogs.front()
    );
    let shown = screen(&app);
    assert!(
        shown.contains("$pipelineSlug =") && shown.contains(r#""demo/old"."#),
        "{shown}"
    );
    let commands = press(&mut app, KeyCode::Char('r'));
    let sent = commands.iter().find_map(|c| match c {
        Command::Invoke {
            operation,
            variables,
            ..
        } => Some((operation.clone(), variables.clone())),
        _ => None,
    });
    assert_eq!(
        sent,
        Some((
            Some("GetBuilds".to_owned()),
            serde_json::json!({"pipelineSlug": "demo/old"})
        )),
        "what the dialog said, not the form on screen"
    );
}

#[test]
fn the_run_dialog_says_when_the_saved_version_lacks_values() {
    let mut app = loaded();
    app.update(Msg::Resize(120, 30));
    press(&mut app, KeyCode::Down); // recent-builds, nothing typed
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "# mine\n");
    assert!(ctrl(&mut app, 'r').is_empty());
    assert!(
        is_confirm(&app, |k| matches!(
            k,
            ConfirmKind::Run { saved, .. } if saved.starts_with("r cannot run the saved ")
                && saved.contains(" yet: $id: required (ID!). Save first (s), or correct it in the form.")
        )),
        "{:?}",
        app.dialogs.front()
    );
    assert!(
        press(&mut app, KeyCode::Char('r')).is_empty(),
        "and it does not run"
    );
    assert!(
        app.status.starts_with("Not run: $id: required"),
        "{}",
        app.status
    );
}

#[test]
fn c_with_a_missing_value_says_nothing_was_copied_and_what_to_fix() {
    let mut app = loaded();
    press(&mut app, KeyCode::Down); // recent-builds: `$pipelineSlug: ID!` empty
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::F(6)); // on the operation picker, C is not typed
    let commands = press(&mut app, KeyCode::Char('C'));
    assert!(names(&commands).is_empty(), "{:?}", names(&commands));
    assert_eq!(
        app.status,
        "Nothing copied: $pipelineSlug is required (ID!). Fix it in the variables form, then C copies the request."
    );
}

#[test]
fn c_says_it_copied_a_curl_command_with_a_placeholder_for_the_token() {
    let mut app = loaded();
    answered(&mut app, r#"{"data":{}}"#);
    let commands = press(&mut app, KeyCode::Char('C'));
    assert_eq!(names(&commands), ["copy-curl"]);
    app.update(Msg::Copied(
        "Copied through the terminal (OSC 52); no system clipboard here, so this works only if your terminal accepts OSC 52.".into(),
    ));
    assert_eq!(
        app.status,
        "Copied a curl command for deploy-web ($TOKEN in place of its token) through the terminal (OSC 52); no system clipboard here, so this works only if your terminal accepts OSC 52."
    );
    assert!(!app.status.contains("bkpt_"), "never the token");
}

#[test]
fn a_list_value_that_is_broken_json_is_refused_and_a_plain_word_is_one_item() {
    let mut app = App::new("demo", vec!["tagged".into()]);
    app.init();
    app.update(Msg::Resize(120, 30));
    app.update(Msg::PortalsPage(vec![portal(
        "tagged",
        "Tagged",
        None,
        "query Tagged($branches: [String!]) { viewer { user { name } } }",
    )]));
    app.update(Msg::PortalsLoaded);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::F(6));
    type_text(&mut app, "notjson[");
    let commands = ctrl(&mut app, 'r');
    assert!(
        invoked(&commands).is_none(),
        "not sent: {:?}",
        names(&commands)
    );
    let shown = screen(&app);
    let flowed = shown
        .replace(['│', '"'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flowed.contains("is a list ([String!]), and `notjson[` is not JSON"),
        "{shown}"
    );
    assert!(flowed.contains("write it as a JSON list"), "{shown}");
    // A broken list is quoted as it was typed, without added backslashes.
    for _ in 0.."notjson[".len() {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, r#"["main", "feature"#);
    ctrl(&mut app, 'r');
    let shown = screen(&app);
    // Each row without the quotes TestBackend puts around it, words rejoined.
    let flowed = shown
        .lines()
        .map(|row| row.trim_matches('"').replace('│', " "))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flowed.contains(r#"`["main", "feature` is not JSON"#),
        "{shown}"
    );
    assert!(!shown.contains('\\'), "{shown}");
    for _ in 0..r#"["main", "feature"#.len() {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "main");
    let commands = ctrl(&mut app, 'r');
    assert_eq!(
        invoked(&commands),
        Some(&serde_json::json!({"branches": ["main"]})),
        "a plain word is a list of one"
    );
}

fn invoked(commands: &[Command]) -> Option<&serde_json::Value> {
    commands.iter().find_map(|c| match c {
        Command::Invoke { variables, .. } => Some(variables),
        _ => None,
    })
}

#[test]
fn the_run_dialog_names_a_value_the_saved_version_cannot_take() {
    let mut app = loaded();
    app.update(Msg::Resize(120, 30));
    press(&mut app, KeyCode::Down); // recent-builds
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "# mine\n"); // an unsaved change
    press(&mut app, KeyCode::F(6));
    for _ in 0..3 {
        press(&mut app, KeyCode::Up); // to the picker
    }
    for _ in 0..2 {
        if app.variables.as_ref().and_then(|f| f.operation_name()) != Some("GetBuilds") {
            press(&mut app, KeyCode::Right);
        }
    }
    assert_eq!(
        app.variables.as_ref().and_then(|f| f.operation_name()),
        Some("GetBuilds")
    );
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "demo/old");
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "99999999999999999999");
    assert!(ctrl(&mut app, 'r').is_empty());
    assert!(
        is_confirm(&app, |k| matches!(
            k,
            ConfirmKind::Run { saved, .. } if saved.contains("$first: ")
                && saved.contains("32-bit")
                && !saved.contains("has no values for")
        )),
        "{:?}",
        app.dialogs.front()
    );
    press(&mut app, KeyCode::Char('r'));
    assert!(
        app.status.starts_with("Not run: $first: "),
        "{}",
        app.status
    );
}

#[test]
fn the_run_dialog_sends_to_the_document_when_the_form_is_not_shown() {
    let mut app = loaded();
    app.update(Msg::Resize(120, 30));
    press(&mut app, KeyCode::Down); // recent-builds, nothing typed
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "{ ... on ");
    app.focus_variables_form();
    assert!(ctrl(&mut app, 'r').is_empty());
    assert!(
        is_confirm(&app, |k| matches!(
            k,
            ConfirmKind::Run { saved, .. } if saved.contains(
                "Save first (s), or fix the document's syntax errors: the form to correct it in comes back."
            )
        )),
        "{:?}",
        app.dialogs.front()
    );
}

#[test]
fn a_letter_typed_on_the_run_row_says_what_the_row_takes() {
    let mut app = loaded();
    app.update(Msg::Resize(120, 30));
    app.focus = Focus::Variables;
    app.focus_variables_form();
    let run_row = app
        .variables
        .as_ref()
        .map(|f| f.run_row())
        .unwrap_or_default();
    if let Some(form) = app.variables.as_mut() {
        form.row = run_row;
    }
    assert!(press(&mut app, KeyCode::Char('z')).is_empty());
    assert!(
        app.status.starts_with("The Run row takes no text"),
        "{}",
        app.status
    );
}
