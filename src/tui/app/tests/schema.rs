//! Editing against the GraphQL schema: validation, completion, formatting.

use super::*;

pub(super) fn test_schema() -> GraphqlSchema {
    GraphqlSchema::from_sdl(
        "type Query { viewer: Viewer pipeline(slug: ID!): Pipeline }\ntype Viewer { user: User }\ntype User { name: String email: String }\ntype Pipeline { name: String }\ntype Mutation { buildCreate(input: BuildCreateInput!): Payload }\ninput BuildCreateInput { pipelineID: ID! }\ntype Payload { build: Build }\ntype Build { url: String }\n",
    )
    .expect("valid")
}

/// Runs the diagnostics the app asked for, as the runtime's worker would.
pub(super) fn run_diagnose(app: &mut App, commands: Vec<Command>) -> usize {
    run_diagnose_and_follow(app, commands).0
}

/// `run_diagnose`, with the commands the answers lead to.
pub(super) fn run_diagnose_and_follow(
    app: &mut App,
    commands: Vec<Command>,
) -> (usize, Vec<Command>) {
    let mut ran = 0;
    let mut next = Vec::new();
    for command in commands {
        if let Command::Diagnose {
            slug,
            generation,
            text,
            schema,
        } = command
        {
            let diagnostics = match schema {
                Some(schema) => schema.check(&text),
                None => crate::graphql::diagnostics::parse_diagnostics(&text),
            };
            ran += 1;
            next.extend(app.update(Msg::Diagnosed {
                slug,
                generation,
                diagnostics,
            }));
        }
    }
    (ran, next)
}

#[test]
fn with_a_schema_edits_are_validated_off_the_input_path_and_saving_asks_twice() {
    let mut app = loaded();
    app.update(Msg::SchemaReady {
        schema: test_schema(),
        fetched_at: Utc::now(),
        fetched_now: false,
    });
    assert!(app.schema_note.contains("cached"), "{}", app.schema_note);
    let commands = press(&mut app, KeyCode::Enter);
    assert_eq!(
        run_diagnose(&mut app, commands),
        1,
        "focusing the document validates it once"
    );
    assert!(app.selected_edit().unwrap().diagnostics.is_empty());
    // `name` becomes `namex`: parses, but the schema has no such field.
    let mut commands = press(&mut app, KeyCode::End);
    for _ in 0.." } } }".len() {
        commands.extend(press(&mut app, KeyCode::Left));
    }
    assert_eq!(
        run_diagnose(&mut app, commands),
        0,
        "moving the cursor changes nothing"
    );
    let commands = press(&mut app, KeyCode::Char('x'));
    assert!(
        names(&commands).contains(&"diagnose"),
        "{:?}",
        names(&commands)
    );
    run_diagnose(&mut app, commands);
    let diagnostics = &app.selected_edit().unwrap().diagnostics;
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert!(diagnostics[0].message.contains("namex"), "{diagnostics:?}");

    assert!(ctrl(&mut app, 's').is_empty());
    match app.dialogs.front() {
        Some(Dialog::Confirm(confirm)) => match &confirm.kind {
            ConfirmKind::Save {
                summary, syntax, ..
            } => {
                assert_eq!(summary, "1 schema error");
                assert!(!syntax);
            }
            other => panic!("expected the save confirmation, got {other:?}"),
        },
        other => panic!("expected the save confirmation, got {other:?}"),
    }
    assert_eq!(
        names(&press(&mut app, KeyCode::Char('y'))),
        ["fetch-for-save"]
    );
}

#[test]
fn without_a_schema_the_app_says_so_once_and_checks_syntax_only() {
    let mut app = loaded();
    app.update(Msg::SchemaUnavailable(
        "no API token to fetch it with".into(),
    ));
    assert!(
        app.status.contains("only syntax is checked") && app.status.contains("F5"),
        "{}",
        app.status
    );
    press(&mut app, KeyCode::Enter);
    let commands = press(&mut app, KeyCode::Char('x'));
    assert!(
        !names(&commands).contains(&"diagnose"),
        "nothing to validate against"
    );
    assert_eq!(names(&press(&mut app, KeyCode::F(5))), ["load-schema"]);
}

#[test]
fn ctrl_f_formats_the_document_as_one_undoable_change() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'f');
    assert_eq!(app.status, "Formatted (Ctrl-z undoes it).");
    assert_eq!(
        app.selected_document().unwrap(),
        "query Me {\n  viewer {\n    user {\n      name\n    }\n  }\n}\n"
    );
    ctrl(&mut app, 'f');
    assert_eq!(app.status, "Already formatted.");
    ctrl(&mut app, 'z');
    assert_eq!(app.selected_document().unwrap(), WHO);
    assert_eq!(app.status, "", "what the format said no longer holds");
    ctrl(&mut app, 'y');
    assert!(app.selected_document().unwrap().starts_with("query Me {\n"));
    ctrl(&mut app, 'z');
    type_text(&mut app, "{{");
    let before = app.selected_document().unwrap();
    ctrl(&mut app, 'f');
    assert!(
        app.status
            .starts_with("Not formatted: the document has syntax errors"),
        "{}",
        app.status
    );
    assert_eq!(
        app.selected_document().unwrap(),
        before,
        "nothing typed is lost"
    );
}

