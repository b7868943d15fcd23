//! What the command line says when a new user gets something wrong: a slug
//! that names no portal, the app started with no terminal, flags `--demo`
//! does not use. The real binary in a private home, against `--demo`'s
//! sandbox over loopback HTTP.

mod common;
mod home;

use home::{assert_ok, error_line, stderr, stdout, Home};

#[test]
fn a_slug_that_names_no_portal_is_said_to_be_one() {
    let home = Home::new();

    let invoked = home.command(&[], &["--demo", "invoke", "no-such-portal"]);
    assert_eq!(invoked.status.code(), Some(1), "{}", stderr(&invoked));
    assert_eq!(
        error_line(&invoked).as_deref(),
        Some("organization `demo` has no portal `no-such-portal`: `bkportals list` shows its portals")
    );
    assert!(!stderr(&invoked).contains("token"), "{}", stderr(&invoked));

    let history = home.command(&[], &["--demo", "history", "no-such"]);
    assert_eq!(history.status.code(), Some(1), "{}", stderr(&history));
    assert_eq!(
        error_line(&history).as_deref(),
        Some("organization `demo` has no portal `no-such`, and no run of one is recorded: `bkportals list` shows its portals")
    );
    // A portal that exists and never ran: nothing wrong, nothing recorded.
    let never_run = home.command(&[], &["--demo", "history", "who-am-i"]);
    assert_ok(&never_run);
    assert!(
        stderr(&never_run).contains("No runs of `who-am-i` are recorded yet"),
        "{}",
        stderr(&never_run)
    );
    // With no API token Buildkite cannot be asked: only no run is said.
    let unknown = home.command(
        &[("BUILDKITE_ORGANIZATION_SLUG".into(), "demo".into())],
        &["history", "no-such"],
    );
    assert_ok(&unknown);
    assert!(
        stderr(&unknown).contains("No runs of `no-such` are recorded yet"),
        "{}",
        stderr(&unknown)
    );
}

