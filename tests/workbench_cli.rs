//! The workbench commands end to end: `auth`, `token add`, `completions`,
//! `invoke --print-curl`, `history` and `audit`, the real binary in a private
//! home against a `bkportals sandbox` child process over loopback HTTP.

mod common;
mod home;

use common::{SandboxProcess, NO_PORTAL_SCOPES_TOKEN, READ_ONLY_TOKEN};
use home::{assert_ok, stderr, stdout, Home};

const API_TOKEN: &str = "bkua_sandbox_demo_all_scopes";

fn without_token(sandbox: &SandboxProcess) -> Vec<(String, String)> {
    sandbox.exports_without_api_token()
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
    // The sandbox refused it, and its tokens are not made on buildkite.com.
    let said = stderr(&wrong);
    assert!(said.contains("127.0.0.1:"), "{said}");
    assert!(said.contains("refused this API token"), "{said}");
    assert!(
        said.contains("a `bkportals sandbox` prints its token"),
        "{said}"
    );
    assert!(
        !said.contains("buildkite.com/user/api-access-tokens"),
        "{said}"
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
        "bkpat_sandbox_trigger_main_build\n",
    );
    assert_ok(&added);
    let said: serde_json::Value = serde_json::from_slice(&added.stdout).unwrap();
    assert_eq!(said["verified"], true);
    assert!(!stdout(&added).contains("bkpat_sandbox_trigger_main_build"));
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

/// What the bash script offers for `words` (the last one being completed).
fn bash_complete(
    home: &Home,
    env: &[(String, String)],
    script: &str,
    words: &[&str],
) -> Vec<String> {
    let bin_dir = std::path::Path::new(common::BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    // As bash calls a completion function: the command, the word, the one before.
    let program = format!(
        "source ./bkportals.bash\nCOMP_WORDS=({})\nCOMP_CWORD={}\n_bkportals_with_slugs bkportals \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\nfor w in \"${{COMPREPLY[@]}}\"; do printf '%s\\n' \"$w\"; done\n",
        quoted.join(" "),
        words.len() - 1
    );
    std::fs::write(home.path().join("bkportals.bash"), script).unwrap();
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(program)
        .env_clear()
        .env("PATH", path)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("BKPORTALS_TOKEN_STORE", "file")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .current_dir(home.path())
        .output()
        .expect("bash runs");
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output).lines().map(str::to_owned).collect()
}

#[test]
fn completions_come_from_the_command_definitions_and_slugs_from_the_last_list() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let env = &sandbox.exports;
    let bash = home.command(env, &["completions", "bash"]);
    assert_ok(&bash);
    let script = stdout(&bash);

    // Subcommands and flags are clap's.
    let commands = bash_complete(&home, env, &script, &["bkportals", "aut"]);
    assert_eq!(commands, ["auth"]);
    let flags = bash_complete(&home, env, &script, &["bkportals", "invoke", "--op"]);
    assert_eq!(flags, ["--operation"]);

    // No slugs are known before a list.
    let unknown = bash_complete(&home, env, &script, &["bkportals", "show", "re"]);
    assert!(unknown.is_empty(), "{unknown:?}");
    assert_ok(&home.command(env, &["list"]));
    let cache =
        std::fs::read_to_string(home.path().join("cache/bkportals/portal-slugs.json")).unwrap();
    assert!(
        !cache.contains("bkpt_") && !cache.contains("bkua_"),
        "slugs only: {cache}"
    );
    assert_eq!(
        bash_complete(&home, env, &script, &["bkportals", "show", "re"]),
        ["recent-builds"]
    );
    assert_eq!(
        bash_complete(
            &home,
            env,
            &script,
            &["bkportals", "--org", "x", "token", "add", "trig"]
        ),
        ["trigger-main-build"]
    );
    let all = bash_complete(&home, env, &script, &["bkportals", "invoke", ""]);
    assert_eq!(all.len(), 4, "{all:?}");
    // A slug goes only where a slug is asked for.
    assert!(!bash_complete(
        &home,
        env,
        &script,
        &["bkportals", "show", "recent-builds", ""]
    )
    .contains(&"who-am-i".to_owned()));

    // zsh and fish call the same slug list at the same places.
    let zsh = stdout(&home.command(env, &["completions", "zsh"]));
    // show, update, delete, invoke and four token commands at least.
    assert!(
        zsh.matches("':slug:_bkportals_slugs'").count() >= 8,
        "{zsh}"
    );
    assert!(!zsh.contains("':slug:_default'"));
    let fish = stdout(&home.command(env, &["completions", "fish"]));
    assert!(
        fish.contains("-a \"(bkportals completions --slugs 2>/dev/null)\""),
        "{fish}"
    );

    let bad = home.command(env, &["completions", "powershell"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn check_reports_requested_complexity_warns_near_the_limit_and_fails_over_it() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let env = &sandbox.exports;
    let page = |first: u32| {
        format!("query P{first} {{ organization(slug: \"demo\") {{ pipelines(first: {first}) {{ edges {{ node {{ slug }} }} }} }} }}\n")
    };
    std::fs::write(home.path().join("docs.graphql"), page(500)).unwrap();
    std::fs::write(home.path().join("near.graphql"), page(45_000)).unwrap();
    std::fs::write(
        home.path().join("over.graphql"),
        "query Over { organization(slug: \"demo\") { pipelines(first: 500) { edges { node {\n  builds(first: 500) { edges { node { number } } } } } } } }\n",
    )
    .unwrap();

    // Against the organization's schema, fetched from the sandbox.
    let docs = home.command(env, &["check", "docs.graphql"]);
    assert_ok(&docs);
    assert!(
        stderr(&docs).contains("docs.graphql: query `P500` requests 503 complexity points"),
        "{}",
        stderr(&docs)
    );

    let near = home.command(env, &["check", "near.graphql"]);
    assert_ok(&near);
    assert_eq!(
        stdout(&near),
        "near.graphql:1:1: warning: query `P45000` requests 45,003 complexity points; near Buildkite's limit of 50,000 (ask for fewer items with first/last)\n"
    );

    let over = home.command(env, &["check", "--json", "docs.graphql", "over.graphql"]);
    assert_eq!(over.status.code(), Some(1), "{}", stderr(&over));
    let items: serde_json::Value = serde_json::from_slice(&over.stdout).unwrap();
    assert_eq!(items.as_array().map(Vec::len), Some(1), "{items}");
    assert_eq!(items[0]["file"], "over.graphql");
    assert_eq!(items[0]["severity"], "error");
    assert_eq!(items[0]["operation"], "Over");
    // The figure in the docs' own error message for this shape of query.
    assert_eq!(items[0]["complexity"], 251_503);
}

#[test]
fn print_curl_gives_the_exact_request_without_the_token_and_it_runs() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let env = &sandbox.exports;
    assert_ok(&home.command_with_stdin(
        env,
        &["token", "add", "recent-builds"],
        "bkpat_sandbox_recent_builds",
    ));
    let printed = home.command(
        env,
        &[
            "invoke",
            "recent-builds",
            "--operation",
            "GetBuilds",
            "--var",
            "pipelineSlug=demo/web-app",
            "--var",
            "branch=[\"main\"]",
            "--print-curl",
        ],
    );
    assert_ok(&printed);
    let command = stdout(&printed);
    assert!(!command.contains("bkpt_"), "never the token: {command}");
    assert!(
        command.contains("/organizations/demo/portals/recent-builds?operation_name=GetBuilds'"),
        "{command}"
    );
    assert!(
        command.contains("-H \"Authorization: Bearer $TOKEN\""),
        "{command}"
    );
    // Typed from the document's definitions, as invoke sends them.
    assert!(
        command.contains(r#"--data-raw '{"pipelineSlug":"demo/web-app","branch":["main"]}'"#),
        "{command}"
    );

    // The printed command is the request: curl gets the portal's answer.
    let ran = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "curl -sS {}",
            command.trim().trim_start_matches("curl ")
        ))
        .env("TOKEN", "bkpat_sandbox_recent_builds")
        .output()
        .expect("sh runs");
    assert!(ran.status.success(), "{}", stderr(&ran));
    let answer: serde_json::Value = serde_json::from_slice(&ran.stdout).expect("JSON");
    assert!(answer["data"]["pipeline"]["name"].is_string(), "{answer}");
    assert!(answer.get("errors").is_none(), "{answer}");
}

