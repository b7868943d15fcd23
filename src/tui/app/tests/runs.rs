//! Running portals and the identity a run uses: variables, tokens,
//! sign-in, and keeping secrets out of state.

use super::trust::select;
use super::*;

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
    app.update(crate::tui::app::answer_for_test(
        "who-am-i",
        None,
        InvokeResponse {
            status: 200,
            elapsed: std::time::Duration::from_millis(5),
            rate_limit: RateLimit::default(),
            body: r#"{"data":{"viewer":{"user":{"name":"Riley"}}}}"#.into(),
            graphql: None,
        },
    ));
    assert_eq!(app.focus, Focus::Response);
    let body = &app.selected_answer().unwrap().view.body;
    assert!((0..body.line_count()).any(|i| body.line_text(i).contains("Riley")));
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
    app.update(Msg::SignInUnreadable(Some(
        "unexpected response (HTTP 200), not the JSON expected: \"<html>\"".into(),
    )));
    let shown = super::flowed(&super::history::screen(&app));
    assert!(
        shown.contains("unreadable (unexpected response (HTTP 200)")
            && shown.contains("still trying."),
        "the dialog stays open and says so: {shown}"
    );
    app.update(Msg::SignInUnreadable(None));
    let shown = super::flowed(&super::history::screen(&app));
    assert!(
        !shown.contains("still trying"),
        "a readable answer clears it: {shown}"
    );
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
    app.update(crate::tui::app::answer_for_test(
        "deploy-web",
        Some(crate::secrets::TokenKind::User),
        InvokeResponse {
            status: 200,
            elapsed: std::time::Duration::from_millis(5),
            rate_limit: RateLimit::default(),
            body: "{}".into(),
            graphql: None,
        },
    ));
    assert!(app.status.contains("your user token"), "{}", app.status);
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

#[test]
fn a_token_dialog_open_when_bkportals_stopped_is_said_as_the_store_has_it() {
    let mut stored = App::new("demo", vec!["nightly".into()]);
    stored.offer_drafts(Vec::new(), Vec::new(), Some("nightly".into()));
    assert!(
        stored.status.contains("it is in the token store"),
        "{}",
        stored.status
    );
    // A --demo store lives in memory: the next start has no such token.
    let mut lost = App::new("demo", Vec::new());
    lost.offer_drafts(Vec::new(), Vec::new(), Some("nightly".into()));
    assert!(
        lost.status.contains("the token store does not have it"),
        "{}",
        lost.status
    );
    assert!(
        lost.status.contains("bkportals rotate nightly"),
        "{}",
        lost.status
    );
    assert!(!lost.status.contains("it is in the token store"));
}

#[test]
fn a_refused_token_is_met_with_the_apps_advice_not_a_cli_command() {
    let mut app = loaded();
    select(&mut app, "deploy-web");
    assert_eq!(names(&ctrl(&mut app, 'r')), ["invoke"]);
    app.update(Msg::RunFailed {
        slug: "deploy-web".into(),
        error: ApiError::Unauthorized {
            message: "bad token".into(),
            hint: "store the right one with `bkportals token add SLUG` or pass it with --token-env",
        },
    });
    assert!(app.status.contains("deploy-web"), "{}", app.status);
    assert!(app.status.contains("bad token"), "{}", app.status);
    assert!(app.status.contains("`a`"), "{}", app.status);
    assert!(!app.status.contains("bkportals token"), "{}", app.status);
    assert!(!app.status.contains("--token-env"), "{}", app.status);
    assert!(matches!(app.dialogs.front(), Some(Dialog::Authorize(_))));
}
