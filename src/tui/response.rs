//! A response, viewed: the body indexed once (`body.rs`), with a cursor,
//! folds, search (its lines counted in slices, `matching.rs`), wrap and
//! sideways scrolling, and the lines above the body.

use super::body::Body;
use super::input::LineInput;
use super::matching::{MatchingLines, SLICE};
use super::wrap::{self, wrap};
use crate::buildkite::{InvokeResponse, RateLimit};
use crate::secrets::TokenKind;
use crate::text::sanitize_line;
use std::time::Duration;

mod incremental;
pub use incremental::SearchStart;

/// A response, indexed once, viewed with folds and search.
#[derive(Debug)]
pub struct ResponseView {
    pub status: u16,
    pub elapsed_ms: u128,
    pub rate_limit: Option<(u64, u64)>,
    pub errors: Vec<String>,
    pub body: Body,
    /// The highlighted line.
    pub cursor: usize,
    /// First visible row, counted in visible (unfolded) rows.
    pub scroll: usize,
    pub search: Option<String>,
    /// The lines that hold the search, counted from the top in slices.
    pub matches: MatchingLines,
    /// How long a slice of that count takes (at least a chunk of the body).
    pub count_slice: Duration,
    /// A typed search whose first slice found no match after the cursor:
    /// the count goes on as the app idles and goes to the first match it
    /// meets (the view's height, to keep it on screen).
    pub finding: Option<usize>,
    pub searching: Option<LineInput>,
    /// Where the search being typed started (`incremental.rs`).
    pub search_start: Option<SearchStart>,
    /// What a search prompt closed with Esc or Ctrl-c held: `/` starts with it.
    pub search_cancelled: String,
    /// Long lines wrap instead of running past the edge.
    pub wrap: bool,
    /// Columns scrolled sideways (when not wrapping).
    pub column: usize,
    /// The jq filter whose result `body` shows, with the answer's own body.
    pub filter: Option<(String, Body)>,
    /// A jq filter being typed.
    pub filtering: Option<LineInput>,
    /// What a jq prompt closed with Esc or Ctrl-c held: `|` starts with it
    /// rather than with the filter in force.
    pub filter_cancelled: Option<String>,
    /// While the body arrives, and when it stopped before its end: the
    /// view shows what came, marked as not the whole answer.
    pub arrival: Option<Arrival>,
    /// The run this answer is of (0: not from a numbered run).
    pub run: u64,
}

/// An answer still arriving, or one that stopped before its end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Arrival {
    /// Body bytes received so far.
    pub received: u64,
    /// The last byte is in: the whole is being indexed.
    pub complete: bool,
    /// Why it stopped before its end ("cut", "cancelled"): never complete.
    pub stopped: Option<String>,
}

/// What an answer's status line says, sent as soon as it is in.
#[derive(Debug, Clone)]
pub struct AnswerHead {
    pub status: u16,
    /// From sending to the status line.
    pub elapsed: std::time::Duration,
    pub rate_limit: RateLimit,
    /// Which stored token the run used (`None`: one typed for it).
    pub ran_as: Option<TokenKind>,
}

/// A piece of an arriving body, as the runtime forwards it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswerPiece {
    /// Text to show (empty once the runtime's preview is full).
    pub text: String,
    /// Body bytes received so far, shown or not.
    pub received: u64,
    /// The last byte is in.
    pub complete: bool,
}

/// A size as people read it: bytes, KB or MB.
pub fn amount(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} bytes"),
        1024..1_048_576 => format!("{} KB", bytes >> 10),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

/// What a line above the body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderKind {
    Note,
    ErrorCount,
    Error,
}

/// Lines above the body at most.
const HEADER_LINES: usize = 6;

/// What a folded line shows after its text: how many lines it hides.
pub fn fold_note(hidden: usize) -> String {
    let noun = if hidden == 1 { "line" } else { "lines" };
    format!(" ⋯ {hidden} {noun} ")
}

/// Columns a sideways step moves.
pub const SIDE_STEP: usize = 8;

