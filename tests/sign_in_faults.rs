//! "Sign in as me" polls until a person decides: an unreadable poll answer
//! (here every fourth answer of the sandbox is an HTML page) is said and
//! polled past, never the end of the flow.

mod common;

use bkportals::buildkite::Exchange;
use bkportals::sandbox::{FaultSpec, SandboxOptions};
use common::*;

/// What each poll told, in one word (`Unreadable` with its reason).
fn told(exchange: &Exchange) -> String {
    match exchange {
        Exchange::Granted(_) => "granted".into(),
        Exchange::Pending => "pending".into(),
        Exchange::Unreadable(why) => format!("unreadable: {why}"),
    }
}

#[tokio::test]
async fn a_garbled_poll_answer_is_polled_past_until_the_approval() {
    let sandbox = sandbox_with(SandboxOptions {
        faults: FaultSpec::parse("garbage=4").unwrap(),
        ..Default::default()
    })
    .await;
    let client = portal_client(&sandbox);
    // Answer 1: the code.
    let code = client.request_code("who-am-i").await.unwrap();
    let mut polls = Vec::new();
    // Answers 2 to 5: pending, pending, garbled, pending again.
    for _ in 0..4 {
        polls.push(told(
            &client.exchange_code("who-am-i", &code, None).await.unwrap(),
        ));
    }
    assert_eq!(polls[..2], ["pending", "pending"]);
    assert!(
        polls[2].starts_with("unreadable: unexpected response (HTTP 200), not the JSON expected"),
        "{polls:?}"
    );
    assert_eq!(polls[3], "pending", "the flow goes on after it");
    // Answers 6 and 7: the approval; 8 is garbled, 9 has the token.
    let approved = approve_on_page(&code.authorization_url, "jordan@example.com", true).await;
    assert!(
        approved.is_success() || approved.is_redirection(),
        "{approved}"
    );
    let after = told(&client.exchange_code("who-am-i", &code, None).await.unwrap());
    assert!(after.starts_with("unreadable:"), "{after}");
    let granted = client.exchange_code("who-am-i", &code, None).await.unwrap();
    assert!(
        matches!(granted, Exchange::Granted(_)),
        "{}",
        told(&granted)
    );
}

#[tokio::test]
async fn a_denial_still_ends_the_flow() {
    let sandbox = sandbox().await;
    let client = portal_client(&sandbox);
    let code = client.request_code("who-am-i").await.unwrap();
    approve_on_page(&code.authorization_url, "jordan@example.com", false).await;
    let err = client
        .exchange_code("who-am-i", &code, None)
        .await
        .expect_err("a denial is a definite answer");
    assert!(err.to_string().contains("denied"), "{err}");
}
