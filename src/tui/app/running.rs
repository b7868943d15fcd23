//! Running a portal: the variables form, the run in flight, and each
//! portal's answer in the response pane (authorizing runs: authorizing.rs).

use crate::text::plural;
use crossterm::event::{KeyCode, KeyEvent};

use super::complexity::complexity_warning;
use super::{Answer, App, Cause, Focus, RunInFlight};
use crate::buildkite::ApiError;
use crate::secrets::{Secret, TokenKind};
use crate::tui::dialogs::{Confirm, ConfirmKind, PendingRun, SaveResponse};
use crate::tui::editor::SYNC_PARSE_LIMIT;
use crate::tui::input::LineInput;
use crate::tui::keymap::{self, Action};
use crate::tui::layout::inner_height;
use crate::tui::message::Command;
use crate::tui::run::{FormSource, ResponseView, VariablesForm};

/// Why the saved version of a document cannot run with the values kept
/// (`values` refused them): the first that does not do, else that some are
/// missing. `form_shown`: whether the variables form is on screen (not
/// while the edited document does not parse).
fn saved_needs_values(form: &VariablesForm, form_shown: bool) -> String {
    let then = if form_shown {
        "correct it in the form"
    } else {
        "fix the document's syntax errors: the form to correct it in comes back"
    };
    match form.first_problem() {
        Some(problem) => format!(
            "{}. Save first (s), or {then}.",
            crate::text::sanitize_line(&problem)
        ),
        None => {
            format!("it needs variables the form has no values for. Save first (s), or {then}.")
        }
    }
}

