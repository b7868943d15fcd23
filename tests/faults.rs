//! The client against a sandbox that injects faults (`--faults`): each fault
//! gives a clear error or is survived, nothing panics or hangs, and only
//! safe requests are retried.

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};

use bkportals::buildkite::{ApiError, NewPortal, Notice, Notices, PortalChanges};
use bkportals::sandbox::{FaultSpec, RunningSandbox, SandboxOptions};
use common::*;
use serde_json::json;

async fn faulty(spec: &str) -> RunningSandbox {
    sandbox_with(SandboxOptions {
        faults: FaultSpec::parse(spec).unwrap(),
        ..Default::default()
    })
    .await
}

/// A faulty sandbox that keeps its portals and builds in `state`, where a
/// test can count them whatever the faults do to answers.
async fn faulty_with_state(spec: &str, state: &Path) -> RunningSandbox {
    sandbox_with(SandboxOptions {
        faults: FaultSpec::parse(spec).unwrap(),
        state_file: Some(state.to_owned()),
        ..Default::default()
    })
    .await
}

/// How many portals (with `slug`, when given) and builds the sandbox holds.
fn saved(state: &Path, slug: Option<&str>) -> (usize, usize) {
    let text = std::fs::read_to_string(state).unwrap();
    let world: serde_json::Value = serde_json::from_str(&text).unwrap();
    let portals = world["portals"].as_array().unwrap();
    let matching = portals
        .iter()
        .filter(|p| slug.is_none_or(|s| p["slug"] == s))
        .count();
    (matching, world["builds"].as_array().unwrap().len())
}

fn new_portal() -> NewPortal {
    new_portal_named("Faulty")
}

