//! The interactive app: terminal setup and restore, and the event loop.
//!
//! Elm-style: terminal events and results of background work arrive as `Msg`,
//! `App::update` returns `Command`s, the `Runtime` performs them on tasks. The
//! screen is drawn only after something changed, and only once the queue of
//! pending messages is empty; the spinner clock runs only while something is
//! in flight, so an idle app does no work at all.

pub mod app;
pub mod body;
pub mod clipboard;
pub mod dialogs;
pub mod editor;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod message;
pub mod modal;
pub mod run;
pub mod view;

use std::collections::HashMap;
use std::io::Stdout;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    EventStream, KeyEventKind, MouseEventKind,
};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use futures_util::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::buildkite::{PortalClient, RestClient};
use crate::drafts::DraftStore;
use crate::secrets::{TokenKind, TokenStore};
use app::App;
use message::{Command, Msg};

/// What the app talks to.
pub struct Services {
    pub rest: RestClient,
    pub portals: PortalClient,
    pub store: TokenStore,
    pub drafts: DraftStore,
    pub schema: crate::schema_cache::SchemaSource,
    /// What went wrong before the app started (a config file set aside...).
    pub warnings: Vec<String>,
}

/// What the draft writer is asked to do.
enum DraftOp {
    Write(Box<crate::drafts::Draft>),
    Remove(String),
    /// Write everything pending now, then answer.
    Flush(tokio::sync::oneshot::Sender<()>),
}

type PendingDrafts = HashMap<String, Option<Box<crate::drafts::Draft>>>;

/// Writes drafts once typing has paused for half a second (so within a
/// second of it stopping), and everything pending when asked to flush.
async fn draft_writer(
    store: DraftStore,
    org: String,
    mut ops: mpsc::UnboundedReceiver<DraftOp>,
    tx: mpsc::UnboundedSender<Msg>,
) {
    let mut pending = PendingDrafts::new();
    let flush = |pending: &mut PendingDrafts| {
        for (slug, draft) in pending.drain() {
            let result = match draft {
                Some(mut draft) => {
                    draft.saved_at =
                        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                    store.save(&draft)
                }
                None => store.remove(&org, &slug),
            };
            if let Err(e) = result {
                let _ = tx.send(Msg::Status(format!(
                    "Could not keep the draft of {slug} on disk: {e}"
                )));
            }
        }
    };
    loop {
        let op = if pending.is_empty() {
            ops.recv().await
        } else {
            match tokio::time::timeout(Duration::from_millis(500), ops.recv()).await {
                Ok(op) => op,
                Err(_) => {
                    flush(&mut pending);
                    continue;
                }
            }
        };
        match op {
            Some(DraftOp::Write(draft)) => {
                pending.insert(draft.slug.clone(), Some(draft));
            }
            Some(DraftOp::Remove(slug)) => {
                pending.insert(slug, None);
            }
            Some(DraftOp::Flush(done)) => {
                flush(&mut pending);
                let _ = done.send(());
            }
            None => {
                flush(&mut pending);
                return;
            }
        }
    }
}

type Term = Terminal<CrosstermBackend<Stdout>>;

/// Runs the app until the user quits or the process is asked to stop.
pub async fn run(services: Services) -> std::io::Result<()> {
    let mut terminal = enter()?;
    let result = event_loop(&mut terminal, services).await;
    leave();
    result
}

fn enter() -> std::io::Result<Term> {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        previous_hook(info);
    }));
    resume()?;
    Terminal::new(CrosstermBackend::new(std::io::stdout()))
}

fn resume() -> std::io::Result<()> {
    enable_raw_mode()?;
    let result = execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    );
    if result.is_err() {
        leave();
    }
    result
}

