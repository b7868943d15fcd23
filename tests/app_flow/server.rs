//! Against a sandbox the app names the server it talks to, never
//! "Buildkite": the sign-in dialog, the cached list's refresh, the key help
//! and a save that found the portal changed there; the sign-in dialog names
//! the server a stored token belongs to when it is another.

use crossterm::event::KeyCode;

use bkportals::secrets::{Backend, Secret, TokenStore};

use super::{
    common, ctrl, into_the_document, key, leave_a_draft_of_who_am_i, play_on, services, Scripted,
    Step,
};

/// What the app shows, named after the sandbox (`host:port`).
pub(super) fn shows(sandbox: &bkportals::sandbox::RunningSandbox, text: &str) -> Step {
    let named = text.replace("{server}", &common::server_name(sandbox));
    Step::Show(named.leak())
}

/// Changes `slug` on the sandbox behind the app's back, as a colleague would.
fn changed_elsewhere(sandbox: &bkportals::sandbox::RunningSandbox, slug: &'static str) -> Step {
    let client = common::rest(sandbox);
    Step::Check(Box::new(move |_| {
        let changes = bkportals::buildkite::PortalChanges {
            name: Some("Renamed by a colleague".into()),
            ..Default::default()
        };
        let update = client.update(slug, &changes);
        tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(update))
            .expect("the sandbox takes the change");
    }))
}

