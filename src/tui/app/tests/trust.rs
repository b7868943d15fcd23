//! The app keeps what you give it: one test per way it once lost or
//! corrupted work (issue "The app keeps what you give it", items 1–12).

use super::schema::{run_diagnose, test_schema};
use super::*;
use crate::tui::dialogs::FormMode;

fn key(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Command> {
    app.update(Msg::Key(KeyEvent::new(code, modifiers)))
}

/// Selects `slug` in the list, as a person would (the list focused, no
/// dialog open).
pub(super) fn select(app: &mut App, slug: &str) {
    assert!(
        app.dialogs.is_empty(),
        "a dialog is open: {:?}",
        app.dialogs.front()
    );
    app.focus = Focus::List;
    press(app, KeyCode::Home);
    for _ in 0..app.list.visible.len() {
        if app.selected_portal().map(|p| p.slug.as_str()) == Some(slug) {
            return;
        }
        press(app, KeyCode::Down);
    }
    panic!("{slug} is not in the list");
}

fn answer(body: &str) -> Result<InvokeResponse, ApiError> {
    Ok(InvokeResponse {
        status: 200,
        elapsed: std::time::Duration::from_millis(5),
        rate_limit: RateLimit::default(),
        body: body.to_owned().into(),
        graphql: None,
    })
}

fn front_form(app: &App) -> &crate::tui::dialogs::PortalForm {
    match app.dialogs.front() {
        Some(Dialog::Form(form)) => form,
        other => panic!("expected the portal form, got {other:?}"),
    }
}

fn drafts_written(commands: &[Command]) -> Vec<String> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::WriteDraft(d) => Some(d.slug.clone()),
            _ => None,
        })
        .collect()
}

