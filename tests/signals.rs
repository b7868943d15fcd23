//! Every way the app can be stopped gives the terminal back as it found it
//! and keeps what was typed: each stop signal (sent with `kill`, as a
//! supervisor or a closed terminal would), and an `$EDITOR` that dies and
//! leaves the terminal raw. Read from outside the pseudo-terminal.
#![cfg(unix)]

mod common;
mod pty;

use pty::{App, DOWN, END, ENTER};

/// Types into a document, stops the app with `signal` before the half-second
/// draft timer runs out, and checks the draft and the terminal.
fn stopped_by(signal: &str, number: u32) {
    let mut app = App::start();
    app.wait_for("4 portals in demo");
    assert!(app.modes().is_raw(), "the app runs in raw mode");
    app.send(END); // who-am-i
    app.send(ENTER);
    for _ in 0..4 {
        app.send(DOWN);
    }
    app.send(END);
    app.type_text(" kept: name");
    app.wait_for("● modified");
    let killed = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &app.pid().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = app.wait_for_exit();
    assert_eq!(
        (status.signal(), status.exit_code()),
        (None, 128 + number),
        "SIG{signal} ends the app the way a shell reports it"
    );
    app.assert_terminal_restored();
    let draft = app
        .home()
        .join("data/bkportals/sandbox/drafts/demo/who-am-i.json");
    let draft = std::fs::read_to_string(&draft)
        .unwrap_or_else(|e| panic!("no draft after SIG{signal} ({}): {e}", draft.display()));
    assert!(draft.contains("kept: name"), "{draft}");
}

#[test]
fn sigint_keeps_the_last_typing_and_restores_the_terminal() {
    stopped_by("INT", 2);
}

#[test]
fn sigquit_keeps_the_last_typing_and_restores_the_terminal() {
    stopped_by("QUIT", 3);
}

#[test]
fn sigterm_keeps_the_last_typing_and_restores_the_terminal() {
    stopped_by("TERM", 15);
}

#[test]
fn sighup_keeps_the_last_typing_and_restores_the_terminal() {
    stopped_by("HUP", 1);
}

#[test]
fn an_editor_killed_with_the_terminal_left_raw_changes_nothing_for_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let editor = dir.path().join("editor.sh");
    // Leaves the terminal raw without echo, and dies as if killed.
    std::fs::write(&editor, "#!/bin/sh\nstty raw -echo\nkill -KILL $$\n").unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut app = App::start_with(&[("VISUAL", editor.to_str().unwrap())]);
    app.wait_for("4 portals in demo");
    app.send("e");
    app.wait_for("editor.sh exited with signal: 9");
    // The app is itself again: keys still work.
    app.send("/");
    app.type_text("who");
    app.wait_for("Portals · demo (1/4)");
    app.send(pty::ESC);
    app.quit(); // asserts the user's own settings are back
}
