//! The interactive app: the event loop, on any `Console`.
//!
//! Elm-style: terminal events and results of background work arrive as `Msg`,
//! `App::update` returns `Command`s, the `Runtime` performs them on tasks. The
//! screen is drawn only after something changed, and only once the queue of
//! pending messages is empty; the spinner clock runs only while something is
//! in flight, so an idle app does no work at all.

mod answer_file;
pub mod app;
pub mod body;
pub mod clipboard;
pub mod declared;
pub mod dialogs;
pub mod editor;
pub mod filter;
mod history_hook;
pub mod input;
pub mod json_path;
pub mod keymap;
pub mod layout;
mod list_cache;
pub mod matching;
pub mod memory;
pub mod message;
pub mod message_log;
pub mod modal;
mod remembered;
pub mod response;
pub mod run;
mod runtime;
pub mod search;
pub mod stream;
pub mod terminal;
pub mod undo;
pub mod view;
pub mod wrap;

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{Event, KeyEventKind, MouseEventKind};
use tokio::sync::mpsc;

use crate::buildkite::{PortalClient, RestClient};
use crate::drafts::DraftStore;
use crate::secrets::TokenStore;
use app::App;
use message::{Command, Msg};
use runtime::{DraftOp, Runtime};
use terminal::{Console, StopSignals, Tty};

/// What the app talks to.
pub struct Services {
    pub rest: RestClient,
    pub portals: PortalClient,
    pub store: TokenStore,
    pub drafts: DraftStore,
    pub schema: crate::schema_cache::SchemaSource,
    /// What went wrong before the app started (a config file set aside...).
    pub warnings: Vec<String>,
    /// `--dir DIR`: the portal files to compare the selected portal with.
    pub declared: Option<declared::Declared>,
    /// No API token yet: the app opens on the sign-in dialog and loads
    /// nothing until it is signed in (`rest` and `schema` get the token then).
    pub needs_sign_in: bool,
}

/// Runs the app in this process's terminal until the user quits (exit code
/// 0) or a signal stops it (128 + its number).
pub async fn run(services: Services) -> io::Result<u8> {
    let stop = StopSignals::listen();
    let mut tty = Tty::enter()?;
    let result = run_on(&mut tty, services, stop.first()).await;
    drop(tty); // the terminal as it was, before anything is printed
    match terminal::report_panic() {
        Some(code) => Ok(code),
        None => result,
    }
}

/// The event loop on `console`, until the user quits (`Ok(0)`) or `stop`
/// resolves (with the exit code it gives). However it ends, every pending
/// draft is on disk before it returns.
pub async fn run_on<C: Console>(
    console: &mut C,
    services: Services,
    stop: impl Future<Output = u8>,
) -> io::Result<u8>
where
    <C::Backend as ratatui::backend::Backend>::Error: Send + Sync + 'static,
{
    let rest_endpoint = services.rest.endpoint().clone();
    let size = console.terminal().size().map_err(io::Error::other)?;
    let Started {
        mut app,
        mut runtime,
        writer,
        mut rx,
        warnings,
        mut cached,
        cached_rest,
        needs_sign_in,
        token_elsewhere,
    } = start(services, usize::from(size.height));
    let mut pending = Vec::new();
    let outcome = async {
        app.update(Msg::Resize(size.width, size.height));
        if needs_sign_in {
            pending = app.ask_for_api_token(&rest_endpoint, token_elsewhere);
        } else {
            pending = app.init();
            app.show_cached_list(std::mem::take(&mut cached));
        }
        if !warnings.is_empty() {
            app.update(Msg::Status(format!("Warning: {}", warnings.join(" · "))));
        }
        // The first frame comes first: what `init` asked for (the listing,
        // the schema) and the rest of the cached list would share the CPU
        // with it. Their answers arrive as messages, so the frame is the same.
        // Names first: what needs a parse of a document (`!` marks, the
        // complexity figure) comes in the next frame, drawn once the
        // commands are on their way.
        app.names_first.set(true);
        draw(console, &app)?;
        app.names_first.set(false);
        read_rest_of_cached_list(cached_rest, runtime.tx.clone());
        drive(console, &mut app, &mut runtime, &mut rx, &mut pending, stop).await
    }
    .await;
    finish(runtime, writer, pending).await;
    outcome
}

