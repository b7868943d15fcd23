//! A response body indexed once for viewing: one small record per
//! pretty-printed line (where it is in the body, its depth, the line that
//! closes it). No tree of values is built and no pretty copy is kept: a line's
//! text is made when it is drawn, so a 50 MB body costs the body plus about
//! 16 bytes a line.

use std::collections::BTreeSet;

use super::search;
use crate::buildkite::ResponseBody;
use crate::graphql::highlight::string_end;

const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct LineRef {
    start: u32,
    end: u32,
    closing: u32,
    depth: u16,
}

/// The viewer indexes at most this many lines (16 bytes each); the rest of
/// a larger body is left to a saved copy.
pub const MAX_LINES: usize = 4_000_000;

#[derive(Debug)]
pub struct Body {
    raw: ResponseBody,
    lines: Vec<LineRef>,
    is_json: bool,
    /// Opening lines whose block is folded away.
    folded: BTreeSet<u32>,
}

impl Body {
    pub fn new(raw: impl Into<ResponseBody>) -> Body {
        let raw = raw.into();
        let looks_json = raw.trim_start().starts_with(['{', '[']);
        let is_json = looks_json
            && raw.len() < u32::MAX as usize
            && serde_json::from_str::<serde::de::IgnoredAny>(&raw).is_ok();
        let lines = if is_json {
            json_lines(&raw)
        } else {
            text_lines(&raw)
        };
        Body {
            raw,
            lines,
            is_json,
            folded: BTreeSet::new(),
        }
    }

    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The body itself (cheap to clone: shared).
    pub fn source(&self) -> &ResponseBody {
        &self.raw
    }

    /// Lines past `MAX_LINES` are not shown.
    pub fn truncated(&self) -> bool {
        self.lines.len() >= MAX_LINES
    }

    pub fn is_json(&self) -> bool {
        self.is_json
    }

    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// The text of line `i` as shown: indented, one space after each colon.
    pub fn line_text(&self, i: usize) -> String {
        let Some(line) = self.lines.get(i) else {
            return String::new();
        };
        let slice = &self.raw[line.start as usize..line.end as usize];
        if !self.is_json {
            return slice.trim_end_matches('\r').to_owned();
        }
        let mut text = "  ".repeat(line.depth as usize);
        let mut in_string = false;
        let mut escaped = false;
        for c in slice.chars() {
            if in_string {
                text.push(c);
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = false;
                }
                continue;
            }
            match c {
                '"' => {
                    in_string = true;
                    text.push(c);
                }
                ':' => text.push_str(": "),
                c if c.is_whitespace() => {}
                c => text.push(c),
            }
        }
        text
    }

    /// How deep line `i` is nested (0 for the outermost value).
    pub fn depth(&self, i: usize) -> usize {
        self.lines.get(i).map_or(0, |l| l.depth as usize)
    }

    /// Line `i` as it is in the body (no indent added).
    pub fn line_raw(&self, i: usize) -> &str {
        self.lines
            .get(i)
            .map_or("", |l| &self.raw[l.start as usize..l.end as usize])
    }

    /// The line that closes the block line `i` opens, if it opens one.
    pub fn closing(&self, i: usize) -> Option<usize> {
        self.lines
            .get(i)
            .filter(|l| l.closing != NONE)
            .map(|l| l.closing as usize)
    }

    pub fn is_folded(&self, i: usize) -> bool {
        self.folded.contains(&(i as u32))
    }

    pub fn toggle_fold(&mut self, i: usize) {
        if self.closing(i).is_some() && !self.folded.remove(&(i as u32)) {
            self.folded.insert(i as u32);
        }
    }

    /// Folds that hide lines: those not inside another fold.
    fn outer_folds(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let mut hidden_until = 0usize;
        self.folded.iter().filter_map(move |&open| {
            let open = open as usize;
            let close = self.closing(open)?;
            if open < hidden_until {
                return None;
            }
            hidden_until = close + 1;
            Some((open, close))
        })
    }

    pub fn visible_count(&self) -> usize {
        let hidden: usize = self.outer_folds().map(|(o, c)| c - o).sum();
        self.lines.len() - hidden
    }

    /// The line shown at visible row `row`.
    pub fn line_at_row(&self, row: usize) -> usize {
        let mut line = row;
        for (open, close) in self.outer_folds() {
            if open < line {
                line += close - open;
            } else {
                break;
            }
        }
        line.min(self.lines.len().saturating_sub(1))
    }

    /// The visible row of `line` (a hidden line maps to its fold's row).
    pub fn row_of_line(&self, line: usize) -> usize {
        let mut hidden = 0;
        for (open, close) in self.outer_folds() {
            if close < line {
                hidden += close - open;
            } else if open < line {
                return open - hidden;
            } else {
                break;
            }
        }
        line - hidden
    }

    /// The visible line after `line`.
    pub fn next_visible(&self, line: usize) -> usize {
        match self.closing(line) {
            Some(close) if self.is_folded(line) => close + 1,
            _ => line + 1,
        }
    }

    /// The lines whose body text contains `needle`, in order, each once;
    /// case-insensitive when the needle is all lowercase. One memchr scan.
    pub fn matching_lines(&self, needle: &str) -> Vec<u32> {
        let mut lines = Vec::new();
        if self.lines.is_empty() {
            return lines;
        }
        let ignore_case = !needle.chars().any(char::is_uppercase);
        let bytes = self.raw.as_bytes();
        let mut line = 0usize;
        search::each_match(bytes, needle.as_bytes(), ignore_case, 0, |at| {
            line = self.line_of(at, line);
            lines.push(line as u32);
            // One hit a line is enough: go on from the next line.
            Some(
                self.lines
                    .get(line + 1)
                    .map_or(bytes.len(), |l| l.start as usize),
            )
        });
        lines
    }

    /// The line holding byte `offset`, looked for from line `from` on (a
    /// few steps forward, then a binary search of the rest).
    fn line_of(&self, offset: usize, from: usize) -> usize {
        let mut line = from;
        for _ in 0..16 {
            match self.lines.get(line + 1) {
                Some(next) if next.start as usize <= offset => line += 1,
                _ => return line,
            }
        }
        let rest = &self.lines[line..];
        line + rest
            .partition_point(|l| (l.start as usize) <= offset)
            .saturating_sub(1)
    }

    /// Unfolds every fold that hides `line`.
    pub fn reveal(&mut self, line: usize) {
        let enclosing: Vec<u32> = self
            .folded
            .iter()
            .copied()
            .filter(|&open| {
                (open as usize) < line && self.closing(open as usize).is_some_and(|c| c >= line)
            })
            .collect();
        for open in enclosing {
            self.folded.remove(&open);
        }
    }

    /// The next line (after `from`, or before it when `!forward`, wrapping)
    /// whose body text contains `needle`. Unfolds what hides the match.
    /// One search; a viewer keeps [`Body::matching_lines`] for its steps.
    pub fn find(&mut self, needle: &str, from: usize, forward: bool) -> Option<usize> {
        let lines = self.matching_lines(needle);
        let line = next_match(&lines, from, forward)?;
        self.reveal(line);
        Some(line)
    }
}