impl ResponseView {
    pub fn new(response: InvokeResponse) -> ResponseView {
        let errors = response
            .graphql
            .as_ref()
            .map(|g| g.errors.iter().map(|e| sanitize_line(&e.message)).collect())
            .unwrap_or_default();
        ResponseView {
            status: response.status,
            elapsed_ms: response.elapsed.as_millis(),
            rate_limit: response.rate_limit.remaining.zip(response.rate_limit.limit),
            errors,
            body: Body::new(response.body),
            cursor: 0,
            scroll: 0,
            search: None,
            matches: MatchingLines::default(),
            count_slice: SLICE,
            finding: None,
            searching: None,
            search_start: None,
            search_cancelled: String::new(),
            wrap: false,
            column: 0,
            filter: None,
            filtering: None,
            filter_cancelled: None,
            arrival: None,
            run: 0,
        }
    }

    /// The view of an answer whose status is in and whose body follows
    /// (`arrived`), for run `run`.
    pub fn arriving(head: &AnswerHead, run: u64) -> ResponseView {
        let mut view = ResponseView::new(InvokeResponse {
            status: head.status,
            elapsed: head.elapsed,
            rate_limit: head.rate_limit.clone(),
            body: String::new().into(),
            graphql: None,
        });
        view.body = Body::arriving();
        view.arrival = Some(Arrival::default());
        view.run = run;
        view
    }

    /// Shows a piece of the arriving body.
    pub fn arrived(&mut self, piece: &AnswerPiece) {
        let Some(arrival) = &mut self.arrival else {
            return;
        };
        if arrival.stopped.is_some() {
            return;
        }
        self.body.append(&piece.text);
        arrival.received = piece.received;
        arrival.complete = piece.complete;
    }

    /// The body will not arrive whole (`why`: cut, cancelled...): what
    /// came stays, marked so.
    pub fn stop_arriving(&mut self, why: &str) {
        if let Some(arrival) = &mut self.arrival {
            if arrival.stopped.is_none() {
                arrival.stopped = Some(why.to_owned());
                arrival.complete = false;
            }
        }
    }

    /// The body is coming still (not stopped).
    pub fn is_arriving(&self) -> bool {
        self.arrival.as_ref().is_some_and(|a| a.stopped.is_none())
    }

    /// Takes the place the reader was at in `earlier` (the same answer as
    /// it arrived): the lines are numbered alike.
    pub fn keep_position_of(&mut self, earlier: &ResponseView) {
        let last = self.body.line_count().saturating_sub(1);
        self.cursor = earlier.cursor.min(last);
        self.scroll = earlier
            .scroll
            .min(self.body.visible_count().saturating_sub(1));
        self.body.keep_folds_of(&earlier.body);
        self.wrap = earlier.wrap;
        self.column = earlier.column;
    }

    /// The line above the body that says the answer is not whole yet (or
    /// will not be).
    fn arrival_line(&self) -> Option<(HeaderKind, String)> {
        let arrival = self.arrival.as_ref()?;
        let so_far = amount(arrival.received);
        let shown = self.body.raw().len() as u64;
        Some(match (&arrival.stopped, arrival.complete) {
            (Some(why), _) => (
                HeaderKind::Error,
                format!("✗ Not the whole answer: {why} after {so_far}. What arrived is shown."),
            ),
            (None, true) => (
                HeaderKind::Note,
                format!("All {so_far} received; indexing it (search, copy and save then)…"),
            ),
            (None, false) if shown < arrival.received => (
                HeaderKind::Note,
                format!(
                    "Receiving… {so_far} so far; the first {} are shown until all of it is in. Esc cancels.",
                    amount(shown)
                ),
            ),
            (None, false) => (
                HeaderKind::Note,
                format!("Receiving… {so_far} so far, shown as it arrives. Esc cancels."),
            ),
        })
    }

    /// What the pane shows, as `s` saves it: the response, or a jq filter's
    /// result (said so, since it is not the whole response).
    pub fn shown_as(&self) -> String {
        match &self.filter {
            Some((filter, _)) => format!(
                "the jq filter `{}`'s result (not the whole response)",
                sanitize_line(filter)
            ),
            None => "the response".to_owned(),
        }
    }

    /// The answer's own body, whether or not a jq filter's result is shown.
    pub fn answer_body(&self) -> &Body {
        self.filter
            .as_ref()
            .map_or(&self.body, |(_, original)| original)
    }