#[cfg(unix)]
#[test]
fn the_app_without_a_terminal_says_so_and_points_at_the_commands() {
    use std::os::unix::process::CommandExt;
    let home = Home::new();
    let mut command = home.command_line(&[], &["--demo"]);
    // A session of its own: no controlling terminal, as under cron or CI.
    // SAFETY: setsid is async-signal-safe and touches no memory of ours.
    unsafe {
        command.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let output = command.output().expect("bkportals runs");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let error = error_line(&output).expect("an error line");
    assert!(error.starts_with("the app needs a terminal"), "{error}");
    assert!(error.contains("`bkportals --help`"), "{error}");
    assert!(!error.contains("os error"), "{error}");
}

#[test]
fn demo_says_it_ignores_org() {
    let home = Home::new();
    let listed = home.command(&[], &["--demo", "--org", "no such", "list"]);
    assert_ok(&listed);
    assert!(
        stderr(&listed)
            .lines()
            .any(|l| l == "warning: --demo uses the sandbox's organization `demo`; --org `no such` is ignored"),
        "{}",
        stderr(&listed)
    );
    // The sandbox's own organization named: nothing to say.
    let same = home.command(&[], &["--demo", "--org", "demo", "list"]);
    assert_ok(&same);
    assert!(!stderr(&same).contains("warning"), "{}", stderr(&same));
}

/// The demo's history, and a run of who-am-i to record in it.
fn a_run_of_who_am_i(
    home: &Home,
    answer: &str,
    answer_bytes: u64,
    cancelled: bool,
) -> (
    bkportals::history::History,
    bkportals::history::HistoryEntry,
) {
    let history = bkportals::history::History::new(&home.path().join("data/bkportals/sandbox"));
    let entry = bkportals::history::HistoryEntry {
        at: "2026-12-01T10:00:00Z".into(),
        operation: None,
        variables: serde_json::json!({}),
        token: "admin".into(),
        status: Some(200),
        error: None,
        duration_ms: 40,
        answer: answer.into(),
        answer_bytes,
        cancelled,
    };
    (history, entry)
}

#[test]
fn a_run_cancelled_in_the_app_is_listed_as_cancelled() {
    let home = Home::new();
    let (history, entry) = a_run_of_who_am_i(&home, "{\"data\":", 1234, true);
    history.record("demo", "who-am-i", &entry).unwrap();
    let listed = home.command(&[], &["--demo", "history", "who-am-i"]);
    assert_ok(&listed);
    assert!(
        stdout(&listed).contains("\n    cancelled in the app after 1234 bytes of the answer"),
        "{}",
        stdout(&listed)
    );
    let json = home.command(&[], &["--demo", "history", "who-am-i", "--json"]);
    assert!(
        stdout(&json).contains("\"cancelled\": true"),
        "{}",
        stdout(&json)
    );
}

#[test]
fn history_counts_one_run_and_several_runs_in_good_english() {
    let home = Home::new();
    let (history, entry) = a_run_of_who_am_i(&home, "{}", 2, false);
    history.record("demo", "who-am-i", &entry).unwrap();
    let one = home.command(&[], &["--demo", "history", "who-am-i"]);
    assert_ok(&one);
    assert!(
        stderr(&one).contains("1 run of `who-am-i` ·"),
        "{}",
        stderr(&one)
    );
    history.record("demo", "who-am-i", &entry).unwrap();
    let two = home.command(&[], &["--demo", "history", "who-am-i"]);
    assert!(
        stderr(&two).contains("2 runs of `who-am-i` ·"),
        "{}",
        stderr(&two)
    );
}

#[test]
fn allowed_ips_that_are_not_cidr_blocks_are_refused_before_anything_is_sent() {
    let home = Home::new();
    let query = &home.query_file("query Q { viewer { user { name } } }");
    let how = "; give space-separated blocks, each an address, `/` and a prefix length of at most 32 for IPv4 or 128 for IPv6 (a bare address is one address)";

    let created = home.command(
        &[],
        &[
            "--demo",
            "create",
            "--name",
            "X y",
            "--query-file",
            query,
            "--allowed-ips",
            "10.0.0.0/33",
        ],
    );
    assert_eq!(created.status.code(), Some(2), "{}", stderr(&created));
    assert_eq!(
        error_line(&created),
        Some(format!(
            "--allowed-ips: `10.0.0.0/33` is not a CIDR block like 192.0.2.0/24{how}"
        ))
    );
    // Nothing was sent: no slug hint, no answer of the server's.
    assert!(!stderr(&created).contains("slug"), "{}", stderr(&created));
    assert!(
        !stderr(&created).contains("rejected"),
        "{}",
        stderr(&created)
    );

    let updated = home.command(
        &[],
        &[
            "--demo",
            "update",
            "who-am-i",
            "--allowed-ips",
            "192.0.2.0/24 nope 10.1/8",
        ],
    );
    assert_eq!(updated.status.code(), Some(2), "{}", stderr(&updated));
    assert_eq!(
        error_line(&updated),
        Some(format!("--allowed-ips: not CIDR blocks: nope, 10.1/8{how}"))
    );

    // Good blocks and bare addresses still go through.
    let fine = home.command(
        &[],
        &[
            "--demo",
            "update",
            "who-am-i",
            "--allowed-ips",
            "192.0.2.0/24 2001:db8::/32 10.1.2.3",
        ],
    );
    assert_ok(&fine);
}

#[test]
fn a_slug_buildkite_would_refuse_is_refused_before_anything_is_sent() {
    let home = Home::new();
    let query = &home.query_file("query Q { viewer { user { name } } }");
    let created = home.command(
        &[],
        &[
            "--demo",
            "create",
            "--name",
            "X y",
            "--slug",
            "Bad Slug!",
            "--query-file",
            query,
        ],
    );
    assert_eq!(created.status.code(), Some(2), "{}", stderr(&created));
    assert_eq!(
        error_line(&created),
        Some(
            "--slug: `B` is not allowed in a slug: use lowercase letters, digits and dashes (e.g. `bad-slug`)"
                .into()
        )
    );
    assert!(
        !stderr(&created).contains("rejected"),
        "{}",
        stderr(&created)
    );
    let updated = home.command(&[], &["--demo", "update", "who-am-i", "--new-slug", "web-"]);
    assert_eq!(updated.status.code(), Some(2), "{}", stderr(&updated));
    assert_eq!(
        error_line(&updated),
        Some("--new-slug: a slug cannot start or end with a dash".into())
    );
}

#[test]
fn a_server_that_is_not_there_is_named_by_host_and_port_with_one_short_cause() {
    let home = Home::new();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener); // nothing listens there now
    let endpoint = format!("http://{addr}/");
    let env = |log: &str| -> Vec<(String, String)> {
        [
            ("BUILDKITE_REST_API_ENDPOINT", endpoint.as_str()),
            ("BUILDKITE_ORGANIZATION_SLUG", "demo"),
            ("BUILDKITE_API_TOKEN", "bkua_any"),
            ("BKPORTALS_LOG", log),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    let list = home.command(&env("off"), &["list"]);
    assert_eq!(list.status.code(), Some(1), "{}", stderr(&list));
    let line = error_line(&list).expect("an error line");
    assert_eq!(line, format!("could not reach {addr}: connection refused"));
    assert!(
        stderr(&list).lines().all(|row| row.chars().count() <= 80),
        "one short line: {}",
        stderr(&list)
    );
    // The whole chain is in the debug log, for whoever needs it.
    let logged = home.command(&env("debug"), &["list"]);
    assert!(
        stderr(&logged).contains("tcp connect error"),
        "{}",
        stderr(&logged)
    );
}

#[test]
fn demo_calls_its_sandbox_the_demo_sandbox_and_files_its_tokens_for_it() {
    let home = Home::new();
    // The seeded portal tokens are filed for the sandbox, not for Buildkite.
    let listed = home.command(&[], &["--demo", "token", "list", "--json"]);
    assert_ok(&listed);
    let entries: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let entries = entries.as_array().expect("a list");
    assert_eq!(entries.len(), 4, "{entries:?}");
    for entry in entries {
        assert_eq!(entry["server"], "the demo sandbox", "{entry}");
    }
    let listed = home.command(&[], &["--demo", "token", "list"]);
    assert!(
        stdout(&listed).contains("never  (for the demo sandbox)"),
        "{}",
        stdout(&listed)
    );
    // And they are the ones its commands use.
    let invoked = home.command(&[], &["--demo", "invoke", "who-am-i"]);
    assert_ok(&invoked);

    // Messages name it so, never by its random port.
    let status = home.command(&[], &["--demo", "auth", "status"]);
    assert_ok(&status);
    assert!(
        stdout(&status).contains("server: the demo sandbox\n"),
        "{}",
        stdout(&status)
    );
    assert!(
        stdout(&status).contains("token: the demo sandbox's own"),
        "not `none`: {}",
        stdout(&status)
    );
    let report = home.command(&[], &["--demo", "auth", "status", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(report["source"], "demo", "{report}");
    assert_eq!(report["server"], "the demo sandbox", "{report}");
    let query = home.query_file("query { viewer { user { name } } }");
    let refused = home.command(
        &[],
        &[
            "--demo",
            "create",
            "--name",
            "Who am I",
            "--query-file",
            &query,
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    let said = error_line(&refused).expect("an error line");
    assert!(said.starts_with("rejected by the demo sandbox: "), "{said}");
    for output in [&listed, &status, &refused] {
        assert!(!stderr(output).contains("127.0.0.1"), "{}", stderr(output));
        assert!(!stdout(output).contains("127.0.0.1"), "{}", stdout(output));
    }
}