/// In sorted `lines`, the first after `from` (or the last before it),
/// wrapping around at the ends.
pub fn next_match(lines: &[u32], from: usize, forward: bool) -> Option<usize> {
    let from = from as u32;
    let found = if forward {
        let after = lines.partition_point(|&l| l <= from);
        lines.get(after).or(lines.first())
    } else {
        let before = lines.partition_point(|&l| l < from);
        before
            .checked_sub(1)
            .and_then(|i| lines.get(i))
            .or(lines.last())
    };
    found.map(|&l| l as usize)
}

fn text_lines(raw: &str) -> Vec<LineRef> {
    let mut lines = Vec::new();
    let mut start = 0usize;
    for (i, b) in raw.bytes().enumerate() {
        if lines.len() >= MAX_LINES {
            return lines;
        }
        if b == b'\n' {
            lines.push(LineRef {
                start: start as u32,
                end: i as u32,
                closing: NONE,
                depth: 0,
            });
            start = i + 1;
        }
    }
    if start < raw.len() || lines.is_empty() {
        lines.push(LineRef {
            start: start as u32,
            end: raw.len() as u32,
            closing: NONE,
            depth: 0,
        });
    }
    lines
}

/// Splits valid JSON into pretty-printed lines in one pass over its bytes.
fn json_lines(raw: &str) -> Vec<LineRef> {
    let bytes = raw.as_bytes();
    let mut lines: Vec<LineRef> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut depth: u16 = 0;
    let mut line_start: Option<usize> = None;
    let mut i = 0;
    let next_non_space = |mut j: usize| {
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        j
    };
    let push = |lines: &mut Vec<LineRef>, start: usize, end: usize, depth: u16| {
        lines.push(LineRef {
            start: start as u32,
            end: end as u32,
            closing: NONE,
            depth,
        });
    };
    while i < bytes.len() && lines.len() < MAX_LINES {
        let b = bytes[i];
        match b {
            b'"' => {
                line_start.get_or_insert(i);
                i = string_end(bytes, i);
                continue;
            }
            b'{' | b'[' => {
                let start = *line_start.get_or_insert(i);
                let after = next_non_space(i + 1);
                let empty = after < bytes.len() && matches!(bytes[after], b'}' | b']');
                if empty {
                    i = after + 1;
                    continue;
                }
                push(&mut lines, start, i + 1, depth);
                open.push(lines.len() - 1);
                depth = depth.saturating_add(1);
                line_start = None;
            }
            b'}' | b']' => {
                if let Some(start) = line_start.take() {
                    push(&mut lines, start, i, depth);
                }
                depth = depth.saturating_sub(1);
                if let Some(opener) = open.pop() {
                    lines[opener].closing = lines.len() as u32;
                }
                line_start = Some(i);
            }
            b',' => {
                let start = line_start.take().unwrap_or(i);
                push(&mut lines, start, i + 1, depth);
            }
            b if b.is_ascii_whitespace() => {}
            _ => {
                line_start.get_or_insert(i);
            }
        }
        i += 1;
    }
    if let Some(start) = line_start {
        push(&mut lines, start, bytes.len(), depth);
    }
    for line in &mut lines {
        // Trailing spaces of a line that ended at the next token.
        while line.end > line.start && bytes[line.end as usize - 1].is_ascii_whitespace() {
            line.end -= 1;
        }
    }
    if lines.is_empty() {
        lines.push(LineRef {
            start: 0,
            end: 0,
            closing: NONE,
            depth: 0,
        });
    }
    lines
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_body_kept_on_disk_reads_like_one_in_memory() {
        use std::io::Write;
        let text = r#"{"data":{"pipeline":{"name":"Web","builds":[1,2,3]}}}"#;
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        file.write_all(text.as_bytes()).expect("write");
        let on_disk = Body::new(ResponseBody::from_file(file).expect("mapped"));
        let in_memory = Body::new(text.to_owned());
        assert!(on_disk.source().spilled_to().is_some());
        assert!(on_disk.is_json());
        assert_eq!(on_disk.line_count(), in_memory.line_count());
        for i in 0..in_memory.line_count() {
            assert_eq!(on_disk.line_text(i), in_memory.line_text(i));
        }
        assert!(!on_disk.truncated());
    }

    use super::*;

    fn pretty(body: &Body) -> String {
        (0..body.line_count())
            .map(|i| body.line_text(i))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn compact_and_pretty_json_give_serde_jsons_layout() {
        for raw in [
            r#"{"data":{"pipeline":{"name":"Web: app","tags":[],"builds":[1,{"n":2}],"o":{}}},"errors":null}"#,
            "{\n  \"a\" :  [ 1 , 2 ],\n  \"b\": \"x\\\"}\"\n}",
            "[]",
            "[1,\"two\",null,true]",
        ] {
            let expected = serde_json::to_string_pretty(
                &serde_json::from_str::<serde_json::Value>(raw).unwrap(),
            )
            .unwrap();
            let body = Body::new(raw.to_owned());
            assert!(body.is_json());
            assert_eq!(pretty(&body), expected, "for {raw}");
        }
    }

    #[test]
    fn folds_hide_their_block_and_rows_map_back_to_lines() {
        let mut body = Body::new(r#"{"a":{"b":1,"c":2},"d":[3,4],"e":5}"#.to_owned());
        // {  "a": {  "b": 1,  "c": 2  },  "d": [  3,  4  ],  "e": 5  }
        assert_eq!(body.line_count(), 11);
        assert_eq!(body.closing(1), Some(4));
        body.toggle_fold(1);
        assert_eq!(body.visible_count(), 8);
        assert_eq!(
            body.line_at_row(2),
            5,
            "the row after the fold is `\"d\": [`"
        );
        assert_eq!(body.row_of_line(5), 2);
        assert_eq!(body.row_of_line(3), 1, "a hidden line maps to its fold");
        assert_eq!(body.next_visible(1), 5);
        body.toggle_fold(5);
        assert_eq!(body.visible_count(), 5);
        assert_eq!(body.line_at_row(3), 9);
    }

    #[test]
    fn search_wraps_and_unfolds_the_match() {
        let mut body = Body::new(r#"{"a":{"Name":"web"},"b":"name"}"#.to_owned());
        body.toggle_fold(1);
        let first = body.find("name", 0, true).unwrap();
        assert_eq!(first, 2);
        assert!(!body.is_folded(1), "the match was unfolded");
        assert_eq!(body.find("name", first, true), Some(4));
        assert_eq!(body.find("name", 4, true), Some(2), "wraps around");
        assert_eq!(body.find("Name", 2, true), Some(2), "uppercase is exact");
        assert_eq!(body.find("zzz", 0, true), None);
    }

    #[test]
    fn text_bodies_are_lines() {
        let body = Body::new("<html>\nBad gateway\n</html>".to_owned());
        assert!(!body.is_json());
        assert_eq!(body.line_count(), 3);
        assert_eq!(body.line_text(1), "Bad gateway");
    }
}