/// Messages in, commands out, a frame when something changed.
async fn drive<C: Console>(
    console: &mut C,
    app: &mut App,
    runtime: &mut Runtime,
    rx: &mut mpsc::UnboundedReceiver<Msg>,
    pending: &mut Vec<Command>,
    stop: impl Future<Output = u8>,
) -> io::Result<u8>
where
    <C::Backend as ratatui::backend::Backend>::Error: Send + Sync + 'static,
{
    let mut spinner = tokio::time::interval(Duration::from_millis(120));
    let mut stop = std::pin::pin!(stop);
    // `run_on` drew the first frame without the list's marks: the next has them.
    let mut dirty = true;
    loop {
        for command in std::mem::take(pending) {
            match command {
                Command::OpenEditor { slug, text } => {
                    let result = console.edit_externally(&text)?;
                    pending.extend(app.update(Msg::EditorClosed { slug, result }));
                    dirty = true;
                }
                Command::Copy(text) => {
                    let how = console.copy(&text);
                    pending.extend(app.update(Msg::Copied(how)));
                    dirty = true;
                }
                Command::CopyCurl {
                    slug,
                    operation,
                    variables,
                } => {
                    let url = runtime.portals.portal_url(&slug, operation.as_deref());
                    let how = console.copy(&crate::buildkite::curl::invocation(&url, &variables));
                    pending.extend(app.update(Msg::Copied(how)));
                    dirty = true;
                }
                command => runtime.perform(command),
            }
        }
        if !pending.is_empty() {
            continue;
        }
        if app.quit {
            return Ok(app.exit_code);
        }
        if dirty {
            draw(console, app)?;
            dirty = false;
        }
        let msg = tokio::select! {
            biased;
            code = &mut stop => return Ok(code),
            event = console.next_event() => match event {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => Msg::Key(key),
                Some(Ok(Event::Mouse(mouse))) if mouse.kind != MouseEventKind::Moved => Msg::Mouse(mouse),
                Some(Ok(Event::Paste(text))) => Msg::Paste(text),
                Some(Ok(Event::Resize(width, height))) => Msg::Resize(width, height),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e),
                None => return Ok(0),
            },
            Some(msg) = rx.recv() => msg,
            _ = spinner.tick(), if app.busy() => Msg::Tick,
            // Last: only when nothing else is ready.
            _ = std::future::ready(()), if app.has_idle_work() => Msg::Idle,
        };
        *pending = app.update(msg);
        // Apply everything already queued before drawing once.
        while let Ok(msg) = rx.try_recv() {
            pending.extend(app.update(msg));
        }
        dirty = true;
    }
}

fn draw<C: Console>(console: &mut C, app: &App) -> io::Result<()>
where
    <C::Backend as ratatui::backend::Backend>::Error: Send + Sync + 'static,
{
    console
        .terminal()
        .draw(|frame| view::draw(frame, app))
        .map(drop)
        .map_err(io::Error::other)
}

/// The cached list after its first screen's worth, parsed off the event
/// loop and shown when it arrives.
fn read_rest_of_cached_list(rest: list_cache::Rest, tx: mpsc::UnboundedSender<Msg>) {
    tokio::task::spawn_blocking(move || {
        let portals = rest.portals();
        if !portals.is_empty() {
            let _ = tx.send(Msg::CachedListRest(portals));
        }
    });
}

struct Started {
    app: App,
    runtime: Runtime,
    writer: tokio::task::JoinHandle<()>,
    rx: mpsc::UnboundedReceiver<Msg>,
    warnings: Vec<String>,
    /// The list of the last session, shown while the fresh one loads.
    cached: Vec<crate::buildkite::Portal>,
    /// The rest of it, read once the first frame is drawn.
    cached_rest: list_cache::Rest,
    needs_sign_in: bool,
    /// The server the organization's stored API token belongs to, when it
    /// is not the one in use (the sign-in dialog says so).
    token_elsewhere: Option<String>,
}

