//! App state and `update(msg) -> Vec<Command>`. No I/O here: the runtime
//! performs the commands and feeds results back as messages.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::dialogs::{AuthChoice, Dialog, FormMode, PortalForm, SignIn, TokenDialog};
use super::editor::{Field, PortalEdit};
use super::input::LineInput;
use super::layout::{self, inner_height};
use super::message::{Command, Msg};
use super::run::{FormSource, Remembered, ResponseView, VariablesForm};
use crate::buildkite::{ApiError, Portal};
use crate::graphql::completion::{self, Completion};
use crate::graphql::schema::GraphqlSchema;
use crate::secrets::{Secret, TokenKind};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    List,
    Document,
    Variables,
    Response,
}

const FOCUS_ORDER: [Focus; 4] = [
    Focus::List,
    Focus::Document,
    Focus::Variables,
    Focus::Response,
];

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

#[derive(Debug)]
pub struct App {
    pub org: String,
    pub portals: Vec<Portal>,
    /// Slugs of portals with a stored token.
    pub stored_tokens: Vec<String>,
    pub loading: Loading,
    pub filter: String,
    pub filtering: bool,
    /// Indexes into `portals` that match the filter, best first.
    pub visible: Vec<usize>,
    /// Position in `visible`.
    pub selected: usize,
    pub list_scroll: usize,
    /// A reload is under way: the next page replaces the list.
    stale_list: bool,
    /// The portal to select again once a reload brings it back.
    reselect: Option<String>,
    pub focus: Focus,
    /// Unsaved edits, by portal slug. Kept when another portal is selected.
    pub edits: HashMap<String, PortalEdit>,
    /// A new portal being written; kept when the form is closed.
    pub create_draft: Option<Box<PortalForm>>,
    pub dialog: Option<Dialog>,
    pub variables: Option<VariablesForm>,
    pub remembered: Remembered,
    pub invoking: bool,
    /// An ephemeral token is being fetched.
    pub authorizing: bool,
    pub response: Option<ResponseView>,
    /// Drafts found at start, offered once the portals are listed.
    pub waiting_drafts: Vec<crate::drafts::Draft>,
    /// What was last written to disk for each edit: (revision, fields, dirty).
    draft_marks: HashMap<String, (u64, super::editor::FieldDraft, bool)>,
    /// Completion candidates shown under the cursor in the document.
    pub completion: Option<CompletionPopup>,
    /// The organization's GraphQL schema, once loaded (from cache or fetched).
    pub schema: Option<GraphqlSchema>,
    /// Where the schema stands, for the help screen and the status line.
    pub schema_note: String,
    /// F5 was pressed: say when the schema arrives.
    schema_asked: bool,
    pub show_help: bool,
    pub status: String,
    pub quit: bool,
    /// Spinner frame, advanced only while something is in flight.
    pub spinner: usize,
    pub screen: Rect,
}

impl App {
    pub fn new(org: &str, stored_tokens: Vec<String>) -> App {
        App {
            org: org.to_owned(),
            portals: Vec::new(),
            stored_tokens,
            loading: Loading::Idle,
            filter: String::new(),
            filtering: false,
            visible: Vec::new(),
            selected: 0,
            list_scroll: 0,
            stale_list: false,
            reselect: None,
            focus: Focus::List,
            edits: HashMap::new(),
            create_draft: None,
            dialog: None,
            variables: None,
            remembered: Remembered::new(),
            invoking: false,
            authorizing: false,
            response: None,
            waiting_drafts: Vec::new(),
            draft_marks: HashMap::new(),
            completion: None,
            schema: None,
            schema_note: "loading the GraphQL schema…".into(),
            schema_asked: false,
            show_help: false,
            status: String::new(),
            quit: false,
            spinner: 0,
            screen: Rect::new(0, 0, 80, 24),
        }
    }

    /// The commands to run at start.
    pub fn init(&mut self) -> Vec<Command> {
        let mut commands = self.reload();
        commands.push(Command::LoadSchema { refresh: false });
        commands
    }

    /// What the last run left behind: drafts (offered once portals are listed),
    /// drafts that could not be read, and a token dialog that was open.
    pub fn offer_drafts(
        &mut self,
        drafts: Vec<crate::drafts::Draft>,
        problems: Vec<String>,
        open_token_dialog: Option<String>,
    ) {
        self.waiting_drafts = drafts;
        if let Some(slug) = open_token_dialog {
            self.status = format!(
                "bkportals stopped while showing the new token of {slug}: it is in the token store (`bkportals token list`)."
            );
        } else if let Some(problem) = problems.first() {
            self.status = format!("Note: {problem}");
        }
    }

    /// Drafts to write or remove after this update: an edit's draft follows it.
    fn sync_drafts(&mut self) -> Vec<Command> {
        let mut commands = Vec::new();
        for (slug, edit) in &self.edits {
            let previous = self.draft_marks.get(slug);
            if previous.is_some_and(|(r, f, _)| *r == edit.revision && *f == edit.fields) {
                continue;
            }
            let dirty = edit.is_dirty();
            let was_dirty = previous.is_some_and(|(_, _, d)| *d);
            if dirty {
                commands.push(Command::WriteDraft(Box::new(edit.to_draft(&self.org))));
            } else if was_dirty {
                commands.push(Command::RemoveDraft(slug.clone()));
            }
            self.draft_marks
                .insert(slug.clone(), (edit.revision, edit.fields.clone(), dirty));
        }
        let gone: Vec<String> = self
            .draft_marks
            .keys()
            .filter(|slug| !self.edits.contains_key(*slug))
            .cloned()
            .collect();
        for slug in gone {
            if self
                .draft_marks
                .remove(&slug)
                .is_some_and(|(_, _, dirty)| dirty)
            {
                commands.push(Command::RemoveDraft(slug));
            }
        }
        commands
    }

    pub fn busy(&self) -> bool {
        self.loading == Loading::InFlight
            || self.invoking
            || self.authorizing
            || matches!(self.dialog, Some(Dialog::SignIn(_)))
            || self.edits.values().any(|e| e.saving)
            || matches!(&self.dialog, Some(Dialog::Form(f)) if f.submitting)
    }

    pub fn selected_portal(&self) -> Option<&Portal> {
        self.visible.get(self.selected).map(|&i| &self.portals[i])
    }

    fn selected_slug(&self) -> Option<String> {
        self.selected_portal().map(|p| p.slug.clone())
    }

