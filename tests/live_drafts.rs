//! Two bkportals in the same home: the second must not offer the first's
//! live edit as a draft "from an earlier session" (restoring it there would
//! fork the edit). Once the first has ended, however it ended, it is offered.
//! The drafts dialog acts on the draft as it is on disk now, and comparing
//! one only looks. The real binary in pseudo-terminals, `--demo` each.

use std::time::{Duration, Instant};

mod common;
mod pty;

use pty::App;

/// The list's marks on who-am-i's row (its name and slug: a pane's title
/// or the fields pane would name only the portal).
fn marks_of_who_am_i(screen: &str) -> String {
    const ROW: &str = "Who am I  who-am-i";
    let row = screen.lines().find(|row| row.contains(ROW));
    let before = row
        .unwrap_or_default()
        .split(ROW)
        .next()
        .unwrap_or_default();
    before.chars().rev().take(5).collect()
}

#[test]
fn a_portal_another_bkportals_begins_editing_is_marked_e_here_at_once_and_offered_once_it_quits() {
    let home = tempfile::tempdir().unwrap();
    let mut first = App::launch_in(home.path(), &["--demo"], &[]);
    first.wait_for("4 portals in demo");
    let mut second = App::launch_in(home.path(), &["--demo"], &[]);
    second.wait_for("4 portals in demo");
    let screen = first.text();
    assert!(!marks_of_who_am_i(&screen).contains('E'), "{screen}");

    second.type_into_who_am_i(" second: name");
    let screen = first.wait_for("began editing who-am-i");
    assert!(
        marks_of_who_am_i(&screen).contains('E'),
        "marked E:\n{screen}"
    );
    first.send(pty::END); // who-am-i
    first.send(pty::ENTER);
    first.wait_for("edit it there");

    second.child.kill().unwrap();
    second.wait_for_exit();
    let screen = first.wait_for("no longer edits who-am-i and left its draft");
    let marks = marks_of_who_am_i(&screen);
    assert!(
        marks.contains('D') && !marks.contains('E'),
        "offered:\n{screen}"
    );
}

/// The path of who-am-i's draft in `home`, once the first one has written it.
fn draft_written_in(home: &std::path::Path) -> std::path::PathBuf {
    let draft = home.join("data/bkportals/sandbox/drafts/demo/who-am-i.json");
    draft_holds(&draft, "");
    draft
}

#[test]
fn a_second_bkportals_leaves_the_first_ones_live_draft_alone_until_it_ends() {
    let home = tempfile::tempdir().unwrap();
    let mut first = App::launch_in(home.path(), &["--demo"], &[]);
    first.wait_for("4 portals in demo");
    first.type_into_who_am_i(" live: name");
    let draft = draft_written_in(home.path());

    let mut second = App::launch_in(home.path(), &["--demo"], &[]);
    second.wait_for("who-am-i is being edited in another bkportals");
    let screen = second.wait_for("Portals · demo (4)");
    assert!(
        !screen.contains("from an earlier session"),
        "the live draft is not offered:\n{screen}"
    );
    // Nor edited here: that would overwrite the first one's draft. The list
    // marks it `E`, and neither its document nor its fields open.
    assert!(
        marks_of_who_am_i(&screen).contains('E'),
        "marked E:\n{screen}"
    );
    let written = std::fs::read(&draft).unwrap();
    second.send(pty::END); // who-am-i
    second.send(pty::ENTER);
    second.wait_for("edit it there");
    second.type_text("f");
    // Had the fields form opened, this would be typed into its name.
    second.type_text("/who");
    let screen = second.wait_for("/who▏");
    assert!(!screen.contains("Fields of"), "{screen}");
    second.send(pty::ESC);
    second.quit();
    assert_eq!(
        std::fs::read(&draft).unwrap(),
        written,
        "the second wrote nothing over the first one's draft"
    );

    first.child.kill().unwrap(); // ended without a word: its lock goes with it
    first.wait_for_exit();
    let third = App::launch_in(home.path(), &["--demo"], &[]);
    third.wait_for("from an earlier session:");
    third.wait_for("who-am-i");
    third.quit();
}

