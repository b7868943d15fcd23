//! The document pane: editing keys, completion, the field popup, and
//! diagnostics asked of the worker; the schema they are checked against.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent};

use super::{App, Cause, CompletionPopup, Focus};
use crate::graphql::completion;
use crate::graphql::diagnostics::Diagnostic;
use crate::graphql::schema::GraphqlSchema;
use crate::text::sanitize_line;
use crate::tui::dialogs::{Dialog, Explain, FormMode};
use crate::tui::editor::{Find, EDITABLE_LIMIT};
use crate::tui::input::typed_char;
use crate::tui::keymap::Action;
use crate::tui::layout::inner_height;
use crate::tui::message::Command;

/// The key under which the creation form's document is diagnosed.
pub const CREATION_KEY: &str = "\u{0}new portal";

impl App {
    pub(super) fn document_key(&mut self, key: KeyEvent, action: Option<Action>) -> Vec<Command> {
        let Some(slug) = self.selected_slug() else {
            self.focus = Focus::List;
            return Vec::new();
        };
        if self.blocked_by_draft(&slug) {
            self.focus = Focus::List;
            return Vec::new();
        }
        if self.find_key(&slug, key) {
            return Vec::new();
        }
        if self.completion.is_some() && self.completion_key(&slug, key) {
            return Vec::new();
        }
        // A find kept open (after Enter or F3) closes before Esc leaves.
        if action == Some(Action::Back) && self.close_find(&slug) {
            return Vec::new();
        }
        let height = inner_height(self.areas().document);
        match action {
            Some(Action::Back) => self.focus = Focus::List,
            Some(Action::ExternalEditor) => return self.open_editor(),
            Some(Action::Complete) => self.open_completion(&slug, true),
            Some(Action::Explain) => self.explain_at_cursor(&slug),
            Some(Action::Find) => self.open_find(&slug),
            Some(Action::FindNext | Action::FindPrevious) => {
                self.find_again(&slug, action == Some(Action::FindNext));
            }
            Some(Action::Copy) => return self.copy_selection(&slug, false),
            Some(Action::SelectAll) => {
                if let Some(edit) = self.edit_for(&slug) {
                    edit.select_all();
                }
            }
            _ => {
                let Some(edit) = self.edit_for(&slug) else {
                    return Vec::new();
                };
                if edit.size() > EDITABLE_LIMIT && !is_navigation(key) {
                    let size = edit.size() >> 20;
                    self.say(format!(
                        "This document is {size} MB, more than the built-in editor changes quickly: Ctrl-o edits it in $EDITOR."
                    ));
                    return Vec::new();
                }
                let mut status = None;
                match action {
                    Some(Action::Undo) => edit.undo(),
                    Some(Action::Redo) => edit.redo(),
                    Some(Action::Cut) => return self.copy_selection(&slug, true),
                    Some(Action::Paste) => {
                        if !edit.paste_copied() {
                            status = Some(
                                "Nothing copied yet (Shift-arrows select, Ctrl-c copies; a terminal paste works too)."
                                    .to_owned(),
                            );
                        }
                    }
                    Some(Action::Format) => {
                        status = Some(match edit.format() {
                            Ok(true) => "Formatted (Ctrl-z undoes it).".to_owned(),
                            Ok(false) => "Already formatted.".to_owned(),
                            Err(e) => format!("Not formatted: {e}."),
                        });
                    }
                    _ => {
                        edit.set_page(height);
                        edit.key(key);
                    }
                }
                edit.follow_cursor(height);
                if let Some(status) = status {
                    self.say_because(Cause::Edit, status);
                } else {
                    self.resolved(Cause::Save); // "Saved" no longer holds
                    self.resolved(Cause::Edit); // nor "Formatted (Ctrl-z undoes it)."
                }
                // Typing a name opens the list by itself.
                if typed_char(key).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    self.open_completion(&slug, false);
                }
            }
        }
        Vec::new()
    }

    /// Copies (or cuts) the document's selection to the clipboard.
    fn copy_selection(&mut self, slug: &str, cut: bool) -> Vec<Command> {
        let height = inner_height(self.areas().document);
        let Some(edit) = self.edit_for(slug) else {
            return Vec::new();
        };
        let text = if cut { edit.cut() } else { edit.copy() };
        edit.follow_cursor(height);
        match text {
            Some(text) => {
                let chars = text.chars().count();
                let done = if cut { "Cut" } else { "Copied" };
                self.say(format!("{done} {chars} characters (Ctrl-v pastes them)."));
                // The clipboard's answer says both: how many, and where to.
                self.copying = Some(if cut {
                    format!("the {chars} characters cut")
                } else {
                    format!("{chars} characters")
                });
                vec![Command::Copy(text)]
            }
            None => {
                self.say("Nothing is selected: Shift-arrows (or a drag) select.");
                Vec::new()
            }
        }
    }

    /// The focused document has a selection (then Ctrl-c copies instead of quitting).
    pub(super) fn document_has_selection(&self) -> bool {
        self.focus == Focus::Document
            && self
                .selected_edit()
                .is_some_and(|e| e.document.is_selecting())
    }

    fn open_find(&mut self, slug: &str) {
        let Some(edit) = self.edit_for(slug) else {
            return;
        };
        // A selection on one line is what to look for; else the last find.
        let selected = edit.selected_text().filter(|t| !t.contains('\n'));
        let needle = selected
            .or_else(|| edit.find.as_ref().map(|f| f.needle.clone()))
            .unwrap_or_else(|| edit.last_needle.clone());
        edit.find = Some(Find {
            prefilled: !needle.is_empty(),
            needle,
            typing: true,
            origin: edit.cursor(),
        });
    }

    /// A key while the find is typed; true when it was used.
    fn find_key(&mut self, slug: &str, key: KeyEvent) -> bool {
        let height = inner_height(self.areas().document);
        let Some(edit) = self.edit_for(slug) else {
            return false;
        };
        let Some(find) = edit.find.as_mut().filter(|f| f.typing) else {
            return false;
        };
        let typed = typed_char(key);
        if std::mem::take(&mut find.prefilled)
            && (typed.is_some() || key.code == KeyCode::Backspace)
        {
            find.needle.clear();
        }
        match key.code {
            KeyCode::Esc => {
                edit.last_needle = std::mem::take(&mut find.needle);
                edit.find = None;
                self.resolved(Cause::Find);
                return true;
            }
            KeyCode::Enter => {
                find.typing = false;
                let needle = find.needle.clone();
                if needle.is_empty() {
                    edit.find = None;
                } else if edit.count_matches() == Some(0) {
                    let text = format!("No match for “{}”.", sanitize_line(&needle));
                    self.say_because(Cause::Find, text);
                }
                return true;
            }
            KeyCode::Backspace => {
                find.needle.pop();
            }
            _ if typed.is_some() => find.needle.extend(typed),
            _ => {
                // Anything else ends the typing and acts as usual.
                find.typing = false;
                return false;
            }
        }
        edit.find_next(true, true);
        edit.follow_cursor(height);
        true
    }

    fn find_again(&mut self, slug: &str, forward: bool) {
        let height = inner_height(self.areas().document);
        let Some(edit) = self.edit_for(slug) else {
            return;
        };
        let Some(needle) = edit.find.as_ref().map(|f| f.needle.clone()) else {
            self.say("Nothing to find again: Ctrl-g finds in the document.");
            return;
        };
        let found = edit.find_next(forward, false);
        edit.follow_cursor(height);
        match found {
            None => {
                let text = format!("No match for “{}”.", sanitize_line(&needle));
                self.say_because(Cause::Find, text);
            }
            Some(true) => self.say_because(
                Cause::Find,
                if forward {
                    "Found again from the top."
                } else {
                    "Found again from the bottom."
                },
            ),
            Some(false) => {
                self.resolved(Cause::Save);
                self.resolved(Cause::Find);
            }
        }
    }

    /// Closes `slug`'s find, with what it said; false when none was open.
    fn close_find(&mut self, slug: &str) -> bool {
        let Some(edit) = self.edits.get_mut(slug) else {
            return false;
        };
        let Some(find) = edit.find.take() else {
            return false;
        };
        edit.last_needle = find.needle;
        self.resolved(Cause::Find);
        true
    }

    /// A click (or drag, `extend`) in the document pane at screen (column,
    /// row): the cursor goes to the character there.
    pub(super) fn click_document(
        &mut self,
        column: u16,
        row: u16,
        extend: bool,
        was_focused: bool,
    ) {
        let area = self.areas().document;
        let Some(slug) = self.selected_slug() else {
            return;
        };
        if self.blocked_by_draft(&slug) {
            return;
        }
        self.completion = None;
        let Some(edit) = self.edit_for(&slug) else {
            return;
        };
        let view = edit.viewport(area.inner(ratatui::layout::Margin::new(1, 1)), was_focused);
        if let Some((line, char_column)) = view.at(column, row, edit.document.lines()) {
            edit.place_cursor(line, char_column, extend);
        }
    }

    pub(super) fn paste_into_document(&mut self, text: &str) {
        let Some(slug) = self.selected_slug() else {
            return;
        };
        if self.blocked_by_draft(&slug) {
            return;
        }
        if let Some(edit) = self.edit_for(&slug) {
            if edit.size() > EDITABLE_LIMIT {
                self.say("This document is too large to change here: Ctrl-o edits it in $EDITOR.");
            } else {
                edit.paste(text);
                let height = inner_height(self.areas().document);
                if let Some(edit) = self.edits.get_mut(&slug) {
                    edit.follow_cursor(height);
                }
            }
        }
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
        match completion::complete(&schema, &text, row, column) {
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
            None if asked => self.say("Nothing to complete here."),
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
                    edit.complete_with(
                        popup.completion.prefix_len + chosen.replace_before,
                        &chosen.insert,
                        chosen.cursor,
                    );
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
                let note = self.schema_note.clone();
                self.say(format!("{what} without a GraphQL schema ({note})."));
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
            Some((text, coordinate)) => self.dialogs.open(Dialog::Explain(Explain {
                coordinate,
                text,
                scroll: 0,
            })),
            None => self.say("The cursor is not on a field, argument or type of the schema."),
        }
    }

    /// Asks for diagnostics off the input path for every edit whose text is
    /// ahead of them: a large document's parse, or validation against the
    /// schema. One job per edit at a time; the text typed meanwhile is sent
    /// when it answers. The creation form's document is validated the same way.
    pub(super) fn request_diagnostics(&mut self) -> Vec<Command> {
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
        if let Some(form) = self.creation_form_mut() {
            let generation = Some(form.generation);
            let parse_owed = form.parse_pending && form.parse_requested != generation;
            let validation_owed = schema.is_some()
                && !form.parse_pending
                && form.document_diagnostics.is_empty()
                && form.schema_checked != generation;
            if (parse_owed || validation_owed) && !form.awaiting_diagnostics {
                form.awaiting_diagnostics = true;
                if form.parse_pending {
                    form.parse_requested = generation;
                }
                if schema.is_some() {
                    form.schema_checked = generation;
                }
                commands.push(Command::Diagnose {
                    slug: CREATION_KEY.to_owned(),
                    generation: form.generation,
                    text: form.document_text(),
                    schema,
                });
            }
        }
        commands
    }

    /// The creation form, open or paused.
    pub(super) fn creation_form_mut(&mut self) -> Option<&mut crate::tui::dialogs::PortalForm> {
        let open = self.dialogs.iter_mut().find_map(|d| match d {
            Dialog::Form(form) if form.mode == FormMode::Create => Some(form.as_mut()),
            _ => None,
        });
        match open {
            Some(form) => Some(form),
            None => self.create_draft.as_deref_mut(),
        }
    }

    pub(super) fn on_diagnosed(
        &mut self,
        slug: &str,
        generation: u64,
        diagnostics: Vec<Diagnostic>,
    ) {
        if slug == CREATION_KEY {
            if let Some(form) = self.creation_form_mut() {
                form.diagnosed(generation, diagnostics);
            }
        } else if let Some(edit) = self.edits.get_mut(slug) {
            edit.diagnosed(generation, diagnostics);
        }
    }

    /// The document pane shows diagnostics of an edit: start one (unchanged)
    /// when the pane is focused, so the schema's verdict shows before typing.
    pub(super) fn edit_focused_document(&mut self) {
        if self.focus == Focus::Document && self.schema.is_some() {
            if let Some(slug) = self.selected_slug() {
                self.edit_for(&slug);
            }
        }
    }

    /// What a find said ("Found again from the top.") goes when no find is
    /// open on the document shown, however it closed (Esc, Enter on an
    /// empty needle, another portal).
    pub(super) fn resolve_closed_find(&mut self) {
        let open = self
            .selected_slug()
            .and_then(|slug| self.edits.get(&slug))
            .is_some_and(|edit| edit.find.is_some());
        if !open {
            self.resolved(Cause::Find);
        }
    }

    pub(super) fn on_schema(
        &mut self,
        schema: GraphqlSchema,
        fetched_at: DateTime<Utc>,
        fetched_now: bool,
    ) {
        let when = fetched_at.format("%Y-%m-%d %H:%M UTC");
        self.schema_note = if fetched_now {
            format!("Schema fetched {when} · F5 fetches it again")
        } else {
            format!("Schema cached {when} · F5 fetches it again")
        };
        self.resolved(Cause::Schema);
        // Said when asked for (F5); a routine fetch at start stays quiet.
        if fetched_now && std::mem::take(&mut self.schema_asked) {
            self.say("GraphQL schema fetched: documents are validated against it.");
        }
        self.schema = Some(schema);
        *self.viewed_count.get_mut() = None; // counted with the schema it had
        self.forget_risks();
        for edit in self.edits.values_mut() {
            edit.revalidate();
        }
        let schema = self.schema.clone();
        if let Some(form) = self.creation_form_mut() {
            form.schema_checked = None;
            form.schema = schema;
        }
    }

    pub(super) fn on_schema_unavailable(&mut self, reason: String) {
        self.schema_asked = false;
        let reason = crate::text::sanitize_line(&reason);
        let text = match &self.schema {
            Some(_) => format!(
                "Could not fetch the GraphQL schema again ({reason}); still using the cached one."
            ),
            None => {
                format!("No GraphQL schema ({reason}): only syntax is checked. F5 tries again.")
            }
        };
        if !self.status_sticky {
            self.say_because(Cause::Schema, text);
        }
        if self.schema.is_none() {
            self.schema_note = format!("no GraphQL schema ({reason}); F5 tries again");
        }
    }
}

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
