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

/// The character a key types: none with Ctrl or Alt held (tmux sends Esc
/// then q, pressed quickly, as Alt-q), but one with both, which is how some
/// platforms report AltGr (editors type those too).
pub fn typed_char(key: KeyEvent) -> Option<char> {
    let KeyCode::Char(c) = key.code else {
        return None;
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    (ctrl == alt && !c.is_control()).then_some(c)
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
        if let Some(c) = typed_char(key) {
            let at = self.byte_at(self.cursor);
            self.value.insert(at, c);
            self.cursor += 1;
            return true;
        }
        match key.code {
            KeyCode::Char('u') if ctrl => {
                let at = self.byte_at(self.cursor);
                self.value.replace_range(..at, "");
                self.cursor = 0;
            }
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = len,
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

    /// What to draw in `width` columns: the part of the value around the
    /// cursor (all of it when it fits), and the cursor's column in that part.
    /// Drawing a megabyte-long value then costs a screen's width, not a megabyte.
    pub fn window(&self, width: usize) -> (&str, usize) {
        let width = width.max(1);
        let first = self.cursor.saturating_sub(width - 1);
        let mut chars = self.value.char_indices().skip(first);
        let start = chars.clone().next().map_or(self.value.len(), |(i, _)| i);
        let end = chars.nth(width).map_or(self.value.len(), |(i, _)| i);
        (&self.value[start..end], self.cursor - first)
    }

    /// Inserts pasted text, flattened to one line (see [`one_line_paste`]).
    /// One insertion, so a megabyte costs a megabyte's work, not a scan per char.
    pub fn paste(&mut self, text: &str) {
        let text = one_line_paste(text);
        let at = self.byte_at(self.cursor);
        self.value.insert_str(at, &text);
        self.cursor += text.chars().count();
    }
}

/// Pasted text made fit for a one-line input: each line break (CR, LF, CRLF,
/// U+2028, U+2029) and tab becomes one space, so the words stay apart as the
/// user copied them; line breaks at the end (a copied line often brings its
/// own) are dropped; other control characters and bidi overrides are dropped.
pub fn one_line_paste(text: &str) -> String {
    rewrite(text.trim_end_matches(is_line_break), |c| {
        if is_line_break(c) || c == '\t' {
            Some(" ")
        } else if crate::text::is_unsafe(c) {
            Some("")
        } else {
            None
        }
    })
}

/// Pasted text made fit for a multi-line editor: CRLF and lone CR (what
/// terminals and tmux send for Enter) become LF; tabs are kept; other
/// control characters and bidi overrides are dropped.
pub fn multi_line_paste(text: &str) -> String {
    rewrite(text, |c| match c {
        '\r' => Some("\n"),
        '\n' | '\t' => None,
        c if crate::text::is_unsafe(c) => Some(""),
        _ => None,
    })
}

/// `text` with each char `replace` has a replacement for replaced (a CRLF
/// counts as its CR); the text between is copied in runs, not char by char.
fn rewrite(text: &str, replace: impl Fn(char) -> Option<&'static str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut kept = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let Some(with) = replace(c) else {
            continue;
        };
        out.push_str(&text[kept..at]);
        out.push_str(with);
        kept = at + c.len_utf8();
        if c == '\r' && matches!(chars.peek(), Some((_, '\n'))) {
            chars.next();
            kept += 1;
        }
    }
    out.push_str(&text[kept..]);
    out
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{2028}' | '\u{2029}')
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

    #[test]
    fn line_breaks_of_every_kind_become_one_space_and_hidden_controls_go() {
        let pasted = "a\r\nb\rc\nd\te\u{2028}f\x1b[31m\u{202E}g\u{9b}\x7f\r\n\r\n";
        assert_eq!(one_line_paste(pasted), "a b c d e f[31mg");
        let mut input = LineInput::new("[]");
        press(&mut input, KeyCode::Left);
        input.paste("x\ry\n");
        assert_eq!(input.value(), "[x y]");
        assert_eq!(input.cursor(), 4, "the cursor ends after the pasted text");
    }

    #[test]
    fn multi_line_pastes_keep_their_lines_whatever_ends_them() {
        let pasted = "query A {\r  a\r\n\tb\n}\r\x1b]52;c;x\x07";
        assert_eq!(multi_line_paste(pasted), "query A {\n  a\n\tb\n}\n]52;c;x");
    }

    #[test]
    fn a_megabyte_paste_arrives_whole() {
        // Lines as a terminal sends them (CR between), 1 MiB in all.
        let line = "0123456789abcde\r";
        let pasted = line.repeat((1 << 20) / line.len());
        let mut input = LineInput::new("<>");
        press(&mut input, KeyCode::Left);
        input.paste(&pasted);
        let expected = format!(
            "<{}>",
            "0123456789abcde ".repeat((1 << 20) / line.len()).trim_end()
        );
        assert!(
            input.value() == expected,
            "the value is the paste, flattened"
        );
        assert_eq!(input.cursor(), expected.len() - 1);
    }

    #[test]
    fn a_long_value_shows_the_part_around_the_cursor() {
        let mut input = LineInput::new("abcdefgh");
        assert_eq!(input.window(20), ("abcdefgh", 8), "all of it when it fits");
        assert_eq!(input.window(4), ("fgh", 3), "the cursor stays on screen");
        press(&mut input, KeyCode::Home);
        assert_eq!(input.window(4), ("abcd", 0));
        press(&mut input, KeyCode::Right);
        press(&mut input, KeyCode::Right);
        assert_eq!(input.window(2), ("bc", 1));
    }
}
