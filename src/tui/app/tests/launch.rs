//! Launch: the sign-in dialog's steps as commands, and portals left to
//! another running bkportals.

use super::*;
use crate::api_token::{Checked, SignInError, SignedIn};
use crate::secrets::Secret;

fn buildkite_endpoint() -> url::Url {
    url::Url::parse(crate::config::DEFAULT_REST_ENDPOINT).unwrap()
}

fn signing_in() -> App {
    let mut app = App::new("demo", Vec::new());
    assert!(
        app.ask_for_api_token(&buildkite_endpoint(), None)
            .is_empty(),
        "nothing loads yet"
    );
    app.update(Msg::Paste("bkua_pasted".into()));
    app
}

#[test]
fn a_good_token_closes_the_dialog_and_loads_with_it() {
    let mut app = signing_in();
    assert_eq!(names(&press(&mut app, KeyCode::Enter)), ["check-api-token"]);
    assert!(app.busy(), "the spinner runs while it is checked");
    let commands = app.update(Msg::ApiTokenChecked(Ok(SignedIn {
        token: Secret::new("bkua_pasted"),
        checked: Checked {
            user: Some("ada@example.com".into()),
            scopes: vec![
                "read_portals".into(),
                "write_portals".into(),
                "graphql".into(),
            ],
            missing: Vec::new(),
        },
        stored: Ok(()),
    })));
    assert_eq!(names(&commands), ["use-api-token", "load", "load-schema"]);
    assert!(app.dialogs.is_empty());
    assert!(
        app.status.contains("Signed in to demo as ada@example.com"),
        "{}",
        app.status
    );
}

#[test]
fn esc_stops_a_check_first_then_leaves_not_signed_in() {
    let mut app = signing_in();
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        names(&press(&mut app, KeyCode::Esc)),
        ["cancel-api-token-check"]
    );
    assert!(!app.quit, "still in the dialog");
    // A late answer to the stopped check changes nothing but the dialog's note.
    app.update(Msg::ApiTokenChecked(Err(SignInError::Refused {
        message: "no".into(),
        server: None,
    })));
    assert!(matches!(app.dialogs.front(), Some(Dialog::ApiSignIn(_))));
    // The pasted token is still there: Esc asks before dropping it.
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert!(!app.quit, "asked first");
    assert!(press(&mut app, KeyCode::Char('y')).is_empty());
    assert!(app.quit);
    assert_eq!(app.exit_code, EXIT_NOT_SIGNED_IN);
}

/// The sign-in dialog's text on an 80x24 screen.
fn sign_in_screen(app: &mut App) -> String {
    app.update(Msg::Resize(80, 24));
    super::history::screen(app)
}

#[test]
fn esc_or_ctrl_c_over_a_typed_token_asks_first_and_no_keeps_the_token() {
    for leave in [
        KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
        KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
    ] {
        let mut app = signing_in();
        app.update(Msg::Key(leave));
        assert!(!app.quit, "{leave:?} asks first");
        let screen = sign_in_screen(&mut app);
        assert!(
            flowed(&screen).contains("Quit without signing in? What you typed is dropped."),
            "{screen}"
        );
        assert!(
            flowed(&screen).contains("y quit · n keep the token"),
            "{screen}"
        );
        assert!(!screen.contains("bkua_pasted"), "{screen}");
        press(&mut app, KeyCode::Char('n'));
        assert!(!app.quit);
        let Some(Dialog::ApiSignIn(dialog)) = app.dialogs.front() else {
            panic!("still signing in");
        };
        assert_eq!(dialog.input.value(), "bkua_pasted", "the token is kept");
        let screen = sign_in_screen(&mut app);
        assert!(!screen.contains("Quit without signing in"), "{screen}");
        // Enter checks the very token that was kept.
        let commands = press(&mut app, KeyCode::Enter);
        assert!(
            matches!(&commands[..], [Command::CheckApiToken { token, .. }] if token.expose() == "bkua_pasted"),
            "{commands:?}"
        );
    }
}

#[test]
fn ctrl_c_then_y_leaves_not_signed_in_and_with_nothing_typed_esc_leaves_at_once() {
    let mut app = signing_in();
    ctrl(&mut app, 'c');
    press(&mut app, KeyCode::Char('y'));
    assert!(app.quit);
    assert_eq!(app.exit_code, EXIT_NOT_SIGNED_IN);

    let mut app = App::new("demo", Vec::new());
    app.ask_for_api_token(&buildkite_endpoint(), None);
    press(&mut app, KeyCode::Esc);
    assert!(app.quit, "nothing typed, nothing to lose");
    assert_eq!(app.exit_code, EXIT_NOT_SIGNED_IN);
}

