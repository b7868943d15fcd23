//! A state-machine property test: random keys, pastes, resizes and server
//! answers (late, failed, conflicting, out of order) drive the app, and
//! after every step the promises hold:
//! - the new token's dialog stays in front until its own Enter (or a quit
//!   the user confirmed after the warning);
//! - a save is sent only for the portal whose check was answered, under
//!   the slug its edit belongs to, with only fields that differ;
//! - no run without a run key (Ctrl-r, or Enter in the variables form);
//! - every unsaved edit and the creation form are on disk as last drafted;
//! - a server's answer never changes what was typed.

use std::collections::HashMap;

use proptest::prelude::*;

use super::*;
use crate::buildkite::{CreatedPortal, NewPortal};
use crate::tui::dialogs::FormMode;
use crate::tui::run::ResponseView;

#[derive(Debug, Clone)]
enum Step {
    Key(KeyCode, bool),
    Paste(String),
    Resize(u16, u16),
    /// Answers the pending command at this index (mod their number).
    Deliver(usize, Outcome),
    /// Someone changes a portal on Buildkite.
    Colleague(usize),
    /// An answer nobody is waiting for.
    Stray(usize),
}

#[derive(Debug, Clone, Copy)]
enum Outcome {
    Ok,
    Refused,
}

fn step() -> impl Strategy<Value = Step> {
    let chars = prop::sample::select(vec![
        'n', 'f', 'd', 'x', 'a', 'r', 'D', 'q', 'y', 's', 'e', 't', 'k', 'c', 'j', '#', ' ', '{',
        'z', 'u', '/',
    ]);
    let codes = prop::sample::select(vec![
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::End,
        KeyCode::Backspace,
        KeyCode::F(2),
    ]);
    let outcome = prop_oneof![3 => Just(Outcome::Ok), 1 => Just(Outcome::Refused)];
    prop_oneof![
        6 => (chars, prop::bool::weighted(0.1)).prop_map(|(c, ctrl)| Step::Key(KeyCode::Char(c), ctrl)),
        // The keys that start what the promises are about, more often.
        2 => Just(Step::Key(KeyCode::Char('s'), true)),
        1 => Just(Step::Key(KeyCode::Char('r'), true)),
        1 => Just(Step::Key(KeyCode::Char('n'), false)),
        4 => codes.prop_map(|c| Step::Key(c, false)),
        1 => "[a-z\r\n#{} ]{0,12}".prop_map(Step::Paste),
        1 => (40u16..160, 10u16..50).prop_map(|(w, h)| Step::Resize(w, h)),
        6 => (any::<usize>(), outcome).prop_map(|(i, o)| Step::Deliver(i, o)),
        1 => any::<usize>().prop_map(Step::Colleague),
        1 => any::<usize>().prop_map(Step::Stray),
    ]
}

/// Buildkite as the app's commands see it, answering as told.
struct Server {
    portals: Vec<Portal>,
    pending: Vec<Command>,
}

impl Server {
    fn find(&self, slug: &str) -> Option<Portal> {
        self.portals.iter().find(|p| p.slug == slug).cloned()
    }

    fn answer(&mut self, command: Command, outcome: Outcome) -> Option<Msg> {
        let refused = |message: &str| ApiError::Validation {
            message: message.into(),
            server: None,
        };
        Some(match (command, outcome) {
            (Command::FetchForSave { slug }, Outcome::Ok) => Msg::FetchedForSave {
                result: self.find(&slug).ok_or_else(|| refused("gone")),
                slug,
            },
            (Command::FetchForSave { slug }, Outcome::Refused) => Msg::FetchedForSave {
                slug,
                result: Err(refused("down")),
            },
            (Command::Update { slug, changes }, Outcome::Ok) => {
                let portal = self.portals.iter_mut().find(|p| p.slug == slug)?;
                apply(portal, &changes);
                Msg::Saved {
                    slug,
                    result: Ok(portal.clone()),
                }
            }
            (Command::Update { slug, .. }, Outcome::Refused) => Msg::Saved {
                slug,
                result: Err(refused("Validation failed: Slug has already been taken")),
            },
            (Command::Create(new), Outcome::Ok) => {
                let created = created_portal(&new, self.portals.len());
                self.portals.push(created.portal.clone());
                Msg::Created {
                    result: Ok(created),
                    stored: Ok(()),
                }
            }
            (Command::Create(_), Outcome::Refused) => Msg::Created {
                result: Err(refused("Validation failed: Name is too long")),
                stored: Ok(()),
            },
            (Command::Delete(slug), Outcome::Ok) => {
                self.portals.retain(|p| p.slug != slug);
                Msg::Deleted {
                    slug,
                    result: Ok(()),
                }
            }
            (Command::Invoke { slug, .. }, Outcome::Ok) => Msg::Answered {
                slug,
                view: Box::new(ResponseView::new(InvokeResponse {
                    status: 200,
                    elapsed: std::time::Duration::from_millis(1),
                    rate_limit: RateLimit::default(),
                    body: r#"{"data":{"a":1}}"#.to_owned().into(),
                    graphql: None,
                })),
                ran_as: None,
            },
            (Command::Invoke { slug, .. }, Outcome::Refused) => Msg::RunFailed {
                slug,
                error: ApiError::Unauthorized {
                    message: "refused".into(),
                    hint: "",
                },
            },
            (Command::SignIn { slug }, outcome) => Msg::SignedIn {
                slug,
                result: match outcome {
                    Outcome::Ok => Ok("2030-01-01T00:00:00Z".into()),
                    Outcome::Refused => Err("denied".into()),
                },
            },
            (Command::Ephemeral { slug, .. }, outcome) => Msg::EphemeralReady {
                slug,
                result: match outcome {
                    Outcome::Ok => Ok("2030-01-01T00:00:00Z".into()),
                    Outcome::Refused => Err("bad secret".into()),
                },
            },
            (
                Command::Diagnose {
                    slug,
                    generation,
                    text,
                    ..
                },
                _,
            ) => Msg::Diagnosed {
                slug,
                generation,
                diagnostics: crate::graphql::diagnostics::parse_diagnostics(&text),
            },
            _ => return None,
        })
    }
}

