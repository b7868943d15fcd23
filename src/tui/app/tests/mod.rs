//! `App::update` flow by flow: messages in, state and commands out. The
//! helpers here drive the app as the runtime would.

pub(super) use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub(super) use super::*;
pub(super) use crate::buildkite::{
    ApiError, CreatedPortal, InvokeResponse, PortalChanges, RateLimit,
};
pub(super) use crate::tui::dialogs::{AuthChoice, ConfirmKind};
pub(super) use crate::tui::editor::Field;
pub(super) use chrono::Utc;

pub(super) fn portal(slug: &str, name: &str, description: Option<&str>, query: &str) -> Portal {
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

pub(super) const WHO: &str = "query Me { viewer { user { name } } }";
pub(super) const BUILDS: &str = "query GetBuilds($pipelineSlug: ID!, $first: Int) { pipeline(slug: $pipelineSlug) { name } }\nmutation Trigger($id: ID!) { buildCreate(input: {pipelineID: $id}) { build { url } } }";

pub(super) fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub(super) fn ctrl(app: &mut App, c: char) -> Vec<Command> {
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )))
}

pub(super) fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

pub(super) fn names(commands: &[Command]) -> Vec<&'static str> {
    commands.iter().map(Command::name).collect()
}

/// Answers the check before a save with the portal as the list has it
/// (nobody changed it) and returns what the save then sends.
pub(super) fn sent_changes(app: &mut App, commands: Vec<Command>) -> (String, PortalChanges) {
    let slug = match commands.iter().find_map(|c| match c {
        Command::FetchForSave { slug } => Some(slug.clone()),
        _ => None,
    }) {
        Some(slug) => slug,
        None => panic!("expected the check before a save, got {commands:?}"),
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

/// The screen's rows rejoined as one text (the quotes TestBackend puts
/// around each row gone, runs of spaces one), to find a wrapped message.
pub(super) fn flowed(screen: &str) -> String {
    let rows: Vec<&str> = screen.lines().map(|row| row.trim_matches('"')).collect();
    rows.join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Answers the drafts dialog's look at the disk (`Command::TakeDraft`
/// among `commands`) with `now`, as the draft writer would; what the app
/// then asks.
pub(super) fn disk_says(
    app: &mut App,
    commands: Vec<Command>,
    now: crate::drafts::OnDisk,
) -> Vec<Command> {
    let asked = format!("{commands:?}");
    let Some((shown, purpose)) = commands.into_iter().find_map(|c| match c {
        Command::TakeDraft { draft, purpose } => Some((draft, purpose)),
        _ => None,
    }) else {
        panic!("expected a look at the draft on disk, got {asked}");
    };
    app.update(Msg::DraftTaken {
        shown,
        purpose,
        now,
    })
}

/// Presses `code` in the drafts dialog, the draft found on disk as shown.
pub(super) fn press_on_draft(app: &mut App, code: KeyCode) -> Vec<Command> {
    let commands = press(app, code);
    disk_says(app, commands, crate::drafts::OnDisk::Unchanged)
}

pub(super) fn is_confirm(app: &App, matches: impl Fn(&ConfirmKind) -> bool) -> bool {
    matches!(app.dialogs.front(), Some(Dialog::Confirm(c)) if matches(&c.kind))
}

pub(super) fn loaded() -> App {
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

pub(super) fn created(slug: &str) -> CreatedPortal {
    serde_json::from_value(serde_json::json!({
        "uuid": "u", "slug": slug, "organization_uuid": "o", "name": "Nightly",
        "description": null, "query": WHO, "created_at": "2024-08-26T03:22:45.555Z",
        "allowed_ip_addresses": null, "user_invokable": false, "token": "bkpt_new"
    }))
    .unwrap()
}

/// Runs deploy-web (no variables, a stored token) and answers with `body`.
pub(super) fn answered(app: &mut App, body: &str) {
    let commands = ctrl(app, 'r');
    assert_eq!(names(&commands), ["invoke"]);
    app.update(crate::tui::app::answer_for_test(
        "deploy-web",
        None,
        InvokeResponse {
            status: 200,
            elapsed: std::time::Duration::from_millis(5),
            rate_limit: RateLimit::default(),
            body: body.into(),
            graphql: None,
        },
    ));
    assert_eq!(app.focus, Focus::Response);
}

mod complexity;
mod editor;
mod flows;
mod history;
mod keys;
mod large;
mod launch;
mod offered;
mod panes;
mod rate_wait;
mod response_search;
mod running;
mod runs;
mod schema;
mod state_machine;
mod trust;
