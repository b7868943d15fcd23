//! The drafts dialog acts on what is on disk now, not on the list it
//! showed: a draft another bkportals took, rewrote or removed meanwhile is
//! not restored from the old copy; comparing a draft restores nothing.

use super::trust::with_draft_of_deploy_web;
use super::*;
use crate::drafts::OnDisk;

fn drafts_in_front(app: &App) -> bool {
    matches!(app.dialogs.front(), Some(Dialog::Drafts(_)))
}

#[test]
fn r_on_a_draft_another_bkportals_took_meanwhile_restores_nothing_and_says_so() {
    let mut app = with_draft_of_deploy_web();
    app.update(Msg::Resize(100, 30));
    let commands = press(&mut app, KeyCode::Char('r'));
    assert_eq!(names(&commands), ["take-draft"], "looked at on disk first");
    let screen = super::history::screen(&app);
    assert!(
        screen.contains("Looking at the draft of deploy-web on disk"),
        "{screen}"
    );
    assert!(
        press(&mut app, KeyCode::Char('x')).is_empty(),
        "keys wait for the disk"
    );
    disk_says(&mut app, commands, OnDisk::Elsewhere(Some(4242)));
    assert!(
        !app.edits.contains_key("deploy-web"),
        "the old copy is not restored"
    );
    assert!(drafts_in_front(&app), "{:?}", app.dialogs.front());
    assert!(app.has_pending_draft("deploy-web"));
    let screen = super::history::screen(&app);
    assert!(
        screen.contains("deploy-web  saved") && screen.contains("(taken by another bkportals)"),
        "the listing says so:\n{screen}"
    );
    let shown = flowed(&screen);
    assert!(
        shown.contains(
            "The draft of deploy-web was not restored: since this list was shown, another bkportals still running (process 4242) has taken it"
        ),
        "{shown}"
    );
    // A discard of it is not asked for: it is said at once to be taken.
    let commands = press(&mut app, KeyCode::Char('x'));
    disk_says(&mut app, commands, OnDisk::Elsewhere(Some(4242)));
    let screen = super::history::screen(&app);
    assert!(!screen.contains("cannot be undone"), "{screen}");
    assert!(
        flowed(&screen).contains("The draft of deploy-web is taken by another bkportals"),
        "{screen}"
    );
    let commands = press(&mut app, KeyCode::Char('y'));
    assert!(!names(&commands).contains(&"remove-draft"), "{commands:?}");
    assert!(app.has_pending_draft("deploy-web"));
}

#[test]
fn r_on_a_draft_written_again_meanwhile_shows_it_as_it_is_now_and_restores_that_one() {
    let mut app = with_draft_of_deploy_web();
    app.update(Msg::Resize(100, 30));
    let mut newer = app.pending_drafts[0].clone();
    newer.document = format!("# newer\n{}", newer.document);
    newer.saved_at = "2026-12-01T18:00:00Z".into();
    let commands = press(&mut app, KeyCode::Char('r'));
    disk_says(&mut app, commands, OnDisk::Changed(Box::new(newer.clone())));
    assert!(!app.edits.contains_key("deploy-web"));
    assert!(drafts_in_front(&app));
    let screen = super::history::screen(&app);
    assert!(
        screen.contains("saved 2026-12-01T18:00:00Z"),
        "listed as now:\n{screen}"
    );
    assert!(
        flowed(&screen).contains("it was written again on disk since this list was shown"),
        "{screen}"
    );
    press_on_draft(&mut app, KeyCode::Char('r'));
    assert!(app.dialogs.is_empty());
    assert!(
        app.selected_document().unwrap().starts_with("# newer"),
        "the version on disk now"
    );
}