/// Both started before either edited: the one that edits second is told at
/// once, keeps its edit in memory, and writes nothing over the first one's
/// draft; its quit question says that quitting loses that edit.
#[test]
fn two_bkportals_started_together_never_overwrite_each_others_draft() {
    let home = tempfile::tempdir().unwrap();
    let mut first = App::launch_in(home.path(), &["--demo"], &[]);
    first.wait_for("4 portals in demo");
    let mut second = App::launch_in(home.path(), &["--demo"], &[]);
    second.wait_for("4 portals in demo");

    // The second opens the document before the first edits it: it hears
    // of the first's claim with the editor open (and, had the claims watch
    // been slower, would be refused at its own first draft instead).
    second.send(pty::END); // who-am-i
    second.send(pty::ENTER);
    second.wait_for("Ln 1, Col 1");
    first.type_into_who_am_i(" first: name");
    let draft = draft_written_in(home.path());
    let written = std::fs::read(&draft).unwrap();

    second.wait_for("who-am-i is being edited in another bkportals too");
    second.type_text(" second: name");
    second.wait_for("● modified");
    second.type_text(" more");
    // Longer than the draft writer's pause: anything it would write is written.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        std::fs::read(&draft).unwrap(),
        written,
        "the second wrote nothing over the first one's draft"
    );
    // The first ends: the second is told, and still writes nothing over
    // the draft the first left.
    first.child.kill().unwrap();
    first.wait_for_exit();
    second.wait_for("no longer edits who-am-i and left its draft on disk");
    second.type_text("!");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(std::fs::read(&draft).unwrap(), written);
    second.send(pty::CTRL_C);
    second.wait_for("Quitting loses this edit");
    second.type_text("y");
    second.wait_for_exit();
    assert_eq!(std::fs::read(&draft).unwrap(), written);

    let third = App::launch_in(home.path(), &["--demo"], &[]);
    third.wait_for("from an earlier session:");
    third.quit();
    let offered = String::from_utf8_lossy(&written).into_owned();
    assert!(offered.contains("first: name"), "{offered}");
}

/// Waits until the draft at `path` is written and holds `text`; its bytes.
fn draft_holds(path: &std::path::Path, text: &str) -> Vec<u8> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match std::fs::read(path) {
            Ok(written) if String::from_utf8_lossy(&written).contains(text) => return written,
            _ => assert!(
                Instant::now() < deadline,
                "the draft {} never held {text:?}",
                path.display()
            ),
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A home where a bkportals ended without a word, leaving a draft of
/// who-am-i; that draft's path.
fn left_by_an_earlier_session() -> (tempfile::TempDir, std::path::PathBuf) {
    let home = tempfile::tempdir().unwrap();
    let mut earlier = App::launch_in(home.path(), &["--demo"], &[]);
    earlier.wait_for("4 portals in demo");
    earlier.type_into_who_am_i(" earlier: name");
    let draft = draft_written_in(home.path());
    draft_holds(&draft, "earlier: name");
    earlier.child.kill().unwrap();
    earlier.wait_for_exit();
    (home, draft)
}

/// Two started after a session that left a draft: both offer it. The one
/// that restores it second, from the list it showed before the first did,
/// is told and restores nothing: the older copy would be edited while the
/// first one's newer edit waits on disk.
#[test]
fn a_draft_another_bkportals_restored_meanwhile_is_not_restored_from_an_older_list() {
    let (home, draft) = left_by_an_earlier_session();

    let mut first = App::launch_in(home.path(), &["--demo"], &[]);
    first.wait_for("from an earlier session:");
    let mut second = App::launch_in(home.path(), &["--demo"], &[]);
    second.wait_for("from an earlier session:");
    first.send("r");
    first.wait_for("Restored the draft of who-am-i");
    first.type_text("#first ");
    let written = draft_holds(&draft, "#first ");

    second.send("r");
    let screen = second.wait_for("The draft of who-am-i was not restored");
    assert!(
        screen.contains(&format!(
            "another bkportals still running (process {})",
            first.pid()
        )),
        "{screen}"
    );
    assert!(
        screen.contains("from an earlier session:"),
        "still offered, not restored:\n{screen}"
    );
    assert!(screen.contains("(taken by another bkportals)"), "{screen}");
    assert!(!screen.contains("● modified"), "{screen}");
    // Nor discarded from under the first one: `x` says so at once, with no
    // question, and a `y` after it discards nothing.
    second.send("x");
    let screen = second.wait_for("The draft of who-am-i is taken by another bkportals");
    assert!(!screen.contains("cannot be undone"), "{screen}");
    second.send("y");
    second.send(pty::ESC);
    second.quit();
    assert_eq!(
        std::fs::read(&draft).unwrap(),
        written,
        "the first one's draft is untouched"
    );
    first.child.kill().unwrap();
    first.wait_for_exit();
}

/// Comparing a draft only looks: Esc goes back to the drafts dialog with
/// the draft still offered, and its file is as it was, then and after quitting.
#[test]
fn comparing_a_draft_then_esc_leaves_it_offered_and_untouched_on_disk() {
    let (home, draft) = left_by_an_earlier_session();
    let written = std::fs::read(&draft).unwrap();
    let mut app = App::launch_in(home.path(), &["--demo"], &[]);
    app.wait_for("from an earlier session:");
    app.send("d");
    // The demo's sandbox is not Buildkite, and its random port means
    // nothing to the reader: the comparison calls it the demo sandbox.
    let screen = app.wait_for("your draft beside the demo sandbox's version");
    assert!(screen.contains("The demo sandbox's now"), "{screen}");
    app.send(pty::ESC);
    app.wait_for("Nothing restored: the draft of who-am-i is still offered");
    let screen = app.wait_for("from an earlier session:");
    assert!(!screen.contains("● modified"), "not restored:\n{screen}");
    // Longer than the draft writer's pause: anything it would write is written.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        std::fs::read(&draft).unwrap(),
        written,
        "looking wrote nothing"
    );
    app.send(pty::ESC); // later
    app.quit();
    assert_eq!(std::fs::read(&draft).unwrap(), written);
    let next = App::launch_in(home.path(), &["--demo"], &[]);
    next.wait_for("from an earlier session:");
    next.quit();
}

