//! A response body indexed once for viewing: one small record per
//! pretty-printed line (where it is in the body, its depth, the line that
//! closes it). No tree of values is built and no pretty copy is kept: a line's
//! text is made when it is drawn, so a 50 MB body costs the body plus about
//! 16 bytes a line.

use std::collections::BTreeSet;

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
    /// While the body arrives (`Body::arriving`): where indexing stopped.
    /// `None` once the body is whole.
    growing: Option<Liner>,
}

impl Body {
    pub fn new(raw: impl Into<ResponseBody>) -> Body {
        let raw = raw.into();
        // Any JSON value counts, `null` or `3` too (a jq filter's result).
        let is_json = raw.len() < u32::MAX as usize
            && serde_json::from_str::<serde::de::IgnoredAny>(&raw).is_ok();
        let mut lines = Vec::new();
        Liner::default().advance(raw.as_bytes(), is_json, true, &mut lines);
        Body {
            raw,
            lines,
            is_json,
            folded: BTreeSet::new(),
            growing: None,
        }
    }

    /// A body that arrives piece by piece (`append`), indexed as it comes:
    /// as JSON when it starts like JSON (checked only once it is whole, by
    /// `Body::new`), lines numbered as `Body::new` numbers them.
    pub fn arriving() -> Body {
        Body {
            raw: ResponseBody::from(String::new()),
            lines: Vec::new(),
            is_json: false,
            folded: BTreeSet::new(),
            growing: Some(Liner::default()),
        }
    }

    /// Adds a piece of an arriving body and indexes the lines it ends.
    pub fn append(&mut self, text: &str) {
        let Some(liner) = &mut self.growing else {
            return;
        };
        self.raw.append(text);
        let bytes = self.raw.as_bytes();
        if self.raw.len() >= u32::MAX as usize {
            return; // offsets are 32-bit: the rest waits for the whole
        }
        let first = bytes.iter().position(|b| !b.is_ascii_whitespace());
        let Some(first) = first else {
            return; // nothing but spaces yet: JSON or not is not known
        };
        if liner.at == 0 && liner.line_start.is_none() {
            self.is_json = matches!(bytes[first], b'{' | b'[');
        }
        liner.advance(bytes, self.is_json, false, &mut self.lines);
    }

