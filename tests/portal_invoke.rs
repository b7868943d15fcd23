//! The portal endpoint client against the sandbox's portal endpoint.

mod common;

use bkportals::buildkite::{ApiError, NewPortal, PortalChanges};
use bkportals::secrets::Secret;
use common::*;
use serde_json::json;

#[tokio::test]
async fn invoke_runs_the_document_with_variables() {
    let sandbox = sandbox().await;
    let response = portal_client(&sandbox)
        .invoke(
            "recent-builds",
            Some("GetBuilds"),
            &json!({"pipelineSlug": "demo/payments-api", "branch": ["main"]}),
            &portal_token(&sandbox, "recent-builds"),
        )
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert!(response.succeeded());
    let data = response.data().unwrap();
    assert_eq!(data["pipeline"]["name"], "Payments API");
    let edges = data["pipeline"]["builds"]["edges"].as_array().unwrap();
    assert!(!edges.is_empty() && edges.len() <= 5);
    assert!(edges.iter().all(|e| e["node"]["branch"] == "main"));
    assert_eq!(response.rate_limit.scope.as_deref(), Some("portal"));
    assert_eq!(response.rate_limit.limit, Some(200));
    assert_eq!(response.rate_limit.remaining, Some(199));
}

#[tokio::test]
async fn several_operations_need_an_operation_name() {
    let sandbox = sandbox().await;
    let response = portal_client(&sandbox)
        .invoke(
            "recent-builds",
            None,
            &json!({}),
            &portal_token(&sandbox, "recent-builds"),
        )
        .await
        .unwrap();
    assert_eq!(response.status, 400);
    assert!(!response.succeeded());
    let message = &response.graphql.unwrap().errors[0].message;
    assert!(
        message.contains("GetBuilds") && message.contains("triggerBuild"),
        "{message}"
    );
}

#[tokio::test]
async fn build_create_really_adds_a_build() {
    let sandbox = sandbox().await;
    let client = portal_client(&sandbox);
    let token = portal_token(&sandbox, "recent-builds");
    let list = |client: &bkportals::buildkite::PortalClient| {
        let token = token.clone();
        let client = client.clone();
        async move {
            let response = client
                .invoke(
                    "recent-builds",
                    Some("GetBuilds"),
                    &json!({"pipelineSlug": "demo/web-app"}),
                    &token,
                )
                .await
                .unwrap();
            response.data().unwrap()["pipeline"]["builds"]["edges"][0]["node"]["number"]
                .as_i64()
                .unwrap()
        }
    };
    let newest = list(&client).await;

    // This seeded portal's mutation names the web app's pipeline by its GraphQL ID.
    let triggered = client
        .invoke(
            "trigger-main-build",
            None,
            &json!({}),
            &portal_token(&sandbox, "trigger-main-build"),
        )
        .await
        .unwrap();
    let created = triggered.data().unwrap();
    let number = created["buildCreate"]["build"]["number"].as_i64().unwrap();
    assert_eq!(number, newest + 1);
    assert_eq!(
        list(&client).await,
        number,
        "later queries return the new build"
    );
}

#[tokio::test]
async fn wrong_portal_token_is_unauthorized() {
    let sandbox = sandbox().await;
    let err = portal_client(&sandbox)
        .invoke(
            "who-am-i",
            None,
            &json!({}),
            &portal_token(&sandbox, "recent-builds"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Unauthorized { .. }), "{err:?}");
    assert!(err.to_string().contains("--token-env"), "{err}");
}

