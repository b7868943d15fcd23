//! The portal list: every portal as listed, the filter, the selection and
//! its scroll. Pure state; the app routes keys here.

use crate::buildkite::Portal;
use crate::graphql::fuzzy::Fuzzy;

#[derive(Debug, Default)]
pub struct PortalList {
    pub portals: Vec<Portal>,
    pub filter: String,
    /// Typing goes to the filter.
    pub filtering: bool,
    /// The filter Esc (or Ctrl-c) closed: the next `/` offers it again.
    pub last_filter: String,
    /// Indexes into `portals` that match the filter, best first.
    pub visible: Vec<usize>,
    /// Position in `visible`.
    pub selected: usize,
    pub scroll: usize,
    /// A reload is under way: its pages replace the list once it ends.
    pub stale: bool,
    /// The pages of the reload under way, shown once it ends.
    fresh: Vec<Portal>,
    /// The portal to select again once a reload brings it back.
    pub reselect: Option<String>,
    /// What is shown is the last session's list, not a fresh page yet.
    pub from_cache: bool,
}

impl PortalList {
    pub fn selected_portal(&self) -> Option<&Portal> {
        // `get`: geometry (the fields pane's rows) asks while a page is
        // being added, before `visible` is made again.
        self.visible
            .get(self.selected)
            .and_then(|&i| self.portals.get(i))
    }

    pub fn selected_slug(&self) -> Option<String> {
        self.selected_portal().map(|p| p.slug.clone())
    }

    pub fn find(&self, slug: &str) -> Option<&Portal> {
        self.portals.iter().find(|p| p.slug == slug)
    }

    pub fn find_mut(&mut self, slug: &str) -> Option<&mut Portal> {
        self.portals.iter_mut().find(|p| p.slug == slug)
    }

    /// A page of a listing. A reload's pages are set aside until the
    /// listing ends (`loaded`): the list shown stays whole meanwhile, even
    /// while a page waits out a rate limit.
    pub fn add_page(&mut self, page: Vec<Portal>, height: usize) {
        if self.stale {
            self.fresh.extend(page);
        } else {
            self.extend_shown(page, height);
        }
    }

    /// Adds `page` to the list shown.
    pub fn extend_shown(&mut self, page: Vec<Portal>, height: usize) {
        let keep = self.reselect.clone().or_else(|| self.selected_slug());
        self.portals.extend(page);
        self.refilter(keep, height);
    }

    /// The listing ended: a reload's pages replace the list at once (an
    /// organization without portals now empties it).
    pub fn loaded(&mut self, height: usize) {
        if std::mem::take(&mut self.stale) {
            let keep = self.reselect.clone().or_else(|| self.selected_slug());
            self.portals = std::mem::take(&mut self.fresh);
            self.from_cache = false;
            self.refilter(keep, height);
        }
        self.reselect = None;
    }

    /// The listing failed: the list shown stays, the pages set aside go.
    pub fn listing_failed(&mut self) {
        self.stale = false;
        self.fresh = Vec::new();
    }

    pub fn move_selection(&mut self, by: i32, height: usize) {
        self.reselect = None; // the person chose
        if self.visible.is_empty() {
            return;
        }
        let last = self.visible.len() as i64 - 1;
        self.selected = (self.selected as i64 + i64::from(by)).clamp(0, last) as usize;
        self.follow_selection(height);
    }

    fn follow_selection(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.scroll {
            self.scroll = self.selected;
        } else if self.selected >= self.scroll + height {
            self.scroll = self.selected + 1 - height;
        }
    }

    /// Pasted text goes into the filter, on one line.
    pub fn type_into_filter(&mut self, text: &str, height: usize) {
        self.filter
            .push_str(&crate::tui::input::one_line_paste(text));
        self.refilter(None, height);
    }

    /// Recomputes the visible portals; keeps `keep` selected when it is still visible.
    pub fn refilter(&mut self, keep: Option<String>, height: usize) {
        let mut fuzzy = Fuzzy::new(&self.filter);
        let mut scored: Vec<(u16, usize)> = self
            .portals
            .iter()
            .enumerate()
            .filter_map(|(i, p)| portal_score(p, &mut fuzzy).map(|s| (s, i)))
            .collect();
        if !self.filter.is_empty() {
            scored.sort_by_key(|&(score, i)| (std::cmp::Reverse(score), i));
        }
        self.visible = scored.into_iter().map(|(_, i)| i).collect();
        self.selected = keep
            .and_then(|slug| {
                self.visible
                    .iter()
                    .position(|&i| self.portals[i].slug == slug)
            })
            .unwrap_or(0);
        self.scroll = self.scroll.min(self.selected);
        self.follow_selection(height);
    }
}

/// The best fuzzy score of the portal's name, slug or description.
fn portal_score(portal: &Portal, fuzzy: &mut Fuzzy) -> Option<u16> {
    [
        Some(portal.name.as_str()),
        Some(portal.slug.as_str()),
        portal.description.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter_map(|text| fuzzy.score(text))
    .max()
}

/// How well `haystack` matches `needle` with the list's matcher (higher is
/// better); `None` when it does not match.
pub fn fuzzy_score(haystack: &str, needle: &str) -> Option<i64> {
    Fuzzy::new(needle).score(haystack).map(i64::from)
}