/// Every file under `dir`, read as text.
fn all_text_under(dir: &std::path::Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            text.push_str(&all_text_under(&path));
        } else {
            text.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
    text
}

#[test]
fn history_records_each_run_with_its_token_kind_never_the_token() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let mut env = sandbox.exports.clone();
    env.push(("WHO_TOKEN".into(), "bkpat_sandbox_who_am_i".into()));
    env.push(("WRONG_TOKEN".into(), "bkpt_wrong".into()));

    let empty = home.command(&env, &["history", "who-am-i"]);
    assert_ok(&empty);
    assert!(
        stderr(&empty).contains("No runs of `who-am-i`"),
        "{}",
        stderr(&empty)
    );

    assert_ok(&home.command(&env, &["invoke", "who-am-i", "--token-env", "WHO_TOKEN"]));
    assert_ok(&home.command_with_stdin(
        &env,
        &["token", "add", "who-am-i"],
        "bkpat_sandbox_who_am_i",
    ));
    // A variable WhoAmI does not declare is refused, and not recorded.
    let undeclared = home.command(&env, &["invoke", "who-am-i", "--var", "unused=1"]);
    assert_eq!(undeclared.status.code(), Some(2), "{}", stderr(&undeclared));
    assert_ok(&home.command(&env, &["invoke", "who-am-i"]));
    let refused = home.command(&env, &["invoke", "who-am-i", "--token-env", "WRONG_TOKEN"]);
    assert_eq!(refused.status.code(), Some(1));

    // Each command was its own process: the history is on disk.
    let listed = home.command(&env, &["history", "who-am-i", "--json"]);
    assert_ok(&listed);
    let entries: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 3, "{entries:?}");
    let tokens: Vec<_> = entries
        .iter()
        .map(|e| e["token"].as_str().unwrap())
        .collect();
    assert_eq!(tokens, ["environment", "admin", "environment"]);
    assert_eq!(entries[0]["status"], 200);
    assert!(
        entries[0]["answer"]
            .as_str()
            .unwrap()
            .contains("\"viewer\""),
        "{}",
        entries[0]
    );
    assert_eq!(entries[1]["variables"], serde_json::json!({}));
    assert_eq!(entries[2]["status"], serde_json::Value::Null);
    assert!(
        entries[2]["error"]
            .as_str()
            .unwrap()
            .contains("not authorized"),
        "{}",
        entries[2]
    );

    let history_dir = home.path().join("data/bkportals/history");
    let recorded = all_text_under(&history_dir);
    assert!(!recorded.is_empty());
    assert!(!recorded.contains("bkpt_"), "no token value in the history");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&history_dir)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "private: {mode:o}");
    }

    let table = home.command(&env, &["history", "who-am-i"]);
    assert_ok(&table);
    let lines: Vec<String> = stdout(&table).lines().map(str::to_owned).collect();
    assert!(lines[0].starts_with("TIME"), "{lines:?}");
    assert!(
        lines[2].contains("admin") && lines[2].contains("200"),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("not authorized")),
        "{lines:?}"
    );
}