    pub fn selected_edit(&self) -> Option<&PortalEdit> {
        self.edits.get(&self.selected_slug()?)
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

    fn unsaved_count(&self) -> usize {
        self.edits.values().filter(|e| e.is_dirty()).count()
    }

    pub fn areas(&self) -> layout::Areas {
        layout::areas(
            self.screen,
            matches!(self.focus, Focus::Variables | Focus::Response),
        )
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        let commands = match msg {
            Msg::Key(key) => self.on_key(key),
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
                Vec::new()
            }
            Msg::PortalsPage(page) => {
                let keep = self.reselect.clone().or_else(|| self.selected_slug());
                if std::mem::take(&mut self.stale_list) {
                    self.portals.clear();
                }
                self.portals.extend(page);
                self.refilter(keep);
                Vec::new()
            }
            Msg::PortalsLoaded => {
                if std::mem::take(&mut self.stale_list) {
                    self.portals.clear(); // the organization has no portals now
                    self.visible.clear();
                }
                self.loading = Loading::Idle;
                self.reselect = None;
                if !self.waiting_drafts.is_empty() && self.dialog.is_none() {
                    self.dialog = Some(Dialog::Drafts {
                        drafts: std::mem::take(&mut self.waiting_drafts),
                        selected: 0,
                    });
                }
                let count = self.portals.len();
                let noun = if count == 1 { "portal" } else { "portals" };
                self.status = format!("{count} {noun} in {}", self.org);
                Vec::new()
            }
            Msg::LoadFailed(message) => {
                self.stale_list = false;
                self.status = format!("Could not load portals: {message}");
                self.loading = Loading::Failed(message);
                Vec::new()
            }
            Msg::Saved { slug, result } => self.on_saved(slug, result),
            Msg::Conflict { slug, server } => self.on_conflict(slug, server),
            Msg::Created { result, stored } => self.on_created(result, stored),
            Msg::Deleted { slug, result } => self.on_deleted(slug, result),
            Msg::Answered { view, ran_as } => {
                if self.invoking {
                    self.show_answer(*view, ran_as);
                }
                Vec::new()
            }
            Msg::Invoked { result, ran_as } => {
                self.on_invoked(result, ran_as);
                Vec::new()
            }
            Msg::SignInStarted {
                code,
                url,
                seconds_left,
                opened_browser,
            } => {
                if let Some(Dialog::SignIn(sign_in)) = &mut self.dialog {
                    sign_in.code = Some(code);
                    sign_in.url = Some(url);
                    sign_in.seconds_left = Some(seconds_left);
                    sign_in.opened_browser = opened_browser;
                }
                Vec::new()
            }
            Msg::SignInProgress { seconds_left } => {
                if let Some(Dialog::SignIn(sign_in)) = &mut self.dialog {
                    sign_in.seconds_left = Some(seconds_left);
                }
                Vec::new()
            }
            Msg::SignedIn { slug, result } => self.on_authorized(slug, result, "Signed in"),
            Msg::EphemeralReady { slug, result } => {
                self.authorizing = false;
                self.on_authorized(slug, result, "Got an ephemeral token")
            }
            Msg::Copied(how) => {
                match &mut self.dialog {
                    Some(Dialog::Token(dialog)) => dialog.copied = Some(how.clone()),
                    Some(Dialog::SignIn(sign_in)) => sign_in.copied = Some(how.clone()),
                    _ => {}
                }
                self.status = how;
                Vec::new()
            }
            Msg::EditorClosed { slug, result } => match result {
                Ok(text) => {
                    if let Some(edit) = self.edit_for(&slug) {
                        edit.replace_text(&text);
                        self.status = "Document read back from the editor.".into();
                    }
                    Vec::new()
                }
                Err(e) => {
                    self.status = format!("The editor did not run: {e}");
                    Vec::new()
                }
            },
            Msg::Status(text) => {
                self.status = text;
                Vec::new()
            }
            Msg::Diagnosed {
                slug,
                generation,
                diagnostics,
            } => {
                if let Some(edit) = self.edits.get_mut(&slug) {
                    edit.diagnosed(generation, diagnostics);
                }
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
        };
        self.sync_variables();
        self.edit_focused_document();
        if self.focus != Focus::Document
            || self.dialog.is_some()
            || self.completion.as_ref().map(|c| &c.slug) != self.selected_slug().as_ref()
        {
            self.completion = None;
        }
        let mut commands = commands;
        commands.extend(self.request_diagnostics());
        commands.extend(self.sync_drafts());
        commands
    }

    fn reload(&mut self) -> Vec<Command> {
        self.reselect = self.selected_slug().or(self.reselect.take());
        // Edits without changes would hide the server's fresh version.
        self.edits.retain(|_, edit| edit.is_dirty() || edit.saving);
        // The list stays until the first fresh page replaces it: a reload that
        // fails (offline, server down) leaves what was there.
        self.stale_list = true;
        self.loading = Loading::InFlight;
        self.status = "Loading portals…".into();
        vec![Command::LoadPortals]
    }

    /// The edit of `slug`, started from the portal when there is none yet.
    fn edit_for(&mut self, slug: &str) -> Option<&mut PortalEdit> {
        if !self.edits.contains_key(slug) {
            let portal = self.portals.iter().find(|p| p.slug == slug)?;
            self.edits.insert(slug.to_owned(), PortalEdit::new(portal));
        }
        self.edits.get_mut(slug)
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && key.code == KeyCode::Char('c') {
            return self.ask_to_quit();
        }
        if self.dialog.is_some() {
            return self.dialog_key(key);
        }
        if self.show_help {
            self.show_help = false;
            return Vec::new();
        }
        if self.filtering {
            self.filter_key(key);
            return Vec::new();
        }
        let response_height = inner_height(self.areas().response);
        if let Some(response) = &mut self.response {
            if let Some(input) = &mut response.searching {
                match key.code {
                    KeyCode::Enter | KeyCode::Esc => {
                        let text = input.value().to_owned();
                        response.searching = None;
                        if key.code == KeyCode::Enter && !text.is_empty() {
                            response.search = Some(text.clone());
                            let height = response_height;
                            if !response.find(true, height) {
                                self.status = format!("`{text}` is not in the response");
                            }
                        }
                    }
                    _ => {
                        input.key(key);
                    }
                }
                return Vec::new();
            }
        }
        if self.completion.is_some() {
            let list_key = matches!(
                key.code,
                KeyCode::Tab | KeyCode::Enter | KeyCode::Up | KeyCode::Down | KeyCode::Esc
            );
            if list_key && self.focus == Focus::Document {
                // The list takes Tab (insert) before it can move the focus.
                return self.document_key(key);
            }
            if !matches!(key.code, KeyCode::Char(_)) || ctrl {
                // Ctrl-s and the like act as usual and close the list.
                self.completion = None;
            }
        }
        match key.code {
            KeyCode::Tab | KeyCode::BackTab => {
                let at = FOCUS_ORDER
                    .iter()
                    .position(|f| *f == self.focus)
                    .unwrap_or(0);
                let by = if key.code == KeyCode::Tab {
                    1
                } else {
                    FOCUS_ORDER.len() - 1
                };
                self.focus = FOCUS_ORDER[(at + by) % FOCUS_ORDER.len()];
                return Vec::new();
            }
            KeyCode::F(1) => {
                self.show_help = true;
                return Vec::new();
            }
            KeyCode::Char('s') if ctrl => return self.save(false),
            KeyCode::Char('r') if ctrl => return self.run(),
            KeyCode::F(5) => {
                self.schema_asked = true;
                self.status = "Fetching the GraphQL schema…".into();
                return vec![Command::LoadSchema { refresh: true }];
            }
            KeyCode::Esc if self.invoking => {
                self.invoking = false;
                self.status = "Invocation cancelled.".into();
                return vec![Command::CancelInvoke];
            }
            _ => {}
        }
        match self.focus {
            Focus::List => self.list_key(key),
            Focus::Document => self.document_key(key),
            Focus::Variables => self.variables_key(key),
            Focus::Response => self.response_key(key),
        }
    }

    fn ask_to_quit(&mut self) -> Vec<Command> {
        let unsaved = self.unsaved_count();
        if unsaved == 0 {
            self.quit = true;
        } else {
            self.dialog = Some(Dialog::ConfirmQuit { unsaved });
        }
        Vec::new()
    }

    fn filter_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => {
                self.filtering = false;
                self.filter.clear();
                self.refilter(self.selected_slug());
            }
            KeyCode::Enter => self.filtering = false,
            KeyCode::Backspace => {
                self.filter.pop();
                self.refilter(None);
            }
            KeyCode::Down => self.move_selection(1),
            KeyCode::Up => self.move_selection(-1),
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.filter.push(c);
                self.refilter(None);
            }
            _ => {}
        }
    }

    fn list_key(&mut self, key: KeyEvent) -> Vec<Command> {
        match key.code {
            KeyCode::Char('q') => return self.ask_to_quit(),
            KeyCode::Char('?') => self.show_help = true,
            KeyCode::Char('r') => return self.reload(),
            KeyCode::Char('/') => self.filtering = true,
            KeyCode::Char('n') => {
                let form = self
                    .create_draft
                    .take()
                    .unwrap_or_else(|| Box::new(PortalForm::create()));
                self.dialog = Some(Dialog::Form(form));
            }
            KeyCode::Char('d') => {
                if let Some(slug) = self.selected_slug() {
                    self.dialog = Some(Dialog::Delete {
                        slug,
                        typed: LineInput::default(),
                    });
                }
            }
            KeyCode::Char('f') => {
                if let Some(slug) = self.selected_slug() {
                    if let Some(edit) = self.edit_for(&slug) {
                        let form = PortalForm::edit(&edit.fields);
                        self.dialog = Some(Dialog::Form(Box::new(form)));
                    }
                }
            }
            KeyCode::Char('e') => return self.open_editor(),
            KeyCode::Char('a') => {
                if let Some(slug) = self.selected_slug() {
                    self.open_authorize(&slug);
                }
            }
            KeyCode::Esc if !self.filter.is_empty() => {
                self.filter.clear();
                self.refilter(self.selected_slug());
            }
            KeyCode::Enter | KeyCode::Right if self.selected_portal().is_some() => {
                self.focus = Focus::Document;
            }
            KeyCode::Down | KeyCode::Char('j') => self.move_selection(1),
            KeyCode::Up | KeyCode::Char('k') => self.move_selection(-1),
            KeyCode::PageDown => self.move_selection(10),
            KeyCode::PageUp => self.move_selection(-10),
            KeyCode::Home | KeyCode::Char('g') => self.move_selection(i32::MIN / 2),
            KeyCode::End | KeyCode::Char('G') => self.move_selection(i32::MAX / 2),
            _ => {}
        }
        Vec::new()
    }

    fn open_editor(&mut self) -> Vec<Command> {
        match (self.selected_slug(), self.selected_document()) {
            (Some(slug), Some(text)) => vec![Command::OpenEditor { slug, text }],
            _ => Vec::new(),
        }
    }

    fn document_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let Some(slug) = self.selected_slug() else {
            self.focus = Focus::List;
            return Vec::new();
        };
        if self.completion.is_some() && self.completion_key(&slug, key) {
            return Vec::new();
        }
        let height = inner_height(self.areas().document);
        match key.code {
            KeyCode::Esc => self.focus = Focus::List,
            KeyCode::Char('o') if ctrl => return self.open_editor(),
            KeyCode::Char(' ') if ctrl => self.open_completion(&slug, true),
            KeyCode::F(2) => self.explain_at_cursor(&slug),
            _ => {
                let Some(edit) = self.edit_for(&slug) else {
                    return Vec::new();
                };
                if edit.size() > super::editor::EDITABLE_LIMIT && !is_navigation(key) {
                    self.status = format!(
                        "This document is {} MB, more than the built-in editor changes quickly: Ctrl-o edits it in $EDITOR.",
                        edit.size() >> 20
                    );
                    return Vec::new();
                }
                let mut status = None;
                match key.code {
                    KeyCode::Char('z') if ctrl => edit.undo(),
                    KeyCode::Char('y') if ctrl => edit.redo(),
                    KeyCode::Char('f') if ctrl => {
                        status = Some(match edit.format() {
                            Ok(true) => "Formatted (Ctrl-z undoes it).".to_owned(),
                            Ok(false) => "Already formatted.".to_owned(),
                            Err(e) => format!("Not formatted: {e}."),
                        });
                    }
                    _ => edit.key(key),
                }
                edit.follow_cursor(height);
                if let Some(status) = status {
                    self.status = status;
                }
                // Typing a name opens the list by itself.
                if let KeyCode::Char(c) = key.code {
                    if !ctrl && (c.is_ascii_alphanumeric() || c == '_') {
                        self.open_completion(&slug, false);
                    }
                }
            }
        }
        Vec::new()
    }

    /// Fills the completion list for the cursor. `asked`: by Ctrl-Space, so
    /// say when there is nothing; typed: stay quiet, and stay closed when the
    /// name is already complete.
    fn open_completion(&mut self, slug: &str, asked: bool) {
        self.completion = None;
        let Some((schema, text, (row, column))) = self.at_cursor(slug, "No completion", asked)
        else {
            return;
        };
        let found = completion::complete(&schema, &text, row, column);
        match found {
            Some(found)
                if asked
                    || (found.prefix_len > 0
                        && found.candidates[0].label.chars().count() != found.prefix_len) =>
            {
                self.completion = Some(CompletionPopup {
                    slug: slug.to_owned(),
                    completion: found,
                    selected: 0,
                });
            }
            None if asked => self.status = "Nothing to complete here.".into(),
            _ => {}
        }
    }

    /// A key while the completion list is open; true when it was used.
    fn completion_key(&mut self, slug: &str, key: KeyEvent) -> bool {
        let Some(popup) = &mut self.completion else {
            return false;
        };
        let count = popup.completion.candidates.len();
        match key.code {
            KeyCode::Down => popup.selected = (popup.selected + 1) % count,
            KeyCode::Up => popup.selected = (popup.selected + count - 1) % count,
            KeyCode::Esc => self.completion = None,
            KeyCode::Tab | KeyCode::Enter => {
                let Some(popup) = self.completion.take() else {
                    return false;
                };
                let Some(chosen) = popup.completion.candidates.get(popup.selected) else {
                    return false;
                };
                // Enter after a name typed in full is a new line, not a choice.
                let typed_in_full = chosen.insert == chosen.label
                    && chosen.label.chars().count() == popup.completion.prefix_len;
                if key.code == KeyCode::Enter && typed_in_full {
                    return false;
                }
                let height = inner_height(self.areas().document);
                if let Some(edit) = self.edit_for(slug) {
                    edit.complete_with(popup.completion.prefix_len, &chosen.insert, chosen.cursor);
                    edit.follow_cursor(height);
                }
            }
            _ => {
                // Any other key goes to the text; the list follows it.
                self.completion = None;
                return false;
            }
        }
        true
    }

    /// The schema, the text and the cursor of `slug`'s edit, for completion
    /// and the field popup. Without a schema, says so (when `say`) and None.
    fn at_cursor(
        &mut self,
        slug: &str,
        what: &str,
        say: bool,
    ) -> Option<(GraphqlSchema, String, (usize, usize))> {
        let Some(schema) = self.schema.clone() else {
            if say {
                self.status = format!("{what} without a GraphQL schema ({}).", self.schema_note);
            }
            return None;
        };
        let edit = self.edit_for(slug)?;
        Some((schema, edit.text(), edit.cursor()))
    }

    /// Opens the field popup for the name under the cursor.
    fn explain_at_cursor(&mut self, slug: &str) {
        let Some((schema, text, (row, column))) = self.at_cursor(slug, "Nothing to explain", true)
        else {
            return;
        };
        let found = completion::coordinate_at(&schema, &text, row, column)
            .and_then(|coordinate| Some((schema.explain(&coordinate)?, coordinate)));
        match found {
            Some((text, coordinate)) => {
                self.dialog = Some(Dialog::Explain {
                    coordinate,
                    text,
                    scroll: 0,
                })
            }
            None => {
                self.status = "The cursor is not on a field, argument or type of the schema.".into()
            }
        }
    }

    /// Asks for diagnostics off the input path for every edit whose text is
    /// ahead of them: a large document's parse, or validation against the
    /// schema. One job per edit at a time; the text typed meanwhile is sent
    /// when it answers.
    fn request_diagnostics(&mut self) -> Vec<Command> {
        let schema = self.schema.clone();
        let mut commands = Vec::new();
        for (slug, edit) in &mut self.edits {
            let owed = edit.diagnostics_pending || (schema.is_some() && edit.validation_pending);
            if owed
                && !edit.awaiting_diagnostics
                && edit.requested_generation != Some(edit.generation)
            {
                edit.requested_generation = Some(edit.generation);
                edit.awaiting_diagnostics = true;
                commands.push(Command::Diagnose {
                    slug: slug.clone(),
                    generation: edit.generation,
                    text: edit.text(),
                    schema: schema.clone(),
                });
            }
        }
        commands
    }

    /// The document pane shows diagnostics of an edit: start one (unchanged)
    /// when the pane is focused, so the schema's verdict shows before typing.
    fn edit_focused_document(&mut self) {
        if self.focus == Focus::Document && self.schema.is_some() {
            if let Some(slug) = self.selected_slug() {
                self.edit_for(&slug);
            }
        }
    }

    fn on_schema(&mut self, schema: GraphqlSchema, fetched_at: DateTime<Utc>, fetched_now: bool) {
        let when = fetched_at.format("%Y-%m-%d %H:%M UTC");
        self.schema_note = if fetched_now {
            format!("Schema fetched {when} · F5 fetches it again")
        } else {
            format!("Schema cached {when} · F5 fetches it again")
        };
        // Said when asked for (F5); a routine fetch at start stays quiet.
        if fetched_now && std::mem::take(&mut self.schema_asked) {
            self.status = "GraphQL schema fetched: documents are validated against it.".into();
        }
        self.schema = Some(schema);
        for edit in self.edits.values_mut() {
            edit.revalidate();
        }
    }

    fn on_schema_unavailable(&mut self, reason: String) {
        self.schema_asked = false;
        let reason = crate::text::sanitize_line(&reason);
        self.status = match &self.schema {
            Some(_) => format!(
                "Could not fetch the GraphQL schema again ({reason}); still using the cached one."
            ),
            None => {
                format!("No GraphQL schema ({reason}): only syntax is checked. F5 tries again.")
            }
        };
        if self.schema.is_none() {
            self.schema_note = format!("no GraphQL schema ({reason}); F5 tries again");
        }
    }

    fn variables_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let Some(form) = &mut self.variables else {
            if key.code == KeyCode::Esc {
                self.focus = Focus::List;
            }
            return Vec::new();
        };
        match key.code {
            KeyCode::Esc => self.focus = Focus::List,
            KeyCode::Enter if form.on_run_button() => return self.run(),
            KeyCode::Enter => form.row = (form.row + 1).min(form.run_row()),
            _ => {
                form.key(key, &mut self.remembered);
            }
        }
        Vec::new()
    }

    fn response_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let height =
            inner_height(self.areas().response).saturating_sub(self.response_header_rows());
        let Some(view) = &mut self.response else {
            if key.code == KeyCode::Esc {
                self.focus = Focus::List;
            }
            return Vec::new();
        };
        match key.code {
            KeyCode::Esc => self.focus = Focus::List,
            KeyCode::Down | KeyCode::Char('j') => view.move_cursor(1, height),
            KeyCode::Up | KeyCode::Char('k') => view.move_cursor(-1, height),
            KeyCode::PageDown => view.move_cursor(height as isize, height),
            KeyCode::PageUp => view.move_cursor(-(height as isize), height),
            KeyCode::Home | KeyCode::Char('g') => view.move_cursor(isize::MIN / 2, height),
            KeyCode::End | KeyCode::Char('G') => view.move_cursor(isize::MAX / 2, height),
            KeyCode::Enter | KeyCode::Char(' ') | KeyCode::Char('z') => view.toggle_fold(),
            KeyCode::Char('/') => view.searching = Some(LineInput::default()),
            KeyCode::Char('n') | KeyCode::Char('N') => {
                let forward = key.code == KeyCode::Char('n');
                if !view.find(forward, height) {
                    self.status = "No match: search with /".into();
                }
            }
            KeyCode::Char('c') => {
                if let Some(path) = view.body.source().spilled_to() {
                    self.status = format!(
                        "The body is {} MB, too large for a clipboard; s saves it (it is in {} until then).",
                        view.body.raw().len() >> 20,
                        path.display()
                    );
                    return Vec::new();
                }
                return vec![Command::Copy(view.body.raw().to_owned())];
            }
            KeyCode::Char('s') => {
                self.dialog = Some(Dialog::SaveResponse {
                    path: LineInput::new("response.json"),
                })
            }
            KeyCode::Char('?') => self.show_help = true,
            KeyCode::Char('q') => return self.ask_to_quit(),
            _ => {}
        }
        Vec::new()
    }

    /// Rows the response pane gives to GraphQL errors before the body.
    pub fn response_header_rows(&self) -> usize {
        self.response.as_ref().map_or(0, |r| {
            if r.errors.is_empty() {
                0
            } else {
                r.errors.len().min(5) + 1
            }
        })
    }

    fn on_mouse(&mut self, mouse: MouseEvent) {
        let areas = self.areas();
        let (column, row) = (mouse.column, mouse.row);
        let pane = [
            (areas.list, Focus::List),
            (areas.document, Focus::Document),
            (areas.variables, Focus::Variables),
            (areas.response, Focus::Response),
        ]
        .into_iter()
        .find(|(area, _)| layout::contains(*area, column, row))
        .map(|(_, focus)| focus);
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) if self.dialog.is_none() => {
                if let Some(focus) = pane {
                    self.focus = focus;
                }
                if pane == Some(Focus::List) && row > areas.list.y {
                    let index = self.list_scroll + (row - areas.list.y - 1) as usize;
                    if index < self.visible.len() {
                        self.selected = index;
                    }
                }
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let by: i32 = if mouse.kind == MouseEventKind::ScrollDown {
                    3
                } else {
                    -3
                };
                match pane {
                    Some(Focus::List) => self.move_selection(by),
                    Some(Focus::Document) => {
                        if let Some(slug) = self.selected_slug() {
                            if let Some(edit) = self.edit_for(&slug) {
                                let last = edit.document.lines().len().saturating_sub(1) as i64;
                                edit.scroll =
                                    (edit.scroll as i64 + i64::from(by)).clamp(0, last) as usize;
                            }
                        }
                    }
                    Some(Focus::Response) => {
                        let height = inner_height(areas.response);
                        if let Some(view) = &mut self.response {
                            view.move_cursor(by as isize, height);
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    fn on_paste(&mut self, text: &str) -> Vec<Command> {
        match &mut self.dialog {
            Some(Dialog::TokenPrompt { input, .. } | Dialog::SecretPrompt { input, .. }) => {
                input.paste(text.trim())
            }
            Some(Dialog::Delete { typed, .. }) => typed.paste(text),
            Some(Dialog::SaveResponse { path }) => path.paste(text),
            Some(Dialog::Form(form)) => {
                use super::dialogs::FormRow;
                match form.focused() {
                    FormRow::Name => form.name.paste(text),
                    FormRow::Slug => form.slug.paste(text),
                    FormRow::Description => form.description.paste(text),
                    FormRow::AllowedIps => form.allowed_ips.paste(text),
                    FormRow::Document => {
                        if let Some(doc) = &mut form.document {
                            doc.insert_str(text);
                        }
                    }
                    FormRow::UserInvokable => {}
                }
            }
            Some(_) => {}
            None if self.focus == Focus::Document => {
                if let Some(slug) = self.selected_slug() {
                    if let Some(edit) = self.edit_for(&slug) {
                        if edit.size() > super::editor::EDITABLE_LIMIT {
                            self.status =
                                "This document is too large to change here: Ctrl-o edits it in $EDITOR.".into();
                        } else {
                            edit.paste(text);
                        }
                    }
                }
            }
            None => {
                if let (Focus::Variables, Some(form)) = (self.focus, &mut self.variables) {
                    if let Some(i) = form.focused_input() {
                        form.inputs[i].paste(text);
                        form.remember(&mut self.remembered);
                    }
                }
            }
        }
        Vec::new()
    }

    // ---- saving -------------------------------------------------------------

    fn save(&mut self, confirmed: bool) -> Vec<Command> {
        let Some(slug) = self.selected_slug() else {
            return Vec::new();
        };
        let Some(edit) = self.edits.get_mut(&slug) else {
            self.status = "Nothing to save.".into();
            return Vec::new();
        };
        if edit.saving {
            return Vec::new();
        }
        let changes = edit.changes();
        if changes.is_empty() {
            self.status = "Nothing to save: the portal matches Buildkite's.".into();
            return Vec::new();
        }
        if changes.query.is_some() && !edit.diagnostics.is_empty() && !confirmed {
            self.dialog = Some(Dialog::ConfirmSave {
                slug,
                summary: crate::graphql::diagnostics::summary(&edit.diagnostics),
                syntax: edit
                    .diagnostics
                    .iter()
                    .any(|d| d.kind == crate::graphql::diagnostics::DiagnosticKind::Syntax),
            });
            return Vec::new();
        }
        edit.saving = true;
        edit.server_error = None;
        self.status = format!("Saving {slug}…");
        let expected = Some(Box::new(edit.base.clone()));
        vec![Command::Save {
            slug,
            changes,
            expected,
        }]
    }

    fn on_conflict(&mut self, slug: String, server: Box<Portal>) -> Vec<Command> {
        if let Some(edit) = self.edits.get_mut(&slug) {
            edit.saving = false;
        }
        self.status = format!("Not saved: {slug} changed on Buildkite since you loaded it.");
        self.dialog = Some(Dialog::Conflict { slug, server });
        Vec::new()
    }

    fn on_saved(&mut self, slug: String, result: Result<Portal, ApiError>) -> Vec<Command> {
        match result {
            Ok(portal) => {
                let new_slug = portal.slug.clone();
                if let Some(existing) = self.portals.iter_mut().find(|p| p.slug == slug) {
                    *existing = portal.clone();
                }
                if let Some(mut edit) = self.edits.remove(&slug) {
                    edit.saved(portal);
                    self.edits.insert(new_slug.clone(), edit);
                }
                if new_slug != slug {
                    for stored in &mut self.stored_tokens {
                        if *stored == slug {
                            *stored = new_slug.clone();
                        }
                    }
                }
                self.status = format!("Saved {new_slug}.");
                self.refilter(Some(new_slug));
            }
            Err(error) => {
                let message = error.to_string();
                if let Some(edit) = self.edits.get_mut(&slug) {
                    edit.saving = false;
                    edit.server_error = Some(match &error {
                        ApiError::Validation { message } => {
                            (Field::of_message(message), message.clone())
                        }
                        _ => (None, message.clone()),
                    });
                }
                self.status = format!("Not saved: {message}");
            }
        }
        Vec::new()
    }

    // ---- dialogs ------------------------------------------------------------

    fn dialog_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let Some(dialog) = self.dialog.take() else {
            return Vec::new();
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let (keep, commands) = match dialog {
            Dialog::Explain {
                coordinate,
                text,
                scroll,
            } => {
                let lines = text.lines().count();
                let scroll = match key.code {
                    KeyCode::Down | KeyCode::Char('j') => Some(scroll + 1),
                    KeyCode::Up | KeyCode::Char('k') => Some(scroll.saturating_sub(1)),
                    KeyCode::PageDown | KeyCode::Char(' ') => Some(scroll + 10),
                    KeyCode::PageUp => Some(scroll.saturating_sub(10)),
                    _ => None,
                };
                let keep = scroll.map(|scroll| Dialog::Explain {
                    coordinate,
                    text,
                    scroll: scroll.min(lines.saturating_sub(1)),
                });
                (keep, Vec::new())
            }
            Dialog::Form(mut form) => {
                let submit = ctrl && key.code == KeyCode::Char('s');
                if submit {
                    return self.submit_form(form);
                }
                if key.code == KeyCode::Esc {
                    self.close_form(form);
                    return Vec::new();
                }
                // Enter on a one-line field moves on, like Tab.
                if !form.key(key) && key.code == KeyCode::Enter {
                    let rows = form.rows().len();
                    form.focus = (form.focus + 1).min(rows - 1);
                }
                (Some(Dialog::Form(form)), Vec::new())
            }
            Dialog::Token(mut dialog) => match key.code {
                KeyCode::Char('c') => {
                    let token = dialog.token.expose().to_owned();
                    (Some(Dialog::Token(dialog)), vec![Command::Copy(token)])
                }
                KeyCode::Char(' ') | KeyCode::Char('s') => {
                    dialog.store = !dialog.store;
                    (Some(Dialog::Token(dialog)), Vec::new())
                }
                KeyCode::Enter => {
                    let mut commands = vec![Command::NoteTokenDialog(None)];
                    if dialog.store {
                        self.status =
                            format!("Portal {} created; its token is stored.", dialog.slug);
                    } else {
                        self.stored_tokens.retain(|s| *s != dialog.slug);
                        self.status =
                            format!("Portal {} created; its token was not kept.", dialog.slug);
                        commands.push(Command::ForgetToken(dialog.slug.clone()));
                    }
                    (None, commands)
                }
                _ => {
                    dialog.reminded = true;
                    (Some(Dialog::Token(dialog)), Vec::new())
                }
            },
            Dialog::Delete { slug, mut typed } => match key.code {
                KeyCode::Esc => {
                    self.status = "Not deleted.".into();
                    (None, Vec::new())
                }
                KeyCode::Enter if typed.value() == slug => {
                    self.status = format!("Deleting {slug}…");
                    (None, vec![Command::Delete(slug)])
                }
                _ => {
                    typed.key(key);
                    (Some(Dialog::Delete { slug, typed }), Vec::new())
                }
            },
            dialog @ Dialog::ConfirmSave { .. } => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => return self.save(true),
                KeyCode::Char('n') | KeyCode::Esc => {
                    self.status = "Not saved: fix the document first.".into();
                    (None, Vec::new())
                }
                _ => (Some(dialog), Vec::new()),
            },
            Dialog::ConfirmQuit { unsaved } => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    self.quit = true;
                    (None, Vec::new())
                }
                KeyCode::Char('n') | KeyCode::Esc => (None, Vec::new()),
                _ => (Some(Dialog::ConfirmQuit { unsaved }), Vec::new()),
            },
            Dialog::Authorize {
                slug,
                choices,
                mut selected,
            } => match key.code {
                KeyCode::Esc => (None, Vec::new()),
                KeyCode::Up => {
                    selected = selected.saturating_sub(1);
                    (
                        Some(Dialog::Authorize {
                            slug,
                            choices,
                            selected,
                        }),
                        Vec::new(),
                    )
                }
                KeyCode::Down => {
                    selected = (selected + 1).min(choices.len().saturating_sub(1));
                    (
                        Some(Dialog::Authorize {
                            slug,
                            choices,
                            selected,
                        }),
                        Vec::new(),
                    )
                }
                KeyCode::Enter => match choices.get(selected) {
                    Some(AuthChoice::SignIn) => (
                        Some(Dialog::SignIn(SignIn {
                            slug: slug.clone(),
                            code: None,
                            url: None,
                            seconds_left: None,
                            opened_browser: false,
                            copied: None,
                        })),
                        vec![Command::SignIn { slug }],
                    ),
                    Some(AuthChoice::PasteToken) => (
                        Some(Dialog::TokenPrompt {
                            slug,
                            input: LineInput::secret(),
                            store: true,
                        }),
                        Vec::new(),
                    ),
                    Some(AuthChoice::PortalSecret) => (
                        Some(Dialog::SecretPrompt {
                            slug,
                            input: LineInput::secret(),
                        }),
                        Vec::new(),
                    ),
                    None => (None, Vec::new()),
                },
                _ => (
                    Some(Dialog::Authorize {
                        slug,
                        choices,
                        selected,
                    }),
                    Vec::new(),
                ),
            },
            Dialog::SecretPrompt { slug, mut input } => match key.code {
                KeyCode::Esc => (None, Vec::new()),
                KeyCode::Enter if !input.value().trim().is_empty() => {
                    let uuid = self
                        .portals
                        .iter()
                        .find(|p| p.slug == slug)
                        .map(|p| p.uuid.clone());
                    match uuid {
                        Some(portal_uuid) => {
                            self.authorizing = true;
                            self.status = format!("Getting an ephemeral token for {slug}…");
                            let secret = Secret::new(input.value().trim());
                            (
                                None,
                                vec![Command::Ephemeral {
                                    slug,
                                    portal_uuid,
                                    secret,
                                }],
                            )
                        }
                        None => (None, Vec::new()),
                    }
                }
                _ => {
                    input.key(key);
                    (Some(Dialog::SecretPrompt { slug, input }), Vec::new())
                }
            },
            Dialog::SignIn(sign_in) => match key.code {
                KeyCode::Esc => {
                    self.status = "Sign-in cancelled.".into();
                    (None, vec![Command::CancelSignIn])
                }
                KeyCode::Char('c') => {
                    let commands = sign_in.url.clone().map(Command::Copy).into_iter().collect();
                    (Some(Dialog::SignIn(sign_in)), commands)
                }
                _ => (Some(Dialog::SignIn(sign_in)), Vec::new()),
            },
            Dialog::TokenPrompt {
                slug,
                mut input,
                mut store,
            } => match key.code {
                KeyCode::Esc => (None, Vec::new()),
                KeyCode::Tab => {
                    store = !store;
                    (Some(Dialog::TokenPrompt { slug, input, store }), Vec::new())
                }
                KeyCode::Enter if !input.value().trim().is_empty() => {
                    let token = Secret::new(input.value().trim());
                    if store {
                        self.stored_tokens.push(slug.clone());
                    }
                    return self.start_invoke(slug, Some(token), store);
                }
                _ => {
                    input.key(key);
                    (Some(Dialog::TokenPrompt { slug, input, store }), Vec::new())
                }
            },
            Dialog::Drafts {
                mut drafts,
                mut selected,
            } => {
                let mut commands = Vec::new();
                let slug = drafts
                    .get(selected)
                    .map(|d| d.slug.clone())
                    .unwrap_or_default();
                let server = self.portals.iter().find(|p| p.slug == slug).cloned();
                match key.code {
                    KeyCode::Esc => {
                        self.status = format!("{} draft(s) kept on disk for later.", drafts.len());
                        return Vec::new();
                    }
                    KeyCode::Up => selected = selected.saturating_sub(1),
                    KeyCode::Down => selected = (selected + 1).min(drafts.len().saturating_sub(1)),
                    KeyCode::Char('x') => {
                        drafts.remove(selected);
                        commands.push(Command::RemoveDraft(slug.clone()));
                        self.status = format!("Discarded the draft of {slug}.");
                    }
                    KeyCode::Char('r') | KeyCode::Char('d') if server.is_none() => {
                        self.status = format!(
                            "{slug} no longer exists on Buildkite: x discards its draft, Esc keeps it."
                        );
                    }
                    KeyCode::Char('r') | KeyCode::Char('d') => {
                        let draft = drafts.remove(selected);
                        let edit = PortalEdit::from_draft(&draft);
                        let server = server.unwrap_or_else(|| draft.base.clone());
                        let changed_since = server != draft.base;
                        self.edits.insert(slug.clone(), edit);
                        self.refilter(Some(slug.clone()));
                        if key.code == KeyCode::Char('d') || changed_since {
                            // Side by side with the server's version, to choose.
                            self.dialog = Some(Dialog::Conflict {
                                slug,
                                server: Box::new(server),
                            });
                            if !drafts.is_empty() {
                                self.waiting_drafts = drafts;
                            }
                            return commands;
                        }
                        self.focus = Focus::Document;
                        self.status = format!("Restored the draft of {slug}: Ctrl-s saves it.");
                    }
                    _ => {}
                }
                selected = selected.min(drafts.len().saturating_sub(1));
                let keep = (!drafts.is_empty()).then_some(Dialog::Drafts { drafts, selected });
                (keep, commands)
            }
            Dialog::Conflict { slug, server } => match key.code {
                // Keep mine: my whole version wins over the server's current one.
                KeyCode::Char('y') | KeyCode::Char('k') => {
                    let Some(edit) = self.edits.get_mut(&slug) else {
                        return Vec::new();
                    };
                    let mine = edit.changes_over(&server);
                    edit.base = (*server).clone();
                    edit.revision += 1; // a new base: dirtiness and drafts follow
                    edit.saving = true;
                    self.status = format!("Saving {slug} over the server's version…");
                    (
                        None,
                        vec![Command::Save {
                            slug,
                            changes: mine,
                            expected: Some(server),
                        }],
                    )
                }
                // Take the server's: my edit is replaced.
                KeyCode::Char('t') => {
                    if let Some(existing) = self.portals.iter_mut().find(|p| p.slug == slug) {
                        *existing = (*server).clone();
                    }
                    if let Some(edit) = self.edits.get_mut(&slug) {
                        edit.saved(*server);
                    }
                    self.status = format!("Took Buildkite's version of {slug}.");
                    (None, Vec::new())
                }
                // Back to editing, on top of their version.
                KeyCode::Char('e') | KeyCode::Esc => {
                    if let Some(existing) = self.portals.iter_mut().find(|p| p.slug == slug) {
                        *existing = (*server).clone();
                    }
                    if let Some(edit) = self.edits.get_mut(&slug) {
                        edit.rebase(*server);
                    }
                    self.status = format!(
                        "Editing on top of Buildkite's new version of {slug}: your changes are kept."
                    );
                    (None, Vec::new())
                }
                _ => (Some(Dialog::Conflict { slug, server }), Vec::new()),
            },
            Dialog::SaveResponse { mut path } => match key.code {
                KeyCode::Esc => (None, Vec::new()),
                KeyCode::Enter if !path.value().trim().is_empty() => {
                    let contents = self
                        .response
                        .as_ref()
                        .map(|r| r.body.source().clone())
                        .unwrap_or_else(|| String::new().into());
                    let path = path.value().trim().to_owned();
                    (None, vec![Command::WriteFile { path, contents }])
                }
                _ => {
                    path.key(key);
                    (Some(Dialog::SaveResponse { path }), Vec::new())
                }
            },
        };
        if self.dialog.is_none() {
            self.dialog = keep;
        }
        commands
    }

    fn close_form(&mut self, form: Box<PortalForm>) {
        match &form.mode {
            FormMode::Create => {
                self.status = "Creation paused: press n to continue where you left off.".into();
                self.create_draft = Some(form);
            }
            FormMode::EditFields { slug } => {
                // Typed values are kept as unsaved edits of the portal.
                let slug = slug.clone();
                let draft = form.draft();
                if let Some(edit) = self.edit_for(&slug) {
                    edit.fields = draft;
                }
                if self.is_dirty(&slug) {
                    self.status = "Fields changed: Ctrl-s saves them.".into();
                }
            }
        }
    }

    fn submit_form(&mut self, mut form: Box<PortalForm>) -> Vec<Command> {
        if form.submitting {
            self.dialog = Some(Dialog::Form(form));
            return Vec::new();
        }
        if let Some((_, problem)) = form.problem() {
            self.status = format!("Cannot submit yet: {problem}.");
            self.dialog = Some(Dialog::Form(form));
            return Vec::new();
        }
        match form.mode.clone() {
            FormMode::Create => {
                let new = form.new_portal();
                form.submitting = true;
                form.server_error = None;
                self.status = format!("Creating {}…", new.name);
                self.dialog = Some(Dialog::Form(form));
                vec![Command::Create(new)]
            }
            FormMode::EditFields { slug } => {
                let draft = form.draft();
                if let Some(edit) = self.edit_for(&slug) {
                    edit.fields = draft;
                }
                self.save(false)
            }
        }
    }

    fn on_created(
        &mut self,
        result: Result<crate::buildkite::CreatedPortal, ApiError>,
        stored: Result<(), String>,
    ) -> Vec<Command> {
        let form = match self.dialog.take() {
            Some(Dialog::Form(form)) => Some(form),
            other => {
                self.dialog = other;
                None
            }
        };
        match result {
            Ok(created) => {
                let slug = created.portal.slug.clone();
                self.portals.push(created.portal);
                let stored_ok = stored.is_ok();
                if stored_ok {
                    self.stored_tokens.push(slug.clone());
                }
                self.filter.clear();
                self.refilter(Some(slug.clone()));
                self.create_draft = None;
                self.status = match stored {
                    Ok(()) => format!("Created {slug}. Save its token now: it is shown only once."),
                    Err(e) => format!(
                        "Created {slug}, but the token could not be stored ({e}): copy it now."
                    ),
                };
                self.dialog = Some(Dialog::Token(TokenDialog {
                    slug: slug.clone(),
                    token: created.token,
                    store: stored_ok,
                    copied: None,
                    reminded: false,
                }));
                return vec![Command::NoteTokenDialog(Some(slug))];
            }
            Err(error) => {
                let message = error.to_string();
                self.status = format!("Not created: {message}");
                if let Some(mut form) = form {
                    form.submitting = false;
                    form.server_error = Some(match &error {
                        ApiError::Validation { message } => {
                            (Field::of_message(message), message.clone())
                        }
                        _ => (None, message),
                    });
                    if self.dialog.is_none() {
                        self.dialog = Some(Dialog::Form(form));
                    } else {
                        self.create_draft = Some(form);
                    }
                }
            }
        }
        Vec::new()
    }

    fn on_deleted(&mut self, slug: String, result: Result<(), ApiError>) -> Vec<Command> {
        match result {
            Ok(()) => {
                let keep_position = self.selected;
                self.portals.retain(|p| p.slug != slug);
                self.edits.remove(&slug);
                self.stored_tokens.retain(|s| *s != slug);
                self.refilter(None);
                self.selected = keep_position.min(self.visible.len().saturating_sub(1));
                self.status = format!("Deleted {slug}.");
            }
            Err(error) => self.status = format!("Not deleted: {error}"),
        }
        Vec::new()
    }

    // ---- invoking -------------------------------------------------------------

    /// Brings the form up to date with the document before it is used.
    fn focus_variables_form(&mut self) {
        let focus = self.focus;
        self.focus = Focus::Variables;
        self.sync_variables();
        self.focus = focus;
    }

    /// Rebuilds the variables form when the selected portal or its document changed.
    fn sync_variables(&mut self) {
        let Some(slug) = self.selected_slug() else {
            self.variables = None;
            return;
        };
        // What the form would be built from, borrowed: the server's document
        // is copied only when the form is rebuilt.
        let (edit_generation, size) = match self.selected_edit() {
            Some(edit) => (Some(edit.generation), edit.size()),
            None => match self.selected_portal() {
                Some(portal) => (None, portal.query.len()),
                None => return,
            },
        };
        let server_document = self.selected_portal().map_or("", |p| p.query.as_str());
        let form_slug = self.variables.as_ref().map(|f| f.slug.as_str());
        // A large document is not re-read on every key: the form catches up
        // when the portal changes or the form is used.
        let wanted = form_slug != Some(slug.as_str())
            || self.focus == Focus::Variables
            || size <= super::editor::SYNC_PARSE_LIMIT;
        let current = self.variables.as_ref().is_some_and(|f| {
            f.built_from(
                &slug,
                edit_generation,
                server_document,
                self.schema.is_some(),
            )
        });
        if wanted && !current {
            let Some(document) = self.selected_document() else {
                return;
            };
            let source = match edit_generation {
                Some(generation) => FormSource::Edit(generation),
                None => FormSource::Server(document.clone()),
            };
            let row = self
                .variables
                .as_ref()
                .filter(|f| f.slug == slug)
                .map(|f| f.row);
            let mut form = VariablesForm::new(
                &slug,
                &document,
                source,
                &self.remembered,
                self.schema.clone(),
            );
            if let Some(row) = row {
                form.row = row.min(form.run_row());
            }
            self.variables = Some(form);
        }
    }

    fn run(&mut self) -> Vec<Command> {
        let Some(slug) = self.selected_slug() else {
            return Vec::new();
        };
        self.focus_variables_form();
        if self.invoking {
            self.status = "Already running: Esc cancels.".into();
            return Vec::new();
        }
        let Some(form) = &mut self.variables else {
            return Vec::new();
        };
        if let Some(error) = &form.parse_error {
            self.status = format!("Cannot run: the document does not parse ({error}).");
            return Vec::new();
        }
        if let Err(count) = form.values() {
            if let Some(first_bad) = form.errors.iter().position(Option::is_some) {
                form.row = form.run_row() - form.inputs.len() + first_bad;
            }
            self.focus = Focus::Variables;
            self.status = format!("{count} variable(s) need a fix before running.");
            return Vec::new();
        }
        if self.has_token(&slug) {
            self.start_invoke(slug, None, false)
        } else {
            self.open_authorize(&slug);
            Vec::new()
        }
    }

    /// Offers every way to authorize runs of `slug`.
    fn open_authorize(&mut self, slug: &str) {
        let Some(portal) = self.portals.iter().find(|p| p.slug == slug) else {
            return;
        };
        let mut choices = Vec::new();
        if portal.user_invokable {
            choices.push(AuthChoice::SignIn);
        }
        choices.push(AuthChoice::PasteToken);
        choices.push(AuthChoice::PortalSecret);
        self.dialog = Some(Dialog::Authorize {
            slug: slug.to_owned(),
            choices,
            selected: 0,
        });
    }

    /// A short-lived token was stored (or not): run the portal with it.
    fn on_authorized(
        &mut self,
        slug: String,
        result: Result<String, String>,
        what: &str,
    ) -> Vec<Command> {
        if matches!(&self.dialog, Some(Dialog::SignIn(s)) if s.slug == slug) {
            self.dialog = None;
        }
        match result {
            Ok(expires_at) => {
                if !self.has_token(&slug) {
                    self.stored_tokens.push(slug.clone());
                }
                self.status = format!("{what}: a token for {slug} is stored until {expires_at}.");
                if self.selected_slug().as_deref() == Some(slug.as_str()) {
                    return self.run();
                }
                Vec::new()
            }
            Err(why) => {
                self.status = format!("No token for {slug}: {why}");
                Vec::new()
            }
        }
    }

    fn start_invoke(
        &mut self,
        slug: String,
        token: Option<Secret>,
        store_token: bool,
    ) -> Vec<Command> {
        let Some(form) = &mut self.variables else {
            return Vec::new();
        };
        let Ok(variables) = form.values() else {
            return Vec::new();
        };
        let operation = if form.operations.len() > 1 {
            form.operation_name().map(str::to_owned)
        } else {
            None
        };
        let note = if self.is_dirty(&slug) {
            " (the saved document: save to run your edits)"
        } else {
            ""
        };
        self.invoking = true;
        self.status = format!("Running {slug}{note}… Esc cancels.");
        vec![Command::Invoke {
            slug,
            operation,
            variables,
            token,
            store_token,
        }]
    }

    fn on_invoked(
        &mut self,
        result: Result<crate::buildkite::InvokeResponse, ApiError>,
        ran_as: Option<TokenKind>,
    ) {
        if !self.invoking {
            return; // cancelled: the answer is no longer wanted
        }
        self.invoking = false;
        match result {
            Ok(response) => self.show_answer(ResponseView::new(response), ran_as),
            Err(error) => {
                if let ApiError::Unauthorized { .. } = error {
                    if let Some(slug) = self.selected_slug() {
                        self.status = format!("The token for {slug} was refused: {error}");
                        self.stored_tokens.retain(|s| *s != slug);
                        self.open_authorize(&slug);
                        return;
                    }
                }
                self.status = format!("Invocation failed: {error}");
            }
        }
    }

    fn show_answer(&mut self, view: ResponseView, ran_as: Option<TokenKind>) {
        self.invoking = false;
        let identity = match ran_as {
            Some(kind) => format!(", with {kind}"),
            None => String::new(),
        };
        self.status = if view.errors.is_empty() {
            format!("HTTP {} in {} ms{identity}.", view.status, view.elapsed_ms)
        } else {
            format!(
                "HTTP {} with {} GraphQL error(s){identity}.",
                view.status,
                view.errors.len()
            )
        };
        self.response = Some(view);
        self.focus = Focus::Response;
    }

    // ---- the list -------------------------------------------------------------

    fn move_selection(&mut self, by: i32) {
        self.reselect = None; // the person chose
        if self.visible.is_empty() {
            return;
        }
        let last = self.visible.len() as i64 - 1;
        self.selected = (self.selected as i64 + i64::from(by)).clamp(0, last) as usize;
        self.follow_selection();
    }

    fn follow_selection(&mut self) {
        let height = inner_height(self.areas().list).max(1);
        if self.selected < self.list_scroll {
            self.list_scroll = self.selected;
        } else if self.selected >= self.list_scroll + height {
            self.list_scroll = self.selected + 1 - height;
        }
    }

    /// Recomputes the visible portals; keeps `keep` selected when it is still visible.
    fn refilter(&mut self, keep: Option<String>) {
        let needle = self.filter.to_lowercase();
        let mut scored: Vec<(i64, usize)> = self
            .portals
            .iter()
            .enumerate()
            .filter_map(|(i, p)| portal_score(p, &needle).map(|s| (s, i)))
            .collect();
        if !needle.is_empty() {
            scored.sort_by_key(|&(score, i)| (std::cmp::Reverse(score), i));
        }
        self.visible = scored.into_iter().map(|(_, i)| i).collect();
        self.selected = keep
            .and_then(|slug| {
                self.visible
                    .iter()
                    .position(|&i| self.portals[i].slug == slug)
            })
            .unwrap_or(0);
        self.list_scroll = self.list_scroll.min(self.selected);
        self.follow_selection();
    }
}

