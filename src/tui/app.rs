//! App state and `update(msg) -> Vec<Command>`. No I/O here: the runtime
//! performs the commands and feeds results back as messages.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};

use super::message::{Command, Msg};
use crate::buildkite::Portal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    List,
    Detail,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loading {
    Idle,
    /// Pages are arriving; the list shows what came so far.
    InFlight,
    Failed(String),
}

#[derive(Debug)]
pub struct App {
    pub org: String,
    pub portals: Vec<Portal>,
    /// Slugs of portals with a stored token.
    pub stored_tokens: Vec<String>,
    pub loading: Loading,
    pub filter: String,
    pub filtering: bool,
    /// Indexes into `portals` that match the filter, best first.
    pub visible: Vec<usize>,
    /// Position in `visible`.
    pub selected: usize,
    pub focus: Focus,
    pub detail_scroll: u16,
    pub show_help: bool,
    pub status: String,
    pub quit: bool,
    /// Spinner frame, advanced only while something is in flight.
    pub spinner: usize,
}

impl App {
    pub fn new(org: &str, stored_tokens: Vec<String>) -> App {
        App {
            org: org.to_owned(),
            portals: Vec::new(),
            stored_tokens,
            loading: Loading::Idle,
            filter: String::new(),
            filtering: false,
            visible: Vec::new(),
            selected: 0,
            focus: Focus::List,
            detail_scroll: 0,
            show_help: false,
            status: String::new(),
            quit: false,
            spinner: 0,
        }
    }

    /// The commands to run at start.
    pub fn init(&mut self) -> Vec<Command> {
        self.reload()
    }

    pub fn selected_portal(&self) -> Option<&Portal> {
        self.visible.get(self.selected).map(|&i| &self.portals[i])
    }

    pub fn has_token(&self, slug: &str) -> bool {
        self.stored_tokens.iter().any(|s| s == slug)
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        match msg {
            Msg::Key(key) => return self.on_key(key),
            Msg::Mouse(mouse) => self.on_mouse(mouse),
            Msg::Resize => {}
            Msg::Tick => self.spinner = self.spinner.wrapping_add(1),
            Msg::PortalsPage(page) => {
                let selected_slug = self.selected_portal().map(|p| p.slug.clone());
                self.portals.extend(page);
                self.refilter(selected_slug);
            }
            Msg::PortalsLoaded => {
                self.loading = Loading::Idle;
                let count = self.portals.len();
                let noun = if count == 1 { "portal" } else { "portals" };
                self.status = format!("{count} {noun} in {}", self.org);
            }
            Msg::LoadFailed(message) => {
                self.status = format!("Could not load portals: {message}");
                self.loading = Loading::Failed(message);
            }
        }
        Vec::new()
    }

    fn reload(&mut self) -> Vec<Command> {
        self.portals.clear();
        self.visible.clear();
        self.selected = 0;
        self.loading = Loading::InFlight;
        self.status = "Loading portals…".into();
        vec![Command::LoadPortals]
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && key.code == KeyCode::Char('c') {
            self.quit = true;
            return Vec::new();
        }
        if self.show_help {
            self.show_help = false;
            return Vec::new();
        }
        if self.filtering {
            match key.code {
                KeyCode::Esc => {
                    self.filtering = false;
                    self.filter.clear();
                    self.refilter(self.selected_portal().map(|p| p.slug.clone()));
                }
                KeyCode::Enter => self.filtering = false,
                KeyCode::Backspace => {
                    self.filter.pop();
                    self.refilter(None);
                }
                KeyCode::Down => self.move_selection(1),
                KeyCode::Up => self.move_selection(-1),
                KeyCode::Char(c) if !ctrl => {
                    self.filter.push(c);
                    self.refilter(None);
                }
                _ => {}
            }
            return Vec::new();
        }
        match key.code {
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Char('?') => self.show_help = true,
            KeyCode::Char('r') => return self.reload(),
            KeyCode::Char('/') => {
                self.filtering = true;
                self.focus = Focus::List;
            }
            KeyCode::Esc if !self.filter.is_empty() => {
                self.filter.clear();
                self.refilter(self.selected_portal().map(|p| p.slug.clone()));
            }
            KeyCode::Tab | KeyCode::BackTab => {
                self.focus = match self.focus {
                    Focus::List => Focus::Detail,
                    Focus::Detail => Focus::List,
                }
            }
            KeyCode::Enter | KeyCode::Right if self.focus == Focus::List => {
                self.focus = Focus::Detail
            }
            KeyCode::Left if self.focus == Focus::Detail => self.focus = Focus::List,
            KeyCode::Down | KeyCode::Char('j') => self.scroll(1),
            KeyCode::Up | KeyCode::Char('k') => self.scroll(-1),
            KeyCode::PageDown => self.scroll(10),
            KeyCode::PageUp => self.scroll(-10),
            KeyCode::Home | KeyCode::Char('g') => self.scroll(i32::MIN / 2),
            KeyCode::End | KeyCode::Char('G') => self.scroll(i32::MAX / 2),
            _ => {}
        }
        Vec::new()
    }

    fn on_mouse(&mut self, mouse: MouseEvent) {
        match mouse.kind {
            MouseEventKind::ScrollDown => self.scroll(3),
            MouseEventKind::ScrollUp => self.scroll(-3),
            _ => {}
        }
    }

    /// Moves the list selection or scrolls the detail, by the focused pane.
    fn scroll(&mut self, by: i32) {
        match self.focus {
            Focus::List => self.move_selection(by),
            Focus::Detail => {
                let next = i64::from(self.detail_scroll) + i64::from(by);
                self.detail_scroll = next.clamp(0, i64::from(u16::MAX)) as u16;
            }
        }
    }

