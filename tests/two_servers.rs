//! Tokens belong to the server they were given for: two `bkportals sandbox`
//! processes on loopback, the real binary in a private home. A token signed
//! in for the first is never sent to the second, and every message, text and
//! `--json`, names the server a token is for.

mod common;
mod home;

use common::SandboxProcess;
use home::{assert_ok, stderr, stdout, Home};

const API_TOKEN: &str = "bkua_sandbox_demo_all_scopes";
const WHO_AM_I_TOKEN: &str = "bkpat_sandbox_who_am_i";

/// The sandbox's exports without its API token, with `extra` set too.
fn signed_out(sandbox: &SandboxProcess, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut env = sandbox.exports_without_api_token();
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    env
}

#[test]
fn auth_login_and_status_name_the_server_the_token_is_for_in_text_and_json() {
    let home = Home::new();
    let first = SandboxProcess::start(&home.path().join("first.json"));
    let env = signed_out(&first, &[]);
    let server = first.server_name();

    let login = home.command_with_stdin(&env, &["auth", "login", "--json"], API_TOKEN);
    assert_ok(&login);
    let said = stderr(&login);
    assert!(
        said.contains(&format!("the API token for {server} is stored in ")),
        "{said}"
    );
    let report: serde_json::Value = serde_json::from_slice(&login.stdout).unwrap();
    assert_eq!(report["server"], server.as_str(), "{report}");

    let status = home.command(&env, &["auth", "status"]);
    assert_ok(&status);
    assert!(
        stdout(&status).contains(&format!("server: {server}\n")),
        "{}",
        stdout(&status)
    );
    let status = home.command(&env, &["auth", "status", "--json"]);
    assert_ok(&status);
    let report: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(report["server"], server.as_str(), "{report}");
    assert_eq!(report["source"], "store");
    assert!(!stdout(&status).contains(API_TOKEN));

    let logout = home.command(&env, &["auth", "logout"]);
    assert_ok(&logout);
    assert!(
        stderr(&logout).contains(&format!(
            "Forgot the API token stored for `demo` on {server}."
        )),
        "{}",
        stderr(&logout)
    );
}

#[test]
fn a_token_signed_in_for_one_sandbox_is_never_sent_to_another_and_token_list_names_each() {
    let home = Home::new();
    let first = SandboxProcess::start(&home.path().join("first.json"));
    let second = SandboxProcess::start(&home.path().join("second.json"));
    let (at_first, at_second) = (first.server_name(), second.server_name());
    assert_ne!(at_first, at_second);

    let login = home.command_with_stdin(&signed_out(&first, &[]), &["auth", "login"], API_TOKEN);
    assert_ok(&login);
    for sandbox in [&first, &second] {
        let env = signed_out(sandbox, &[]);
        let added = home.command_with_stdin(&env, &["token", "add", "who-am-i"], WHO_AM_I_TOKEN);
        assert_ok(&added);
    }

    // Pointed at the second, the first's API token is not sent: the debug
    // log (one line a request) shows no request at all, and the message
    // names where the token belongs.
    let log = [("BKPORTALS_LOG", "debug")];
    let at_home = home.command(&signed_out(&first, &log), &["list"]);
    assert_ok(&at_home);
    assert!(
        stderr(&at_home).contains(&format!("{at_first}/v2/")),
        "the log shows each request: {}",
        stderr(&at_home)
    );
    let logged = signed_out(&second, &log);
    let list = home.command(&logged, &["list"]);
    assert_eq!(list.status.code(), Some(1), "{}", stderr(&list));
    let said = stderr(&list);
    assert!(
        said.contains(&format!(
            "the API token stored for `demo` belongs to {at_first}, not {at_second}, so it is not sent there"
        )),
        "{said}"
    );
    assert!(
        !said.contains(&format!("connecting to {at_second}"))
            && !said.contains(&format!("{at_second}/")),
        "no request: {said}"
    );
    let status = home.command(&signed_out(&second, &[]), &["auth", "status"]);
    assert_eq!(status.status.code(), Some(1));
    assert!(
        stderr(&status).contains(&format!("belongs to {at_first}, not {at_second}")),
        "{}",
        stderr(&status)
    );

    // Each portal token is listed with the server it was given for.
    let listed = home.command(&signed_out(&first, &[]), &["token", "list"]);
    assert_ok(&listed);
    let listed = stdout(&listed);
    let rows: Vec<&str> = listed
        .lines()
        .filter(|row| row.contains("who-am-i"))
        .collect();
    assert_eq!(rows.len(), 2, "{listed}");
    for server in [&at_first, &at_second] {
        assert!(
            rows.iter()
                .any(|row| row.ends_with(&format!("(for {server})"))),
            "{rows:?}"
        );
    }
    let json = home.command(&signed_out(&first, &[]), &["token", "list", "--json"]);
    assert_ok(&json);
    let entries: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let mut servers: Vec<&str> = entries
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|e| e["server"].as_str())
        .collect();
    servers.sort();
    let mut expected = [at_first.as_str(), at_second.as_str()];
    expected.sort();
    assert_eq!(servers, expected, "{entries}");
    assert!(!stdout(&json).contains(WHO_AM_I_TOKEN));
}