#[test]
fn r_on_a_draft_gone_from_disk_meanwhile_restores_nothing_and_says_so() {
    let mut app = with_draft_of_deploy_web();
    let commands = press(&mut app, KeyCode::Char('r'));
    let commands = disk_says(&mut app, commands, OnDisk::Gone);
    assert!(commands.is_empty(), "{commands:?}");
    assert!(!app.edits.contains_key("deploy-web"));
    assert!(!app.has_pending_draft("deploy-web"), "no longer offered");
    assert!(app.dialogs.is_empty(), "none left to offer");
    assert!(
        app.status
            .contains("was not restored: it is no longer on disk"),
        "{}",
        app.status
    );
}

#[test]
fn esc_from_comparing_a_draft_goes_back_to_the_drafts_with_it_still_offered() {
    let mut app = with_draft_of_deploy_web();
    app.update(Msg::Resize(100, 30));
    let commands = press_on_draft(&mut app, KeyCode::Char('d'));
    assert!(
        commands.is_empty(),
        "nothing written by looking: {commands:?}"
    );
    assert!(matches!(app.dialogs.front(), Some(Dialog::Conflict(_))));
    let screen = super::history::screen(&app);
    assert!(
        screen.contains("your draft beside Buildkite's version"),
        "{screen}"
    );
    assert!(
        flowed(&screen).contains("Esc back to the drafts (nothing restored)"),
        "{screen}"
    );
    assert!(
        !app.edits.contains_key("deploy-web"),
        "not restored by looking"
    );

    let commands = press(&mut app, KeyCode::Esc);
    assert_eq!(
        names(&commands),
        ["release-draft"],
        "the draft stays on disk"
    );
    assert!(drafts_in_front(&app), "{:?}", app.dialogs.front());
    assert!(app.has_pending_draft("deploy-web"), "still offered");
    assert!(!app.edits.contains_key("deploy-web"));
    let screen = super::history::screen(&app);
    assert!(screen.contains("from an earlier session:"), "{screen}");
    assert!(screen.contains("deploy-web"), "{screen}");
    assert!(
        flowed(&screen).contains("Nothing restored: the draft of deploy-web is still offered"),
        "{screen}"
    );
    // Left for later, it is still on disk (nothing removes it).
    let commands = press(&mut app, KeyCode::Esc);
    assert!(commands.is_empty(), "{commands:?}");
    assert!(app.has_pending_draft("deploy-web"));

    // A choice in the comparison is what restores it.
    press(&mut app, KeyCode::Char('D'));
    press_on_draft(&mut app, KeyCode::Char('d'));
    press(&mut app, KeyCode::Char('e'));
    assert!(app.is_dirty("deploy-web"));
    assert!(!app.has_pending_draft("deploy-web"));
    assert!(app.selected_document().unwrap().starts_with('#'));
}

#[test]
fn x_on_a_draft_another_bkportals_took_since_the_list_opened_says_so_before_asking() {
    let mut app = with_draft_of_deploy_web();
    app.update(Msg::Resize(100, 30));
    let commands = press(&mut app, KeyCode::Char('x'));
    assert_eq!(names(&commands), ["take-draft"], "looked at on disk first");
    let screen = super::history::screen(&app);
    assert!(!screen.contains("cannot be undone"), "{screen}");
    disk_says(&mut app, commands, OnDisk::Elsewhere(Some(4242)));
    let screen = super::history::screen(&app);
    assert!(
        !screen.contains("cannot be undone"),
        "never asked:\n{screen}"
    );
    assert!(screen.contains("(taken by another bkportals)"), "{screen}");
    assert!(
        flowed(&screen).contains(
            "The draft of deploy-web is taken by another bkportals still running (process 4242): discard it there."
        ),
        "{screen}"
    );
    let commands = press(&mut app, KeyCode::Char('y'));
    assert!(commands.is_empty(), "{commands:?}");
    assert!(app.has_pending_draft("deploy-web"));
}

