//! Making strings from a server safe to show in a terminal: the one place
//! that decides which characters could take over the terminal or disguise
//! text, for human output and for JSON.
//!
//! - Human output: control characters (ESC, so no escape sequence survives;
//!   C1 such as U+009B, a one-byte CSI; DEL) and bidirectional controls
//!   become `�`. U+2028/U+2029 (line and paragraph separators, which some
//!   terminals break lines on) become a line break, or a space on one line.
//! - JSON output: the same characters that JSON leaves raw (C1, DEL, bidi
//!   controls, U+2028/U+2029) are written as `\uXXXX` escapes, so the text
//!   is still valid JSON with the same values.

use std::borrow::Cow;
use std::io::{self, Write};

/// Replaces unsafe characters with visible stand-ins; keeps `\n` and `\t`,
/// and turns U+2028/U+2029 into `\n`.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            '\u{2028}' | '\u{2029}' => '\n',
            c if is_unsafe(c) => '�',
            c => c,
        })
        .collect()
}

/// `1 run`, `2 runs`: a count with its noun agreeing.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Like [`sanitize`], each line made safe on its own (`\r\n` ends a line,
/// tabs are spaces) and blank lines left out: a server's message of
/// several lines keeps them.
pub fn sanitize_lines(text: &str) -> String {
    text.lines()
        .map(|line| sanitize_line(line).trim_end().to_owned())
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Like [`sanitize`], for text that must stay on one line.
pub fn sanitize_line(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => ' ',
            c if is_unsafe(c) => '�',
            c => c,
        })
        .collect()
}

/// A server's or a file's RFC 3339 timestamp as people read one, in UTC:
/// `2024-08-20 03:22 UTC`, with `:45` seconds when `seconds` (runs a minute
/// apart are told apart); as written (made safe) when it is not RFC 3339.
pub fn readable_time(timestamp: &str, seconds: bool) -> String {
    let format = if seconds {
        "%Y-%m-%d %H:%M:%S UTC"
    } else {
        "%Y-%m-%d %H:%M UTC"
    };
    match chrono::DateTime::parse_from_rfc3339(timestamp) {
        Ok(time) => time.with_timezone(&chrono::Utc).format(format).to_string(),
        Err(_) => sanitize_line(timestamp),
    }
}

use bkportals_graphql::terminal::is_bidi_control;
pub use bkportals_graphql::terminal::is_unsafe;

/// Characters JSON allows raw in a string that a terminal must not get raw.
/// (JSON escapes C0 controls itself.)
fn needs_json_escape(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}') || is_bidi_control(c)
}

/// `text` to begin a sentence: its first letter upper case ("the demo
/// sandbox's version" -> "The demo sandbox's version"; "Buildkite" as it is).
pub fn sentence_start(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Pretty JSON of `value`, with [`needs_json_escape`] characters escaped.
pub fn to_json_pretty(value: &(impl serde::Serialize + ?Sized)) -> serde_json::Result<String> {
    let mut out = Vec::new();
    let formatter = SafeFormatter(serde_json::ser::PrettyFormatter::new());
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut out, formatter,
    ))?;
    Ok(String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into()))
}

/// Compact JSON of `value` into `out`, with [`needs_json_escape`] characters escaped.
pub fn write_json(
    out: &mut impl Write,
    value: &(impl serde::Serialize + ?Sized),
) -> serde_json::Result<()> {
    let formatter = SafeFormatter(serde_json::ser::CompactFormatter);
    value.serialize(&mut serde_json::Serializer::with_formatter(out, formatter))
}

/// Writes JSON text that is already valid (a server's answer, printed as
/// received) with [`needs_json_escape`] characters escaped. In valid JSON
/// they can only be inside strings, where the escape means the same.
pub fn write_json_text(out: &mut impl Write, json: &str) -> io::Result<()> {
    write_escaping(out, json)
}

/// [`write_json_text`] into a string.
pub fn escape_json_text(json: &str) -> Cow<'_, str> {
    if !json.chars().any(needs_json_escape) {
        return Cow::Borrowed(json);
    }
    let mut out = Vec::with_capacity(json.len() + 16);
    // Writing to a Vec cannot fail.
    let _ = write_escaping(&mut out, json);
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// Copies `text`, runs of safe characters at a time, escaping the others.
fn write_escaping<W: Write + ?Sized>(out: &mut W, text: &str) -> io::Result<()> {
    let mut start = 0;
    for (at, c) in text.char_indices() {
        if needs_json_escape(c) {
            out.write_all(&text.as_bytes()[start..at])?;
            write!(out, "\\u{:04x}", c as u32)?;
            start = at + c.len_utf8();
        }
    }
    out.write_all(&text.as_bytes()[start..])
}

/// serde_json's formatting, escaping string contents as [`write_json_text`] does.
struct SafeFormatter<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for SafeFormatter<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        write_escaping(writer, fragment)
    }

    // The rest is the wrapped formatter's layout.
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timestamp_reads_to_the_minute_in_utc_and_an_odd_one_as_sent_without_escapes() {
        assert_eq!(
            readable_time("2024-08-26T03:22:45.555Z", false),
            "2024-08-26 03:22 UTC"
        );
        assert_eq!(
            readable_time("2024-08-26T13:22:45+10:00", false),
            "2024-08-26 03:22 UTC"
        );
        assert_eq!(
            readable_time("2024-08-26T03:22:45Z", true),
            "2024-08-26 03:22:45 UTC"
        );
        assert_eq!(
            readable_time("last week\u{1b}[2J", false),
            "last week\u{fffd}[2J"
        );
    }

    const HOSTILE: &str =
        "ok\x1b[31mred\x07\u{202E}evil\r \u{9b}2J \u{7f} \u{2028}next\u{2029}para \u{2067}x\u{2069}";

    #[test]
    fn escape_c1_del_and_bidi_characters_become_visible_stand_ins() {
        assert_eq!(
            sanitize(HOSTILE),
            "ok�[31mred��evil� �2J � \nnext\npara �x�"
        );
        assert_eq!(
            sanitize_line(HOSTILE),
            "ok�[31mred��evil  �2J �  next para �x�"
        );
        assert_eq!(sanitize_line("a\nb\tc"), "a b c");
        assert_eq!(sanitize("a\nb"), "a\nb");
    }

    #[test]
    fn json_output_escapes_what_json_leaves_raw_and_keeps_the_values() {
        let value = serde_json::json!({ "name": HOSTILE, "list": [HOSTILE], "n": 1 });
        for text in [
            to_json_pretty(&value).unwrap(),
            {
                let mut out = Vec::new();
                write_json(&mut out, &value).unwrap();
                String::from_utf8(out).unwrap()
            },
            escape_json_text(&serde_json::to_string(&value).unwrap()).into_owned(),
        ] {
            assert!(
                !text.chars().any(|c| c.is_control() && c != '\n'
                    || is_bidi_control(c)
                    || c == '\u{2028}'
                    || c == '\u{2029}'),
                "{text:?}"
            );
            assert!(
                text.contains("\\u009b") && text.contains("\\u202e"),
                "{text}"
            );
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, value, "the same values");
        }
        assert!(matches!(
            escape_json_text("{\"a\": \"plain\"}"),
            Cow::Borrowed(_)
        ));
    }
}