// 1
#[test]
fn the_fields_form_stays_with_its_portal_after_a_slug_change_and_a_refusal() {
    let mut app = loaded();
    select(&mut app, "who-am-i");
    press(&mut app, KeyCode::Char('f'));
    press(&mut app, KeyCode::Down); // Slug
    ctrl(&mut app, 'u');
    type_text(&mut app, "recent-builds");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(
        front_form(&app).mode,
        FormMode::EditFields {
            slug: "who-am-i".into()
        },
        "the form belongs to who-am-i, whatever its slug field says"
    );
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down); // Description
    type_text(&mut app, "Mine");
    let commands = ctrl(&mut app, 's');
    let (slug, changes) = sent_changes(&mut app, commands);
    assert_eq!(slug, "who-am-i");
    assert_eq!(changes.slug.as_deref(), Some("recent-builds"));
    assert!(changes.name.is_none());
    app.update(Msg::Saved {
        slug: "who-am-i".into(),
        result: Err(ApiError::Validation {
            message: "Validation failed: Slug has already been taken".into(),
            server: None,
        }),
    });
    assert!(
        !app.is_dirty("recent-builds"),
        "the other portal is untouched"
    );
    assert!(!app.edits.contains_key("recent-builds"));
    assert!(app.is_dirty("who-am-i"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(
        front_form(&app).mode,
        FormMode::EditFields {
            slug: "who-am-i".into()
        }
    );
}

/// A session offered a draft of deploy-web (its document starts `#`).
pub(super) fn with_draft_of_deploy_web() -> App {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    let draft = match press(&mut app, KeyCode::Char('#')).as_slice() {
        [Command::WriteDraft(draft)] => draft.clone(),
        other => panic!("{other:?}"),
    };
    let mut next = App::new("demo", Vec::new());
    next.offer_drafts(vec![*draft], Vec::new(), None);
    next.init();
    next.update(Msg::PortalsPage(vec![
        portal("deploy-web", "Deploy web", None, WHO),
        portal("who-am-i", "Who am I", None, WHO),
    ]));
    next.update(Msg::PortalsLoaded);
    assert!(matches!(next.dialogs.front(), Some(Dialog::Drafts(_))));
    next
}

#[test]
fn x_in_the_drafts_dialog_asks_before_a_draft_is_thrown_away() {
    let mut app = with_draft_of_deploy_web();
    assert!(
        press_on_draft(&mut app, KeyCode::Char('x')).is_empty(),
        "nothing yet"
    );
    let screen = super::history::screen(&app);
    assert!(
        screen.contains("Discard the draft of deploy-web? Its edit is lost"),
        "{screen}"
    );
    assert!(
        screen.contains("y discard · any other key keeps it"),
        "{screen}"
    );
    // A stray key keeps it.
    assert_eq!(
        names(&press(&mut app, KeyCode::Char('x'))),
        ["release-draft"]
    );
    assert!(
        app.status.contains("Kept the draft of deploy-web"),
        "{}",
        app.status
    );
    assert!(!super::history::screen(&app).contains("Discard the draft"));
    assert!(matches!(app.dialogs.front(), Some(Dialog::Drafts(_))));
    press_on_draft(&mut app, KeyCode::Char('x'));
    assert_eq!(
        names(&press_on_draft(&mut app, KeyCode::Char('y'))),
        ["remove-draft"]
    );
    assert!(app.dialogs.is_empty());
    assert!(!app.has_pending_draft("deploy-web"));
}

// 2
#[test]
fn drafts_left_for_later_stay_on_disk_and_come_back_before_their_portal_is_edited() {
    let mut app = with_draft_of_deploy_web();
    let commands = press(&mut app, KeyCode::Esc);
    assert!(names(&commands).is_empty(), "{commands:?}");
    assert!(app.status.contains("D in the list"), "{}", app.status);
    assert!(app.has_pending_draft("deploy-web"));
    // Editing that portal would overwrite its draft: the draft comes first.
    select(&mut app, "deploy-web");
    let commands = press(&mut app, KeyCode::Enter);
    assert!(drafts_written(&commands).is_empty());
    assert!(matches!(app.dialogs.front(), Some(Dialog::Drafts(_))));
    press(&mut app, KeyCode::Esc);
    for code in [KeyCode::Char('f'), KeyCode::Char('e')] {
        let commands = press(&mut app, code);
        assert!(
            !names(&commands).iter().any(|n| n.ends_with("draft")),
            "{commands:?}"
        );
        assert!(matches!(app.dialogs.front(), Some(Dialog::Drafts(_))));
        press(&mut app, KeyCode::Esc);
    }
    app.update(Msg::Paste("pasted".into()));
    assert!(!app.edits.contains_key("deploy-web"));
    // D brings them back; restoring takes the draft.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('D'));
    assert!(matches!(app.dialogs.front(), Some(Dialog::Drafts(_))));
    press_on_draft(&mut app, KeyCode::Char('r'));
    assert!(!app.has_pending_draft("deploy-web"));
    assert!(app.is_dirty("deploy-web"));
    assert!(app.selected_document().unwrap().starts_with('#'));
}

// 3
#[test]
fn ctrl_c_in_the_token_dialog_asks_and_says_whether_the_token_is_kept() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Nightly");
    ctrl(&mut app, 's');
    app.update(Msg::Created {
        result: Ok(created("nightly")),
        stored: Ok(()),
    });
    press(&mut app, KeyCode::Char(' ')); // untick: not kept
    ctrl(&mut app, 'c');
    assert!(!app.quit);
    match app.dialogs.front() {
        Some(Dialog::Token(token)) => assert!(token.quitting && !token.store),
        other => panic!("the token dialog stays: {other:?}"),
    }
    press(&mut app, KeyCode::Char('n'));
    assert!(matches!(app.dialogs.front(), Some(Dialog::Token(t)) if !t.quitting));
    press(&mut app, KeyCode::Char('q'));
    press(&mut app, KeyCode::Char('y'));
    assert!(app.quit, "quitting is still possible, after the warning");
}

