//! App state and `update(msg) -> Vec<Command>`. No I/O here: the runtime
//! performs the commands and feeds results back as messages.
//!
//! One module per concern: `list` (the portal list's state), `keys` (keys
//! and mouse, routed through `keymap`), `document` (editing, completion,
//! diagnostics), `saving` (save, conflicts, fields, discard), `creating`
//! (the new-portal form and its token), `running` (variables, authorizing,
//! runs and answers), `dialog_actions` (what a dialog's answer does) and
//! `persist` (drafts on disk follow every unsaved edit).

use std::collections::HashMap;

use ratatui::layout::Rect;

use super::dialogs::{Dialog, PortalForm};
use super::editor::PortalEdit;
use super::layout::{self, inner_height};
use super::message::{Command, Msg};
use super::modal::ModalQueue;
use super::run::{Remembered, ResponseView, VariablesForm};
use crate::buildkite::Portal;
use crate::drafts::Draft;
use crate::graphql::completion::Completion;
use crate::graphql::schema::GraphqlSchema;
use crate::secrets::TokenKind;

mod arriving;
mod authorizing;
mod complexity;
mod copying;
mod creating;
mod curl;
mod dialog_actions;
mod document;
mod history;
mod keys;
mod launch;
pub mod list;
mod messages;
mod offered;
mod persist;
mod rate_wait;
mod risk;
mod running;
mod saving;
mod searching;

pub use complexity::count_for_editor;
pub use launch::EXIT_NOT_SIGNED_IN;
pub use list::{fuzzy_score, PortalList};
pub use persist::NEW_PORTAL_DRAFT;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    List,
    Document,
    Variables,
    Response,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loading {
    Idle,
    /// Pages are arriving; the list shows what came so far.
    InFlight,
    Failed(String),
}

/// The completion list open in the document.
#[derive(Debug)]
pub struct CompletionPopup {
    pub slug: String,
    pub completion: Completion,
    pub selected: usize,
}

/// A portal's last answer, kept with the portal it belongs to.
#[derive(Debug)]
pub struct Answer {
    pub view: ResponseView,
    pub operation: Option<String>,
    pub ran_as: Option<TokenKind>,
}

/// The run in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunInFlight {
    pub slug: String,
    pub operation: Option<String>,
    /// Its number: messages of an earlier run (cancelled) are told apart.
    pub run: u64,
    /// Said when it was sent (near or over the complexity limit): said
    /// again with its answer, which would otherwise replace it.
    pub warning: Option<String>,
}

/// What the status line says, and why, so it can step aside for news and
/// be cleared when its cause is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    Load,
    Schema,
    Variables,
    Save,
    Run,
    /// What find in the document said: gone when the find is closed.
    Find,
    /// What the response's search said: gone once a search finds.
    Search,
    /// A call waits out a rate limit (`rate_wait`).
    RateLimit,
    /// What the document's last change said ("Formatted (Ctrl-z undoes
    /// it)."): gone with the next change.
    Edit,
    /// A letter that is no key of the pane: said until the next key.
    NotAKey,
}

