//! Performs the app's `Command`s: HTTP calls on tasks, and every call that
//! may block (the keyring, which can wait on D-Bus; files) on the blocking
//! pool, so the event loop never waits for them.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::message::{Command, Msg};
use crate::buildkite::{
    Exchange, NewPortal, PortalChanges, PortalClient, RestClient, ShortLivedToken,
};
use crate::secrets::{Secret, TokenKind, TokenStore};

pub(super) type SharedStore = Arc<Mutex<TokenStore>>;

/// Runs a call that may block off the event loop and its tasks.
pub(super) async fn blocking<R: Send + 'static>(
    call: impl FnOnce() -> R + Send + 'static,
) -> Result<R, String> {
    tokio::task::spawn_blocking(call)
        .await
        .map_err(|e| format!("it stopped: {e}"))
}

/// A call on the token store, off the event loop; its error as text.
async fn on_store<T: Send + 'static, E: Display>(
    store: &SharedStore,
    call: impl FnOnce(&mut TokenStore) -> Result<T, E> + Send + 'static,
) -> Result<T, String> {
    let store = store.clone();
    blocking(move || {
        let mut store = store.lock().unwrap_or_else(|e| e.into_inner());
        call(&mut store).map_err(|e| e.to_string())
    })
    .await?
}

mod draft_writer;
pub(super) use draft_writer::{draft_writer, watch_new_claims, DraftOp};

/// Performs commands: requests on tasks (a new one of a kind replaces the one
/// in flight), token store and files on the blocking pool.
pub(super) struct Runtime {
    /// Where each run is recorded (as `bkportals invoke` records its own).
    pub history: crate::history::History,
    pub rest: RestClient,
    pub portals: PortalClient,
    pub store: SharedStore,
    pub tx: mpsc::UnboundedSender<Msg>,
    pub draft_tx: mpsc::UnboundedSender<DraftOp>,
    pub load: Option<JoinHandle<()>>,
    pub invoke: Option<JoinHandle<()>>,
    pub sign_in: Option<JoinHandle<()>>,
    /// The sign-in dialog's check of an API token.
    pub api_sign_in: Option<JoinHandle<()>>,
    /// One diagnostics job per portal: a newer text makes the older job moot.
    pub diagnose: HashMap<String, JoinHandle<()>>,
    pub schema: crate::schema_cache::SchemaSource,
    pub load_schema: Option<JoinHandle<()>>,
}

impl Runtime {
    fn context(&self) -> Context {
        Context {
            rest: self.rest.clone(),
            portals: self.portals.clone(),
            store: self.store.clone(),
            org: self.rest.organization().to_owned(),
            tx: self.tx.clone(),
            history: self.history.clone(),
        }
    }

