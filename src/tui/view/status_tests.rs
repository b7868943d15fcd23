//! What the status line says, as drawn: news of an earlier step does not
//! stay beside a new question.

use super::tests::{ctrl, loaded, render};

#[test]
fn a_dialog_opened_after_earlier_news_does_not_stand_beside_it() {
    let mut app = loaded(110, 30);
    app.update(crate::tui::message::Msg::EditorClosed {
        slug: "recent-builds".into(),
        result: Ok("query Broken ( {\n".into()),
    });
    assert!(render(&app).contains("Document read back from the editor."));
    ctrl(&mut app, 's');
    let screen = render(&app);
    assert!(screen.contains("Save anyway"), "the save prompt:\n{screen}");
    assert!(
        !screen.contains("Document read back from the editor."),
        "{screen}"
    );
    assert!(
        app.messages
            .iter()
            .any(|m| m == "Document read back from the editor."),
        "F7 still has it"
    );
}
