//! The variables form and the response viewer as a user meets them.

use super::*;

fn shift_tab(app: &mut App) {
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
}

#[test]
fn the_chosen_operation_stays_chosen_while_the_document_changes() {
    let mut app = loaded();
    press(&mut app, KeyCode::Down); // recent-builds: GetBuilds, then Trigger
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::F(6)); // the variables form (Tab indents the document)
    press(&mut app, KeyCode::Right);
    let form = app.variables.as_ref().expect("a form");
    assert_eq!(form.operation_name(), Some("Trigger"));
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "build-1");
    shift_tab(&mut app); // back to the document, and type in it
    assert_eq!(app.focus, Focus::Document);
    type_text(&mut app, "# a comment\n");
    let form = app.variables.as_ref().expect("a form");
    assert_eq!(
        form.operation_name(),
        Some("Trigger"),
        "the picker kept its choice (it used to go back to 1/2)"
    );
    assert_eq!(form.op_index, 1);
    assert_eq!(form.inputs[0].value(), "build-1", "and the value typed");
    assert_eq!(form.row, 1, "and the focused row");
}