/// The app and its runtime, with what the disk holds from earlier sessions:
/// stored tokens, drafts, a token dialog that was open when it stopped, and
/// the first `rows` portals of the list last seen (no screen shows more).
fn start(services: Services, rows: usize) -> Started {
    let (tx, rx) = mpsc::unbounded_channel();
    let org = services.rest.organization().to_owned();
    let Services {
        rest,
        portals,
        store,
        drafts,
        schema,
        warnings,
        declared,
        needs_sign_in,
    } = services;
    let store = Arc::new(Mutex::new(store));
    // Read here, not on the blocking pool: nothing else runs yet, and the
    // first frame waits for it (a thread's start is a good part of a launch).
    let cache_dir = schema.cache.cache_dir().to_owned();
    let (cached, cached_rest) = list_cache::load(&cache_dir, &org, rows);
    let (stored, token_elsewhere) = {
        let store = store.lock().unwrap_or_else(|e| e.into_inner());
        (store.portal_slugs(&org), store.api_token_elsewhere(&org))
    };
    let crate::drafts::Loaded {
        drafts: found,
        mut problems,
        elsewhere,
    } = drafts.load_all(&org);
    let open_token_dialog = drafts.open_token_dialog(&org);
    if open_token_dialog.is_some() {
        let _ = drafts.mark_token_dialog(&org, None);
    }
    let values = match drafts
        .load_form_values(&org)
        .map(|bytes| remembered::from_json(&bytes))
    {
        Some(Ok(values)) => values,
        Some(Err(why)) => {
            problems.push(format!("the variables' values kept from earlier could not be read ({why}); they start empty"));
            run::Remembered::new()
        }
        None => run::Remembered::new(),
    };
    let mut app = App::new(&org, stored);
    app.declared = declared;
    app.server = crate::buildkite::http::other_server(rest.endpoint());
    app.restore_form_values(values);
    app.offer_drafts(found, problems, open_token_dialog);
    let (draft_tx, draft_rx) = mpsc::unbounded_channel();
    // Watched until that one ends: then they are offered, or free to edit.
    for slug in &elsewhere {
        let _ = draft_tx.send(DraftOp::Watch(slug.clone()));
    }
    app.leave_drafts_elsewhere(elsewhere);
    let history = crate::history::History::new(drafts.data_dir());
    runtime::watch_new_claims(&drafts, &org, &draft_tx);
    let writer = tokio::spawn(runtime::draft_writer(drafts, org, draft_rx, tx.clone()));
    // A wait on Buildkite's rate limit counts down on the status line.
    let notices_tx = tx.clone();
    let rest = rest.with_notices(crate::buildkite::Notices::new(move |notice| {
        let _ = notices_tx.send(Msg::Notice(notice.clone()));
    }));
    let runtime = Runtime {
        history,
        rest,
        portals,
        store,
        tx,
        draft_tx,
        load: None,
        invoke: None,
        sign_in: None,
        api_sign_in: None,
        diagnose: HashMap::new(),
        schema,
        load_schema: None,
    };
    Started {
        app,
        runtime,
        writer,
        rx,
        warnings,
        cached,
        cached_rest,
        needs_sign_in,
        token_elsewhere,
    }
}

/// Quit or a stop signal: what is pending reaches the disk first.
async fn finish(mut runtime: Runtime, writer: tokio::task::JoinHandle<()>, pending: Vec<Command>) {
    for command in pending {
        if !matches!(
            command,
            Command::OpenEditor { .. } | Command::Copy(_) | Command::CopyCurl { .. }
        ) {
            runtime.perform(command);
        }
    }
    let (done_tx, done) = tokio::sync::oneshot::channel();
    if runtime.draft_tx.send(DraftOp::Flush(done_tx)).is_ok() {
        let _ = tokio::time::timeout(Duration::from_secs(3), done).await;
    }
    drop(runtime);
    let _ = writer.await;
}