// 4
#[test]
fn authorizing_stores_a_token_and_runs_nothing() {
    let mut app = loaded();
    app.list.portals[2].user_invokable = true;
    select(&mut app, "who-am-i");
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Down); // paste a token
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "bkpt_typed");
    let commands = press(&mut app, KeyCode::Enter);
    assert_eq!(names(&commands), ["store-token"]);
    assert!(app.has_token("who-am-i"));

    app.stored_tokens.clear();
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(names(&press(&mut app, KeyCode::Enter)), ["sign-in"]);
    let after = app.update(Msg::SignedIn {
        slug: "who-am-i".into(),
        result: Ok("2030-01-01T00:00:00Z".into()),
    });
    assert!(!names(&after).contains(&"invoke"), "{after:?}");

    app.stored_tokens.clear();
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down); // a portal secret
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "bkps_secret");
    assert_eq!(names(&press(&mut app, KeyCode::Enter)), ["ephemeral"]);
    let after = app.update(Msg::EphemeralReady {
        slug: "who-am-i".into(),
        result: Ok("2030-01-01T00:00:00Z".into()),
    });
    assert!(!names(&after).contains(&"invoke"));

    // Ctrl-r is what asks for a run: then the token's arrival runs it.
    app.stored_tokens.clear();
    ctrl(&mut app, 'r');
    assert_eq!(names(&press(&mut app, KeyCode::Enter)), ["sign-in"]);
    let after = app.update(Msg::SignedIn {
        slug: "who-am-i".into(),
        result: Ok("2030-01-01T00:00:00Z".into()),
    });
    assert_eq!(names(&after), ["invoke"]);
}

// 5
#[test]
fn ctrl_r_with_an_unsaved_document_offers_to_save_first() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter); // deploy-web, token stored
    ctrl(&mut app, 'a');
    press(&mut app, KeyCode::End);
    type_text(&mut app, " # mine");
    assert!(ctrl(&mut app, 'r').is_empty(), "nothing runs yet");
    assert!(is_confirm(&app, |k| matches!(k, ConfirmKind::Run { .. })));
    // Run the saved version: the server's document, not the one on screen.
    let commands = press(&mut app, KeyCode::Char('r'));
    assert_eq!(names(&commands), ["invoke"]);
    app.update(Msg::Answered {
        slug: "deploy-web".into(),
        view: Box::new(crate::tui::run::ResponseView::new(answer("{}").unwrap())),
        ran_as: None,
    });
    // Save first, then run.
    ctrl(&mut app, 'r');
    let commands = press(&mut app, KeyCode::Char('s'));
    let (slug, _) = sent_changes(&mut app, commands);
    let mut saved = app.list.find(&slug).cloned().unwrap();
    saved.query = app.selected_document().unwrap();
    let after = app.update(Msg::Saved {
        slug,
        result: Ok(saved),
    });
    assert!(names(&after).contains(&"invoke"), "runs once saved");
}

// 6
#[test]
fn answers_and_refusals_belong_to_the_portal_that_ran() {
    let mut app = loaded();
    select(&mut app, "deploy-web");
    assert_eq!(names(&ctrl(&mut app, 'r')), ["invoke"]);
    select(&mut app, "recent-builds");
    app.update(Msg::Answered {
        slug: "deploy-web".into(),
        view: Box::new(crate::tui::run::ResponseView::new(
            answer(r#"{"data":{"a":1}}"#).unwrap(),
        )),
        ran_as: None,
    });
    assert!(
        app.selected_answer().is_none(),
        "recent-builds shows no answer of deploy-web"
    );
    assert!(app.status.starts_with("deploy-web:"), "{}", app.status);
    select(&mut app, "deploy-web");
    assert!(app.selected_answer().is_some());

    // A refusal arriving while another portal is selected names its own.
    ctrl(&mut app, 'r');
    select(&mut app, "who-am-i");
    app.update(Msg::RunFailed {
        slug: "deploy-web".into(),
        error: ApiError::Unauthorized {
            message: "bad token".into(),
            hint: "",
        },
    });
    assert!(app.status.contains("deploy-web"), "{}", app.status);
    assert!(!app.has_token("deploy-web"));
    assert!(app.has_token("recent-builds"));
    assert_eq!(
        app.dialogs.front().and_then(Dialog::slug),
        Some("deploy-web")
    );
}

// 7
#[test]
fn keep_yours_does_not_revert_their_change_to_a_field_you_left_alone() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::End);
    type_text(&mut app, " # mine");
    ctrl(&mut app, 's');
    let mut theirs = app.list.find("deploy-web").cloned().unwrap();
    theirs.name = "Renamed by a colleague".into();
    app.update(Msg::FetchedForSave {
        slug: "deploy-web".into(),
        result: Ok(theirs.clone()),
    });
    let commands = press(&mut app, KeyCode::Char('y'));
    let (_, changes) = sent_changes(&mut app, commands);
    assert!(changes.query.is_some(), "my document is saved");
    assert!(changes.name.is_none(), "their name stays");
}