#[test]
fn a_portal_whose_draft_another_bkportals_owns_is_not_edited_here() {
    let mut app = loaded();
    let slug = app.selected_portal().unwrap().slug.clone();
    app.leave_drafts_elsewhere(vec![slug.clone()]);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::List, "its document stays closed");
    assert!(
        app.status.contains(&format!(
            "{slug} is being edited in another bkportals still running"
        )),
        "{}",
        app.status
    );
    press(&mut app, KeyCode::Char('e')); // the fields form
    assert!(
        app.edits.is_empty(),
        "no edit here would overwrite its draft"
    );
    assert!(app.dialogs.is_empty(), "{:?}", app.dialogs.front());
}

#[test]
fn an_edit_another_bkportals_also_started_stays_here_in_memory_and_quit_says_so() {
    let mut app = loaded();
    let slug = app.selected_portal().unwrap().slug.clone();
    press(&mut app, KeyCode::Enter);
    let commands = press(&mut app, KeyCode::Char('x'));
    assert!(names(&commands).contains(&"write-draft"), "{commands:?}");
    // The draft writer found the portal claimed by another instance.
    app.update(Msg::DraftEditedElsewhere {
        slug: slug.clone(),
        pid: Some(4242),
    });
    assert!(
        app.status.contains(&format!(
            "{slug} is being edited in another bkportals too (process 4242): this edit is not kept on disk"
        )),
        "{}",
        app.status
    );
    assert!(app.is_edited_elsewhere(&slug), "the list marks it E");
    // Typing goes on here, and no draft is written or removed for it.
    let commands = press(&mut app, KeyCode::Char('y'));
    assert!(!names(&commands).contains(&"write-draft"), "{commands:?}");
    assert!(app.edits[&slug].is_dirty());
    // Back to the saved text: the draft on disk (theirs) is not removed.
    press(&mut app, KeyCode::Backspace);
    let commands = press(&mut app, KeyCode::Backspace);
    assert!(!app.edits[&slug].is_dirty());
    assert!(!names(&commands).contains(&"remove-draft"), "{commands:?}");
    type_text(&mut app, "z");
    app.focus = Focus::List;
    ctrl(&mut app, 'c');
    let quit = app.dialogs.front().expect("the quit question");
    assert!(matches!(
        quit,
        Dialog::Confirm(c) if matches!(&c.kind, ConfirmKind::Quit { not_on_disk, .. } if not_on_disk == std::slice::from_ref(&slug))
    ));
    let screen = super::history::screen(&app);
    assert!(screen.contains("Quitting loses this edit"), "{screen}");
    assert!(!screen.contains("on disk as a draft"), "{screen}");
}

/// An edit here whose draft the writer was refused: another instance
/// edits the portal.
fn edited_here_refused_on_disk() -> (App, String) {
    let mut app = loaded();
    let slug = app.selected_portal().unwrap().slug.clone();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('x'));
    app.update(Msg::DraftEditedElsewhere {
        slug: slug.clone(),
        pid: None,
    });
    (app, slug)
}

#[test]
fn once_the_other_bkportals_ends_without_a_draft_the_edit_here_goes_to_disk_again() {
    let (mut app, slug) = edited_here_refused_on_disk();
    // It ended having saved (or dropped) its edit: no draft of it is left.
    let commands = app.update(Msg::DraftFreed {
        slug: slug.clone(),
        left: None,
    });
    assert!(
        app.status.contains("no longer has a draft of"),
        "it may only have saved: {}",
        app.status
    );
    assert!(app.status.contains("kept on disk again"), "{}", app.status);
    assert!(!app.is_edited_elsewhere(&slug));
    assert_eq!(names(&commands), ["write-draft"], "written at once");
}

#[test]
fn once_the_other_bkportals_ends_leaving_its_draft_the_edit_here_still_does_not_overwrite_it() {
    let (mut app, slug) = edited_here_refused_on_disk();
    let theirs = Box::new(app.edits[&slug].to_draft(&app.org));
    let commands = app.update(Msg::DraftFreed {
        slug: slug.clone(),
        left: Some(Ok(theirs)),
    });
    assert!(commands.is_empty(), "{commands:?}");
    assert!(
        app.status.contains(&format!(
            "no longer edits {slug} and left its draft on disk"
        )),
        "{}",
        app.status
    );
    let commands = press(&mut app, KeyCode::Char('y'));
    assert!(!names(&commands).contains(&"write-draft"), "{commands:?}");
}

