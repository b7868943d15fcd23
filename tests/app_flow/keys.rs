//! Keys a new user met acting in the wrong place, walked through as they
//! met them: Ctrl-c in a prompt, F1 under a prompt, Ctrl- and Alt-letters
//! taken for plain ones.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{common, ctrl, into_the_document, key, play, run_who_am_i, typed, Step};

fn with(c: char, modifiers: KeyModifiers) -> Step {
    Step::Key(KeyEvent::new(KeyCode::Char(c), modifiers))
}

/// From the document, with an unsaved edit: to the list, quit, and yes to
/// losing the edit.
fn quit_from_the_document_unsaved() -> Vec<Step> {
    vec![
        key(KeyCode::Esc),
        key(KeyCode::Char('q')),
        Step::Show("Quit"),
        key(KeyCode::Char('y')),
    ]
}

/// A run of who-am-i, its answer in front with the focus.
fn answered() -> Vec<Step> {
    let mut steps = run_who_am_i();
    steps.push(Step::Show("· HTTP 200 ·"));
    steps
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_in_the_jq_prompt_closes_it_and_the_app_stays() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut steps = answered();
    steps.push(key(KeyCode::Char('|')));
    steps.extend(typed(".data.viewer"));
    steps.push(Step::Show("jq: .data.viewer▏"));
    steps.push(ctrl('c'));
    // Still running, the prompt gone, the answer whole.
    steps.push(Step::ShowWithout("· HTTP 200 ·", "jq: .data.viewer"));
    steps.push(Step::ShowWithout("\"viewer\"", "filtered by jq"));
    // The save-as prompt too.
    steps.push(key(KeyCode::Char('s')));
    steps.push(Step::Show("Save response"));
    steps.push(ctrl('c'));
    steps.push(Step::ShowWithout("Not saved.", "Save response"));
    // With nothing open, Ctrl-c quits as before (exit 0: the script ends).
    steps.push(ctrl('c'));
    play(&sandbox, dir.path(), steps).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f1_opens_the_help_over_the_jq_prompt_and_esc_returns_to_it_as_typed() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut steps = answered();
    steps.push(key(KeyCode::Char('|')));
    steps.extend(typed(".data"));
    steps.push(Step::Show("jq: .data▏"));
    steps.push(key(KeyCode::F(1)));
    steps.push(Step::Show("Keys · response"));
    steps.push(key(KeyCode::Esc));
    steps.push(Step::ShowWithout("jq: .data▏", "Keys · response"));
    steps.extend(typed(".viewer"));
    steps.push(key(KeyCode::Enter));
    steps.push(Step::Show("Filtered with `.data.viewer`"));
    steps.push(key(KeyCode::Esc));
    steps.push(key(KeyCode::Char('q')));
    play(&sandbox, dir.path(), steps).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_r_in_run_with_unsaved_changes_runs_nothing() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut steps = into_the_document("4 portals in demo", "who", "Portals · demo (1/4)");
    steps.extend(typed("# note"));
    steps.push(Step::Show("● modified"));
    steps.push(ctrl('r'));
    steps.push(Step::Show("Run with unsaved changes?"));
    // Pressed again, Ctrl-r is not `r` (run the saved version).
    steps.push(ctrl('r'));
    steps.push(ctrl('s'));
    steps.push(Step::ShowWithout("Run with unsaved changes?", "HTTP 200"));
    steps.push(key(KeyCode::Esc));
    steps.push(Step::ShowWithout("Not run.", "HTTP 200"));
    steps.push(Step::Check(Box::new(|screen| {
        assert!(!screen.contains("Saved who-am-i"), "{screen}");
    })));
    steps.extend(quit_from_the_document_unsaved());
    play(&sandbox, dir.path(), steps).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alt_q_types_nothing_in_the_document_and_altgr_still_types() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut steps = into_the_document("4 portals in demo", "who", "Portals · demo (1/4)");
    steps.push(Step::Show("1 │ query WhoAmI {"));
    steps.push(key(KeyCode::Char('x')));
    // What tmux sends for Esc then q, pressed quickly.
    steps.push(with('q', KeyModifiers::ALT));
    // AltGr as some platforms report it: Ctrl and Alt together.
    steps.push(with('@', KeyModifiers::CONTROL | KeyModifiers::ALT));
    steps.push(Step::ShowWithout("1 │ x@query WhoAmI {", "xq"));
    // Nor in the find's prompt.
    steps.push(ctrl('g'));
    steps.extend(typed("Who"));
    steps.push(with('q', KeyModifiers::ALT));
    steps.push(Step::ShowWithout("find: Who", "find: Whoq"));
    steps.push(key(KeyCode::Esc));
    steps.extend(quit_from_the_document_unsaved());
    play(&sandbox, dir.path(), steps).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_a_in_the_list_opens_no_authorize_dialog_and_alt_types_no_filter() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let steps = vec![
        Step::Show("4 portals in demo"),
        ctrl('a'),
        with('a', KeyModifiers::ALT),
        Step::ShowWithout("Portals · demo (4)", "How should runs of"),
        // The plain letter still does.
        key(KeyCode::Char('a')),
        Step::Show("How should runs of"),
        key(KeyCode::Esc),
        Step::ShowWithout("Portals · demo (4)", "How should runs of"),
        key(KeyCode::Char('/')),
        key(KeyCode::Char('w')),
        with('q', KeyModifiers::ALT),
        key(KeyCode::Char('h')),
        key(KeyCode::Char('o')),
        Step::Show("/who"),
        Step::Show("Portals · demo (1/4)"),
        key(KeyCode::Enter),
        key(KeyCode::Char('q')),
    ];
    play(&sandbox, dir.path(), steps).await;
}