/// The first ends (quitting, its edit kept as a draft) while the second,
/// started after it, marks that portal `E`: the second is told, offers the
/// draft it left (no longer `E`), and once restored here writes it on.
#[test]
fn a_portal_held_elsewhere_at_launch_is_offered_once_that_bkportals_quits() {
    let home = tempfile::tempdir().unwrap();
    let mut first = App::launch_in(home.path(), &["--demo"], &[]);
    first.wait_for("4 portals in demo");
    first.type_into_who_am_i(" first: name");
    let draft = draft_written_in(home.path());
    draft_holds(&draft, "first: name");

    let mut second = App::launch_in(home.path(), &["--demo"], &[]);
    second.wait_for("who-am-i is being edited in another bkportals");
    second.wait_for("Portals · demo (4)");

    first.send(pty::ESC);
    first.send("q");
    first.wait_for("Quit?");
    first.send("y");
    first.wait_for_exit();

    let screen = second.wait_for("and left its draft");
    assert!(
        screen.contains("from an earlier session:"),
        "the drafts dialog offers it:\n{screen}"
    );
    second.send("r");
    second.wait_for("Restored the draft of who-am-i");
    second.type_text("#second ");
    let written = draft_holds(&draft, "#second ");
    let written = String::from_utf8_lossy(&written).into_owned();
    assert!(written.contains("first: name"), "nothing lost: {written}");
    second.send(pty::CTRL_C);
    second.wait_for("Quit?");
    second.send("y");
    second.wait_for_exit();
}

/// A new portal the first is writing when the second starts: the second's
/// creation form says at once that what is typed there is not kept on disk,
/// and its quit question says so again.
#[test]
fn a_new_portal_form_opened_while_another_bkportals_writes_one_warns_at_once() {
    let home = tempfile::tempdir().unwrap();
    let mut first = App::launch_in(home.path(), &["--demo"], &[]);
    first.wait_for("4 portals in demo");
    first.send("n");
    first.type_text("firstportal");
    let draft = home
        .path()
        .join("data/bkportals/sandbox/drafts/demo/new_portal.json");
    let written = draft_holds(&draft, "firstportal");

    let mut second = App::launch_in(home.path(), &["--demo"], &[]);
    second.wait_for("a new portal is being written in another bkportals still running");
    second.wait_for("Portals · demo (4)");
    second.send("n");
    let screen = second.wait_for("A new portal is being written in another bkportals too");
    assert!(screen.contains("this edit is not kept on disk"), "{screen}");
    second.type_text("secondportal");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        std::fs::read(&draft).unwrap(),
        written,
        "nothing overwritten"
    );
    second.send(pty::ESC); // paused, still unsaved
    second.send(pty::CTRL_C);
    let screen = second.wait_for("Quitting loses this edit");
    assert!(screen.contains("Not on disk: the new portal"), "{screen}");
    second.send("y");
    second.wait_for_exit();
    assert_eq!(std::fs::read(&draft).unwrap(), written);
    first.child.kill().unwrap();
    first.wait_for_exit();
}