fn apply(portal: &mut Portal, changes: &PortalChanges) {
    if let Some(v) = &changes.name {
        portal.name = v.clone();
    }
    if let Some(v) = &changes.slug {
        portal.slug = v.clone();
    }
    if let Some(v) = &changes.description {
        portal.description = Some(v.clone()).filter(|d| !d.is_empty());
    }
    if let Some(v) = &changes.query {
        portal.query = v.clone();
    }
    if let Some(v) = &changes.allowed_ip_addresses {
        portal.allowed_ip_addresses = Some(v.clone()).filter(|d| !d.is_empty());
    }
    if let Some(v) = changes.user_invokable {
        portal.user_invokable = v;
    }
}

fn created_portal(new: &NewPortal, n: usize) -> CreatedPortal {
    let mut portal = super::portal(&format!("new-{n}"), &new.name, None, &new.query);
    portal.description = new.description.clone();
    serde_json::from_value(serde_json::json!({
        "uuid": portal.uuid, "slug": portal.slug, "organization_uuid": "o",
        "name": portal.name, "description": portal.description, "query": portal.query,
        "created_at": portal.created_at, "token": "bkpt_property"
    }))
    .expect("a created portal")
}

/// What the app told the disk, per draft key.
#[derive(Default)]
struct Disk {
    drafts: HashMap<String, crate::drafts::Draft>,
}

impl Disk {
    fn follow(&mut self, commands: &[Command]) {
        for command in commands {
            match command {
                Command::WriteDraft(draft) => {
                    self.drafts.insert(draft.slug.clone(), (**draft).clone());
                }
                Command::RemoveDraft(slug) => {
                    self.drafts.remove(slug);
                }
                _ => {}
            }
        }
    }
}

fn token_in_front(app: &App) -> Option<(String, bool)> {
    match app.dialogs.front() {
        Some(Dialog::Token(t)) => Some((t.slug.clone(), t.quitting)),
        _ => None,
    }
}

/// The documents typed so far (a save that renames a portal moves its edit
/// to the new slug: the text is what must stay).
fn typed_texts(app: &App) -> Vec<String> {
    let mut texts: Vec<String> = app.edits.values().map(|edit| edit.text()).collect();
    texts.sort();
    texts
}

fn check_step(
    app: &App,
    before: &App,
    step: &Step,
    commands: &[Command],
    answered_checks: &[String],
    disk: &Disk,
) -> Result<(), TestCaseError> {
    // The token dialog: only its Enter, or a confirmed quit, takes it away.
    if let Some((slug, quitting)) = token_in_front(before) {
        let own_close = matches!(step, Step::Key(KeyCode::Enter, false))
            || (quitting && matches!(step, Step::Key(KeyCode::Char('y'), false)));
        if !own_close {
            prop_assert_eq!(token_in_front(app).map(|t| t.0), Some(slug));
        }
    }
    for command in commands {
        if let Command::Update { slug, changes } = command {
            prop_assert!(
                answered_checks.contains(slug),
                "a save without its check: {slug}"
            );
            let edit = app.edits.get(slug);
            prop_assert!(edit.is_some(), "a save of a portal with no edit: {}", slug);
            let base = &edit.expect("checked").base;
            prop_assert!(!changes.is_empty());
            prop_assert!(changes.name.as_ref().is_none_or(|v| *v != base.name));
            prop_assert!(changes.query.as_ref().is_none_or(|v| *v != base.query));
            prop_assert!(changes.slug.as_ref().is_none_or(|v| *v != base.slug));
        }
    }
    for (slug, edit) in &app.edits {
        prop_assert_eq!(&edit.base.slug, slug, "an edit filed under another portal");
        if edit.is_dirty() {
            let on_disk = disk.drafts.get(slug);
            prop_assert!(
                on_disk.is_some(),
                "an unsaved edit of {} is not drafted",
                slug
            );
            let on_disk = on_disk.expect("checked");
            prop_assert_eq!(&on_disk.document, &edit.text());
            prop_assert_eq!(&on_disk.name, &edit.fields.name);
            prop_assert_eq!(&on_disk.new_slug, &edit.fields.slug);
            prop_assert_eq!(&on_disk.description, &edit.fields.description);
        }
    }
    let creation = app.dialogs.iter().find_map(|d| match d {
        Dialog::Form(f) if f.mode == FormMode::Create => Some(f.as_ref()),
        _ => None,
    });
    if let Some(form) = creation.or(app.create_draft.as_deref()) {
        if form.revision > 0 {
            let on_disk = disk.drafts.get(NEW_PORTAL_DRAFT);
            prop_assert!(on_disk.is_some(), "the creation form is not drafted");
            let on_disk = on_disk.expect("checked");
            prop_assert_eq!(&on_disk.document, &form.document_text());
            prop_assert_eq!(&on_disk.name, &form.name.value().trim().to_owned());
        }
    }
    if !matches!(step, Step::Key(..) | Step::Paste(_)) {
        prop_assert_eq!(
            typed_texts(app),
            typed_texts(before),
            "an answer changed typed text"
        );
    }
    Ok(())
}

