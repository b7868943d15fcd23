//! The list's marks and the fields pane's reasons for them, as drawn.

use crossterm::event::KeyCode;

use super::tests::{loaded, portal, press, render, sized, with_schema};
use crate::tui::message::Msg;

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

/// A portal with two reasons for its `!`: a mutation open to any address
/// whose document does not validate against the schema.
fn twice_risky(width: u16, height: u16) -> crate::tui::app::App {
    let mut app = sized(width, height);
    let mut risky = portal("retry-build", "Retry build", false);
    risky.query = "mutation Retry { retryEverything }\n".into();
    risky.allowed_ip_addresses = None;
    app.update(Msg::PortalsPage(vec![risky]));
    app.update(Msg::PortalsLoaded);
    with_schema(&mut app);
    app
}

#[test]
fn each_reason_for_a_portals_bang_has_its_own_line_in_the_fields_pane() {
    for (width, height) in [(120, 32), (80, 24)] {
        let app = twice_risky(width, height);
        let screen = render(&app);
        let mutation = screen
            .lines()
            .position(|row| row.contains("! runs a mutation from any address"));
        let document = screen
            .lines()
            .position(|row| row.contains("! its document does not validate"));
        assert!(
            matches!((mutation, document), (Some(m), Some(d)) if d > m),
            "{width}x{height}: both, one after the other:\n{screen}"
        );
        if height >= 30 {
            assert!(
                screen.contains("set its allowed IP addresses"),
                "{width}x{height}: whole, wrapped if need be:\n{screen}"
            );
        }
    }
}

#[test]
fn the_launchs_first_frame_has_the_names_and_the_next_their_marks() {
    let app = twice_risky(140, 40);
    app.names_first.set(true);
    let first = render(&app);
    assert!(first.contains("│▶     Retry build"), "no `!` yet:\n{first}");
    assert!(!first.contains("! runs a mutation"), "{first}");
    app.names_first.set(false);
    let next = render(&app);
    assert!(next.contains("│▶    !Retry build"), "{next}");
    assert!(
        next.contains("! runs a mutation from any address"),
        "{next}"
    );
}