#[derive(Debug)]
pub struct App {
    pub org: String,
    /// The server the session talks to when it is not Buildkite
    /// (`other_server`): what the app says names it (`server_name`).
    pub server: Option<String>,
    /// `--dir DIR`: portal files the fields pane compares the selected portal with.
    pub declared: Option<crate::tui::declared::Declared>,
    pub list: PortalList,
    /// Each listed portal's `!` (audit warns or fails), worked out once (risk.rs).
    pub(crate) risk: risk::Risks,
    /// The launch's first frame: names first. What needs a parse of a
    /// document (the list's `!` marks, the complexity figure) is drawn in
    /// the frame right after it.
    pub(crate) names_first: std::cell::Cell<bool>,
    /// Slugs of portals with a stored token.
    pub stored_tokens: Vec<String>,
    pub loading: Loading,
    pub focus: Focus,
    /// Unsaved edits, by the portal's slug on Buildkite. Kept when another
    /// portal is selected.
    pub edits: HashMap<String, PortalEdit>,
    /// A new portal being written, while its form is closed.
    pub create_draft: Option<Box<PortalForm>>,
    pub dialogs: ModalQueue,
    pub variables: Option<VariablesForm>,
    pub remembered: Remembered,
    pub running: Option<RunInFlight>,
    /// An ephemeral token is being fetched.
    pub authorizing: bool,
    /// The last answer of each portal.
    pub answers: HashMap<String, Answer>,
    /// Drafts from an earlier session not decided on yet: their portals
    /// cannot be edited until each is restored or discarded.
    pub pending_drafts: Vec<Draft>,
    /// Portals whose draft another running bkportals owns: not edited here,
    /// which would overwrite that draft on disk.
    pub drafts_elsewhere: Vec<String>,
    /// Offered drafts another running bkportals took after the drafts
    /// dialog listed them (`Msg::DraftTaken`): the dialog says so.
    pub drafts_taken_elsewhere: Vec<String>,
    /// The drafts were offered once, after the first listing.
    drafts_offered: bool,
    persisted: persist::Marks,
    /// Completion candidates shown under the cursor in the document.
    pub completion: Option<CompletionPopup>,
    /// The organization's GraphQL schema, once loaded (from cache or fetched).
    pub schema: Option<GraphqlSchema>,
    /// Where the schema stands, for the help screen and the status line.
    pub schema_note: String,
    /// F5 was pressed: say when the schema arrives.
    schema_asked: bool,
    pub show_help: bool,
    /// What `y`, `p` or a document's Ctrl-c is copying, for the status once
    /// the clipboard answers.
    copying: Option<String>,
    /// Where `s` saved an answer last in this session, or the path its
    /// dialog was closed with unsaved: offered next time.
    last_save_path: Option<String>,
    /// The requested complexity of the document viewed without an edit.
    viewed_count: std::cell::RefCell<Option<complexity::ViewedCount>>,
    /// The first line of the help shown (it scrolls when taller than the screen).
    pub help_scroll: usize,
    /// The focused pane has the whole screen.
    pub zoomed: bool,
    /// Every message the status line said this session, oldest first.
    pub messages: std::collections::VecDeque<String>,
    /// The message log is open over the panes.
    pub show_messages: bool,
    /// How many of the newest messages the log is scrolled back past.
    pub messages_back: usize,
    pub status: String,
    status_cause: Option<Cause>,
    /// A warning stays until the next key, whatever routine news comes.
    status_sticky: bool,
    /// The status line is a warning: routine news (`note`) never replaces
    /// it, keys or not; it goes to the message log instead.
    status_warning: bool,
    /// Run this portal once its save or its authorization is done.
    run_after: Option<String>,
    /// A portal whose token was lost, being deleted to be created again.
    recreating: Option<(String, Box<PortalForm>)>,
    pub quit: bool,
    /// The process's exit status once `quit` (0, or `EXIT_NOT_SIGNED_IN`).
    pub exit_code: u8,
    /// Spinner frame, advanced only while something is in flight.
    pub spinner: usize,
    rate_wait: Option<rate_wait::RateWait>,
    pub screen: Rect,
}

impl App {
    pub fn new(org: &str, stored_tokens: Vec<String>) -> App {
        App {
            declared: None,
            risk: Default::default(),
            names_first: std::cell::Cell::new(false),
            org: org.to_owned(),
            server: None,
            list: PortalList::default(),
            stored_tokens,
            loading: Loading::Idle,
            focus: Focus::List,
            edits: HashMap::new(),
            create_draft: None,
            dialogs: ModalQueue::default(),
            variables: None,
            remembered: Remembered::new(),
            running: None,
            authorizing: false,
            answers: HashMap::new(),
            pending_drafts: Vec::new(),
            drafts_elsewhere: Vec::new(),
            drafts_taken_elsewhere: Vec::new(),
            drafts_offered: false,
            persisted: persist::Marks::default(),
            completion: None,
            schema: None,
            schema_note: "loading the GraphQL schema…".into(),
            schema_asked: false,
            show_help: false,
            copying: None,
            last_save_path: None,
            viewed_count: std::cell::RefCell::new(None),
            help_scroll: 0,
            zoomed: false,
            messages: std::collections::VecDeque::new(),
            show_messages: false,
            messages_back: 0,
            status: String::new(),
            status_cause: None,
            status_sticky: false,
            status_warning: false,
            run_after: None,
            recreating: None,
            quit: false,
            exit_code: 0,
            spinner: 0,
            rate_wait: None,
            screen: Rect::new(0, 0, 80, 24),
        }
    }

