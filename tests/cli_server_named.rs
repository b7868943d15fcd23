//! Against a sandbox the command line names the server it talks to, never
//! "Buildkite": the real binary in a private home, against a `bkportals
//! sandbox` process over loopback HTTP.

mod common;
mod home;

use common::SandboxProcess;
use home::{error_line, stderr, Home};

#[test]
fn a_refused_create_names_the_sandbox_that_refused_it() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let query = &home.query_file("query Me { viewer { user { name } } }");
    // `who-am-i` is taken: the slug made from this name is refused (422).
    let create = home.command(
        &sandbox.exports,
        &[
            "create",
            "--name",
            "Who am I",
            "--query-file",
            query,
            "--no-validate",
        ],
    );
    assert_eq!(create.status.code(), Some(1), "{}", stderr(&create));
    let said = error_line(&create).unwrap_or_default();
    let rejected = format!("rejected by {}: Validation failed:", sandbox.server_name());
    assert!(said.starts_with(&rejected), "{said}");
    assert!(
        !stderr(&create).contains("Buildkite"),
        "{}",
        stderr(&create)
    );
}

#[test]
fn a_created_portals_token_is_said_to_be_shown_once_by_the_sandbox() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let query = &home.query_file("query Me { viewer { user { name } } }");
    let create = home.command(
        &sandbox.exports,
        &[
            "create",
            "--name",
            "Fresh",
            "--query-file",
            query,
            "--no-validate",
        ],
    );
    assert!(create.status.success(), "{}", stderr(&create));
    let once = format!(
        "Its token is shown this once; {} cannot show it again:",
        sandbox.server_name()
    );
    assert!(stderr(&create).contains(&once), "{}", stderr(&create));
    assert!(
        !stderr(&create).contains("Buildkite"),
        "{}",
        stderr(&create)
    );
}
