//! What the command line says when a new user gets something wrong: a slug
//! that names no portal, the app started with no terminal, flags `--demo`
//! does not use. The real binary in a private home, against `--demo`'s
//! sandbox over loopback HTTP.

mod common;
mod home;

use home::{assert_ok, error_line, stderr, Home};

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
