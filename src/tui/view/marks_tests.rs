//! The list's marks and the fields pane's reasons for them, as drawn.

use crossterm::event::KeyCode;

use super::tests::{loaded, press, render};

/// The list's row naming `name`, as drawn.
fn row_of(screen: &str, name: &str) -> String {
    screen
        .lines()
        .find(|row| row.contains(name))
        .unwrap_or_else(|| panic!("no row for {name}:\n{screen}"))
        .to_owned()
}

#[test]
fn a_portal_another_bkportals_is_editing_is_marked_e_and_f1_says_why() {
    let mut app = loaded(120, 32);
    app.leave_drafts_elsewhere(vec!["deploy-web".into()]);
    let screen = render(&app);
    assert!(
        row_of(&screen, "Deploy web").contains("│  E   Deploy web"),
        "{screen}"
    );
    assert!(
        screen.contains("│▶  UT Recent builds"),
        "only that one:\n{screen}"
    );
    press(&mut app, KeyCode::F(1));
    let help = render(&app);
    assert!(
        help.contains("E being edited in another bkportals"),
        "{help}"
    );
}