/// The best fuzzy score of the portal's name, slug or description.
fn portal_score(portal: &Portal, needle: &str) -> Option<i64> {
    if needle.is_empty() {
        return Some(0);
    }
    [
        Some(portal.name.as_str()),
        Some(portal.slug.as_str()),
        portal.description.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter_map(|text| fuzzy_score(text, needle))
    .max()
}

/// Subsequence match, ignoring case: every character of `needle` in order.
/// Contiguous runs and matches at word starts score higher; `None` when it
/// does not match. `needle` must be lowercase.
/// A key that moves the cursor in the document without changing it.
fn is_navigation(key: KeyEvent) -> bool {
    matches!(
        key.code,
        KeyCode::Up
            | KeyCode::Down
            | KeyCode::Left
            | KeyCode::Right
            | KeyCode::Home
            | KeyCode::End
            | KeyCode::PageUp
            | KeyCode::PageDown
    )
}

pub fn fuzzy_score(haystack: &str, needle: &str) -> Option<i64> {
    let mut score = 0i64;
    let mut previous_matched = false;
    let mut previous_char: Option<char> = None;
    let mut wanted = needle.chars().peekable();
    let mut length = 0i64;
    for c in haystack.chars() {
        length += 1;
        let Some(&w) = wanted.peek() else {
            previous_char = Some(c);
            continue;
        };
        let matches = c == w || c.to_lowercase().eq(std::iter::once(w));
        if matches {
            score += 1;
            if previous_matched {
                score += 5;
            }
            if previous_char.is_none_or(|p| !p.is_alphanumeric()) {
                score += 3;
            }
            wanted.next();
        }
        previous_matched = matches;
        previous_char = Some(c);
    }
    if wanted.peek().is_some() {
        return None;
    }
    Some(score * 100 - length)
}

#[cfg(test)]
mod tests;
