//! `App::update` flow by flow: messages in, state and commands out.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::buildkite::{ApiError, CreatedPortal, InvokeResponse, PortalChanges, RateLimit};
use crate::tui::dialogs::{AuthChoice, ConfirmKind};
use crate::tui::editor::Field;
use chrono::Utc;

fn portal(slug: &str, name: &str, description: Option<&str>, query: &str) -> Portal {
    Portal {
        uuid: format!("uuid-{slug}"),
        slug: slug.into(),
        organization_uuid: "org".into(),
        name: name.into(),
        description: description.map(str::to_owned),
        query: query.into(),
        allowed_ip_addresses: None,
        user_invokable: false,
        created_at: "2024-08-26T03:22:45.555Z".into(),
        created_by: None,
    }
}

const WHO: &str = "query Me { viewer { user { name } } }";
const BUILDS: &str = "query GetBuilds($pipelineSlug: ID!, $first: Int) { pipeline(slug: $pipelineSlug) { name } }\nmutation Trigger($id: ID!) { buildCreate(input: {pipelineID: $id}) { build { url } } }";

fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(app: &mut App, c: char) -> Vec<Command> {
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn names(commands: &[Command]) -> Vec<&'static str> {
    commands.iter().map(Command::name).collect()
}

/// Answers the check before a save with the portal as the list has it
/// (nobody changed it) and returns what the save then sends.
fn sent_changes(app: &mut App, commands: Vec<Command>) -> (String, PortalChanges) {
    let slug = match commands.as_slice() {
        [Command::FetchForSave { slug }] => slug.clone(),
        other => panic!("expected the check before a save, got {other:?}"),
    };
    let server = app.list.find(&slug).cloned().expect("the portal is listed");
    let commands = app.update(Msg::FetchedForSave {
        slug,
        result: Ok(server),
    });
    match commands
        .into_iter()
        .find(|c| matches!(c, Command::Update { .. }))
    {
        Some(Command::Update { slug, changes }) => (slug, changes),
        _ => panic!("expected the save itself"),
    }
}

fn is_confirm(app: &App, matches: impl Fn(&ConfirmKind) -> bool) -> bool {
    matches!(app.dialogs.front(), Some(Dialog::Confirm(c)) if matches(&c.kind))
}

fn loaded() -> App {
    let mut app = App::new("demo", vec!["deploy-web".into(), "recent-builds".into()]);
    assert_eq!(names(&app.init()), ["load", "load-schema"]);
    app.update(Msg::PortalsPage(vec![
        portal("deploy-web", "Deploy web", None, WHO),
        portal(
            "recent-builds",
            "Recent builds",
            Some("Latest builds of a pipeline"),
            BUILDS,
        ),
    ]));
    app.update(Msg::PortalsPage(vec![portal(
        "who-am-i", "Who am I", None, WHO,
    )]));
    app.update(Msg::PortalsLoaded);
    app
}

#[test]
fn pages_stream_into_the_list() {
    let app = loaded();
    assert_eq!(app.list.visible.len(), 3);
    assert_eq!(app.loading, Loading::Idle);
    assert_eq!(app.status, "3 portals in demo");
}

#[test]
fn typing_a_filter_narrows_by_name_slug_or_description() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "pipeline");
    assert_eq!(app.list.visible.len(), 1, "only a description matches");
    assert_eq!(app.selected_portal().unwrap().slug, "recent-builds");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.list.visible.len(), 3, "Esc clears the filter");
    assert_eq!(
        app.selected_portal().unwrap().slug,
        "recent-builds",
        "and keeps the selection"
    );
}

#[test]
fn arrows_move_the_selection_and_stop_at_the_ends() {
    let mut app = loaded();
    press(&mut app, KeyCode::Up);
    assert_eq!(app.list.selected, 0);
    for _ in 0..5 {
        press(&mut app, KeyCode::Down);
    }
    assert_eq!(app.selected_portal().unwrap().slug, "who-am-i");
}

#[test]
fn reload_keeps_the_selected_portal() {
    let mut app = loaded();
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('r'));
    app.update(Msg::PortalsPage(vec![portal(
        "deploy-web",
        "Deploy web",
        None,
        WHO,
    )]));
    app.update(Msg::PortalsPage(vec![portal(
        "recent-builds",
        "Recent builds",
        None,
        BUILDS,
    )]));
    assert_eq!(app.selected_portal().unwrap().slug, "recent-builds");
}