fn is_run_key(app: &App, step: &Step) -> bool {
    match step {
        Step::Key(KeyCode::Char('r'), true) => true,
        Step::Key(KeyCode::Enter, false) => app.focus == Focus::Variables,
        _ => false,
    }
}

fn snapshot(app: &App) -> App {
    // What the checks compare: the dialog in front and the typed texts.
    let mut copy = App::new(&app.org, Vec::new());
    for (slug, edit) in &app.edits {
        let mut e = crate::tui::editor::PortalEdit::new(&edit.base);
        e.replace_text(&edit.text());
        copy.edits.insert(slug.clone(), e);
    }
    if let Some(Dialog::Token(t)) = app.dialogs.front() {
        let mut token = crate::tui::dialogs::TokenDialog::new(
            t.slug.clone(),
            crate::secrets::Secret::new("bkpt_copy"),
            t.store,
        );
        token.quitting = t.quitting;
        copy.dialogs.open(Dialog::Token(token));
    }
    copy
}

fn run_case(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let mut app = loaded();
    let mut server = Server {
        portals: app.list.portals.clone(),
        pending: Vec::new(),
    };
    let mut disk = Disk::default();
    let (mut run_keys, mut runs) = (0usize, 0usize);
    for step in steps {
        if app.quit {
            break;
        }
        let before = snapshot(&app);
        if is_run_key(&app, &step) {
            run_keys += 1;
        }
        let mut answered_checks = Vec::new();
        let commands = match &step {
            Step::Key(code, ctrl) => {
                let modifiers = if *ctrl {
                    KeyModifiers::CONTROL
                } else {
                    KeyModifiers::NONE
                };
                app.update(Msg::Key(KeyEvent::new(*code, modifiers)))
            }
            Step::Paste(text) => app.update(Msg::Paste(text.clone())),
            Step::Resize(w, h) => app.update(Msg::Resize(*w, *h)),
            Step::Deliver(i, outcome) if !server.pending.is_empty() => {
                let command = server.pending.remove(i % server.pending.len());
                if let (Command::FetchForSave { slug }, Outcome::Ok) = (&command, outcome) {
                    answered_checks.push(slug.clone());
                }
                match server.answer(command, *outcome) {
                    Some(msg) => app.update(msg),
                    None => Vec::new(),
                }
            }
            Step::Deliver(..) => Vec::new(),
            Step::Colleague(i) => {
                let n = server.portals.len().max(1);
                if let Some(p) = server.portals.get_mut(i % n) {
                    p.description = Some(format!("changed {i}"));
                }
                Vec::new()
            }
            Step::Stray(i) => {
                let slug = app.list.portals[i % app.list.portals.len()].slug.clone();
                app.update(Msg::RunFailed {
                    slug,
                    error: ApiError::Unauthorized {
                        message: "late".into(),
                        hint: "",
                    },
                })
            }
        };
        runs += commands
            .iter()
            .filter(|c| matches!(c, Command::Invoke { .. }))
            .count();
        prop_assert!(runs <= run_keys, "a run nobody asked for: {step:?}");
        disk.follow(&commands);
        check_step(&app, &before, &step, &commands, &answered_checks, &disk)?;
        server.pending.extend(commands.into_iter().filter(|c| {
            !matches!(
                c,
                Command::WriteDraft(_) | Command::RemoveDraft(_) | Command::NoteTokenDialog(_)
            )
        }));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 10_000,
        max_shrink_iters: 2_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_app_keeps_its_promises_whatever_happens(steps in prop::collection::vec(step(), 1..40)) {
        run_case(steps)?;
    }
}