    /// Shows what jq filter `text` makes of the answer (an empty one shows
    /// the answer again); the message says what to fix when it fails.
    pub fn apply_filter(&mut self, text: &str) -> Result<(), String> {
        let text = text.trim();
        if text.is_empty() {
            if let Some((_, original)) = self.filter.take() {
                self.body = original;
                self.reset_position();
            }
            return Ok(());
        }
        let result = Body::new(super::filter::run(text, self.answer_body().raw())?);
        let previous = std::mem::replace(&mut self.body, result);
        let original = self
            .filter
            .take()
            .map_or(previous, |(_, original)| original);
        self.filter = Some((text.to_owned(), original));
        self.reset_position();
        Ok(())
    }

    /// Another body is shown (a filter's result, or the answer again): from
    /// its top, and the search typed over the body before ends, so nothing
    /// shown speaks of it; `/` offers its text again.
    fn reset_position(&mut self) {
        self.finding = None;
        self.cursor = 0;
        self.scroll = 0;
        self.column = 0;
        if let Some(needle) = self.search.take() {
            self.search_cancelled = needle;
        }
        self.matches = MatchingLines::default();
    }

    /// The first slice of a count of `needle`'s lines.
    fn count_from_the_top(&self, needle: &str) -> MatchingLines {
        let mut lines = MatchingLines::new(needle);
        lines.count_for(&self.body, self.count_slice);
        lines
    }

    /// Counts on for a slice. For a typed search still looking for its
    /// first match (`finding`), once the count has one after the cursor or
    /// is done: whether it went to one (false: the search is not in the
    /// body).
    pub fn count_matches_on(&mut self) -> Option<bool> {
        self.matches.count_for(&self.body, self.count_slice);
        let height = self.finding?;
        if !self.matches.is_complete() && !self.counted_match_after_cursor() {
            return None;
        }
        self.finding = None;
        Some(self.find(true, height))
    }

    fn counted_match_after_cursor(&self) -> bool {
        self.matches
            .found()
            .last()
            .is_some_and(|&line| line as usize > self.cursor)
    }

    /// The lines above the body in `width` columns: a note when the body is
    /// not JSON, then the GraphQL errors' messages, wrapped, not cut.
    pub fn header_lines(&self, width: usize) -> Vec<(HeaderKind, String)> {
        let mut lines = Vec::new();
        if let Some((kind, text)) = self.arrival_line() {
            lines.extend(wrap(&text, width).into_iter().map(|part| (kind, part)));
        }
        let nothing_yet = self.body.is_partial() && self.body.raw().trim().is_empty();
        if !self.body.is_json() && !nothing_yet {
            let what = if self.body.raw().trim_start().starts_with('<') {
                "Not JSON (it looks like HTML): shown as text."
            } else {
                "Not JSON: shown as text."
            };
            lines.push((HeaderKind::Note, what.to_owned()));
        }
        if !self.errors.is_empty() {
            let count = self.errors.len();
            let plural = if count == 1 { "" } else { "s" };
            lines.push((
                HeaderKind::ErrorCount,
                format!("✗ {count} GraphQL error{plural}:"),
            ));
            for error in &self.errors {
                for part in wrap(error, width.saturating_sub(2)) {
                    lines.push((HeaderKind::Error, format!("  {part}")));
                }
            }
        }
        if lines.len() > HEADER_LINES {
            lines.truncate(HEADER_LINES - 1);
            lines.push((
                HeaderKind::Error,
                "  … the rest is in the body below".to_owned(),
            ));
        }
        lines
    }

    /// Types the search `needle`: counts its lines for a slice (the rest
    /// as the app idles) and goes to the first after the cursor. False
    /// when there is none.
    pub fn search_for(&mut self, needle: String, height: usize) -> bool {
        self.matches = self.count_from_the_top(&needle);
        self.search = Some(needle);
        self.finding = None;
        if self.matches.is_complete() || self.counted_match_after_cursor() {
            return self.find(true, height);
        }
        // Not met yet: looking on from the cursor would scan the rest of
        // the body now; the idle count goes to it instead, a slice a frame.
        self.finding = Some(height);
        true
    }

