//! The command line end to end: the real binary as a subprocess, against a
//! `bkportals sandbox` child process, with private config and data dirs.

mod common;
mod home;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::SandboxProcess;
use home::{assert_ok, stderr, stdout, Home};

#[test]
fn create_list_show_update_invoke_delete() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let env = &sandbox.exports;
    let query = home.path().join("builds.graphql");
    std::fs::write(
        &query,
        "query Builds($pipelineSlug: ID!, $first: Int) {\n  pipeline(slug: $pipelineSlug) {\n    name\n    builds(first: $first) { edges { node { number } } }\n  }\n}\n",
    )
    .unwrap();

    let created = home.command(
        env,
        &[
            "create",
            "--name",
            "Ops: Builds",
            "--query-file",
            query.to_str().unwrap(),
            "--description",
            "For the ops team",
        ],
    );
    assert_ok(&created);
    let token = stdout(&created).trim().to_owned();
    assert!(
        token.starts_with("bkpat_"),
        "the token is printed once: {token}"
    );
    assert!(
        stderr(&created).contains("cannot show it again"),
        "{}",
        stderr(&created)
    );
    let store = std::fs::read_to_string(home.token_store()).unwrap();
    assert!(store.contains(&token), "the token is stored");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(home.token_store())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let list = home.command(env, &["list"]);
    assert_ok(&list);
    let line = stdout(&list)
        .lines()
        .find(|l| l.starts_with("ops-builds "))
        .map(str::to_owned)
        .expect("the new portal is listed");
    assert!(
        line.contains("-T") && line.contains("Ops: Builds"),
        "{line}"
    );

    let json = home.command(env, &["list", "--json"]);
    assert_ok(&json);
    let portals: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(portals.as_array().unwrap().len(), 5);

    let show = home.command(env, &["show", "ops-builds"]);
    assert_ok(&show);
    let text = stdout(&show);
    assert!(text.contains("Description:     For the ops team"), "{text}");
    assert!(text.contains("Token stored:    yes"), "{text}");
    assert!(text.contains("query Builds($pipelineSlug: ID!"), "{text}");
    assert!(!text.contains(&token), "show never prints the token");

    let update = home.command(
        env,
        &[
            "update",
            "ops-builds",
            "--description",
            "For everyone",
            "--name",
            "Ops: Builds",
        ],
    );
    assert_ok(&update);
    assert!(
        stderr(&update).contains("Updated portal `ops-builds`: description."),
        "only the description changed: {}",
        stderr(&update)
    );

    let invoke = home.command(
        env,
        &[
            "invoke",
            "ops-builds",
            "--var",
            "pipelineSlug=demo/infra",
            "--var",
            "first=2",
        ],
    );
    assert_ok(&invoke);
    let body: serde_json::Value = serde_json::from_slice(&invoke.stdout).unwrap();
    assert_eq!(body["data"]["pipeline"]["name"], "Infrastructure");
    assert_eq!(
        body["data"]["pipeline"]["builds"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "first=2 was sent as an Int"
    );
    let said = stderr(&invoke);
    assert!(
        said.starts_with("Using the portal's long-lived token (admin-level).\nHTTP 200 in "),
        "{said}"
    );

    let bad_var = home.command(env, &["invoke", "ops-builds", "--var", "first=two"]);
    assert_eq!(bad_var.status.code(), Some(2));
    assert!(
        stderr(&bad_var).contains("$first: expects an Int"),
        "{}",
        stderr(&bad_var)
    );

    // A required variable left out is caught before anything is sent.
    let missing_var = home.command(env, &["invoke", "ops-builds"]);
    assert_eq!(missing_var.status.code(), Some(2), "a usage error");
    assert!(
        stderr(&missing_var).contains("$pipelineSlug (ID!): pass --var pipelineSlug=VALUE"),
        "{}",
        stderr(&missing_var)
    );

    let unconfirmed = home.command(env, &["delete", "ops-builds"]);
    assert_eq!(unconfirmed.status.code(), Some(2));
    assert!(stderr(&unconfirmed).contains("--yes"));

    let delete = home.command(env, &["delete", "ops-builds", "--yes"]);
    assert_ok(&delete);
    let show = home.command(env, &["show", "ops-builds"]);
    assert_eq!(show.status.code(), Some(1));
    assert!(stderr(&show).contains("not found"), "{}", stderr(&show));
    let store = std::fs::read_to_string(home.token_store()).unwrap();
    assert!(
        !store.contains(&token),
        "the deleted portal's token is forgotten"
    );
}