#[test]
fn reload_asks_for_portals_again_and_failures_keep_the_list() {
    let mut app = loaded();
    assert_eq!(names(&press(&mut app, KeyCode::Char('r'))), ["load"]);
    assert_eq!(app.list.portals.len(), 3, "the list stays while reloading");
    app.update(Msg::LoadFailed("could not reach 127.0.0.1".into()));
    assert!(app.status.contains("could not reach"));
    assert_eq!(
        app.list.visible.len(),
        3,
        "a failed reload keeps what was there"
    );
    assert!(!app.quit);
    press(&mut app, KeyCode::Char('r'));
    app.update(Msg::PortalsPage(vec![portal("only", "Only", None, WHO)]));
    app.update(Msg::PortalsLoaded);
    assert_eq!(app.list.visible.len(), 1, "fresh pages replace the list");
}

#[test]
fn save_sends_only_the_changed_document() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Document);
    press(&mut app, KeyCode::End);
    type_text(&mut app, " # note");
    assert!(app.is_dirty("deploy-web"));
    let commands = ctrl(&mut app, 's');
    let (slug, changes) = sent_changes(&mut app, commands);
    assert_eq!(slug, "deploy-web");
    assert_eq!(
        changes.query.as_deref(),
        Some("query Me { viewer { user { name } } } # note")
    );
    assert!(changes.name.is_none() && changes.description.is_none());
    let mut saved = app.list.portals[0].clone();
    saved.query = "query Me { viewer { user { name } } } # note".into();
    app.update(Msg::Saved {
        slug: "deploy-web".into(),
        result: Ok(saved),
    });
    assert!(!app.is_dirty("deploy-web"));
    assert_eq!(app.status, "Saved deploy-web.");
}

#[test]
fn a_document_that_does_not_parse_needs_a_second_yes() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "{{");
    assert!(ctrl(&mut app, 's').is_empty());
    assert!(is_confirm(&app, |k| matches!(k, ConfirmKind::Save { .. })));
    assert!(press(&mut app, KeyCode::Char('n')).is_empty());
    assert!(app.dialogs.is_empty());
    assert!(app.is_dirty("deploy-web"), "nothing typed is lost");
    ctrl(&mut app, 's');
    assert_eq!(
        names(&press(&mut app, KeyCode::Char('y'))),
        ["fetch-for-save"]
    );
}

#[test]
fn the_servers_422_lands_next_to_its_field() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('f'));
    ctrl(&mut app, 'u');
    type_text(&mut app, "Who am I");
    assert!(names(&ctrl(&mut app, 's')).contains(&"fetch-for-save"));
    app.update(Msg::Saved {
        slug: "deploy-web".into(),
        result: Err(ApiError::Validation {
            message: "Validation failed: Name has already been taken".into(),
        }),
    });
    let edit = app.selected_edit().unwrap();
    assert_eq!(edit.server_error.as_ref().unwrap().0, Some(Field::Name));
    assert_eq!(edit.fields.name, "Who am I", "the typed name is kept");
    assert!(app.status.starts_with("Not saved"));
}

#[test]
fn switching_portals_keeps_unsaved_edits() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "# keep me\n");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Up);
    assert!(app.selected_document().unwrap().starts_with("# keep me"));
}

#[test]
fn quitting_with_unsaved_changes_asks_first() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "#");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.quit);
    assert!(is_confirm(&app, |k| matches!(
        k,
        ConfirmKind::Quit { unsaved: 1 }
    )));
    press(&mut app, KeyCode::Char('y'));
    assert!(app.quit);
}

fn created(slug: &str) -> CreatedPortal {
    serde_json::from_value(serde_json::json!({
        "uuid": "u", "slug": slug, "organization_uuid": "o", "name": "Nightly",
        "description": null, "query": WHO, "created_at": "2024-08-26T03:22:45.555Z",
        "allowed_ip_addresses": null, "user_invokable": false, "token": "bkpt_new"
    }))
    .unwrap()
}

