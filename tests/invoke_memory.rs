//! `invoke` prints a portal's answer as it arrives: a 10 MB answer costs
//! the process at most twice its size in memory, with and without --json.
//! The peak is the child's own (`wait4`), compared with the same command
//! given a tiny answer, so the binary's own size does not count.

#![cfg(target_os = "linux")]

use std::process::{Command, Stdio};

use axum::routing::post;
use axum::Router;

const BIN: &str = env!("CARGO_BIN_EXE_bkportals");
const ROWS: usize = 200_000;

/// Row `n` of the answer, as a list of builds would be.
fn row(n: usize) -> String {
    let comma = if n + 1 < ROWS { "," } else { "" };
    format!("{{\"number\":{n},\"state\":\"PASSED\",\"branch\":\"main\"}}{comma}")
}

/// How long the answer is: about 10 MB.
fn answer_len() -> usize {
    let frame = "{\"data\":{\"rows\":[]}}".len();
    frame + (0..ROWS).map(|n| row(n).len()).sum::<usize>()
}

/// The answer, made as it is sent, so this process never holds it: the
/// child's peak memory starts from this process's (it was forked from it).
fn big_answer() -> axum::body::Body {
    use futures_util::StreamExt;
    let head = futures_util::stream::once(async { "{\"data\":{\"rows\":[".to_owned() });
    let rows = futures_util::stream::iter((0..ROWS).step_by(1000)).map(|start| {
        (start..(start + 1000).min(ROWS))
            .map(row)
            .collect::<String>()
    });
    let tail = futures_util::stream::once(async { "]}}".to_owned() });
    let chunks = head.chain(rows).chain(tail).map(Ok::<_, std::io::Error>);
    axum::body::Body::from_stream(chunks)
}

/// A portal host on loopback answering `big` and `tiny`.
fn serve() -> (u16, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let json = [("content-type", "application/json")];
    let router = Router::new()
        .route(
            "/organizations/acme/portals/big",
            post(move || async move { (json, big_answer()) }),
        )
        .route(
            "/organizations/acme/portals/tiny",
            post(move || async move { (json, "{\"data\":{\"rows\":[]}}") }),
        );
    runtime.spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (port, runtime)
}

/// One run of `bkportals invoke SLUG [--json]`: where its stdout went, and
/// its peak resident KB.
struct Run {
    home: tempfile::TempDir,
    peak_kb: i64,
}

// The child is reaped by wait4 below, which also reports its peak memory.
#[allow(clippy::zombie_processes)]
fn invoke(port: u16, slug: &str, json: bool) -> Run {
    let home = tempfile::tempdir().unwrap();
    let stdout_path = home.path().join("stdout");
    let stderr_path = home.path().join("stderr");
    let mut command = Command::new(BIN);
    if json {
        command.arg("--json");
    }
    let child = command
        .args(["invoke", slug, "--token-env", "PORTAL_TOKEN"])
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("BKPORTALS_TOKEN_STORE", "file")
        .env(
            "BUILDKITE_PORTAL_ENDPOINT",
            format!("http://127.0.0.1:{port}/"),
        )
        .env(
            "BUILDKITE_REST_API_ENDPOINT",
            format!("http://127.0.0.1:{port}/"),
        )
        .env("BUILDKITE_ORGANIZATION_SLUG", "acme")
        // No API token: the fake serves no REST API, so invoke sends the
        // document's request unchecked (it says so) and only the answer
        // is measured.
        .env("PORTAL_TOKEN", "bkpt_test")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value; wait4 fills it for our child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: waits for our own child, which nothing else waits for.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "waited for the child");
    let exited_ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    assert!(
        exited_ok,
        "invoke {slug} failed: {}",
        std::fs::read_to_string(&stderr_path).unwrap_or_default()
    );
    Run {
        home,
        peak_kb: usage.ru_maxrss,
    }
}

/// This process's own peak resident memory, in KB.
fn own_peak_kb() -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_ten_megabyte_answer_costs_at_most_twice_its_size() {
    let (port, _server) = serve();
    let body_kb = (answer_len() / 1024) as i64;
    // Measure everything first: reading the outputs would grow this process.
    let runs: Vec<(bool, Run, Run)> = [false, true]
        .into_iter()
        .map(|json| (json, invoke(port, "tiny", json), invoke(port, "big", json)))
        .collect();
    // A child's peak starts from this process's memory at the fork: it
    // must stay below the child's own, or the figures would measure nothing.
    let parent_kb = own_peak_kb();
    for (json, tiny, big) in &runs {
        assert!(
            parent_kb < tiny.peak_kb,
            "this test process ({parent_kb} KB) is larger than the command it measures ({} KB)",
            tiny.peak_kb
        );
        let grown_kb = big.peak_kb - tiny.peak_kb;
        eprintln!(
            "--json {json}: {body_kb} KB answer, {grown_kb} KB over a tiny one ({} KB peak)",
            big.peak_kb
        );
        assert!(
            grown_kb <= 2 * body_kb,
            "--json {json}: the {body_kb} KB answer took {grown_kb} KB more than a tiny one"
        );
    }
    for (json, _, big) in &runs {
        let printed = std::fs::read(big.home.path().join("stdout")).unwrap();
        serde_json::from_slice::<serde::de::IgnoredAny>(&printed)
            .unwrap_or_else(|e| panic!("--json {json}: not one JSON value: {e}"));
        let rows = printed.windows(9).filter(|w| w == b"\"number\":").count();
        assert_eq!(rows, ROWS, "--json {json}: every row printed");
        let body_at = if *json {
            "{\"status\":200,"
        } else {
            "{\n  \"data\": {"
        };
        assert!(printed.starts_with(body_at.as_bytes()), "--json {json}");
    }
}