    /// The commands to run at start.
    pub fn init(&mut self) -> Vec<Command> {
        let mut commands = self.reload();
        commands.push(Command::LoadSchema { refresh: false });
        commands
    }

    /// What the last run left behind: drafts (offered once portals are
    /// listed), drafts that could not be read, and a token dialog that was
    /// open. These are warnings: routine news does not hide them.
    pub fn offer_drafts(
        &mut self,
        drafts: Vec<Draft>,
        problems: Vec<String>,
        open_token_dialog: Option<String>,
    ) {
        let (creation, drafts): (Vec<Draft>, Vec<Draft>) =
            drafts.into_iter().partition(|d| d.slug == NEW_PORTAL_DRAFT);
        if let Some(creation) = creation.into_iter().next() {
            self.create_draft = Some(Box::new(persist::creation_from_draft(&creation)));
        }
        self.pending_drafts = drafts;
        if let Some(slug) = open_token_dialog {
            self.warn(if self.has_token(&slug) {
                format!("bkportals stopped while showing the new token of {slug}: it is in the token store (`bkportals token list`).")
            } else {
                // The store did not keep it (a --demo store lives in memory, as its sandbox does).
                format!("bkportals stopped while showing the new token of {slug}, and the token store does not have it: it cannot be shown again (`bkportals rotate {slug}` makes a new one; with --demo, the sandbox starts afresh and that portal is gone).")
            });
        } else if let Some(problem) = problems.first() {
            self.warn(format!("Note: {problem}"));
        } else if self.create_draft.is_some() {
            self.warn("A new portal you were creating was kept: n resumes it.");
        }
    }

    pub fn busy(&self) -> bool {
        self.loading == Loading::InFlight
            || self.rate_waiting()
            || self.running.is_some()
            || self.authorizing
            || self.dialogs.any(|d| matches!(d, Dialog::SignIn(_)))
            || self
                .dialogs
                .any(|d| matches!(d, Dialog::ApiSignIn(d) if d.checking))
            || self.edits.values().any(|e| e.saving)
            || self.creation_on_its_way()
    }

    pub fn selected_portal(&self) -> Option<&Portal> {
        self.list.selected_portal()
    }

    fn selected_slug(&self) -> Option<String> {
        self.list.selected_slug()
    }

    pub fn selected_edit(&self) -> Option<&PortalEdit> {
        self.edits.get(&self.selected_slug()?)
    }

    /// The selected portal's last answer.
    pub fn selected_answer(&self) -> Option<&Answer> {
        self.answers.get(&self.selected_slug()?)
    }

    /// The document as it stands: the unsaved edit, or the server's.
    pub fn selected_document(&self) -> Option<String> {
        match self.selected_edit() {
            Some(edit) => Some(edit.text()),
            None => self.selected_portal().map(|p| p.query.clone()),
        }
    }

    pub fn has_token(&self, slug: &str) -> bool {
        self.stored_tokens.iter().any(|s| s == slug)
    }

    pub fn is_dirty(&self, slug: &str) -> bool {
        self.edits.get(slug).is_some_and(|e| e.is_dirty())
    }

    /// A draft from an earlier session waits for a decision on `slug`.
    pub fn has_pending_draft(&self, slug: &str) -> bool {
        self.pending_drafts.iter().any(|d| d.slug == slug)
    }