#[test]
fn sandbox_state_survives_a_restart() {
    let home = Home::new();
    let state = home.path().join("state.json");
    let query = home.path().join("q.graphql");
    std::fs::write(&query, "query Me { viewer { user { name } } }").unwrap();
    {
        let sandbox = SandboxProcess::start(&state);
        let created = home.command(
            &sandbox.exports,
            &["create", "--name", "Kept", "--query-file", "q.graphql"],
        );
        assert_ok(&created);
    }
    let sandbox = SandboxProcess::start(&state);
    let show = home.command(&sandbox.exports, &["show", "kept", "--json"]);
    assert_ok(&show);
    let portal: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(portal["name"], "Kept");
}

#[test]
fn missing_settings_say_what_to_set() {
    let home = Home::new();
    // No organization is a usage error: the command means nothing without one.
    let no_org = home.command(&[], &["list"]);
    assert_eq!(no_org.status.code(), Some(2), "{}", stderr(&no_org));
    assert!(
        stderr(&no_org).contains("BUILDKITE_ORGANIZATION_SLUG"),
        "{}",
        stderr(&no_org)
    );
    let org = [("BUILDKITE_ORGANIZATION_SLUG".to_owned(), "acme".to_owned())];
    let no_token = home.command(&org, &["list"]);
    assert_eq!(no_token.status.code(), Some(1));
    let message = stderr(&no_token);
    assert!(
        message.contains("BUILDKITE_API_TOKEN") && message.contains("--demo"),
        "{message}"
    );
}

#[test]
fn a_broken_config_file_is_named_with_line_and_column() {
    let home = Home::new();
    let config = home.path().join("config/bkportals/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "default_profile = \"acme\"\n[profiles.acme\n").unwrap();
    let output = home.command(&[], &["list"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "no organization without the file: a usage error"
    );
    let message = stderr(&output);
    assert!(
        message.contains(&format!("{}:2:", config.display())),
        "{message}"
    );
    assert!(message.contains("moved it to"), "{message}");
    assert!(!config.exists(), "the broken file is set aside");
    let aside: Vec<_> = std::fs::read_dir(config.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        aside
            .iter()
            .any(|name| name.starts_with("config.toml.broken-")),
        "{aside:?}"
    );

    // The next run goes on without it: with the settings in the environment, it works.
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    assert_ok(&home.command(&sandbox.exports, &["list"]));
}

#[test]
fn an_unknown_config_key_is_a_warning_with_its_line_and_the_file_stays() {
    let home = Home::new();
    let config = home.config_file();
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    let text = "# written by a newer bkportals\ntheme = \"dark\"\n";
    std::fs::write(&config, text).unwrap();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    for command in [&["list"][..], &["doctor"]] {
        let output = home.command(&sandbox.exports, command);
        let message = format!("{}{}", stdout(&output), stderr(&output));
        assert!(
            message.contains(&format!("{}:2:1: unknown key `theme`", config.display())),
            "{command:?}: {message}"
        );
        assert!(!message.contains("moved it to"), "{message}");
    }
    assert_ok(&home.command(&sandbox.exports, &["list"]));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);
}

#[test]
fn demo_runs_against_an_embedded_sandbox() {
    let home = Home::new();
    let output = home.command(&[], &["--demo", "list", "--json"]);
    assert_ok(&output);
    let portals: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let slugs: Vec<&str> = portals
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["slug"].as_str())
        .collect();
    assert!(slugs.contains(&"recent-builds"), "{slugs:?}");

    let invoke = home.command(&[], &["--demo", "invoke", "who-am-i"]);
    assert_ok(&invoke);
    assert!(stdout(&invoke).contains("Riley Admin"));
    assert!(
        !home.token_store().exists(),
        "demo tokens stay in memory, not in the user's store"
    );
}

#[test]
fn escape_sequences_from_the_server_never_reach_the_terminal() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let query = home.path().join("q.graphql");
    std::fs::write(&query, "query Me { viewer { user { name } } }").unwrap();
    let created = home.command(
        &sandbox.exports,
        &[
            "create",
            "--name",
            "Evil \u{1b}]52;c;aGk=\u{7} \u{1b}[2J portal",
            "--slug",
            "evil",
            "--query-file",
            "q.graphql",
        ],
    );
    assert_ok(&created);
    for args in [&["list"][..], &["show", "evil"][..]] {
        let output = home.command(&sandbox.exports, args);
        assert_ok(&output);
        let text = stdout(&output);
        assert!(text.contains("Evil"), "{text}");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
    }
}

