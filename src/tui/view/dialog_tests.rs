//! Dialogs at 80x24 and 140x40: the draft compared with Buildkite's
//! version, the drafts' keys, saving an answer.

use crossterm::event::KeyCode;

use super::tests::{portal, press, render};
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

fn compared(width: u16, height: u16) -> (Vec<Vec<char>>, String) {
    let mut app = with_a_draft(width, height);
    press(&mut app, KeyCode::Char('d'));
    // The draft writer finds it on disk as shown.
    app.update(Msg::DraftTaken {
        shown: Box::new(app.pending_drafts[0].clone()),
        purpose: crate::tui::dialogs::DraftUse::Compare,
        now: crate::drafts::OnDisk::Unchanged,
    });
    let screen = render(&app);
    (boxed(&screen, "deploy-web: your draft beside"), screen)
}

#[test]
fn the_draft_and_buildkites_version_fill_their_columns_at_both_sizes() {
    for (width, height) in [(80, 24), (140, 40)] {
        let (inside, screen) = compared(width, height);
        let split_at: Vec<usize> = inside
            .iter()
            .filter_map(|row| {
                let text: String = row.iter().collect();
                text.find(" │ ").map(|at| text[..at].chars().count())
            })
            .collect();
        assert!(split_at.len() >= 4, "{screen}");
        assert!(
            split_at.iter().all(|&at| at == split_at[0]),
            "one divider column: {split_at:?}\n{screen}"
        );
        let inner = inside[0].len();
        let (left, right) = (split_at[0], inner - split_at[0] - 3);
        assert!(
            right == left || right == left + 1,
            "{width}x{height}: the columns split what there is ({left} and {right} of {inner})\n{screen}"
        );
        let header: String = inside[0].iter().collect();
        assert!(header.starts_with("Yours") && header.contains(" │ Buildkite's now"));
        let all: String = inside
            .iter()
            .map(|r| r.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            all.contains("e restore it, to edit on top of theirs")
                && all.contains("Esc back to the drafts (nothing restored)"),
            "the keys wrap between groups, whole:\n{screen}"
        );
    }
    let (inside, screen) = compared(80, 24);
    let theirs = inside
        .iter()
        .find(|r| r.iter().collect::<String>().contains("query GetBuilds"))
        .expect("Buildkite's document");
    assert_eq!(
        theirs.last(),
        Some(&'…'),
        "Buildkite's column reaches the border, its cut marked:\n{screen}"
    );
    let description: String = inside[1].iter().collect();
    assert!(
        description.starts_with("Description: Deploys the web app t…"),
        "a value too long for its column ends in `…`:\n{screen}"
    );
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

#[test]
fn the_save_dialog_offers_an_absolute_path_and_shows_a_long_one_whole_when_it_asks() {
    let mut app = super::tests::loaded(80, 24);
    super::tests::answer(&mut app, r#"{"data":{"a":1}}"#);
    press(&mut app, KeyCode::Char('s'));
    let screen = render(&app);
    let inside: String = boxed(&screen, "Save response")
        .iter()
        .map(|r| r.iter().collect::<String>())
        .collect();
    assert!(inside.contains("/response.json"), "{screen}");
    let long = "/home/someone/projects/platform/portals/answers/2026-12-01/response.json";
    app.update(Msg::SaveWouldOverwrite(long.into()));
    let screen = render(&app);
    let rows: Vec<String> = boxed(&screen, "Save response")
        .iter()
        .map(|r| r.iter().collect::<String>().trim().to_owned())
        .collect();
    assert!(
        rows.concat().contains(&format!("{long} exists.")),
        "the path whole, wrapped if it must:\n{screen}"
    );
    assert!(screen.contains("Enter replace"), "it asks first:\n{screen}");
}

#[test]
fn the_footer_behind_the_new_portal_form_names_the_forms_keys_not_the_lists() {
    let mut app = super::tests::loaded(120, 32);
    press(&mut app, KeyCode::Char('n'));
    let screen = render(&app);
    let footer = screen.lines().last().unwrap_or_default();
    assert!(footer.contains("Ctrl-s create"), "{footer}");
    assert!(
        !footer.contains("/ filter") && !footer.contains("Enter edit"),
        "{footer}"
    );
    press(&mut app, KeyCode::Esc);
    let screen = render(&app);
    assert!(
        screen.contains(" / filter · Enter edit"),
        "the list's again: {screen}"
    );
}

#[test]
fn the_discard_dialog_says_what_each_key_throws_away() {
    let mut app = super::tests::loaded(120, 32);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('#'));
    press(&mut app, KeyCode::BackTab); // to the list
    press(&mut app, KeyCode::Char('x'));
    let screen = render(&app);
    assert!(
        screen.contains("y (or d) discard the document's changes · Esc keep them"),
        "{screen}"
    );
    assert!(!screen.contains("y discard"), "{screen}");
}

#[test]
fn a_slug_buildkite_would_refuse_is_said_at_its_field_and_the_form_is_not_sent() {
    use crate::tui::dialogs::{Dialog, FormRow};
    let mut app = super::tests::loaded(120, 32);
    press(&mut app, KeyCode::Char('f'));
    while !matches!(app.dialogs.front(), Some(Dialog::Form(f)) if f.focused() == FormRow::Slug) {
        press(&mut app, KeyCode::Tab);
    }
    super::tests::ctrl(&mut app, 'u');
    super::tests::type_text(&mut app, "Bad Slug!");
    let screen = render(&app);
    assert!(
        screen.contains("`B` is not allowed in a slug"),
        "under its field as typed:\n{screen}"
    );
    super::tests::ctrl(&mut app, 's');
    assert!(app.status.contains("Cannot submit yet"), "{}", app.status);
    assert!(
        matches!(app.dialogs.front(), Some(Dialog::Form(f)) if f.focused() == FormRow::Slug),
        "still open, on the slug"
    );
}

#[test]
fn a_refused_field_shows_its_whole_reason_at_the_field_again_when_the_form_reopens() {
    let mut app = super::tests::loaded(80, 24);
    press(&mut app, KeyCode::Char('f'));
    super::tests::ctrl(&mut app, 'u');
    super::tests::type_text(&mut app, "Recent builds, again");
    super::tests::ctrl(&mut app, 's');
    let reason = "Validation failed: Name has already been taken by another portal of this \
                  organization, and names must be unique within it";
    super::tests::refuse_the_save(&mut app, "recent-builds", reason);
    press(&mut app, KeyCode::Char('f'));
    let screen = render(&app);
    let rows: Vec<&str> = screen.lines().collect();
    let name = rows
        .iter()
        .position(|row| row.contains("Name ") && row.contains("Recent builds, again"))
        .unwrap_or_else(|| panic!("the fields form is open again:\n{screen}"));
    assert!(
        rows[name + 1].contains("✗ Validation failed: Name has already been taken"),
        "the refusal is at its field:\n{screen}"
    );
    let under: Vec<&str> = rows[name + 1..name + 4]
        .iter()
        .map(|row| row.trim_matches(|c| c == '"' || c == '│').trim())
        .collect();
    assert!(
        under
            .join(" ")
            .contains("this organization, and names must be unique within it"),
        "wrapped, not cut at the edge:\n{screen}"
    );
    super::tests::type_text(&mut app, "!");
    assert!(
        !render(&app).contains("✗ Validation failed"),
        "a change to the field clears it"
    );
    assert!(
        !app.status.contains("Not saved"),
        "and the status that said it: {}",
        app.status
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('f'));
    assert!(
        !render(&app).contains("✗ Validation failed"),
        "and it stays cleared when the form opens again"
    );
}

#[test]
fn a_new_portal_with_a_slug_of_hundreds_of_characters_keeps_its_token_dialog_whole_at_80x24() {
    let mut app = super::tests::loaded(80, 24);
    let slug = "weekly-release-train-status-".repeat(15);
    let created: crate::buildkite::CreatedPortal = serde_json::from_value(serde_json::json!({
        "uuid": "u", "slug": slug, "organization_uuid": "o", "name": slug,
        "description": null, "query": "query Q { viewer { user { name } } }",
        "created_at": "2024-08-26T03:22:45.555Z", "allowed_ip_addresses": null,
        "user_invokable": false, "token": "bkpt_0123456789abcdef"
    }))
    .expect("a portal as Buildkite answers it");
    app.update(Msg::Created {
        result: Ok(created),
        stored: Ok(()),
    });
    let screen = render(&app);
    let rows: Vec<&str> = screen.lines().collect();
    let top = rows
        .iter()
        .position(|row| row.contains("New portal token"))
        .unwrap_or_else(|| panic!("the dialog is open:\n{screen}"));
    assert!(top > 1, "it stays clear of the top edge:\n{screen}");
    assert!(
        screen.contains("Portal `weekly-release-train-status-"),
        "{screen}"
    );
    assert!(
        screen.contains("…` was created. Its token:"),
        "the slug cut, visibly:\n{screen}"
    );
    assert!(
        screen.contains("bkpt_0123456789abcdef"),
        "the token whole:\n{screen}"
    );
    assert!(
        screen.contains("Enter I have saved it"),
        "and its keys:\n{screen}"
    );
}

#[test]
fn a_long_name_in_the_fields_form_shows_its_start_cut_visibly_once_the_focus_leaves_it() {
    let mut app = super::tests::loaded(80, 24);
    press(&mut app, KeyCode::Char('f'));
    super::tests::ctrl(&mut app, 'u');
    super::tests::type_text(&mut app, &"Very long name ".repeat(8));
    press(&mut app, KeyCode::Tab); // to the slug
    let screen = render(&app);
    let name = screen
        .lines()
        .find(|row| row.contains("  Name "))
        .unwrap_or_else(|| panic!("the fields form is open:\n{screen}"));
    assert!(
        name.contains("Name           Very long name Very"),
        "its start: {name}"
    );
    assert!(name.contains("…"), "cut, and saying so: {name}");
}