    /// What quitting leaves unsaved (kept as drafts): the portals, and a
    /// creation someone typed into.
    fn unsaved(&self) -> Vec<String> {
        let mut unsaved: Vec<String> = self
            .edits
            .iter()
            .filter(|(_, e)| e.is_dirty())
            .map(|(slug, _)| slug.clone())
            .collect();
        unsaved.sort();
        let typed = |f: &PortalForm| f.document.is_some() && f.revision > 0;
        let creating = self.create_draft.as_deref().is_some_and(typed)
            || self
                .dialogs
                .any(|d| matches!(d, Dialog::Form(f) if typed(f)));
        if creating {
            unsaved.push(persist::NEW_PORTAL_UNSAVED.to_owned());
        }
        unsaved
    }

    pub fn areas(&self) -> layout::Areas {
        let focus = match self.focus {
            Focus::List => layout::Pane::List,
            Focus::Document => layout::Pane::Document,
            Focus::Variables => layout::Pane::Variables,
            Focus::Response => layout::Pane::Response,
        };
        let footer_rows = 1 + self.status_lines(self.screen.width).len() as u16;
        let mut arrangement = layout::Arrangement {
            focus,
            zoomed: self.zoomed,
            footer_rows,
            field_rows: layout::FIELD_ROWS,
        };
        let areas = layout::areas(self.screen, arrangement);
        // The reasons for a `!` take the fields pane's last rows, more of
        // them when one does not hold them all (the pane's width stays).
        let wanted = crate::tui::view::field_rows(self, areas.fields);
        if wanted == arrangement.field_rows {
            return areas;
        }
        arrangement.field_rows = wanted;
        layout::areas(self.screen, arrangement)
    }