// 8
#[test]
fn late_messages_wait_behind_the_new_token_dialog() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::End);
    type_text(&mut app, " # mine");
    assert_eq!(names(&ctrl(&mut app, 's')), ["fetch-for-save"]);
    select(&mut app, "who-am-i");
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Nightly");
    ctrl(&mut app, 's');
    app.update(Msg::Created {
        result: Ok(created("nightly")),
        stored: Ok(()),
    });
    let mut theirs = app.list.find("deploy-web").cloned().unwrap();
    theirs.description = Some("changed".into());
    app.update(Msg::FetchedForSave {
        slug: "deploy-web".into(),
        result: Ok(theirs),
    });
    app.update(Msg::RunFailed {
        slug: "recent-builds".into(),
        error: ApiError::Unauthorized {
            message: "no".into(),
            hint: "",
        },
    });
    assert!(matches!(app.dialogs.front(), Some(Dialog::Token(_))));
    for code in [KeyCode::Esc, KeyCode::Char('x'), KeyCode::Tab] {
        press(&mut app, code);
        assert!(matches!(app.dialogs.front(), Some(Dialog::Token(_))));
    }
    press(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.dialogs.front(), Some(Dialog::Conflict(_))),
        "what waited is shown next"
    );
    assert_eq!(
        app.dialogs.len(),
        1,
        "the refusal came for a run never asked"
    );
}

// 9
#[test]
fn words_say_what_happens_and_warnings_are_not_hidden_by_routine_news() {
    let mut app = App::new("demo", Vec::new());
    app.offer_drafts(Vec::new(), vec!["a draft could not be read".into()], None);
    app.init();
    app.update(Msg::PortalsPage(vec![portal("who-am-i", "Who", None, WHO)]));
    app.update(Msg::PortalsLoaded);
    assert!(app.status.contains("could not be read"), "{}", app.status);
    press(&mut app, KeyCode::Down);
    app.update(Msg::Status("later news".into()));
    assert_eq!(app.status, "later news");

    // Comparing a draft with an unchanged portal is not called a change.
    let mut app = with_draft_of_deploy_web();
    press_on_draft(&mut app, KeyCode::Char('d'));
    assert!(matches!(app.dialogs.front(), Some(Dialog::Conflict(c)) if !c.changed));

    // A fixed cause clears its message.
    let mut app = loaded();
    select(&mut app, "recent-builds");
    ctrl(&mut app, 'r');
    assert!(app.status.contains("needs a fix"));
    type_text(&mut app, "demo/web");
    assert!(!app.status.contains("a fix"), "{}", app.status);
}

/// The creation form open, a name typed, with a schema loaded.
fn creating_with_a_schema() -> App {
    let mut app = loaded();
    app.update(Msg::SchemaReady {
        schema: test_schema(),
        fetched_at: Utc::now(),
        fetched_now: false,
    });
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Nightly");
    app
}

