//! Keys a new user met acting in the wrong place, walked through as they
//! met them: Ctrl-c in a prompt, F1 under a prompt, Ctrl- and Alt-letters
//! taken for plain ones.

use crossterm::event::KeyCode;

use super::{common, ctrl, key, play, run_who_am_i, typed, Step};

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
