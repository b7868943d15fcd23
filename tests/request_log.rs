//! `BKPORTALS_LOG=debug`: one line per request (method, URL, status,
//! duration) on stderr, and never a token.

mod common;

use std::process::{Command, Output, Stdio};

use common::{SandboxProcess, BIN};

const API_TOKEN: &str = "bkua_sandbox_demo_all_scopes";
const PORTAL_TOKEN: &str = "bkpt_sandbox_recent_builds";

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
        .env("BKPORTALS_LOG", "debug")
        .env("PORTAL_TOKEN", PORTAL_TOKEN)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .output()
        .expect("bkportals runs")
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

    let list = bkportals(home.path(), &sandbox.exports, &["list"]);
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
        &sandbox.exports,
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

    let missing = bkportals(home.path(), &sandbox.exports, &["show", "no-such-portal"]);
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
