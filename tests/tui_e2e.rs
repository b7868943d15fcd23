//! The real binary in a pseudo-terminal, driven by keys, read from a vt100
//! screen, against a sandbox started by `--demo` inside that process.

use std::time::Duration;

mod common;
mod pty;

use common::BIN;
use pty::{App, BACKSPACE, CTRL_R, CTRL_S, DOWN, END, ENTER, ESC};

#[test]
fn browse_and_filter() {
    let mut app = App::start();
    app.wait_for("Recent builds");
    app.wait_for("4 portals in demo");
    app.send("/");
    app.type_text("who");
    let screen = app.wait_for("Portals · demo (1/4)");
    assert!(screen.contains("Who am I"));
    assert!(!screen.contains("Trigger main build  trigger"), "{screen}");
    app.send(ESC);
    app.wait_for("Portals · demo (4)");
    app.quit();
}

#[test]
fn edit_see_a_parse_error_fix_it_save_and_reload() {
    let mut app = App::start();
    app.wait_for("4 portals in demo");
    app.send(DOWN); // recent-builds
    app.send(ENTER);
    app.send(END);
    app.send(" (");
    app.wait_for("syntax error");
    app.send(CTRL_S);
    app.wait_for("Save with errors?");
    app.send("n");
    app.send(BACKSPACE);
    app.send(BACKSPACE);
    app.wait_until_gone("syntax error");
    app.type_text(" # checked");
    app.wait_for("● modified");
    app.send(CTRL_S);
    app.wait_for("Saved recent-builds.");
    app.send(ESC);
    app.send("r");
    app.wait_for("4 portals in demo");
    let screen = app.wait_for("# checked");
    assert!(!screen.contains("● modified"), "{screen}");
    app.quit();
}

#[test]
fn create_copy_the_token_and_confirm() {
    let mut app = App::start();
    app.wait_for("4 portals in demo");
    app.send("n");
    app.wait_for("New portal");
    app.type_text("Night shift");
    app.send(CTRL_S);
    let screen = app.wait_for("shows this token only once");
    let token = screen
        .split_whitespace()
        .find(|w| w.starts_with("bkpat_"))
        .expect("the token is on screen")
        .to_owned();
    app.send("c");
    app.wait_for("Copied");
    let encoded = base64_encode(token.as_bytes());
    let raw = String::from_utf8_lossy(&app.raw.lock().unwrap()).into_owned();
    assert!(
        raw.contains(&format!("\x1b]52;c;{encoded}\x07")),
        "the OSC 52 sequence carries the token"
    );
    app.send(ESC);
    app.wait_for("nothing else closes this");
    app.send(ENTER);
    let screen = app.wait_until_gone("shows this token only once");
    assert!(
        !screen.contains(&token),
        "the token is shown only in its dialog"
    );
    assert!(screen.contains("night-shift"));
    app.quit();
}

#[test]
fn invoke_with_variables_and_read_the_response() {
    let mut app = App::start();
    app.wait_for("4 portals in demo");
    app.send(DOWN); // recent-builds: GetBuilds needs $pipelineSlug
    app.send(CTRL_R);
    app.wait_for("required (ID!)");
    app.type_text("demo/payments-api");
    app.send(CTRL_R);
    let screen = app.wait_for("· HTTP 200 ·");
    assert!(screen.contains("\"name\": \"Payments API\""), "{screen}");
    app.quit();
}

#[test]
fn delete_after_typing_the_slug() {
    let mut app = App::start();
    app.wait_for("4 portals in demo");
    app.send(END); // who-am-i
    app.send("d");
    app.wait_for("Type the portal's slug");
    app.type_text("who-am-i");
    app.send(ENTER);
    app.wait_for("Deleted who-am-i.");
    let screen = app.wait_for("Portals · demo (3)");
    assert!(!screen.contains("Who am I"), "{screen}");
    app.quit();
}

fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(unix)]
#[test]
fn edit_the_document_in_an_external_editor() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let editor = dir.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\necho '# added by the editor' >> \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let editor = editor.to_str().unwrap().to_owned();
    let mut app = App::start_with(&[("VISUAL", editor.as_str())]);
    app.wait_for("4 portals in demo");
    app.send("e");
    app.wait_for("Document read back from the editor.");
    let screen = app.wait_for("# added by the editor");
    assert!(screen.contains("● modified"), "{screen}");
    app.send(CTRL_S);
    app.wait_for("Saved trigger-main-build.");
    app.quit();
}

