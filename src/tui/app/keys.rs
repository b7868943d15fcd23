//! Keys, pastes and the mouse: dialogs first, then the filter and the
//! response search, then the focused pane's keymap.

use crate::text::plural;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::{App, Focus};
use crate::tui::dialogs::{is_ctrl_c, is_modified_letter, DeletePrompt, Dialog};
use crate::tui::input::typed_char;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout;
use crate::tui::message::Command;

const FOCUS_ORDER: [Focus; 4] = [
    Focus::List,
    Focus::Document,
    Focus::Variables,
    Focus::Response,
];

impl Focus {
    pub fn context(self) -> Context {
        match self {
            Focus::List => Context::List,
            Focus::Document => Context::Document,
            Focus::Variables => Context::Variables,
            Focus::Response => Context::Response,
        }
    }
}

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        // "`z` does nothing here" is about that key only.
        self.resolved(super::Cause::NotAKey);
        // Ctrl-c closes what is open as Esc does, so a quit never takes
        // what was typed there; the pinned dialogs take Ctrl-c themselves
        // (the token dialog asks, saying whether the token would be lost).
        let key = if is_ctrl_c(key) && self.something_closes() {
            KeyEvent::from(KeyCode::Esc)
        } else {
            key
        };
        if self.log_over_form(key) {
            return Vec::new();
        }
        if let Some(dialog) = self.dialogs.take_front() {
            let step = dialog.key(key);
            if let Some(keep) = step.keep {
                self.dialogs.put_back(keep);
            }
            let commands = match step.action {
                Some(action) => self.on_dialog_action(action),
                None => Vec::new(),
            };
            self.follow_fields_form();
            return commands;
        }
        if is_ctrl_c(key) && !self.document_has_selection() {
            return self.ask_to_quit();
        }
        if self.show_help && self.scroll_help(key) {
            return Vec::new();
        }
        if self.show_messages && self.scroll_messages(key) {
            return Vec::new();
        }
        if self.show_help || self.show_messages {
            self.show_help = false;
            self.show_messages = false;
            return Vec::new();
        }
        // F1 opens the help over a prompt too; the prompt waits under it,
        // as typed, for the key that closes the help.
        if keymap::global(key) == Some(Action::Help) && self.prompt_open() {
            return self.global_action(Action::Help).unwrap_or_default();
        }
        if self.list.filtering {
            self.filter_key(key);
            return Vec::new();
        }
        if self.response_search_key(key) {
            return Vec::new();
        }
        if self.completion.is_some() {
            let list_key = matches!(
                key.code,
                KeyCode::Tab | KeyCode::Enter | KeyCode::Up | KeyCode::Down | KeyCode::Esc
            );
            if list_key && self.focus == Focus::Document {
                // The list takes Tab (insert) before it can move the focus.
                return self.document_key(key, None);
            }
            if typed_char(key).is_none() {
                // Ctrl-s and the like act as usual and close the list.
                self.completion = None;
            }
        }
        let action = keymap::action(self.focus.context(), key);
        if let Some(commands) = action.and_then(|a| self.global_action(a)) {
            return commands;
        }
        match (self.focus, action) {
            (Focus::List | Focus::Response, None) if typed_char(key).is_some() => {
                self.say_not_a_key(key);
                Vec::new()
            }
            (Focus::List, action) => action.map_or_else(Vec::new, |a| self.list_action(a)),
            (Focus::Document, action) => self.document_key(key, action),
            (Focus::Variables, action) => self.variables_key(key, action),
            (Focus::Response, action) => self.response_action(action),
        }
    }

    /// A letter that is no key of the pane in focus: said, not ignored.
    fn say_not_a_key(&mut self, key: KeyEvent) {
        let shown = match typed_char(key) {
            Some(' ') => "Space".to_owned(),
            Some(c) => c.to_string(),
            None => return,
        };
        let filter = if self.focus == Focus::List {
            "/ filters the list, "
        } else {
            "/ searches, "
        };
        self.say_because(
            super::Cause::NotAKey,
            format!(
                "`{}` does nothing here: {filter}? lists every key.",
                crate::text::sanitize_line(&shown)
            ),
        );
    }

    /// F7 in the portal form opens the message log over it (a warning said
    /// beside the form may not fit its rows); the next key closes the log,
    /// back to the form as it was.
    /// The message log, at its newest.
    fn open_messages(&mut self) {
        self.show_messages = true;
        self.messages_back = 0;
    }

    /// ↑/↓ (a message), PgUp/PgDn (ten), Home/End in the message log; false
    /// for other keys (they close it).
    fn scroll_messages(&mut self, key: KeyEvent) -> bool {
        let log = crate::tui::message_log::MessageLog::on(self.screen.width, self.screen.height);
        // Past the page that starts at the oldest, a key would move nothing.
        let oldest = log.oldest_page(&self.messages);
        if oldest == 0 {
            return false; // all of it fits: "any key closes this"
        }
        let back = self.messages_back.min(oldest);
        self.messages_back = match key.code {
            KeyCode::Up => back + 1,
            KeyCode::PageUp => back + 10,
            KeyCode::Down => back.saturating_sub(1),
            KeyCode::PageDown => back.saturating_sub(10),
            KeyCode::Home => oldest,
            KeyCode::End => 0,
            _ => return false,
        }
        .min(oldest);
        true
    }

    fn log_over_form(&mut self, key: KeyEvent) -> bool {
        if !matches!(self.dialogs.front(), Some(Dialog::Form(_))) {
            return false;
        }
        if self.show_messages {
            if !self.scroll_messages(key) {
                self.show_messages = false;
            }
            return true;
        }
        if keymap::global(key) == Some(Action::Messages) {
            self.open_messages();
            return true;
        }
        false
    }

    /// A dialog Ctrl-c closes, an overlay, or a prompt being typed: what
    /// Ctrl-c closes (as Esc) rather than quitting.
    fn something_closes(&self) -> bool {
        match self.dialogs.front() {
            Some(dialog) => !dialog.pinned(),
            None => self.show_help || self.show_messages || self.prompt_open() || self.find_open(),
        }
    }

    /// The document's find is open (typed, or kept after Enter or a next).
    fn find_open(&self) -> bool {
        self.focus == Focus::Document
            && self.selected_edit().is_some_and(|edit| edit.find.is_some())
    }

    /// A one-line prompt typed into outside a dialog: the list's filter,
    /// the response's search or jq filter, the document's find.
    pub(super) fn prompt_open(&self) -> bool {
        let answer = self
            .selected_slug()
            .and_then(|slug| self.answers.get(&slug));
        let find_typing = self.focus == Focus::Document
            && self
                .selected_edit()
                .and_then(|edit| edit.find.as_ref())
                .is_some_and(|find| find.typing);
        self.list.filtering
            || answer.is_some_and(|a| a.view.searching.is_some() || a.view.filtering.is_some())
            || find_typing
    }

    /// A key that scrolls the help; false for the others (they close it),
    /// and for every key when the help fits (it says "any key closes this").
    fn scroll_help(&mut self, key: KeyEvent) -> bool {
        let (total, rows) = crate::tui::view::help_extent(self);
        if total <= rows {
            return false;
        }
        let last = total.saturating_sub(rows);
        let page = rows.saturating_sub(1).max(1);
        let at = self.help_scroll.min(last);
        if is_modified_letter(key) {
            return false; // Ctrl-g is not g
        }
        self.help_scroll = match key.code {
            KeyCode::Down | KeyCode::Char('j') => (at + 1).min(last),
            KeyCode::Up | KeyCode::Char('k') => at.saturating_sub(1),
            KeyCode::PageDown => (at + page).min(last),
            KeyCode::PageUp => at.saturating_sub(page),
            KeyCode::Home | KeyCode::Char('g') => 0,
            KeyCode::End | KeyCode::Char('G') => last,
            _ => return false,
        };
        true
    }

    /// Actions that mean the same in every pane; None for the others.
    fn global_action(&mut self, action: Action) -> Option<Vec<Command>> {
        Some(match action {
            Action::NextPane | Action::PreviousPane => {
                let at = FOCUS_ORDER
                    .iter()
                    .position(|f| *f == self.focus)
                    .unwrap_or(0);
                let by = if action == Action::NextPane {
                    1
                } else {
                    FOCUS_ORDER.len() - 1
                };
                self.focus = FOCUS_ORDER[(at + by) % FOCUS_ORDER.len()];
                Vec::new()
            }
            Action::Help => {
                self.show_help = true;
                self.help_scroll = 0;
                Vec::new()
            }
            Action::Zoom => {
                self.zoomed = !self.zoomed;
                Vec::new()
            }
            Action::Messages => {
                self.open_messages();
                Vec::new()
            }
            Action::Quit => self.ask_to_quit(),
            Action::Save => self.save(false),
            Action::Run => self.run(),
            Action::RefreshSchema => {
                self.schema_asked = true;
                self.say("Fetching the GraphQL schema…");
                vec![Command::LoadSchema { refresh: true }]
            }
            Action::Back
                if self.running.is_some()
                    && (self.focus != Focus::List || self.list.filter.is_empty()) =>
            {
                self.cancel_run()
            }
            _ => return None,
        })
    }

    fn filter_key(&mut self, key: KeyEvent) {
        let height = self.list_height();
        let list = &mut self.list;
        match key.code {
            KeyCode::Esc => {
                list.filtering = false;
                // Offered again by the next `/`, as every prompt's text is.
                list.last_filter = std::mem::take(&mut list.filter);
                list.refilter(list.selected_slug(), height);
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                list.filter.clear();
                list.refilter(None, height);
            }
            KeyCode::Enter => list.filtering = false,
            KeyCode::Backspace => {
                list.filter.pop();
                list.refilter(None, height);
            }
            KeyCode::Down => list.move_selection(1, height),
            KeyCode::Up => list.move_selection(-1, height),
            _ if typed_char(key).is_some() => {
                list.filter.extend(typed_char(key));
                list.refilter(None, height);
            }
            _ => {}
        }
    }

    fn list_action(&mut self, action: Action) -> Vec<Command> {
        let height = self.list_height();
        match action {
            Action::Reload => return self.reload(),
            Action::Filter => {
                self.list.filtering = true;
                if self.list.filter.is_empty() && !self.list.last_filter.is_empty() {
                    self.list.filter = std::mem::take(&mut self.list.last_filter);
                    self.list.refilter(None, height);
                }
            }
            Action::NewPortal => self.open_creation(),
            Action::Delete => {
                if let Some(slug) = self.selected_slug() {
                    self.dialogs.open(DeletePrompt::dialog(slug));
                }
            }
            Action::EditFields => self.open_fields_form(),
            Action::ExternalEditor => return self.open_editor(),
            Action::Authorize => {
                if let Some(slug) = self.selected_slug() {
                    self.open_authorize(&slug, false);
                }
            }
            Action::ReviewDrafts => {
                let selected = self.selected_slug().unwrap_or_default();
                if self.pending_drafts.is_empty() && self.is_edited_elsewhere(&selected) {
                    self.held_elsewhere(&selected);
                } else if self.pending_drafts.is_empty() {
                    self.say("No drafts from an earlier session are waiting.");
                } else {
                    self.review_drafts(None);
                }
            }
            Action::Discard => self.ask_to_discard(),
            Action::History => return self.open_history(),
            Action::Back if !self.list.filter.is_empty() => {
                self.list.filter.clear();
                let keep = self.list.selected_slug();
                self.list.refilter(keep, height);
            }
            Action::OpenDocument => {
                if let Some(slug) = self.selected_slug() {
                    if !self.blocked_by_draft(&slug) {
                        self.focus = Focus::Document;
                    }
                }
            }
            Action::Down => self.list.move_selection(1, height),
            Action::Up => self.list.move_selection(-1, height),
            Action::PageDown => self.list.move_selection(10, height),
            Action::PageUp => self.list.move_selection(-10, height),
            Action::Top => self.list.move_selection(i32::MIN / 2, height),
            Action::Bottom => self.list.move_selection(i32::MAX / 2, height),
            _ => {}
        }
        Vec::new()
    }

    pub(super) fn open_editor(&mut self) -> Vec<Command> {
        let Some(slug) = self.selected_slug() else {
            return Vec::new();
        };
        if self.blocked_by_draft(&slug) {
            return Vec::new();
        }
        match self.selected_document() {
            Some(text) => vec![Command::OpenEditor { slug, text }],
            None => Vec::new(),
        }
    }

    pub(super) fn on_mouse(&mut self, mouse: MouseEvent) {
        if self.show_help && self.dialogs.is_empty() {
            // The wheel scrolls the help over the panes; the panes under it
            // take nothing.
            let step = match mouse.kind {
                MouseEventKind::ScrollDown => Some(KeyCode::Down),
                MouseEventKind::ScrollUp => Some(KeyCode::Up),
                _ => None,
            };
            for code in step.into_iter().cycle().take(3) {
                self.scroll_help(KeyEvent::from(code));
            }
            return;
        }
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
            MouseEventKind::Down(MouseButton::Left) if self.dialogs.is_empty() => {
                let was_focused = self.focus == Focus::Document;
                if let Some(focus) = pane {
                    self.focus = focus;
                }
                if pane == Some(Focus::Document) {
                    self.click_document(column, row, false, was_focused);
                }
                if pane == Some(Focus::List) && row > areas.list.y {
                    let index = self.list.scroll + (row - areas.list.y - 1) as usize;
                    if index < self.list.visible.len() {
                        self.list.selected = index;
                    }
                }
            }
            MouseEventKind::Drag(MouseButton::Left)
                if self.dialogs.is_empty() && self.focus == Focus::Document =>
            {
                self.click_document(column, row, true, true);
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp if self.dialogs.is_empty() => {
                let by: i32 = if mouse.kind == MouseEventKind::ScrollDown {
                    3
                } else {
                    -3
                };
                match pane {
                    Some(Focus::List) => self.list.move_selection(by, self.list_height()),
                    Some(Focus::Document) => {
                        if let Some(edit) =
                            self.selected_slug().and_then(|s| self.edits.get_mut(&s))
                        {
                            let last = edit.document.lines().len().saturating_sub(1) as i64;
                            edit.scroll =
                                (edit.scroll as i64 + i64::from(by)).clamp(0, last) as usize;
                        }
                    }
                    Some(Focus::Response) => {
                        let height = self.response_body_height();
                        if let Some(answer) =
                            self.selected_slug().and_then(|s| self.answers.get_mut(&s))
                        {
                            answer.view.scroll_by(by as isize, height);
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_paste(&mut self, text: &str) -> Vec<Command> {
        if let Some(dialog) = self.dialogs.front_mut() {
            // A paste into the form shows the form (not the log over it).
            self.show_messages = false;
            dialog.paste(text);
            self.follow_fields_form();
            return Vec::new();
        }
        if self.list.filtering {
            let height = self.list_height();
            self.list.type_into_filter(text, height);
            return Vec::new();
        }
        match self.focus {
            Focus::Document => self.paste_into_document(text),
            Focus::Variables => {
                let Some(form) = &mut self.variables else {
                    return Vec::new();
                };
                if form.raw.is_some() {
                    match form.paste_json(text, &mut self.remembered) {
                        Ok(set) => self.say(format!(
                            "The pasted object set {}.",
                            plural(set, "variable")
                        )),
                        Err(why) => self.say(format!("Not pasted: {why}.")),
                    }
                } else {
                    form.paste_into_focused(text, &mut self.remembered);
                }
            }
            Focus::List | Focus::Response => {}
        }
        Vec::new()
    }

    /// The fields form writes through to its portal's edit as you type, so
    /// the draft on disk follows it.
    fn follow_fields_form(&mut self) {
        let Some(Dialog::Form(form)) = self.dialogs.front() else {
            return;
        };
        let crate::tui::dialogs::FormMode::EditFields { slug } = &form.mode else {
            return;
        };
        let (slug, draft) = (slug.clone(), form.draft());
        let refusal_stands = form.fields_refusal().is_some();
        let Some(edit) = self.edits.get_mut(&slug) else {
            return;
        };
        if edit.fields != draft {
            edit.fields = draft;
        }
        // The field a refusal named changed: the refusal, and what the
        // status said of it, go.
        let refused_at_a_field = (edit.server_error.as_ref())
            .is_some_and(|(field, _)| crate::tui::dialogs::is_fields_row(*field));
        if refused_at_a_field && !refusal_stands {
            edit.server_error = None;
            self.resolved(super::Cause::Save);
        }
    }

    /// Opens the drafts dialog, with `slug`'s draft selected when given.
    pub(super) fn review_drafts(&mut self, slug: Option<&str>) {
        if let Some(dialog) = self.drafts_dialog(slug) {
            self.dialogs.open(dialog);
        }
    }

    /// The drafts dialog again, after the dialogs already open.
    pub(super) fn review_drafts_after(&mut self) {
        if let Some(dialog) = self.drafts_dialog(None) {
            self.dialogs.enqueue(dialog);
        }
    }

    pub(super) fn drafts_dialog(&self, slug: Option<&str>) -> Option<Dialog> {
        if self.pending_drafts.is_empty() || self.dialogs.any(|d| matches!(d, Dialog::Drafts(_))) {
            return None;
        }
        // The dialog holds a copy: until each is decided, they still wait.
        let drafts = self.pending_drafts.clone();
        let selected = slug
            .and_then(|slug| drafts.iter().position(|d| d.slug == slug))
            .unwrap_or(0);
        let existing = drafts
            .iter()
            .filter(|d| self.list.find(&d.slug).is_some())
            .map(|d| d.slug.clone())
            .collect();
        Some(Dialog::Drafts(crate::tui::dialogs::DraftsDialog {
            drafts,
            selected,
            existing,
            discarding: false,
            checking: false,
            server: self.server_name(),
        }))
    }
}