// 10
#[test]
fn the_creation_form_indents_lists_errors_validates_and_can_be_discarded() {
    let mut app = creating_with_a_schema();
    for _ in 0..5 {
        press(&mut app, KeyCode::Tab); // to the document
    }
    key(&mut app, KeyCode::Char('a'), KeyModifiers::CONTROL);
    ctrl(&mut app, 'k'); // empty the first line
    type_text(&mut app, "query Q {");
    press(&mut app, KeyCode::Enter);
    let document = front_form(&app).document_text();
    assert!(
        document.starts_with("query Q {\n  "),
        "Enter indents: {document:?}"
    );
    type_text(&mut app, "((");
    let form = front_form(&app);
    assert!(
        form.diagnostics().iter().any(|d| d.line == 2),
        "errors are listed with their line: {:?}",
        form.diagnostics()
    );
    // A document that parses but does not validate: asked first.
    let mut app = creating_with_a_schema();
    let commands = ctrl(&mut app, 's');
    run_diagnose(&mut app, commands);
    assert!(is_confirm(&app, |k| matches!(
        k,
        ConfirmKind::Create { .. }
    )));
    press(&mut app, KeyCode::Char('n'));
    assert!(matches!(app.dialogs.front(), Some(Dialog::Form(_))));
    // Thrown away on purpose, draft and all.
    ctrl(&mut app, 'd');
    let commands = press(&mut app, KeyCode::Char('y'));
    assert!(app.dialogs.is_empty() && app.create_draft.is_none());
    assert!(commands
        .iter()
        .any(|c| matches!(c, Command::RemoveDraft(s) if s == NEW_PORTAL_DRAFT)));
}

// 11
#[test]
fn the_fields_form_and_the_creation_form_reach_disk_as_you_type() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('f'));
    let commands = press(&mut app, KeyCode::Char('!'));
    match commands.as_slice() {
        [Command::WriteDraft(draft)] => {
            assert_eq!(draft.slug, "deploy-web");
            assert_eq!(draft.name, "Deploy web!");
        }
        other => panic!("the fields form is drafted: {other:?}"),
    }
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('n'));
    let commands = press(&mut app, KeyCode::Char('N'));
    assert_eq!(drafts_written(&commands), [NEW_PORTAL_DRAFT]);
    // The next start brings the creation back.
    let draft = match commands.into_iter().next() {
        Some(Command::WriteDraft(draft)) => draft,
        _ => unreachable!(),
    };
    let mut next = App::new("demo", Vec::new());
    next.offer_drafts(vec![*draft], Vec::new(), None);
    assert!(next.status.contains("n resumes it"));
    next.update(Msg::PortalsLoaded);
    assert!(
        next.dialogs.is_empty(),
        "a creation is not a portal's draft"
    );
    press(&mut next, KeyCode::Char('n'));
    assert_eq!(front_form(&next).name.value(), "N");
}

// 12
#[test]
fn x_discards_the_document_or_the_fields_or_both() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "# mine\n");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('f'));
    type_text(&mut app, "!");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('x'));
    assert!(is_confirm(&app, |k| matches!(
        k,
        ConfirmKind::Discard {
            document: true,
            fields: true,
            ..
        }
    )));
    press(&mut app, KeyCode::Char('d'));
    assert_eq!(
        app.selected_document().unwrap(),
        WHO,
        "the document is back"
    );
    assert!(app.is_dirty("deploy-web"), "the fields are still changed");
    press(&mut app, KeyCode::Char('x'));
    let commands = press(&mut app, KeyCode::Char('y'));
    assert!(!app.is_dirty("deploy-web"));
    assert_eq!(names(&commands), ["remove-draft"]);
    press(&mut app, KeyCode::Char('x'));
    assert!(app.dialogs.is_empty(), "nothing left to discard");
}

