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
    app.ask_for_api_token();
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
