//! Launch: the list of the last session is drawn at once (from the cache
//! dir), said to be refreshing, and replaced by the first fresh page.

use super::App;
use crate::buildkite::Portal;
use crate::tui::message::Command;

impl App {
    /// Shows `portals`, the list as the last session left it, until the
    /// listing under way (`init` started it) replaces it.
    pub fn show_cached_list(&mut self, portals: Vec<Portal>) {
        if portals.is_empty() || !self.list.portals.is_empty() {
            return;
        }
        let height = self.list_height();
        let reloading = self.list.stale;
        self.list.add_page(portals, height);
        // The first fresh page still replaces the whole list.
        self.list.stale = reloading;
        self.note("The list as last seen; refreshing from Buildkite…");
    }

    /// The fresh list, for the next launch.
    pub(super) fn cache_list(&self) -> Vec<Command> {
        vec![Command::CacheList(self.list.portals.clone())]
    }
}