/// Numbers each run, so messages of one cancelled are told apart.
fn next_run() -> u64 {
    static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl App {
    /// Brings the form up to date with the document before it is used.
    pub(super) fn focus_variables_form(&mut self) {
        let focus = self.focus;
        self.focus = Focus::Variables;
        self.sync_variables();
        self.focus = focus;
    }

    /// Rebuilds the variables form when the selected portal or its document changed.
    pub(super) fn sync_variables(&mut self) {
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
            || size <= SYNC_PARSE_LIMIT;
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
            let mut form = VariablesForm::new(
                &slug,
                &document,
                source,
                &self.remembered,
                self.schema.clone(),
            );
            if let Some(previous) = &self.variables {
                form.keep_choice_of(previous, &self.remembered);
            }
            self.variables = Some(form);
        }
    }

    pub(super) fn variables_key(&mut self, key: KeyEvent, action: Option<Action>) -> Vec<Command> {
        let Some(form) = &mut self.variables else {
            if action == Some(Action::Back) {
                self.focus = Focus::List;
            }
            return Vec::new();
        };
        match key.code {
            _ if action == Some(Action::Back) => self.focus = Focus::List,
            _ if action == Some(Action::RawVariables) => form.toggle_raw(),
            // `C` is typed into a value; elsewhere (the raw view, the
            // operation picker, Run) it copies the request as curl.
            _ if action == Some(Action::CopyCurl)
                && (form.raw.is_some() || form.focused_input().is_none()) =>
            {
                return self.copy_curl()
            }
            // The raw view shows what would be sent; typing goes to the form.
            _ if form.raw.is_some() => {
                self.say("Ctrl-t back to the form to type; a pasted JSON object fills it.")
            }
            KeyCode::Enter if form.on_run_button() => return self.run(),
            KeyCode::Enter => form.row = (form.row + 1).min(form.run_row()),
            // The picker takes no text (`C` there copies as curl): a letter
            // says what it does take instead of going nowhere.
            KeyCode::Char(_) if form.on_picker() => self.say(keymap::PICKER_KEYS),
            _ if form.on_run_button()
                && crate::tui::input::typed_char(key).is_some_and(|c| c != ' ') =>
            {
                self.say(keymap::RUN_ROW_KEYS)
            }
            _ => {
                form.key(key, &mut self.remembered);
                if form.errors.iter().all(Option::is_none) {
                    self.resolved(Cause::Variables);
                }
            }
        }
        Vec::new()
    }

    /// Ctrl-r: runs the selected portal with the form's values. Asks first
    /// when its document has unsaved changes (Buildkite runs the saved one),
    /// and how to authorize when no token is stored.
    pub(super) fn run(&mut self) -> Vec<Command> {
        let Some(slug) = self.selected_slug() else {
            return Vec::new();
        };
        if self.running.is_some() && !self.answer_arriving() {
            self.say("Already running: Esc cancels.");
            return Vec::new();
        }
        // Unsaved changes (or a draft of an earlier session not yet looked
        // at): Buildkite would run something other than what is on screen.
        if self.edits.get(&slug).is_some_and(|e| e.document_dirty())
            || self.has_pending_draft(&slug)
        {
            let saved = self.saved_run_summary(&slug);
            self.dialogs.open(Confirm::dialog(ConfirmKind::Run {
                slug,
                document: true,
                saved,
            }));
            return Vec::new();
        }
        self.focus_variables_form();
        let Some(form) = &mut self.variables else {
            return Vec::new();
        };
        if let Some(error) = &form.parse_error {
            let text = format!("Cannot run: the document does not parse ({error}).");
            self.say(text);
            return Vec::new();
        }
        if let Err(count) = form.values() {
            if let Some(first_bad) = form.errors.iter().position(Option::is_some) {
                form.row = form.run_row() - form.inputs.len() + first_bad;
            }
            self.focus = Focus::Variables;
            self.say_because(
                Cause::Variables,
                format!(
                    "{} {} a fix before running.",
                    plural(count, "variable"),
                    if count == 1 { "needs" } else { "need" }
                ),
            );
            return Vec::new();
        }
        if self.has_token(&slug) {
            self.start_invoke(slug, None, false)
        } else {
            self.open_authorize(&slug, true);
            Vec::new()
        }
    }

    /// The variables form of `slug`'s document as saved on Buildkite, on
    /// the operation chosen on screen when it has one of that name, with
    /// the values remembered for it.
    fn saved_form(&self, slug: &str) -> Option<VariablesForm> {
        let document = self.list.find(slug)?.query.clone();
        let mut form = VariablesForm::new(
            slug,
            &document,
            FormSource::Server(document.clone()),
            &self.remembered,
            self.schema.clone(),
        );
        if let Some(name) = self.variables.as_ref().and_then(|f| f.operation_name()) {
            form.select_operation(name, &self.remembered);
        }
        Some(form)
    }

    /// Whether the variables form is on screen to type in (not while the
    /// document does not parse).
    fn variables_form_shown(&self) -> bool {
        (self.variables.as_ref()).is_some_and(|form| form.parse_error.is_none())
    }

    /// What running the saved version of `slug` sends, said before it is
    /// chosen (its form is not the one on screen): the operation and each
    /// variable's value; a variable named like a secret shows no value.
    fn saved_run_summary(&self, slug: &str) -> String {
        let Some(mut form) = self.saved_form(slug) else {
            return String::new();
        };
        let operation = form.operation().map_or_else(
            || "the saved document".to_owned(),
            |op| match &op.name {
                Some(name) => format!("the saved {} `{name}`", op.kind),
                None => format!("the saved {}", op.kind),
            },
        );
        let Ok(serde_json::Value::Object(variables)) = form.values() else {
            return format!(
                "r cannot run {operation} yet: {}",
                saved_needs_values(&form, self.variables_form_shown())
            );
        };
        if variables.is_empty() {
            return format!("r runs {operation}, with no variables.");
        }
        let values: Vec<String> = variables
            .iter()
            .map(|(name, value)| {
                let lower = name.to_lowercase();
                let shown = if ["secret", "token", "password"]
                    .iter()
                    .any(|word| lower.contains(word))
                {
                    "(hidden)".to_owned()
                } else {
                    crate::tui::wrap::cut(&value.to_string(), 40)
                };
                format!("${name} = {shown}")
            })
            .collect();
        format!("r runs {operation} with {}.", values.join(", "))
    }

    /// Runs the version of `slug` saved on Buildkite, with the values the
    /// run dialog named (remembered for its operation).
    pub(super) fn run_saved(&mut self, slug: String) -> Vec<Command> {
        let Some(mut form) = self.saved_form(&slug) else {
            return Vec::new();
        };
        if form.values().is_err() {
            let shown = self.variables_form_shown();
            self.say(format!("Not run: {}", saved_needs_values(&form, shown)));
            return Vec::new();
        }
        if !self.has_token(&slug) {
            self.open_authorize(&slug, true);
            return Vec::new();
        }
        let saved = self.variables.replace(form);
        let commands = self.start_invoke(slug, None, false);
        self.variables = saved;
        commands
    }

    /// Sends the form's run of `slug`; one over the complexity limit of
    /// what Buildkite runs is asked about first, never sent or dropped
    /// silently.
    pub(super) fn start_invoke(
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
        let counted = self.run_complexity(&slug, operation.as_deref(), &variables);
        let warning = counted.as_ref().and_then(complexity_warning);
        let run = PendingRun {
            slug,
            operation,
            variables,
            token,
            store_token,
        };
        match (counted, warning) {
            (Some(op), Some(why)) if op.over_limit() => {
                self.dialogs.open(Confirm::dialog(ConfirmKind::OverLimit {
                    run: Box::new(run),
                    why,
                }));
                Vec::new()
            }
            (_, warning) => self.send_run(run, warning),
        }
    }

    /// Sends `run`; `warning` (near or over the limit) is said with it and
    /// again with its answer.
    pub(super) fn send_run(&mut self, run: PendingRun, warning: Option<String>) -> Vec<Command> {
        let PendingRun {
            slug,
            operation,
            variables,
            token,
            store_token,
        } = run;
        self.replace_arriving();
        let run = next_run();
        self.running = Some(RunInFlight {
            slug: slug.clone(),
            operation: operation.clone(),
            run,
            warning: warning.clone(),
        });
        match warning {
            Some(warning) => self.warn(format!("Running {slug}… {warning}")),
            None => self.say(format!("Running {slug}… Esc cancels.")),
        }
        vec![Command::Invoke {
            slug,
            operation,
            variables,
            token,
            store_token,
            run,
        }]
    }

    /// Esc on the question about a run over the limit: nothing is sent,
    /// but a token typed to be stored for it still is.
    pub(super) fn run_declined(&mut self, run: PendingRun) -> Vec<Command> {
        self.say(
            "Not run: ask for fewer items (smaller `first:` arguments) to stay under the limit.",
        );
        match run.token {
            Some(token) if run.store_token => vec![Command::StoreToken {
                slug: run.slug,
                token,
            }],
            _ => Vec::new(),
        }
    }

    pub(super) fn cancel_run(&mut self) -> Vec<Command> {
        self.stop_arriving("cancelled");
        self.running = None;
        self.say("Run cancelled.");
        vec![Command::CancelInvoke]
    }

    /// The run of `slug` failed before an answer.
    pub(super) fn on_run_failed(&mut self, slug: String, error: ApiError) -> Vec<Command> {
        if self.running.as_ref().map(|r| r.slug.as_str()) != Some(slug.as_str()) {
            return Vec::new(); // cancelled: the answer is no longer wanted
        }
        let warning = self.running.take().and_then(|r| r.warning);
        let also = warning.map_or_else(String::new, |w| format!(" {w}"));
        match error {
            // The error's own hint names CLI commands; in the app the fix is
            // the dialog opened below, or `a` later.
            ApiError::Unauthorized { message, .. } => {
                self.say(format!(
                    "The token for {slug} was refused ({message}): give it another below, or press `a` later."
                ));
                self.stored_tokens.retain(|s| *s != slug);
                self.open_authorize(&slug, false);
            }
            error => self.say_because(Cause::Run, format!("Run of {slug} failed: {error}{also}")),
        }
        Vec::new()
    }

    /// An answer, already indexed by the runtime.
    pub(super) fn on_answered(
        &mut self,
        slug: String,
        view: ResponseView,
        ran_as: Option<TokenKind>,
    ) {
        let run = self.running.as_ref().filter(|r| r.slug == slug);
        // A view of a numbered run answers that run only (0: not numbered).
        if run.is_none_or(|r| view.run != 0 && view.run != r.run) {
            return;
        }
        let mut view = view;
        let streamed = self.answers.get(&slug).map(|a| &a.view);
        let streamed = streamed.filter(|v| v.arrival.is_some() && v.run == view.run);
        let focus = streamed.map(|earlier| {
            view.keep_position_of(earlier);
            self.focus
        });
        let (operation, warning) = self
            .running
            .take()
            .map_or((None, None), |r| (r.operation, r.warning));
        self.on_answer(slug, view, ran_as, operation, warning);
        // Shown since its first piece: the focus stays where the reader put it.
        if let Some(focus) = focus {
            self.focus = focus;
        }
    }

    fn on_answer(
        &mut self,
        slug: String,
        view: ResponseView,
        ran_as: Option<TokenKind>,
        operation: Option<String>,
        warning: Option<String>,
    ) {
        self.resolved(Cause::Run);
        let identity = match ran_as {
            Some(kind) => format!(", with {kind}"),
            None => String::new(),
        };
        let text = if view.errors.is_empty() {
            format!(
                "{slug}: HTTP {} in {} ms{identity}.",
                view.status, view.elapsed_ms
            )
        } else {
            format!(
                "{slug}: HTTP {} with {}{identity}.",
                view.status,
                plural(view.errors.len(), "GraphQL error")
            )
        };
        match warning {
            // What was said when it was sent stays said with its answer.
            Some(warning) => self.warn(format!("{text} {warning}")),
            None => self.say(text),
        }
        if self.selected_slug().as_deref() == Some(slug.as_str()) {
            self.focus = Focus::Response;
        }
        self.answers.insert(
            slug,
            Answer {
                view,
                operation,
                ran_as,
            },
        );
    }

    /// Rows the response pane gives to GraphQL errors before the body.
    pub fn response_header_rows(&self) -> usize {
        let width = usize::from(self.areas().response.width.saturating_sub(2));
        self.selected_answer()
            .map_or(0, |a| a.view.header_lines(width).len())
    }

    /// Columns of the response pane's body: inside its borders, less the
    /// fold marker's column.
    fn response_body_width(&self) -> usize {
        usize::from(self.areas().response.width.saturating_sub(3))
    }

    /// Rows of the response pane's body.
    pub(super) fn response_body_height(&self) -> usize {
        inner_height(self.areas().response).saturating_sub(self.response_header_rows())
    }

    /// Typing a search in the response; true when the key was taken.
    pub(super) fn response_search_key(&mut self, key: KeyEvent) -> bool {
        let height = self.response_body_height();
        let Some(slug) = self.selected_slug() else {
            return false;
        };
        let Some(view) = self.answers.get_mut(&slug).map(|a| &mut a.view) else {
            return false;
        };
        if let Some(input) = &mut view.filtering {
            match key.code {
                KeyCode::Enter => {
                    let text = input.value().to_owned();
                    view.filtering = None;
                    view.filter_cancelled = None;
                    let (searched, was_filtered) = (view.search.clone(), view.filter.is_some());
                    let ended = |searched: Option<String>| match searched {
                        Some(needle) => format!(
                            " The search `{}` ended: / searches again.",
                            crate::text::sanitize_line(&needle)
                        ),
                        None => String::new(),
                    };
                    match view.apply_filter(&text) {
                        Ok(()) if text.trim().is_empty() => {
                            let ended = ended(searched.filter(|_| was_filtered));
                            self.say(format!("The whole answer again.{ended}"))
                        }
                        Ok(()) => self.say(format!(
                            "Filtered with `{}`: | changes it.{}",
                            text.trim(),
                            ended(searched)
                        )),
                        Err(why) => {
                            // The next `|` offers the text to fix, not the filter before.
                            view.filter_cancelled = Some(text.clone());
                            let shown = match &view.filter {
                                Some((before, _)) => format!(
                                    "the view is still filtered with `{}`",
                                    crate::text::sanitize_line(before)
                                ),
                                None => "the whole answer is shown".to_owned(),
                            };
                            self.say(format!(
                                "Not filtered: {why}; {shown}. | offers it again to fix."
                            ))
                        }
                    }
                }
                KeyCode::Esc => {
                    view.filter_cancelled = Some(input.value().to_owned());
                    view.filtering = None;
                }
                _ => {
                    input.key(key);
                }
            }
            return true;
        }
        let Some(input) = &mut view.searching else {
            return false;
        };
        let text = input.value().to_owned();
        match key.code {
            KeyCode::Enter | KeyCode::Esc => {
                let typed = key.code == KeyCode::Enter && !text.is_empty();
                view.end_search(key.code == KeyCode::Enter, height);
                view.search_cancelled = if typed { String::new() } else { text.clone() };
                if typed && view.search_missing() {
                    self.say_because(Cause::Search, super::searching::not_in_the_response(&text));
                } else if typed && view.finding.is_none() {
                    self.resolved(Cause::Search);
                }
            }
            _ => {
                input.key(key);
                let now = input.value().to_owned();
                // Incremental: each change searches again from the start.
                if now != text
                    && view.search_typed(&now, height) == Some(true)
                    && view.finding.is_none()
                {
                    self.resolved(Cause::Search);
                }
            }
        }
        true
    }

    pub(super) fn response_action(&mut self, action: Option<Action>) -> Vec<Command> {
        let height = self.response_body_height();
        let room = self.response_body_width();
        let slug = self.selected_slug();
        let Some(view) = slug
            .and_then(|s| self.answers.get_mut(&s))
            .map(|a| &mut a.view)
        else {
            match action {
                Some(Action::Back) => self.focus = Focus::List,
                Some(Action::History) => return self.open_history(),
                _ => {}
            }
            return Vec::new();
        };
        if let Some(why) = super::arriving::needs_whole(view, action) {
            self.say(why);
            return Vec::new();
        }
        match action {
            Some(Action::Back) => self.focus = Focus::List,
            Some(Action::Down) => view.move_cursor(1, height),
            Some(Action::Up) => view.move_cursor(-1, height),
            Some(Action::PageDown) => view.move_cursor(height as isize, height),
            Some(Action::PageUp) => view.move_cursor(-(height as isize), height),
            Some(Action::Top) => view.move_cursor(isize::MIN / 2, height),
            Some(Action::Bottom) => view.move_cursor(isize::MAX / 2, height),
            Some(Action::Fold) => view.toggle_fold(),
            Some(Action::Search) => view.start_search(height),
            Some(Action::Filter) => {
                let current = view.filter.as_ref().map_or("", |(text, _)| text.as_str());
                let start = view.filter_cancelled.as_deref().unwrap_or(current);
                view.filtering = Some(LineInput::new(start));
            }
            Some(action @ (Action::NextMatch | Action::PreviousMatch)) => {
                let forward = action == Action::NextMatch;
                let before = view.cursor;
                if !view.find(forward, height) {
                    self.say_because(Cause::Search, "No match: search with /");
                } else if forward && view.cursor <= before {
                    self.say_because(Cause::Search, "Search wrapped around to the top.");
                } else if !forward && view.cursor >= before {
                    self.say_because(Cause::Search, "Search wrapped around to the bottom.");
                } else {
                    self.resolved(Cause::Search);
                }
            }
            Some(Action::Wrap) => {
                view.wrap = !view.wrap;
                view.column = 0;
                let wrapping = view.wrap;
                self.say(if wrapping {
                    "Lines wrap (w again: they scroll sideways)."
                } else {
                    "Lines do not wrap: ←/→ scroll sideways (w wraps them)."
                });
            }
            Some(Action::Left) if !view.wrap => view.scroll_sideways(false, height, room),
            Some(Action::Right) if !view.wrap => view.scroll_sideways(true, height, room),
            Some(Action::Left | Action::Right) => {
                self.say("Wrap is on (w), so lines do not scroll sideways: w turns it off.");
            }
            Some(Action::CopyBody) => return self.copy_body(),
            Some(Action::CopyCurl) => return self.copy_curl(),
            Some(Action::History) => return self.open_history(),
            Some(action @ (Action::CopyValue | Action::CopyPath)) => {
                return self.copy_under_cursor(action == Action::CopyValue);
            }
            Some(Action::SaveBody) => self.dialogs.open(SaveResponse::dialog(
                self.last_save_path.as_deref(),
                view.shown_as(),
            )),
            _ => {}
        }
        Vec::new()
    }
}
