//! Two bkportals in the same home: the second must not offer the first's
//! live edit as a draft "from an earlier session" (restoring it there would
//! fork the edit). Once the first has ended, however it ended, it is offered.
//! The real binary in pseudo-terminals, `--demo` each.

use std::time::{Duration, Instant};

mod common;
mod pty;

use pty::App;

#[test]
fn a_second_bkportals_leaves_the_first_ones_live_draft_alone_until_it_ends() {
    let home = tempfile::tempdir().unwrap();
    let mut first = App::launch_in(home.path(), &["--demo"], &[]);
    first.wait_for("4 portals in demo");
    first.type_into_who_am_i(" live: name");
    let draft = home
        .path()
        .join("data/bkportals/sandbox/drafts/demo/who-am-i.json");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !draft.exists() {
        assert!(Instant::now() < deadline, "the first never wrote its draft");
        std::thread::sleep(Duration::from_millis(50));
    }

    let second = App::launch_in(home.path(), &["--demo"], &[]);
    second.wait_for("who-am-i is being edited in another bkportals");
    let screen = second.wait_for("Portals · demo (4)");
    assert!(
        !screen.contains("from an earlier session"),
        "the live draft is not offered:\n{screen}"
    );
    second.quit();

    first.child.kill().unwrap(); // ended without a word: its lock goes with it
    first.wait_for_exit();
    let third = App::launch_in(home.path(), &["--demo"], &[]);
    third.wait_for("unsaved edit(s) from an earlier session");
    third.wait_for("who-am-i");
    third.quit();
}
