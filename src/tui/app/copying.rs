//! `y`, `p` and `c` in the response: the value, or the JSON path, under
//! the cursor, or the whole body shown, to the clipboard, and a status that
//! says which was copied: the path and the size, never the value itself
//! (it may be a secret).

use super::App;
use crate::text::sanitize_line;
use crate::tui::json_path;
use crate::tui::message::Command;
use crate::tui::wrap;

/// Text larger than this is not sent to a clipboard (terminals drop huge
/// OSC 52 sequences): `s` saves it.
const COPY_LIMIT: usize = 16 << 20;

/// Columns of a path the status shows before it is cut.
const PATH_SHOWN: usize = 80;

impl App {
    /// Copies the value (`value`) or the path under the response's cursor.
    pub(super) fn copy_under_cursor(&mut self, value: bool) -> Vec<Command> {
        let Some(view) = self.selected_answer().map(|a| &a.view) else {
            return Vec::new();
        };
        let path = json_path::path_at(&view.body, view.cursor);
        let found = if value {
            json_path::value_at(&view.body, view.cursor)
        } else {
            path.clone()
        };
        let (Some(text), Some(path)) = (found, path) else {
            self.say("The answer is not JSON: c copies all of it.");
            return Vec::new();
        };
        let what = if value { "value" } else { "path" };
        if text.len() > COPY_LIMIT {
            self.say(format!(
                "That {what} is {}, too large for a clipboard: s saves the answer.",
                size(text.len())
            ));
            return Vec::new();
        }
        let mut path = wrap::cut(&sanitize_line(&path), PATH_SHOWN);
        // The pane shows the filter's result, so the path is within that.
        if view.filter.is_some() {
            path.push_str(" in the jq filter's result");
        }
        self.copying = Some(if value {
            format!("the value of {path} ({})", size(text.len()))
        } else {
            format!("the path {path}")
        });
        vec![Command::Copy(text)]
    }

    /// `c`: the body shown (the answer's, or its jq filter's result) to
    /// the clipboard, and a status that says which and its size.
    pub(super) fn copy_body(&mut self) -> Vec<Command> {
        let Some(view) = self.selected_answer().map(|a| &a.view) else {
            return Vec::new();
        };
        if let Some(path) = view.body.source().spilled_to() {
            let text = format!(
                "The body is {} MB, too large for a clipboard; s saves it (it is in {} until then).",
                view.body.raw().len() >> 20,
                path.display()
            );
            self.say(text);
            return Vec::new();
        }
        let body = view.body.raw().to_owned();
        let what = if view.filter.is_some() {
            "the jq filter's result"
        } else {
            "the answer's body"
        };
        self.copying = Some(format!("{what} ({})", size(body.len())));
        vec![Command::Copy(body)]
    }

    /// The clipboard's answer, naming what `y`, `p` or Ctrl-c/Ctrl-x copied.
    pub(super) fn copied_status(&mut self, how: String) -> String {
        let Some(what) = self.copying.take() else {
            return how;
        };
        if let Some(rest) = how.strip_prefix("Copied") {
            format!("Copied {what}{rest}")
        } else if let Some(rest) = how.strip_prefix("Could not copy") {
            format!("Could not copy {what}{rest}")
        } else {
            format!("{how} ({what})")
        }
    }
}

/// `12 bytes`, `3.4 KB`, `2.0 MB`.
fn size(bytes: usize) -> String {
    match bytes {
        0..1024 => format!("{bytes} bytes"),
        1024..1_048_576 => format!("{:.1} KB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}