    /// Performs one command; `OpenEditor` and `Copy` need the terminal, so
    /// the event loop does those itself.
    pub fn perform(&mut self, command: Command) {
        let cx = self.context();
        match command {
            Command::LoadPortals => replace(&mut self.load, tokio::spawn(cx.load_portals())),
            Command::FetchForSave { slug } => drop(tokio::spawn(cx.fetch_for_save(slug))),
            Command::Update { slug, changes } => drop(tokio::spawn(cx.update(slug, changes))),
            Command::StoreToken { slug, token } => drop(tokio::spawn(cx.keep_token(slug, token))),
            Command::Create(new) => drop(tokio::spawn(cx.create(new))),
            Command::Delete(slug) => drop(tokio::spawn(cx.delete(slug))),
            Command::Invoke {
                slug,
                operation,
                variables,
                token,
                store_token,
                run,
            } => {
                let invocation = super::stream::Invocation {
                    slug,
                    operation,
                    variables,
                    run,
                };
                let run = cx.invoke(invocation, token, store_token);
                replace(&mut self.invoke, tokio::spawn(run));
            }
            Command::CancelInvoke => cancel(&mut self.invoke),
            Command::SignIn { slug } => replace(&mut self.sign_in, tokio::spawn(cx.sign_in(slug))),
            Command::CancelSignIn => cancel(&mut self.sign_in),
            Command::Ephemeral {
                slug,
                portal_uuid,
                secret,
            } => drop(tokio::spawn(cx.ephemeral(slug, portal_uuid, secret))),
            Command::ForgetToken(slug) => drop(tokio::spawn(cx.forget_token(slug))),
            Command::WriteFile {
                path,
                contents,
                overwrite,
                what,
            } => {
                tokio::task::spawn_blocking(move || {
                    let msg = match super::answer_file::save(&path, &contents, overwrite, &what) {
                        Ok(status) => Msg::Status(status),
                        Err(super::answer_file::NotSaved::Exists(full)) => {
                            Msg::SaveWouldOverwrite(full)
                        }
                        Err(super::answer_file::NotSaved::Failed(error)) => {
                            Msg::SaveFailed { path, error }
                        }
                    };
                    let _ = cx.tx.send(msg);
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
                    let diagnostics = match &schema {
                        Some(schema) => schema.check(&text),
                        None => crate::graphql::diagnostics::parse_diagnostics(&text),
                    };
                    let _ = cx.tx.send(Msg::Diagnosed {
                        slug: slug.clone(),
                        generation,
                        diagnostics,
                    });
                    // Smaller documents are counted on the input path.
                    if text.len() > super::editor::SYNC_PARSE_LIMIT {
                        let operations = super::app::count_for_editor(&text, schema.as_ref());
                        let _ = cx.tx.send(Msg::Counted {
                            slug,
                            generation,
                            operations,
                        });
                    }
                });
                self.diagnose.insert(key, job);
            }
            Command::LoadSchema { refresh } => {
                let load = load_schema(self.schema.clone(), refresh, cx.tx);
                replace(&mut self.load_schema, tokio::spawn(load));
            }
            Command::WriteDraft(draft) => {
                let _ = self.draft_tx.send(DraftOp::Write(draft));
            }
            Command::RemoveDraft(slug) => {
                let _ = self.draft_tx.send(DraftOp::Remove(slug));
            }
            Command::TakeDraft { draft, purpose } => {
                let _ = self.draft_tx.send(DraftOp::Take(draft, purpose));
            }
            Command::ReleaseDraft(slug) => {
                let _ = self.draft_tx.send(DraftOp::Release(slug));
            }
            Command::CacheList(portals) => {
                let dir = self.schema.cache.cache_dir().to_owned();
                let org = cx.org.clone();
                tokio::task::spawn_blocking(move || {
                    // A cache: when it cannot be written, the next launch lists as before.
                    let _ = super::list_cache::save(&dir, &org, &portals);
                    // The listing is over (its pages, this file's text): freed.
                    drop(portals);
                    super::memory::release_freed();
                });
            }
            Command::WriteFormValues(values) => {
                let _ = self.draft_tx.send(DraftOp::FormValues(values));
            }
            Command::NoteTokenDialog(slug) => {
                let _ = self.draft_tx.send(DraftOp::MarkTokenDialog(slug));
            }
            Command::ReadHistory(slug) => {
                let history = cx.history.clone();
                tokio::task::spawn_blocking(move || {
                    let entries = history.entries(&cx.org, &slug);
                    let _ = cx.tx.send(Msg::HistoryRead { slug, entries });
                });
            }
            Command::CheckApiToken {
                token,
                accept_missing,
            } => {
                let check = cx.check_api_token(token, accept_missing);
                replace(&mut self.api_sign_in, tokio::spawn(check));
            }
            Command::CancelApiTokenCheck => cancel(&mut self.api_sign_in),
            Command::UseApiToken(token) => {
                self.rest = self.rest.with_token(token.clone());
                self.schema.token = Some(token);
            }
            Command::OpenEditor { .. } | Command::Copy(_) | Command::CopyCurl { .. } => {
                unreachable!("the event loop does what needs the terminal itself")
            }
        }
    }
}

/// A new task of a kind replaces the one in flight.
fn replace(slot: &mut Option<JoinHandle<()>>, task: JoinHandle<()>) {
    cancel(slot);
    *slot = Some(task);
}

fn cancel(slot: &mut Option<JoinHandle<()>>) {
    if let Some(task) = slot.take() {
        task.abort();
    }
}

