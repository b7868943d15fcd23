//! The lines of a body that hold a search, counted in slices: typing a
//! search scans from the top for a couple of milliseconds and the app goes
//! on whenever it has nothing else to do (`Msg::Idle`), so no frame waits
//! for 900,000 matching lines to be recorded. What is counted so far is
//! exact and in order (every line with a match that starts before
//! `scanned`); a step to a match past it scans the rest directly.

use std::time::{Duration, Instant};

use super::body::Body;
use super::search;

/// How long one slice of a count may take: a step to a frame stays well
/// under 5 ms.
pub const SLICE: Duration = Duration::from_millis(2);

/// Bytes scanned between looks at the clock: a chunk where every line
/// matches takes well under a millisecond.
const CHUNK: usize = 256 << 10;

/// Bytes the first look back from a line covers (then twice as many).
const FIRST_LOOK_BACK: usize = 64 << 10;

/// The lines holding `needle`, counted from the top of the body.
#[derive(Debug, Clone)]
pub struct MatchingLines {
    needle: String,
    ignore_case: bool,
    /// Every line with a match starting before `scanned`, in order.
    lines: Vec<u32>,
    /// Where the count goes on from (a byte of the body).
    scanned: usize,
    /// The whole body is counted.
    complete: bool,
}

impl Default for MatchingLines {
    /// No search: nothing to count.
    fn default() -> Self {
        MatchingLines {
            needle: String::new(),
            ignore_case: false,
            lines: Vec::new(),
            scanned: 0,
            complete: true,
        }
    }
}

impl MatchingLines {
    /// A count of `needle` not begun; case-insensitive when the needle is
    /// all lowercase.
    pub fn new(needle: &str) -> Self {
        MatchingLines {
            needle: needle.to_owned(),
            ignore_case: !needle.chars().any(char::is_uppercase),
            lines: Vec::new(),
            scanned: 0,
            complete: needle.is_empty(),
        }
    }

    /// Every matching line of `body`, counted at once.
    pub fn all(body: &Body, needle: &str) -> Self {
        let mut lines = MatchingLines::new(needle);
        while !lines.complete {
            lines.scan_chunk(body, usize::MAX);
        }
        lines
    }

    /// The lines counted so far, in order.
    pub fn found(&self) -> &[u32] {
        &self.lines
    }

    /// The whole body is counted: `found` is every matching line.
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// Counts on for about `slice` (at least one chunk). True once the
    /// whole body is counted.
    pub fn count_for(&mut self, body: &Body, slice: Duration) -> bool {
        let deadline = Instant::now() + slice;
        while !self.complete {
            self.scan_chunk(body, CHUNK);
            if Instant::now() >= deadline {
                break;
            }
        }
        self.complete
    }

    /// Where `line` is among the lines counted so far (0 first).
    pub fn index_of(&self, line: usize) -> Option<usize> {
        let line = u32::try_from(line).ok()?;
        self.lines.binary_search(&line).ok()
    }

    /// Counts the next `bytes` of the body: each line once, going on at
    /// the next line after a match.
    fn scan_chunk(&mut self, body: &Body, bytes: usize) {
        let haystack = body.raw().as_bytes();
        if body.line_count() == 0 || self.scanned >= haystack.len() {
            self.complete = true;
            return;
        }
        let end = self.scanned.saturating_add(bytes).min(haystack.len());
        // Matches that start before `end`, whole.
        let visible = &haystack[..end
            .saturating_add(self.needle.len().saturating_sub(1))
            .min(haystack.len())];
        let mut line = self.lines.last().map_or(0, |&l| l as usize);
        let mut resume = end;
        let (lines, needle) = (&mut self.lines, self.needle.as_bytes());
        search::each_match(visible, needle, self.ignore_case, self.scanned, |at| {
            if at >= end {
                return None;
            }
            line = body.line_of(at, line);
            lines.push(line as u32);
            resume = body.line_start(line + 1).unwrap_or(haystack.len());
            // One hit a line is enough: go on from the next line.
            (resume < end).then_some(resume)
        });
        self.scanned = resume.max(end);
        self.complete = self.scanned >= haystack.len();
    }

    /// The next matching line after `line`, wrapping around at the end
    /// (`line` itself when it is the only one). Near the count it counts
    /// on; far past it, it looks from `line` on without counting the way.
    pub fn next_after(&mut self, body: &Body, line: usize) -> Option<usize> {
        if !self.complete {
            let len = body.raw().len();
            let from = body.line_start(line + 1).unwrap_or(len);
            if from > self.scanned.saturating_add(CHUNK) {
                if let Some(found) = self.first_in(body, from, len) {
                    return Some(found);
                }
                if self.lines.is_empty() {
                    // Wrapping around: the first match is on `line` or before.
                    let first = self.first_in(body, self.scanned, from);
                    if first.is_none() {
                        self.none_uncounted(len);
                    }
                    return first;
                }
            } else {
                while !self.complete && self.lines.last().is_none_or(|&l| l as usize <= line) {
                    self.scan_chunk(body, CHUNK);
                }
            }
        }
        let after = self.lines.partition_point(|&l| (l as usize) <= line);
        self.lines
            .get(after)
            .or(self.lines.first())
            .map(|&l| l as usize)
    }

