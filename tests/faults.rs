//! The client against a sandbox that injects faults (`--faults`): each fault
//! gives a clear error or is survived, nothing panics or hangs, and only
//! safe requests are retried.

mod common;

use std::time::{Duration, Instant};

use bkportals::buildkite::{ApiError, NewPortal};
use bkportals::sandbox::{FaultSpec, SandboxOptions};
use common::*;

async fn faulty(spec: &str) -> bkportals::sandbox::RunningSandbox {
    sandbox_with(SandboxOptions {
        faults: FaultSpec::parse(spec).unwrap(),
        ..Default::default()
    })
    .await
}

fn new_portal() -> NewPortal {
    NewPortal {
        name: "Faulty".into(),
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
async fn a_429_burst_is_waited_out() {
    let sandbox = faulty("429=1").await;
    let started = Instant::now();
    assert_eq!(rest(&sandbox).list().await.unwrap().len(), 4);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited for RateLimit-Reset"
    );
}

#[tokio::test]
async fn dropped_connections_are_reported_and_retried_for_reads() {
    let sandbox = faulty("drop=1").await;
    let err = rest(&sandbox).list().await.unwrap_err();
    assert!(matches!(err, ApiError::Network { .. }), "{err:?}");
    assert!(
        err.to_string().contains("could not reach 127.0.0.1"),
        "{err}"
    );

    let sandbox = faulty("drop=2").await;
    assert!(
        rest(&sandbox).list().await.is_ok(),
        "every other request dropped: a retry gets through"
    );
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
    let started = Instant::now();
    let err = rest(&sandbox).create(&new_portal()).await.unwrap_err();
    assert!(matches!(err, ApiError::Timeout { .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_millis(2900),
        "gave up at the 2 s timeout"
    );
}

#[tokio::test]
async fn a_slow_body_still_arrives_when_it_fits_the_timeout() {
    let sandbox = faulty("slow=50000").await;
    assert_eq!(rest(&sandbox).list().await.unwrap().len(), 4);
}