/// What a command's task needs.
struct Context {
    rest: RestClient,
    portals: PortalClient,
    store: SharedStore,
    org: String,
    tx: mpsc::UnboundedSender<Msg>,
    history: crate::history::History,
}

impl Context {
    fn send(&self, msg: Msg) {
        let _ = self.tx.send(msg);
    }

    async fn load_portals(self) {
        let result = self
            .rest
            .list_pages(|page| self.send(Msg::PortalsPage(page)))
            .await;
        self.send(match result {
            Ok(()) => Msg::PortalsLoaded,
            Err(e) => Msg::LoadFailed(e.to_string()),
        });
    }

    /// What Buildkite has now, for `update` to compare with the version
    /// the edit started from: Buildkite has no version to send with a PUT.
    async fn fetch_for_save(self, slug: String) {
        let result = self.rest.get(&slug).await;
        self.send(Msg::FetchedForSave { slug, result });
    }

    async fn keep_token(self, slug: String, token: Secret) {
        let text = match self.store_token(&slug, token).await {
            Ok(()) => format!("The token of {slug} is stored: Ctrl-r runs it."),
            Err(e) => format!("The token of {slug} was not stored: {e}"),
        };
        self.send(Msg::Status(text));
    }

    async fn update(self, slug: String, changes: PortalChanges) {
        let result = self.rest.update(&slug, &changes).await;
        if let Ok(portal) = &result {
            if portal.slug != slug {
                let (org, from, to) = (self.org.clone(), slug.clone(), portal.slug.clone());
                let renamed = on_store(&self.store, move |s| s.rename_portal(&org, &from, &to));
                if let Err(e) = renamed.await {
                    self.send(Msg::Status(format!(
                        "The stored token did not follow the new slug: {e}"
                    )));
                }
            }
        }
        self.send(Msg::Saved { slug, result });
    }

    async fn create(self, new: NewPortal) {
        let result = self.rest.create(&new).await;
        // Stored before the dialog shows: a crash now loses nothing.
        let stored = match &result {
            Ok(created) => {
                self.store_token(&created.portal.slug, created.token.clone())
                    .await
            }
            Err(_) => Ok(()),
        };
        self.send(Msg::Created { result, stored });
    }

    async fn store_token(&self, slug: &str, token: Secret) -> Result<(), String> {
        let (org, slug) = (self.org.clone(), slug.to_owned());
        on_store(&self.store, move |s| s.set_portal_token(&org, &slug, token)).await
    }

    async fn delete(self, slug: String) {
        let result = self.rest.delete(&slug).await;
        if result.is_ok() {
            let _ = self.forget(&slug).await;
        }
        self.send(Msg::Deleted { slug, result });
    }

    async fn forget(&self, slug: &str) -> Result<bool, String> {
        let (org, slug) = (self.org.clone(), slug.to_owned());
        on_store(&self.store, move |s| s.forget_portal_token(&org, &slug)).await
    }

    async fn forget_token(self, slug: String) {
        if let Err(e) = self.forget(&slug).await {
            self.send(Msg::Status(format!("Could not forget the token: {e}")));
        }
    }

    async fn invoke(
        self,
        invocation: super::stream::Invocation,
        token: Option<Secret>,
        store_token: bool,
    ) {
        let slug = &invocation.slug;
        let token = match token {
            Some(token) => {
                if store_token {
                    if let Err(e) = self.store_token(slug, token.clone()).await {
                        self.send(Msg::Status(format!("The token was not stored: {e}")));
                    }
                }
                Some((token, TokenKind::Admin))
            }
            None => {
                let (org, slug) = (self.org.clone(), slug.clone());
                on_store(&self.store, move |s| {
                    Ok::<_, String>(s.best_portal_token(&org, &slug))
                })
                .await
                .ok()
                .flatten()
            }
        };
        let ran = (self.history.clone(), self.org.clone());
        super::stream::invoke(&self.portals, invocation, token, ran, &self.tx).await;
    }

    async fn ephemeral(self, slug: String, portal_uuid: String, secret: Secret) {
        let granted = self
            .portals
            .ephemeral_token(&slug, &portal_uuid, &secret, None)
            .await;
        let result = match granted {
            Ok(granted) => self.store_short(&slug, TokenKind::Ephemeral, granted).await,
            Err(e) => Err(e.to_string()),
        };
        self.send(Msg::EphemeralReady { slug, result });
    }

