//! A search's count, on in slices while nothing else waits: the event
//! loop sends `Msg::Idle` while `has_idle_work` says so.

use super::App;

impl App {
    /// Some answer's search is not counted to its end yet.
    pub fn has_idle_work(&self) -> bool {
        self.answers
            .values()
            .any(|answer| !answer.view.matches.is_complete())
    }

    /// A slice of the count: the shown answer's first.
    pub(super) fn count_matches_on(&mut self) {
        let shown = self.selected_slug();
        let slug = shown
            .filter(|slug| {
                self.answers
                    .get(slug)
                    .is_some_and(|a| !a.view.matches.is_complete())
            })
            .or_else(|| {
                self.answers
                    .iter()
                    .find(|(_, a)| !a.view.matches.is_complete())
                    .map(|(slug, _)| slug.clone())
            });
        let Some(view) = slug.and_then(|slug| self.answers.get_mut(&slug)) else {
            return;
        };
        let view = &mut view.view;
        // While the prompt is open its edge says "no match"; Enter says it.
        if view.count_matches_on() == Some(false) && view.searching.is_none() {
            let needle = view.search.clone().unwrap_or_default();
            self.say_because(super::Cause::Search, not_in_the_response(&needle));
        }
    }
}

/// What a typed search that matches nothing says.
pub(super) fn not_in_the_response(needle: &str) -> String {
    format!("`{needle}` is not in the response")
}