#[test]
fn create_shows_the_token_once_and_closes_only_on_enter() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('n'));
    assert!(ctrl(&mut app, 's').is_empty(), "a name is required first");
    type_text(&mut app, "Nightly");
    let commands = ctrl(&mut app, 's');
    match commands.as_slice() {
        [Command::Create(new)] => {
            assert_eq!(new.name, "Nightly");
            assert!(
                new.query.contains("query GetBuilds"),
                "starts from the template"
            );
        }
        other => panic!("expected create, got {other:?}"),
    }
    app.update(Msg::Created {
        result: Ok(created("nightly")),
        stored: Ok(()),
    });
    assert!(app.has_token("nightly"));
    assert_eq!(app.selected_portal().unwrap().slug, "nightly");
    assert_eq!(names(&press(&mut app, KeyCode::Char('c'))), ["copy"]);
    press(&mut app, KeyCode::Esc);
    assert!(
        matches!(app.dialogs.front(), Some(Dialog::Token(d)) if d.reminded),
        "Esc alone does not lose it"
    );
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(
        names(&press(&mut app, KeyCode::Enter)),
        ["note-token-dialog", "forget-token"],
        "closed, and unticked: not kept"
    );
    assert!(app.dialogs.is_empty());
    assert!(!app.has_token("nightly"));
}

#[test]
fn a_rejected_create_keeps_the_form_and_marks_the_field() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Who am I");
    ctrl(&mut app, 's');
    app.update(Msg::Created {
        result: Err(ApiError::Validation {
            message: "Validation failed: Slug has already been taken".into(),
        }),
        stored: Ok(()),
    });
    match app.dialogs.front() {
        Some(Dialog::Form(form)) => {
            assert_eq!(form.name.value(), "Who am I");
            assert_eq!(form.server_error.as_ref().unwrap().0, Some(Field::Slug));
        }
        other => panic!("the form stays open, got {other:?}"),
    }
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('n'));
    assert!(
        matches!(app.dialogs.front(), Some(Dialog::Form(f)) if f.name.value() == "Who am I"),
        "closing and reopening keeps what was typed"
    );
}

#[test]
fn delete_needs_the_slug_typed() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('d'));
    type_text(&mut app, "deploy");
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    type_text(&mut app, "-web");
    assert_eq!(names(&press(&mut app, KeyCode::Enter)), ["delete"]);
    app.update(Msg::Deleted {
        slug: "deploy-web".into(),
        result: Ok(()),
    });
    assert_eq!(app.list.visible.len(), 2);
    assert!(!app.has_token("deploy-web"));
}

#[test]
fn invoke_checks_variables_and_picks_the_operation() {
    let mut app = loaded();
    press(&mut app, KeyCode::Down); // recent-builds: two operations
    assert!(
        ctrl(&mut app, 'r').is_empty(),
        "a required variable is empty"
    );
    assert_eq!(app.focus, Focus::Variables);
    let form = app.variables.as_ref().unwrap();
    assert!(form.errors[0].as_deref().unwrap().contains("required"));
    type_text(&mut app, "demo/web"); // the focus moved to the empty variable
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "x");
    assert!(ctrl(&mut app, 'r').is_empty(), "first is an Int");
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "3");
    match ctrl(&mut app, 'r').as_slice() {
        [Command::Invoke {
            slug,
            operation,
            variables,
            token: None,
            ..
        }] => {
            assert_eq!(slug, "recent-builds");
            assert_eq!(operation.as_deref(), Some("GetBuilds"));
            assert_eq!(
                variables,
                &serde_json::json!({"pipelineSlug": "demo/web", "first": 3})
            );
        }
        other => panic!("expected invoke, got {other:?}"),
    }
    assert!(app.busy());
    assert_eq!(names(&press(&mut app, KeyCode::Esc)), ["cancel-invoke"]);
    assert!(app.running.is_none());
}

#[test]
fn invoke_without_a_stored_token_asks_for_one() {
    let mut app = loaded();
    press(&mut app, KeyCode::End); // who-am-i has no stored token
    assert!(ctrl(&mut app, 'r').is_empty());
    assert!(matches!(
        app.dialogs.front(),
        Some(Dialog::Authorize { .. })
    ));
    press(&mut app, KeyCode::Enter); // who-am-i is not user-invokable: paste comes first
    assert!(matches!(
        app.dialogs.front(),
        Some(Dialog::TokenPrompt { .. })
    ));
    type_text(&mut app, "bkpt_typed");
    match press(&mut app, KeyCode::Enter).as_slice() {
        [Command::Invoke {
            token: Some(token),
            store_token: true,
            ..
        }] => {
            assert_eq!(token.expose(), "bkpt_typed")
        }
        other => panic!("expected invoke with the typed token, got {other:?}"),
    }
    assert!(app.has_token("who-am-i"));
    app.update(Msg::Invoked {
        slug: "who-am-i".into(),
        ran_as: None,
        result: Ok(InvokeResponse {
            status: 200,
            elapsed: std::time::Duration::from_millis(5),
            rate_limit: RateLimit::default(),
            body: r#"{"data":{"viewer":{"user":{"name":"Riley"}}}}"#.into(),
            graphql: None,
        }),
    });
    assert_eq!(app.focus, Focus::Response);
    let body = &app.selected_answer().unwrap().view.body;
    assert!((0..body.line_count()).any(|i| body.line_text(i).contains("Riley")));
}

