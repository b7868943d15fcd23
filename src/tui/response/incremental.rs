//! `/` searches as it is typed, as less, jless and vim's incsearch do: each
//! change to the typed text goes back to where the search started and on to
//! the first match from there (one 2 ms slice of the count, the rest on idle:
//! `ResponseView::finding`), Esc puts back the place and the search in force
//! before, Enter keeps what was found.

use std::collections::BTreeSet;

use super::ResponseView;
use crate::tui::input::LineInput;
use crate::tui::matching::MatchingLines;

/// Where a search being typed started, and the search it stands in for.
#[derive(Debug)]
pub struct SearchStart {
    cursor: usize,
    scroll: usize,
    column: usize,
    folds: BTreeSet<u32>,
    /// The search in force before (needle, its count, a pending jump),
    /// moved here once something is typed; `None` while the view still
    /// holds it (nothing typed yet).
    before: Option<(Option<String>, MatchingLines, Option<usize>)>,
}

impl ResponseView {
    /// Opens the search prompt with what an earlier one was closed with,
    /// searching it at once when there is some.
    pub fn start_search(&mut self, height: usize) {
        let typed = self.search_cancelled.clone();
        self.searching = Some(LineInput::new(&typed));
        self.search_start = Some(SearchStart {
            cursor: self.cursor,
            scroll: self.scroll,
            column: self.column,
            folds: self.body.folds(),
            before: None,
        });
        self.search_typed(&typed, height);
    }

    /// The typed text is now `text`: back to where the search started,
    /// then to its first match from there. None: nothing typed (the search
    /// before is in force again); Some(false): known not to be in the body
    /// (the whole of it counted); Some(true): gone to a match, or the count
    /// goes on as the app idles and goes to the first it meets.
    pub fn search_typed(&mut self, text: &str, height: usize) -> Option<bool> {
        let start = self.search_start.as_mut()?;
        self.cursor = start.cursor;
        self.scroll = start.scroll;
        self.column = start.column;
        self.body.restore_folds(start.folds.clone());
        if text.is_empty() {
            if let Some((search, matches, finding)) = start.before.take() {
                (self.search, self.matches, self.finding) = (search, matches, finding);
            }
            return None;
        }
        if start.before.is_none() {
            start.before = Some((
                self.search.take(),
                std::mem::take(&mut self.matches),
                self.finding.take(),
            ));
        }
        Some(self.search_for(text.to_owned(), height))
    }

    /// Closes the prompt: Enter (`keep`) keeps what the typed text found,
    /// Esc goes back to where the search started and to the search before.
    /// (Enter with nothing typed keeps the search before, as it was.)
    pub fn end_search(&mut self, keep: bool, height: usize) {
        if !keep {
            self.search_typed("", height);
        }
        self.search_start = None;
        self.searching = None;
    }

    /// The typed search is known not to be in the body.
    pub fn search_missing(&self) -> bool {
        self.search.is_some() && self.matches.is_complete() && self.matches.found().is_empty()
    }
}
