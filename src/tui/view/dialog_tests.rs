//! Dialogs at 80x24 and 140x40: the draft compared with Buildkite's
//! version, the drafts' keys.

use super::tests::{portal, render};
use crate::tui::app::App;
use crate::tui::message::Msg;

/// A session that finds a draft of `deploy-web` (its description and
/// document changed) from an earlier one.
fn with_a_draft(width: u16, height: u16) -> App {
    let deploy = portal("deploy-web", "Deploy web", false);
    let mut edit = crate::tui::editor::PortalEdit::new(&deploy);
    edit.fields.description = "Deploys the web app to production".into();
    edit.replace_text("query Deploy {\n  viewer { user { name } }\n}\n");
    let mut draft = edit.to_draft("demo");
    draft.saved_at = "2026-11-23T10:00:00Z".into();
    let mut app = App::new("demo", Vec::new());
    app.update(Msg::Resize(width, height));
    app.offer_drafts(vec![draft], Vec::new(), None);
    app.init();
    app.update(Msg::PortalsPage(vec![
        portal("recent-builds", "Recent builds", true),
        deploy,
    ]));
    app.update(Msg::PortalsLoaded);
    app
}

/// The rows inside the box whose top border holds `title`, as chars.
fn boxed(screen: &str, title: &str) -> Vec<Vec<char>> {
    let rows: Vec<Vec<char>> = screen
        .lines()
        .map(|r| r.trim_matches('"').chars().collect())
        .collect();
    let (top, row) = rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.iter().collect::<String>().contains(title))
        .unwrap_or_else(|| panic!("`{title}` on screen:\n{screen}"));
    let text: String = row.iter().collect();
    let start = text.find(&format!("╭ {title}")).unwrap_or(0);
    let left = text[..start].chars().count();
    let right = row
        .iter()
        .skip(left + 1)
        .position(|&c| c == '╮')
        .map_or(row.len(), |at| left + 1 + at);
    rows[top + 1..]
        .iter()
        .take_while(|r| r.get(left) == Some(&'│'))
        .map(|r| r[left + 1..right].to_vec())
        .collect()
}

#[test]
fn the_drafts_keys_wrap_between_groups_at_80_columns() {
    let app = with_a_draft(80, 24);
    let screen = render(&app);
    let inside: Vec<String> = boxed(&screen, "Drafts")
        .iter()
        .map(|r| r.iter().collect::<String>().trim_end().to_owned())
        .collect();
    let keys: Vec<&String> = inside
        .iter()
        .skip_while(|row| !row.starts_with("r restore"))
        .collect();
    assert_eq!(
        keys,
        [
            "r restore · d compare with Buildkite's version · x discard",
            "Esc later (D reviews)"
        ],
        "{screen}"
    );
}