#[test]
fn a_discard_another_bkportals_refused_is_said_and_marks_the_portal() {
    let mut app = loaded();
    let slug = app.selected_portal().unwrap().slug.clone();
    // No edit of it here: the draft writer was removing its draft.
    app.update(Msg::DraftEditedElsewhere {
        slug: slug.clone(),
        pid: Some(7),
    });
    assert!(
        app.status.contains(&format!(
            "The draft of {slug} was not discarded: another bkportals (process 7) is editing {slug}"
        )),
        "{}",
        app.status
    );
    assert!(app.is_edited_elsewhere(&slug));
}

#[test]
fn a_warning_said_while_the_creation_form_is_open_is_on_screen_beside_the_form() {
    let mut app = loaded();
    app.update(Msg::Resize(80, 24));
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Nightly");
    // The draft writer found the new portal's draft claimed by another instance.
    app.update(Msg::DraftEditedElsewhere {
        slug: NEW_PORTAL_DRAFT.into(),
        pid: Some(4242),
    });
    assert!(matches!(app.dialogs.front(), Some(Dialog::Form(_))));
    let screen = super::history::screen(&app);
    assert!(screen.contains("New portal"), "{screen}");
    let shown = flowed(&screen);
    assert!(
        shown.contains(
            "A new portal is being written in another bkportals too (process 4242): this edit is not kept on disk, so that one's draft is not overwritten."
        ),
        "{screen}"
    );
    // Still there while typing on in the form.
    type_text(&mut app, "ly");
    let screen = super::history::screen(&app);
    assert!(
        flowed(&screen).contains("before quitting here."),
        "{screen}"
    );
}

#[test]
fn a_creation_form_opened_while_another_bkportals_writes_a_new_portal_says_so_at_once() {
    let mut app = loaded();
    app.update(Msg::Resize(80, 24));
    // Found claimed at launch: no draft of it is ever refused here.
    app.leave_drafts_elsewhere(vec![NEW_PORTAL_DRAFT.into()]);
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Nightl");
    let commands = press(&mut app, KeyCode::Char('y'));
    assert!(!names(&commands).contains(&"write-draft"), "{commands:?}");
    assert!(matches!(app.dialogs.front(), Some(Dialog::Form(_))));
    let shown = flowed(&super::history::screen(&app));
    assert!(
        shown.contains(
            "A new portal is being written in another bkportals too: this edit is not kept on disk"
        ),
        "{shown}"
    );
}

#[test]
fn a_portal_held_elsewhere_at_launch_is_edited_here_once_that_one_ends_without_a_draft() {
    let mut app = loaded();
    let slug = app.selected_portal().unwrap().slug.clone();
    app.leave_drafts_elsewhere(vec![slug.clone()]);
    app.update(Msg::DraftFreed {
        slug: slug.clone(),
        left: None,
    });
    assert!(
        app.status.contains(&format!(
            "and left no draft of it: {slug} can be edited here now"
        )),
        "{}",
        app.status
    );
    assert!(!app.is_edited_elsewhere(&slug), "no longer marked E");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Document);
    let commands = press(&mut app, KeyCode::Char('x'));
    assert!(names(&commands).contains(&"write-draft"), "{commands:?}");
}

#[test]
fn a_new_portal_held_elsewhere_at_launch_is_resumed_by_n_once_that_one_ends() {
    let mut app = loaded();
    app.leave_drafts_elsewhere(vec![NEW_PORTAL_DRAFT.into()]);
    let theirs = {
        let mut other = loaded();
        press(&mut other, KeyCode::Char('n'));
        type_text(&mut other, "Nightly");
        let Some(Dialog::Form(form)) = other.dialogs.front() else {
            panic!("the other one's creation form");
        };
        crate::tui::app::persist::creation_to_draft(&other.org, form)
    };
    app.update(Msg::DraftFreed {
        slug: NEW_PORTAL_DRAFT.into(),
        left: Some(Ok(Box::new(theirs))),
    });
    assert!(
        app.status.contains("n resumes that new portal here"),
        "{}",
        app.status
    );
    press(&mut app, KeyCode::Char('n'));
    let Some(Dialog::Form(form)) = app.dialogs.front() else {
        panic!("the creation form");
    };
    assert_eq!(form.draft().name, "Nightly");
}

