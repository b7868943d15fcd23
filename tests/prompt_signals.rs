//! The hidden-input prompts (`auth login`, `token add`, `rotate`) in a
//! pseudo-terminal: Ctrl-C while a token is half typed ends the command with
//! the terminal's echo back, as the shell needs it; Ctrl-Z gives it back while
//! the command is stopped. Read from outside.
#![cfg(unix)]

mod common;
mod pty;

use pty::App;
use rustix::termios::LocalModes;

const CTRL_C: &str = "\x03";

/// `auth login` waiting at its hidden prompt with half a token typed.
fn at_the_prompt() -> App {
    let mut app = App::launch(
        &["auth", "login", "--org", "acme"],
        &[("BKPORTALS_TOKEN_STORE", "file")],
    );
    assert!(
        app.initial_modes.local.contains(LocalModes::ECHO),
        "the terminal echoes to begin with"
    );
    app.wait_for("input hidden");
    app.type_text("bkua_half_typed");
    assert!(
        !app.modes().local.contains(LocalModes::ECHO),
        "echo is off while the token is typed"
    );
    app
}

#[test]
fn ctrl_c_at_the_token_prompt_gives_the_terminal_its_echo_back() {
    let mut app = at_the_prompt();
    app.send(CTRL_C);
    let status = app.wait_for_exit();
    assert!(!status.success(), "Ctrl-C stops the command: {status:?}");
    assert_eq!(
        status.signal(),
        Some("Interrupt"),
        "as a shell reports Ctrl-C"
    );
    assert_eq!(app.modes(), app.initial_modes, "the terminal's settings");
    assert!(
        !app.text().contains("bkua_half_typed"),
        "what was typed never showed"
    );
}

#[test]
fn sigterm_at_the_token_prompt_gives_the_terminal_its_echo_back() {
    let mut app = at_the_prompt();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &app.pid().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = app.wait_for_exit();
    assert_eq!(status.signal(), Some("Terminated"), "{status:?}");
    assert_eq!(app.modes(), app.initial_modes, "the terminal's settings");
}

const CTRL_Z: &str = "\x1a";

/// Ctrl-Z at the hidden prompt, under a shell with job control (a process
/// the terminal itself started could not be stopped: its process group has
/// no shell to come back to). The shell says the job stopped, waits for a
/// line, then resumes it with `fg`.
#[test]
fn ctrl_z_at_the_token_prompt_gives_echo_back_while_stopped_and_takes_it_on_resume() {
    let home = tempfile::tempdir().unwrap();
    let script = r#"set -m; "$0" auth login --org acme; echo "[job stopped: $?]"; read _; fg"#;
    let mut app = pty::App::run_in(
        home.path(),
        "sh",
        &["-c", script, common::BIN],
        &[
            ("BKPORTALS_TOKEN_STORE", "file"),
            ("BUILDKITE_REST_API_ENDPOINT", "http://127.0.0.1:9/"),
        ],
    );
    assert!(app.initial_modes.local.contains(LocalModes::ECHO));
    app.wait_for("input hidden");
    app.type_text("bkua_half");
    assert!(!app.modes().local.contains(LocalModes::ECHO), "echo off");

    app.send(CTRL_Z);
    app.wait_for("[job stopped: 148]"); // 128 + SIGTSTP
    assert!(
        app.modes().local.contains(LocalModes::ECHO),
        "the shell gets a terminal that echoes while the prompt is stopped"
    );

    app.send("\r"); // the shell's `read`, then `fg`
    app.wait_for("(resumed) Type the token again (input hidden)");
    assert!(
        !app.modes().local.contains(LocalModes::ECHO),
        "echo off again once resumed"
    );
    app.type_text("bkua_again");
    app.send("\r");
    // The line typed after resuming is the token: it goes to be checked
    // (against a port where nothing listens, so the check fails at once).
    app.wait_for("could not reach 127.0.0.1");
    let status = app.wait_for_exit();
    assert_eq!(status.exit_code(), 1, "{status:?}");
    assert_eq!(app.modes(), app.initial_modes, "the terminal's settings");
    let screen = app.text();
    assert!(
        !screen.contains("bkua_half") && !screen.contains("bkua_again"),
        "what was typed never showed:\n{screen}"
    );
}

#[test]
fn against_a_sandbox_the_token_prompt_names_it_not_buildkite() {
    let state = tempfile::tempdir().unwrap();
    let sandbox = common::SandboxProcess::start(&state.path().join("state.json"));
    let exports = sandbox.exports_without_api_token();
    let mut env: Vec<(&str, &str)> = exports
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    env.push(("BKPORTALS_TOKEN_STORE", "file"));
    let mut app = App::launch(&["auth", "login"], &env);
    // The sandbox's own organization, the server the token is stored for,
    // and its address where the link was.
    let server = sandbox.server_name();
    let named = format!("for `demo` on {server} (input hidden; {server}'s, not one");
    app.wait_for(&named);
    assert!(!app.text().contains("api-access-tokens"), "{}", app.text());
    app.send(CTRL_C);
    app.wait_for_exit();
}