/// The document pane of `deploy-web` holding `text`, with the test schema.
fn editing(text: &str) -> App {
    let mut app = loaded();
    app.list.portals[0].query = text.into();
    app.update(Msg::SchemaReady {
        schema: test_schema(),
        fetched_at: Utc::now(),
        fetched_now: true,
    });
    press(&mut app, KeyCode::Enter);
    app
}

fn candidates(app: &App) -> Vec<String> {
    app.completion
        .as_ref()
        .map(|c| {
            c.completion
                .candidates
                .iter()
                .map(|c| c.label.clone())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn typing_a_field_opens_completion_and_tab_inserts_it_with_braces() {
    let mut app = editing("query Me {\n  \n}");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::End);
    type_text(&mut app, "v");
    assert_eq!(candidates(&app), ["viewer"]);
    press(&mut app, KeyCode::Tab);
    assert!(app.completion.is_none());
    assert_eq!(
        app.focus,
        Focus::Document,
        "Tab went to the list, not the panes"
    );
    assert_eq!(
        app.selected_document().unwrap(),
        "query Me {\n  viewer {  }\n}"
    );
    type_text(&mut app, "us");
    assert_eq!(candidates(&app), ["user"]);
    press(&mut app, KeyCode::Esc);
    assert!(app.completion.is_none());
    assert_eq!(app.focus, Focus::Document, "Esc closed only the list");
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "s");
    assert!(app.completion.is_some());
    let commands = ctrl(&mut app, 's');
    assert!(app.completion.is_none(), "Ctrl-s closes the list");
    assert!(
        !app.dialogs.is_empty() || names(&commands).contains(&"fetch-for-save"),
        "and saves as ever"
    );
}

#[test]
fn ctrl_space_lists_arguments_and_enter_after_a_full_name_is_a_new_line() {
    let mut app = editing("query Me {\n  pipeline() { name }\n}");
    press(&mut app, KeyCode::Down);
    for _ in 0.."  pipeline(".len() {
        press(&mut app, KeyCode::Right);
    }
    ctrl(&mut app, ' ');
    assert_eq!(candidates(&app), ["slug"]);
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.selected_document().unwrap(),
        "query Me {\n  pipeline(slug: ) { name }\n}"
    );

    let mut app = editing("query Me {\n  \n}");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::End);
    type_text(&mut app, "viewe");
    assert_eq!(candidates(&app), ["viewer"]);
    type_text(&mut app, "r");
    assert!(
        app.completion.is_none(),
        "a name typed in full closes the list"
    );
    ctrl(&mut app, ' ');
    assert_eq!(candidates(&app), ["viewer"]);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Down);
    // `viewer` has a selection: Enter inserts the braces.
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.selected_document().unwrap(),
        "query Me {\n  viewer {  }\n}"
    );
}

#[test]
fn f2_explains_the_field_under_the_cursor() {
    let mut app = editing("query Me { viewer { user { email } } }");
    for _ in 0.."query Me { viewer { user { em".len() {
        press(&mut app, KeyCode::Right);
    }
    press(&mut app, KeyCode::F(2));
    match app.dialogs.front() {
        Some(Dialog::Explain(explain)) => {
            assert_eq!(explain.coordinate, "User.email");
            assert!(
                explain.text.starts_with("email: String"),
                "{}",
                explain.text
            );
        }
        other => panic!("expected the field popup, got {other:?}"),
    }
    press(&mut app, KeyCode::Char('x'));
    assert!(app.dialogs.is_empty(), "any other key closes it");
    assert_eq!(
        app.selected_document().unwrap(),
        "query Me { viewer { user { email } } }"
    );
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::F(2));
    assert!(app.status.contains("not on a field"), "{}", app.status);
}

#[test]
fn with_a_schema_the_variables_form_expands_input_objects_and_offers_enum_values() {
    let mut app = loaded();
    press(&mut app, KeyCode::Down); // recent-builds, which has a token
    app.list.portals[1].query = "mutation Trigger($input: BuildInput!, $state: BuildStates) { buildCreate(input: $input, state: $state) { url } }".into();
    let schema = GraphqlSchema::from_sdl(
        "type Query { a: Int }\ntype Mutation { buildCreate(input: BuildInput!, state: BuildStates): Build }\ntype Build { url: String }\ninput BuildInput { pipelineID: ID! branch: String clean: Boolean }\nenum BuildStates { PASSED FAILED }\n",
    )
    .unwrap();
    app.update(Msg::SchemaReady {
        schema,
        fetched_at: Utc::now(),
        fetched_now: false,
    });
    assert!(ctrl(&mut app, 'r').is_empty(), "pipelineID is required");
    let form = app.variables.as_ref().unwrap();
    let labels: Vec<String> = form.rows.iter().map(|r| r.label()).collect();
    assert_eq!(
        labels,
        [
            "$input.pipelineID",
            "$input.branch",
            "$input.clean",
            "$state"
        ]
    );
    assert!(form.errors[0]
        .as_deref()
        .unwrap()
        .contains("required (ID!)"));
    type_text(&mut app, "UGlw");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right); // clean: ∅ → true
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Right); // state: ∅ → PASSED
    press(&mut app, KeyCode::Right); // → FAILED
    match ctrl(&mut app, 'r').as_slice() {
        [Command::Invoke { variables, .. }] => assert_eq!(
            variables,
            &serde_json::json!({"input": {"pipelineID": "UGlw", "clean": true}, "state": "FAILED"})
        ),
        other => panic!("expected invoke, got {other:?}"),
    }
}