// Issue "Never lose a token", item 2: a create whose answer was lost.
#[test]
fn a_create_whose_token_was_lost_offers_to_keep_it_or_make_it_again() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Nightly");
    ctrl(&mut app, 's');
    let made = created("nightly").portal;
    let commands = app.update(Msg::Created {
        result: Err(ApiError::CreatedWithoutToken {
            slug: "nightly".into(),
            portal: Some(Box::new(made)),
        }),
        stored: Ok(()),
    });
    assert!(
        !names(&commands).contains(&"create"),
        "never sent twice by itself"
    );
    assert!(
        app.list.find("nightly").is_some(),
        "it exists, so it is listed"
    );
    assert!(is_confirm(&app, |k| matches!(
        k,
        ConfirmKind::CreatedWithoutToken { .. }
    )));
    assert_eq!(names(&press(&mut app, KeyCode::Char('r'))), ["delete"]);
    let commands = app.update(Msg::Deleted {
        slug: "nightly".into(),
        result: Ok(()),
    });
    match commands.iter().find(|c| matches!(c, Command::Create(_))) {
        Some(Command::Create(new)) => assert_eq!(new.name, "Nightly"),
        _ => panic!("created again from the same form: {commands:?}"),
    }
}

#[test]
fn a_create_with_an_unclear_outcome_keeps_the_form_and_looks_again() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Nightly");
    ctrl(&mut app, 's');
    let commands = app.update(Msg::Created {
        result: Err(ApiError::OutcomeUnknown {
            outcome: "portal `nightly` may have been created".into(),
            host: "127.0.0.1".into(),
            cause: "connection closed".into(),
            status: None,
        }),
        stored: Ok(()),
    });
    assert_eq!(
        names(&commands),
        ["load"],
        "the list shows whether it exists"
    );
    assert!(
        app.status.starts_with("Not sure it was created"),
        "{}",
        app.status
    );
    let form = match app.dialogs.front() {
        Some(Dialog::Form(form)) => form,
        other => panic!("the form stays: {other:?}"),
    };
    assert!(!form.submitting && form.name.value() == "Nightly");
}

// Found walking the app as a new user.
#[test]
fn an_untouched_creation_does_not_hold_up_quitting_and_the_question_names_what_is_unsaved() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit, "nothing was typed: nothing to lose");

    let mut app = loaded();
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Nightly");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "#");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('q'));
    assert!(is_confirm(&app, |k| matches!(
        k,
        ConfirmKind::Quit { unsaved, .. } if unsaved == &["deploy-web", "the new portal"]
    )));
}

#[test]
fn ctrl_r_on_a_portal_whose_draft_waits_says_the_saved_version_runs() {
    let mut app = with_draft_of_deploy_web();
    press(&mut app, KeyCode::Esc); // later
    select(&mut app, "deploy-web");
    app.stored_tokens.push("deploy-web".into());
    assert!(ctrl(&mut app, 'r').is_empty());
    assert!(is_confirm(&app, |k| matches!(k, ConfirmKind::Run { .. })));
}

#[test]
fn the_creation_form_completes_from_the_schema_like_the_editor() {
    let mut app = creating_with_a_schema();
    for _ in 0..5 {
        press(&mut app, KeyCode::Tab); // to the document
    }
    key(&mut app, KeyCode::Char('a'), KeyModifiers::CONTROL);
    ctrl(&mut app, 'k');
    type_text(&mut app, "query Q { vie");
    let form = front_form(&app);
    let (found, _) = form
        .completion
        .as_ref()
        .expect("the list opens while typing");
    assert_eq!(found.candidates[0].label, "viewer");
    press(&mut app, KeyCode::Tab);
    let form = front_form(&app);
    assert!(form.completion.is_none());
    assert!(
        form.document_text().starts_with("query Q { viewer {"),
        "{}",
        form.document_text()
    );
    type_text(&mut app, "us");
    press(&mut app, KeyCode::Esc);
    assert!(
        matches!(app.dialogs.front(), Some(Dialog::Form(_))),
        "Esc closed only the list"
    );
}