/// Plays `steps`, failing if any frame says "Buildkite".
async fn play_never_saying_buildkite(
    sandbox: &bkportals::sandbox::RunningSandbox,
    dir: &std::path::Path,
    steps: Vec<Step>,
) {
    let mut console = Scripted::new(steps);
    console.never.push("Buildkite".into());
    play_on(console, services(sandbox, dir).await, 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cached_list_the_help_and_a_save_conflict_name_the_sandbox() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let first = vec![Step::Show("4 portals in demo"), key(KeyCode::Char('q'))];
    play_never_saying_buildkite(&sandbox, dir.path(), first).await;
    let kept = dir.path().join("cache/portal-lists/demo.jsonl");
    for _ in 0..100 {
        // Written on the blocking pool as the listing ends.
        if std::fs::metadata(&kept).is_ok_and(|m| m.len() > 0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    let mut steps = vec![
        shows(&sandbox, "The list as last seen; refreshing from {server}…"),
        Step::Show("4 portals in demo"),
        key(KeyCode::Char('?')),
        shows(&sandbox, "reload from {server}"),
        key(KeyCode::Esc),
    ];
    steps.extend(into_the_document(
        "4 portals in demo",
        "who",
        "Portals · demo (1/4)",
    ));
    steps.push(Step::Paste("# mine\r"));
    steps.push(Step::Show("● modified"));
    steps.push(changed_elsewhere(&sandbox, "who-am-i"));
    steps.push(ctrl('s'));
    steps.push(shows(
        &sandbox,
        " who-am-i changed on {server} since you loaded it ",
    ));
    steps.push(shows(&sandbox, "{server}'s now"));
    steps.push(shows(&sandbox, "t take {server}'s"));
    steps.push(key(KeyCode::Char('t')));
    steps.push(shows(&sandbox, "Took {server}'s version of who-am-i."));
    steps.push(key(KeyCode::Esc));
    steps.push(key(KeyCode::Char('q')));
    play_never_saying_buildkite(&sandbox, dir.path(), steps).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_run_save_and_discard_questions_and_a_refusal_name_the_sandbox() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut steps = into_the_document("4 portals in demo", "who", "Portals · demo (1/4)");
    steps.push(Step::Paste("{ unclosed\r"));
    steps.push(Step::Show("● modified"));
    steps.push(ctrl('r'));
    steps.push(shows(&sandbox, "{server} runs the document saved on it"));
    steps.push(key(KeyCode::Esc));
    steps.push(ctrl('s'));
    steps.push(shows(&sandbox, "{server} will refuse a document"));
    steps.push(key(KeyCode::Char('y')));
    steps.push(shows(
        &sandbox,
        "Not saved: rejected by {server}: Validation failed",
    ));
    steps.push(key(KeyCode::Esc)); // to the list
    steps.push(key(KeyCode::Char('x')));
    steps.push(shows(&sandbox, "{server}'s version comes back"));
    steps.push(key(KeyCode::Char('y')));
    steps.push(key(KeyCode::Char('q')));
    play_never_saying_buildkite(&sandbox, dir.path(), steps).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_portals_token_is_said_to_be_shown_once_by_the_sandbox() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut steps = vec![
        Step::Show("4 portals in demo"),
        key(KeyCode::Char('n')),
        Step::Show("Ctrl-s create"),
    ];
    steps.extend(super::typed("Fresh one"));
    steps.push(ctrl('s'));
    steps.push(Step::Show("was created. Its token:"));
    steps.push(shows(&sandbox, "{server} shows this token only once"));
    steps.push(key(KeyCode::Enter));
    steps.push(Step::Show("Portal fresh-one created; its token is stored."));
    steps.push(key(KeyCode::Char('q')));
    play_never_saying_buildkite(&sandbox, dir.path(), steps).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_drafts_of_an_earlier_session_are_offered_beside_the_sandboxs_versions() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let first = leave_a_draft_of_who_am_i();
    play_never_saying_buildkite(&sandbox, dir.path(), first).await;
    common::rest(&sandbox).delete("who-am-i").await.unwrap();

    let steps = vec![
        shows(&sandbox, "(deleted on {server})"),
        shows(&sandbox, "d compare with {server}'s version"),
        key(KeyCode::Char('r')),
        shows(
            &sandbox,
            "who-am-i no longer exists on {server}: x discards its draft",
        ),
        key(KeyCode::Esc),
        key(KeyCode::Char('q')),
    ];
    play_never_saying_buildkite(&sandbox, dir.path(), steps).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_dialog_names_the_server_of_a_token_stored_elsewhere_and_stores_for_this_one() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut services = super::signed_out(&sandbox, dir.path()).await;
    // A token given for Buildkite earlier; the session talks to the sandbox,
    // as `config::resolve` sets the store up.
    services
        .store
        .set_api_token(&sandbox.org_slug, Secret::new("bkua_for_buildkite"))
        .unwrap();
    let rest = url::Url::parse(&sandbox.rest_endpoint()).unwrap();
    let portal = url::Url::parse(&sandbox.portal_endpoint()).unwrap();
    services.store.use_servers(&rest, &portal);
    let steps = vec![
        shows(&sandbox, "Sign in to {server}"),
        Step::Show("The token stored for `demo` belongs to Buildkite, so it is not"),
        shows(
            &sandbox,
            "Paste the token (never shown; stored for {server}):",
        ),
        super::pasted(&sandbox.api_token),
        key(KeyCode::Enter),
        shows(&sandbox, "the token is stored for {server}"),
        Step::Show("Who am I"),
        key(KeyCode::Char('q')),
    ];
    let mut console = Scripted::new(steps);
    console.never.push(sandbox.api_token.clone());
    console.never.push("bkua_for_buildkite".into());
    play_on(console, services, 0).await;
    let mut store = TokenStore::open_with(&dir.path().join("tokens.toml"), Backend::File).unwrap();
    assert_eq!(
        store
            .api_token(&sandbox.org_slug)
            .map(|t| t.expose().to_owned()),
        Some("bkua_for_buildkite".into()),
        "Buildkite's is kept as it was"
    );
    store.use_servers(&rest, &portal);
    assert_eq!(
        store
            .api_token(&sandbox.org_slug)
            .map(|t| t.expose().to_owned()),
        Some(sandbox.api_token.clone()),
        "the new one is the sandbox's"
    );
}
