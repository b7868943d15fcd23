//! `invoke` as a new user meets it: variables checked against the portal's
//! document (`--var` and `--vars-file` alike), answers that are not GraphQL,
//! and what it says about a portal that does not exist. The real binary in a
//! private home, against `--demo`'s sandbox or a `bkportals sandbox` child
//! process, over loopback HTTP.

mod common;
mod home;

use home::{error_line, stderr, stdout, Home};

/// `bkportals --demo history SLUG --json`: the runs recorded for the portal.
fn recorded(home: &Home, slug: &str) -> Vec<serde_json::Value> {
    let listed = home.command(&[], &["--demo", "history", slug, "--json"]);
    home::assert_ok(&listed);
    serde_json::from_slice(&listed.stdout).expect("a JSON array")
}

#[test]
fn variables_the_document_does_not_declare_or_of_the_wrong_type_are_refused_from_flags_and_files() {
    let home = Home::new();
    // pipeline-overview holds PipelineOverview($first: Int = 10).
    let invoke = |extra: &[&str]| {
        let mut args = vec!["--demo", "invoke", "pipeline-overview"];
        args.extend_from_slice(extra);
        home.command(&[], &args)
    };
    let refused = |extra: &[&str]| {
        let output = invoke(extra);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{extra:?}: {}",
            stderr(&output)
        );
        assert!(
            !stderr(&output).contains("Using "),
            "{extra:?}: no token is announced when nothing is sent: {}",
            stderr(&output)
        );
        error_line(&output).expect("an error line")
    };

    assert_eq!(
        refused(&["--var", "nosuch=1"]),
        "--var $nosuch: operation PipelineOverview of portal `pipeline-overview` has no such variable; it declares $first (Int)"
    );
    let vars = home.path().join("vars.json");
    let vars_arg = vars.to_str().unwrap();
    std::fs::write(&vars, r#"{"nosuch": 1}"#).unwrap();
    assert_eq!(
        refused(&["--vars-file", vars_arg]),
        "--vars-file $nosuch: operation PipelineOverview of portal `pipeline-overview` has no such variable; it declares $first (Int)"
    );
    // The file is typed as --var is, with the same message.
    assert_eq!(
        refused(&["--var", "first=x"]),
        "--var $first: expects an Int (a whole number), got `x`"
    );
    std::fs::write(&vars, r#"{"first": "x"}"#).unwrap();
    assert_eq!(
        refused(&["--vars-file", vars_arg]),
        "--vars-file $first: expects an Int (a whole number), got `x`"
    );
    // Quoted as typed, not with added backslashes.
    assert_eq!(
        refused(&["--var", r#"{"first": 1}"#]),
        r#"--var `{"first": 1}` needs the form NAME=VALUE"#
    );
    // A --var wins over the file's value of the same name.
    let overridden = invoke(&["--vars-file", vars_arg, "--var", "first=2"]);
    home::assert_ok(&overridden);

    // A control character is refused, and never echoed back raw.
    let escape = invoke(&["--var", "first=\u{1b}[31mred"]);
    assert_eq!(escape.status.code(), Some(2), "{}", stderr(&escape));
    assert!(!stderr(&escape).contains('\u{1b}'), "{:?}", stderr(&escape));
    assert_eq!(
        error_line(&escape).as_deref(),
        Some("--var $first: holds the control character U+001B; remove it (terminals act on such characters)")
    );

    // A file that is not JSON is said to be so, with where and why.
    std::fs::write(&vars, "{bad").unwrap();
    assert_eq!(
        refused(&["--vars-file", vars_arg]),
        format!("{vars_arg}:1:2: does not parse as JSON: key must be a string")
    );
    // JSON that is not an object says what the file must hold.
    std::fs::write(&vars, "[1]").unwrap();
    assert_eq!(
        refused(&["--vars-file", vars_arg]),
        format!("{vars_arg} must hold a JSON object of variables, like {{\"branch\": \"main\"}}")
    );
    // Refused runs were not sent, so not recorded; a typed one is, typed.
    std::fs::write(&vars, r#"{"first": 3}"#).unwrap();
    let sent = invoke(&["--vars-file", vars_arg]);
    home::assert_ok(&sent);
    assert!(stdout(&sent).contains("\"pipelines\""), "{}", stdout(&sent));
    let runs = recorded(&home, "pipeline-overview");
    let variables: Vec<&serde_json::Value> = runs.iter().map(|r| &r["variables"]).collect();
    assert_eq!(
        variables,
        [
            &serde_json::json!({ "first": 2 }),
            &serde_json::json!({ "first": 3 })
        ]
    );
}

#[test]
fn an_answer_that_is_not_json_is_printed_made_safe_and_fails() {
    let home = Home::new();
    let sandbox = common::SandboxProcess::start_with(
        &home.path().join("state.json"),
        &["--faults", "garbage=1"],
    );
    let mut env = sandbox.exports.clone();
    env.push(("PORTAL_TOKEN".into(), "bkpat_sandbox_who_am_i".into()));
    let args = ["invoke", "who-am-i", "--token-env", "PORTAL_TOKEN"];

    let output = home.command(&env, &args);
    let said = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(
        stdout(&output).contains("502 Bad Gateway"),
        "{}",
        stdout(&output)
    );
    assert_eq!(
        error_line(&output).as_deref(),
        Some("the answer is not JSON (text/plain; charset=utf-8): the portal, or a proxy in front of it, sent something else (printed as it came, made safe)"),
        "{said}"
    );
    // The portal's document could not be read either (the same fault): a
    // plain warning line, not a log line with a timestamp and a level.
    assert!(
        said.lines().any(|l| l.starts_with(
            "warning: variables are sent as text and not checked: could not fetch the portal's document"
        )),
        "{said}"
    );
    assert!(!said.contains(" WARN "), "{said}");

    // For scripts: the body as a JSON string, and the same failure.
    let mut json_args = vec!["--json"];
    json_args.extend(args);
    let output = home.command(&env, &json_args);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(printed["status"], 200);
    assert!(
        printed["body"]
            .as_str()
            .is_some_and(|body| body.contains("502 Bad Gateway")),
        "{printed}"
    );
}

#[test]
fn an_int_past_32_bits_is_said_to_be_out_of_range() {
    let home = Home::new();
    let output = home.command(
        &[],
        &[
            "--demo",
            "invoke",
            "pipeline-overview",
            "--var",
            "first=99999999999",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(
        error_line(&output).as_deref(),
        Some("--var $first: `99999999999` is out of the 32-bit Int range (−2,147,483,648 to 2,147,483,647)")
    );
}

#[test]
fn a_missing_token_is_a_failure_with_advice_that_fits_the_portal() {
    let home = Home::new();
    let sandbox = common::SandboxProcess::start(&home.path().join("state.json"));

    // Not user-invokable: no `token login`, which would be refused.
    let admin_only = home.command(&sandbox.exports, &["invoke", "pipeline-overview"]);
    assert_eq!(admin_only.status.code(), Some(1), "{}", stderr(&admin_only));
    assert_eq!(
        error_line(&admin_only).as_deref(),
        Some(
            "no token stored for portal `pipeline-overview`: get one with \
             `bkportals token ephemeral pipeline-overview --secret-env NAME` with a portal secret in the environment variable NAME; \
             or `bkportals token add pipeline-overview` to store its long-lived token, or pass it with `--token-env NAME`"
        )
    );

    // User-invokable: signing in with your own permissions comes first.
    let user = home.command(&sandbox.exports, &["invoke", "who-am-i"]);
    assert_eq!(user.status.code(), Some(1), "{}", stderr(&user));
    let said = error_line(&user).unwrap_or_default();
    assert!(
        said.starts_with(
            "no token stored for portal `who-am-i`: get one with `bkportals token login who-am-i` (your own permissions); or `bkportals token ephemeral who-am-i --secret-env NAME`"
        ),
        "{said}"
    );
}

#[test]
fn a_stale_ephemeral_token_is_refused_with_the_whole_command_that_gets_another() {
    let home = Home::new();
    let state = home.path().join("state.json");
    let sandbox = common::SandboxProcess::start(&state);
    let got = home
        .command_line(
            &sandbox.exports,
            &[
                "token",
                "ephemeral",
                "trigger-main-build",
                "--secret-env",
                "SECRET",
            ],
        )
        .env("SECRET", "bkps_sandbox_trigger_main_build")
        .output()
        .unwrap();
    home::assert_ok(&got);
    let port = sandbox.port();
    drop(sandbox);

    // A sandbox restarted where it was (tokens belong to their server) has
    // forgotten the tokens it granted.
    let sandbox = common::SandboxProcess::start_on(port, &state, &[]);
    let refused = home.command(&sandbox.exports, &["invoke", "trigger-main-build"]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    let said = error_line(&refused).unwrap_or_default();
    assert!(
        said.starts_with("the stored short-lived token was refused ("),
        "{said}"
    );
    assert!(
        said.contains(
            "get one with `bkportals token ephemeral trigger-main-build --secret-env NAME` with a portal secret in the environment variable NAME"
        ),
        "{said}"
    );
    assert!(!said.contains("token login"), "not user-invokable: {said}");
}