#[test]
fn x_on_a_draft_still_as_listed_asks_and_a_no_lets_go_of_its_portal() {
    let mut app = with_draft_of_deploy_web();
    app.update(Msg::Resize(100, 30));
    assert!(press_on_draft(&mut app, KeyCode::Char('x')).is_empty());
    let screen = super::history::screen(&app);
    assert!(
        screen.contains("Discard the draft of deploy-web? Its edit is lost"),
        "{screen}"
    );
    let commands = press(&mut app, KeyCode::Char('n'));
    assert_eq!(names(&commands), ["release-draft"], "claimed only to ask");
    assert_eq!(app.status, "Kept the draft of deploy-web.");
    assert!(app.has_pending_draft("deploy-web"));

    assert!(press_on_draft(&mut app, KeyCode::Char('x')).is_empty());
    let commands = press_on_draft(&mut app, KeyCode::Char('y'));
    assert_eq!(names(&commands), ["remove-draft"]);
    assert!(!app.has_pending_draft("deploy-web"));
}

/// The drafts dialog with deploy-web's draft found taken by another
/// bkportals (process 4242) since the list was shown.
fn taken_since_listed() -> App {
    let mut app = with_draft_of_deploy_web();
    app.update(Msg::Resize(100, 30));
    let commands = press(&mut app, KeyCode::Char('r'));
    disk_says(&mut app, commands, OnDisk::Elsewhere(Some(4242)));
    assert!(super::history::screen(&app).contains("(taken by another bkportals)"));
    app
}

#[test]
fn a_taken_draft_is_offered_as_that_bkportals_left_it_once_it_quits() {
    let mut app = taken_since_listed();
    let mut left = app.pending_drafts[0].clone();
    left.document = format!("# theirs\n{}", left.document);
    left.saved_at = "2026-12-01T19:00:00Z".into();
    app.update(Msg::DraftFreed {
        slug: "deploy-web".into(),
        left: Some(Ok(Box::new(left))),
    });
    assert!(drafts_in_front(&app), "{:?}", app.dialogs.front());
    let screen = super::history::screen(&app);
    assert!(!screen.contains("(taken by another bkportals)"), "{screen}");
    assert!(screen.contains("saved 2026-12-01 19:00 UTC"), "{screen}");
    assert!(
        flowed(&screen)
            .contains("The other bkportals no longer edits deploy-web and left its draft"),
        "{screen}"
    );
    press_on_draft(&mut app, KeyCode::Char('r'));
    assert!(app.selected_document().unwrap().starts_with("# theirs"));
}

#[test]
fn a_taken_draft_that_bkportals_saved_or_discarded_is_no_longer_offered_once_it_quits() {
    let mut app = taken_since_listed();
    app.update(Msg::DraftFreed {
        slug: "deploy-web".into(),
        left: None,
    });
    assert!(!app.has_pending_draft("deploy-web"));
    assert!(app.dialogs.is_empty(), "none left to offer");
    assert!(
        app.status
            .contains("and left no draft of it: deploy-web can be edited here now"),
        "{}",
        app.status
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Document, "editable");
}

#[test]
fn a_discard_being_asked_about_is_still_asked_when_another_draft_comes_meanwhile() {
    let mut app = with_draft_of_deploy_web();
    app.update(Msg::Resize(100, 30));
    press_on_draft(&mut app, KeyCode::Char('x'));
    let mut theirs = app.pending_drafts[0].clone();
    theirs.slug = "who-am-i".into();
    // The bkportals that held who-am-i quits, leaving its draft.
    app.update(Msg::DraftFreed {
        slug: "who-am-i".into(),
        left: Some(Ok(Box::new(theirs))),
    });
    let screen = super::history::screen(&app);
    assert!(screen.contains("who-am-i  saved"), "listed now:\n{screen}");
    assert!(
        screen.contains("Discard the draft of deploy-web?"),
        "still asked:\n{screen}"
    );
    let commands = press(&mut app, KeyCode::Char('n'));
    assert_eq!(names(&commands), ["release-draft"], "its claim let go");
    assert!(app.has_pending_draft("deploy-web"));
}