    fn list_height(&self) -> usize {
        inner_height(self.areas().list)
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        let before = self.status_before();
        let mut commands = match msg {
            Msg::Key(key) => {
                self.status_sticky = false;
                self.on_key(key)
            }
            Msg::Mouse(mouse) => {
                self.on_mouse(mouse);
                Vec::new()
            }
            Msg::Paste(text) => self.on_paste(&text),
            Msg::Resize(width, height) => {
                self.screen = Rect::new(0, 0, width, height);
                Vec::new()
            }
            Msg::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                self.count_down_rate_wait(std::time::Instant::now());
                Vec::new()
            }
            Msg::Idle => {
                self.count_matches_on();
                Vec::new()
            }
            other => self.on_result(other),
        };
        self.clear_stale_status(before);
        self.sync_variables();
        self.edit_focused_document();
        self.resolve_closed_find();
        if self.focus != Focus::Document
            || !self.dialogs.is_empty()
            || self.completion.as_ref().map(|c| &c.slug) != self.selected_slug().as_ref()
        {
            self.completion = None;
        }
        commands.extend(self.request_diagnostics());
        commands.extend(self.sync_drafts());
        commands
    }

    /// What a task reported.
    fn on_result(&mut self, msg: Msg) -> Vec<Command> {
        match msg {
            Msg::PortalsPage(page) => {
                let height = self.list_height();
                self.list.add_page(page, height);
                Vec::new()
            }
            Msg::PortalsLoaded => self.on_listed(),
            Msg::CachedListRest(rest) => {
                self.show_rest_of_cached_list(rest);
                Vec::new()
            }
            Msg::LoadFailed(message) => {
                self.list.listing_failed();
                let text = if self.list.portals.is_empty() {
                    format!("Could not load portals: {message}")
                } else {
                    let which = if self.list.from_cache {
                        "the last session's"
                    } else {
                        "as it was"
                    };
                    format!("Could not refresh the portals: {message}; the list shown is {which} (r tries again)")
                };
                self.say_because(Cause::Load, text);
                self.loading = Loading::Failed(message);
                Vec::new()
            }
            Msg::FetchedForSave { slug, result } => self.on_fetched_for_save(slug, result),
            Msg::Saved { slug, result } => self.on_saved(slug, result),
            Msg::Created { result, stored } => self.on_created(result, stored),
            Msg::Deleted { slug, result } => self.on_deleted(slug, result),
            Msg::AnswerStarted { slug, run, head } => {
                self.on_answer_started(slug, run, *head);
                Vec::new()
            }
            Msg::AnswerPiece { slug, run, piece } => {
                self.on_answer_piece(&slug, run, &piece);
                Vec::new()
            }
            Msg::AnswerCut { slug, run, error } => {
                self.on_answer_cut(slug, run, error);
                Vec::new()
            }
            Msg::Answered { slug, view, ran_as } => {
                self.on_answered(slug, *view, ran_as);
                Vec::new()
            }
            Msg::RunFailed { slug, error } => self.on_run_failed(slug, error),
            msg @ (Msg::SignInStarted { .. }
            | Msg::SignInProgress { .. }
            | Msg::SignInUnreadable(_)) => {
                self.on_sign_in_progress(msg);
                Vec::new()
            }
            Msg::SignedIn { slug, result } => self.on_authorized(slug, result, "Signed in"),
            Msg::EphemeralReady { slug, result } => {
                self.authorizing = false;
                self.on_authorized(slug, result, "Got an ephemeral token")
            }
            Msg::Copied(how) => {
                match self.dialogs.front_mut() {
                    Some(Dialog::Token(dialog)) => dialog.copied = Some(how.clone()),
                    Some(Dialog::SignIn(sign_in)) => sign_in.copied = Some(how.clone()),
                    _ => {}
                }
                let how = self.copied_status(how);
                self.say(how);
                Vec::new()
            }
            Msg::EditorClosed { slug, result } => {
                match result {
                    Ok(text) => {
                        if let Some(edit) = self.edit_for(&slug) {
                            if edit.text() == text {
                                self.say("The editor closed with the document unchanged.");
                            } else {
                                edit.replace_text(&text);
                                self.say("Document read back from the editor.");
                            }
                        }
                    }
                    Err(e) => self.say(format!("The editor did not run: {e}")),
                }
                Vec::new()
            }
            Msg::Status(text) => {
                self.say(text);
                Vec::new()
            }
            Msg::Notice(notice) => {
                self.on_notice(notice, std::time::Instant::now());
                Vec::new()
            }
            Msg::DraftEditedElsewhere { slug, pid } => {
                self.draft_refused(slug, pid);
                Vec::new()
            }
            Msg::DraftTaken {
                shown,
                purpose,
                now,
            } => self.on_draft_taken(*shown, purpose, now),
            Msg::DraftClaimedElsewhere { slug, pid } => {
                self.draft_claimed_elsewhere(slug, pid);
                Vec::new()
            }
            Msg::DraftFreed { slug, left } => {
                self.draft_freed(slug, left);
                Vec::new()
            }
            Msg::HistoryRead { slug, entries } => {
                self.on_history_read(slug, entries);
                Vec::new()
            }
            Msg::SaveWouldOverwrite(path) => {
                self.dialogs.open(super::dialogs::SaveResponse::overwrite(
                    path,
                    self.shown_answer(),
                ));
                Vec::new()
            }
            Msg::SaveFailed { path, error } => {
                // The dialog again, with the path as typed to correct.
                self.say(error.clone());
                self.dialogs.open(super::dialogs::SaveResponse::failed(
                    &path,
                    error,
                    self.shown_answer(),
                ));
                Vec::new()
            }
            Msg::Diagnosed {
                slug,
                generation,
                diagnostics,
            } => {
                self.on_diagnosed(&slug, generation, diagnostics);
                Vec::new()
            }
            Msg::Counted {
                slug,
                generation,
                operations,
            } => {
                self.on_counted(&slug, generation, operations);
                Vec::new()
            }
            Msg::SchemaReady {
                schema,
                fetched_at,
                fetched_now,
            } => {
                self.on_schema(schema, fetched_at, fetched_now);
                Vec::new()
            }
            Msg::SchemaUnavailable(reason) => {
                self.on_schema_unavailable(reason);
                Vec::new()
            }
            Msg::ApiTokenChecked(result) => self.on_api_token_checked(result),
            Msg::Key(_)
            | Msg::Mouse(_)
            | Msg::Paste(_)
            | Msg::Resize(..)
            | Msg::Tick
            | Msg::Idle => Vec::new(),
        }
    }

    /// The sign-in dialog follows the code and its countdown.
    fn on_sign_in_progress(&mut self, msg: Msg) {
        let Some(sign_in) = self.sign_in_dialog() else {
            return;
        };
        match msg {
            Msg::SignInStarted {
                code,
                url,
                seconds_left,
                opened_browser,
            } => {
                sign_in.code = Some(code);
                sign_in.url = Some(url);
                sign_in.seconds_left = Some(seconds_left);
                sign_in.opened_browser = opened_browser;
            }
            Msg::SignInProgress { seconds_left } => sign_in.seconds_left = Some(seconds_left),
            Msg::SignInUnreadable(why) => sign_in.unreadable = why,
            _ => {}
        }
    }

    /// The edit of `slug`, started from the portal when there is none yet.
    /// None while a draft of an earlier session waits for a decision on it:
    /// an edit now would overwrite that draft on disk.
    fn edit_for(&mut self, slug: &str) -> Option<&mut PortalEdit> {
        if !self.edits.contains_key(slug) {
            if self.has_pending_draft(slug) || self.is_edited_elsewhere(slug) {
                return None;
            }
            let portal = self.list.find(slug)?;
            self.edits.insert(slug.to_owned(), PortalEdit::new(portal));
        }
        self.edits.get_mut(slug)
    }

    /// Before an edit of `slug` starts: when a draft of an earlier session
    /// waits for it, shows that draft's dialog instead and says why.
    fn blocked_by_draft(&mut self, slug: &str) -> bool {
        if self.edits.contains_key(slug) {
            return false;
        }
        if self.edited_elsewhere(slug) {
            return true;
        }
        if !self.has_pending_draft(slug) {
            return false;
        }
        self.review_drafts(Some(slug));
        self.say(format!(
            "{slug} has a draft from an earlier session: restore or discard it first."
        ));
        true
    }

    fn sign_in_dialog(&mut self) -> Option<&mut super::dialogs::SignIn> {
        self.dialogs.iter_mut().find_map(|d| match d {
            Dialog::SignIn(sign_in) => Some(sign_in),
            _ => None,
        })
    }

    fn ask_to_quit(&mut self) -> Vec<Command> {
        let unsaved = self.unsaved();
        let creating = self.creation_on_its_way();
        if unsaved.is_empty() && !creating {
            self.quit = true;
        } else {
            self.dialogs.open(super::dialogs::Confirm::dialog(
                super::dialogs::ConfirmKind::Quit {
                    parts: (self.edits.iter())
                        .map(|(slug, edit)| (slug.clone(), edit.unsaved_parts()))
                        .collect(),
                    not_on_disk: self.not_on_disk(&unsaved),
                    saving: (self.edits.iter())
                        .filter(|(_, edit)| edit.saving)
                        .map(|(slug, _)| slug.clone())
                        .collect(),
                    unsaved,
                    creating,
                },
            ));
        }
        Vec::new()
    }

    /// A new portal sent to be created, its answer (with the token shown
    /// once) not back yet: whether its form is open or paused.
    fn creation_on_its_way(&self) -> bool {
        self.create_draft.as_deref().is_some_and(|f| f.submitting)
            || self
                .dialogs
                .any(|d| matches!(d, Dialog::Form(f) if f.submitting))
    }
}

#[cfg(test)]
mod tests;

/// The message the runtime sends once an answer is whole and indexed
/// (`tui/stream.rs`), for tests that hand the app an answer.
#[cfg(test)]
pub(crate) fn answer_for_test(
    slug: &str,
    ran_as: Option<crate::secrets::TokenKind>,
    response: crate::buildkite::InvokeResponse,
) -> Msg {
    Msg::Answered {
        slug: slug.into(),
        view: Box::new(crate::tui::run::ResponseView::new(response)),
        ran_as,
    }
}