#[tokio::test]
async fn allowed_ip_addresses_are_enforced() {
    let sandbox = sandbox().await;
    let client = portal_client(&sandbox);
    // Seeded to allow loopback only: this caller may.
    let ok = client
        .invoke(
            "pipeline-overview",
            None,
            &json!({"first": 1}),
            &portal_token(&sandbox, "pipeline-overview"),
        )
        .await
        .unwrap();
    assert!(ok.succeeded(), "{}", ok.body);

    rest(&sandbox)
        .update(
            "pipeline-overview",
            &PortalChanges {
                allowed_ip_addresses: Some("192.0.2.0/24".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let denied = client
        .invoke(
            "pipeline-overview",
            None,
            &json!({}),
            &portal_token(&sandbox, "pipeline-overview"),
        )
        .await
        .unwrap();
    assert_eq!(denied.status, 403);
    assert!(denied.body.contains("127.0.0.1"), "{}", denied.body);
}

#[tokio::test]
async fn a_created_portal_is_invokable_with_its_token() {
    let sandbox = sandbox().await;
    let created = rest(&sandbox)
        .create(&NewPortal {
            name: "Viewer".into(),
            query: "query Me { viewer { user { email } } }".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let response = portal_client(&sandbox)
        .invoke("viewer", None, &json!({}), &created.token)
        .await
        .unwrap();
    let data = response.data().unwrap();
    assert_eq!(data["viewer"]["user"]["email"], "riley@example.com");
}

#[tokio::test]
async fn graphql_errors_and_non_object_bodies_are_reported() {
    let sandbox = sandbox().await;
    let client = portal_client(&sandbox);
    let token = portal_token(&sandbox, "recent-builds");
    let missing_variable = client
        .invoke("recent-builds", Some("GetBuilds"), &json!({}), &token)
        .await
        .unwrap();
    assert!(!missing_variable.succeeded());
    let errors = missing_variable.graphql.unwrap().errors;
    assert!(errors[0].message.contains("pipelineSlug"), "{errors:?}");

    let array_body = client
        .invoke("recent-builds", Some("GetBuilds"), &json!([1]), &token)
        .await
        .unwrap();
    assert_eq!(array_body.status, 400);
    assert!(
        array_body.body.contains("JSON object"),
        "{}",
        array_body.body
    );
}

#[tokio::test]
async fn portal_rate_limit_is_reported_with_the_reset() {
    let sandbox = sandbox_with(bkportals::sandbox::SandboxOptions {
        portal_rate_limit: 1,
        ..Default::default()
    })
    .await;
    let client = portal_client(&sandbox);
    let token = portal_token(&sandbox, "who-am-i");
    client
        .invoke("who-am-i", None, &json!({}), &token)
        .await
        .unwrap();
    let err = client
        .invoke("who-am-i", None, &json!({}), &token)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::RateLimited {
                reset_secs: Some(_),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn unknown_portal_is_not_found() {
    let sandbox = sandbox().await;
    let err = portal_client(&sandbox)
        .invoke("nope", None, &json!({}), &Secret::new("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn answers_past_the_memory_limit_are_kept_in_a_private_file() {
    let sandbox = sandbox().await;
    let variables = json!({"pipelineSlug": "demo/payments-api"});
    let token = portal_token(&sandbox, "recent-builds");
    let in_memory = portal_client(&sandbox)
        .invoke("recent-builds", Some("GetBuilds"), &variables, &token)
        .await
        .unwrap();
    assert!(in_memory.body.spilled_to().is_none());

    let spilling = portal_client_with(
        &sandbox,
        bkportals::buildkite::ClientOptions {
            spill_bytes: 64,
            ..quick_options()
        },
    );
    let spilled = spilling
        .invoke("recent-builds", Some("GetBuilds"), &variables, &token)
        .await
        .unwrap();
    let path = spilled.body.spilled_to().expect("kept on disk").to_owned();
    assert_eq!(spilled.body.as_str(), in_memory.body.as_str());
    assert!(spilled.succeeded(), "read as GraphQL from the file");
    assert_eq!(spilled.data().unwrap()["pipeline"]["name"], "Payments API");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only its owner can read it: {mode:o}");
    }
    let debug = format!("{spilled:?}");
    assert!(
        !debug.contains("Payments API"),
        "Debug says where, not what: {debug}"
    );
    drop(spilled);
    assert!(!path.exists(), "the file goes with the answer");

    let capped = portal_client_with(
        &sandbox,
        bkportals::buildkite::ClientOptions {
            spill_bytes: 64,
            max_spilled_bytes: 100,
            ..quick_options()
        },
    );
    let refused = capped
        .invoke("recent-builds", Some("GetBuilds"), &variables, &token)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("larger than"), "{refused}");
}