    fn move_selection(&mut self, by: i32) {
        if self.visible.is_empty() {
            return;
        }
        let last = self.visible.len() as i64 - 1;
        let next = (self.selected as i64 + i64::from(by)).clamp(0, last) as usize;
        if next != self.selected {
            self.selected = next;
            self.detail_scroll = 0;
        }
    }

    /// Recomputes the visible portals; keeps `keep` selected when it is still visible.
    fn refilter(&mut self, keep: Option<String>) {
        let needle = self.filter.to_lowercase();
        let mut scored: Vec<(i64, usize)> = self
            .portals
            .iter()
            .enumerate()
            .filter_map(|(i, p)| portal_score(p, &needle).map(|s| (s, i)))
            .collect();
        if !needle.is_empty() {
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
    }
}

/// The best fuzzy score of the portal's name, slug or description.
fn portal_score(portal: &Portal, needle: &str) -> Option<i64> {
    if needle.is_empty() {
        return Some(0);
    }
    [
        Some(portal.name.as_str()),
        Some(portal.slug.as_str()),
        portal.description.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter_map(|text| fuzzy_score(&text.to_lowercase(), needle))
    .max()
}

/// Subsequence match: every character of `needle` in order. Contiguous runs
/// and matches at word starts score higher; `None` when it does not match.
pub fn fuzzy_score(haystack: &str, needle: &str) -> Option<i64> {
    let mut score = 0i64;
    let mut previous: Option<usize> = None;
    let chars: Vec<char> = haystack.chars().collect();
    let mut at = 0;
    for wanted in needle.chars() {
        let found = (at..chars.len()).find(|&i| chars[i] == wanted)?;
        score += 1;
        if previous.is_some_and(|p| p + 1 == found) {
            score += 5;
        }
        if found == 0 || !chars[found - 1].is_alphanumeric() {
            score += 3;
        }
        previous = Some(found);
        at = found + 1;
    }
    Some(score * 100 - chars.len() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn portal(slug: &str, name: &str, description: Option<&str>) -> Portal {
        Portal {
            uuid: format!("uuid-{slug}"),
            slug: slug.into(),
            organization_uuid: "org".into(),
            name: name.into(),
            description: description.map(str::to_owned),
            query: "query Q { viewer { user { name } } }".into(),
            allowed_ip_addresses: None,
            user_invokable: false,
            created_at: "2024-08-26T03:22:45.555Z".into(),
            created_by: None,
        }
    }

    fn key(code: KeyCode) -> Msg {
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn loaded() -> App {
        let mut app = App::new("demo", vec!["deploy-web".into()]);
        assert_eq!(app.init(), vec![Command::LoadPortals]);
        app.update(Msg::PortalsPage(vec![
            portal("deploy-web", "Deploy web", None),
            portal(
                "recent-builds",
                "Recent builds",
                Some("Latest builds of a pipeline"),
            ),
        ]));
        app.update(Msg::PortalsPage(vec![portal("who-am-i", "Who am I", None)]));
        app.update(Msg::PortalsLoaded);
        app
    }

    #[test]
    fn pages_stream_into_the_list() {
        let app = loaded();
        assert_eq!(app.visible.len(), 3);
        assert_eq!(app.loading, Loading::Idle);
        assert_eq!(app.status, "3 portals in demo");
    }

    #[test]
    fn typing_a_filter_narrows_by_name_slug_or_description() {
        let mut app = loaded();
        app.update(key(KeyCode::Char('/')));
        for c in "pipeline".chars() {
            app.update(key(KeyCode::Char(c)));
        }
        assert_eq!(app.selected_portal().unwrap().slug, "recent-builds");
        assert_eq!(app.visible.len(), 1, "only the description matches");
        app.update(key(KeyCode::Esc));
        assert_eq!(app.visible.len(), 3, "Esc clears the filter");
        assert_eq!(
            app.selected_portal().unwrap().slug,
            "recent-builds",
            "and keeps the selection"
        );
    }

    #[test]
    fn arrows_move_the_selection_and_stop_at_the_ends() {
        let mut app = loaded();
        app.update(key(KeyCode::Up));
        assert_eq!(app.selected, 0);
        app.update(key(KeyCode::Down));
        app.update(key(KeyCode::Down));
        app.update(key(KeyCode::Down));
        assert_eq!(app.selected_portal().unwrap().slug, "who-am-i");
    }

    #[test]
    fn reload_clears_and_asks_for_portals_again() {
        let mut app = loaded();
        assert_eq!(
            app.update(key(KeyCode::Char('r'))),
            vec![Command::LoadPortals]
        );
        assert!(app.portals.is_empty());
        assert_eq!(app.loading, Loading::InFlight);
    }

    #[test]
    fn a_failed_load_is_shown_and_the_app_keeps_running() {
        let mut app = App::new("demo", Vec::new());
        app.init();
        app.update(Msg::LoadFailed("not authorized".into()));
        assert!(app.status.contains("not authorized"));
        assert!(!app.quit);
        app.update(key(KeyCode::Char('q')));
        assert!(app.quit);
    }

    #[test]
    fn fuzzy_prefers_contiguous_and_word_start_matches() {
        let tight = fuzzy_score("recent builds", "rec").unwrap();
        let loose = fuzzy_score("release checks", "rec").unwrap();
        assert!(tight > loose);
        assert_eq!(fuzzy_score("deploy", "xyz"), None);
    }
}