    /// The body is still arriving: what it holds is not all of it.
    pub fn is_partial(&self) -> bool {
        self.growing.is_some()
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

    /// The folds as they are (a few a reader made), to put back later.
    pub fn folds(&self) -> BTreeSet<u32> {
        self.folded.clone()
    }

    /// Puts back folds taken from this same body with [`Body::folds`].
    pub fn restore_folds(&mut self, folds: BTreeSet<u32>) {
        self.folded = folds;
    }

    /// Folds `earlier` has, where this body's blocks are the same (the
    /// whole answer after the view of it arriving).
    pub fn keep_folds_of(&mut self, earlier: &Body) {
        for &open in &earlier.folded {
            if self.closing(open as usize).is_some()
                && self.closing(open as usize) == earlier.closing(open as usize)
            {
                self.folded.insert(open);
            }
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

    /// Where line `i` starts in the body.
    pub fn line_start(&self, i: usize) -> Option<usize> {
        self.lines.get(i).map(|l| l.start as usize)
    }

    /// The lines whose body text contains `needle`, in order, each once;
    /// case-insensitive when the needle is all lowercase. One memchr scan.
    pub fn matching_lines(&self, needle: &str) -> Vec<u32> {
        super::matching::MatchingLines::all(self, needle)
            .found()
            .to_vec()
    }

    /// The line holding byte `offset`, looked for from line `from` on (a
    /// few steps forward, then a binary search of the rest).
    pub fn line_of(&self, offset: usize, from: usize) -> usize {
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

/// Where indexing stands: lines are pushed as they end, so a body is
/// indexed the same whether it comes whole or piece by piece (what is shown
/// while an answer arrives keeps its line numbers once the whole is in).
#[derive(Debug, Default)]
struct Liner {
    /// The next byte to look at.
    at: usize,
    /// Lines of JSON blocks not closed yet.
    open: Vec<usize>,
    depth: u16,
    /// Where the line being read starts.
    line_start: Option<usize>,
}

impl Liner {
    /// Indexes `bytes` from where it stopped. Until `whole` (no more bytes
    /// follow), it stops before a token that may go on in the next piece
    /// and leaves the line being read out.
    fn advance(&mut self, bytes: &[u8], json: bool, whole: bool, lines: &mut Vec<LineRef>) {
        if json {
            self.json(bytes, whole, lines);
        } else {
            self.text(bytes, whole, lines);
        }
        if whole && lines.is_empty() {
            push_line(lines, bytes, 0, 0, 0);
        }
    }

    fn text(&mut self, bytes: &[u8], whole: bool, lines: &mut Vec<LineRef>) {
        for newline in memchr::memchr_iter(b'\n', &bytes[self.at..]) {
            if lines.len() >= MAX_LINES {
                return;
            }
            let end = self.at + newline;
            lines.push(LineRef {
                start: self.line_start.unwrap_or(0) as u32,
                end: end as u32,
                closing: NONE,
                depth: 0,
            });
            self.line_start = Some(end + 1);
        }
        self.at = bytes.len();
        let start = self.line_start.unwrap_or(0);
        if whole && lines.len() < MAX_LINES && (start < bytes.len() || lines.is_empty()) {
            lines.push(LineRef {
                start: start as u32,
                end: bytes.len() as u32,
                closing: NONE,
                depth: 0,
            });
        }
    }

    /// Splits JSON into pretty-printed lines in one pass over its bytes.
    fn json(&mut self, bytes: &[u8], whole: bool, lines: &mut Vec<LineRef>) {
        let next_non_space = |mut j: usize| {
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            j
        };
        let mut i = self.at;
        while i < bytes.len() && lines.len() < MAX_LINES {
            match bytes[i] {
                b'"' => {
                    let end = string_end(bytes, i);
                    // A string that may close in the next piece.
                    if !whole && end >= bytes.len() {
                        break;
                    }
                    self.line_start.get_or_insert(i);
                    i = end;
                    continue;
                }
                b'{' | b'[' => {
                    let after = next_non_space(i + 1);
                    if !whole && after >= bytes.len() {
                        break; // empty or not: the next piece says
                    }
                    let start = *self.line_start.get_or_insert(i);
                    if after < bytes.len() && matches!(bytes[after], b'}' | b']') {
                        i = after + 1;
                        continue;
                    }
                    push_line(lines, bytes, start, i + 1, self.depth);
                    self.open.push(lines.len() - 1);
                    self.depth = self.depth.saturating_add(1);
                    self.line_start = None;
                }
                b'}' | b']' => {
                    if let Some(start) = self.line_start.take() {
                        push_line(lines, bytes, start, i, self.depth);
                    }
                    self.depth = self.depth.saturating_sub(1);
                    if let Some(opener) = self.open.pop() {
                        lines[opener].closing = lines.len() as u32;
                    }
                    self.line_start = Some(i);
                }
                b',' => {
                    let start = self.line_start.take().unwrap_or(i);
                    push_line(lines, bytes, start, i + 1, self.depth);
                }
                b if b.is_ascii_whitespace() => {}
                _ => {
                    self.line_start.get_or_insert(i);
                }
            }
            i += 1;
        }
        self.at = i;
        if whole && lines.len() < MAX_LINES {
            if let Some(start) = self.line_start.take() {
                push_line(lines, bytes, start, bytes.len(), self.depth);
            }
        }
    }
}

/// A line from `start` to `end`, without the spaces before the next token.
fn push_line(lines: &mut Vec<LineRef>, bytes: &[u8], start: usize, mut end: usize, depth: u16) {
    while end > start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    lines.push(LineRef {
        start: start as u32,
        end: end as u32,
        closing: NONE,
        depth,
    });
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
    fn a_body_arriving_in_pieces_has_the_lines_of_the_whole_but_the_last() {
        for raw in [
            r#"{"data":{"pipeline":{"name":"Wéb: \"app\"","tags":[],"builds":[1,{"n":2}],"o":{ }}},"errors":null}"#,
            "{\n  \"a\" :  [ 1 , 2 ],\n  \"b\": \"x\\\"}\"\n}",
            "<html>\nBad gateway\n</html>\n",
        ] {
            let whole = Body::new(raw.to_owned());
            for cut in (0..=raw.len()).filter(|&i| raw.is_char_boundary(i)) {
                let mut arriving = Body::arriving();
                arriving.append(&raw[..cut]);
                arriving.append(&raw[cut..]);
                assert!(arriving.is_partial());
                assert_eq!(arriving.is_json(), whole.is_json(), "{raw} cut at {cut}");
                let shown = arriving.line_count();
                assert!(shown + 1 >= whole.line_count(), "{raw} cut at {cut}");
                for i in 0..shown {
                    assert_eq!(arriving.line_text(i), whole.line_text(i), "{raw} at {cut}");
                    assert_eq!(arriving.closing(i), whole.closing(i), "{raw} at {cut}");
                }
            }
        }
    }

    #[test]
    fn an_arriving_string_or_block_waits_for_the_piece_that_ends_it() {
        let mut body = Body::arriving();
        body.append("  ");
        assert_eq!(body.line_count(), 0, "spaces say nothing yet");
        body.append(r#"{"message":"a long str"#);
        assert!(body.is_json());
        assert_eq!(body.line_count(), 1, "only `{{` so far");
        body.append(r#"ing","list":["#);
        assert_eq!(body.line_text(1), r#"  "message": "a long string","#);
        assert_eq!(body.line_count(), 2, "`[` may be `[]`: not known yet");
        body.append("]}");
        assert_eq!(body.line_text(2), r#"  "list": []"#);
    }

    #[test]
    fn text_bodies_are_lines() {
        let body = Body::new("<html>\nBad gateway\n</html>".to_owned());
        assert!(!body.is_json());
        assert_eq!(body.line_count(), 3);
        assert_eq!(body.line_text(1), "Bad gateway");
    }
}