    /// Where the cursor is among the matches: (k, N) for "k of N", N the
    /// lines counted so far (all of them once `matches.is_complete()`).
    pub fn match_position(&self) -> Option<(usize, usize)> {
        let at = self.matches.index_of(self.cursor)?;
        Some((at + 1, self.matches.found().len()))
    }

    /// Scrolls the view by `rows` (the mouse wheel): the cursor stays on a
    /// line on screen.
    pub fn scroll_by(&mut self, rows: isize, height: usize) {
        let count = self.body.visible_count();
        let last = count.saturating_sub(height.max(1)) as isize;
        self.scroll = (self.scroll as isize + rows).clamp(0, last.max(0)) as usize;
        let row = self.body.row_of_line(self.cursor);
        let bottom = (self.scroll + height.max(1) - 1).min(count.saturating_sub(1));
        if row < self.scroll {
            self.cursor = self.body.line_at_row(self.scroll);
        } else if row > bottom {
            self.cursor = self.body.line_at_row(bottom);
        }
    }

    /// Sideways, when lines do not wrap, in a view `height` rows tall and
    /// `room` columns wide: to the right no further than the end of the
    /// longest line on screen (where scrolled already, it stays).
    pub fn scroll_sideways(&mut self, right: bool, height: usize, room: usize) {
        self.column = if right {
            let widest = self
                .visible_lines(height)
                .map(|line| self.shown_width(line))
                .max()
                .unwrap_or(0);
            let last = widest.saturating_sub(room).max(self.column);
            self.column.saturating_add(SIDE_STEP).min(last)
        } else {
            self.column.saturating_sub(SIDE_STEP)
        };
    }

    /// Columns `line` takes on screen: its text, and its fold's note.
    fn shown_width(&self, line: usize) -> usize {
        let text = wrap::width(&sanitize_line(&self.body.line_text(line)));
        let note = match (self.body.is_folded(line), self.body.closing(line)) {
            (true, Some(close)) => wrap::width(&fold_note(close - line)),
            _ => 0,
        };
        text + note
    }