/// Gives the terminal back as it was; safe to call more than once.
fn leave() {
    let _ = disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Performs commands: requests on tasks (a new one of a kind replaces the one
/// in flight), clipboard and token store on the spot.
struct Runtime {
    rest: RestClient,
    portals: PortalClient,
    store: Arc<Mutex<TokenStore>>,
    tx: mpsc::UnboundedSender<Msg>,
    drafts: DraftStore,
    draft_tx: mpsc::UnboundedSender<DraftOp>,
    load: Option<JoinHandle<()>>,
    invoke: Option<JoinHandle<()>>,
    sign_in: Option<JoinHandle<()>>,
    /// One diagnostics job per portal: a newer text makes the older job moot.
    diagnose: HashMap<String, JoinHandle<()>>,
    schema: crate::schema_cache::SchemaSource,
    load_schema: Option<JoinHandle<()>>,
    clipboard: clipboard::Clipboard,
}

impl Runtime {
    fn org(&self) -> String {
        self.rest.organization().to_owned()
    }

    fn perform(&mut self, command: Command) {
        let tx = self.tx.clone();
        let (rest, portals) = (self.rest.clone(), self.portals.clone());
        match command {
            Command::LoadPortals => {
                if let Some(previous) = self.load.take() {
                    previous.abort();
                }
                self.load = Some(tokio::spawn(async move {
                    let result = rest
                        .list_pages(|page| {
                            let _ = tx.send(Msg::PortalsPage(page));
                        })
                        .await;
                    let _ = tx.send(match result {
                        Ok(()) => Msg::PortalsLoaded,
                        Err(e) => Msg::LoadFailed(e.to_string()),
                    });
                }));
            }
            Command::FetchForSave { slug } => {
                tokio::spawn(async move {
                    let result = rest.get(&slug).await;
                    let _ = tx.send(Msg::FetchedForSave { slug, result });
                });
            }
            Command::Update { slug, changes } => {
                let store = self.store.clone();
                let org = self.org();
                tokio::spawn(async move {
                    let result = rest.update(&slug, &changes).await;
                    if let Ok(portal) = &result {
                        if portal.slug != slug {
                            let (old, new) = (slug.clone(), portal.slug.clone());
                            let _ = tokio::task::spawn_blocking(move || {
                                let mut store = store.lock().unwrap_or_else(|e| e.into_inner());
                                store.rename_portal(&org, &old, &new)
                            })
                            .await;
                        }
                    }
                    let _ = tx.send(Msg::Saved { slug, result });
                });
            }
            Command::StoreToken { slug, token } => {
                let store = self.store.clone();
                let org = self.org();
                tokio::task::spawn_blocking(move || {
                    let mut store = store.lock().unwrap_or_else(|e| e.into_inner());
                    let text = match store.set_portal_token(&org, &slug, token) {
                        Ok(()) => format!("The token of {slug} is stored: Ctrl-r runs it."),
                        Err(e) => format!("The token of {slug} was not stored: {e}"),
                    };
                    let _ = tx.send(Msg::Status(text));
                });
            }
            Command::Create(new) => {
                let store = self.store.clone();
                let org = self.org();
                tokio::spawn(async move {
                    let result = rest.create(&new).await;
                    // Stored before the dialog shows: a crash now loses nothing.
                    let stored = match &result {
                        Ok(created) => store
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .set_portal_token(&org, &created.portal.slug, created.token.clone())
                            .map_err(|e| e.to_string()),
                        Err(_) => Ok(()),
                    };
                    let _ = tx.send(Msg::Created { result, stored });
                });
            }
            Command::Delete(slug) => {
                let store = self.store.clone();
                let org = self.org();
                tokio::spawn(async move {
                    let result = rest.delete(&slug).await;
                    if result.is_ok() {
                        let mut store = store.lock().unwrap_or_else(|e| e.into_inner());
                        let _ = store.forget_portal_token(&org, &slug);
                    }
                    let _ = tx.send(Msg::Deleted { slug, result });
                });
            }
            Command::Invoke {
                slug,
                operation,
                variables,
                token,
                store_token,
            } => {
                if let Some(previous) = self.invoke.take() {
                    previous.abort();
                }
                let store = self.store.clone();
                let org = self.org();
                self.invoke = Some(tokio::spawn(async move {
                    let token = {
                        let mut store = store.lock().unwrap_or_else(|e| e.into_inner());
                        match token {
                            Some(token) => {
                                if store_token {
                                    if let Err(e) =
                                        store.set_portal_token(&org, &slug, token.clone())
                                    {
                                        let _ = tx.send(Msg::Status(format!(
                                            "The token was not stored: {e}"
                                        )));
                                    }
                                }
                                Some((token, TokenKind::Admin))
                            }
                            None => store.best_portal_token(&org, &slug),
                        }
                    };
                    let (result, ran_as) = match token {
                        Some((token, kind)) => (
                            portals
                                .invoke(&slug, operation.as_deref(), &variables, &token)
                                .await,
                            Some(kind),
                        ),
                        None => (
                            Err(crate::buildkite::ApiError::Unauthorized {
                                message: "no usable token is stored".into(),
                                hint: "choose a way to authorize",
                            }),
                            None,
                        ),
                    };
                    let message = match result {
                        // Indexing a large answer takes a while: off the
                        // event loop, so the app stays responsive.
                        Ok(response) => {
                            match tokio::task::spawn_blocking(move || {
                                run::ResponseView::new(response)
                            })
                            .await
                            {
                                Ok(view) => Msg::Answered {
                                    slug,
                                    view: Box::new(view),
                                    ran_as,
                                },
                                Err(e) => Msg::Status(format!("Reading the answer stopped: {e}")),
                            }
                        }
                        Err(error) => Msg::Invoked {
                            slug,
                            result: Err(error),
                            ran_as,
                        },
                    };
                    let _ = tx.send(message);
                }));
            }
            Command::CancelInvoke => {
                if let Some(task) = self.invoke.take() {
                    task.abort();
                }
            }
            Command::SignIn { slug } => {
                if let Some(previous) = self.sign_in.take() {
                    previous.abort();
                }
                let store = self.store.clone();
                let org = self.org();
                self.sign_in = Some(tokio::spawn(sign_in(portals, store, org, slug, tx)));
            }
            Command::CancelSignIn => {
                if let Some(task) = self.sign_in.take() {
                    task.abort();
                }
            }
            Command::Ephemeral {
                slug,
                portal_uuid,
                secret,
            } => {
                let store = self.store.clone();
                let org = self.org();
                tokio::spawn(async move {
                    let result = match portals
                        .ephemeral_token(&slug, &portal_uuid, &secret, None)
                        .await
                    {
                        Ok(granted) => store
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .set_short_token(
                                &org,
                                &slug,
                                TokenKind::Ephemeral,
                                granted.token,
                                &granted.expires_at,
                            )
                            .map(|()| granted.expires_at)
                            .map_err(|e| e.to_string()),
                        Err(e) => Err(e.to_string()),
                    };
                    let _ = tx.send(Msg::EphemeralReady { slug, result });
                });
            }
            Command::Copy(text) => {
                let how = self.clipboard.copy(&text);
                let _ = tx.send(Msg::Copied(how));
            }
            Command::ForgetToken(slug) => {
                let org = self.org();
                let mut store = self.store.lock().unwrap_or_else(|e| e.into_inner());
                if let Err(e) = store.forget_portal_token(&org, &slug) {
                    let _ = tx.send(Msg::Status(format!("Could not forget the token: {e}")));
                }
            }
            Command::WriteFile { path, contents } => {
                tokio::spawn(async move {
                    let status = match tokio::fs::write(&path, contents.as_bytes()).await {
                        Ok(()) => format!("Saved the response to {path}."),
                        Err(e) => format!("Could not save to {path}: {e}"),
                    };
                    let _ = tx.send(Msg::Status(status));
                });
            }
            Command::Diagnose {
                slug,
                generation,
                text,
                schema,
            } => {
                if let Some(previous) = self.diagnose.remove(&slug) {
                    previous.abort(); // its text is already out of date
                }
                let key = slug.clone();
                let job = tokio::task::spawn_blocking(move || {
                    let diagnostics = match schema {
                        Some(schema) => schema.check(&text),
                        None => crate::graphql::diagnostics::parse_diagnostics(&text),
                    };
                    let _ = tx.send(Msg::Diagnosed {
                        slug,
                        generation,
                        diagnostics,
                    });
                });
                self.diagnose.insert(key, job);
            }
            Command::LoadSchema { refresh } => {
                if let Some(previous) = self.load_schema.take() {
                    previous.abort();
                }
                let source = self.schema.clone();
                self.load_schema = Some(tokio::spawn(async move {
                    source
                        .load(refresh, |update| {
                            let _ = tx.send(match update {
                                crate::schema_cache::SchemaUpdate::Ready {
                                    loaded,
                                    fetched_now,
                                } => Msg::SchemaReady {
                                    schema: loaded.schema,
                                    fetched_at: loaded.fetched_at,
                                    fetched_now,
                                },
                                crate::schema_cache::SchemaUpdate::Unavailable(reason) => {
                                    Msg::SchemaUnavailable(reason)
                                }
                            });
                        })
                        .await;
                }));
            }
            Command::WriteDraft(draft) => {
                let _ = self.draft_tx.send(DraftOp::Write(draft));
            }
            Command::RemoveDraft(slug) => {
                let _ = self.draft_tx.send(DraftOp::Remove(slug));
            }
            Command::NoteTokenDialog(slug) => {
                let _ = self.drafts.mark_token_dialog(&self.org(), slug.as_deref());
            }
            Command::OpenEditor { .. } => {
                unreachable!("the event loop opens the editor itself")
            }
        }
    }
}

async fn event_loop(terminal: &mut Term, services: Services) -> std::io::Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let org = services.rest.organization().to_owned();
    let Services {
        rest,
        portals,
        store,
        drafts,
        schema,
        warnings,
    } = services;
    let stored = store.portal_slugs(&org);
    let store = Arc::new(Mutex::new(store));
    let mut app = App::new(&org, stored);
    let (found, problems) = drafts.load(&org);
    let open_token_dialog = drafts.open_token_dialog(&org);
    if open_token_dialog.is_some() {
        let _ = drafts.mark_token_dialog(&org, None);
    }
    app.offer_drafts(found, problems, open_token_dialog);
    let (draft_tx, draft_rx) = mpsc::unbounded_channel();
    let writer = tokio::spawn(draft_writer(
        drafts.clone(),
        org.clone(),
        draft_rx,
        tx.clone(),
    ));
    let size = terminal.size()?;
    app.update(Msg::Resize(size.width, size.height));
    let mut runtime = Runtime {
        rest,
        portals,
        store,
        tx,
        drafts,
        draft_tx,
        load: None,
        invoke: None,
        sign_in: None,
        diagnose: HashMap::new(),
        schema,
        load_schema: None,
        clipboard: clipboard::Clipboard::new(),
    };
    let mut pending = app.init();
    if !warnings.is_empty() {
        app.update(Msg::Status(format!("Warning: {}", warnings.join(" · "))));
    }
    let mut events = EventStream::new();
    let mut spinner = tokio::time::interval(Duration::from_millis(120));
    let (stop_tx, mut stop) = mpsc::channel(1);
    listen_for_stop_signals(&stop_tx);
    let mut dirty = true;
    loop {
        for command in std::mem::take(&mut pending) {
            if let Command::OpenEditor { slug, text } = command {
                // The editor owns the terminal until it exits.
                drop(events);
                leave();
                let result = edit_externally(&text);
                resume()?;
                // A new terminal redraws everything (`clear` would ask the
                // terminal for the cursor position, which not all answer).
                *terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
                events = EventStream::new();
                pending.extend(app.update(Msg::EditorClosed { slug, result }));
                dirty = true;
            } else {
                runtime.perform(command);
            }
        }
        if !pending.is_empty() {
            continue;
        }
        if app.quit {
            break;
        }
        if dirty {
            terminal.draw(|frame| view::draw(frame, &app))?;
            dirty = false;
        }
        let msg = tokio::select! {
            biased;
            _ = stop.recv() => break,
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => Msg::Key(key),
                Some(Ok(Event::Mouse(mouse))) if mouse.kind != MouseEventKind::Moved => Msg::Mouse(mouse),
                Some(Ok(Event::Paste(text))) => Msg::Paste(text),
                Some(Ok(Event::Resize(width, height))) => Msg::Resize(width, height),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e),
                None => break,
            },
            Some(msg) = rx.recv() => msg,
            _ = spinner.tick(), if app.busy() => Msg::Tick,
        };
        pending = app.update(msg);
        // Apply everything already queued before drawing once.
        while let Ok(msg) = rx.try_recv() {
            pending.extend(app.update(msg));
        }
        dirty = true;
    }
    // Quit, SIGTERM or SIGHUP: what is pending reaches the disk first.
    for command in pending {
        if !matches!(command, Command::OpenEditor { .. }) {
            runtime.perform(command);
        }
    }
    let (done_tx, done) = tokio::sync::oneshot::channel();
    if runtime.draft_tx.send(DraftOp::Flush(done_tx)).is_ok() {
        let _ = tokio::time::timeout(Duration::from_secs(3), done).await;
    }
    drop(runtime);
    let _ = writer.await;
    Ok(())
}

