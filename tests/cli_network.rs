//! The command line over a bad network: `bkportals` against a
//! `bkportals sandbox --faults ...` child process on loopback.

mod common;

use std::process::{Command, Output, Stdio};

use common::{SandboxProcess, BIN};

fn bkportals(home: &std::path::Path, env: &[(String, String)], args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("BKPORTALS_TOKEN_STORE", "file")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .current_dir(home)
        .stdin(Stdio::null())
        .output()
        .expect("bkportals runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_create_whose_answer_is_cut_says_it_was_created_and_a_repeat_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("state.json");
    std::fs::write(
        home.path().join("q.graphql"),
        "query Me { viewer { user { name } } }",
    )
    .unwrap();
    let create = [
        "create",
        "--name",
        "App trunc",
        "--query-file",
        "q.graphql",
        "--no-validate",
    ];

    // Every answer is cut halfway: the create happens, its token is lost.
    let cut = SandboxProcess::start_with(&state, &["--faults", "truncate=1"]);
    let port = cut.port();
    let first = bkportals(home.path(), &cut.exports, &create);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    assert_eq!(
        stderr(&first),
        "error: portal `app-trunc` was created, but its token could not be read: make a new token on the portal's Security page, or delete and create it again\n"
    );
    assert!(first.stdout.is_empty(), "no token to print");

    // Trying again cannot make a second one.
    let second = bkportals(home.path(), &cut.exports, &create);
    assert_eq!(second.status.code(), Some(1), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("the slug `app-trunc` was made from the name"),
        "{}",
        stderr(&second)
    );
    drop(cut);

    let whole = SandboxProcess::start_on(port, &state, &[]);
    let list = bkportals(home.path(), &whole.exports, &["list", "--json"]);
    assert!(list.status.success(), "{}", stderr(&list));
    let portals: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).unwrap();
    let named: Vec<_> = portals
        .iter()
        .filter(|p| p["name"] == "App trunc")
        .map(|p| p["slug"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(named, ["app-trunc"], "exactly one portal");
}

#[test]
fn a_wait_on_the_rate_limit_is_said_on_stderr() {
    let home = tempfile::tempdir().unwrap();
    let sandbox =
        SandboxProcess::start_with(&home.path().join("state.json"), &["--faults", "429=1"]);
    let list = bkportals(home.path(), &sandbox.exports, &["list"]);
    assert!(list.status.success(), "{}", stderr(&list));
    let said = stderr(&list);
    assert!(
        said.starts_with("rate-limited by Buildkite; continuing in 1 s\n")
            && said.matches("rate-limited").count() == 1,
        "said once, before the list: {said}"
    );
    assert!(String::from_utf8_lossy(&list.stdout).contains("who-am-i"));
}
