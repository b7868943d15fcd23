//! The REST client against the sandbox over real HTTP on loopback.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use bkportals::buildkite::{ApiError, NewPortal, PortalChanges};
use bkportals::sandbox::SandboxOptions;
use common::*;

fn new_portal(name: &str) -> NewPortal {
    NewPortal {
        name: name.into(),
        query: "query Q { viewer { user { name } } }".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn list_follows_every_page() {
    let sandbox = sandbox_with(SandboxOptions {
        extra_portals: 246,
        ..Default::default()
    })
    .await;
    let portals = rest(&sandbox).list().await.unwrap();
    assert_eq!(portals.len(), 250);
    let slugs: HashSet<_> = portals.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(slugs.len(), 250, "no portal is listed twice");

    let mut pages = Vec::new();
    rest(&sandbox)
        .list_pages(|page| pages.push(page.len()))
        .await
        .unwrap();
    assert_eq!(pages, [100, 100, 50], "per_page=100 and Link rel=next");
}

#[tokio::test]
async fn create_get_update_delete_round_trip() {
    let sandbox = sandbox().await;
    let client = rest(&sandbox);
    let created = client
        .create(&NewPortal {
            description: Some("Lists builds".into()),
            allowed_ip_addresses: Some("127.0.0.1/32 192.0.2.0/24".into()),
            user_invokable: true,
            ..new_portal("Nightly Report!")
        })
        .await
        .unwrap();
    assert_eq!(
        created.portal.slug, "nightly-report",
        "slug made from the name"
    );
    assert!(created.token.expose().starts_with("bkpat_"));
    assert!(created.portal.user_invokable);

    // The slug made from the name is sent: a second portal of that name
    // is refused, not made as `nightly-report-2`.
    let again = client
        .create(&new_portal("Nightly report"))
        .await
        .unwrap_err();
    // Said by the sandbox, not by Buildkite: it is named.
    assert_eq!(
        again.to_string(),
        format!(
            "rejected by {}: Validation failed: Slug has already been taken (the slug `nightly-report` was made from the name; give another slug)",
            server_name(&sandbox)
        )
    );
    // An error about something else gets no hint about the slug.
    let bad_ips = client
        .create(&NewPortal {
            allowed_ip_addresses: Some("10.0.0.0/33".into()),
            ..new_portal("X y")
        })
        .await
        .unwrap_err()
        .to_string();
    assert!(bad_ips.contains("`10.0.0.0/33`"), "{bad_ips}");
    assert!(!bad_ips.contains("slug"), "{bad_ips}");
    let named = client
        .create(&NewPortal {
            slug: Some("nightly-report-2".into()),
            ..new_portal("Nightly report")
        })
        .await
        .unwrap();
    assert_eq!(
        named.portal.slug, "nightly-report-2",
        "a given slug is used"
    );

    let fetched = client.get("nightly-report").await.unwrap();
    assert_eq!(fetched, created.portal);
    assert_eq!(
        fetched.created_by.as_ref().map(|c| c.name.as_str()),
        Some("Riley Admin")
    );

    let changes = PortalChanges::diff(
        &fetched,
        PortalChanges {
            name: Some("Nightly report".into()),
            description: Some("Lists builds".into()),
            ..Default::default()
        },
    );
    assert_eq!(
        serde_json::to_value(&changes).unwrap(),
        serde_json::json!({"name": "Nightly report"})
    );
    let updated = client.update("nightly-report", &changes).await.unwrap();
    assert_eq!(updated.name, "Nightly report");
    assert_eq!(updated.description.as_deref(), Some("Lists builds"));

    client.delete("nightly-report").await.unwrap();
    let err = client.get("nightly-report").await.unwrap_err();
    assert!(matches!(err, ApiError::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("nightly-report"), "{err}");
}

#[tokio::test]
async fn invalid_token_is_unauthorized_with_a_hint() {
    let sandbox = sandbox().await;
    let err = rest_with_token(&sandbox, "bkua_wrong")
        .list()
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Unauthorized { .. }), "{err:?}");
    assert!(err.to_string().contains("BUILDKITE_API_TOKEN"), "{err}");
}

#[tokio::test]
async fn missing_scopes_are_named() {
    let sandbox = sandbox().await;
    let err = rest_with_token(&sandbox, NO_PORTAL_SCOPES_TOKEN)
        .list()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::Forbidden {
                scope: Some("read_portals"),
                ..
            }
        ),
        "{err:?}"
    );
    let read_only = rest_with_token(&sandbox, READ_ONLY_TOKEN);
    assert_eq!(
        read_only.list().await.unwrap().len(),
        4,
        "read_portals can list"
    );
    let err = read_only.create(&new_portal("Nope")).await.unwrap_err();
    assert!(err.to_string().contains("`write_portals` scope"), "{err}");
    let err = read_only.delete("who-am-i").await.unwrap_err();
    assert!(err.to_string().contains("`write_portals` scope"), "{err}");
    assert!(rest(&sandbox).get("who-am-i").await.is_ok(), "not deleted");
}