    /// The matching line before `line`, wrapping around at the top (`line`
    /// itself when it is the only one). Past the count it looks back from
    /// `line` without counting the way.
    pub fn previous_before(&mut self, body: &Body, line: usize) -> Option<usize> {
        let len = body.raw().len();
        let start = body.line_start(line).unwrap_or(len);
        if !self.complete && start > self.scanned {
            if let Some(found) = self.last_in(body, self.scanned, start) {
                return Some(found);
            }
        }
        let before = self.lines.partition_point(|&l| (l as usize) < line);
        if let Some(&found) = before.checked_sub(1).and_then(|i| self.lines.get(i)) {
            return Some(found as usize);
        }
        if !self.complete {
            // Wrapping around: nothing from `scanned` to `line` matches.
            let last = self.last_in(body, start.max(self.scanned), len);
            if last.is_some() {
                return last;
            }
            self.none_uncounted(len);
        }
        self.lines.last().map(|&l| l as usize)
    }

    /// What was not counted is known to hold no match: the count is done.
    fn none_uncounted(&mut self, len: usize) {
        self.scanned = len;
        self.complete = true;
    }

    /// The line of the first match that starts in `from..to`.
    fn first_in(&self, body: &Body, from: usize, to: usize) -> Option<usize> {
        let mut first = None;
        self.each_start_in(body, from, to, |at| {
            first = Some(at);
            false
        });
        first.map(|at| body.line_of(at, 0))
    }

    /// The line of the last match that starts in `from..to`: looked for in
    /// growing stretches back from `to`.
    fn last_in(&self, body: &Body, from: usize, to: usize) -> Option<usize> {
        let (mut end, mut stretch) = (to, FIRST_LOOK_BACK);
        while end > from {
            let start = end.saturating_sub(stretch).max(from);
            let mut last = None;
            self.each_start_in(body, start, end, |at| {
                last = Some(at);
                true
            });
            if let Some(at) = last {
                return Some(body.line_of(at, 0));
            }
            end = start;
            stretch = stretch.saturating_mul(2);
        }
        None
    }

    /// Calls `found` with each match that starts in `from..to`, while it
    /// says to go on.
    fn each_start_in(
        &self,
        body: &Body,
        from: usize,
        to: usize,
        mut found: impl FnMut(usize) -> bool,
    ) {
        let haystack = body.raw().as_bytes();
        let visible = &haystack[..to
            .saturating_add(self.needle.len().saturating_sub(1))
            .min(haystack.len())];
        let needle = self.needle.as_bytes();
        search::each_match(visible, needle, self.ignore_case, from, |at| {
            (at < to && found(at)).then_some(at + 1)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A log of `count` lines, `needle` on those `holds` picks.
    fn log(count: usize, holds: impl Fn(usize) -> bool) -> Body {
        let entries: Vec<String> = (0..count)
            .map(|i| {
                let note = if holds(i) { "flaky" } else { "steady" };
                format!("step {i}: {note}")
            })
            .collect();
        Body::new(entries.join("\n"))
    }

    #[test]
    fn a_count_in_slices_finds_every_matching_line_once_and_in_order() {
        let body = log(5_000, |i| i % 3 == 0);
        let mut lines = MatchingLines::new("flaky");
        lines.scan_chunk(&body, 1_000);
        assert!(!lines.is_complete(), "a part is counted");
        let part = lines.found().len();
        assert!(part > 0 && part < 1_667, "{part}");
        while !lines.is_complete() {
            lines.scan_chunk(&body, 777);
        }
        let every: Vec<u32> = (0..5_000).filter(|i| i % 3 == 0).collect();
        assert_eq!(lines.found(), every);
        assert_eq!(MatchingLines::all(&body, "flaky").found(), every);
        assert_eq!(MatchingLines::all(&body, "FLAKY").found(), [] as [u32; 0]);
    }

    #[test]
    fn steps_past_the_count_find_what_the_whole_count_would() {
        // Far past the count is more than a chunk (256 KB) on.
        let body = log(150_000, |i| i % 50_000 == 7 || i == 149_999);
        let whole = MatchingLines::all(&body, "flaky");
        assert_eq!(whole.found(), [7, 50_007, 100_007, 149_999]);
        for counted in [0, 1, 40, 900, 1_400_000, 2_000_000] {
            for line in [0, 6, 7, 8, 50_007, 75_000, 100_008, 149_998, 149_999] {
                let mut part = MatchingLines::new("flaky");
                if counted > 0 {
                    part.scan_chunk(&body, counted);
                }
                assert_eq!(
                    part.clone().previous_before(&body, line),
                    whole.clone().previous_before(&body, line),
                    "before {line}, {counted} bytes counted"
                );
                assert_eq!(
                    part.next_after(&body, line),
                    whole.clone().next_after(&body, line),
                    "after {line}, {counted} bytes counted"
                );
            }
        }
    }

    #[test]
    fn the_only_match_is_found_again_and_none_is_none() {
        let body = log(10, |i| i == 4);
        let mut part = MatchingLines::new("flaky");
        assert_eq!(part.next_after(&body, 4), Some(4), "wraps to itself");
        assert_eq!(part.previous_before(&body, 4), Some(4));
        for line in [0, 9] {
            let mut none = MatchingLines::new("zebra");
            assert_eq!(none.next_after(&body, line), None);
            assert!(none.is_complete(), "looking counted the whole body");
            let mut none = MatchingLines::new("zebra");
            assert_eq!(none.previous_before(&body, line), None);
            assert!(none.is_complete());
        }
    }
}