#[test]
fn fuzzy_prefers_contiguous_and_word_start_matches() {
    let tight = fuzzy_score("Recent builds", "rec").unwrap();
    let loose = fuzzy_score("release checks", "rec").unwrap();
    assert!(tight > loose);
    assert_eq!(fuzzy_score("deploy", "xyz"), None);
}

#[test]
fn large_documents_are_parsed_off_the_input_path() {
    let mut big = String::from("query Big {\n  viewer {\n");
    while big.len() <= crate::tui::editor::SYNC_PARSE_LIMIT {
        big.push_str("    user { name }\n");
    }
    big.push_str("  }\n}\n");
    let mut app = App::new("demo", Vec::new());
    app.init();
    app.update(Msg::PortalsPage(vec![portal("big", "Big", None, &big)]));
    app.update(Msg::PortalsLoaded);
    press(&mut app, KeyCode::Enter);
    let diagnose_only = |commands: Vec<Command>| -> Vec<Command> {
        commands
            .into_iter()
            .filter(|c| matches!(c, Command::Diagnose { .. }))
            .collect()
    };
    let first = diagnose_only(press(&mut app, KeyCode::Char('{')));
    let Some(Command::Diagnose {
        generation: first_generation,
        ..
    }) = first.first()
    else {
        panic!("expected a diagnose command, got {first:?}");
    };
    // While that job runs, more typing sends nothing: one job at a time.
    assert!(diagnose_only(press(&mut app, KeyCode::Char('{'))).is_empty());
    assert!(diagnose_only(press(&mut app, KeyCode::Char(' '))).is_empty());
    let ok = crate::graphql::diagnostics::parse_diagnostics("query { a }");
    let error = crate::graphql::diagnostics::parse_diagnostics("{{");
    // Its (late) answer is dropped, and the text typed meanwhile is sent.
    let next = diagnose_only(app.update(Msg::Diagnosed {
        slug: "big".into(),
        generation: *first_generation,
        diagnostics: ok,
    }));
    assert!(
        app.selected_edit().unwrap().diagnostics_pending,
        "late results are dropped"
    );
    let generation = match next.as_slice() {
        [Command::Diagnose {
            generation, text, ..
        }] => {
            assert!(*generation > *first_generation && text.starts_with("{{ query"));
            *generation
        }
        other => panic!("expected the newest text to be sent, got {other:?}"),
    };
    app.update(Msg::Diagnosed {
        slug: "big".into(),
        generation,
        diagnostics: error,
    });
    assert!(!app.selected_edit().unwrap().diagnostics.is_empty());
}

#[test]
fn sign_in_as_me_then_runs_with_the_user_token() {
    let mut app = loaded();
    app.list.portals[2].user_invokable = true; // who-am-i
    press(&mut app, KeyCode::End);
    assert!(ctrl(&mut app, 'r').is_empty());
    match app.dialogs.front() {
        Some(Dialog::Authorize(authorize)) => assert_eq!(
            authorize.choices,
            &[
                AuthChoice::SignIn,
                AuthChoice::PasteToken,
                AuthChoice::PortalSecret
            ]
        ),
        other => panic!("expected the choices, got {other:?}"),
    }
    assert_eq!(names(&press(&mut app, KeyCode::Enter)), ["sign-in"]);
    assert!(app.busy(), "the countdown ticks while signing in");
    app.update(Msg::SignInStarted {
        code: "AB12".into(),
        url: "http://127.0.0.1:9/authorize/AB12".into(),
        seconds_left: 300,
        opened_browser: false,
    });
    app.update(Msg::SignInProgress { seconds_left: 299 });
    assert!(matches!(app.dialogs.front(), Some(Dialog::SignIn(s)) if s.seconds_left == Some(299)));
    match press(&mut app, KeyCode::Char('c')).as_slice() {
        [Command::Copy(url)] => assert!(url.ends_with("/authorize/AB12")),
        other => panic!("c copies the URL, got {other:?}"),
    }
    let commands = app.update(Msg::SignedIn {
        slug: "who-am-i".into(),
        result: Ok("2026-11-24T12:00:00Z".into()),
    });
    assert!(app.dialogs.is_empty());
    assert!(app.has_token("who-am-i"));
    assert!(
        matches!(commands.as_slice(), [Command::Invoke { token: None, .. }]),
        "runs with the stored user token: {commands:?}"
    );
}

