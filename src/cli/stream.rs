//! Printing a portal's answer as it arrives (`invoke`), so memory holds a
//! chunk, not the body: JSON is laid out on the fly (indented for people,
//! compact with `--json`) and written through `text`'s JSON escaping; any
//! other text goes through `text::sanitize` (or becomes one JSON string).

use std::io::Write;

use crate::buildkite::invoke::{GraphqlEnvelope, GraphqlError};
use crate::text::{sanitize, write_json, write_json_text};

/// The most of a top-level `errors` value kept to report GraphQL errors.
const MAX_ERRORS_TEXT: usize = 1 << 20;
/// Output is handed to the writer in pieces of about this size.
const FLUSH_AT: usize = 64 << 10;

/// How the body is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Indented two spaces, one member per line (as `serde_json` prints).
    Pretty,
    /// No insignificant whitespace, for `--json`.
    Compact,
}

/// What the body turned out to be.
enum Kind {
    /// Nothing but whitespace seen yet.
    Undecided,
    Json,
    Text,
}

/// Where the JSON reader stands.
#[derive(Default)]
struct JsonState {
    /// Open containers: `true` for an object.
    stack: Vec<bool>,
    /// A container was just opened; `{}` or a newline depends on what follows.
    just_opened: bool,
    in_string: bool,
    escaped: bool,
    /// Inside an object, the next string is a key.
    expect_key: bool,
    /// The key being read at the top level, and the last one read.
    key: Option<String>,
    last_top_key: String,
    /// The text of the top-level `errors` value while it is read.
    capturing: bool,
    errors_text: String,
    errors_overflow: bool,
    broken: bool,
}

/// Prints one answer, piece by piece.
pub struct AnswerPrinter<W: Write> {
    out: W,
    layout: Layout,
    kind: Kind,
    json: JsonState,
    /// The end of the previous chunk when it split a UTF-8 sequence.
    partial: Vec<u8>,
    buffer: String,
    /// Whether the last character printed (as text) ended a line.
    ended_line: bool,
}

/// What the printed answer said, once it is all printed.
#[derive(Debug, Default)]
pub struct Printed {
    /// The GraphQL errors, when the answer was a GraphQL response.
    pub errors: Vec<GraphqlError>,
    /// The answer looked like JSON but did not end as whole JSON.
    pub incomplete_json: bool,
}

impl<W: Write> AnswerPrinter<W> {
    pub fn new(out: W, layout: Layout) -> AnswerPrinter<W> {
        AnswerPrinter {
            out,
            layout,
            kind: Kind::Undecided,
            json: JsonState::default(),
            partial: Vec::new(),
            buffer: String::new(),
            ended_line: true,
        }
    }

