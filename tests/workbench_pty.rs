//! The workbench's app flows in a real terminal: the binary in a
//! pseudo-terminal, in a private home without an API token, against a
//! `bkportals sandbox` process the test starts. Sign in through the dialog,
//! run a portal, open its history, run an entry again, copy the request as
//! curl (OSC 52), all read from a vt100 screen. (Each step's logic is tested
//! in process in app_flow.rs; this is what only the real terminal shows.)

use base64::Engine;

mod common;
mod home;
mod pty;

use common::SandboxProcess;
use home::{assert_ok, Home};
use pty::{App, CTRL_R, END, ENTER, ESC};

const API_TOKEN: &str = "bkua_sandbox_demo_all_scopes";
/// who-am-i's long-lived token in the sandbox's seed.
const WHO_AM_I_TOKEN: &str = "bkpat_sandbox_who_am_i";

/// Text pasted as a terminal sends it with bracketed paste on.
fn bracketed(text: &str) -> String {
    format!("\x1b[200~{text}\x1b[201~")
}

/// Every text copied through the terminal (OSC 52) in `raw`, decoded.
fn osc52_copies(raw: &str) -> Vec<String> {
    raw.split("\x1b]52;c;")
        .skip(1)
        .filter_map(|rest| rest.split('\x07').next())
        .filter_map(|encoded| {
            base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .ok()
        })
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .collect()
}

fn without_token(sandbox: &SandboxProcess) -> Vec<(String, String)> {
    sandbox.exports_without_api_token()
}

/// bkportals with no command, in `home`, with `env` and no API token.
fn signed_out_app(home: &Home, env: &[(String, String)]) -> App {
    let mut app_env: Vec<(&str, &str)> =
        env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // Empty is unset: nothing from the caller's shell may sign it in.
    app_env.push(("BUILDKITE_API_TOKEN", ""));
    app_env.push(("BKPORTALS_TOKEN_STORE", "file"));
    App::launch_in(home.path(), &[], &app_env)
}

#[test]
fn esc_in_the_sign_in_dialog_leaves_with_the_command_to_sign_in_from_the_shell() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let mut app = signed_out_app(&home, &without_token(&sandbox));
    app.wait_for(&format!("Sign in to {}", sandbox.server_name()));
    app.send(ESC);
    let status = app.wait_for_exit();
    assert_eq!(status.exit_code(), 1, "not signed in: {status:?}");
    app.assert_terminal_restored();
    let screen = app.text();
    assert!(
        screen.contains(
            "Not signed in to `demo`. To sign in from the shell: `bkportals auth login --org demo`"
        ),
        "{screen}"
    );
    assert!(!home.token_store().exists(), "nothing stored");
}

#[test]
fn sign_in_run_history_rerun_and_copy_as_curl_in_a_real_terminal() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let env = without_token(&sandbox);
    // The portal's token is stored beforehand, as a person would with
    // `token add`; the API token is what the app has to ask for.
    let added = home.command_with_stdin(&env, &["token", "add", "who-am-i"], WHO_AM_I_TOKEN);
    assert_ok(&added);
    let mut app = signed_out_app(&home, &env);

    // A sandbox is not Buildkite: the dialog names it, and its token is not
    // made on buildkite.com.
    let screen = app.wait_for(&format!("Sign in to {}", sandbox.server_name()));
    assert!(screen.contains("not to Buildkite"), "{screen}");
    assert!(screen.contains("prints its token"), "{screen}");
    assert!(!screen.contains("api-access-tokens"), "{screen}");
    assert!(screen.contains("Not signed in yet"), "{screen}");
    app.send(&bracketed(API_TOKEN));
    app.wait_for(&format!("› {}", "•".repeat(API_TOKEN.len())));
    app.send(ENTER);
    app.wait_for("Signed in to demo");
    let screen = app.wait_for("Who am I");
    assert!(!screen.contains("Sign in to "), "{screen}");
    let store = std::fs::read_to_string(home.token_store()).unwrap();
    assert!(store.contains(API_TOKEN), "kept in the token store");

    app.send(END); // who-am-i
    app.send(CTRL_R);
    app.wait_for("· HTTP 200 ·");
    // The answer has the focus: H opens the portal's history.
    app.send("H");
    app.wait_for("1 run of who-am-i, newest first");
    app.send(ENTER); // runs the entry again
    app.wait_for("who-am-i: HTTP 200 in");
    app.send("H");
    app.wait_for("2 runs of who-am-i, newest first");
    app.send(ESC);
    app.wait_until_gone("2 runs of who-am-i");

    app.send("C");
    // It says what it copied: a curl command, the token a placeholder.
    let screen = app.wait_for(
        "Copied a curl command for who-am-i ($TOKEN in place of its token) through the terminal (OSC 52)",
    );
    assert!(screen.contains("Copied"), "{screen}");
    let raw = String::from_utf8_lossy(&app.raw.lock().unwrap()).into_owned();
    let copies = osc52_copies(&raw);
    let [curl] = copies.as_slice() else {
        panic!("one copy through the terminal: {copies:?}");
    };
    assert!(curl.starts_with("curl -X POST '"), "{curl}");
    assert!(
        curl.contains("/organizations/demo/portals/who-am-i'"),
        "{curl}"
    );
    assert!(curl.contains("Authorization: Bearer $TOKEN"), "{curl}");
    for token in [API_TOKEN, WHO_AM_I_TOKEN] {
        assert!(!curl.contains(token), "no token value in {curl}");
        assert!(!raw.contains(token), "{token} never reached the terminal");
    }
    app.send(ESC);
    app.send("q");
    let status = app.wait_for_exit();
    assert!(status.success(), "{status:?}");
    app.assert_terminal_restored();
    // As after `auth login`: with no config file, the organization signed
    // in to becomes the default.
    let screen = app.text();
    assert!(
        screen.contains("`demo` is now the default organization"),
        "{screen}"
    );
    let config = std::fs::read_to_string(home.config_file()).unwrap();
    assert!(config.contains("default_profile = \"demo\""), "{config}");
}