#[tokio::test]
async fn validation_errors_carry_the_server_message() {
    let sandbox = sandbox().await;
    let client = rest(&sandbox);
    let cases = [
        (new_portal("   "), "Name can't be blank"),
        (
            NewPortal {
                query: "".into(),
                ..new_portal("No query")
            },
            "Query can't be blank",
        ),
        (
            NewPortal {
                query: "query { pipeline( }".into(),
                ..new_portal("Broken")
            },
            "Query is invalid",
        ),
        (
            NewPortal {
                allowed_ip_addresses: Some("10.0.0.0/8 300.1.2.3/24".into()),
                ..new_portal("Bad CIDR")
            },
            "300.1.2.3/24",
        ),
        (
            NewPortal {
                slug: Some("who-am-i".into()),
                ..new_portal("Taken")
            },
            "Slug has already been taken",
        ),
    ];
    for (portal, expected) in cases {
        let err = client.create(&portal).await.unwrap_err();
        match &err {
            ApiError::Validation { message, .. } => {
                assert!(message.starts_with("Validation failed: "), "{message}");
                assert!(message.contains(expected), "{message} lacks {expected}");
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
    let err = client
        .update(
            "who-am-i",
            &PortalChanges {
                query: Some("{ unclosed".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Query is invalid"), "{err}");
}

#[tokio::test]
async fn rate_limited_get_waits_for_the_reset_and_succeeds() {
    let sandbox = sandbox_with(SandboxOptions {
        user_rate_limit: 2,
        rate_window: Duration::from_secs(1),
        ..Default::default()
    })
    .await;
    let client = rest(&sandbox);
    for _ in 0..2 {
        client.get("who-am-i").await.unwrap();
    }
    // The third GET gets a 429, waits RateLimit-Reset (1s) and retries.
    let portal = client.get("who-am-i").await.unwrap();
    assert_eq!(portal.slug, "who-am-i");
}

#[tokio::test]
async fn rate_limited_write_is_not_retried_and_says_when_to_retry() {
    let sandbox = sandbox_with(SandboxOptions {
        user_rate_limit: 1,
        rate_window: Duration::from_secs(30),
        ..Default::default()
    })
    .await;
    let client = rest(&sandbox);
    client.get("who-am-i").await.unwrap();
    let err = client.create(&new_portal("Later")).await.unwrap_err();
    match &err {
        ApiError::RateLimited { reset_secs, .. } => {
            assert!(matches!(reset_secs, Some(1..=30)), "{reset_secs:?}")
        }
        other => panic!("expected 429, got {other:?}"),
    }
    assert!(err.to_string().contains("try again in"), "{err}");
    // A GET would wait 30s, longer than the client's bound: it reports instead.
    let err = client.list().await.unwrap_err();
    assert!(matches!(err, ApiError::RateLimited { .. }), "{err:?}");
}

#[tokio::test]
async fn unknown_organization_is_not_found() {
    let sandbox = sandbox().await;
    let client = bkportals::buildkite::RestClient::new(
        sandbox.rest_endpoint().parse().unwrap(),
        "no-such-org",
        bkportals::secrets::Secret::new(&sandbox.api_token),
        quick_options(),
    )
    .unwrap();
    let err = client.list().await.unwrap_err();
    assert!(matches!(err, ApiError::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("no-such-org"), "{err}");
}
