//! User-invoked (device code) and ephemeral portal tokens, client against sandbox.

mod common;

use std::time::Duration;

use bkportals::buildkite::{ApiError, Exchange};
use bkportals::sandbox::SandboxOptions;
use bkportals::secrets::Secret;
use common::*;
use serde_json::json;

async fn approve(sandbox: &bkportals::sandbox::RunningSandbox, code: &str, user: &str, deny: bool) {
    let page = format!("{}authorize/{code}", sandbox.base_url());
    assert!(approve_on_page(&page, user, !deny).await.is_success());
}

#[tokio::test]
async fn device_code_flow_grants_one_user_token_that_runs_as_the_user() {
    let sandbox = sandbox().await;
    let client = portal_client(&sandbox);
    let code = client.request_code("who-am-i").await.unwrap();
    assert!(code
        .authorization_url
        .ends_with(&format!("/authorize/{}", code.code)));
    assert!(
        !format!("{code:?}").contains(code.secret.expose()),
        "the secret is redacted"
    );

    assert!(matches!(
        client.exchange_code("who-am-i", &code, None).await.unwrap(),
        Exchange::Pending
    ));
    let page = reqwest::get(&code.authorization_url)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Approve") && page.contains("Who am I"),
        "{page}"
    );
    approve(&sandbox, &code.code, "jordan@example.com", false).await;

    let Exchange::Granted(token) = client
        .exchange_code("who-am-i", &code, Some(30))
        .await
        .unwrap()
    else {
        panic!("approved codes grant a token");
    };
    assert!(token.token.expose().starts_with("bkpat_"));
    let err = client
        .exchange_code("who-am-i", &code, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already been used"), "{err}");

    let response = client
        .invoke("who-am-i", None, &json!({}), &token.token)
        .await
        .unwrap();
    assert_eq!(
        response.data().unwrap()["viewer"]["user"]["name"],
        "Jordan Builder"
    );
}

#[tokio::test]
async fn a_user_token_cannot_do_what_its_user_cannot() {
    let sandbox = sandbox().await;
    let client = portal_client(&sandbox);
    let code = client.request_code("recent-builds").await.unwrap();
    approve(&sandbox, &code.code, "jordan@example.com", false).await;
    let Exchange::Granted(token) = client
        .exchange_code("recent-builds", &code, None)
        .await
        .unwrap()
    else {
        panic!("granted");
    };
    let pipelines = reqwest::Client::new()
        .post(sandbox.graphql_endpoint())
        .bearer_auth(&sandbox.api_token)
        .json(&json!({"query": "{ web: pipeline(slug: \"demo/web-app\") { id } ios: pipeline(slug: \"demo/mobile-ios\") { id } }"}))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let web = pipelines["data"]["web"]["id"].as_str().unwrap().to_owned();
    let ios = pipelines["data"]["ios"]["id"].as_str().unwrap().to_owned();

    let denied = client
        .invoke(
            "recent-builds",
            Some("triggerBuild"),
            &json!({"pipelineID": web}),
            &token.token,
        )
        .await
        .unwrap();
    assert!(!denied.succeeded());
    assert!(
        denied.graphql.unwrap().errors[0]
            .message
            .contains("permission"),
        "Jordan may not build web-app"
    );

    let allowed = client
        .invoke(
            "recent-builds",
            Some("triggerBuild"),
            &json!({"pipelineID": ios}),
            &token.token,
        )
        .await
        .unwrap();
    assert!(allowed.succeeded(), "{}", allowed.body);

    let admin = client
        .invoke(
            "recent-builds",
            Some("triggerBuild"),
            &json!({"pipelineID": web}),
            &portal_token(&sandbox, "recent-builds"),
        )
        .await
        .unwrap();
    assert!(admin.succeeded(), "the long-lived token is admin-level");
}

#[tokio::test]
async fn denied_and_expired_codes_say_so() {
    let sandbox = sandbox_with(SandboxOptions {
        minute: Duration::from_millis(40),
        ..Default::default()
    })
    .await;
    let client = portal_client(&sandbox);
    let denied = client.request_code("who-am-i").await.unwrap();
    approve(&sandbox, &denied.code, "riley@example.com", true).await;
    let err = client
        .exchange_code("who-am-i", &denied, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("denied"), "{err}");

    let late = client.request_code("who-am-i").await.unwrap();
    tokio::time::sleep(Duration::from_millis(250)).await; // five sandbox minutes
    let err = client
        .exchange_code("who-am-i", &late, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("expired"), "{err}");

    let err = client.request_code("trigger-main-build").await.unwrap_err();
    assert!(
        matches!(err, ApiError::Forbidden { .. }),
        "not user-invokable: {err:?}"
    );
    assert!(err.to_string().contains("user-invokable"), "{err}");
}

#[tokio::test]
async fn an_expired_token_is_refused_with_a_clear_message() {
    let sandbox = sandbox_with(SandboxOptions {
        // Long enough that the first call lands inside the token's minute on
        // a loaded machine, short enough to wait out.
        minute: Duration::from_millis(1000),
        ..Default::default()
    })
    .await;
    let client = portal_client(&sandbox);
    let portal = rest(&sandbox).get("who-am-i").await.unwrap();
    let token = client
        .ephemeral_token(
            "who-am-i",
            &portal.uuid,
            &Secret::new("bkps_sandbox_who_am_i"),
            Some(1),
        )
        .await
        .unwrap();
    assert!(client
        .invoke("who-am-i", None, &json!({}), &token.token)
        .await
        .is_ok());
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let err = client
        .invoke("who-am-i", None, &json!({}), &token.token)
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Unauthorized { .. }), "{err:?}");
    assert!(err.to_string().contains("expired"), "{err}");
}

#[tokio::test]
async fn ephemeral_tokens_need_the_portals_uuid_and_a_secret() {
    let sandbox = sandbox().await;
    let client = portal_client(&sandbox);
    let portal = rest(&sandbox).get("trigger-main-build").await.unwrap();
    let secret = Secret::new("bkps_sandbox_trigger_main_build");
    let err = client
        .ephemeral_token(
            "trigger-main-build",
            &portal.uuid,
            &Secret::new("bkps_wrong"),
            None,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("secret is not valid"), "{err}");
    let err = client
        .ephemeral_token("trigger-main-build", "not-the-uuid", &secret, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("UUID"), "{err}");

    let token = client
        .ephemeral_token("trigger-main-build", &portal.uuid, &secret, Some(600))
        .await
        .unwrap();
    let expires = chrono::DateTime::parse_from_rfc3339(&token.expires_at).unwrap();
    let minutes = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes();
    assert!(
        (58..=60).contains(&minutes),
        "at most an hour, got {minutes} minutes"
    );
    let response = client
        .invoke("trigger-main-build", None, &json!({}), &token.token)
        .await
        .unwrap();
    assert!(
        response.succeeded(),
        "ephemeral tokens are admin-level: {}",
        response.body
    );
}