    /// Prints the next piece of the body.
    pub fn push(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        let mut bytes = std::mem::take(&mut self.partial);
        bytes.extend_from_slice(chunk);
        let mut rest = &bytes[..];
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.text(text);
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    // Checked by from_utf8 just above.
                    self.text(std::str::from_utf8(valid).unwrap_or_default());
                    match e.error_len() {
                        Some(bad) => {
                            self.text("\u{FFFD}");
                            rest = &after[bad..];
                        }
                        None => {
                            self.partial = after.to_vec();
                            break;
                        }
                    }
                }
            }
        }
        if self.buffer.len() >= FLUSH_AT {
            self.flush_buffer()?;
        }
        Ok(())
    }

    /// Hands the buffer to the writer. JSON goes through `text`'s escaping:
    /// what it escapes can only sit inside strings in valid JSON, where the
    /// escape means the same.
    fn flush_buffer(&mut self) -> std::io::Result<()> {
        match self.kind {
            Kind::Json => write_json_text(&mut self.out, &self.buffer)?,
            _ => self.out.write_all(self.buffer.as_bytes())?,
        }
        self.buffer.clear();
        Ok(())
    }

    /// Prints what is left and says what the answer held.
    pub fn finish(mut self) -> std::io::Result<Printed> {
        if !self.partial.is_empty() {
            self.partial.clear();
            self.text("\u{FFFD}");
        }
        let mut printed = Printed::default();
        match self.kind {
            Kind::Json => {
                let json = &self.json;
                printed.incomplete_json = json.broken || json.in_string || !json.stack.is_empty();
                if !json.errors_text.is_empty() && !json.errors_overflow {
                    let envelope = format!("{{\"errors\":{}}}", json.errors_text);
                    printed.errors = GraphqlEnvelope::parse(&envelope)
                        .map(|e| e.errors)
                        .unwrap_or_default();
                }
                if self.layout == Layout::Pretty {
                    self.buffer.push('\n');
                }
            }
            Kind::Text if self.layout == Layout::Compact => self.buffer.push('"'),
            Kind::Text if !self.ended_line => self.buffer.push('\n'),
            Kind::Undecided if self.layout == Layout::Compact => self.buffer.push_str("\"\""),
            _ => {}
        }
        self.flush_buffer()?;
        self.out.flush()?;
        Ok(printed)
    }

    fn text(&mut self, text: &str) {
        let mut rest = text;
        if let Kind::Undecided = self.kind {
            let start = rest.trim_start();
            match start.chars().next() {
                None => return,
                Some('{' | '[') => self.kind = Kind::Json,
                Some(_) => {
                    self.kind = Kind::Text;
                    if self.layout == Layout::Compact {
                        self.buffer.push('"');
                    }
                }
            }
            rest = start;
        }
        match self.kind {
            Kind::Json => rest.chars().for_each(|c| self.json_char(c)),
            Kind::Text if self.layout == Layout::Compact => {
                // One JSON string across chunks: each piece without its quotes.
                let mut quoted = Vec::with_capacity(rest.len() + 2);
                if write_json(&mut quoted, rest).is_ok() && quoted.len() >= 2 {
                    let inner = &quoted[1..quoted.len() - 1];
                    self.buffer.push_str(&String::from_utf8_lossy(inner));
                }
            }
            _ => {
                self.buffer.push_str(&sanitize(rest));
                self.ended_line = rest.ends_with('\n');
            }
        }
    }

    fn json_char(&mut self, c: char) {
        if self.json.in_string {
            self.string_char(c);
            return;
        }
        if c.is_ascii_whitespace() {
            return;
        }
        let closing = matches!(c, '}' | ']');
        let after_open = std::mem::take(&mut self.json.just_opened);
        if after_open && !closing {
            self.new_line(self.json.stack.len());
        }
        match c {
            '{' | '[' => {
                self.json.stack.push(c == '{');
                self.json.just_opened = true;
                self.json.expect_key = c == '{';
                self.emit(c);
            }
            '}' | ']' => {
                if self.json.stack.pop() != Some(c == '}') {
                    self.json.broken = true;
                }
                if !after_open {
                    self.new_line(self.json.stack.len());
                }
                self.emit(c);
                if self.json.stack.len() == 1 {
                    self.json.capturing = false;
                }
            }
            ',' => {
                if self.json.stack.len() == 1 {
                    self.json.capturing = false;
                }
                self.emit(',');
                self.json.expect_key = self.json.stack.last() == Some(&true);
                self.new_line(self.json.stack.len());
            }
            ':' => {
                self.emit(':');
                if self.layout == Layout::Pretty {
                    self.buffer.push(' ');
                }
                if self.json.stack.len() == 1 && self.json.last_top_key == "errors" {
                    self.json.capturing = true;
                }
            }
            '"' => {
                self.json.in_string = true;
                if self.json.expect_key && self.json.stack.len() == 1 {
                    self.json.key = Some(String::new());
                }
                self.json.expect_key = false;
                self.emit('"');
            }
            c => {
                if !(c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.')) {
                    self.json.broken = true;
                }
                self.emit_escaped(c);
            }
        }
    }

    fn string_char(&mut self, c: char) {
        let json = &mut self.json;
        if json.escaped {
            json.escaped = false;
        } else if c == '\\' {
            json.escaped = true;
        } else if c == '"' {
            json.in_string = false;
            if let Some(key) = json.key.take() {
                json.last_top_key = key;
            }
            self.emit('"');
            return;
        }
        if let Some(key) = &mut json.key {
            if key.len() < 16 {
                key.push(c);
            }
        }
        self.emit_escaped(c);
    }

    /// Control characters are not allowed raw in JSON: a broken answer's
    /// are written as escapes, so none reaches the terminal.
    fn emit_escaped(&mut self, c: char) {
        if c < ' ' {
            format!("\\u{:04x}", c as u32)
                .chars()
                .for_each(|c| self.emit(c));
        } else {
            self.emit(c);
        }
    }

    fn emit(&mut self, c: char) {
        self.buffer.push(c);
        let json = &mut self.json;
        if json.capturing {
            if json.errors_text.len() < MAX_ERRORS_TEXT {
                json.errors_text.push(c);
            } else {
                json.errors_overflow = true;
            }
        }
    }

    fn new_line(&mut self, depth: usize) {
        if self.layout == Layout::Pretty {
            self.buffer.push('\n');
            for _ in 0..depth {
                self.buffer.push_str("  ");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn print_in_pieces(body: &[u8], layout: Layout, piece: usize) -> (String, Printed) {
        let mut out = Vec::new();
        let mut printer = AnswerPrinter::new(&mut out, layout);
        for chunk in body.chunks(piece.max(1)) {
            printer.push(chunk).unwrap();
        }
        let printed = printer.finish().unwrap();
        (String::from_utf8(out).unwrap(), printed)
    }

    const ANSWER: &str = r#" {"data": {"pipeline": {"name": "Web \"app\"", "tags": [], "meta": {},
        "builds": [1, -2.5, true, null, {"n": "é"}]}},
      "errors": [{"message": "Field `x` is not known", "path": ["a", 0]}]} "#;

    #[test]
    fn json_is_laid_out_as_serde_json_would_in_any_pieces() {
        let value: serde_json::Value = serde_json::from_str(ANSWER).unwrap();
        let pretty = serde_json::to_string_pretty(&value).unwrap() + "\n";
        let compact = serde_json::to_string(&value).unwrap();
        for piece in [1, 2, 3, 7, 64, 4096] {
            let (out, printed) = print_in_pieces(ANSWER.as_bytes(), Layout::Pretty, piece);
            assert_eq!(out, pretty, "pieces of {piece}");
            assert!(!printed.incomplete_json);
            assert_eq!(printed.errors.len(), 1);
            assert_eq!(printed.errors[0].message, "Field `x` is not known");
            let (out, _) = print_in_pieces(ANSWER.as_bytes(), Layout::Compact, piece);
            assert_eq!(out, compact, "pieces of {piece}");
        }
    }

    #[test]
    fn characters_a_terminal_acts_on_become_escapes_and_the_json_means_the_same() {
        let body = "{\"a\": \"x\u{9b}31m\u{202e}y\u{7f}\u{1b}z\u{2028}\"}";
        for layout in [Layout::Pretty, Layout::Compact] {
            let (out, _) = print_in_pieces(body.as_bytes(), layout, 1);
            assert!(out.is_ascii(), "{out:?}");
            assert!(out.contains("\\u009b") && out.contains("\\u202e"), "{out}");
            let read: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(read["a"], "x\u{9b}31m\u{202e}y\u{7f}\u{1b}z\u{2028}");
        }
    }

    #[test]
    fn text_is_sanitized_for_people_and_a_json_string_for_scripts() {
        let body = "<html>\x1b]52;c;AAAA\x07 \u{9b}2J\nbye";
        let (out, printed) = print_in_pieces(body.as_bytes(), Layout::Pretty, 3);
        assert_eq!(out, "<html>�]52;c;AAAA� �2J\nbye\n");
        assert!(printed.errors.is_empty() && !printed.incomplete_json);
        let (out, _) = print_in_pieces(body.as_bytes(), Layout::Compact, 3);
        let read: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(read, serde_json::Value::String(body.to_owned()));
        let (out, _) = print_in_pieces(b"", Layout::Compact, 3);
        assert_eq!(out, "\"\"");
    }

    #[test]
    fn a_cut_answer_is_noticed_and_bad_bytes_are_replaced() {
        let (_, printed) = print_in_pieces(br#"{"data": {"a": [1, 2"#, Layout::Pretty, 5);
        assert!(printed.incomplete_json);
        let (out, _) = print_in_pieces(b"{\"a\": \"\xff\xe2\x80\"}", Layout::Compact, 1);
        assert_eq!(out, "{\"a\":\"\u{FFFD}\u{FFFD}\"}");
    }
}