#[test]
fn cancelling_a_sign_in_stops_polling() {
    let mut app = loaded();
    app.list.portals[2].user_invokable = true;
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(names(&press(&mut app, KeyCode::Esc)), ["cancel-sign-in"]);
    assert!(app.dialogs.is_empty());
    assert_eq!(app.status, "Sign-in cancelled.");
}

#[test]
fn a_portal_secret_buys_an_ephemeral_token() {
    let mut app = loaded();
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter); // not user-invokable: paste, then secret
    type_text(&mut app, "bkps_secret");
    match press(&mut app, KeyCode::Enter).as_slice() {
        [Command::Ephemeral {
            slug,
            portal_uuid,
            secret,
        }] => {
            assert_eq!(
                (slug.as_str(), portal_uuid.as_str()),
                ("who-am-i", "uuid-who-am-i")
            );
            assert_eq!(secret.expose(), "bkps_secret");
        }
        other => panic!("expected ephemeral, got {other:?}"),
    }
    let failed = app.update(Msg::EphemeralReady {
        slug: "who-am-i".into(),
        result: Err("no ephemeral token (invalid_client): The portal secret is not valid".into()),
    });
    assert!(failed.is_empty());
    assert!(app.status.contains("secret is not valid"));
}

#[test]
fn the_footer_says_which_identity_a_run_used() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('k'));
    ctrl(&mut app, 'r');
    app.update(Msg::Invoked {
        slug: "deploy-web".into(),
        ran_as: Some(crate::secrets::TokenKind::User),
        result: Ok(InvokeResponse {
            status: 200,
            elapsed: std::time::Duration::from_millis(5),
            rate_limit: RateLimit::default(),
            body: "{}".into(),
            graphql: None,
        }),
    });
    assert!(app.status.contains("your user token"), "{}", app.status);
}

#[test]
fn a_save_over_someone_elses_change_shows_the_conflict() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::End);
    type_text(&mut app, " # mine");
    assert_eq!(names(&ctrl(&mut app, 's')), ["fetch-for-save"]);
    let expected = app.list.find("deploy-web").cloned().unwrap();
    assert_eq!(expected.query, WHO);
    let mut server = expected.clone();
    server.description = Some("Changed by a colleague".into());
    let commands = app.update(Msg::FetchedForSave {
        slug: "deploy-web".into(),
        result: Ok(server.clone()),
    });
    assert!(!names(&commands).contains(&"update"), "nothing is sent");
    assert!(matches!(app.dialogs.front(), Some(Dialog::Conflict(_))));
    assert!(app.status.starts_with("Not saved"));

    // Back to editing: their description is taken, my document is kept.
    press(&mut app, KeyCode::Char('e'));
    let edit = app.selected_edit().unwrap();
    assert_eq!(edit.fields.description, "Changed by a colleague");
    assert!(edit.text().ends_with("# mine"));
    let commands = ctrl(&mut app, 's');
    let (_, changes) = sent_changes(&mut app, commands);
    assert!(changes.query.is_some());
    assert!(changes.description.is_none(), "their change is not undone");
    app.update(Msg::Saved {
        slug: "deploy-web".into(),
        result: Err(ApiError::Server {
            status: 503,
            message: "down".into(),
        }),
    });

    // Take theirs: my edit is replaced.
    server.name = "Renamed by a colleague".into();
    ctrl(&mut app, 's');
    app.update(Msg::FetchedForSave {
        slug: "deploy-web".into(),
        result: Ok(server),
    });
    press(&mut app, KeyCode::Char('t'));
    assert!(!app.is_dirty("deploy-web"));
    assert_eq!(app.selected_document().unwrap(), WHO);
    assert_eq!(
        app.selected_portal().unwrap().name,
        "Renamed by a colleague"
    );
}