#[test]
fn sign_in_as_me_and_run_with_my_permissions() {
    let mut app = App::start();
    app.wait_for("4 portals in demo");
    app.send(END); // who-am-i is user-invokable
    app.send("a");
    app.wait_for("Sign in as me: approve in the browser");
    app.send(ENTER);
    let screen = app.wait_for("Waiting for approval");
    let url = screen
        .split_whitespace()
        .find(|w| w.starts_with("http://") && w.contains("/authorize/"))
        .expect("the authorization URL is on screen")
        .to_owned();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let approved = runtime.block_on(common::approve_on_page(&url, "jordan@example.com", true));
    assert!(approved.is_success());
    // `a` only authorizes: nothing runs until asked.
    let screen = app.wait_for("Signed in: a token for who-am-i");
    assert!(!screen.contains("HTTP 200"), "{screen}");
    app.send(CTRL_R);
    app.wait_for("· HTTP 200 ·");
    app.wait_for("Jordan Builder");
    let screen = app.wait_for("your user token");
    assert!(
        !screen.contains("bkpat_"),
        "short-lived tokens are never shown"
    );
    app.quit();
}

#[test]
fn saving_over_a_change_made_elsewhere_shows_the_conflict() {
    let state = tempfile::tempdir().unwrap();
    let sandbox = common::SandboxProcess::start(&state.path().join("state.json"));
    let mut app = App::against(&sandbox);
    app.wait_for("4 portals in demo");
    app.send(END); // who-am-i
    app.send(ENTER);
    app.wait_for("Ctrl-Space complete");
    for _ in 0..4 {
        app.send(DOWN); // to `email`
    }
    app.send(END);
    app.type_text(" alias: name");
    app.wait_for("● modified");

    // A colleague changes the description from a shell.
    let colleague = std::process::Command::new(BIN)
        .args(["update", "who-am-i", "--description", "Changed elsewhere"])
        .envs(sandbox.exports.iter().cloned())
        .env("BKPORTALS_TOKEN_STORE", "file")
        .env("XDG_DATA_HOME", state.path())
        .output()
        .unwrap();
    assert!(colleague.status.success(), "{colleague:?}");

    app.send(CTRL_S);
    let changed = format!("changed on {} since you loaded it", sandbox.server_name());
    let screen = app.wait_for(&changed);
    assert!(screen.contains("Changed elsewhere"), "{screen}");
    app.send("e");
    app.wait_for("your changes are kept");
    app.send(CTRL_S);
    app.wait_for("Saved who-am-i.");
    app.send(ESC);
    app.send("r");
    app.wait_for("4 portals in demo");
    let screen = app.wait_for("alias: name");
    assert!(
        screen.contains("Changed elsewhere"),
        "both changes are kept: {screen}"
    );
    app.quit();
}

#[test]
fn a_crash_loses_no_edit() {
    let home = tempfile::tempdir().unwrap();
    let mut app = App::launch_in(home.path(), &["--demo"], &[]);
    app.wait_for("4 portals in demo");
    app.type_into_who_am_i(" kept: name");
    std::thread::sleep(Duration::from_millis(1200)); // "within a second of typing stopping"
    app.child.kill().unwrap(); // no chance to save anything now
    drop(app);

    let mut app = App::launch_in(home.path(), &["--demo"], &[]);
    app.wait_for("from an earlier session:");
    app.wait_for("who-am-i");
    app.send("r");
    app.wait_for("Restored the draft of who-am-i");
    let screen = app.wait_for("kept: name");
    assert!(screen.contains("● modified"), "{screen}");
    app.send(CTRL_S);
    app.wait_for("Saved who-am-i.");
    app.quit();
    let drafts = home.path().join("data/bkportals/sandbox/drafts/demo");
    let left: Vec<_> = std::fs::read_dir(&drafts)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "a saved edit leaves no draft: {left:?}");
}

