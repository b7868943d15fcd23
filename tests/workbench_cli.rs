//! The workbench commands end to end: `auth`, `token add`, `completions`,
//! `invoke --print-curl`, `history` and `audit`, the real binary in a private
//! home against a `bkportals sandbox` child process over loopback HTTP.

mod common;
mod home;

use common::{SandboxProcess, NO_PORTAL_SCOPES_TOKEN, READ_ONLY_TOKEN};
use home::{assert_ok, stderr, stdout, Home};

const API_TOKEN: &str = "bkua_sandbox_demo_all_scopes";

/// The sandbox's exports without its API token: the person has none yet.
fn without_token(sandbox: &SandboxProcess) -> Vec<(String, String)> {
    sandbox
        .exports
        .iter()
        .filter(|(name, _)| name != "BUILDKITE_API_TOKEN")
        .cloned()
        .collect()
}

fn org(sandbox: &SandboxProcess) -> String {
    sandbox
        .exports
        .iter()
        .find(|(name, _)| name == "BUILDKITE_ORGANIZATION_SLUG")
        .map(|(_, v)| v.clone())
        .expect("the sandbox names its organization")
}

#[test]
fn auth_login_stores_a_checked_token_that_later_commands_use() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let env = without_token(&sandbox);
    let org = org(&sandbox);

    let before = home.command(&env, &["list"]);
    assert_eq!(before.status.code(), Some(1));
    assert!(
        stderr(&before).contains(&format!("run `bkportals auth login --org {org}`")),
        "{}",
        stderr(&before)
    );

    let login = home.command_with_stdin(&env, &["auth", "login"], &format!("{API_TOKEN}\n"));
    assert_ok(&login);
    assert!(
        stderr(&login).contains(&format!("Signed in to `{org}` as ")),
        "{}",
        stderr(&login)
    );
    assert!(!stderr(&login).contains("lacks"), "{}", stderr(&login));
    let store = std::fs::read_to_string(home.token_store()).unwrap();
    assert!(store.contains(API_TOKEN), "stored in the file store");
    assert!(!stderr(&login).contains(API_TOKEN) && !stdout(&login).contains(API_TOKEN));

    // The stored token and the organization signed in to are used from now on.
    let no_org: Vec<_> = env
        .iter()
        .filter(|(name, _)| name != "BUILDKITE_ORGANIZATION_SLUG")
        .cloned()
        .collect();
    let list = home.command(&no_org, &["list"]);
    assert_ok(&list);
    assert!(stdout(&list).contains("recent-builds"), "{}", stdout(&list));

    let status = home.command(&env, &["auth", "status", "--json"]);
    assert_ok(&status);
    let report: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(report["source"], "store");
    assert_eq!(report["missing"], serde_json::json!([]));
    assert!(!stdout(&status).contains(API_TOKEN));

    // The environment wins over the store, and says so.
    let shadowed = home.command(&sandbox.exports, &["list"]);
    assert_ok(&shadowed);
    assert!(
        stderr(&shadowed)
            .contains("BUILDKITE_API_TOKEN is set and is used instead of the API token stored"),
        "{}",
        stderr(&shadowed)
    );

    let logout = home.command(&env, &["auth", "logout"]);
    assert_ok(&logout);
    assert!(!std::fs::read_to_string(home.token_store())
        .unwrap()
        .contains(API_TOKEN));
    let after = home.command(&env, &["auth", "status"]);
    assert_eq!(after.status.code(), Some(1));
    assert!(stderr(&after).contains("auth login"), "{}", stderr(&after));
    let again = home.command(&env, &["auth", "logout"]);
    assert_eq!(again.status.code(), Some(1), "nothing left to forget");
}

#[test]
fn auth_login_names_the_access_a_token_lacks_and_refuses_a_wrong_token() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let env = without_token(&sandbox);

    let read_only = home.command_with_stdin(&env, &["auth", "login"], READ_ONLY_TOKEN);
    assert_ok(&read_only);
    let said = stderr(&read_only);
    assert!(said.contains("the token lacks write_portals"), "{said}");
    assert!(
        said.contains("the token lacks graphql (GraphQL access"),
        "{said}"
    );
    assert!(!said.contains("lacks read_portals"), "{said}");

    let none = home.command_with_stdin(&env, &["auth", "login", "--json"], NO_PORTAL_SCOPES_TOKEN);
    assert_ok(&none);
    let report: serde_json::Value = serde_json::from_slice(&none.stdout).unwrap();
    assert_eq!(
        report["missing"],
        serde_json::json!(["read_portals", "write_portals", "graphql"])
    );

    let wrong = home.command_with_stdin(&env, &["auth", "login"], "bkua_not_a_real_token");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stderr(&wrong).contains("Buildkite refused this API token"),
        "{}",
        stderr(&wrong)
    );
    let store = std::fs::read_to_string(home.token_store()).unwrap();
    assert!(!store.contains("bkua_not_a_real_token"));
    assert!(
        store.contains(NO_PORTAL_SCOPES_TOKEN),
        "the earlier one is kept"
    );

    let empty = home.command_with_stdin(&env, &["auth", "login"], "  \n");
    assert_eq!(empty.status.code(), Some(2));
    assert!(
        stderr(&empty).contains("no token was given"),
        "{}",
        stderr(&empty)
    );
}

#[test]
fn token_add_checks_the_token_with_the_portal_without_running_it_then_stores_it() {
    let home = Home::new();
    let state = home.path().join("state.json");
    let sandbox = SandboxProcess::start(&state);
    let env = &sandbox.exports;
    let before = std::fs::read(&state).unwrap();

    let wrong = home.command_with_stdin(env, &["token", "add", "trigger-main-build"], "bkpt_wrong");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stderr(&wrong).contains("portal `trigger-main-build` refused this token"),
        "{}",
        stderr(&wrong)
    );
    assert!(
        !home.token_store().exists()
            || !std::fs::read_to_string(home.token_store())
                .unwrap()
                .contains("bkpt_wrong")
    );

    let added = home.command_with_stdin(
        env,
        &["token", "add", "trigger-main-build", "--json"],
        "bkpt_sandbox_trigger_main_build\n",
    );
    assert_ok(&added);
    let said: serde_json::Value = serde_json::from_slice(&added.stdout).unwrap();
    assert_eq!(said["verified"], true);
    assert!(!stdout(&added).contains("bkpt_sandbox_trigger_main_build"));
    // The check did not run the portal's mutation: no build was made.
    assert_eq!(
        std::fs::read(&state).unwrap(),
        before,
        "the sandbox's world is unchanged"
    );

    let list = home.command(env, &["token", "list", "--json"]);
    let entries: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(entries[0]["portal"], "trigger-main-build");
    assert_eq!(entries[0]["kind"], "admin");

    let unknown = home.command_with_stdin(env, &["token", "add", "no-such-portal"], "bkpt_x");
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("not found"),
        "{}",
        stderr(&unknown)
    );
}
