//! `bkportals rotate`: the guided rotation through the Security page and
//! `--recreate`, against a `bkportals sandbox` process, whose `new-token`,
//! `secret` and `remove-token` commands stand in for the Security page.

mod common;
mod home;

use common::SandboxProcess;
use home::{assert_ok, stderr, stdout, Home};

const OLD_TOKEN: &str = "bkpat_sandbox_who_am_i";
const OLD_SECRET: &str = "bkps_sandbox_who_am_i";

fn invoke_with(home: &Home, sandbox: &SandboxProcess, token: &str) -> std::process::Output {
    home.command_line(
        &sandbox.exports,
        &["invoke", "who-am-i", "--token-env", "TOKEN"],
    )
    .env("TOKEN", token)
    .output()
    .unwrap()
}

#[test]
fn a_guided_rotation_checks_and_stores_the_new_token_before_saying_to_remove_the_old() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let made = home.command(&sandbox.exports, &["sandbox", "new-token", "who-am-i"]);
    assert_ok(&made);
    let new_token = stdout(&made).trim().to_owned();

    // A token the portal does not take is refused and not stored.
    let wrong =
        home.command_with_stdin(&sandbox.exports, &["rotate", "who-am-i"], "bkpat_not_it\n");
    assert_eq!(wrong.status.code(), Some(1), "{}", stderr(&wrong));
    assert!(
        stderr(&wrong).contains("refused this token"),
        "{}",
        stderr(&wrong)
    );
    assert!(!stdout(&home.command(&sandbox.exports, &["token", "list"])).contains("who-am-i"));

    let rotated = home.command_with_stdin(
        &sandbox.exports,
        &["rotate", "who-am-i"],
        &format!("{new_token}\n"),
    );
    assert_ok(&rotated);
    let said = stderr(&rotated);
    assert!(
        said.contains("/organizations/demo/portals/who-am-i/security"),
        "{said}"
    );
    assert!(said.contains("works (the portal took it)"), "{said}");
    assert!(
        said.contains("Callers signed in as themselves (user tokens) are not affected"),
        "{said}"
    );
    // Piped, there is no paste prompt: the steps shown are numbered 1 to 4.
    let steps: Vec<&str> = said
        .lines()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_digit()))
        .filter_map(|line| line.split_once(". ").map(|(number, _)| number))
        .collect();
    assert_eq!(steps, ["1", "2", "3", "4"], "{said}");
    let update_callers = said.find("3. Update every caller").unwrap();
    let remove_old = said
        .find("4. Only when every caller above uses the new token, remove the old one")
        .unwrap();
    assert!(update_callers < remove_old, "{said}");
    assert!(
        !said.contains(&new_token) && !stdout(&rotated).contains(&new_token),
        "never echoed"
    );

    // The stored token is the new one; the old works until it is removed.
    assert_ok(&home.command(&sandbox.exports, &["invoke", "who-am-i"]));
    assert_ok(&home.command(
        &sandbox.exports,
        &["sandbox", "remove-token", "who-am-i", &OLD_TOKEN[..12]],
    ));
    assert_eq!(
        invoke_with(&home, &sandbox, OLD_TOKEN).status.code(),
        Some(1)
    );
    assert_ok(&home.command(&sandbox.exports, &["invoke", "who-am-i"]));
}

#[test]
fn recreate_plans_first_then_makes_a_new_portal_under_the_same_slug() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let before: serde_json::Value = serde_json::from_slice(
        &home
            .command(&sandbox.exports, &["show", "who-am-i", "--json"])
            .stdout,
    )
    .unwrap();

    let unasked = home.command(&sandbox.exports, &["rotate", "who-am-i", "--recreate"]);
    assert_eq!(unasked.status.code(), Some(2), "{}", stderr(&unasked));
    assert!(
        stderr(&unasked).contains("portal secrets are gone"),
        "the plan comes first: {}",
        stderr(&unasked)
    );
    assert_ok(&invoke_with(&home, &sandbox, OLD_TOKEN));

    let recreated = home.command(
        &sandbox.exports,
        &["rotate", "who-am-i", "--recreate", "--yes"],
    );
    assert_ok(&recreated);
    assert!(
        stderr(&recreated).contains("a window") || stderr(&recreated).contains("answers 404"),
        "{}",
        stderr(&recreated)
    );
    let after: serde_json::Value = serde_json::from_slice(
        &home
            .command(&sandbox.exports, &["show", "who-am-i", "--json"])
            .stdout,
    )
    .unwrap();
    assert_ne!(after["uuid"], before["uuid"]);
    assert_eq!(after["query"], before["query"]);
    assert_eq!(after["user_invokable"], before["user_invokable"]);
    let listed = stdout(&home.command(&sandbox.exports, &["list"]));
    assert!(!listed.contains("who-am-i-rotating"), "{listed}");

    // The old token and secret are dead; the stored new token runs it.
    assert_eq!(
        invoke_with(&home, &sandbox, OLD_TOKEN).status.code(),
        Some(1)
    );
    let ephemeral = home
        .command_line(
            &sandbox.exports,
            &["token", "ephemeral", "who-am-i", "--secret-env", "SECRET"],
        )
        .env("SECRET", OLD_SECRET)
        .output()
        .unwrap();
    assert_eq!(ephemeral.status.code(), Some(1), "{}", stderr(&ephemeral));
    assert_ok(&home.command(&sandbox.exports, &["invoke", "who-am-i"]));
    assert!(!stdout(&recreated).contains("bkpat_") && !stderr(&recreated).contains("bkpat_"));
}

#[test]
fn rotate_help_says_what_slug_is() {
    let home = Home::new();
    let help = home.command(&[], &["rotate", "--help"]);
    assert_ok(&help);
    let text = stdout(&help);
    let slug_line = text
        .lines()
        .find(|line| line.trim_start().starts_with("<SLUG>"))
        .unwrap_or_else(|| panic!("no <SLUG> argument in:\n{text}"));
    assert!(
        slug_line.contains("The portal whose token to rotate, by its slug"),
        "{slug_line}"
    );
}
