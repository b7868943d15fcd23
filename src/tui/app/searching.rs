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
        if let Some(answer) = slug.and_then(|slug| self.answers.get_mut(&slug)) {
            answer.view.count_matches_on();
        }
    }
}