#[test]
fn audit_lists_every_portal_and_fails_when_a_document_is_broken() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let env = &sandbox.exports;

    // The seeded mutations are open to any address: a warning, not a failure.
    let first = home.command(env, &["audit", "--json"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let audits: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    let by_slug = |slug: &str| {
        audits
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["slug"] == slug)
            .cloned()
            .unwrap_or_else(|| panic!("{slug} audited: {audits}"))
    };
    let trigger = by_slug("trigger-main-build");
    assert_eq!(trigger["mutation"], true);
    assert_eq!(trigger["ip_restricted"], false);
    assert_eq!(trigger["validates"], true);
    assert_eq!(trigger["operations"][0]["name"], "triggerBuild");
    assert_eq!(trigger["created_by"], "Riley Admin");
    assert_eq!(
        trigger["findings"][0]["policy"],
        "mutation-from-any-address"
    );
    assert_eq!(trigger["findings"][0]["severity"], "warns");
    let overview = by_slug("pipeline-overview");
    assert_eq!(overview["ip_restricted"], true);
    assert_eq!(overview["findings"], serde_json::json!([]));
    assert_eq!(by_slug("who-am-i")["findings"][0]["severity"], "review");

    let table = stdout(&home.command(env, &["audit"]));
    assert!(
        table.contains("! trigger-main-build: runs a mutation from any address"),
        "{table}"
    );
    // A CI job that wants no open mutation at all asks for warnings to fail.
    let strict = home.command(env, &["audit", "--strict"]);
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
    assert!(
        stderr(&strict).contains("2 of 4 portals fail or warn a policy"),
        "{}",
        stderr(&strict)
    );

    // Restricting the mutations' addresses leaves only findings to review.
    for slug in ["trigger-main-build", "recent-builds"] {
        assert_ok(&home.command(env, &["update", slug, "--allowed-ips", "192.0.2.0/24"]));
    }
    let passing = home.command(env, &["audit", "--strict"]);
    assert_ok(&passing);
    let table = stdout(&passing);
    assert!(table.starts_with("SLUG"), "{table}");
    assert!(!table.contains("mutation-from-any-address"), "{table}");
    assert!(
        table.contains("? who-am-i: anyone in the organization"),
        "{table}"
    );
    assert!(
        !table.contains("! who-am-i"),
        "not marked as a warning: {table}"
    );
    assert!(!table.contains('✗'), "{table}");

    // A document that no longer validates fails again.
    std::fs::write(
        home.path().join("bad.graphql"),
        "query Bad { viewer { nmae } }",
    )
    .unwrap();
    assert_ok(&home.command(
        env,
        &[
            "create",
            "--name",
            "Broken",
            "--query-file",
            "bad.graphql",
            "--no-validate",
        ],
    ));
    let broken = home.command(env, &["audit"]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        stdout(&broken).contains("✗ broken: its document does not validate: 1:22:"),
        "{}",
        stdout(&broken)
    );
    assert!(
        stderr(&broken).contains("1 of 5 portals fail a policy"),
        "{}",
        stderr(&broken)
    );
}