#[test]
fn a_warning_under_the_creation_form_outlasts_the_listing_note_after_a_key() {
    let mut app = App::new("demo", vec![]);
    app.update(Msg::Resize(80, 24));
    assert_eq!(names(&app.init()), ["load", "load-schema"]);
    app.leave_drafts_elsewhere(vec![NEW_PORTAL_DRAFT.into()]);
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Nightly");
    assert!(
        app.status.starts_with("A new portal is being written"),
        "{}",
        app.status
    );
    // The listing ends after keys were pressed in the form.
    app.update(Msg::PortalsPage(vec![portal(
        "who-am-i", "Who am I", None, WHO,
    )]));
    app.update(Msg::PortalsLoaded);
    let shown = flowed(&super::history::screen(&app));
    assert!(
        shown.contains("A new portal is being written in another bkportals too"),
        "{shown}"
    );
    assert!(!shown.contains("portal in demo"), "{shown}");
    assert!(
        app.messages.iter().any(|m| m == "1 portal in demo"),
        "{:?}",
        app.messages
    );
}

#[test]
fn the_new_portal_form_held_elsewhere_says_esc_keeps_it_in_memory_and_f7_shows_the_log_over_it() {
    let mut app = loaded();
    app.update(Msg::Resize(100, 30));
    app.leave_drafts_elsewhere(vec![NEW_PORTAL_DRAFT.into()]);
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Nightly");
    let screen = super::history::screen(&app);
    assert!(
        screen.contains("Esc close (kept in memory only)"),
        "{screen}"
    );
    assert!(!screen.contains("kept for later"), "{screen}");

    press(&mut app, KeyCode::F(7));
    let screen = super::history::screen(&app);
    assert!(screen.contains(" Messages ("), "the log opens:\n{screen}");
    assert!(
        flowed(&screen).contains("Save it to Buildkite, or quit that one first"),
        "the warning in full:\n{screen}"
    );
    // The next key closes the log, and is not typed into the form.
    press(&mut app, KeyCode::Char('x'));
    let Some(Dialog::Form(form)) = app.dialogs.front() else {
        panic!("back to the form: {:?}", app.dialogs.front());
    };
    assert_eq!(form.draft().name, "Nightly");
    let screen = super::history::screen(&app);
    assert!(!screen.contains(" Messages ("), "{screen}");
    assert!(screen.contains(" New portal "), "{screen}");

    press(&mut app, KeyCode::Esc);
    assert!(app.create_draft.is_some(), "paused, in memory");
    assert!(
        app.status.starts_with("Creation paused, in memory only"),
        "{}",
        app.status
    );
}

#[test]
fn the_new_portal_form_drafted_on_disk_says_esc_keeps_it_for_later() {
    let mut app = loaded();
    app.update(Msg::Resize(100, 30));
    press(&mut app, KeyCode::Char('n'));
    let screen = super::history::screen(&app);
    assert!(screen.contains("Esc close (kept for later)"), "{screen}");
    press(&mut app, KeyCode::Esc);
    assert!(
        app.status.starts_with("Creation paused: n continues"),
        "{}",
        app.status
    );
}

#[test]
fn x_and_d_on_a_portal_held_elsewhere_say_another_bkportals_holds_its_edit() {
    let mut app = loaded();
    let slug = app.selected_portal().unwrap().slug.clone();
    app.leave_drafts_elsewhere(vec![slug.clone()]);
    let held = format!(
        "Another bkportals still running holds the edit of {slug} (marked E): save or discard it there, or quit that one"
    );
    press(&mut app, KeyCode::Char('x'));
    assert!(app.status.starts_with(&held), "{}", app.status);
    assert!(app.dialogs.is_empty(), "{:?}", app.dialogs.front());
    press(&mut app, KeyCode::Char('D'));
    assert!(app.status.starts_with(&held), "{}", app.status);
    // On another row, D and x say what they said.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('D'));
    assert_eq!(app.status, "No drafts from an earlier session are waiting.");
    press(&mut app, KeyCode::Char('x'));
    assert!(
        app.status.starts_with("Nothing to discard"),
        "{}",
        app.status
    );
}
