//! What is under the response viewer's cursor: the JSON path to it
//! (`.data.builds[3].url`, as jq writes it) and its value, read from the
//! body's line index without building a tree.

use super::body::Body;
use crate::graphql::highlight::string_end;

/// The line a closing `}` or `]` belongs to: its opener; others are themselves.
fn item_line(body: &Body, line: usize) -> usize {
    let raw = body.line_raw(line).trim_start();
    if !(raw.starts_with('}') || raw.starts_with(']')) {
        return line;
    }
    let depth = body.depth(line);
    (0..line)
        .rev()
        .find(|&i| body.depth(i) == depth && body.closing(i) == Some(line))
        .unwrap_or(line)
}

/// The block that holds line `line`: the first line before it less deep.
fn parent(body: &Body, line: usize) -> Option<usize> {
    let depth = body.depth(line);
    (0..line).rev().find(|&i| body.depth(i) < depth)
}

/// The key a line starts with (`"name": ...`), decoded.
fn key_of(raw: &str) -> Option<String> {
    let raw = raw.trim_start();
    if !raw.starts_with('"') {
        return None;
    }
    let end = string_end(raw.as_bytes(), 0);
    let after = raw[end..].trim_start();
    if !after.starts_with(':') {
        return None;
    }
    serde_json::from_str(&raw[..end]).ok()
}

/// Where item `line` is in the array that opens at `open`.
fn index_in(body: &Body, open: usize, line: usize) -> usize {
    let mut item = open + 1;
    let mut index = 0;
    while item < line {
        item = body.closing(item).map_or(item + 1, |close| close + 1);
        index += 1;
    }
    index
}

/// The jq path of the value on `line`: `.` for the whole body.
pub fn path_at(body: &Body, line: usize) -> Option<String> {
    if !body.is_json() || line >= body.line_count() {
        return None;
    }
    let mut steps = Vec::new();
    let mut at = item_line(body, line);
    while let Some(open) = parent(body, at) {
        let step = if body.line_raw(open).ends_with('[') {
            Step::Index(index_in(body, open, at))
        } else {
            Step::Key(key_of(body.line_raw(at))?)
        };
        steps.push(step);
        at = open;
    }
    let mut path = String::new();
    for step in steps.iter().rev() {
        match step {
            Step::Key(key) => crate::history::push_path_key(&mut path, key),
            Step::Index(i) => path.push_str(&format!("[{i}]")),
        }
    }
    // jq paths start with `.`: `.`, `.a.b`, and `.[0]` or `.["odd key"]`
    // for a first step in brackets (a bare `[0]` is an array in jq).
    if !path.starts_with('.') {
        path.insert(0, '.');
    }
    Some(path)
}

enum Step {
    Key(String),
    Index(usize),
}

/// The value on `line` as text to copy: a string decoded, a block as its
/// JSON (pretty when small), anything else as written.
pub fn value_at(body: &Body, line: usize) -> Option<String> {
    if !body.is_json() || line >= body.line_count() {
        return None;
    }
    let line = item_line(body, line);
    let raw = body.line_raw(line);
    let value_start = match key_of(raw) {
        Some(_) => {
            let end = string_end(raw.as_bytes(), 0);
            let colon = end + raw[end..].find(':')?;
            colon + 1
        }
        None => 0,
    };
    let text = match body.closing(line) {
        Some(close) => {
            let offset = |s: &str| s.as_ptr() as usize - body.raw().as_ptr() as usize;
            let start = offset(raw) + value_start;
            let close_raw = body.line_raw(close);
            let end = offset(close_raw) + close_raw.trim_end_matches(',').len();
            let block = &body.raw()[start..end];
            return Some(pretty_when_small(block.trim()));
        }
        None => raw[value_start..].trim().trim_end_matches(','),
    };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => Some(text.to_owned()),
    }
}

/// Blocks under a megabyte are copied pretty-printed; larger ones as sent.
fn pretty_when_small(block: &str) -> String {
    if block.len() < 1 << 20 {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(block) {
            if let Ok(pretty) = serde_json::to_string_pretty(&value) {
                return pretty;
            }
        }
    }
    block.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = r#"{"data":{"builds":[{"n":1,"url":"https://x/1"},{"n":2,"tags":["a","b"]}],"odd key":true}}"#;

    fn line_with(body: &Body, text: &str) -> usize {
        (0..body.line_count())
            .find(|&i| body.line_text(i).contains(text))
            .expect("the line is there")
    }

    #[test]
    fn the_path_is_what_jq_would_take() {
        let body = Body::new(BODY.to_owned());
        assert_eq!(path_at(&body, 0).as_deref(), Some("."));
        let url = line_with(&body, "https://x/1");
        assert_eq!(path_at(&body, url).as_deref(), Some(".data.builds[0].url"));
        let b = line_with(&body, "\"b\"");
        assert_eq!(
            path_at(&body, b).as_deref(),
            Some(".data.builds[1].tags[1]")
        );
        let odd = line_with(&body, "odd key");
        assert_eq!(path_at(&body, odd).as_deref(), Some(".data[\"odd key\"]"));
        let closing = line_with(&body, "],");
        assert_eq!(path_at(&body, closing).as_deref(), Some(".data.builds"));
    }

    #[test]
    fn a_path_from_a_top_level_array_or_odd_key_still_starts_with_a_dot() {
        let body = Body::new(r#"[{"a":{"b":1}},[2]]"#.to_owned());
        assert_eq!(path_at(&body, 0).as_deref(), Some("."));
        let first = line_with(&body, "{");
        assert_eq!(path_at(&body, first).as_deref(), Some(".[0]"));
        let b = line_with(&body, "\"b\"");
        assert_eq!(path_at(&body, b).as_deref(), Some(".[0].a.b"));
        let two = line_with(&body, "2");
        assert_eq!(path_at(&body, two).as_deref(), Some(".[1][0]"));
        let body = Body::new(r#"{"odd key":{"x-y":true}}"#.to_owned());
        let x = line_with(&body, "x-y");
        assert_eq!(path_at(&body, x).as_deref(), Some(r#".["odd key"]["x-y"]"#));
    }

    #[test]
    fn the_value_is_a_string_decoded_or_a_block_as_json() {
        let body = Body::new(BODY.to_owned());
        let url = line_with(&body, "https://x/1");
        assert_eq!(value_at(&body, url).as_deref(), Some("https://x/1"));
        let n = line_with(&body, "\"n\": 2");
        assert_eq!(value_at(&body, n).as_deref(), Some("2"));
        let tags = line_with(&body, "\"tags\"");
        assert_eq!(
            value_at(&body, tags).as_deref(),
            Some("[\n  \"a\",\n  \"b\"\n]")
        );
        assert_eq!(
            value_at(&body, 0).map(|v| serde_json::from_str::<serde_json::Value>(&v).is_ok()),
            Some(true)
        );
        assert_eq!(value_at(&Body::new("<html>".to_owned()), 0), None);
    }
}