#[test]
fn invoke_checks_the_operation_and_required_variables_before_sending_anything() {
    let home = Home::new();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let mut env = sandbox.exports.clone();
    env.push(("PORTAL_TOKEN".into(), "bkpat_sandbox_recent_builds".into()));
    // One line per request on stderr: what was sent shows there.
    env.push(("BKPORTALS_LOG".into(), "debug".into()));
    let invoke = |extra: &[&str]| {
        let mut args = vec!["invoke", "recent-builds", "--token-env", "PORTAL_TOKEN"];
        args.extend_from_slice(extra);
        let output = home.command(&env, &args);
        let said = stderr(&output);
        let error = said
            .lines()
            .find_map(|line| line.strip_prefix("error: "))
            .map(str::to_owned);
        (output.status.code(), error, said.contains("POST "))
    };
    let refused = |extra: &[&str]| {
        let (code, error, sent) = invoke(extra);
        assert_eq!(code, Some(2), "{extra:?}: a usage error, {error:?}");
        assert!(!sent, "{extra:?}: nothing was sent");
        error.expect("an error line")
    };

    // recent-builds holds GetBuilds($pipelineSlug: ID!, $branch: [String!])
    // and triggerBuild($pipelineID: ID!, $branch: String = "main").
    for print_curl in [false, true] {
        let flag: &[&str] = if print_curl { &["--print-curl"] } else { &[] };
        let with = |args: &[&'static str]| [args, flag].concat();
        assert_eq!(
            refused(&with(&[])),
            "portal `recent-builds`'s document has 2 operations (GetBuilds, triggerBuild): pass --operation NAME to pick one"
        );
        assert_eq!(
            refused(&with(&["--operation", "GetBuild"])),
            "portal `recent-builds` has no operation `GetBuild`; its document has: GetBuilds, triggerBuild"
        );
        assert_eq!(
            refused(&with(&["--operation", "GetBuilds", "--var", "branch=[\"main\"]"])),
            "operation GetBuilds of portal `recent-builds` needs a required variable not given: $pipelineSlug (ID!): pass --var pipelineSlug=VALUE (or put it in --vars-file)"
        );
    }
    // A default makes $branch optional; $pipelineID has none.
    assert_eq!(
        refused(&["--operation", "triggerBuild"]),
        "operation triggerBuild of portal `recent-builds` needs a required variable not given: $pipelineID (ID!): pass --var pipelineID=VALUE (or put it in --vars-file)"
    );
    // A variables file gives it as well as --var does; null does not count.
    let vars = home.path().join("vars.json");
    std::fs::write(&vars, r#"{"pipelineSlug": null}"#).unwrap();
    let vars = vars.to_str().unwrap();
    refused(&["--operation", "GetBuilds", "--vars-file", vars]);
    std::fs::write(vars, r#"{"pipelineSlug": "demo/web-app"}"#).unwrap();
    let (code, error, sent) = invoke(&["--operation", "GetBuilds", "--vars-file", vars]);
    assert_eq!((code, error, sent), (Some(0), None, true));
}