    /// The lines on screen, top to bottom, for a view `height` rows tall.
    pub fn visible_lines(&self, height: usize) -> impl Iterator<Item = usize> + '_ {
        let count = self.body.line_count();
        let first = self.body.line_at_row(self.scroll);
        std::iter::successors(Some(first), |&line| Some(self.body.next_visible(line)))
            .take_while(move |&line| line < count)
            .take(height)
    }

    pub fn toggle_fold(&mut self) {
        self.body.toggle_fold(self.cursor);
    }

    pub fn move_cursor(&mut self, by: isize, height: usize) {
        let count = self.body.visible_count();
        if count == 0 {
            return;
        }
        let row = self.body.row_of_line(self.cursor) as isize;
        let next = row.saturating_add(by).clamp(0, count as isize - 1) as usize;
        self.cursor = self.body.line_at_row(next);
        self.follow(height);
    }

    fn follow(&mut self, height: usize) {
        let row = self.body.row_of_line(self.cursor);
        let height = height.max(1);
        if row < self.scroll {
            self.scroll = row;
        } else if row >= self.scroll + height {
            self.scroll = row + 1 - height;
        }
    }

    /// Moves to the next (or previous) match of the search, wrapping at
    /// the ends, and unfolds what hides it. False when none. A binary
    /// search of the lines counted, or a scan on from the cursor past them.
    pub fn find(&mut self, forward: bool, height: usize) -> bool {
        // n or N goes on from here: no jump later.
        self.finding = None;
        let found = if forward {
            self.matches.next_after(&self.body, self.cursor)
        } else {
            self.matches.previous_before(&self.body, self.cursor)
        };
        match found {
            Some(line) => {
                self.body.reveal(line);
                self.cursor = line;
                self.follow(height);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::buildkite::{invoke::GraphqlEnvelope, RateLimit};
    use std::time::Duration;

    fn response(body: &str) -> InvokeResponse {
        InvokeResponse {
            status: 200,
            elapsed: Duration::from_millis(12),
            rate_limit: RateLimit::default(),
            body: body.into(),
            graphql: GraphqlEnvelope::parse(body),
        }
    }

    #[test]
    fn folding_hides_a_block_and_search_unfolds_it() {
        let mut view = ResponseView::new(response(
            r#"{"data":{"pipeline":{"name":"Web","builds":[1,2,3]}}}"#,
        ));
        let all = view.body.visible_count();
        view.move_cursor(1, 20); // line 1: "data": {
        view.toggle_fold();
        assert_eq!(view.body.visible_count(), all - 9);
        assert_eq!(view.visible_lines(20).count(), all - 9);
        assert!(view.search_for("web".into(), 20));
        assert!(view.body.line_text(view.cursor).contains("Web"));
        assert_eq!(view.body.visible_count(), all, "the match is unfolded");
    }

    #[test]
    fn an_arriving_answer_says_it_is_partial_and_a_stopped_one_says_so_as_an_error() {
        let head = AnswerHead {
            status: 200,
            elapsed: Duration::from_millis(4),
            rate_limit: RateLimit::default(),
            ran_as: None,
        };
        let mut view = ResponseView::arriving(&head, 7);
        assert_eq!(
            view.header_lines(80),
            [(
                HeaderKind::Note,
                "Receiving… 0 bytes so far, shown as it arrives. Esc cancels.".to_owned()
            )],
            "no `Not JSON` before anything came"
        );
        let piece = |text: &str, received| AnswerPiece {
            text: text.into(),
            received,
            complete: false,
        };
        view.arrived(&piece(r#"{"data":{"a":1,"#, 3 << 20));
        assert_eq!(view.body.line_text(2), r#"    "a": 1,"#);
        let (kind, text) = &view.header_lines(200)[0];
        assert_eq!(*kind, HeaderKind::Note);
        assert!(text.contains("the first 15 bytes are shown"), "{text}");
        view.stop_arriving("cut");
        view.arrived(&piece(r#""b":2}}"#, 4 << 20));
        assert_eq!(view.body.line_count(), 3, "nothing is added once stopped");
        let (kind, text) = &view.header_lines(200)[0];
        assert_eq!(*kind, HeaderKind::Error, "drawn in the error style");
        assert_eq!(
            text,
            "✗ Not the whole answer: cut after 3.0 MB. What arrived is shown."
        );
        assert!(!view.is_arriving());
    }

    #[test]
    fn the_whole_answer_takes_the_place_the_reader_was_at_in_the_arriving_one() {
        let head = AnswerHead {
            status: 200,
            elapsed: Duration::from_millis(4),
            rate_limit: RateLimit::default(),
            ran_as: None,
        };
        let text = r#"{"data":{"builds":[1,2,3,4,5,6,7,8,9]}}"#;
        let mut arriving = ResponseView::arriving(&head, 1);
        arriving.arrived(&AnswerPiece {
            text: text[..30].into(),
            received: 30,
            complete: false,
        });
        arriving.move_cursor(5, 3);
        arriving.wrap = true;
        arriving.body.toggle_fold(2); // `"builds": [` is not closed yet
        assert!(
            !arriving.body.is_folded(2),
            "a block still open does not fold"
        );
        let mut whole = ResponseView::new(response(text));
        whole.keep_position_of(&arriving);
        assert_eq!((whole.cursor, whole.scroll, whole.wrap), (5, 3, true));
        assert_eq!(whole.body.line_text(5), arriving.body.line_text(5));

        let mut arriving = ResponseView::arriving(&head, 2);
        arriving.arrived(&AnswerPiece {
            text: r#"{"a":{"b":1},"c":"#.into(),
            received: 17,
            complete: false,
        });
        arriving.move_cursor(1, 10);
        arriving.toggle_fold(); // `"a": {` arrived whole
        let mut whole = ResponseView::new(response(r#"{"a":{"b":1},"c":2}"#));
        whole.keep_position_of(&arriving);
        assert!(whole.body.is_folded(1), "the fold is kept");
        assert_eq!(whole.body.visible_count(), 4);
    }

    #[test]
    fn non_json_bodies_are_kept_as_text() {
        let view = ResponseView::new(response("<html>Bad gateway</html>"));
        assert!(!view.body.is_json());
        assert_eq!(view.body.line_text(0), "<html>Bad gateway</html>");
    }
}