#[test]
fn token_login_approve_invoke_list_forget() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let env = sandbox.exports.clone();

    let mut login = home
        .command_line(&env, &["token", "login", "who-am-i", "--expires-in", "30"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let login_stderr = login.stderr.take().unwrap();
    let mut lines = BufReader::new(login_stderr).lines();
    let first = lines.next().unwrap().unwrap();
    let code = first
        .split_whitespace()
        .skip_while(|w| *w != "code")
        .nth(1)
        .expect("the code is printed")
        .to_owned();

    let approve = home.command(
        &env,
        &["sandbox", "approve", &code, "--as", "jordan@example.com"],
    );
    assert_ok(&approve);
    // A shell line, not the browser page's words.
    assert_eq!(stderr(&approve), "Approved as Jordan Builder.\n");
    let status = login.wait().unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(status.success(), "{rest:?}");
    assert!(rest.iter().any(|l| l.contains("Signed in")), "{rest:?}");

    let list = home.command(&env, &["token", "list"]);
    assert_ok(&list);
    let listed = stdout(&list);
    assert!(
        listed.contains("who-am-i") && listed.contains("user"),
        "{listed}"
    );
    let store = std::fs::read_to_string(home.token_store()).unwrap();
    let value = store
        .split('"')
        .find(|s| s.starts_with("bkpat_"))
        .expect("the short-lived token is stored")
        .to_owned();
    assert!(!listed.contains(&value), "list never shows a value");

    let invoke = home.command(&env, &["invoke", "who-am-i"]);
    assert_ok(&invoke);
    assert!(
        stderr(&invoke).contains("Using your user token"),
        "{}",
        stderr(&invoke)
    );
    assert!(stdout(&invoke).contains("Jordan Builder"));

    let forget = home.command(&env, &["token", "forget", "who-am-i"]);
    assert_ok(&forget);
    // A missing token is a failure, not bad usage.
    let again = home.command(&env, &["invoke", "who-am-i"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("token login who-am-i"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn token_ephemeral_from_a_secret_in_the_environment() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let mut env = sandbox.exports.clone();
    env.push((
        "PORTAL_SECRET".into(),
        "bkps_sandbox_trigger_main_build".into(),
    ));
    let output = home.command(
        &env,
        &[
            "token",
            "ephemeral",
            "trigger-main-build",
            "--secret-env",
            "PORTAL_SECRET",
        ],
    );
    assert_ok(&output);
    assert!(stderr(&output).contains("Stored an ephemeral token"));
    let invoke = home.command(&env, &["invoke", "trigger-main-build"]);
    assert_ok(&invoke);
    assert!(stderr(&invoke).contains("ephemeral token (admin-level)"));
    let missing = home.command(
        &sandbox.exports,
        &[
            "token",
            "ephemeral",
            "trigger-main-build",
            "--secret-env",
            "NOPE",
        ],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("NOPE"));
}

#[test]
fn doctor_says_what_to_fix() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let healthy = home.command(&sandbox.exports, &["doctor"]);
    assert_ok(&healthy);
    let report = stdout(&healthy);
    assert!(
        report.contains("✓ the token has the write_portals scope"),
        "{report}"
    );

    let mut read_only = sandbox.exports.clone();
    for (name, value) in &mut read_only {
        if name == "BUILDKITE_API_TOKEN" {
            *value = "bkua_sandbox_read_portals_only".into();
        }
    }
    let limited = home.command(&read_only, &["doctor"]);
    assert_eq!(limited.status.code(), Some(1));
    let report = stdout(&limited);
    assert!(
        report.contains("✗ the token lacks the write_portals scope"),
        "{report}"
    );
    // Scopes of a sandbox token are not changed on buildkite.com.
    let place = format!(
        "add write_portals to the token on {}",
        sandbox.server_name()
    );
    assert!(report.contains(&place), "{report}");
    assert!(!report.contains("Buildkite"), "{report}");

    let config = home.path().join("config/bkportals/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "default_profile = [\n").unwrap();
    let broken = home.command(&sandbox.exports, &["doctor", "--json"]);
    assert_eq!(broken.status.code(), Some(1));
    let checks: serde_json::Value = serde_json::from_slice(&broken.stdout).unwrap();
    let fix = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["verdict"] == "problem")
        .and_then(|c| c["fix"].as_str())
        .unwrap()
        .to_owned();
    assert!(fix.contains("config.toml:"), "{fix}");
    assert!(
        checks
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["what"].as_str().unwrap_or("").contains("can be listed")),
        "it goes on checking the rest"
    );
}

/// The secrets audit of the command line: with every log line on (trace), no
/// token value reaches stderr; the new token is printed once, on stdout only.
#[test]
fn tokens_never_reach_the_logs() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let mut env = sandbox.exports.clone();
    env.push(("BKPORTALS_LOG".into(), "trace".into()));
    env.push(("PORTAL_SECRET".into(), "bkps_sandbox_who_am_i".into()));
    let api_token = sandbox
        .exports
        .iter()
        .find(|(k, _)| k == "BUILDKITE_API_TOKEN")
        .map(|(_, v)| v.clone())
        .unwrap();
    std::fs::write(
        home.path().join("q.graphql"),
        "query Me { viewer { user { name } } }",
    )
    .unwrap();

    let created = home.command(
        &env,
        &["create", "--name", "Audited", "--query-file", "q.graphql"],
    );
    assert_ok(&created);
    let portal_token = stdout(&created).trim().to_owned();
    let ephemeral = home.command(
        &env,
        &[
            "token",
            "ephemeral",
            "who-am-i",
            "--secret-env",
            "PORTAL_SECRET",
        ],
    );
    assert_ok(&ephemeral);
    let runs = [
        created,
        ephemeral,
        home.command(&env, &["list"]),
        home.command(&env, &["invoke", "audited"]),
        home.command(&env, &["invoke", "who-am-i"]),
        home.command(&env, &["token", "list"]),
        home.command(
            &env,
            &["invoke", "who-am-i", "--token-env", "BUILDKITE_API_TOKEN"],
        ),
    ];
    let store = std::fs::read_to_string(home.token_store()).unwrap();
    let short_token = store
        .split('"')
        .find(|s| s.starts_with("bkpat_"))
        .expect("the ephemeral token is stored")
        .to_owned();
    assert!(stderr(&runs[2]).contains("TRACE"), "the logs are really on");
    for output in &runs {
        let logs = stderr(output);
        for secret in [
            &api_token,
            &portal_token,
            &short_token,
            &"bkps_sandbox_who_am_i".to_owned(),
        ] {
            assert!(
                !logs.contains(secret.as_str()),
                "a token reached the logs:\n{logs}"
            );
        }
    }
    assert!(
        !stdout(&runs[5]).contains(&short_token),
        "token list never shows values"
    );
}

#[test]
fn commands_survive_a_faulty_buildkite() {
    let home = Home::new();
    let state = home.path().join("state.json");
    std::fs::write(
        home.path().join("q.graphql"),
        "query Me { viewer { user { name } } }",
    )
    .unwrap();

    // Two 503s: `list` retries and succeeds.
    let sandbox = SandboxProcess::start_with(&state, &["--faults", "503=2"]);
    let list = home.command(&sandbox.exports, &["list"]);
    assert_ok(&list);
    assert!(stdout(&list).contains("who-am-i"));
    drop(sandbox);

    // One 503 on a write: reported, not retried, nothing created twice.
    // (--no-validate: the schema fetch would take the 503 instead.)
    let sandbox = SandboxProcess::start_with(&state, &["--faults", "503=1"]);
    let create = home.command(
        &sandbox.exports,
        &[
            "create",
            "--name",
            "Once",
            "--query-file",
            "q.graphql",
            "--no-validate",
        ],
    );
    assert_eq!(create.status.code(), Some(1));
    let said = stderr(&create);
    // The sandbox failed, not Buildkite: it is named.
    let failed = format!(
        "error: {} had a server error (HTTP 503)",
        sandbox.server_name()
    );
    assert!(said.starts_with(&failed), "{said}");
    let list = home.command(&sandbox.exports, &["list", "--json"]);
    assert_ok(&list);
    assert!(
        !stdout(&list).contains("\"once\""),
        "the create was not repeated"
    );
    drop(sandbox);

    // A body that is not JSON: a clear message, never a panic.
    let sandbox = SandboxProcess::start_with(&state, &["--faults", "garbage=1"]);
    let show = home.command(&sandbox.exports, &["show", "who-am-i"]);
    assert_eq!(show.status.code(), Some(1));
    let said = stderr(&show);
    assert!(
        said.contains("not the JSON expected") && said.contains("502 Bad Gateway"),
        "{said}"
    );
    assert!(!said.contains("panicked"), "{said}");

    // A mistaken fault spec is explained.
    let bad = home.command(&[], &["sandbox", "--faults", "lag=3"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("unknown fault `lag`"),
        "{}",
        stderr(&bad)
    );
}
