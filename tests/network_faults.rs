//! Network faults the client must survive: refused connections, silent servers,
//! 5xx, bodies that are not JSON, and pagination links to another host.
//! Each fault comes from a small real HTTP server on loopback.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::any;
use axum::Router;
use bkportals::buildkite::{ApiError, NewPortal, RestClient};
use bkportals::secrets::Secret;
use common::quick_options;

/// Serves `router` on 127.0.0.1 and returns its base URL.
async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}/")
}

fn client(base: &str) -> RestClient {
    RestClient::new(
        base.parse().unwrap(),
        "acme",
        Secret::new("bkua_test"),
        quick_options(),
    )
    .unwrap()
}

/// A server that fails with `status` for the first `failures` requests, then lists nothing.
async fn flaky(status: StatusCode, failures: usize) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let router = Router::new().fallback(any(move || {
        let counter = counter.clone();
        async move {
            if counter.fetch_add(1, Ordering::SeqCst) < failures {
                (status, "upstream trouble").into_response()
            } else {
                (StatusCode::OK, "[]").into_response()
            }
        }
    }));
    (serve(router).await, hits)
}

#[tokio::test]
async fn connection_refused_names_host_and_port_and_one_short_cause() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = client(&format!("http://{addr}/")).list().await.unwrap_err();
    assert!(matches!(err, ApiError::Network { .. }), "{err:?}");
    // Not reqwest's chain ("error sending request for url (...): client
    // error (Connect): tcp connect error: ..."), which filled three lines.
    assert_eq!(
        err.to_string(),
        format!("could not reach {addr}: connection refused")
    );
}

/// A server that accepts connections and never answers; counts them.
async fn silent() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            held.push(socket); // accept, never answer
        }
    });
    (format!("http://{addr}/"), accepted)
}

#[tokio::test]
async fn a_silent_server_times_out_instead_of_hanging() {
    let (base, _) = silent().await;
    let err = client(&base)
        .create(&NewPortal {
            name: "x".into(),
            query: "{ viewer { user { name } } }".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    // The create may have reached Buildkite; reading it back timed out too.
    assert!(matches!(err, ApiError::OutcomeUnknown { .. }), "{err:?}");
    let text = err.to_string();
    let server = base.trim_start_matches("http://").trim_end_matches('/');
    assert!(
        text.contains(&format!("no answer from {server} within 2s"))
            && text.contains("no answer within 2s"),
        "{text}"
    );
}

#[tokio::test]
async fn one_deadline_covers_every_attempt_of_a_read() {
    let (base, accepted) = silent().await;
    let err = client(&base).list().await.unwrap_err();
    assert!(matches!(err, ApiError::Timeout { .. }), "{err:?}");
    assert!(err.to_string().contains("within 2s"), "{err}");
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "no second attempt once the 2 s are spent"
    );
}

#[tokio::test]
async fn a_slow_server_gets_one_request_per_deadline() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let base = serve(Router::new().fallback(any(move || {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_secs(3)).await;
            (StatusCode::OK, "[]")
        }
    })))
    .await;
    let err = client(&base).get("deploy").await.unwrap_err();
    assert!(matches!(err, ApiError::Timeout { .. }), "{err:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn get_is_retried_after_server_errors() {
    let (base, hits) = flaky(StatusCode::BAD_GATEWAY, 2).await;
    let portals = client(&base).list().await.unwrap();
    assert!(portals.is_empty());
    assert_eq!(hits.load(Ordering::SeqCst), 3, "two 502s, then success");
}

#[tokio::test]
async fn get_gives_up_after_its_attempts_with_a_server_error() {
    let (base, hits) = flaky(StatusCode::SERVICE_UNAVAILABLE, 100).await;
    let err = client(&base).list().await.unwrap_err();
    assert!(
        matches!(err, ApiError::Server { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    assert!(err.to_string().contains("upstream trouble"), "{err}");
}

#[tokio::test]
async fn writes_are_never_retried() {
    let (base, hits) = flaky(StatusCode::INTERNAL_SERVER_ERROR, 1).await;
    let err = client(&base).delete("deploy").await.unwrap_err();
    assert!(
        matches!(err, ApiError::Server { status: 500, .. }),
        "{err:?}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1, "a DELETE is sent once");
}

#[tokio::test]
async fn a_body_that_is_not_json_is_reported_with_its_first_bytes() {
    let base = serve(Router::new().fallback(any(|| async {
        (StatusCode::OK, "<html>\x1b[2JMaintenance</html>")
    })))
    .await;
    let err = client(&base).get("deploy").await.unwrap_err();
    match &err {
        ApiError::Undecodable { status, snippet } => {
            assert_eq!(*status, 200);
            assert!(snippet.contains("Maintenance"), "{snippet}");
            assert!(!snippet.contains('\x1b'), "escape made inert: {snippet:?}");
        }
        other => panic!("expected undecodable, got {other:?}"),
    }
}

#[tokio::test]
async fn pagination_never_follows_a_link_to_another_host() {
    let base = serve(Router::new().fallback(any(|| async {
        (
            StatusCode::OK,
            [(
                "link",
                "<https://evil.example.com/v2/organizations/acme/portals?page=2>; rel=\"next\"",
            )],
            "[]",
        )
    })))
    .await;
    let err = client(&base).list().await.unwrap_err();
    assert!(matches!(err, ApiError::Refused(_)), "{err:?}");
    assert!(err.to_string().contains("evil.example.com"), "{err}");
}

#[tokio::test]
async fn redirects_are_not_followed_with_the_token() {
    let base = serve(Router::new().fallback(any(|| async {
        (
            StatusCode::FOUND,
            [("location", "https://evil.example.com/steal")],
            "",
        )
    })))
    .await;
    let err = client(&base).get("deploy").await.unwrap_err();
    assert!(matches!(err, ApiError::Refused(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("redirected to https://evil.example.com/steal"),
        "{text}"
    );
}

#[test]
fn plain_http_to_a_remote_host_is_refused_before_any_request() {
    let err = RestClient::new(
        "http://api.buildkite.com/".parse().unwrap(),
        "acme",
        Secret::new("bkua_test"),
        quick_options(),
    )
    .err()
    .expect("refused");
    assert!(err.to_string().contains("plain http"), "{err}");
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_a_clear_message() {
    let huge = "x".repeat(9 << 20); // past the 8 MB the test client reads
    let base = serve(Router::new().fallback(any(move || {
        let huge = huge.clone();
        async move { (StatusCode::OK, huge) }
    })))
    .await;
    let err = client(&base).get("deploy").await.unwrap_err();
    assert!(matches!(err, ApiError::Refused(_)), "{err:?}");
    assert!(err.to_string().contains("larger than 8 MB"), "{err}");
}