    /// Stores a short-lived token; its expiry, or why it was not stored.
    async fn store_short(
        &self,
        slug: &str,
        kind: TokenKind,
        granted: ShortLivedToken,
    ) -> Result<String, String> {
        let (org, slug) = (self.org.clone(), slug.to_owned());
        on_store(&self.store, move |s| {
            s.set_short_token(&org, &slug, kind, granted.token, &granted.expires_at)
                .map(|()| granted.expires_at)
        })
        .await
    }

    /// The sign-in dialog's token: checked and stored by the code `bkportals
    /// auth login` runs; the store call on the blocking pool.
    async fn check_api_token(self, token: Secret, accept_missing: bool) {
        let (store, org) = (self.store.clone(), self.org.clone());
        let keep = |token| async move {
            on_store(&store, move |s| crate::api_token::keep(s, &org, token)).await
        };
        let result = crate::api_token::sign_in(&self.rest, token, accept_missing, keep).await;
        self.send(Msg::ApiTokenChecked(result));
    }

    /// The user-invoked flow: a code, the browser (when there is one), a
    /// countdown each second, and a polite poll every two seconds (slower
    /// after unreadable answers, which the dialog names) until the code is
    /// approved, denied or expired. The token goes to the store,
    /// never to the screen.
    async fn sign_in(self, slug: String) {
        let result = self.signed_in(&slug).await;
        self.send(Msg::SignedIn { slug, result });
    }

    async fn signed_in(&self, slug: &str) -> Result<String, String> {
        let code = self
            .portals
            .request_code(slug)
            .await
            .map_err(|e| e.to_string())?;
        let deadline = chrono::DateTime::parse_from_rfc3339(&code.expires_at)
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or_else(|_| chrono::Utc::now() + chrono::Duration::minutes(5));
        let seconds_left = || (deadline - chrono::Utc::now()).num_seconds();
        let url = code.authorization_url.clone();
        let opened_browser = blocking(move || crate::desktop::open_in_browser(&url))
            .await
            .unwrap_or(false);
        self.send(Msg::SignInStarted {
            code: code.code.clone(),
            url: code.authorization_url.clone(),
            seconds_left: seconds_left(),
            opened_browser,
        });
        let mut next_poll = 0;
        let mut unreadable = 0;
        for second in 0u64.. {
            let left = seconds_left();
            if left <= 0 {
                break;
            }
            self.send(Msg::SignInProgress { seconds_left: left });
            if second >= next_poll {
                match self.portals.exchange_code(slug, &code, None).await {
                    Ok(Exchange::Granted(granted)) => {
                        return self.store_short(slug, TokenKind::User, granted).await;
                    }
                    Ok(Exchange::Pending) if unreadable > 0 => {
                        unreadable = 0;
                        self.send(Msg::SignInUnreadable(None));
                    }
                    Ok(Exchange::Pending) => {}
                    // A poll is a read: one lost answer does not end the flow.
                    Ok(Exchange::Unreadable(why)) => {
                        unreadable += 1;
                        self.send(Msg::SignInUnreadable(Some(why)));
                    }
                    Err(e) => return Err(e.to_string()),
                }
                next_poll = second + crate::buildkite::poll_interval(unreadable).as_secs();
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        Err("the code expired before it was approved".into())
    }
}

async fn load_schema(
    source: crate::schema_cache::SchemaSource,
    refresh: bool,
    tx: mpsc::UnboundedSender<Msg>,
) {
    use crate::schema_cache::SchemaUpdate;
    source
        .load(refresh, |update| {
            let _ = tx.send(match update {
                SchemaUpdate::Ready {
                    loaded,
                    fetched_now,
                } => Msg::SchemaReady {
                    schema: loaded.schema,
                    fetched_at: loaded.fetched_at,
                    fetched_now,
                },
                SchemaUpdate::Unavailable(reason) => Msg::SchemaUnavailable(reason),
            });
        })
        .await;
    // What the load parsed on the way (the answer, the SDL, parse trees) is freed.
    tokio::task::spawn_blocking(super::memory::release_freed);
}