/// The user-invoked flow: a code, the browser (when there is one), a
/// countdown each second, and a polite poll every two seconds until the code
/// is approved, denied or expired. The token goes to the store, never to the screen.
async fn sign_in(
    portals: PortalClient,
    store: Arc<Mutex<TokenStore>>,
    org: String,
    slug: String,
    tx: mpsc::UnboundedSender<Msg>,
) {
    let done = |result: Result<String, String>| {
        let _ = tx.send(Msg::SignedIn {
            slug: slug.clone(),
            result,
        });
    };
    let code = match portals.request_code(&slug).await {
        Ok(code) => code,
        Err(e) => return done(Err(e.to_string())),
    };
    let deadline = chrono::DateTime::parse_from_rfc3339(&code.expires_at)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|_| chrono::Utc::now() + chrono::Duration::minutes(5));
    let seconds_left = || (deadline - chrono::Utc::now()).num_seconds();
    let _ = tx.send(Msg::SignInStarted {
        code: code.code.clone(),
        url: code.authorization_url.clone(),
        seconds_left: seconds_left(),
        opened_browser: crate::desktop::open_in_browser(&code.authorization_url),
    });
    for second in 0u64.. {
        let left = seconds_left();
        if left <= 0 {
            return done(Err("the code expired before it was approved".into()));
        }
        let _ = tx.send(Msg::SignInProgress { seconds_left: left });
        if second % 2 == 0 {
            match portals.exchange_code(&slug, &code, None).await {
                Ok(crate::buildkite::Exchange::Granted(granted)) => {
                    let stored = store
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .set_short_token(
                            &org,
                            &slug,
                            TokenKind::User,
                            granted.token,
                            &granted.expires_at,
                        )
                        .map(|()| granted.expires_at)
                        .map_err(|e| e.to_string());
                    return done(stored);
                }
                Ok(crate::buildkite::Exchange::Pending) => {}
                Err(e) => return done(Err(e.to_string())),
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Runs `$VISUAL`, `$EDITOR` or `vi` on a temporary copy of `text`.
fn edit_externally(text: &str) -> Result<String, String> {
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".to_owned());
    let file = tempfile::Builder::new()
        .prefix("portal-")
        .suffix(".graphql")
        .tempfile()
        .map_err(|e| format!("could not make a temporary file: {e}"))?;
    std::fs::write(file.path(), text).map_err(|e| e.to_string())?;
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(words)
        .arg(file.path())
        .status()
        .map_err(|e| format!("{editor}: {e}"))?;
    if !status.success() {
        return Err(format!(
            "{editor} exited with {status}; the document is unchanged"
        ));
    }
    std::fs::read_to_string(file.path()).map_err(|e| e.to_string())
}

/// SIGTERM and SIGHUP end the app cleanly (the terminal is restored).
fn listen_for_stop_signals(tx: &mpsc::Sender<()>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        for kind in [SignalKind::terminate(), SignalKind::hangup()] {
            if let Ok(mut stream) = signal(kind) {
                let tx = tx.clone();
                tokio::spawn(async move {
                    if stream.recv().await.is_some() {
                        let _ = tx.send(()).await;
                    }
                });
            }
        }
    }
    #[cfg(not(unix))]
    let _ = tx;
}
