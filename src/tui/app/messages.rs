//! Status messages are never cut: one too long for the footer's line wraps
//! onto rows of its own, and every message of the session stays in a log
//! (F7) that shows each in full.

use super::{App, Cause};
use crate::text::sanitize_line;
use crate::tui::dialogs::Dialog;
use crate::tui::keymap;
use crate::tui::wrap;

/// Messages the log keeps, the oldest dropped first.
const LOG_SIZE: usize = 500;

/// Rows a message may take below the keys before the log is the way to read it.
pub const STATUS_ROWS: usize = 3;

/// The status line and the dialogs before an update, to tell whether it
/// opened a dialog without a word of its own (`App::clear_stale_status`).
pub(super) struct StatusBefore {
    status: String,
    dialogs: usize,
    front: Option<std::mem::Discriminant<Dialog>>,
}

impl App {
    /// Says `text` in the status line.
    pub(super) fn say(&mut self, text: impl Into<String>) {
        self.status = text.into();
        self.log_status();
        self.status_cause = None;
        self.status_sticky = false;
        self.status_warning = false;
    }

    /// Says `text` until `cause` is resolved (see `resolved`).
    pub(super) fn say_because(&mut self, cause: Cause, text: impl Into<String>) {
        self.say(text);
        self.status_cause = Some(cause);
    }

    /// A warning: routine news does not replace it before the next key.
    pub(super) fn warn(&mut self, text: impl Into<String>) {
        self.say(text);
        self.status_sticky = true;
        self.status_warning = true;
    }

    /// Routine news (a listing done, a schema fetched at start): said only
    /// when no warning is showing; otherwise only logged (F7).
    pub(super) fn note(&mut self, text: impl Into<String>) {
        // Set by `warn` with `status_sticky`, but kept past the next key.
        if self.status_warning {
            self.log(text.into());
        } else {
            self.say(text);
        }
    }

    /// The cause of the status line is gone: so is the message.
    pub(super) fn resolved(&mut self, cause: Cause) {
        if self.status_cause == Some(cause) {
            self.say("");
        }
    }

    /// The server as messages name it: "Buildkite", or the sandbox's (or
    /// other server's) `host:port`.
    pub fn server_name(&self) -> String {
        crate::buildkite::http::server_said(self.server.as_deref())
    }

    pub(super) fn status_before(&self) -> StatusBefore {
        StatusBefore {
            status: self.status.clone(),
            dialogs: self.dialogs.len(),
            front: self.dialogs.front().map(std::mem::discriminant),
        }
    }

    /// A dialog opened now, saying nothing: the news of an earlier step
    /// would read as being about it, so it goes (F7 still has it). What is
    /// said until its cause is resolved stays.
    pub(super) fn clear_stale_status(&mut self, before: StatusBefore) {
        let front = self.dialogs.front().map(std::mem::discriminant);
        let opened = self.dialogs.len() > before.dialogs
            || (self.dialogs.len() == before.dialogs && front.is_some() && front != before.front);
        if opened && self.status == before.status && self.status_cause.is_none() {
            self.status.clear();
            self.status_sticky = false;
            self.status_warning = false;
        }
    }

    /// Adds the status line to the log (a message said twice in a row once).
    pub(super) fn log_status(&mut self) {
        self.log(self.status.clone());
    }

    /// Adds `text` to the message log (F7), unless it is the last one there.
    fn log(&mut self, text: String) {
        if text.is_empty() || self.messages.back() == Some(&text) {
            return;
        }
        if self.messages.len() == LOG_SIZE {
            self.messages.pop_front();
        }
        self.messages.push_back(text);
    }

    /// The keys the footer names for what has the focus.
    pub fn footer_keys(&self) -> String {
        if let Some(Dialog::Form(form)) = self.dialogs.front() {
            // Not the pane's behind it: those do nothing while it is open.
            form.keys(self.creation_drafted()).to_owned()
        } else if self.dialogs.front().is_some() {
            // Every other dialog names its own keys; the pane's do nothing.
            String::new()
        } else if self.list.filtering {
            "type to filter · Enter keep · Esc clear".to_owned()
        } else {
            keymap::footer(self.focus.context())
        }
    }

    /// The status message on rows of its own below the keys, wrapped to
    /// `width`, when it does not fit beside them (none when it does); the
    /// last row says where the rest is when even these are not enough.
    pub fn status_lines(&self, width: u16) -> Vec<String> {
        let width = usize::from(width);
        let status = sanitize_line(&self.status);
        // " keys " + " " + spinner + status
        let beside = wrap::width(&self.footer_keys()) + 3 + 2 + wrap::width(&status);
        if status.is_empty() || (beside <= width && !self.status.trim_end().contains('\n')) {
            return Vec::new();
        }
        let mut lines = wrap::wrap_lines(&self.status, width.saturating_sub(1).max(1));
        if lines.len() > STATUS_ROWS {
            lines.truncate(STATUS_ROWS);
            let hint = " … F7 shows it all";
            let room = width.saturating_sub(1 + wrap::width(hint));
            if let Some(last) = lines.last_mut() {
                *last = format!("{}{hint}", wrap::cut(last, room).trim_end_matches('…'));
            }
        }
        lines
    }
}
