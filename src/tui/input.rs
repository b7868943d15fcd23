//! A one-line text input: the value and a cursor, edited by keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    value: String,
    /// Cursor position in chars.
    cursor: usize,
    /// Holds a token or secret: `Debug` never shows it.
    secret: bool,
}

impl std::fmt::Debug for LineInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let value: &dyn std::fmt::Debug = if self.secret {
            &"<redacted>"
        } else {
            &self.value
        };
        f.debug_struct("LineInput")
            .field("value", value)
            .field("cursor", &self.cursor)
            .finish()
    }
}

impl LineInput {
    pub fn new(value: &str) -> LineInput {
        LineInput {
            value: value.to_owned(),
            cursor: value.chars().count(),
            secret: false,
        }
    }

    /// An empty input for a token or secret.
    pub fn secret() -> LineInput {
        LineInput {
            secret: true,
            ..LineInput::default()
        }
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.value
            .char_indices()
            .nth(chars)
            .map_or(self.value.len(), |(i, _)| i)
    }

    /// Applies an editing key; returns false for keys it does not handle.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let len = self.value.chars().count();
        match key.code {
            KeyCode::Char('u') if ctrl => {
                let at = self.byte_at(self.cursor);
                self.value.replace_range(..at, "");
                self.cursor = 0;
            }
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = len,
            KeyCode::Char(c) if !ctrl && !c.is_control() => {
                let at = self.byte_at(self.cursor);
                self.value.insert(at, c);
                self.cursor += 1;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.value.remove(at);
                self.cursor -= 1;
            }
            KeyCode::Delete if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.value.remove(at);
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(len),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = len,
            KeyCode::Backspace | KeyCode::Delete => {}
            _ => return false,
        }
        true
    }

    /// Inserts pasted text, flattened to one line.
    pub fn paste(&mut self, text: &str) {
        for c in text.chars() {
            let c = if c == '\n' || c == '\r' || c == '\t' {
                ' '
            } else {
                c
            };
            if !c.is_control() {
                let at = self.byte_at(self.cursor);
                self.value.insert(at, c);
                self.cursor += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(input: &mut LineInput, code: KeyCode) {
        input.key(KeyEvent::new(code, KeyModifiers::NONE));
    }

    #[test]
    fn typing_moves_the_cursor_and_edits_at_it() {
        let mut input = LineInput::new("ac");
        press(&mut input, KeyCode::Left);
        press(&mut input, KeyCode::Char('é'));
        assert_eq!(input.value(), "aéc");
        press(&mut input, KeyCode::Backspace);
        press(&mut input, KeyCode::Delete);
        assert_eq!(input.value(), "a");
        input.paste("b\nc");
        assert_eq!(input.value(), "ab c");
    }

    #[test]
    fn secret_inputs_never_show_in_debug() {
        let mut input = LineInput::secret();
        input.paste("bkpt_hidden");
        assert_eq!(input.value(), "bkpt_hidden");
        assert!(!format!("{input:?}").contains("bkpt_hidden"));
    }
}