#[test]
fn unsaved_edits_follow_to_disk_and_come_back() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::End);
    let commands = press(&mut app, KeyCode::Char(' '));
    let draft = match commands.as_slice() {
        [Command::WriteDraft(draft)] => draft.clone(),
        other => panic!("an edit is written as a draft: {other:?}"),
    };
    assert_eq!(draft.slug, "deploy-web");
    assert!(draft.document.ends_with(' '));
    let undo = ctrl(&mut app, 'z');
    assert_eq!(
        names(&undo),
        ["remove-draft"],
        "back to the saved version: no draft"
    );

    // The next start: offered once the portals are listed.
    let mut next = App::new("demo", Vec::new());
    next.offer_drafts(vec![*draft], Vec::new(), None);
    next.init();
    next.update(Msg::PortalsPage(vec![portal(
        "deploy-web",
        "Deploy web",
        None,
        WHO,
    )]));
    next.update(Msg::PortalsLoaded);
    assert!(matches!(next.dialogs.front(), Some(Dialog::Drafts { .. })));
    press(&mut next, KeyCode::Char('r'));
    assert!(next.dialogs.is_empty());
    assert!(next.is_dirty("deploy-web"));
    assert!(next.selected_document().unwrap().ends_with(' '));
    assert_eq!(next.focus, Focus::Document);
}

#[test]
fn drafts_of_deleted_portals_are_kept_until_discarded() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    let draft = match press(&mut app, KeyCode::Char('#')).as_slice() {
        [Command::WriteDraft(draft)] => draft.clone(),
        other => panic!("{other:?}"),
    };
    let mut next = App::new("demo", Vec::new());
    next.offer_drafts(vec![*draft], Vec::new(), Some("nightly".into()));
    assert!(
        next.status.contains("new token of nightly"),
        "{}",
        next.status
    );
    next.init();
    next.update(Msg::PortalsPage(vec![portal("who-am-i", "Who", None, WHO)]));
    next.update(Msg::PortalsLoaded);
    press(&mut next, KeyCode::Char('r'));
    assert!(next.status.contains("no longer exists"), "{}", next.status);
    assert!(
        matches!(next.dialogs.front(), Some(Dialog::Drafts { .. })),
        "still offered"
    );
    assert_eq!(
        names(&press(&mut next, KeyCode::Char('x'))),
        ["remove-draft"]
    );
    assert!(next.dialogs.is_empty());
}

/// The secrets audit of the app: known token values never appear in the
/// `Debug` of any state the app holds, whatever flow they went through.
#[test]
fn no_token_shows_in_the_debug_of_any_state() {
    let mut app = loaded();
    // A pasted portal token, a portal secret, and a new portal's token.
    press(&mut app, KeyCode::End);
    ctrl(&mut app, 'r');
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "bkpt_pasted_value");
    let state = format!("{app:?}");
    assert!(!state.contains("bkpt_pasted_value"), "{state}");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "bkps_secret_value");
    assert!(!format!("{app:?}").contains("bkps_secret_value"));
    let commands = press(&mut app, KeyCode::Enter);
    assert!(!format!("{commands:?}").contains("bkps_secret_value"));
    app.update(Msg::Created {
        result: Ok(created("fresh")),
        stored: Ok(()),
    });
    assert!(!format!("{app:?}").contains("bkpt_new"));
}

fn test_schema() -> GraphqlSchema {
    GraphqlSchema::from_sdl(
        "type Query { viewer: Viewer pipeline(slug: ID!): Pipeline }\ntype Viewer { user: User }\ntype User { name: String email: String }\ntype Pipeline { name: String }\ntype Mutation { buildCreate(input: BuildCreateInput!): Payload }\ninput BuildCreateInput { pipelineID: ID! }\ntype Payload { build: Build }\ntype Build { url: String }\n",
    )
    .expect("valid")
}

/// Runs the diagnostics the app asked for, as the runtime's worker would.
fn run_diagnose(app: &mut App, commands: Vec<Command>) -> usize {
    let mut ran = 0;
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
            app.update(Msg::Diagnosed {
                slug,
                generation,
                diagnostics,
            });
        }
    }
    ran
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