fn new_portal_named(name: &str) -> NewPortal {
    NewPortal {
        name: name.into(),
        query: "query Q { viewer { user { name } } }".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_burst_of_503s_is_retried_for_reads_only() {
    let sandbox = faulty("503=2").await;
    assert_eq!(
        rest(&sandbox).list().await.unwrap().len(),
        4,
        "two 503s, then the list"
    );

    let sandbox = faulty("503=1").await;
    let err = rest(&sandbox).create(&new_portal()).await.unwrap_err();
    assert!(
        matches!(err, ApiError::Server { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(
        rest(&sandbox).list().await.unwrap().len(),
        4,
        "the create was not repeated"
    );
}

#[tokio::test]
async fn a_429_burst_is_waited_out_and_the_wait_is_announced() {
    let sandbox = faulty("429=1").await;
    let told = Arc::new(Mutex::new(Vec::new()));
    let notes = told.clone();
    let client = rest(&sandbox).with_notices(Notices::new(move |notice| {
        notes.lock().unwrap().push(notice.clone());
    }));
    assert_eq!(client.list().await.unwrap().len(), 4);
    let told = told.lock().unwrap().clone();
    let server =
        bkportals::api_token::other_server(&url::Url::parse(&sandbox.rest_endpoint()).unwrap());
    assert_eq!(
        told,
        [
            Notice::RateLimited {
                wait: std::time::Duration::from_secs(1),
                server: server.clone(),
            },
            Notice::RateLimitOver { server }
        ],
        "one wait, for the RateLimit-Reset the sandbox sent, and its end"
    );
    // The sandbox is not Buildkite: the notice names it.
    let address = sandbox.rest_endpoint();
    let address = address
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default();
    assert_eq!(
        told[0].to_string(),
        format!("rate-limited by {address}; continuing in 1 s")
    );
    assert_eq!(
        told[1].to_string(),
        format!("the rate limit of {address} is over; continuing")
    );
}

#[tokio::test]
async fn dropped_connections_are_reported_and_retried_for_reads() {
    let sandbox = faulty("drop=1").await;
    let err = rest(&sandbox).list().await.unwrap_err();
    assert!(matches!(err, ApiError::Network { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with(&format!(
            "could not reach {}: ",
            common::server_name(&sandbox)
        )),
        "{err}"
    );

    // Every other request dropped: the list (the second) is dropped once,
    // then its retry gets through.
    let sandbox = faulty("drop=2").await;
    rest(&sandbox).get("who-am-i").await.unwrap();
    assert_eq!(rest(&sandbox).list().await.unwrap().len(), 4);
}

#[tokio::test]
async fn a_read_whose_body_is_cut_is_retried() {
    let sandbox = faulty("truncate=2").await;
    rest(&sandbox).get("who-am-i").await.unwrap();
    let portals = rest(&sandbox).list().await.unwrap();
    assert_eq!(portals.len(), 4, "the cut list was fetched again");
    let portal = rest(&sandbox).get("who-am-i").await.unwrap();
    assert_eq!(portal.slug, "who-am-i", "the third request was cut too");
}

#[tokio::test]
async fn truncated_and_non_json_bodies_are_errors_a_person_can_read() {
    let sandbox = faulty("truncate=1").await;
    let err = rest(&sandbox).get("who-am-i").await.unwrap_err();
    assert!(matches!(err, ApiError::Network { .. }), "{err:?}");

    let sandbox = faulty("garbage=1").await;
    let err = rest(&sandbox).get("who-am-i").await.unwrap_err();
    match err {
        ApiError::Undecodable { status, snippet } => {
            assert_eq!(status, 200);
            assert!(snippet.contains("502 Bad Gateway"), "{snippet}");
        }
        other => panic!("expected undecodable, got {other:?}"),
    }
}

#[tokio::test]
async fn latency_past_the_timeout_is_a_timeout_not_a_hang() {
    let sandbox = faulty("latency=3000").await;
    let err = rest(&sandbox).get("who-am-i").await.unwrap_err();
    assert!(matches!(err, ApiError::Timeout { .. }), "{err:?}");
    assert!(err.to_string().contains("within 2s"), "{err}");
}

#[tokio::test]
async fn a_create_whose_answer_is_cut_says_it_was_created_and_is_never_made_twice() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    // Every second answer is cut: the list passes, the create's is cut,
    // the read-back passes, the repeated create's is cut again.
    let sandbox = faulty_with_state("truncate=2", &state).await;
    let client = rest(&sandbox);
    assert_eq!(client.list().await.unwrap().len(), 4);
    let err = client
        .create(&new_portal_named("App trunc"))
        .await
        .unwrap_err();
    match &err {
        ApiError::CreatedWithoutToken { slug, portal } => {
            assert_eq!(slug, "app-trunc");
            assert_eq!(portal.as_ref().map(|p| p.name.as_str()), Some("App trunc"));
        }
        other => panic!("expected created without token, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "portal `app-trunc` was created, but its token could not be read: make a new token on the portal's Security page, or delete and create it again"
    );

    // A second try (the app's second Ctrl-s) sends the same slug: refused.
    let again = client
        .create(&new_portal_named("App trunc"))
        .await
        .unwrap_err();
    assert!(matches!(again, ApiError::Validation { .. }), "{again:?}");
    assert!(again.to_string().contains("slug `app-trunc`"), "{again}");
    assert_eq!(saved(&state, Some("app-trunc")).0, 1, "exactly one portal");
    assert_eq!(saved(&state, None).0, 5);
}

#[tokio::test]
async fn a_create_slower_than_the_timeout_says_it_was_created() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    // The status arrives, the body trickles for longer than the 2 s timeout.
    let sandbox = faulty_with_state("slow=100", &state).await;
    let err = rest(&sandbox)
        .create(&new_portal_named("App slow"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ApiError::CreatedWithoutToken { slug, .. } if slug == "app-slow"),
        "{err:?}"
    );
    assert!(err.to_string().contains("token could not be read"), "{err}");
    assert_eq!(saved(&state, Some("app-slow")).0, 1);
}

#[tokio::test]
async fn a_create_dropped_before_it_ran_says_it_was_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    // The list passes, the create is dropped before the server runs it,
    // the read-back passes and finds nothing.
    let sandbox = faulty_with_state("drop=2", &state).await;
    let client = rest(&sandbox);
    assert_eq!(client.list().await.unwrap().len(), 4);
    let err = client
        .create(&new_portal_named("App drop"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ApiError::NotCreated { slug, .. } if slug == "app-drop"),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "portal `app-drop` was not created: the answer from {} was lost",
            server_name(&sandbox)
        )) && text.ends_with("trying again is safe"),
        "{text}"
    );
    assert_eq!(saved(&state, Some("app-drop")).0, 0);
}

#[tokio::test]
async fn a_create_whose_outcome_cannot_be_read_back_is_unclear_not_failed() {
    let sandbox = faulty("latency=3000").await;
    let err = rest(&sandbox).create(&new_portal()).await.unwrap_err();
    assert!(matches!(err, ApiError::OutcomeUnknown { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with(
            "portal `faulty` may or may not have been created (reading it back failed:"
        ) && text.contains("no answer within 2s")
            && text.contains("check before trying again"),
        "{text}"
    );
}

#[tokio::test]
async fn an_invocation_whose_answer_is_cut_may_have_run_and_is_not_repeated() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let sandbox = faulty_with_state("truncate=1", &state).await;
    let (_, builds_before) = saved(&state, None);
    let err = portal_client(&sandbox)
        .invoke(
            "trigger-main-build",
            None,
            &json!({}),
            &portal_token(&sandbox, "trigger-main-build"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::OutcomeUnknown { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("portal `trigger-main-build` may have run: the answer from {} was lost: the connection closed before the HTTP 200 answer was complete", server_name(&sandbox)))
            && text.contains("it was not sent again"),
        "{text}"
    );
    assert_eq!(
        saved(&state, None).1,
        builds_before + 1,
        "one build, not two"
    );
}

#[tokio::test]
async fn a_write_whose_answer_is_lost_is_unclear_and_sent_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let sandbox = faulty_with_state("truncate=1", &state).await;
    let changes = PortalChanges {
        description: Some("Changed once".into()),
        ..Default::default()
    };
    let err = rest(&sandbox)
        .update("who-am-i", &changes)
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::OutcomeUnknown { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with(&format!(
            "the change to portal `who-am-i` may or may not have been saved: the answer from {} was lost",
            server_name(&sandbox)
        )),
        "{err}"
    );
    let text = std::fs::read_to_string(&state).unwrap();
    assert!(text.contains("Changed once"), "the change was made, once");
}

#[tokio::test]
async fn a_slow_body_still_arrives_when_it_fits_the_timeout() {
    let sandbox = faulty("slow=50000").await;
    assert_eq!(rest(&sandbox).list().await.unwrap().len(), 4);
}
