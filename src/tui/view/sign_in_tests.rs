//! Snapshots of the sign-in dialog: as it opens (the token masked), and
//! after a check found scopes lacking, on a small terminal.

use super::tests::render;
use crate::api_token::{Checked, SignInError};
use crate::tui::app::App;
use crate::tui::message::Msg;

const PASTED: &str = "bkua_0123456789abcdef0123456789abcdef";

fn signing_in(width: u16, height: u16) -> App {
    let mut app = App::new("acme", Vec::new());
    app.update(Msg::Resize(width, height));
    app.ask_for_api_token(
        &url::Url::parse(crate::config::DEFAULT_REST_ENDPOINT).unwrap(),
        None,
    );
    app.update(Msg::Paste(PASTED.into()));
    app
}

#[test]
fn sign_in_dialog_with_a_pasted_token() {
    let app = signing_in(100, 30);
    let screen = render(&app);
    assert!(
        !screen.contains(PASTED) && !screen.contains("0123456789"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn sign_in_dialog_naming_the_scopes_a_token_lacks_80x24() {
    let mut app = signing_in(80, 24);
    app.update(Msg::Key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Enter,
    )));
    app.update(Msg::ApiTokenChecked(Err(SignInError::Lacking(Checked {
        user: Some("ada@example.com".into()),
        scopes: vec!["read_portals".into()],
        missing: vec!["write_portals", "graphql"],
    }))));
    let screen = render(&app);
    assert!(!screen.contains(PASTED), "{screen}");
    insta::assert_snapshot!(screen);
}

/// The screen's text as one run of words (box borders and row ends left
/// out), for sentences the dialog wraps.
fn flowed(screen: &str) -> String {
    screen
        .replace(['│', '"'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn signing_in_to_a_sandbox_does_not_send_people_to_buildkite_com() {
    let mut app = App::new("demo", Vec::new());
    app.update(Msg::Resize(100, 30));
    app.ask_for_api_token(&url::Url::parse("http://127.0.0.1:9100/").unwrap(), None);
    let screen = render(&app);
    let text = flowed(&screen);
    assert!(!text.contains("buildkite.com/user"), "{screen}");
    assert!(
        text.contains("This app talks to 127.0.0.1:9100, not to Buildkite"),
        "{screen}"
    );
    assert!(
        text.contains("a `bkportals sandbox` prints its token as it starts"),
        "{screen}"
    );
    assert!(text.contains("Ctrl-u clear"), "its keys: {screen}");
}

#[test]
fn signing_in_to_buildkite_names_its_token_page_and_every_key() {
    let app = signing_in(100, 30);
    let text = flowed(&render(&app));
    assert!(
        text.contains("Make one at https://buildkite.com/user/api-access-tokens"),
        "{text}"
    );
    assert!(
        text.contains("Enter check and sign in · Ctrl-u clear · Esc leave"),
        "{text}"
    );
}

#[test]
fn a_scope_whose_purpose_wraps_keeps_it_under_the_purpose_at_80x24() {
    let mut app = signing_in(80, 24);
    app.update(Msg::ApiTokenChecked(Err(SignInError::Lacking(Checked {
        user: Some("ada@example.com".into()),
        scopes: vec!["read_portals".into()],
        missing: vec!["graphql"],
    }))));
    let screen = render(&app);
    let rows: Vec<Vec<char>> = screen.lines().map(|r| r.chars().collect()).collect();
    let mut wrapped = 0;
    for (i, row) in rows.iter().enumerate() {
        let text: String = row.iter().collect();
        let Some(at) = text.find("GraphQL access") else {
            continue;
        };
        let purpose_column = text[..at].chars().count();
        let next: String = rows[i + 1].iter().collect();
        let first_letter = next
            .chars()
            .enumerate()
            .skip(2) // the screen's `"` and the box's `│`
            .find(|(_, c)| !c.is_whitespace())
            .map(|(column, _)| column);
        assert_eq!(
            first_letter,
            Some(purpose_column),
            "the wrapped word lines up under the purpose:\n{text}\n{next}\n{screen}"
        );
        wrapped += 1;
    }
    assert_eq!(
        wrapped, 2,
        "the list of scopes and the lacking one:\n{screen}"
    );
}