#[test]
fn schema_aware_editing_completes_validates_explains_and_formats() {
    const TAB: &str = "\t";
    const CTRL_F: &str = "\x06";
    const F2: &str = "\x1bOQ";
    let mut app = App::start();
    app.wait_for("4 portals in demo");
    app.send(DOWN);
    app.send(DOWN); // pipeline-overview
    app.send(ENTER);
    app.send(DOWN);
    app.send(DOWN);
    app.send(END); // after `name`, inside `organization { }`
    app.send(ENTER);
    app.type_text("all: pi");
    // The whole published schema takes a moment to load in a debug build:
    // its first diagnostic says it is there before the last key is typed.
    app.wait_for("does not have a field `pi`");
    app.type_text("p");
    // The published schema also offers `pipelineTemplates`; `pipelines` comes first.
    let popup = app.wait_for("Tab insert · Esc close");
    assert!(
        popup
            .lines()
            .any(|l| l.contains("pipelines ") && l.contains("PipelineConnection")),
        "{popup}"
    );
    app.send(TAB);
    app.type_text("cx");
    let screen = app.wait_for("schema error");
    assert!(
        screen.contains("all: pipelines { cx }"),
        "Tab inserted the field with braces:\n{screen}"
    );
    app.wait_for("type `PipelineConnection` does not have a field `cx`");
    app.send(BACKSPACE);
    app.send(BACKSPACE);
    app.type_text("count");
    app.wait_until_gone("schema error");
    app.send(F2);
    app.wait_for("PipelineConnection.count");
    app.send(ESC);
    app.send(CTRL_F);
    app.wait_for("Formatted (Ctrl-z undoes it).");
    let screen = app.text();
    assert!(
        screen.contains("      count"),
        "one selection per line:\n{screen}"
    );
    app.send(CTRL_S);
    app.wait_for("Saved pipeline-overview.");
    app.quit();
}

#[test]
fn the_app_survives_a_garbled_buildkite_and_a_restart_without_losing_an_edit() {
    let state = tempfile::tempdir().unwrap();
    let state_file = state.path().join("state.json");
    // Every answer is an HTML error page instead of JSON.
    let garbled = common::SandboxProcess::start_with(&state_file, &["--faults", "garbage=1"]);
    let port = garbled.port();
    let mut app = App::against(&garbled);
    app.wait_for("not the JSON expected");

    // Buildkite comes back: one reload lists the portals.
    drop(garbled);
    let sandbox = common::SandboxProcess::start_on(port, &state_file, &[]);
    app.send("r");
    app.wait_for("4 portals in demo");
    app.send(DOWN); // recent-builds
    app.send(ENTER);
    app.send(END);
    app.type_text(" # kept");
    app.wait_for("● modified");

    // It goes away: the save fails with a message, the edit stays.
    drop(sandbox);
    app.send(CTRL_S);
    let screen = app.wait_for("could not reach");
    assert!(
        screen.contains("# kept") && screen.contains("● modified"),
        "{screen}"
    );

    // And comes back: the same save goes through.
    let _sandbox = common::SandboxProcess::start_on(port, &state_file, &[]);
    app.send(CTRL_S);
    app.wait_for("Saved recent-builds.");
    app.quit();
}

#[test]
fn the_app_rides_out_slow_answers_server_errors_rate_limits_and_cut_bodies() {
    let state = tempfile::tempdir().unwrap();
    let state_file = state.path().join("state.json");

    // Slow answers, then two 503s and a 429: reads are retried, the list comes.
    let sandbox =
        common::SandboxProcess::start_with(&state_file, &["--faults", "latency=150,503=2,429=1"]);
    let app = App::against(&sandbox);
    app.wait_for("4 portals in demo");
    app.quit();
    drop(sandbox);

    // Every body cut halfway: a clear message; once whole again, a reload works.
    let cut = common::SandboxProcess::start_with(&state_file, &["--faults", "truncate=1"]);
    let port = cut.port();
    let mut app = App::against(&cut);
    let screen = app.wait_for("Could not load portals");
    assert!(screen.contains("connection closed"), "{screen}");
    drop(cut);
    let _whole = common::SandboxProcess::start_on(port, &state_file, &[]);
    app.send("r");
    app.wait_for("4 portals in demo");
    app.quit();
}
