//! The command line and the network: `bkportals` against a `bkportals
//! sandbox` child process on loopback, with faults, and with
//! `BKPORTALS_LOG=debug` (one line per request, never a token).

mod common;

use std::process::{Command, Output, Stdio};

use common::{SandboxProcess, BIN};

const API_TOKEN: &str = "bkua_sandbox_demo_all_scopes";
const PORTAL_TOKEN: &str = "bkpat_sandbox_recent_builds";

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
    // The sandbox is not Buildkite: the notice names its address.
    let address = format!("127.0.0.1:{}", sandbox.port());
    assert!(
        said.starts_with(&format!("rate-limited by {address}; continuing in 1 s\n"))
            && said.matches("rate-limited").count() == 1,
        "said once, before the list: {said}"
    );
    assert!(String::from_utf8_lossy(&list.stdout).contains("who-am-i"));
}

/// The request lines of a log: `METHOD URL -> STATUS in N ms`.
fn request_lines(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|line| {
            let at = line.find(" DEBUG ")? + " DEBUG ".len();
            let entry = line[at..].trim();
            let (_, timing) = entry.split_once(" -> ")?;
            let ms = timing.split_once(" in ")?.1.strip_suffix(" ms")?;
            ms.parse::<u64>().ok()?;
            Some(entry[..entry.rfind(" in ")?].to_owned())
        })
        .collect()
}

#[test]
fn every_request_is_logged_with_its_status_and_no_token() {
    let home = tempfile::tempdir().unwrap();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let base = format!("http://127.0.0.1:{}", sandbox.port());

    let mut env = sandbox.exports.clone();
    env.push(("BKPORTALS_LOG".into(), "debug".into()));
    env.push(("PORTAL_TOKEN".into(), PORTAL_TOKEN.into()));
    let list = bkportals(home.path(), &env, &["list"]);
    assert!(list.status.success(), "{list:?}");
    let said = String::from_utf8_lossy(&list.stderr).into_owned();
    assert_eq!(
        request_lines(&said),
        [format!(
            "GET {base}/v2/organizations/demo/portals?per_page=100 -> 200"
        )],
        "{said}"
    );

    let invoke = bkportals(
        home.path(),
        &env,
        &[
            "invoke",
            "recent-builds",
            "--operation",
            "GetBuilds",
            "--var",
            "pipelineSlug=demo/web-app",
            "--token-env",
            "PORTAL_TOKEN",
        ],
    );
    assert!(invoke.status.success(), "{invoke:?}");
    let said = String::from_utf8_lossy(&invoke.stderr).into_owned();
    assert_eq!(
        request_lines(&said),
        [
            // The document, to type the variables; then the run.
            format!("GET {base}/v2/organizations/demo/portals/recent-builds -> 200"),
            format!(
                "POST {base}/organizations/demo/portals/recent-builds?operation_name=GetBuilds -> 200"
            ),
        ],
        "{said}"
    );

    let missing = bkportals(home.path(), &env, &["show", "no-such-portal"]);
    let said = String::from_utf8_lossy(&missing.stderr).into_owned();
    assert_eq!(
        request_lines(&said),
        [format!(
            "GET {base}/v2/organizations/demo/portals/no-such-portal -> 404"
        )],
        "{said}"
    );

    for output in [&list, &invoke, &missing] {
        let everything = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!everything.contains(API_TOKEN), "{everything}");
        assert!(!everything.contains(PORTAL_TOKEN), "{everything}");
    }
}
